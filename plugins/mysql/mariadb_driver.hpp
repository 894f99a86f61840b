#pragma once
// The "mariadbconnector" driver: PEP 249 connections to MariaDB and MySQL through MariaDB
// Connector/C (https://mariadb.com/docs/connectors/mariadb-connector-c), shaped after MariaDB
// Connector/Python as SQLAlchemy's mysql+mariadbconnector dialect uses it
// (sqlalchemy/dialects/mysql/mariadbconnector.py).
//
//   connect(url, options): mysql_real_connect with host, port, user, password and database from
//   the URL (an empty host is "localhost", which Connector/C reaches through the default Unix
//   socket), CLIENT_FOUND_ROWS (rowcount counts the rows an UPDATE matched, not only those it
//   changed, as SQLAlchemy's mysql dialects expect), then these keys of the URL query or of
//   options.args (which win):
//     unix_socket       path of the server's Unix socket
//     connect_timeout   seconds (MYSQL_OPT_CONNECT_TIMEOUT)
//     read_timeout      seconds (MYSQL_OPT_READ_TIMEOUT)
//     write_timeout     seconds (MYSQL_OPT_WRITE_TIMEOUT)
//     ssl               "true" to require TLS (MYSQL_OPT_SSL_ENFORCE)
//     ssl_ca, ssl_capath, ssl_cert, ssl_key, ssl_cipher, ssl_crl, ssl_crlpath
//                       files for TLS (MYSQL_OPT_SSL_*)
//     ssl_verify_cert   "true" to verify the server's certificate
//     charset           only utf8mb4 (or utf8, taken as utf8mb4) is accepted
//   Any other key is an ArgumentError naming the known ones. The character set is always
//   utf8mb4 (MYSQL_SET_CHARSET_NAME), so Values' UTF-8 travels unchanged, 4-byte characters
//   included; LOAD DATA LOCAL INFILE is always off (MYSQL_OPT_LOCAL_INFILE 0); multi-statements
//   are off and the client never reconnects by itself. A refused connection is an
//   OperationalError whose message names the URL with its password hidden.
//
// Transactions follow PEP 249: a connection opens with the server's autocommit off
// (mysql_autocommit), so the server starts a transaction by itself at the first statement and
// commit()/rollback() end it; in_transaction() reads SERVER_STATUS_IN_TRANS from the status the
// server sent with its last reply. set_autocommit(true) switches the server's autocommit on,
// which (MySQL's rule) commits a transaction that is open.
//
// Threading: a connection and its cursors belong to one thread at a time (a MYSQL handle is
// not shared); the Driver itself is stateless and thread-safe (its constructor initializes
// Connector/C once per process).
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "crucible/dbapi.hpp"
#include "crucible/errors.hpp"
#include "crucible/url.hpp"
#include "mariadb_io.hpp"
#include "mariadb_statement.hpp"

namespace crucible::mysql {

/// What a connection and its cursors share: the MYSQL handle and the prepared statements.
/// Cursors hold it by shared_ptr, so a cursor that outlives its connection object sees a closed
/// connection instead of a dangling pointer.
class ConnectionState {
 public:
  explicit ConnectionState(MYSQL* conn) noexcept : io_(conn) {}
  ~ConnectionState();
  ConnectionState(const ConnectionState&) = delete;
  ConnectionState& operator=(const ConnectionState&) = delete;

  bool is_open() const noexcept { return io_.conn() != nullptr; }
  /// The handle; throws InterfaceError "connection already closed" when closed.
  MYSQL* conn() const;
  /// The handle's round trips (blocking, or through the async layer's waiter); throws as
  /// conn() does.
  MariadbIo& io();
  StatementCache& statements() noexcept { return statements_; }

  /// True while the server reports an open transaction (SERVER_STATUS_IN_TRANS).
  bool in_transaction() const noexcept;
  /// True while the server reports autocommit mode (SERVER_STATUS_AUTOCOMMIT).
  bool autocommit() const noexcept;
  /// Whether the server takes array binding (MariaDB 10.2+, not MySQL).
  bool supports_bulk() const noexcept;
  /// Bytes a bulk packet should hold: 1 MiB, or half the server's max_allowed_packet when that
  /// is less (asked once).
  std::size_t bulk_packet_limit();
  /// Runs one statement through the text protocol, no parameters, discarding any result.
  /// Throws the mapped error, also one a later result set reports (a CALL's).
  void run(std::string_view sql);
  /// After a text-protocol statement's first result: reads and frees the further ones (a CALL
  /// returns one per SELECT it runs, then its status). Throws the mapped error when one of them
  /// is an error (mysql_next_result > 0; MariaDB Connector/C "mysql_next_result").
  void discard_more_results(std::string_view sql);
  /// Throws the connection's last error (mysql_errno) for sql as the mapped DBAPIError, after
  /// on_error.
  [[noreturn]] void raise_error(std::string_view sql);
  /// Forgets the prepared statements after an error that lost the connection (2006, 2013).
  void on_error(const ErrorInfo& info) noexcept;
  /// Closes the connection (the server rolls back an open transaction). Idempotent.
  void close() noexcept;

 private:
  MariadbIo io_;  ///< holds the MYSQL handle (null once closed)
  StatementCache statements_;
  std::size_t bulk_limit_{0};
};

/// A connection of the mariadbconnector driver (see the file comment). Closed on destruction.
/// Its round trips can run without blocking (NonBlockingConnection: Connector/C's non-blocking
/// API, MariadbIo) when it was made by connect_nonblocking, and its running statement can be
/// stopped from another thread (CancellableConnection: KILL QUERY).
class MariadbConnection final : public DbapiConnection,
                                public NonBlockingConnection,
                                public CancellableConnection {
 public:
  explicit MariadbConnection(MYSQL* conn);
  ~MariadbConnection() override;

  std::unique_ptr<Cursor> cursor() override;
  /// COMMIT (mysql_commit). A no-op on the server when no transaction is open.
  void commit() override;
  /// ROLLBACK (mysql_rollback).
  void rollback() override;
  void close() noexcept override;
  /// mysql_ping: a round trip. False when closed or the server does not answer; never
  /// reconnects.
  bool ping() noexcept override;
  /// mysql_autocommit(on); turning it on commits an open transaction (see the file comment).
  void set_autocommit(bool on) override;
  /// The server's autocommit mode as its last reply reported it (SERVER_STATUS_AUTOCOMMIT), so
  /// a "SET autocommit = 1" run as SQL shows too; false when closed.
  bool autocommit() const noexcept override;
  /// SET SESSION TRANSACTION ISOLATION LEVEL level: the level of the transactions that start
  /// after it. Accepts SERIALIZABLE, REPEATABLE READ, READ COMMITTED, READ UNCOMMITTED
  /// (case-insensitive, blanks or underscores between words); ArgumentError otherwise.
  void set_isolation_level(std::string_view level) override;
  bool in_transaction() const noexcept override;
  /// mysql_get_server_info, e.g. "10.11.19-MariaDB-0+deb12u1" or "8.0.36".
  std::string server_version() const override;
  /// qmark: the driver's paramstyle.
  ParamStyle paramstyle() const noexcept override { return ParamStyle::kQmark; }
  /// Waits through waiter (null: blocks again). Only a connection from connect_nonblocking has
  /// what Connector/C's non-blocking calls need; on another one a waiter is ignored, and the
  /// connection keeps blocking.
  void set_io_waiter(IoWaiter* waiter) noexcept override;
  /// A request that connects anew with this connection's URL and connect_args and runs
  /// KILL QUERY with its thread id (https://mariadb.com/kb/en/kill/): the statement then fails
  /// with 1317 ER_QUERY_INTERRUPTED (a SLEEP() returns 1 instead). Empty when closed.
  std::function<bool()> cancel_request() override;

 private:
  std::shared_ptr<ConnectionState> state_;
  bool nonblocking_capable_{false};
  std::optional<URL> url_;  ///< what it connected with, for cancel_request's connection
  ConnectOptions options_;
  friend class MariadbDriver;
};

/// The "mariadbconnector" driver: paramstyle qmark (?). Connects blocking (mysql_real_connect)
/// or not (NonBlockingDriver: MYSQL_OPT_NONBLOCK and mysql_real_connect_start/_cont).
class MariadbDriver final : public Driver, public NonBlockingDriver {
 public:
  /// Initializes Connector/C once per process (mysql_library_init, which mysql_init would
  /// otherwise call unsynchronized from whichever thread connects first).
  MariadbDriver();
  std::string_view name() const noexcept override { return "mariadbconnector"; }
  ParamStyle paramstyle() const noexcept override { return ParamStyle::kQmark; }
  /// Connects as the file comment says. Throws ArgumentError for an unknown key or a bad value,
  /// OperationalError when the server cannot be reached or refuses.
  std::unique_ptr<DbapiConnection> connect(const URL& url, const ConnectOptions& options) override;
  /// connect() with every wait made through waiter; the connection keeps waiter.
  std::unique_ptr<DbapiConnection>
  connect_nonblocking(const URL& url, const ConnectOptions& options, IoWaiter& waiter) override;

 private:
  std::unique_ptr<DbapiConnection> connect_with(const URL& url, const ConnectOptions& options,
                                                IoWaiter* waiter);
};

}  // namespace crucible::mysql
