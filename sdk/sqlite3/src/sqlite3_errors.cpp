// Error mapping of the sqlite3 driver (see sqlite3_errors.hpp for the table and its source).
#include "crucible/sdk/sqlite3/sqlite3_errors.hpp"

#include <sqlite3.h>

#include <climits>
#include <string>
#include <utility>

#include "crucible/errors.hpp"

namespace crucible::sqlite {

namespace {

// The PEP 249 class for a primary result code, as CPython's get_exception_class.
enum class ErrorClass { kInterface, kDatabase, kData, kOperational, kIntegrity, kInternal };

ErrorClass classify(int extended_code) noexcept {
  switch (extended_code & 0xff) {
  case SQLITE_INTERNAL:
  case SQLITE_NOTFOUND: return ErrorClass::kInternal;
  case SQLITE_NOMEM:
  case SQLITE_ERROR:
  case SQLITE_PERM:
  case SQLITE_ABORT:
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
  case SQLITE_READONLY:
  case SQLITE_INTERRUPT:
  case SQLITE_IOERR:
  case SQLITE_FULL:
  case SQLITE_CANTOPEN:
  case SQLITE_PROTOCOL:
  case SQLITE_EMPTY:
  case SQLITE_SCHEMA: return ErrorClass::kOperational;
  case SQLITE_TOOBIG: return ErrorClass::kData;
  case SQLITE_CONSTRAINT:
  case SQLITE_MISMATCH: return ErrorClass::kIntegrity;
  case SQLITE_MISUSE:
  case SQLITE_RANGE: return ErrorClass::kInterface;
  default: return ErrorClass::kDatabase;
  }
}

}  // namespace

void throw_error(int extended_code, std::string message, std::string_view sql) {
  ErrorInfo info{"", extended_code, std::move(message), std::string(sql)};
  switch (classify(extended_code)) {
  case ErrorClass::kInterface: throw InterfaceError(std::move(info));
  case ErrorClass::kData: throw DataError(std::move(info));
  case ErrorClass::kOperational: throw OperationalError(std::move(info));
  case ErrorClass::kIntegrity: throw IntegrityError(std::move(info));
  case ErrorClass::kInternal: throw InternalError(std::move(info));
  case ErrorClass::kDatabase: break;
  }
  throw DatabaseError(std::move(info));
}

void throw_last_error(sqlite3* db, std::string_view sql) {
  throw_error(sqlite3_extended_errcode(db), sqlite3_errmsg(db), sql);
}

void throw_prepare_error(sqlite3* db, std::string_view sql) {
  const int code = sqlite3_extended_errcode(db);
  if ((code & 0xff) == SQLITE_ERROR) {
    throw ProgrammingError(ErrorInfo{"", code, sqlite3_errmsg(db), std::string(sql)});
  }
  throw_last_error(db, sql);
}

void throw_step_error(sqlite3* db, int rc, std::string_view sql) {
  if (db == nullptr || (rc & 0xff) != SQLITE_ERROR ||
      (sqlite3_extended_errcode(db) & 0xff) != SQLITE_ERROR ||
      sql.size() > static_cast<std::size_t>(INT_MAX)) {
    throw_result(db, rc, sql);
  }
  // Keep the step's own error: the probe below overwrites db's.
  const int code = sqlite3_extended_errcode(db);
  std::string message = sqlite3_errmsg(db);
  sqlite3_stmt* probe = nullptr;
  const int prepared =
      sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &probe, nullptr);
  sqlite3_finalize(probe);
  if ((prepared & 0xff) == SQLITE_ERROR) throw_prepare_error(db, sql);
  throw_error(code, std::move(message), sql);
}

void throw_result(sqlite3* db, int rc, std::string_view sql) {
  // sqlite3_step() and sqlite3_reset() leave the extended code in db; a caller that already
  // reset the statement may have cleared it, so fall back to rc and its generic text.
  if (db != nullptr && (sqlite3_extended_errcode(db) & 0xff) == (rc & 0xff)) {
    throw_last_error(db, sql);
  }
  throw_error(rc, sqlite3_errstr(rc), sql);
}

void throw_closed_database() {
  throw InterfaceError(ErrorInfo{"", SQLITE_MISUSE, std::string(kClosedDatabaseMessage), ""});
}

void throw_closed_cursor() {
  throw InterfaceError(ErrorInfo{"", SQLITE_MISUSE, std::string(kClosedCursorMessage), ""});
}

void throw_programming_error(std::string message, std::string_view sql) {
  throw ProgrammingError(ErrorInfo{"", 0, std::move(message), std::string(sql)});
}

}  // namespace crucible::sqlite
