// The "odbc" driver's cursor on each of Debian's three ODBC drivers: executemany with arrays of
// parameters (and its rowcount), long data in both directions, rowcount of UPDATE/DELETE, and
// the PEP 249 error classes from each database's real SQLSTATEs.
#include <string>

#include "odbc_fixture.hpp"

using namespace crucible;
using crucible::testing::Rows;
using crucible::testing::Target;

namespace {

class OdbcCursorTest : public crucible::testing::OdbcFixture {};

TEST_P(OdbcCursorTest, Executemany_InsertsEverySetAndCountsThemAll) {
  create_table("odbc_many", "id INTEGER PRIMARY KEY, name VARCHAR(40), score DOUBLE PRECISION");
  std::vector<std::vector<Value>> sets;
  for (int i = 0; i < 2500; ++i) {  // three arrays: 1000, 1000 and 500 sets
    sets.push_back(
        {Value(i), i % 7 == 0 ? Value() : Value("name " + std::to_string(i)), Value(i * 0.5)});
  }
  const auto cursor = conn_->cursor();
  cursor->executemany("INSERT INTO odbc_many (id, name, score) VALUES (?, ?, ?)", sets);
  EXPECT_EQ(cursor->rowcount(), 2500);
  conn_->commit();
  const Rows rows = query("SELECT COUNT(*), COUNT(name), SUM(id) FROM odbc_many");
  EXPECT_EQ(rows.at(0).at(0).as<std::int64_t>(), 2500);
  EXPECT_EQ(rows.at(0).at(1).as<std::int64_t>(), 2500 - 358);  // 0, 7, … 2499: 358 nulls
  EXPECT_EQ(rows.at(0).at(2).as<std::int64_t>(), 2500 * 2499 / 2);
  EXPECT_EQ(scalar("SELECT name FROM odbc_many WHERE id = ?", {Value(1234)}), Value("name 1234"));
}

TEST_P(OdbcCursorTest, Executemany_UpdateRowcountIsTheSumOverTheSets) {
  create_table("odbc_many_upd", "id INTEGER PRIMARY KEY, grp INTEGER, flag INTEGER");
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 30; ++i) rows.push_back({Value(i), Value(i % 3), Value(0)});
  conn_->cursor()->executemany("INSERT INTO odbc_many_upd (id, grp, flag) VALUES (?, ?, ?)", rows);
  const auto cursor = conn_->cursor();
  // Groups 0 and 2 have 10 rows each; group 9 none.
  cursor->executemany("UPDATE odbc_many_upd SET flag = 1 WHERE grp = ?",
                      std::vector<std::vector<Value>>{{Value(0)}, {Value(9)}, {Value(2)}});
  EXPECT_EQ(cursor->rowcount(), 20);
}

TEST_P(OdbcCursorTest, Executemany_WithMixedKindsInOneColumnStillInsertsEverySet) {
  create_table("odbc_many_mixed", "id INTEGER PRIMARY KEY, v VARCHAR(40)");
  const auto cursor = conn_->cursor();
  cursor->executemany("INSERT INTO odbc_many_mixed (id, v) VALUES (?, ?)",
                      std::vector<std::vector<Value>>{{Value(1), Value("one")},
                                                      {Value(2), Value(std::int64_t{2})},
                                                      {Value(3), Value("three")}});
  EXPECT_EQ(cursor->rowcount(), 3);
  EXPECT_EQ(query("SELECT id FROM odbc_many_mixed ORDER BY id").size(), 3u);
}

TEST_P(OdbcCursorTest, Executemany_FailingSetRaisesIntegrityErrorAndTheRestIsNotCommitted) {
  create_table("odbc_many_dup", "id INTEGER PRIMARY KEY");
  const auto cursor = conn_->cursor();
  EXPECT_THROW(
      cursor->executemany("INSERT INTO odbc_many_dup (id) VALUES (?)",
                          std::vector<std::vector<Value>>{{Value(1)}, {Value(2)}, {Value(1)}}),
      IntegrityError);
  conn_->rollback();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM odbc_many_dup").as<std::int64_t>(), 0);
}

TEST_P(OdbcCursorTest, LongData_TextAndBytesOfAMegabyteRoundTrip) {
  const bool pg = is(Target::kPostgresql);
  const bool my = is(Target::kMysql);
  create_table("odbc_long", std::string("id INTEGER PRIMARY KEY, t ") + (my ? "LONGTEXT" : "TEXT") +
                                ", b " +
                                (pg   ? "BYTEA"
                                 : my ? "LONGBLOB"
                                      : "BLOB"));
  std::string text;
  for (int i = 0; text.size() < 1'000'000; ++i) text += "line " + std::to_string(i) + " \xC3\xA9\n";
  Bytes bytes(1'000'003);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::byte>(i * 31 % 256);
  exec("INSERT INTO odbc_long (id, t, b) VALUES (?, ?, ?)", {Value(1), Value(text), Value(bytes)});
  conn_->commit();
  const Rows rows = query("SELECT t, b FROM odbc_long WHERE id = 1");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].as<std::string>().size(), text.size());
  EXPECT_TRUE(rows[0][0] == Value(text));
  EXPECT_TRUE(rows[0][1] == Value(bytes));
}

TEST_P(OdbcCursorTest, Executemany_AFewLongValuesAmongShortOnesAllArrive) {
  // 6 MB values among 300 short ones: batches are cut by bytes (16 MiB), not 300 x 6 MB.
  create_table("odbc_many_long", std::string("id INTEGER PRIMARY KEY, t ") +
                                     (is(Target::kMysql) ? "LONGTEXT" : "TEXT"));
  const std::string long_text(6'000'000, 'x');
  std::vector<std::vector<Value>> sets;
  for (int i = 0; i < 300; ++i) {
    sets.push_back(
        {Value(i), i % 100 == 50 ? Value(long_text) : Value("short " + std::to_string(i))});
  }
  const auto cursor = conn_->cursor();
  cursor->executemany("INSERT INTO odbc_many_long (id, t) VALUES (?, ?)", sets);
  EXPECT_EQ(cursor->rowcount(), 300);
  conn_->commit();
  const Rows rows = query("SELECT id, LENGTH(t) FROM odbc_many_long WHERE id IN (49, 50, 150, 250) "
                          "ORDER BY id");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0][1].as<std::int64_t>(), 8);  // "short 49"
  for (std::size_t i = 1; i < 4; ++i) EXPECT_EQ(rows[i][1].as<std::int64_t>(), 6'000'000);
}

TEST_P(OdbcCursorTest, Returning_AfterANewlineOrTabIsSeenAndItsRowsAreNotLost) {
  create_table("odbc_ret", "id INTEGER PRIMARY KEY, v INTEGER");
  const auto cursor = conn_->cursor();
  const std::string sql = "INSERT INTO odbc_ret (id, v) VALUES (?, ?)\nRETURNING\tid, v";
  const std::vector<std::vector<Value>> sets = {
      {Value(1), Value(10)}, {Value(2), Value(20)}, {Value(3), Value(30)}};
  if (is(Target::kSqlite)) {  // SQLite ODBC drops such rows: refused before it runs
    EXPECT_THROW(cursor->executemany(sql, sets), NotSupportedError);
    EXPECT_THROW(cursor->execute("DELETE FROM odbc_ret\nreturning\tid", {}), NotSupportedError);
    return;
  }
  cursor->executemany(sql, sets);
  const Rows rows = cursor->fetchall();
  ASSERT_EQ(rows.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(rows[i][0].as<std::int64_t>(), static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(rows[i][1].as<std::int64_t>(), static_cast<std::int64_t>((i + 1) * 10));
  }
}

TEST_P(OdbcCursorTest, Rowcount_CountsUpdatedRowsAndZeroWhenNoneMatch) {
  create_table("odbc_count", "id INTEGER PRIMARY KEY, v INTEGER");
  for (int i = 1; i <= 5; ++i) exec("INSERT INTO odbc_count (id, v) VALUES (?, ?)", {i, i % 2});
  EXPECT_EQ(exec("UPDATE odbc_count SET v = 7 WHERE v = ?", {1}), 3);
  EXPECT_EQ(exec("UPDATE odbc_count SET v = 8 WHERE v = ?", {42}), 0);  // SQL_NO_DATA
  EXPECT_EQ(exec("DELETE FROM odbc_count WHERE id > ?", {3}), 2);
}

TEST_P(OdbcCursorTest, Errors_UniqueViolationIsIntegrityError) {
  create_table("odbc_unique", "id INTEGER PRIMARY KEY");
  exec("INSERT INTO odbc_unique (id) VALUES (?)", {1});
  try {
    exec("INSERT INTO odbc_unique (id) VALUES (?)", {1});
    FAIL() << "a duplicate key was accepted";
  } catch (const IntegrityError& e) {
    if (is(Target::kSqlite)) {  // HY000 with SQLITE_CONSTRAINT_PRIMARYKEY's primary code
      EXPECT_EQ(e.driver_code() & 0xff, 19) << e.what();
    } else {
      EXPECT_EQ(e.sqlstate().substr(0, 2), "23") << e.what();
    }
    EXPECT_FALSE(e.driver_message().empty());
    EXPECT_EQ(e.sql(), "INSERT INTO odbc_unique (id) VALUES (?)");
    if (is(Target::kMysql)) {
      EXPECT_EQ(e.driver_code(), 1062);  // ER_DUP_ENTRY
    }
  }
}

TEST_P(OdbcCursorTest, Errors_SyntaxErrorIsProgrammingError) {
  try {
    query("SELEKT 1");
    FAIL() << "a syntax error was accepted";
  } catch (const ProgrammingError& e) {
    if (is(Target::kSqlite)) {
      // SQLite ODBC reports SQLite's errors as HY000 with SQLite's result code: SQLITE_ERROR.
      EXPECT_EQ(e.sqlstate(), "HY000");
      EXPECT_EQ(e.driver_code(), 1);
    } else {
      EXPECT_EQ(e.sqlstate().substr(0, 2), "42") << e.what();
    }
  }
}

TEST_P(OdbcCursorTest, Errors_MissingTableIsProgrammingError) {
  EXPECT_THROW(query("SELECT * FROM odbc_no_such_table"), ProgrammingError);
}

TEST_P(OdbcCursorTest, Errors_DivisionByZeroIsDataErrorWhereTheDatabaseRefusesIt) {
  if (!is(Target::kPostgresql)) {
    // MariaDB and SQLite answer NULL for 1/0 (outside strict ERROR_FOR_DIVISION_BY_ZERO writes).
    EXPECT_TRUE(scalar("SELECT 1 / ?", {0}).is_null());
    return;
  }
  try {
    query("SELECT 1 / ?", {0});
    FAIL() << "1/0 was accepted";
  } catch (const DataError& e) {
    EXPECT_EQ(e.sqlstate(), "22012");
  }
}

TEST_P(OdbcCursorTest, Errors_WrongParameterCountIsProgrammingError) {
  try {
    query("SELECT ?, ?", {1});
    FAIL() << "a missing parameter was accepted";
  } catch (const ProgrammingError& e) {
    EXPECT_EQ(e.sqlstate(), "07002");
  }
}

TEST_P(OdbcCursorTest, ClosedCursorAndConnection_RaiseInterfaceError) {
  const auto cursor = conn_->cursor();
  cursor->close();
  EXPECT_THROW(cursor->execute("SELECT 1", {}), InterfaceError);
  const auto other = conn_->cursor();
  conn_->close();
  EXPECT_THROW(other->execute("SELECT 1", {}), InterfaceError);
  EXPECT_THROW(conn_->cursor(), InterfaceError);
  EXPECT_FALSE(conn_->ping());
}

TEST_P(OdbcCursorTest, TwoCursors_RunningTheSameStatementReadTheirOwnRows) {
  create_table("odbc_two", "id INTEGER PRIMARY KEY");
  for (int i = 1; i <= 4; ++i) exec("INSERT INTO odbc_two (id) VALUES (?)", {i});
  const auto a = conn_->cursor();
  const auto b = conn_->cursor();
  const std::vector<Value> from_a{Value(0)};
  const std::vector<Value> from_b{Value(2)};
  a->execute("SELECT id FROM odbc_two WHERE id > ? ORDER BY id", from_a);
  b->execute("SELECT id FROM odbc_two WHERE id > ? ORDER BY id", from_b);
  EXPECT_EQ(a->fetchone()->at(0), Value(std::int64_t{1}));
  EXPECT_EQ(b->fetchall().size(), 2u);
  EXPECT_EQ(a->fetchall().size(), 3u);
}

TEST_P(OdbcCursorTest, Lastrowid_IsTheGeneratedKeyWhereTheDatabaseCanSay) {
  if (is(Target::kPostgresql)) {
    create_table("odbc_ids", "id SERIAL PRIMARY KEY, v INTEGER");
  } else if (is(Target::kMysql)) {
    create_table("odbc_ids", "id INTEGER AUTO_INCREMENT PRIMARY KEY, v INTEGER");
  } else {
    create_table("odbc_ids", "id INTEGER PRIMARY KEY, v INTEGER");
  }
  const auto cursor = conn_->cursor();
  const std::vector<Value> ten{Value(10)};
  const std::vector<Value> twenty{Value(20)};
  cursor->execute("INSERT INTO odbc_ids (v) VALUES (?)", ten);
  cursor->execute("INSERT INTO odbc_ids (v) VALUES (?)", twenty);
  if (is(Target::kPostgresql)) {
    EXPECT_FALSE(cursor->lastrowid().has_value());  // psqlODBC has no way: use RETURNING
  } else {
    EXPECT_EQ(cursor->lastrowid(), scalar("SELECT MAX(id) FROM odbc_ids").as<std::int64_t>());
  }
  const std::vector<Value> zeros{Value(0), Value(0)};
  cursor->execute("UPDATE odbc_ids SET v = ? WHERE id > ?", zeros);
  EXPECT_FALSE(cursor->lastrowid().has_value());
}

INSTANTIATE_TEST_SUITE_P(Odbc, OdbcCursorTest,
                         ::testing::Values(Target::kPostgresql, Target::kMysql, Target::kSqlite),
                         crucible::testing::target_param_name);

}  // namespace
