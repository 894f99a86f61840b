#pragma once
// The "libpq" driver: PEP 249 connections to PostgreSQL through libpq, the official C client
// (https://www.postgresql.org/docs/15/libpq.html), shaped after psycopg.
//
//   connect(url, options): PQconnectdbParams with host, port, user, password and dbname from
//   the URL (each only when given, so libpq's defaults and PG* environment variables apply to
//   the rest), then every key of the URL query and of options.args (which win) as a libpq
//   connection keyword: sslmode, connect_timeout, application_name, options ("-c name=value"
//   settings), target_session_attrs… A key repeated in the URL query is joined with commas
//   for host, hostaddr and port (libpq's multi-host form) and with spaces for options; for any
//   other key the last value wins. A key libpq does not know (PQconndefaults) is an
//   ArgumentError listing the known ones. One key is the driver's own:
//     prepare_threshold  executions of a statement before it is prepared on the server
//                        (psycopg's name and default, 5; 0 prepares at the first execution)
//   client_encoding is always UTF8 (Values hold UTF-8; another encoding is refused), and
//   fallback_application_name is "crucible". After connecting, DateStyle is made ISO and, on a
//   server before 12, extra_float_digits 3, so that the text the driver parses is exact.
//   A refused connection is an OperationalError whose message names the URL with its password
//   hidden; libpq's own message never contains the password.
//
// Transactions follow PEP 249: out of autocommit mode a BEGIN is sent before the first
// statement while the server reports no open transaction (PQtransactionStatus), except before a
// statement that manages the transaction itself (BEGIN, START, COMMIT, END, ROLLBACK, ABORT).
// commit() of a transaction the server already failed refuses to pretend: PostgreSQL answers
// COMMIT with ROLLBACK there, and the driver throws OperationalError (SQLSTATE 25P02).
//
// Threading: a connection and its cursors belong to one thread at a time (libpq's PGconn is not
// shared); the Driver itself is stateless and thread-safe.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "crucible/dbapi.hpp"
#include "libpq_io.hpp"
#include "libpq_statements.hpp"

struct pg_conn;
struct pg_result;

namespace crucible::postgresql {

/// Owns a PGresult (PQclear on destruction).
struct ResultDeleter {
  void operator()(pg_result* result) const noexcept;
};
using PgResult = std::unique_ptr<pg_result, ResultDeleter>;

/// What a connection and its cursors share: the PGconn, the prepared statements and the
/// transaction mode. Cursors hold it by shared_ptr, so a cursor that outlives its connection
/// object sees a closed connection instead of a dangling pointer.
class ConnectionState {
 public:
  ConnectionState(pg_conn* conn, int prepare_threshold) noexcept;
  ~ConnectionState();
  ConnectionState(const ConnectionState&) = delete;
  ConnectionState& operator=(const ConnectionState&) = delete;

  bool is_open() const noexcept { return io_.conn() != nullptr; }
  /// The handle; throws InterfaceError "connection already closed" when closed.
  pg_conn* conn() const;
  /// The handle's round trips (blocking, or through the async layer's waiter); throws as
  /// conn() does.
  PgIo& io();
  StatementCache& statements() noexcept { return statements_; }

  bool autocommit() const noexcept { return autocommit_; }
  void set_autocommit(bool on) noexcept { autocommit_ = on; }
  /// True while the server has a transaction open, failed or not (PQTRANS_INTRANS/INERROR).
  bool in_transaction() const noexcept;

  /// Whether next needs the implicit BEGIN of PEP 249 first: not in autocommit mode, no
  /// transaction open, and next does not manage the transaction itself.
  bool needs_begin(std::string_view next) const noexcept;
  /// Sends that BEGIN on its own (one round trip) when needs_begin(next).
  void begin_if_needed(std::string_view next);
  /// Runs one statement without parameters (BEGIN, COMMIT, SET …) with no implicit BEGIN and
  /// returns its result. Throws the mapped error.
  PgResult run(std::string_view sql);
  /// Closes the connection (PQfinish; the server rolls back an open transaction). Idempotent.
  void close() noexcept;

 private:
  PgIo io_;  ///< holds the PGconn (null once closed)
  bool autocommit_{false};
  StatementCache statements_;
};

/// A connection of the libpq driver (see the file comment). Closed on destruction. Its round
/// trips can run without blocking (NonBlockingConnection: libpq's nonblocking mode, PgIo), and
/// its running statement can be cancelled from another thread (CancellableConnection: PQcancel).
class LibpqConnection final : public DbapiConnection,
                              public NonBlockingConnection,
                              public CancellableConnection {
 public:
  LibpqConnection(pg_conn* conn, int prepare_threshold);
  ~LibpqConnection() override;

  std::unique_ptr<Cursor> cursor() override;
  /// COMMIT when a transaction is open, else nothing. Throws OperationalError (SQLSTATE 25P02)
  /// when the transaction had failed, so PostgreSQL rolled it back instead.
  void commit() override;
  /// ROLLBACK when a transaction is open, else nothing.
  void rollback() override;
  void close() noexcept override;
  /// A round trip: an empty query answered by the server. False when closed or broken.
  bool ping() noexcept override;
  /// On: no implicit BEGIN any more (an open transaction stays open until commit/rollback).
  void set_autocommit(bool on) override;
  bool autocommit() const noexcept override;
  /// SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL level, for the transactions
  /// that follow. Accepts SERIALIZABLE, REPEATABLE READ, READ COMMITTED, READ UNCOMMITTED
  /// (case-insensitive; ArgumentError otherwise). Throws ProgrammingError while a transaction is
  /// open, as psycopg does: the SET would be undone by that transaction's rollback.
  void set_isolation_level(std::string_view level) override;
  bool in_transaction() const noexcept override;
  /// The server's version as it reports it, e.g. "15.18".
  std::string server_version() const override;
  /// numeric_dollar ($1), as LibpqDriver::paramstyle().
  ParamStyle paramstyle() const noexcept override { return ParamStyle::kNumericDollar; }
  /// Switches libpq's nonblocking mode on (waiter) or off (null) and waits through waiter.
  void set_io_waiter(IoWaiter* waiter) noexcept override;
  /// PQgetCancel's key for this connection's backend, and a request that sends it (PQcancel,
  /// https://www.postgresql.org/docs/current/libpq-cancel.html: a connection of its own to the
  /// server); the statement then fails with SQLSTATE 57014. Empty when closed.
  std::function<bool()> cancel_request() override;

 private:
  std::shared_ptr<ConnectionState> state_;
};

/// The "libpq" driver: paramstyle numeric_dollar ($1, $2 …). Connects blocking
/// (PQconnectdbParams) or not (NonBlockingDriver: PQconnectStartParams and PQconnectPoll, with
/// connect_timeout kept by the driver, as libpq leaves it to the caller in that mode).
class LibpqDriver final : public Driver, public NonBlockingDriver {
 public:
  std::string_view name() const noexcept override { return "libpq"; }
  ParamStyle paramstyle() const noexcept override { return ParamStyle::kNumericDollar; }
  /// Connects as the file comment says. Throws ArgumentError for an unknown key or a bad value,
  /// OperationalError when the server cannot be reached or refuses.
  std::unique_ptr<DbapiConnection> connect(const URL& url, const ConnectOptions& options) override;
  /// connect() with every wait made through waiter; the connection keeps waiter.
  std::unique_ptr<DbapiConnection>
  connect_nonblocking(const URL& url, const ConnectOptions& options, IoWaiter& waiter) override;
};

}  // namespace crucible::postgresql
