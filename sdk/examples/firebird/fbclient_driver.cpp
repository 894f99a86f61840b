// The "fbclient" driver and its connections (fbclient_driver.hpp, fbclient_connection.hpp).
#include "fbclient_driver.hpp"

#include <ibase.h>
#include <iberror.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "crucible/errors.hpp"
#include "crucible/url.hpp"
#include "fbclient_connection.hpp"
#include "fbclient_cursor.hpp"
#include "fbclient_errors.hpp"
#include "firebird_sql_text.hpp"

namespace crucible::firebird {

namespace {

// A parameter buffer (DPB/TPB) item with a one-byte length, as isc_attach_database reads them
// ("InterBase 6 API Guide", "Creating and initializing a DPB").
void add_string(std::vector<char>& buffer, char tag, std::string_view value) {
  if (value.size() > 255)
    throw ArgumentError("a Firebird connect parameter is longer than 255 bytes (" +
                        std::to_string(value.size()) + ")");
  buffer.push_back(tag);
  buffer.push_back(static_cast<char>(value.size()));
  buffer.insert(buffer.end(), value.begin(), value.end());
}

bool truthy(const std::string& key, const std::string& value) {
  const std::string v = upper(value);
  if (v == "TRUE" || v == "1" || v == "YES" || v == "ON") return true;
  if (v == "FALSE" || v == "0" || v == "NO" || v == "OFF") return false;
  throw ArgumentError("the fbclient connect argument '" + key + "' wants true or false, found '" +
                      value + "'");
}

// The connection string isc_attach_database takes: a bare path for the embedded engine,
// host[/port]:path for a server (Firebird 3.0 Quick Start, "Connection strings").
std::string connection_string(const URL& url) {
  if (url.database().empty())
    throw ArgumentError("a firebird URL names the database file or alias after the host: "
                        "firebird:////abs/path/app.fdb (embedded) or "
                        "firebird://host:3050//abs/path/app.fdb, found none in " +
                        url.render());
  if (url.host().empty()) return url.database();
  std::string out = url.host();
  if (url.port()) out += "/" + std::to_string(*url.port());
  return out + ":" + url.database();
}

// The isolation levels a TPB can say, upper case (Firebird 3.0 Language Reference 10.1.1).
bool known_isolation(const std::string& level) {
  return level == "READ COMMITTED" || level == "REPEATABLE READ" || level == "SNAPSHOT" ||
         level == "SERIALIZABLE";
}

// Whether a failed attach says the database file does not exist: ENOENT (isc_arg_unix) or
// ERROR_FILE_NOT_FOUND / ERROR_PATH_NOT_FOUND (isc_arg_win32) among the status vector's
// arguments (a server reports the open() error of its own host this way).
bool file_not_found(const ISC_STATUS* status) {
  for (std::size_t i = 1; i < ISC_STATUS_LENGTH && status[i] != isc_arg_end;) {
    const ISC_STATUS type = status[i];
    if (type == isc_arg_unix && status[i + 1] == ENOENT) return true;
    if (type == isc_arg_win32 && (status[i + 1] == 2 || status[i + 1] == 3)) return true;
    i += type == isc_arg_cstring ? 3 : 2;
  }
  return false;
}

}  // namespace

// ---- driver -------------------------------------------------------------------------------------

std::unique_ptr<DbapiConnection> FbclientDriver::connect(const URL& url,
                                                         const ConnectOptions& options) {
  std::map<std::string, std::string, std::less<>> args;
  for (const auto& [key, value] : url.query()) args[key] = value;
  for (const auto& [key, value] : options.args) args[key] = value;
  bool create = false;
  std::string charset = "UTF8";
  TransactionOptions tx;
  for (const auto& [key, value] : args) {
    if (key == "create") {
      create = truthy(key, value);
    } else if (key == "charset") {
      // The cursor reads and writes text as UTF-8 (crucible's strings): another connection
      // character set would give garbled text.
      if (upper(value) != "UTF8")
        throw ArgumentError("the fbclient connect argument 'charset' wants UTF8 (the driver "
                            "converts text as UTF-8), found '" +
                            value + "'");
      charset = "UTF8";
    } else if (key == "lock_timeout") {
      // A whole number of seconds: "10s" or "1.5" are refused, not read as 10 or 1.
      int seconds = -1;
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (error != std::errc{} || end != value.data() + value.size()) seconds = -1;
      tx.lock_timeout = seconds;
      if (tx.lock_timeout < 0)
        throw ArgumentError("the fbclient connect argument 'lock_timeout' wants a number of "
                            "seconds (0 or more), found '" +
                            value + "'");
    } else {
      throw ArgumentError("the fbclient driver has no connect argument '" + key +
                          "' (it takes create, charset and lock_timeout)");
    }
  }
  const std::string target = connection_string(url);
  const std::string user = url.username().empty() ? "SYSDBA" : url.username();

  std::vector<char> dpb{isc_dpb_version1};
  add_string(dpb, isc_dpb_user_name, user);
  if (url.password()) add_string(dpb, isc_dpb_password, *url.password());
  add_string(dpb, isc_dpb_lc_ctype, charset);
  dpb.push_back(isc_dpb_utf8_filename);  // the path is UTF-8, as every crucible string
  dpb.push_back(0);

  ISC_STATUS_ARRAY status{};
  isc_db_handle db = 0;
  isc_attach_database(status, 0, target.c_str(), &db, static_cast<short>(dpb.size()), dpb.data());
  // Create only a database file that does not exist: any other I/O error (a directory, no
  // permission, a full disk) is reported as it is. For the embedded engine the file is on this
  // host and checked here; a server reports its open() error in the status vector.
  std::error_code unknown;
  const bool missing = url.host().empty() ? !std::filesystem::exists(target, unknown) && !unknown
                                          : file_not_found(status);
  if (status[0] == 1 && status[1] == isc_io_error && create && missing) {
    // CREATE DATABASE through DSQL: the only way the ISC API offers (isc_create_database is a
    // stub). The statement holds the password, so it is never reported as the failed SQL.
    std::string sql = "CREATE DATABASE '";
    for (const char c : target) sql += c == '\'' ? std::string("''") : std::string(1, c);
    sql += "' USER '";
    for (const char c : user) sql += c == '\'' ? std::string("''") : std::string(1, c);
    sql += "'";
    if (url.password()) {
      sql += " PASSWORD '";
      for (const char c : *url.password()) sql += c == '\'' ? std::string("''") : std::string(1, c);
      sql += "'";
    }
    sql += " PAGE_SIZE 8192 DEFAULT CHARACTER SET UTF8";
    isc_tr_handle none = 0;
    ISC_STATUS_ARRAY create_status{};
    isc_dsql_execute_immediate(create_status, &db, &none, 0, sql.c_str(), SQL_DIALECT_V6, nullptr);
    check(create_status, "CREATE DATABASE (create=true)");
    ISC_STATUS_ARRAY detach{};
    isc_detach_database(detach, &db);  // reattach with the connection's own DPB (lc_ctype)
    db = 0;
    isc_attach_database(status, 0, target.c_str(), &db, static_cast<short>(dpb.size()), dpb.data());
  }
  check(status);
  return std::make_unique<FbclientConnection>(db, tx);
}

// ---- attachment ---------------------------------------------------------------------------------

Attachment::Attachment(isc_db_handle db, TransactionOptions options) noexcept
    : db_(db), options_(std::move(options)) {}

Attachment::~Attachment() { close(); }

isc_db_handle* Attachment::db() {
  if (db_ == 0) throw InterfaceError(error_info("the Firebird connection is closed"));
  return &db_;
}

isc_tr_handle* Attachment::transaction() {
  db();
  if (tr_ != 0) return &tr_;
  // TPB (Firebird 3.0 Language Reference 10.1.1 "SET TRANSACTION", and ibase.h's isc_tpb_*).
  std::vector<char> tpb{isc_tpb_version3, isc_tpb_write};
  if (options_.isolation == "READ COMMITTED") {
    tpb.push_back(isc_tpb_read_committed);
    tpb.push_back(isc_tpb_rec_version);
  } else if (options_.isolation == "SERIALIZABLE") {
    tpb.push_back(isc_tpb_consistency);
  } else {
    tpb.push_back(isc_tpb_concurrency);  // REPEATABLE READ, SNAPSHOT
  }
  if (options_.lock_timeout == 0) {
    tpb.push_back(isc_tpb_nowait);
  } else {
    tpb.push_back(isc_tpb_wait);
    tpb.push_back(isc_tpb_lock_timeout);
    tpb.push_back(4);
    for (int i = 0; i < 4; ++i)
      tpb.push_back(
          static_cast<char>((static_cast<unsigned>(options_.lock_timeout) >> (8 * i)) & 0xff));
  }
  if (options_.autocommit) tpb.push_back(isc_tpb_autocommit);
  ISC_STATUS_ARRAY status{};
  isc_start_transaction(status, &tr_, 1, &db_, static_cast<unsigned short>(tpb.size()), tpb.data());
  check(status);
  return &tr_;
}

void Attachment::end_transaction(bool commit) {
  if (tr_ == 0) return;
  ISC_STATUS_ARRAY status{};
  if (commit)
    isc_commit_transaction(status, &tr_);
  else
    isc_rollback_transaction(status, &tr_);
  if (status[0] == 1 && status[1] != 0) {
    // A transaction whose attachment is gone cannot be ended; forget it so that close() and the
    // pool do not try again.
    if (is_disconnect_code(status[1])) tr_ = 0;
    throw_status(status, commit ? "COMMIT" : "ROLLBACK");
  }
  tr_ = 0;
}

void Attachment::close() noexcept {
  if (db_ == 0) return;
  ISC_STATUS_ARRAY status{};
  if (tr_ != 0) {
    isc_rollback_transaction(status, &tr_);
    if (!(status[0] == 1 && status[1] != 0)) tr_ = 0;
  }
  ISC_STATUS_ARRAY detach{};
  isc_detach_database(detach, &db_);
  if (detach[0] == 1 && detach[1] == isc_open_trans) {
    // The rollback above failed and left the transaction open: Firebird refuses to detach
    // with it (Developer's Guide, isc_detach_database). Roll it back again, then detach.
    if (tr_ != 0) {
      ISC_STATUS_ARRAY again{};
      isc_rollback_transaction(again, &tr_);
    }
    ISC_STATUS_ARRAY retry{};
    isc_detach_database(retry, &db_);
  }
  tr_ = 0;
  db_ = 0;
}

// ---- connection ---------------------------------------------------------------------------------

FbclientConnection::FbclientConnection(isc_db_handle db, TransactionOptions options)
    : state_(std::make_shared<Attachment>(db, std::move(options))) {}

FbclientConnection::~FbclientConnection() { close(); }

std::unique_ptr<Cursor> FbclientConnection::cursor() {
  state_->db();
  return std::make_unique<FbclientCursor>(state_);
}

void FbclientConnection::commit() {
  state_->db();
  state_->end_transaction(true);
}

void FbclientConnection::rollback() {
  state_->db();
  state_->end_transaction(false);
}

void FbclientConnection::close() noexcept { state_->close(); }

bool FbclientConnection::ping() noexcept {
  if (state_->closed()) return false;
  const char items[] = {isc_info_attachment_id, isc_info_end};
  char buffer[32] = {};
  ISC_STATUS_ARRAY status{};
  isc_database_info(status, state_->db(), sizeof(items), items, sizeof(buffer), buffer);
  return !(status[0] == 1 && status[1] != 0);
}

void FbclientConnection::set_autocommit(bool on) {
  state_->db();
  if (on == state_->options().autocommit) return;
  state_->end_transaction(on);  // switching on commits what was done so far, as PEP 249 does
  state_->options().autocommit = on;
}

void FbclientConnection::set_isolation_level(std::string_view level) {
  const std::string wanted = upper(level);
  if (!known_isolation(wanted))
    throw ArgumentError("the fbclient driver knows the isolation levels READ COMMITTED, "
                        "REPEATABLE READ, SNAPSHOT and SERIALIZABLE, found '" +
                        std::string(level) + "'");
  state_->options().isolation = wanted;
}

std::string FbclientConnection::server_version() const {
  if (state_->closed()) return "";
  const char items[] = {isc_info_firebird_version, isc_info_end};
  char buffer[256] = {};
  ISC_STATUS_ARRAY status{};
  isc_database_info(status, state_->db(), sizeof(items), items, sizeof(buffer), buffer);
  check(status);
  // isc_info_firebird_version, length(2), count(1), then count strings of length(1) + text,
  // the first like "LI-V3.0.11.33637 Firebird 3.0".
  if (static_cast<unsigned char>(buffer[0]) != isc_info_firebird_version) return "";
  const auto len = static_cast<unsigned char>(buffer[4]);
  const std::string text(buffer + 5, std::min<std::size_t>(len, sizeof(buffer) - 5));
  const auto v = text.find("-V");
  if (v == std::string::npos) return text;
  std::string version;
  int dots = 0;
  for (std::size_t i = v + 2; i < text.size(); ++i) {
    if (text[i] == '.' && ++dots == 3) break;
    if (!std::isdigit(static_cast<unsigned char>(text[i])) && text[i] != '.') break;
    version += text[i];
  }
  return version;
}

}  // namespace crucible::firebird
