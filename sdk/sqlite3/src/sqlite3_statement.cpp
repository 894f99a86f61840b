// Prepared statements and the per-connection statement cache (sqlite3_statement.hpp).
#include "crucible/sdk/sqlite3/sqlite3_statement.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <utility>

#include "crucible/sdk/sqlite3/sqlite3_errors.hpp"
#include "sqlite3_compat.hpp"

namespace crucible::sqlite {

namespace {

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// The keyword starting at pos (letters only), upper-cased, and the position after it.
std::string next_keyword(std::string_view sql, std::size_t& pos) {
  pos = skip_blank(sql, pos, false);
  std::string word;
  while (pos < sql.size() && std::isalpha(static_cast<unsigned char>(sql[pos])) != 0) {
    word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(sql[pos]))));
    ++pos;
  }
  return word;
}

// The verb of a statement that starts WITH: the first of SELECT, INSERT, REPLACE, UPDATE,
// DELETE or VALUES outside the parentheses of the CTE bodies and column lists (a WITH clause
// may come before those only, lang_with.html), skipping quoted names, strings and comments.
std::string verb_after_with(std::string_view sql, std::size_t pos) {
  int depth = 0;
  while (pos < sql.size()) {
    pos = skip_blank(sql, pos, false);
    if (pos >= sql.size()) break;
    const char c = sql[pos];
    if (c == '\'' || c == '"' || c == '`' || c == '[') {
      const char close = c == '[' ? ']' : c;
      const std::size_t end = sql.find(close, pos + 1);
      pos = end == std::string_view::npos ? sql.size() : end + 1;  // '' doubles: two quotes
    } else if (c == '(') {
      ++depth, ++pos;
    } else if (c == ')') {
      --depth, ++pos;
    } else if (std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_') {
      std::size_t at = pos;
      std::string word = next_keyword(sql, at);
      while (at < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[at])) != 0 ||
                                 sql[at] == '_' || sql[at] == '$'))
        ++at;  // the rest of an identifier such as t1 or my_cte
      pos = at;
      if (depth == 0 && (word == "SELECT" || word == "INSERT" || word == "REPLACE" ||
                         word == "UPDATE" || word == "DELETE" || word == "VALUES"))
        return word;
    } else {
      ++pos;
    }
  }
  return {};
}

}  // namespace

std::size_t skip_blank(std::string_view sql, std::size_t pos, bool skip_semicolons) noexcept {
  while (pos < sql.size()) {
    const char c = sql[pos];
    if (is_space(c) || (skip_semicolons && c == ';')) {
      ++pos;
    } else if (c == '-' && pos + 1 < sql.size() && sql[pos + 1] == '-') {
      const std::size_t end = sql.find('\n', pos + 2);
      pos = end == std::string_view::npos ? sql.size() : end + 1;
    } else if (c == '/' && pos + 1 < sql.size() && sql[pos + 1] == '*') {
      const std::size_t end = sql.find("*/", pos + 2);
      pos = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      break;
    }
  }
  return pos;
}

Statement::Statement(sqlite3_stmt* raw, std::string sql) noexcept
    : raw_(raw), sql_(std::move(sql)) {
  // What the statement is, from its leading keyword (CPython's statement.c does the same),
  // or for WITH … from the verb after the common table expressions.
  std::size_t pos = 0;
  std::string first = next_keyword(sql_, pos);
  if (first == "WITH") first = verb_after_with(sql_, pos);
  is_insert_ = first == "INSERT" || first == "REPLACE";
  is_dml_ = is_insert_ || first == "UPDATE" || first == "DELETE";
  if (first == "BEGIN" || first == "COMMIT" || first == "END") {
    controls_transaction_ = true;
  } else if (first == "ROLLBACK") {
    // ROLLBACK [TRANSACTION] TO [SAVEPOINT] name works inside the transaction.
    std::string next = next_keyword(sql_, pos);
    if (next == "TRANSACTION") next = next_keyword(sql_, pos);
    controls_transaction_ = next != "TO";
  }
  is_read_only_query_ = (first == "SELECT" || first == "VALUES") && raw_ != nullptr &&
                        sqlite3_stmt_readonly(raw_) != 0;
}

Statement::~Statement() { finalize(); }

const std::shared_ptr<const ResultColumns>& Statement::result_columns() {
  const int reprepares = compat::reprepares(raw_);
  if (columns_ && compat::kCountsReprepares && reprepares == columns_reprepares_) return columns_;
  auto columns = std::make_shared<ResultColumns>();
  const int count = raw_ == nullptr ? 0 : sqlite3_column_count(raw_);
  columns->description.reserve(static_cast<std::size_t>(count));
  columns->types.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const char* name = sqlite3_column_name(raw_, i);
    const char* declared = sqlite3_column_decltype(raw_, i);
    const DeclaredType type = parse_declared_type(declared);
    ColumnDescription column{name == nullptr ? "" : name, declared == nullptr ? "" : declared,
                             std::nullopt, std::nullopt, std::nullopt};
    if (type.kind == DeclaredKind::kDecimal) {
      column.precision = type.precision;
      column.scale = type.scale;
    }
    columns->description.push_back(std::move(column));
    columns->types.push_back(type);
  }
  columns_ = std::move(columns);
  columns_reprepares_ = reprepares;
  return columns_;
}

void Statement::reset() noexcept {
  if (raw_ == nullptr) return;
  sqlite3_reset(raw_);
  sqlite3_clear_bindings(raw_);
}

void Statement::finalize() noexcept {
  if (raw_ == nullptr) return;
  sqlite3_finalize(raw_);
  raw_ = nullptr;
}

std::shared_ptr<Statement> prepare_statement(sqlite3* db, std::string_view sql, bool persistent) {
  if (sql.find('\0') != std::string_view::npos) {
    throw_programming_error(
        "the SQL contains a NUL character; SQLite would ignore everything after it", sql);
  }
  if (sql.size() > static_cast<std::size_t>(INT_MAX)) {
    throw_error(SQLITE_TOOBIG,
                "the SQL is " + std::to_string(sql.size()) + " bytes; SQLite takes at most " +
                    std::to_string(INT_MAX),
                sql.substr(0, 200));
  }
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int rc =
      compat::prepare(db, sql.data(), static_cast<int>(sql.size()), persistent, &raw, &tail);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(raw);
    throw_prepare_error(db, sql);
  }
  auto statement = std::make_shared<Statement>(raw, std::string(sql));
  const auto consumed = static_cast<std::size_t>(tail - sql.data());
  if (skip_blank(sql, consumed, true) < sql.size()) {
    throw_programming_error("You can only execute one statement at a time.", sql);
  }
  return statement;
}

StatementCache::StatementCache(std::size_t capacity) noexcept : capacity_(capacity) {}

StatementCache::~StatementCache() { finalize_all(); }

std::shared_ptr<Statement> StatementCache::acquire(sqlite3* db, std::string_view sql) {
  // The few most recently used first, without hashing the SQL: a connection mostly runs again
  // what it ran just now (BEGIN, one SELECT, ROLLBACK for a lookup by key).
  std::size_t looked = 0;
  for (auto it = lru_.begin(); it != lru_.end() && looked < kRecent; ++it, ++looked) {
    const std::shared_ptr<Statement>& recent = *it;
    if (recent->sql().size() != sql.size() || recent->sql() != sql) continue;
    if (recent->in_use()) break;  // the index finds it too: the path below prepares another
    if (it != lru_.begin()) lru_.splice(lru_.begin(), lru_, it);
    recent->set_in_use(true);
    return recent;
  }
  if (const auto found = index_.find(sql); found != index_.end()) {
    const std::shared_ptr<Statement>& cached = *found->second;
    if (!cached->in_use()) {
      lru_.splice(lru_.begin(), lru_, found->second);
      cached->set_in_use(true);
      return cached;
    }
    // Another cursor is stepping the cached one: this cursor gets its own.
    auto fresh = prepare_statement(db, sql, false);
    fresh->set_in_use(true);
    track_outside(fresh);
    return fresh;
  }
  auto statement = prepare_statement(db, sql, true);
  statement->set_in_use(true);
  if (capacity_ == 0) {
    track_outside(statement);
    return statement;
  }
  lru_.push_front(statement);
  index_.emplace(statement->sql(), lru_.begin());
  if (lru_.size() > capacity_) {
    const std::shared_ptr<Statement> victim = lru_.back();
    if (victim->in_use()) track_outside(victim);  // its cursor keeps it alive until release
    index_.erase(victim->sql());
    lru_.pop_back();
  }
  return statement;
}

void StatementCache::release(const std::shared_ptr<Statement>& statement) noexcept {
  if (!statement) return;
  statement->reset();
  statement->set_in_use(false);
}

void StatementCache::finalize_all() noexcept {
  for (const auto& statement : lru_) statement->finalize();
  for (const auto& weak : outside_) {
    if (const auto statement = weak.lock()) statement->finalize();
  }
  index_.clear();
  lru_.clear();
  outside_.clear();
}

void StatementCache::track_outside(const std::shared_ptr<Statement>& statement) {
  // Forget statements whose cursors are gone before the list grows further.
  if (outside_.size() >= 16) {
    std::erase_if(outside_, [](const std::weak_ptr<Statement>& w) { return w.expired(); });
  }
  outside_.push_back(statement);
}

}  // namespace crucible::sqlite
