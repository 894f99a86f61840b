// Prepared statements of one ODBC connection (odbc_statement.hpp).
#include "odbc_statement.hpp"

#include <sqlext.h>

#include <cctype>

#include "odbc_errors.hpp"

namespace crucible::odbc {

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
  std::string word(sql.substr(i, end - i));
  for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return word;
}

bool changes_schema(std::string_view sql) {
  const std::string word = first_keyword(sql);
  return word == "CREATE" || word == "ALTER" || word == "DROP" || word == "RENAME" ||
         word == "TRUNCATE";
}

std::optional<std::size_t> Statement::parameter_count() noexcept {
  if (!parameter_count_) {
    SQLSMALLINT count = 0;
    if (SQL_SUCCEEDED(SQLNumParams(handle_, &count)) && count >= 0) {
      parameter_count_.emplace(static_cast<std::size_t>(count));
    } else {
      parameter_count_.emplace(std::nullopt);
    }
  }
  return *parameter_count_;
}

SQLSMALLINT Statement::parameter_type(std::size_t i) noexcept {
  if (parameter_types_.size() <= i) parameter_types_.resize(i + 1, 0);
  if (parameter_types_[i] == 0) {
    SQLSMALLINT type = SQL_VARCHAR;
    SQLULEN size = 0;
    SQLSMALLINT digits = 0;
    SQLSMALLINT nullable = 0;
    if (!SQL_SUCCEEDED(SQLDescribeParam(handle_, static_cast<SQLUSMALLINT>(i + 1), &type, &size,
                                        &digits, &nullable)) ||
        type == SQL_UNKNOWN_TYPE) {
      type = SQL_VARCHAR;
    }
    parameter_types_[i] = type;
  }
  return parameter_types_[i];
}

SQLSMALLINT Statement::result_columns() noexcept {
  SQLSMALLINT columns = 0;
  if (!SQL_SUCCEEDED(SQLNumResultCols(handle_, &columns))) return 0;
  return columns;
}

void Statement::reset() noexcept {
  SQLFreeStmt(handle_, SQL_CLOSE);
  SQLFreeStmt(handle_, SQL_UNBIND);
  SQLFreeStmt(handle_, SQL_RESET_PARAMS);
}

void Statement::free() noexcept {
  if (handle_ != nullptr) SQLFreeHandle(SQL_HANDLE_STMT, handle_);
  handle_ = nullptr;
}

std::unique_ptr<Statement> StatementCache::checkout(SQLHDBC dbc, std::string_view sql,
                                                    NativeCodes codes) {
  const std::string key(sql);
  if (const auto it = index_.find(key); it != index_.end()) {
    std::unique_ptr<Statement> statement = std::move(*it->second);
    lru_.erase(it->second);
    index_.erase(it);
    return statement;
  }
  SQLHSTMT handle = nullptr;
  check(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &handle), SQL_HANDLE_DBC, dbc, sql, dbc);
  auto statement = std::make_unique<Statement>(handle, key);
  const SQLRETURN rc = SQLPrepare(handle, reinterpret_cast<SQLCHAR*>(const_cast<char*>(key.data())),
                                  static_cast<SQLINTEGER>(key.size()));
  if (!SQL_SUCCEEDED(rc)) {
    ErrorInfo info = diagnostics(SQL_HANDLE_STMT, handle, rc, sql);
    retire(std::move(statement));
    const bool dead = info.sqlstate.rfind("08", 0) == 0 || connection_dead(dbc);
    throw_error(std::move(info), dead, codes);
  }
  return statement;
}

void StatementCache::checkin(std::unique_ptr<Statement> statement) noexcept {
  if (!statement || statement->handle() == nullptr) return;
  statement->reset();
  // Out of memory: give the statement up instead of keeping it. A failed push_front leaves the
  // list as it was (and statement with the caller's pointer); a failed emplace takes the new
  // node off again, so index_ and lru_ always agree.
  try {
    lru_.push_front(nullptr);
  } catch (...) {
    retire(std::move(statement));
    return;
  }
  try {
    index_.emplace(statement->sql(), lru_.begin());
  } catch (...) {
    lru_.pop_front();
    retire(std::move(statement));
    return;
  }
  lru_.front() = std::move(statement);
  while (lru_.size() > kMaxEntries) {
    auto last = std::prev(lru_.end());
    const auto range = index_.equal_range((*last)->sql());
    for (auto it = range.first; it != range.second; ++it) {
      if (it->second == last) {
        index_.erase(it);
        break;
      }
    }
    retire(std::move(*last));
    lru_.erase(last);
  }
}

void StatementCache::free_all() noexcept {
  for (auto& statement : lru_) retire(std::move(statement));
  index_.clear();
  lru_.clear();
}

void StatementCache::retire(std::unique_ptr<Statement> statement) noexcept {
  if (!statement || statement->handle() == nullptr) return;
  try {
    retired_.push_back(std::move(statement));
  } catch (...) {  // out of memory: free it now
    statement->free();
  }
}

void StatementCache::free_retired() noexcept {
  for (auto& statement : retired_) statement->free();
  retired_.clear();
}

void StatementCache::forget_all() noexcept {
  index_.clear();
  lru_.clear();
  retired_.clear();
}

}  // namespace crucible::odbc
