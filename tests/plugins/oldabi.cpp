// libcrucible-oldabi.so, a throw-away plugin for the registry tests: its entry point names ABI
// version 0, so the registry must refuse it from its symbol table, naming both versions, and
// never load it (a test checks with dlopen(RTLD_NOLOAD) that it is not mapped).
#include "crucible/plugin_abi.hpp"

extern "C" __attribute__((visibility("default"))) void
crucible_plugin_v0(crucible::PluginManifest& manifest) {
  manifest.abi_version = 0;
  manifest.plugin_name = "oldabi";
  manifest.plugin_version = "0.0.0";
}
