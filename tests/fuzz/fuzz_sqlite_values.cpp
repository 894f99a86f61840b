// The sqlite3 driver's reading of result columns (sdk/sqlite3/src/sqlite3_values.cpp, compiled
// in) on any bytes: the first byte picks the storage class SQLite returns (integer, real, text,
// blob, null), the input's next line is the column's declared type ("DECIMAL(10,2)",
// "DATETIME"…) as parse_declared_type reads it, the rest the stored value. A real in-memory
// SQLite returns the value from "SELECT ?"; read_column gives a Value or throws crucible::Error.
#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "crucible/errors.hpp"
#include "crucible/sdk/sqlite3/sqlite3_values.hpp"
#include "fuzz_support.hpp"

namespace {

sqlite3_stmt* statement() {
  static sqlite3_stmt* stmt = [] {
    sqlite3* db = nullptr;
    sqlite3_stmt* s = nullptr;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT ?", -1, &s, nullptr) != SQLITE_OK)
      crucible::fuzz::fail("cannot prepare SELECT ? on an in-memory SQLite");
    return s;
  }();
  return stmt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crucible::fuzz::Input in(data, size);
  const std::uint8_t storage = in.byte() % 5;
  const std::string declared(in.until('\n'));
  const std::string_view value = in.rest();
  sqlite3_stmt* stmt = statement();
  sqlite3_reset(stmt);
  switch (storage) {
  case 0: {
    std::int64_t i = 0;
    if (!value.empty()) std::memcpy(&i, value.data(), std::min(value.size(), sizeof i));
    sqlite3_bind_int64(stmt, 1, i);
    break;
  }
  case 1: {
    double d = 0;
    if (!value.empty()) std::memcpy(&d, value.data(), std::min(value.size(), sizeof d));
    sqlite3_bind_double(stmt, 1, d);
    break;
  }
  case 2:
    sqlite3_bind_text(stmt, 1, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    break;
  case 3:
    sqlite3_bind_blob(stmt, 1, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    break;
  default: sqlite3_bind_null(stmt, 1); break;
  }
  if (sqlite3_step(stmt) != SQLITE_ROW) crucible::fuzz::fail("SELECT ? returned no row");
  const crucible::sqlite::DeclaredType type =
      crucible::sqlite::parse_declared_type(declared.c_str());
  crucible::Value out;
  try {
    crucible::sqlite::read_column(stmt, 0, type, out);
  } catch (const crucible::Error&) {
    return 0;
  }
  (void)out.to_string();
  return 0;
}
