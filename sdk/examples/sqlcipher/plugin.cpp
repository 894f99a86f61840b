// libcrucible-sqlcipher.so's entry point: the driver "sqlcipher", which serves the "sqlite"
// dialect of crucible's own sqlite plugin (sqlite+sqlcipher://…). No dialect of its own: SQL,
// types and reflection are SQLite's, whatever library runs them.
#include <sqlite3.h>

#include <string>

#include "crucible/sdk/plugin.hpp"
#include "sqlcipher_driver.hpp"

namespace {

void describe(crucible::PluginManifest& manifest) {
  manifest.plugin_name = "sqlcipher";
  // "0.1.0 (SQLite 3.15.2)": the SQLite version SQLCipher is built on (PRAGMA cipher_version
  // gives SQLCipher's own).
  manifest.plugin_version = std::string("0.1.0 (SQLite ") + sqlite3_libversion() + ")";
  crucible::sdk::add_driver<crucible::sqlcipher::SqlcipherDriver>(manifest, "sqlcipher");
}

}  // namespace

CRUCIBLE_PLUGIN(describe)
