// The "mariadbconnector" driver and its connections (mariadb_driver.hpp).
#include "mariadb_driver.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "crucible/errors.hpp"
#include "crucible/url.hpp"
#include "mariadb_cursor.hpp"
#include "mariadb_errors.hpp"

namespace crucible::mysql {

namespace {

// Bytes of one bulk packet: Connector/C builds the packet in one buffer grown by doubling, so
// chunks of about 1 MiB cost one round trip each and no large copies or page faults, where one
// packet of many megabytes spent more time in realloc than on the wire (measured with
// bench/mysql_bench.cpp). Smaller when the server's max_allowed_packet is.
constexpr std::size_t kBulkChunk = 1u << 20;

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// ---- connect arguments ---------------------------------------------------------------------

constexpr std::string_view kKnownKeys =
    "unix_socket, connect_timeout, read_timeout, write_timeout, ssl, ssl_ca, ssl_capath, "
    "ssl_cert, ssl_key, ssl_cipher, ssl_crl, ssl_crlpath, ssl_verify_cert, charset";

// The MYSQL_OPT_SSL_* file options by key.
const std::map<std::string, mysql_option, std::less<>>& ssl_file_options() {
  static const std::map<std::string, mysql_option, std::less<>> kOptions{
      {"ssl_ca", MYSQL_OPT_SSL_CA},          {"ssl_capath", MYSQL_OPT_SSL_CAPATH},
      {"ssl_cert", MYSQL_OPT_SSL_CERT},      {"ssl_key", MYSQL_OPT_SSL_KEY},
      {"ssl_cipher", MYSQL_OPT_SSL_CIPHER},  {"ssl_crl", MYSQL_OPT_SSL_CRL},
      {"ssl_crlpath", MYSQL_OPT_SSL_CRLPATH}};
  return kOptions;
}

// The most each of a KILL QUERY connection's connect, read and write may take (cancel_request).
constexpr unsigned int kKillerTimeoutSeconds = 5;

unsigned int parse_seconds(std::string_view key, std::string_view text) {
  unsigned int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    throw ArgumentError("the mariadbconnector connect argument '" + std::string(key) +
                        "' wants a whole number of seconds >= 0, found '" + std::string(text) +
                        "'");
  }
  return value;
}

bool parse_flag(std::string_view key, std::string_view text) {
  const std::string v = upper(text);
  if (v == "1" || v == "TRUE" || v == "YES" || v == "ON") return true;
  if (v == "0" || v == "FALSE" || v == "NO" || v == "OFF") return false;
  throw ArgumentError("the mariadbconnector connect argument '" + std::string(key) +
                      "' wants true or false, found '" + std::string(text) + "'");
}

struct HandleCloser {
  void operator()(MYSQL* conn) const noexcept { mysql_close(conn); }
};
using Handle = std::unique_ptr<MYSQL, HandleCloser>;

void set_option(MYSQL* conn, mysql_option option, const void* value, std::string_view key) {
  if (mysql_optionsv(conn, option, value) != 0) {
    throw ArgumentError("MariaDB Connector/C refused the connect argument '" + std::string(key) +
                        "': " + mysql_error(conn));
  }
}

// Applies one connect argument to conn; unix_socket is returned through socket.
void apply_key(MYSQL* conn, const std::string& key, const std::string& value,
               std::string_view where, std::string& socket) {
  if (key == "unix_socket") {
    socket = value;
  } else if (key == "connect_timeout") {
    const unsigned int s = parse_seconds(key, value);
    set_option(conn, MYSQL_OPT_CONNECT_TIMEOUT, &s, key);
  } else if (key == "read_timeout") {
    const unsigned int s = parse_seconds(key, value);
    set_option(conn, MYSQL_OPT_READ_TIMEOUT, &s, key);
  } else if (key == "write_timeout") {
    const unsigned int s = parse_seconds(key, value);
    set_option(conn, MYSQL_OPT_WRITE_TIMEOUT, &s, key);
  } else if (key == "ssl") {
    const my_bool on = parse_flag(key, value) ? 1 : 0;
    set_option(conn, MYSQL_OPT_SSL_ENFORCE, &on, key);
  } else if (key == "ssl_verify_cert") {
    const my_bool on = parse_flag(key, value) ? 1 : 0;
    set_option(conn, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on, key);
  } else if (const auto it = ssl_file_options().find(key); it != ssl_file_options().end()) {
    set_option(conn, it->second, value.c_str(), key);
  } else if (key == "charset") {
    const std::string cs = upper(value);
    if (cs != "UTF8MB4" && cs != "UTF8" && cs != "UTF8MB3") {
      throw ArgumentError("the mariadbconnector driver always talks utf8mb4 (crucible's strings "
                          "are UTF-8); charset '" +
                          value + "' is not accepted (leave it out, or give utf8mb4)");
    }
  } else {
    throw ArgumentError("the mariadbconnector driver does not know the connect argument '" + key +
                        "' (from " + std::string(where) +
                        "); the known ones are: " + std::string(kKnownKeys));
  }
}

}  // namespace

// ---- ConnectionState ---------------------------------------------------------------------

ConnectionState::~ConnectionState() { close(); }

MYSQL* ConnectionState::conn() const {
  if (io_.conn() == nullptr) throw_closed_connection();
  return io_.conn();
}

MariadbIo& ConnectionState::io() {
  if (io_.conn() == nullptr) throw_closed_connection();
  return io_;
}

bool ConnectionState::in_transaction() const noexcept {
  const MYSQL* c = io_.conn();
  return c != nullptr && (c->server_status & SERVER_STATUS_IN_TRANS) != 0;
}

bool ConnectionState::autocommit() const noexcept {
  const MYSQL* c = io_.conn();
  return c != nullptr && (c->server_status & SERVER_STATUS_AUTOCOMMIT) != 0;
}

bool ConnectionState::supports_bulk() const noexcept {
  MYSQL* c = io_.conn();
  if (c == nullptr) return false;
  unsigned long long extended = 0;  // MariaDB's capabilities beyond the 32 MySQL has
  if (mariadb_get_infov(c, MARIADB_CONNECTION_EXTENDED_SERVER_CAPABILITIES, &extended) != 0) {
    return false;
  }
  return (c->server_capabilities & CLIENT_MYSQL) == 0 &&
         (extended & (MARIADB_CLIENT_STMT_BULK_OPERATIONS >> 32)) != 0;
}

std::size_t ConnectionState::bulk_packet_limit() {
  if (bulk_limit_ != 0) return bulk_limit_;
  bulk_limit_ = kBulkChunk;
  MYSQL* c = conn();
  static constexpr std::string_view kSql = "SELECT @@max_allowed_packet";
  if (io_.real_query(kSql) != 0) throw_connection_error(c, kSql);
  if (MYSQL_RES* result = io_.store_result()) {
    if (MYSQL_ROW row = mysql_fetch_row(result); row != nullptr && row[0] != nullptr) {
      std::size_t bytes = 0;
      const std::string_view text(row[0]);
      std::from_chars(text.data(), text.data() + text.size(), bytes);
      if (bytes > 2 * 1024) bulk_limit_ = std::min(kBulkChunk, bytes / 2);
    }
    mysql_free_result(result);
  }
  return bulk_limit_;
}

void ConnectionState::run(std::string_view sql) {
  MYSQL* c = conn();
  if (io_.real_query(sql) != 0) raise_error(sql);
  if (MYSQL_RES* result = io_.store_result()) {
    mysql_free_result(result);
  } else if (mysql_field_count(c) != 0) {  // it has rows, but they could not be read
    raise_error(sql);
  }
  discard_more_results(sql);
}

void ConnectionState::discard_more_results(std::string_view sql) {
  MYSQL* c = conn();
  while (mysql_more_results(c)) {
    const int status = io_.next_result();  // 0: another result; -1: none; > 0: an error
    if (status < 0) break;
    if (status > 0) raise_error(sql);
    if (MYSQL_RES* result = io_.store_result()) {
      mysql_free_result(result);
    } else if (mysql_field_count(c) != 0) {
      raise_error(sql);
    }
  }
}

void ConnectionState::raise_error(std::string_view sql) {
  ErrorInfo info = connection_error(conn(), sql);
  on_error(info);
  throw_error(std::move(info));
}

void ConnectionState::on_error(const ErrorInfo& info) noexcept {
  if (info.driver_code == code::kServerGone || info.driver_code == code::kServerLost) {
    statements_.clear();
  }
}

void ConnectionState::close() noexcept {
  if (io_.conn() == nullptr) return;
  statements_
      .clear();  // COM_STMT_CLOSE for those no cursor holds; mysql_close invalidates the rest
  io_.close();
  io_ = MariadbIo(nullptr);
}

// ---- MariadbConnection -------------------------------------------------------------------

MariadbConnection::MariadbConnection(MYSQL* conn)
    : state_(std::make_shared<ConnectionState>(conn)) {}

MariadbConnection::~MariadbConnection() { close(); }

std::unique_ptr<Cursor> MariadbConnection::cursor() {
  state_->conn();  // throws when closed
  return std::make_unique<MariadbCursor>(state_);
}

void MariadbConnection::commit() {
  MYSQL* c = state_->conn();
  if (state_->io().commit() != 0) throw_connection_error(c, "COMMIT");
}

void MariadbConnection::rollback() {
  MYSQL* c = state_->conn();
  if (state_->io().rollback() != 0) throw_connection_error(c, "ROLLBACK");
}

void MariadbConnection::close() noexcept { state_->close(); }

bool MariadbConnection::ping() noexcept {
  if (!state_->is_open()) return false;
  try {
    return state_->io().ping() == 0;
  } catch (...) {
    return false;
  }
}

void MariadbConnection::set_autocommit(bool on) {
  MYSQL* c = state_->conn();
  if (state_->io().autocommit(on) != 0) {
    throw_connection_error(c, on ? "SET autocommit=1" : "SET autocommit=0");
  }
}

bool MariadbConnection::autocommit() const noexcept { return state_->autocommit(); }

void MariadbConnection::set_isolation_level(std::string_view level) {
  state_->conn();
  std::string name = upper(level);
  std::replace(name.begin(), name.end(), '_', ' ');
  static constexpr std::string_view kLevels[] = {"SERIALIZABLE", "REPEATABLE READ",
                                                 "READ COMMITTED", "READ UNCOMMITTED"};
  if (std::find(std::begin(kLevels), std::end(kLevels), name) == std::end(kLevels)) {
    throw ArgumentError("MySQL and MariaDB have no isolation level '" + std::string(level) +
                        "'; the mariadbconnector driver accepts SERIALIZABLE, REPEATABLE READ, "
                        "READ COMMITTED and READ UNCOMMITTED");
  }
  state_->run("SET SESSION TRANSACTION ISOLATION LEVEL " + name);
}

bool MariadbConnection::in_transaction() const noexcept { return state_->in_transaction(); }

std::function<bool()> MariadbConnection::cancel_request() {
  if (!state_->is_open() || !url_) return {};
  const unsigned long thread_id = mysql_thread_id(state_->conn());
  // The killer's connection has timeouts of its own (at most kKillerTimeoutSeconds, less when the
  // URL or connect_args give less): an unreachable server must not hold the caller's cancel
  // thread, and a late KILL is of no use.
  ConnectOptions bounded = options_;
  for (const char* key : {"connect_timeout", "read_timeout", "write_timeout"}) {
    unsigned int seconds = kKillerTimeoutSeconds;
    auto given = bounded.args.find(key);
    std::optional<std::string> text;
    for (const auto& [k, v] : url_->query())  // applied in order: the last one counts
      if (k == key) text = v;
    if (given != bounded.args.end()) text = given->second;  // applied after the URL's
    if (text) {
      const unsigned int parsed = parse_seconds(key, *text);  // valid: this connection used it
      if (parsed != 0) seconds = std::min(seconds, parsed);   // 0: the library's default
    }
    bounded.args[key] = std::to_string(seconds);
  }
  return [url = *url_, options = std::move(bounded), thread_id] {
    try {
      MariadbDriver driver;
      const std::unique_ptr<DbapiConnection> killer = driver.connect(url, options);
      killer->cursor()->execute("KILL QUERY " + std::to_string(thread_id), {});
      return true;
    } catch (...) {  // unreachable, refused, or the query had ended and the thread gone
      return false;
    }
  };
}

void MariadbConnection::set_io_waiter(IoWaiter* waiter) noexcept {
  if (!nonblocking_capable_ || !state_->is_open()) return;
  state_->io().set_waiter(waiter);
}

std::string MariadbConnection::server_version() const {
  const char* info = mysql_get_server_info(state_->conn());
  return info == nullptr ? std::string() : std::string(info);
}

// ---- MariadbDriver -----------------------------------------------------------------------

MariadbDriver::MariadbDriver() {
  static const int initialized = mysql_library_init(0, nullptr, nullptr);  // once, thread-safe
  static_cast<void>(initialized);
}

std::unique_ptr<DbapiConnection> MariadbDriver::connect(const URL& url,
                                                        const ConnectOptions& options) {
  return connect_with(url, options, nullptr);
}

std::unique_ptr<DbapiConnection> MariadbDriver::connect_nonblocking(const URL& url,
                                                                    const ConnectOptions& options,
                                                                    IoWaiter& waiter) {
  return connect_with(url, options, &waiter);
}

std::unique_ptr<DbapiConnection>
MariadbDriver::connect_with(const URL& url, const ConnectOptions& options, IoWaiter* waiter) {
  Handle conn(mysql_init(nullptr));
  if (!conn) throw std::bad_alloc();
  if (waiter != nullptr && !MariadbIo::enable_nonblocking(conn.get()))
    throw OperationalError(ErrorInfo{"HY000", 0,
                                     "MariaDB Connector/C refused MYSQL_OPT_NONBLOCK: " +
                                         std::string(mysql_error(conn.get())),
                                     ""});
  MariadbIo io(conn.get());
  io.set_waiter(waiter);
  std::string socket;
  for (const auto& [key, value] : url.query())
    apply_key(conn.get(), key, value, "the URL query", socket);
  for (const auto& [key, value] : options.args)
    apply_key(conn.get(), key, value, "connect_args", socket);
  set_option(conn.get(), MYSQL_SET_CHARSET_NAME, "utf8mb4", "charset");
  const unsigned int no_local_infile = 0;
  set_option(conn.get(), MYSQL_OPT_LOCAL_INFILE, &no_local_infile, "local_infile");

  const std::string host = url.host().empty() ? "localhost" : url.host();
  const std::optional<std::string>& password = url.password();
  if (io.real_connect(host.c_str(), url.username().empty() ? nullptr : url.username().c_str(),
                      password ? password->c_str() : nullptr,
                      url.database().empty() ? nullptr : url.database().c_str(),
                      url.port().value_or(0), socket.empty() ? nullptr : socket.c_str(),
                      CLIENT_FOUND_ROWS) == nullptr) {
    ErrorInfo info = connection_error(conn.get(), "");
    info.driver_message += " (connecting to " + url.render(/*hide_password=*/true) + ")";
    if (info.driver_code < 2000) {
      // A refusal by the server (access denied, unknown database) is still a failure to connect.
      throw OperationalError(std::move(info));
    }
    throw_error(std::move(info));
  }
  if (io.autocommit(false) != 0) throw_connection_error(conn.get(), "SET autocommit=0");
  auto connection = std::make_unique<MariadbConnection>(conn.release());
  connection->url_ = url;
  connection->options_ = options;
  connection->nonblocking_capable_ = waiter != nullptr;
  connection->set_io_waiter(waiter);
  return connection;
}

}  // namespace crucible::mysql
