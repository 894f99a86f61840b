#pragma once
// Error mapping of the libpq driver: SQLSTATEs (PostgreSQL manual, Appendix A "PostgreSQL Error
// Codes") to the PEP 249 classes of errors.hpp, by the SQLSTATE's two-character class as
// psycopg does (psycopg/errors.py, _base_exc_map):
//   08 connection exception, 40 transaction rollback, 53 insufficient resources,
//   55 object not in prerequisite state, 57 operator intervention, 58 system error
//                                                    -> OperationalError
//   22 data exception                                -> DataError
//   23 integrity constraint violation                -> IntegrityError
//   42 syntax error or access rule violation         -> ProgrammingError
//   0A feature not supported                         -> NotSupportedError
//   XX internal error                                -> InternalError
//   anything else                                    -> DatabaseError
// Two refinements: any failure after which the connection's status is CONNECTION_BAD is an
// OperationalError whatever its SQLSTATE (the server went away), and 08P01 (protocol violation)
// on a connection that is still fine is a ProgrammingError: libpq reports a wrong number of
// parameters that way.
//
// Every error carries sqlstate = PQresultErrorField(PG_DIAG_SQLSTATE) (or "" when libpq failed
// before the server answered), driver_message = the primary message (PG_DIAG_MESSAGE_PRIMARY)
// followed by "\nDETAIL: …" and "\nHINT: …" when the server sent them, or PQerrorMessage()
// without its trailing newline, and sql = the statement that failed.
//
// driver_code is the connection's PQstatus() after the failure: 0 (CONNECTION_OK) for an error
// of the statement, kConnectionBadCode when the connection is gone. PostgresqlDialect::
// is_disconnect reads that code, never the message text.
#include <cstdint>
#include <string>
#include <string_view>

#include "crucible/errors.hpp"

struct pg_conn;
struct pg_result;

namespace crucible::postgresql {

/// driver_code of an error after which the connection is unusable: libpq's CONNECTION_BAD.
inline constexpr std::int64_t kConnectionBadCode = 1;

/// psycopg's message for an operation on a closed connection.
inline constexpr std::string_view kClosedConnectionMessage = "connection already closed";
/// psycopg's message for an operation on a closed cursor.
inline constexpr std::string_view kClosedCursorMessage = "the cursor is already closed";

/// Throws the PEP 249 class for info.sqlstate (table above); connection_bad forces
/// OperationalError and sets info.driver_code to kConnectionBadCode.
[[noreturn]] void throw_error(ErrorInfo info, bool connection_bad);

/// Throws the error of a failed call on conn: from result's error fields when result is not
/// null, else from PQerrorMessage(conn).
[[noreturn]] void throw_result_error(pg_conn* conn, const pg_result* result, std::string_view sql);

/// InterfaceError "connection already closed" with driver_code kConnectionBadCode.
[[noreturn]] void throw_closed_connection();

/// InterfaceError "the cursor is already closed".
[[noreturn]] void throw_closed_cursor();

/// ProgrammingError for a mistake the driver itself detects before the server sees it.
[[noreturn]] void throw_programming_error(std::string message, std::string_view sql);

/// The error a failed call on conn reports, as ErrorInfo (for callers that throw later, e.g.
/// after draining a pipeline).
ErrorInfo error_info(pg_conn* conn, const pg_result* result, std::string_view sql);

}  // namespace crucible::postgresql
