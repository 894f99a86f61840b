#pragma once
// MariadbIo: the mariadbconnector driver's round trips, blocking or not (MariaDB Connector/C's
// non-blocking API, https://mariadb.com/kb/en/using-the-non-blocking-library/: each call has a
// _start and a _cont form; while the status they return has MYSQL_WAIT_READ, _WRITE or
// _TIMEOUT, the caller waits for mysql_get_socket() to be ready and calls _cont).
//
// Without a waiter its calls are Connector/C's blocking ones. With a waiter (dbapi.hpp's
// IoWaiter, given by the async layer) each call runs as _start/_cont with the waits made
// through the waiter; the results are the blocking call's, so the code above it does not
// change. Before a request is sent the waiter is asked whether it may wait here
// (check_can_wait), so a call that may not fails with the connection as it was. What the waiter
// throws in the middle of a call goes through; the connection is then in an unknown state and
// the async layer drops it.
#include <mysql.h>

#include <string_view>

#include "crucible/dbapi.hpp"

namespace crucible::mysql {

/// One MYSQL handle's way of making round trips. Not owning; one thread at a time, like the
/// handle.
class MariadbIo {
 public:
  explicit MariadbIo(MYSQL* conn) noexcept : conn_(conn) {}

  MYSQL* conn() const noexcept { return conn_; }
  /// Waits through waiter from now on, or blocks again when null. The handle must have been
  /// made with MYSQL_OPT_NONBLOCK (enable_nonblocking) for a waiter to be set.
  void set_waiter(IoWaiter* waiter) noexcept { waiter_ = waiter; }
  bool nonblocking() const noexcept { return waiter_ != nullptr; }
  /// Gives a handle (before mysql_real_connect) what the _start/_cont calls need
  /// (MYSQL_OPT_NONBLOCK). False when Connector/C refuses.
  static bool enable_nonblocking(MYSQL* conn) noexcept;

  // The connection's calls, with the blocking calls' results.
  MYSQL* real_connect(const char* host, const char* user, const char* password, const char* db,
                      unsigned int port, const char* unix_socket, unsigned long flags);
  int real_query(std::string_view sql);
  MYSQL_RES* store_result();
  int next_result();
  my_bool commit();
  my_bool rollback();
  my_bool autocommit(bool on);
  int ping();
  /// mysql_close. Never throws: where the waiter cannot wait, the handle closes blocking (a
  /// COM_QUIT written to the socket).
  void close() noexcept;

  // A prepared statement's calls.
  int stmt_prepare(MYSQL_STMT* stmt, std::string_view sql);
  int stmt_execute(MYSQL_STMT* stmt);
  int stmt_store_result(MYSQL_STMT* stmt);
  int stmt_next_result(MYSQL_STMT* stmt);
  my_bool stmt_reset(MYSQL_STMT* stmt);
  my_bool stmt_free_result(MYSQL_STMT* stmt);
  /// mysql_stmt_close. Never throws, as close().
  void stmt_close(MYSQL_STMT* stmt) noexcept;

 private:
  // Runs a call as start() then cont(ready) while the status they return asks for a wait.
  template <class Start, class Cont>
  void wait_through(Start start, Cont cont);
  // wait_through for a call with a result: start(&ret), cont(&ret, ready); returns ret.
  template <class R, class Start, class Cont>
  R run(Start start, Cont cont);
  // A release (close) that must not fail: wait_through, or blocking() where it cannot wait.
  template <class Start, class Cont, class Blocking>
  void release(Start start, Cont cont, Blocking blocking) noexcept;

  MYSQL* conn_;
  IoWaiter* waiter_{nullptr};
};

}  // namespace crucible::mysql
