#pragma once
// Result fields at the MariaDB Connector/C boundary: the rows of a prepared statement (binary
// protocol, mysql_stmt_fetch into bound buffers) and of the text protocol (MYSQL_ROW) back to
// crucible::Values by the column's field type, and the PEP 249 description of the columns.
//
// Results are read in the binary protocol by field type:
//   TINYINT…BIGINT, YEAR -> int64 (TINYINT(1) too: the dialect maps Boolean; a BIGINT UNSIGNED
//     above INT64_MAX -> Decimal, exact)       FLOAT, DOUBLE -> double
//   DECIMAL -> Decimal    DATE -> Date    TIME -> Time    DATETIME, TIMESTAMP -> DateTime (naive)
//   CHAR, VARCHAR, TEXT, ENUM, SET -> string   BINARY, VARBINARY, BLOB (binary collation) -> Bytes
//   JSON (MySQL's type, or MariaDB's LONGTEXT marked json in the extended metadata) -> Json
//   UUID (MariaDB 10.7+, marked uuid in the extended metadata) -> Uuid
//   BIT(n) -> int64 (its big-endian bits)     GEOMETRY -> Bytes (its WKB)
// MariaDB's extended metadata (json, uuid) is the one the statement was prepared with: when the
// server re-prepares a cached statement after its table changed, Connector/C refreshes only a
// field's type, length, flags, decimals and character set.
// A date or time the Value kinds cannot hold (0000-00-00, a TIME beyond 00:00:00-23:59:59.999999)
// comes back as the server's text, so nothing is lost and nothing is thrown for it. Long values
// are fetched whole: a field longer than its column buffer is read on with
// mysql_stmt_fetch_column, and the buffer grows for the rows after it.
#include <mysql.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "crucible/dbapi.hpp"
#include "crucible/value.hpp"

namespace crucible::mysql {

/// What a result field is read as (from its MYSQL_FIELD).
enum class FieldKind : std::uint8_t {
  kNull,
  kInt,
  kUnsignedInt,
  kDouble,
  kDecimal,
  kDate,
  kTime,
  kDateTime,
  kString,
  kBytes,
  kJson,
  kUuid,
  kBit
};

/// The kind of field (file comment's table).
FieldKind field_kind(const MYSQL_FIELD& field) noexcept;

/// PEP 249 description of field: its name, the SQL type name ("INT UNSIGNED", "VARCHAR",
/// "DECIMAL", "JSON"…), nullable from NOT_NULL_FLAG, precision and scale of a DECIMAL.
ColumnDescription describe_field(const MYSQL_FIELD& field);

/// The Value of a non-null field of a text-protocol row (mysql_real_query + mysql_store_result:
/// the fallback for statements the binary protocol cannot prepare), by the same table.
void read_text_field(const char* data, unsigned long length, const MYSQL_FIELD& field,
                     FieldKind kind, Value& out);

/// Result buffers bound to a prepared statement's columns (mysql_stmt_bind_result) and the
/// conversion of each fetched field to a Value.
class ResultBinds {
 public:
  /// One bind per field of the statement's result metadata; binds them to stmt.
  void setup(MYSQL_STMT* stmt, const MYSQL_FIELD* fields, unsigned int count);
  /// Reads the current row (after mysql_stmt_fetch returned 0 or MYSQL_DATA_TRUNCATED) into
  /// row, fetching long fields whole (into a grown buffer). Throws the mapped error when a
  /// column fetch fails.
  void read_row(MYSQL_STMT* stmt, std::vector<Value>& row, std::string_view sql);
  /// Before each mysql_stmt_fetch: binds the buffers read_row grew for long fields
  /// (mysql_stmt_bind_result), so the next rows go to them, and frees the ones they replace.
  /// Not done within read_row: a rebind mid-row would lose Connector/C's place in the row, which
  /// it keeps in its copy of the binds. Throws the mapped error.
  void rebind_grown(MYSQL_STMT* stmt, std::string_view sql);
  std::size_t size() const noexcept { return kinds_.size(); }

 private:
  void read(std::size_t i, Value& out);
  void fetch_long(MYSQL_STMT* stmt, std::size_t i, std::string_view sql);

  std::vector<MYSQL_BIND> binds_;
  std::vector<FieldKind> kinds_;
  std::vector<std::vector<char>> buffers_;  // per column: its fixed or variable-length storage
  std::vector<unsigned long> lengths_;
  std::vector<my_bool> nulls_;
  std::vector<my_bool> errors_;
  // Buffers replaced by grown ones that Connector/C's binds may still point at: kept until
  // rebind_grown (or setup) binds the new ones.
  std::vector<std::vector<char>> retired_;
  bool rebind_{false};
};

}  // namespace crucible::mysql
