// libcrucible-sqlite.so's entry point: the manifest naming the "sqlite" dialect (default driver
// "sqlite3") and the "sqlite3" driver over libsqlite3.
#include <sqlite3.h>

#include <string>

#include "crucible/sdk/plugin.hpp"
#include "crucible/sdk/sqlite3/sqlite3_driver.hpp"
#include "crucible/sdk/sqlite3/sqlite_dialect.hpp"

namespace {

void describe(crucible::PluginManifest& manifest) {
  manifest.plugin_name = "sqlite";
  // The plugin's version, with the libsqlite3 it runs on: "0.1.0 (libsqlite3 3.40.1)".
  manifest.plugin_version = std::string("0.1.0 (libsqlite3 ") + sqlite3_libversion() + ")";
  crucible::sdk::add_dialect<crucible::sqlite::SqliteDialect>(manifest, "sqlite", "sqlite3");
  crucible::sdk::add_driver<crucible::sqlite::Sqlite3Driver>(manifest, "sqlite3");
}

}  // namespace

CRUCIBLE_PLUGIN(describe)
