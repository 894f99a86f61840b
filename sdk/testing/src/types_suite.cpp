// Compliance: type round trips (SQLAlchemy's suite/test_types.py). For every generic type, a
// column of that type in a table crucible created; values at the type's bounds, unicode, large
// text and blobs, exact decimals, dates and times with and without zone, and NULL are inserted
// through a Core insert (the dialect's bind processors, one executemany) and must come back equal
// through a Core select (its result processors); each non-null value must also find its row
// when bound in a WHERE comparison with the column.
#include <chrono>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "crucible/sdk/testing/compliance.hpp"

namespace crucible::sdk::testing {
namespace {

/// One parameter of the round-trip test: a type and the values it must keep.
struct TypeCase {
  std::string label;  ///< the gtest name: what is round-tripped
  SqlType type;
  std::vector<Value> values;
  bool comparable{true};  ///< WHERE column = value finds the row (not for floats, JSON)
  bool timezone{false};   ///< compare DateTimes as instants (the offset may be normalised)
  bool Requirements::*needs{nullptr};  ///< the requirement the case depends on, if any
  const char* needs_name{""};          ///< its name, for the skip message
};

[[maybe_unused]] void PrintTo(const TypeCase& c, std::ostream* os) { *os << c.label; }

Bytes bytes_of(std::initializer_list<int> values) {
  Bytes out;
  for (const int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

Bytes large_blob() {
  Bytes out(1 << 20);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::byte>((i * 7 + 3) % 256);
  return out;
}

std::string large_text() {
  std::string out;
  while (out.size() < (1u << 20)) out += "Grüße ✓ line of text with 'quotes' and \"more\"\n";
  return out;
}

DateTime at(int y, int mo, int d, int h, int mi, int s, std::uint32_t us,
            std::optional<std::int32_t> offset = std::nullopt) {
  return DateTime{Date{y, static_cast<std::uint8_t>(mo), static_cast<std::uint8_t>(d)},
                  Time{static_cast<std::uint8_t>(h), static_cast<std::uint8_t>(mi),
                       static_cast<std::uint8_t>(s), us},
                  offset};
}

// Microseconds since 1970-01-01 UTC of a timestamp with an offset (std::chrono's calendar).
std::int64_t utc_micros(const DateTime& dt) {
  using namespace std::chrono;
  const std::int64_t days = sys_days{year{dt.date.year} / month{dt.date.month} / day{dt.date.day}}
                                .time_since_epoch()
                                .count();
  const std::int64_t seconds = days * 86400 + dt.time.hour * 3600 + dt.time.minute * 60 +
                               dt.time.second - dt.utc_offset_seconds.value_or(0);
  return seconds * 1000000 + dt.time.microsecond;
}

std::vector<TypeCase> type_cases() {
  constexpr auto i64 = std::numeric_limits<std::int64_t>::max();
  const Uuid uuid_a = Uuid::parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  const Uuid uuid_b = Uuid::parse("ffffffff-0000-4000-8000-000000000001");
  return {
      {"IntegerBounds", Integer{}, {0, -2147483647 - 1, 2147483647, Value()}},
      {"SmallIntegerBounds", SmallInteger{}, {0, -32768, 32767, Value()}},
      {"BigIntegerBounds", BigInteger{}, {0, -i64 - 1, i64, Value()}},
      {"FloatExactBinaryFractions", Float{}, {1.5, -0.25, 0.0, 1024.0, Value()}, false},
      {"DoubleExtremes", Double{}, {1e-300, 2.5e300, -0.1, 0.0, Value()}, false},
      {"NumericExactCents",
       Numeric{10, 2},
       {Decimal{"12345678.90"}, Decimal{"-0.01"}, Decimal{"0.00"}, Value()}},
      {"NumericManySignificantDigits",
       Numeric{38, 10},
       {Decimal{"1234567890123456789012345678.0123456789"}, Decimal{"-0.0000000001"}, Value()},
       true,
       false,
       &Requirements::precision_numerics_many_significant_digits,
       "precision_numerics_many_significant_digits"},
      {"StringAscii", String{50}, {"hello", "A", Value()}},
      {"StringUnicode", String{50}, {"Grüße, 世界 🎉", "Ωμέγα", "עברית", Value()}},
      {"StringEmptyAndQuotes", String{50}, {"", "'", "\"", "\\", "a'; DROP TABLE x; --", Value()}},
      {"TextLarge", Text{}, {large_text(), "", Value()}, false},
      {"Boolean", Boolean{}, {true, false, Value()}},
      {"DateBounds",
       types::Date{},
       {Date{2024, 2, 29}, Date{1, 1, 1}, Date{9999, 12, 31}, Value()}},
      {"TimeSeconds",
       types::Time{},
       {Time{23, 59, 59, 0}, Time{0, 0, 0, 0}, Time{12, 30, 1, 0}, Value()}},
      {"TimeMicroseconds",
       types::Time{},
       {Time{23, 59, 59, 999999}, Time{0, 0, 0, 0}, Time{12, 30, 0, 500}, Value()},
       true,
       false,
       &Requirements::time_microseconds,
       "time_microseconds"},
      {"DateTimeSeconds",
       types::DateTime{},
       {at(1999, 12, 31, 23, 59, 59, 0), at(1970, 1, 1, 0, 0, 0, 0), at(2024, 2, 29, 12, 0, 1, 0),
        Value()}},
      {"DateTimeMicroseconds",
       types::DateTime{},
       {at(1999, 12, 31, 23, 59, 59, 123456), at(1970, 1, 1, 0, 0, 0, 0),
        at(2024, 2, 29, 12, 0, 0, 1), Value()},
       true,
       false,
       &Requirements::datetime_microseconds,
       "datetime_microseconds"},
      {"DateTimeWithTimeZone",
       types::DateTime{true},
       {at(2024, 2, 29, 13, 5, 9, 1, 5 * 3600 + 30 * 60),
        at(2024, 1, 1, 0, 0, 0, 500000, -8 * 3600), at(2000, 6, 15, 12, 0, 0, 0, 0), Value()},
       true,
       true,
       &Requirements::timezone_aware_datetimes,
       "timezone_aware_datetimes"},
      {"LargeBinarySmall",
       LargeBinary{},
       {bytes_of({0x00, 0xff, 0x10, 0x00}), Bytes{}, Value()},
       false},
      {"LargeBinaryOneMegabyte", LargeBinary{}, {large_blob(), Value()}, false},
      {"Uuid", types::Uuid{}, {uuid_a, uuid_b, Value()}},
      {"Json",
       JSON{},
       {Json{R"({"a": [1, 2.5, "x"], "b": null})"}, Json{"42"}, Json{R"("text")"}, Value()},
       false},
      {"Enum", Enum{{"open", "paid", "void"}, "status"}, {"open", "void", Value()}},
  };
}

class ComplianceTypes : public ComplianceTest, public ::testing::WithParamInterface<TypeCase> {};

TEST_P(ComplianceTypes, RoundTrip_KeepsEveryValueAndFindsItByComparison) {
  const TypeCase& c = GetParam();
  if (c.needs != nullptr && !(requirements().*c.needs))
    GTEST_SKIP() << "requirement " << c.needs_name << " not supported by " << dialect_name();
  Table t{name("types"), metadata_, Column{"id", Integer{}, primary_key}, Column{"v", c.type}};
  create_tables();
  std::vector<Params> rows;
  for (std::size_t i = 0; i < c.values.size(); ++i)
    rows.push_back(Params{{"id", static_cast<int>(i)}, {"v", c.values[i]}});
  conn().execute(insert(t), rows);
  conn().commit();

  const auto got = column<Value>(select(t.c("v")).order_by({t.c("id")}));
  ASSERT_EQ(got.size(), c.values.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    const Value& want = c.values[i];
    if (c.timezone && !want.is_null()) {
      ASSERT_EQ(got[i].kind(), ValueKind::kDateTime) << "value " << i << ": " << got[i].to_string();
      const auto dt = got[i].as<DateTime>();
      EXPECT_TRUE(dt.utc_offset_seconds.has_value()) << "value " << i << " lost its zone";
      EXPECT_EQ(utc_micros(dt), utc_micros(want.as<DateTime>()))
          << "value " << i << ": got " << dt.to_string() << ", wanted " << want.to_string();
    } else {
      EXPECT_EQ(got[i], want) << "value " << i << ": got " << kind_name(got[i].kind()) << " "
                              << got[i].to_string().substr(0, 200) << ", wanted "
                              << kind_name(want.kind()) << " " << want.to_string().substr(0, 200);
    }
  }
  if (!c.comparable) return;
  for (std::size_t i = 0; i < c.values.size(); ++i) {
    if (c.values[i].is_null()) continue;
    EXPECT_EQ(column<std::int64_t>(select(t.c("id")).where(t.c("v") == Expr(c.values[i]))),
              (std::vector<std::int64_t>{static_cast<std::int64_t>(i)}))
        << "WHERE v = " << c.values[i].to_string();
  }
}

INSTANTIATE_TEST_SUITE_P(EveryGenericType, ComplianceTypes, ::testing::ValuesIn(type_cases()),
                         [](const ::testing::TestParamInfo<TypeCase>& info) {
                           return info.param.label;
                         });

// ---- type behaviour beyond storage ----------------------------------------------------------

class ComplianceTypeBehaviour : public ComplianceTest {};

TEST_F(ComplianceTypeBehaviour, NumericArithmetic_StaysExact) {
  Table t{name("money"), metadata_, Column{"id", Integer{}, primary_key},
          Column{"amount", Numeric{12, 2}}};
  create_tables();
  conn().execute(insert(t), std::vector<Params>{{{"id", 1}, {"amount", Decimal{"0.10"}}},
                                                {{"id", 2}, {"amount", Decimal{"0.20"}}}});
  const Value total = scalar(select(func::sum(t.c("amount"))));
  EXPECT_EQ(total.as<Decimal>(), Decimal{"0.30"}) << total.to_string();
}

TEST_F(ComplianceTypeBehaviour, StringLength_IsEnforced) {
  CRUCIBLE_REQUIRE(string_length_enforced);
  Table t{name("short"), metadata_, Column{"id", Integer{}, primary_key}, Column{"s", String{3}}};
  create_tables();
  EXPECT_THROW(conn().execute(insert(t).values({{"id", 1}, {"s", "abcd"}})), DataError);
}

TEST_F(ComplianceTypeBehaviour, BooleanColumn_WorksAsACondition) {
  Table t{name("flags"), metadata_, Column{"id", Integer{}, primary_key}, Column{"on", Boolean{}}};
  create_tables();
  conn().execute(insert(t), std::vector<Params>{{{"id", 1}, {"on", true}},
                                                {{"id", 2}, {"on", false}},
                                                {{"id", 3}, {"on", true}}});
  EXPECT_EQ(column<std::int64_t>(select(t.c("id")).where(t.c("on") == true).order_by({t.c("id")})),
            (std::vector<std::int64_t>{1, 3}));
  EXPECT_EQ(column<std::int64_t>(select(t.c("id")).where(not_(t.c("on") == true))),
            (std::vector<std::int64_t>{2}));
}

TEST_F(ComplianceTypeBehaviour, DateColumn_OrdersAndComparesChronologically) {
  Table t{name("dates"), metadata_, Column{"id", Integer{}, primary_key},
          Column{"d", types::Date{}}};
  create_tables();
  conn().execute(insert(t), std::vector<Params>{{{"id", 1}, {"d", Date{2024, 1, 10}}},
                                                {{"id", 2}, {"d", Date{999, 12, 31}}},
                                                {{"id", 3}, {"d", Date{2024, 1, 9}}}});
  EXPECT_EQ(column<std::int64_t>(select(t.c("id")).order_by({t.c("d")})),
            (std::vector<std::int64_t>{2, 3, 1}));
  EXPECT_EQ(column<std::int64_t>(
                select(t.c("id")).where(t.c("d") > Date{2024, 1, 9}).order_by({t.c("id")})),
            (std::vector<std::int64_t>{1}));
}

TEST_F(ComplianceTypeBehaviour, CastToInteger_ConvertsText) {
  EXPECT_EQ(scalar(select(cast(Expr("42"), Integer{}))).as<std::int64_t>(), 42);
}

TEST_F(ComplianceTypeBehaviour, CastToString_ConvertsAnInteger) {
  EXPECT_EQ(scalar(select(cast(Expr(7), String{10}))).as<std::string>(), "7");
}

TEST_F(ComplianceTypeBehaviour, UnicodeText_IsComparedAndMeasuredInCharacters) {
  Table t{name("uni"), metadata_, Column{"id", Integer{}, primary_key}, Column{"s", String{20}}};
  create_tables();
  conn().execute(insert(t).values({{"id", 1}, {"s", "日本語テキスト"}}));
  EXPECT_EQ(scalar(select(func::length(t.c("s")))).as<std::int64_t>(), 7);
  EXPECT_EQ(scalar(select(t.c("id")).where(t.c("s").like("日本%"))).as<std::int64_t>(), 1);
}

}  // namespace
}  // namespace crucible::sdk::testing
