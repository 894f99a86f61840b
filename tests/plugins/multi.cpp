// libcrucible-multi.so, a throw-away plugin for the registry tests: dialects "alpha" and "beta"
// (default driver "gamma") and driver "gamma". No file is named after any of them, so the
// registry finds them only by reading this plugin's manifest.
#include <memory>

#include "crucible/errors.hpp"
#include "crucible/sdk/plugin.hpp"

namespace {

class AlphaDialect final : public crucible::Dialect {
 public:
  std::string_view name() const noexcept override { return "alpha"; }
  std::string_view default_driver() const noexcept override { return "gamma"; }
};

class BetaDialect final : public crucible::Dialect {
 public:
  std::string_view name() const noexcept override { return "beta"; }
  std::string_view default_driver() const noexcept override { return "gamma"; }
};

class GammaDriver final : public crucible::Driver {
 public:
  std::string_view name() const noexcept override { return "gamma"; }
  crucible::ParamStyle paramstyle() const noexcept override {
    return crucible::ParamStyle::kNumericDollar;
  }
  std::unique_ptr<crucible::DbapiConnection> connect(const crucible::URL& /*url*/,
                                                     const crucible::ConnectOptions&) override {
    throw crucible::OperationalError({.driver_message = "gamma: there is no database to reach"});
  }
};

void describe(crucible::PluginManifest& manifest) {
  manifest.plugin_name = "multi";
  manifest.plugin_version = "0.0.1";
  crucible::sdk::add_dialect<AlphaDialect>(manifest, "alpha", "gamma");
  crucible::sdk::add_dialect<BetaDialect>(manifest, "beta", "gamma");
  crucible::sdk::add_driver<GammaDriver>(manifest, "gamma");
}

}  // namespace

CRUCIBLE_PLUGIN(describe)
