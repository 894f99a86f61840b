// Engine events (events.hpp) on real SQLite: which statements fire before_/after_cursor_execute,
// with what, how listeners are removed and what a throwing listener does. SQLite's dialect has
// use_insertmanyvalues off, so an executemany without RETURNING is one driver executemany here;
// the multi-row pages of an insertmanyvalues executemany are counted on PostgreSQL and MariaDB
// (their returning_many tests), and the RETURNING pages in ../returning_many_cases.hpp.
#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "crucible/crucible.hpp"
#include "test_support.hpp"

using namespace crucible;
using crucible::testing::TempDir;

namespace {

// What one event showed, copied (the event's views live only during the call).
struct Seen {
  std::string statement;
  std::vector<Value> parameters;
  std::size_t sets{0};  // parameter_sets->size(), 0 when null
  bool executemany{false};
  Connection* connection{nullptr};
};

Seen copy(const CursorExecuteEvent& e) {
  return {std::string(e.statement), std::vector<Value>(e.parameters.begin(), e.parameters.end()),
          e.parameter_sets != nullptr ? e.parameter_sets->size() : 0, e.executemany, e.connection};
}

class EngineEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_.emplace(create_engine(dir_.sqlite_url("events.db")));
    engine_->begin([](Connection& conn) {
      conn.execute(text("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, "
                        "email VARCHAR(120) UNIQUE)"));
    });
  }
  Engine& engine() { return *engine_; }
  // Records every before_ and after_ event from now on.
  void record() {
    engine().events().on_before_cursor_execute(
        [this](const auto& e) { before_.push_back(copy(e)); });
    engine().events().on_after_cursor_execute([this](const auto& e) { after_.push_back(copy(e)); });
  }
  std::int64_t count(Connection& conn) {
    return conn.execute(text("SELECT count(*) FROM users")).scalar().as<std::int64_t>();
  }

  TempDir dir_;
  std::optional<Engine> engine_;
  MetaData metadata_;
  Table users_{"users", metadata_, Column{"id", Integer{}, primary_key},
               Column{"name", String{50}, nullable(false)}, Column{"email", String{120}, unique}};
  std::vector<Seen> before_, after_;
};

}  // namespace

TEST_F(EngineEventsTest, Execute_FiresBeforeAndAfterOnceWithTheStatementAndItsValues) {
  record();
  auto conn = engine().connect();
  conn.execute(insert(users_), {{"name", "Alice"}, {"email", "a@x"}});
  ASSERT_EQ(before_.size(), 1u);
  ASSERT_EQ(after_.size(), 1u);
  EXPECT_EQ(before_[0].statement, "INSERT INTO users (name, email) VALUES (?, ?)");
  EXPECT_EQ(before_[0].parameters, (std::vector<Value>{"Alice", "a@x"}));
  EXPECT_FALSE(before_[0].executemany);
  EXPECT_EQ(before_[0].sets, 0u);
  EXPECT_EQ(before_[0].connection, &conn);
  EXPECT_EQ(after_[0].statement, before_[0].statement);
}

TEST_F(EngineEventsTest, Executemany_FiresOnceWithEveryParameterSet) {
  record();
  auto conn = engine().connect();
  const auto result =
      conn.execute(insert(users_), {{{"name", "A"}}, {{"name", "B"}}, {{"name", "C"}}});
  EXPECT_EQ(result.rowcount(), 3);
  ASSERT_EQ(before_.size(), 1u);
  EXPECT_TRUE(before_[0].executemany);
  EXPECT_EQ(before_[0].sets, 3u);
  EXPECT_TRUE(before_[0].parameters.empty());
  EXPECT_EQ(after_.size(), 1u);
}

TEST_F(EngineEventsTest, ExecDriverSqlAndSavepointsFireButBeginAndCommitDoNot) {
  auto conn = engine().connect();
  Transaction tx = conn.begin();
  record();
  conn.exec_driver_sql("INSERT INTO users (name) VALUES (?)", std::vector<Value>{"Alice"});
  {
    Transaction savepoint = conn.begin_nested();
    savepoint.commit();
  }
  tx.commit();
  std::vector<std::string> statements;
  for (const Seen& s : before_) statements.push_back(s.statement);
  EXPECT_EQ(statements, (std::vector<std::string>{"INSERT INTO users (name) VALUES (?)",
                                                  "SAVEPOINT sa_savepoint_1",
                                                  "RELEASE SAVEPOINT sa_savepoint_1"}));
  EXPECT_EQ(after_.size(), 3u);
}

TEST_F(EngineEventsTest, ListenerSeesTheConnectionsDialect) {
  std::string dialect;
  engine().events().on_before_cursor_execute(
      [&](const CursorExecuteEvent& e) { dialect = std::string(e.connection->dialect().name()); });
  engine().connect().execute(text("SELECT 1"));
  EXPECT_EQ(dialect, "sqlite");
}

TEST_F(EngineEventsTest, ListenersAreSharedByEveryConnectionAndCopyOfTheEngine) {
  int calls = 0;
  const Engine copy = engine();  // NOLINT(performance-unnecessary-copy-initialization)
  copy.events().on_before_cursor_execute([&](const CursorExecuteEvent&) { ++calls; });
  engine().connect().execute(text("SELECT 1"));
  copy.connect().execute(text("SELECT 2"));
  EXPECT_EQ(calls, 2);
}

TEST_F(EngineEventsTest, MovedConnectionIsTheOneTheEventShows) {
  Connection* seen = nullptr;
  engine().events().on_before_cursor_execute(
      [&](const CursorExecuteEvent& e) { seen = e.connection; });
  auto first = engine().connect();
  Connection moved = std::move(first);
  moved.execute(text("SELECT 1"));
  EXPECT_EQ(seen, &moved);
}

TEST_F(EngineEventsTest, RemovedListenerIsNotCalledAgainAndRemovingTwiceIsRefused) {
  int calls = 0;
  const ListenerId id =
      engine().events().on_before_cursor_execute([&](const CursorExecuteEvent&) { ++calls; });
  auto conn = engine().connect();
  conn.execute(text("SELECT 1"));
  engine().events().remove(id);
  EXPECT_FALSE(engine().events().has_cursor_listeners());
  conn.execute(text("SELECT 1"));
  EXPECT_EQ(calls, 1);
  EXPECT_THROW(engine().events().remove(id), InvalidRequestError);
}

TEST_F(EngineEventsTest, EmptyListenerIsRefused) {
  EXPECT_THROW(engine().events().on_before_cursor_execute({}), ArgumentError);
  EXPECT_THROW(engine().events().on_after_cursor_execute({}), ArgumentError);
  EXPECT_FALSE(engine().events().has_cursor_listeners());
}

TEST_F(EngineEventsTest, ThrowingBeforeListenerStopsTheStatement) {
  const ListenerId id = engine().events().on_before_cursor_execute(
      [](const CursorExecuteEvent&) { throw std::runtime_error("refused by the listener"); });
  int after = 0;
  engine().events().on_after_cursor_execute([&](const CursorExecuteEvent&) { ++after; });
  auto conn = engine().connect();
  EXPECT_THROW(conn.execute(insert(users_), {{"name", "Alice"}}), std::runtime_error);
  EXPECT_EQ(after, 0);
  engine().events().remove(id);
  EXPECT_EQ(count(conn), 0) << "the INSERT was never sent";
}

TEST_F(EngineEventsTest, AfterListenerIsNotCalledWhenTheStatementFails) {
  record();
  auto conn = engine().connect();
  EXPECT_THROW(conn.execute(insert(users_), {{{"name", "A"}, {"email", "same"}},
                                             {{"name", "B"}, {"email", "same"}}}),
               IntegrityError);
  EXPECT_EQ(before_.size(), 1u);
  EXPECT_TRUE(after_.empty());
}

TEST_F(EngineEventsTest, ListenerMayRemoveItselfWhileFiring) {
  int calls = 0;
  std::optional<ListenerId> id;
  id = engine().events().on_before_cursor_execute([&](const CursorExecuteEvent&) {
    ++calls;
    engine().events().remove(*id);
  });
  auto conn = engine().connect();
  conn.execute(text("SELECT 1"));
  conn.execute(text("SELECT 2"));
  EXPECT_EQ(calls, 1);
}

// ---- pool events ----------------------------------------------------------------------------

TEST_F(EngineEventsTest, ConnectListener_ConfiguresEveryNewConnection_AlsoAfterDispose) {
  int connects = 0;
  engine().events().on_connect([&](const PoolEvent& e) {
    ++connects;
    e.dbapi->cursor()->execute("PRAGMA busy_timeout = 1234", {});
  });
  engine().dispose();  // the connection made by SetUp predates the listener
  for (int round = 0; round < 2; ++round) {
    auto conn = engine().connect();
    EXPECT_EQ(conn.execute(text("PRAGMA busy_timeout")).scalar().as<std::int64_t>(), 1234);
    conn.close();
    engine().dispose();  // the listener stays with the Engine's next pool
  }
  EXPECT_EQ(connects, 2);
}

TEST_F(EngineEventsTest, CheckoutCheckinAndReset_FireOncePerBorrow_AndStopWhenRemoved) {
  std::string log;
  std::vector<ListenerId> ids{
      engine().events().on_checkout([&](const PoolEvent&) { log += 'O'; }),
      engine().events().on_reset([&](const PoolEvent& e) {
        log += e.reset == ResetOnReturn::kRollback ? 'R' : '?';
      }),
      engine().events().on_checkin([&](const PoolEvent&) { log += 'I'; })};
  EXPECT_TRUE(engine().events().has_pool_listeners());
  engine().connect().execute(text("SELECT 1"));
  engine().begin([](Connection& conn) { conn.execute(text("SELECT 1")); });
  EXPECT_EQ(log, "ORIORI");
  for (ListenerId id : ids) engine().events().remove(id);
  EXPECT_FALSE(engine().events().has_pool_listeners());
  engine().connect().execute(text("SELECT 1"));
  EXPECT_EQ(log, "ORIORI");
  EXPECT_THROW(engine().events().on_checkout({}), ArgumentError);
}

TEST_F(EngineEventsTest, InvalidatedConnection_IsReportedAndClosed) {
  std::string log;
  const ListenerId invalidate = engine().events().on_invalidate([&](const PoolEvent& e) {
    log += 'V';
    EXPECT_EQ(e.error, nullptr) << "invalidated by hand, not by an error";
  });
  const ListenerId close = engine().events().on_close([&](const PoolEvent&) { log += 'L'; });
  auto conn = engine().connect();
  conn.invalidate();
  conn.close();
  EXPECT_EQ(log, "VL");
  auto next = engine().connect();
  EXPECT_EQ(count(next), 0) << "the next checkout opens a new connection that works";
  // The Engine outlives log: its pool's last connection is closed when the fixture ends.
  engine().events().remove(invalidate);
  engine().events().remove(close);
}
