#pragma once
// The "mydriver" driver: PEP 249 connections, cursors, value conversion and error mapping for
// the database's client library. Here the SDK's SQLite driver (crucible/sdk/sqlite3/
// sqlite3_driver.hpp: file databases, the connect arguments mode, timeout and uri) with one
// connect argument of its own:
//
//   journal_mode   delete | truncate | persist | memory | wal | off: PRAGMA journal_mode, set
//                  on every new connection (https://sqlite.org/pragma.html#pragma_journal_mode)
//
// e.g. mydb:///app.db?journal_mode=wal. A driver for another client library derives from
// crucible::Driver, crucible::DbapiConnection and crucible::Cursor (crucible/dbapi.hpp) and
// throws the PEP 249 errors of crucible/errors.hpp with the client's code and message.
#include <string>
#include <string_view>
#include <vector>

#include "crucible/sdk/sqlite3/sqlite3_driver.hpp"

namespace mydb {

/// Driver "mydriver" (see the file comment). Stateless and thread-safe.
class MyDriver final : public crucible::sqlite::Sqlite3Driver {
 public:
  std::string_view name() const noexcept override { return "mydriver"; }

 protected:
  /// {"journal_mode"}.
  std::vector<std::string> extra_keys() const override;
  /// Sets PRAGMA journal_mode when given. Throws ArgumentError for a mode SQLite does not have,
  /// and the driver's mapped error when SQLite refuses it.
  void on_open(sqlite3* db, const crucible::sqlite::ConnectArgs& extra) const override;
};

}  // namespace mydb
