#pragma once
// The "postgresql" dialect: PostgreSQL's SQL language, independent of the driver that talks to
// it (SQLAlchemy's dialects/postgresql/base.py). Its default driver is "libpq".
//
// Features (PostgreSQL 15 manual): INSERT/UPDATE/DELETE … RETURNING, multi-row VALUES, native
// BOOLEAN and UUID, SAVEPOINT, sequences, transactional DDL, identifiers of up to 63 bytes
// (NAMEDATALEN - 1), and INSERT … ON CONFLICT upserts (9.5+). Isolation levels: SERIALIZABLE,
// REPEATABLE READ, READ COMMITTED, READ UNCOMMITTED (which PostgreSQL runs as READ COMMITTED),
// and AUTOCOMMIT.
//
// do_ping is the default, conn.ping(): for the libpq driver a round trip (an empty query the
// server answers), which also works inside a failed transaction and opens none.
//
// Identifiers are quoted with '"' when they are one of PostgreSQL's reserved key words
// (pg_get_keywords() categories R and T), not all lower case, or not a plain identifier.
//
// Reflection (postgresql_reflection.cpp) reads pg_catalog through the DbapiConnection it is
// given, with $n parameters (rewritten to ? for a qmark driver such as odbc); schema nullopt
// means current_schema(), the first existing schema of the search_path.
//
// Immutable and thread-safe, as every Dialect.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/dialect.hpp"
#include "crucible/sql/compiler.hpp"
#include "postgresql_types.hpp"

namespace crucible::postgresql {

class PostgresqlDialect final : public Dialect {
 public:
  PostgresqlDialect();

  std::string_view name() const noexcept override { return "postgresql"; }
  std::string_view default_driver() const noexcept override { return "libpq"; }
  const DialectFeatures& features() const noexcept override { return features_; }
  /// The preparer with PostgreSQL's reserved words.
  const sql::IdentifierPreparer& identifier_preparer() const override { return preparer_; }

  // SQL language (SQLAlchemy's PGCompiler, PGDDLCompiler, PGTypeCompiler): the statement
  // compiler (postgresql_compiler.hpp), the DDL compiler with identity columns and native enum
  // types (postgresql_ddl.hpp) and PostgreSQL's type names (postgresql_types.hpp). Values need
  // no processing beyond the framework's: the libpq driver reads every type as its kind.
  std::unique_ptr<sql::SQLCompiler> statement_compiler(ParamStyle style,
                                                       sql::CompileOptions options) const override;
  std::unique_ptr<sql::DDLCompiler> ddl_compiler() const override;
  const sql::TypeCompiler& type_compiler() const override { return type_compiler_; }

  /// Splits script as psql does (src/fe_utils/psqlscan.l): ';' ends a statement outside
  /// '…' strings, E'…' strings with backslash escapes, "…" identifiers, $$…$$ and $tag$…$tag$
  /// dollar quotes, -- and nested /* */ comments and parentheses, and outside the BEGIN … END
  /// body of CREATE [OR REPLACE] FUNCTION/PROCEDURE … BEGIN ATOMIC. Drops the ';' and the
  /// statements holding only blanks and comments. A psql meta-command (a backslash where a
  /// statement starts, e.g. `\c chinook` or `\set ON_ERROR_STOP on`) is returned as its own
  /// element, the rest of its line verbatim, which is_client_command() recognises; a backslash
  /// inside a statement is left to the server, which refuses it. Throws ArgumentError naming
  /// the line where an unterminated literal, quoted identifier, dollar quote or comment starts.
  std::vector<std::string> split_script(std::string_view script) const override;

  /// True for the psql meta-commands split_script returns (they begin with a backslash, which
  /// no PostgreSQL statement does).
  bool is_client_command(std::string_view statement) const override;

  /// SERIALIZABLE, REPEATABLE READ, READ COMMITTED, READ UNCOMMITTED and AUTOCOMMIT (the
  /// dialect's own list, so that it stays PostgreSQL's if the framework's default changes).
  std::vector<std::string> isolation_levels() const override;

  /// True when the driver recorded that the connection is gone (the libpq driver's driver_code
  /// kConnectionBadCode, i.e. PQstatus() == CONNECTION_BAD after the failure, with no SQLSTATE
  /// or one of the classes below: psqlODBC gives every error the native code 1), or the server
  /// said so by SQLSTATE: class 08 (connection exception, except 08P01, which the libpq driver
  /// uses for a bad parameter count on a live connection) or 57P01-57P03 (admin shutdown, crash
  /// shutdown, cannot connect now). Never the message text.
  bool is_disconnect(const DBAPIError& error) const noexcept override;

  // Reflection (postgresql_reflection.cpp); see Dialect for the contract.
  std::vector<std::string> get_schema_names(DbapiConnection& conn) const override;
  std::vector<std::string> get_table_names(DbapiConnection& conn,
                                           const std::optional<std::string>& schema) const override;
  std::vector<std::string> get_view_names(DbapiConnection& conn,
                                          const std::optional<std::string>& schema) const override;
  bool has_table(DbapiConnection& conn, std::string_view table,
                 const std::optional<std::string>& schema) const override;
  /// A sequence (pg_class relkind 'S') of that name in schema, or in current_schema().
  bool has_sequence(DbapiConnection& conn, std::string_view sequence,
                    const std::optional<std::string>& schema) const override;
  /// A type of that name (pg_type) in schema, or in current_schema(), where an unqualified
  /// CREATE TYPE makes it.
  bool has_type(DbapiConnection& conn, std::string_view type,
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
  /// From pg_constraint (contype 'c'), the condition as pg_get_constraintdef prints it.
  std::vector<ReflectedCheckConstraint>
  get_check_constraints(DbapiConnection& conn, std::string_view table,
                        const std::optional<std::string>& schema) const override;

 private:
  DialectFeatures features_;
  sql::IdentifierPreparer preparer_;
  PostgresqlTypeCompiler type_compiler_{preparer_};
};

}  // namespace crucible::postgresql
