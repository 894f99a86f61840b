// Error mapping of the libpq driver (see postgresql_errors.hpp for the table and its source).
#include "postgresql_errors.hpp"

#include <libpq-fe.h>

#include <utility>

namespace crucible::postgresql {

namespace {

enum class ErrorClass {
  kDatabase,
  kData,
  kOperational,
  kIntegrity,
  kInternal,
  kProgramming,
  kNotSupported
};

ErrorClass classify(std::string_view sqlstate) noexcept {
  if (sqlstate.size() < 2) return ErrorClass::kDatabase;
  const std::string_view cls = sqlstate.substr(0, 2);
  if (cls == "08" || cls == "40" || cls == "53" || cls == "55" || cls == "57" || cls == "58") {
    return ErrorClass::kOperational;
  }
  if (cls == "22") return ErrorClass::kData;
  if (cls == "23") return ErrorClass::kIntegrity;
  if (cls == "42") return ErrorClass::kProgramming;
  if (cls == "0A") return ErrorClass::kNotSupported;
  if (cls == "XX") return ErrorClass::kInternal;
  return ErrorClass::kDatabase;
}

std::string trim_newlines(const char* text) {
  std::string out = text == nullptr ? "" : text;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) {
    out.pop_back();
  }
  return out;
}

}  // namespace

void throw_error(ErrorInfo info, bool connection_bad) {
  if (connection_bad) {
    info.driver_code = kConnectionBadCode;
    throw OperationalError(std::move(info));
  }
  ErrorClass cls = classify(info.sqlstate);
  if (info.sqlstate == "08P01") cls = ErrorClass::kProgramming;  // the connection is fine
  switch (cls) {
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

ErrorInfo error_info(pg_conn* conn, const pg_result* result, std::string_view sql) {
  ErrorInfo info;
  info.sql = std::string(sql);
  const char* primary =
      result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  if (primary != nullptr) {
    info.driver_message = primary;
    if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL)) {
      info.driver_message += std::string("\nDETAIL: ") + detail;
    }
    if (const char* hint = PQresultErrorField(result, PG_DIAG_MESSAGE_HINT)) {
      info.driver_message += std::string("\nHINT: ") + hint;
    }
    if (const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE)) {
      info.sqlstate = sqlstate;
    }
  } else if (result != nullptr && *PQresultErrorMessage(result) != '\0') {
    info.driver_message = trim_newlines(PQresultErrorMessage(result));
  } else {
    info.driver_message = trim_newlines(conn != nullptr ? PQerrorMessage(conn) : nullptr);
  }
  if (info.driver_message.empty()) info.driver_message = "libpq reported a failure without text";
  const bool bad = conn == nullptr || PQstatus(conn) == CONNECTION_BAD;
  info.driver_code = bad ? kConnectionBadCode : 0;
  return info;
}

void throw_result_error(pg_conn* conn, const pg_result* result, std::string_view sql) {
  ErrorInfo info = error_info(conn, result, sql);
  const bool bad = info.driver_code == kConnectionBadCode;
  throw_error(std::move(info), bad);
}

void throw_closed_connection() {
  throw InterfaceError(
      ErrorInfo{"", kConnectionBadCode, std::string(kClosedConnectionMessage), ""});
}

void throw_closed_cursor() {
  throw InterfaceError(ErrorInfo{"", 0, std::string(kClosedCursorMessage), ""});
}

void throw_programming_error(std::string message, std::string_view sql) {
  throw ProgrammingError(ErrorInfo{"", 0, std::move(message), std::string(sql)});
}

}  // namespace crucible::postgresql
