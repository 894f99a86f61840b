// Prepared statements of a MariaDB connection and their cache (mariadb_statement.hpp).
#include "mariadb_statement.hpp"

#include <cctype>
#include <utility>

#include "mariadb_errors.hpp"

namespace crucible::mysql {

namespace {
constexpr unsigned int kNewMetadata = 2057;  // CR_NEW_STMT_METADATA
}  // namespace

// ---- PreparedStatement -------------------------------------------------------------------

PreparedStatement::PreparedStatement(MariadbIo& io, std::string_view sql) : io_(&io), sql_(sql) {
  stmt_ = mysql_stmt_init(io.conn());
  if (stmt_ == nullptr) throw_connection_error(io.conn(), sql);
  int rc = 0;
  try {
    rc = io.stmt_prepare(stmt_, sql_);
  } catch (...) {  // the wait gave up
    io.stmt_close(stmt_);
    stmt_ = nullptr;
    throw;
  }
  if (rc != 0) {
    ErrorInfo info = statement_error(stmt_, sql);
    io.stmt_close(stmt_);
    stmt_ = nullptr;
    throw_error(std::move(info));
  }
  param_count_ = mysql_stmt_param_count(stmt_);
}

PreparedStatement::~PreparedStatement() {
  if (stmt_ != nullptr) io_->stmt_close(stmt_);
}

void PreparedStatement::check(int rc) {
  if (rc != 0) throw_statement_error(stmt_, sql_);
}

namespace {

// Whether sql only reads, so that running it a second time changes nothing.
bool reads_only(std::string_view sql) noexcept {
  std::size_t i = 0;
  while (i < sql.size() &&
         (std::isspace(static_cast<unsigned char>(sql[i])) != 0 || sql[i] == '(')) {
    ++i;
  }
  std::size_t end = i;
  while (end < sql.size() && std::isalpha(static_cast<unsigned char>(sql[end])) != 0) ++end;
  std::string word(sql.substr(i, end - i));
  for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return word == "SELECT" || word == "WITH" || word == "SHOW" || word == "VALUES" ||
         word == "TABLE" || word == "DESC" || word == "DESCRIBE" || word == "EXPLAIN";
}

}  // namespace

template <class Params>
void PreparedStatement::run(Params params) {
  for (int attempt = 0;; ++attempt) {
    if (param_count_ > 0) {
      params_.bind(params, sql_);
      check(mysql_stmt_bind_param(stmt_, params_.data()));
    }
    if (io_->stmt_execute(stmt_) == 0) return;
    if (mysql_stmt_errno(stmt_) != kNewMetadata) throw_statement_error(stmt_, sql_);
    // A table the statement reads changed its columns since the statement was prepared: the
    // server ran it, but its rows no longer fit the buffers bound for them. Discard them, prepare
    // afresh on the same handle, and run a reading statement again.
    ErrorInfo info = statement_error(stmt_, sql_);
    io_->stmt_reset(stmt_);
    check(io_->stmt_prepare(stmt_, sql_));
    param_count_ = mysql_stmt_param_count(stmt_);
    shapes_.clear();
    if (attempt > 0 || !reads_only(sql_)) {
      info.driver_message += " (the statement ran, but the table it returns rows from changed "
                             "its columns since it was prepared; it is prepared afresh now)";
      throw_error(std::move(info));
    }
  }
}

void PreparedStatement::execute(std::span<const Value> params) { run(params); }

void PreparedStatement::execute(std::span<const Value* const> params) { run(params); }

void PreparedStatement::execute_bulk(const ParamSets& sets, std::size_t first, std::size_t count) {
  bulk_.bind(sets, first, count, sql_);
  auto size = static_cast<unsigned int>(count);
  check(mysql_stmt_attr_set(stmt_, STMT_ATTR_ARRAY_SIZE, &size));
  struct SingleAgain {  // the cached statement's next execute() binds one set again
    MYSQL_STMT* stmt;
    ~SingleAgain() {
      unsigned int none = 0;
      mysql_stmt_attr_set(stmt, STMT_ATTR_ARRAY_SIZE, &none);
    }
  } single_again{stmt_};
  check(mysql_stmt_bind_param(stmt_, bulk_.data()));
  check(io_->stmt_execute(stmt_));
}

bool PreparedStatement::FieldShape::operator==(const MYSQL_FIELD& f) const noexcept {
  return type == f.type && flags == f.flags && charsetnr == f.charsetnr && length == f.length &&
         decimals == f.decimals;
}

void PreparedStatement::describe() {
  const unsigned int count = mysql_stmt_field_count(stmt_);
  const MYSQL_FIELD* fields = mariadb_stmt_fetch_fields(stmt_);
  // The description is remade only when the metadata changed (the server re-prepared the
  // statement after its tables changed): a repeated execution allocates nothing for it.
  bool same = fields != nullptr && shapes_.size() == count;
  for (unsigned int i = 0; same && i < count; ++i) same = shapes_[i] == fields[i];
  if (!same) {
    description_.clear();
    description_.reserve(count);
    shapes_.clear();
    for (unsigned int i = 0; i < count; ++i) {
      description_.push_back(describe_field(fields[i]));
      shapes_.push_back({fields[i].type, fields[i].flags, fields[i].charsetnr, fields[i].length,
                         fields[i].decimals});
    }
  }
  results_.setup(stmt_, fields, count);
}

bool PreparedStatement::store_result() {
  if (mysql_stmt_field_count(stmt_) == 0) {
    description_.clear();
    shapes_.clear();
    return false;
  }
  if (io_->stmt_store_result(stmt_) != 0) fail_reading();
  describe();
  return true;
}

// Connector/C (3.3, mariadb_stmt.c) leaves a statement whose mysql_stmt_store_result failed in
// MYSQL_STMT_WAITING_USE_OR_STORE while the connection is already idle (the error packet ended
// the response). mysql_stmt_free_result then takes it for an unbuffered result being read
// (MYSQL_STMT_USER_FETCHING), and the next mysql_stmt_execute first waits for the rest of those
// rows, which the server never sends: the client hangs. MariaDB reports a constraint violation
// of INSERT … RETURNING only there (the statement executes, the error comes in place of the
// rows), so a cached INSERT … RETURNING run again after one failed would hang.
// mysql_stmt_reset puts the handle back to MYSQL_STMT_PREPARED (COM_STMT_RESET, one round trip on
// this error path only); the error is read before, as the reset clears it.
void PreparedStatement::fail_reading() {
  ErrorInfo info = statement_error(stmt_, sql_);
  io_->stmt_reset(stmt_);  // a lost connection fails it too; the error thrown is the first
  throw_error(std::move(info));
}

bool PreparedStatement::fetch(std::vector<Value>& row) {
  results_.rebind_grown(stmt_, sql_);
  const int rc = mysql_stmt_fetch(stmt_);
  if (rc == MYSQL_NO_DATA) return false;
  if (rc != 0 && rc != MYSQL_DATA_TRUNCATED) throw_statement_error(stmt_, sql_);
  results_.read_row(stmt_, row, sql_);
  return true;
}

void PreparedStatement::end_results() {
  io_->stmt_free_result(stmt_);
  while (mysql_stmt_more_results(stmt_)) {
    const int status = io_->stmt_next_result(stmt_);  // 0: another; -1: none; > 0: an error
    if (status < 0) break;
    if (status > 0) throw_statement_error(stmt_, sql_);
    io_->stmt_free_result(stmt_);
  }
}

void PreparedStatement::free_result() noexcept {
  try {
    io_->stmt_free_result(stmt_);
    while (mysql_stmt_more_results(stmt_)) {  // a CALL's further results, then its status
      if (io_->stmt_next_result(stmt_) != 0) break;
      io_->stmt_free_result(stmt_);
    }
  } catch (...) {  // the async layer's wait gave up: the connection is dropped with the rest
  }
}

std::int64_t PreparedStatement::num_rows() const noexcept {
  return static_cast<std::int64_t>(mysql_stmt_num_rows(stmt_));
}

std::int64_t PreparedStatement::affected_rows() const noexcept {
  const my_ulonglong n = mysql_stmt_affected_rows(stmt_);
  return n == static_cast<my_ulonglong>(-1) ? -1 : static_cast<std::int64_t>(n);
}

std::int64_t PreparedStatement::insert_id() const noexcept {
  return static_cast<std::int64_t>(mysql_stmt_insert_id(stmt_));
}

// ---- StatementCache ----------------------------------------------------------------------

std::shared_ptr<PreparedStatement> StatementCache::acquire(MariadbIo& io, std::string_view sql) {
  std::string key(sql);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    std::shared_ptr<PreparedStatement>& cached = it->second.statement;
    if (!cached->in_use) {
      cached->in_use = true;
      return cached;
    }
    auto own = std::make_shared<PreparedStatement>(io, sql);  // not cached: closed after use
    own->in_use = true;
    return own;
  }
  auto statement = std::make_shared<PreparedStatement>(io, sql);
  statement->in_use = true;
  if (entries_.size() >= kMaxEntries) {
    entries_.erase(lru_.back());  // closed now, or when the cursor holding it lets go
    lru_.pop_back();
  }
  lru_.push_front(key);
  entries_.emplace(std::move(key), Entry{statement, lru_.begin()});
  return statement;
}

void StatementCache::release(PreparedStatement& statement) noexcept {
  if (!statement.in_use) return;
  statement.free_result();
  statement.in_use = false;
}

void StatementCache::clear() noexcept {
  entries_.clear();
  lru_.clear();
}

}  // namespace crucible::mysql
