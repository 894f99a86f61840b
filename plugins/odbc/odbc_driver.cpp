// The "odbc" driver and its connections (odbc_driver.hpp).
#include "odbc_driver.hpp"

#include <sqlext.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include "crucible/errors.hpp"
#include "crucible/url.hpp"
#include "odbc_connect_string.hpp"
#include "odbc_cursor.hpp"
#include "odbc_errors.hpp"

namespace crucible::odbc {

namespace {

std::string info_string(SQLHDBC dbc, SQLUSMALLINT type) {
  char buffer[256] = {};
  SQLSMALLINT length = 0;
  if (!SQL_SUCCEEDED(SQLGetInfo(dbc, type, buffer, sizeof buffer, &length))) return {};
  return buffer;
}

std::optional<SQLUINTEGER> info_integer(SQLHDBC dbc, SQLUSMALLINT type) {
  SQLUINTEGER value = 0;
  if (!SQL_SUCCEEDED(SQLGetInfo(dbc, type, &value, sizeof value, nullptr))) return std::nullopt;
  return value;
}

// The first column of the first row of sql as text, or nullopt when the query fails. Runs before
// autocommit is switched off, so it opens no transaction.
std::optional<std::string> scalar_text(SQLHDBC dbc, std::string_view sql) {
  SQLHSTMT stmt = nullptr;
  if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &stmt))) return std::nullopt;
  std::optional<std::string> out;
  std::string text(sql);
  char buffer[256] = {};
  SQLLEN indicator = 0;
  if (SQL_SUCCEEDED(SQLExecDirect(stmt, reinterpret_cast<SQLCHAR*>(text.data()),
                                  static_cast<SQLINTEGER>(text.size()))) &&
      SQL_SUCCEEDED(SQLFetch(stmt)) &&
      SQL_SUCCEEDED(SQLGetData(stmt, 1, SQL_C_CHAR, buffer, sizeof buffer, &indicator)) &&
      indicator >= 0) {
    out = std::string(buffer);
  }
  SQLFreeHandle(SQL_HANDLE_STMT, stmt);
  return out;
}

DriverTraits ask_traits(SQLHDBC dbc) {
  DriverTraits traits;
  traits.dbms_name = info_string(dbc, SQL_DBMS_NAME);
  traits.dbms_version = info_string(dbc, SQL_DBMS_VER);
  traits.driver_name = info_string(dbc, SQL_DRIVER_NAME);
  if (const auto counts = info_integer(dbc, SQL_PARAM_ARRAY_ROW_COUNTS)) {
    traits.param_arrays = *counts == SQL_PARC_BATCH || *counts == SQL_PARC_NO_BATCH;
    traits.batch_row_counts = *counts == SQL_PARC_BATCH;
  }
  if (const auto extensions = info_integer(dbc, SQL_GETDATA_EXTENSIONS)) {
    traits.getdata_any_column = (*extensions & SQL_GD_ANY_COLUMN) != 0;
  }
  // MariaDB Connector/ODBC reports "10.11.19" for SQL_DBMS_VER; the MySQL dialects tell MariaDB
  // from MySQL by the server's own string ("10.11.19-MariaDB-0+deb12u1"), which VERSION() gives.
  traits.typed_markers = traits.dbms_name == "PostgreSQL";
  if (traits.dbms_name.find("MariaDB") != std::string::npos ||
      traits.dbms_name.find("MySQL") != std::string::npos) {
    if (auto version = scalar_text(dbc, "SELECT VERSION()")) traits.dbms_version = *version;
    traits.time_parameter_type = SQL_VARCHAR;
    traits.last_insert_id_query = "SELECT LAST_INSERT_ID()";
  } else if (traits.dbms_name.find("SQLite") != std::string::npos) {
    traits.last_insert_id_query = "SELECT last_insert_rowid()";
    traits.native_codes = NativeCodes::kSqlite;
    traits.drops_returning_rows = true;
    // SQL_DBMS_VER is the SQLite that SQLite ODBC was built with; the library in use may differ.
    if (auto version = scalar_text(dbc, "SELECT sqlite_version()")) traits.dbms_version = *version;
  }
  return traits;
}

// "15.00.0018" (ODBC's ##.##.#### form, as psqlODBC pads it) -> "15.18"; any other text as it is.
std::string plain_version(const std::string& version) {
  const std::size_t first = version.find('.');
  const std::size_t second = version.find('.', first + 1);
  if (first == std::string::npos || second == std::string::npos ||
      version.find_first_not_of("0123456789.") != std::string::npos) {
    return version;
  }
  const auto number = [](std::string_view part) {
    const std::size_t nonzero = part.find_first_not_of('0');
    return nonzero == std::string_view::npos ? std::string("0") : std::string(part.substr(nonzero));
  };
  const std::string_view text(version);
  const std::string major = number(text.substr(0, first));
  const std::string minor = number(text.substr(first + 1, second - first - 1));
  const std::string patch = number(text.substr(second + 1));
  // PostgreSQL 10+ numbers are major.patch: the middle part is 0.
  if (minor == "0" && std::stoi(major) >= 10) return major + "." + patch;
  return major + "." + minor + "." + patch;
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

}  // namespace

// ---- Environment --------------------------------------------------------------------------

Environment::Environment() {
  if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env_))) {
    throw InterfaceError(ErrorInfo{"HY001", 0,
                                   "the ODBC driver manager could not allocate an environment "
                                   "handle (is unixODBC installed?)",
                                   ""});
  }
  const SQLRETURN rc =
      SQLSetEnvAttr(env_, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
  if (!SQL_SUCCEEDED(rc)) {
    ErrorInfo info = diagnostics(SQL_HANDLE_ENV, env_, rc, "");
    SQLFreeHandle(SQL_HANDLE_ENV, env_);
    throw InterfaceError(std::move(info));
  }
}

Environment::~Environment() {
  if (env_ != nullptr) SQLFreeHandle(SQL_HANDLE_ENV, env_);
}

// ---- ConnectionState ---------------------------------------------------------------------

ConnectionState::ConnectionState(std::shared_ptr<Environment> env, SQLHDBC dbc,
                                 DriverTraits traits) noexcept
    : env_(std::move(env)), dbc_(dbc), traits_(std::move(traits)) {}

ConnectionState::~ConnectionState() { close(); }

SQLHDBC ConnectionState::dbc() const {
  if (dbc_ == nullptr) throw_closed_connection();
  return dbc_;
}

void ConnectionState::set_autocommit(bool on) {
  SQLHDBC c = dbc();
  const SQLRETURN rc = SQLSetConnectAttr(
      c, SQL_ATTR_AUTOCOMMIT,
      reinterpret_cast<SQLPOINTER>(on ? SQL_AUTOCOMMIT_ON : SQL_AUTOCOMMIT_OFF), SQL_IS_UINTEGER);
  check(rc, SQL_HANDLE_DBC, c, "", c);
  autocommit_ = on;
  if (on) {
    in_transaction_ = false;  // switching on commits the open transaction
    statements_.free_retired();
  }
}

void ConnectionState::end_transaction(bool commit) {
  SQLHDBC c = dbc();
  if (!in_transaction_) return;
  const SQLRETURN rc = SQLEndTran(SQL_HANDLE_DBC, c, commit ? SQL_COMMIT : SQL_ROLLBACK);
  if (SQL_SUCCEEDED(rc)) statements_.free_retired();
  if (!SQL_SUCCEEDED(rc)) {
    ErrorInfo info = diagnostics(SQL_HANDLE_DBC, c, rc, commit ? "COMMIT" : "ROLLBACK");
    const bool dead = info.sqlstate.rfind("08", 0) == 0 || connection_dead(c);
    if (dead || !commit) in_transaction_ = false;
    throw_error(std::move(info), dead, traits_.native_codes);
  }
  in_transaction_ = false;
}

void ConnectionState::close() noexcept {
  if (dbc_ == nullptr) return;
  if (in_transaction_) SQLEndTran(SQL_HANDLE_DBC, dbc_, SQL_ROLLBACK);
  statements_.free_all();
  statements_.free_retired();
  SQLDisconnect(dbc_);
  SQLFreeHandle(SQL_HANDLE_DBC, dbc_);
  dbc_ = nullptr;
  in_transaction_ = false;
}

// ---- OdbcConnection ----------------------------------------------------------------------

OdbcConnection::OdbcConnection(std::shared_ptr<ConnectionState> state) noexcept
    : state_(std::move(state)) {}

OdbcConnection::~OdbcConnection() { close(); }

std::unique_ptr<Cursor> OdbcConnection::cursor() {
  state_->dbc();  // throws when closed
  return std::make_unique<OdbcCursor>(state_);
}

void OdbcConnection::commit() { state_->end_transaction(/*commit=*/true); }

void OdbcConnection::rollback() { state_->end_transaction(/*commit=*/false); }

void OdbcConnection::close() noexcept { state_->close(); }

bool OdbcConnection::ping() noexcept {
  if (!state_->is_open()) return false;
  SQLHDBC c = state_->dbc();
  if (connection_dead(c)) return false;
  SQLHSTMT stmt = nullptr;
  if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, c, &stmt))) return false;
  const bool opened = !state_->autocommit() && !state_->in_transaction();
  char sql[] = "SELECT 1";
  const bool ok = SQL_SUCCEEDED(SQLExecDirect(stmt, reinterpret_cast<SQLCHAR*>(sql), SQL_NTS));
  SQLFreeHandle(SQL_HANDLE_STMT, stmt);
  if (opened) SQLEndTran(SQL_HANDLE_DBC, c, SQL_ROLLBACK);
  return ok;
}

void OdbcConnection::set_autocommit(bool on) { state_->set_autocommit(on); }

bool OdbcConnection::autocommit() const noexcept { return state_->autocommit(); }

void OdbcConnection::set_isolation_level(std::string_view level) {
  SQLHDBC c = state_->dbc();
  const std::string name = upper(level);
  SQLUINTEGER value = 0;
  if (name == "SERIALIZABLE") {
    value = SQL_TXN_SERIALIZABLE;
  } else if (name == "REPEATABLE READ") {
    value = SQL_TXN_REPEATABLE_READ;
  } else if (name == "READ COMMITTED") {
    value = SQL_TXN_READ_COMMITTED;
  } else if (name == "READ UNCOMMITTED") {
    value = SQL_TXN_READ_UNCOMMITTED;
  } else {
    throw ArgumentError("the odbc driver knows no isolation level '" + std::string(level) +
                        "'; it accepts SERIALIZABLE, REPEATABLE READ, READ COMMITTED and READ "
                        "UNCOMMITTED (SQL_ATTR_TXN_ISOLATION)");
  }
  if (state_->in_transaction()) {
    throw_programming_error("cannot change the isolation level to " + name +
                                " while a transaction is open; commit or roll back first",
                            "", "25000");
  }
  const SQLRETURN rc = SQLSetConnectAttr(c, SQL_ATTR_TXN_ISOLATION,
                                         reinterpret_cast<SQLPOINTER>(value), SQL_IS_UINTEGER);
  check(rc, SQL_HANDLE_DBC, c, "", c);
}

bool OdbcConnection::in_transaction() const noexcept { return state_->in_transaction(); }

std::string OdbcConnection::server_version() const {
  state_->dbc();
  return plain_version(state_->traits().dbms_version);
}

// ---- OdbcDriver --------------------------------------------------------------------------

OdbcDriver::OdbcDriver() : env_(std::make_shared<Environment>()) {}

std::unique_ptr<DbapiConnection> OdbcDriver::connect(const URL& url,
                                                     const ConnectOptions& options) {
  const ConnectionString target = build_connection_string(url, options);
  SQLHDBC dbc = nullptr;
  const SQLRETURN allocated = SQLAllocHandle(SQL_HANDLE_DBC, env_->handle(), &dbc);
  if (!SQL_SUCCEEDED(allocated)) {
    throw_error(diagnostics(SQL_HANDLE_ENV, env_->handle(), allocated, ""));
  }
  struct Guard {
    SQLHDBC dbc;
    bool connected{false};
    ~Guard() {
      if (dbc == nullptr) return;
      if (connected) SQLDisconnect(dbc);
      SQLFreeHandle(SQL_HANDLE_DBC, dbc);
    }
  } guard{dbc};
  std::string text = target.text;
  SQLSMALLINT out_length = 0;
  const SQLRETURN rc = SQLDriverConnect(dbc, nullptr, reinterpret_cast<SQLCHAR*>(text.data()),
                                        static_cast<SQLSMALLINT>(text.size()), nullptr, 0,
                                        &out_length, SQL_DRIVER_NOPROMPT);
  if (!SQL_SUCCEEDED(rc)) {
    ErrorInfo info = diagnostics(SQL_HANDLE_DBC, dbc, rc, "");
    info.driver_message =
        target.redact(std::move(info.driver_message) + " (connecting to " + safe_render(url) + ")");
    // The driver manager could not find or load the ODBC driver (IM…, or unixODBC's 01000
    // "Can't open lib" alone): a setup problem of this side, not a refusal of the database.
    if (info.sqlstate.rfind("IM", 0) == 0 || info.sqlstate.rfind("01", 0) == 0) {
      throw InterfaceError(std::move(info));
    }
    throw OperationalError(std::move(info));
  }
  guard.connected = true;
  auto state = std::make_shared<ConnectionState>(env_, dbc, ask_traits(dbc));
  guard.dbc = nullptr;  // the state owns it now
  state->set_autocommit(false);
  return std::make_unique<OdbcConnection>(std::move(state));
}

}  // namespace crucible::odbc
