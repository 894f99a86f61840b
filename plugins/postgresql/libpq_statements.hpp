#pragma once
// Server-side prepared statements of one libpq connection, cached by SQL text and parameter
// types, after psycopg 3's automatic preparation (psycopg/_preparing.py): a statement runs
// unnamed (PQexecParams) until it has been seen prepare_threshold times, then it is prepared
// once (PQprepare, a name "crucible_<n>") and executed by name (PQexecPrepared) after that.
// At most kMaxEntries statements are remembered, least recently used first out; a prepared one
// that drops out is DEALLOCATEd.
//
// Prepared statements are connection state outside transactions (a ROLLBACK does not undo a
// protocol-level prepare). A statement whose plan the server can no longer use (SQLSTATE
// 0A000 "cached plan must not change result type" after a DDL change) is forgotten, and when
// the server no longer knows a name (26000, after DISCARD ALL or DEALLOCATE ALL) every entry
// is, so the next execution prepares afresh.
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "libpq_values.hpp"

struct pg_conn;

namespace crucible::postgresql {
class PgIo;
}

namespace crucible::postgresql {

/// The cache of one connection. Not thread-safe (one connection, one thread).
class StatementCache {
 public:
  /// Entries kept (psycopg's prepared_max).
  static constexpr std::size_t kMaxEntries = 100;

  explicit StatementCache(int prepare_threshold) noexcept : threshold_(prepare_threshold) {}

  /// The name to execute sql with under parameter types, preparing it on conn first when this
  /// is the use that reaches the threshold (or always, with force); "" means run it unnamed.
  /// Throws the mapped error when PQprepare fails (e.g. a syntax error).
  std::string lookup(PgIo& io, std::string_view sql, const EncodedParams& params, bool force);

  /// Forgets what an execution error says is stale (see the file comment).
  void on_error(PgIo& io, std::string_view sql, const EncodedParams& params,
                std::string_view sqlstate) noexcept;

  /// Forgets every entry without telling the server (the connection is gone).
  void clear() noexcept;

  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct Entry {
    std::string name;  // "" until prepared
    std::uint64_t uses{};
    std::list<std::string>::iterator lru;
  };
  static std::string key(std::string_view sql, const EncodedParams& params);
  void evict(PgIo& io) noexcept;

  int threshold_;
  std::uint64_t counter_{};
  std::list<std::string> lru_;  // most recently used first
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace crucible::postgresql
