// Value and its kinds (value.hpp): construction, every conversion as<T>() allows and refuses,
// strict parsing of dates, times, datetimes, decimals and UUIDs, and text round trips.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "crucible/errors.hpp"
#include "crucible/value.hpp"

namespace crucible {
namespace {

Bytes bytes_of(std::initializer_list<int> list) {
  Bytes out;
  for (int b : list) out.push_back(static_cast<std::byte>(b));
  return out;
}

// The DataError of v.as<T>(), or a failure when it converts.
template <class T>
DataError refusal(const Value& v) {
  try {
    (void)v.as<T>();
  } catch (const DataError& e) {
    return e;
  }
  ADD_FAILURE() << "as<T>() converted " << v.to_string();
  return DataError(ErrorInfo{});
}

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();
const Uuid kUuid = Uuid::parse("123e4567-e89b-12d3-a456-426614174000");

// ---- kinds and construction ----

TEST(ValueTest, KindNameNamesEveryKind) {
  EXPECT_EQ(kind_name(ValueKind::kNull), "null");
  EXPECT_EQ(kind_name(ValueKind::kBool), "bool");
  EXPECT_EQ(kind_name(ValueKind::kInt), "int64");
  EXPECT_EQ(kind_name(ValueKind::kDouble), "double");
  EXPECT_EQ(kind_name(ValueKind::kString), "string");
  EXPECT_EQ(kind_name(ValueKind::kBytes), "bytes");
  EXPECT_EQ(kind_name(ValueKind::kDate), "date");
  EXPECT_EQ(kind_name(ValueKind::kTime), "time");
  EXPECT_EQ(kind_name(ValueKind::kDateTime), "datetime");
  EXPECT_EQ(kind_name(ValueKind::kDecimal), "decimal");
  EXPECT_EQ(kind_name(ValueKind::kUuid), "uuid");
  EXPECT_EQ(kind_name(ValueKind::kJson), "json");
}

TEST(ValueTest, ConstructorsPickTheKind) {
  EXPECT_EQ(Value().kind(), ValueKind::kNull);
  EXPECT_EQ(Value(nullptr).kind(), ValueKind::kNull);
  EXPECT_EQ(Value(std::optional<int>()).kind(), ValueKind::kNull);
  EXPECT_EQ(Value(std::optional<int>(3)).as<int>(), 3);
  EXPECT_EQ(Value(true).kind(), ValueKind::kBool);
  EXPECT_EQ(Value(static_cast<short>(-3)).kind(), ValueKind::kInt);
  EXPECT_EQ(Value(7u).kind(), ValueKind::kInt);
  EXPECT_EQ(Value(7UL).kind(), ValueKind::kInt);
  EXPECT_EQ(Value(7ULL).as<long long>(), 7);
  EXPECT_EQ(Value(1.5f).kind(), ValueKind::kDouble);
  EXPECT_EQ(Value("x").kind(), ValueKind::kString);
  EXPECT_EQ(Value(std::string_view("x")).kind(), ValueKind::kString);
  EXPECT_EQ(Value(Decimal{"1.5"}).kind(), ValueKind::kDecimal);
  EXPECT_EQ(Value(Json{"{}"}).kind(), ValueKind::kJson);
}

TEST(ValueTest, UnsignedBeyondInt64IsRefused) {
  const unsigned long long max = static_cast<unsigned long long>(kInt64Max);
  EXPECT_EQ(Value(max).as<std::int64_t>(), kInt64Max);
  EXPECT_EQ(Value(static_cast<unsigned long>(max)).as<std::int64_t>(), kInt64Max);
  EXPECT_THROW(Value(max + 1), ArgumentError);
  EXPECT_THROW(Value(static_cast<unsigned long>(max + 1)), ArgumentError);
}

// ---- null ----

TEST(ValueTest, NullIsRefusedUnlessOptional) {
  const DataError e = refusal<int>(Value());
  EXPECT_EQ(e.driver_message(), "wanted int, found null");
  EXPECT_EQ(refusal<std::string>(Value()).driver_message(), "wanted string, found null");
  EXPECT_EQ(Value().as<std::optional<std::string>>(), std::nullopt);
  EXPECT_EQ(Value("a").as<std::optional<std::string>>(), "a");
  EXPECT_EQ(Value().as<Value>(), Value());
}

// ---- bool ----

TEST(ValueTest, BoolFromBoolAndFromZeroOrOne) {
  EXPECT_TRUE(Value(true).as<bool>());
  EXPECT_FALSE(Value(false).as<bool>());
  EXPECT_TRUE(Value(1).as<bool>());
  EXPECT_FALSE(Value(0).as<bool>());
  EXPECT_EQ(refusal<bool>(Value(2)).driver_message(),
            "wanted bool, found int64 2 (only 0 and 1 convert to bool)");
  refusal<bool>(Value("true"));
  refusal<bool>(Value(1.0));
}

// ---- integers ----

TEST(ValueTest, IntegersFromInt64WithRangeCheck) {
  EXPECT_EQ(Value(42).as<int>(), 42);
  EXPECT_EQ(Value(std::int64_t{2147483647}).as<int>(), 2147483647);
  EXPECT_EQ(Value(std::int64_t{-2147483648LL}).as<int>(), -2147483647 - 1);
  const DataError e = refusal<int>(Value(std::int64_t{2147483648LL}));
  EXPECT_EQ(e.sqlstate(), "22003");
  EXPECT_EQ(e.driver_message(),
            "wanted int, found int64 2147483648 (out of range -2147483648 to 2147483647)");
  EXPECT_EQ(Value(std::int64_t{4294967295LL}).as<unsigned>(), 4294967295u);
  refusal<unsigned>(Value(-1));
  refusal<unsigned>(Value(std::int64_t{4294967296LL}));
  EXPECT_EQ(Value(kInt64Max).as<long>(), kInt64Max);
  EXPECT_EQ(Value(kInt64Min).as<long long>(), kInt64Min);
  EXPECT_EQ(Value(kInt64Min).as<std::int64_t>(), kInt64Min);
}

TEST(ValueTest, IntegersFromBool) {
  EXPECT_EQ(Value(true).as<int>(), 1);
  EXPECT_EQ(Value(false).as<std::int64_t>(), 0);
  EXPECT_EQ(Value(true).as<unsigned>(), 1u);
}

TEST(ValueTest, IntegersFromWholeInRangeDoublesOnly) {
  EXPECT_EQ(Value(3.0).as<int>(), 3);
  EXPECT_EQ(Value(-2147483648.0).as<int>(), -2147483647 - 1);
  EXPECT_EQ(Value(-9223372036854775808.0).as<std::int64_t>(), kInt64Min);
  EXPECT_EQ(refusal<int>(Value(3.5)).driver_message(),
            "wanted int, found double 3.5 (not a whole number)");
  EXPECT_EQ(refusal<int>(Value(2147483648.0)).sqlstate(), "22003");
  refusal<std::int64_t>(Value(9223372036854775808.0));
  refusal<unsigned>(Value(-1.0));
  refusal<int>(Value(std::nan("")));
  refusal<int>(Value(std::numeric_limits<double>::infinity()));
}

TEST(ValueTest, IntegersFromExactlyIntegralDecimals) {
  EXPECT_EQ(Value(Decimal{"42"}).as<int>(), 42);
  EXPECT_EQ(Value(Decimal{"-3.00"}).as<int>(), -3);
  EXPECT_EQ(Value(Decimal{"+1.5e1"}).as<int>(), 15);
  EXPECT_EQ(Value(Decimal{"1200E-2"}).as<int>(), 12);
  EXPECT_EQ(Value(Decimal{"0.000"}).as<int>(), 0);
  EXPECT_EQ(Value(Decimal{"0e99999999999"}).as<int>(), 0);
  EXPECT_EQ(Value(Decimal{"9223372036854775807"}).as<std::int64_t>(), kInt64Max);
  EXPECT_EQ(Value(Decimal{"-9223372036854775808"}).as<std::int64_t>(), kInt64Min);
  EXPECT_EQ(Value(Decimal{"00000000000000000000001"}).as<std::int64_t>(), 1);
  EXPECT_EQ(refusal<int>(Value(Decimal{"12.5"})).driver_message(),
            "wanted int, found decimal 12.5 (not a whole number)");
  EXPECT_EQ(refusal<std::int64_t>(Value(Decimal{"9223372036854775808"})).sqlstate(), "22003");
  refusal<std::int64_t>(Value(Decimal{"1e19"}));
  refusal<std::int64_t>(Value(Decimal{"1e99999999999"}));
  refusal<int>(Value(Decimal{"1e-1"}));
  refusal<int>(Value(Decimal{"3000000000"}));
  refusal<int>(Value(Decimal{"abc"}));
}

TEST(ValueTest, IntegersNotFromOtherKinds) {
  EXPECT_EQ(refusal<std::int64_t>(Value("abc")).driver_message(),
            "wanted int64, found string 'abc'");
  EXPECT_EQ(refusal<std::int64_t>(Value("abc")).sqlstate(), "22018");
  refusal<int>(Value("42"));
  refusal<int>(Value(bytes_of({1})));
  refusal<int>(Value(Date{2024, 1, 1}));
}

// ---- floating point ----

TEST(ValueTest, DoubleFromDoubleInt64UpTo2To53AndDecimal) {
  EXPECT_EQ(Value(0.1).as<double>(), 0.1);
  EXPECT_EQ(Value(std::int64_t{9007199254740992LL}).as<double>(), 9007199254740992.0);
  EXPECT_EQ(Value(std::int64_t{-9007199254740992LL}).as<double>(), -9007199254740992.0);
  EXPECT_EQ(refusal<double>(Value(std::int64_t{9007199254740993LL})).sqlstate(), "22003");
  EXPECT_EQ(Value(Decimal{"0.1"}).as<double>(), 0.1);
  EXPECT_EQ(Value(Decimal{"+2.5e3"}).as<double>(), 2500.0);
  refusal<double>(Value(Decimal{"1e400"}));
  refusal<double>(Value("1.5"));
  refusal<double>(Value(true));
}

TEST(ValueTest, FloatChecksRange) {
  EXPECT_EQ(Value(1.5).as<float>(), 1.5f);
  EXPECT_EQ(Value(7).as<float>(), 7.0f);
  EXPECT_TRUE(std::isinf(Value(std::numeric_limits<double>::infinity()).as<float>()));
  EXPECT_EQ(refusal<float>(Value(1e300)).sqlstate(), "22003");
  refusal<float>(Value(Decimal{"-1e39"}));
}

// ---- text, bytes, json ----

TEST(ValueTest, StringFromStringAndFromTextualKinds) {
  EXPECT_EQ(Value("h\xC3\xA9").as<std::string>(), "h\xC3\xA9");
  EXPECT_EQ(Value(Decimal{"-12.50"}).as<std::string>(), "-12.50");
  EXPECT_EQ(Value(Json{R"({"a": 1})"}).as<std::string>(), R"({"a": 1})");
  EXPECT_EQ(Value(Date{2024, 2, 29}).as<std::string>(), "2024-02-29");
  EXPECT_EQ(Value(Time{7, 5, 3, 0}).as<std::string>(), "07:05:03");
  EXPECT_EQ(Value(DateTime{{2024, 2, 29}, {7, 5, 3, 0}, 3600}).as<std::string>(),
            "2024-02-29 07:05:03+01:00");
  EXPECT_EQ(Value(kUuid).as<std::string>(), "123e4567-e89b-12d3-a456-426614174000");
}

TEST(ValueTest, StringNotFromNumbersBytesOrBool) {
  EXPECT_EQ(refusal<std::string>(Value(42)).driver_message(), "wanted string, found int64 42");
  refusal<std::string>(Value(1.5));
  refusal<std::string>(Value(true));
  EXPECT_EQ(refusal<std::string>(Value(bytes_of({1, 2, 3}))).driver_message(),
            "wanted string, found bytes of length 3");
}

TEST(ValueTest, LongStringsAreCutInMessages) {
  const std::string message = refusal<int>(Value(std::string(500, 'x'))).driver_message();
  EXPECT_LT(message.size(), 120u);
  EXPECT_NE(message.find("...'"), std::string::npos);
}

TEST(ValueTest, BytesFromBytesOnly) {
  const Bytes b = bytes_of({0, 10, 255});
  EXPECT_EQ(Value(b).as<Bytes>(), b);
  refusal<Bytes>(Value("abc"));
  refusal<Bytes>(Value(kUuid));
}

TEST(ValueTest, JsonFromJsonAndStringKeepsTheText) {
  EXPECT_EQ(Value(Json{"[1, 2]"}).as<Json>(), Json{"[1, 2]"});
  EXPECT_EQ(Value(" {\"a\" : 1} ").as<Json>().text, " {\"a\" : 1} ");
  refusal<Json>(Value(1));
}

// ---- dates and times ----

TEST(ValueTest, DateFromDateAndString) {
  EXPECT_EQ(Value(Date{2024, 2, 29}).as<Date>(), (Date{2024, 2, 29}));
  EXPECT_EQ(Value("2024-02-29").as<Date>(), (Date{2024, 2, 29}));
  const DataError e = refusal<Date>(Value("2023-02-29"));
  EXPECT_EQ(e.sqlstate(), "22007");
  EXPECT_NE(e.driver_message().find("wanted date, found string '2023-02-29'"), std::string::npos);
  EXPECT_NE(e.driver_message().find("has 28 days"), std::string::npos);
  refusal<Date>(Value(DateTime{}));
  refusal<Date>(Value(20240229));
}

TEST(ValueTest, TimeFromTimeAndString) {
  EXPECT_EQ(Value(Time{1, 2, 3, 4}).as<Time>(), (Time{1, 2, 3, 4}));
  EXPECT_EQ(Value("23:59:59.5").as<Time>(), (Time{23, 59, 59, 500000}));
  EXPECT_EQ(refusal<Time>(Value("24:00")).sqlstate(), "22007");
  refusal<Time>(Value(3600));
}

TEST(ValueTest, DateTimeFromDateTimeDateAndString) {
  const DateTime dt{{2024, 3, 10}, {12, 30, 0, 0}, std::nullopt};
  EXPECT_EQ(Value(dt).as<DateTime>(), dt);
  EXPECT_EQ(Value(Date{2024, 3, 10}).as<DateTime>(), (DateTime{{2024, 3, 10}, {}, std::nullopt}));
  EXPECT_EQ(Value("2024-03-10 12:30").as<DateTime>(), dt);
  refusal<DateTime>(Value("2024-03-10 25:00"));
  refusal<DateTime>(Value(Time{}));
}

// ---- decimal, uuid ----

TEST(ValueTest, DecimalScaleIsThePlacesAfterThePointLessTheExponent) {
  EXPECT_EQ(Decimal{"1.25"}.scale(), 2);
  EXPECT_EQ(Decimal{"-9.50"}.scale(), 2);
  EXPECT_EQ(Decimal{"42"}.scale(), 0);
  EXPECT_EQ(Decimal{"1075e-3"}.scale(), 3);
  EXPECT_EQ(Decimal{"1.2e1"}.scale(), 0);
  EXPECT_EQ(Decimal{"1.25E+1"}.scale(), 1);
}

TEST(ValueTest, DecimalFromDecimalIntDoubleAndString) {
  EXPECT_EQ(Value(Decimal{"1.50"}).as<Decimal>().text, "1.50");
  EXPECT_EQ(Value(kInt64Min).as<Decimal>().text, "-9223372036854775808");
  EXPECT_EQ(Value(0.1).as<Decimal>().text, "0.1");
  EXPECT_EQ(Value(-2.5).as<Decimal>().text, "-2.5");
  EXPECT_EQ(Value(1e300).as<Decimal>().text, "1e+300");
  EXPECT_EQ(Decimal::parse(Value(1e300).as<Decimal>().text).text, "1e+300");
  EXPECT_EQ(Value("-12.50").as<Decimal>().text, "-12.50");
  refusal<Decimal>(Value(std::nan("")));
  EXPECT_EQ(refusal<Decimal>(Value("1.2.3")).driver_message(),
            "wanted decimal, found string '1.2.3' (not a decimal literal)");
  refusal<Decimal>(Value(true));
}

TEST(ValueTest, UuidFromUuidStringAndSixteenBytes) {
  EXPECT_EQ(Value(kUuid).as<Uuid>(), kUuid);
  EXPECT_EQ(Value("123e4567e89b12d3a456426614174000").as<Uuid>(), kUuid);
  const Bytes b = bytes_of({0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66,
                            0x14, 0x17, 0x40, 0x00});
  EXPECT_EQ(Value(b).as<Uuid>(), kUuid);
  EXPECT_EQ(refusal<Uuid>(Value(Bytes(15))).driver_message(),
            "wanted uuid, found bytes of length 15 (a UUID is 16 bytes)");
  refusal<Uuid>(Value("not-a-uuid"));
  refusal<Uuid>(Value(42));
}

// ---- Date::parse / to_string ----

TEST(ValueTest, DateParseChecksRealCalendarDates) {
  EXPECT_EQ(Date::parse("2024-02-29"), (Date{2024, 2, 29}));  // divisible by 4
  EXPECT_EQ(Date::parse("2000-02-29"), (Date{2000, 2, 29}));  // divisible by 400
  EXPECT_THROW(Date::parse("2023-02-29"), ArgumentError);
  EXPECT_THROW(Date::parse("1900-02-29"), ArgumentError);  // divisible by 100, not 400
  EXPECT_EQ(Date::parse("0001-01-01"), (Date{1, 1, 1}));
  EXPECT_EQ(Date::parse("9999-12-31"), (Date{9999, 12, 31}));
  for (const char* bad : {"0000-01-01", "2024-00-10", "2024-13-01", "2024-04-31", "2024-01-00",
                          "2024-1-01", "24-01-01", "2024/01/01", "2024-01-01x", " 2024-01-01",
                          "2024-01-01 00:00", "", "10000-01-01"}) {
    EXPECT_THROW(Date::parse(bad), ArgumentError) << bad;
  }
}

TEST(ValueTest, DateParseErrorNamesTheTextAndTheProblem) {
  try {
    Date::parse("2024-04-31");
    FAIL();
  } catch (const ArgumentError& e) {
    EXPECT_STREQ(e.what(),
                 "wanted a date YYYY-MM-DD (0001-9999), found '2024-04-31': day 31 does not exist "
                 "in 2024-04, which has 30 days");
  }
}

TEST(ValueTest, DateToStringPadsFields) {
  EXPECT_EQ((Date{7, 3, 9}).to_string(), "0007-03-09");
  EXPECT_EQ((Date{2024, 12, 31}).to_string(), "2024-12-31");
}

// ---- Time::parse / to_string ----

TEST(ValueTest, TimeParseAcceptsMinutesSecondsAndFractions) {
  EXPECT_EQ(Time::parse("00:00"), (Time{0, 0, 0, 0}));
  EXPECT_EQ(Time::parse("23:59:59"), (Time{23, 59, 59, 0}));
  EXPECT_EQ(Time::parse("12:30:15.5"), (Time{12, 30, 15, 500000}));
  EXPECT_EQ(Time::parse("12:30:15.000001"), (Time{12, 30, 15, 1}));
  EXPECT_EQ(Time::parse("12:30:15.123456789"), (Time{12, 30, 15, 123456}));  // truncated
  EXPECT_EQ(Time::parse("12:30:15.999999999"), (Time{12, 30, 15, 999999}));
}

TEST(ValueTest, TimeParseRefusesOutOfRangeAndMalformed) {
  for (const char* bad : {"24:00:00", "12:60", "12:30:60", "12:30:15.", "12:30:15.1234567890",
                          "1:30", "12:3", "12", "12:30:15Z", "12:30:15+01:00", "", "ab:cd"}) {
    EXPECT_THROW(Time::parse(bad), ArgumentError) << bad;
  }
}

TEST(ValueTest, TimeToStringShowsMicrosecondsOnlyWhenPresent) {
  EXPECT_EQ((Time{7, 5, 3, 0}).to_string(), "07:05:03");
  EXPECT_EQ((Time{7, 5, 3, 1}).to_string(), "07:05:03.000001");
  EXPECT_EQ((Time{23, 59, 59, 999999}).to_string(), "23:59:59.999999");
}

// ---- DateTime::parse / to_string ----

TEST(ValueTest, DateTimeParseAcceptsTOrSpaceAndOffsets) {
  const Date d{2024, 3, 10};
  const Time t{12, 30, 0, 0};
  EXPECT_EQ(DateTime::parse("2024-03-10T12:30:00"), (DateTime{d, t, std::nullopt}));
  EXPECT_EQ(DateTime::parse("2024-03-10 12:30"), (DateTime{d, t, std::nullopt}));
  EXPECT_EQ(DateTime::parse("2024-03-10T12:30:00Z"), (DateTime{d, t, 0}));
  EXPECT_EQ(DateTime::parse("2024-03-10T12:30:00+05:30"), (DateTime{d, t, 19800}));
  EXPECT_EQ(DateTime::parse("2024-03-10T12:30:00-0800"), (DateTime{d, t, -28800}));
  EXPECT_EQ(DateTime::parse("2024-03-10T12:30+01"), (DateTime{d, t, 3600}));
  EXPECT_EQ(DateTime::parse("2024-03-10 12:30:00.25-00:30"),
            (DateTime{d, {12, 30, 0, 250000}, -1800}));
  EXPECT_EQ(DateTime::parse("2024-03-10"), (DateTime{d, {}, std::nullopt}));
}

TEST(ValueTest, DateTimeParseRefusesMalformed) {
  for (const char* bad :
       {"2024-03-10T", "2024-03-10X12:00", "2024-03-10T12:00+24:00", "2024-03-10T12:00+05:3",
        "2024-03-10T12:00+5", "2024-03-10T12:00+05:60", "2024-03-10T12:00Zx", "2023-02-29T00:00",
        "2024-03-10T24:00", "2024-03-10T12:00 +01:00", "2024-03-10Z", "2024-03-10  12:00"}) {
    EXPECT_THROW(DateTime::parse(bad), ArgumentError) << bad;
  }
}

TEST(ValueTest, DateTimeToStringPrintsOffsetAsSignedHoursAndMinutes) {
  EXPECT_EQ((DateTime{{2024, 3, 10}, {12, 30, 0, 0}, std::nullopt}).to_string(),
            "2024-03-10 12:30:00");
  EXPECT_EQ((DateTime{{2024, 3, 10}, {12, 30, 0, 5}, 0}).to_string(),
            "2024-03-10 12:30:00.000005+00:00");
  EXPECT_EQ((DateTime{{2024, 3, 10}, {12, 30, 0, 0}, -28800}).to_string(),
            "2024-03-10 12:30:00-08:00");
  EXPECT_EQ((DateTime{{2024, 3, 10}, {12, 30, 0, 0}, 19800}).to_string(),
            "2024-03-10 12:30:00+05:30");
}

TEST(ValueTest, DateTimeRoundTripsThroughText) {
  for (const DateTime& dt :
       {DateTime{{1, 1, 1}, {0, 0, 0, 0}, std::nullopt},
        DateTime{{9999, 12, 31}, {23, 59, 59, 999999}, 50400},
        DateTime{{2024, 2, 29}, {12, 0, 0, 1}, -34200}, DateTime{{2000, 2, 29}, {0, 0, 1, 0}, 0}}) {
    EXPECT_EQ(DateTime::parse(dt.to_string()), dt) << dt.to_string();
    EXPECT_EQ(Value(dt.to_string()).as<DateTime>(), dt);
  }
  for (const Date& d : {Date{1, 1, 1}, Date{2024, 2, 29}, Date{9999, 12, 31}}) {
    EXPECT_EQ(Date::parse(d.to_string()), d);
  }
  for (const Time& t : {Time{0, 0, 0, 0}, Time{23, 59, 59, 999999}, Time{1, 2, 3, 40}}) {
    EXPECT_EQ(Time::parse(t.to_string()), t);
  }
}

// ---- Decimal::parse ----

TEST(ValueTest, DecimalParseAcceptsLiteralsAndKeepsTheirText) {
  for (const char* good : {"0", "-12.50", "+3", "1.5E-3", "1e+10", "007.100", "2e0"}) {
    EXPECT_EQ(Decimal::parse(good).text, good);
  }
  for (const char* bad : {"", "+", "-", "1.", ".5", "1e", "1e+", "--1", " 1", "1 ", "1,5", "NaN",
                          "inf", "0x10", "1.2.3", "1e1.5"}) {
    EXPECT_THROW(Decimal::parse(bad), ArgumentError) << bad;
  }
}

// ---- Uuid ----

TEST(ValueTest, UuidParseAcceptsDashedBareAndBracedForms) {
  EXPECT_EQ(kUuid.to_string(), "123e4567-e89b-12d3-a456-426614174000");
  EXPECT_EQ(kUuid.to_hex(), "123e4567e89b12d3a456426614174000");
  EXPECT_EQ(kUuid.bytes[0], 0x12);
  EXPECT_EQ(kUuid.bytes[15], 0x00);
  EXPECT_EQ(Uuid::parse("123E4567-E89B-12D3-A456-426614174000"), kUuid);
  EXPECT_EQ(Uuid::parse("{123e4567-e89b-12d3-a456-426614174000}"), kUuid);
  EXPECT_EQ(Uuid::parse("{123e4567e89b12d3a456426614174000}"), kUuid);
  EXPECT_EQ(Uuid::parse(kUuid.to_hex()), kUuid);
  EXPECT_EQ(Uuid::parse("ffffffff-ffff-ffff-ffff-ffffffffffff").to_hex(), std::string(32, 'f'));
  EXPECT_EQ(Uuid{}.to_string(), "00000000-0000-0000-0000-000000000000");
}

TEST(ValueTest, UuidParseRefusesMalformed) {
  for (const char* bad :
       {"", "123e4567-e89b-12d3-a456-42661417400", "123e4567-e89b-12d3-a456-4266141740000",
        "123e4567-e89b-12d3-a456-42661417400g", "123e4567e-89b-12d3-a456-426614174000",
        "123e4567-e89b-12d3-a456-426614174000xx", "{123e4567-e89b-12d3-a456-426614174000",
        "123e4567e89b12d3a45642661417400", "123e4567+e89b+12d3+a456+426614174000",
        "{{123e4567e89b12d3a456426614174000}}"}) {
    EXPECT_THROW(Uuid::parse(bad), ArgumentError) << bad;
  }
}

// ---- Value::to_string and equality ----

TEST(ValueTest, ToStringForPeople) {
  EXPECT_EQ(Value().to_string(), "NULL");
  EXPECT_EQ(Value(true).to_string(), "true");
  EXPECT_EQ(Value(false).to_string(), "false");
  EXPECT_EQ(Value(kInt64Min).to_string(), "-9223372036854775808");
  EXPECT_EQ(Value(0.1).to_string(), "0.1");
  EXPECT_EQ(Value(1.0 / 3).to_string(), "0.3333333333333333");
  EXPECT_EQ(Value(1e300).to_string(), "1e+300");
  EXPECT_EQ(Value(-0.0).to_string(), "-0");
  EXPECT_EQ(Value("it's").to_string(), "it's");
  EXPECT_EQ(Value(bytes_of({0x0a, 0x1b, 0xff, 0x00})).to_string(), "x'0a1bff00'");
  EXPECT_EQ(Value(Bytes{}).to_string(), "x''");
  EXPECT_EQ(Value(Date{2024, 1, 2}).to_string(), "2024-01-02");
  EXPECT_EQ(Value(Decimal{"1.10"}).to_string(), "1.10");
  EXPECT_EQ(Value(kUuid).to_string(), "123e4567-e89b-12d3-a456-426614174000");
  EXPECT_EQ(Value(Json{"{\"a\":1}"}).to_string(), "{\"a\":1}");
}

TEST(ValueTest, DoubleTextRoundTrips) {
  for (double d : {0.1, 1.0 / 3, 1e-300, 123456789.123456789, -2.5e-7, 9007199254740993.0}) {
    EXPECT_EQ(std::stod(Value(d).to_string()), d);
    EXPECT_EQ(Value(Value(d).as<Decimal>()).as<double>(), d);
  }
}

TEST(ValueTest, EqualityComparesKindAndValue) {
  EXPECT_EQ(Value(1), Value(std::int64_t{1}));
  EXPECT_NE(Value(1), Value(1.0));
  EXPECT_NE(Value(1), Value(true));
  EXPECT_NE(Value("1"), Value(Decimal{"1"}));
  EXPECT_EQ(Value(), Value(nullptr));
}

}  // namespace
}  // namespace crucible
