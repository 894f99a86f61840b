// Connection pools (pool.hpp): QueuePool, StaticPool, NullPool, following SQLAlchemy's
// sqlalchemy/pool/impl.py. Connections are made outside the pool's lock, so one slow connect
// does not stall every other borrower.
#include "crucible/pool.hpp"

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <utility>

#include "crucible/dbapi.hpp"
#include "crucible/errors.hpp"

namespace crucible {

using Clock = std::chrono::steady_clock;

/// One DBAPI connection the pool owns, with what the pool needs to know about it.
struct PooledConnection::Record {
  std::unique_ptr<DbapiConnection> dbapi;
  std::shared_ptr<void> info;  ///< PooledConnection::info()
  Clock::time_point created{Clock::now()};
  bool invalidated{false};
};

namespace {

using RecordPtr = std::unique_ptr<PooledConnection::Record>;

RecordPtr new_record(const PoolHooks& hooks) {
  auto record = std::make_unique<PooledConnection::Record>();
  record->dbapi = hooks.create();
  return record;
}

void close_record(PooledConnection::Record& record) noexcept {
  if (record.dbapi) record.dbapi->close();
  record.info.reset();
}

// Whether a record may be handed out again: not invalidated, not past pool_recycle, and (with
// pre-ping) answering.
bool usable(PooledConnection::Record& record, const PoolOptions& options, const PoolHooks& hooks) {
  if (record.invalidated || !record.dbapi) return false;
  if (options.pool_recycle >= 0 &&
      std::chrono::duration<double>(Clock::now() - record.created).count() > options.pool_recycle)
    return false;
  if (options.pool_pre_ping && !(hooks.ping ? hooks.ping(*record.dbapi) : record.dbapi->ping()))
    return false;
  return true;
}

// Puts a returned connection back in a clean state: PEP 249 rollback (SQLAlchemy's
// reset_on_return="rollback"). A connection that cannot roll back is dead.
void reset(PooledConnection::Record& record) noexcept {
  if (record.invalidated || !record.dbapi) return;
  try {
    record.dbapi->rollback();
  } catch (...) {
    record.invalidated = true;
  }
}

class QueuePool final : public Pool {
 public:
  QueuePool(PoolHooks hooks, PoolOptions options) : hooks_(std::move(hooks)), options_(options) {}
  ~QueuePool() override { dispose(); }

  PooledConnection connect() override {
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(options_.pool_timeout));
    std::unique_lock lock(mutex_);
    for (;;) {
      if (!idle_.empty()) {
        RecordPtr record = std::move(idle_.back());
        idle_.pop_back();
        ++checked_out_;
        lock.unlock();
        return hand_out(std::move(record));
      }
      if (options_.max_overflow < 0 || open_ < options_.pool_size + options_.max_overflow) {
        ++open_;
        ++checked_out_;
        lock.unlock();
        return hand_out(nullptr);
      }
      if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
          !(options_.max_overflow < 0 || open_ < options_.pool_size + options_.max_overflow)) {
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.2f", options_.pool_timeout);
        throw TimeoutError("QueuePool limit of size " + std::to_string(options_.pool_size) +
                           " overflow " + std::to_string(options_.max_overflow) +
                           " reached, connection timed out, timeout " + seconds +
                           " s; return connections sooner (close them) or raise pool_size / "
                           "max_overflow");
      }
    }
  }

  void dispose() noexcept override {
    std::deque<RecordPtr> idle;
    {
      std::lock_guard lock(mutex_);
      idle.swap(idle_);
      open_ -= static_cast<int>(idle.size());
    }
    for (auto& r : idle) close_record(*r);
  }

  int checkedout() const noexcept override {
    std::lock_guard lock(mutex_);
    return checked_out_;
  }

  std::string status() const override {
    std::lock_guard lock(mutex_);
    return "Pool size: " + std::to_string(options_.pool_size) +
           "  Connections in pool: " + std::to_string(idle_.size()) +
           " Current Overflow: " + std::to_string(open_ - options_.pool_size) +
           " Current Checked out connections: " + std::to_string(checked_out_);
  }

 protected:
  void checkin(PooledConnection::Record* raw) noexcept override {
    RecordPtr record(raw);
    reset(*record);
    std::unique_lock lock(mutex_);
    --checked_out_;
    if (!record->invalidated && static_cast<int>(idle_.size()) < options_.pool_size) {
      idle_.push_back(std::move(record));
    } else {
      --open_;
      lock.unlock();
      close_record(*record);
      lock.lock();
    }
    available_.notify_one();
  }

 private:
  // Makes record usable (replacing it when stale or dead, or creating one when null) and wraps
  // it in a handle. The slot is already counted in open_ and checked_out_; on failure it is
  // given back.
  PooledConnection hand_out(RecordPtr record) {
    try {
      if (record && !usable(*record, options_, hooks_)) {
        close_record(*record);
        record.reset();
      }
      if (!record) record = new_record(hooks_);
    } catch (...) {
      std::lock_guard lock(mutex_);
      --open_;
      --checked_out_;
      available_.notify_one();
      throw;
    }
    return PooledConnection(shared_from_this(), record.release());
  }

  PoolHooks hooks_;
  PoolOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::deque<RecordPtr> idle_;
  int open_{0};  ///< connections in existence: idle + checked out
  int checked_out_{0};
};

// StaticPool: one connection for every borrower. The record is owned here and lent out; checkin
// only resets it.
class StaticPool final : public Pool {
 public:
  StaticPool(PoolHooks hooks, PoolOptions options) : hooks_(std::move(hooks)), options_(options) {}
  ~StaticPool() override { dispose(); }

  PooledConnection connect() override {
    std::lock_guard lock(mutex_);
    if (record_ && record_->invalidated && checked_out_ == 0) {
      close_record(*record_);
      record_.reset();
    }
    if (!record_) record_ = new_record(hooks_);
    ++checked_out_;
    return PooledConnection(shared_from_this(), record_.get());
  }

  void dispose() noexcept override {
    std::lock_guard lock(mutex_);
    if (record_ && checked_out_ == 0) {
      close_record(*record_);
      record_.reset();
    }
  }

  int checkedout() const noexcept override {
    std::lock_guard lock(mutex_);
    return checked_out_;
  }

  std::string status() const override { return "StaticPool"; }

 protected:
  void checkin(PooledConnection::Record* record) noexcept override {
    std::lock_guard lock(mutex_);
    --checked_out_;
    if (checked_out_ == 0) reset(*record);
  }

 private:
  PoolHooks hooks_;
  PoolOptions options_;
  mutable std::mutex mutex_;
  RecordPtr record_;
  int checked_out_{0};
};

class NullPool final : public Pool {
 public:
  NullPool(PoolHooks hooks, PoolOptions options) : hooks_(std::move(hooks)), options_(options) {}

  PooledConnection connect() override {
    RecordPtr record = new_record(hooks_);
    std::lock_guard lock(mutex_);
    ++checked_out_;
    return PooledConnection(shared_from_this(), record.release());
  }
  void dispose() noexcept override {}
  int checkedout() const noexcept override {
    std::lock_guard lock(mutex_);
    return checked_out_;
  }
  std::string status() const override { return "NullPool"; }

 protected:
  void checkin(PooledConnection::Record* raw) noexcept override {
    RecordPtr record(raw);
    close_record(*record);
    std::lock_guard lock(mutex_);
    --checked_out_;
  }

 private:
  PoolHooks hooks_;
  PoolOptions options_;
  mutable std::mutex mutex_;
  int checked_out_{0};
};

}  // namespace

Pool::~Pool() = default;

PooledConnection::PooledConnection(std::shared_ptr<Pool> pool, Record* record) noexcept
    : pool_(std::move(pool)), record_(record) {}

PooledConnection::PooledConnection(PooledConnection&& other) noexcept
    : pool_(std::move(other.pool_)), record_(std::exchange(other.record_, nullptr)) {}

PooledConnection& PooledConnection::operator=(PooledConnection&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::move(other.pool_);
    record_ = std::exchange(other.record_, nullptr);
  }
  return *this;
}

PooledConnection::~PooledConnection() { release(); }

DbapiConnection& PooledConnection::dbapi() const {
  if (record_ == nullptr || !record_->dbapi)
    throw ResourceClosedError("this pooled connection was already returned to its pool");
  return *record_->dbapi;
}

std::shared_ptr<void>& PooledConnection::info() const {
  if (record_ == nullptr)
    throw ResourceClosedError("this pooled connection was already returned to its pool");
  return record_->info;
}

void PooledConnection::invalidate() noexcept {
  if (record_ != nullptr) record_->invalidated = true;
}

void PooledConnection::release() noexcept {
  if (record_ == nullptr) return;
  Record* record = std::exchange(record_, nullptr);
  std::shared_ptr<Pool> pool = std::move(pool_);
  pool->checkin(record);
}

std::shared_ptr<Pool> make_queue_pool(PoolHooks hooks, PoolOptions options) {
  if (options.pool_size < 0)
    throw ArgumentError("pool_size must be >= 0, got " + std::to_string(options.pool_size));
  if (options.pool_timeout < 0) throw ArgumentError("pool_timeout must be >= 0 seconds");
  return std::make_shared<QueuePool>(std::move(hooks), options);
}

std::shared_ptr<Pool> make_static_pool(PoolHooks hooks, PoolOptions options) {
  return std::make_shared<StaticPool>(std::move(hooks), options);
}

std::shared_ptr<Pool> make_null_pool(PoolHooks hooks, PoolOptions options) {
  return std::make_shared<NullPool>(std::move(hooks), options);
}

}  // namespace crucible
