#pragma once
// The "odbc" driver: PEP 249 connections through an ODBC driver manager (unixODBC;
// ODBC 3.8 reference), under any dialect, after SQLAlchemy's pyodbc connector
// (connectors/pyodbc.py). The dialect keeps compiling SQL; the driver changes only the
// paramstyle (qmark) and the wire.
//
//   connect(url, options): SQLDriverConnect with the connection string of
//   odbc_connect_string.hpp (?driver=NAME, a DSN as the host, or ?odbc_connect=…; other query
//   keys and options.args become KEY=value attributes). A refused connection is an
//   OperationalError naming the URL with its password hidden; the password is also cut out of
//   the driver's own message, should a driver echo the connection string.
//
// Transactions follow PEP 249: a connection opens with SQL_ATTR_AUTOCOMMIT off, so the ODBC
// driver begins a transaction with the first statement (ODBC reference, "Manual-Commit Mode"),
// and commit()/rollback() end it with SQLEndTran. The driver tracks in_transaction(): true from
// the first statement after connect, commit() or rollback() until the next commit() or
// rollback(). set_autocommit(true) sets SQL_ATTR_AUTOCOMMIT, which commits an open transaction
// (ODBC reference, SQLSetConnectAttr). Isolation levels go through SQL_ATTR_TXN_ISOLATION.
//
// server_version() is SQLGetInfo SQL_DBMS_VER as the driver reports it, with psqlODBC's
// zero-padded "15.00.0018" given as PostgreSQL prints it ("15.18"). MariaDB Connector/ODBC
// answers a bare "10.11.19", so for MariaDB and MySQL servers the driver asks SELECT VERSION()
// once at connect for the server's own string ("10.11.19-MariaDB-0+deb12u1"), by which the
// MySQL dialects tell MariaDB from MySQL.
//
// Threading: a connection and its cursors belong to one thread at a time; the Driver (and its
// ODBC environment handle, which unixODBC protects itself) is shared and thread-safe.
#include <memory>
#include <string>
#include <string_view>

#include <sql.h>

#include "crucible/dbapi.hpp"
#include "odbc_errors.hpp"
#include "odbc_statement.hpp"

namespace crucible::odbc {

/// The ODBC environment (SQLHENV, ODBC 3 behaviour), shared by a driver's connections.
class Environment {
 public:
  /// Allocates the environment. Throws InterfaceError when the driver manager cannot.
  Environment();
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;
  SQLHENV handle() const noexcept { return env_; }

 private:
  SQLHENV env_{nullptr};
};

/// What the ODBC driver behind a connection can do, asked once at connect (SQLGetInfo).
struct DriverTraits {
  std::string dbms_name;           ///< SQL_DBMS_NAME ("PostgreSQL", "MariaDB", "SQLite")
  std::string dbms_version;        ///< SQL_DBMS_VER as reported
  std::string driver_name;         ///< SQL_DRIVER_NAME ("psqlodbcw.so")
  bool param_arrays{false};        ///< arrays of parameters (SQL_PARAM_ARRAY_ROW_COUNTS known)
  bool batch_row_counts{false};    ///< a row count per parameter set (SQL_PARC_BATCH)
  bool getdata_any_column{false};  ///< SQL_GD_ANY_COLUMN
  /// The SQL type of time parameters (ParamBuffers::set_time_type): SQL_VARCHAR for MariaDB
  /// and MySQL, whose ODBC driver refuses fractional seconds for SQL_TYPE_TIME.
  SQLSMALLINT time_parameter_type{SQL_TYPE_TIME};
  /// The query that answers the row id of the connection's last INSERT, "" when the database
  /// has none the driver knows: SELECT LAST_INSERT_ID() for MariaDB and MySQL (as SQLAlchemy's
  /// mysql+pyodbc asks), SELECT last_insert_rowid() for SQLite.
  std::string last_insert_id_query;
  /// Write PostgreSQL casts after the markers by the values' kinds (odbc_markers.hpp): psqlODBC
  /// sends parameters untyped.
  bool typed_markers{false};
  /// The ODBC driver runs INSERT/UPDATE/DELETE … RETURNING but hands back no rows (SQLite ODBC
  /// treats every statement not starting with SELECT as one without a result set): such a
  /// statement is refused before it runs rather than losing its rows.
  bool drops_returning_rows{false};
  /// What the driver's native error codes mean (SQLite ODBC: SQLite's result codes).
  NativeCodes native_codes{NativeCodes::kStandard};
};

/// What a connection and its cursors share: the handle, the statement cache and the
/// transaction state. Cursors hold it by shared_ptr, so a cursor outliving its connection object
/// sees a closed connection instead of a dangling handle.
class ConnectionState {
 public:
  ConnectionState(std::shared_ptr<Environment> env, SQLHDBC dbc, DriverTraits traits) noexcept;
  ~ConnectionState();
  ConnectionState(const ConnectionState&) = delete;
  ConnectionState& operator=(const ConnectionState&) = delete;

  bool is_open() const noexcept { return dbc_ != nullptr; }
  /// The handle; throws InterfaceError "connection already closed" when closed.
  SQLHDBC dbc() const;
  StatementCache& statements() noexcept { return statements_; }
  const DriverTraits& traits() const noexcept { return traits_; }

  bool autocommit() const noexcept { return autocommit_; }
  void set_autocommit(bool on);
  bool in_transaction() const noexcept { return in_transaction_; }
  /// Records that a statement runs now: out of autocommit mode the ODBC driver has a
  /// transaction open from here on.
  void statement_runs() noexcept {
    if (!autocommit_) in_transaction_ = true;
  }
  /// SQLEndTran with SQL_COMMIT or SQL_ROLLBACK when a transaction is open.
  void end_transaction(bool commit);
  /// Frees the statements, rolls back, disconnects and frees the handle. Idempotent.
  void close() noexcept;

 private:
  std::shared_ptr<Environment> env_;
  SQLHDBC dbc_;
  DriverTraits traits_;
  bool autocommit_{false};
  bool in_transaction_{false};
  StatementCache statements_;
};

/// A connection of the odbc driver (see the file comment). Closed on destruction.
class OdbcConnection final : public DbapiConnection {
 public:
  explicit OdbcConnection(std::shared_ptr<ConnectionState> state) noexcept;
  ~OdbcConnection() override;

  std::unique_ptr<Cursor> cursor() override;
  /// SQLEndTran(SQL_COMMIT) when a transaction is open, else nothing.
  void commit() override;
  /// SQLEndTran(SQL_ROLLBACK) when a transaction is open, else nothing.
  void rollback() override;
  void close() noexcept override;
  /// False when closed or SQL_ATTR_CONNECTION_DEAD says so; else a round trip ("SELECT 1"),
  /// rolled back when it was the only statement of the transaction it opened.
  bool ping() noexcept override;
  void set_autocommit(bool on) override;
  bool autocommit() const noexcept override;
  /// SQL_ATTR_TXN_ISOLATION = SQL_TXN_SERIALIZABLE, SQL_TXN_REPEATABLE_READ,
  /// SQL_TXN_READ_COMMITTED or SQL_TXN_READ_UNCOMMITTED for the names SERIALIZABLE, REPEATABLE
  /// READ, READ COMMITTED, READ UNCOMMITTED (case-insensitive; ArgumentError otherwise).
  /// ProgrammingError (25000) while a transaction is open; the driver's error (HYC00) for a
  /// level the database does not offer.
  void set_isolation_level(std::string_view level) override;
  bool in_transaction() const noexcept override;
  std::string server_version() const override;
  /// qmark: ODBC's only parameter marker.
  ParamStyle paramstyle() const noexcept override { return ParamStyle::kQmark; }

 private:
  std::shared_ptr<ConnectionState> state_;
};

/// The "odbc" driver: paramstyle qmark (?), ODBC's parameter marker.
class OdbcDriver final : public Driver {
 public:
  OdbcDriver();
  std::string_view name() const noexcept override { return "odbc"; }
  ParamStyle paramstyle() const noexcept override { return ParamStyle::kQmark; }
  /// Connects as the file comment says. Throws ArgumentError for a URL that names no ODBC
  /// driver or DSN, OperationalError (or the class of the driver's SQLSTATE) when the driver
  /// manager or the database refuses.
  std::unique_ptr<DbapiConnection> connect(const URL& url, const ConnectOptions& options) override;

 private:
  std::shared_ptr<Environment> env_;
};

}  // namespace crucible::odbc
