// Transactions of the "odbc" driver on each of Debian's three ODBC drivers: PEP 249's implicit
// transactions (autocommit off at connect), commit and rollback through SQLEndTran, autocommit
// through SQL_ATTR_AUTOCOMMIT, isolation through SQL_ATTR_TXN_ISOLATION, ping.
#include "odbc_fixture.hpp"

using namespace crucible;
using crucible::testing::Rows;
using crucible::testing::Target;

namespace {

class OdbcTransactionTest : public crucible::testing::OdbcFixture {
 protected:
  std::int64_t count(DbapiConnection& conn) {
    const Rows rows = query(conn, "SELECT COUNT(*) FROM odbc_tx");
    return rows.at(0).at(0).as<std::int64_t>();
  }
};

TEST_P(OdbcTransactionTest, NewConnection_IsOutOfAutocommitAndOpensATransactionOnFirstStatement) {
  create_table("odbc_tx", "id INTEGER PRIMARY KEY");
  EXPECT_FALSE(conn_->autocommit());
  EXPECT_FALSE(conn_->in_transaction());
  exec("INSERT INTO odbc_tx (id) VALUES (?)", {1});
  EXPECT_TRUE(conn_->in_transaction());
  conn_->commit();
  EXPECT_FALSE(conn_->in_transaction());
}

TEST_P(OdbcTransactionTest, Rollback_UndoesTheTransactionAndCommitKeepsIt) {
  create_table("odbc_tx", "id INTEGER PRIMARY KEY");
  exec("INSERT INTO odbc_tx (id) VALUES (?)", {1});
  conn_->rollback();
  EXPECT_EQ(count(*conn_), 0);
  exec("INSERT INTO odbc_tx (id) VALUES (?)", {2});
  conn_->commit();
  conn_->rollback();  // nothing open: a no-op
  const auto other = connect_again();
  EXPECT_EQ(count(*other), 1);
}

TEST_P(OdbcTransactionTest, UncommittedRows_AreNotSeenByAnotherConnection) {
  create_table("odbc_tx", "id INTEGER PRIMARY KEY");
  exec("INSERT INTO odbc_tx (id) VALUES (?)", {1});
  const auto other = connect_again();
  EXPECT_EQ(count(*other), 0);
  other->rollback();
  conn_->commit();
  EXPECT_EQ(count(*other), 1);
}

TEST_P(OdbcTransactionTest, Autocommit_CommitsEachStatementAtOnce) {
  create_table("odbc_tx", "id INTEGER PRIMARY KEY");
  conn_->set_autocommit(true);
  EXPECT_TRUE(conn_->autocommit());
  exec("INSERT INTO odbc_tx (id) VALUES (?)", {1});
  EXPECT_FALSE(conn_->in_transaction());
  conn_->rollback();  // nothing to undo
  const auto other = connect_again();
  EXPECT_EQ(count(*other), 1);
  conn_->set_autocommit(false);
  exec("INSERT INTO odbc_tx (id) VALUES (?)", {2});
  conn_->rollback();
  EXPECT_EQ(count(*conn_), 1);
}

TEST_P(OdbcTransactionTest, IsolationLevel_SerializableIsAcceptedAndBadNamesAreRefused) {
  EXPECT_THROW(conn_->set_isolation_level("SOMETIMES"), ArgumentError);
  conn_->set_isolation_level("SERIALIZABLE");
  if (is(Target::kPostgresql)) {
    EXPECT_EQ(scalar("SHOW transaction_isolation"), Value("serializable"));
  } else if (is(Target::kMysql)) {
    EXPECT_EQ(scalar("SELECT @@tx_isolation"), Value("SERIALIZABLE"));
  }
  conn_->rollback();
  if (!is(Target::kSqlite)) {
    conn_->set_isolation_level("read committed");
    if (is(Target::kPostgresql)) {
      EXPECT_EQ(scalar("SHOW transaction_isolation"), Value("read committed"));
    } else {
      EXPECT_EQ(scalar("SELECT @@tx_isolation"), Value("READ-COMMITTED"));
    }
  }
}

TEST_P(OdbcTransactionTest, IsolationLevel_CannotChangeInsideATransaction) {
  create_table("odbc_tx", "id INTEGER PRIMARY KEY");
  exec("INSERT INTO odbc_tx (id) VALUES (?)", {1});
  EXPECT_THROW(conn_->set_isolation_level("SERIALIZABLE"), ProgrammingError);
}

TEST_P(OdbcTransactionTest, Ping_AnswersAndOpensNoTransaction) {
  EXPECT_TRUE(conn_->ping());
  EXPECT_FALSE(conn_->in_transaction());
}

TEST_P(OdbcTransactionTest, ServerVersion_IsTheDatabasesOwn) {
  const std::string version = conn_->server_version();
  ASSERT_FALSE(version.empty());
  if (is(Target::kPostgresql)) {
    EXPECT_EQ(version, scalar("SHOW server_version").as<std::string>().substr(0, version.size()));
  } else if (is(Target::kMysql)) {
    EXPECT_EQ(version, scalar("SELECT VERSION()").as<std::string>());
    EXPECT_NE(version.find("MariaDB"), std::string::npos);
  } else {
    EXPECT_EQ(version, scalar("SELECT sqlite_version()").as<std::string>());
  }
}

INSTANTIATE_TEST_SUITE_P(Odbc, OdbcTransactionTest,
                         ::testing::Values(Target::kPostgresql, Target::kMysql, Target::kSqlite),
                         crucible::testing::target_param_name);

}  // namespace
