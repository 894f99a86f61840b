// Connection pools (pool.hpp): QueuePool, StaticPool, NullPool, following SQLAlchemy's
// sqlalchemy/pool/impl.py. Connections are made outside the pool's lock, so one slow connect
// does not stall every other borrower.
#include "crucible/pool.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <utility>

#include "crucible/dbapi.hpp"
#include "crucible/errors.hpp"
#include "suspender.hpp"

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

// Tells the hooks' listener about record; exceptions propagate.
void notify(const PoolHooks& hooks, PoolEventKind kind, PooledConnection::Record& record,
            const std::exception* error = nullptr, ResetOnReturn how = ResetOnReturn::kNone) {
  if (hooks.event)
    hooks.event({kind, record.dbapi.get(), &record.info, error, how, record.invalidated});
}

// notify() where the pool cannot throw (a connection being given back or closed): a listener's
// exception is dropped, as the pool must still do its part.
void notify_quietly(const PoolHooks& hooks, PoolEventKind kind, PooledConnection::Record& record,
                    const std::exception* error = nullptr,
                    ResetOnReturn how = ResetOnReturn::kNone) noexcept {
  try {
    notify(hooks, kind, record, error, how);
  } catch (...) {  // NOLINT(bugprone-empty-catch): documented at PoolHooks::event
  }
}

// Marks record dead, telling listeners once.
void mark_invalid(const PoolHooks& hooks, PooledConnection::Record& record,
                  const std::exception* error) noexcept {
  if (record.invalidated) return;
  record.invalidated = true;
  notify_quietly(hooks, PoolEventKind::kInvalidate, record, error);
}

// Closes record's DBAPI connection (telling listeners first) and drops what it kept.
// Idempotent.
void close_record(const PoolHooks& hooks, PooledConnection::Record& record) noexcept {
  if (record.dbapi) {
    notify_quietly(hooks, PoolEventKind::kClose, record);
    record.dbapi->close();
    record.dbapi.reset();
  }
  record.info.reset();
}

// A new connection, announced to kConnect listeners; closed again when one of them throws.
RecordPtr new_record(const PoolHooks& hooks) {
  auto record = std::make_unique<PooledConnection::Record>();
  record->dbapi = hooks.create();
  try {
    notify(hooks, PoolEventKind::kConnect, *record);
  } catch (...) {
    close_record(hooks, *record);
    throw;
  }
  return record;
}

// Fires kCheckout for record (made usable already). A listener's DisconnectionError invalidates
// and closes it; when replaceable, a new connection takes its place and is shown to the
// listeners in turn, up to three connections in all (SQLAlchemy's _ConnectionFairy._checkout).
// Other exceptions propagate with record left as it is.
void checkout_event(const PoolHooks& hooks, RecordPtr& record, bool replaceable) {
  if (!hooks.event) return;
  for (int attempt = 1;; ++attempt) {
    try {
      notify(hooks, PoolEventKind::kCheckout, *record);
      return;
    } catch (const DisconnectionError& e) {
      mark_invalid(hooks, *record, &e);
      close_record(hooks, *record);
      if (!replaceable || attempt == 3)
        throw InvalidRequestError(
            std::string("a checkout listener rejected ") +
            (replaceable ? "3 connections in a row" : "the pool's one shared connection") +
            " with DisconnectionError (last: " + e.what() +
            "); the database is unreachable or the listener rejects every connection");
      record = new_record(hooks);
    }
  }
}

// Whether a record may be handed out again: not invalidated (itself, or by a pool invalidation
// after it was opened), not past pool_recycle, and (with pre-ping) answering.
bool usable(PooledConnection::Record& record, const PoolOptions& options, const PoolHooks& hooks,
            std::int64_t invalidated_before) {
  if (record.invalidated || !record.dbapi) return false;
  if (record.created.time_since_epoch().count() < invalidated_before) return false;
  if (options.pool_recycle >= 0 &&
      std::chrono::duration<double>(Clock::now() - record.created).count() > options.pool_recycle)
    return false;
  if (options.pool_pre_ping && hooks.ping && !hooks.ping(*record.dbapi)) return false;
  return true;
}

// Puts a returned connection back in a clean state (SQLAlchemy's reset_on_return): PEP 249
// rollback by default, commit, or nothing. A connection that cannot do it is dead.
void reset(const PoolHooks& hooks, PooledConnection::Record& record, ResetOnReturn how) noexcept {
  if (record.invalidated || !record.dbapi || how == ResetOnReturn::kNone) return;
  notify_quietly(hooks, PoolEventKind::kReset, record, nullptr, how);
  try {
    if (how == ResetOnReturn::kCommit)
      record.dbapi->commit();
    else
      record.dbapi->rollback();
  } catch (const std::exception& e) {
    mark_invalid(hooks, record, &e);
  } catch (...) {
    mark_invalid(hooks, record, nullptr);
  }
}

class QueuePool final : public Pool {
 public:
  QueuePool(PoolHooks hooks, PoolOptions options) : Pool(std::move(hooks), options) {}
  ~QueuePool() override { dispose(); }

  PooledConnection connect() override {
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(options_.pool_timeout));
    std::unique_lock lock(mutex_);
    for (;;) {
      if (!idle_.empty()) {
        RecordPtr record;
        if (options_.pool_use_lifo) {
          record = std::move(idle_.back());
          idle_.pop_back();
        } else {
          record = std::move(idle_.front());
          idle_.pop_front();
        }
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
      if (!wait_for_return(lock, deadline) && idle_.empty() &&
          !(options_.max_overflow < 0 || open_ < options_.pool_size + options_.max_overflow)) {
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.2f", options_.pool_timeout);
        throw TimeoutError("QueuePool limit of size " + std::to_string(options_.pool_size) +
                           " overflow " + std::to_string(options_.max_overflow) +
                           " reached, connection timed out, timeout " + seconds + " s (" +
                           status_locked() +
                           "); return connections sooner (close them) or raise pool_size / "
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
    for (auto& r : idle) close_record(hooks_, *r);
  }

  int checkedout() const noexcept override {
    std::lock_guard lock(mutex_);
    return checked_out_;
  }

  std::string status() const override {
    std::lock_guard lock(mutex_);
    return status_locked();
  }

 protected:
  void checkin(PooledConnection::Record* raw) noexcept override {
    RecordPtr record(raw);
    reset(hooks_, *record, options_.pool_reset_on_return);
    notify_quietly(hooks_, PoolEventKind::kCheckin, *record);
    std::unique_lock lock(mutex_);
    --checked_out_;
    if (!record->invalidated && static_cast<int>(idle_.size()) < options_.pool_size) {
      idle_.push_back(std::move(record));
    } else {
      --open_;
      lock.unlock();
      close_record(hooks_, *record);
      lock.lock();
    }
    wake_one_locked();
  }

 private:
  std::string status_locked() const {
    return "Pool size: " + std::to_string(options_.pool_size) +
           "  Connections in pool: " + std::to_string(idle_.size()) +
           " Current Overflow: " + std::to_string(open_ - options_.pool_size) +
           " Current Checked out connections: " + std::to_string(checked_out_);
  }

  // Makes record usable (replacing it when stale or dead, or creating one when null), shows it
  // to the checkout listeners and wraps it in a handle. The slot is already counted in open_
  // and checked_out_; on failure the connection is closed and the slot given back.
  PooledConnection hand_out(RecordPtr record) {
    try {
      if (record && !usable(*record, options_, hooks_, invalidated_before_.load())) {
        close_record(hooks_, *record);
        record.reset();
      }
      if (!record) record = new_record(hooks_);
      checkout_event(hooks_, record, true);
    } catch (...) {
      if (record) close_record(hooks_, *record);
      std::lock_guard lock(mutex_);
      --open_;
      --checked_out_;
      wake_one_locked();
      throw;
    }
    return PooledConnection(shared_from_this(), record.release());
  }

  // Waits (lock held) until a connection comes back or deadline passes; false on timeout. A
  // borrower on a fiber of the async layer (suspender.hpp) sleeps on the fiber, woken by the
  // next checkin, instead of blocking its thread, which other fibers share.
  bool wait_for_return(std::unique_lock<std::mutex>& lock, Clock::time_point deadline) {
    detail::Suspender* fiber = detail::current_suspender();
    if (!fiber) return available_.wait_until(lock, deadline) == std::cv_status::no_timeout;
    std::shared_ptr<detail::Wakeup> wakeup = fiber->make_wakeup();
    sleepers_.push_back(wakeup);
    lock.unlock();
    bool woken = false;
    try {
      woken = fiber->sleep(*wakeup, deadline);
    } catch (...) {  // the call was interrupted (its command_timeout, cancel()): stop waiting
      lock.lock();
      leave_sleepers_locked(wakeup, false);
      throw;
    }
    lock.lock();
    leave_sleepers_locked(wakeup, woken);
    return woken;
  }

  // Takes a sleeper that stopped sleeping off the list (lock held); a wake-up that was meant
  // for it but came as it stopped for another reason is passed on.
  void leave_sleepers_locked(const std::shared_ptr<detail::Wakeup>& wakeup, bool woken) noexcept {
    const auto it = std::find(sleepers_.begin(), sleepers_.end(), wakeup);
    if (it != sleepers_.end()) {
      sleepers_.erase(it);
    } else if (!woken) {
      wake_one_locked();
    }
  }

  // Tells one borrower waiting for a connection that one may be free (lock held).
  void wake_one_locked() noexcept {
    available_.notify_one();
    if (!sleepers_.empty()) {
      sleepers_.front()->wake();
      sleepers_.pop_front();
    }
  }

  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::deque<std::shared_ptr<detail::Wakeup>> sleepers_;  ///< borrowers waiting on fibers
  std::deque<RecordPtr> idle_;
  int open_{0};  ///< connections in existence: idle + checked out
  int checked_out_{0};
};

// StaticPool: one connection for every borrower. The record is owned here and lent out; checkin
// only resets it, when the last borrower gives it back.
class StaticPool final : public Pool {
 public:
  StaticPool(PoolHooks hooks, PoolOptions options) : Pool(std::move(hooks), options) {}
  ~StaticPool() override { dispose(); }

  PooledConnection connect() override {
    std::lock_guard lock(mutex_);
    const bool alone = checked_out_ == 0;  // nobody else holds the record: it may be replaced
    if (record_ && alone &&
        (record_->invalidated || !record_->dbapi ||
         record_->created.time_since_epoch().count() < invalidated_before_.load())) {
      close_record(hooks_, *record_);
      record_.reset();
    }
    if (!record_) record_ = new_record(hooks_);
    checkout_event(hooks_, record_, alone);
    ++checked_out_;
    return PooledConnection(shared_from_this(), record_.get());
  }

  void dispose() noexcept override {
    std::lock_guard lock(mutex_);
    if (record_ && checked_out_ == 0) {
      close_record(hooks_, *record_);
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
    if (checked_out_ == 0) reset(hooks_, *record, options_.pool_reset_on_return);
    notify_quietly(hooks_, PoolEventKind::kCheckin, *record);
  }

 private:
  mutable std::mutex mutex_;
  RecordPtr record_;
  int checked_out_{0};
};

class NullPool final : public Pool {
 public:
  NullPool(PoolHooks hooks, PoolOptions options) : Pool(std::move(hooks), options) {}

  PooledConnection connect() override {
    RecordPtr record = new_record(hooks_);
    try {
      checkout_event(hooks_, record, true);
    } catch (...) {
      if (record) close_record(hooks_, *record);
      throw;
    }
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
    reset(hooks_, *record, options_.pool_reset_on_return);
    notify_quietly(hooks_, PoolEventKind::kCheckin, *record);
    close_record(hooks_, *record);
    std::lock_guard lock(mutex_);
    --checked_out_;
  }

 private:
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

void PooledConnection::invalidate(const std::exception* error) noexcept {
  if (record_ != nullptr) mark_invalid(pool_->hooks_, *record_, error);
}

void PooledConnection::invalidate_pool(const std::exception* error) noexcept {
  if (record_ == nullptr) return;
  mark_invalid(pool_->hooks_, *record_, error);
  // Strictly after every connection opened so far, this one included.
  pool_->invalidated_before_.store(Clock::now().time_since_epoch().count() + 1);
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
