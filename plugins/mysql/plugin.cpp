// libcrucible-mysql.so's entry point: the manifest naming the "mysql" and "mariadb" dialects
// (default driver "mariadbconnector") and the "mariadbconnector" driver over MariaDB
// Connector/C.
#include <mysql.h>

#include <string>

#include "crucible/sdk/plugin.hpp"
#include "mariadb_driver.hpp"
#include "mysql_dialect.hpp"

namespace {

void describe(crucible::PluginManifest& manifest) {
  manifest.plugin_name = "mysql";
  // The plugin's version, with the Connector/C it runs on: "0.1.0 (MariaDB Connector/C 3.3.20)".
  manifest.plugin_version =
      std::string("0.1.0 (MariaDB Connector/C ") + mysql_get_client_info() + ")";
  crucible::sdk::add_dialect<crucible::mysql::MysqlDialect>(manifest, "mysql", "mariadbconnector");
  crucible::sdk::add_dialect<crucible::mysql::MariadbDialect>(manifest, "mariadb",
                                                              "mariadbconnector");
  crucible::sdk::add_driver<crucible::mysql::MariadbDriver>(manifest, "mariadbconnector");
}

}  // namespace

CRUCIBLE_PLUGIN(describe)
