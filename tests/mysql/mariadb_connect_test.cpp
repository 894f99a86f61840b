// Connecting with the "mariadbconnector" driver: URL parts and query keys reaching Connector/C,
// refused keys, connect errors that never show the password, the session it sets up, and
// PEP 249 transactions, autocommit and isolation levels.
#include <string>

#include "mysql_fixture.hpp"

using namespace crucible;
using crucible::testing::Rows;

namespace {

class MariadbConnectTest : public crucible::testing::MysqlFixture {};

constexpr const char* kSecret = "Sup3r-S3cret-Pw";

}  // namespace

// Each test has a user of its own: ctest runs tests in parallel processes on one server.
TEST_F(MariadbConnectTest, WrongPassword_OperationalErrorWithoutThePassword) {
  exec(*admin_, "DROP USER IF EXISTS 'crucible_pw_wrong'@'%'");
  exec(*admin_, "CREATE USER 'crucible_pw_wrong'@'%' IDENTIFIED BY 'the-right-one'");
  const URL url = base_url_.with_username("crucible_pw_wrong").with_password(kSecret);
  try {
    driver_->connect(url, {});
    ADD_FAILURE() << "connected with a wrong password";
  } catch (const OperationalError& e) {
    EXPECT_EQ(e.driver_code(), 1045);  // ER_ACCESS_DENIED_ERROR
    EXPECT_EQ(e.sqlstate(), "28000");
    EXPECT_EQ(std::string(e.what()).find(kSecret), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("crucible_pw_wrong"), std::string::npos) << e.what();
  }
  exec(*admin_, "DROP USER 'crucible_pw_wrong'@'%'");
}

TEST_F(MariadbConnectTest, RightPassword_Connects) {
  // For every host: a server may have anonymous users for localhost that would match first.
  for (const char* host : {"%", "localhost", "127.0.0.1"}) {
    exec(*admin_, std::string("DROP USER IF EXISTS 'crucible_pw_right'@'") + host + "'");
    exec(*admin_, std::string("CREATE USER 'crucible_pw_right'@'") + host + "' IDENTIFIED BY '" +
                      kSecret + "'");
  }
  auto conn = driver_->connect(
      base_url_.with_username("crucible_pw_right").with_password(kSecret).with_database(""), {});
  EXPECT_EQ(scalar(*conn, "SELECT SUBSTRING_INDEX(CURRENT_USER(), '@', 1)"),
            Value("crucible_pw_right"));
  conn->close();
  for (const char* host : {"%", "localhost", "127.0.0.1"}) {
    exec(*admin_, std::string("DROP USER 'crucible_pw_right'@'") + host + "'");
  }
}

TEST_F(MariadbConnectTest, UnreachablePort_OperationalError) {
  try {
    driver_->connect(base_url_.with_port(1).with_password(kSecret), {});
    ADD_FAILURE() << "connected to port 1";
  } catch (const OperationalError& e) {
    EXPECT_EQ(e.driver_code(), 2002);  // CR_CONNECTION_ERROR
    EXPECT_EQ(std::string(e.what()).find(kSecret), std::string::npos) << e.what();
  }
}

TEST_F(MariadbConnectTest, UnknownQueryKey_ArgumentErrorNamingTheKnownKeys) {
  try {
    driver_->connect(url().with_query({{"sslmode", "disable"}}), {});
    ADD_FAILURE() << "accepted an unknown key";
  } catch (const ArgumentError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'sslmode'"), std::string::npos) << what;
    EXPECT_NE(what.find("unix_socket"), std::string::npos) << what;
    EXPECT_NE(what.find("connect_timeout"), std::string::npos) << what;
  }
  EXPECT_THROW(driver_->connect(url(), ConnectOptions{{{"nonsense", "1"}}}), ArgumentError);
  EXPECT_THROW(driver_->connect(url().with_query({{"connect_timeout", "soon"}}), {}),
               ArgumentError);
  EXPECT_THROW(driver_->connect(url().with_query({{"charset", "latin1"}}), {}), ArgumentError);
}

TEST_F(MariadbConnectTest, QueryKeysReachTheClient) {
  auto conn = driver_->connect(
      url().with_query({{"connect_timeout", "5"}, {"read_timeout", "30"}, {"charset", "utf8mb4"}}),
      {});
  EXPECT_EQ(scalar(*conn, "SELECT DATABASE()"), Value(database_));
}

TEST_F(MariadbConnectTest, UnixSocket_FromTheQuery) {
  // The server's socket, as it reports it; reached with the host "localhost".
  const Value socket = scalar("SELECT @@socket");
  ASSERT_FALSE(socket.is_null());
  auto conn = driver_->connect(url()
                                   .with_host("localhost")
                                   .with_port(std::nullopt)
                                   .with_query({{"unix_socket", socket.as<std::string>()}}),
                               {});
  EXPECT_EQ(scalar(*conn, "SELECT DATABASE()"), Value(database_));
}

TEST_F(MariadbConnectTest, Session_IsUtf8mb4WithoutLocalInfile) {
  const auto rows = query("SELECT @@character_set_client, @@character_set_connection, "
                          "@@character_set_results");
  ASSERT_EQ(rows.size(), 1u);
  for (const Value& v : rows[0]) EXPECT_EQ(v, Value("utf8mb4"));
  exec("CREATE TABLE f (line TEXT)");
  EXPECT_THROW(exec("LOAD DATA LOCAL INFILE '/etc/hostname' INTO TABLE f"), DBAPIError);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM f"), Value(0));
}

TEST_F(MariadbConnectTest, ServerVersion_IsTheServersBanner) {
  const std::string version = conn_->server_version();
  EXPECT_EQ(Value(version), scalar("SELECT VERSION()"));
  EXPECT_FALSE(version.empty());
}

TEST_F(MariadbConnectTest, Ping_TrueWhileOpenFalseAfterClose) {
  EXPECT_TRUE(conn_->ping());
  conn_->close();
  EXPECT_FALSE(conn_->ping());
  EXPECT_THROW(conn_->cursor(), InterfaceError);
  conn_->close();  // idempotent
}

TEST_F(MariadbConnectTest, Ping_FalseWhenTheServerKilledTheConnection) {
  const Value id = scalar("SELECT CONNECTION_ID()");
  exec(*admin_, "KILL " + std::to_string(id.as<std::int64_t>()));
  EXPECT_FALSE(conn_->ping());
}

TEST_F(MariadbConnectTest, Cursor_ClosedCursorAndClosedConnectionAreInterfaceErrors) {
  auto cursor = conn_->cursor();
  cursor->close();
  EXPECT_THROW(cursor->execute("SELECT 1", std::vector<Value>{}), InterfaceError);
  auto other = conn_->cursor();
  conn_->close();
  EXPECT_THROW(other->execute("SELECT 1", std::vector<Value>{}), InterfaceError);
}

TEST_F(MariadbConnectTest, ClosedConnection_InterfaceErrorThatIsNoDisconnect) {
  auto cursor = conn_->cursor();
  conn_->close();
  const registry::DialectPtr dialect = registry::load_dialect("mariadb");
  const auto check = [&](const InterfaceError& e) {
    EXPECT_EQ(e.driver_code(), 0);  // not 2006: the server did not go away, the program closed it
    EXPECT_EQ(e.sqlstate(), "08003");
    EXPECT_FALSE(dialect->is_disconnect(e));
  };
  try {
    cursor->execute("SELECT 1", std::vector<Value>{});
    ADD_FAILURE() << "ran on a closed connection";
  } catch (const InterfaceError& e) {
    check(e);
  }
  try {
    conn_->commit();
    ADD_FAILURE() << "committed on a closed connection";
  } catch (const InterfaceError& e) {
    check(e);
  }
}

// ---- transactions ---------------------------------------------------------------------------

TEST_F(MariadbConnectTest, ImplicitTransaction_RollbackUndoesAndOthersDoNotSee) {
  exec(*admin_, "CREATE TABLE `" + database_ + "`.t (id INT PRIMARY KEY) ENGINE=InnoDB");
  EXPECT_FALSE(conn_->autocommit());
  EXPECT_FALSE(conn_->in_transaction());
  exec("INSERT INTO t VALUES (1)");
  EXPECT_TRUE(conn_->in_transaction());
  auto other = connect();
  other->set_autocommit(true);
  EXPECT_EQ(scalar(*other, "SELECT COUNT(*) FROM t"), Value(0));
  conn_->rollback();
  EXPECT_FALSE(conn_->in_transaction());
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM t"), Value(0));
}

TEST_F(MariadbConnectTest, Commit_MakesTheRowsVisibleToOthers) {
  exec(*admin_, "CREATE TABLE `" + database_ + "`.t (id INT PRIMARY KEY) ENGINE=InnoDB");
  exec("INSERT INTO t VALUES (1), (2)");
  conn_->commit();
  EXPECT_FALSE(conn_->in_transaction());
  auto other = connect();
  EXPECT_EQ(scalar(*other, "SELECT COUNT(*) FROM t"), Value(2));
  conn_->commit();  // nothing open: a no-op
  conn_->rollback();
}

TEST_F(MariadbConnectTest, Autocommit_EveryStatementCommitsByItself) {
  exec(*admin_, "CREATE TABLE `" + database_ + "`.t (id INT PRIMARY KEY) ENGINE=InnoDB");
  conn_->set_autocommit(true);
  EXPECT_TRUE(conn_->autocommit());
  exec("INSERT INTO t VALUES (1)");
  EXPECT_FALSE(conn_->in_transaction());
  conn_->rollback();
  auto other = connect();
  EXPECT_EQ(scalar(*other, "SELECT COUNT(*) FROM t"), Value(1));
  exec("SET autocommit = 0");  // as SQL: autocommit() follows the server
  EXPECT_FALSE(conn_->autocommit());
  exec("INSERT INTO t VALUES (2)");
  EXPECT_TRUE(conn_->in_transaction());
  conn_->rollback();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM t"), Value(1));
}

TEST_F(MariadbConnectTest, Savepoint_RollsBackPartOfTheTransaction) {
  exec(*admin_, "CREATE TABLE `" + database_ + "`.t (id INT PRIMARY KEY) ENGINE=InnoDB");
  exec("INSERT INTO t VALUES (1)");
  exec("SAVEPOINT sp1");
  exec("INSERT INTO t VALUES (2)");
  exec("ROLLBACK TO SAVEPOINT sp1");
  exec("RELEASE SAVEPOINT sp1");
  conn_->commit();
  EXPECT_EQ(query("SELECT id FROM t"), Rows{{Value(1)}});
}

TEST_F(MariadbConnectTest, IsolationLevel_AppliesToTheSession) {
  conn_->set_isolation_level("read committed");
  EXPECT_EQ(scalar("SELECT @@tx_isolation"), Value("READ-COMMITTED"));
  conn_->set_isolation_level("SERIALIZABLE");
  EXPECT_EQ(scalar("SELECT @@tx_isolation"), Value("SERIALIZABLE"));
  conn_->set_isolation_level("REPEATABLE_READ");
  EXPECT_EQ(scalar("SELECT @@tx_isolation"), Value("REPEATABLE-READ"));
  EXPECT_THROW(conn_->set_isolation_level("SNAPSHOT"), ArgumentError);
}

TEST_F(MariadbConnectTest, IsolationLevel_ReadCommittedSeesOthersCommits) {
  exec(*admin_, "CREATE TABLE `" + database_ + "`.t (id INT PRIMARY KEY) ENGINE=InnoDB");
  auto writer = connect();
  writer->set_autocommit(true);
  conn_->set_isolation_level("REPEATABLE READ");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM t"), Value(0));  // the snapshot is taken
  exec(*writer, "INSERT INTO t VALUES (1)");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM t"), Value(0));
  conn_->rollback();
  conn_->set_isolation_level("READ COMMITTED");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM t"), Value(1));
  exec(*writer, "INSERT INTO t VALUES (2)");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM t"), Value(2));
}
