// The pool under load (issue 8, item 2): 64 threads × 2,000 checkouts through one Engine with
// SQLAlchemy's pool defaults (pool_size 5, max_overflow 10, pool_timeout 30 s), on a SQLite file,
// PostgreSQL and MariaDB. Every checkout runs a statement whose answer the thread checks, one in
// twenty commits a row; afterwards nothing is lost, nothing failed, every connection came back
// and never more than pool_size + max_overflow were open. A second test provokes timeouts on
// purpose with a pool too small for its threads: those are the only errors, and the pool's
// counters still return to zero.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "backend_fixture.hpp"

using namespace crucible;

namespace {

constexpr int kThreads = 64;
constexpr int kCheckouts = 2000;
constexpr int kWriteEvery = 20;  // one checkout in 20 commits a row
constexpr int kSeedRows = 100;

/// Counts a pool's connections through its events: opened now, at most at once, checkouts and
/// checkins.
struct PoolCounters {
  std::atomic<int> open{0}, max_open{0}, checkouts{0}, checkins{0};
  void listen(Engine& engine) {
    engine.events().on_connect([this](const PoolEvent&) {
      const int now = ++open;
      int seen = max_open.load();
      while (now > seen && !max_open.compare_exchange_weak(seen, now)) {
      }
    });
    engine.events().on_close([this](const PoolEvent&) { --open; });
    engine.events().on_checkout([this](const PoolEvent&) { ++checkouts; });
    engine.events().on_checkin([this](const PoolEvent&) { ++checkins; });
  }
};

/// The first few errors the threads met, and how many in all.
class Errors {
 public:
  void add(std::string what) {
    std::lock_guard lock(mutex_);
    if (++count_ <= 5) first_ += "\n  " + what;
  }
  int count() const { return count_; }
  const std::string& first() const { return first_; }

 private:
  std::mutex mutex_;
  std::atomic<int> count_{0};
  std::string first_;
};

class LoadTest : public crucible::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (url().empty()) return;
    metadata_.emplace();
    rows_.emplace(table(), *metadata_, Column{"thread", Integer{}, primary_key},
                  Column{"n", Integer{}, primary_key});
    metadata_->create_all(admin());
    std::vector<Params> seed;
    for (int n = 0; n < kSeedRows; ++n) seed.push_back({{"thread", -1}, {"n", n}});
    admin().begin([&](Connection& conn) { conn.execute(insert(*rows_), seed); });
  }
  Table& rows() { return *rows_; }

  std::optional<MetaData> metadata_;
  std::optional<Table> rows_;
};

}  // namespace

TEST_P(LoadTest, SixtyFourThreadsTwoThousandCheckoutsEach_NothingLostEveryConnectionReturned) {
  ASSERT_FALSE(url().empty());
  PoolCounters counters;  // before the Engine: its listeners are called until the Engine goes
  Engine engine = create_engine(url());  // pool_size 5, max_overflow 10, pool_timeout 30 s
  counters.listen(engine);
  Errors errors;
  const auto read =
      select(rows().c("n"))
          .where(rows().c("thread") == bindparam("thread") && rows().c("n") == bindparam("n"));
  const auto write = insert(rows());

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCheckouts; ++i) {
        try {
          if (i % kWriteEvery == 0) {
            engine.begin([&](Connection& conn) { conn.execute(write, {{"thread", t}, {"n", i}}); });
          } else {
            auto conn = engine.connect();
            const int n = (t * kCheckouts + i) % kSeedRows;
            const Value got = conn.execute(read, {{"thread", -1}, {"n", n}}).scalar();
            if (got.is_null() || got.as<std::int64_t>() != n)
              errors.add("thread " + std::to_string(t) + " asked for row " + std::to_string(n) +
                         " and read " + (got.is_null() ? "nothing" : got.to_string()));
          }
        } catch (const std::exception& e) {
          errors.add("thread " + std::to_string(t) + ", checkout " + std::to_string(i) + ": " +
                     e.what());
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(errors.count(), 0) << errors.first();
  EXPECT_EQ(count_rows(), kSeedRows + kThreads * kCheckouts / kWriteEvery)
      << "every committed row is there, once";
  EXPECT_EQ(engine.pool().checkedout(), 0) << engine.pool().status();
  EXPECT_NE(engine.pool().status().find("Current Checked out connections: 0"), std::string::npos)
      << engine.pool().status();
  EXPECT_EQ(counters.checkouts.load(), kThreads * kCheckouts);
  EXPECT_EQ(counters.checkins.load(), kThreads * kCheckouts);
  EXPECT_LE(counters.max_open.load(), 5 + 10) << "never more than pool_size + max_overflow";
  EXPECT_LE(counters.open.load(), 5) << "only pool_size connections stay open when idle";
  engine.dispose();
  EXPECT_EQ(counters.open.load(), 0) << "dispose closed every connection";
}

TEST_P(LoadTest, PoolTooSmallForItsThreads_TimesOutCleanlyAndRecovers) {
  ASSERT_FALSE(url().empty());
  PoolCounters counters;  // before the Engine: its listeners are called until the Engine goes
  Engine engine = create_engine(url(), {.pool_size = 2, .max_overflow = 1, .pool_timeout = 0.05});
  counters.listen(engine);
  std::atomic<int> timeouts{0}, served{0};
  Errors other;
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        try {
          auto conn = engine.connect();
          conn.execute(select(func::count(rows().c("n")))).scalar();
          std::this_thread::sleep_for(std::chrono::milliseconds(20));  // hold it: others wait
          ++served;
        } catch (const TimeoutError& e) {
          ++timeouts;
          if (std::string(e.what()).find("QueuePool limit of size 2 overflow 1") ==
              std::string::npos)
            other.add(std::string("a TimeoutError without the pool's state: ") + e.what());
        } catch (const std::exception& e) {
          other.add(e.what());
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(other.count(), 0) << other.first();
  EXPECT_GT(timeouts.load(), 0) << "16 threads holding connections 20 ms on a pool of 3 with a "
                                   "50 ms timeout must time out";
  EXPECT_EQ(timeouts.load() + served.load(), 16 * 20);
  EXPECT_EQ(engine.pool().checkedout(), 0) << engine.pool().status();
  EXPECT_LE(counters.max_open.load(), 3);
  auto conn = engine.connect();  // the pool works on after its timeouts
  EXPECT_EQ(conn.execute(select(func::count(rows().c("n")))).scalar().as<std::int64_t>(),
            kSeedRows);
}

CRUCIBLE_RELIABILITY_BACKENDS(LoadTest);
