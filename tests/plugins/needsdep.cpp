// libcrucible-needsdep.so, a throw-away plugin for the registry tests: a valid plugin (dialect
// "needsdep") that needs libcrucible_test_gone.so, which the loader cannot find, as a PostgreSQL
// plugin needs libpq.so.5. Loading it must fail with a PluginError naming the missing library.
#include <string>

#include "crucible/sdk/plugin.hpp"

extern "C" int crucible_test_gone_answer();

namespace {

class NeedsDepDialect final : public crucible::Dialect {
 public:
  std::string_view name() const noexcept override { return "needsdep"; }
  std::string_view default_driver() const noexcept override { return "needsdep"; }
};

void describe(crucible::PluginManifest& manifest) {
  manifest.plugin_name = "needsdep";
  manifest.plugin_version = std::to_string(crucible_test_gone_answer());
  crucible::sdk::add_dialect<NeedsDepDialect>(manifest, "needsdep", "needsdep");
}

}  // namespace

CRUCIBLE_PLUGIN(describe)
