// Interrupting awaited calls (issue 9, item 3) on every backend: a call past its command_timeout,
// or cancel()ed from another coroutine, has its statement stopped on the server (PostgreSQL's
// PQcancel, MariaDB's KILL QUERY, sqlite3_interrupt) and throws CommandTimeoutError or
// CancelledError; the transaction is rolled back, and the connection goes on working, or is
// invalidated when the server did not end the statement within cancel_grace. A borrower waiting
// for the pool stops waiting at its deadline.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "async_fixture.hpp"

namespace crucible::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

class AsyncCancelTest : public AsyncTest {
 protected:
  /// A statement that would run for many seconds on the test's backend.
  std::string slow() const {
    if (backend() == "postgresql") return "SELECT pg_sleep(30)";
    if (backend() == "mariadb") return "SELECT SLEEP(30)";
    // SQLite: a recursive count to a billion, minutes of work
    return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) "
           "SELECT MAX(x) FROM c";
  }
  static double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
  }
  /// Authors in the database, counted on a connection of its own.
  std::int64_t authors() {
    return run([this]() -> awaitable<std::int64_t> {
      AsyncConnection conn = co_await async_->connect();
      Result r = co_await conn.exec_driver_sql("SELECT COUNT(*) FROM authors");
      const auto n = r.scalar().as<std::int64_t>();
      co_await conn.close();
      co_return n;
    });
  }
};

TEST_P(AsyncCancelTest, CommandTimeout_SlowStatementInASession_IsStoppedAndTheFlushRolledBack) {
  const auto start = Clock::now();
  std::string message;
  run([&]() -> awaitable<void> {
    AsyncSession session{*async_};
    session.set_command_timeout(milliseconds(300));
    EXPECT_EQ(session.command_timeout(), milliseconds(300));
    session.add(Author{.name = "flushed, never committed"});
    co_await session.flush();
    try {
      co_await session.execute(text(slow()));
      ADD_FAILURE() << "the slow statement completed";
    } catch (const CommandTimeoutError& e) {
      message = e.what();
    }
    EXPECT_FALSE(session.in_transaction());  // rolled back: its connection is back in the pool
    EXPECT_EQ(async_->sync_engine().pool().checkedout(), 0);
    // The Session goes on working.
    session.add(Author{.name = "committed"});
    co_await session.commit();
    co_await session.close();
  });
  EXPECT_LT(seconds_since(start), 10.0);  // the statement alone would take 30 s or more
  EXPECT_NE(message.find("command_timeout of 300 ms"), std::string::npos) << message;
  EXPECT_NE(message.find("rolled back"), std::string::npos) << message;
  EXPECT_EQ(authors(), 1);  // the flushed author went with the rollback
}

TEST_P(AsyncCancelTest, Cancel_FromAnotherCoroutine_StopsTheStatementAndTheConnectionGoesOn) {
  const auto start = Clock::now();
  run([&]() -> awaitable<void> {
    AsyncConnection conn = co_await async_->connect();
    EXPECT_FALSE(conn.cancel());  // nothing in progress
    bool cancelled = false;
    asio::co_spawn(
        co_await asio::this_coro::executor,
        [&]() -> awaitable<void> {
          co_await sleep_for(milliseconds(200));
          cancelled = conn.cancel();
        },
        asio::detached);
    bool thrown = false;
    try {
      co_await conn.exec_driver_sql(slow());
    } catch (const CancelledError&) {
      thrown = true;
    }
    EXPECT_TRUE(thrown);
    EXPECT_TRUE(cancelled);
    EXPECT_FALSE(conn.sync_connection().invalidated());
    Result r = co_await conn.exec_driver_sql("SELECT 7");
    EXPECT_EQ(r.scalar().as<std::int64_t>(), 7);
    co_await conn.close();
  });
  EXPECT_LT(seconds_since(start), 10.0);
}

TEST_P(AsyncCancelTest, CommandTimeout_InsideATransaction_RollsItBack) {
  run([&]() -> awaitable<void> {
    AsyncConnection conn = co_await async_->connect();
    conn.set_command_timeout(milliseconds(300));
    asyncio::AsyncTransaction tx = co_await conn.begin();
    co_await conn.exec_driver_sql("INSERT INTO authors (name) VALUES ('rolled back')");
    EXPECT_THROW(co_await conn.exec_driver_sql(slow()), CommandTimeoutError);
    EXPECT_FALSE(tx.is_active());
    EXPECT_FALSE(conn.in_transaction());
    conn.set_command_timeout(std::nullopt);
    Result r = co_await conn.exec_driver_sql("SELECT COUNT(*) FROM authors");
    EXPECT_EQ(r.scalar().as<std::int64_t>(), 0);
    co_await conn.close();
  });
}

TEST_P(AsyncCancelTest, CommandTimeout_WaitingForThePool_StopsBeforePoolTimeout) {
  EngineOptions options;
  options.pool_size = 1;
  options.max_overflow = 0;
  options.pool_timeout = 10;
  asyncio::AsyncOptions async_options;
  async_options.command_timeout = milliseconds(200);
  AsyncEngine small = make(options, async_options);
  const auto start = Clock::now();
  run([&]() -> awaitable<void> {
    co_await hold_a_connection(small, milliseconds(600));
    EXPECT_THROW(co_await small.connect(), CommandTimeoutError);
    EXPECT_LT(seconds_since(start), 0.6);  // well before the holder gives the connection back
    co_await sleep_for(milliseconds(700));
    AsyncConnection conn = co_await small.connect();  // the waiter left the queue cleanly
    Result r = co_await conn.exec_driver_sql("SELECT 1");
    EXPECT_EQ(r.scalar().as<std::int64_t>(), 1);
    co_await conn.close();
  });
  run([&]() -> awaitable<void> { co_await small.dispose(); });
}

TEST_P(AsyncCancelTest, CommandTimeout_NoGraceForTheCancel_InvalidatesASocketConnection) {
  asyncio::AsyncOptions async_options;
  async_options.command_timeout = milliseconds(200);
  async_options.cancel_grace = milliseconds(0);
  AsyncEngine engine = make(EngineOptions{}, async_options);
  std::string message;
  run([&]() -> awaitable<void> {
    AsyncConnection conn = co_await engine.connect();
    try {
      co_await conn.exec_driver_sql(slow());
      ADD_FAILURE() << "the slow statement completed";
    } catch (const CommandTimeoutError& e) {
      message = e.what();
    }
    if (backend() == "sqlite") {
      // A worker thread's call cannot be abandoned: it is waited for, stopped by the interrupt.
      EXPECT_FALSE(conn.sync_connection().invalidated()) << message;
    } else {
      // The wait for the server was given up mid-protocol: the connection cannot be reused.
      EXPECT_TRUE(conn.sync_connection().invalidated()) << message;
      EXPECT_NE(message.find("invalidated"), std::string::npos) << message;
    }
    co_await conn.close();
    AsyncConnection next = co_await engine.connect();  // a working connection
    Result r = co_await next.exec_driver_sql("SELECT 3");
    EXPECT_EQ(r.scalar().as<std::int64_t>(), 3);
    co_await next.close();
  });
  run([&]() -> awaitable<void> { co_await engine.dispose(); });
}

TEST_P(AsyncCancelTest, CommandTimeout_NotPositive_IsRefused) {
  asyncio::AsyncOptions async_options;
  async_options.command_timeout = milliseconds(0);
  EXPECT_THROW(make(EngineOptions{}, async_options), ArgumentError);
  AsyncSession session{*async_};
  EXPECT_THROW(session.set_command_timeout(milliseconds(-5)), ArgumentError);
}

CRUCIBLE_ORM_BACKENDS(AsyncCancelTest);

}  // namespace
}  // namespace crucible::testing
