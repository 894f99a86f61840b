// libcrucible-mydb.so's entry point: what the plugin provides. The registry finds the file by
// its name (libcrucible-<name>.so, given to crucible_add_plugin) or by reading this manifest,
// and refuses it before running any of its code when it was built for another ABI version.
#include "crucible/sdk/plugin.hpp"
#include "mydb_dialect.hpp"
#include "mydriver.hpp"

namespace {

void describe(crucible::PluginManifest& manifest) {
  manifest.plugin_name = "mydb";      // the file is libcrucible-mydb.so
  manifest.plugin_version = "0.1.0";  // shown by `crucible plugins`
  // URLs "mydb://…" use the default driver; "mydb+mydriver://…" names it.
  crucible::sdk::add_dialect<mydb::MydbDialect>(manifest, "mydb", "mydriver");
  crucible::sdk::add_driver<mydb::MyDriver>(manifest, "mydriver");
}

}  // namespace

// Exports crucible_plugin_v<ABI>, the only visible symbol of the plugin.
CRUCIBLE_PLUGIN(describe)
