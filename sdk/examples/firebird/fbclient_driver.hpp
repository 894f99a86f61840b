#pragma once
// The "fbclient" driver: PEP 249 connections and cursors over Firebird 3's client library
// (libfbclient), through its ISC C API (isc_attach_database, isc_dsql_* with XSQLDA; Firebird
// 3.0 Developer's Guide / InterBase 6 API Guide, chapters "Working with Databases",
// "Working with Transactions", "Working with Dynamic SQL").
//
//   firebird+fbclient:////abs/path/app.fdb                 embedded: the file is opened in this
//                                                          process by the Engine12 provider
//   firebird+fbclient://user:pw@host:3050//abs/app.fdb     a server ("host/3050:/abs/app.fdb")
//   firebird+fbclient://host/employee                      a server-side alias
//
// The user defaults to SYSDBA (embedded mode checks no password). Connect arguments, in the
// URL's query or in connect_args:
//   create        true: create the database (UTF8, page size 8192) when its file does not exist;
//                 any other error opening it is reported as it is
//   charset       the connection character set (lc_ctype): UTF8 only, which the driver's text
//                 conversion assumes (another is an ArgumentError)
//   lock_timeout  a whole number of seconds a statement waits for a row another transaction
//                 locked (default 10; 0 = fail at once with a lock conflict)
// Values are always bound parameters (qmark). Transactions are PEP 249's implicit ones, started
// with a TPB per isolation level: READ COMMITTED (read_committed rec_version, the default),
// REPEATABLE READ / SNAPSHOT (concurrency), SERIALIZABLE (consistency), and AUTOCOMMIT
// (isc_tpb_autocommit). Errors are fbclient_errors.hpp's.
#include <memory>
#include <string_view>

#include "crucible/dbapi.hpp"

namespace crucible::firebird {

/// The driver (see the file comment). Stateless; thread-safe (the client library is).
class FbclientDriver final : public Driver {
 public:
  /// "fbclient", the URL's +driver.
  std::string_view name() const noexcept override { return "fbclient"; }
  /// qmark: Firebird's DSQL marks parameters with '?'.
  ParamStyle paramstyle() const noexcept override { return ParamStyle::kQmark; }
  /// Attaches to (or, with create=true, creates) the database of url. Throws ArgumentError for
  /// an unknown connect argument or a bad value, OperationalError (or another DBAPIError by its
  /// SQLSTATE) when Firebird refuses, never quoting the password.
  std::unique_ptr<DbapiConnection> connect(const URL& url, const ConnectOptions& options) override;
};

}  // namespace crucible::firebird
