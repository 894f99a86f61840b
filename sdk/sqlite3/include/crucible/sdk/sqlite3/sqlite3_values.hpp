#pragma once
// Values at the sqlite3 boundary: binding crucible::Value parameters and reading columns back.
//
// Binding (https://sqlite.org/c3ref/bind_blob.html): null -> NULL, bool -> INTEGER 0/1, int64 ->
// INTEGER, double -> REAL (NaN refused: SQLite would store NULL), string -> TEXT (copied,
// SQLITE_TRANSIENT, embedded NULs kept), Bytes -> BLOB (empty included), Date "YYYY-MM-DD",
// Time "HH:MM:SS[.ffffff]", DateTime "YYYY-MM-DD HH:MM:SS[.ffffff][+HH:MM]", Decimal its text,
// Uuid 32 hex digits (SQLAlchemy's CHAR(32) form) and Json its text, all as TEXT.
//
// Reading first takes the value's storage class (NULL, INTEGER -> int64, FLOAT -> double,
// TEXT -> string, BLOB -> Bytes), then converts by the column's declared type as Python's
// sqlite3 does with PARSE_DECLTYPES: the first word of the declared type, case-insensitive,
// picks the conversion (BOOLEAN/BOOL, DATE, DATETIME/TIMESTAMP, TIME, DECIMAL/NUMERIC, UUID,
// JSON). A value that does not convert stays its storage-class value: nothing is lost and
// nothing is thrown for it.
#include <cstdint>
#include <optional>
#include <string_view>

#include "crucible/value.hpp"

struct sqlite3_stmt;

namespace crucible::sqlite {

/// The conversion a declared column type asks for.
enum class DeclaredKind : std::uint8_t {
  kNone,
  kBool,
  kDate,
  kDateTime,
  kTime,
  kDecimal,
  kUuid,
  kJson
};

/// A column's declared type, parsed once per prepared statement (Statement::result_columns).
struct DeclaredType {
  DeclaredKind kind{DeclaredKind::kNone};
  std::optional<std::int32_t> precision;  ///< p of "NUMERIC(p,s)" / n of "VARCHAR(n)"
  std::optional<std::int32_t> scale;      ///< s of "NUMERIC(p,s)"
};

/// Parses sqlite3_column_decltype()'s text (nullptr for an expression: kNone).
DeclaredType parse_declared_type(const char* declared) noexcept;

/// Binds value to parameter index (1-based) of statement. Throws DataError for NaN and the
/// mapped SQLite error when binding fails (e.g. SQLITE_TOOBIG); sql is quoted in errors.
///
/// With copy (the default) SQLite copies text and blobs (SQLITE_TRANSIENT). Without it
/// (SQLITE_STATIC) it reads them from value's storage, which must then stay alive and unchanged
/// until the statement is stepped to completion and reset or rebound: executemany, which runs
/// each set to SQLITE_DONE while the sets are alive, binds that way to skip a copy per value.
void bind_value(sqlite3_stmt* statement, int index, const Value& value, std::string_view sql,
                bool copy = true);

/// Reads column (0-based) of statement's current row into out, converting by type.
void read_column(sqlite3_stmt* statement, int column, const DeclaredType& type, Value& out);

}  // namespace crucible::sqlite
