#pragma once
// The cursor of the sqlite3 driver (PEP 249 §Cursor Objects over sqlite3_stmt).
//
// execute() takes a statement from the connection's cache, binds the parameters by position
// (qmark), issues the implicit BEGIN when one is due and steps once: a statement without rows
// (INSERT, UPDATE, DDL…) runs to completion there, a query keeps its first row for fetch_into(),
// which steps lazily after that. The statement goes back to the cache (reset, unbound) as soon
// as its last row has been read, or on the next execute() or close().
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "crucible/dbapi.hpp"
#include "crucible/sdk/sqlite3/sqlite3_values.hpp"

namespace crucible::sqlite {

class ConnectionState;
class Statement;
struct ResultColumns;

/// A cursor of Sqlite3Connection. One thread at a time, like its connection.
class Sqlite3Cursor final : public Cursor, public LastrowidExecutemany {
 public:
  explicit Sqlite3Cursor(std::shared_ptr<ConnectionState> state) noexcept;
  ~Sqlite3Cursor() override;

  /// Runs sql with params. rowcount() is then sqlite3_changes64() for INSERT/UPDATE/DELETE/
  /// REPLACE and -1 otherwise; lastrowid() sqlite3_last_insert_rowid() after INSERT/REPLACE.
  /// Throws ProgrammingError for more than one statement or a wrong parameter count (saying how
  /// many were wanted and given), DataError for a NaN parameter, the mapped SQLite error
  /// otherwise, InterfaceError when the cursor or its connection is closed.
  void execute(std::string_view sql, std::span<const Value> params) override;
  /// Binds, steps and resets one prepared statement per parameter set; rowcount() is the sum.
  /// Refuses (ProgrammingError) a statement that returns rows, whose rows would be lost.
  /// The values are bound in place (SQLITE_STATIC): ParamSets keeps them alive and unmoved.
  void executemany(std::string_view sql, const ParamSets& param_sets) override;
  /// executemany(), keeping sqlite3_last_insert_rowid() after each set: for an INSERT into a
  /// rowid table, the new row's rowid, which its INTEGER PRIMARY KEY column (if any) aliases
  /// (https://sqlite.org/c3ref/last_insert_rowid.html). Same errors as executemany().
  void executemany_lastrowids(std::string_view sql, const ParamSets& param_sets,
                              std::vector<std::int64_t>& lastrowids) override;
  bool fetch_into(std::vector<Value>& row) override;
  /// Names from sqlite3_column_name, type_name from sqlite3_column_decltype ("" for an
  /// expression), precision/scale from a DECIMAL/NUMERIC(p,s) declaration.
  const std::vector<ColumnDescription>& description() const override;
  std::int64_t rowcount() const override { return rowcount_; }
  std::optional<std::int64_t> lastrowid() const override { return lastrowid_; }
  void close() noexcept override;

 private:
  std::shared_ptr<ConnectionState> state_;  // null once the cursor is closed
  std::shared_ptr<Statement> statement_;    // the statement whose rows are being read
  // The last statement's result columns (its Statement's, shared); null before the first
  // execute, after a failed one and after executemany.
  std::shared_ptr<const ResultColumns> columns_;
  bool row_pending_{false};  // execute() stepped a row that fetch_into has not read
  std::int64_t rowcount_{-1};
  std::optional<std::int64_t> lastrowid_;

  void check_open() const;
  void start(std::string_view sql);
  /// executemany's body; appends each set's sqlite3_last_insert_rowid() to lastrowids when not
  /// null.
  void run_sets(std::string_view sql, const ParamSets& param_sets,
                std::vector<std::int64_t>* lastrowids);
  /// Binds every parameter of the current statement; text and blobs are copied by SQLite
  /// when copy, else they must outlive the statement's use of them (bind_value).
  void bind_all(std::span<const Value> params, bool copy);
  /// Throws ProgrammingError unless `given` is the statement's parameter count.
  void check_parameter_count(std::size_t given, std::optional<std::size_t> set_index) const;
  void describe();
  void record_completion();
  void finish() noexcept;
};

}  // namespace crucible::sqlite
