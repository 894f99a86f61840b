#pragma once
// Prepared statements of the sqlite3 driver and their per-connection cache.
//
// A Statement owns one sqlite3_stmt. The StatementCache keeps up to 128 of them per connection,
// keyed by SQL text and evicted least recently used first (Python's sqlite3 cached_statements),
// so running the same SQL again skips sqlite3_prepare. A statement handed to a cursor is "in
// use" until the cursor releases it; asking for the same SQL meanwhile gets a fresh, uncached
// statement, so two cursors never step one sqlite3_stmt.
//
// Not thread-safe: a connection, its cache and its statements belong to one thread at a time
// (PEP 249 threadsafety 1; the connection is opened with SQLITE_OPEN_NOMUTEX).
#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "crucible/dbapi.hpp"
#include "crucible/sdk/sqlite3/sqlite3_values.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace crucible::sqlite {

/// The result columns of a prepared statement: what Cursor::description() shows and how each
/// column's values are converted (its declared type, parsed). Shared by the cursors that read
/// the statement's rows; never changed once made.
struct ResultColumns {
  /// Names from sqlite3_column_name, type_name from sqlite3_column_decltype ("" for an
  /// expression), precision/scale from a DECIMAL/NUMERIC(p,s) declaration.
  std::vector<ColumnDescription> description;
  std::vector<DeclaredType> types;  ///< parallel to description
};

/// One prepared statement. Non-copyable; finalized by finalize() or the destructor.
class Statement {
 public:
  /// Takes ownership of raw (may be nullptr: SQL holding only whitespace and comments).
  Statement(sqlite3_stmt* raw, std::string sql) noexcept;
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  /// The handle; nullptr for empty SQL or once finalized.
  sqlite3_stmt* raw() const noexcept { return raw_; }
  const std::string& sql() const noexcept { return sql_; }
  /// INSERT, UPDATE, DELETE or REPLACE (the first keyword, as CPython's is_dml): rowcount is
  /// sqlite3_changes64() after it.
  bool is_dml() const noexcept { return is_dml_; }
  /// INSERT or REPLACE: lastrowid is sqlite3_last_insert_rowid() after it.
  bool is_insert() const noexcept { return is_insert_; }
  /// BEGIN, COMMIT, END or ROLLBACK (not ROLLBACK TO): the statement manages the transaction
  /// itself, so no implicit BEGIN is issued before it.
  bool controls_transaction() const noexcept { return controls_transaction_; }
  /// SELECT or VALUES (the first keyword, or the verb after WITH …) that SQLite reports
  /// read-only (sqlite3_stmt_readonly): it may start a transaction without a BEGIN
  /// (ConnectionState::may_defer_begin).
  bool is_read_only_query() const noexcept { return is_read_only_query_; }

  /// The statement's result columns (none for a statement that returns no rows), read from
  /// SQLite once and kept: they depend only on the SQL and the schema, so they are read again
  /// only after SQLite re-prepared the statement for a schema change
  /// (SQLITE_STMTSTATUS_REPREPARE, https://sqlite.org/c3ref/c_stmtstatus_counter.html). Call
  /// after a step, which is when such a re-prepare happens. Throws std::bad_alloc only.
  const std::shared_ptr<const ResultColumns>& result_columns();

  bool in_use() const noexcept { return in_use_; }
  void set_in_use(bool in_use) noexcept { in_use_ = in_use; }

  /// sqlite3_reset + sqlite3_clear_bindings: ready to be bound and run again. Never throws.
  void reset() noexcept;
  /// sqlite3_finalize; raw() is nullptr afterwards. Idempotent, never throws.
  void finalize() noexcept;

 private:
  sqlite3_stmt* raw_;
  std::string sql_;
  bool is_dml_{false};
  bool is_insert_{false};
  bool controls_transaction_{false};
  bool is_read_only_query_{false};
  bool in_use_{false};
  std::shared_ptr<const ResultColumns> columns_;  // null until first read
  int columns_reprepares_{0};  // SQLITE_STMTSTATUS_REPREPARE when columns_ was read
};

/// Prepares sql (one statement) on db with sqlite3_prepare_v3; persistent hints that it will
/// be reused (SQLITE_PREPARE_PERSISTENT). Throws ProgrammingError "You can only execute one
/// statement at a time." when anything but whitespace, comments or ';' follows the first
/// statement, ProgrammingError for SQL containing a NUL character, and the mapped error of
/// sqlite3_errors.hpp when SQLite refuses the SQL (a syntax error is OperationalError, as in
/// Python's sqlite3).
std::shared_ptr<Statement> prepare_statement(sqlite3* db, std::string_view sql, bool persistent);

/// Position just past the leading whitespace, "-- …" and "/* … */" comments (and, when
/// skip_semicolons, ';') of sql. An unterminated block comment runs to the end, as in SQLite.
std::size_t skip_blank(std::string_view sql, std::size_t pos, bool skip_semicolons) noexcept;

/// The per-connection LRU cache of prepared statements (see the file comment).
class StatementCache {
 public:
  /// Python's sqlite3 default for cached_statements.
  static constexpr std::size_t kDefaultCapacity = 128;

  explicit StatementCache(std::size_t capacity = kDefaultCapacity) noexcept;
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  /// A statement for sql that no cursor is using, marked in use: the cached one (reset, no
  /// bindings) or a newly prepared one. Throws as prepare_statement.
  std::shared_ptr<Statement> acquire(sqlite3* db, std::string_view sql);
  /// Gives a statement from acquire() back: resets it and clears its bindings. Never throws.
  void release(const std::shared_ptr<Statement>& statement) noexcept;
  /// Finalizes every statement this cache made, cached or handed out (before sqlite3_close).
  void finalize_all() noexcept;
  /// Statements currently cached.
  std::size_t size() const noexcept { return lru_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  using Lru = std::list<std::shared_ptr<Statement>>;  // front: most recently used
  /// How many of the most recently used acquire() compares with before it hashes the SQL.
  static constexpr std::size_t kRecent = 4;

  std::size_t capacity_;
  Lru lru_;
  std::unordered_map<std::string, Lru::iterator, Hash, std::equal_to<>> index_;
  // Statements handed out that the cache does not hold (uncached duplicates, evicted ones):
  // finalize_all() must still reach them.
  std::vector<std::weak_ptr<Statement>> outside_;

  void track_outside(const std::shared_ptr<Statement>& statement);
};

}  // namespace crucible::sqlite
