#pragma once
// What a plugin's source includes to export itself.
//
//   #include <crucible/sdk/plugin.hpp>
//   static void describe(crucible::PluginManifest& m) {
//     m.plugin_name = "mydb";
//     m.plugin_version = "1.0.0";
//     crucible::sdk::add_dialect<MyDialect>(m, "mydb", "mydriver");
//     crucible::sdk::add_driver<MyDriver>(m, "mydriver");
//   }
//   CRUCIBLE_PLUGIN(describe)
//
// CRUCIBLE_PLUGIN defines the one exported symbol, crucible_plugin_v<ABI>, which fills the
// manifest and stamps it with the ABI version this SDK was built for. Build the plugin with
// crucible_add_plugin() (hidden visibility, the libcrucible-<name>.so file name).
#include <memory>
#include <string>

#include "crucible/dbapi.hpp"
#include "crucible/dialect.hpp"
#include "crucible/plugin_abi.hpp"

namespace crucible::sdk {

/// Adds dialect D (default-constructible, derived from Dialect) to manifest under name.
template <class D>
void add_dialect(PluginManifest& manifest, std::string name, std::string default_driver) {
  static_assert(std::is_base_of_v<Dialect, D>,
                "add_dialect<D>: D must derive from crucible::Dialect");
  manifest.dialects.push_back({std::move(name), std::move(default_driver),
                               [] { return std::unique_ptr<Dialect>(std::make_unique<D>()); }});
}

/// Adds driver D (default-constructible, derived from Driver) to manifest under name.
template <class D>
void add_driver(PluginManifest& manifest, std::string name) {
  static_assert(std::is_base_of_v<Driver, D>, "add_driver<D>: D must derive from crucible::Driver");
  manifest.drivers.push_back(
      {std::move(name), [] { return std::unique_ptr<Driver>(std::make_unique<D>()); }});
}

}  // namespace crucible::sdk

/// Defines the plugin's entry point; describe is a function void(crucible::PluginManifest&).
#define CRUCIBLE_PLUGIN(describe)                                                                  \
  extern "C" __attribute__((visibility("default"))) void CRUCIBLE_PLUGIN_ENTRY(                    \
      ::crucible::PluginManifest& manifest) {                                                      \
    manifest.abi_version = ::crucible::kPluginAbiVersion;                                          \
    describe(manifest);                                                                            \
  }
