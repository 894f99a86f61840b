#pragma once
// The cursor of the libpq driver (PEP 249 §Cursor Objects over PGresult).
//
// execute() encodes the parameters (libpq_values.hpp), sends the implicit BEGIN when one is
// due, and runs the statement with the extended query protocol: unnamed (PQexecParams) or, once
// the connection's StatementCache says so, by a prepared statement's name (PQexecPrepared).
// Results come back whole in text format; fetch_into() walks them, converting each field by its
// column's type OID.
//
// executemany() prepares the statement once and sends every parameter set in one libpq
// pipeline (PQenterPipelineMode, libpq 14+; https://www.postgresql.org/docs/15/
// libpq-pipeline-mode.html), so n rows cost one round trip instead of n. The sets run in order;
// the first error is thrown after the pipeline is drained, and the sets after it are not run
// (the server aborts the rest of the pipeline). In autocommit mode the whole pipeline is one
// implicit transaction. Rows that the statement returns (INSERT … RETURNING) are kept, in the
// order of the parameter sets, for the fetch calls.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/dbapi.hpp"
#include "libpq_driver.hpp"
#include "libpq_values.hpp"

namespace crucible::postgresql {

/// A cursor of LibpqConnection. One thread at a time, like its connection.
class LibpqCursor final : public Cursor {
 public:
  explicit LibpqCursor(std::shared_ptr<ConnectionState> state) noexcept;
  ~LibpqCursor() override;

  /// Runs sql with params ($1 … $n). rowcount() is then the count of PQcmdTuples (rows
  /// inserted, updated, deleted, selected…) or -1 for a statement that reports none;
  /// lastrowid() is always nullopt (use RETURNING). Throws the mapped error
  /// (postgresql_errors.hpp), DataError for a text parameter holding NUL, NotSupportedError
  /// for COPY … FROM STDIN / TO STDOUT, InterfaceError when the cursor or connection is closed.
  void execute(std::string_view sql, std::span<const Value> params) override;
  /// Runs sql once per parameter set in one pipeline (see the file comment); rowcount() is the
  /// total.
  void executemany(std::string_view sql, const ParamSets& param_sets) override;
  bool fetch_into(std::vector<Value>& row) override;
  /// Names from PQfname; type_name format_type()'s spelling for the built-in types the driver
  /// knows ("integer", "numeric(10,2)"), else ""; precision and scale of numeric(p,s).
  const std::vector<ColumnDescription>& description() const override { return description_; }
  std::int64_t rowcount() const override { return rowcount_; }
  std::optional<std::int64_t> lastrowid() const override { return std::nullopt; }
  void close() noexcept override;

 private:
  std::shared_ptr<ConnectionState> state_;  // null once the cursor is closed
  std::vector<PgResult> results_;           // results whose rows are read, in order
  std::size_t result_index_{0};
  int row_index_{0};
  std::vector<ColumnDescription> description_;
  std::vector<TypeOid> column_types_;  // parallel to description_
  std::int64_t rowcount_{-1};
  EncodedParams encoded_;

  void check_open() const;
  void reset() noexcept;
  PgResult run_statement(std::string_view sql);
  /// run_statement() behind the implicit BEGIN, both sent in one pipeline (one round trip
  /// instead of two); falls back to a BEGIN of its own where libpq has no pipeline mode.
  PgResult run_statement_after_begin(std::string_view sql);
  void take_result(PgResult result, std::string_view sql);
  void describe(const pg_result* result);
  void run_pipeline(std::string_view sql, const ParamSets& param_sets,
                    std::span<const TypeOid> types, const std::string& name);
};

}  // namespace crucible::postgresql
