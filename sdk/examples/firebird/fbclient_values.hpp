#pragma once
// Firebird's wire forms of values and names, for the fbclient cursor (fbclient_cursor.hpp):
// ISC_DATE is days since 1858-11-17 (the Modified Julian Day epoch), ISC_TIME is 1/10000 s since
// midnight (ISC_TIME_SECONDS_PRECISION), scaled integers are NUMERIC/DECIMAL (InterBase 6 API
// Guide, chapter 7 "Working with Dates and Times"; Firebird 3.0 Language Reference 3.3-3.4).
#include <ibase.h>

#include <cstdint>
#include <string>

#include "crucible/value.hpp"

namespace crucible::firebird {

/// Character set ids of RDB$CHARACTER_SETS (an XSQLVAR's sqlsubtype & 0xff for text).
constexpr int kCharsetOctets = 1;  ///< OCTETS: bytes
constexpr int kCharsetUtf8 = 4;    ///< UTF8

/// d as an ISC_DATE (any year 1-9999 of the proleptic Gregorian calendar).
ISC_DATE encode_date(const Date& d);
/// t as an ISC_TIME; microseconds below 100 are dropped (Firebird keeps 1/10000 s).
ISC_TIME encode_time(const Time& t);
/// The date of an ISC_DATE (days since 1858-11-17).
Date decode_date(ISC_DATE d);
/// The time of an ISC_TIME (1/10000 s since midnight), to 100 µs.
Time decode_time(ISC_TIME t);
/// The exact decimal text of a scaled integer: "-123.45" from -12345 and scale -2.
std::string scaled(std::int64_t value, int scale);
/// The type of a described column, as Firebird's DDL names it ("VARCHAR", "NUMERIC",
/// "BLOB SUB_TYPE TEXT"), for ColumnDescription::type_name; "" for a type it does not know.
std::string type_name(const XSQLVAR& v);

}  // namespace crucible::firebird
