// The "sqlite3" driver's connections and the "sqlite" dialect's connection-level hooks on real
// SQLite: connect arguments, PEP 249 implicit transactions, savepoints, isolation levels,
// foreign keys after on_connect, closed connections, split_script and the default pool.
#include <sqlite3.h>

#include <filesystem>
#include <functional>

#include "sqlite_fixture.hpp"

using namespace crucible;
using crucible::testing::Rows;
using crucible::testing::TempDir;

namespace {

class SqliteConnectionTest : public crucible::testing::SqliteFixture {
 protected:
  TempDir dir_;
};

TEST_F(SqliteConnectionTest, ImplicitTransactionIsRolledBack) {
  exec("CREATE TABLE t (n INTEGER)");
  conn_->commit();
  EXPECT_FALSE(conn_->in_transaction());
  exec("INSERT INTO t VALUES (1)");
  EXPECT_TRUE(conn_->in_transaction());  // BEGIN was issued before the INSERT
  conn_->rollback();
  EXPECT_FALSE(conn_->in_transaction());
  EXPECT_EQ(scalar("SELECT count(*) FROM t"), Value(0));
  conn_->rollback();  // no transaction: a no-op
  conn_->commit();
}

// A first SELECT runs without BEGIN (sqlite3_driver.hpp), but its read is the transaction's
// snapshot: the statements after it see the database as it was, even once another connection
// has committed (WAL lets the writer commit while the read is open).
class DeferredBeginTest : public SqliteConnectionTest {
 protected:
  void SetUp() override {
    SqliteConnectionTest::SetUp();
    writer_ = connect(dir_.sqlite_url("wal.db"));
    writer_->set_autocommit(true);
    EXPECT_EQ(scalar(*writer_, "PRAGMA journal_mode = WAL"), Value("wal"));
    writer_->set_autocommit(false);
    exec(*writer_, "CREATE TABLE t (n INTEGER)");
    exec(*writer_, "INSERT INTO t VALUES (1)");
    writer_->commit();
    reader_ = connect(dir_.sqlite_url("wal.db"));
  }
  /// Another connection inserts n and commits.
  void commit_elsewhere(int n) {
    exec(*writer_, "INSERT INTO t VALUES (?)", {Value(n)});
    writer_->commit();
  }
  std::unique_ptr<DbapiConnection> writer_;
  std::unique_ptr<DbapiConnection> reader_;
};

TEST_F(DeferredBeginTest, AFirstSelectReadOnceAndClosedKeepsItsSnapshot) {
  {
    const auto cursor = reader_->cursor();  // as session.get: one row read, the rest left
    cursor->execute("SELECT n FROM t", {});
    std::vector<Value> row;
    ASSERT_TRUE(cursor->fetch_into(row));
    EXPECT_EQ(row, std::vector<Value>{Value(1)});
  }
  EXPECT_TRUE(reader_->in_transaction());
  commit_elsewhere(2);
  EXPECT_EQ(scalar(*reader_, "SELECT count(*) FROM t"), Value(1)) << "the first SELECT's snapshot";
  reader_->rollback();
  EXPECT_FALSE(reader_->in_transaction());
  EXPECT_EQ(scalar(*reader_, "SELECT count(*) FROM t"), Value(2));
}

TEST_F(DeferredBeginTest, AFirstSelectReadToItsEndKeepsItsSnapshot) {
  EXPECT_EQ(query(*reader_, "SELECT n FROM t"), (Rows{{1}}));
  commit_elsewhere(2);
  EXPECT_EQ(query(*reader_, "SELECT n FROM t"), (Rows{{1}}));
  reader_->commit();
  EXPECT_EQ(query(*reader_, "SELECT n FROM t ORDER BY n"), (Rows{{1}, {2}}));
}

TEST_F(DeferredBeginTest, AFirstSelectWithNoRowRunsAgainInsideTheTransaction) {
  EXPECT_EQ(query(*reader_, "SELECT n FROM t WHERE n = 2"), Rows{});
  EXPECT_TRUE(reader_->in_transaction());
  commit_elsewhere(2);
  EXPECT_EQ(query(*reader_, "SELECT n FROM t WHERE n = 2"), Rows{}) << "the first SELECT's snapshot";
  reader_->rollback();
  EXPECT_EQ(query(*reader_, "SELECT n FROM t WHERE n = 2"), (Rows{{2}}));
}

TEST_F(DeferredBeginTest, AWriteAfterTheFirstSelectIsInTheSameTransaction) {
  EXPECT_EQ(scalar(*reader_, "SELECT count(*) FROM t"), Value(1));
  exec(*reader_, "INSERT INTO t VALUES (3)");
  reader_->rollback();
  EXPECT_EQ(scalar(*reader_, "SELECT count(*) FROM t"), Value(1)) << "the INSERT was rolled back";
  EXPECT_EQ(scalar(*reader_, "SELECT count(*) FROM t"), Value(1));
  exec(*reader_, "INSERT INTO t VALUES (3)");
  reader_->commit();
  EXPECT_EQ(scalar(*writer_, "SELECT count(*) FROM t"), Value(2));
}

TEST_F(DeferredBeginTest, TheFirstReadHoldsItsLockUntilTheTransactionEnds) {
  // Without WAL a read holds a shared lock, which a writer's COMMIT must wait for.
  const auto reader = connect(dir_.sqlite_url("journal.db") + "?timeout=0");
  const auto writer = connect(dir_.sqlite_url("journal.db") + "?timeout=0");
  exec(*writer, "CREATE TABLE t (n INTEGER)");
  exec(*writer, "INSERT INTO t VALUES (1)");
  writer->commit();
  {
    const auto cursor = reader->cursor();
    cursor->execute("SELECT n FROM t", {});
    std::vector<Value> row;
    ASSERT_TRUE(cursor->fetch_into(row));
  }
  exec(*writer, "INSERT INTO t VALUES (2)");
  EXPECT_THROW(writer->commit(), OperationalError) << "the reader's transaction is still open";
  reader->rollback();
  writer->commit();
  EXPECT_EQ(scalar(*reader, "SELECT count(*) FROM t"), Value(2));
}

TEST_F(DeferredBeginTest, SettingAutocommitKeepsTheOpenTransaction) {
  EXPECT_EQ(scalar(*reader_, "SELECT count(*) FROM t"), Value(1));
  reader_->set_autocommit(true);
  EXPECT_TRUE(reader_->in_transaction());
  commit_elsewhere(2);
  EXPECT_EQ(scalar(*reader_, "SELECT count(*) FROM t"), Value(1));
  reader_->rollback();
  EXPECT_FALSE(reader_->in_transaction());
  EXPECT_EQ(scalar(*reader_, "SELECT count(*) FROM t"), Value(2));
}

TEST_F(SqliteConnectionTest, CommitMakesRowsVisibleToAnotherConnection) {
  const std::string url = dir_.sqlite_url("shared.db");
  const auto writer = connect(url);
  const auto reader = connect(url);
  exec(*writer, "CREATE TABLE t (n INTEGER)");
  exec(*writer, "INSERT INTO t VALUES (1)");
  writer->commit();
  exec(*writer, "INSERT INTO t VALUES (2)");  // uncommitted: the reader must not see it
  EXPECT_EQ(scalar(*reader, "SELECT count(*) FROM t"), Value(1));
  reader->rollback();
  writer->commit();
  EXPECT_EQ(scalar(*reader, "SELECT count(*) FROM t"), Value(2));
}

TEST_F(SqliteConnectionTest, AutocommitKeepsEveryStatement) {
  exec("CREATE TABLE t (n INTEGER)");
  conn_->commit();
  conn_->set_autocommit(true);
  EXPECT_TRUE(conn_->autocommit());
  exec("INSERT INTO t VALUES (1)");
  EXPECT_FALSE(conn_->in_transaction());
  conn_->rollback();
  EXPECT_EQ(scalar("SELECT count(*) FROM t"), Value(1));
  conn_->set_autocommit(false);
  exec("INSERT INTO t VALUES (2)");
  conn_->rollback();
  EXPECT_EQ(scalar("SELECT count(*) FROM t"), Value(1));
}

TEST_F(SqliteConnectionTest, ExplicitBeginAndCommitInSqlAreNotDoubled) {
  exec("CREATE TABLE t (n INTEGER)");
  conn_->commit();
  exec("BEGIN IMMEDIATE");
  exec("INSERT INTO t VALUES (1)");
  exec("COMMIT");
  EXPECT_FALSE(conn_->in_transaction());
  conn_->rollback();
  EXPECT_EQ(scalar("SELECT count(*) FROM t"), Value(1));
}

TEST_F(SqliteConnectionTest, RolledBackSavepointLosesItsRowsAndOuterRowsStay) {
  exec("CREATE TABLE t (n INTEGER)");
  conn_->commit();
  exec("INSERT INTO t VALUES (1)");
  exec(dialect_->savepoint_sql("sp1"));
  exec("INSERT INTO t VALUES (2)");
  exec("SAVEPOINT sp2");
  exec("INSERT INTO t VALUES (3)");
  exec("RELEASE SAVEPOINT sp2");
  exec(dialect_->rollback_to_savepoint_sql("sp1"));
  exec(dialect_->release_savepoint_sql("sp1"));
  EXPECT_TRUE(conn_->in_transaction());
  conn_->commit();
  EXPECT_EQ(query("SELECT n FROM t"), (Rows{{1}}));
}

TEST_F(SqliteConnectionTest, IsolationLevelsAreSqlitesNames) {
  EXPECT_EQ(dialect_->isolation_levels(),
            (std::vector<std::string>{"SERIALIZABLE", "READ UNCOMMITTED", "AUTOCOMMIT"}));
  conn_->set_isolation_level("read uncommitted");
  EXPECT_EQ(scalar("PRAGMA read_uncommitted"), Value(1));
  conn_->set_isolation_level("SERIALIZABLE");
  EXPECT_EQ(scalar("PRAGMA read_uncommitted"), Value(0));
  try {
    conn_->set_isolation_level("READ COMMITTED");
    FAIL();
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("SERIALIZABLE"), std::string::npos) << e.what();
  }
}

TEST_F(SqliteConnectionTest, DialectSetsAutocommitAndLevels) {
  dialect_->set_isolation_level(*conn_, "AUTOCOMMIT");
  EXPECT_TRUE(conn_->autocommit());
  dialect_->set_isolation_level(*conn_, "READ UNCOMMITTED");
  EXPECT_FALSE(conn_->autocommit());
  EXPECT_EQ(scalar("PRAGMA read_uncommitted"), Value(1));
  EXPECT_THROW(dialect_->set_isolation_level(*conn_, "REPEATABLE READ"), ArgumentError);
}

TEST_F(SqliteConnectionTest, ForeignKeysAreEnforcedAfterOnConnect) {
  EXPECT_EQ(scalar("PRAGMA foreign_keys"), Value(1));
  EXPECT_FALSE(conn_->autocommit());  // on_connect restored the mode
  exec("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
  exec("CREATE TABLE child (parent_id INTEGER REFERENCES parent (id))");
  exec("INSERT INTO parent VALUES (1)");
  exec("INSERT INTO child VALUES (1)");
  try {
    exec("INSERT INTO child VALUES (2)");
    FAIL() << "a child without parent was accepted";
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.driver_code(), SQLITE_CONSTRAINT_FOREIGNKEY);
  }
  // Without on_connect SQLite leaves them off.
  const auto plain = driver_->connect(make_url("sqlite://"), {});
  EXPECT_EQ(scalar(*plain, "PRAGMA foreign_keys"), Value(0));
}

TEST_F(SqliteConnectionTest, ClosedConnectionIsInterfaceErrorAndADisconnect) {
  const auto cursor = conn_->cursor();
  conn_->close();
  conn_->close();  // idempotent
  EXPECT_FALSE(conn_->ping());
  EXPECT_FALSE(conn_->in_transaction());
  for (const auto& call : std::vector<std::function<void()>>{
           [&] { conn_->cursor(); }, [&] { conn_->commit(); }, [&] { conn_->rollback(); },
           [&] { cursor->execute("SELECT 1", {}); }}) {
    try {
      call();
      FAIL() << "a closed connection was used";
    } catch (const InterfaceError& e) {
      EXPECT_EQ(e.driver_code(), SQLITE_MISUSE);
      EXPECT_EQ(e.driver_message(), "Cannot operate on a closed database.");
      EXPECT_TRUE(dialect_->is_disconnect(e));
    }
  }
}

TEST_F(SqliteConnectionTest, OrdinaryErrorsAreNoDisconnectAndPingWorks) {
  EXPECT_TRUE(conn_->ping());
  try {
    exec("SELECT * FROM missing");
    FAIL();
  } catch (const DBAPIError& e) {
    EXPECT_FALSE(dialect_->is_disconnect(e));
  }
}

TEST_F(SqliteConnectionTest, MemoryDatabasesArePrivateAndFilesAreShared) {
  exec("CREATE TABLE t (n INTEGER)");
  const auto other = connect("sqlite:///:memory:");
  EXPECT_THROW(exec(*other, "SELECT * FROM t"), ProgrammingError);
  const auto a = connect(dir_.sqlite_url("f.db"));
  exec(*a, "CREATE TABLE t (n INTEGER)");
  a->commit();
  const auto b = connect(dir_.sqlite_url("f.db"));
  EXPECT_EQ(scalar(*b, "SELECT count(*) FROM t"), Value(0));
}

TEST_F(SqliteConnectionTest, ModeRoRefusesWritesAndConnectArgsWinOverTheUrl) {
  const auto setup = connect(dir_.sqlite_url("ro.db"));
  exec(*setup, "CREATE TABLE t (n INTEGER)");
  setup->commit();
  setup->close();
  const auto ro = connect(dir_.sqlite_url("ro.db") + "?mode=ro");
  try {
    exec(*ro, "INSERT INTO t VALUES (1)");
    FAIL();
  } catch (const OperationalError& e) {
    EXPECT_EQ(e.driver_code() & 0xff, SQLITE_READONLY);
  }
  const auto rw = connect(dir_.sqlite_url("ro.db") + "?mode=ro", {{{"mode", "rw"}}});
  EXPECT_EQ(exec(*rw, "INSERT INTO t VALUES (1)"), 1);
}

TEST_F(SqliteConnectionTest, ModeRwDoesNotCreateAndNamesTheFile) {
  const std::string url = dir_.sqlite_url("missing.db") + "?mode=rw";
  try {
    connect(url);
    FAIL();
  } catch (const OperationalError& e) {
    EXPECT_EQ(e.driver_code() & 0xff, SQLITE_CANTOPEN);
    EXPECT_NE(std::string(e.what()).find("missing.db"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "missing.db"));
}

TEST_F(SqliteConnectionTest, UnknownOrBadConnectArgumentsAreArgumentErrors) {
  try {
    connect("sqlite:///:memory:?check_same_thread=false");
    FAIL();
  } catch (const ArgumentError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("check_same_thread"), std::string::npos) << message;
    EXPECT_NE(message.find("mode, timeout, uri"), std::string::npos) << message;
  }
  EXPECT_THROW(connect("sqlite://", {{{"isolation_level", "x"}}}), ArgumentError);
  EXPECT_THROW(connect("sqlite://?timeout=soon"), ArgumentError);
  EXPECT_THROW(connect("sqlite://?timeout=-1"), ArgumentError);
  EXPECT_THROW(connect("sqlite://?mode=wr"), ArgumentError);
  EXPECT_THROW(connect("sqlite://?uri=maybe"), ArgumentError);
  EXPECT_NO_THROW(connect("sqlite://?timeout=0.5"));
}

TEST_F(SqliteConnectionTest, UriWithSharedCacheMemoryIsOneDatabaseForTwoConnections) {
  const std::string url = "sqlite:///file:crucible_shared_mem?mode=memory&cache=shared&uri=true";
  const auto a = connect(url);
  const auto b = connect(url);
  exec(*a, "CREATE TABLE t (n INTEGER)");
  exec(*a, "INSERT INTO t VALUES (7)");
  a->commit();
  EXPECT_EQ(scalar(*b, "SELECT n FROM t"), Value(7));
  EXPECT_EQ(dialect_->default_pool_class(make_url(url)), PoolClass::kStaticPool);
}

TEST_F(SqliteConnectionTest, DefaultPoolIsStaticForMemoryAndQueueForFiles) {
  EXPECT_EQ(dialect_->default_pool_class(make_url("sqlite://")), PoolClass::kStaticPool);
  EXPECT_EQ(dialect_->default_pool_class(make_url("sqlite:///:memory:")), PoolClass::kStaticPool);
  EXPECT_EQ(dialect_->default_pool_class(make_url("sqlite:///rel.db")), PoolClass::kQueuePool);
  EXPECT_EQ(dialect_->default_pool_class(make_url("sqlite:////abs/x.db")), PoolClass::kQueuePool);
  EXPECT_EQ(dialect_->default_pool_class(make_url("sqlite:///file:x.db?uri=true")),
            PoolClass::kQueuePool);
  EXPECT_EQ(dialect_->default_pool_class(make_url("sqlite:///file::memory:?uri=true")),
            PoolClass::kStaticPool);
  EXPECT_EQ(dialect_->default_pool_class(make_url("sqlite:///file:x?mode=ro&uri=true")),
            PoolClass::kQueuePool);
}

TEST_F(SqliteConnectionTest, BusyTimeoutLetsAWriterWaitThenFails) {
  const std::string url = dir_.sqlite_url("busy.db");
  const auto holder = connect(url);
  exec(*holder, "CREATE TABLE t (n INTEGER)");
  holder->commit();
  exec(*holder, "INSERT INTO t VALUES (1)");  // holds the write lock
  const auto waiter = connect(url, {{{"timeout", "0.1"}}});
  try {
    exec(*waiter, "INSERT INTO t VALUES (2)");
    FAIL();
  } catch (const OperationalError& e) {
    EXPECT_EQ(e.driver_code() & 0xff, SQLITE_BUSY);
  }
}

TEST_F(SqliteConnectionTest, FeaturesDescribeSqlite) {
  const DialectFeatures& f = dialect_->features();
  EXPECT_TRUE(f.supports_returning);
  EXPECT_TRUE(f.supports_multivalues_insert);
  EXPECT_FALSE(f.supports_native_boolean);
  EXPECT_FALSE(f.supports_native_uuid);
  EXPECT_TRUE(f.supports_savepoints);
  EXPECT_TRUE(f.supports_transactional_ddl);
  EXPECT_EQ(f.upsert_style, UpsertStyle::kOnConflict);
}

TEST_F(SqliteConnectionTest, SplitScriptKeepsTriggerBodiesWhole) {
  const std::string script = R"(
    -- a script with a trigger
    CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT);
    CREATE TABLE log (msg TEXT);
    CREATE TRIGGER item_ins AFTER INSERT ON item BEGIN
      INSERT INTO log VALUES ('added; ' || NEW.name);
      UPDATE item SET name = upper(name) WHERE id = NEW.id;
    END;
    /* a comment; with a separator */
    INSERT INTO item (name) VALUES ('semi;colon');;
    INSERT INTO item (name) VALUES ('b')
  )";
  const std::vector<std::string> statements = dialect_->split_script(script);
  ASSERT_EQ(statements.size(), 5u);
  EXPECT_EQ(statements[2].rfind("CREATE TRIGGER", 0), 0u) << statements[2];
  EXPECT_EQ(statements[2].substr(statements[2].size() - 3), "END");
  for (const auto& statement : statements) exec(statement);
  EXPECT_EQ(query("SELECT name FROM item ORDER BY id"), (Rows{{"SEMI;COLON"}, {"B"}}));
  EXPECT_EQ(query("SELECT msg FROM log"), (Rows{{"added; semi;colon"}, {"added; b"}}));
  EXPECT_TRUE(dialect_->split_script(" ; -- nothing\n").empty());
  EXPECT_THROW(dialect_->split_script("SELECT 'unterminated"), ArgumentError);
  EXPECT_THROW(dialect_->split_script("CREATE TRIGGER x AFTER INSERT ON item BEGIN SELECT 1;"),
               ArgumentError);
}

}  // namespace
