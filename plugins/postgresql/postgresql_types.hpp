#pragma once
// PostgreSQL's type names (SQLAlchemy's dialects/postgresql/base.py PGTypeCompiler), for
// PostgreSQL 15 (https://www.postgresql.org/docs/15/datatype.html):
//
//   Integer INTEGER, SmallInteger SMALLINT, BigInteger BIGINT, Float REAL, Double DOUBLE
//   PRECISION, Numeric(p, s) NUMERIC(p, s) (exact), String(n) VARCHAR(n) (VARCHAR without a
//   length is unbounded), Text TEXT, Boolean BOOLEAN, Date DATE, Time TIME [WITH TIME ZONE],
//   DateTime TIMESTAMP / TIMESTAMP WITH TIME ZONE (DateTime(true)), LargeBinary BYTEA, Uuid
//   UUID, JSON JSONB, Enum with a name: the native enum type of that name (CREATE TYPE … AS
//   ENUM, made by create_all before the tables, see postgresql_ddl.hpp); Enum without a name:
//   VARCHAR(n) with a CHECK, as on databases without enums (SQLAlchemy refuses a nameless
//   PostgreSQL ENUM; a CHECK keeps such a declaration working on every dialect instead).
//
// No bind or result processing is needed beyond the framework's defaults: the libpq driver
// (libpq_values.hpp) already sends each Value kind with its own type OID and reads every type
// above back as the type's Value kind — bool, int64, double, Decimal as the server's exact
// text, string, Bytes, Date, Time, DateTime (with its UTC offset for TIMESTAMP WITH TIME ZONE,
// in the session's TimeZone), Uuid and Json (jsonb's normalized text) — and an enum label as a
// string. TIME WITH TIME ZONE has no Value kind (Time holds no offset): it reads back as the
// server's text, "12:30:00+02".
#include <string>

#include "crucible/sql/compiler.hpp"

namespace crucible::postgresql {

/// Generic types to PostgreSQL's type names (the table above). Immutable, so thread-safe; a
/// named enum's name is quoted by preparer, which must outlive it. Throws NotSupportedError
/// for the untyped type, as the base does.
class PostgresqlTypeCompiler final : public sql::TypeCompiler {
 public:
  explicit PostgresqlTypeCompiler(const sql::IdentifierPreparer& preparer) : preparer_(preparer) {}
  std::string process(const SqlType& type) const override;

 private:
  const sql::IdentifierPreparer& preparer_;
};

/// Whether type is an Enum PostgreSQL declares as a native enum type (one with a name).
bool is_native_enum(const SqlType& type) noexcept;

}  // namespace crucible::postgresql
