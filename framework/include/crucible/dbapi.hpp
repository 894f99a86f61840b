#pragma once
// The DBAPI contract: what a driver implements. Modelled on PEP 249 (Python Database API
// Specification v2.0), shaped for C++: values are crucible::Value, errors are the PEP 249
// classes of errors.hpp, results come row by row into caller-owned storage.
//
// Threading: a DbapiConnection and its cursors are used by one thread at a time (PEP 249
// threadsafety level 1); a Driver is shared by all threads of an Engine and must be thread-safe.
//
// Blocking: these calls may block the calling thread while the database works. A driver whose
// client library has a non-blocking API may also offer NonBlockingConnection and
// NonBlockingDriver (below): the async layer (crucible/asyncio.hpp) then runs the same calls
// with every wait for the socket handed to it, so that one thread serves many connections.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/param_sets.hpp"
#include "crucible/value.hpp"

namespace crucible {

class URL;

/// How a driver marks bind parameters in SQL text (PEP 249 "paramstyle").
enum class ParamStyle : std::uint8_t {
  kQmark,          ///< WHERE name = ?
  kNumeric,        ///< WHERE name = :1
  kNumericDollar,  ///< WHERE name = $1  (PostgreSQL's native form)
  kNamed,          ///< WHERE name = :name
  kFormat,         ///< WHERE name = %s   (a literal % is written %%)
};

/// "qmark", "numeric", "numeric_dollar", "named" or "format".
std::string_view paramstyle_name(ParamStyle style) noexcept;

/// One column of a result (PEP 249 Cursor.description's seven items, those a driver knows).
struct ColumnDescription {
  std::string name;
  std::string type_name;         ///< the database's declared type ("VARCHAR(40)"), or ""
  std::optional<bool> nullable;  ///< nullopt when the driver cannot tell
  std::optional<std::int32_t> precision;
  std::optional<std::int32_t> scale;
  friend bool operator==(const ColumnDescription&, const ColumnDescription&) = default;
};

/// Driver-specific connect arguments beyond the URL (SQLAlchemy's connect_args), e.g.
/// {"timeout": "5"}. Keys a driver does not know are refused with ArgumentError.
struct ConnectOptions {
  std::map<std::string, std::string, std::less<>> args;
};

/// A database cursor (PEP 249 §Cursor Objects): runs statements and walks their rows.
///
/// Drivers implement execute(), executemany(), fetch_into(), description(), rowcount(),
/// lastrowid() and close(); fetchone/fetchmany/fetchall are built on fetch_into().
class Cursor {
 public:
  virtual ~Cursor();

  /// Prepares (or reuses) sql and runs it with params bound by position, in the order the
  /// driver's paramstyle numbers them. Any rows it returns are then read by the fetch calls.
  /// Throws ProgrammingError for a bad statement or a wrong number of parameters, the other
  /// DBAPIError classes as the database reports, InterfaceError on a closed cursor.
  virtual void execute(std::string_view sql, std::span<const Value> params) = 0;

  /// Runs sql once per parameter set (PEP 249 executemany); rowcount() is then the total.
  /// The sets' values are read in place (see ParamSets) and stay valid until this returns.
  /// Throws as execute() does; a set with the wrong number of values is a ProgrammingError
  /// naming the set.
  virtual void executemany(std::string_view sql, const ParamSets& param_sets) = 0;

  /// Reads the next row into row (resized to the column count, storage reused between calls).
  /// Returns false, leaving row unspecified, when no row is left or the statement returns none.
  virtual bool fetch_into(std::vector<Value>& row) = 0;

  /// The columns of the current result; empty when the last statement returns no rows.
  virtual const std::vector<ColumnDescription>& description() const = 0;

  /// Rows changed by the last INSERT/UPDATE/DELETE, the sum for executemany; -1 when unknown
  /// or not applicable (PEP 249).
  virtual std::int64_t rowcount() const = 0;

  /// The row id / generated key of the last inserted row, or nullopt (PEP 249 extension).
  virtual std::optional<std::int64_t> lastrowid() const = 0;

  /// Releases the statement; later calls throw InterfaceError. Idempotent, never throws.
  virtual void close() noexcept = 0;

  /// The next row, or nullopt when none is left (PEP 249 fetchone).
  std::optional<std::vector<Value>> fetchone();
  /// Up to n rows (PEP 249 fetchmany).
  std::vector<std::vector<Value>> fetchmany(std::size_t n);
  /// Every remaining row (PEP 249 fetchall).
  std::vector<std::vector<Value>> fetchall();
};

/// An optional capability of a driver's Cursor, found with dynamic_cast: an executemany of a
/// single-row INSERT that keeps each parameter set's lastrowid (PEP 249 keeps only the last).
///
/// The engine uses it for an executemany of INSERT … RETURNING whose only RETURNING column is
/// the table's autoincrement key (an ORM flush of new objects): it sends the INSERT without
/// RETURNING through this call and returns the ids as the RETURNING rows. So a driver provides
/// it only where (1) lastrowid after a single-row INSERT is that row's autoincrement primary key
/// whenever the table has one (an embedded database's row id that an integer key column
/// aliases, say), and (2) running the sets one by one costs no more than a multi-row
/// INSERT … RETURNING would (an embedded database: no round trip per set).
/// A driver without it is served by multi-row INSERT … RETURNING, as before; adding it changes
/// no class of the plugin ABI.
class LastrowidExecutemany {
 public:
  virtual ~LastrowidExecutemany();
  /// Runs sql, a single-row INSERT without RETURNING, once per parameter set as
  /// Cursor::executemany does (same binding, rowcount() the total, same errors; a failing set
  /// leaves the sets before it inserted in the open transaction), and sets lastrowids to one
  /// entry per set: lastrowids[i] is lastrowid() as it was right after set i ran.
  virtual void executemany_lastrowids(std::string_view sql, const ParamSets& param_sets,
                                      std::vector<std::int64_t>& lastrowids) = 0;
};

/// What a non-blocking call waits for (poll(2)'s POLLIN and POLLOUT, and a timeout). Flags.
enum class IoEvents : std::uint8_t { kNone = 0, kRead = 1, kWrite = 2, kTimeout = 4 };
constexpr IoEvents operator|(IoEvents a, IoEvents b) noexcept {
  return static_cast<IoEvents>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
constexpr IoEvents operator&(IoEvents a, IoEvents b) noexcept {
  return static_cast<IoEvents>(static_cast<std::uint8_t>(a) & static_cast<std::uint8_t>(b));
}
constexpr bool any(IoEvents e) noexcept { return e != IoEvents::kNone; }

/// How a non-blocking driver waits for its socket: given by the async layer, which suspends the
/// calling task (not its thread) until the socket is ready. The pattern of libpq's "Asynchronous
/// Command Processing" (PQsocket, PQconsumeInput, PQflush) and of MariaDB Connector/C's
/// non-blocking API (mysql_get_socket, the MYSQL_WAIT_* flags of the _start/_cont calls).
class IoWaiter {
 public:
  virtual ~IoWaiter();
  /// Waits until fd is readable (kRead in events) or writable (kWrite), or, when events holds
  /// kTimeout and timeout_ms >= 0, until timeout_ms milliseconds have passed. Returns what
  /// happened (a subset of events, never kNone). Throws when the wait is abandoned: the task was
  /// cancelled or timed out (OperationalError), or the call was made where waiting is not
  /// allowed (AwaitRequiredError, errors.hpp). The driver lets the exception through; the async
  /// layer then invalidates the connection, so the driver need only be able to close it.
  virtual IoEvents wait(int fd, IoEvents events, int timeout_ms) = 0;
  /// Throws what wait() would throw at once because waiting is not allowed here
  /// (AwaitRequiredError); else nothing. A driver calls it before it sends a request, so that a
  /// call made where it cannot wait fails with the connection as it was, not half-way through a
  /// round trip.
  virtual void check_can_wait() = 0;
};

/// An optional capability of a driver's DbapiConnection, found with dynamic_cast: it can run
/// without blocking its thread. With a waiter set, every call of the connection and of its
/// cursors that would wait for the server calls waiter->wait() instead, and still returns only
/// when its work is done (so the contract above is unchanged); Cursor::fetch_into,
/// description(), rowcount(), lastrowid() and close() never wait (execute() has the rows in
/// memory, or fetch_into() reads them without waiting). A driver without it is run on worker
/// threads by the async layer, unchanged.
class NonBlockingConnection {
 public:
  virtual ~NonBlockingConnection();
  /// Waits through waiter from now on; nullptr blocks the thread again. The waiter outlives its
  /// use. Never throws.
  virtual void set_io_waiter(IoWaiter* waiter) noexcept = 0;
};

/// An optional capability of a driver's DbapiConnection, found with dynamic_cast: the statement
/// it is running can be stopped from elsewhere (a cancel request on a connection of its own, a
/// statement that kills the query, an interrupt call of an in-process engine). The async layer
/// uses it when an awaited call passes its command_timeout or is cancelled: the statement stops,
/// the call fails, and the connection stays usable for the rollback that follows, where a
/// connection whose wait was abandoned mid-protocol would have to be invalidated.
class CancellableConnection {
 public:
  virtual ~CancellableConnection();
  /// Called on some thread while a call of this connection waits (suspended on a fiber, or
  /// running on another thread), never concurrently with itself; must not wait itself. Returns
  /// the request that stops the running statement: a callable that may block (a connection of
  /// its own to the server), is run on another thread, references nothing of this connection
  /// (it may run after the connection closed) and returns false when it could not deliver the
  /// request; it never throws. The interrupted call then fails with the database's own
  /// "statement cancelled" error (the plugins name theirs), or completes if it was finishing
  /// anyway. A database in the same process may stop the statement here and return a callable
  /// that does nothing.
  virtual std::function<bool()> cancel_request() = 0;
};

/// A connection to one database (PEP 249 §Connection Objects).
///
/// As PEP 249 requires, a connection is not in autocommit mode when it opens: the driver starts
/// a transaction implicitly before the first statement after connect, commit() or rollback(),
/// and commit()/rollback() end it. set_autocommit(true) switches that off.
class DbapiConnection {
 public:
  virtual ~DbapiConnection();

  /// A new cursor over this connection. Throws InterfaceError when the connection is closed.
  virtual std::unique_ptr<Cursor> cursor() = 0;
  /// Commits the current transaction; a no-op when none is open.
  virtual void commit() = 0;
  /// Rolls back the current transaction; a no-op when none is open.
  virtual void rollback() = 0;
  /// Closes the connection, rolling back any open transaction. Idempotent, never throws.
  virtual void close() noexcept = 0;
  /// True when the connection is open and the server answers (a round trip where the protocol
  /// needs one). Never throws.
  virtual bool ping() noexcept = 0;
  /// Autocommit on: every statement commits by itself; off: PEP 249 implicit transactions.
  virtual void set_autocommit(bool on) = 0;
  virtual bool autocommit() const noexcept = 0;
  /// Sets the isolation level of later transactions by the database's own name for it
  /// ("SERIALIZABLE", "READ COMMITTED"…); the dialect validates the name first.
  virtual void set_isolation_level(std::string_view level) = 0;
  /// True while a transaction is open on the server side.
  virtual bool in_transaction() const noexcept = 0;
  /// The server's (or embedded library's) version, e.g. "3.40.1", as the client reports it
  /// (MariaDB: "10.11.19-MariaDB-0+deb12u1"); a dialect's initialize() reads it.
  virtual std::string server_version() const = 0;
  /// How the driver that made this connection marks bind parameters (its Driver::paramstyle()),
  /// so that SQL a dialect writes itself, such as its reflection queries, places parameters
  /// for whichever driver serves it ("$1" under one driver, "?" under another).
  virtual ParamStyle paramstyle() const noexcept = 0;
};

/// A database driver (PEP 249's module object): makes connections.
class Driver {
 public:
  virtual ~Driver();
  /// The driver's name as written after '+' in a URL ("sqlite3", "libpq").
  virtual std::string_view name() const noexcept = 0;
  /// How this driver marks bind parameters.
  virtual ParamStyle paramstyle() const noexcept = 0;
  /// Opens a connection. Throws OperationalError (or another DBAPIError) when the database
  /// refuses, ArgumentError for URL parts or options the driver cannot use.
  virtual std::unique_ptr<DbapiConnection> connect(const URL& url,
                                                   const ConnectOptions& options) = 0;
};

/// An optional capability of a Driver, found with dynamic_cast: it connects without blocking
/// (libpq's PQconnectStartParams/PQconnectPoll, MariaDB's mysql_real_connect_start/_cont). Its
/// connections are NonBlockingConnections.
class NonBlockingDriver {
 public:
  virtual ~NonBlockingDriver();
  /// As Driver::connect, every wait for the server made through waiter; the connection returned
  /// has waiter set (NonBlockingConnection::set_io_waiter). Throws as connect() does, and what
  /// waiter.wait() throws.
  virtual std::unique_ptr<DbapiConnection>
  connect_nonblocking(const URL& url, const ConnectOptions& options, IoWaiter& waiter) = 0;
};

}  // namespace crucible
