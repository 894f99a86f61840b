#pragma once
// SQLite's type names and DDL (SQLAlchemy's dialects/sqlite/base.py SQLiteTypeCompiler and
// SQLiteDDLCompiler). SQLite has no BOOLEAN, DATETIME, UUID or JSON storage of its own
// (https://sqlite.org/datatype3.html): a column's declared type only gives it an affinity, so
// crucible stores, as SQLAlchemy does, Boolean as 0/1 under "BOOLEAN", Date/Time/DateTime as
// ISO-8601 text under "DATE"/"TIME"/"DATETIME", Uuid as 32 hex digits under "CHAR(32)",
// Numeric under "NUMERIC(p, s)" and JSON as text under "JSON". The driver reads the declared
// names back (sqlite3_values.hpp), so text() queries get the same kinds a Core select gets,
// except CHAR(32) Uuids, which only a Core select (that knows the column's type) returns as Uuid.
//
// Numeric comes back as a Decimal with the column's scale ("10.00", not 10 or 10.0). SQLite's
// NUMERIC affinity stores a decimal as an INTEGER or a REAL, which keeps 15 significant digits
// (https://sqlite.org/datatype3.html §3); a value with more loses its last digits, as it does
// under SQLAlchemy. This is the price of columns SQLite can compute and compare with numbers.
//
// The dialect's bind and result processors that go with these names are
// SqliteDialect::process_bind / process_result (sqlite_types.cpp).
#include <string>

#include "crucible/sql/compiler.hpp"

namespace crucible::sqlite {

/// Generic types to SQLite's declared type names: INTEGER, SMALLINT, BIGINT, FLOAT, DOUBLE,
/// NUMERIC(p, s), VARCHAR(n), TEXT, BOOLEAN, DATE, TIME, DATETIME, BLOB, CHAR(32) (Uuid), JSON,
/// VARCHAR(n) (Enum, with a CHECK from the DDL compiler). Stateless.
class SqliteTypeCompiler final : public sql::TypeCompiler {
 public:
  std::string process(const SqlType& type) const override;
};

/// SQLite's DDL: a table's lone integer primary key (Integer, SmallInteger or BigInteger, with
/// autoincrement not switched off) is declared INTEGER, so that it is the rowid alias and
/// numbers itself (https://sqlite.org/lang_createtable.html#rowid); an index of a table in an
/// attached schema is named schema.index, as SQLite's CREATE INDEX wants.
class SqliteDDLCompiler final : public sql::DDLCompiler {
 public:
  using DDLCompiler::DDLCompiler;
  std::string column_specification(const sql::TableData& table,
                                   const sql::ColumnData& column) const override;
  std::string create_index(const sql::TableData& table, const sql::Index& index) const override;
};

}  // namespace crucible::sqlite
