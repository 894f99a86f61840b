// A program built against an installed crucible: `crucible_consumer URL` prints the plugin
// search path and every plugin found (with its error, if refused), then runs SELECT 1 on URL and
// prints the dialect and driver that served it. Exits 1 with the error's message on failure.
// scripts/test-sdk runs it with no CRUCIBLE_PLUGIN_PATH, from the prefix and from a copy of it.
#include <exception>
#include <iostream>

#include "crucible/crucible.hpp"
#include "crucible/registry.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: crucible_consumer URL\n";
    return 2;
  }
  try {
    for (const auto& dir : crucible::registry::search_path())
      std::cout << "search " << dir.string() << "\n";
    for (const auto& plugin : crucible::registry::list_available()) {
      std::cout << "plugin " << plugin.name << " " << plugin.path.string();
      if (!plugin.error.empty()) std::cout << " REFUSED: " << plugin.error;
      std::cout << "\n";
    }
    auto engine = crucible::create_engine(argv[1]);
    auto conn = engine.connect();
    const auto one = conn.execute(crucible::text("SELECT 1")).scalar().as<long long>();
    std::cout << "SELECT 1 = " << one << " on dialect " << engine.dialect().name() << "\n";
    return one == 1 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "crucible_consumer: " << e.what() << "\n";
    return 1;
  }
}
