// The "sqlite3" driver on real SQLite: every Value kind bound and read back, errors and their
// classes, statement checks, rowcount/lastrowid, executemany and the statement cache.
#include <sqlite3.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "sqlite_fixture.hpp"

using namespace crucible;
using crucible::testing::Rows;

namespace {

class SqliteDriverTest : public crucible::testing::SqliteFixture {
 protected:
  void SetUp() override {
    SqliteFixture::SetUp();
    // One column per declared type the driver converts, plus untyped storage columns.
    exec("CREATE TABLE kinds (id INTEGER PRIMARY KEY, b BOOLEAN, i INTEGER, d REAL, s TEXT, "
         "x BLOB, dt DATE, tm TIME, ts DATETIME, dec NUMERIC(10,2), num DECIMAL, u UUID, "
         "j JSON)");
  }

  // Inserts one value into column and reads it back through the typed column.
  Value round_trip(const std::string& column, const Value& value) {
    exec("DELETE FROM kinds");
    exec("INSERT INTO kinds (id, " + column + ") VALUES (1, ?)", {value});
    return scalar("SELECT " + column + " FROM kinds WHERE id = 1");
  }

  std::string storage_class(const std::string& column) {
    return scalar("SELECT typeof(" + column + ") FROM kinds WHERE id = 1").as<std::string>();
  }
};

Bytes bytes(std::initializer_list<int> list) {
  Bytes out;
  for (const int b : list) out.push_back(static_cast<std::byte>(b));
  return out;
}

TEST_F(SqliteDriverTest, PluginProvidesDriverWithQmarkParamstyle) {
  EXPECT_EQ(driver_->name(), "sqlite3");
  EXPECT_EQ(driver_->paramstyle(), ParamStyle::kQmark);
  EXPECT_EQ(dialect_->name(), "sqlite");
  EXPECT_EQ(dialect_->default_driver(), "sqlite3");
  EXPECT_EQ(conn_->server_version(), sqlite3_libversion());
}

TEST_F(SqliteDriverTest, NullOfEveryKindReadsBackAsNull) {
  exec("INSERT INTO kinds (id) VALUES (1)");
  const Rows rows = query("SELECT b, i, d, s, x, dt, tm, ts, dec, num, u, j FROM kinds");
  ASSERT_EQ(rows.size(), 1u);
  for (const Value& value : rows[0]) EXPECT_TRUE(value.is_null()) << value.to_string();
  for (const std::string column : {"b", "i", "d", "s", "x", "dt", "tm", "ts", "dec", "u", "j"}) {
    EXPECT_TRUE(round_trip(column, Value()).is_null()) << column;
    EXPECT_EQ(storage_class(column), "null") << column;
  }
}

TEST_F(SqliteDriverTest, BoolIsStoredAsIntegerAndReadAsBoolFromBooleanColumn) {
  EXPECT_EQ(round_trip("b", true), Value(true));
  EXPECT_EQ(storage_class("b"), "integer");
  EXPECT_EQ(scalar("SELECT b + 0 FROM kinds"), Value(1));
  EXPECT_EQ(round_trip("b", false), Value(false));
}

TEST_F(SqliteDriverTest, Int64BoundsRoundTrip) {
  const auto min = std::numeric_limits<std::int64_t>::min();
  const auto max = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(round_trip("i", Value(min)), Value(min));
  EXPECT_EQ(round_trip("i", Value(max)), Value(max));
  EXPECT_EQ(scalar("SELECT i = 9223372036854775807 FROM kinds"), Value(1));
  EXPECT_EQ(round_trip("i", 0), Value(0));
}

TEST_F(SqliteDriverTest, DoublesRoundTripExactlyIncludingInfinity) {
  EXPECT_EQ(round_trip("d", 0.1), Value(0.1));
  EXPECT_EQ(round_trip("d", -1.5e300), Value(-1.5e300));
  EXPECT_EQ(round_trip("d", std::numeric_limits<double>::infinity()),
            Value(std::numeric_limits<double>::infinity()));
  EXPECT_EQ(storage_class("d"), "real");
}

TEST_F(SqliteDriverTest, NanIsRefusedWithDataErrorAndNothingIsStored) {
  EXPECT_THROW(
      exec("INSERT INTO kinds (id, d) VALUES (1, ?)", {std::numeric_limits<double>::quiet_NaN()}),
      DataError);
  EXPECT_EQ(scalar("SELECT count(*) FROM kinds"), Value(0));
}

TEST_F(SqliteDriverTest, UnicodeTextWithEmojiAndEmbeddedNulRoundTrips) {
  // "héllo 世界 🎉": 2-, 3- and 4-byte UTF-8 sequences.
  const std::string unicode = "h\xC3\xA9llo \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x8E\x89";
  EXPECT_EQ(round_trip("s", unicode), Value(unicode));
  EXPECT_EQ(scalar("SELECT length(s) FROM kinds"), Value(10));  // characters, not bytes
  const std::string with_nul("a\0b", 3);
  EXPECT_EQ(round_trip("s", with_nul), Value(with_nul));
  EXPECT_EQ(scalar("SELECT length(CAST(s AS BLOB)) FROM kinds"), Value(3));
  EXPECT_EQ(round_trip("s", std::string()), Value(std::string()));
  EXPECT_EQ(storage_class("s"), "text");
}

TEST_F(SqliteDriverTest, BlobsWithZeroBytesAndEmptyBlobRoundTrip) {
  const Bytes data = bytes({0x00, 0xff, 0x00, 0x10, 0x00});
  EXPECT_EQ(round_trip("x", data), Value(data));
  EXPECT_EQ(scalar("SELECT hex(x) FROM kinds"), Value("00FF001000"));
  EXPECT_EQ(round_trip("x", Bytes{}), Value(Bytes{}));
  EXPECT_EQ(storage_class("x"), "blob");  // empty, not NULL
}

TEST_F(SqliteDriverTest, DatesTimesAndDatetimesRoundTripAsIsoText) {
  const Date leap{2024, 2, 29};
  EXPECT_EQ(round_trip("dt", leap), Value(leap));
  EXPECT_EQ(scalar("SELECT dt FROM kinds").kind(), ValueKind::kDate);
  EXPECT_EQ(scalar("SELECT CAST(dt AS TEXT) || '' FROM kinds"), Value("2024-02-29"));
  EXPECT_EQ(scalar("SELECT date(dt, '+1 day') FROM kinds"), Value("2024-03-01"));

  const Time with_fraction{13, 45, 30, 123456};
  EXPECT_EQ(round_trip("tm", with_fraction), Value(with_fraction));
  EXPECT_EQ(scalar("SELECT tm || '' FROM kinds"), Value("13:45:30.123456"));
  EXPECT_EQ(round_trip("tm", Time{0, 0, 0, 0}), Value(Time{0, 0, 0, 0}));

  const DateTime naive{{1999, 12, 31}, {23, 59, 59, 0}, std::nullopt};
  EXPECT_EQ(round_trip("ts", naive), Value(naive));
  EXPECT_EQ(scalar("SELECT ts || '' FROM kinds"), Value("1999-12-31 23:59:59"));
  const DateTime offset{{2024, 2, 29}, {6, 7, 8, 500000}, 5 * 3600 + 30 * 60};
  EXPECT_EQ(round_trip("ts", offset), Value(offset));
  EXPECT_EQ(scalar("SELECT ts || '' FROM kinds"), Value("2024-02-29 06:07:08.500000+05:30"));
  const DateTime negative{{2000, 1, 1}, {0, 0, 0, 1}, -8 * 3600};
  EXPECT_EQ(round_trip("ts", negative), Value(negative));
}

TEST_F(SqliteDriverTest, DecimalsReadBackWithTheDeclaredScale) {
  EXPECT_EQ(round_trip("dec", Decimal{"12345.67"}), Value(Decimal{"12345.67"}));
  // NUMERIC affinity stores these as REAL 10.5 and INTEGER 10; the scale gives the digits back.
  EXPECT_EQ(round_trip("dec", Decimal{"10.50"}), Value(Decimal{"10.50"}));
  EXPECT_EQ(round_trip("dec", Decimal{"10.00"}), Value(Decimal{"10.00"}));
  EXPECT_EQ(storage_class("dec"), "integer");
  EXPECT_EQ(round_trip("dec", Decimal{"-0.05"}), Value(Decimal{"-0.05"}));
  EXPECT_EQ(round_trip("num", Decimal{"1.25"}), Value(Decimal{"1.25"}));
  EXPECT_EQ(round_trip("num", Decimal{"42"}), Value(Decimal{"42"}));
}

// SQLite keeps any numbers in a declaration; a scale beyond 1000 is not one (found by
// scripts/fuzz: reading 10 from DECIMAL(10, 2000000000) built two billion zeros).
TEST_F(SqliteDriverTest, AnAbsurdDeclaredScaleIsNoScale) {
  exec("CREATE TABLE odd (a DECIMAL(10, 2000000000), b NUMERIC(10, 1000), c NUMERIC(-3, 2))");
  exec("INSERT INTO odd VALUES (10, 10, 10)");
  EXPECT_EQ(scalar("SELECT a FROM odd"), Value(Decimal{"10"}));
  EXPECT_EQ(scalar("SELECT b FROM odd"), Value(Decimal{"10." + std::string(1000, '0')}));
  EXPECT_EQ(scalar("SELECT c FROM odd"), Value(Decimal{"10.00"}));
}

TEST_F(SqliteDriverTest, UuidIsStoredAs32HexDigitsAndReadBackAsUuid) {
  const Uuid uuid = Uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  EXPECT_EQ(round_trip("u", uuid), Value(uuid));
  EXPECT_EQ(scalar("SELECT u || '' FROM kinds"), Value("a0eebc999c0b4ef8bb6d6bb9bd380a11"));
  EXPECT_EQ(storage_class("u"), "text");
}

TEST_F(SqliteDriverTest, JsonRoundTripsIncludingANumberDocument) {
  const Json object{R"({"a":[1,2,{"b":null}],"c":"\u00e9"})"};
  EXPECT_EQ(round_trip("j", object), Value(object));
  EXPECT_EQ(scalar("SELECT json_extract(j, '$.a[1]') FROM kinds"), Value(2));
  // JSON columns have NUMERIC affinity: "42" is stored as INTEGER and must still read as JSON.
  EXPECT_EQ(round_trip("j", Json{"42"}), Value(Json{"42"}));
  EXPECT_EQ(round_trip("j", Json{"1.5"}), Value(Json{"1.5"}));
}

TEST_F(SqliteDriverTest, ValueThatDoesNotParseAsDeclaredTypeKeepsItsStorageValue) {
  exec("INSERT INTO kinds (id, b, dt, ts, tm, dec, u, j) VALUES "
       "(1, 7, 'not a date', '2024-13-45 99:00:00', 'noon', 'abc', 'xyz', x'00')");
  const Rows rows = query("SELECT b, dt, ts, tm, dec, u, j FROM kinds");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], Value(7));
  EXPECT_EQ(rows[0][1], Value("not a date"));
  EXPECT_EQ(rows[0][2], Value("2024-13-45 99:00:00"));
  EXPECT_EQ(rows[0][3], Value("noon"));
  EXPECT_EQ(rows[0][4], Value("abc"));
  EXPECT_EQ(rows[0][5], Value("xyz"));
  EXPECT_EQ(rows[0][6], Value(bytes({0})));
}

TEST_F(SqliteDriverTest, ExpressionsAreReadByStorageClass) {
  const Rows rows = query("SELECT 1, 2.5, 'x', x'0102', NULL, date('2024-02-29')");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<Value>{1, 2.5, "x", bytes({1, 2}), Value(), "2024-02-29"}));
}

TEST_F(SqliteDriverTest, DescriptionNamesColumnsWithDeclaredTypes) {
  const auto cursor = conn_->cursor();
  cursor->execute("SELECT id, dec AS price, s, 1 + 1 AS two FROM kinds", {});
  const auto& description = cursor->description();
  ASSERT_EQ(description.size(), 4u);
  EXPECT_EQ(description[0].name, "id");
  EXPECT_EQ(description[0].type_name, "INTEGER");
  EXPECT_EQ(description[1].name, "price");
  EXPECT_EQ(description[1].type_name, "NUMERIC(10,2)");
  EXPECT_EQ(description[1].precision, 10);
  EXPECT_EQ(description[1].scale, 2);
  EXPECT_EQ(description[3].name, "two");
  EXPECT_EQ(description[3].type_name, "");
  EXPECT_FALSE(cursor->fetchone().has_value());
  cursor->execute("INSERT INTO kinds (id) VALUES (1)", {});
  EXPECT_TRUE(cursor->description().empty());
}

// The prepared statement keeps its columns between executions; a schema change makes SQLite
// re-prepare it, and the description and the conversions follow the new declarations.
TEST_F(SqliteDriverTest, CachedStatementDescriptionFollowsSchemaChanges) {
  exec("CREATE TABLE shifting (id INTEGER PRIMARY KEY, v TEXT)");
  exec("INSERT INTO shifting (id, v) VALUES (1, '2024-02-29')");
  const auto cursor = conn_->cursor();
  cursor->execute("SELECT * FROM shifting", {});
  ASSERT_EQ(cursor->description().size(), 2u);
  EXPECT_EQ(cursor->description()[1].type_name, "TEXT");
  EXPECT_EQ(cursor->fetchall(), (Rows{{1, "2024-02-29"}}));

  exec("ALTER TABLE shifting ADD COLUMN extra DATE");
  exec("UPDATE shifting SET extra = '2024-03-01'");
  cursor->execute("SELECT * FROM shifting", {});
  ASSERT_EQ(cursor->description().size(), 3u);
  EXPECT_EQ(cursor->description()[2].name, "extra");
  EXPECT_EQ(cursor->description()[2].type_name, "DATE");
  EXPECT_EQ(cursor->fetchall(), (Rows{{1, "2024-02-29", Date{2024, 3, 1}}}));

  // The same names, other declared types: the values convert by the new ones.
  exec("DROP TABLE shifting");
  exec("CREATE TABLE shifting (id INTEGER PRIMARY KEY, v DATE, extra TEXT)");
  exec("INSERT INTO shifting (id, v, extra) VALUES (1, '2024-02-29', '2024-03-01')");
  cursor->execute("SELECT * FROM shifting", {});
  ASSERT_EQ(cursor->description().size(), 3u);
  EXPECT_EQ(cursor->description()[1].type_name, "DATE");
  EXPECT_EQ(cursor->fetchall(), (Rows{{1, Date{2024, 2, 29}, "2024-03-01"}}));
}

TEST_F(SqliteDriverTest, UniqueViolationIsIntegrityErrorWithCodeAndSql) {
  exec("CREATE TABLE users (email TEXT UNIQUE)");
  const std::string sql = "INSERT INTO users (email) VALUES (?)";
  exec(sql, {"a@example.com"});
  try {
    exec(sql, {"a@example.com"});
    FAIL() << "a duplicate email was accepted";
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.driver_code(), SQLITE_CONSTRAINT_UNIQUE);
    EXPECT_EQ(e.sql(), sql);
    EXPECT_EQ(e.sqlstate(), "");
    EXPECT_NE(e.driver_message().find("UNIQUE constraint failed: users.email"), std::string::npos)
        << e.driver_message();
  }
  EXPECT_EQ(scalar("SELECT count(*) FROM users"), Value(1));
}

TEST_F(SqliteDriverTest, ErrorsMapToPep249ClassesAsPythonsSqlite3) {
  // Except that a statement SQLite refuses to prepare is a ProgrammingError (PEP 249).
  try {
    exec("SELECT * FROM no_such_table");
    FAIL();
  } catch (const ProgrammingError& e) {
    EXPECT_EQ(e.driver_code(), SQLITE_ERROR);
    EXPECT_EQ(e.sql(), "SELECT * FROM no_such_table");
    EXPECT_NE(e.driver_message().find("no such table"), std::string::npos);
  }
  EXPECT_THROW(exec("SELEC 1"), ProgrammingError);
  exec("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL CHECK (n > 0))");
  try {
    exec("INSERT INTO t (id, n) VALUES ('abc', 1)");
    FAIL();
  } catch (const IntegrityError& e) {  // SQLITE_MISMATCH, as CPython's util.c
    EXPECT_EQ(e.driver_code(), SQLITE_MISMATCH);
  }
  try {
    exec("INSERT INTO t (n) VALUES (0)");
    FAIL();
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.driver_code(), SQLITE_CONSTRAINT_CHECK);
  }
  try {
    exec("INSERT INTO t (n) VALUES (NULL)");
    FAIL();
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.driver_code(), SQLITE_CONSTRAINT_NOTNULL);
  }
}

TEST_F(SqliteDriverTest, MoreThanOneStatementIsRefused) {
  try {
    exec("SELECT 1; SELECT 2");
    FAIL();
  } catch (const ProgrammingError& e) {
    EXPECT_EQ(e.driver_message(), "You can only execute one statement at a time.");
    EXPECT_EQ(e.sql(), "SELECT 1; SELECT 2");
  }
  exec("CREATE TABLE t (n INTEGER)");
  EXPECT_THROW(exec("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)"), ProgrammingError);
  EXPECT_EQ(scalar("SELECT count(*) FROM t"), Value(0));
  // Trailing separators, whitespace and comments are not a second statement.
  EXPECT_EQ(scalar("SELECT 1; ; -- done\n /* really */ "), Value(1));
}

TEST_F(SqliteDriverTest, SqlOfOnlyCommentsRunsNothing) {
  const auto cursor = conn_->cursor();
  cursor->execute("  -- nothing here\n", {});
  EXPECT_TRUE(cursor->description().empty());
  EXPECT_EQ(cursor->rowcount(), -1);
  EXPECT_FALSE(cursor->fetchone().has_value());
  EXPECT_THROW(cursor->execute("", std::vector<Value>{1}), ProgrammingError);
  EXPECT_THROW(cursor->execute(std::string_view("SELECT 1\0; DROP TABLE kinds", 27), {}),
               ProgrammingError);
  EXPECT_EQ(scalar("SELECT count(*) FROM sqlite_master WHERE name = 'kinds'"), Value(1));
}

TEST_F(SqliteDriverTest, WrongParameterCountSaysWantedAndGiven) {
  try {
    exec("SELECT ?, ?", {1});
    FAIL();
  } catch (const ProgrammingError& e) {
    EXPECT_NE(e.driver_message().find("uses 2, and there are 1 supplied"), std::string::npos)
        << e.driver_message();
  }
  try {
    exec("SELECT ?", {1, 2, 3});
    FAIL();
  } catch (const ProgrammingError& e) {
    EXPECT_NE(e.driver_message().find("uses 1, and there are 3 supplied"), std::string::npos)
        << e.driver_message();
  }
  EXPECT_THROW(exec("SELECT 1", {1}), ProgrammingError);
}

TEST_F(SqliteDriverTest, RowcountAndLastrowidFollowPep249) {
  exec("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)");
  const auto cursor = conn_->cursor();
  cursor->execute("INSERT INTO t (id, n) VALUES (41, 1)", {});
  EXPECT_EQ(cursor->rowcount(), 1);
  EXPECT_EQ(cursor->lastrowid(), 41);
  cursor->execute("INSERT INTO t (n) VALUES (2)", {});
  EXPECT_EQ(cursor->lastrowid(), 42);
  cursor->execute("INSERT INTO t (n) SELECT n FROM t", {});
  EXPECT_EQ(cursor->rowcount(), 2);
  cursor->execute("UPDATE t SET n = n + 1 WHERE n = 1", {});
  EXPECT_EQ(cursor->rowcount(), 2);
  EXPECT_FALSE(cursor->lastrowid().has_value());
  cursor->execute("SELECT * FROM t", {});
  EXPECT_EQ(cursor->rowcount(), -1);
  EXPECT_EQ(cursor->fetchall().size(), 4u);
  cursor->execute("DELETE FROM t WHERE id > 41", {});
  EXPECT_EQ(cursor->rowcount(), 3);
  cursor->execute("CREATE TABLE u (n INTEGER)", {});
  EXPECT_EQ(cursor->rowcount(), -1);
}

TEST_F(SqliteDriverTest, ReturningRowsAreFetchedAndCounted) {
  exec("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)");
  const auto cursor = conn_->cursor();
  cursor->execute("INSERT INTO t (n) VALUES (10), (20) RETURNING id, n", {});
  const Rows rows = cursor->fetchall();
  EXPECT_EQ(rows, (Rows{{1, 10}, {2, 20}}));
  EXPECT_EQ(cursor->rowcount(), 2);
}

TEST_F(SqliteDriverTest, ExecutemanySumsRowcountAndKeepsLastRowid) {
  exec("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)");
  const auto cursor = conn_->cursor();
  const std::vector<std::vector<Value>> sets{{1}, {2}, {3}, {4}};
  cursor->executemany("INSERT INTO t (n) VALUES (?)", sets);
  EXPECT_EQ(cursor->rowcount(), 4);
  EXPECT_EQ(cursor->lastrowid(), 4);
  const std::vector<std::vector<Value>> updates{{10, 1}, {20, 2}, {30, 99}};
  cursor->executemany("UPDATE t SET n = ? WHERE n = ?", updates);
  EXPECT_EQ(cursor->rowcount(), 2);
  EXPECT_EQ(query("SELECT n FROM t ORDER BY id"), (Rows{{10}, {20}, {3}, {4}}));
  try {
    cursor->executemany("INSERT INTO t (n) VALUES (?)",
                        std::vector<std::vector<Value>>{{5}, {6, 7}});
    FAIL();
  } catch (const ProgrammingError& e) {
    EXPECT_NE(e.driver_message().find("parameter set 1"), std::string::npos) << e.driver_message();
  }
  EXPECT_THROW(cursor->executemany("SELECT ?", std::vector<std::vector<Value>>{{1}}),
               ProgrammingError);
}

TEST_F(SqliteDriverTest, FetchStepsLazilyAndCursorsOnOneStatementStayIndependent) {
  exec("CREATE TABLE t (n INTEGER)");
  const std::vector<std::vector<Value>> sets{{1}, {2}, {3}};
  conn_->cursor()->executemany("INSERT INTO t VALUES (?)", sets);
  const std::string sql = "SELECT n FROM t WHERE n >= ? ORDER BY n";
  const auto first = conn_->cursor();
  const auto second = conn_->cursor();
  first->execute(sql, std::vector<Value>{1});
  second->execute(sql, std::vector<Value>{2});  // the cached one is in use: second gets its own
  EXPECT_EQ(first->fetchone(), (std::vector<Value>{1}));
  EXPECT_EQ(second->fetchone(), (std::vector<Value>{2}));
  EXPECT_EQ(first->fetchall(), (Rows{{2}, {3}}));
  EXPECT_EQ(second->fetchall(), (Rows{{3}}));
  // Reused with new parameters once both are done.
  first->execute(sql, std::vector<Value>{3});
  EXPECT_EQ(first->fetchall(), (Rows{{3}}));
  EXPECT_EQ(first->fetchmany(5), Rows{});
}

TEST_F(SqliteDriverTest, BoundStringsOutliveTheParameterVector) {
  exec("CREATE TABLE t (s TEXT)");
  conn_->cursor()->executemany("INSERT INTO t VALUES (?)",
                               std::vector<std::vector<Value>>{{"a"}, {"b"}, {"c"}});
  const auto cursor = conn_->cursor();
  {
    std::vector<Value> params{std::string(100, 'x'), "c"};
    cursor->execute("SELECT s FROM t WHERE s <> ? AND s <> ? ORDER BY s", params);
    params.assign(2, std::string(100, 'y'));  // the caller's strings change after execute
  }
  EXPECT_EQ(cursor->fetchall(), (Rows{{"a"}, {"b"}}));
}

TEST_F(SqliteDriverTest, ClosedCursorThrowsInterfaceError) {
  const auto cursor = conn_->cursor();
  cursor->execute("SELECT 1", {});
  cursor->close();
  cursor->close();  // idempotent
  EXPECT_THROW(cursor->execute("SELECT 1", {}), InterfaceError);
  EXPECT_THROW(cursor->fetchone(), InterfaceError);
}

// SQLite's sqlite_stmt table (SQLITE_ENABLE_STMTVTAB, on in Debian's build) lists the
// connection's prepared statements and how often each ran.
TEST_F(SqliteDriverTest, PreparedStatementIsReusedForTheSameSql) {
  try {
    query("SELECT count(*) FROM sqlite_stmt");
  } catch (const OperationalError&) {
    GTEST_SKIP() << "this libsqlite3 has no sqlite_stmt table";
  }
  const auto cursor = conn_->cursor();
  for (int i = 0; i < 5; ++i) {
    cursor->execute("SELECT ? + 1", std::vector<Value>{i});
    ASSERT_EQ(cursor->fetchall(), (Rows{{i + 1}}));
  }
  EXPECT_EQ(query("SELECT count(*), sum(run) FROM sqlite_stmt WHERE sql = 'SELECT ? + 1'"),
            (Rows{{1, 5}}));
  // The cache holds at most 128 statements: older ones are finalized.
  for (int i = 0; i < 200; ++i) exec("SELECT " + std::to_string(i));
  const std::int64_t prepared = scalar("SELECT count(*) FROM sqlite_stmt").as<std::int64_t>();
  EXPECT_LE(prepared, 130);
  EXPECT_GE(prepared, 120);
  EXPECT_EQ(scalar("SELECT count(*) FROM sqlite_stmt WHERE sql = 'SELECT ? + 1'"), Value(0));
}

TEST_F(SqliteDriverTest, ManyDistinctStatementsBeyondTheCacheStillRun) {
  const auto cursor = conn_->cursor();
  for (int i = 0; i < 300; ++i) {
    cursor->execute("SELECT " + std::to_string(i) + " + ?", std::vector<Value>{1});
    ASSERT_EQ(cursor->fetchone(), (std::vector<Value>{i + 1}));
  }
}

}  // namespace
