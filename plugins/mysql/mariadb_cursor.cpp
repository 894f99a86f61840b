// The mariadbconnector driver's cursor (mariadb_cursor.hpp).
#include "mariadb_cursor.hpp"

#include <utility>

#include "crucible/errors.hpp"
#include "mariadb_errors.hpp"

namespace crucible::mysql {

namespace {

const std::vector<ColumnDescription> kNoDescription;

[[noreturn]] void wrong_count(std::size_t want, std::size_t found, std::string_view what,
                              std::string_view sql) {
  throw_programming_error("the statement has " + std::to_string(want) +
                              " parameter marker(s) '?' but " + std::string(what) + " has " +
                              std::to_string(found) + " value(s)",
                          sql);
}

}  // namespace

MariadbCursor::MariadbCursor(std::shared_ptr<ConnectionState> state) noexcept
    : state_(std::move(state)) {}

MariadbCursor::~MariadbCursor() { close(); }

void MariadbCursor::check_open() const {
  if (!state_) throw_closed_cursor();
  if (!state_->is_open()) throw_closed_connection();
}

void MariadbCursor::reset() noexcept {
  if (statement_) {
    StatementCache::release(*statement_);
    statement_.reset();
  }
  has_rows_ = false;
  if (text_result_ != nullptr) {
    mysql_free_result(text_result_);
    text_result_ = nullptr;
  }
  kept_rows_.clear();
  kept_index_ = 0;
  own_description_.clear();
  text_kinds_.clear();
  use_own_description_ = false;
  rowcount_ = -1;
  lastrowid_.reset();
}

void MariadbCursor::give_back_statement() noexcept {
  has_rows_ = false;
  if (!statement_) return;
  try {
    own_description_ = statement_->description();
  } catch (...) {  // out of memory: the description goes with the statement
    own_description_.clear();
  }
  use_own_description_ = true;
  StatementCache::release(*statement_);
  statement_.reset();  // the cache may lease it to another cursor now
}

std::shared_ptr<PreparedStatement> MariadbCursor::acquire(std::string_view sql,
                                                          std::size_t params) {
  auto statement = state_->statements().acquire(state_->io(), sql);
  if (statement->param_count() != params) {
    StatementCache::release(*statement);
    wrong_count(statement->param_count(), params, "the parameter list", sql);
  }
  return statement;
}

void MariadbCursor::after_execute(PreparedStatement& statement) {
  if (statement.store_result()) {
    has_rows_ = true;
    rowcount_ = statement.num_rows();
  } else {
    rowcount_ = statement.affected_rows();
    if (const std::int64_t id = statement.insert_id(); id != 0) lastrowid_ = id;
  }
}

void MariadbCursor::execute(std::string_view sql, std::span<const Value> params) {
  check_open();
  reset();
  try {
    statement_ = acquire(sql, params.size());
  } catch (const NotSupportedError& e) {
    if (e.driver_code() != code::kUnsupportedPs || !params.empty()) throw;
    run_text(sql);
    return;
  } catch (const DBAPIError& e) {
    state_->on_error(e.info());
    throw;
  }
  try {
    statement_->execute(params);
    after_execute(*statement_);
    // Without blocking (the async layer), the rows are read now: fetch_into must not wait, and
    // the end of the results (a CALL's further ones) is a round trip.
    if (has_rows_ && state_->io().nonblocking()) keep_rows();
  } catch (const DBAPIError& e) {
    reset();
    state_->on_error(e.info());
    throw;
  }
}

void MariadbCursor::keep_rows() {
  own_description_ = statement_->description();
  std::vector<Value> row;
  while (statement_->fetch(row)) kept_rows_.push_back(row);
  statement_->end_results();
  use_own_description_ = true;
  has_rows_ = false;
  StatementCache::release(*statement_);
  statement_.reset();
}

// The text protocol for what the binary one cannot prepare: rows are read as text and
// converted by field type.
void MariadbCursor::run_text(std::string_view sql) {
  MYSQL* c = state_->conn();
  if (state_->io().real_query(sql) != 0) state_->raise_error(sql);
  if (mysql_field_count(c) == 0) {
    rowcount_ = static_cast<std::int64_t>(mysql_affected_rows(c));
    if (const auto id = mysql_insert_id(c); id != 0) lastrowid_ = static_cast<std::int64_t>(id);
  } else {
    text_result_ = state_->io().store_result();
    if (text_result_ == nullptr) state_->raise_error(sql);
    const unsigned int count = mysql_num_fields(text_result_);
    const MYSQL_FIELD* fields = mysql_fetch_fields(text_result_);
    for (unsigned int i = 0; i < count; ++i) {
      own_description_.push_back(describe_field(fields[i]));
      text_kinds_.push_back(field_kind(fields[i]));
    }
    use_own_description_ = true;
    rowcount_ = static_cast<std::int64_t>(mysql_num_rows(text_result_));
  }
  try {
    state_->discard_more_results(sql);  // a CALL's further results, and the error of one
  } catch (...) {
    reset();
    throw;
  }
}

void MariadbCursor::executemany(std::string_view sql, const ParamSets& param_sets) {
  check_open();
  reset();
  if (param_sets.empty()) return;
  try {
    statement_ = acquire(sql, param_sets[0].size());
  } catch (const DBAPIError& e) {
    state_->on_error(e.info());
    throw;
  }
  for (std::size_t i = 0; i < param_sets.size(); ++i) {
    if (param_sets[i].size() != statement_->param_count()) {
      const std::size_t want = statement_->param_count();
      reset();
      wrong_count(want, param_sets[i].size(), "parameter set " + std::to_string(i), sql);
    }
  }
  try {
    run_many(param_sets);
  } catch (const DBAPIError& e) {
    reset();
    state_->on_error(e.info());
    throw;
  }
}

// The first set runs alone: whether the statement returns rows (INSERT … RETURNING) shows only
// once it has run, as MariaDB prepares such a statement with no result columns.
void MariadbCursor::run_many(const ParamSets& param_sets) {
  std::int64_t total = 0;
  std::vector<Value> row;
  const auto run_set = [&](std::size_t s) {
    statement_->execute(param_sets[s]);
    if (statement_->store_result()) {  // … RETURNING: keep the rows, in order
      if (s == 0) own_description_ = statement_->description();
      while (statement_->fetch(row)) {
        kept_rows_.push_back(row);
        ++total;
      }
      statement_->free_result();
      use_own_description_ = true;
    } else {
      if (const std::int64_t n = statement_->affected_rows(); n > 0) total += n;
      if (const std::int64_t id = statement_->insert_id(); id != 0) lastrowid_ = id;
    }
  };
  run_set(0);
  std::vector<std::size_t> wire_sizes;
  if (!use_own_description_ && param_sets.size() > 1 && state_->supports_bulk() &&
      BulkBinds::plan(param_sets, 1, statement_->param_count(), wire_sizes)) {
    total += run_bulk(param_sets, 1, wire_sizes);
  } else {
    for (std::size_t s = 1; s < param_sets.size(); ++s) run_set(s);
  }
  rowcount_ = total;
}

std::int64_t MariadbCursor::run_bulk(const ParamSets& param_sets, std::size_t first,
                                     const std::vector<std::size_t>& wire_sizes) {
  const std::size_t base = first;
  const std::size_t limit = state_->bulk_packet_limit();
  std::int64_t total = 0;
  while (first < param_sets.size()) {
    std::size_t bytes = 0;
    std::size_t end = first;
    while (end < param_sets.size()) {
      const std::size_t size = wire_sizes[end - base];
      if (end > first && bytes + size > limit) break;
      bytes += size;
      ++end;
    }
    statement_->execute_bulk(param_sets, first, end - first);
    if (const std::int64_t n = statement_->affected_rows(); n > 0) total += n;
    if (const std::int64_t id = statement_->insert_id(); id != 0) lastrowid_ = id;
    first = end;
  }
  return total;
}

bool MariadbCursor::fetch_into(std::vector<Value>& row) {
  check_open();
  if (has_rows_) {
    bool got = false;
    try {
      got = statement_->fetch(row);
      if (!got) statement_->end_results();  // a CALL's later error is raised here
    } catch (const DBAPIError& e) {
      give_back_statement();  // no fetch after a failed one: its binds may be half-updated
      state_->on_error(e.info());
      throw;
    } catch (...) {
      give_back_statement();
      throw;
    }
    if (got) return true;
    give_back_statement();
    return false;
  }
  if (text_result_ != nullptr) {
    MYSQL_ROW data = mysql_fetch_row(text_result_);
    if (data == nullptr) return false;
    const unsigned long* lengths = mysql_fetch_lengths(text_result_);
    const MYSQL_FIELD* fields = mysql_fetch_fields(text_result_);
    row.resize(text_kinds_.size());
    for (std::size_t i = 0; i < text_kinds_.size(); ++i) {
      if (data[i] == nullptr) {
        row[i] = Value();
      } else {
        read_text_field(data[i], lengths[i], fields[i], text_kinds_[i], row[i]);
      }
    }
    return true;
  }
  if (kept_index_ < kept_rows_.size()) {
    row = std::move(kept_rows_[kept_index_++]);
    return true;
  }
  return false;
}

const std::vector<ColumnDescription>& MariadbCursor::description() const {
  if (use_own_description_) return own_description_;
  if (statement_) return statement_->description();
  return kNoDescription;
}

void MariadbCursor::close() noexcept {
  reset();
  state_.reset();
}

}  // namespace crucible::mysql
