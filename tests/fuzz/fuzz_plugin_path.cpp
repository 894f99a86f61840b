// The plugin registry's path handling on any bytes: the first line is $CRUCIBLE_PLUGIN_PATH, the
// second the dialect name, the rest the driver hint. search_path() and load_dialect() either
// work or throw crucible::Error (PluginError, ArgumentError) naming what was wrong; a name never
// leads outside the directories searched (usable_in_file_name), a relative entry is refused.
#include <cstdlib>
#include <string>

#include "crucible/errors.hpp"
#include "crucible/registry.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crucible::fuzz::Input in(data, size);
  const std::string path(in.until('\n'));
  const std::string name(in.until('\n'));
  const std::string hint(in.rest());
  if (path.find('\0') != std::string::npos) return 0;  // an environment value holds no NUL
  ::setenv("CRUCIBLE_PLUGIN_PATH", path.c_str(), 1);
  try {
    for (const std::filesystem::path& dir : crucible::registry::search_path())
      if (dir.is_relative()) crucible::fuzz::fail("relative directory searched: " + dir.string());
    (void)crucible::registry::load_dialect(name, hint);
    (void)crucible::registry::load_driver(name, hint);
  } catch (const crucible::Error&) {
  }
  return 0;
}
