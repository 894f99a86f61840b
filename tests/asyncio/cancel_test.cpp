// Interrupting awaited calls (issue 9, item 3) on every backend: a call past its command_timeout,
// or cancel()ed from another coroutine, has its statement stopped on the server (PostgreSQL's
// PQcancel, MariaDB's KILL QUERY, sqlite3_interrupt) and throws CommandTimeoutError or
// CancelledError; the transaction is rolled back, and the connection goes on working, or is
// invalidated when the server did not end the statement within cancel_grace. A borrower waiting
// for the pool stops waiting at its deadline.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
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
    std::string message;
    try {
      co_await small.connect();
      ADD_FAILURE() << "connect() got a connection the holder still had";
    } catch (const CommandTimeoutError& e) {
      message = e.what();
    }
    EXPECT_NE(message.find("stopped before its work reached the database"), std::string::npos)
        << message;
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

TEST_P(AsyncCancelTest, AbandonedWaitInAFlush_WithNoResetOnReturn_TheConnectionIsNotReused) {
  if (backend() == "sqlite") GTEST_SKIP() << "a worker thread's call is never abandoned";
  // One connection, given back as it is (no rollback on return), and no time for the cancel:
  // the flush's wait for its UPDATE (held up by another transaction's row lock) is given up
  // mid-protocol. That connection must never be handed out again.
  EngineOptions options;
  options.pool_size = 1;
  options.max_overflow = 0;
  options.pool_reset_on_return = ResetOnReturn::kNone;
  asyncio::AsyncOptions async_options;
  async_options.command_timeout = milliseconds(200);
  async_options.cancel_grace = milliseconds(0);
  AsyncEngine engine = make(options, async_options);
  const std::int64_t id = alice();
  Connection holder = this->engine().connect();
  holder.exec_driver_sql("UPDATE authors SET name = 'held' WHERE id = " + std::to_string(id));
  std::string message;
  run([&]() -> awaitable<void> {
    AsyncSession session{engine};
    auto a = co_await session.get<Author>(id);
    a->name = "renamed";
    try {
      co_await session.flush();
      ADD_FAILURE() << "the UPDATE went through a row lock held by another transaction";
    } catch (const CommandTimeoutError& e) {
      message = e.what();
    }
    co_await session.close();
  });
  holder.rollback();
  holder.close();
  EXPECT_NE(message.find("invalidated"), std::string::npos) << message;
  EXPECT_EQ(engine.sync_engine().pool().checkedout(), 0);
  run([&]() -> awaitable<void> {
    AsyncConnection conn = co_await engine.connect();  // a new connection, in step
    Result r = co_await conn.exec_driver_sql("SELECT 3");
    EXPECT_EQ(r.scalar().as<std::int64_t>(), 3);
    co_await conn.close();
  });
  run([&]() -> awaitable<void> { co_await engine.dispose(); });
}

TEST_P(AsyncCancelTest, Cancel_RacingACommit_ReportsWhatTheDatabaseDid) {
  // cancel() just before a COMMIT: the COMMIT may be stopped, or may complete as the cancel
  // comes. Either way the call must say what happened: it throws only if the row is not there.
  for (int round = 0; round < 5; ++round) {
    const std::string name = "round " + std::to_string(round);
    bool threw = false;
    run([&]() -> awaitable<void> {
      AsyncConnection conn = co_await async_->connect();
      co_await conn.exec_driver_sql("INSERT INTO authors (name) VALUES ('" + name + "')");
      try {
        co_await conn.run_sync([&](Connection& c) {
          EXPECT_TRUE(conn.cancel());  // this very call is in progress
          c.commit();
        });
      } catch (const CancelledError&) {
        threw = true;
      }
      co_await conn.close();
    });
    const std::int64_t rows = run([&]() -> awaitable<std::int64_t> {
      AsyncConnection conn = co_await async_->connect();
      Result r =
          co_await conn.exec_driver_sql("SELECT COUNT(*) FROM authors WHERE name = '" + name + "'");
      const auto n = r.scalar().as<std::int64_t>();
      co_await conn.close();
      co_return n;
    });
    EXPECT_EQ(rows, threw ? 0 : 1) << name << (threw ? ": reported cancelled" : ": reported done");
  }
}

TEST_P(AsyncCancelTest, CommandTimeout_JobStillQueuedForAWorker_IsSkipped) {
  if (backend() != "sqlite") GTEST_SKIP() << "only a blocking driver's calls queue for a worker";
  // One worker thread, busy with another connection's long statement: a call queued behind it
  // stops at its deadline instead of waiting for the worker (its interrupt could not reach it).
  const std::string path = ::testing::TempDir() + "crucible_queued_job.db";
  std::remove(path.c_str());
  asyncio::AsyncOptions async_options;
  async_options.worker_threads = 1;
  async_options.cancel_grace = milliseconds(300);
  AsyncEngine engine = asyncio::create_async_engine("sqlite:///" + path, {}, async_options);
  const auto start = Clock::now();
  std::string message;
  run([&]() -> awaitable<void> {
    AsyncConnection busy = co_await engine.connect();
    AsyncConnection queued = co_await engine.connect();
    queued.set_command_timeout(milliseconds(200));
    bool busy_stopped = false;
    asio::co_spawn(
        co_await asio::this_coro::executor,
        [&]() -> awaitable<void> {
          try {
            co_await busy.exec_driver_sql(slow());
            ADD_FAILURE() << "the slow statement completed";
          } catch (const CancelledError&) {
          } catch (const std::exception& e) {
            ADD_FAILURE() << "the slow statement failed otherwise: " << e.what();
          }
          busy_stopped = true;
        },
        asio::detached);
    co_await sleep_for(milliseconds(50));  // the worker runs the slow statement
    try {
      co_await queued.exec_driver_sql("SELECT 1");
      ADD_FAILURE() << "the queued statement ran";
    } catch (const CommandTimeoutError& e) {
      message = e.what();
    }
    EXPECT_LT(seconds_since(start), 5.0);  // the slow statement alone takes minutes
    // Its rollback, queued too, could not run within cancel_grace: the connection is given up.
    EXPECT_TRUE(queued.sync_connection().invalidated());
    EXPECT_TRUE(busy.cancel());
    while (!busy_stopped) co_await sleep_for(milliseconds(10));
    co_await queued.close();  // (its driver connection's close needs the worker too)
    AsyncConnection next = co_await engine.connect();
    Result r = co_await next.exec_driver_sql("SELECT 5");
    EXPECT_EQ(r.scalar().as<std::int64_t>(), 5);
    co_await next.close();
    co_await busy.close();
    co_await engine.dispose();
  });
  std::remove(path.c_str());
  EXPECT_NE(message.find("stopped before its work reached the database"), std::string::npos)
      << message;
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
