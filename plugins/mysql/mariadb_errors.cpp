// Error mapping of the mariadbconnector driver (see mariadb_errors.hpp for the table).
#include "mariadb_errors.hpp"

#include <mysql.h>

#include <algorithm>
#include <array>
#include <utility>

namespace crucible::mysql {

namespace {

enum class ErrorClass {
  kUnknown,
  kData,
  kOperational,
  kIntegrity,
  kInternal,
  kProgramming,
  kNotSupported
};

struct Mapping {
  std::int64_t code;
  ErrorClass cls;
};

// Sorted by code for binary search.
constexpr auto kMappings = std::to_array<Mapping>({
    {1022, ErrorClass::kIntegrity},     // ER_DUP_KEY
    {1040, ErrorClass::kOperational},   // ER_CON_COUNT_ERROR
    {1044, ErrorClass::kProgramming},   // ER_DBACCESS_DENIED_ERROR
    {1045, ErrorClass::kOperational},   // ER_ACCESS_DENIED_ERROR
    {1048, ErrorClass::kIntegrity},     // ER_BAD_NULL_ERROR
    {1049, ErrorClass::kProgramming},   // ER_BAD_DB_ERROR
    {1050, ErrorClass::kProgramming},   // ER_TABLE_EXISTS_ERROR
    {1051, ErrorClass::kProgramming},   // ER_BAD_TABLE_ERROR
    {1053, ErrorClass::kOperational},   // ER_SERVER_SHUTDOWN
    {1054, ErrorClass::kProgramming},   // ER_BAD_FIELD_ERROR
    {1060, ErrorClass::kProgramming},   // ER_DUP_FIELDNAME
    {1061, ErrorClass::kProgramming},   // ER_DUP_KEYNAME
    {1062, ErrorClass::kIntegrity},     // ER_DUP_ENTRY
    {1064, ErrorClass::kProgramming},   // ER_PARSE_ERROR
    {1077, ErrorClass::kOperational},   // ER_NORMAL_SHUTDOWN
    {1078, ErrorClass::kOperational},   // ER_GOT_SIGNAL
    {1079, ErrorClass::kOperational},   // ER_SHUTDOWN_COMPLETE
    {1080, ErrorClass::kOperational},   // ER_FORCING_CLOSE
    {1081, ErrorClass::kOperational},   // ER_IPSOCK_ERROR
    {1091, ErrorClass::kProgramming},   // ER_CANT_DROP_FIELD_OR_KEY
    {1102, ErrorClass::kProgramming},   // ER_WRONG_DB_NAME
    {1103, ErrorClass::kProgramming},   // ER_WRONG_TABLE_NAME
    {1105, ErrorClass::kOperational},   // ER_UNKNOWN_ERROR
    {1110, ErrorClass::kProgramming},   // ER_FIELD_SPECIFIED_TWICE
    {1111, ErrorClass::kProgramming},   // ER_INVALID_GROUP_FUNC_USE
    {1112, ErrorClass::kProgramming},   // ER_UNSUPPORTED_EXTENSION
    {1113, ErrorClass::kProgramming},   // ER_TABLE_MUST_HAVE_COLUMNS
    {1138, ErrorClass::kData},          // ER_INVALID_USE_OF_NULL
    {1142, ErrorClass::kProgramming},   // ER_TABLEACCESS_DENIED_ERROR
    {1143, ErrorClass::kProgramming},   // ER_COLUMNACCESS_DENIED_ERROR
    {1146, ErrorClass::kProgramming},   // ER_NO_SUCH_TABLE
    {1149, ErrorClass::kProgramming},   // ER_SYNTAX_ERROR
    {1152, ErrorClass::kOperational},   // ER_ABORTING_CONNECTION
    {1153, ErrorClass::kOperational},   // ER_NET_PACKET_TOO_LARGE
    {1154, ErrorClass::kOperational},   // ER_NET_READ_ERROR_FROM_PIPE
    {1155, ErrorClass::kOperational},   // ER_NET_FCNTL_ERROR
    {1156, ErrorClass::kOperational},   // ER_NET_PACKETS_OUT_OF_ORDER
    {1157, ErrorClass::kOperational},   // ER_NET_UNCOMPRESS_ERROR
    {1158, ErrorClass::kOperational},   // ER_NET_READ_ERROR
    {1159, ErrorClass::kOperational},   // ER_NET_READ_INTERRUPTED
    {1160, ErrorClass::kOperational},   // ER_NET_ERROR_ON_WRITE
    {1161, ErrorClass::kOperational},   // ER_NET_WRITE_INTERRUPTED
    {1169, ErrorClass::kIntegrity},     // ER_DUP_UNIQUE
    {1171, ErrorClass::kData},          // ER_PRIMARY_CANT_HAVE_NULL
    {1179, ErrorClass::kProgramming},   // ER_CANT_DO_THIS_DURING_AN_TRANSACTION
    {1196, ErrorClass::kNotSupported},  // ER_WARNING_NOT_COMPLETE_ROLLBACK
    {1205, ErrorClass::kOperational},   // ER_LOCK_WAIT_TIMEOUT
    {1210, ErrorClass::kProgramming},   // ER_WRONG_ARGUMENTS
    {1213, ErrorClass::kOperational},   // ER_LOCK_DEADLOCK
    {1216, ErrorClass::kIntegrity},     // ER_NO_REFERENCED_ROW
    {1217, ErrorClass::kIntegrity},     // ER_ROW_IS_REFERENCED
    {1230, ErrorClass::kData},          // ER_NO_DEFAULT
    {1235, ErrorClass::kNotSupported},  // ER_NOT_SUPPORTED_YET
    {1263, ErrorClass::kData},          // ER_WARN_NULL_TO_NOTNULL
    {1264, ErrorClass::kData},          // ER_WARN_DATA_OUT_OF_RANGE
    {1265, ErrorClass::kData},          // WARN_DATA_TRUNCATED
    {1286, ErrorClass::kNotSupported},  // ER_UNKNOWN_STORAGE_ENGINE
    {1289, ErrorClass::kNotSupported},  // ER_FEATURE_DISABLED
    {1292, ErrorClass::kData},          // ER_TRUNCATED_WRONG_VALUE
    {1295, ErrorClass::kNotSupported},  // ER_UNSUPPORTED_PS
    {1317, ErrorClass::kOperational},   // ER_QUERY_INTERRUPTED
    {1318, ErrorClass::kProgramming},   // ER_SP_WRONG_NO_OF_ARGS
    {1366, ErrorClass::kData},          // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
    {1367, ErrorClass::kData},          // ER_ILLEGAL_VALUE_FOR_TYPE
    {1370, ErrorClass::kProgramming},   // ER_PROCACCESS_DENIED_ERROR
    {1406, ErrorClass::kData},          // ER_DATA_TOO_LONG
    {1441, ErrorClass::kData},          // ER_DATETIME_FUNCTION_OVERFLOW
    {1451, ErrorClass::kIntegrity},     // ER_ROW_IS_REFERENCED_2
    {1452, ErrorClass::kIntegrity},     // ER_NO_REFERENCED_ROW_2
    {1557, ErrorClass::kIntegrity},     // ER_FOREIGN_DUPLICATE_KEY (MySQL; unused by MariaDB)
    {1582, ErrorClass::kProgramming},   // ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT
    {1586, ErrorClass::kIntegrity},     // ER_DUP_ENTRY_WITH_KEY_NAME
    {1630, ErrorClass::kProgramming},   // ER_FUNC_INEXISTENT_NAME_COLLISION
    {1690, ErrorClass::kData},          // ER_DATA_OUT_OF_RANGE
    {1859, ErrorClass::kIntegrity},     // ER_DUP_UNKNOWN_IN_INDEX
    {1927, ErrorClass::kOperational},   // ER_CONNECTION_KILLED
    {2030, ErrorClass::kProgramming},   // CR_NO_PREPARE_STMT
    {2031, ErrorClass::kProgramming},   // CR_PARAMS_NOT_BOUND
    {2034, ErrorClass::kProgramming},   // CR_INVALID_PARAMETER_NO
    {2036, ErrorClass::kProgramming},   // CR_UNSUPPORTED_PARAM_TYPE
    {2054, ErrorClass::kNotSupported},  // CR_NOT_IMPLEMENTED
    {3140, ErrorClass::kData},          // ER_INVALID_JSON_TEXT (MySQL)
    {3819, ErrorClass::kIntegrity},     // ER_CHECK_CONSTRAINT_VIOLATED (MySQL)
    {4025, ErrorClass::kIntegrity},     // ER_CONSTRAINT_FAILED (MariaDB CHECK)
    {4038, ErrorClass::kData},          // ER_JSON_SYNTAX (MariaDB)
});

ErrorClass classify(std::int64_t code, std::string_view sqlstate) noexcept {
  const auto* it = std::lower_bound(kMappings.begin(), kMappings.end(), code,
                                    [](const Mapping& m, std::int64_t c) { return m.code < c; });
  if (it != kMappings.end() && it->code == code) return it->cls;
  if (code >= 2000 && code < 3000) return ErrorClass::kOperational;  // the client's own
  const std::string_view cls = sqlstate.substr(0, std::min<std::size_t>(2, sqlstate.size()));
  if (cls == "23") return ErrorClass::kIntegrity;
  if (cls == "22") return ErrorClass::kData;
  if (cls == "42") return ErrorClass::kProgramming;
  if (cls == "0A") return ErrorClass::kNotSupported;
  if (cls == "08" || cls == "40") return ErrorClass::kOperational;
  if (cls == "XX") return ErrorClass::kInternal;
  return code < 1000 ? ErrorClass::kInternal : ErrorClass::kOperational;
}

ErrorInfo make_info(unsigned int number, const char* sqlstate, const char* message,
                    std::string_view sql) {
  ErrorInfo info;
  info.driver_code = number;
  info.sqlstate = sqlstate != nullptr && *sqlstate != '\0' ? sqlstate : "HY000";
  info.driver_message =
      message != nullptr && *message != '\0'
          ? message
          : "MariaDB Connector/C reported error " + std::to_string(number) + " without a message";
  info.sql = std::string(sql);
  return info;
}

}  // namespace

void throw_error(ErrorInfo info) {
  switch (classify(info.driver_code, info.sqlstate)) {
  case ErrorClass::kData: throw DataError(std::move(info));
  case ErrorClass::kOperational: throw OperationalError(std::move(info));
  case ErrorClass::kIntegrity: throw IntegrityError(std::move(info));
  case ErrorClass::kInternal: throw InternalError(std::move(info));
  case ErrorClass::kProgramming: throw ProgrammingError(std::move(info));
  case ErrorClass::kNotSupported: throw NotSupportedError(std::move(info));
  case ErrorClass::kUnknown: break;
  }
  throw DatabaseError(std::move(info));
}

ErrorInfo connection_error(st_mysql* conn, std::string_view sql) {
  if (conn == nullptr)
    return make_info(2008, "HY000", "out of memory (mysql_init)", sql);  // CR_OUT_OF_MEMORY
  return make_info(mysql_errno(conn), mysql_sqlstate(conn), mysql_error(conn), sql);
}

ErrorInfo statement_error(st_mysql_stmt* stmt, std::string_view sql) {
  return make_info(mysql_stmt_errno(stmt), mysql_stmt_sqlstate(stmt), mysql_stmt_error(stmt), sql);
}

void throw_connection_error(st_mysql* conn, std::string_view sql) {
  throw_error(connection_error(conn, sql));
}

void throw_statement_error(st_mysql_stmt* stmt, std::string_view sql) {
  throw_error(statement_error(stmt, sql));
}

void throw_closed_connection() {
  throw InterfaceError(ErrorInfo{"08003", 0, std::string(kClosedConnectionMessage), ""});
}

void throw_closed_cursor() {
  throw InterfaceError(ErrorInfo{"", 0, std::string(kClosedCursorMessage), ""});
}

void throw_programming_error(std::string message, std::string_view sql) {
  throw ProgrammingError(ErrorInfo{"HY000", 0, std::move(message), std::string(sql)});
}

}  // namespace crucible::mysql
