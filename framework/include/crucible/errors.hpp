#pragma once
// The exception hierarchy of crucible.
//
// Two families, as in SQLAlchemy (sqlalchemy.exc):
//  * Framework errors for misuse and configuration: ArgumentError (bad URL, option or
//    parameter), PluginError (a dialect or driver could not be found or loaded),
//    InvalidRequestError and its children (NoResultFound, MultipleResultsFound,
//    ResourceClosedError), TimeoutError (the pool could not hand out a connection in time).
//  * DBAPIError and the PEP 249 classes (PEP 249, "Exceptions"): InterfaceError and
//    DatabaseError with DataError, OperationalError, IntegrityError, InternalError,
//    ProgrammingError, NotSupportedError. Drivers throw these; each carries the SQLSTATE (when
//    the database has one), the driver's own error code and message, and the SQL that failed.
//
// Every class has an out-of-line key function in libcrucible.so, so a plugin that throws
// IntegrityError and a program that catches it agree on one typeinfo across the shared-library
// boundary.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace crucible {

/// Base of every exception crucible throws (SQLAlchemy's SQLAlchemyError).
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message);
  ~Error() override;
};

/// A bad argument: an unparsable URL, an unknown option, a parameter that is missing or of the
/// wrong type. The message says what was wanted and what was found.
class ArgumentError : public Error {
 public:
  using Error::Error;
  ~ArgumentError() override;
};

/// A dialect or driver could not be found or loaded: unknown name, wrong ABI version, a file
/// that is not a crucible plugin. The message names the wanted names, every path searched and
/// the plugins available.
class PluginError : public Error {
 public:
  using Error::Error;
  ~PluginError() override;
};

/// The program asked for something the current state does not allow (SQLAlchemy's
/// InvalidRequestError), e.g. committing a transaction that is no longer active.
class InvalidRequestError : public Error {
 public:
  using Error::Error;
  ~InvalidRequestError() override;
};

/// Result::one() found no row.
class NoResultFound : public InvalidRequestError {
 public:
  using InvalidRequestError::InvalidRequestError;
  ~NoResultFound() override;
};

/// Result::one() or one_or_none() found more than one row.
class MultipleResultsFound : public InvalidRequestError {
 public:
  using InvalidRequestError::InvalidRequestError;
  ~MultipleResultsFound() override;
};

/// A Result, Connection or cursor was used after it was closed, or a result without rows was
/// asked for rows.
class ResourceClosedError : public InvalidRequestError {
 public:
  using InvalidRequestError::InvalidRequestError;
  ~ResourceClosedError() override;
};

/// Code running outside an awaited call of the async layer (crucible/asyncio.hpp) needed the
/// database: a lazy load of a relationship in a coroutine, say, where waiting would block the
/// event loop's thread (SQLAlchemy's MissingGreenlet). The message says what to do instead:
/// load eagerly (selectinload, joinedload), co_await a refresh, or use run_sync.
class AwaitRequiredError : public InvalidRequestError {
 public:
  using InvalidRequestError::InvalidRequestError;
  ~AwaitRequiredError() override;
};

/// Reflection was asked about a table the database does not have (SQLAlchemy's
/// NoSuchTableError).
class NoSuchTableError : public InvalidRequestError {
 public:
  using InvalidRequestError::InvalidRequestError;
  ~NoSuchTableError() override;
};

/// An ORM operation named a C++ type that no orm::Registry maps (SQLAlchemy's
/// UnmappedClassError / UnmappedInstanceError). The message names the type.
class UnmappedClassError : public InvalidRequestError {
 public:
  using InvalidRequestError::InvalidRequestError;
  ~UnmappedClassError() override;
};

/// A relationship of an object that belongs to no Session (any more) was read before it was
/// loaded, so there is nothing to load it through (SQLAlchemy's DetachedInstanceError).
class DetachedInstanceError : public InvalidRequestError {
 public:
  using InvalidRequestError::InvalidRequestError;
  ~DetachedInstanceError() override;
};

/// A Session whose flush failed was used before rollback() (SQLAlchemy's PendingRollbackError).
class PendingRollbackError : public InvalidRequestError {
 public:
  using InvalidRequestError::InvalidRequestError;
  ~PendingRollbackError() override;
};

/// The unit of work cannot write what the Session holds: an object with no primary key value,
/// a second object with the identity of one already present, a required foreign key with no
/// parent (SQLAlchemy's orm.exc.FlushError).
class FlushError : public InvalidRequestError {
 public:
  using InvalidRequestError::InvalidRequestError;
  ~FlushError() override;
};

/// An UPDATE or DELETE of the unit of work matched another number of rows than it expected:
/// the row was changed or deleted behind the Session's back (SQLAlchemy's StaleDataError).
class StaleDataError : public FlushError {
 public:
  using FlushError::FlushError;
  ~StaleDataError() override;
};

/// Mappers (or tables) depend on each other in a cycle, so no order of INSERTs satisfies every
/// foreign key (SQLAlchemy's CircularDependencyError). The message lists the cycle.
class CircularDependencyError : public FlushError {
 public:
  using FlushError::FlushError;
  ~CircularDependencyError() override;
};

/// The pool could not hand out a connection within pool_timeout seconds; also the base of
/// CommandTimeoutError.
class TimeoutError : public Error {
 public:
  using Error::Error;
  ~TimeoutError() override;
};

/// An awaited call of the async layer (crucible/asyncio.hpp) ran past its command_timeout
/// (asyncpg's command_timeout, raised there as asyncio.TimeoutError). The statement it was
/// running was cancelled on the server and the transaction rolled back (the connection is
/// invalidated instead when the database did not answer the cancel in time); a COMMIT that timed
/// out may or may not have taken effect.
class CommandTimeoutError : public TimeoutError {
 public:
  using TimeoutError::TimeoutError;
  ~CommandTimeoutError() override;
};

/// An awaited call of the async layer was cancelled with cancel() (Python's
/// asyncio.CancelledError). What was done about its statement and transaction is as for
/// CommandTimeoutError.
class CancelledError : public Error {
 public:
  using Error::Error;
  ~CancelledError() override;
};

/// Raised by a pool checkout listener to say the connection it was shown is unusable (SQLAlchemy's
/// exc.DisconnectionError): the pool closes that connection and checks out another, up to three
/// attempts, after which the checkout fails with InvalidRequestError.
class DisconnectionError : public Error {
 public:
  using Error::Error;
  ~DisconnectionError() override;
};

/// What a driver knows about a failed database call. Every field may be empty/zero where the
/// database does not supply it (SQLite has no SQLSTATE).
struct ErrorInfo {
  std::string sqlstate;        ///< five-character SQLSTATE (SQL:2016 Part 2, 24.1), or ""
  std::int64_t driver_code{};  ///< the client library's own error number, or 0
  std::string driver_message;  ///< the client library's message, verbatim
  std::string sql;             ///< the statement that failed, or "" (connect, commit…)
};

/// Base of the PEP 249 error classes (PEP 249's Error; SQLAlchemy's DBAPIError). what() reads
/// "<driver message> [SQLSTATE xxxxx] [code n] [SQL: …]".
class DBAPIError : public Error {
 public:
  explicit DBAPIError(ErrorInfo info);
  ~DBAPIError() override;
  const std::string& sqlstate() const noexcept { return info_.sqlstate; }
  std::int64_t driver_code() const noexcept { return info_.driver_code; }
  const std::string& driver_message() const noexcept { return info_.driver_message; }
  const std::string& sql() const noexcept { return info_.sql; }
  const ErrorInfo& info() const noexcept { return info_; }
  /// Whether the error told the Connection that its database connection is gone (the dialect's
  /// is_disconnect said so), so the Connection and its pool invalidated it (SQLAlchemy's
  /// DBAPIError.connection_invalidated). Set by the Connection before the error reaches the
  /// caller, or already by the layer under the driver (the async layer, when it gave up a wait
  /// part-way through a round trip), which makes the Connection invalidate that connection;
  /// false for other errors raised outside a Connection.
  bool connection_invalidated() const noexcept { return connection_invalidated_; }
  void set_connection_invalidated() noexcept { connection_invalidated_ = true; }

 private:
  ErrorInfo info_;
  bool connection_invalidated_{false};
};

/// PEP 249 Warning is not an exception we throw; InterfaceError is an error of the driver
/// itself rather than of the database (e.g. a closed connection, an unbindable value).
class InterfaceError : public DBAPIError {
 public:
  using DBAPIError::DBAPIError;
  ~InterfaceError() override;
};

/// An error of the database (PEP 249 DatabaseError).
class DatabaseError : public DBAPIError {
 public:
  using DBAPIError::DBAPIError;
  ~DatabaseError() override;
};

/// A problem with the processed data: division by zero, value out of range (PEP 249).
class DataError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
  ~DataError() override;
};

/// An error of the database's operation, not necessarily under the programmer's control:
/// disconnect, lock timeout, out of memory (PEP 249).
class OperationalError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
  ~OperationalError() override;
};

/// Relational integrity affected: a foreign key, unique or check constraint failed (PEP 249).
class IntegrityError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
  ~IntegrityError() override;
};

/// The database met an internal error (PEP 249).
class InternalError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
  ~InternalError() override;
};

/// A programming error: table not found, SQL syntax error, wrong number of parameters (PEP 249).
class ProgrammingError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
  ~ProgrammingError() override;
};

/// A method or database API not supported by the database (PEP 249).
class NotSupportedError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
  ~NotSupportedError() override;
};

}  // namespace crucible
