// The odbc driver's cursor (odbc_cursor.hpp).
#include "odbc_cursor.hpp"

#include <sqlext.h>

#include <cctype>
#include <string>
#include <utility>

#include "crucible/errors.hpp"
#include "odbc_errors.hpp"
#include "odbc_markers.hpp"

namespace crucible::odbc {

OdbcCursor::OdbcCursor(std::shared_ptr<ConnectionState> state) noexcept
    : state_(std::move(state)) {}

OdbcCursor::~OdbcCursor() { close(); }

void OdbcCursor::check_open() const {
  if (!state_) throw_closed_cursor();
  if (!state_->is_open()) throw_closed_connection();
}

// Gives the statement back to the cache and forgets the result.
void OdbcCursor::release() noexcept {
  reader_.clear();
  buffered_.clear();
  reading_ = false;
  rowcount_ = -1;
  lastrowid_.reset();
  if (!statement_) return;
  if (state_ && state_->is_open()) {
    state_->statements().checkin(std::move(statement_));
  }
  statement_.reset();  // the connection is gone: SQLDisconnect freed the handle
}

Statement& OdbcCursor::prepare(std::string_view sql, std::size_t params) {
  release();
  if (state_->traits().drops_returning_rows) refuse_returning(sql);
  if (!state_->in_transaction()) state_->statements().free_retired();
  if (changes_schema(sql)) state_->statements().free_all();
  statement_ = state_->statements().checkout(state_->dbc(), sql, state_->traits().native_codes);
  statement_->params().set_time_type(state_->traits().time_parameter_type);
  const auto expected = statement_->parameter_count();
  if (expected && *expected != params) {
    throw_programming_error("the statement has " + std::to_string(*expected) +
                                " parameter markers but " + std::to_string(params) +
                                " parameters were given",
                            sql);
  }
  return *statement_;
}

namespace {

bool is_word_char(char c) noexcept {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
}

}  // namespace

// Whether sql holds the word RETURNING (any case, not inside a longer name) anywhere; a
// literal or quoted name holding it also counts, which errs on the safe side.
bool OdbcCursor::mentions_returning(std::string_view sql) noexcept {
  constexpr std::string_view kWord = "RETURNING";
  for (std::size_t at = 0; at + kWord.size() <= sql.size(); ++at) {
    if (at > 0 && is_word_char(sql[at - 1])) continue;
    const std::size_t end = at + kWord.size();
    if (end < sql.size() && is_word_char(sql[end])) continue;
    bool same = true;
    for (std::size_t i = 0; i < kWord.size() && same; ++i) {
      same = std::toupper(static_cast<unsigned char>(sql[at + i])) == kWord[i];
    }
    if (same) return true;
  }
  return false;
}

// NotSupportedError for DML with RETURNING on a driver that would drop its rows.
void OdbcCursor::refuse_returning(std::string_view sql) {
  const std::string word = first_keyword(sql);
  if (word != "INSERT" && word != "UPDATE" && word != "DELETE" && word != "REPLACE") return;
  if (!mentions_returning(sql)) return;
  throw NotSupportedError(ErrorInfo{
      "0A000", 0,
      "the ODBC driver (" + state_->traits().driver_name +
          ") runs INSERT/UPDATE/DELETE … RETURNING without handing back its rows; run a SELECT "
          "afterwards, or use the dialect's native driver",
      std::string(sql)});
}

// Gives the statement up (a failed one is not reused) and throws its diagnostics.
void OdbcCursor::fail(SQLRETURN rc, std::string_view sql) {
  ErrorInfo info = diagnostics(SQL_HANDLE_STMT, statement_->handle(), rc, sql);
  SQLHDBC dbc = state_->dbc();
  state_->statements().retire(std::move(statement_));
  const bool dead = info.sqlstate.rfind("08", 0) == 0 || connection_dead(dbc);
  throw_error(std::move(info), dead, state_->traits().native_codes);
}

SQLRETURN OdbcCursor::run(std::string_view sql) {
  state_->statement_runs();
  const SQLRETURN rc = SQLExecute(statement_->handle());
  if (!SQL_SUCCEEDED(rc) && rc != SQL_NO_DATA) fail(rc, sql);
  return rc;
}

// SQLRowCount of the execution; with all_sets, summed over the per-set results a driver with
// SQL_PARC_BATCH reports through SQLMoreResults.
std::int64_t OdbcCursor::affected_rows(bool all_sets) {
  SQLHSTMT stmt = statement_->handle();
  SQLLEN count = -1;
  if (!SQL_SUCCEEDED(SQLRowCount(stmt, &count))) return -1;
  std::int64_t total = count;
  if (all_sets && state_->traits().batch_row_counts) {
    for (SQLRETURN more = SQLMoreResults(stmt); SQL_SUCCEEDED(more); more = SQLMoreResults(stmt)) {
      SQLLEN next = -1;
      if (SQL_SUCCEEDED(SQLRowCount(stmt, &next)) && next >= 0) {
        total = std::max<std::int64_t>(total, 0) + next;
      }
    }
  }
  return total;
}

void OdbcCursor::after_execute(SQLRETURN rc, std::string_view sql) {
  SQLHSTMT stmt = statement_->handle();
  SQLSMALLINT columns = 0;
  if (rc != SQL_NO_DATA) check(SQLNumResultCols(stmt, &columns), SQL_HANDLE_STMT, stmt, sql);
  if (columns > 0) {
    reader_.describe(stmt, columns, state_->traits().getdata_any_column,
                     state_->traits().native_codes, sql);
    reading_ = true;
    SQLLEN count = -1;
    if (SQL_SUCCEEDED(SQLRowCount(stmt, &count))) rowcount_ = count;
  } else {
    rowcount_ = rc == SQL_NO_DATA ? 0 : affected_rows(false);
    if (rowcount_ > 0 && !state_->traits().last_insert_id_query.empty()) {
      const std::string word = first_keyword(sql);
      if (word == "INSERT" || word == "REPLACE") ask_lastrowid();
    }
  }
}

// Runs the database's last-insert-id query on a cached statement of its own.
void OdbcCursor::ask_lastrowid() {
  const std::string& sql = state_->traits().last_insert_id_query;
  std::unique_ptr<Statement> ask = state_->statements().checkout(state_->dbc(), sql);
  SQLHSTMT stmt = ask->handle();
  std::int64_t id = 0;
  SQLLEN indicator = 0;
  SQLRETURN rc = SQLExecute(stmt);
  if (SQL_SUCCEEDED(rc)) rc = SQLFetch(stmt);
  if (SQL_SUCCEEDED(rc)) rc = SQLGetData(stmt, 1, SQL_C_SBIGINT, &id, sizeof id, &indicator);
  if (SQL_SUCCEEDED(rc) && indicator != SQL_NULL_DATA && id != 0) lastrowid_ = id;
  if (SQL_SUCCEEDED(rc)) {
    state_->statements().checkin(std::move(ask));
  } else {
    state_->statements().retire(std::move(ask));
  }
}

void OdbcCursor::execute(std::string_view sql, std::span<const Value> params) {
  check_open();
  std::string typed;
  if (state_->traits().typed_markers) {
    std::vector<std::string_view> casts(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) casts[i] = postgresql_cast(params[i]);
    typed = cast_markers(sql, casts);
  }
  Statement& statement = prepare(typed.empty() ? sql : std::string_view(typed), params.size());
  statement.params().bind(
      statement.handle(), params,
      [&statement](std::size_t i) { return statement.parameter_type(i); }, sql);
  after_execute(run(sql), sql);
}

void OdbcCursor::run_array(std::string_view sql, std::size_t first, std::size_t count,
                           std::int64_t& total) {
  Statement& statement = *statement_;
  const SQLRETURN rc = run(sql);
  const auto& status = statement.params().status();
  for (std::size_t i = 0; i < count && i < status.size(); ++i) {
    if (status[i] == SQL_PARAM_ERROR) {
      ErrorInfo info = diagnostics(SQL_HANDLE_STMT, statement.handle(), rc, sql);
      info.driver_message += " (parameter set " + std::to_string(first + i) + ")";
      state_->statements().retire(std::move(statement_));
      throw_error(std::move(info), connection_dead(state_->dbc()), state_->traits().native_codes);
    }
  }
  const std::int64_t count_here = rc == SQL_NO_DATA ? 0 : affected_rows(true);
  if (count_here >= 0) total = std::max<std::int64_t>(total, 0) + count_here;
  SQLFreeStmt(statement.handle(), SQL_CLOSE);
}

void OdbcCursor::executemany(std::string_view sql, const ParamSets& param_sets) {
  check_open();
  release();
  if (param_sets.empty()) return;
  const std::size_t width = param_sets[0].size();
  for (std::size_t i = 1; i < param_sets.size(); ++i) {
    if (param_sets[i].size() != width) {
      throw_programming_error("executemany() wants the same number of parameters in every set; "
                              "set 0 has " +
                                  std::to_string(width) + ", set " + std::to_string(i) + " has " +
                                  std::to_string(param_sets[i].size()),
                              sql);
    }
  }
  std::string typed;
  if (state_->traits().typed_markers) {
    std::vector<std::string_view> casts(width);
    for (std::size_t i = 0; i < width; ++i) casts[i] = postgresql_cast(param_sets, i);
    typed = cast_markers(sql, casts);
  }
  Statement& statement = prepare(typed.empty() ? sql : std::string_view(typed), width);
  const auto describe = [&statement](std::size_t i) { return statement.parameter_type(i); };
  // A statement with RETURNING runs set by set even when it shows no result columns after
  // SQLPrepare: MariaDB prepares INSERT … RETURNING without them, and an array execution would
  // lose its rows.
  const bool returns_rows = statement.result_columns() > 0 || mentions_returning(sql);
  std::int64_t total = -1;
  std::size_t set = 0;
  if (state_->traits().param_arrays && !returns_rows && width > 0 && param_sets.size() > 1) {
    while (set < param_sets.size()) {
      const std::size_t count = ParamBuffers::batch_rows(
          param_sets, set, std::min(kMaxArrayRows, param_sets.size() - set), width, kMaxArrayBytes);
      if (!statement.params().bind(statement.handle(), param_sets, set, count, width, describe,
                                   sql)) {
        break;  // mixed kinds: the rest one by one
      }
      run_array(sql, set, count, total);
      set += count;
    }
  }
  std::vector<Value> row;
  for (; set < param_sets.size(); ++set) {
    // One set at a time: bind from the ParamSets' cells (a batch of one).
    statement.params().bind(statement.handle(), param_sets, set, 1, width, describe, sql);
    const SQLRETURN rc = run(sql);
    SQLHSTMT stmt = statement.handle();
    SQLSMALLINT columns = 0;
    if (rc != SQL_NO_DATA) check(SQLNumResultCols(stmt, &columns), SQL_HANDLE_STMT, stmt, sql);
    if (columns > 0) {
      reader_.describe(stmt, columns, state_->traits().getdata_any_column,
                       state_->traits().native_codes, sql);
      while (reader_.fetch(stmt, row, sql)) buffered_.push_back(row);
    }
    const std::int64_t count = rc == SQL_NO_DATA ? 0 : affected_rows(false);
    if (count >= 0) total = std::max<std::int64_t>(total, 0) + count;
    SQLFreeStmt(stmt, SQL_CLOSE);
  }
  rowcount_ = total;
}

bool OdbcCursor::fetch_into(std::vector<Value>& row) {
  check_open();
  if (!buffered_.empty()) {
    row = std::move(buffered_.front());
    buffered_.pop_front();
    return true;
  }
  if (!reading_ || !statement_) return false;
  if (reader_.fetch(statement_->handle(), row, statement_->sql())) return true;
  reading_ = false;
  SQLFreeStmt(statement_->handle(), SQL_CLOSE);  // the result is done: free it on the server
  return false;
}

void OdbcCursor::close() noexcept {
  release();
  state_.reset();
}

}  // namespace crucible::odbc
