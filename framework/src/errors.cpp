// The exception hierarchy (errors.hpp). Every destructor is defined here, out of line, so each
// class's typeinfo and vtable live in libcrucible.so alone and a plugin's throw matches a
// program's catch.
#include "crucible/errors.hpp"

#include <utility>

namespace crucible {

namespace {
// "<message> [SQLSTATE 23505] [code 2067] [SQL: INSERT …]": the message, then whatever the
// driver knew, in the order a reader needs it.
std::string describe(const ErrorInfo& info) {
  std::string out =
      info.driver_message.empty() ? std::string("database error") : info.driver_message;
  if (!info.sqlstate.empty()) out += " [SQLSTATE " + info.sqlstate + "]";
  if (info.driver_code != 0) out += " [code " + std::to_string(info.driver_code) + "]";
  if (!info.sql.empty()) out += " [SQL: " + info.sql + "]";
  return out;
}
}  // namespace

Error::Error(const std::string& message) : std::runtime_error(message) {}
Error::~Error() = default;
ArgumentError::~ArgumentError() = default;
PluginError::~PluginError() = default;
InvalidRequestError::~InvalidRequestError() = default;
NoResultFound::~NoResultFound() = default;
MultipleResultsFound::~MultipleResultsFound() = default;
ResourceClosedError::~ResourceClosedError() = default;
AwaitRequiredError::~AwaitRequiredError() = default;
NoSuchTableError::~NoSuchTableError() = default;
UnmappedClassError::~UnmappedClassError() = default;
DetachedInstanceError::~DetachedInstanceError() = default;
PendingRollbackError::~PendingRollbackError() = default;
FlushError::~FlushError() = default;
StaleDataError::~StaleDataError() = default;
CircularDependencyError::~CircularDependencyError() = default;
TimeoutError::~TimeoutError() = default;
CommandTimeoutError::~CommandTimeoutError() = default;
CancelledError::~CancelledError() = default;
DisconnectionError::~DisconnectionError() = default;

DBAPIError::DBAPIError(ErrorInfo info) : Error(describe(info)), info_(std::move(info)) {}
DBAPIError::~DBAPIError() = default;
InterfaceError::~InterfaceError() = default;
DatabaseError::~DatabaseError() = default;
DataError::~DataError() = default;
OperationalError::~OperationalError() = default;
IntegrityError::~IntegrityError() = default;
InternalError::~InternalError() = default;
ProgrammingError::~ProgrammingError() = default;
NotSupportedError::~NotSupportedError() = default;

}  // namespace crucible
