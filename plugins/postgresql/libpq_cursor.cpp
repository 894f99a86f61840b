// The libpq driver's cursor (libpq_cursor.hpp).
#include "libpq_cursor.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <string>
#include <utility>

#include "crucible/errors.hpp"
#include "postgresql_errors.hpp"

namespace crucible::postgresql {

namespace {

// PQcmdTuples' count ("" for a command that reports none) as a rowcount, -1 when none.
std::int64_t command_count(const PGresult* result) {
  const std::string_view text = PQcmdTuples(const_cast<PGresult*>(result));
  std::int64_t count = -1;
  if (!text.empty()) std::from_chars(text.data(), text.data() + text.size(), count);
  return count;
}

// Finishes a COPY the statement started (the cursor has no COPY data API yet) and throws
// NotSupportedError; the connection is usable afterwards.
[[noreturn]] void refuse_copy(PgIo& io, ExecStatusType status, std::string_view sql) {
  PGconn* conn = io.conn();
  if (status == PGRES_COPY_IN) {
    PQputCopyEnd(conn, "COPY FROM STDIN is not supported by crucible's libpq cursor");
  } else if (status == PGRES_COPY_OUT) {
    char* buffer = nullptr;
    while (PQgetCopyData(conn, &buffer, 0) > 0) PQfreemem(buffer);
  }
  while (PGresult* rest = io.get_result()) PQclear(rest);
  throw NotSupportedError(ErrorInfo{
      "0A000", 0,
      "the libpq cursor does not stream COPY data; run COPY … FROM/TO a file on the server, or "
      "use INSERT/SELECT",
      std::string(sql)});
}

}  // namespace

LibpqCursor::LibpqCursor(std::shared_ptr<ConnectionState> state) noexcept
    : state_(std::move(state)) {}

LibpqCursor::~LibpqCursor() { close(); }

void LibpqCursor::check_open() const {
  if (!state_) throw_closed_cursor();
  if (!state_->is_open()) throw_closed_connection();
}

void LibpqCursor::reset() noexcept {
  results_.clear();
  result_index_ = 0;
  row_index_ = 0;
  description_.clear();
  column_types_.clear();
  rowcount_ = -1;
}

void LibpqCursor::describe(const pg_result* result) {
  const int columns = PQnfields(result);
  description_.clear();
  column_types_.clear();
  description_.reserve(static_cast<std::size_t>(columns));
  column_types_.reserve(static_cast<std::size_t>(columns));
  for (int i = 0; i < columns; ++i) {
    const TypeOid type = PQftype(result, i);
    const int typmod = PQfmod(result, i);
    description_.push_back(ColumnDescription{PQfname(result, i), type_name(type, typmod),
                                             std::nullopt, numeric_precision(type, typmod),
                                             numeric_scale(type, typmod)});
    column_types_.push_back(type);
  }
}

#ifdef LIBPQ_HAS_PIPELINING

// A transaction's first statement: BEGIN and the statement go out together and their replies
// come back together (https://www.postgresql.org/docs/15/libpq-pipeline-mode.html). An explicit
// BEGIN in a pipeline opens a transaction block that outlives the pipeline's Sync, as a BEGIN
// sent alone does (protocol-flow.html, "Pipelining"). When BEGIN fails, the statement is not run
// (PGRES_PIPELINE_ABORTED) and BEGIN's error is thrown; when the statement fails, the
// transaction is left failed, as it would be after a BEGIN of its own.
PgResult LibpqCursor::run_statement_after_begin(std::string_view sql) {
  PGconn* conn = state_->conn();
  PgIo& io = state_->io();
  StatementCache& cache = state_->statements();
  const std::string name = cache.lookup(state_->io(), sql, encoded_, /*force=*/false);
  io.check_can_wait();
  if (PQenterPipelineMode(conn) != 1) {  // a connection that cannot pipeline: two round trips
    state_->run("BEGIN");
    return run_statement(sql);
  }
  struct ExitPipeline {
    PGconn* conn;
    ~ExitPipeline() { PQexitPipelineMode(conn); }  // fails (harmlessly) only on a dead connection
  } exit_pipeline{conn};
  const std::string text = name.empty() ? std::string(sql) : std::string();
  const bool sent =
      PQsendQueryParams(conn, "BEGIN", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1 &&
      (name.empty()
           ? PQsendQueryParams(conn, text.c_str(), encoded_.count(), encoded_.types.data(),
                               encoded_.values.data(), encoded_.lengths.data(),
                               encoded_.formats.data(), /*resultFormat=*/0)
           : PQsendQueryPrepared(conn, name.c_str(), encoded_.count(), encoded_.values.data(),
                                 encoded_.lengths.data(), encoded_.formats.data(),
                                 /*resultFormat=*/0)) == 1 &&
      PQpipelineSync(conn) == 1 && io.flush();
  if (!sent) {
    ErrorInfo info = error_info(conn, nullptr, sql);
    const bool bad = info.driver_code == kConnectionBadCode || PQstatus(conn) == CONNECTION_BAD;
    throw_error(std::move(info), bad);
  }
  // Each query's result is followed by a null; the pipeline ends with PGRES_PIPELINE_SYNC.
  PgResult begin(io.get_result());
  while (PGresult* extra = io.get_result()) PQclear(extra);
  PgResult result(io.get_result());
  while (PGresult* extra = io.get_result()) PQclear(extra);
  for (PGresult* sync = io.get_result(); sync != nullptr; sync = io.get_result()) {
    const bool end = PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
    PQclear(sync);
    if (end) break;
  }
  const auto failed = [](const PgResult& r) {
    const ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    return status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY;
  };
  if (failed(begin)) {
    ErrorInfo info = error_info(conn, begin.get(), "BEGIN");
    const bool bad = info.driver_code == kConnectionBadCode;
    throw_error(std::move(info), bad);
  }
  if (failed(result)) {
    ErrorInfo info = error_info(conn, result.get(), sql);
    if (!name.empty()) cache.on_error(state_->io(), sql, encoded_, info.sqlstate);
    const bool bad = info.driver_code == kConnectionBadCode;
    throw_error(std::move(info), bad);
  }
  return result;
}

#else

PgResult LibpqCursor::run_statement_after_begin(std::string_view sql) {
  state_->run("BEGIN");
  return run_statement(sql);
}

#endif

// Runs sql with encoded_ through the connection's statement cache; returns a successful
// result or throws.
PgResult LibpqCursor::run_statement(std::string_view sql) {
  PGconn* conn = state_->conn();
  StatementCache& cache = state_->statements();
  const std::string name = cache.lookup(state_->io(), sql, encoded_, /*force=*/false);
  PgResult result;
  if (name.empty()) {
    const std::string text(sql);
    result.reset(state_->io().exec_params(text.c_str(), encoded_.count(), encoded_.types.data(),
                                          encoded_.values.data(), encoded_.lengths.data(),
                                          encoded_.formats.data(), /*result_format=*/0));
  } else {
    result.reset(state_->io().exec_prepared(name.c_str(), encoded_.count(), encoded_.values.data(),
                                            encoded_.lengths.data(), encoded_.formats.data(),
                                            /*result_format=*/0));
  }
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE ||
      status == PGRES_NONFATAL_ERROR) {
    ErrorInfo info = error_info(conn, result.get(), sql);
    if (!name.empty()) cache.on_error(state_->io(), sql, encoded_, info.sqlstate);
    const bool bad = info.driver_code == kConnectionBadCode;
    throw_error(std::move(info), bad);
  }
  return result;
}

void LibpqCursor::take_result(PgResult result, std::string_view sql) {
  const ExecStatusType status = PQresultStatus(result.get());
  switch (status) {
  case PGRES_TUPLES_OK:
    describe(result.get());
    rowcount_ = command_count(result.get());
    results_.push_back(std::move(result));
    return;
  case PGRES_COMMAND_OK: rowcount_ = command_count(result.get()); return;
  case PGRES_EMPTY_QUERY: return;
  case PGRES_COPY_IN:
  case PGRES_COPY_OUT:
  case PGRES_COPY_BOTH: refuse_copy(state_->io(), status, sql);
  default: throw_result_error(state_->conn(), result.get(), sql);
  }
}

void LibpqCursor::execute(std::string_view sql, std::span<const Value> params) {
  check_open();
  reset();
  encoded_.encode(params, {}, sql);
  if (state_->needs_begin(sql))
    take_result(run_statement_after_begin(sql), sql);
  else
    take_result(run_statement(sql), sql);
}

void LibpqCursor::executemany(std::string_view sql, const ParamSets& param_sets) {
  check_open();
  reset();
  if (param_sets.empty()) return;
  for (std::size_t i = 1; i < param_sets.size(); ++i) {
    if (param_sets[i].size() != param_sets[0].size()) {
      throw_programming_error("executemany() wants the same number of parameters in every set; "
                              "set 0 has " +
                                  std::to_string(param_sets[0].size()) + ", set " +
                                  std::to_string(i) + " has " +
                                  std::to_string(param_sets[i].size()),
                              sql);
    }
  }
  state_->conn();  // throws when closed
  const std::vector<TypeOid> types = unify_parameter_types(param_sets);
  encoded_.encode(param_sets[0], types, sql);  // checks the first set and gives the cache key
  state_->begin_if_needed(sql);
  const std::string name = state_->statements().lookup(state_->io(), sql, encoded_, /*force=*/true);
  run_pipeline(sql, param_sets, types, name);
}

#ifdef LIBPQ_HAS_PIPELINING

void LibpqCursor::run_pipeline(std::string_view sql, const ParamSets& param_sets,
                               std::span<const TypeOid> types, const std::string& name) {
  PGconn* conn = state_->conn();
  state_->io().check_can_wait();
  if (PQenterPipelineMode(conn) != 1) throw_result_error(conn, nullptr, sql);
  struct ExitPipeline {
    PGconn* conn;
    ~ExitPipeline() { PQexitPipelineMode(conn); }  // fails (harmlessly) only on a dead connection
  } exit_pipeline{conn};

  // Send everything, then read. In blocking mode libpq absorbs the server's replies into its
  // input buffer whenever a send would block, so the two sides cannot deadlock (fe-misc.c,
  // pqSendSome). A failure while sending (a NUL in set k, a dead connection) comes after every set
  // already sent, so an error the server reports for one of those is the first and wins.
  std::optional<ErrorInfo> send_failure;
  std::optional<ErrorInfo> failure;
  std::size_t sent = 0;
  try {
    for (std::size_t set = 0; set < param_sets.size(); ++set) {
      encoded_.encode(param_sets[set], types, sql);
      if (PQsendQueryPrepared(conn, name.c_str(), encoded_.count(), encoded_.values.data(),
                              encoded_.lengths.data(), encoded_.formats.data(), 0) != 1) {
        send_failure = error_info(conn, nullptr, sql);
        break;
      }
      ++sent;
    }
  } catch (const DataError& e) {
    send_failure = e.info();
  }
  PgIo& io = state_->io();
  if (PQpipelineSync(conn) != 1 || !io.flush()) throw_result_error(conn, nullptr, sql);

  std::int64_t total = 0;
  bool counted = false;
  for (std::size_t i = 0; i < sent; ++i) {
    PgResult result(io.get_result());
    if (!result) {
      if (PQstatus(conn) == CONNECTION_BAD) break;
      continue;
    }
    switch (PQresultStatus(result.get())) {
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK:
      if (const std::int64_t count = command_count(result.get()); count >= 0) {
        total += count;
        counted = true;
      }
      if (PQresultStatus(result.get()) == PGRES_TUPLES_OK && PQnfields(result.get()) > 0) {
        if (results_.empty()) describe(result.get());
        results_.push_back(std::move(result));
      }
      break;
    case PGRES_PIPELINE_ABORTED: break;  // after an earlier error
    default:
      if (!failure) failure = error_info(conn, result.get(), sql);
      break;
    }
    while (PGresult* end = io.get_result()) PQclear(end);  // the NULL that ends each query
  }
  // The Sync's own result, after which the connection leaves the aborted state.
  while (PGresult* rest = io.get_result()) {
    const bool sync = PQresultStatus(rest) == PGRES_PIPELINE_SYNC;
    PQclear(rest);
    if (sync) break;
  }
  if (!failure) failure = std::move(send_failure);
  if (PQstatus(conn) == CONNECTION_BAD) {
    throw_error(failure ? std::move(*failure) : error_info(conn, nullptr, sql), true);
  }
  if (failure) {
    state_->statements().on_error(state_->io(), sql, encoded_, failure->sqlstate);
    results_.clear();
    description_.clear();
    column_types_.clear();
    throw_error(std::move(*failure), /*connection_bad=*/false);
  }
  if (counted) rowcount_ = total;
}

#else  // libpq before 14: one prepared execution per set

void LibpqCursor::run_pipeline(std::string_view sql, const ParamSets& param_sets,
                               std::span<const TypeOid> types, const std::string& name) {
  PGconn* conn = state_->conn();
  std::int64_t total = 0;
  bool counted = false;
  for (std::size_t set = 0; set < param_sets.size(); ++set) {
    encoded_.encode(param_sets[set], types, sql);
    PgResult result(state_->io().exec_prepared(name.c_str(), encoded_.count(),
                                               encoded_.values.data(), encoded_.lengths.data(),
                                               encoded_.formats.data(), 0));
    const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      throw_result_error(conn, result.get(), sql);
    }
    if (const std::int64_t count = command_count(result.get()); count >= 0) {
      total += count;
      counted = true;
    }
    if (status == PGRES_TUPLES_OK && PQnfields(result.get()) > 0) {
      if (results_.empty()) describe(result.get());
      results_.push_back(std::move(result));
    }
  }
  if (counted) rowcount_ = total;
}

#endif

bool LibpqCursor::fetch_into(std::vector<Value>& row) {
  check_open();
  while (result_index_ < results_.size()) {
    const PGresult* result = results_[result_index_].get();
    if (row_index_ < PQntuples(result)) {
      const std::size_t columns = column_types_.size();
      row.resize(columns);
      for (std::size_t i = 0; i < columns; ++i) {
        const int c = static_cast<int>(i);
        if (PQgetisnull(result, row_index_, c) != 0) {
          row[i] = Value();
        } else {
          read_field_into(PQgetvalue(result, row_index_, c), PQgetlength(result, row_index_, c),
                          column_types_[i], row[i]);
        }
      }
      ++row_index_;
      return true;
    }
    results_[result_index_].reset();  // read: free its memory now
    ++result_index_;
    row_index_ = 0;
  }
  return false;
}

void LibpqCursor::close() noexcept {
  reset();
  state_.reset();
}

}  // namespace crucible::postgresql
