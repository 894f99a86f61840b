// The async engine's driver adapter (adapted_driver.hpp).
#include "adapted_driver.hpp"

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "../buffered_cursor.hpp"
#include "../suspender.hpp"
#include "crucible/errors.hpp"

namespace crucible::asyncio::detail {

using crucible::detail::current_suspender;
using crucible::detail::Suspender;

void throw_await_required(const char* what) {
  throw AwaitRequiredError(
      std::string(what) +
      " needed the database outside an awaited call of crucible::asyncio, where waiting would "
      "block the event loop's thread (a lazy load of a relationship in a coroutine, say). Load "
      "it inside the call instead: eagerly with selectinload/joinedload in the query, with "
      "co_await session.refresh(object), or run blocking-API code through co_await "
      "session.run_sync(fn) / conn.run_sync(fn)");
}

namespace {

Suspender& fiber_or_throw(const char* what) {
  Suspender* fiber = current_suspender();
  if (!fiber) throw_await_required(what);
  return *fiber;
}

// The waiter of a connection being made (nothing to cancel yet), or of a connection made:
// its waits name the connection as what an interrupted call cancels, and it remembers a wait
// given up part-way through a round trip (wait_io's error carries the mark), after which the
// connection is unusable.
class FiberIoWaiter final : public IoWaiter {
 public:
  explicit FiberIoWaiter(CancellableConnection* target = nullptr) noexcept : target_(target) {}
  IoEvents wait(int fd, IoEvents events, int timeout_ms) override {
    try {
      return fiber_or_throw("a database call").wait_io(fd, events, timeout_ms, target_);
    } catch (const DBAPIError& e) {
      if (e.connection_invalidated()) broken_ = true;
      throw;
    }
  }
  void check_can_wait() override { fiber_or_throw("a database call"); }
  bool broken() const noexcept { return broken_; }

 private:
  CancellableConnection* target_;
  bool broken_{false};
};

// Runs fn on a worker thread while the current fiber waits; target is what an interrupted
// call cancels (null: nothing, the job is waited for).
template <class F>
void on_worker(const char* what, CancellableConnection* target, F&& fn) {
  Suspender& fiber = fiber_or_throw(what);
  const std::function<void()> job = std::forward<F>(fn);
  fiber.run_blocking(job, target);
}

// A cursor of a blocking driver: execute() runs on a worker thread and reads every row there
// into a BufferedCursor, from which the fetch calls hand them out without waiting.
class WorkerCursor : public Cursor {
 public:
  WorkerCursor(std::unique_ptr<Cursor> inner, CancellableConnection* target) noexcept
      : inner_(std::move(inner)), target_(target) {}

  void execute(std::string_view sql, std::span<const Value> params) override {
    on_worker("a statement", target_, [&] {
      inner_->execute(sql, params);
      read_all();
    });
  }
  void executemany(std::string_view sql, const ParamSets& param_sets) override {
    on_worker("a statement", target_, [&] {
      inner_->executemany(sql, param_sets);
      read_all();
    });
  }
  bool fetch_into(std::vector<Value>& row) override { return rows_.fetch_into(row); }
  const std::vector<ColumnDescription>& description() const override { return rows_.description(); }
  std::int64_t rowcount() const override { return rows_.rowcount(); }
  std::optional<std::int64_t> lastrowid() const override { return rows_.lastrowid(); }
  void close() noexcept override {
    rows_.close();
    if (!inner_) return;
    if (Suspender* fiber = current_suspender()) {
      try {
        fiber->run_blocking([this] { inner_->close(); }, nullptr);
      } catch (...) {  // close() never throws; the driver's statement goes with inner_
      }
    } else {
      inner_->close();  // outside a call (a Result dropped in a coroutine): a statement's
                        // release, no round trip, on this thread
    }
    inner_.reset();
  }

 protected:
  // On the worker thread: the rows and counts of what inner_ ran.
  void read_all() {
    std::vector<ColumnDescription> description = inner_->description();
    std::vector<Value> values;
    if (!description.empty()) {
      std::vector<Value> row;
      while (inner_->fetch_into(row))
        for (Value& v : row) values.push_back(std::move(v));
    }
    rows_ = crucible::detail::BufferedCursor(std::move(description), std::move(values),
                                             inner_->rowcount(), inner_->lastrowid());
  }

  std::unique_ptr<Cursor> inner_;
  CancellableConnection* target_;  ///< the connection's, when it can cancel

 private:
  crucible::detail::BufferedCursor rows_{{}, {}, -1, std::nullopt};
};

// The same for a cursor that is a LastrowidExecutemany (dbapi.hpp): keeps the capability.
class WorkerLastrowidCursor final : public WorkerCursor, public LastrowidExecutemany {
 public:
  WorkerLastrowidCursor(std::unique_ptr<Cursor> inner, CancellableConnection* target,
                        LastrowidExecutemany& lastrowids) noexcept
      : WorkerCursor(std::move(inner), target), lastrowids_(lastrowids) {}
  void executemany_lastrowids(std::string_view sql, const ParamSets& param_sets,
                              std::vector<std::int64_t>& lastrowids) override {
    on_worker("a statement", target_, [&] {
      lastrowids_.executemany_lastrowids(sql, param_sets, lastrowids);
      read_all();
    });
  }

 private:
  LastrowidExecutemany& lastrowids_;  ///< inner_'s
};

// A connection of a blocking driver: every call that may wait runs on a worker thread.
class WorkerConnection final : public DbapiConnection {
 public:
  explicit WorkerConnection(std::unique_ptr<DbapiConnection> inner) noexcept
      : inner_(std::move(inner)), target_(dynamic_cast<CancellableConnection*>(inner_.get())) {}
  ~WorkerConnection() override { close(); }

  std::unique_ptr<Cursor> cursor() override {
    std::unique_ptr<Cursor> inner = inner_->cursor();
    if (auto* lastrowids = dynamic_cast<LastrowidExecutemany*>(inner.get()))
      return std::make_unique<WorkerLastrowidCursor>(std::move(inner), target_, *lastrowids);
    return std::make_unique<WorkerCursor>(std::move(inner), target_);
  }
  void commit() override {
    on_worker("a commit", target_, [&] { inner_->commit(); });
  }
  void rollback() override {
    on_worker("a rollback", target_, [&] { inner_->rollback(); });
  }
  void close() noexcept override {
    if (closed_) return;
    closed_ = true;
    if (Suspender* fiber = current_suspender()) {
      try {
        fiber->run_blocking([this] { inner_->close(); }, nullptr);
        return;
      } catch (...) {  // the fiber could not wait: close here
      }
    }
    inner_->close();
  }
  bool ping() noexcept override {
    Suspender* fiber = current_suspender();
    if (!fiber) return false;  // cannot ask without waiting: the pool replaces the connection
    bool alive = false;
    try {
      fiber->run_blocking([&] { alive = inner_->ping(); }, target_);
    } catch (...) {
      return false;
    }
    return alive;
  }
  void set_autocommit(bool on) override {
    on_worker("setting autocommit", target_, [&] { inner_->set_autocommit(on); });
  }
  bool autocommit() const noexcept override { return inner_->autocommit(); }
  void set_isolation_level(std::string_view level) override {
    on_worker("setting the isolation level", target_, [&] { inner_->set_isolation_level(level); });
  }
  bool in_transaction() const noexcept override { return inner_->in_transaction(); }
  std::string server_version() const override { return inner_->server_version(); }
  ParamStyle paramstyle() const noexcept override { return inner_->paramstyle(); }

 private:
  std::unique_ptr<DbapiConnection> inner_;
  CancellableConnection* target_;  ///< inner_, when it can cancel
  bool closed_{false};
};

// A connection of a non-blocking driver, with the waiter its waits go through: that waiter
// names the connection as what an interrupted call cancels. Every call is the driver's own.
class FiberConnection final : public DbapiConnection {
 public:
  explicit FiberConnection(std::unique_ptr<DbapiConnection> inner) noexcept
      : inner_(std::move(inner)), waiter_(dynamic_cast<CancellableConnection*>(inner_.get())) {
    if (auto* nonblocking = dynamic_cast<NonBlockingConnection*>(inner_.get()))
      nonblocking->set_io_waiter(&waiter_);
  }
  ~FiberConnection() override { inner_->close(); }  // before waiter_ goes

  std::unique_ptr<Cursor> cursor() override { return usable().cursor(); }
  void commit() override { usable().commit(); }
  void rollback() override { usable().rollback(); }
  void close() noexcept override { inner_->close(); }
  bool ping() noexcept override { return !waiter_.broken() && inner_->ping(); }
  void set_autocommit(bool on) override { usable().set_autocommit(on); }
  bool autocommit() const noexcept override { return inner_->autocommit(); }
  void set_isolation_level(std::string_view level) override { usable().set_isolation_level(level); }
  bool in_transaction() const noexcept override { return inner_->in_transaction(); }
  std::string server_version() const override { return inner_->server_version(); }
  ParamStyle paramstyle() const noexcept override { return inner_->paramstyle(); }

 private:
  // The driver's connection, unless a wait was given up part-way through a round trip: the
  // protocol is then out of step, and only close() may follow (the pool's reset, say, fails
  // here and the pool discards the connection).
  DbapiConnection& usable() {
    if (waiter_.broken()) {
      OperationalError error(ErrorInfo{
          "", 0,
          "this connection's wait for the database was given up part-way through a round trip "
          "(an interrupted call of the async layer); it cannot be used again, only closed",
          ""});
      error.set_connection_invalidated();
      throw error;
    }
    return *inner_;
  }

  std::unique_ptr<DbapiConnection> inner_;
  FiberIoWaiter waiter_;
};

class AdaptedDriver final : public Driver {
 public:
  explicit AdaptedDriver(registry::DriverPtr inner) noexcept
      : inner_(std::move(inner)), nonblocking_(dynamic_cast<NonBlockingDriver*>(inner_.get())) {}
  std::string_view name() const noexcept override { return inner_->name(); }
  ParamStyle paramstyle() const noexcept override { return inner_->paramstyle(); }
  std::unique_ptr<DbapiConnection> connect(const URL& url, const ConnectOptions& options) override {
    if (nonblocking_) {
      fiber_or_throw("a new connection");
      return std::make_unique<FiberConnection>(
          nonblocking_->connect_nonblocking(url, options, fiber_io_waiter()));
    }
    std::unique_ptr<DbapiConnection> conn;
    on_worker("a new connection", nullptr, [&] { conn = inner_->connect(url, options); });
    return std::make_unique<WorkerConnection>(std::move(conn));
  }

 private:
  registry::DriverPtr inner_;  ///< keeps the plugin loaded
  NonBlockingDriver* nonblocking_;
};

}  // namespace

IoWaiter& fiber_io_waiter() noexcept {
  static FiberIoWaiter waiter;
  return waiter;
}

registry::DriverPtr adapt_driver(registry::DriverPtr driver) {
  return std::make_shared<AdaptedDriver>(std::move(driver));
}

}  // namespace crucible::asyncio::detail
