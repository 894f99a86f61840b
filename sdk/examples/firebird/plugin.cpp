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
  // "0.1.0 (Firebird 3.0 client)": isc_get_client_version gives "LI-V6.3.11.33637 Firebird
  // 3.0" (its V6.3 is the InterBase API level, so the text after "Firebird" is what counts).
  char version[128] = {};
  isc_get_client_version(version);
  const std::string text(version);
  const auto at = text.find("Firebird");
  manifest.plugin_version =
      "0.1.0 (" + (at == std::string::npos ? text : text.substr(at)) + " client)";
  crucible::sdk::add_dialect<crucible::firebird::FirebirdDialect>(manifest, "firebird", "fbclient");
  crucible::sdk::add_driver<crucible::firebird::FbclientDriver>(manifest, "fbclient");
}

}  // namespace

CRUCIBLE_PLUGIN(describe)
