#pragma once
// The "sqlcipher" driver: the SDK's SQLite-family driver (crucible/sdk/sqlite3, compiled here
// against SQLCipher's sqlite3.h) over SQLCipher, for the in-tree "sqlite" dialect:
//
//   sqlite+sqlcipher:///secret.db?key=correct%20horse      (or connect_args {"key", "…"})
//
// Everything the "sqlite3" driver takes (mode, timeout, uri, see sqlite3_driver.hpp) plus:
//   key   the passphrase (required). Applied with sqlite3_key() right after sqlite3_open_v2(),
//         before any other use of the handle, as SQLCipher's API page requires
//         (https://www.zetetic.net/sqlcipher/sqlcipher-api/#key); SQLCipher derives the
//         database key from it with PBKDF2 (64000 iterations in SQLCipher 3). A raw key is
//         written as SQLCipher takes it: key=x'<64 hex digits>'. A new file is created encrypted
//         under it; an existing one must have been encrypted with it.
// The key is a password: URL::render() prints it as "***" (url.hpp), and no message of this
// driver quotes it. A wrong key, or a file that is not an SQLCipher database, is refused at
// connect with a DatabaseError naming the file (SQLITE_NOTADB). A program that links libsqlite3
// itself cannot use this driver (the driver is refused when made; see CMakeLists.txt).
//
// SQLCipher 3.4.1 (Debian 12's libsqlcipher) is SQLite 3.15.2: the "sqlite" dialect settles its
// features by that version at the first connection (no RETURNING, no ON CONFLICT upsert).
#include <string>
#include <string_view>
#include <vector>

#include "crucible/sdk/sqlite3/sqlite3_driver.hpp"

namespace crucible::sqlcipher {

/// The driver (see the file comment). Stateless; thread-safe.
class SqlcipherDriver final : public sqlite::Sqlite3Driver {
 public:
  /// Throws InterfaceError when this process's sqlite3_* calls would not reach SQLCipher
  /// (libsqlite3 in the global symbol scope, see CMakeLists.txt), naming the library that takes
  /// them: such a process must not open encrypted databases.
  SqlcipherDriver();
  std::string_view name() const noexcept override { return "sqlcipher"; }

 protected:
  /// {"key"}.
  std::vector<std::string> extra_keys() const override;
  /// Applies the key and proves it by reading the schema: ArgumentError when no key was given,
  /// DatabaseError (SQLITE_NOTADB) naming the file when the key does not open it.
  void on_open(sqlite3* db, const sqlite::ConnectArgs& extra) const override;
};

}  // namespace crucible::sqlcipher
