#pragma once
// The plugin ABI: the handshake between libcrucible and a plugin library.
//
// A plugin exports exactly one C symbol, crucible_plugin_v<N>, where N is the ABI version it was
// built for. The registry reads the file's symbol table before loading it (no plugin code runs),
// so a plugin of another version is refused by name with both versions in the message. The
// entry point fills a PluginManifest: which dialects and drivers the library provides and how to
// make them. Bump kPluginAbiVersion whenever a class that crosses the boundary (Dialect, Driver,
// DbapiConnection, Cursor, Value, the errors, PluginManifest) changes layout or virtual table.
//
// History: v1 the first; v2 Cursor::executemany(ParamSets) instead of vectors of values,
// Dialect::needs_bind_processing, get_schema_names, has_sequence, has_type, is_client_command, the
// insertmanyvalues fields of DialectFeatures and the compiler hooks of sequences, conflict targets
// and set operations; v3 DbapiConnection::paramstyle and Dialect::initialize (a dialect that
// adapts to the server it meets: "mysql" on a MariaDB server); v4 the migrations' contract:
// DialectFeatures::alter_requires_table_rebuild, Dialect::before_table_rebuild,
// after_table_rebuild and foreign_key_violations, and DDLCompiler's ALTER TABLE forms; v5
// Dialect::get_check_constraints (CHECK constraints kept through migrations' table rebuilds);
// v6 DBAPIError::connection_invalidated (the errors' layout) and DisconnectionError.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#define CRUCIBLE_PLUGIN_ABI_VERSION 6
#define CRUCIBLE_PP_CAT_(a, b) a##b
#define CRUCIBLE_PP_CAT(a, b) CRUCIBLE_PP_CAT_(a, b)
/// The entry point's identifier for this ABI version: crucible_plugin_v6.
#define CRUCIBLE_PLUGIN_ENTRY CRUCIBLE_PP_CAT(crucible_plugin_v, CRUCIBLE_PLUGIN_ABI_VERSION)

namespace crucible {

class Dialect;
class Driver;

/// The ABI version this build of crucible loads.
inline constexpr int kPluginAbiVersion = CRUCIBLE_PLUGIN_ABI_VERSION;
/// Every entry point's name starts with this; the digits after it are the ABI version.
inline constexpr std::string_view kPluginEntryPrefix = "crucible_plugin_v";
/// A plugin library's file name is kPluginFilePrefix + <name> + kPluginFileSuffix.
inline constexpr std::string_view kPluginFilePrefix = "libcrucible-";
inline constexpr std::string_view kPluginFileSuffix = ".so";

/// A dialect a plugin provides.
struct DialectEntry {
  std::string name;            ///< as written in URLs: "postgresql"
  std::string default_driver;  ///< used when the URL names no driver: "libpq"
  std::function<std::unique_ptr<Dialect>()> factory;
};

/// A driver a plugin provides. A driver may serve several dialects (odbc serves any).
struct DriverEntry {
  std::string name;  ///< as written after '+' in URLs: "libpq"
  std::function<std::unique_ptr<Driver>()> factory;
};

/// What a plugin's entry point returns.
struct PluginManifest {
  int abi_version{0};          ///< must equal kPluginAbiVersion
  std::string plugin_name;     ///< "sqlite"; the file is libcrucible-sqlite.so
  std::string plugin_version;  ///< the plugin's own version, for `crucible plugins`
  std::vector<DialectEntry> dialects;
  std::vector<DriverEntry> drivers;
};

/// The entry point's signature: extern "C" void crucible_plugin_vN(PluginManifest&).
using PluginEntryPoint = void(PluginManifest&);

}  // namespace crucible
