#pragma once
// Error mapping of the sqlite3 driver: SQLite result codes to the PEP 249 classes of errors.hpp.
//
// The table follows CPython's Modules/_sqlite/util.c (get_exception_class), which maps the
// primary result code (the low byte of an extended code, https://sqlite.org/rescode.html):
//   SQLITE_CONSTRAINT*, SQLITE_MISMATCH                     -> IntegrityError
//   SQLITE_ERROR PERM ABORT BUSY LOCKED READONLY INTERRUPT
//   IOERR FULL CANTOPEN PROTOCOL EMPTY SCHEMA NOMEM          -> OperationalError
//   SQLITE_INTERNAL, SQLITE_NOTFOUND                         -> InternalError
//   SQLITE_TOOBIG                                            -> DataError
//   SQLITE_MISUSE, SQLITE_RANGE                              -> InterfaceError
//   anything else (SQLITE_CORRUPT, SQLITE_NOTADB, …)          -> DatabaseError
// (CPython raises MemoryError for SQLITE_NOMEM; PEP 249 files memory errors under
// OperationalError, which is what we throw.) One departure from CPython: SQLITE_ERROR from
// sqlite3_prepare is a ProgrammingError (throw_prepare_error), as PEP 249 files "table not
// found or already exists, syntax error in the SQL statement" there and the dialect compliance
// suite expects bad SQL to be a ProgrammingError on every database.
//
// Every error carries sqlstate "" (SQLite has no SQLSTATE), driver_code = the extended result
// code, driver_message = sqlite3_errmsg() and sql = the statement that failed.
#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;

namespace crucible::sqlite {

/// Python's sqlite3 message for a closed connection; Sqlite3Dialect::is_disconnect looks for it.
inline constexpr std::string_view kClosedDatabaseMessage = "Cannot operate on a closed database.";
/// Python's sqlite3 message for a closed cursor.
inline constexpr std::string_view kClosedCursorMessage = "Cannot operate on a closed cursor.";

/// Throws the PEP 249 class for extended_code (table above) with message and sql.
[[noreturn]] void throw_error(int extended_code, std::string message, std::string_view sql);

/// Throws the error db reports now: sqlite3_extended_errcode(db) and sqlite3_errmsg(db).
[[noreturn]] void throw_last_error(sqlite3* db, std::string_view sql);

/// The error of a failed sqlite3_prepare on db: ProgrammingError when SQLite says SQLITE_ERROR
/// (the statement itself is wrong: syntax, unknown or existing table or column), else as
/// throw_last_error.
[[noreturn]] void throw_prepare_error(sqlite3* db, std::string_view sql);

/// The error of a first sqlite3_step of sql on db that returned rc. SQLite re-prepares a cached
/// statement whose schema changed at that step, and a re-prepare that fails (the table is gone,
/// or a CREATE TABLE's table now exists) returns SQLITE_ERROR from the step: so for
/// SQLITE_ERROR the text is prepared again, and when that fails too the statement itself is
/// wrong and the error is throw_prepare_error's ProgrammingError, as for a fresh statement.
/// Anything else is throw_result's.
[[noreturn]] void throw_step_error(sqlite3* db, int rc, std::string_view sql);

/// As throw_last_error, for a result code rc returned by a call on db: when db's own error
/// code no longer says what went wrong (e.g. after a reset), rc and sqlite3_errstr(rc) are used.
[[noreturn]] void throw_result(sqlite3* db, int rc, std::string_view sql);

/// InterfaceError(SQLITE_MISUSE, "Cannot operate on a closed database."), as Python's sqlite3.
[[noreturn]] void throw_closed_database();

/// InterfaceError(SQLITE_MISUSE, "Cannot operate on a closed cursor."), as Python's sqlite3.
[[noreturn]] void throw_closed_cursor();

/// ProgrammingError for a mistake crucible itself detects before SQLite sees it (more than one
/// statement, a wrong number of parameters); driver_code 0, as libsqlite3 reported nothing.
[[noreturn]] void throw_programming_error(std::string message, std::string_view sql);

}  // namespace crucible::sqlite
