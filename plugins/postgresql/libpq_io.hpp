#pragma once
// PgIo: the libpq driver's round trips, blocking or not (libpq "Asynchronous Command
// Processing", https://www.postgresql.org/docs/15/libpq-async.html).
//
// Without a waiter its calls are libpq's blocking ones (PQexec, PQexecParams, PQexecPrepared,
// PQprepare, PQgetResult). With a waiter (dbapi.hpp's IoWaiter, given by the async layer) the
// connection is in nonblocking mode (PQsetnonblocking): each call sends with PQsend…, flushes
// with PQflush, and while libpq is busy waits for the socket through the waiter, then reads with
// PQconsumeInput; the results are the same as the blocking call's, so the code above it does not
// change. What the waiter throws (a cancelled or abandoned wait) goes through; the connection
// is then in an unknown state and the async layer drops it.
#include "crucible/dbapi.hpp"

struct pg_conn;
struct pg_result;
typedef unsigned int Oid;  // NOLINT(modernize-use-using): libpq's own declaration (postgres_ext.h)

namespace crucible::postgresql {

/// One PGconn's way of making round trips. Not owning; one thread at a time, like the PGconn.
class PgIo {
 public:
  explicit PgIo(pg_conn* conn) noexcept : conn_(conn) {}

  pg_conn* conn() const noexcept { return conn_; }
  /// Waits through waiter from now on (nonblocking mode), or blocks again when null. Throws
  /// OperationalError when libpq cannot switch modes (a connection busy with a query).
  void set_waiter(IoWaiter* waiter);
  bool nonblocking() const noexcept { return waiter_ != nullptr; }
  /// Before a request is sent: throws when the waiter could not wait here (IoWaiter::
  /// check_can_wait), so that nothing is left half-done on the connection.
  void check_can_wait() {
    if (waiter_ != nullptr) waiter_->check_can_wait();
  }

  /// PQexec: sql (one or more statements without parameters); the last result, as PQexec
  /// returns it (nullptr when the query could not be sent; PQerrorMessage says why).
  pg_result* exec(const char* sql);
  /// PQexecParams (parameters in text or binary, result format 0 text / 1 binary).
  pg_result* exec_params(const char* sql, int n, const Oid* types, const char* const* values,
                         const int* lengths, const int* formats, int result_format);
  /// PQexecPrepared.
  pg_result* exec_prepared(const char* name, int n, const char* const* values, const int* lengths,
                           const int* formats, int result_format);
  /// PQprepare.
  pg_result* prepare(const char* name, const char* sql, int n, const Oid* types);
  /// PQgetResult: the next result of what was sent, or nullptr at the end of a query's results;
  /// waits while libpq is busy instead of blocking in it.
  pg_result* get_result();
  /// Sends what libpq has buffered (after PQsend… or PQpipelineSync in nonblocking mode),
  /// reading the server's replies meanwhile so that neither side stalls. False when the
  /// connection failed (PQerrorMessage says why). A no-op in blocking mode, where the sends
  /// flushed already.
  bool flush();

 private:
  // After a query was sent: flushes, then reads every result, keeping the last (PQexec's way).
  pg_result* last_result(int sent);

  pg_conn* conn_;
  IoWaiter* waiter_{nullptr};
};

}  // namespace crucible::postgresql
