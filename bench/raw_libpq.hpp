#pragma once
// The raw side of the PostgreSQL benchmarks (postgresql_bench, orm_postgresql_bench): what a C
// programmer writes around libpq (https://www.postgresql.org/docs/15/libpq-exec.html), shared so
// that both programs measure crucible against the same hand-written code.
#include <libpq-fe.h>

#include <charconv>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bench_support.hpp"

namespace crucible::bench::raw_libpq {

/// Deleters for unique_ptr: PQfinish a connection, PQclear a result.
struct ConnCloser {
  void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};
struct ResultCloser {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using RawResult = std::unique_ptr<PGresult, ResultCloser>;

/// Owns result; throws runtime_error with `what` and PQerrorMessage unless its status is wanted.
inline RawResult expect(PGconn* conn, PGresult* result, ExecStatusType wanted,
                        std::string_view what) {
  RawResult owned(result);
  if (!owned || PQresultStatus(owned.get()) != wanted)
    throw std::runtime_error(std::string(what) + ": " + PQerrorMessage(conn));
  return owned;
}

/// Runs sql (no parameters, no rows) or throws.
inline void exec(PGconn* conn, const std::string& sql) {
  expect(conn, PQexec(conn, sql.c_str()), PGRES_COMMAND_OK, sql);
}

/// A connection to url (libpq takes crucible's postgresql:// URL as it is:
/// https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNSTRING); throws when it fails.
inline std::unique_ptr<PGconn, ConnCloser> connect(const char* url) {
  std::unique_ptr<PGconn, ConnCloser> conn(PQconnectdb(url));
  if (PQstatus(conn.get()) != CONNECTION_OK)
    throw std::runtime_error(std::string("raw connection: ") + PQerrorMessage(conn.get()));
  return conn;
}

/// Prepares sql (with params placeholders) under name, or throws.
inline void prepare(PGconn* conn, const char* name, const char* sql, int params) {
  expect(conn, PQprepare(conn, name, sql, params, nullptr), PGRES_COMMAND_OK,
         std::string("prepare ") + name);
}

/// The integer written in text[0, length) (a text-format field).
inline std::int64_t to_int(const char* text, int length) {
  std::int64_t value = 0;
  std::from_chars(text, text + length, value);
  return value;
}

/// Adds the rows of a text-format (id, name, description, quantity) result to sum.
inline void add_rows(const PGresult* result, Checksum& sum) {
  const int rows = PQntuples(result);
  for (int r = 0; r < rows; ++r) {
    const std::int64_t id = to_int(PQgetvalue(result, r, 0), PQgetlength(result, r, 0));
    const std::string name(PQgetvalue(result, r, 1),
                           static_cast<std::size_t>(PQgetlength(result, r, 1)));
    const std::string description(PQgetvalue(result, r, 2),
                                  static_cast<std::size_t>(PQgetlength(result, r, 2)));
    const std::int64_t quantity = to_int(PQgetvalue(result, r, 3), PQgetlength(result, r, 3));
    sum.add(id, name, description, quantity);
  }
}

}  // namespace crucible::bench::raw_libpq
