#pragma once
// What the kit's sources call where the SQLite C API changed, so that they build against the
// sqlite3.h of any SQLite-family library from SQLite 3.15 on: Debian 12's libsqlite3 (3.40) and
// libsqlcipher (SQLCipher 3.4.1, SQLite 3.15.2). Each fallback is chosen by SQLITE_VERSION_NUMBER
// of the header compiled against, which is that of the library linked (the kit is compiled into
// each plugin; see sdk/sqlite3/CMakeLists.txt). Include after <sqlite3.h>.
#include <sqlite3.h>

#include <cstdint>

namespace crucible::sqlite::compat {

/// Rows changed by the last INSERT/UPDATE/DELETE: sqlite3_changes64 (3.37,
/// https://sqlite.org/c3ref/changes.html), else sqlite3_changes (int; enough for SQLite before
/// 3.37, whose counter is an int itself).
inline std::int64_t changes(sqlite3* db) noexcept {
#if SQLITE_VERSION_NUMBER >= 3037000
  return sqlite3_changes64(db);
#else
  return sqlite3_changes(db);
#endif
}

/// sqlite3_prepare_v3 with SQLITE_PREPARE_PERSISTENT when persistent (3.20,
/// https://sqlite.org/c3ref/prepare.html), else sqlite3_prepare_v2, which has no such hint.
inline int prepare(sqlite3* db, const char* sql, int bytes, bool persistent, sqlite3_stmt** out,
                   const char** tail) noexcept {
#if SQLITE_VERSION_NUMBER >= 3020000
  return sqlite3_prepare_v3(db, sql, bytes, persistent ? SQLITE_PREPARE_PERSISTENT : 0, out, tail);
#else
  (void)persistent;
  return sqlite3_prepare_v2(db, sql, bytes, out, tail);
#endif
}

/// Whether sqlite3_stmt_status can count re-prepares (SQLITE_STMTSTATUS_REPREPARE, 3.20). Without
/// it a statement's result columns are read again after every step (they may have changed).
inline constexpr bool kCountsReprepares = SQLITE_VERSION_NUMBER >= 3020000;

/// How often SQLite re-prepared statement (schema changes); 0 when it cannot tell.
inline int reprepares(sqlite3_stmt* statement) noexcept {
#if SQLITE_VERSION_NUMBER >= 3020000
  return statement == nullptr ? 0 : sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_REPREPARE, 0);
#else
  (void)statement;
  return 0;
#endif
}

}  // namespace crucible::sqlite::compat
