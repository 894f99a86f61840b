// The "libpq" driver and its connections (libpq_driver.hpp).
#include "libpq_driver.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "crucible/errors.hpp"
#include "crucible/url.hpp"
#include "libpq_cursor.hpp"
#include "postgresql_errors.hpp"

namespace crucible::postgresql {

namespace {

constexpr int kDefaultPrepareThreshold = 5;  // psycopg 3's default

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// The first keyword of sql, upper case, after blanks and comments.
std::string first_keyword(std::string_view sql) {
  std::size_t i = 0;
  while (i < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[i])) != 0) {
      ++i;
    } else if (sql.substr(i, 2) == "--") {
      i = sql.find('\n', i);
      if (i == std::string_view::npos) return {};
    } else if (sql.substr(i, 2) == "/*") {
      i = sql.find("*/", i + 2);
      if (i == std::string_view::npos) return {};
      i += 2;
    } else {
      break;
    }
  }
  std::size_t end = i;
  while (end < sql.size() && std::isalpha(static_cast<unsigned char>(sql[end])) != 0) ++end;
  return upper(sql.substr(i, end - i));
}

bool controls_transaction(std::string_view sql) {
  static const std::set<std::string, std::less<>> kKeywords{"ABORT", "BEGIN",    "COMMIT",
                                                            "END",   "ROLLBACK", "START"};
  return kKeywords.contains(first_keyword(sql));
}

// ---- connect arguments ---------------------------------------------------------------------

struct ConnInfoDeleter {
  void operator()(PQconninfoOption* options) const noexcept { PQconninfoFree(options); }
};

// libpq's connection keywords (PQconndefaults), sorted.
std::set<std::string, std::less<>> libpq_keywords() {
  const std::unique_ptr<PQconninfoOption, ConnInfoDeleter> defaults(PQconndefaults());
  std::set<std::string, std::less<>> keywords;
  if (!defaults) throw std::bad_alloc();
  for (const PQconninfoOption* o = defaults.get(); o->keyword != nullptr; ++o) {
    keywords.emplace(o->keyword);
  }
  return keywords;
}

[[noreturn]] void unknown_key(std::string_view key, std::string_view where,
                              const std::set<std::string, std::less<>>& known) {
  std::string list = "prepare_threshold (the driver's own)";
  for (const auto& k : known) list += ", " + k;
  throw ArgumentError("the libpq driver does not know the connect argument '" + std::string(key) +
                      "' (from " + std::string(where) + "); libpq's keywords are: " + list);
}

int parse_threshold(std::string_view text) {
  int value = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0) {
    throw ArgumentError("the libpq connect argument 'prepare_threshold' wants a whole number >= 0, "
                        "found '" +
                        std::string(text) + "'");
  }
  return value;
}

// What connect() passes to PQconnectdbParams, and the driver's own settings.
struct ConnectPlan {
  std::map<std::string, std::string, std::less<>> keywords;
  int prepare_threshold{kDefaultPrepareThreshold};
};

ConnectPlan plan_connect(const URL& url, const ConnectOptions& options) {
  ConnectPlan plan;
  auto& kw = plan.keywords;
  if (!url.host().empty()) kw["host"] = url.host();
  if (url.port()) kw["port"] = std::to_string(*url.port());
  if (!url.username().empty()) kw["user"] = url.username();
  if (url.password()) kw["password"] = *url.password();
  if (!url.database().empty()) kw["dbname"] = url.database();

  if (!url.query().empty() || !options.args.empty()) {
    const auto known = libpq_keywords();
    std::map<std::string, std::string, std::less<>> from_query;
    for (const auto& [key, value] : url.query()) {
      if (key == "prepare_threshold") {
        plan.prepare_threshold = parse_threshold(value);
      } else if (!known.contains(key)) {
        unknown_key(key, "the URL query", known);
      } else if (const auto it = from_query.find(key); it == from_query.end()) {
        from_query.emplace(key, value);
      } else if (key == "host" || key == "hostaddr" || key == "port") {
        it->second += "," + value;  // ?host=a&host=b: libpq's multi-host list
      } else if (key == "options") {
        it->second += " " + value;  // several "-c name=value" settings
      } else {
        it->second = value;  // the last one wins, as URL::query_value
      }
    }
    for (auto& [key, value] : from_query) kw[key] = std::move(value);
    for (const auto& [key, value] : options.args) {
      if (key == "prepare_threshold") {
        plan.prepare_threshold = parse_threshold(value);
      } else if (!known.contains(key)) {
        unknown_key(key, "connect_args", known);
      } else {
        kw[key] = value;
      }
    }
  }
  if (const auto it = kw.find("client_encoding"); it != kw.end()) {
    const std::string encoding = upper(it->second);
    if (encoding != "UTF8" && encoding != "UTF-8" && encoding != "UNICODE") {
      throw ArgumentError("the libpq driver exchanges text as UTF-8; client_encoding '" +
                          it->second + "' is not accepted (leave it out, or give UTF8)");
    }
  }
  kw["client_encoding"] = "UTF8";
  kw.emplace("fallback_application_name", "crucible");
  return plan;
}

struct ConnCloser {
  void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};

// Session settings the value parsing relies on (see the file comment).
void prepare_session(PgIo& io) {
  PGconn* conn = io.conn();
  const char* date_style = PQparameterStatus(conn, "DateStyle");
  std::string settings;
  if (date_style == nullptr || std::string_view(date_style).rfind("ISO", 0) != 0) {
    settings += "SET DateStyle = 'ISO, MDY';";
  }
  if (PQserverVersion(conn) < 120000) settings += "SET extra_float_digits = 3;";
  if (settings.empty()) return;
  const PgResult result(io.exec(settings.c_str()));
  if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    throw_result_error(conn, result.get(), settings);
  }
}

// Notices (e.g. "table … does not exist, skipping") would go to stderr by default.
void ignore_notice(void* /*arg*/, const char* /*message*/) {}

}  // namespace

void ResultDeleter::operator()(pg_result* result) const noexcept { PQclear(result); }

// ---- ConnectionState ---------------------------------------------------------------------

ConnectionState::ConnectionState(pg_conn* conn, int prepare_threshold) noexcept
    : io_(conn), statements_(prepare_threshold) {}

ConnectionState::~ConnectionState() { close(); }

pg_conn* ConnectionState::conn() const {
  if (io_.conn() == nullptr) throw_closed_connection();
  return io_.conn();
}

PgIo& ConnectionState::io() {
  if (io_.conn() == nullptr) throw_closed_connection();
  return io_;
}

bool ConnectionState::in_transaction() const noexcept {
  if (io_.conn() == nullptr) return false;
  const PGTransactionStatusType status = PQtransactionStatus(io_.conn());
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

bool ConnectionState::needs_begin(std::string_view next) const noexcept {
  return !autocommit_ && !in_transaction() && !controls_transaction(next);
}

void ConnectionState::begin_if_needed(std::string_view next) {
  if (needs_begin(next)) run("BEGIN");
}

PgResult ConnectionState::run(std::string_view sql) {
  PGconn* c = conn();
  const std::string text(sql);
  PgResult result(io_.exec(text.c_str()));
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw_result_error(c, result.get(), sql);
  }
  return result;
}

void ConnectionState::close() noexcept {
  if (io_.conn() == nullptr) return;
  PQfinish(io_.conn());  // sends Terminate without waiting for anything, in either mode
  io_ = PgIo(nullptr);
  statements_.clear();
}

// ---- LibpqConnection ---------------------------------------------------------------------

LibpqConnection::LibpqConnection(pg_conn* conn, int prepare_threshold)
    : state_(std::make_shared<ConnectionState>(conn, prepare_threshold)) {}

LibpqConnection::~LibpqConnection() { close(); }

std::unique_ptr<Cursor> LibpqConnection::cursor() {
  state_->conn();  // throws when closed
  return std::make_unique<LibpqCursor>(state_);
}

void LibpqConnection::commit() {
  PGconn* c = state_->conn();
  const PGTransactionStatusType status = PQtransactionStatus(c);
  if (status == PQTRANS_IDLE) return;
  if (status == PQTRANS_UNKNOWN) throw_result_error(c, nullptr, "COMMIT");
  const PgResult result = state_->run("COMMIT");
  // In a failed transaction the server answers COMMIT by rolling back, tagged "ROLLBACK".
  if (std::string_view(PQcmdStatus(result.get())) == "ROLLBACK") {
    throw OperationalError(
        ErrorInfo{"25P02", 0,
                  "COMMIT did not commit: an earlier statement of the transaction failed, so "
                  "PostgreSQL rolled the whole transaction back",
                  "COMMIT"});
  }
}

void LibpqConnection::rollback() {
  PGconn* c = state_->conn();
  const PGTransactionStatusType status = PQtransactionStatus(c);
  if (status == PQTRANS_IDLE) return;
  if (status == PQTRANS_UNKNOWN) throw_result_error(c, nullptr, "ROLLBACK");
  state_->run("ROLLBACK");
}

void LibpqConnection::close() noexcept { state_->close(); }

bool LibpqConnection::ping() noexcept {
  if (!state_->is_open()) return false;
  try {
    if (PQstatus(state_->conn()) != CONNECTION_OK) return false;
    const PgResult result(state_->io().exec(""));
    return result && PQresultStatus(result.get()) == PGRES_EMPTY_QUERY;
  } catch (...) {  // the waiter gave up: no answer
    return false;
  }
}

void LibpqConnection::set_io_waiter(IoWaiter* waiter) noexcept {
  if (!state_->is_open()) return;
  try {
    state_->io().set_waiter(waiter);
  } catch (...) {  // libpq refused the mode (a query in progress): the connection keeps its own
  }
}

std::function<bool()> LibpqConnection::cancel_request() {
  if (!state_->is_open()) return {};
  std::shared_ptr<PGcancel> key(PQgetCancel(state_->conn()), PQfreeCancel);
  if (!key) return {};
  return [key] {
    char error[256];
    return PQcancel(key.get(), error, sizeof error) == 1;
  };
}

void LibpqConnection::set_autocommit(bool on) {
  state_->conn();
  state_->set_autocommit(on);
}

bool LibpqConnection::autocommit() const noexcept { return state_->autocommit(); }

void LibpqConnection::set_isolation_level(std::string_view level) {
  state_->conn();
  const std::string name = upper(level);
  static const std::set<std::string, std::less<>> kLevels{"SERIALIZABLE", "REPEATABLE READ",
                                                          "READ COMMITTED", "READ UNCOMMITTED"};
  if (!kLevels.contains(name)) {
    throw ArgumentError("PostgreSQL has no isolation level '" + std::string(level) +
                        "'; the libpq driver accepts SERIALIZABLE, REPEATABLE READ, READ "
                        "COMMITTED and READ UNCOMMITTED");
  }
  const std::string sql = "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL " + name;
  if (state_->in_transaction()) {
    throw_programming_error("cannot change the isolation level to " + name +
                                " while a transaction is open (the change would be undone by "
                                "its rollback); commit or roll back first",
                            sql);
  }
  state_->run(sql);
}

bool LibpqConnection::in_transaction() const noexcept { return state_->in_transaction(); }

std::string LibpqConnection::server_version() const {
  const char* version = PQparameterStatus(state_->conn(), "server_version");
  if (version == nullptr) return {};
  const std::string_view text(version);  // "15.18 (Debian 15.18-0+deb12u1)"
  return std::string(text.substr(0, text.find(' ')));
}

// ---- LibpqDriver -------------------------------------------------------------------------

namespace {

// The keywords and values of plan as PQconnectdbParams wants them (null-terminated arrays over
// plan's strings).
struct ConnectArrays {
  explicit ConnectArrays(const ConnectPlan& plan) {
    for (const auto& [key, value] : plan.keywords) {
      keys.push_back(key.c_str());
      values.push_back(value.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
  }
  std::vector<const char*> keys;
  std::vector<const char*> values;
};

[[noreturn]] void throw_connect_error(PGconn* conn, const URL& url) {
  ErrorInfo info = error_info(conn, nullptr, "");
  info.driver_message += " (connecting to " + url.render(/*hide_password=*/true) + ")";
  throw_error(std::move(info), /*connection_bad=*/true);
}

// connect_timeout in seconds as libpq reads it (libpq-connect.html: "zero, negative, or not
// specified means wait indefinitely"; values under 2 count as 2), or 0.
int connect_timeout_seconds(const ConnectPlan& plan) {
  const auto it = plan.keywords.find("connect_timeout");
  if (it == plan.keywords.end()) return 0;
  int seconds = 0;
  std::from_chars(it->second.data(), it->second.data() + it->second.size(), seconds);
  return seconds <= 0 ? 0 : std::max(seconds, 2);
}

// A connected PGconn made a LibpqConnection with the driver's session settings.
std::unique_ptr<DbapiConnection> finish_connect(std::unique_ptr<PGconn, ConnCloser> conn,
                                                const ConnectPlan& plan, IoWaiter* waiter) {
  PQsetNoticeProcessor(conn.get(), ignore_notice, nullptr);
  PgIo io(conn.get());
  io.set_waiter(waiter);
  prepare_session(io);
  auto connection = std::make_unique<LibpqConnection>(conn.release(), plan.prepare_threshold);
  connection->set_io_waiter(waiter);
  return connection;
}

}  // namespace

std::unique_ptr<DbapiConnection> LibpqDriver::connect(const URL& url,
                                                      const ConnectOptions& options) {
  const ConnectPlan plan = plan_connect(url, options);
  const ConnectArrays arrays(plan);
  std::unique_ptr<PGconn, ConnCloser> conn(
      PQconnectdbParams(arrays.keys.data(), arrays.values.data(), /*expand_dbname=*/0));
  if (!conn) throw std::bad_alloc();
  if (PQstatus(conn.get()) != CONNECTION_OK) throw_connect_error(conn.get(), url);
  return finish_connect(std::move(conn), plan, nullptr);
}

// libpq-connect.html, PQconnectStartParams: poll PQconnectPoll, waiting for the socket to be
// readable or writable as it says, until PGRES_POLLING_OK or _FAILED; the socket may change
// between calls (another host of a list).
std::unique_ptr<DbapiConnection>
LibpqDriver::connect_nonblocking(const URL& url, const ConnectOptions& options, IoWaiter& waiter) {
  const ConnectPlan plan = plan_connect(url, options);
  const ConnectArrays arrays(plan);
  std::unique_ptr<PGconn, ConnCloser> conn(
      PQconnectStartParams(arrays.keys.data(), arrays.values.data(), /*expand_dbname=*/0));
  if (!conn) throw std::bad_alloc();
  if (PQstatus(conn.get()) == CONNECTION_BAD) throw_connect_error(conn.get(), url);
  const int timeout_s = connect_timeout_seconds(plan);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  PostgresPollingStatusType polling = PGRES_POLLING_WRITING;
  while (polling != PGRES_POLLING_OK) {
    if (polling == PGRES_POLLING_FAILED) throw_connect_error(conn.get(), url);
    IoEvents events = polling == PGRES_POLLING_READING ? IoEvents::kRead : IoEvents::kWrite;
    int timeout_ms = -1;
    if (timeout_s > 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      timeout_ms = static_cast<int>(std::max<std::int64_t>(left.count(), 0));
      events = events | IoEvents::kTimeout;
    }
    if (waiter.wait(PQsocket(conn.get()), events, timeout_ms) == IoEvents::kTimeout)
      throw OperationalError(ErrorInfo{"08001", 0,
                                       "timeout expired after " + std::to_string(timeout_s) +
                                           " s (connect_timeout) (connecting to " +
                                           url.render(/*hide_password=*/true) + ")",
                                       ""});
    polling = PQconnectPoll(conn.get());
  }
  return finish_connect(std::move(conn), plan, &waiter);
}

}  // namespace crucible::postgresql
