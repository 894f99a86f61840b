#pragma once
// Dialect: what one database's SQL language looks like, independent of the driver that talks to
// it (SQLAlchemy's Dialect interface, with DefaultDialect's shared defaults folded in: a plugin
// overrides only what its database does differently).
//
// A Dialect is made for one Engine and shared by every connection of it. Its one mutating call,
// initialize(), runs once, on the Engine's first connection, before any statement of the Engine
// runs; after it the dialect is immutable, so its const methods must be thread-safe. Methods that talk to the database take the DbapiConnection to
// use; they run on the caller's thread.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/dbapi.hpp"
#include "crucible/reflection.hpp"
#include "crucible/sql/executable.hpp"
#include "crucible/types.hpp"
#include "crucible/value.hpp"

namespace crucible {

class DbapiConnection;
class DBAPIError;
class URL;
namespace sql {
class SQLCompiler;
class DDLCompiler;
class TypeCompiler;
class IdentifierPreparer;
}  // namespace sql

/// How a dialect spells INSERT … ON CONFLICT (the portable upsert compiles to one of these).
enum class UpsertStyle : std::uint8_t {
  kNone,        ///< the database has no upsert: refused with NotSupportedError
  kOnConflict,  ///< INSERT … ON CONFLICT (cols) DO UPDATE SET c = excluded.c (PostgreSQL, SQLite)
  kOnDuplicateKey,  ///< INSERT … ON DUPLICATE KEY UPDATE c = VALUES(c) (MySQL, MariaDB)
  kMerge,           ///< MERGE INTO … (SQL:2003 §14.12)
};

/// Which pool an Engine uses for a URL by default (SQLAlchemy: QueuePool for most, a single
/// shared connection for an in-memory database that would otherwise vanish per connection).
enum class PoolClass : std::uint8_t { kQueuePool, kStaticPool, kNullPool };

/// Feature flags the framework and the compilers consult (SQLAlchemy's dialect attributes).
struct DialectFeatures {
  bool supports_returning{false};
  bool supports_multivalues_insert{true};
  bool supports_native_boolean{false};
  bool supports_native_uuid{false};
  bool supports_savepoints{true};
  bool supports_sequences{false};
  bool supports_transactional_ddl{true};
  /// ALTER TABLE does no more than ADD COLUMN, RENAME TO and RENAME COLUMN, so migrations make
  /// every other change by rebuilding the table (Alembic's batch mode: create the new table,
  /// copy the rows, drop the old one, rename, recreate the indexes), between the dialect's
  /// before_table_rebuild and after_table_rebuild hooks.
  bool alter_requires_table_rebuild{false};
  /// Send an executemany of a single-row INSERT as multi-row INSERTs of up to
  /// insertmanyvalues_page_size rows (and insertmanyvalues_max_parameters parameters) each,
  /// instead of once per row (SQLAlchemy's use_insertmanyvalues): for client/server databases,
  /// where every statement costs a round trip or at least a server-side execution. Not used
  /// for an INSERT with RETURNING, whose rows must come back in parameter order.
  bool use_insertmanyvalues{false};
  std::uint32_t insertmanyvalues_page_size{1000};
  std::uint32_t insertmanyvalues_max_parameters{32767};
  std::uint32_t max_identifier_length{63};
  UpsertStyle upsert_style{UpsertStyle::kNone};
};

/// The Value kind a result of a generic type has once processed: kInt for the integer types,
/// kDouble for Float/Double, kDecimal for Numeric, kString for String/Text/Enum, kBytes for
/// LargeBinary, and the type's own kind for Boolean, Date, Time, DateTime, Uuid and JSON;
/// kNull for TypeKind::kNull (unknown).
ValueKind natural_value_kind(TypeKind type) noexcept;

/// The base of every dialect, holding the defaults of standard SQL.
class Dialect {
 public:
  virtual ~Dialect();

  /// The dialect's name as written before '+' in a URL ("sqlite", "postgresql").
  virtual std::string_view name() const noexcept = 0;
  /// The driver used when the URL names none ("sqlite3", "libpq").
  virtual std::string_view default_driver() const noexcept = 0;
  /// Feature flags; the default is standard SQL with savepoints and nothing else.
  virtual const DialectFeatures& features() const noexcept;

  // ---- SQL compilation and types (SQLAlchemy's statement_compiler, ddl_compiler,
  // type_compiler, identifier_preparer, and the types' bind/result processors) ---------------

  /// A new compiler for one statement. Default: the standard-SQL SQLCompiler.
  virtual std::unique_ptr<sql::SQLCompiler> statement_compiler(ParamStyle style,
                                                               sql::CompileOptions options) const;
  /// A DDL compiler. Default: the standard-SQL DDLCompiler.
  virtual std::unique_ptr<sql::DDLCompiler> ddl_compiler() const;
  /// The type compiler (shared, stateless). Default: standard SQL names.
  virtual const sql::TypeCompiler& type_compiler() const;
  /// The identifier preparer (shared, stateless). Default: SQL:2016 reserved words, '"'.
  virtual const sql::IdentifierPreparer& identifier_preparer() const;

  /// Converts a value bound for a column or expression of `type` into what the driver should
  /// send (e.g. Boolean to 0/1 where there is no boolean). Default: unchanged. Throws
  /// DataError when value cannot be stored as type.
  virtual Value process_bind(const SqlType& type, Value value) const;
  /// Whether process_bind(type, v) may change a value v of `kind`; the engine sends a value
  /// for which this is false as it is, without the call or a copy. Default: the default
  /// process_bind's own answer (a conversion between kinds). A dialect that overrides
  /// process_bind overrides this too, answering true wherever its override acts. The answer
  /// depends on type and kind alone: an executemany asks once per column and kind.
  virtual bool needs_bind_processing(const SqlType& type, ValueKind kind) const;
  /// Whether results of `type` need process_result (lets the Result skip the call).
  virtual bool needs_result_processing(const SqlType& type) const;
  /// Converts a value read from a result column of `type` into the type's Value kind (e.g.
  /// 0/1 to bool, ISO text to DateTime). Default: Value::as conversion to the type's kind where
  /// the value is not null and not already of it; a value that does not convert is returned
  /// unchanged (never lost). The Result does not call it for a null, nor for a value already
  /// of natural_value_kind(type.kind()).
  virtual Value process_result(const SqlType& type, Value value) const;
  /// The generic type for a column type as reflection reports it ("NVARCHAR(120)",
  /// "NUMERIC(10,2)", "TIMESTAMP WITH TIME ZONE"), case-insensitive (SQLAlchemy's
  /// ischema_names lookup). Default: the common SQL names (INTEGER, INT, BIGINT, SMALLINT,
  /// VARCHAR(n), NVARCHAR(n), CHAR(n), TEXT, CLOB, REAL, FLOAT, DOUBLE, NUMERIC(p,s),
  /// DECIMAL(p,s), BOOLEAN, DATE, TIME, DATETIME, TIMESTAMP, BLOB, BYTEA, UUID, JSON and their
  /// usual aliases); a name it does not know gives the kNull type. A dialect adds its own names.
  virtual SqlType reflect_type(std::string_view declared) const;

  // ---- identifiers and script text --------------------------------------------------------

  /// name, quoted when it must be (the identifier preparer's rules).
  virtual std::string quote_identifier(std::string_view name) const;

  /// Splits a script of several statements into single statements, dropping empty ones and the
  /// separators. The default follows standard SQL lexing: ';' ends a statement outside
  /// '…' and "…" literals, -- line comments and /* */ block comments. Throws ArgumentError for
  /// an unterminated literal or comment.
  virtual std::vector<std::string> split_script(std::string_view script) const;

  /// True when statement, an element of split_script's answer, is a command of the database's
  /// own command-line client rather than SQL (psql's backslash meta-commands such as
  /// `\c chinook`); a program that runs a script through crucible skips it, as the `crucible
  /// sql --file` command does with a notice. A dialect whose splitter returns such commands
  /// says which they are. Default: false (every element is SQL).
  virtual bool is_client_command(std::string_view statement) const;

  // ---- connections and transactions ---------------------------------------------------------

  /// The pool an Engine for url uses unless the program chooses one.
  virtual PoolClass default_pool_class(const URL& url) const;

  /// Learns what it needs of the server from the Engine's first connection (SQLAlchemy's
  /// Dialect.initialize): e.g. the server's version from conn.server_version(), to choose
  /// between spellings and features that depend on it. The Engine calls it exactly once, before
  /// on_connect and before that connection is handed out, so every statement the Engine runs
  /// is compiled after it. A program that compiles with engine.dialect() before connecting
  /// (stmt.compile(engine.dialect())) gets the dialect's defaults for an unknown server, and must
  /// not do so from another thread while the first connect runs. If it throws, the connect fails with that error and the
  /// next connect calls it again. Throws what the connection throws, or ArgumentError /
  /// NotSupportedError when the URL's dialect cannot serve this server. Default: nothing.
  virtual void initialize(DbapiConnection& conn);

  /// Runs once on every new DBAPI connection before the pool hands it out (SQLAlchemy's
  /// Dialect.on_connect), e.g. to switch on foreign keys. Default: nothing. A transaction that
  /// initialize() or on_connect() began implicitly is rolled back by the Engine afterwards, so
  /// settings made here must be session settings (SET, PRAGMA), not transactional writes.
  virtual void on_connect(DbapiConnection& conn) const;

  /// The isolation level names this dialect accepts, upper case; "AUTOCOMMIT" among them when
  /// the driver can do autocommit. Default: the four of SQL:2016 §4.41.6 and AUTOCOMMIT.
  virtual std::vector<std::string> isolation_levels() const;

  /// level in the canonical upper-case form isolation_levels() lists. Case-insensitive. Throws
  /// ArgumentError naming the level and the accepted ones when it is not accepted.
  std::string normalize_isolation_level(std::string_view level) const;

  /// Sets level on conn: "AUTOCOMMIT" switches the driver to autocommit, any other accepted
  /// level switches autocommit off and asks the driver for that level. Case-insensitive. Throws
  /// ArgumentError naming the level and the accepted ones when it is not accepted.
  virtual void set_isolation_level(DbapiConnection& conn, std::string_view level) const;

  /// Whether conn still works (the pool's pre-ping). Default: conn.ping(). Never throws.
  virtual bool do_ping(DbapiConnection& conn) const noexcept;

  /// Whether error means the connection is gone, so the pool must discard it rather than reuse
  /// it (SQLAlchemy's Dialect.is_disconnect). Default: false.
  virtual bool is_disconnect(const DBAPIError& error) const noexcept;

  /// SQL for SAVEPOINT, RELEASE SAVEPOINT and ROLLBACK TO SAVEPOINT (SQL:2016 §17.5-17.7).
  virtual std::string savepoint_sql(std::string_view name) const;
  virtual std::string release_savepoint_sql(std::string_view name) const;
  virtual std::string rollback_to_savepoint_sql(std::string_view name) const;

  // ---- table rebuilds (migrations on dialects with alter_requires_table_rebuild) ----------

  /// Runs on conn, outside any transaction, before a migration step that rebuilds tables
  /// (e.g. switches off foreign key enforcement, which would otherwise act on the DROP of the
  /// old table). Default: nothing.
  virtual void before_table_rebuild(DbapiConnection& conn) const;
  /// Runs on conn, outside any transaction, after that step, whether it succeeded or not
  /// (undoes before_table_rebuild). Default: nothing.
  virtual void after_table_rebuild(DbapiConnection& conn) const;
  /// The foreign key violations in table, checked inside the rebuild's transaction before it
  /// commits, one line each ("row 3 of books refers to authors, which has no such row");
  /// empty when none. Default: empty (a database that enforces keys during the rebuild needs
  /// no check afterwards).
  virtual std::vector<std::string> foreign_key_violations(DbapiConnection& conn,
                                                          std::string_view table) const;

  // ---- reflection (SQLAlchemy's Dialect.get_* hooks) ----------------------------------------
  // schema nullopt means the connection's default schema. Each throws NotSupportedError in the
  // base; a dialect that supports reflection overrides all of them. A table that does not
  // exist gives NoSuchTableError from get_columns and get_pk_constraint, and empty results from
  // the other per-table hooks.

  /// The schemas (SQLite: the attached databases) a program can name, sorted, without the
  /// database's own catalogs (SQLAlchemy's Inspector.get_schema_names).
  virtual std::vector<std::string> get_schema_names(DbapiConnection& conn) const;
  virtual std::vector<std::string> get_table_names(DbapiConnection& conn,
                                                   const std::optional<std::string>& schema) const;
  virtual std::vector<std::string> get_view_names(DbapiConnection& conn,
                                                  const std::optional<std::string>& schema) const;
  virtual bool has_table(DbapiConnection& conn, std::string_view table,
                         const std::optional<std::string>& schema) const;
  /// Whether the sequence exists (SQLAlchemy's Dialect.has_sequence), for create_all's and
  /// drop_all's checkfirst on dialects with sequences.
  virtual bool has_sequence(DbapiConnection& conn, std::string_view sequence,
                            const std::optional<std::string>& schema) const;
  /// Whether the named type exists (SQLAlchemy's PGDialect.has_type), for create_all's and
  /// drop_all's checkfirst on types the DDL compiler creates apart from tables.
  virtual bool has_type(DbapiConnection& conn, std::string_view type,
                        const std::optional<std::string>& schema) const;
  virtual std::vector<ReflectedColumn> get_columns(DbapiConnection& conn, std::string_view table,
                                                   const std::optional<std::string>& schema) const;
  virtual ReflectedPrimaryKey get_pk_constraint(DbapiConnection& conn, std::string_view table,
                                                const std::optional<std::string>& schema) const;
  virtual std::vector<ReflectedForeignKey>
  get_foreign_keys(DbapiConnection& conn, std::string_view table,
                   const std::optional<std::string>& schema) const;
  virtual std::vector<ReflectedIndex> get_indexes(DbapiConnection& conn, std::string_view table,
                                                  const std::optional<std::string>& schema) const;
  virtual std::vector<ReflectedUniqueConstraint>
  get_unique_constraints(DbapiConnection& conn, std::string_view table,
                         const std::optional<std::string>& schema) const;
  /// The table's CHECK constraints, the ones written on a column included, in the order the
  /// database lists them (SQLAlchemy's Dialect.get_check_constraints). Checks the database adds
  /// on its own (MariaDB's json_valid() on a JSON column) are left out. Unlike the hooks above,
  /// the base returns none: a dialect that cannot read them loses nothing it could keep.
  virtual std::vector<ReflectedCheckConstraint>
  get_check_constraints(DbapiConnection& conn, std::string_view table,
                        const std::optional<std::string>& schema) const;
};

}  // namespace crucible
