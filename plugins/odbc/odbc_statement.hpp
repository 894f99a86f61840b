#pragma once
// Prepared statements of one ODBC connection (SQLPrepare once, SQLExecute many times), kept in
// a per-connection cache by SQL text, as pyodbc keeps the last statement prepared and JDBC pools
// keep a statement cache: a cursor checks a statement out for as long as it reads its results,
// so two cursors running the same SQL at once each get their own handle, and checks it back in
// (SQLFreeStmt SQL_CLOSE, SQL_RESET_PARAMS) when it moves on. At most kMaxEntries idle
// statements are kept, the least recently used freed first.
//
// A statement whose execution failed is given up rather than returned (a plan made stale by DDL is
// then prepared afresh next time), and a schema change on the connection (a statement starting
// with CREATE, ALTER, DROP, RENAME or TRUNCATE) frees every idle statement first: what a driver
// learnt at prepare time (parameter types from SQLDescribeParam, a server-side plan) may no
// longer hold. Schema changes made by other connections are met as errors, as by the libpq
// driver's cache. When the connection closes, SQLDisconnect frees every statement handle with it
// (ODBC reference, SQLDisconnect), so the cache then only forgets them.
//
// Handles are not freed while a transaction may be open: they are retired and freed once it has
// ended (free_retired). psqlODBC names a statement's server-side plan after the handle's address
// and deallocates it when the handle is freed; inside a failed PostgreSQL transaction that
// DEALLOCATE fails unseen, and a new handle at the same address then meets "prepared statement
// … already exists" (42P05). Keeping the old handle alive until the transaction is over keeps
// its address from being reused meanwhile.
#include <cstddef>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <sql.h>

#include "odbc_errors.hpp"
#include "odbc_params.hpp"

namespace crucible::odbc {

/// One prepared statement handle and the buffers bound to it.
class Statement {
 public:
  Statement(SQLHSTMT handle, std::string sql) noexcept : handle_(handle), sql_(std::move(sql)) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  SQLHSTMT handle() const noexcept { return handle_; }
  const std::string& sql() const noexcept { return sql_; }
  ParamBuffers& params() noexcept { return params_; }

  /// The statement's parameter markers (SQLNumParams), or nullopt when the driver cannot say.
  std::optional<std::size_t> parameter_count() noexcept;
  /// The SQL type of parameter i (0-based) as SQLDescribeParam reports it, SQL_VARCHAR when the
  /// driver cannot say; asked once per parameter.
  SQLSMALLINT parameter_type(std::size_t i) noexcept;
  /// Result columns of the prepared statement (SQLNumResultCols), 0 when none or unknown.
  SQLSMALLINT result_columns() noexcept;

  /// Closes any open result (SQLFreeStmt SQL_CLOSE) and unbinds parameters and columns. Never
  /// throws.
  void reset() noexcept;
  /// Frees the handle (SQLFreeHandle). Only while its connection is open.
  void free() noexcept;

 private:
  SQLHSTMT handle_;
  std::string sql_;
  ParamBuffers params_;
  std::optional<std::optional<std::size_t>> parameter_count_;
  std::vector<SQLSMALLINT> parameter_types_;  // 0: not asked yet
};

/// The first keyword of sql in upper case, after blanks and comments ("" when none).
std::string first_keyword(std::string_view sql);

/// True when sql's first keyword is CREATE, ALTER, DROP, RENAME or TRUNCATE.
bool changes_schema(std::string_view sql);

/// The statements of one connection (see the file comment). Not thread-safe.
class StatementCache {
 public:
  static constexpr std::size_t kMaxEntries = 100;

  /// An idle prepared statement for sql, or a new one (SQLAllocHandle + SQLPrepare). Throws the
  /// driver's error for a statement it refuses to prepare.
  std::unique_ptr<Statement> checkout(SQLHDBC dbc, std::string_view sql,
                                      NativeCodes codes = NativeCodes::kStandard);
  /// Returns statement for reuse (reset first). Never throws.
  void checkin(std::unique_ptr<Statement> statement) noexcept;
  /// Retires every idle statement (the connection is still open).
  void free_all() noexcept;
  /// Keeps statement to be freed by free_retired (see the file comment). Never throws.
  void retire(std::unique_ptr<Statement> statement) noexcept;
  /// Frees the retired statements' handles; call when no transaction is open.
  void free_retired() noexcept;
  /// Forgets every statement without freeing it (the connection is gone).
  void forget_all() noexcept;
  std::size_t size() const noexcept { return lru_.size(); }

 private:
  std::list<std::unique_ptr<Statement>> lru_;  // most recently used first
  std::unordered_multimap<std::string, std::list<std::unique_ptr<Statement>>::iterator> index_;
  std::vector<std::unique_ptr<Statement>> retired_;
};

}  // namespace crucible::odbc
