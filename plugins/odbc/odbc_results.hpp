#pragma once
// Result rows of the "odbc" driver: the columns of a result set described (SQLDescribeCol,
// SQLColAttribute SQL_DESC_TYPE_NAME) and each row read into Values (ODBC 3.8 reference,
// "Retrieving Results (Basic)", SQLBindCol, SQLGetData).
//
// Fixed-size columns are bound once per result (SQLBindCol) and land in the driver's buffers on
// SQLFetch; the others are read with SQLGetData, in chunks until the whole value is in (long
// data: SQL_SUCCESS_WITH_INFO 01004 means more follows). SQLGetData may read only columns after
// the last bound one unless the driver reports SQL_GD_ANY_COLUMN, so without it only the fixed
// columns before the first variable one are bound and the rest go through SQLGetData too.
//
// By the column's SQL type:
//   SQL_BIT                                    bool    (SQL_C_BIT, bound)
//   SQL_TINYINT, SMALLINT, INTEGER, BIGINT     int64   (SQL_C_SBIGINT, bound)
//   SQL_REAL, FLOAT, DOUBLE                    double  (SQL_C_DOUBLE, bound)
//   SQL_DECIMAL, NUMERIC                       decimal (text; a text that is no decimal literal,
//                                                       such as PostgreSQL's 'NaN', stays text)
//   SQL_TYPE_DATE, TYPE_TIME, TYPE_TIMESTAMP   date, time, datetime (their ISO text parsed, which
//                                              keeps fractions SQL_TIME_STRUCT would lose; a text
//                                              that does not parse stays text for the dialect's
//                                              result processing)
//   SQL_GUID                                   uuid    (text parsed)
//   SQL_BINARY, VARBINARY, LONGVARBINARY       bytes
//   anything else (character types, JSON, intervals, driver-specific types)  string (UTF-8)
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <sql.h>
#include <sqlext.h>

#include "crucible/dbapi.hpp"
#include "crucible/value.hpp"
#include "odbc_errors.hpp"

namespace crucible::odbc {

/// Reads the rows of one result set. Reused between results (describe() starts afresh).
class ResultReader {
 public:
  /// Describes the result set open on stmt (columns > 0) and binds its fixed-size columns;
  /// any_column: the driver reports SQL_GD_ANY_COLUMN; codes: how the driver's errors read
  /// (odbc_errors.hpp). Throws the driver's error.
  void describe(SQLHSTMT stmt, SQLSMALLINT columns, bool any_column, NativeCodes codes,
                std::string_view sql);
  /// Fetches the next row into row; false when none is left. Throws the driver's error (e.g.
  /// 22003 when a value does not fit its C type).
  bool fetch(SQLHSTMT stmt, std::vector<Value>& row, std::string_view sql);
  const std::vector<ColumnDescription>& description() const noexcept { return description_; }
  /// Forgets the result (description and plan).
  void clear() noexcept;

 private:
  enum class Read : std::uint8_t {
    kBit,
    kInt,
    kDouble,
    kDecimal,
    kDate,
    kTime,
    kTimestamp,
    kUuid,
    kBinary,
    kText
  };
  struct Column {
    Read read{Read::kText};
    bool bound{false};
    union {
      unsigned char bit;
      std::int64_t integer;
      double real;
    } buffer{};
    SQLLEN indicator{0};
  };
  void read_variable(SQLHSTMT stmt, std::size_t index, Value& out, std::string_view sql);
  void read_fixed(SQLHSTMT stmt, std::size_t index, Value& out, std::string_view sql);

  std::vector<ColumnDescription> description_;
  std::vector<Column> columns_;
  std::string text_;  // SQLGetData's buffer, reused
  NativeCodes codes_{NativeCodes::kStandard};
};

}  // namespace crucible::odbc
