#pragma once
// The registry: finds, loads and hands out dialects and drivers by name.
//
// Resolution of a URL "dialect+driver" looks the dialect and the driver up separately, so any
// driver can serve any dialect that a plugin anywhere provides ("postgresql+odbc"):
//  1. the in-process table (filled by register_dialect/register_driver and by every plugin
//     loaded so far);
//  2. on a miss, the search path: $CRUCIBLE_PLUGIN_PATH (colon-separated), then the install
//     directory <libdir>/crucible/plugins next to the libcrucible.so in use (found at run time
//     from the library's own path, so a moved prefix still works; in the build tree this is
//     its lib/crucible/plugins), then the build tree's plugin directory (for the build tree's
//     own libcrucible.so only). In each
//     directory libcrucible-<name>.so is tried for the wanted name (and, for a dialect, for
//     the driver's name and the other way round), then every libcrucible-*.so file's manifest
//     is read, since one plugin may provide several dialects and drivers.
// Before a file is loaded its symbol table is read (Boost.DLL library_info; no plugin code
// runs): a file without an entry point is "not a crucible plugin", one whose entry point names
// another ABI version is refused with both versions. The manifest's factories then make the
// objects; every object made holds a reference on its library, so the library stays loaded
// while anything it made is alive, whatever the registry forgets.
//
// Thread-safe: every function may be called from any thread.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/plugin_abi.hpp"

namespace crucible {

class Dialect;
class Driver;

namespace registry {

/// A dialect or driver made by the registry; holding it keeps its plugin library loaded. Each
/// load makes a new object, so an Engine owns its dialect (whose initialize() may then adapt
/// it to that Engine's server).
using DialectPtr = std::shared_ptr<Dialect>;
using DriverPtr = std::shared_ptr<Driver>;

/// Adds a dialect made by factory under entry.name, for programs and tests that link their own
/// dialect or build statically. Replaces an earlier registration of the same name.
void register_dialect(DialectEntry entry);
/// Adds a driver, as register_dialect.
void register_driver(DriverEntry entry);

/// The dialect called name, loading its plugin when needed. driver_hint, when not empty, is
/// the driver the URL names: its plugin is also tried for the dialect. Throws PluginError naming
/// the dialect, every path searched, every file skipped and why (not a plugin, another ABI, a
/// library it needs missing, writable by every user), and the dialects available.
DialectPtr load_dialect(std::string_view name, std::string_view driver_hint = {});
/// The driver called name, as load_dialect; dialect_hint is the URL's dialect.
DriverPtr load_driver(std::string_view name, std::string_view dialect_hint = {});

/// The directories searched, in order (existing or not): each of $CRUCIBLE_PLUGIN_PATH, then
/// <directory of libcrucible.so>/crucible/plugins, then the build tree's plugin directory when
/// this libcrucible.so is the build tree's own (duplicates dropped; an installed crucible does
/// not search the tree it was built in). No environment variable is needed to find installed
/// plugins. Empty entries of $CRUCIBLE_PLUGIN_PATH are ignored; a relative entry throws
/// PluginError naming it, as it would load code from whatever the current directory is.
///
/// A plugin file is refused (PluginError, the file never loaded) when it, or the directory it
/// is found in, is writable by every user: anyone could put a library there, and loading it
/// runs its code in this process.
std::vector<std::filesystem::path> search_path();

/// One plugin as `crucible plugins` lists it.
struct PluginInfo {
  std::string name;  ///< "sqlite", or "(in-process)" for registered entries
  std::string version;
  std::filesystem::path path;                ///< empty for in-process entries
  std::vector<std::string> dialects;         ///< "sqlite (default driver sqlite3)"-style names only
  std::vector<std::string> default_drivers;  ///< parallel to dialects
  std::vector<std::string> drivers;
  std::string error;  ///< why a file on the path was not usable, else ""
};

/// Every plugin file on the search path (loading each to read its manifest) and the in-process
/// registrations. Files that cannot be used are listed with their error, not thrown.
std::vector<PluginInfo> list_available();

/// Drops the registry's own references to the plugin called plugin_name and its dialects and
/// drivers; the library is unloaded once nothing it made is alive. Returns false when no such
/// plugin is loaded.
bool unload(std::string_view plugin_name);

}  // namespace registry
}  // namespace crucible
