// `crucible plugins`: what the registry can load.
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/SharedPtr.h>

#include <crucible/crucible.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace crucible::cli {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

/// "sqlite (default driver sqlite3), …" for the table and CSV formats.
std::string dialects_text(const registry::PluginInfo& plugin) {
  std::vector<std::string> items;
  for (std::size_t i = 0; i < plugin.dialects.size(); ++i) {
    std::string item = plugin.dialects[i];
    if (i < plugin.default_drivers.size() && !plugin.default_drivers[i].empty())
      item += " (default driver " + plugin.default_drivers[i] + ")";
    items.push_back(std::move(item));
  }
  return join(items);
}

Value optional_text(const std::string& text) { return text.empty() ? Value() : Value(text); }

Grid plugins_grid(const std::vector<registry::PluginInfo>& plugins) {
  Grid grid{{"name", "version", "path", "dialects", "drivers", "error"}, {}};
  for (const auto& plugin : plugins)
    grid.rows.push_back({Value(plugin.name), optional_text(plugin.version),
                         optional_text(plugin.path.string()), Value(dialects_text(plugin)),
                         Value(join(plugin.drivers)), optional_text(plugin.error)});
  return grid;
}

Poco::JSON::Array::Ptr plugins_json(const std::vector<registry::PluginInfo>& plugins) {
  auto array = Poco::makeShared<Poco::JSON::Array>();
  for (const auto& plugin : plugins) {
    auto object = Poco::makeShared<Poco::JSON::Object>(Poco::JSON_PRESERVE_KEY_ORDER);
    object->set("name", plugin.name);
    object->set("version", value_to_json(optional_text(plugin.version)));
    object->set("path", value_to_json(optional_text(plugin.path.string())));
    auto dialects = Poco::makeShared<Poco::JSON::Array>();
    for (std::size_t i = 0; i < plugin.dialects.size(); ++i) {
      auto dialect = Poco::makeShared<Poco::JSON::Object>(Poco::JSON_PRESERVE_KEY_ORDER);
      dialect->set("name", plugin.dialects[i]);
      dialect->set("default_driver",
                   value_to_json(optional_text(
                       i < plugin.default_drivers.size() ? plugin.default_drivers[i] : "")));
      dialects->add(dialect);
    }
    object->set("dialects", dialects);
    auto drivers = Poco::makeShared<Poco::JSON::Array>();
    for (const auto& driver : plugin.drivers) drivers->add(driver);
    object->set("drivers", drivers);
    object->set("error", value_to_json(optional_text(plugin.error)));
    array->add(object);
  }
  return array;
}

}  // namespace

int run_plugins(const Invocation& inv, std::ostream& out) {
  const std::vector<registry::PluginInfo> plugins = registry::list_available();
  switch (inv.format) {
  case Format::kJson: write_json(out, plugins_json(plugins)); break;
  case Format::kCsv: write_csv(out, plugins_grid(plugins)); break;
  case Format::kTable: {
    if (plugins.empty())
      out << "No plugins found.\n";
    else
      write_table(out, plugins_grid(plugins), {.null_text = "", .footer = false});
    out << "\nSearch path ($CRUCIBLE_PLUGIN_PATH, the install and the build directory):\n";
    for (const auto& dir : registry::search_path()) {
      std::error_code ec;
      out << "  " << dir.string() << (std::filesystem::is_directory(dir, ec) ? "" : "  (absent)")
          << '\n';
    }
    break;
  }
  }
  return 0;
}

}  // namespace crucible::cli
