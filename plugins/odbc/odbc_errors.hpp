#pragma once
// Error mapping of the "odbc" driver: ODBC diagnostics (SQLGetDiagRec; ODBC 3.8 reference,
// "Diagnostics" and Appendix A "ODBC Error Codes") to the PEP 249 classes of errors.hpp.
//
// The SQLSTATE of the first diagnostic record decides, by its two-character class, after pyodbc
// (src/errors.cpp, sql_state_mapping) and the SQL standard's classes that drivers pass through
// from the server (psqlODBC and MariaDB ODBC report the server's own SQLSTATE):
//   08 connection exception, 40 transaction rollback (40002 excepted), 53 insufficient
//   resources, 54 program limit, 55 object not in prerequisite state, 57 operator intervention,
//   58 system error, HYT00/HYT01 timeouts, HY001 memory, HY008 cancelled,
//   28 invalid authorization                         -> OperationalError
//   22 data exception                                -> DataError
//   23 integrity constraint violation, 40002         -> IntegrityError
//   42 syntax error or access rule violation, 07 dynamic SQL error (07002: wrong number of
//   parameters), 24 invalid cursor state, 25 invalid transaction state, 26, 34, 3D, 3F
//   (invalid names), 21 cardinality violation        -> ProgrammingError
//   0A feature not supported, HYC00 optional feature not implemented, IM001
//                                                    -> NotSupportedError
//   IM other (driver manager: no such driver or DSN) and HY0xx/HY1xx misuse of the API
//   (HY000 "general error" excepted)                 -> InterfaceError
//   XX internal error                                -> InternalError
//   anything else, HY000 included                    -> DatabaseError
// SQLite ODBC reports nearly every error as HY000 (general error) with SQLite's result code as
// the native code; for it (NativeCodes::kSqlite) an HY000 is classified by the primary result
// code as CPython's sqlite3 module does (and the sqlite3 driver): 19 CONSTRAINT and 20 MISMATCH
// IntegrityError, 18 TOOBIG DataError, 2 INTERNAL and 12 NOTFOUND InternalError, 21 MISUSE and
// 25 RANGE InterfaceError, 3-10, 13-17 OperationalError; and 1 SQLITE_ERROR ProgrammingError:
// it is what SQLite says for bad SQL (no such table or column, a syntax error, a table that
// already exists), which the sqlite3 driver, like PEP 249, files as ProgrammingError when
// sqlite3_prepare fails. SQLite ODBC prepares statements other than SELECT only when they run,
// so the driver cannot tell a failed prepare from a failed step the way the sqlite3 driver
// does; a rare runtime SQLITE_ERROR is then a ProgrammingError too.
//
// A failure after which the connection is dead (SQL_ATTR_CONNECTION_DEAD) is an
// OperationalError whatever its SQLSTATE, and its SQLSTATE is made 08S01 (communication link
// failure) when it was not of class 08 already, so a dialect's is_disconnect can rely on it.
//
// Every error carries sqlstate (the first record's), driver_code (the first record's native
// error, e.g. MariaDB's 1062 for a duplicate key), driver_message (every record's message, one
// a line, without the "[unixODBC][Driver…]" prefixes the layers add) and the SQL.
#include <cstdint>
#include <string>
#include <string_view>

#include <sql.h>

#include "crucible/errors.hpp"

namespace crucible::odbc {

/// The message for an operation on a closed connection.
inline constexpr std::string_view kClosedConnectionMessage = "connection already closed";
/// The message for an operation on a closed cursor.
inline constexpr std::string_view kClosedCursorMessage = "the cursor is already closed";

/// The diagnostics of handle (of handle_type SQL_HANDLE_ENV/DBC/STMT) after a failed call, as
/// ErrorInfo with sql. When the handle has no record, the message names the call's return code.
ErrorInfo diagnostics(SQLSMALLINT handle_type, SQLHANDLE handle, SQLRETURN rc,
                      std::string_view sql);

/// What the native error codes of an ODBC driver mean, where its SQLSTATEs say too little.
enum class NativeCodes : std::uint8_t {
  kStandard,  ///< the SQLSTATE decides
  kSqlite,    ///< SQLite ODBC: HY000 with SQLite's result code
};

/// Throws the PEP 249 class of info.sqlstate (table above; by native code under codes where the
/// SQLSTATE is HY000); connection_dead forces OperationalError with SQLSTATE class 08.
[[noreturn]] void throw_error(ErrorInfo info, bool connection_dead = false,
                              NativeCodes codes = NativeCodes::kStandard);

/// Throws the diagnostics of handle after rc when rc is neither SQL_SUCCESS,
/// SQL_SUCCESS_WITH_INFO nor SQL_NO_DATA. dbc, when given, is asked whether the connection died.
void check(SQLRETURN rc, SQLSMALLINT handle_type, SQLHANDLE handle, std::string_view sql,
           SQLHDBC dbc = nullptr, NativeCodes codes = NativeCodes::kStandard);

/// True when the driver reports dbc dead (SQL_ATTR_CONNECTION_DEAD == SQL_CD_TRUE). Never
/// throws; false when the driver cannot tell.
bool connection_dead(SQLHDBC dbc) noexcept;

/// InterfaceError "connection already closed" with SQLSTATE 08003 (connection does not exist).
[[noreturn]] void throw_closed_connection();

/// InterfaceError "the cursor is already closed" (SQLSTATE 24000, invalid cursor state).
[[noreturn]] void throw_closed_cursor();

/// ProgrammingError for a mistake the driver itself detects before the database sees it
/// (SQLSTATE 07002 for a wrong parameter count, as ODBC reports it).
[[noreturn]] void throw_programming_error(std::string message, std::string_view sql,
                                          std::string sqlstate = "07002");

}  // namespace crucible::odbc
