#pragma once
// A cursor of the "fbclient" driver: one DSQL statement handle (isc_dsql_allocate_statement),
// prepared once per SQL text and run with an input XSQLDA of bound parameters (InterBase 6 API
// Guide, chapter 6 "Working with Dynamic SQL"; Firebird 3.0 Developer's Guide).
//
// Values at the boundary (crucible/value.hpp):
//   in   null, bool (BOOLEAN), int64 (BIGINT), double (DOUBLE PRECISION), string and Json (text
//        in the connection's UTF8, or a BLOB written segment by segment when the parameter is
//        a BLOB), bytes (OCTETS text, or a BLOB), Date/Time/DateTime (ISC_DATE/ISC_TIME/
//        ISC_TIMESTAMP: days since 1858-11-17 and 1/10000 s since midnight), Decimal (text,
//        which Firebird converts exactly), Uuid (its 32 hex digits, the CHAR(32) it is stored
//        as). A DateTime with a UTC offset is refused (DataError): Firebird 3 has no time zones.
//   out  SMALLINT/INTEGER/BIGINT as int64 (with a scale: Decimal), FLOAT/DOUBLE as double,
//        CHAR/VARCHAR as string (CHAR's padding trimmed; OCTETS as bytes), BLOB SUB_TYPE TEXT
//        as string and other BLOBs as bytes (read whole), DATE/TIME/TIMESTAMP as Date/Time/
//        DateTime (to 100 µs, Firebird's precision), BOOLEAN as bool.
// Result column names that Firebird upper-cased (unquoted identifiers) are given back in lower
// case, as SQLAlchemy's firebird dialect does (normalize_name), so that row["id"] finds ID.
//
// A SELECT runs as an open DSQL cursor fetched row by row (isc_dsql_fetch); a statement with
// RETURNING is a singleton (isc_dsql_execute2) whose row is buffered; executemany gathers the
// RETURNING rows of every set in order.
#include <ibase.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crucible/dbapi.hpp"

namespace crucible::firebird {

class Attachment;

/// One cursor (see the file comment). Used by the connection's thread only.
class FbclientCursor final : public Cursor {
 public:
  /// A cursor on the attachment state (shared with its connection and the other cursors: when
  /// the connection is closed or destroyed first, every call but close() throws InterfaceError).
  explicit FbclientCursor(std::shared_ptr<Attachment> conn);
  ~FbclientCursor() override;
  FbclientCursor(const FbclientCursor&) = delete;
  FbclientCursor& operator=(const FbclientCursor&) = delete;

  /// Prepares sql (unless it is the statement prepared last) in the connection's transaction and
  /// runs it with params. Throws ProgrammingError when the number of parameters differs from
  /// the statement's markers, DataError for a value Firebird cannot take, and the errors of
  /// fbclient_errors.hpp for what Firebird refuses (the message holds the SQL, never a
  /// password); InterfaceError once closed.
  void execute(std::string_view sql, std::span<const Value> params) override;
  /// Runs sql once per set; rowcount() is the sum and RETURNING rows of every set are kept in
  /// order. Throws as execute(), naming the set that failed in a ProgrammingError for a wrong
  /// parameter count.
  void executemany(std::string_view sql, const ParamSets& param_sets) override;
  /// The next row (a buffered RETURNING row, else isc_dsql_fetch of the open cursor) into row;
  /// false when there is none. Throws InterfaceError once closed (the cursor or its
  /// connection), the mapped error when Firebird fails mid-fetch (the server cursor is closed
  /// first, so the statement can run again).
  bool fetch_into(std::vector<Value>& row) override;
  /// The result columns of the statement prepared last (names normalised, normalize_name()).
  const std::vector<ColumnDescription>& description() const override { return description_; }
  /// Rows inserted, updated or deleted by the last execute (isc_info_sql_records; the sum for
  /// executemany), -1 for a SELECT or DDL.
  std::int64_t rowcount() const override { return rowcount_; }
  /// Always nullopt: Firebird has no row id of the last insert; use RETURNING.
  std::optional<std::int64_t> lastrowid() const override { return std::nullopt; }
  /// Drops the statement handle (DSQL_drop) while the attachment is open. Idempotent.
  void close() noexcept override;

 private:
  struct Sqlda;  // an XSQLDA with the storage of its variables

  /// isc_dsql_prepare of sql unless it is prepared already; describes its columns and markers.
  void prepare(std::string_view sql);
  /// Fills the input XSQLDA from params (see the file comment for the types).
  void bind(std::span<const Value* const> params);
  /// Executes the prepared statement once with params; keep_rows buffers a RETURNING row.
  void run(std::span<const Value* const> params, bool keep_rows);
  /// Closes the open server cursor (DSQL_close), if any.
  void close_cursor() noexcept;
  /// Converts the output XSQLDA's current row into row.
  void read_row(std::vector<Value>& row);
  /// isc_info_sql_records: rows inserted + updated + deleted by the last execute, -1 if unknown.
  std::int64_t affected_rows();
  /// The whole BLOB id, as text or bytes.
  Value read_blob(const ISC_QUAD& id, bool text);
  /// A new BLOB holding size bytes of data; its id.
  ISC_QUAD write_blob(const void* data, std::size_t size);

  std::shared_ptr<Attachment> conn_;
  isc_stmt_handle stmt_{0};
  std::string sql_;        ///< the statement prepared in stmt_
  int statement_type_{0};  ///< isc_info_sql_stmt_*
  std::unique_ptr<Sqlda> in_;
  std::unique_ptr<Sqlda> out_;
  std::vector<ColumnDescription> description_;
  std::deque<std::vector<Value>> buffered_;  ///< RETURNING rows not fetched yet
  bool cursor_open_{false};
  std::int64_t rowcount_{-1};
  bool closed_{false};
};

}  // namespace crucible::firebird
