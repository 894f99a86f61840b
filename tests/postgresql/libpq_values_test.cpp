// The "libpq" driver on a real PostgreSQL: every Value kind sent to a typed column and read back,
// NULLs, what `SELECT $1` infers from each kind, the values only the server's text can hold, and
// the column descriptions.
#include <cmath>
#include <cstdint>
#include <limits>

#include "pg_fixture.hpp"

using namespace crucible;
using crucible::testing::Rows;

namespace {

class LibpqValuesTest : public crucible::testing::PgFixture {
 protected:
  void SetUp() override {
    PgFixture::SetUp();
    if (HasFatalFailure()) return;
    exec("CREATE TABLE kinds (id integer PRIMARY KEY, b boolean, i8 bigint, i4 integer, "
         "i2 smallint, f8 double precision, f4 real, n numeric, n2 numeric(10,2), t text, "
         "vc varchar(20), x bytea, d date, tm time, ts timestamp, tz timestamptz, u uuid, "
         "jb jsonb, js json)");
    conn_->commit();
  }

  // Inserts value into column and reads it back through the typed column.
  Value round_trip(const std::string& column, const Value& value) {
    exec("DELETE FROM kinds");
    exec("INSERT INTO kinds (id, " + column + ") VALUES (1, $1)", {value});
    return scalar("SELECT " + column + " FROM kinds WHERE id = 1");
  }
};

Bytes bytes(std::initializer_list<int> list) {
  Bytes out;
  for (const int b : list) out.push_back(static_cast<std::byte>(b));
  return out;
}

}  // namespace

TEST_F(LibpqValuesTest, PluginProvidesLibpqDriverWithNumericDollarParamstyle) {
  EXPECT_EQ(driver_->name(), "libpq");
  EXPECT_EQ(driver_->paramstyle(), ParamStyle::kNumericDollar);
  EXPECT_EQ(dialect_->name(), "postgresql");
  EXPECT_EQ(dialect_->default_driver(), "libpq");
  const std::string version = conn_->server_version();
  EXPECT_EQ(
      version,
      scalar("SELECT split_part(current_setting('server_version'), ' ', 1)").as<std::string>());
  EXPECT_EQ(version.find(' '), std::string::npos) << version;
}

TEST_F(LibpqValuesTest, BooleanRoundTripsAsBool) {
  EXPECT_EQ(round_trip("b", true), Value(true));
  EXPECT_EQ(round_trip("b", false), Value(false));
  EXPECT_EQ(scalar("SELECT b::text FROM kinds"), Value("false"));
}

TEST_F(LibpqValuesTest, Int64BoundsRoundTripThroughBigint) {
  for (const std::int64_t v :
       {std::numeric_limits<std::int64_t>::min(), std::int64_t{-1}, std::int64_t{0},
        std::int64_t{2147483648}, std::numeric_limits<std::int64_t>::max()}) {
    EXPECT_EQ(round_trip("i8", v), Value(v)) << v;
  }
}

TEST_F(LibpqValuesTest, IntegersReadBackAsInt64FromEveryIntegerType) {
  EXPECT_EQ(round_trip("i4", std::numeric_limits<std::int32_t>::min()),
            Value(std::int64_t{std::numeric_limits<std::int32_t>::min()}));
  EXPECT_EQ(round_trip("i2", 32767), Value(std::int64_t{32767}));
  EXPECT_EQ(scalar("SELECT 'kinds'::regclass::oid").kind(), ValueKind::kInt);
}

TEST_F(LibpqValuesTest, SmallIntegerParameterIsAcceptedWhereAnIntegerArgumentIsWanted) {
  // Sent as int4 when it fits: substr(text, integer) has no bigint form.
  EXPECT_EQ(scalar("SELECT substr('crucible', $1, $2)", {3, 4}), Value("ucib"));
  EXPECT_EQ(scalar("SELECT pg_typeof($1)::text", {5}), Value("integer"));
  EXPECT_EQ(scalar("SELECT pg_typeof($1)::text", {std::int64_t{1} << 40}), Value("bigint"));
}

TEST_F(LibpqValuesTest, DoubleRoundTripsExactlyIncludingSpecialValues) {
  for (const double v : {0.1, -2.5e-308, 1.7976931348623157e308, 3.141592653589793}) {
    EXPECT_EQ(round_trip("f8", v), Value(v)) << v;
  }
  EXPECT_EQ(round_trip("f8", std::numeric_limits<double>::infinity()),
            Value(std::numeric_limits<double>::infinity()));
  EXPECT_EQ(round_trip("f8", -std::numeric_limits<double>::infinity()),
            Value(-std::numeric_limits<double>::infinity()));
  const Value nan = round_trip("f8", std::numeric_limits<double>::quiet_NaN());
  ASSERT_EQ(nan.kind(), ValueKind::kDouble);
  EXPECT_TRUE(std::isnan(nan.as<double>()));
  EXPECT_EQ(round_trip("f4", 1.5), Value(1.5));
}

TEST_F(LibpqValuesTest, NumericKeepsThirtyDigitsExactly) {
  const Decimal big{"123456789012345678901234567890.123456789"};
  EXPECT_EQ(round_trip("n", big), Value(big));
  EXPECT_EQ(round_trip("n", Decimal{"-0.000000000000000000000000000001"}),
            Value(Decimal{"-0.000000000000000000000000000001"}));
  EXPECT_EQ(round_trip("n2", Decimal{"12.5"}), Value(Decimal{"12.50"}));
  EXPECT_EQ(scalar("SELECT n2 + 1 FROM kinds"), Value(Decimal{"13.50"}))
      << "the server computes on the exact value it stored";
}

TEST_F(LibpqValuesTest, NumericNaNReadsBackAsDouble) {
  const Value nan = scalar("SELECT 'NaN'::numeric");
  ASSERT_EQ(nan.kind(), ValueKind::kDouble);
  EXPECT_TRUE(std::isnan(nan.as<double>()));
}

TEST_F(LibpqValuesTest, UnicodeTextRoundTrips) {
  const std::string text = "Grüße, 世界 — 🐘 'quoted' \"double\" \\back";
  EXPECT_EQ(round_trip("t", text), Value(text));
  EXPECT_EQ(round_trip("vc", "ñandú"), Value("ñandú"));
  EXPECT_EQ(scalar("SELECT length($1)", {text}), Value(std::int64_t{37}))
      << "the server counts characters, so the text arrived as UTF-8";
}

TEST_F(LibpqValuesTest, EmptyStringIsNotNull) {
  EXPECT_EQ(round_trip("t", ""), Value(""));
  EXPECT_EQ(scalar("SELECT t IS NULL FROM kinds"), Value(false));
}

TEST_F(LibpqValuesTest, StringWithNulIsRefusedWithDataError) {
  try {
    exec("INSERT INTO kinds (id, t) VALUES (1, $1)", {std::string("a\0b", 3)});
    FAIL() << "a NUL in a text parameter must not be cut off silently";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("NUL"), std::string::npos) << e.what();
  }
  EXPECT_EQ(scalar("SELECT count(*) FROM kinds"), Value(std::int64_t{0}));
}

TEST_F(LibpqValuesTest, ByteaWithZeroBytesRoundTrips) {
  const Bytes data = bytes({0, 1, 0, 255, 0x5c, 0x27, 0});
  EXPECT_EQ(round_trip("x", data), Value(data));
  EXPECT_EQ(scalar("SELECT length(x) FROM kinds"), Value(std::int64_t{7}));
  EXPECT_EQ(round_trip("x", Bytes{}), Value(Bytes{}));
}

TEST_F(LibpqValuesTest, ByteaInEscapeOutputFormatReadsBackToo) {
  exec("SET bytea_output = 'escape'");
  const Bytes data = bytes({0, 'a', 200, '\\'});
  EXPECT_EQ(round_trip("x", data), Value(data));
}

TEST_F(LibpqValuesTest, DateTimeKindsRoundTrip) {
  EXPECT_EQ(round_trip("d", Date{2024, 2, 29}), Value(Date{2024, 2, 29}));
  EXPECT_EQ(round_trip("tm", Time{23, 59, 58, 123456}), Value(Time{23, 59, 58, 123456}));
  const DateTime naive{Date{1999, 12, 31}, Time{23, 59, 59, 999999}, std::nullopt};
  EXPECT_EQ(round_trip("ts", naive), Value(naive));
}

TEST_F(LibpqValuesTest, TimestamptzKeepsTheInstantAndReadsBackAtTheSessionOffset) {
  const DateTime india{Date{2024, 3, 1}, Time{10, 0, 0, 500000}, 5 * 3600 + 1800};
  exec("SET TIME ZONE 'UTC'");
  const DateTime utc{Date{2024, 3, 1}, Time{4, 30, 0, 500000}, 0};
  EXPECT_EQ(round_trip("tz", india), Value(utc));
  exec("SET TIME ZONE 'Asia/Kolkata'");
  EXPECT_EQ(scalar("SELECT tz FROM kinds"), Value(india));
  EXPECT_EQ(scalar("SELECT tz = $1 FROM kinds", {utc}), Value(true));
}

TEST_F(LibpqValuesTest, UuidRoundTripsAsUuid) {
  const Uuid id = Uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  EXPECT_EQ(round_trip("u", id), Value(id));
  EXPECT_EQ(scalar("SELECT u::text FROM kinds"), Value("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
}

TEST_F(LibpqValuesTest, JsonRoundTripsThroughJsonbAndJson) {
  EXPECT_EQ(round_trip("jb", Json{R"({"b":[1,true,null],"a":"ü"})"}),
            Value(Json{R"({"a": "ü", "b": [1, true, null]})"}))
      << "jsonb stores the parsed document and prints it normalized";
  EXPECT_EQ(scalar("SELECT jb->'b'->>1 FROM kinds"), Value("true"));
}

TEST_F(LibpqValuesTest, JsonColumnGetsNormalizedJsonbTextUnlessSentAsAString) {
  // Json travels as jsonb, so a json column stores jsonb's normalized text; a string parameter
  // (type unknown) is taken by the json column verbatim.
  EXPECT_EQ(round_trip("js", Json{R"({"z": 1,  "a": 2})"}), Value(Json{R"({"a": 2, "z": 1})"}));
  EXPECT_EQ(round_trip("js", std::string(R"({"z": 1,  "a": 2})")),
            Value(Json{R"({"z": 1,  "a": 2})"}));
}

TEST_F(LibpqValuesTest, NullOfEveryKindRoundTrips) {
  exec("INSERT INTO kinds (id) VALUES (1)");
  const Rows rows = query("SELECT b, i8, f8, n, t, x, d, tm, ts, tz, u, jb FROM kinds");
  ASSERT_EQ(rows.size(), 1u);
  for (const Value& value : rows[0]) EXPECT_TRUE(value.is_null()) << value.to_string();
  for (const std::string column :
       {"b", "i8", "f8", "n", "t", "x", "d", "tm", "ts", "tz", "u", "jb"}) {
    EXPECT_TRUE(round_trip(column, Value()).is_null()) << column;
    EXPECT_EQ(scalar("SELECT " + column + " IS NULL FROM kinds"), Value(true)) << column;
  }
}

TEST_F(LibpqValuesTest, SelectParameterInfersTheTypeOfEachKind) {
  const std::vector<std::pair<Value, std::string>> cases{
      {true, "boolean"},
      {std::int64_t{7}, "integer"},
      {2.5, "double precision"},
      {Bytes{}, "bytea"},
      {Date{2020, 1, 1}, "date"},
      {Time{1, 2, 3, 0}, "time without time zone"},
      {DateTime{Date{2020, 1, 1}, Time{}, std::nullopt}, "timestamp without time zone"},
      {DateTime{Date{2020, 1, 1}, Time{}, 0}, "timestamp with time zone"},
      {Decimal{"1.5"}, "numeric"},
      {Uuid{}, "uuid"},
      {Json{"[]"}, "jsonb"}};
  for (const auto& [value, type] : cases) {
    EXPECT_EQ(scalar("SELECT pg_typeof($1)::text", {value}), Value(type)) << value.to_string();
    EXPECT_EQ(scalar("SELECT $1", {value}), value) << type;
  }
  // A string is sent untyped, for the context to decide; alone in a select list it is text.
  EXPECT_EQ(scalar("SELECT $1", {"text"}), Value("text"));
  EXPECT_EQ(scalar("SELECT $1 || $2", {"a", "b"}), Value("ab"));
}

TEST_F(LibpqValuesTest, StringParameterTakesTheTypeTheContextWants) {
  exec("INSERT INTO kinds (id, d, u, n, b) VALUES (1, $1, $2, $3, $4)",
       {"2024-05-06", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "0.1", "yes"});
  const Rows rows = query("SELECT d, u, n, b FROM kinds");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], Value(Date{2024, 5, 6}));
  EXPECT_EQ(rows[0][1], Value(Uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")));
  EXPECT_EQ(rows[0][2], Value(Decimal{"0.1"}));
  EXPECT_EQ(rows[0][3], Value(true));
}

TEST_F(LibpqValuesTest, ValuesTheKindsCannotHoldComeBackAsTheServerText) {
  EXPECT_EQ(scalar("SELECT 'infinity'::date"), Value("infinity"));
  EXPECT_EQ(scalar("SELECT '0044-03-15 BC'::date"), Value("0044-03-15 BC"));
  EXPECT_EQ(scalar("SELECT '24:00:00'::time"), Value("24:00:00"));
  EXPECT_EQ(scalar("SELECT '1 day 02:00'::interval"), Value("1 day 02:00:00"));
  EXPECT_EQ(scalar("SELECT ARRAY[1, 2]"), Value("{1,2}"));
}

TEST_F(LibpqValuesTest, DescriptionNamesColumnsAndTheirTypes) {
  const auto cursor = conn_->cursor();
  cursor->execute("SELECT id, n2, vc, tz, jb AS doc FROM kinds", {});
  const auto& d = cursor->description();
  ASSERT_EQ(d.size(), 5u);
  EXPECT_EQ(d[0].name, "id");
  EXPECT_EQ(d[0].type_name, "integer");
  EXPECT_EQ(d[1].type_name, "numeric(10,2)");
  EXPECT_EQ(d[1].precision, 10);
  EXPECT_EQ(d[1].scale, 2);
  EXPECT_EQ(d[2].type_name, "character varying(20)");
  EXPECT_EQ(d[3].type_name, "timestamp with time zone");
  EXPECT_EQ(d[4].name, "doc");
  EXPECT_EQ(d[4].type_name, "jsonb");
  cursor->execute("UPDATE kinds SET t = 'x'", {});
  EXPECT_TRUE(cursor->description().empty());
}
