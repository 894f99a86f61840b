// Values through the "mariadbconnector" driver: every Value kind sent as a bound parameter,
// stored in a real column and read back exactly, long values fetched whole, and the driver's
// refusals.
#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "mysql_fixture.hpp"

using namespace crucible;
using crucible::testing::Rows;

namespace {

class MariadbValuesTest : public crucible::testing::MysqlFixture {
 protected:
  // Stores v in a fresh column of column_type and reads it back.
  Value round_trip(const std::string& column_type, const Value& v) {
    exec("DROP TABLE IF EXISTS rt");
    exec("CREATE TABLE rt (v " + column_type + ")");
    exec("INSERT INTO rt VALUES (?)", {v});
    return scalar("SELECT v FROM rt");
  }

  static Bytes random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    Bytes out(n);
    for (auto& b : out) b = static_cast<std::byte>(gen() & 0xff);
    return out;
  }
};

}  // namespace

TEST_F(MariadbValuesTest, Integers_RoundTripAtTheirLimits) {
  for (const std::int64_t v :
       {std::int64_t{0}, std::int64_t{-1}, std::int64_t{42},
        std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()}) {
    EXPECT_EQ(round_trip("BIGINT", v), Value(v));
  }
  EXPECT_EQ(round_trip("INT", 2147483647), Value(2147483647));
  EXPECT_EQ(round_trip("SMALLINT UNSIGNED", 65535), Value(65535));
  EXPECT_EQ(round_trip("INT UNSIGNED", std::int64_t{4294967295}), Value(std::int64_t{4294967295}));
  EXPECT_EQ(round_trip("YEAR", 2024), Value(2024));
}

TEST_F(MariadbValuesTest, BigintUnsignedAboveInt64_ComesBackAsExactDecimal) {
  exec("CREATE TABLE u (v BIGINT UNSIGNED)");
  exec("INSERT INTO u VALUES (18446744073709551615), (7)");
  EXPECT_EQ(query("SELECT v FROM u ORDER BY v"),
            (Rows{{Value(7)}, {Value(Decimal{"18446744073709551615"})}}));
}

TEST_F(MariadbValuesTest, Bool_IsTinyintOneOrZero) {
  EXPECT_EQ(round_trip("BOOLEAN", true), Value(1));
  EXPECT_EQ(round_trip("BOOLEAN", false), Value(0));
  EXPECT_EQ(scalar("SELECT ? IS TRUE", {true}), Value(1));
}

TEST_F(MariadbValuesTest, Double_RoundTripsExactly) {
  for (const double v : {0.1, -2.5e-300, 1.7976931348623157e308, 3.141592653589793}) {
    EXPECT_EQ(round_trip("DOUBLE", v), Value(v));
  }
}

TEST_F(MariadbValuesTest, NanAndInfinity_RefusedWithDataError) {
  exec("CREATE TABLE d (v DOUBLE)");
  EXPECT_THROW(exec("INSERT INTO d VALUES (?)", {std::nan("")}), DataError);
  EXPECT_THROW(exec("INSERT INTO d VALUES (?)", {std::numeric_limits<double>::infinity()}),
               DataError);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM d"), Value(0));
}

TEST_F(MariadbValuesTest, Strings_Utf8mb4FourByteCharactersSurvive) {
  const std::string text = "caf\xC3\xA9 \xF0\x9F\x98\x80 \xF0\x9D\x84\x9E \xE4\xB8\xAD\xE6\x96\x87";
  EXPECT_EQ(round_trip("VARCHAR(40) CHARACTER SET utf8mb4", text), Value(text));
  EXPECT_EQ(round_trip("TEXT", text), Value(text));
  EXPECT_EQ(scalar("SELECT CHAR_LENGTH(?)", {text}), Value(11));
  EXPECT_EQ(round_trip("VARCHAR(10)", std::string()), Value(std::string()));
  const std::string with_nul("a\0b", 3);
  EXPECT_EQ(round_trip("VARCHAR(10)", with_nul), Value(with_nul));
}

TEST_F(MariadbValuesTest, LongText_FetchedWholeAcrossRowsOfGrowingSize) {
  exec("CREATE TABLE lt (id INT PRIMARY KEY, v LONGTEXT)");
  std::vector<std::string> texts;
  for (int i = 0; i < 4; ++i) {
    texts.push_back(
        std::string(static_cast<std::size_t>(1000) << (i * 4), static_cast<char>('a' + i)));
    exec("INSERT INTO lt VALUES (?, ?)", {i, texts.back()});
  }
  const auto rows = query("SELECT v FROM lt ORDER BY id");
  ASSERT_EQ(rows.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(rows[i][0].as<std::string>().size(), texts[i].size()) << i;
    EXPECT_EQ(rows[i][0], Value(texts[i])) << i;
  }
}

TEST_F(MariadbValuesTest, Bytes_BigBlobsAndEmptyRoundTripExactly) {
  const Bytes big = random_bytes(5u << 20, 7);
  EXPECT_EQ(round_trip("LONGBLOB", big), Value(big));
  EXPECT_EQ(round_trip("VARBINARY(10)", Bytes{}), Value(Bytes{}));
  const Bytes small = random_bytes(200, 8);
  EXPECT_EQ(round_trip("BLOB", small), Value(small));
  EXPECT_EQ(round_trip("BINARY(3)", Bytes{std::byte{0}, std::byte{1}, std::byte{255}}),
            Value(Bytes{std::byte{0}, std::byte{1}, std::byte{255}}));
}

TEST_F(MariadbValuesTest, Decimals_RoundTripAsExactText) {
  EXPECT_EQ(round_trip("DECIMAL(30,10)", Decimal{"12345678901234567890.0123456789"}),
            Value(Decimal{"12345678901234567890.0123456789"}));
  EXPECT_EQ(round_trip("DECIMAL(30,10)", Decimal{"-0.0000000001"}),
            Value(Decimal{"-0.0000000001"}));
  EXPECT_EQ(
      round_trip("DECIMAL(65,0)",
                 Decimal{"99999999999999999999999999999999999999999999999999999999999999999"}),
      Value(Decimal{"99999999999999999999999999999999999999999999999999999999999999999"}));
  EXPECT_EQ(round_trip("DECIMAL(5,2)", Decimal{"1.5"}), Value(Decimal{"1.50"}));
}

TEST_F(MariadbValuesTest, DatesAndTimes_RoundTripToTheMicrosecond) {
  const Date date{2024, 2, 29};
  EXPECT_EQ(round_trip("DATE", date), Value(date));
  EXPECT_EQ(round_trip("DATE", Date{1, 1, 1}), Value(Date{1, 1, 1}));
  const Time time{23, 59, 59, 999999};
  EXPECT_EQ(round_trip("TIME(6)", time), Value(time));
  const DateTime dt{Date{2024, 2, 29}, Time{23, 59, 59, 999999}, std::nullopt};
  EXPECT_EQ(round_trip("DATETIME(6)", dt), Value(dt));
  EXPECT_EQ(round_trip("TIMESTAMP(6) NULL", dt), Value(dt));
  const DateTime plain{Date{9999, 12, 31}, Time{0, 0, 0, 0}, std::nullopt};
  EXPECT_EQ(round_trip("DATETIME", plain), Value(plain));
}

TEST_F(MariadbValuesTest, DateTimeWithOffset_IsStoredAsUtc) {
  const DateTime local{Date{2024, 1, 1}, Time{1, 30, 0, 250}, 2 * 3600};  // 01:30 at +02:00
  const DateTime utc{Date{2023, 12, 31}, Time{23, 30, 0, 250}, std::nullopt};
  EXPECT_EQ(round_trip("DATETIME(6)", local), Value(utc));
}

TEST_F(MariadbValuesTest, TimesBeyondADay_ComeBackAsTheServersText) {
  EXPECT_EQ(scalar("SELECT CAST('-838:59:59' AS TIME)"), Value("-838:59:59"));
  EXPECT_EQ(scalar("SELECT CAST('100:00:01.5' AS TIME(1))"), Value("100:00:01.500000"));
}

TEST_F(MariadbValuesTest, Uuid_RoundTripsThroughANativeUuidColumn) {
  const Uuid uuid = Uuid::parse("123e4567-e89b-12d3-a456-426614174000");
  EXPECT_EQ(round_trip("UUID", uuid), Value(uuid));
  exec("CREATE TABLE chars (v CHAR(36))");
  exec("INSERT INTO chars VALUES (?)", {uuid});
  EXPECT_EQ(scalar("SELECT v FROM chars"), Value("123e4567-e89b-12d3-a456-426614174000"));
}

TEST_F(MariadbValuesTest, Json_RoundTripsAndIsMarkedJson) {
  const Json doc{R"({"a": [1, 2, {"b": "\u00e9\ud83d\ude00"}], "c": null})"};
  const Value back = round_trip("JSON", doc);
  EXPECT_EQ(back.kind(), ValueKind::kJson);
  EXPECT_EQ(scalar("SELECT JSON_EXTRACT(v, '$.a[1]') FROM rt"), Value(Json{"2"}));
  EXPECT_EQ(scalar("SELECT JSON_EQUALS(v, ?) FROM rt", {doc.text}), Value(1));
}

TEST_F(MariadbValuesTest, Nulls_OfEveryKindComeBackNull) {
  exec("CREATE TABLE n (a BIGINT, b DOUBLE, c VARCHAR(5), d BLOB, e DATE, f TIME, g DATETIME(6), "
       "h DECIMAL(5,2), i JSON, j BOOLEAN)");
  exec("INSERT INTO n VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", std::vector<Value>(10, Value()));
  const auto rows = query("SELECT * FROM n");
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].size(), 10u);
  for (const Value& v : rows[0]) EXPECT_TRUE(v.is_null()) << v.to_string();
  EXPECT_TRUE(scalar("SELECT ?", {Value()}).is_null());
}

TEST_F(MariadbValuesTest, Bit_ComesBackAsItsInteger) {
  exec("CREATE TABLE b (v BIT(12))");
  exec("INSERT INTO b VALUES (b'101010101010')");
  EXPECT_EQ(scalar("SELECT v FROM b"), Value(0b101010101010));
}

TEST_F(MariadbValuesTest, Description_NamesTypesNullabilityAndDecimalPrecision) {
  exec("CREATE TABLE ds (id INT NOT NULL, price DECIMAL(10,2), name VARCHAR(20), data BLOB, "
       "flag BOOLEAN, doc JSON)");
  auto cursor = conn_->cursor();
  cursor->execute("SELECT id, price, name, data, flag, doc FROM ds", {});
  const auto& d = cursor->description();
  ASSERT_EQ(d.size(), 6u);
  EXPECT_EQ(d[0].name, "id");
  EXPECT_EQ(d[0].type_name, "INT");
  EXPECT_EQ(d[0].nullable, false);
  EXPECT_EQ(d[1].type_name, "DECIMAL");
  EXPECT_EQ(d[1].precision, 10);
  EXPECT_EQ(d[1].scale, 2);
  EXPECT_EQ(d[1].nullable, true);
  EXPECT_EQ(d[2].type_name, "VARCHAR");
  EXPECT_EQ(d[3].type_name, "BLOB");
  EXPECT_EQ(d[4].type_name, "TINYINT");
  EXPECT_EQ(d[5].type_name, "JSON");
  EXPECT_FALSE(cursor->fetchone());
}
