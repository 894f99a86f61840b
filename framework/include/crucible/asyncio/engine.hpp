#pragma once
// AsyncEngine, AsyncConnection and AsyncTransaction (SQLAlchemy 2.0's sqlalchemy.ext.asyncio:
// create_async_engine, AsyncEngine, AsyncConnection), on C++20 coroutines over Boost.Asio:
//
//   auto engine = asyncio::create_async_engine(url);  // any dialect+driver URL
//   asio::co_spawn(io, [&]() -> asyncio::awaitable<void> {
//     auto conn = co_await engine.connect();
//     Result rows = co_await conn.execute(select(users).where(users.c("id") == 5));
//     co_await conn.commit();
//     co_await conn.close();
//   }, asio::detached);
//
// Every call runs the blocking API (Connection, the pool, the driver) on a fiber and awaits its
// waits on the calling coroutine's executor (asyncio/fiber.hpp): one thread serves many
// connections. Drivers with a non-blocking API (dbapi.hpp's NonBlockingDriver) wait on their
// sockets through the event loop; the others run on the engine's worker threads. The Results
// returned are read into memory by the call (SQLAlchemy's buffered results), so reading them
// never waits. A pool with no free connection suspends the borrower until one comes back or
// pool_timeout passes (TimeoutError), as SQLAlchemy's AsyncAdaptedQueuePool does.
//
// Threads: an AsyncEngine may be used from any number of threads and event loops; an
// AsyncConnection belongs to one coroutine at a time, and its calls complete on the executor
// they were awaited on.
#include <utility>

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "crucible/asyncio/fiber.hpp"
#include "crucible/engine.hpp"

namespace crucible::asyncio {

class AsyncConnection;

namespace detail {
/// The R of awaitable<R>.
template <class A>
struct awaited;
template <class R>
struct awaited<awaitable<R>> {
  using type = R;
};
/// Closes conn later on a fiber of its own, spawned on executor (a handle destroyed while open:
/// its rollback must not block the thread). Never throws.
void close_detached(std::shared_ptr<Connection> conn, std::shared_ptr<Runtime> runtime,
                    const boost::asio::any_io_executor& executor) noexcept;
}  // namespace detail

class AsyncTransaction;
namespace detail {
/// tx.rollback(), its failure dropped (begin()'s cleanup after the failure it rethrows).
awaitable<void> rollback_quietly(AsyncTransaction& tx);
}  // namespace detail

/// The async face of an Engine (SQLAlchemy's AsyncEngine). A cheap handle: copies share the
/// Engine, its pool and the worker threads.
class AsyncEngine {
 public:
  /// Borrows a connection: waits for a free one (up to pool_timeout, then TimeoutError) or
  /// makes one, as Engine::connect() does, all within AsyncOptions::command_timeout when set
  /// (else CommandTimeoutError). Throws what Engine::connect() throws.
  awaitable<AsyncConnection> connect() const;

  /// Runs co_await fn(conn) in a transaction on a new connection (SQLAlchemy's
  /// `async with engine.begin() as conn`): commits when it completes, rolls back and rethrows
  /// when it throws, closes the connection either way. fn returns awaitable<R>; so does begin().
  template <class F>
  auto begin(F fn) const
      -> awaitable<typename detail::awaited<std::invoke_result_t<F&, AsyncConnection&>>::type>;

  /// co_awaits fn(sync_engine()) run on a fiber, for blocking-API code that takes an Engine
  /// (SQLAlchemy's `await conn.run_sync(metadata.create_all)`):
  ///   co_await engine.run_sync([&](const Engine& e) { metadata.create_all(e); });
  /// Returns fn's result, rethrows what it throws.
  template <class F>
  auto run_sync(F fn) const -> awaitable<std::invoke_result_t<F&, const Engine&>> {
    const Engine& engine = engine_;
    auto body = [&engine, fn = std::move(fn)]() mutable -> decltype(auto) { return fn(engine); };
    co_return co_await detail::call_on_fiber(runtime_, std::move(body));
  }

  /// The blocking Engine underneath (SQLAlchemy's AsyncEngine.sync_engine): its dialect, its
  /// events, its pool. Its connections wait only inside the async layer's calls; used directly
  /// they throw AwaitRequiredError.
  const Engine& sync_engine() const noexcept { return engine_; }
  const URL& url() const noexcept { return engine_.url(); }
  const Dialect& dialect() const noexcept { return engine_.dialect(); }
  /// Closes the pool's idle connections and starts a new pool (Engine::dispose), on a fiber.
  awaitable<void> dispose() const;

  /// The worker threads and fiber stacks of this engine.
  const std::shared_ptr<detail::Runtime>& runtime() const noexcept { return runtime_; }

  /// Used by create_async_engine.
  AsyncEngine(Engine engine, std::shared_ptr<detail::Runtime> runtime) noexcept
      : engine_(std::move(engine)), runtime_(std::move(runtime)) {}

 private:
  Engine engine_;
  std::shared_ptr<detail::Runtime> runtime_;
};

/// Makes an AsyncEngine for url (SQLAlchemy's create_async_engine): the Engine create_engine
/// would make, its driver adapted to wait on fibers, and async_options' worker threads. A
/// dialect's choice of StaticPool (one connection shared by every borrower, for an in-memory
/// database) becomes a QueuePool of that one connection, lent to one borrower at a time, since
/// borrowers are now concurrent. No connection is made yet. Throws as create_engine does, and
/// ArgumentError for bad async_options.
AsyncEngine create_async_engine(std::string_view url, EngineOptions options = {},
                                AsyncOptions async_options = {});
AsyncEngine create_async_engine(const URL& url, EngineOptions options = {},
                                AsyncOptions async_options = {});

/// A transaction or savepoint of an AsyncConnection (SQLAlchemy's AsyncTransaction). Move-only.
/// Destroying an active one rolls it back on a fiber of its own, later; co_await rollback()
/// to know when.
class AsyncTransaction {
 public:
  AsyncTransaction(AsyncTransaction&&) noexcept = default;
  AsyncTransaction& operator=(AsyncTransaction&&) = delete;
  ~AsyncTransaction();
  /// COMMIT or RELEASE SAVEPOINT, under the connection's command_timeout. Throws
  /// InvalidRequestError when inactive, the driver's DBAPIError, and CommandTimeoutError or
  /// CancelledError as the AsyncConnection's calls do.
  awaitable<void> commit();
  /// ROLLBACK or ROLLBACK TO SAVEPOINT; a no-op when inactive.
  awaitable<void> rollback();
  bool is_active() const noexcept { return tx_ && tx_->is_active(); }

 private:
  friend class AsyncConnection;
  AsyncTransaction(std::unique_ptr<Transaction> tx, std::shared_ptr<Connection> conn,
                   std::shared_ptr<detail::Runtime> runtime,
                   std::shared_ptr<detail::CallControl> control,
                   boost::asio::any_io_executor executor) noexcept
      : tx_(std::move(tx)), conn_(std::move(conn)), runtime_(std::move(runtime)),
        control_(std::move(control)), executor_(std::move(executor)) {}
  std::unique_ptr<Transaction> tx_;
  std::shared_ptr<Connection> conn_;  ///< keeps the Connection the Transaction refers to
  std::shared_ptr<detail::Runtime> runtime_;
  std::shared_ptr<detail::CallControl> control_;  ///< the AsyncConnection's
  boost::asio::any_io_executor executor_;
};

/// A borrowed connection with SQLAlchemy 2.0 transaction semantics, awaited (SQLAlchemy's
/// AsyncConnection). Move-only. Each call throws what the same Connection call throws.
class AsyncConnection {
 public:
  AsyncConnection(AsyncConnection&&) noexcept = default;
  AsyncConnection& operator=(AsyncConnection&&) noexcept;
  /// When still open: rolls back and returns the connection to the pool on a fiber of its own,
  /// later (co_await close() to know when). Never throws.
  ~AsyncConnection();

  // Every call below except close() runs under the connection's command_timeout (AsyncOptions)
  // and can be cancel()ed. An interrupted call has the statement it runs cancelled on the
  // server, rolls the transaction back (invalidates the connection instead when the server did
  // not end the statement within cancel_grace) and throws CommandTimeoutError or
  // CancelledError; the connection stays open for more work (or only for close(), when
  // invalidated).

  /// Connection::execute with one parameter set; the Result's rows are in memory.
  awaitable<Result> execute(const sql::Executable& stmt, Params params = {});
  /// Connection::execute with many parameter sets (executemany, insertmanyvalues).
  awaitable<Result> execute(const sql::Executable& stmt, std::vector<Params> param_sets);
  /// Connection::exec_driver_sql: sql as written, positional values in the driver's paramstyle.
  awaitable<Result> exec_driver_sql(std::string sql, std::vector<Value> params = {});

  /// Begins the root transaction (Connection::begin).
  awaitable<AsyncTransaction> begin();
  /// Opens a SAVEPOINT (Connection::begin_nested).
  awaitable<AsyncTransaction> begin_nested();
  /// Commits the open transaction (a no-op when none).
  awaitable<void> commit();
  /// Rolls back the open transaction (a no-op when none).
  awaitable<void> rollback();
  /// Rolls back what is open and returns the connection to the pool. Idempotent.
  awaitable<void> close();

  /// co_awaits fn(connection) run on the fiber with the blocking Connection underneath, for code
  /// written against the blocking API (SQLAlchemy's AsyncConnection.run_sync); returns fn's
  /// result and rethrows what it throws.
  template <class F>
  auto run_sync(F fn) -> awaitable<std::invoke_result_t<F&, Connection&>> {
    auto body = [conn = conn_, fn = std::move(fn)]() mutable -> decltype(auto) {
      return fn(*conn);
    };
    co_return co_await detail::call_on_fiber(runtime_, std::move(body), control_);
  }

  /// Sets how long each later call may take (asyncpg's command_timeout); none: no limit. The
  /// engine's AsyncOptions::command_timeout is the default. Throws ArgumentError for a timeout
  /// that is not positive.
  void set_command_timeout(std::optional<std::chrono::milliseconds> timeout);
  std::optional<std::chrono::milliseconds> command_timeout() const;
  /// Interrupts the call in progress on this connection (awaited by another coroutine), which
  /// then throws CancelledError as described above: Python's Task.cancel() of the task awaiting
  /// it, for Boost 1.74's Asio, which has no cancellation slots. Thread-safe; it takes effect on
  /// the call's executor. False when no call was in progress. Never throws.
  bool cancel() noexcept;

  /// The blocking Connection underneath (SQLAlchemy's AsyncConnection.sync_connection); calls
  /// on it that wait throw AwaitRequiredError outside run_sync.
  Connection& sync_connection() const noexcept { return *conn_; }
  bool in_transaction() const noexcept { return conn_ && conn_->in_transaction(); }
  bool closed() const noexcept { return !conn_ || conn_->closed(); }

 private:
  friend class AsyncEngine;
  AsyncConnection(std::shared_ptr<Connection> conn, std::shared_ptr<detail::Runtime> runtime,
                  boost::asio::any_io_executor executor);
  std::shared_ptr<Connection> conn_;  ///< shared with a close still running after destruction
  std::shared_ptr<detail::Runtime> runtime_;
  std::shared_ptr<detail::CallControl> control_;  ///< command_timeout, cancel(), recovery
  boost::asio::any_io_executor executor_;         ///< where connect() was awaited
};

template <class F>
auto AsyncEngine::begin(F fn) const
    -> awaitable<typename detail::awaited<std::invoke_result_t<F&, AsyncConnection&>>::type> {
  using R = typename detail::awaited<std::invoke_result_t<F&, AsyncConnection&>>::type;
  AsyncConnection conn = co_await connect();
  AsyncTransaction tx = co_await conn.begin();
  std::exception_ptr error;
  std::optional<std::conditional_t<std::is_void_v<R>, bool, R>> out;
  try {
    if constexpr (std::is_void_v<R>) {
      co_await fn(conn);
    } else {
      out.emplace(co_await fn(conn));
    }
    co_await tx.commit();
  } catch (...) {
    error = std::current_exception();
  }
  if (error) co_await detail::rollback_quietly(tx);
  co_await conn.close();
  if (error) std::rethrow_exception(error);
  if constexpr (!std::is_void_v<R>) co_return std::move(*out);
}

}  // namespace crucible::asyncio
