// The async layer under the event loops programs give it (issue 9): a loop destroyed while a
// call is in progress ends the call without touching freed memory and leaves no connection
// checked out, and an io_context run by several threads runs many coroutines' calls at once
// without a strand of their own, on every backend.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "async_fixture.hpp"

namespace crucible::testing {
namespace {

using std::chrono::milliseconds;

class AsyncEventLoopTest : public AsyncTest {};

TEST_P(AsyncEventLoopTest, LoopDestroyedUnderACall_EndsItAndGivesTheConnectionBack) {
  // SQLite: a statement of minutes on a worker thread, which the call's end must interrupt and
  // wait for (it uses the call's memory). The others: a wait for the server, given up.
  const std::string statement =
      backend() == "sqlite"
          ? "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) "
            "SELECT MAX(x) FROM c"
          : (backend() == "postgresql" ? "SELECT pg_sleep(2)" : "SELECT SLEEP(2)");
  bool finished = false;
  bool started = false;
  {
    asio::io_context io;
    asio::co_spawn(
        io,
        [&]() -> awaitable<void> {
          AsyncConnection conn = co_await async_->connect();
          started = true;
          co_await conn.exec_driver_sql(statement);
          finished = true;
        },
        asio::detached);
    io.run_for(milliseconds(300));
  }  // the loop goes with the call in progress
  EXPECT_TRUE(started);
  EXPECT_FALSE(finished);
  EXPECT_EQ(async_->sync_engine().pool().checkedout(), 0);
  // The engine goes on. (The connection, dropped with the loop outside any call, could not be
  // rolled back on a fiber and was given up: an in-memory SQLite database goes with it.)
  const std::int64_t n = run([this]() -> awaitable<std::int64_t> {
    AsyncConnection conn = co_await async_->connect();
    Result r = co_await conn.exec_driver_sql(
        backend() == "sqlite" ? "SELECT 0" : "SELECT COUNT(*) FROM authors");
    const auto count = r.scalar().as<std::int64_t>();
    co_await conn.close();
    co_return count;
  });
  EXPECT_EQ(n, 0);
}

TEST_P(AsyncEventLoopTest, SeveralThreadsRunningOneLoop_RunEveryCoroutinesCalls) {
  // 24 coroutines spawned on the io_context's own executor (no strand), 3 threads running it;
  // each makes 20 round trips, some of them under a command_timeout that never fires. Worker
  // jobs (SQLite) and sockets (the others) report back from other threads meanwhile.
  constexpr int kCoroutines = 24;
  constexpr int kRounds = 20;
  asio::io_context io;
  std::atomic<int> done{0};
  std::atomic<int> wrong{0};
  std::vector<std::string> failures(kCoroutines);
  const auto statement = text("SELECT :v + 0");
  for (int c = 0; c < kCoroutines; ++c) {
    asio::co_spawn(
        io,
        [&, c]() -> awaitable<void> {
          try {
            AsyncConnection conn = co_await async_->connect();
            if (c % 2 == 0) conn.set_command_timeout(milliseconds(60000));
            for (int i = 0; i < kRounds; ++i) {
              const std::int64_t want = c * 1000 + i;
              Params params{{"v", want}};
              Result r = co_await conn.execute(statement, std::move(params));
              if (r.scalar().as<std::int64_t>() != want) ++wrong;
            }
            co_await conn.close();
            ++done;
          } catch (const std::exception& e) {
            failures[c] = e.what();
          }
        },
        asio::detached);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) threads.emplace_back([&io] { io.run(); });
  for (std::thread& t : threads) t.join();
  for (int c = 0; c < kCoroutines; ++c) EXPECT_EQ(failures[c], "") << "coroutine " << c;
  EXPECT_EQ(done.load(), kCoroutines);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(async_->sync_engine().pool().checkedout(), 0);
}

CRUCIBLE_ORM_BACKENDS(AsyncEventLoopTest);

}  // namespace
}  // namespace crucible::testing
