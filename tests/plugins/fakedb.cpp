// libcrucible-fakedb.so, a throw-away plugin for the registry tests: dialect "fakedb" (default
// driver "fakedrv") and driver "fakedrv", whose connections answer every statement with one
// row holding the integer 42. Just enough for a test to use the objects the registry hands out.
//
// Two extra exported C functions let the tests look inside without trusting the registry:
// crucible_test_fakedb_entry_calls() counts entry-point calls (a file loaded twice calls it
// twice), crucible_test_fakedb_live_objects() counts the plugin's objects still alive.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "crucible/errors.hpp"
#include "crucible/sdk/plugin.hpp"

namespace {

std::atomic<int> g_entry_calls{0};
std::atomic<int> g_live_objects{0};

/// Counts the objects of this plugin that are alive.
struct Counted {
  Counted() noexcept { ++g_live_objects; }
  Counted(const Counted&) noexcept { ++g_live_objects; }
  Counted& operator=(const Counted&) noexcept = default;
  ~Counted() { --g_live_objects; }
};

class FakeCursor final : public crucible::Cursor, Counted {
 public:
  void execute(std::string_view /*sql*/, std::span<const crucible::Value> /*params*/) override {
    check_open();
    pending_ = true;
  }
  void executemany(std::string_view sql, const crucible::ParamSets& param_sets) override {
    for (std::size_t i = 0; i < param_sets.size(); ++i) {
      std::vector<crucible::Value> params;
      for (const crucible::Value* value : param_sets[i]) params.push_back(*value);
      execute(sql, params);
    }
    pending_ = false;
  }
  bool fetch_into(std::vector<crucible::Value>& row) override {
    check_open();
    if (!pending_) return false;
    pending_ = false;
    row.assign(1, crucible::Value(42));
    return true;
  }
  const std::vector<crucible::ColumnDescription>& description() const override {
    return description_;
  }
  std::int64_t rowcount() const override { return -1; }
  std::optional<std::int64_t> lastrowid() const override { return std::nullopt; }
  void close() noexcept override { closed_ = true; }

 private:
  void check_open() const {
    if (closed_) throw crucible::InterfaceError({.driver_message = "fakedb: cursor is closed"});
  }
  std::vector<crucible::ColumnDescription> description_{{.name = "answer"}};
  bool pending_{false};
  bool closed_{false};
};

class FakeConnection final : public crucible::DbapiConnection, Counted {
 public:
  std::unique_ptr<crucible::Cursor> cursor() override { return std::make_unique<FakeCursor>(); }
  void commit() override {}
  void rollback() override {}
  void close() noexcept override {}
  bool ping() noexcept override { return true; }
  void set_autocommit(bool on) override { autocommit_ = on; }
  bool autocommit() const noexcept override { return autocommit_; }
  void set_isolation_level(std::string_view /*level*/) override {}
  bool in_transaction() const noexcept override { return false; }
  std::string server_version() const override { return "fakedb 1.0"; }
  crucible::ParamStyle paramstyle() const noexcept override { return crucible::ParamStyle::kQmark; }

 private:
  bool autocommit_{false};
};

class FakeDriver final : public crucible::Driver, Counted {
 public:
  std::string_view name() const noexcept override { return "fakedrv"; }
  crucible::ParamStyle paramstyle() const noexcept override { return crucible::ParamStyle::kQmark; }
  std::unique_ptr<crucible::DbapiConnection> connect(const crucible::URL& /*url*/,
                                                     const crucible::ConnectOptions&) override {
    return std::make_unique<FakeConnection>();
  }
};

class FakeDialect final : public crucible::Dialect, Counted {
 public:
  std::string_view name() const noexcept override { return "fakedb"; }
  std::string_view default_driver() const noexcept override { return "fakedrv"; }
};

void describe(crucible::PluginManifest& manifest) {
  ++g_entry_calls;
  manifest.plugin_name = "fakedb";
  manifest.plugin_version = "1.2.3";
  crucible::sdk::add_dialect<FakeDialect>(manifest, "fakedb", "fakedrv");
  crucible::sdk::add_driver<FakeDriver>(manifest, "fakedrv");
}

}  // namespace

CRUCIBLE_PLUGIN(describe)

extern "C" __attribute__((visibility("default"))) int crucible_test_fakedb_entry_calls() {
  return g_entry_calls.load();
}

extern "C" __attribute__((visibility("default"))) int crucible_test_fakedb_live_objects() {
  return g_live_objects.load();
}
