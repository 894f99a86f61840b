// libcrucible-firebird.so's entry point: the dialect "firebird" (Firebird 3's SQL) and the
// driver "fbclient" (libfbclient's ISC API), so firebird:///… and firebird+fbclient:///… reach
// Firebird 3, embedded or on a server.
#include <ibase.h>

#include <string>

#include "crucible/sdk/plugin.hpp"
#include "fbclient_driver.hpp"
#include "firebird_dialect.hpp"

namespace {

void describe(crucible::PluginManifest& manifest) {
  manifest.plugin_name = "firebird";
  // "0.1.0 (fbclient 3.0)": the client library's major.minor (isc_get_client_*_version).
  manifest.plugin_version = "0.1.0 (fbclient " + std::to_string(isc_get_client_major_version()) +
                            "." + std::to_string(isc_get_client_minor_version()) + ")";
  crucible::sdk::add_dialect<crucible::firebird::FirebirdDialect>(manifest, "firebird", "fbclient");
  crucible::sdk::add_driver<crucible::firebird::FbclientDriver>(manifest, "fbclient");
}

}  // namespace

CRUCIBLE_PLUGIN(describe)
