// Faults against real servers (issue 8, item 3). The server's side of a connection killed in
// the middle of a transaction (pg_terminate_backend, MariaDB's KILL CONNECTION): the next
// statement fails with OperationalError marked connection_invalidated, nothing of the
// transaction is visible (counted from another connection), the pool drops that connection and
// the older ones, and the next checkout works. A server restarted under an idle pool (on a server
// of the test's own): with pre-ping the next use just works; without, the first statement fails
// as a disconnect and the next one reconnects. An exhausted pool: TimeoutError within its
// timeout, on every backend. (A plugin whose client library is missing at run time is refused
// with a PluginError: tests/unit/registry_test.cpp.)
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "backend_fixture.hpp"
#include "private_server.hpp"

using namespace crucible;

namespace {

class FaultTest : public crucible::testing::BackendTest {
 protected:
  /// Kills the server's side of victim from another connection and returns once it is gone.
  void kill_server_side(Connection& victim) {
    if (backend() == "postgresql") {
      const Value pid = victim.execute(text("SELECT pg_backend_pid()")).scalar_one();
      auto killer = admin().connect();
      // With a timeout, pg_terminate_backend waits until the backend has exited (PostgreSQL 14+).
      EXPECT_TRUE(killer
                      .execute(text("SELECT pg_terminate_backend(CAST(:pid AS INTEGER), 5000)"),
                               {{"pid", pid}})
                      .scalar_one()
                      .as<bool>());
    } else {
      const std::int64_t id =
          victim.execute(text("SELECT CONNECTION_ID()")).scalar_one().as<std::int64_t>();
      auto killer = admin().connect();
      // KILL takes no parameter markers; id is the server's own integer.
      killer.exec_driver_sql("KILL CONNECTION " + std::to_string(id));
    }
  }
};

class ServerFaultTest : public FaultTest {};

std::int64_t select_one(Engine& engine) {
  auto conn = engine.connect();
  return conn.execute(text("SELECT 1")).scalar_one().as<std::int64_t>();
}

}  // namespace

TEST_P(ServerFaultTest, KilledMidTransaction_OperationalErrorNothingVisibleAndThePoolRecovers) {
  ASSERT_FALSE(url().empty());
  admin_exec("CREATE TABLE " + table() + " (id INTEGER PRIMARY KEY)");
  int invalidations = 0, connects = 0;  // before the Engine, whose listeners use them
  std::string invalidated_by;
  Engine engine = create_engine(url(), {.pool_pre_ping = true});
  engine.events().on_invalidate([&](const PoolEvent& e) {
    ++invalidations;
    if (e.error != nullptr) invalidated_by = e.error->what();
  });
  engine.events().on_connect([&](const PoolEvent&) { ++connects; });
  {  // two idle connections in the pool, opened before the kill
    auto a = engine.connect();
    auto b = engine.connect();
  }
  ASSERT_EQ(connects, 2);

  auto victim = engine.connect();
  victim.execute(text("INSERT INTO " + table() + " (id) VALUES (:id)"),
                 std::vector<Params>{{{"id", 1}}, {{"id", 2}}, {{"id", 3}}});
  ASSERT_TRUE(victim.in_transaction());
  kill_server_side(victim);
  try {
    victim.execute(text("INSERT INTO " + table() + " (id) VALUES (4)"));
    victim.commit();
    FAIL() << "a statement on a killed connection succeeded";
  } catch (const OperationalError& e) {
    EXPECT_TRUE(e.connection_invalidated()) << e.what();
    EXPECT_TRUE(engine.dialect().is_disconnect(e)) << e.what();
  }
  EXPECT_TRUE(victim.invalidated());
  EXPECT_THROW(victim.execute(text("SELECT 1")), ResourceClosedError)
      << "an invalidated Connection refuses further statements";
  victim.close();
  EXPECT_EQ(invalidations, 1);
  EXPECT_FALSE(invalidated_by.empty()) << "the invalidate event shows the disconnect error";

  EXPECT_EQ(count_rows(), 0) << "nothing of the killed transaction is visible";
  EXPECT_EQ(engine.pool().checkedout(), 0);

  // The next checkouts work: the idle connections opened before the kill are replaced.
  engine.begin([&](Connection& conn) {
    conn.execute(text("INSERT INTO " + table() + " (id) VALUES (10)"));
  });
  EXPECT_EQ(select_one(engine), 1);
  EXPECT_EQ(count_rows(), 1);
  EXPECT_EQ(connects, 3) << "one new connection; the older idle ones were not handed out";
}

TEST_P(ServerFaultTest, ServerRestartedUnderAnIdlePool_TheNextUseReconnects) {
  crucible::testing::PrivateServer server(backend());
  Engine pinged = create_engine(server.url(), {.pool_pre_ping = true});
  Engine plain = create_engine(server.url());
  for (Engine* engine : {&pinged, &plain}) {  // two idle connections in each pool
    auto a = engine->connect();
    auto b = engine->connect();
    EXPECT_EQ(a.execute(text("SELECT 1")).scalar_one().as<std::int64_t>(), 1);
  }
  server.restart();

  EXPECT_EQ(select_one(pinged), 1) << "pre-ping found the dead connection and replaced it";

  try {
    select_one(plain);
    ADD_FAILURE() << "without pre-ping the first statement meets the dead connection";
  } catch (const DBAPIError& e) {
    EXPECT_NE(dynamic_cast<const OperationalError*>(&e), nullptr) << e.what();
    EXPECT_TRUE(e.connection_invalidated()) << e.what();
  }
  int connects = 0;
  plain.events().on_connect([&](const PoolEvent&) { ++connects; });
  EXPECT_EQ(select_one(plain), 1);
  EXPECT_EQ(select_one(plain), 1);
  EXPECT_EQ(connects, 1) << "the pool was invalidated: its other old connection was not reused";
}

TEST_P(FaultTest, ExhaustedPool_TimeoutErrorWithinTheTimeout) {
  ASSERT_FALSE(url().empty());
  Engine engine = create_engine(url(), {.pool_size = 1, .max_overflow = 0, .pool_timeout = 0.3});
  auto held = engine.connect();
  const auto start = std::chrono::steady_clock::now();
  try {
    engine.connect();
    FAIL() << "an exhausted pool handed out a connection";
  } catch (const TimeoutError& e) {
    const double waited =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_GE(waited, 0.29) << "gave up before its timeout";
    EXPECT_LT(waited, 5.0) << "waited far past its timeout";
    EXPECT_NE(std::string(e.what()).find("Current Checked out connections: 1"), std::string::npos)
        << e.what();
  }
  held.close();
  EXPECT_EQ(select_one(engine), 1) << "the connection given back is handed out again";
}

CRUCIBLE_RELIABILITY_SERVERS(ServerFaultTest);
CRUCIBLE_RELIABILITY_BACKENDS(FaultTest);
