#pragma once
// Parameters at the MariaDB Connector/C boundary: crucible::Value parameters to MYSQL_BIND for
// the binary protocol of prepared statements (mysql_stmt_bind_param; https://mariadb.com/docs/
// connectors/mariadb-connector-c/api-prepared-statement-functions/connector-c-data-structures-
// and-definitions). Result fields come back through mariadb_results.hpp.
//
// Parameters, by kind:
//   null -> MYSQL_TYPE_NULL           bool -> MYSQL_TYPE_TINY 0/1 (MySQL's BOOLEAN is TINYINT(1))
//   int64 -> MYSQL_TYPE_LONGLONG      double -> MYSQL_TYPE_DOUBLE (NaN and ±infinity are refused
//                                      with DataError: MySQL has no such DOUBLE values)
//   string -> MYSQL_TYPE_STRING (UTF-8; the connection's character set is utf8mb4, so 4-byte
//            characters arrive whole)
//   Bytes -> MYSQL_TYPE_BLOB (binary: no character set conversion)
//   Date -> MYSQL_TYPE_DATE   Time -> MYSQL_TYPE_TIME   DateTime -> MYSQL_TYPE_DATETIME, each a
//            MYSQL_TIME with microseconds. MySQL's DATETIME and TIMESTAMP carry no UTC offset, so
//            a DateTime with one is converted to UTC and sent without it (the instant is kept,
//            the offset is not; SQLAlchemy's advice for MySQL is to store UTC). The session's
//            time_zone still decides how a TIMESTAMP column reads a naive value.
//   Decimal -> MYSQL_TYPE_NEWDECIMAL with its exact text    Json -> MYSQL_TYPE_STRING, its text
//   Uuid -> MYSQL_TYPE_STRING, the dashed RFC 4122 text (what MariaDB 10.7+'s UUID type takes;
//            a dialect storing CHAR(32) converts the value to its hex text before it comes here)
// Values are read in place (strings and bytes point into the Value), so the Values must stay
// alive and unchanged until the statement has executed.
//
#include <mysql.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/param_sets.hpp"
#include "crucible/value.hpp"

namespace crucible::mysql {

/// value as a MYSQL_TIME (DateTime with an offset converted to UTC, see the file comment).
MYSQL_TIME to_mysql_time(const Date& value) noexcept;
MYSQL_TIME to_mysql_time(const Time& value) noexcept;
MYSQL_TIME to_mysql_time(const DateTime& value) noexcept;

/// The MYSQL_BINDs of one execution's parameters and the storage they point into. The binds
/// point into this object and into the Values' strings and bytes, which must outlive the
/// execution. Reused between executions (no allocation once its vectors have grown).
class ParamBinds {
 public:
  /// Binds params in order. Throws DataError for NaN or an infinite double (sql is quoted).
  void bind(std::span<const Value> params, std::string_view sql);
  /// The same for one set of an executemany, read in place.
  void bind(std::span<const Value* const> params, std::string_view sql);

  MYSQL_BIND* data() noexcept { return binds_.data(); }
  std::size_t size() const noexcept { return binds_.size(); }

 private:
  template <class At>
  void bind_each(std::size_t n, At at, std::string_view sql);

  std::vector<MYSQL_BIND> binds_;
  std::vector<MYSQL_TIME> times_;            // one slot per parameter
  std::vector<signed char> tinies_;          // one slot per parameter (bool)
  std::vector<std::array<char, 36>> uuids_;  // one slot per parameter (Uuid text)
};

/// Column-wise arrays of several parameter sets for MariaDB's array binding (Connector/C 3.0+
/// with MariaDB 10.2+: STMT_ATTR_ARRAY_SIZE, one COM_STMT_BULK_EXECUTE for many sets;
/// https://mariadb.com/docs/connectors/mariadb-connector-c/batch-operations-with-mariadb-
/// connector-c). NULL travels as the STMT_INDICATOR_NULL indicator.
class BulkBinds {
 public:
  /// Whether sets [first, end) can be sent in bulk: every position holds one kind of value
  /// across them (nulls aside; the protocol sends one type per column), and every set has
  /// `width` values. When they can, wire_sizes[k] is then the bytes set first + k takes in the
  /// bulk packet (an estimate from above), for chunking the sets into packets.
  static bool plan(const ParamSets& sets, std::size_t first, std::size_t width,
                   std::vector<std::size_t>& wire_sizes);

  /// Fills the arrays with sets [first, first + count), which plan() accepted. Throws
  /// DataError for NaN or an infinite double.
  void bind(const ParamSets& sets, std::size_t first, std::size_t count, std::string_view sql);
  MYSQL_BIND* data() noexcept { return binds_.data(); }

 private:
  struct Column {
    std::vector<std::int64_t> ints;
    std::vector<double> doubles;
    std::vector<signed char> tinies;
    std::vector<MYSQL_TIME> times;
    std::vector<std::array<char, 36>> uuids;
    std::vector<char*> pointers;
    std::vector<unsigned long> lengths;
    std::vector<char> indicators;
  };
  std::vector<MYSQL_BIND> binds_;
  std::vector<Column> columns_;
};

}  // namespace crucible::mysql
