// Firebird's wire forms of values and names (fbclient_values.hpp).
#include "fbclient_values.hpp"

#include <chrono>

namespace crucible::firebird {

namespace {

// ISC_DATE counts days from 1858-11-17 (the Modified Julian Day epoch); ISC_TIME counts
// 1/10000 s (ISC_TIME_SECONDS_PRECISION) since midnight. Dates are converted with C++20's
// proleptic Gregorian calendar (std::chrono::sys_days, year_month_day).
constexpr std::chrono::sys_days kIscEpoch =
    std::chrono::year{1858} / std::chrono::November / std::chrono::day{17};

}  // namespace

ISC_DATE encode_date(const Date& d) {
  const std::chrono::sys_days days =
      std::chrono::year{d.year} / std::chrono::month{d.month} / std::chrono::day{d.day};
  return static_cast<ISC_DATE>((days - kIscEpoch).count());
}
ISC_TIME encode_time(const Time& t) {
  return static_cast<ISC_TIME>((t.hour * 3600u + t.minute * 60u + t.second) * 10000u +
                               t.microsecond / 100u);
}
Date decode_date(ISC_DATE d) {
  const std::chrono::year_month_day ymd{kIscEpoch + std::chrono::days{d}};
  return Date{static_cast<std::int32_t>(static_cast<int>(ymd.year())),
              static_cast<std::uint8_t>(static_cast<unsigned>(ymd.month())),
              static_cast<std::uint8_t>(static_cast<unsigned>(ymd.day()))};
}
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
  // Built by appending (GCC 12 warns -Wrestrict, wrongly, on a string insert here).
  std::string out = negative ? "-" : "";
  out.append(digits, 0, digits.size() - places);
  out += '.';
  out.append(digits, digits.size() - places, places);
  return out;
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
