#pragma once
// Server-side prepared statements of one MariaDB connection (MYSQL_STMT, the binary protocol:
// https://mariadb.com/docs/connectors/mariadb-connector-c/api-prepared-statement-functions),
// and the per-connection cache of them keyed by SQL text, as the libpq driver's StatementCache
// and MariaDB Connector/Python's statement cache do: the first execution of a text prepares it
// (COM_STMT_PREPARE, one round trip), later ones only execute it. At most kMaxEntries
// statements are kept, least recently used first out (closed with COM_STMT_CLOSE).
//
// A statement whose buffered result a cursor is still reading is leased to that cursor: another
// cursor executing the same text meanwhile gets a statement of its own, prepared for it and
// closed when it is done, so neither disturbs the other's rows.
//
// The server re-prepares a cached statement by itself when a table it uses changes (MariaDB and
// MySQL re-validate prepared statements on execution), so the cache needs no invalidation on
// DDL. When the connection is lost every statement is forgotten.
#include <mysql.h>

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "crucible/dbapi.hpp"
#include "mariadb_io.hpp"
#include "mariadb_results.hpp"
#include "mariadb_values.hpp"

namespace crucible::mysql {

/// One prepared statement; closed (mysql_stmt_close) on destruction. Also keeps what its
/// executions reuse: the parameter and result binds and the result's description.
class PreparedStatement {
 public:
  /// Prepares sql on conn. Throws the mapped error (NotSupportedError 1295 for a statement
  /// the binary protocol cannot run, ProgrammingError for a syntax error…).
  PreparedStatement(MariadbIo& io, std::string_view sql);
  ~PreparedStatement();
  PreparedStatement(const PreparedStatement&) = delete;
  PreparedStatement& operator=(const PreparedStatement&) = delete;

  MYSQL_STMT* get() const noexcept { return stmt_; }
  const std::string& sql() const noexcept { return sql_; }
  /// The number of '?' placeholders.
  unsigned long param_count() const noexcept { return param_count_; }

  /// Binds params (count already checked) and executes. A reading statement whose table changed
  /// its columns since it was prepared (CR_NEW_STMT_METADATA) is prepared afresh and run again;
  /// any other statement then throws (it ran, its rows are lost). Throws the mapped error.
  void execute(std::span<const Value> params);
  /// The same for one set of an executemany.
  void execute(std::span<const Value* const> params);
  /// Executes sets [first, first + count) in one COM_STMT_BULK_EXECUTE (array binding), then
  /// switches array binding off again. Throws the mapped error.
  void execute_bulk(const ParamSets& sets, std::size_t first, std::size_t count);

  /// After an execution: when the statement returns rows, buffers them all on the client
  /// (mysql_stmt_store_result) and binds the result buffers; returns whether it has rows.
  /// Throws the mapped error: one the server sends in place of the rows (MariaDB's INSERT …
  /// RETURNING reports a constraint violation so) leaves the statement reset, ready to execute
  /// again.
  bool store_result();
  /// The next buffered row into row; false when none is left. Throws the mapped error.
  bool fetch(std::vector<Value>& row);
  /// After the rows are read: frees them and reads the further results (a CALL returns one per
  /// SELECT it runs, then its status), raising an error one of them reports (a SIGNAL after
  /// the procedure's first SELECT) as the mapped DBAPIError.
  void end_results();
  /// Frees the buffered rows and any further result sets (a CALL's), so that the statement
  /// (and the connection) can run the next one. Never throws.
  void free_result() noexcept;

  /// The columns of the current result.
  const std::vector<ColumnDescription>& description() const noexcept { return description_; }
  /// Rows the result holds / the last execution changed (with CLIENT_FOUND_ROWS: matched).
  std::int64_t num_rows() const noexcept;
  std::int64_t affected_rows() const noexcept;
  /// The AUTO_INCREMENT value the last execution generated, or 0.
  std::int64_t insert_id() const noexcept;

  /// True while leased to a cursor (StatementCache).
  bool in_use{false};

 private:
  void check(int rc);
  [[noreturn]] void fail_reading();
  void describe();
  template <class Params>
  void run(Params params);

  MariadbIo* io_;  ///< the connection's (it outlives its statements)
  MYSQL_STMT* stmt_{nullptr};
  std::string sql_;
  unsigned long param_count_{0};
  ParamBinds params_;
  BulkBinds bulk_;
  ResultBinds results_;
  std::vector<ColumnDescription> description_;
  // What description_ was made from, per column: the attributes Connector/C refreshes when the
  // server sends new metadata for a re-prepared statement.
  struct FieldShape {
    enum_field_types type;
    unsigned int flags;
    unsigned int charsetnr;
    unsigned long length;
    unsigned int decimals;
    bool operator==(const MYSQL_FIELD& f) const noexcept;
  };
  std::vector<FieldShape> shapes_;
};

/// The cache of one connection (see the file comment). Not thread-safe (one connection, one
/// thread).
class StatementCache {
 public:
  /// Statements kept (Connector/Python's default prepared statement cache size).
  static constexpr std::size_t kMaxEntries = 100;

  /// A statement for sql, leased (in_use set): the cached one when it is free, else a new one,
  /// cached when the text was not. Throws as PreparedStatement's constructor.
  std::shared_ptr<PreparedStatement> acquire(MariadbIo& io, std::string_view sql);
  /// Ends a lease: frees the statement's result; it may be handed out again.
  static void release(PreparedStatement& statement) noexcept;
  /// Forgets every statement (closing those no cursor holds).
  void clear() noexcept;
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct Entry {
    std::shared_ptr<PreparedStatement> statement;
    std::list<std::string>::iterator lru;
  };
  std::list<std::string> lru_;  // most recently used first
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace crucible::mysql
