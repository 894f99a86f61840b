// libcrucible-postgresql.so's entry point: the manifest naming the "postgresql" dialect (default
// driver "libpq") and the "libpq" driver over PostgreSQL's C client library.
#include <libpq-fe.h>

#include <string>

#include "crucible/sdk/plugin.hpp"
#include "libpq_driver.hpp"
#include "postgresql_dialect.hpp"

namespace {

void describe(crucible::PluginManifest& manifest) {
  manifest.plugin_name = "postgresql";
  // The plugin's version, with the libpq it runs on: "0.1.0 (libpq 15.18)". PQlibVersion()
  // is major * 10000 + minor since PostgreSQL 10.
  const int libpq = PQlibVersion();
  manifest.plugin_version =
      "0.1.0 (libpq " + std::to_string(libpq / 10000) + "." + std::to_string(libpq % 10000) + ")";
  crucible::sdk::add_dialect<crucible::postgresql::PostgresqlDialect>(manifest, "postgresql",
                                                                      "libpq");
  crucible::sdk::add_driver<crucible::postgresql::LibpqDriver>(manifest, "libpq");
}

}  // namespace

CRUCIBLE_PLUGIN(describe)
