// Engine, Connection and Transaction (engine.hpp), with SQLAlchemy 2.0's semantics: autobegin,
// explicit commit, rollback on close, savepoints as nested transactions, echo logging.
#include "crucible/engine.hpp"

#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "crucible/errors.hpp"
#include "crucible/sql/executable.hpp"
#include "engine_state.hpp"
#include "insertmanyvalues.hpp"
#include "once_gate.hpp"
#include "prepared.hpp"

namespace crucible {

namespace detail {
namespace {

constexpr std::size_t kMaxLoggedValue = 300;  // characters of one value in an echo line
constexpr std::size_t kMaxLoggedSets = 10;    // parameter sets shown for executemany

// A value as the echo log shows it: strings quoted, long ones cut (SQLAlchemy's repr rules).
std::string log_value(const Value& v) {
  std::string text = v.to_string();
  if (text.size() > kMaxLoggedValue) text = text.substr(0, kMaxLoggedValue) + "…";
  if (v.kind() == ValueKind::kString || v.kind() == ValueKind::kDecimal ||
      v.kind() == ValueKind::kJson)
    return "'" + text + "'";
  return text;
}

std::string log_values(std::span<const Value> values) {
  std::string out = "(";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + log_value(values[i]);
  return out + (values.size() == 1 ? ",)" : ")");
}
std::string log_values(std::span<const Value* const> values) {
  std::string out = "(";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + log_value(*values[i]);
  return out + (values.size() == 1 ? ",)" : ")");
}

// The "crucible.engine" logger, given a stderr channel at information level unless the program
// configured it already.
Poco::Logger* echo_logger() {
  Poco::Logger& logger = Poco::Logger::get("crucible.engine");
  static std::once_flag once;
  std::call_once(once, [&] {
    if (logger.getChannel() == nullptr) {
      Poco::AutoPtr<Poco::PatternFormatter> format(
          new Poco::PatternFormatter("%Y-%m-%d %H:%M:%S,%i %p %s %t"));
      Poco::AutoPtr<Poco::ConsoleChannel> console(new Poco::ConsoleChannel);
      Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(format, console));
      logger.setChannel(channel);
    }
    if (logger.getLevel() < Poco::Message::PRIO_INFORMATION)
      logger.setLevel(Poco::Message::PRIO_INFORMATION);
  });
  return &logger;
}

}  // namespace

std::shared_ptr<Pool> EngineState::make_pool() const {
  PoolHooks hooks;
  // The hooks hold the dialect and driver, so the pool's connections never outlive their plugin.
  // initialize() runs once per Engine, on its first connection; a connect whose initialize threw
  // leaves it for the next connect (OnceGate: call_once that also serves the async layer's
  // fibers).
  auto initialized = std::make_shared<OnceGate>();
  hooks.create = [dialect = dialect, driver = driver, url = url, options = options, initialized] {
    std::unique_ptr<DbapiConnection> conn = driver->connect(url, options.connect_args);
    initialized->run([&] { dialect->initialize(*conn); });
    dialect->on_connect(*conn);
    // What initialize and on_connect ran (SET …, SELECT @@version) may have begun a PEP 249
    // implicit transaction; the connection starts clean, as SQLAlchemy rolls back after its
    // first-connect queries, and an isolation level can only change outside a transaction.
    if (conn->in_transaction()) conn->rollback();
    if (!options.isolation_level.empty())
      dialect->set_isolation_level(*conn, options.isolation_level);
    return conn;
  };
  hooks.ping = [dialect = dialect](DbapiConnection& conn) { return dialect->do_ping(conn); };
  hooks.event = [events = events](const PoolEvent& event) {
    if (events->has_pool_listeners()) [[unlikely]]
      events->fire_pool(event);
  };
  PoolOptions p{options.pool_size,    options.max_overflow,  options.pool_timeout,
                options.pool_recycle, options.pool_pre_ping, options.pool_reset_on_return,
                options.pool_use_lifo};
  switch (options.poolclass.value_or(dialect->default_pool_class(url))) {
  case PoolClass::kStaticPool: return make_static_pool(std::move(hooks), p);
  case PoolClass::kNullPool: return make_null_pool(std::move(hooks), p);
  case PoolClass::kQueuePool: break;
  }
  return make_queue_pool(std::move(hooks), p);
}

DbapiConnection& ConnectionState::dbapi() {
  if (closed) throw ResourceClosedError("This Connection is closed");
  if (invalidated)
    throw ResourceClosedError("This Connection was invalidated after a disconnect; close it and "
                              "connect again");
  return pooled.dbapi();
}

void ConnectionState::log(const std::string& line) const {
  if (engine->echo != nullptr) engine->echo->information(line);
}

void ConnectionState::autobegin() {
  if (tx_active) return;
  tx_active = true;
  ++generation;
  log("BEGIN (implicit)");
}

void ConnectionState::close_results(const char* reason) noexcept {
  for (auto& weak : results)
    if (auto holder = weak.lock()) holder->close(reason);
  results.clear();
}

void ConnectionState::track(const std::shared_ptr<CursorHolder>& holder) {
  results.erase(std::remove_if(results.begin(), results.end(),
                               [](const std::weak_ptr<CursorHolder>& w) { return w.expired(); }),
                results.end());
  results.push_back(holder);
}

std::shared_ptr<const ResultMetadata>
ConnectionState::metadata_for(const std::vector<ColumnDescription>& columns) {
  if (caches == nullptr) {
    std::shared_ptr<void>& info = pooled.info();
    if (!info) info = std::make_shared<PooledCaches>();
    caches = static_cast<PooledCaches*>(info.get());
  }
  auto& cache = caches->metadata_cache;
  // Newest first: a loop running one statement finds it at the first try.
  for (std::size_t i = 0; i < cache.size(); ++i) {
    const auto& cached = cache[(caches->metadata_next + cache.size() - 1 - i) % cache.size()];
    if (cached && cached->columns() == columns) return cached;
  }
  auto made = std::make_shared<const ResultMetadata>(columns);
  cache[caches->metadata_next] = made;
  caches->metadata_next = (caches->metadata_next + 1) % cache.size();
  return made;
}

void ConnectionState::on_error(DBAPIError& error) noexcept {
  // Already marked by the layer under the driver (the async layer, when it gave up a wait part-way
  // through a round trip): this connection alone is unusable, whatever the pool's reset.
  if (error.connection_invalidated()) {
    invalidated = true;
    pooled.invalidate(&error);
    return;
  }
  if (engine->dialect->is_disconnect(error)) {
    error.set_connection_invalidated();
    invalidated = true;
    // The server is likely gone for the pool's other connections too.
    pooled.invalidate_pool(&error);
  }
}

ConnectionState& connection_state(Connection& conn) { return conn.state(); }

std::shared_ptr<CursorHolder> ConnectionState::run(const std::string& sql,
                                                   std::span<const Value> values) {
  auto holder = std::make_shared<CursorHolder>();
  holder->cursor = execute_cursor(sql, values);
  track(holder);
  if (const auto& columns = holder->cursor->description(); !columns.empty())
    holder->metadata = metadata_for(columns);
  return holder;
}

std::unique_ptr<Cursor> ConnectionState::execute_cursor(const std::string& sql,
                                                        std::span<const Value> values) {
  DbapiConnection& conn = dbapi();
  autobegin();
  EngineEvents& events = *engine->events;
  if (events.has_cursor_listeners()) [[unlikely]]
    events.fire_before_cursor_execute({handle, sql, values, nullptr, false});
  if (engine->echo != nullptr) {
    log(sql);
    log(engine->options.hide_parameters ? "[parameters hidden]"
                                        : "[parameters] " + log_values(values));
  }
  std::unique_ptr<Cursor> cursor;
  try {
    cursor = conn.cursor();
    cursor->execute(sql, values);
  } catch (DBAPIError& e) {
    on_error(e);
    throw;
  }
  if (events.has_cursor_listeners()) [[unlikely]]
    events.fire_after_cursor_execute({handle, sql, values, nullptr, false});
  return cursor;
}

std::shared_ptr<CursorHolder> ConnectionState::run_many(const std::string& sql,
                                                        const ParamSets& sets) {
  DbapiConnection& conn = dbapi();
  autobegin();
  announce_many(sql, sets);
  auto holder = std::make_shared<CursorHolder>();
  try {
    holder->cursor = conn.cursor();
    holder->cursor->executemany(sql, sets);
  } catch (DBAPIError& e) {
    on_error(e);
    throw;
  }
  ran_many(holder, sql, sets);
  return holder;
}

std::shared_ptr<CursorHolder>
ConnectionState::run_many_lastrowids(const std::string& sql, const ParamSets& sets,
                                     std::vector<std::int64_t>& lastrowids) {
  DbapiConnection& conn = dbapi();
  auto holder = std::make_shared<CursorHolder>();
  try {
    holder->cursor = conn.cursor();
  } catch (DBAPIError& e) {
    on_error(e);
    throw;
  }
  auto* capable = dynamic_cast<LastrowidExecutemany*>(holder->cursor.get());
  if (capable == nullptr) return nullptr;
  autobegin();
  announce_many(sql, sets);
  try {
    capable->executemany_lastrowids(sql, sets, lastrowids);
  } catch (DBAPIError& e) {
    on_error(e);
    throw;
  }
  ran_many(holder, sql, sets);
  return holder;
}

void ConnectionState::announce_many(const std::string& sql, const ParamSets& sets) {
  EngineEvents& events = *engine->events;
  if (events.has_cursor_listeners()) [[unlikely]]
    events.fire_before_cursor_execute({handle, sql, {}, &sets, true});
  if (engine->echo == nullptr) return;
  log(sql);
  if (engine->options.hide_parameters) {
    log("[executemany parameters hidden]");
    return;
  }
  std::string line = "[executemany " + std::to_string(sets.size()) + " parameter sets] ";
  for (std::size_t i = 0; i < sets.size() && i < kMaxLoggedSets; ++i)
    line += (i ? ", " : "") + log_values(sets[i]);
  if (sets.size() > kMaxLoggedSets)
    line += " … displaying " + std::to_string(kMaxLoggedSets) + " of " +
            std::to_string(sets.size()) + " total bound parameter sets";
  log(line);
}

void ConnectionState::ran_many(const std::shared_ptr<CursorHolder>& holder, const std::string& sql,
                               const ParamSets& sets) {
  track(holder);  // like run()'s, so that closing the connection closes a RETURNING result too
  EngineEvents& events = *engine->events;
  if (events.has_cursor_listeners()) [[unlikely]]
    events.fire_after_cursor_execute({handle, sql, {}, &sets, true});
}

void ConnectionState::commit() {
  DbapiConnection& conn = dbapi();
  if (tx_active) log("COMMIT");
  try {
    conn.commit();
  } catch (DBAPIError& e) {
    on_error(e);
    throw;
  }
  tx_active = false;
  savepoints.clear();
}

void ConnectionState::rollback() {
  DbapiConnection& conn = dbapi();
  if (tx_active) log("ROLLBACK");
  tx_active = false;
  savepoints.clear();
  try {
    conn.rollback();
  } catch (DBAPIError& e) {
    on_error(e);
    throw;
  }
}

void ConnectionState::close() noexcept {
  if (closed) return;
  close_results("its Connection was closed");
  if (tx_active && !invalidated) log("ROLLBACK");  // the pool's reset does the rollback itself
  tx_active = false;
  savepoints.clear();
  pooled.release();
  closed = true;
}

}  // namespace detail

// ---- Engine -----------------------------------------------------------------------------------

Engine create_engine(std::string_view url, EngineOptions options) {
  return create_engine(make_url(url), std::move(options));
}

Engine create_engine(const URL& url, EngineOptions options) {
  return detail::create_engine_adapted(url, std::move(options), nullptr);
}

namespace detail {

Engine create_engine_adapted(const URL& url, EngineOptions options, const DriverAdapter& adapt) {
  if (options.pool_size < 0)
    throw ArgumentError("pool_size must be 0 or more, got " + std::to_string(options.pool_size));
  if (options.max_overflow < -1)
    throw ArgumentError("max_overflow must be -1 (no limit) or more, got " +
                        std::to_string(options.max_overflow));
  if (options.pool_timeout < 0) throw ArgumentError("pool_timeout must be 0 or more seconds");
  auto state = std::make_shared<detail::EngineState>();
  const std::string dialect_name = url.get_backend_name();
  const std::string driver_hint = url.get_driver_name();
  state->dialect = registry::load_dialect(dialect_name, driver_hint);
  const std::string driver_name =
      driver_hint.empty() ? std::string(state->dialect->default_driver()) : driver_hint;
  state->driver = registry::load_driver(driver_name, dialect_name);
  if (adapt) state->driver = adapt(std::move(state->driver));
  if (!options.isolation_level.empty())  // validate now rather than at the first connect
    state->dialect->normalize_isolation_level(options.isolation_level);
  state->url = url;
  state->options = std::move(options);
  if (state->options.echo) state->echo = detail::echo_logger();
  state->pool = state->make_pool();
  return Engine(std::move(state));
}

}  // namespace detail

Connection Engine::connect() const {
  auto conn = std::make_shared<detail::ConnectionState>();
  conn->engine = state_;
  conn->pooled = state_->current_pool()->connect();
  return Connection(std::move(conn));
}

const URL& Engine::url() const noexcept { return state_->url; }
const Dialect& Engine::dialect() const noexcept { return *state_->dialect; }
Driver& Engine::driver() const noexcept { return *state_->driver; }
Pool& Engine::pool() const noexcept { return *state_->current_pool(); }
EngineEvents& Engine::events() const noexcept { return *state_->events; }

sql::CompiledCache& Engine::compiled_cache() const noexcept { return state_->compiled_cache; }

void Engine::dispose() const {
  std::shared_ptr<Pool> fresh = state_->make_pool();
  std::shared_ptr<Pool> old;
  {
    std::lock_guard lock(state_->pool_mutex);
    old = std::exchange(state_->pool, std::move(fresh));
  }
  old->dispose();  // borrowed connections are closed as they come back to the old pool
}

// ---- Connection -------------------------------------------------------------------------------

Connection::Connection(std::shared_ptr<detail::ConnectionState> state) noexcept
    : state_(std::move(state)) {
  if (state_) state_->handle = this;
}
Connection::Connection(Connection&& other) noexcept : state_(std::move(other.state_)) {
  if (state_) state_->handle = this;
}
Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    if (state_) state_->handle = nullptr;
    state_ = std::move(other.state_);
    if (state_) state_->handle = this;
  }
  return *this;
}
Connection::~Connection() {
  close();
  if (state_) state_->handle = nullptr;  // a Transaction may still hold the (closed) state
}

detail::ConnectionState& Connection::state() const {
  if (!state_) throw ResourceClosedError("This Connection was moved from");
  return *state_;
}

Result Connection::execute(const sql::Executable& stmt, const Params& params) {
  detail::ConnectionState& st = state();
  const detail::Prepared p = detail::prepare(st, stmt, &params);
  detail::ValueVector values;
  values.values.reserve(p.compiled->bind_names.size());
  detail::collect_binds(p, params, *st.engine->dialect, values);
  auto holder = st.run(p.compiled->sql, values.span());
  holder->processing = detail::processing_for(*st.engine, p.compiled);
  return Result(std::move(holder));
}

Result Connection::execute(const sql::Executable& stmt, const std::vector<Params>& param_sets) {
  detail::ConnectionState& st = state();
  if (param_sets.empty())
    throw ArgumentError("execute() with a list of parameter sets needs at least one set");
  if (param_sets.size() == 1) return execute(stmt, param_sets.front());
  const detail::Prepared p = detail::prepare(st, stmt, &param_sets.front());
  return execute_many(p, detail::ParamsSets(p, param_sets, *st.engine->dialect));
}

Result Connection::execute(const sql::Executable& stmt, const ParamTable& table) {
  detail::ConnectionState& st = state();
  if (table.rows() == 0 || table.values().size() != table.rows() * table.width())
    throw ArgumentError("execute() with a ParamTable wants at least one complete row of " +
                        std::to_string(table.width()) + " values, found " +
                        std::to_string(table.values().size()) + " values");
  const Params first = table.params(0);  // shapes an INSERT without values(), as a first set
  if (table.rows() == 1) return execute(stmt, first);
  const detail::Prepared p = detail::prepare(st, stmt, &first);
  return execute_many(p, detail::TableSets(p, table, *st.engine->dialect));
}

Result Connection::execute_many(const detail::Prepared& p, const detail::SetSource& param_sets) {
  detail::ConnectionState& st = state();
  switch (detail::many_values_path(*st.engine->dialect, *p.compiled)) {
  case detail::ManyValuesPath::kReturning:
    if (!p.compiled->insertmanyvalues->lastrowid_sql.empty())
      if (std::optional<Result> r = detail::insertmanyvalues_lastrowids(st, p, param_sets))
        return std::move(*r);
    return detail::insertmanyvalues_returning(st, p, param_sets);
  case detail::ManyValuesPath::kPlain: return detail::insertmanyvalues(st, p, param_sets);
  case detail::ManyValuesPath::kNone: break;
  }
  const ParamSets sets = detail::collect_all(p, param_sets);
  // RETURNING rows, where the driver's executemany gives them (insertmanyvalues_returning
  // covers what the dialect can batch; see Connection::execute).
  auto holder = st.run_many(p.compiled->sql, sets);
  holder->processing = detail::processing_for(*st.engine, p.compiled);
  return Result(std::move(holder));
}

Result Connection::exec_driver_sql(std::string_view sql, std::span<const Value> params) {
  return Result(state().run(std::string(sql), params));
}

Transaction Connection::begin() {
  detail::ConnectionState& st = state();
  st.dbapi();  // throws when closed
  if (st.tx_active)
    throw InvalidRequestError("a transaction is already begun on this Connection (execute() begins "
                              "one implicitly); commit() or rollback() it before begin()");
  st.tx_active = true;
  ++st.generation;
  st.log("BEGIN");
  return Transaction(state_, 0, st.generation);
}

Transaction Connection::begin_nested() {
  detail::ConnectionState& st = state();
  const Dialect& d = *st.engine->dialect;
  if (!d.features().supports_savepoints)
    throw NotSupportedError(ErrorInfo{.driver_message = "the " + std::string(d.name()) +
                                                        " dialect does not support savepoints"});
  st.autobegin();
  std::string name = "sa_savepoint_" + std::to_string(++st.savepoint_counter);
  st.run(d.savepoint_sql(name), {});
  st.savepoints.push_back(std::move(name));
  return Transaction(state_, st.savepoints.size(), st.generation);
}

void Connection::commit() { state().commit(); }
void Connection::rollback() { state().rollback(); }
bool Connection::in_transaction() const noexcept {
  return state_ && !state_->closed && state_->tx_active;
}
bool Connection::in_nested_transaction() const noexcept {
  return in_transaction() && !state_->savepoints.empty();
}
void Connection::close() noexcept {
  if (state_) state_->close();
}
bool Connection::closed() const noexcept { return !state_ || state_->closed; }
void Connection::invalidate() noexcept {
  if (state_ && !state_->closed) {
    state_->invalidated = true;
    state_->pooled.invalidate();
  }
}
bool Connection::invalidated() const noexcept { return state_ && state_->invalidated; }
const Dialect& Connection::dialect() const { return *state().engine->dialect; }
Engine Connection::engine() const { return Engine(state().engine); }
DbapiConnection& Connection::dbapi_connection() const { return state().dbapi(); }

// ---- Transaction ------------------------------------------------------------------------------

Transaction::Transaction(Transaction&& other) noexcept
    : state_(std::move(other.state_)), depth_(other.depth_), generation_(other.generation_) {}

Transaction::~Transaction() {
  if (!is_active()) return;
  try {
    rollback();
  } catch (const std::exception& e) {
    Poco::Logger::get("crucible.engine")
        .error(std::string("rollback of an abandoned transaction failed: ") + e.what());
  }
}

bool Transaction::is_active() const noexcept {
  return state_ && !state_->closed && state_->tx_active && state_->generation == generation_ &&
         state_->savepoints.size() >= depth_;
}

void Transaction::commit() {
  if (!is_active())
    throw InvalidRequestError(
        "This transaction is inactive: it was already committed or rolled back, "
        "or its connection was closed");
  detail::ConnectionState& st = *state_;
  if (depth_ == 0) {
    st.commit();
    return;
  }
  st.run(st.engine->dialect->release_savepoint_sql(st.savepoints[depth_ - 1]), {});
  st.savepoints.resize(depth_ - 1);
}

void Transaction::rollback() {
  if (!is_active()) return;
  detail::ConnectionState& st = *state_;
  if (depth_ == 0) {
    st.rollback();
    return;
  }
  const std::string name = st.savepoints[depth_ - 1];
  st.savepoints.resize(depth_ - 1);
  st.run(st.engine->dialect->rollback_to_savepoint_sql(name), {});
}

}  // namespace crucible
