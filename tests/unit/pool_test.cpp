// The pools' own behaviour (sizes, overflow, timeout, pre-ping, recycle, invalidation), which
// is crucible's and not a database's: counted with a connection double that records its life.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "crucible/crucible.hpp"

using namespace crucible;

namespace {

struct Counters {
  std::atomic<int> opened{0};
  std::atomic<int> closed{0};
  std::atomic<int> rollbacks{0};
  std::atomic<bool> alive{true};
};

class CountingConnection final : public DbapiConnection {
 public:
  explicit CountingConnection(Counters& c) : c_(c) { ++c_.opened; }
  std::unique_ptr<Cursor> cursor() override {
    throw InterfaceError({.driver_message = "no cursors here"});
  }
  void commit() override {}
  void rollback() override { ++c_.rollbacks; }
  void close() noexcept override {
    if (!closed_) ++c_.closed;
    closed_ = true;
  }
  bool ping() noexcept override { return c_.alive; }
  void set_autocommit(bool) override {}
  bool autocommit() const noexcept override { return false; }
  void set_isolation_level(std::string_view) override {}
  bool in_transaction() const noexcept override { return false; }
  std::string server_version() const override { return "0"; }
  ParamStyle paramstyle() const noexcept override { return ParamStyle::kQmark; }

 private:
  Counters& c_;
  bool closed_{false};
};

PoolHooks hooks(Counters& c) {
  return {
      [&c] { return std::unique_ptr<DbapiConnection>(std::make_unique<CountingConnection>(c)); },
      [](DbapiConnection& conn) { return conn.ping(); }};
}

}  // namespace

TEST(PoolTest, QueuePoolReusesReturnedConnections) {
  Counters c;
  auto pool = make_queue_pool(hooks(c), {.pool_size = 2});
  DbapiConnection* first = nullptr;
  {
    auto a = pool->connect();
    first = &a.dbapi();
    EXPECT_EQ(pool->checkedout(), 1);
  }
  EXPECT_EQ(pool->checkedout(), 0);
  EXPECT_EQ(c.rollbacks, 1) << "a returned connection is rolled back";
  auto b = pool->connect();
  EXPECT_EQ(&b.dbapi(), first);
  EXPECT_EQ(c.opened, 1);
}

TEST(PoolTest, QueuePoolOverflowConnectionsAreClosedOnReturn) {
  Counters c;
  auto pool = make_queue_pool(hooks(c), {.pool_size = 1, .max_overflow = 1});
  {
    auto a = pool->connect();
    auto b = pool->connect();
    EXPECT_EQ(c.opened, 2);
  }
  EXPECT_EQ(c.closed, 1) << "the overflow connection is closed, the pooled one kept";
  EXPECT_NE(pool->status().find("Connections in pool: 1"), std::string::npos) << pool->status();
}

TEST(PoolTest, QueuePoolTimesOutWhenExhausted) {
  Counters c;
  auto pool = make_queue_pool(hooks(c), {.pool_size = 1, .max_overflow = 0, .pool_timeout = 0.05});
  auto a = pool->connect();
  try {
    pool->connect();
    FAIL() << "no timeout";
  } catch (const TimeoutError& e) {
    EXPECT_NE(std::string(e.what()).find("limit of size 1 overflow 0"), std::string::npos)
        << e.what();
  }
}

TEST(PoolTest, QueuePoolWaiterGetsAConnectionReturnedByAnotherThread) {
  Counters c;
  auto pool = make_queue_pool(hooks(c), {.pool_size = 1, .max_overflow = 0, .pool_timeout = 10});
  auto a = pool->connect();
  std::thread returner([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    a.release();
  });
  auto b = pool->connect();
  returner.join();
  EXPECT_TRUE(static_cast<bool>(b));
  EXPECT_EQ(c.opened, 1);
}

TEST(PoolTest, PrePingReplacesADeadConnection) {
  Counters c;
  auto pool = make_queue_pool(hooks(c), {.pool_size = 1, .pool_pre_ping = true});
  pool->connect().release();
  c.alive = false;
  auto b = pool->connect();
  EXPECT_EQ(c.opened, 2);
  EXPECT_EQ(c.closed, 1);
}

TEST(PoolTest, RecycleReplacesAnOldConnection) {
  Counters c;
  auto pool = make_queue_pool(hooks(c), {.pool_size = 1, .pool_recycle = 0.0});
  pool->connect().release();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto b = pool->connect();
  EXPECT_EQ(c.opened, 2);
}

TEST(PoolTest, InvalidatedConnectionIsClosedNotReused) {
  Counters c;
  auto pool = make_queue_pool(hooks(c), {.pool_size = 2});
  {
    auto a = pool->connect();
    a.invalidate();
  }
  EXPECT_EQ(c.closed, 1);
  EXPECT_EQ(c.rollbacks, 0) << "an invalidated connection is not rolled back";
  auto b = pool->connect();
  EXPECT_EQ(c.opened, 2);
}

TEST(PoolTest, FailedConnectGivesTheSlotBack) {
  Counters c;
  int attempts = 0;
  PoolHooks h{[&]() -> std::unique_ptr<DbapiConnection> {
                if (++attempts == 1) throw OperationalError({.driver_message = "refused"});
                return std::make_unique<CountingConnection>(c);
              },
              {}};
  auto pool =
      make_queue_pool(std::move(h), {.pool_size = 1, .max_overflow = 0, .pool_timeout = 0.05});
  EXPECT_THROW(pool->connect(), OperationalError);
  EXPECT_EQ(pool->checkedout(), 0);
  EXPECT_NO_THROW(pool->connect());
}

TEST(PoolTest, StaticPoolSharesOneConnection) {
  Counters c;
  auto pool = make_static_pool(hooks(c), {});
  auto a = pool->connect();
  auto b = pool->connect();
  EXPECT_EQ(&a.dbapi(), &b.dbapi());
  EXPECT_EQ(c.opened, 1);
}

TEST(PoolTest, NullPoolOpensAndClosesEachTime) {
  Counters c;
  auto pool = make_null_pool(hooks(c), {});
  pool->connect().release();
  pool->connect().release();
  EXPECT_EQ(c.opened, 2);
  EXPECT_EQ(c.closed, 2);
}

TEST(PoolTest, DisposeClosesIdleConnections) {
  Counters c;
  auto pool = make_queue_pool(hooks(c), {.pool_size = 3});
  {
    auto a = pool->connect();
    auto b = pool->connect();
  }
  pool->dispose();
  EXPECT_EQ(c.closed, 2);
}
