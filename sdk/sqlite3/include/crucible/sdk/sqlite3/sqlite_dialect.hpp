#pragma once
// The "sqlite" dialect: SQLite's SQL language, independent of the driver that talks to it
// (SQLAlchemy's dialects/sqlite/base.py). Its default driver is "sqlite3".
//
// Features (https://sqlite.org/lang.html): RETURNING (3.35+), multi-row VALUES, savepoints,
// INSERT … ON CONFLICT upserts (3.24+) and transactional DDL; no native BOOLEAN or UUID (stored
// as 0/1 and CHAR(32), as SQLAlchemy does), no sequences, no identifier length limit.
//
// Reflection runs PRAGMA table_xinfo, index_list, index_info, foreign_key_list and reads
// sqlite_master through the DbapiConnection it is given (sqlite_reflection.cpp), so it works
// inside or outside a transaction. A schema is "main", "temp" or an attached database's name;
// nullopt means SQLite's own search order (temp, main, attached) for one table and "main" for
// the table lists.
//
// Immutable after initialize() (run once per Engine, before any use) and thread-safe, as every
// Dialect.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/dialect.hpp"

namespace crucible::sqlite {

class SqliteDialect : public Dialect {
 public:
  SqliteDialect();

  std::string_view name() const noexcept override { return "sqlite"; }
  std::string_view default_driver() const noexcept override { return "sqlite3"; }
  const DialectFeatures& features() const noexcept override { return features_; }

  /// Splits script with sqlite3_complete() (https://sqlite.org/c3ref/complete.html), so
  /// CREATE TRIGGER … BEGIN …; …; END; stays one statement. Drops the separating ';' and
  /// statements holding only whitespace and comments. Throws ArgumentError when the script
  /// ends inside a literal, a quoted identifier or a trigger body, or holds a NUL character.
  std::vector<std::string> split_script(std::string_view script) const override;

  /// StaticPool for an in-memory database (database "" or ":memory:", or with uri=true a
  /// "file:" URI with mode=memory or the name ":memory:"), where each new connection would
  /// see a new empty database; QueuePool for a file.
  PoolClass default_pool_class(const URL& url) const override;

  /// Settles the features by the version of the SQLite library the DRIVER runs on
  /// (conn.server_version(), "3.40.1"), which is not the plugin's own libsqlite3 when another
  /// plugin's driver serves this dialect (sqlite+sqlcipher: SQLCipher 3.4 is SQLite 3.15):
  /// RETURNING from 3.35 (lang_returning.html), the ON CONFLICT upsert from 3.24
  /// (lang_upsert.html), 32766 host parameters from 3.32, 999 before (limits.html §9), as
  /// SQLAlchemy's SQLiteDialect.__init__ does by sqlite_version_info; reflection reads columns
  /// with PRAGMA table_xinfo from 3.26, table_info before. A version it cannot read
  /// leaves the constructor's choices (those of the plugin's libsqlite3).
  void initialize(DbapiConnection& conn) override;

  /// Switches foreign key enforcement on (PRAGMA foreign_keys = ON). The pragma is a no-op
  /// inside a transaction, so it runs with the connection in autocommit mode, which is then
  /// restored.
  void on_connect(DbapiConnection& conn) const override;
  /// PRAGMA foreign_keys = OFF / ON outside any transaction, around a migration's table
  /// rebuild (sqlite.org/lang_altertable.html §7, steps 1 and 12).
  void before_table_rebuild(DbapiConnection& conn) const override;
  void after_table_rebuild(DbapiConnection& conn) const override;
  /// PRAGMA foreign_key_check(table), one line per violating row (step 10 of that page).
  std::vector<std::string> foreign_key_violations(DbapiConnection& conn,
                                                  std::string_view table) const override;

  /// SERIALIZABLE (SQLite's own), READ UNCOMMITTED (shared-cache only) and AUTOCOMMIT.
  std::vector<std::string> isolation_levels() const override;

  /// True for the driver's "Cannot operate on a closed database." error.
  bool is_disconnect(const DBAPIError& error) const noexcept override;

  /// SQLite's statement compiler (sqlite_compiler.hpp).
  std::unique_ptr<sql::SQLCompiler> statement_compiler(ParamStyle style,
                                                       sql::CompileOptions options) const override;

  // Types and DDL (sqlite_types.cpp, see sqlite_types.hpp): SQLite's type names and DDL; binds
  // store Boolean as 0/1, Date/Time/DateTime as ISO-8601 text, Uuid as 32 hex digits and JSON
  // as text; results turn them back into bool, Date, Time, DateTime, Uuid, Json and Numeric's
  // Decimal; a reflected type name the generic mapping does not know maps by its affinity.
  std::unique_ptr<sql::DDLCompiler> ddl_compiler() const override;
  const sql::TypeCompiler& type_compiler() const override;
  Value process_bind(const SqlType& type, Value value) const override;
  /// True for the kinds process_bind stores differently (Boolean, dates and times, Uuid, Json)
  /// and where the generic conversion applies; text, integers and blobs pass as they are.
  bool needs_bind_processing(const SqlType& type, ValueKind kind) const override;
  bool needs_result_processing(const SqlType& type) const override;
  Value process_result(const SqlType& type, Value value) const override;
  SqlType reflect_type(std::string_view declared) const override;

  // Reflection (sqlite_reflection.cpp); see Dialect for the contract.
  std::vector<std::string> get_schema_names(DbapiConnection& conn) const override;
  std::vector<std::string> get_table_names(DbapiConnection& conn,
                                           const std::optional<std::string>& schema) const override;
  std::vector<std::string> get_view_names(DbapiConnection& conn,
                                          const std::optional<std::string>& schema) const override;
  bool has_table(DbapiConnection& conn, std::string_view table,
                 const std::optional<std::string>& schema) const override;
  std::vector<ReflectedColumn> get_columns(DbapiConnection& conn, std::string_view table,
                                           const std::optional<std::string>& schema) const override;
  ReflectedPrimaryKey get_pk_constraint(DbapiConnection& conn, std::string_view table,
                                        const std::optional<std::string>& schema) const override;
  std::vector<ReflectedForeignKey>
  get_foreign_keys(DbapiConnection& conn, std::string_view table,
                   const std::optional<std::string>& schema) const override;
  std::vector<ReflectedIndex> get_indexes(DbapiConnection& conn, std::string_view table,
                                          const std::optional<std::string>& schema) const override;
  std::vector<ReflectedUniqueConstraint>
  get_unique_constraints(DbapiConnection& conn, std::string_view table,
                         const std::optional<std::string>& schema) const override;
  /// Parsed from the table's CREATE TABLE text in sqlite_master, the only place SQLite keeps
  /// them: table- and column-level "[CONSTRAINT name] CHECK (expr)", in the order written.
  std::vector<ReflectedCheckConstraint>
  get_check_constraints(DbapiConnection& conn, std::string_view table,
                        const std::optional<std::string>& schema) const override;

 protected:
  /// The flags features() returns; a derived dialect (a database that speaks SQLite's SQL) may
  /// change them in its constructor or its initialize().
  DialectFeatures features_;

 private:
  // Sets the features that depend on SQLite's version (SQLITE_VERSION_NUMBER form: 3040001).
  void apply_version(int version);
  // The pragma listing a table's columns: table_xinfo (3.26, with hidden columns), else
  // table_info (https://sqlite.org/pragma.html#pragma_table_xinfo).
  std::string_view columns_pragma() const noexcept {
    return sqlite_version_ >= 3026000 ? "table_xinfo" : "table_info";
  }

  int sqlite_version_{0};  // of the library the driver runs on, once initialize() read it

  // "PRAGMA [schema.]name(table)" with both identifiers quoted.
  std::string pragma_sql(std::string_view pragma, std::string_view argument,
                         const std::optional<std::string>& schema) const;
  // The schema table to read for schema: sqlite_temp_master for "temp", else
  // "<schema>".sqlite_master.
  std::string master_table(std::string_view schema) const;
  // The CREATE TABLE text of table from sqlite_master, or "" (for constraint names).
  std::string table_sql(DbapiConnection& conn, std::string_view table,
                        const std::optional<std::string>& schema) const;
};

}  // namespace crucible::sqlite
