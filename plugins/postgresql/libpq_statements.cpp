// Prepared statements of a libpq connection (libpq_statements.hpp).
#include "libpq_statements.hpp"

#include <libpq-fe.h>

#include <memory>

#include "libpq_io.hpp"
#include "postgresql_errors.hpp"

namespace crucible::postgresql {

namespace {
using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;
}

std::string StatementCache::key(std::string_view sql, const EncodedParams& params) {
  // The SQL text, then the parameter OIDs as bytes: one statement per distinct typing.
  std::string out(sql);
  out.push_back('\0');
  const auto* types = reinterpret_cast<const char*>(params.types.data());
  out.append(types, params.types.size() * sizeof(TypeOid));
  return out;
}

std::string StatementCache::lookup(PgIo& io, std::string_view sql, const EncodedParams& params,
                                   bool force) {
  std::string k = key(sql, params);
  auto it = entries_.find(k);
  if (it == entries_.end()) {
    if (entries_.size() >= kMaxEntries) evict(io);
    lru_.push_front(k);
    it = entries_.emplace(std::move(k), Entry{"", 0, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  }
  Entry& entry = it->second;
  const bool due = force || entry.uses >= static_cast<std::uint64_t>(threshold_);
  ++entry.uses;
  if (!entry.name.empty() || !due) return entry.name;

  const std::string name = "crucible_" + std::to_string(++counter_);
  const std::string text(sql);
  const ResultPtr result(
      io.prepare(name.c_str(), text.c_str(), params.count(), params.types.data()), &PQclear);
  if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    throw_result_error(io.conn(), result.get(), sql);
  }
  entry.name = name;
  return entry.name;
}

void StatementCache::on_error(PgIo& io, std::string_view sql, const EncodedParams& params,
                              std::string_view sqlstate) noexcept {
  PGconn* conn = io.conn();
  if (sqlstate == "26000") {  // invalid_sql_statement_name: the server forgot our names
    clear();
    return;
  }
  if (sqlstate != "0A000") return;  // feature_not_supported: "cached plan must not change…"
  try {
    const auto it = entries_.find(key(sql, params));
    if (it == entries_.end()) return;
    if (!it->second.name.empty() && PQstatus(conn) == CONNECTION_OK &&
        PQtransactionStatus(conn) == PQTRANS_IDLE) {
      PQclear(io.exec(("DEALLOCATE " + it->second.name).c_str()));
    }
    lru_.erase(it->second.lru);
    entries_.erase(it);
  } catch (...) {  // out of memory building the key: keep the entry, the next error retries
  }
}

void StatementCache::evict(PgIo& io) noexcept {
  PGconn* conn = io.conn();
  if (lru_.empty()) return;
  const auto it = entries_.find(lru_.back());
  if (it != entries_.end()) {
    // In a failed transaction DEALLOCATE fails too; the name is then only left unused.
    if (!it->second.name.empty() && PQstatus(conn) == CONNECTION_OK) {
      try {
        PQclear(io.exec(("DEALLOCATE " + it->second.name).c_str()));
      } catch (...) {  // the async layer's wait gave up: the name is only left unused
      }
    }
    entries_.erase(it);
  }
  lru_.pop_back();
}

void StatementCache::clear() noexcept {
  entries_.clear();
  lru_.clear();
}

}  // namespace crucible::postgresql
