// A plugin built for ANOTHER plugin ABI version than the installed crucible's: it exports
// crucible_plugin_v<OTHER_ABI_VERSION> (given by CMakeLists.txt as this crucible's ABI plus or
// minus one), which is the symbol an SDK of that version writes. The registry reads the symbol
// table before loading and must refuse it, naming the file, both versions and the fix; if it
// ever ran this code anyway, the manifest says so loudly.
#include "crucible/sdk/plugin.hpp"

#define OTHER_ABI_ENTRY CRUCIBLE_PP_CAT(crucible_plugin_v, OTHER_ABI_VERSION)

extern "C" __attribute__((visibility("default"))) void
OTHER_ABI_ENTRY(crucible::PluginManifest& manifest) {
  manifest.abi_version = OTHER_ABI_VERSION;
  manifest.plugin_name = OTHER_ABI_NAME;
  manifest.plugin_version = "built for another ABI: must never be loaded";
}
