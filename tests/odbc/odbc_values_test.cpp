// The "odbc" driver on each of Debian's three ODBC drivers: every Value kind sent as a bound
// parameter into a typed column and read back through the driver. The column types are each
// database's own for the kind; where a database keeps a kind as something else (MariaDB's
// BOOLEAN is TINYINT(1), its UUID here CHAR(36); SQLite's NUMERIC is a REAL), the value read
// back is compared after Value::as<kind>, which is what the dialects' result processing does.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "odbc_fixture.hpp"

using namespace crucible;
using crucible::testing::Rows;
using crucible::testing::Target;

namespace {

class OdbcValuesTest : public crucible::testing::OdbcFixture {
 protected:
  // The column type for kind on this target.
  std::string type_for(std::string_view kind) const {
    const Target t = GetParam();
    const bool pg = t == Target::kPostgresql;
    const bool my = t == Target::kMysql;
    if (kind == "bool") return "BOOLEAN";
    if (kind == "int") return "BIGINT";
    if (kind == "double") return pg ? "DOUBLE PRECISION" : my ? "DOUBLE" : "REAL";
    if (kind == "string") return my ? "LONGTEXT" : "TEXT";
    if (kind == "bytes") return pg ? "BYTEA" : my ? "LONGBLOB" : "BLOB";
    if (kind == "date") return "DATE";
    if (kind == "time") return my ? "TIME(6)" : "TIME";
    if (kind == "datetime") return pg ? "TIMESTAMP" : my ? "DATETIME(6)" : "TIMESTAMP";
    if (kind == "decimal") return pg || my ? "DECIMAL(30,10)" : "NUMERIC";
    if (kind == "uuid") return pg ? "UUID" : "CHAR(36)";
    if (kind == "json") return pg ? "JSONB" : my ? "JSON" : "TEXT";
    return "TEXT";
  }

  // Inserts value into a fresh column of kind's type and reads it back.
  Value round_trip(std::string_view kind, const Value& value) {
    create_table("odbc_kinds", "id INTEGER PRIMARY KEY, v " + type_for(kind));
    EXPECT_EQ(exec("INSERT INTO odbc_kinds (id, v) VALUES (?, ?)", {Value(1), value}), 1);
    conn_->commit();
    const Rows rows = query("SELECT v FROM odbc_kinds WHERE id = ?", {Value(1)});
    EXPECT_EQ(rows.size(), 1u);
    return rows.empty() ? Value() : rows.front().front();
  }
};

TEST_P(OdbcValuesTest, Bool_RoundTripsThroughTheBooleanColumn) {
  EXPECT_EQ(round_trip("bool", Value(true)).as<bool>(), true);
  EXPECT_EQ(round_trip("bool", Value(false)).as<bool>(), false);
}

TEST_P(OdbcValuesTest, Int64_RoundTripsAtBothEndsOfItsRange) {
  for (const std::int64_t v :
       {std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min(),
        std::int64_t{0}, std::int64_t{-1}}) {
    const Value back = round_trip("int", Value(v));
    EXPECT_EQ(back.kind(), ValueKind::kInt);
    EXPECT_EQ(back.as<std::int64_t>(), v);
  }
}

TEST_P(OdbcValuesTest, Double_RoundTripsEveryBitWhereTheDriverReadsThemExactly) {
  for (const double v : {1.0 / 3.0, 1e300, -2.5e-300, 0.0}) {
    const Value back = round_trip("double", Value(v));
    EXPECT_EQ(back.kind(), ValueKind::kDouble);
    if (is(Target::kSqlite)) {
      // SQLite ODBC reads every value through sqlite3_column_text, which prints a REAL with 15
      // significant digits ("%!.15g", SQLite's printf.c), so that is what comes back.
      char text[32];
      std::snprintf(text, sizeof text, "%.15g", v);
      EXPECT_EQ(back.as<double>(), std::strtod(text, nullptr));
    } else {
      EXPECT_EQ(back.as<double>(), v);
    }
  }
}

TEST_P(OdbcValuesTest, String_RoundTripsUtf8AndTheEmptyString) {
  const std::string text = "h\xC3\xA9llo w\xC3\xB6rld \xE2\x9C\x93 \xF0\x9F\x98\x80 'quoted' ;{}";
  EXPECT_EQ(round_trip("string", Value(text)), Value(text));
  EXPECT_EQ(round_trip("string", Value(std::string())), Value(std::string()));
}

TEST_P(OdbcValuesTest, Bytes_RoundTripWithZeroAndHighBytes) {
  const Bytes bytes{std::byte{0}, std::byte{1}, std::byte{0xff}, std::byte{0}, std::byte{0x7f}};
  EXPECT_EQ(round_trip("bytes", Value(bytes)), Value(bytes));
  EXPECT_EQ(round_trip("bytes", Value(Bytes{})), Value(Bytes{}));
}

TEST_P(OdbcValuesTest, Date_RoundTripsALeapDay) {
  const Date date{2024, 2, 29};
  EXPECT_EQ(round_trip("date", Value(date)).as<Date>(), date);
}

TEST_P(OdbcValuesTest, Time_RoundTripsWithMicroseconds) {
  const Time time{13, 14, 15, 123456};
  EXPECT_EQ(round_trip("time", Value(time)).as<Time>(), time);
}

TEST_P(OdbcValuesTest, DateTime_RoundTripsWithMicroseconds) {
  const DateTime stamp{{2024, 2, 29}, {13, 14, 15, 654321}, std::nullopt};
  EXPECT_EQ(round_trip("datetime", Value(stamp)).as<DateTime>(), stamp);
}

TEST_P(OdbcValuesTest, Decimal_RoundTripsExactlyWhereTheColumnIsExact) {
  if (is(Target::kSqlite)) {
    // NUMERIC affinity stores a REAL (SQLite manual, datatype3.html §3): 15 significant digits.
    const Value back = round_trip("decimal", Value(Decimal{"12.5"}));
    EXPECT_EQ(back.as<Decimal>().text, "12.5");
    return;
  }
  const Decimal exact{"12345678901234567890.0123456789"};
  EXPECT_EQ(round_trip("decimal", Value(exact)).as<Decimal>(), exact);
  EXPECT_EQ(round_trip("decimal", Value(Decimal{"-0.5000000000"})).as<Decimal>().text,
            "-0.5000000000");
}

TEST_P(OdbcValuesTest, Uuid_RoundTrips) {
  const Uuid uuid = Uuid::parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  EXPECT_EQ(round_trip("uuid", Value(uuid)).as<Uuid>(), uuid);
}

TEST_P(OdbcValuesTest, Json_RoundTripsAsItsText) {
  const Json json{"{\"a\": [1, 2, \"\xC3\xA9\"]}"};
  EXPECT_EQ(round_trip("json", Value(json)).as<Json>(), json);
}

TEST_P(OdbcValuesTest, Null_RoundTripsInEveryColumnType) {
  for (const char* kind : {"bool", "int", "double", "string", "bytes", "date", "time", "datetime",
                           "decimal", "uuid", "json"}) {
    EXPECT_TRUE(round_trip(kind, Value()).is_null()) << kind;
  }
}

TEST_P(OdbcValuesTest, Description_NamesTheColumnsAndTheirDecimalShape) {
  create_table("odbc_described", "amount DECIMAL(10,2), label VARCHAR(20)");
  const auto cursor = conn_->cursor();
  cursor->execute("SELECT amount, label FROM odbc_described", {});
  const auto& description = cursor->description();
  ASSERT_EQ(description.size(), 2u);
  EXPECT_EQ(description[0].name, "amount");
  EXPECT_EQ(description[1].name, "label");
  if (!is(Target::kSqlite)) {  // SQLite ODBC reports no precision for a NUMERIC affinity column
    EXPECT_EQ(description[0].precision, 10);
    EXPECT_EQ(description[0].scale, 2);
  }
  EXPECT_TRUE(cursor->fetchall().empty());
}

INSTANTIATE_TEST_SUITE_P(Odbc, OdbcValuesTest,
                         ::testing::Values(Target::kPostgresql, Target::kMysql, Target::kSqlite),
                         crucible::testing::target_param_name);

}  // namespace
