// Firebird's wire forms of values and names (fbclient_values.hpp).
#include "fbclient_values.hpp"

#include <algorithm>
#include <cctype>

namespace crucible::firebird {

namespace {

// ISC_DATE counts days from 1858-11-17 (the Modified Julian Day epoch), which is 40587 days
// before 1970-01-01; ISC_TIME counts 1/10000 s (ISC_TIME_SECONDS_PRECISION) since midnight.
constexpr std::int64_t kEpochShift = 40587;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

Date civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Date{static_cast<std::int32_t>(y + (m <= 2 ? 1 : 0)), static_cast<std::uint8_t>(m),
              static_cast<std::uint8_t>(d)};
}

}  // namespace

ISC_DATE encode_date(const Date& d) {
  return static_cast<ISC_DATE>(days_from_civil(d.year, d.month, d.day) + kEpochShift);
}
ISC_TIME encode_time(const Time& t) {
  return static_cast<ISC_TIME>((t.hour * 3600u + t.minute * 60u + t.second) * 10000u +
                               t.microsecond / 100u);
}
Date decode_date(ISC_DATE d) { return civil_from_days(static_cast<std::int64_t>(d) - kEpochShift); }
Time decode_time(ISC_TIME t) {
  const std::uint32_t seconds = t / 10000u;
  return Time{static_cast<std::uint8_t>(seconds / 3600),
              static_cast<std::uint8_t>(seconds / 60 % 60), static_cast<std::uint8_t>(seconds % 60),
              (t % 10000u) * 100u};
}

std::string scaled(std::int64_t value, int scale) {
  const bool negative = value < 0;
  std::string digits = std::to_string(value);
  if (negative) digits.erase(0, 1);
  const auto places = static_cast<std::size_t>(-scale);
  if (digits.size() <= places) digits.insert(0, places - digits.size() + 1, '0');
  digits.insert(digits.size() - places, ".");
  return negative ? "-" + digits : digits;
}

std::string type_name(const XSQLVAR& v) {
  const int charset = v.sqlsubtype & 0xff;
  switch (v.sqltype & ~1) {
  case SQL_TEXT: return charset == kCharsetOctets ? "CHAR CHARACTER SET OCTETS" : "CHAR";
  case SQL_VARYING: return charset == kCharsetOctets ? "VARCHAR CHARACTER SET OCTETS" : "VARCHAR";
  case SQL_SHORT: return v.sqlscale < 0 ? "NUMERIC" : "SMALLINT";
  case SQL_LONG: return v.sqlscale < 0 ? "NUMERIC" : "INTEGER";
  case SQL_INT64: return v.sqlscale < 0 ? "NUMERIC" : "BIGINT";
  case SQL_FLOAT: return "FLOAT";
  case SQL_DOUBLE:
  case SQL_D_FLOAT: return "DOUBLE PRECISION";
  case SQL_TIMESTAMP: return "TIMESTAMP";
  case SQL_TYPE_DATE: return "DATE";
  case SQL_TYPE_TIME: return "TIME";
  case SQL_BLOB: return v.sqlsubtype == 1 ? "BLOB SUB_TYPE TEXT" : "BLOB";
  case SQL_BOOLEAN: return "BOOLEAN";
  case SQL_NULL: return "NULL";
  default: return "";
  }
}

}  // namespace crucible::firebird
