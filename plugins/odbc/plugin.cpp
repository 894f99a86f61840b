// libcrucible-odbc.so's entry point: the manifest naming the "odbc" driver and no dialect. The
// driver serves every dialect (postgresql+odbc, mysql+odbc, sqlite+odbc…): the registry loads
// the dialect from its own plugin and the driver from this one.
#include "crucible/sdk/plugin.hpp"
#include "odbc_driver.hpp"

namespace {

void describe(crucible::PluginManifest& manifest) {
  manifest.plugin_name = "odbc";
  manifest.plugin_version = "0.1.0 (unixODBC)";
  crucible::sdk::add_driver<crucible::odbc::OdbcDriver>(manifest, "odbc");
}

}  // namespace

CRUCIBLE_PLUGIN(describe)
