// The pools' own behaviour (sizes, overflow, timeout, pre-ping, recycle, invalidation), which
// is crucible's and not a database's: counted with a connection double that records its life.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

#include "crucible/crucible.hpp"

using namespace crucible;

namespace {

struct Counters {
  std::atomic<int> opened{0};
  std::atomic<int> closed{0};
  std::atomic<int> rollbacks{0};
  std::atomic<int> commits{0};
  std::atomic<bool> alive{true};
};

class CountingConnection : public DbapiConnection {
 public:
  explicit CountingConnection(Counters& c) : c_(c) { ++c_.opened; }
  std::unique_ptr<Cursor> cursor() override {
    throw InterfaceError({.driver_message = "no cursors here"});
  }
  void commit() override { ++c_.commits; }
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
      [](DbapiConnection& conn) { return conn.ping(); }, nullptr};
}

// hooks(c) whose listener records each event's kind as a letter (C)onnect, check(O)ut,
// check(I)n, (R)eset, in(V)alidate, c(L)ose, and calls also() after recording it.
PoolHooks recording_hooks(Counters& c, std::string& log,
                          std::function<void(const PoolEvent&)> also = nullptr) {
  PoolHooks h = hooks(c);
  h.event = [&log, also = std::move(also)](const PoolEvent& e) {
    log += "COIRVL"[static_cast<int>(e.kind)];
    if (also) also(e);
  };
  return h;
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

TEST(PoolTest, ResetOnReturn_CommitsOrLeavesTheConnectionWhenAsked) {
  Counters c;
  {
    auto pool = make_queue_pool(hooks(c), {.pool_reset_on_return = ResetOnReturn::kCommit});
    pool->connect();
  }
  EXPECT_EQ(c.commits, 1);
  EXPECT_EQ(c.rollbacks, 0);
  {
    auto pool = make_queue_pool(hooks(c), {.pool_reset_on_return = ResetOnReturn::kNone});
    pool->connect();
  }
  EXPECT_EQ(c.commits, 1) << "nothing is sent with reset_on_return none";
  EXPECT_EQ(c.rollbacks, 0);
}

TEST(PoolTest, QueuePoolHandsOutTheLongestIdleFirst_OrTheLastReturnedWithUseLifo) {
  for (const bool lifo : {false, true}) {
    Counters c;
    auto pool = make_queue_pool(hooks(c), {.pool_size = 2, .pool_use_lifo = lifo});
    DbapiConnection* first_returned = nullptr;
    DbapiConnection* last_returned = nullptr;
    {
      auto a = pool->connect();
      auto b = pool->connect();
      first_returned = &a.dbapi();
      last_returned = &b.dbapi();
      a.release();
      b.release();
    }
    auto next = pool->connect();
    EXPECT_EQ(&next.dbapi(), lifo ? last_returned : first_returned) << "use_lifo " << lifo;
    EXPECT_EQ(c.opened, 2);
  }
}

TEST(PoolTest, InvalidatePool_ReplacesEveryConnectionOpenedBefore) {
  Counters c;
  auto pool = make_queue_pool(hooks(c), {.pool_size = 3});
  {
    auto a = pool->connect();
    auto b = pool->connect();
    b.release();          // idle, opened before the invalidation
    a.invalidate_pool();  // as after a disconnect error on a
  }
  EXPECT_EQ(c.closed, 1) << "the invalidated connection is closed on return";
  auto fresh = pool->connect();
  EXPECT_EQ(c.opened, 3) << "the idle connection opened before was replaced, not handed out";
  EXPECT_EQ(c.closed, 2);
  fresh.release();
  auto again = pool->connect();
  EXPECT_EQ(c.opened, 3) << "a connection opened after the invalidation is reused";
}

TEST(PoolTest, TimeoutError_ReportsThePoolState) {
  Counters c;
  auto pool = make_queue_pool(hooks(c), {.pool_size = 1, .max_overflow = 0, .pool_timeout = 0.05});
  auto held = pool->connect();
  try {
    pool->connect();
    FAIL() << "an exhausted pool handed out a connection";
  } catch (const TimeoutError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("QueuePool limit of size 1 overflow 0 reached"), std::string::npos)
        << message;
    EXPECT_NE(message.find("Current Checked out connections: 1"), std::string::npos) << message;
  }
}

TEST(PoolTest, Events_FireAtEachMomentOfAConnectionsLife) {
  Counters c;
  std::string log;
  const std::exception* seen_error = nullptr;
  std::string seen_message;
  auto pool = make_queue_pool(recording_hooks(c, log,
                                              [&](const PoolEvent& e) {
                                                EXPECT_NE(e.dbapi, nullptr);
                                                if (e.kind == PoolEventKind::kInvalidate) {
                                                  seen_error = e.error;
                                                  seen_message = e.error ? e.error->what() : "";
                                                }
                                                if (e.kind == PoolEventKind::kReset) {
                                                  EXPECT_EQ(e.reset, ResetOnReturn::kRollback);
                                                }
                                              }),
                              {.pool_size = 1});
  pool->connect().release();
  EXPECT_EQ(log, "CORI") << "connect, checkout; reset then checkin on return";
  log.clear();
  {
    auto conn = pool->connect();
    const OperationalError lost({.driver_message = "server closed the connection"});
    conn.invalidate(&lost);
    conn.invalidate(&lost);
    EXPECT_NE(seen_error, nullptr);
  }
  EXPECT_EQ(log, "OVIL") << "invalidated once, not reset, closed on return";
  EXPECT_NE(seen_message.find("server closed the connection"), std::string::npos);
  EXPECT_EQ(c.rollbacks, 1);
  log.clear();
  pool->connect().release();
  pool->dispose();
  EXPECT_EQ(log, "CORIL") << "a new connection replaces the dead one; dispose closes it";
}

TEST(PoolTest, Events_CheckinSaysWhetherTheConnectionWasInvalidated) {
  Counters c;
  std::string log;
  std::vector<bool> invalidated_at_checkin;
  auto pool = make_queue_pool(recording_hooks(c, log,
                                              [&](const PoolEvent& e) {
                                                if (e.kind == PoolEventKind::kCheckin)
                                                  invalidated_at_checkin.push_back(e.invalidated);
                                              }),
                              {});
  pool->connect().release();
  pool->connect().invalidate();  // the temporary is returned at the end of the statement
  EXPECT_EQ(invalidated_at_checkin, (std::vector<bool>{false, true}));
}

TEST(PoolTest, CheckoutListenerDisconnectionError_ReplacesTheConnection) {
  Counters c;
  std::string log;
  int rejections = 1;
  auto pool =
      make_queue_pool(recording_hooks(c, log,
                                      [&](const PoolEvent& e) {
                                        if (e.kind == PoolEventKind::kCheckout && rejections-- > 0)
                                          throw DisconnectionError("stale");
                                      }),
                      {.pool_size = 1});
  auto conn = pool->connect();
  EXPECT_EQ(log, "COVLCO") << "the rejected connection is invalidated, closed and replaced";
  EXPECT_EQ(c.opened, 2);
  EXPECT_EQ(c.closed, 1);
  EXPECT_EQ(pool->checkedout(), 1);
}

TEST(PoolTest, CheckoutListenerRejectingEveryConnection_FailsAfterThreeAndFreesTheSlot) {
  Counters c;
  std::string log;
  auto pool = make_queue_pool(recording_hooks(c, log,
                                              [&](const PoolEvent& e) {
                                                if (e.kind == PoolEventKind::kCheckout)
                                                  throw DisconnectionError("server gone");
                                              }),
                              {.pool_size = 1, .max_overflow = 0, .pool_timeout = 0.05});
  try {
    pool->connect();
    FAIL() << "a rejected connection was handed out";
  } catch (const InvalidRequestError& e) {
    EXPECT_NE(std::string(e.what()).find("rejected 3 connections in a row"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("server gone"), std::string::npos) << e.what();
  }
  EXPECT_EQ(c.opened, 3);
  EXPECT_EQ(c.closed, 3);
  EXPECT_EQ(pool->checkedout(), 0);
  EXPECT_THROW(pool->connect(), InvalidRequestError)
      << "the slot was given back: the next checkout is not a TimeoutError";
}

TEST(PoolTest, ConnectListenerThrowing_ClosesTheConnectionAndFailsTheCheckout) {
  for (const bool null_pool : {false, true}) {
    Counters c;
    std::string log;
    auto h = recording_hooks(c, log, [](const PoolEvent& e) {
      if (e.kind == PoolEventKind::kConnect) throw std::runtime_error("SET failed");
    });
    auto pool = null_pool ? make_null_pool(std::move(h), {})
                          : make_queue_pool(std::move(h), {.pool_size = 1, .max_overflow = 0});
    EXPECT_THROW(pool->connect(), std::runtime_error);
    EXPECT_EQ(c.opened, 1);
    EXPECT_EQ(c.closed, 1) << "null_pool " << null_pool;
    EXPECT_EQ(pool->checkedout(), 0);
    EXPECT_EQ(log, "CL");
  }
}

TEST(PoolTest, FailedReset_InvalidatesTheConnection) {
  Counters c;
  std::string log;
  // A connection whose rollback fails, as when the server went away while it was borrowed.
  class FailingRollback final : public CountingConnection {
   public:
    using CountingConnection::CountingConnection;
    void rollback() override {
      throw OperationalError({.driver_message = "connection reset by peer"});
    }
  };
  PoolHooks h = recording_hooks(c, log);
  h.create = [&c] {
    return std::unique_ptr<DbapiConnection>(std::make_unique<FailingRollback>(c));
  };
  auto pool = make_queue_pool(std::move(h), {.pool_size = 1});
  pool->connect().release();
  EXPECT_EQ(log, "CORVIL") << "the rollback failed: invalidated, then closed";
  EXPECT_EQ(c.closed, 1);
  EXPECT_EQ(pool->checkedout(), 0);
}

TEST(PoolTest, StaticAndNullPools_FireTheirEvents) {
  Counters c;
  std::string log;
  {
    auto pool = make_static_pool(recording_hooks(c, log), {});
    auto a = pool->connect();
    auto b = pool->connect();  // shares a's connection
    b.release();
    a.release();
  }
  EXPECT_EQ(log, "COOIRIL") << "reset once, when the last borrower gives it back";
  log.clear();
  auto pool = make_null_pool(recording_hooks(c, log), {});
  pool->connect().release();
  EXPECT_EQ(log, "CORIL");
}
