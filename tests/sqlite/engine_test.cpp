// Engine, Connection, Transaction and Result on real SQLite through the plugin the registry
// loads from the build tree, as a program would.
#include <gtest/gtest.h>

#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

#include "crucible/crucible.hpp"
#include "test_support.hpp"

using namespace crucible;
using crucible::testing::TempDir;

namespace {

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_.emplace(create_engine(dir_.sqlite_url("engine.db")));
    engine_->begin([](Connection& conn) {
      conn.execute(text("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, "
                        "email VARCHAR(120) UNIQUE)"));
    });
  }
  std::int64_t count(Connection& conn) {
    return conn.execute(text("SELECT count(*) FROM users")).scalar().as<std::int64_t>();
  }
  Engine& engine() { return *engine_; }

  TempDir dir_;
  std::optional<Engine> engine_;
};

}  // namespace

TEST_F(EngineTest, BeginCommitsWhenTheBlockReturns) {
  engine().begin([](Connection& conn) {
    conn.execute(text("INSERT INTO users (name, email) VALUES (:name, :email)"),
                 {{"name", "Alice"}, {"email", "alice@example.com"}});
  });
  auto conn = engine().connect();
  EXPECT_EQ(conn.execute(text("SELECT email FROM users WHERE name = :n"), {{"n", "Alice"}})
                .scalar_one()
                .as<std::string>(),
            "alice@example.com");
}

TEST_F(EngineTest, BeginRollsBackWhenTheBlockThrows) {
  EXPECT_THROW(engine().begin([](Connection& conn) {
    conn.execute(text("INSERT INTO users (name) VALUES ('Alice')"));
    throw std::runtime_error("stop");
  }),
               std::runtime_error);
  auto conn = engine().connect();
  EXPECT_EQ(count(conn), 0);
}

TEST_F(EngineTest, ClosingWithoutCommitRollsBack) {
  {
    auto conn = engine().connect();
    conn.execute(text("INSERT INTO users (name) VALUES ('Alice')"));
    EXPECT_TRUE(conn.in_transaction()) << "execute() begins a transaction (autobegin)";
  }
  auto conn = engine().connect();
  EXPECT_EQ(count(conn), 0);
}

TEST_F(EngineTest, CommitMakesRowsVisibleToOtherConnections) {
  auto writer = engine().connect();
  writer.execute(text("INSERT INTO users (name) VALUES ('Alice')"));
  writer.commit();
  EXPECT_FALSE(writer.in_transaction());
  auto reader = engine().connect();
  EXPECT_EQ(count(reader), 1);
}

TEST_F(EngineTest, RolledBackSavepointLosesItsRowsAndTheOuterTransactionKeepsItsOwn) {
  {
    auto conn = engine().connect();
    Transaction outer = conn.begin();
    conn.execute(text("INSERT INTO users (name) VALUES ('outer')"));
    {
      Transaction inner = conn.begin_nested();
      EXPECT_TRUE(conn.in_nested_transaction());
      conn.execute(text("INSERT INTO users (name) VALUES ('inner')"));
      inner.rollback();
      EXPECT_FALSE(inner.is_active());
    }
    {
      Transaction kept = conn.begin_nested();
      conn.execute(text("INSERT INTO users (name) VALUES ('kept')"));
      kept.commit();
    }
    outer.commit();
  }
  auto conn = engine().connect();
  auto names =
      conn.execute(text("SELECT name FROM users ORDER BY id")).scalars().all_as<std::string>();
  EXPECT_EQ(names, (std::vector<std::string>{"outer", "kept"}));
}

TEST_F(EngineTest, AbandonedSavepointRollsBackWhenDestroyed) {
  auto conn = engine().connect();
  Transaction outer = conn.begin();
  conn.execute(text("INSERT INTO users (name) VALUES ('outer')"));
  {
    Transaction inner = conn.begin_nested();
    conn.execute(text("INSERT INTO users (name) VALUES ('lost')"));
  }
  outer.commit();
  EXPECT_EQ(count(conn), 1);
}

TEST_F(EngineTest, CommittingTheRootDeactivatesNestedTransactions) {
  auto conn = engine().connect();
  Transaction outer = conn.begin();
  Transaction inner = conn.begin_nested();
  outer.commit();
  EXPECT_FALSE(inner.is_active());
  EXPECT_THROW(inner.commit(), InvalidRequestError);
}

TEST_F(EngineTest, BeginTwiceIsRefused) {
  auto conn = engine().connect();
  conn.execute(text("SELECT 1"));
  EXPECT_THROW(conn.begin(), InvalidRequestError);
}

TEST_F(EngineTest, ExecutemanyInsertsEverySetAndReportsTheTotalRowcount) {
  auto conn = engine().connect();
  auto result = conn.execute(text("INSERT INTO users (name, email) VALUES (:name, :email)"),
                             {{{"name", "Alice"}, {"email", "a@x"}},
                              {{"name", "Bob"}, {"email", "b@x"}},
                              {{"name", "Carol"}, {"email", nullptr}}});
  EXPECT_EQ(result.rowcount(), 3);
  EXPECT_FALSE(result.returns_rows());
  EXPECT_THROW(result.all(), ResourceClosedError);
  conn.commit();
  auto rows = conn.execute(text("SELECT name, email FROM users ORDER BY name")).all();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].get<std::string>("name"), "Bob");
  EXPECT_TRUE(rows[2]["email"].is_null());
}

TEST_F(EngineTest, FailedExecutemanyLeavesNothingAfterRollback) {
  auto conn = engine().connect();
  EXPECT_THROW(
      conn.execute(text("INSERT INTO users (name, email) VALUES (:name, :email)"),
                   {{{"name", "A"}, {"email", "same"}}, {{"name", "B"}, {"email", "same"}}}),
      IntegrityError);
  conn.rollback();
  EXPECT_EQ(count(conn), 0);
}

TEST_F(EngineTest, MissingBindParameterNamesIt) {
  auto conn = engine().connect();
  try {
    conn.execute(text("SELECT * FROM users WHERE name = :name"), {{"nam", "x"}});
    FAIL();
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("'name'"), std::string::npos) << e.what();
  }
}

TEST_F(EngineTest, ResultAccessors) {
  engine().begin([](Connection& conn) {
    conn.execute(text("INSERT INTO users (name, email) VALUES (:n, :e)"),
                 {{{"n", "Alice"}, {"e", "a@x"}}, {{"n", "Bob"}, {"e", "b@x"}}});
  });
  auto conn = engine().connect();
  const auto all = text("SELECT id, name, email FROM users ORDER BY id");
  EXPECT_EQ(conn.execute(all).keys(), (std::vector<std::string>{"id", "name", "email"}));
  EXPECT_EQ(conn.execute(all).first()->get<std::string>("name"), "Alice");
  EXPECT_THROW(conn.execute(all).one(), MultipleResultsFound);
  EXPECT_THROW(conn.execute(text("SELECT * FROM users WHERE id < 0")).one(), NoResultFound);
  EXPECT_FALSE(conn.execute(text("SELECT * FROM users WHERE id < 0")).one_or_none().has_value());
  EXPECT_TRUE(conn.execute(text("SELECT * FROM users WHERE id < 0")).scalar().is_null());
  EXPECT_EQ(conn.execute(text("SELECT name FROM users WHERE id = 2")).one()[0].as<std::string>(),
            "Bob");
  auto maps = conn.execute(all).mappings().all();
  ASSERT_EQ(maps.size(), 2u);
  EXPECT_EQ(maps[1]["email"].as<std::string>(), "b@x");
  EXPECT_TRUE(maps[0].contains("id"));
  auto emails = conn.execute(all).scalars(2).all_as<std::string>();
  EXPECT_EQ(emails, (std::vector<std::string>{"a@x", "b@x"}));
  std::vector<std::string> seen;
  for (const Row& row : conn.execute(all)) seen.push_back(row.get<std::string>(1));
  EXPECT_EQ(seen, (std::vector<std::string>{"Alice", "Bob"}));
  auto closed = conn.execute(all);
  closed.close();
  EXPECT_THROW(closed.fetchone(), ResourceClosedError);
}

TEST_F(EngineTest, YieldPerStreamsInPartitions) {
  auto conn = engine().connect();
  std::vector<Params> sets;
  for (int i = 0; i < 250; ++i) sets.push_back({{"n", "user" + std::to_string(i)}});
  conn.execute(text("INSERT INTO users (name) VALUES (:n)"), sets);
  auto result = conn.execute(text("SELECT id FROM users ORDER BY id"));
  result.yield_per(100);
  std::vector<std::size_t> sizes;
  for (auto part = result.partition(); !part.empty(); part = result.partition())
    sizes.push_back(part.size());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{100, 100, 50}));
  EXPECT_THROW(result.yield_per(0), ArgumentError);
}

TEST_F(EngineTest, ClosingTheConnectionClosesItsOpenResults) {
  auto conn = engine().connect();
  conn.execute(text("INSERT INTO users (name) VALUES ('a'), ('b')"));
  Result result = conn.execute(text("SELECT name FROM users"));
  ASSERT_TRUE(result.fetchone().has_value());
  conn.close();
  EXPECT_THROW(result.fetchone(), ResourceClosedError);
  EXPECT_THROW(conn.execute(text("SELECT 1")), ResourceClosedError);
}

TEST_F(EngineTest, LastrowidAndRowcount) {
  auto conn = engine().connect();
  auto inserted = conn.execute(text("INSERT INTO users (name) VALUES ('a')"));
  EXPECT_EQ(inserted.rowcount(), 1);
  ASSERT_TRUE(inserted.lastrowid().has_value());
  EXPECT_EQ(*inserted.lastrowid(), 1);
  conn.execute(text("INSERT INTO users (name) VALUES ('b')"));
  EXPECT_EQ(conn.execute(text("UPDATE users SET name = 'c'")).rowcount(), 2);
}

TEST_F(EngineTest, ExecDriverSqlUsesTheDriversParamstyle) {
  auto conn = engine().connect();
  std::vector<Value> values{Value("Zed")};
  conn.exec_driver_sql("INSERT INTO users (name) VALUES (?)", values);
  EXPECT_EQ(conn.exec_driver_sql("SELECT name FROM users").scalar().as<std::string>(), "Zed");
}

TEST_F(EngineTest, QueuePoolLimitsConnectionsAndTimesOut) {
  auto small = create_engine(dir_.sqlite_url("engine.db"),
                             {.pool_size = 1, .max_overflow = 0, .pool_timeout = 0.1});
  auto a = small.connect();
  EXPECT_THROW(small.connect(), crucible::TimeoutError);
  a.close();
  EXPECT_NO_THROW(small.connect());
}

TEST(EngineMemoryTest, InMemoryDatabaseKeepsItsContentsAcrossConnections) {
  auto engine = create_engine("sqlite://");
  engine.begin([](Connection& conn) {
    conn.execute(text("CREATE TABLE t (x INTEGER)"));
    conn.execute(text("INSERT INTO t VALUES (1)"));
  });
  auto conn = engine.connect();
  EXPECT_EQ(conn.execute(text("SELECT x FROM t")).scalar().as<int>(), 1);
  EXPECT_EQ(engine.pool().status(), "StaticPool");
}

TEST(EngineMemoryTest, IsolationLevelAutocommitKeepsEachStatement) {
  auto engine = create_engine("sqlite://", {.isolation_level = "AUTOCOMMIT"});
  auto conn = engine.connect();
  EXPECT_TRUE(conn.dbapi_connection().autocommit());
  EXPECT_THROW(create_engine("sqlite://", {.isolation_level = "SNAPSHOT"}), ArgumentError);
}

TEST(EngineMemoryTest, PrePingReplacesAConnectionClosedUnderneath) {
  TempDir dir;
  auto engine = create_engine(dir.sqlite_url("ping.db"), {.pool_size = 1, .pool_pre_ping = true});
  {
    auto conn = engine.connect();
    conn.execute(text("CREATE TABLE t (x INTEGER)"));
    conn.commit();
    conn.dbapi_connection().close();  // the database "goes away" under the pool
  }
  auto conn = engine.connect();
  EXPECT_EQ(conn.execute(text("SELECT count(*) FROM t")).scalar().as<int>(), 0);
}

namespace {
// Collects what the "crucible.engine" logger is sent.
class CaptureChannel : public Poco::Channel {
 public:
  void log(const Poco::Message& msg) override { lines.push_back(msg.getText()); }
  std::vector<std::string> lines;
};
}  // namespace

TEST(EngineEchoTest, EchoLogsStatementsAndParametersButNeverThePassword) {
  Poco::AutoPtr<CaptureChannel> capture(new CaptureChannel);
  Poco::Logger& logger = Poco::Logger::get("crucible.engine");
  logger.setChannel(capture);
  logger.setLevel(Poco::Message::PRIO_INFORMATION);
  TempDir dir;
  auto engine = create_engine("sqlite://scott:tiger-secret@/" + (dir.path() / "echo.db").string(),
                              {.echo = true});
  auto conn = engine.connect();
  conn.execute(text("SELECT :word"), {{"word", "hello"}});
  conn.commit();
  std::string all;
  for (const auto& line : capture->lines) all += line + "\n";
  EXPECT_NE(all.find("BEGIN (implicit)"), std::string::npos) << all;
  EXPECT_NE(all.find("SELECT ?"), std::string::npos) << all;
  EXPECT_NE(all.find("('hello',)"), std::string::npos) << all;
  EXPECT_NE(all.find("COMMIT"), std::string::npos) << all;
  EXPECT_EQ(all.find("tiger-secret"), std::string::npos) << all;
  EXPECT_EQ(engine.url().render().find("tiger-secret"), std::string::npos);
  logger.setChannel(nullptr);
}
