// The registry (registry.hpp): a process-wide table of dialects and drivers, filled by
// register_dialect/register_driver and by plugin libraries found on the search path.
//
// Order of work for a name that is not in the table (DESIGN.md, "URLs and plugin discovery"):
//  1. candidate files: libcrucible-<name>.so in every directory of the search path, then
//     libcrucible-<hint>.so likewise, then every other libcrucible-*.so of every directory
//     (sorted), each file at most once (by canonical path);
//  2. per file, before any of its code runs: its symbol table is read with Boost.DLL's
//     library_info to find the entry point crucible_plugin_v<N>; no entry point, another N, or
//     a file that is no ELF library refuses the file (the scan notes why and goes on);
//  3. only then is the file loaded (boost::dll::shared_library) and its entry point called; the
//     manifest is checked and every dialect and driver in it enters the table;
//  4. the scan stops as soon as the table holds the name.
// Like DuckDB's extension loader (extension_load.cpp) everything that can be checked is checked
// before the plugin runs; unlike SQLAlchemy's plugin loader, a failure is never swallowed: the
// error names what was wanted, every directory searched, every file skipped with its reason and
// what is available.
//
// Lifetime invariant, relied on by every product: a library is dlclose'd only when the last
// std::shared_ptr<boost::dll::shared_library> to it goes. The table's LoadedPlugin holds one and
// each product's deleter holds one, and every object holding plugin code (a factory
// std::function, a product) is destroyed before the reference that keeps that code mapped.
#include "crucible/registry.hpp"

#include <dlfcn.h>  // dlerror(): the loader's own words for a file that would not load;
                    // dladdr(): where libcrucible.so itself was loaded from

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

// Boost 1.74's library_info.hpp uses std::vector and std::string without including them.
#include <boost/dll/library_info.hpp>
#include <boost/dll/shared_library.hpp>

#include "crucible/dbapi.hpp"
#include "crucible/dialect.hpp"
#include "crucible/errors.hpp"

namespace crucible::registry {
namespace {

namespace fs = std::filesystem;
using LibraryPtr = std::shared_ptr<boost::dll::shared_library>;

/// One plugin library loaded by the registry. Members are destroyed in reverse order of
/// declaration: the manifest (whose factories are the plugin's code) before the library.
struct LoadedPlugin {
  LibraryPtr library;
  fs::path canonical;  ///< identity of the file: a file is loaded at most once
  fs::path path;       ///< as found on the search path, for messages
  PluginManifest manifest;
};
using PluginPtr = std::shared_ptr<const LoadedPlugin>;

/// A table entry. plugin is declared first so that it is released after entry, whose
/// factory may be the plugin's code; it is null for in-process registrations.
template <class Entry>
struct Slot {
  PluginPtr plugin;
  Entry entry;
};

struct Table {
  std::mutex mutex;
  std::map<std::string, Slot<DialectEntry>, std::less<>> dialects;
  std::map<std::string, Slot<DriverEntry>, std::less<>> drivers;
  std::map<std::string, PluginPtr, std::less<>> plugins;  ///< by manifest plugin_name
};

Table& table() {
  static Table instance;
  return instance;
}

/// What differs between looking up a dialect and a driver.
struct DialectKind {
  using Entry = DialectEntry;
  using Product = Dialect;
  static constexpr std::string_view kNoun = "dialect";
  static constexpr std::string_view kHintNoun = "driver";
  static auto& slots(Table& t) { return t.dialects; }
};
struct DriverKind {
  using Entry = DriverEntry;
  using Product = Driver;
  static constexpr std::string_view kNoun = "driver";
  static constexpr std::string_view kHintNoun = "dialect";
  static auto& slots(Table& t) { return t.drivers; }
};

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string plugin_file_name(std::string_view name) {
  return std::string(kPluginFilePrefix) + std::string(name) + std::string(kPluginFileSuffix);
}

/// Whether name can be part of a file name without leaving the directory (names come from URLs).
bool usable_in_file_name(std::string_view name) {
  return !name.empty() && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos && name != "." && name != "..";
}

/// The libcrucible-*.so regular files directly in dir, sorted by name; none when dir is missing
/// or unreadable.
std::vector<fs::path> plugin_files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return files;
  for (const fs::directory_entry& entry : it) {
    const std::string file = entry.path().filename().string();
    if (file.size() > kPluginFilePrefix.size() + kPluginFileSuffix.size() &&
        file.starts_with(kPluginFilePrefix) && file.ends_with(kPluginFileSuffix) &&
        entry.is_regular_file(ec)) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::optional<fs::path> canonical_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  fs::path canonical = fs::canonical(path, ec);
  if (ec) return std::nullopt;
  return canonical;
}

/// Why library_info could not read path, in words: unreadable, not ELF, or Boost's reason.
std::string unreadable_reason(const fs::path& path, const std::exception& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "cannot open it for reading";
  char magic[4] = {};
  in.read(magic, sizeof magic);
  if (in.gcount() < 4 || std::memcmp(magic,
                                     "\x7f"
                                     "ELF",
                                     4) != 0) {
    return "not an ELF file: it does not start with the ELF magic number";
  }
  return error.what();
}

/// Reads path's symbol table (no code of it runs) and returns the name of its entry point for
/// this ABI. Throws PluginError when the file is no loadable library, has no entry point, or has
/// only entry points of other ABI versions.
std::string find_entry_point(const fs::path& path) {
  std::vector<std::string> symbols;
  bool has_symtab = true;
  try {
    boost::dll::library_info info(path);
    symbols = info.symbols();
    const std::vector<std::string> sections = info.sections();
    has_symtab = std::find(sections.begin(), sections.end(), ".symtab") != sections.end();
  } catch (const std::exception& e) {
    throw PluginError(path.string() + " is not a shared library this platform can load (" +
                      unreadable_reason(path, e) + ")");
  }
  const std::string wanted = std::string(kPluginEntryPrefix) + std::to_string(kPluginAbiVersion);
  std::vector<int> versions;
  for (const std::string& symbol : symbols) {
    if (!symbol.starts_with(kPluginEntryPrefix)) continue;
    const char* first = symbol.data() + kPluginEntryPrefix.size();
    const char* last = symbol.data() + symbol.size();
    int version = 0;
    const auto [end, ec] = std::from_chars(first, last, version);
    if (ec != std::errc{} || end != last || first == last) continue;  // crucible_plugin_vX…
    if (version == kPluginAbiVersion) return wanted;
    versions.push_back(version);
  }
  if (versions.empty()) {
    std::string message = path.string() + " is not a crucible plugin: it exports no " +
                          std::string(kPluginEntryPrefix) + "<N> entry point";
    if (!has_symtab) {
      message += " (the file has no symbol table: a plugin must not be stripped, since its entry"
                 " point is found in .symtab before the file is loaded)";
    }
    throw PluginError(message);
  }
  std::string found;
  for (const int v : versions) found += (found.empty() ? "v" : ", v") + std::to_string(v);
  throw PluginError(path.string() + " was built for plugin ABI " + found +
                    ", this crucible loads ABI v" + std::to_string(kPluginAbiVersion) +
                    ": rebuild the plugin against this " +
                    "crucible's SDK (or use it with a crucible of its ABI version)");
}

/// Checks what the entry point filled in; throws PluginError naming the file and the fault.
void check_manifest(const LoadedPlugin& plugin) {
  const PluginManifest& m = plugin.manifest;
  const std::string where = plugin.path.string() + ": its manifest ";
  if (m.abi_version != kPluginAbiVersion) {
    throw PluginError(where + "says ABI v" + std::to_string(m.abi_version) +
                      ", this crucible loads ABI v" + std::to_string(kPluginAbiVersion) +
                      ": rebuild the plugin against this crucible's SDK");
  }
  if (m.plugin_name.empty()) throw PluginError(where + "has an empty plugin_name");
  for (const DialectEntry& d : m.dialects) {
    if (d.name.empty()) throw PluginError(where + "has a dialect without a name");
    if (!d.factory) throw PluginError(where + "has no factory for dialect " + in_quotes(d.name));
  }
  for (const DriverEntry& d : m.drivers) {
    if (d.name.empty()) throw PluginError(where + "has a driver without a name");
    if (!d.factory) throw PluginError(where + "has no factory for driver " + in_quotes(d.name));
  }
}

/// Throws PluginError when path (found on the search path; canonical is where it really is), or
/// a directory holding it, may be written by every user: a library there could be anyone's, and
/// loading it runs its code in this process (the reason ld.so ignores such RUNPATHs for setuid
/// programs and OpenSSH refuses group- or world-writable key files).
void refuse_world_writable(const fs::path& path, const fs::path& canonical) {
  const auto check = [&](const fs::path& p, const char* what) {
    std::error_code ec;
    const fs::file_status status = fs::status(p, ec);
    if (ec || (status.permissions() & fs::perms::others_write) == fs::perms::none) return;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.permissions()) & 07777u);
    throw PluginError(path.string() + " refused: " + what + " " + p.string() +
                      " is writable by every user (mode " + mode +
                      "), so the library could be anyone's and loading it would run their code "
                      "in this process; remove that permission (chmod o-w " +
                      p.string() + ") or install the plugin in a directory only its owner "
                      "can write");
  };
  check(canonical, "the file");
  check(path.parent_path(), "its directory");
  if (canonical.parent_path() != path.parent_path())
    check(canonical.parent_path(), "the directory it links to,");
}

/// Checks, loads and runs the entry point of the plugin file path (canonical is its canonical
/// path). Touches no table. Throws PluginError with the file's own reason.
PluginPtr open_plugin(const fs::path& path, const fs::path& canonical) {
  refuse_world_writable(path, canonical);
  const std::string entry_point = find_entry_point(path);
  auto plugin = std::make_shared<LoadedPlugin>();
  plugin->canonical = canonical;
  plugin->path = path;
  plugin->library = std::make_shared<boost::dll::shared_library>();
  boost::dll::fs::error_code ec;
  dlerror();  // clear any stale message so the one read below is this load's
  plugin->library->load(canonical, ec,
                        boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  if (ec) {
    const char* text = dlerror();
    throw PluginError(path.string() +
                      " could not be loaded: " + (text != nullptr ? text : ec.message()));
  }
  try {
    plugin->library->get<PluginEntryPoint>(entry_point)(plugin->manifest);
  } catch (const std::exception& e) {
    throw PluginError(path.string() + ": its entry point " + entry_point + " threw: " + e.what());
  } catch (...) {
    throw PluginError(path.string() + ": its entry point " + entry_point +
                      " threw a non-standard exception");
  }
  check_manifest(*plugin);
  return plugin;
}

PluginPtr find_loaded(const Table& t, const fs::path& canonical) {
  for (const auto& [name, plugin] : t.plugins) {
    if (plugin->canonical == canonical) return plugin;
  }
  return nullptr;
}

/// Enters plugin and all it provides into the table (caller holds the lock). A name already in
/// the table keeps its earlier entry: in-process registrations and earlier plugins win. Throws
/// PluginError, entering nothing, when another file already provides a plugin of the same name.
void adopt(Table& t, const PluginPtr& plugin) {
  const auto [it, added] = t.plugins.try_emplace(plugin->manifest.plugin_name, plugin);
  if (!added) {
    throw PluginError(plugin->path.string() + " provides plugin " +
                      in_quotes(plugin->manifest.plugin_name) + ", which is already loaded from " +
                      it->second->path.string());
  }
  for (const DialectEntry& d : plugin->manifest.dialects)
    t.dialects.try_emplace(d.name, Slot<DialectEntry>{plugin, d});
  for (const DriverEntry& d : plugin->manifest.drivers)
    t.drivers.try_emplace(d.name, Slot<DriverEntry>{plugin, d});
}

/// What a search saw, for the error when the name is not found.
struct SearchLog {
  std::vector<std::string> skipped;        ///< one reason per refused file, naming the file
  std::optional<std::string> named_error;  ///< the reason libcrucible-<name>.so was refused
};

/// Searches the plugin path for Kind's name (caller holds the lock, so plugin entry points run
/// under it and must not call the registry); returns whether the table now holds it. Refused
/// files are noted in log and skipped: one bad file on the path never hides a good one.
template <class Kind>
bool search(Table& t, const std::vector<fs::path>& dirs, std::string_view name,
            std::string_view hint, SearchLog& log) {
  std::vector<std::pair<fs::path, bool>> candidates;  // (file, is libcrucible-<name>.so)
  const auto add_named = [&](std::string_view n, bool is_named) {
    if (!usable_in_file_name(n)) return;
    for (const fs::path& dir : dirs) candidates.emplace_back(dir / plugin_file_name(n), is_named);
  };
  add_named(name, true);
  if (hint != name) add_named(hint, false);
  for (const fs::path& dir : dirs) {
    for (fs::path& file : plugin_files_in(dir)) candidates.emplace_back(std::move(file), false);
  }
  std::set<fs::path> tried;
  for (const auto& [file, is_named] : candidates) {
    const std::optional<fs::path> canonical = canonical_file(file);
    if (!canonical || !tried.insert(*canonical).second) continue;
    if (find_loaded(t, *canonical)) continue;  // already in the table, without the name
    try {
      adopt(t, open_plugin(file, *canonical));
    } catch (const PluginError& e) {
      log.skipped.emplace_back(e.what());
      if (is_named && !log.named_error) log.named_error = e.what();
      continue;
    }
    if (Kind::slots(t).contains(name)) return true;
  }
  return false;
}

template <class Kind>
[[noreturn]] void throw_not_found(Table& t, const std::vector<fs::path>& dirs,
                                  std::string_view name, std::string_view hint,
                                  const SearchLog& log) {
  const std::string wanted = std::string(Kind::kNoun) + " " + in_quotes(name);
  if (log.named_error) throw PluginError("cannot load " + wanted + ": " + *log.named_error);
  std::string message = "no plugin provides " + wanted;
  if (!hint.empty()) {
    message +=
        " (the URL's " + std::string(Kind::kHintNoun) + " " + in_quotes(hint) + " was tried too)";
  }
  message += "; searched:";
  for (const fs::path& dir : dirs) {
    std::error_code ec;
    message +=
        " " + dir.string() + (fs::is_directory(dir, ec) ? " (exists)," : " (does not exist),");
  }
  message.pop_back();
  if (!log.skipped.empty()) {
    message += "; skipped:";
    for (const std::string& reason : log.skipped) message += " " + reason + ";";
    message.pop_back();
  }
  message += "; " + std::string(Kind::kNoun) + "s available:";
  std::string available;
  for (const auto& [n, slot] : Kind::slots(t)) {
    available += " " + n + (slot.plugin ? "" : " (in-process)") + ",";
  }
  if (available.empty()) {
    message += " none";
  } else {
    available.pop_back();
    message += available;
  }
  message += "; install the plugin that provides " + wanted +
             " or add its directory to CRUCIBLE_PLUGIN_PATH";
  throw PluginError(message);
}

/// Makes Kind's product with slot's factory (outside the lock). The product's deleter holds
/// the library: it deletes the object (plugin code) first; the library reference goes only when
/// the deleter itself is destroyed, after that.
template <class Kind>
std::shared_ptr<typename Kind::Product> make_product(const Slot<typename Kind::Entry>& slot) {
  const std::string origin =
      slot.plugin ? "plugin " + in_quotes(slot.plugin->manifest.plugin_name) : "in-process";
  std::unique_ptr<typename Kind::Product> object;
  try {
    object = slot.entry.factory();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw PluginError("the factory of " + std::string(Kind::kNoun) + " " +
                      in_quotes(slot.entry.name) + " (" + origin + ") threw: " + e.what());
  }
  if (!object) {
    throw PluginError("the factory of " + std::string(Kind::kNoun) + " " +
                      in_quotes(slot.entry.name) + " (" + origin + ") returned no object");
  }
  LibraryPtr library = slot.plugin ? slot.plugin->library : nullptr;
  // Released first: if the shared_ptr cannot allocate, it calls the deleter on the object itself.
  typename Kind::Product* raw = object.release();
  return std::shared_ptr<typename Kind::Product>(
      raw, [library = std::move(library)](typename Kind::Product* p) noexcept {
        std::unique_ptr<typename Kind::Product> owned(p);  // runs the plugin's destructor here
      });
}

template <class Kind>
std::shared_ptr<typename Kind::Product> load(std::string_view name, std::string_view hint) {
  if (name.empty()) {
    throw ArgumentError("no " + std::string(Kind::kNoun) + " name given: it must not be empty");
  }
  Table& t = table();
  std::optional<Slot<typename Kind::Entry>> slot;  // a copy, so the factory runs without the lock
  {
    std::lock_guard lock(t.mutex);
    auto& slots = Kind::slots(t);
    auto it = slots.find(name);
    if (it == slots.end()) {
      const std::vector<fs::path> dirs = search_path();
      SearchLog log;
      if (!search<Kind>(t, dirs, name, hint, log)) throw_not_found<Kind>(t, dirs, name, hint, log);
      it = slots.find(name);
    }
    slot = it->second;
  }
  return make_product<Kind>(*slot);
}

PluginInfo info_of(const LoadedPlugin& plugin) {
  PluginInfo info;
  info.name = plugin.manifest.plugin_name;
  info.version = plugin.manifest.plugin_version;
  info.path = plugin.path;
  for (const DialectEntry& d : plugin.manifest.dialects) {
    info.dialects.push_back(d.name);
    info.default_drivers.push_back(d.default_driver);
  }
  for (const DriverEntry& d : plugin.manifest.drivers) info.drivers.push_back(d.name);
  return info;
}

/// The plugin directory of the libcrucible.so this code runs in: <its directory>/crucible/plugins
/// (CRUCIBLE_PLUGIN_SUBDIR), i.e. <libdir>/crucible/plugins of the prefix it is installed in, and
/// lib/crucible/plugins of the build tree when it runs from there. Found at run time from the
/// library's own file (dladdr on a function of it), never from the configured prefix, so an
/// installed tree that is moved or unpacked elsewhere (a .deb, a tarball) still finds its
/// plugins. Empty when the loader cannot say (then only the other directories are searched).
fs::path installed_plugin_dir() {
  static const fs::path dir = [] {
    Dl_info info{};
    if (dladdr(reinterpret_cast<const void*>(&installed_plugin_dir), &info) == 0 ||
        info.dli_fname == nullptr || *info.dli_fname == '\0') {
      return fs::path{};
    }
    std::error_code ec;
    fs::path library = fs::canonical(fs::path(info.dli_fname), ec);
    if (ec) library = fs::absolute(fs::path(info.dli_fname), ec);
    return library.parent_path() / CRUCIBLE_PLUGIN_SUBDIR;
  }();
  return dir;
}

/// Whether the libcrucible.so in use is the build tree's: its plugin directory is the build
/// tree's plugin directory (compared as canonical paths; false when either is missing).
bool is_build_tree_library() {
  std::error_code ec;
  return fs::equivalent(installed_plugin_dir().parent_path(),
                        fs::path(CRUCIBLE_BUILD_PLUGIN_DIR).parent_path(), ec);
}

/// "sqlite" for ".../libcrucible-sqlite.so".
std::string name_from_file(const fs::path& file) {
  const std::string f = file.filename().string();
  return f.substr(kPluginFilePrefix.size(),
                  f.size() - kPluginFilePrefix.size() - kPluginFileSuffix.size());
}

}  // namespace

void register_dialect(DialectEntry entry) {
  if (entry.name.empty() || !entry.factory) {
    throw ArgumentError("register_dialect: wanted a name and a factory, got " +
                        (entry.name.empty() ? std::string("an empty name")
                                            : "no factory for " + in_quotes(entry.name)));
  }
  Table& t = table();
  std::lock_guard lock(t.mutex);
  std::string name = entry.name;
  t.dialects.insert_or_assign(std::move(name), Slot<DialectEntry>{nullptr, std::move(entry)});
}

void register_driver(DriverEntry entry) {
  if (entry.name.empty() || !entry.factory) {
    throw ArgumentError("register_driver: wanted a name and a factory, got " +
                        (entry.name.empty() ? std::string("an empty name")
                                            : "no factory for " + in_quotes(entry.name)));
  }
  Table& t = table();
  std::lock_guard lock(t.mutex);
  std::string name = entry.name;
  t.drivers.insert_or_assign(std::move(name), Slot<DriverEntry>{nullptr, std::move(entry)});
}

DialectPtr load_dialect(std::string_view name, std::string_view driver_hint) {
  return load<DialectKind>(name, driver_hint);
}

DriverPtr load_driver(std::string_view name, std::string_view dialect_hint) {
  return load<DriverKind>(name, dialect_hint);
}

std::vector<fs::path> search_path() {
  std::vector<fs::path> dirs;
  const auto add = [&dirs](fs::path dir) {
    if (dir.empty()) return;
    dir = dir.lexically_normal();
    if (!dir.has_filename() && dir.has_parent_path() && dir != dir.root_path()) {
      dir = dir.parent_path();  // "/a/b/" and "/a/b" are one directory
    }
    if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(std::move(dir));
  };
  // Read at every call, not cached: a program (or a test) may change it between loads.
  if (const char* env = std::getenv("CRUCIBLE_PLUGIN_PATH"); env != nullptr) {
    std::string_view rest = env;
    while (!rest.empty()) {
      const std::size_t colon = rest.find(':');
      const fs::path entry(rest.substr(0, colon));
      if (!entry.empty() && entry.is_relative())
        throw PluginError("CRUCIBLE_PLUGIN_PATH holds the relative entry '" + entry.string() +
                          "': refused, as it would load plugins (code run in this process) "
                          "from whatever the current directory is; write it as an absolute "
                          "path");
      add(entry);
      rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    }
  }
  // The build tree's directory only for the build tree's own libcrucible.so (there it is the
  // directory above), or when the library cannot tell where it is: an installed crucible never
  // loads the plugins of the tree it was built in.
  const fs::path installed = installed_plugin_dir();
  add(installed);
  if (installed.empty() || is_build_tree_library()) add(fs::path(CRUCIBLE_BUILD_PLUGIN_DIR));
  return dirs;
}

std::vector<PluginInfo> list_available() {
  Table& t = table();
  std::lock_guard lock(t.mutex);
  std::vector<PluginInfo> out;
  std::set<fs::path> seen;
  for (const fs::path& dir : search_path()) {
    for (const fs::path& file : plugin_files_in(dir)) {
      const std::optional<fs::path> canonical = canonical_file(file);
      if (!canonical || !seen.insert(*canonical).second) continue;
      if (const PluginPtr loaded = find_loaded(t, *canonical)) {
        out.push_back(info_of(*loaded));
        continue;
      }
      try {
        const PluginPtr plugin = open_plugin(file, *canonical);
        adopt(t, plugin);
        out.push_back(info_of(*plugin));
      } catch (const PluginError& e) {
        PluginInfo info;
        info.name = name_from_file(file);
        info.path = file;
        info.error = e.what();
        out.push_back(std::move(info));
      }
    }
  }
  // Plugins loaded earlier from a directory no longer on the path are still in use.
  for (const auto& [name, plugin] : t.plugins) {
    if (!seen.contains(plugin->canonical)) out.push_back(info_of(*plugin));
  }
  PluginInfo in_process;
  in_process.name = "(in-process)";
  for (const auto& [name, slot] : t.dialects) {
    if (slot.plugin) continue;
    in_process.dialects.push_back(name);
    in_process.default_drivers.push_back(slot.entry.default_driver);
  }
  for (const auto& [name, slot] : t.drivers) {
    if (!slot.plugin) in_process.drivers.push_back(name);
  }
  if (!in_process.dialects.empty() || !in_process.drivers.empty()) {
    out.push_back(std::move(in_process));
  }
  return out;
}

bool unload(std::string_view plugin_name) {
  Table& t = table();
  std::lock_guard lock(t.mutex);
  const auto it = t.plugins.find(plugin_name);
  if (it == t.plugins.end()) return false;
  const PluginPtr plugin = it->second;  // dropped last, after every entry that uses its code
  std::erase_if(t.dialects, [&](const auto& kv) { return kv.second.plugin == plugin; });
  std::erase_if(t.drivers, [&](const auto& kv) { return kv.second.plugin == plugin; });
  t.plugins.erase(it);
  return true;
}

}  // namespace crucible::registry
