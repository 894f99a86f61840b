#pragma once
// The cursor of the mariadbconnector driver (PEP 249 §Cursor Objects over MYSQL_STMT).
//
// execute() takes the statement from the connection's StatementCache (preparing it on first
// use), binds the parameters (mariadb_values.hpp) and executes it; a statement that returns
// rows has them buffered on the client at once (mysql_stmt_store_result, as Connector/Python's
// default buffered cursor), so the connection is free for other statements while they are read.
// A statement the binary protocol cannot prepare (error 1295, ER_UNSUPPORTED_PS) runs through
// the text protocol (mysql_real_query) when it has no parameters.
//
// Once its rows are read the cursor gives the statement back to the cache (keeping a copy of the
// description), so that another cursor running the same text reuses it. A CALL's further results
// are read then too (at once, under the text protocol), and an error among them (a SIGNAL after
// the procedure's first SELECT) is raised as the mapped DBAPIError. Any error while fetching
// leaves the cursor without rows.
//
// executemany() prepares the statement once and executes it with the first set, then:
//  * on MariaDB (10.2+), when the statement returned no rows and every parameter position holds
//    one kind of value across the other sets, sends those with array binding, one
//    COM_STMT_BULK_EXECUTE per chunk of about 1 MiB (less when max_allowed_packet is small);
//  * otherwise executes it once per set (MySQL, mixed kinds, INSERT … RETURNING, whose rows are
//    kept in the order of the sets for the fetch calls).
// rowcount() is the total either way; lastrowid() the last execution's insert id. A failing set
// stops the rest; in autocommit mode the sets before it stay committed (one transaction per
// execution, as the server does it).
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/dbapi.hpp"
#include "mariadb_driver.hpp"
#include "mariadb_statement.hpp"

namespace crucible::mysql {

/// A cursor of MariadbConnection. One thread at a time, like its connection.
class MariadbCursor final : public Cursor {
 public:
  explicit MariadbCursor(std::shared_ptr<ConnectionState> state) noexcept;
  ~MariadbCursor() override;

  /// Runs sql with params bound to its '?' in order. rowcount() is then the rows changed
  /// (matched, for an UPDATE) or, for a statement returning rows, the rows returned; lastrowid()
  /// the AUTO_INCREMENT value it generated, nullopt when none. Throws ProgrammingError for a
  /// wrong number of parameters, DataError for NaN/infinity, the mapped error
  /// (mariadb_errors.hpp) for the server's refusals, InterfaceError when closed.
  void execute(std::string_view sql, std::span<const Value> params) override;
  /// Runs sql once per parameter set (see the file comment); rowcount() is the total.
  void executemany(std::string_view sql, const ParamSets& param_sets) override;
  bool fetch_into(std::vector<Value>& row) override;
  /// Names and types from the result metadata (see describe_field).
  const std::vector<ColumnDescription>& description() const override;
  std::int64_t rowcount() const override { return rowcount_; }
  std::optional<std::int64_t> lastrowid() const override { return lastrowid_; }
  void close() noexcept override;

 private:
  void check_open() const;
  void reset() noexcept;
  /// Ends the cursor's lease of statement_ once its rows are read (or unreadable after an error),
  /// keeping a copy of the description: the cache may hand the statement to another cursor, whose
  /// execution would replace its rows and description.
  void give_back_statement() noexcept;
  std::shared_ptr<PreparedStatement> acquire(std::string_view sql, std::size_t params);
  /// Reads every row of statement_ into kept_rows_ and ends its results (non-blocking mode).
  void keep_rows();
  void after_execute(PreparedStatement& statement);
  void run_text(std::string_view sql);
  void run_many(const ParamSets& param_sets);
  std::int64_t run_bulk(const ParamSets& param_sets, std::size_t first,
                        const std::vector<std::size_t>& wire_sizes);

  std::shared_ptr<ConnectionState> state_;        // null once the cursor is closed
  std::shared_ptr<PreparedStatement> statement_;  // leased: the statement whose result is read
  bool has_rows_{false};                          // statement_ holds unread buffered rows
  MYSQL_RES* text_result_{nullptr};               // the text-protocol fallback's result
  std::vector<FieldKind> text_kinds_;
  std::vector<std::vector<Value>> kept_rows_;  // executemany's rows (… RETURNING)
  std::size_t kept_index_{0};
  std::vector<ColumnDescription> own_description_;  // for text results and kept rows
  bool use_own_description_{false};
  std::int64_t rowcount_{-1};
  std::optional<std::int64_t> lastrowid_;
};

}  // namespace crucible::mysql
