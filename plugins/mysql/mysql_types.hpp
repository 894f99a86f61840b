#pragma once
// MySQL's and MariaDB's type names (SQLAlchemy's dialects/mysql/base.py MySQLTypeCompiler), for
// MySQL 8.0 and MariaDB 10.11 (MySQL manual chapter 11 "Data Types", MariaDB KB "Data Types"):
//
//   Integer INTEGER, SmallInteger SMALLINT, BigInteger BIGINT, Float FLOAT, Double DOUBLE,
//   Numeric(p, s) DECIMAL(p, s) (exact; Numeric() without a precision is DECIMAL(65, 30), the
//   widest MySQL has, because MySQL's bare DECIMAL is DECIMAL(10, 0) and would drop every
//   fraction), String(n) VARCHAR(n), String() and Text LONGTEXT (MySQL's VARCHAR must have a
//   length, and TEXT stops at 64 KiB), Boolean BOOL (TINYINT(1)), Date DATE, Time TIME(6),
//   DateTime DATETIME(6) (microseconds, as Value keeps them), LargeBinary LONGBLOB, Uuid UUID
//   on MariaDB >= 10.7 and CHAR(32) of hex digits elsewhere, JSON JSON (MariaDB makes that
//   LONGTEXT with a CHECK (JSON_VALID(…))), Enum ENUM('a', 'b') (native, so no CHECK).
//
// Values, by the dialect's bind processor (MysqlDialect::process_bind) and the base's result
// processor:
//  * Boolean is bound as 0/1 and a 0/1 result is read back as bool.
//  * Numeric() (DECIMAL(65, 30)) comes back with the 30 places MySQL keeps ("1.500…0", equal
//    in value); Numeric(p, s) with its scale ("10.00").
//  * Uuid: bound as 32 hex digits for CHAR(32), as the canonical 36-character text for the
//    native UUID; either text is read back as a Uuid.
//  * JSON is bound as its text; the text a JSON (or LONGTEXT) column returns is read as Json.
//  * DateTime(timezone=true): MySQL's DATETIME keeps no offset, and SQLAlchemy ignores the flag
//    on MySQL. crucible stores the instant at UTC: a value with an offset is converted to UTC
//    before it is bound (a value without one is taken to be UTC already). It reads back as that
//    UTC wall time, without an offset (the driver reads a DATETIME as a naive DateTime, which
//    the framework hands on as it is), so the compliance suite's timezone_aware_datetimes is
//    off for MySQL. DateTime() (no time zone) is sent as it is.
// The rest travels as the driver reads it (integers, doubles, exact DECIMAL text, strings,
// bytes, Date, Time).
#include <string>

#include "crucible/sql/compiler.hpp"

namespace crucible::mysql {

class MysqlDialect;

/// Generic types to MySQL's names (the table above). The native UUID is chosen by what the
/// dialect's initialize() found, so the compiler asks dialect, which must outlive it. Throws
/// NotSupportedError for the untyped type, as the base does.
class MysqlTypeCompiler final : public sql::TypeCompiler {
 public:
  explicit MysqlTypeCompiler(const MysqlDialect& dialect) : dialect_(dialect) {}
  std::string process(const SqlType& type) const override;

 private:
  const MysqlDialect& dialect_;
};

/// The name MySQL's CAST accepts for type (CAST takes only BINARY, CHAR, DATE, DATETIME,
/// DECIMAL, DOUBLE, FLOAT (8.0.17+), JSON, NCHAR, SIGNED, TIME, UNSIGNED; MySQL 8.0 manual
/// 12.11 "Cast Functions"): the integers are SIGNED, strings and texts CHAR[(n)], Numeric
/// DECIMAL(p, s), Float and Double DOUBLE, Boolean SIGNED, LargeBinary BINARY, Uuid CHAR(32)
/// or (native) UUID's CHAR(36), JSON JSON on MySQL and CHAR on MariaDB, Enum CHAR.
std::string cast_type_name(const MysqlDialect& dialect, const SqlType& type);

}  // namespace crucible::mysql
