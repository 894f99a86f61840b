// libcrucible-mysql.so's entry point: the manifest naming the "mysql" and "mariadb" dialects
// (default driver "mariadbconnector", over MariaDB Connector/C).
#include "crucible/sdk/plugin.hpp"
#include "mysql_dialect.hpp"

namespace {

void describe(crucible::PluginManifest& manifest) {
  manifest.plugin_name = "mysql";
  manifest.plugin_version = "0.1.0";
  crucible::sdk::add_dialect<crucible::mysql::MysqlDialect>(manifest, "mysql", "mariadbconnector");
  crucible::sdk::add_dialect<crucible::mysql::MariadbDialect>(manifest, "mariadb",
                                                              "mariadbconnector");
}

}  // namespace

CRUCIBLE_PLUGIN(describe)
