// The "sqlcipher" driver (sqlcipher_driver.hpp).
#include "sqlcipher_driver.hpp"

#include <sqlite3.h>  // SQLCipher's (include/sqlcipher), with SQLITE_HAS_CODEC: sqlite3_key

#include <dlfcn.h>  // dladdr: which library the sqlite3_* calls reach

#include <climits>
#include <string>

#include "crucible/errors.hpp"
#include "crucible/sdk/sqlite3/sqlite3_errors.hpp"

#ifndef SQLITE_HAS_CODEC
#error "build against SQLCipher's sqlite3.h with SQLITE_HAS_CODEC defined (see CMakeLists.txt)"
#endif

namespace crucible::sqlcipher {

std::vector<std::string> SqlcipherDriver::extra_keys() const { return {"key"}; }

namespace {

/// The file that defines the function at address, or "" when the loader cannot say.
std::string defining_file(const void* address) {
  Dl_info info{};
  if (dladdr(address, &info) == 0 || info.dli_fname == nullptr) return {};
  return info.dli_fname;
}

/// Throws InterfaceError when this plugin's sqlite3_* calls do not all reach SQLCipher: a
/// program with libsqlite3 in its global symbol scope takes the names SQLCipher also exports,
/// and an encrypted database must never be opened by plain SQLite. Checked once per process,
/// when the driver is made (create_engine), before any file is opened.
void check_sqlite_binding() {
  static const std::string problem = [] {
    const std::string key = defining_file(reinterpret_cast<const void*>(&sqlite3_key));
    const std::string open = defining_file(reinterpret_cast<const void*>(&sqlite3_open_v2));
    if (key == open) return std::string();
    return "the sqlcipher driver's SQLite calls reach " + open + " instead of SQLCipher (" + key +
           "): this program has libsqlite3 in its global symbol scope (it links libsqlite3, or "
           "loaded it with RTLD_GLOBAL), whose sqlite3_* functions then take precedence. Build "
           "the program without linking libsqlite3 (crucible's sqlite plugin loads it on its own)";
  }();
  if (!problem.empty()) throw InterfaceError(ErrorInfo{.driver_message = problem});
}

}  // namespace

SqlcipherDriver::SqlcipherDriver() { check_sqlite_binding(); }

void SqlcipherDriver::on_open(sqlite3* db, const sqlite::ConnectArgs& extra) const {
  const auto key = extra.find("key");
  if (key == extra.end() || key->second.empty()) {
    throw ArgumentError("the sqlcipher driver wants the database's passphrase as the connect "
                        "argument 'key' (sqlite+sqlcipher:///file.db?key=…, or connect_args); "
                        "none was given");
  }
  if (key->second.size() > static_cast<std::size_t>(INT_MAX)) {
    throw ArgumentError("the sqlcipher connect argument 'key' is longer than SQLCipher takes");
  }
  // First call on the handle (sqlcipher-api/#key); the key is not echoed anywhere below.
  if (const int rc = sqlite3_key(db, key->second.data(), static_cast<int>(key->second.size()));
      rc != SQLITE_OK) {
    sqlite::throw_error(rc, std::string("SQLCipher refused the key: ") + sqlite3_errstr(rc), "");
  }
  // SQLCipher reads (and decrypts) the file only at the first statement: do it now, so a wrong
  // key fails the connect instead of the caller's first query.
  const char* const probe = "SELECT count(*) FROM sqlite_master";
  const int rc = sqlite3_exec(db, probe, nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) return;
  const char* file = sqlite3_db_filename(db, "main");
  const std::string where = file != nullptr && *file != '\0' ? file : ":memory:";
  if ((rc & 0xff) == SQLITE_NOTADB) {
    sqlite::throw_error(rc,
                        "SQLCipher cannot read the database '" + where +
                            "' with the key given: the key is wrong, or the file is not an "
                            "SQLCipher database (" +
                            sqlite3_errmsg(db) + ")",
                        probe);
  }
  sqlite::throw_last_error(db, probe);
}

}  // namespace crucible::sqlcipher
