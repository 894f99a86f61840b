// The "libpq" driver's connections and cursors on a real PostgreSQL: PEP 249 transactions,
// autocommit, isolation levels, errors and their classes, rowcount, executemany in a pipeline,
// prepared statements, COPY refusal, ping and closed objects.
#include <string>

#include "pg_fixture.hpp"

using namespace crucible;
using crucible::testing::Rows;

namespace {

class LibpqDriverTest : public crucible::testing::PgFixture {
 protected:
  void SetUp() override {
    PgFixture::SetUp();
    if (HasFatalFailure()) return;
    exec("CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, qty integer)");
    conn_->commit();
  }
  std::int64_t count(DbapiConnection& conn) {
    return scalar(conn, "SELECT count(*) FROM items").as<std::int64_t>();
  }
};

}  // namespace

// ---- transactions -----------------------------------------------------------------------

TEST_F(LibpqDriverTest, FirstStatementOpensATransactionImplicitly) {
  EXPECT_FALSE(conn_->in_transaction());
  exec("INSERT INTO items VALUES (1, 'a', 1)");
  EXPECT_TRUE(conn_->in_transaction());
  auto other = connect();
  EXPECT_EQ(count(*other), 0) << "uncommitted rows are not visible elsewhere";
  conn_->commit();
  EXPECT_FALSE(conn_->in_transaction());
  EXPECT_EQ(count(*other), 1);
}

TEST_F(LibpqDriverTest, ImplicitBeginSentWithTheFirstStatement_HoldsOnceTheStatementIsPrepared) {
  // The implicit BEGIN travels in one pipeline with the transaction's first statement; from the
  // fifth use on that statement is a server-side prepared one. Each time, the statement must be
  // inside the transaction the rollback discards.
  const std::string sql = "INSERT INTO items VALUES ($1, 'a', 1)";
  for (std::int64_t id = 1; id <= 8; ++id) {
    auto cursor = conn_->cursor();
    const Value params[] = {Value(id)};
    cursor->execute(sql, params);
    EXPECT_TRUE(conn_->in_transaction()) << "insert " << id;
    conn_->rollback();
  }
  EXPECT_EQ(count(*conn_), 0);
  conn_->rollback();
}

TEST_F(LibpqDriverTest, RollbackDiscardsTheTransaction) {
  exec("INSERT INTO items VALUES (1, 'a', 1)");
  conn_->rollback();
  EXPECT_FALSE(conn_->in_transaction());
  EXPECT_EQ(count(*conn_), 0);
}

TEST_F(LibpqDriverTest, CommitAndRollbackWithoutATransactionDoNothing) {
  EXPECT_NO_THROW(conn_->commit());
  EXPECT_NO_THROW(conn_->rollback());
  EXPECT_FALSE(conn_->in_transaction());
}

TEST_F(LibpqDriverTest, AutocommitMakesEachStatementDurableAtOnce) {
  conn_->set_autocommit(true);
  EXPECT_TRUE(conn_->autocommit());
  exec("INSERT INTO items VALUES (1, 'a', 1)");
  EXPECT_FALSE(conn_->in_transaction());
  auto other = connect();
  EXPECT_EQ(count(*other), 1);
}

TEST_F(LibpqDriverTest, ExplicitBeginIsNotPrecededByAnImplicitOne) {
  exec("BEGIN ISOLATION LEVEL REPEATABLE READ");
  EXPECT_EQ(scalar("SHOW transaction_isolation"), Value("repeatable read"))
      << "an implicit BEGIN first would have made this BEGIN a no-op with a warning";
  exec("ROLLBACK");
  EXPECT_FALSE(conn_->in_transaction());
}

TEST_F(LibpqDriverTest, SavepointRollbackKeepsTheOuterTransaction) {
  exec("INSERT INTO items VALUES (1, 'a', 1)");
  exec(dialect_->savepoint_sql("sp1"));
  exec("INSERT INTO items VALUES (2, 'b', 1)");
  exec(dialect_->rollback_to_savepoint_sql("sp1"));
  exec(dialect_->release_savepoint_sql("sp1"));
  conn_->commit();
  EXPECT_EQ(query("SELECT id FROM items"), (Rows{{std::int64_t{1}}}));
}

TEST_F(LibpqDriverTest, CommitOfAFailedTransactionThrowsAndCommitsNothing) {
  exec("INSERT INTO items VALUES (1, 'a', 1)");
  EXPECT_THROW(exec("INSERT INTO items VALUES (1, 'dup', 1)"), IntegrityError);
  try {
    conn_->commit();
    FAIL() << "COMMIT of a failed transaction is a ROLLBACK; it must not look like success";
  } catch (const OperationalError& e) {
    EXPECT_EQ(e.sqlstate(), "25P02");
  }
  EXPECT_FALSE(conn_->in_transaction());
  EXPECT_EQ(count(*conn_), 0);
}

TEST_F(LibpqDriverTest, StatementInAFailedTransactionIsRefusedUntilRollback) {
  EXPECT_THROW(exec("SELECT 1/0"), DataError);
  try {
    exec("SELECT 1");
    FAIL() << "PostgreSQL refuses statements in an aborted transaction";
  } catch (const DatabaseError& e) {
    EXPECT_EQ(e.sqlstate(), "25P02");
  }
  conn_->rollback();
  EXPECT_EQ(scalar("SELECT 1"), Value(std::int64_t{1}));
}

TEST_F(LibpqDriverTest, IsolationLevelAppliesToTheNextTransactions) {
  for (const std::string level :
       {"SERIALIZABLE", "REPEATABLE READ", "READ COMMITTED", "READ UNCOMMITTED"}) {
    dialect_->set_isolation_level(*conn_, level);
    std::string shown = scalar("SHOW transaction_isolation").as<std::string>();
    for (char& c : shown) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(shown, level);
    conn_->rollback();
  }
}

TEST_F(LibpqDriverTest, IsolationLevelCannotChangeInsideATransaction) {
  exec("SELECT 1");
  EXPECT_THROW(conn_->set_isolation_level("SERIALIZABLE"), ProgrammingError);
  conn_->rollback();
  EXPECT_THROW(conn_->set_isolation_level("SNAPSHOT"), ArgumentError);
}

TEST_F(LibpqDriverTest, AutocommitIsolationLevelSwitchesAutocommitOn) {
  dialect_->set_isolation_level(*conn_, "autocommit");
  EXPECT_TRUE(conn_->autocommit());
  dialect_->set_isolation_level(*conn_, "read committed");
  EXPECT_FALSE(conn_->autocommit());
}

TEST_F(LibpqDriverTest, SerializableTransactionsConflictAsOperationalError) {
  exec("INSERT INTO items VALUES (1, 'a', 0)");
  conn_->commit();
  auto other = connect();
  dialect_->set_isolation_level(*conn_, "SERIALIZABLE");
  dialect_->set_isolation_level(*other, "SERIALIZABLE");
  EXPECT_EQ(scalar("SELECT qty FROM items WHERE id = 1"), Value(std::int64_t{0}));
  exec(*other, "UPDATE items SET qty = 2 WHERE id = 1");
  other->commit();
  try {
    exec("UPDATE items SET qty = 1 WHERE id = 1");
    FAIL() << "a serializable transaction must not overwrite a concurrent update";
  } catch (const OperationalError& e) {
    EXPECT_EQ(e.sqlstate(), "40001");
    EXPECT_FALSE(dialect_->is_disconnect(e));
  }
}

// ---- errors -----------------------------------------------------------------------------

TEST_F(LibpqDriverTest, UniqueViolationIsIntegrityErrorWithSqlstateAndSql) {
  exec("INSERT INTO items VALUES (1, 'a', 1)");
  const std::string sql = "INSERT INTO items VALUES ($1, 'b', 1)";
  try {
    exec(sql, {1});
    FAIL() << "duplicate key accepted";
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.sqlstate(), "23505");
    EXPECT_EQ(e.sql(), sql);
    EXPECT_NE(e.driver_message().find("items_pkey"), std::string::npos) << e.driver_message();
    EXPECT_NE(e.driver_message().find("DETAIL: Key (id)=(1) already exists."), std::string::npos)
        << e.driver_message();
    EXPECT_NE(std::string(e.what()).find("23505"), std::string::npos) << e.what();
    EXPECT_FALSE(dialect_->is_disconnect(e));
  }
}

TEST_F(LibpqDriverTest, NotNullAndForeignKeyViolationsAreIntegrityErrors) {
  exec("CREATE TABLE child (id integer PRIMARY KEY, item_id integer REFERENCES items (id))");
  conn_->commit();
  try {
    exec("INSERT INTO items (id, name) VALUES (1, NULL)");
    FAIL();
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.sqlstate(), "23502");
  }
  conn_->rollback();
  try {
    exec("INSERT INTO child VALUES (1, 42)");
    FAIL();
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.sqlstate(), "23503");
  }
}

TEST_F(LibpqDriverTest, SyntaxErrorIsProgrammingError42601) {
  try {
    exec("SELEC 1");
    FAIL();
  } catch (const ProgrammingError& e) {
    EXPECT_EQ(e.sqlstate(), "42601");
    EXPECT_EQ(e.sql(), "SELEC 1");
    EXPECT_EQ(e.driver_code(), 0);
  }
}

TEST_F(LibpqDriverTest, MissingTableIsProgrammingError42P01) {
  try {
    exec("SELECT * FROM no_such_table");
    FAIL();
  } catch (const ProgrammingError& e) {
    EXPECT_EQ(e.sqlstate(), "42P01");
  }
}

TEST_F(LibpqDriverTest, DivisionByZeroAndBadInputAreDataErrors) {
  try {
    exec("SELECT 1 / $1", {0});
    FAIL();
  } catch (const DataError& e) {
    EXPECT_EQ(e.sqlstate(), "22012");
  }
  conn_->rollback();
  try {
    exec("INSERT INTO items VALUES ($1, 'a', 1)", {"not a number"});
    FAIL();
  } catch (const DataError& e) {
    EXPECT_EQ(e.sqlstate(), "22P02");
  }
}

TEST_F(LibpqDriverTest, WrongParameterCountIsProgrammingError) {
  EXPECT_THROW(exec("SELECT $1, $2", {1}), ProgrammingError);
  conn_->rollback();
  EXPECT_EQ(scalar("SELECT 1"), Value(std::int64_t{1})) << "the connection is still usable";
}

TEST_F(LibpqDriverTest, SeveralStatementsInOneExecuteAreRefused) {
  EXPECT_THROW(exec("SELECT 1; SELECT 2"), ProgrammingError);
}

TEST_F(LibpqDriverTest, CopyFromStdinIsNotSupportedAndLeavesTheConnectionUsable) {
  conn_->set_autocommit(true);
  EXPECT_THROW(exec("COPY items FROM STDIN"), NotSupportedError);
  EXPECT_THROW(exec("COPY items TO STDOUT"), NotSupportedError);
  EXPECT_EQ(scalar("SELECT 2"), Value(std::int64_t{2}));
}

// ---- rowcount, executemany ---------------------------------------------------------------

TEST_F(LibpqDriverTest, RowcountCountsChangedAndSelectedRows) {
  EXPECT_EQ(exec("INSERT INTO items VALUES (1, 'a', 1), (2, 'b', 1), (3, 'c', 2)"), 3);
  EXPECT_EQ(exec("UPDATE items SET qty = qty + 1 WHERE qty = 1"), 2);
  EXPECT_EQ(exec("DELETE FROM items WHERE id = 99"), 0);
  EXPECT_EQ(exec("SELECT * FROM items"), 3);
  EXPECT_EQ(exec("CREATE INDEX items_qty ON items (qty)"), -1);
  const auto cursor = conn_->cursor();
  cursor->execute("DELETE FROM items", {});
  EXPECT_EQ(cursor->rowcount(), 3);
  EXPECT_EQ(cursor->lastrowid(), std::nullopt);
}

TEST_F(LibpqDriverTest, ExecutemanyInsertsEveryRowAndSumsRowcount) {
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 1000; ++i) {
    rows.push_back({i, "item " + std::to_string(i), i % 3 == 0 ? Value() : Value(i)});
  }
  const auto cursor = conn_->cursor();
  cursor->executemany("INSERT INTO items (id, name, qty) VALUES ($1, $2, $3)", rows);
  EXPECT_EQ(cursor->rowcount(), 1000);
  conn_->commit();
  auto other = connect();
  EXPECT_EQ(count(*other), 1000);
  EXPECT_EQ(scalar(*other, "SELECT count(*) FROM items WHERE qty IS NULL"),
            Value(std::int64_t{334}));
  EXPECT_EQ(scalar(*other, "SELECT name FROM items WHERE id = 999"), Value("item 999"));
}

TEST_F(LibpqDriverTest, ExecutemanyWithMixedIntegerWidthsAndNullsKeepsEveryValue) {
  const auto cursor = conn_->cursor();
  exec("CREATE TABLE big (id integer, v bigint)");
  cursor->executemany(
      "INSERT INTO big VALUES ($1, $2)",
      std::vector<std::vector<Value>>{{1, Value()}, {2, 5}, {3, std::int64_t{1} << 50}, {4, -7}});
  EXPECT_EQ(query("SELECT v FROM big ORDER BY id"),
            (Rows{{Value()}, {std::int64_t{5}}, {std::int64_t{1} << 50}, {std::int64_t{-7}}}));
}

TEST_F(LibpqDriverTest, ExecutemanyStopsAtTheFirstErrorAndRollsBackWholeInATransaction) {
  std::vector<std::vector<Value>> rows{{1, "a"}, {2, "b"}, {1, "dup"}, {3, "c"}};
  const auto cursor = conn_->cursor();
  try {
    cursor->executemany("INSERT INTO items (id, name) VALUES ($1, $2)", rows);
    FAIL() << "the duplicate key must fail";
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.sqlstate(), "23505");
    EXPECT_NE(e.driver_message().find("(id)=(1)"), std::string::npos) << e.driver_message();
  }
  conn_->rollback();
  EXPECT_EQ(count(*conn_), 0);
  // The connection and the prepared statement still work afterwards.
  cursor->executemany("INSERT INTO items (id, name) VALUES ($1, $2)",
                      std::vector<std::vector<Value>>{{5, "e"}, {6, "f"}});
  EXPECT_EQ(cursor->rowcount(), 2);
}

TEST_F(LibpqDriverTest, ExecutemanyInAutocommitRunsThePipelineAsOneTransaction) {
  conn_->set_autocommit(true);
  const auto cursor = conn_->cursor();
  EXPECT_THROW(cursor->executemany("INSERT INTO items (id, name) VALUES ($1, $2)",
                                   std::vector<std::vector<Value>>{{1, "a"}, {1, "dup"}}),
               IntegrityError);
  EXPECT_EQ(count(*conn_), 0);
  EXPECT_FALSE(conn_->in_transaction());
}

TEST_F(LibpqDriverTest, ExecutemanyWithReturningKeepsRowsInInputOrder) {
  const auto cursor = conn_->cursor();
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 50; ++i) rows.push_back({100 - i, "n" + std::to_string(i)});
  cursor->executemany("INSERT INTO items (id, name) VALUES ($1, $2) RETURNING id, name", rows);
  ASSERT_EQ(cursor->description().size(), 2u);
  EXPECT_EQ(cursor->description()[0].name, "id");
  const Rows returned = cursor->fetchall();
  ASSERT_EQ(returned.size(), 50u);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(returned[static_cast<std::size_t>(i)][0], Value(std::int64_t{100 - i}));
  }
  EXPECT_EQ(cursor->rowcount(), 50);
}

TEST_F(LibpqDriverTest, ExecutemanyRefusesSetsOfDifferentSizes) {
  const auto cursor = conn_->cursor();
  EXPECT_THROW(cursor->executemany("INSERT INTO items (id, name) VALUES ($1, $2)",
                                   std::vector<std::vector<Value>>{{1, "a"}, {2}}),
               ProgrammingError);
  EXPECT_EQ(count(*conn_), 0);
}

// ---- prepared statements ---------------------------------------------------------------

TEST_F(LibpqDriverTest, RepeatedStatementIsPreparedOnTheServerAfterTheThreshold) {
  const std::string sql = "SELECT name FROM items WHERE id = $1";
  exec("INSERT INTO items VALUES (1, 'a', 1)");
  const auto prepared = [&] {
    return scalar("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", {sql})
        .as<std::int64_t>();
  };
  for (int i = 0; i < 5; ++i) EXPECT_EQ(scalar(sql, {1}), Value("a"));
  EXPECT_EQ(prepared(), 0) << "the first five executions run unnamed (psycopg's threshold)";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(scalar(sql, {1}), Value("a"));
  EXPECT_EQ(prepared(), 1) << "from the sixth on the statement is prepared once";
}

TEST_F(LibpqDriverTest, PrepareThresholdZeroPreparesAtOnce) {
  auto conn = connect(ConnectOptions{{{"prepare_threshold", "0"}}});
  const std::string sql = "SELECT $1::int + 1";
  EXPECT_EQ(scalar(*conn, sql, {1}), Value(std::int64_t{2}));
  EXPECT_EQ(
      scalar(*conn, "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", {sql}),
      Value(std::int64_t{1}));
}

TEST_F(LibpqDriverTest, PreparedStatementSurvivesATableChangeAfterOneError) {
  auto conn = connect(ConnectOptions{{{"prepare_threshold", "0"}}});
  conn->set_autocommit(true);
  exec(*conn, "INSERT INTO items VALUES (1, 'a', 1)");
  EXPECT_EQ(query(*conn, "SELECT * FROM items").size(), 1u);
  exec(*conn, "ALTER TABLE items ADD COLUMN extra text DEFAULT 'x'");
  try {
    query(*conn, "SELECT * FROM items");  // the cached plan's row type changed
  } catch (const NotSupportedError& e) {
    EXPECT_EQ(e.sqlstate(), "0A000");
  }
  const Rows rows = query(*conn, "SELECT * FROM items");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].size(), 4u);
  EXPECT_EQ(rows[0][3], Value("x"));
}

TEST_F(LibpqDriverTest, DiscardAllMakesPreparedStatementsStartAfresh) {
  auto conn = connect(ConnectOptions{{{"prepare_threshold", "0"}}});
  conn->set_autocommit(true);
  EXPECT_EQ(scalar(*conn, "SELECT $1::int * 2", {21}), Value(std::int64_t{42}));
  exec(*conn, "DISCARD ALL");
  EXPECT_THROW(scalar(*conn, "SELECT $1::int * 2", {21}), DatabaseError)
      << "the server forgot the statement";
  EXPECT_EQ(scalar(*conn, "SELECT $1::int * 2", {21}), Value(std::int64_t{42}));
}

// ---- connection state -------------------------------------------------------------------

TEST_F(LibpqDriverTest, PingMakesARoundTripAndFailsOnceClosed) {
  EXPECT_TRUE(conn_->ping());
  EXPECT_TRUE(dialect_->do_ping(*conn_));
  conn_->close();
  EXPECT_FALSE(conn_->ping());
}

TEST_F(LibpqDriverTest, ClosedConnectionAndCursorRaiseInterfaceError) {
  const auto cursor = conn_->cursor();
  cursor->close();
  EXPECT_THROW(cursor->execute("SELECT 1", {}), InterfaceError);
  const auto live = conn_->cursor();
  conn_->close();
  conn_->close();  // idempotent
  try {
    live->execute("SELECT 1", {});
    FAIL();
  } catch (const InterfaceError& e) {
    EXPECT_TRUE(dialect_->is_disconnect(e)) << "a closed connection is not coming back";
  }
  EXPECT_THROW(conn_->cursor(), InterfaceError);
}

TEST_F(LibpqDriverTest, KilledBackendGivesOperationalErrorThatIsADisconnect) {
  const Value pid = scalar("SELECT pg_backend_pid()");
  conn_->rollback();
  EXPECT_EQ(scalar(*admin_, "SELECT pg_terminate_backend($1, 10000)", {pid}), Value(true));
  try {
    exec("SELECT 1");
    FAIL() << "the backend was terminated";
  } catch (const OperationalError& e) {
    EXPECT_TRUE(dialect_->is_disconnect(e)) << e.what();
  }
  EXPECT_FALSE(conn_->ping());
  EXPECT_FALSE(dialect_->do_ping(*conn_));
}

TEST_F(LibpqDriverTest, FetchWalksRowsOneByOne) {
  exec("INSERT INTO items VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)");
  const auto cursor = conn_->cursor();
  cursor->execute("SELECT id FROM items ORDER BY id", {});
  EXPECT_EQ(cursor->fetchone(), (std::vector<Value>{std::int64_t{1}}));
  EXPECT_EQ(cursor->fetchmany(5), (Rows{{std::int64_t{2}}, {std::int64_t{3}}}));
  EXPECT_EQ(cursor->fetchone(), std::nullopt);
}
