#pragma once
// The cursor of the "odbc" driver (PEP 249 §Cursor Objects over an ODBC statement handle).
//
// execute() takes a prepared statement for its SQL from the connection's cache (SQLPrepare on a
// miss), binds the parameters (odbc_params.hpp) and runs it (SQLExecute). A statement that
// returns rows is then read by the fetch calls (odbc_results.hpp); one that does not reports
// SQLRowCount as rowcount(), and SQL_NO_DATA (a searched UPDATE or DELETE that matched no row)
// counts 0.
//
// For PostgreSQL (DriverTraits::typed_markers) the SQL handed to psqlODBC carries a cast after
// each marker whose value's type the libpq driver would name (odbc_markers.hpp); errors still
// name the SQL as given.
//
// executemany() binds the parameter sets as column-wise arrays (SQL_ATTR_PARAMSET_SIZE, up to
// kMaxArrayRows sets and about kMaxArrayBytes of parameter buffers per execution) where the ODBC
// driver supports arrays of parameters (SQLGetInfo SQL_PARAM_ARRAY_ROW_COUNTS), so n sets cost one
// execution per batch instead of n; rowcount() is the total (per-set counts summed over
// SQLMoreResults where the driver reports SQL_PARC_BATCH). A per-set status of SQL_PARAM_ERROR
// makes the whole call throw the driver's error. Sets whose values in one position are of different
// kinds, drivers without arrays (SQLite ODBC reports none), statements without parameters, and
// statements that return rows (INSERT … RETURNING, whose rows are then kept in set order for the
// fetch calls; any statement holding the word RETURNING counts, as MariaDB prepares one without
// result columns) run once per set instead. A set alone is not limited by kMaxArrayBytes.
//
// lastrowid() after an INSERT or REPLACE run by execute() is the database's own answer where the
// driver knows how to ask (DriverTraits::last_insert_id_query: LAST_INSERT_ID() on MariaDB and
// MySQL, as SQLAlchemy's mysql+pyodbc does, last_insert_rowid() on SQLite; one more cached
// statement per INSERT); ODBC itself has no portable way, so elsewhere (PostgreSQL) and after
// other statements it is nullopt and the dialects use RETURNING.
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "crucible/dbapi.hpp"
#include "odbc_driver.hpp"
#include "odbc_results.hpp"
#include "odbc_statement.hpp"

namespace crucible::odbc {

/// A cursor of OdbcConnection. One thread at a time, like its connection.
class OdbcCursor final : public Cursor {
 public:
  /// Parameter sets bound per array execution at most.
  static constexpr std::size_t kMaxArrayRows = 1000;
  /// Bytes of parameter buffers per array execution at most (ParamBuffers::batch_rows): an
  /// array element is as wide as the longest value of its column, so a few long values end a
  /// batch early instead of multiplying their length by kMaxArrayRows.
  static constexpr std::size_t kMaxArrayBytes = std::size_t{16} << 20;

  explicit OdbcCursor(std::shared_ptr<ConnectionState> state) noexcept;
  ~OdbcCursor() override;

  /// Runs sql with params (? markers, by position). Throws ProgrammingError (07002) when the
  /// number of params is not the statement's, the class of the driver's SQLSTATE for its
  /// errors (odbc_errors.hpp), InterfaceError when the cursor or connection is closed.
  void execute(std::string_view sql, std::span<const Value> params) override;
  /// Runs sql once per parameter set, as arrays where it can (file comment).
  void executemany(std::string_view sql, const ParamSets& param_sets) override;
  bool fetch_into(std::vector<Value>& row) override;
  /// Names and SQL_DESC_TYPE_NAME as the ODBC driver reports them; nullable from
  /// SQLDescribeCol; precision and scale of DECIMAL/NUMERIC columns.
  const std::vector<ColumnDescription>& description() const override {
    return reader_.description();
  }
  std::int64_t rowcount() const override { return rowcount_; }
  std::optional<std::int64_t> lastrowid() const override { return lastrowid_; }
  void close() noexcept override;

 private:
  std::shared_ptr<ConnectionState> state_;  // null once the cursor is closed
  std::unique_ptr<Statement> statement_;    // checked out while its result is read
  ResultReader reader_;
  bool reading_{false};                      // statement_ has an open result
  std::deque<std::vector<Value>> buffered_;  // rows kept by a row-returning executemany
  std::int64_t rowcount_{-1};
  std::optional<std::int64_t> lastrowid_;

  void check_open() const;
  static bool mentions_returning(std::string_view sql) noexcept;
  void refuse_returning(std::string_view sql);
  void release() noexcept;
  Statement& prepare(std::string_view sql, std::size_t params);
  SQLRETURN run(std::string_view sql);
  void after_execute(SQLRETURN rc, std::string_view sql);
  void ask_lastrowid();
  [[noreturn]] void fail(SQLRETURN rc, std::string_view sql);
  std::int64_t affected_rows(bool all_sets);
  void run_array(std::string_view sql, std::size_t first, std::size_t count, std::int64_t& total);
};

}  // namespace crucible::odbc
