// PgIo (libpq_io.hpp).
#include "libpq_io.hpp"

#include <libpq-fe.h>

#include "crucible/errors.hpp"
#include "postgresql_errors.hpp"

namespace crucible::postgresql {

void PgIo::set_waiter(IoWaiter* waiter) {
  if (conn_ != nullptr && PQsetnonblocking(conn_, waiter != nullptr ? 1 : 0) != 0)
    throw_result_error(conn_, nullptr, "");
  waiter_ = waiter;
}

bool PgIo::flush() {
  if (waiter_ == nullptr) return true;
  for (;;) {
    const int pending = PQflush(conn_);
    if (pending == 0) return true;
    if (pending < 0) return false;
    // The server may be waiting for us to read before it reads more (libpq-async.html, PQflush).
    const IoEvents got = waiter_->wait(PQsocket(conn_), IoEvents::kRead | IoEvents::kWrite, -1);
    if (any(got & IoEvents::kRead) && PQconsumeInput(conn_) == 0) return false;
  }
}

pg_result* PgIo::get_result() {
  if (waiter_ != nullptr) {
    if (!flush()) return PQgetResult(conn_);  // the connection failed: libpq reports it
    while (PQisBusy(conn_) != 0) {
      waiter_->wait(PQsocket(conn_), IoEvents::kRead, -1);
      if (PQconsumeInput(conn_) == 0) break;  // the connection failed: PQgetResult reports it
    }
  }
  return PQgetResult(conn_);
}

pg_result* PgIo::last_result(int sent) {
  if (sent != 1) return nullptr;
  PGresult* last = nullptr;
  while (PGresult* result = get_result()) {
    PQclear(last);
    last = result;
    const ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH ||
        PQstatus(conn_) == CONNECTION_BAD)
      break;
  }
  return last;
}

pg_result* PgIo::exec(const char* sql) {
  if (waiter_ == nullptr) return PQexec(conn_, sql);
  waiter_->check_can_wait();
  return last_result(PQsendQuery(conn_, sql));
}

pg_result* PgIo::exec_params(const char* sql, int n, const Oid* types, const char* const* values,
                             const int* lengths, const int* formats, int result_format) {
  if (waiter_ == nullptr)
    return PQexecParams(conn_, sql, n, types, values, lengths, formats, result_format);
  waiter_->check_can_wait();
  return last_result(
      PQsendQueryParams(conn_, sql, n, types, values, lengths, formats, result_format));
}

pg_result* PgIo::exec_prepared(const char* name, int n, const char* const* values,
                               const int* lengths, const int* formats, int result_format) {
  if (waiter_ == nullptr)
    return PQexecPrepared(conn_, name, n, values, lengths, formats, result_format);
  waiter_->check_can_wait();
  return last_result(PQsendQueryPrepared(conn_, name, n, values, lengths, formats, result_format));
}

pg_result* PgIo::prepare(const char* name, const char* sql, int n, const Oid* types) {
  if (waiter_ == nullptr) return PQprepare(conn_, name, sql, n, types);
  waiter_->check_can_wait();
  return last_result(PQsendPrepare(conn_, name, sql, n, types));
}

}  // namespace crucible::postgresql
