#pragma once
// Parameters of the "odbc" driver: Values bound with SQLBindParameter (ODBC 3.8 reference,
// SQLBindParameter; "Binding Arrays of Parameters", column-wise binding).
//
// One set (execute) and many (executemany) take the same path: each parameter position is a
// column of `rows` elements, bound once with SQL_ATTR_PARAMSET_SIZE = rows. A column's C and
// SQL types follow the kind of its values (nulls take the others' kind):
//   bool      SQL_C_BIT             SQL_BIT
//   int64     SQL_C_SBIGINT         SQL_BIGINT
//   double    SQL_C_DOUBLE          SQL_DOUBLE
//   string    SQL_C_CHAR (UTF-8)    SQL_VARCHAR, SQL_LONGVARCHAR beyond 4000 bytes
//   json      SQL_C_CHAR (UTF-8)    SQL_LONGVARCHAR
//   bytes     SQL_C_BINARY          SQL_VARBINARY, SQL_LONGVARBINARY beyond 8000 bytes
//   date      SQL_C_CHAR "YYYY-MM-DD"                 SQL_TYPE_DATE
//   time      SQL_C_CHAR "HH:MM:SS.ffffff"            SQL_TYPE_TIME, 6 fractional digits
//   datetime  SQL_C_CHAR "YYYY-MM-DD HH:MM:SS.ffffff" SQL_TYPE_TIMESTAMP, 6 fractional digits;
//             with a UTC offset, its ISO text as SQL_VARCHAR (ODBC has no zoned timestamp)
//   (the temporal kinds travel as ISO text rather than SQL_DATE_STRUCT/SQL_TIMESTAMP_STRUCT:
//   SQL_TIME_STRUCT has no fraction, and SQLite ODBC cuts a timestamp struct to milliseconds;
//   every driver converts the text to the SQL type given)
//   decimal   SQL_C_CHAR text       SQL_DECIMAL, precision and scale from the text
//   uuid      SQL_C_CHAR dashed     SQL_GUID
//   null      SQL_C_CHAR, the parameter's SQL type as SQLDescribeParam reports it where the
//             driver can say (pyodbc's way for None), else SQL_VARCHAR; SQL_NULL_DATA
// A column whose values are of different kinds (an int64 beside a string) cannot be one array:
// bind() refuses it (returns false) and the caller binds the sets one by one.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include <sql.h>
#include <sqlext.h>

#include "crucible/param_sets.hpp"
#include "crucible/value.hpp"

namespace crucible::odbc {

/// The buffers of the parameters bound to one statement handle; they must stay alive, unmoved,
/// until the execution that reads them returns. Reused between executions (no allocation when
/// the shapes repeat). Not thread-safe.
class ParamBuffers {
 public:
  /// How to learn the SQL type of parameter i (0-based) for a column holding only nulls.
  using Describe = std::function<SQLSMALLINT(std::size_t)>;

  /// Binds `count` sets starting at sets[first], `width` values each, to stmt, column-wise,
  /// and sets SQL_ATTR_PARAMSET_SIZE to count (with the status and processed pointers).
  /// Returns false, binding nothing, when a column mixes kinds. Throws the driver's error from
  /// SQLBindParameter (e.g. HYC00 for a type the driver cannot bind).
  bool bind(SQLHSTMT stmt, const ParamSets& sets, std::size_t first, std::size_t count,
            std::size_t width, const Describe& describe, std::string_view sql);

  /// How many sets from sets[first] (at least 1, at most max_rows) to bind as one array so that
  /// the buffers stay within about max_bytes: each column's element is as wide as its longest
  /// value in the batch, so one long value among many short ones would otherwise multiply its
  /// length by the row count. A set alone may exceed max_bytes (it is sent as it is).
  static std::size_t batch_rows(const ParamSets& sets, std::size_t first, std::size_t max_rows,
                                std::size_t width, std::size_t max_bytes);

  /// Binds one set (execute()); one value of a kind never mixes, so it always binds.
  void bind(SQLHSTMT stmt, std::span<const Value> values, const Describe& describe,
            std::string_view sql);

  /// The SQL type time values are sent as: SQL_TYPE_TIME (the default), or SQL_VARCHAR for a
  /// driver that refuses fractional seconds for SQL_TYPE_TIME as the ODBC standard lets it
  /// (MariaDB Connector/ODBC answers 22008), leaving the conversion to the server.
  void set_time_type(SQLSMALLINT type) noexcept { time_type_ = type; }

  /// Per-set status after an array execution (SQL_ATTR_PARAM_STATUS_PTR), count entries.
  const std::vector<SQLUSMALLINT>& status() const noexcept { return status_; }
  /// Sets processed by the last array execution (SQL_ATTR_PARAMS_PROCESSED_PTR).
  SQLULEN processed() const noexcept { return processed_; }

 private:
  struct Column {
    SQLSMALLINT c_type{SQL_C_CHAR};
    SQLSMALLINT sql_type{SQL_VARCHAR};
    SQLULEN column_size{1};
    SQLSMALLINT decimal_digits{0};
    SQLLEN width{1};                // bytes per element
    std::vector<std::byte> data;    // rows * width
    std::vector<SQLLEN> indicator;  // rows
  };

  // Cell (row, column) of the current bind.
  using Cell = std::function<const Value&(std::size_t row, std::size_t column)>;
  bool bind_cells(SQLHSTMT stmt, const Cell& cell, std::size_t rows, std::size_t width,
                  const Describe& describe, std::string_view sql);

  std::vector<Column> columns_;
  std::vector<SQLUSMALLINT> status_;
  SQLULEN processed_{0};
  bool array_bound_{false};
  SQLSMALLINT time_type_{SQL_TYPE_TIME};  // the handle has SQL_ATTR_PARAMSET_SIZE > 1 set
};

}  // namespace crucible::odbc
