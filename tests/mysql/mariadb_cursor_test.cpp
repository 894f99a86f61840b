// The "mariadbconnector" cursor: rowcount and lastrowid, executemany (array binding on MariaDB,
// one execution per set otherwise), cached prepared statements shared by cursors, the text
// protocol fallback, and the PEP 249 error classes raised by real violations.
#include <chrono>
#include <string>
#include <thread>

#include "mysql_fixture.hpp"

using namespace crucible;
using crucible::testing::Rows;

namespace {

class MariadbCursorTest : public crucible::testing::MysqlFixture {
 protected:
  void SetUp() override {
    MysqlFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    exec("CREATE TABLE item (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL, "
         "qty INT, price DECIMAL(10,2), UNIQUE KEY uq_name (name)) ENGINE=InnoDB");
  }

  // n parameter sets (name_i, i, price) for INSERT INTO item (name, qty, price).
  static std::vector<std::vector<Value>> items(int n, const std::string& prefix = "item") {
    std::vector<std::vector<Value>> sets;
    for (int i = 0; i < n; ++i) {
      sets.push_back({prefix + std::to_string(i), i % 7 == 0 ? Value() : Value(i),
                      Value(Decimal{std::to_string(i) + ".25"})});
    }
    return sets;
  }
};

constexpr const char* kInsert = "INSERT INTO item (name, qty, price) VALUES (?, ?, ?)";

}  // namespace

TEST_F(MariadbCursorTest, Execute_RowcountAndLastrowid) {
  auto cursor = conn_->cursor();
  cursor->execute(kInsert, std::vector<Value>{Value("a"), Value(1), Value(Decimal{"1.00"})});
  EXPECT_EQ(cursor->rowcount(), 1);
  ASSERT_TRUE(cursor->lastrowid());
  const std::int64_t first = *cursor->lastrowid();
  cursor->execute(kInsert, std::vector<Value>{Value("b"), Value(2), Value(Decimal{"2.00"})});
  EXPECT_EQ(cursor->lastrowid(), first + 1);
  EXPECT_EQ(scalar("SELECT LAST_INSERT_ID()"), Value(first + 1));
  cursor->execute("UPDATE item SET qty = qty WHERE id > ?", std::vector<Value>{Value(0)});
  EXPECT_EQ(cursor->rowcount(), 2);  // matched rows (CLIENT_FOUND_ROWS), though none changed
  EXPECT_FALSE(cursor->lastrowid());
  cursor->execute("SELECT name FROM item ORDER BY id", std::vector<Value>{});
  EXPECT_EQ(cursor->rowcount(), 2);
  EXPECT_EQ(cursor->fetchall(), (Rows{{Value("a")}, {Value("b")}}));
  cursor->execute("DELETE FROM item", std::vector<Value>{});
  EXPECT_EQ(cursor->rowcount(), 2);
}

TEST_F(MariadbCursorTest, Executemany_BulkInsertRowcountIsTheTotal) {
  const auto sets = items(1000);
  auto cursor = conn_->cursor();
  cursor->executemany(kInsert, sets);
  EXPECT_EQ(cursor->rowcount(), 1000);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM item"), Value(1000));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM item WHERE qty IS NULL"), Value(143));
  EXPECT_EQ(query("SELECT name, qty, price FROM item WHERE name = 'item999'"),
            (Rows{{Value("item999"), Value(999), Value(Decimal{"999.25"})}}));
  cursor->executemany("UPDATE item SET qty = ? WHERE name = ?",
                      std::vector<std::vector<Value>>{{Value(-1), Value("item1")},
                                                      {Value(-2), Value("item2")},
                                                      {Value(-3), Value("nobody")}});
  EXPECT_EQ(cursor->rowcount(), 2);
  EXPECT_EQ(scalar("SELECT SUM(qty) FROM item WHERE qty < 0"), Value(Decimal{"-3"}));
}

TEST_F(MariadbCursorTest, Executemany_OnMariadbSendsTheSetsWithArrayBinding) {
  if (conn_->server_version().find("MariaDB") == std::string::npos)
    GTEST_SKIP() << "array binding is MariaDB's; this server is " << conn_->server_version();
  const auto executions = [&] {
    const auto rows = query("SHOW SESSION STATUS LIKE 'Com_stmt_execute'");
    return std::stoll(rows.at(0).at(1).as<std::string>());
  };
  const long long before = executions();
  auto cursor = conn_->cursor();
  cursor->executemany(kInsert, items(1000));
  EXPECT_EQ(cursor->rowcount(), 1000);
  // The first set alone, then one bulk execution (and the SHOW STATUS itself), not 1000.
  EXPECT_LT(executions() - before, 10);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM item"), Value(1000));
}

TEST_F(MariadbCursorTest, Executemany_LargerThanOnePacketIsSentInChunks) {
  exec("CREATE TABLE big (id INT PRIMARY KEY, payload MEDIUMTEXT)");
  const std::int64_t limit = scalar("SELECT @@max_allowed_packet").as<std::int64_t>();
  const std::string payload(64 * 1024, 'x');
  const auto count = static_cast<int>(limit / static_cast<std::int64_t>(payload.size()) * 2);
  std::vector<std::vector<Value>> sets;
  for (int i = 0; i < count; ++i) sets.push_back({Value(i), Value(payload)});
  auto cursor = conn_->cursor();
  cursor->executemany("INSERT INTO big VALUES (?, ?)", sets);
  EXPECT_EQ(cursor->rowcount(), count);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM big WHERE LENGTH(payload) = 65536"), Value(count));
}

TEST_F(MariadbCursorTest, Executemany_MixedKindsInAColumnStillInsertEverySet) {
  auto cursor = conn_->cursor();
  cursor->executemany(kInsert,
                      std::vector<std::vector<Value>>{{Value("a"), Value(1), Value(Decimal{"1.5"})},
                                                      {Value("b"), Value("2"), Value(2.5)},
                                                      {Value("c"), Value(), Value()}});
  EXPECT_EQ(cursor->rowcount(), 3);
  EXPECT_EQ(query("SELECT qty, price FROM item ORDER BY name"),
            (Rows{{Value(1), Value(Decimal{"1.50"})},
                  {Value(2), Value(Decimal{"2.50"})},
                  {Value(), Value()}}));
}

TEST_F(MariadbCursorTest, Executemany_ReturningKeepsTheRowsOfEverySet) {
  auto cursor = conn_->cursor();
  cursor->executemany(
      "INSERT INTO item (name, qty) VALUES (?, ?) RETURNING name, qty",
      std::vector<std::vector<Value>>{{Value("x"), Value(1)}, {Value("y"), Value(2)}});
  ASSERT_EQ(cursor->description().size(), 2u);
  EXPECT_EQ(cursor->description()[0].name, "name");
  EXPECT_EQ(cursor->fetchall(), (Rows{{Value("x"), Value(1)}, {Value("y"), Value(2)}}));
}

TEST_F(MariadbCursorTest, Executemany_WrongSetSizeIsAProgrammingErrorNamingTheSet) {
  auto cursor = conn_->cursor();
  try {
    cursor->executemany(kInsert, std::vector<std::vector<Value>>{{Value("a"), Value(1), Value()},
                                                                 {Value("b"), Value(2)}});
    ADD_FAILURE() << "accepted a short set";
  } catch (const ProgrammingError& e) {
    EXPECT_NE(std::string(e.what()).find("parameter set 1"), std::string::npos) << e.what();
  }
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM item"), Value(0));
  EXPECT_THROW(cursor->execute(kInsert, std::vector<Value>{Value("a")}), ProgrammingError);
}

TEST_F(MariadbCursorTest, Executemany_ADuplicateStopsWithIntegrityError) {
  auto cursor = conn_->cursor();
  auto sets = items(10);
  sets.push_back(sets[3]);
  EXPECT_THROW(cursor->executemany(kInsert, sets), IntegrityError);
  conn_->rollback();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM item"), Value(0));
  cursor->executemany(kInsert, items(3));  // the statement and the connection still work
  EXPECT_EQ(cursor->rowcount(), 3);
}

TEST_F(MariadbCursorTest, TwoCursors_ReadTheSameStatementIndependently) {
  conn_->cursor()->executemany(kInsert, items(5));
  auto a = conn_->cursor();
  auto b = conn_->cursor();
  const std::string sql = "SELECT id FROM item WHERE qty IS NULL OR qty >= ? ORDER BY id";
  a->execute(sql, std::vector<Value>{Value(0)});
  ASSERT_TRUE(a->fetchone());
  b->execute(sql, std::vector<Value>{Value(3)});
  EXPECT_EQ(b->fetchall().size(), 3u);            // qty NULL (item0), 3, 4
  EXPECT_EQ(a->fetchall().size(), 4u);            // a's rest, undisturbed
  a->execute(sql, std::vector<Value>{Value(4)});  // the cached statement again
  EXPECT_EQ(a->fetchall().size(), 2u);
}

TEST_F(MariadbCursorTest, TwoCursors_OneThatReadItsRowsAndMovesOnLeavesTheOthersRows) {
  conn_->cursor()->executemany(kInsert, items(5));  // item0 (qty NULL), item1…item4 (qty 1…4)
  const std::string sql = "SELECT name FROM item WHERE qty IS NULL OR qty >= ? ORDER BY id";
  const Rows all{
      {Value("item0")}, {Value("item1")}, {Value("item2")}, {Value("item3")}, {Value("item4")}};
  auto a = conn_->cursor();
  auto b = conn_->cursor();
  auto c = conn_->cursor();
  a->execute(sql, std::vector<Value>{Value(0)});
  EXPECT_EQ(a->fetchall(), all);                  // a gives the cached statement back…
  b->execute(sql, std::vector<Value>{Value(0)});  // …and b gets it
  EXPECT_EQ(b->fetchone(), std::vector<Value>{Value("item0")});
  ASSERT_EQ(a->description().size(), 1u);  // a's description outlives its lease
  EXPECT_EQ(a->description()[0].name, "name");
  a->execute("SELECT 1", std::vector<Value>{});   // ends a's old lease only, not b's
  c->execute(sql, std::vector<Value>{Value(4)});  // so c gets a statement of its own
  EXPECT_EQ(c->fetchall(), (Rows{{Value("item0")}, {Value("item4")}}));
  EXPECT_EQ(b->fetchall(), Rows(all.begin() + 1, all.end()));

  a->execute(sql, std::vector<Value>{Value(0)});
  EXPECT_EQ(a->fetchall(), all);
  b->execute(sql, std::vector<Value>{Value(0)});
  EXPECT_EQ(b->fetchone(), std::vector<Value>{Value("item0")});
  a->close();
  EXPECT_EQ(b->fetchall(), Rows(all.begin() + 1, all.end()));
}

TEST_F(MariadbCursorTest, CallWhoseErrorFollowsItsRows_RaisesItUnderEitherProtocol) {
  exec("CREATE PROCEDURE rows_then_error() BEGIN SELECT 1 AS one; "
       "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'after the rows'; END");
  const auto expect_the_signal = [](const DBAPIError& e) {
    EXPECT_EQ(e.driver_code(), 1644) << e.what();  // ER_SIGNAL_EXCEPTION
    EXPECT_EQ(e.sqlstate(), "45000");
    EXPECT_EQ(e.driver_message(), "after the rows");
  };
  auto cursor = conn_->cursor();
  cursor->execute("CALL rows_then_error()", std::vector<Value>{});  // binary protocol
  try {
    cursor->fetchall();
    ADD_FAILURE() << "the SIGNAL after the rows was dropped";
  } catch (const DBAPIError& e) {
    expect_the_signal(e);
  }
  EXPECT_EQ(scalar("SELECT 2"), Value(2));  // the connection is in step again
  cursor->execute("PREPARE crucible_call FROM 'CALL rows_then_error()'", std::vector<Value>{});
  try {
    cursor->execute("EXECUTE crucible_call", std::vector<Value>{});  // text protocol (1295)
    ADD_FAILURE() << "the SIGNAL after the rows was dropped";
  } catch (const DBAPIError& e) {
    expect_the_signal(e);
  }
  EXPECT_EQ(cursor->fetchone(), std::nullopt);
  EXPECT_EQ(scalar("SELECT 3"), Value(3));
}

TEST_F(MariadbCursorTest, StatementsThePreparedProtocolCannotRun_UseTheTextProtocol) {
  auto cursor = conn_->cursor();
  cursor->execute("PREPARE crucible_s FROM 'SELECT 40 + 2 AS answer, ''x'' AS letter'", {});
  cursor->execute("EXECUTE crucible_s", std::vector<Value>{});
  ASSERT_EQ(cursor->description().size(), 2u);
  EXPECT_EQ(cursor->description()[0].name, "answer");
  EXPECT_EQ(cursor->fetchall(), (Rows{{Value(42), Value("x")}}));
  cursor->execute("DEALLOCATE PREPARE crucible_s", std::vector<Value>{});
}

TEST_F(MariadbCursorTest, TableChangedBetweenExecutions_TheCachedStatementFollows) {
  exec("INSERT INTO item (name) VALUES ('a')");
  EXPECT_EQ(query("SELECT * FROM item")[0].size(), 4u);
  exec("ALTER TABLE item ADD COLUMN extra INT DEFAULT 7");
  const auto rows = query("SELECT * FROM item");
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].size(), 5u);
  EXPECT_EQ(rows[0][4], Value(7));
}

// ---- error classes from real violations -----------------------------------------------------

TEST_F(MariadbCursorTest, DuplicateKey_IntegrityErrorWithCodeStateAndSql) {
  exec(kInsert, {Value("a"), Value(1), Value()});
  try {
    exec(kInsert, {Value("a"), Value(2), Value()});
    ADD_FAILURE() << "inserted a duplicate";
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.driver_code(), 1062);
    EXPECT_EQ(e.sqlstate(), "23000");
    EXPECT_EQ(e.sql(), kInsert);
    EXPECT_NE(e.driver_message().find("Duplicate entry"), std::string::npos);
  }
}

TEST_F(MariadbCursorTest, ForeignKeyAndNotNull_IntegrityErrors) {
  exec("CREATE TABLE child (id INT PRIMARY KEY, item_id INT, FOREIGN KEY (item_id) REFERENCES "
       "item (id)) ENGINE=InnoDB");
  try {
    exec("INSERT INTO child VALUES (1, ?)", {Value(12345)});
    ADD_FAILURE();
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.driver_code(), 1452);
  }
  exec(kInsert, {Value("a"), Value(1), Value()});
  exec("INSERT INTO child VALUES (1, LAST_INSERT_ID())");
  try {
    exec("DELETE FROM item", {});
    ADD_FAILURE();
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.driver_code(), 1451);
  }
  try {
    exec(kInsert, {Value(), Value(1), Value()});
    ADD_FAILURE();
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.driver_code(), 1048);
  }
}

TEST_F(MariadbCursorTest, TooLongAndOutOfRange_DataErrors) {
  try {
    exec(kInsert, {Value(std::string(41, 'n')), Value(1), Value()});
    ADD_FAILURE();
  } catch (const DataError& e) {
    EXPECT_EQ(e.driver_code(), 1406);
  }
  try {
    exec(kInsert, {Value("a"), Value(std::int64_t{1} << 40), Value()});
    ADD_FAILURE();
  } catch (const DataError& e) {
    EXPECT_EQ(e.driver_code(), 1264);
  }
  try {
    exec(kInsert, {Value("b"), Value("many"), Value()});
    ADD_FAILURE();
  } catch (const DataError& e) {
    EXPECT_EQ(e.driver_code(), 1366);
  }
}

TEST_F(MariadbCursorTest, SyntaxUnknownTableAndColumn_ProgrammingErrors) {
  const auto code_of = [&](const std::string& sql) -> std::int64_t {
    try {
      exec(sql);
    } catch (const ProgrammingError& e) {
      return e.driver_code();
    }
    return 0;
  };
  EXPECT_EQ(code_of("SELEC 1"), 1064);
  EXPECT_EQ(code_of("SELECT * FROM no_such_table"), 1146);
  EXPECT_EQ(code_of("SELECT no_such_column FROM item"), 1054);
}

TEST_F(MariadbCursorTest, FeatureTheServerLacks_NotSupportedError) {
  try {
    exec("SELECT id FROM item WHERE id IN (SELECT id FROM item ORDER BY id LIMIT 1)");
    ADD_FAILURE() << "the server took LIMIT in an IN subquery";
  } catch (const NotSupportedError& e) {
    EXPECT_EQ(e.driver_code(), 1235);  // ER_NOT_SUPPORTED_YET
    EXPECT_EQ(e.sqlstate(), "42000");
  }
}

TEST_F(MariadbCursorTest, LockWaitTimeout_OperationalError) {
  exec(kInsert, {Value("a"), Value(1), Value()});
  conn_->commit();
  exec("UPDATE item SET qty = 2 WHERE name = 'a'");  // holds the row lock
  auto other = connect();
  exec(*other, "SET SESSION innodb_lock_wait_timeout = 1");
  try {
    exec(*other, "UPDATE item SET qty = 3 WHERE name = 'a'");
    ADD_FAILURE();
  } catch (const OperationalError& e) {
    EXPECT_EQ(e.driver_code(), 1205);
  }
  conn_->rollback();
}

TEST_F(MariadbCursorTest, Deadlock_OperationalErrorForTheVictim) {
  exec(kInsert, {Value("a"), Value(1), Value()});
  exec(kInsert, {Value("b"), Value(2), Value()});
  conn_->commit();
  auto other = connect();
  exec("UPDATE item SET qty = 10 WHERE name = 'a'");
  exec(*other, "UPDATE item SET qty = 20 WHERE name = 'b'");
  std::int64_t codes[2] = {0, 0};
  // conn_ waits for other's row lock in a thread; other then asks for conn_'s: a cycle, which
  // InnoDB breaks by rolling one of them back.
  std::thread waiter([&] {
    try {
      exec("UPDATE item SET qty = 11 WHERE name = 'b'");
    } catch (const OperationalError& e) {
      codes[0] = e.driver_code();
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  try {
    exec(*other, "UPDATE item SET qty = 21 WHERE name = 'a'");
  } catch (const OperationalError& e) {
    codes[1] = e.driver_code();
  }
  other->rollback();
  waiter.join();
  conn_->rollback();
  EXPECT_TRUE((codes[0] == 1213) != (codes[1] == 1213)) << codes[0] << " " << codes[1];
}

TEST_F(MariadbCursorTest, KilledConnection_OperationalErrorAndTheConnectionStaysDead) {
  const Value id = scalar("SELECT CONNECTION_ID()");
  exec(*admin_, "KILL " + std::to_string(id.as<std::int64_t>()));
  try {
    exec("SELECT 1");
    ADD_FAILURE();
  } catch (const OperationalError& e) {
    EXPECT_TRUE(e.driver_code() == 2006 || e.driver_code() == 2013 || e.driver_code() == 1927)
        << e.driver_code();
  }
  EXPECT_FALSE(conn_->ping());
}
