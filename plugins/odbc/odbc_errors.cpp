// Error mapping of the "odbc" driver (see odbc_errors.hpp for the table and its sources).
#include "odbc_errors.hpp"

#include <sqlext.h>

#include <utility>

namespace crucible::odbc {

namespace {

enum class ErrorClass {
  kDatabase,
  kInterface,
  kData,
  kOperational,
  kIntegrity,
  kInternal,
  kProgramming,
  kNotSupported
};

ErrorClass classify(std::string_view state) noexcept {
  if (state.size() != 5) return ErrorClass::kDatabase;
  if (state == "40002") return ErrorClass::kIntegrity;
  if (state == "HYT00" || state == "HYT01" || state == "HY001" || state == "HY008") {
    return ErrorClass::kOperational;
  }
  if (state == "HYC00" || state == "IM001") return ErrorClass::kNotSupported;
  if (state == "HY000") return ErrorClass::kDatabase;
  const std::string_view cls = state.substr(0, 2);
  if (cls == "08" || cls == "28" || cls == "40" || cls == "53" || cls == "54" || cls == "55" ||
      cls == "57" || cls == "58") {
    return ErrorClass::kOperational;
  }
  if (cls == "22") return ErrorClass::kData;
  if (cls == "23") return ErrorClass::kIntegrity;
  if (cls == "42" || cls == "07" || cls == "21" || cls == "24" || cls == "25" || cls == "26" ||
      cls == "34" || cls == "3D" || cls == "3F") {
    return ErrorClass::kProgramming;
  }
  if (cls == "0A") return ErrorClass::kNotSupported;
  if (cls == "XX") return ErrorClass::kInternal;
  if (cls == "IM" || cls == "HY") return ErrorClass::kInterface;
  return ErrorClass::kDatabase;
}

// "[unixODBC][Driver Manager]Data source name not found" -> "Data source name not found": the
// bracketed vendor tags each layer puts in front (ODBC reference, "Diagnostic Messages").
std::string_view strip_vendor_tags(std::string_view message) noexcept {
  while (!message.empty() && message.front() == '[') {
    const std::size_t close = message.find(']');
    if (close == std::string_view::npos) break;
    message.remove_prefix(close + 1);
  }
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.remove_suffix(1);
  }
  return message;
}

// SQLite's primary result code (sqlite3.h) as CPython's sqlite3 module classifies it.
ErrorClass classify_sqlite(std::int64_t code) noexcept {
  switch (code & 0xff) {
  case 1:  // SQLITE_ERROR: bad SQL (see the header)
    return ErrorClass::kProgramming;
  case 2:   // SQLITE_INTERNAL
  case 12:  // SQLITE_NOTFOUND
    return ErrorClass::kInternal;
  case 18:  // SQLITE_TOOBIG
    return ErrorClass::kData;
  case 19:  // SQLITE_CONSTRAINT
  case 20:  // SQLITE_MISMATCH
    return ErrorClass::kIntegrity;
  case 21:  // SQLITE_MISUSE
  case 25:  // SQLITE_RANGE
    return ErrorClass::kInterface;
  case 3:
  case 4:
  case 5:
  case 6:
  case 7:
  case 8:
  case 9:
  case 10:
  case 13:
  case 14:
  case 15:
  case 16:
  case 17: return ErrorClass::kOperational;
  default: return ErrorClass::kDatabase;
  }
}

}  // namespace

ErrorInfo diagnostics(SQLSMALLINT handle_type, SQLHANDLE handle, SQLRETURN rc,
                      std::string_view sql) {
  ErrorInfo info;
  info.sql = std::string(sql);
  for (SQLSMALLINT record = 1;; ++record) {
    SQLCHAR state[6] = {};
    SQLINTEGER native = 0;
    SQLSMALLINT length = 0;
    std::string message(512, '\0');
    SQLRETURN got = SQLGetDiagRec(handle_type, handle, record, state, &native,
                                  reinterpret_cast<SQLCHAR*>(message.data()),
                                  static_cast<SQLSMALLINT>(message.size()), &length);
    if (got == SQL_SUCCESS_WITH_INFO && length >= static_cast<SQLSMALLINT>(message.size())) {
      message.assign(static_cast<std::size_t>(length) + 1, '\0');  // truncated: ask again
      got = SQLGetDiagRec(handle_type, handle, record, state, &native,
                          reinterpret_cast<SQLCHAR*>(message.data()),
                          static_cast<SQLSMALLINT>(message.size()), &length);
    }
    if (!SQL_SUCCEEDED(got)) break;
    message.resize(std::min<std::size_t>(static_cast<std::size_t>(length), message.size()));
    const std::string_view text = strip_vendor_tags(message);
    // The first record that is not a warning (class 01) names the error; unixODBC may put a
    // warning first (01000 "Can't open lib …" before IM003 "driver could not be loaded").
    const std::string_view this_state = reinterpret_cast<const char*>(state);
    if (record == 1 || (info.sqlstate.rfind("01", 0) == 0 && this_state.rfind("01", 0) != 0)) {
      info.sqlstate = std::string(this_state);
      info.driver_code = native;
    }
    if (!text.empty()) {
      if (!info.driver_message.empty()) info.driver_message += '\n';
      info.driver_message += text;
    }
  }
  if (info.driver_message.empty()) {
    info.driver_message = rc == SQL_INVALID_HANDLE
                              ? "the ODBC call was given an invalid handle (SQL_INVALID_HANDLE)"
                              : "the ODBC call failed (return code " + std::to_string(rc) +
                                    ") without a diagnostic record";
  }
  return info;
}

void throw_error(ErrorInfo info, bool connection_dead, NativeCodes codes) {
  if (connection_dead) {
    if (info.sqlstate.rfind("08", 0) != 0) info.sqlstate = "08S01";
    throw OperationalError(std::move(info));
  }
  const bool by_code = codes == NativeCodes::kSqlite &&
                       (info.sqlstate == "HY000" || info.sqlstate.empty()) && info.driver_code != 0;
  switch (by_code ? classify_sqlite(info.driver_code) : classify(info.sqlstate)) {
  case ErrorClass::kInterface: throw InterfaceError(std::move(info));
  case ErrorClass::kData: throw DataError(std::move(info));
  case ErrorClass::kOperational: throw OperationalError(std::move(info));
  case ErrorClass::kIntegrity: throw IntegrityError(std::move(info));
  case ErrorClass::kInternal: throw InternalError(std::move(info));
  case ErrorClass::kProgramming: throw ProgrammingError(std::move(info));
  case ErrorClass::kNotSupported: throw NotSupportedError(std::move(info));
  case ErrorClass::kDatabase: break;
  }
  throw DatabaseError(std::move(info));
}

bool connection_dead(SQLHDBC dbc) noexcept {
  if (dbc == nullptr) return false;
  SQLUINTEGER dead = SQL_CD_FALSE;
  const SQLRETURN rc = SQLGetConnectAttr(dbc, SQL_ATTR_CONNECTION_DEAD, &dead, 0, nullptr);
  return SQL_SUCCEEDED(rc) && dead == SQL_CD_TRUE;
}

void check(SQLRETURN rc, SQLSMALLINT handle_type, SQLHANDLE handle, std::string_view sql,
           SQLHDBC dbc, NativeCodes codes) {
  if (SQL_SUCCEEDED(rc) || rc == SQL_NO_DATA) return;
  ErrorInfo info = diagnostics(handle_type, handle, rc, sql);
  const bool dead = info.sqlstate.rfind("08", 0) == 0 || connection_dead(dbc);
  throw_error(std::move(info), dead, codes);
}

void throw_closed_connection() {
  throw InterfaceError(ErrorInfo{"08003", 0, std::string(kClosedConnectionMessage), ""});
}

void throw_closed_cursor() {
  throw InterfaceError(ErrorInfo{"24000", 0, std::string(kClosedCursorMessage), ""});
}

void throw_programming_error(std::string message, std::string_view sql, std::string sqlstate) {
  throw ProgrammingError(ErrorInfo{std::move(sqlstate), 0, std::move(message), std::string(sql)});
}

}  // namespace crucible::odbc
