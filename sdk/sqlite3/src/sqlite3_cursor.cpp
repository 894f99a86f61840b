// The sqlite3 driver's cursor (sqlite3_cursor.hpp).
#include "crucible/sdk/sqlite3/sqlite3_cursor.hpp"

#include <sqlite3.h>

#include <string>
#include <utility>

#include "crucible/sdk/sqlite3/sqlite3_driver.hpp"
#include "crucible/sdk/sqlite3/sqlite3_errors.hpp"
#include "crucible/sdk/sqlite3/sqlite3_statement.hpp"
#include "sqlite3_compat.hpp"

namespace crucible::sqlite {

Sqlite3Cursor::Sqlite3Cursor(std::shared_ptr<ConnectionState> state) noexcept
    : state_(std::move(state)) {}

Sqlite3Cursor::~Sqlite3Cursor() { close(); }

void Sqlite3Cursor::check_open() const {
  if (!state_) throw_closed_cursor();
  if (!state_->is_open()) throw_closed_database();
}

// Forgets the previous result and takes a statement for sql from the cache.
void Sqlite3Cursor::start(std::string_view sql) {
  check_open();
  finish();
  columns_.reset();
  rowcount_ = -1;
  lastrowid_.reset();
  state_->settle();  // a statement that stood for the transaction without BEGIN gets it now
  statement_ = state_->statements().acquire(state_->db(), sql);
}

void Sqlite3Cursor::check_parameter_count(std::size_t given,
                                          std::optional<std::size_t> set_index) const {
  const int wanted = sqlite3_bind_parameter_count(statement_->raw());
  if (static_cast<std::size_t>(wanted) == given) return;
  // Python's sqlite3 says "Incorrect number of bindings supplied. The current statement uses
  // 2, and there are 1 supplied."
  const std::string where =
      set_index ? " in parameter set " + std::to_string(*set_index) : std::string();
  throw_programming_error("Incorrect number of bindings supplied" + where +
                              ". The current statement uses " + std::to_string(wanted) +
                              ", and there are " + std::to_string(given) + " supplied.",
                          statement_->sql());
}

void Sqlite3Cursor::bind_all(std::span<const Value> params, bool copy) {
  check_parameter_count(params.size(), std::nullopt);
  sqlite3_stmt* raw = statement_->raw();
  for (std::size_t i = 0; i < params.size(); ++i)
    bind_value(raw, static_cast<int>(i) + 1, params[i], statement_->sql(), copy);
}

// Column names and declared types of the current statement (valid after a step, which may
// have re-prepared it after a schema change); the statement keeps them between executions.
void Sqlite3Cursor::describe() { columns_ = statement_->result_columns(); }

const std::vector<ColumnDescription>& Sqlite3Cursor::description() const {
  static const std::vector<ColumnDescription> kNone;
  return columns_ ? columns_->description : kNone;
}

// The statement ran to SQLITE_DONE: record what it changed.
void Sqlite3Cursor::record_completion() {
  sqlite3* db = state_->db();
  if (statement_->is_dml()) rowcount_ = compat::changes(db);
  if (statement_->is_insert()) lastrowid_ = sqlite3_last_insert_rowid(db);
}

void Sqlite3Cursor::finish() noexcept {
  if (!statement_) return;
  if (state_ && state_->is_reader(statement_.get()))
    state_->linger_reader();  // not reset: its read holds the transaction's snapshot
  else if (state_)
    state_->statements().release(statement_);
  statement_.reset();
  row_pending_ = false;
}

void Sqlite3Cursor::execute(std::string_view sql, std::span<const Value> params) {
  start(sql);
  try {
    sqlite3_stmt* raw = statement_->raw();
    if (raw == nullptr) {  // only whitespace and comments: nothing to run, as Python's sqlite3
      if (!params.empty()) bind_all(params, /*copy=*/true);
      finish();
      return;
    }
    // An INSERT, UPDATE or DELETE makes all its changes, and computes its RETURNING rows, in
    // the first sqlite3_step (https://sqlite.org/lang_returning.html, "Processing Order"), which
    // runs below while params are alive: its text and blobs are bound without a copy. A query
    // reads its parameters as later steps run, after params may be gone: SQLite copies them.
    bind_all(params, /*copy=*/!statement_->is_dml());
    const bool deferred = state_->may_defer_begin(*statement_);
    if (!deferred) state_->begin_if_needed(*statement_);
    int rc = sqlite3_step(raw);
    if (deferred) {
      if (rc == SQLITE_ROW) {
        state_->adopt_reader(statement_);  // its read is the transaction's snapshot
      } else if (rc == SQLITE_DONE) {
        // No row: the read ended with the step. The transaction is begun now, and the query
        // run again inside it, so that it sees the transaction's snapshot. An error is thrown
        // as it is: run again, an interrupted query (sqlite3_interrupt, whose flag SQLite
        // clears when no statement runs) would start over.
        sqlite3_reset(raw);
        state_->begin_if_needed(*statement_);
        rc = sqlite3_step(raw);
      }
    }
    if (rc == SQLITE_ROW) {
      describe();
      row_pending_ = true;
      return;
    }
    if (rc != SQLITE_DONE) throw_step_error(state_->db(), rc, statement_->sql());
    describe();
    record_completion();
    finish();
  } catch (...) {
    finish();
    throw;
  }
}

void Sqlite3Cursor::executemany(std::string_view sql, const ParamSets& param_sets) {
  run_sets(sql, param_sets, nullptr);
}

void Sqlite3Cursor::executemany_lastrowids(std::string_view sql, const ParamSets& param_sets,
                                           std::vector<std::int64_t>& lastrowids) {
  lastrowids.clear();
  lastrowids.reserve(param_sets.size());
  run_sets(sql, param_sets, &lastrowids);
}

void Sqlite3Cursor::run_sets(std::string_view sql, const ParamSets& param_sets,
                             std::vector<std::int64_t>* lastrowids) {
  start(sql);
  try {
    sqlite3_stmt* raw = statement_->raw();
    if (raw == nullptr) {
      finish();
      return;
    }
    if (const int columns = sqlite3_column_count(raw); columns > 0) {
      throw_programming_error("executemany() runs statements that return no rows; this one "
                              "returns " +
                                  std::to_string(columns) +
                                  " columns. Use execute() once per parameter set to read them.",
                              statement_->sql());
    }
    sqlite3* db = state_->db();
    const auto wanted = static_cast<std::size_t>(sqlite3_bind_parameter_count(raw));
    for (std::size_t set = 0; set < param_sets.size(); ++set)
      if (param_sets[set].size() != wanted) check_parameter_count(param_sets[set].size(), set);
    // One statement, run again and again: the implicit transaction is begun once, before the
    // first step. A statement that does not control the transaction cannot end it, so it is
    // still open for the later sets; one that does (BEGIN, COMMIT…) gets none, as before.
    if (!param_sets.empty()) state_->begin_if_needed(*statement_);
    const bool dml = statement_->is_dml();
    std::int64_t total = 0;
    for (std::size_t set = 0; set < param_sets.size(); ++set) {
      // Every parameter is rebound for each set, so a plain reset (no clear_bindings) will do;
      // the sets outlive the loop, so their text and blobs are bound without a copy.
      if (set > 0) sqlite3_reset(raw);
      const std::span<const Value* const> values = param_sets[set];
      for (std::size_t i = 0; i < values.size(); ++i)
        bind_value(raw, static_cast<int>(i) + 1, *values[i], statement_->sql(), /*copy=*/false);
      const int rc = sqlite3_step(raw);
      if (rc != SQLITE_DONE) throw_step_error(db, rc, statement_->sql());
      if (dml) total += compat::changes(db);  // this statement's own rows, not its triggers'
      if (lastrowids != nullptr) lastrowids->push_back(sqlite3_last_insert_rowid(db));
    }
    if (dml) rowcount_ = total;
    if (statement_->is_insert() && !param_sets.empty()) lastrowid_ = sqlite3_last_insert_rowid(db);
    finish();
  } catch (...) {
    finish();
    throw;
  }
}

bool Sqlite3Cursor::fetch_into(std::vector<Value>& row) {
  check_open();
  if (!statement_) return false;
  sqlite3_stmt* raw = statement_->raw();
  if (!row_pending_) {
    // A further step of a reader that stands for the transaction could end its read (at
    // SQLITE_DONE, in autocommit mode): the BEGIN comes first.
    if (state_->is_reader(statement_.get())) {
      try {
        state_->settle();
      } catch (...) {
        finish();
        throw;
      }
    }
    const int rc = sqlite3_step(raw);
    if (rc == SQLITE_DONE) {
      record_completion();
      finish();
      return false;
    }
    if (rc != SQLITE_ROW) {
      try {
        throw_result(state_->db(), rc, statement_->sql());
      } catch (...) {
        finish();
        throw;
      }
    }
  }
  row_pending_ = false;
  const std::vector<DeclaredType>& types = columns_->types;
  row.resize(types.size());
  for (std::size_t i = 0; i < types.size(); ++i)
    read_column(raw, static_cast<int>(i), types[i], row[i]);
  return true;
}

void Sqlite3Cursor::close() noexcept {
  finish();
  state_.reset();
}

}  // namespace crucible::sqlite
