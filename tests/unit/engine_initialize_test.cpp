// Dialect::initialize (SQLAlchemy's Dialect.initialize): the Engine calls it once, on its first
// connection, before on_connect; a throw fails that connect and leaves it for the next. This is
// the framework's own contract, so it is checked with an in-process dialect and driver.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "crucible/crucible.hpp"

using namespace crucible;

namespace {

/// A connection that only answers what the Engine asks of it when it connects and pools.
class VersionedConnection final : public DbapiConnection {
 public:
  explicit VersionedConnection(std::string version) : version_(std::move(version)) {}
  std::unique_ptr<Cursor> cursor() override {
    throw InterfaceError({.driver_message = "this test connection has no cursors"});
  }
  void commit() override {}
  void rollback() override {}
  void close() noexcept override {}
  bool ping() noexcept override { return true; }
  void set_autocommit(bool) override {}
  bool autocommit() const noexcept override { return false; }
  void set_isolation_level(std::string_view) override {}
  bool in_transaction() const noexcept override { return false; }
  std::string server_version() const override { return version_; }
  ParamStyle paramstyle() const noexcept override { return ParamStyle::kNumeric; }

 private:
  std::string version_;
};

/// What the dialect saw, shared with the test (the registry makes the dialect).
struct Seen {
  std::atomic<int> initialize_calls{0};
  std::atomic<int> failures_left{0};
  std::vector<std::string> events;  ///< "initialize <version> <paramstyle>", "on_connect"
};

class InitDialect final : public Dialect {
 public:
  explicit InitDialect(Seen& seen) : seen_(seen) {}
  std::string_view name() const noexcept override { return "initdialect"; }
  std::string_view default_driver() const noexcept override { return "initdriver"; }
  void initialize(DbapiConnection& conn) override {
    ++seen_.initialize_calls;
    if (seen_.failures_left > 0) {
      --seen_.failures_left;
      throw OperationalError({.driver_message = "the server is not ready"});
    }
    seen_.events.push_back("initialize " + conn.server_version() + " " +
                           std::string(paramstyle_name(conn.paramstyle())));
  }
  void on_connect(DbapiConnection& /*conn*/) const override {
    seen_.events.push_back("on_connect");
  }

 private:
  Seen& seen_;
};

class InitDriver final : public Driver {
 public:
  std::string_view name() const noexcept override { return "initdriver"; }
  ParamStyle paramstyle() const noexcept override { return ParamStyle::kNumeric; }
  std::unique_ptr<DbapiConnection> connect(const URL&, const ConnectOptions&) override {
    return std::make_unique<VersionedConnection>("7.1-test");
  }
};

class EngineInitializeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry::register_dialect(
        {"initdialect", "initdriver",
         [this] { return std::unique_ptr<Dialect>(std::make_unique<InitDialect>(seen_)); }});
    registry::register_driver(
        {"initdriver", [] { return std::unique_ptr<Driver>(std::make_unique<InitDriver>()); }});
  }
  Seen seen_;
};

}  // namespace

TEST_F(EngineInitializeTest, InitializeRunsOnceOnTheFirstConnectionBeforeOnConnect) {
  Engine engine = create_engine(make_url("initdialect://"), {.pool_size = 3});
  {
    Connection a = engine.connect();
    Connection b = engine.connect();  // a second physical connection: no second initialize
    Connection c = engine.connect();
  }
  EXPECT_EQ(seen_.initialize_calls, 1);
  EXPECT_EQ(seen_.events, (std::vector<std::string>{"initialize 7.1-test numeric", "on_connect",
                                                    "on_connect", "on_connect"}));
}

TEST_F(EngineInitializeTest, InitializeThatThrowsFailsTheConnectAndRunsAgainOnTheNext) {
  seen_.failures_left = 1;
  Engine engine = create_engine(make_url("initdialect://"));
  EXPECT_THROW(engine.connect(), OperationalError);
  EXPECT_EQ(seen_.initialize_calls, 1);
  EXPECT_TRUE(seen_.events.empty());  // on_connect never ran for the failed connection
  { Connection ok = engine.connect(); }
  EXPECT_EQ(seen_.initialize_calls, 2);
  EXPECT_EQ(seen_.events, (std::vector<std::string>{"initialize 7.1-test numeric", "on_connect"}));
}

TEST_F(EngineInitializeTest, EachEngineInitializesItsOwnDialect) {
  Engine first = create_engine(make_url("initdialect://"));
  Engine second = create_engine(make_url("initdialect://"));
  { Connection a = first.connect(); }
  { Connection b = second.connect(); }
  EXPECT_EQ(seen_.initialize_calls, 2);
  EXPECT_NE(&first.dialect(), &second.dialect());
}
