// The "mydriver" driver (mydriver.hpp).
#include "mydriver.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "crucible/errors.hpp"
#include "crucible/sdk/sqlite3/sqlite3_errors.hpp"

namespace mydb {

namespace {

// PRAGMA journal_mode's values (https://sqlite.org/pragma.html#pragma_journal_mode).
constexpr std::array<std::string_view, 6> kJournalModes = {"delete", "truncate", "persist",
                                                           "memory", "wal",      "off"};

}  // namespace

std::vector<std::string> MyDriver::extra_keys() const { return {"journal_mode"}; }

void MyDriver::on_open(sqlite3* db, const crucible::sqlite::ConnectArgs& extra) const {
  const auto it = extra.find("journal_mode");
  if (it == extra.end()) return;
  std::string mode = it->second;
  std::transform(mode.begin(), mode.end(), mode.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (std::find(kJournalModes.begin(), kJournalModes.end(), mode) == kJournalModes.end()) {
    throw crucible::ArgumentError("the mydriver connect argument 'journal_mode' wants delete, "
                                  "truncate, persist, memory, wal or off, found '" +
                                  it->second + "'");
  }
  // The mode is one of the words above, so it can be part of the statement's text.
  const std::string sql = "PRAGMA journal_mode = " + mode;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    crucible::sqlite::throw_last_error(db, sql);
  }
}

}  // namespace mydb
