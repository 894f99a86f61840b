#pragma once
// Engine, Connection and Transaction (SQLAlchemy 2.0's sqlalchemy.engine).
//
//   auto engine = create_engine("sqlite:///app.db", {.echo = true});
//   engine.begin([&](Connection& conn) { conn.execute(text("INSERT …"), {{"x", 1}}); });
//   auto conn = engine.connect();
//   for (const Row& row : conn.execute(text("SELECT …"))) …
//
// An Engine is a cheap handle (copies share one pool) and is thread-safe. A Connection belongs
// to one thread at a time. Transactions follow SQLAlchemy 2.0: the first execute() begins one
// implicitly ("autobegin"); conn.commit() / conn.rollback() end it; closing a Connection with a
// transaction open rolls it back. Nothing is ever committed by a destructor.
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "crucible/dbapi.hpp"
#include "crucible/dialect.hpp"
#include "crucible/events.hpp"
#include "crucible/params.hpp"
#include "crucible/pool.hpp"
#include "crucible/result.hpp"
#include "crucible/sql/executable.hpp"
#include "crucible/url.hpp"

namespace crucible {

namespace sql {
class CompiledCache;
}

/// Options of create_engine (SQLAlchemy's create_engine keyword arguments).
struct EngineOptions {
  /// Log every statement and its parameters at information level to the Poco logger
  /// "crucible.engine" (to stderr unless the program gave that logger a channel).
  bool echo{false};
  /// With echo, log "[parameters hidden]" instead of the values.
  bool hide_parameters{false};
  int pool_size{5};
  int max_overflow{10};
  double pool_timeout{30.0};  ///< seconds
  double pool_recycle{-1.0};  ///< seconds; <0 never
  bool pool_pre_ping{false};
  /// What the pool does to a connection given back: rollback (default), commit or nothing.
  ResetOnReturn pool_reset_on_return{ResetOnReturn::kRollback};
  /// QueuePool: reuse the connection returned last (LIFO) rather than the one idle longest.
  bool pool_use_lifo{false};
  /// The pool kind; by default the dialect's choice for the URL (see Dialect::default_pool_class).
  std::optional<PoolClass> poolclass;
  /// Applied to every new connection ("SERIALIZABLE", "AUTOCOMMIT"…); "" keeps the default.
  std::string isolation_level;
  /// Extra arguments for the driver's connect().
  ConnectOptions connect_args;
};

class Connection;
class Transaction;

namespace detail {
struct EngineState;
struct ConnectionState;
struct Prepared;
class SetSource;
/// The state behind conn, for libcrucible's own layers (the ORM's get); not an API.
ConnectionState& connection_state(Connection& conn);
}  // namespace detail

/// The starting point: a dialect, a driver and a pool for one database URL.
class Engine {
 public:
  /// Borrows a connection from the pool. Throws TimeoutError or the driver's DBAPIError.
  Connection connect() const;

  /// Runs fn(conn) in a transaction on a new connection: commits when fn returns, rolls back
  /// and rethrows when it throws. Returns what fn returns.
  template <class F>
  auto begin(F&& fn) const -> std::invoke_result_t<F, Connection&>;

  const URL& url() const noexcept;
  const Dialect& dialect() const noexcept;
  Driver& driver() const noexcept;
  Pool& pool() const noexcept;
  /// The engine's listeners (SQLAlchemy's event.listen(engine, …)): shared by every Connection
  /// of this Engine and by its copies; see events.hpp for what fires them.
  EngineEvents& events() const noexcept;
  /// The engine's cache of compiled statements (SQLAlchemy's compiled_cache): a statement of a
  /// shape executed before is not compiled again. Its counters show hits and misses.
  sql::CompiledCache& compiled_cache() const noexcept;
  /// Closes the pool's idle connections and starts a new pool (SQLAlchemy's Engine.dispose).
  void dispose() const;

  /// Used by create_engine.
  explicit Engine(std::shared_ptr<detail::EngineState> state) noexcept : state_(std::move(state)) {}

 private:
  std::shared_ptr<detail::EngineState> state_;
};

/// Makes an Engine for url: resolves the dialect and the driver through the registry (loading
/// their plugins), chooses the pool. No connection is made yet. Throws ArgumentError for a bad
/// URL or option, PluginError when the dialect or driver cannot be found.
Engine create_engine(std::string_view url, EngineOptions options = {});
Engine create_engine(const URL& url, EngineOptions options = {});

/// A transaction or savepoint of a Connection (SQLAlchemy's RootTransaction and
/// NestedTransaction). Move-only. Destroying an active Transaction rolls it back (and logs a
/// failure of that rollback rather than throwing).
class Transaction {
 public:
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  /// COMMIT, or RELEASE SAVEPOINT for a nested one. Throws InvalidRequestError when inactive.
  void commit();
  /// ROLLBACK, or ROLLBACK TO SAVEPOINT. A no-op when already inactive.
  void rollback();
  /// True until committed or rolled back, by itself or by an enclosing transaction.
  bool is_active() const noexcept;
  bool is_nested() const noexcept { return depth_ > 0; }

 private:
  friend class Connection;
  Transaction(std::shared_ptr<detail::ConnectionState> state, std::size_t depth,
              std::uint64_t generation) noexcept
      : state_(std::move(state)), depth_(depth), generation_(generation) {}
  std::shared_ptr<detail::ConnectionState> state_;  ///< shared with the Connection (moves keep it)
  std::size_t depth_;         ///< 0 for the root transaction, n for the n-th savepoint
  std::uint64_t generation_;  ///< the root transaction this belongs to
};

/// A borrowed database connection with SQLAlchemy 2.0 transaction semantics. Move-only.
class Connection {
 public:
  explicit Connection(std::shared_ptr<detail::ConnectionState> state) noexcept;
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  /// Rolls back what is open and returns the DBAPI connection to the pool.
  ~Connection();

  /// Runs stmt with one parameter set. Begins a transaction when none is open. Throws
  /// ArgumentError when a bind parameter has no value, the driver's DBAPIError when the
  /// database refuses (the connection is invalidated when the error is a disconnect).
  Result execute(const sql::Executable& stmt, const Params& params = {});
  /// Runs stmt once per parameter set (SQLAlchemy's executemany). Every set must give every
  /// bind parameter (ArgumentError naming the missing one); one set is a plain execute.
  ///
  /// How the sets travel:
  ///  * an INSERT … VALUES with RETURNING, on a dialect that supports_returning and
  ///    supports_multivalues_insert (the dialect reports both from the server it meets): as
  ///    multi-row INSERT … VALUES (…), (…) … RETURNING pages, whatever use_insertmanyvalues says.
  ///    The Result is buffered: it holds the RETURNING rows of every page, one per parameter set in
  ///    the order of param_sets (relying on the database returning the rows of one multi-row VALUES
  ///    in VALUES order; see insertmanyvalues_returning in src/insertmanyvalues.hpp for what is
  ///    relied on and what is checked), with the dialect's result processing applied; rowcount() is
  ///    the total. One driver execute (and one cursor-execute event) per page. When the only
  ///    RETURNING column is the table's autoincrement key and the driver's cursor is a
  ///    LastrowidExecutemany (dbapi.hpp), the INSERT goes without RETURNING as one driver
  ///    executemany (one event) and each set's lastrowid is its row; the Result is the same.
  ///  * an INSERT … VALUES without RETURNING on a dialect with use_insertmanyvalues: as
  ///    multi-row INSERT pages sent through the driver's executemany; rowcount() is the total.
  ///  * otherwise through the driver's executemany, one statement. An INSERT with RETURNING on
  ///    a dialect without RETURNING cannot be compiled (NotSupportedError); the ORM then runs
  ///    one execute per row and reads lastrowid(). Whether an executemany of other statements
  ///    with RETURNING (UPDATE/DELETE) gives rows is the driver's matter.
  ///
  /// Throws as execute() does; after a failure in a later page or set, what ran before it stays
  /// in the open transaction until it is rolled back.
  Result execute(const sql::Executable& stmt, const std::vector<Params>& param_sets);
  /// The rows of table as parameter sets, as execute(stmt, param_sets) runs them (same paths,
  /// results and errors); an INSERT whose placeholders are the table's columns in order binds
  /// its pages straight from the table where no bind processor acts (nothing copied per row).
  /// Throws ArgumentError when the table has no complete row.
  Result execute(const sql::Executable& stmt, const ParamTable& table);
  /// Runs sql as written, with positional values in the driver's paramstyle (SQLAlchemy's
  /// exec_driver_sql).
  Result exec_driver_sql(std::string_view sql, std::span<const Value> params = {});

  /// Begins the root transaction explicitly. Throws InvalidRequestError when one is already
  /// open (also when execute() began it).
  Transaction begin();
  /// Opens a SAVEPOINT (beginning the root transaction first when none is open). Throws
  /// NotSupportedError when the dialect has no savepoints.
  Transaction begin_nested();
  /// Commits the open transaction (a no-op when none).
  void commit();
  /// Rolls back the open transaction (a no-op when none).
  void rollback();
  bool in_transaction() const noexcept;
  bool in_nested_transaction() const noexcept;
  /// Rolls back, closes open results and returns the connection to the pool. Idempotent.
  void close() noexcept;
  bool closed() const noexcept;
  /// Drops the DBAPI connection instead of returning it to the pool (after a disconnect).
  void invalidate() noexcept;
  /// Whether the DBAPI connection was invalidated: by invalidate(), or by an error the dialect
  /// judged a disconnect (SQLAlchemy's Connection.invalidated). Such a Connection can only be
  /// closed; the next engine.connect() gets a working connection.
  bool invalidated() const noexcept;

  const Dialect& dialect() const;
  /// The Engine this connection came from (SQLAlchemy's Connection.engine).
  Engine engine() const;
  /// The DBAPI connection underneath (SQLAlchemy's Connection.connection), for driver calls
  /// the framework does not wrap. Throws ResourceClosedError when closed.
  DbapiConnection& dbapi_connection() const;

 private:
  friend detail::ConnectionState& detail::connection_state(Connection& conn);
  detail::ConnectionState& state() const;
  /// The executemany of p with several sets (both execute overloads of many sets).
  Result execute_many(const detail::Prepared& p, const detail::SetSource& param_sets);
  std::shared_ptr<detail::ConnectionState> state_;
};

template <class F>
auto Engine::begin(F&& fn) const -> std::invoke_result_t<F, Connection&> {
  Connection conn = connect();
  Transaction tx = conn.begin();
  if constexpr (std::is_void_v<std::invoke_result_t<F, Connection&>>) {
    std::invoke(std::forward<F>(fn), conn);
    tx.commit();
  } else {
    auto out = std::invoke(std::forward<F>(fn), conn);
    tx.commit();
    return out;
  }
}

}  // namespace crucible
