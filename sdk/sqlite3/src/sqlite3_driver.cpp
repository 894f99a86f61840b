// The "sqlite3" driver and its connections (sqlite3_driver.hpp).
#include "crucible/sdk/sqlite3/sqlite3_driver.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "crucible/errors.hpp"
#include "crucible/sdk/sqlite3/sqlite3_cursor.hpp"
#include "crucible/sdk/sqlite3/sqlite3_errors.hpp"
#include "crucible/url.hpp"

namespace crucible::sqlite {

namespace {

// Keys connect() takes from the URL query or connect_args.
const std::set<std::string, std::less<>> kDriverKeys{"mode", "timeout", "uri"};
// URI parameters of https://sqlite.org/uri.html passed on from the URL query when uri=true.
const std::set<std::string, std::less<>> kUriKeys{"cache",  "immutable", "mode", "modeof",
                                                  "nolock", "psow",      "vfs"};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

[[noreturn]] void unknown_key(std::string_view driver, const std::vector<std::string>& extra,
                              std::string_view key, std::string_view where, bool uri) {
  std::string known = "mode, timeout, uri";
  for (const std::string& k : extra) known += ", " + k;
  std::string message = "the " + std::string(driver) +
                        " driver does not know the connect argument '" + std::string(key) +
                        "' (from " + std::string(where) + "); known: " + known;
  message += uri ? "; with uri=true the URL query may also hold cache, immutable, mode, modeof, "
                   "nolock, psow, vfs"
                 : "";
  throw ArgumentError(message);
}

bool parse_bool(std::string_view key, std::string_view text) {
  const std::string value = lower(text);
  if (value == "true" || value == "1" || value == "yes" || value == "on") return true;
  if (value == "false" || value == "0" || value == "no" || value == "off") return false;
  throw ArgumentError("the sqlite3 connect argument '" + std::string(key) +
                      "' wants true or false, found '" + std::string(text) + "'");
}

// Seconds (a non-negative number) to whole milliseconds for sqlite3_busy_timeout.
int parse_timeout_ms(std::string_view text) {
  double seconds = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(seconds) ||
      seconds < 0) {
    throw ArgumentError("the sqlite3 connect argument 'timeout' wants a number of seconds >= 0, "
                        "found '" +
                        std::string(text) + "'");
  }
  const double ms = std::round(seconds * 1000.0);
  return ms > static_cast<double>(INT_MAX) ? INT_MAX : static_cast<int>(ms);
}

int parse_mode(std::string_view text) {
  const std::string mode = lower(text);
  if (mode == "ro") return SQLITE_OPEN_READONLY;
  if (mode == "rw") return SQLITE_OPEN_READWRITE;
  if (mode == "rwc") return SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  throw ArgumentError("the sqlite3 connect argument 'mode' wants ro, rw or rwc, found '" +
                      std::string(text) + "'");
}

// Percent-encodes what may not appear raw in a URI query value (RFC 3986 §2.3 unreserved kept).
std::string uri_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~' || c == '/' ||
        c == ':') {
      out.push_back(ch);
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

// What connect() opens: the file name for sqlite3_open_v2, its flags and the busy timeout, and
// the driver's own arguments (Sqlite3Driver::extra_keys) for on_open.
struct OpenPlan {
  std::string filename;
  std::string mode_name{"rwc"};
  int flags{SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE};
  int timeout_ms{5000};
  ConnectArgs extra;
};

OpenPlan plan_open(const URL& url, const ConnectOptions& options, std::string_view driver,
                   const std::vector<std::string>& extra_keys) {
  const auto is_extra = [&](std::string_view key) {
    return std::find(extra_keys.begin(), extra_keys.end(), key) != extra_keys.end();
  };
  const auto unknown = [&](std::string_view key, std::string_view where, bool uri) {
    unknown_key(driver, extra_keys, key, where, uri);
  };
  // uri first: it decides what the URL query's other keys mean.
  bool uri = false;
  if (const auto it = options.args.find("uri"); it != options.args.end()) {
    uri = parse_bool("uri", it->second);
  } else if (const auto value = url.query_value("uri")) {
    uri = parse_bool("uri", *value);
  }
  ConnectArgs args;  // driver keys; connect_args win
  OpenPlan plan;
  std::string uri_params;
  for (const auto& [key, value] : url.query()) {
    if (key == "uri") continue;
    if (is_extra(key)) {
      plan.extra[key] = value;
    } else if (uri && kUriKeys.contains(key)) {
      uri_params += (uri_params.empty() ? "" : "&") + uri_encode(key) + "=" + uri_encode(value);
    } else if (kDriverKeys.contains(key)) {
      args[key] = value;
    } else {
      unknown(key, "the URL query", uri);
    }
  }
  for (const auto& [key, value] : options.args) {
    if (is_extra(key)) {
      plan.extra[key] = value;
      continue;
    }
    if (!kDriverKeys.contains(key)) unknown(key, "connect_args", uri);
    if (key != "uri") args[key] = value;
  }

  if (const auto it = args.find("timeout"); it != args.end()) {
    plan.timeout_ms = parse_timeout_ms(it->second);
  }
  if (const auto it = args.find("mode"); it != args.end()) {
    plan.flags = parse_mode(it->second);
    plan.mode_name = lower(it->second);
  }
  plan.flags |= SQLITE_OPEN_NOMUTEX;
  const std::string& database = url.database();
  if (uri) {
    plan.flags |= SQLITE_OPEN_URI;
    plan.filename = database;
    if (!uri_params.empty()) {
      plan.filename += (database.find('?') == std::string::npos ? "?" : "&") + uri_params;
    }
  } else {
    plan.filename = database.empty() ? ":memory:" : database;
  }
  return plan;
}

struct DbCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};

}  // namespace

// ---- ConnectionState ---------------------------------------------------------------------

ConnectionState::ConnectionState(sqlite3* db) noexcept : db_(db) {}

ConnectionState::~ConnectionState() { close(); }

sqlite3* ConnectionState::db() const {
  if (db_ == nullptr) throw_closed_database();
  return db_;
}

bool ConnectionState::in_transaction() const noexcept {
  return db_ != nullptr && (reader_ != nullptr || sqlite3_get_autocommit(db_) == 0);
}

void ConnectionState::begin_if_needed(const Statement& next) {
  if (autocommit_ || next.controls_transaction() || in_transaction()) return;
  run("BEGIN");
}

bool ConnectionState::may_defer_begin(const Statement& next) const noexcept {
  return !autocommit_ && next.is_read_only_query() && !in_transaction();
}

void ConnectionState::adopt_reader(const std::shared_ptr<Statement>& reader) noexcept {
  reader_ = reader;
  reader_released_ = false;
}

void ConnectionState::drop_reader() noexcept {
  const std::shared_ptr<Statement> reader = std::move(reader_);
  reader_.reset();
  if (std::exchange(reader_released_, false)) statements_.release(reader);
}

void ConnectionState::settle() {
  if (reader_ == nullptr) return;
  struct Drop {
    ConnectionState& state;
    ~Drop() { state.drop_reader(); }
  } drop{*this};
  // The reader is not reset yet, so its read transaction is open: BEGIN makes it the explicit
  // transaction's (a read's snapshot is kept until the transaction ends).
  run("BEGIN");
}

bool ConnectionState::end_reader() {
  if (reader_ == nullptr) return false;
  if (!reader_released_) {
    settle();
    return false;
  }
  drop_reader();  // the reset ends the read, and with it the transaction
  return true;
}

void ConnectionState::run(std::string_view sql) {
  const std::shared_ptr<Statement> statement = statements_.acquire(db(), sql);
  struct Release {
    StatementCache& cache;
    const std::shared_ptr<Statement>& statement;
    ~Release() { cache.release(statement); }
  } release{statements_, statement};
  if (statement->raw() == nullptr) return;
  int rc = SQLITE_ROW;
  while (rc == SQLITE_ROW) rc = sqlite3_step(statement->raw());
  // The exception is built (message copied) before Release resets the statement.
  if (rc != SQLITE_DONE) throw_result(db_, rc, sql);
}

void ConnectionState::close() noexcept {
  if (db_ == nullptr) return;
  drop_reader();
  statements_.finalize_all();
  sqlite3_close_v2(db_);
  db_ = nullptr;
}

// ---- Sqlite3Connection -------------------------------------------------------------------

Sqlite3Connection::Sqlite3Connection(sqlite3* db) : state_(std::make_shared<ConnectionState>(db)) {}

Sqlite3Connection::~Sqlite3Connection() { close(); }

std::unique_ptr<Cursor> Sqlite3Connection::cursor() {
  state_->db();  // throws when closed
  return std::make_unique<Sqlite3Cursor>(state_);
}

void Sqlite3Connection::commit() {
  state_->db();
  if (state_->end_reader()) return;
  if (state_->in_transaction()) state_->run("COMMIT");
}

void Sqlite3Connection::rollback() {
  state_->db();
  if (state_->end_reader()) return;
  if (state_->in_transaction()) state_->run("ROLLBACK");
}

void Sqlite3Connection::close() noexcept { state_->close(); }

bool Sqlite3Connection::ping() noexcept {
  if (!state_->is_open()) return false;
  return sqlite3_exec(state_->db(), "SELECT 1", nullptr, nullptr, nullptr) == SQLITE_OK;
}

void Sqlite3Connection::set_autocommit(bool on) {
  state_->db();
  state_->settle();  // an open transaction stays open, a BEGUN one
  state_->set_autocommit(on);
}

bool Sqlite3Connection::autocommit() const noexcept { return state_->autocommit(); }

void Sqlite3Connection::set_isolation_level(std::string_view level) {
  state_->db();
  state_->settle();
  const std::string name = upper(level);
  if (name == "SERIALIZABLE") {
    state_->run("PRAGMA read_uncommitted = 0");
  } else if (name == "READ UNCOMMITTED") {
    state_->run("PRAGMA read_uncommitted = 1");
  } else {
    throw ArgumentError("SQLite has no isolation level '" + std::string(level) +
                        "'; the sqlite3 driver accepts SERIALIZABLE and READ UNCOMMITTED");
  }
}

bool Sqlite3Connection::in_transaction() const noexcept { return state_->in_transaction(); }

std::string Sqlite3Connection::server_version() const { return sqlite3_libversion(); }

std::function<bool()> Sqlite3Connection::cancel_request() {
  sqlite3* db = nullptr;
  try {
    db = state_->db();
  } catch (const InterfaceError&) {  // closed: nothing runs
    return {};
  }
  sqlite3_interrupt(db);
  return [] { return true; };
}

// ---- Sqlite3Driver -----------------------------------------------------------------------

void Sqlite3Driver::on_open(sqlite3* /*db*/, const ConnectArgs& /*extra*/) const {}

std::unique_ptr<DbapiConnection> Sqlite3Driver::connect(const URL& url,
                                                        const ConnectOptions& options) {
  const OpenPlan plan = plan_open(url, options, name(), extra_keys());
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(plan.filename.c_str(), &raw, plan.flags, nullptr);
  std::unique_ptr<sqlite3, DbCloser> db(raw);
  if (rc != SQLITE_OK) {
    const int code = db ? sqlite3_extended_errcode(db.get()) : rc;
    const std::string message = db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc);
    throw_error(code,
                message + " (opening the database '" + plan.filename + "' with mode " +
                    plan.mode_name + ")",
                "");
  }
  sqlite3_extended_result_codes(db.get(), 1);
  on_open(db.get(), plan.extra);  // first: SQLCipher's key must precede any other use
  sqlite3_busy_timeout(db.get(), plan.timeout_ms);
  return std::make_unique<Sqlite3Connection>(db.release());
}

}  // namespace crucible::sqlite
