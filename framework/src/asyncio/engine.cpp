// AsyncEngine, AsyncConnection, AsyncTransaction (asyncio/engine.hpp): each call is the
// blocking call run on a fiber (run_on_fiber).
#include "crucible/asyncio/engine.hpp"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>

#include "../engine_state.hpp"
#include "adapted_driver.hpp"
#include "crucible/errors.hpp"

namespace crucible::asyncio {

namespace asio = boost::asio;

namespace detail {

void close_detached(std::shared_ptr<Connection> conn, std::shared_ptr<Runtime> runtime,
                    const asio::any_io_executor& executor) noexcept {
  if (!conn || conn->closed()) return;
  try {
    asio::co_spawn(
        executor,
        [conn, runtime]() -> awaitable<void> {
          std::function<void()> body = [conn] { conn->close(); };
          co_await run_on_fiber(runtime, std::move(body));
        },
        asio::detached);
  } catch (...) {
    conn->close();  // could not spawn: close here; a rollback that cannot wait invalidates it
  }
}

awaitable<void> rollback_quietly(AsyncTransaction& tx) {
  try {
    co_await tx.rollback();
  } catch (...) {  // the caller rethrows the failure that made it roll back
  }
}

}  // namespace detail

// ---- AsyncEngine ------------------------------------------------------------------------------

AsyncEngine create_async_engine(std::string_view url, EngineOptions options,
                                AsyncOptions async_options) {
  return create_async_engine(make_url(url), std::move(options), async_options);
}

AsyncEngine create_async_engine(const URL& url, EngineOptions options, AsyncOptions async_options) {
  if (options.poolclass == PoolClass::kStaticPool)
    throw ArgumentError(
        "create_async_engine cannot use StaticPool: its one connection would be shared by "
        "concurrent coroutines; leave poolclass unset (an in-memory database then gets a "
        "QueuePool of its one connection) or choose QueuePool or NullPool");
  if (!options.poolclass) {
    const registry::DialectPtr dialect =
        registry::load_dialect(url.get_backend_name(), url.get_driver_name());
    if (dialect->default_pool_class(url) == PoolClass::kStaticPool) {
      options.poolclass = PoolClass::kQueuePool;
      options.pool_size = 1;
      options.max_overflow = 0;
    }
  }
  // Workers enough for every connection the pool can open (AsyncOptions::worker_threads).
  const bool unbounded = options.poolclass == PoolClass::kNullPool || options.max_overflow < 0;
  const std::size_t connections = unbounded
                                      ? 16
                                      : static_cast<std::size_t>(std::max(0, options.pool_size)) +
                                            static_cast<std::size_t>(options.max_overflow);
  std::shared_ptr<detail::Runtime> runtime = detail::make_runtime(async_options, connections);
  Engine engine =
      crucible::detail::create_engine_adapted(url, std::move(options), detail::adapt_driver);
  return AsyncEngine(std::move(engine), std::move(runtime));
}

awaitable<AsyncConnection> AsyncEngine::connect() const {
  auto executor = co_await asio::this_coro::executor;
  const Engine& engine = engine_;
  auto body = [&engine] { return std::make_shared<Connection>(engine.connect()); };
  std::shared_ptr<detail::CallControl> control = detail::make_call_control(*runtime_, {});
  auto conn = co_await detail::call_on_fiber(runtime_, body, std::move(control));
  co_return AsyncConnection(std::move(conn), runtime_, std::move(executor));
}

awaitable<void> AsyncEngine::dispose() const {
  const Engine& engine = engine_;
  std::function<void()> body = [&engine] { engine.dispose(); };
  co_await detail::run_on_fiber(runtime_, std::move(body));
}

// ---- AsyncConnection --------------------------------------------------------------------------

AsyncConnection::AsyncConnection(std::shared_ptr<Connection> conn,
                                 std::shared_ptr<detail::Runtime> runtime,
                                 asio::any_io_executor executor)
    : conn_(std::move(conn)), runtime_(std::move(runtime)), executor_(std::move(executor)) {
  // After an interrupted call: roll back, or give the connection up when its wait was abandoned
  // part-way through a round trip.
  control_ = detail::make_call_control(*runtime_,
                                       [weak = std::weak_ptr<Connection>(conn_)](bool abandoned) {
                                         const std::shared_ptr<Connection> conn = weak.lock();
                                         if (!conn || conn->closed()) return;
                                         if (abandoned) {
                                           conn->invalidate();
                                           return;
                                         }
                                         try {
                                           conn->rollback();
                                         } catch (...) {
                                           conn->invalidate();
                                           throw;
                                         }
                                       });
}

void AsyncConnection::set_command_timeout(std::optional<std::chrono::milliseconds> timeout) {
  if (!control_) throw ResourceClosedError("This AsyncConnection was moved from");
  detail::set_command_timeout(*control_, timeout);
}

std::optional<std::chrono::milliseconds> AsyncConnection::command_timeout() const {
  if (!control_) throw ResourceClosedError("This AsyncConnection was moved from");
  return detail::command_timeout(*control_);
}

bool AsyncConnection::cancel() noexcept { return detail::cancel(control_); }

AsyncConnection& AsyncConnection::operator=(AsyncConnection&& other) noexcept {
  if (this != &other) {
    detail::close_detached(std::move(conn_), runtime_, executor_);
    conn_ = std::move(other.conn_);
    runtime_ = std::move(other.runtime_);
    control_ = std::move(other.control_);
    executor_ = std::move(other.executor_);
  }
  return *this;
}

AsyncConnection::~AsyncConnection() {
  detail::close_detached(std::move(conn_), runtime_, executor_);
}

namespace {
Connection& open(const std::shared_ptr<Connection>& conn) {
  if (!conn) throw ResourceClosedError("This AsyncConnection was moved from");
  return *conn;
}
}  // namespace

awaitable<Result> AsyncConnection::execute(const sql::Executable& stmt, Params params) {
  Connection& conn = open(conn_);
  auto body = [&conn, &stmt, &params] { return conn.execute(stmt, params); };
  co_return co_await detail::call_on_fiber(runtime_, body, control_);
}

awaitable<Result> AsyncConnection::execute(const sql::Executable& stmt,
                                           std::vector<Params> param_sets) {
  Connection& conn = open(conn_);
  auto body = [&conn, &stmt, &param_sets] { return conn.execute(stmt, param_sets); };
  co_return co_await detail::call_on_fiber(runtime_, body, control_);
}

awaitable<Result> AsyncConnection::exec_driver_sql(std::string sql, std::vector<Value> params) {
  Connection& conn = open(conn_);
  auto body = [&conn, &sql, &params] { return conn.exec_driver_sql(sql, params); };
  co_return co_await detail::call_on_fiber(runtime_, body, control_);
}

awaitable<AsyncTransaction> AsyncConnection::begin() {
  Connection& conn = open(conn_);
  auto body = [&conn] { return std::make_unique<Transaction>(conn.begin()); };
  auto tx = co_await detail::call_on_fiber(runtime_, body, control_);
  co_return AsyncTransaction(std::move(tx), conn_, runtime_, control_, executor_);
}

awaitable<AsyncTransaction> AsyncConnection::begin_nested() {
  Connection& conn = open(conn_);
  auto body = [&conn] { return std::make_unique<Transaction>(conn.begin_nested()); };
  auto tx = co_await detail::call_on_fiber(runtime_, body, control_);
  co_return AsyncTransaction(std::move(tx), conn_, runtime_, control_, executor_);
}

awaitable<void> AsyncConnection::commit() {
  Connection& conn = open(conn_);
  std::function<void()> body = [&conn] { conn.commit(); };
  co_await detail::run_on_fiber(runtime_, std::move(body), control_);
}

awaitable<void> AsyncConnection::rollback() {
  Connection& conn = open(conn_);
  std::function<void()> body = [&conn] { conn.rollback(); };
  co_await detail::run_on_fiber(runtime_, std::move(body), control_);
}

awaitable<void> AsyncConnection::close() {
  if (!conn_ || conn_->closed()) co_return;
  Connection& conn = *conn_;
  std::function<void()> body = [&conn] { conn.close(); };
  co_await detail::run_on_fiber(runtime_, std::move(body));
}

// ---- AsyncTransaction -------------------------------------------------------------------------

AsyncTransaction::~AsyncTransaction() {
  if (!tx_ || !tx_->is_active()) return;
  try {
    std::shared_ptr<Transaction> tx(std::move(tx_));
    asio::co_spawn(
        executor_,
        [tx, conn = conn_, runtime = runtime_]() -> awaitable<void> {
          std::function<void()> body = [tx] { tx->rollback(); };
          co_await detail::run_on_fiber(runtime, std::move(body));
        },
        asio::detached);
  } catch (...) {  // could not spawn: ~Transaction rolls back here, or logs why it could not
  }
}

awaitable<void> AsyncTransaction::commit() {
  if (!tx_) throw InvalidRequestError("This AsyncTransaction was moved from");
  Transaction& tx = *tx_;
  std::function<void()> body = [&tx] { tx.commit(); };
  co_await detail::run_on_fiber(runtime_, std::move(body), control_);
}

awaitable<void> AsyncTransaction::rollback() {
  if (!tx_ || !tx_->is_active()) co_return;
  Transaction& tx = *tx_;
  std::function<void()> body = [&tx] { tx.rollback(); };
  co_await detail::run_on_fiber(runtime_, std::move(body));
}

}  // namespace crucible::asyncio
