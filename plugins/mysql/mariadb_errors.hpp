#pragma once
// Error mapping of the mariadbconnector driver: MariaDB/MySQL error numbers and SQLSTATEs to the
// PEP 249 classes of errors.hpp. The numbers are the server's (mysqld_error.h, 1000-1999 and
// 3000+) and the client's (errmsg.h, 2000-2999); the classes follow mysqlclient
// (MySQLdb/_mysql.c, _mysql_exceptions) and MariaDB Connector/Python, which SQLAlchemy's mysql
// dialects rely on:
//   IntegrityError     1022, 1048, 1062, 1169, 1216, 1217, 1451, 1452, 1557, 1586, 1859,
//                      3819 (MySQL CHECK), 4025 (MariaDB CHECK)
//   DataError          1138, 1171, 1230, 1263, 1264, 1265, 1292, 1366, 1367, 1406, 1441, 1690,
//                      3140 (invalid JSON), 4038 (MariaDB invalid JSON)
//   ProgrammingError   1044, 1049, 1050, 1051, 1054, 1060, 1061, 1064, 1091, 1102, 1103, 1110,
//                      1111, 1112, 1113, 1142, 1143, 1146, 1149, 1179, 1210, 1318, 1370, 1582,
//                      1630; the client's 2030 (no prepared statement), 2031 (parameters not
//                      bound), 2034 (bad parameter number), 2036 (buffer type not supported)
//   NotSupportedError  1196, 1235, 1286, 1289, 1295 (ER_UNSUPPORTED_PS), 2054
//   OperationalError   1040, 1045, 1053, 1077-1081, 1105, 1152-1161, 1205, 1213, 1317, 1927,
//                      every other client error 2000-2999 (2002/2003 cannot connect,
//                      2006 server gone away, 2013 lost connection…)
// then, for a number the table does not list, by the SQLSTATE's class (23 integrity, 22 data,
// 42 programming, 0A not supported, 08 and 40 operational, XX internal), and at last as
// mysqlclient does: InternalError below 1000, OperationalError from 1000 on.
//
// Every error carries sqlstate = mysql_sqlstate()/mysql_stmt_sqlstate() (HY000 when the
// server gives none), driver_code = the error number, driver_message = the server's or client's
// message verbatim, and sql = the statement that failed. MariaDB's messages never include a
// password ("Access denied for user 'u'@'h' (using password: YES)").
#include <cstdint>
#include <string>
#include <string_view>

#include "crucible/errors.hpp"

struct st_mysql;
struct st_mysql_stmt;

namespace crucible::mysql {

/// Connector/Python's message for an operation on a closed connection.
inline constexpr std::string_view kClosedConnectionMessage = "connection already closed";
/// Its message for an operation on a closed cursor.
inline constexpr std::string_view kClosedCursorMessage = "the cursor is already closed";

/// Error numbers the driver itself acts on (mysqld_error.h, errmsg.h).
namespace code {
inline constexpr std::int64_t kUnsupportedPs = 1295;      ///< ER_UNSUPPORTED_PS
inline constexpr std::int64_t kNeedReprepare = 1615;      ///< ER_NEED_REPREPARE
inline constexpr std::int64_t kServerGone = 2006;         ///< CR_SERVER_GONE_ERROR
inline constexpr std::int64_t kServerLost = 2013;         ///< CR_SERVER_LOST
inline constexpr std::int64_t kCommandsOutOfSync = 2014;  ///< CR_COMMANDS_OUT_OF_SYNC
}  // namespace code

/// Throws the PEP 249 class for info (table above).
[[noreturn]] void throw_error(ErrorInfo info);

/// The last error of a connection / a statement, as ErrorInfo for sql.
ErrorInfo connection_error(st_mysql* conn, std::string_view sql);
ErrorInfo statement_error(st_mysql_stmt* stmt, std::string_view sql);

/// throw_error(connection_error(conn, sql)).
[[noreturn]] void throw_connection_error(st_mysql* conn, std::string_view sql);
/// throw_error(statement_error(stmt, sql)).
[[noreturn]] void throw_statement_error(st_mysql_stmt* stmt, std::string_view sql);

/// InterfaceError "connection already closed" for an operation on a connection the program
/// closed (PEP 249 §Connection.close: "an Error (or subclass) exception will be raised"; as
/// Connector/Python, InterfaceError). SQLSTATE 08003 (connection does not exist) and driver_code
/// 0: no server error happened, so MysqlDialect::is_disconnect does not take it for a lost
/// connection (2006 would make a pool treat the user's own close as the server going away).
[[noreturn]] void throw_closed_connection();
/// InterfaceError "the cursor is already closed".
[[noreturn]] void throw_closed_cursor();
/// ProgrammingError for a mistake the driver detects before the server sees it.
[[noreturn]] void throw_programming_error(std::string message, std::string_view sql);

}  // namespace crucible::mysql
