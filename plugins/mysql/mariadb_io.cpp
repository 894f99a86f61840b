// MariadbIo (mariadb_io.hpp).
#include "mariadb_io.hpp"

namespace crucible::mysql {

namespace {

// MYSQL_WAIT_* of a _start/_cont status as the waiter's events, with the timeout it carries.
IoEvents events_of(int status) noexcept {
  IoEvents events = IoEvents::kNone;
  if ((status & (MYSQL_WAIT_READ | MYSQL_WAIT_EXCEPT)) != 0) events = events | IoEvents::kRead;
  if ((status & MYSQL_WAIT_WRITE) != 0) events = events | IoEvents::kWrite;
  if ((status & MYSQL_WAIT_TIMEOUT) != 0) events = events | IoEvents::kTimeout;
  return events;
}

// What happened, as the MYSQL_WAIT_* flags _cont wants.
int status_of(IoEvents happened) noexcept {
  int status = 0;
  if (any(happened & IoEvents::kRead)) status |= MYSQL_WAIT_READ;
  if (any(happened & IoEvents::kWrite)) status |= MYSQL_WAIT_WRITE;
  if (any(happened & IoEvents::kTimeout)) status |= MYSQL_WAIT_TIMEOUT;
  return status;
}

}  // namespace

bool MariadbIo::enable_nonblocking(MYSQL* conn) noexcept {
  return mysql_optionsv(conn, MYSQL_OPT_NONBLOCK, 0) == 0;
}

template <class Start, class Cont>
void MariadbIo::wait_through(Start start, Cont cont) {
  waiter_->check_can_wait();
  int status = start();
  while (status != 0) {
    const IoEvents events = events_of(status);
    const int timeout_ms =
        any(events & IoEvents::kTimeout) ? static_cast<int>(mysql_get_timeout_value_ms(conn_)) : -1;
    const IoEvents happened = waiter_->wait(mysql_get_socket(conn_), events, timeout_ms);
    status = cont(status_of(happened));
  }
}

template <class R, class Start, class Cont>
R MariadbIo::run(Start start, Cont cont) {
  R ret{};
  wait_through([&] { return start(&ret); }, [&](int s) { return cont(&ret, s); });
  return ret;
}

template <class Start, class Cont, class Blocking>
void MariadbIo::release(Start start, Cont cont, Blocking blocking) noexcept {
  if (waiter_ != nullptr) {
    try {
      wait_through(start, cont);
      return;
    } catch (...) {  // cannot wait here (or gave up): release blocking
    }
  }
  blocking();
}

MYSQL* MariadbIo::real_connect(const char* host, const char* user, const char* password,
                               const char* db, unsigned int port, const char* unix_socket,
                               unsigned long flags) {
  if (waiter_ == nullptr)
    return mysql_real_connect(conn_, host, user, password, db, port, unix_socket, flags);
  return run<MYSQL*>(
      [&](MYSQL** ret) {
        return mysql_real_connect_start(ret, conn_, host, user, password, db, port, unix_socket,
                                        flags);
      },
      [&](MYSQL** ret, int s) { return mysql_real_connect_cont(ret, conn_, s); });
}

int MariadbIo::real_query(std::string_view sql) {
  const auto length = static_cast<unsigned long>(sql.size());
  if (waiter_ == nullptr) return mysql_real_query(conn_, sql.data(), length);
  return run<int>([&](int* ret) { return mysql_real_query_start(ret, conn_, sql.data(), length); },
                  [&](int* ret, int s) { return mysql_real_query_cont(ret, conn_, s); });
}

MYSQL_RES* MariadbIo::store_result() {
  if (waiter_ == nullptr) return mysql_store_result(conn_);
  return run<MYSQL_RES*>(
      [&](MYSQL_RES** ret) { return mysql_store_result_start(ret, conn_); },
      [&](MYSQL_RES** ret, int s) { return mysql_store_result_cont(ret, conn_, s); });
}

int MariadbIo::next_result() {
  if (waiter_ == nullptr) return mysql_next_result(conn_);
  return run<int>([&](int* ret) { return mysql_next_result_start(ret, conn_); },
                  [&](int* ret, int s) { return mysql_next_result_cont(ret, conn_, s); });
}

my_bool MariadbIo::commit() {
  if (waiter_ == nullptr) return mysql_commit(conn_);
  return run<my_bool>([&](my_bool* ret) { return mysql_commit_start(ret, conn_); },
                      [&](my_bool* ret, int s) { return mysql_commit_cont(ret, conn_, s); });
}

my_bool MariadbIo::rollback() {
  if (waiter_ == nullptr) return mysql_rollback(conn_);
  return run<my_bool>([&](my_bool* ret) { return mysql_rollback_start(ret, conn_); },
                      [&](my_bool* ret, int s) { return mysql_rollback_cont(ret, conn_, s); });
}

my_bool MariadbIo::autocommit(bool on) {
  const my_bool mode = on ? 1 : 0;
  if (waiter_ == nullptr) return mysql_autocommit(conn_, mode);
  return run<my_bool>([&](my_bool* ret) { return mysql_autocommit_start(ret, conn_, mode); },
                      [&](my_bool* ret, int s) { return mysql_autocommit_cont(ret, conn_, s); });
}

int MariadbIo::ping() {
  if (waiter_ == nullptr) return mysql_ping(conn_);
  return run<int>([&](int* ret) { return mysql_ping_start(ret, conn_); },
                  [&](int* ret, int s) { return mysql_ping_cont(ret, conn_, s); });
}

void MariadbIo::close() noexcept {
  release([&] { return mysql_close_start(conn_); },
          [&](int s) { return mysql_close_cont(conn_, s); }, [&] { mysql_close(conn_); });
}

int MariadbIo::stmt_prepare(MYSQL_STMT* stmt, std::string_view sql) {
  const auto length = static_cast<unsigned long>(sql.size());
  if (waiter_ == nullptr) return mysql_stmt_prepare(stmt, sql.data(), length);
  return run<int>([&](int* ret) { return mysql_stmt_prepare_start(ret, stmt, sql.data(), length); },
                  [&](int* ret, int s) { return mysql_stmt_prepare_cont(ret, stmt, s); });
}

int MariadbIo::stmt_execute(MYSQL_STMT* stmt) {
  if (waiter_ == nullptr) return mysql_stmt_execute(stmt);
  return run<int>([&](int* ret) { return mysql_stmt_execute_start(ret, stmt); },
                  [&](int* ret, int s) { return mysql_stmt_execute_cont(ret, stmt, s); });
}

int MariadbIo::stmt_store_result(MYSQL_STMT* stmt) {
  if (waiter_ == nullptr) return mysql_stmt_store_result(stmt);
  return run<int>([&](int* ret) { return mysql_stmt_store_result_start(ret, stmt); },
                  [&](int* ret, int s) { return mysql_stmt_store_result_cont(ret, stmt, s); });
}

int MariadbIo::stmt_next_result(MYSQL_STMT* stmt) {
  if (waiter_ == nullptr) return mysql_stmt_next_result(stmt);
  return run<int>([&](int* ret) { return mysql_stmt_next_result_start(ret, stmt); },
                  [&](int* ret, int s) { return mysql_stmt_next_result_cont(ret, stmt, s); });
}

my_bool MariadbIo::stmt_reset(MYSQL_STMT* stmt) {
  if (waiter_ == nullptr) return mysql_stmt_reset(stmt);
  return run<my_bool>([&](my_bool* ret) { return mysql_stmt_reset_start(ret, stmt); },
                      [&](my_bool* ret, int s) { return mysql_stmt_reset_cont(ret, stmt, s); });
}

my_bool MariadbIo::stmt_free_result(MYSQL_STMT* stmt) {
  if (waiter_ == nullptr) return mysql_stmt_free_result(stmt);
  return run<my_bool>(
      [&](my_bool* ret) { return mysql_stmt_free_result_start(ret, stmt); },
      [&](my_bool* ret, int s) { return mysql_stmt_free_result_cont(ret, stmt, s); });
}

void MariadbIo::stmt_close(MYSQL_STMT* stmt) noexcept {
  my_bool ret = 0;
  release([&] { return mysql_stmt_close_start(&ret, stmt); },
          [&](int s) { return mysql_stmt_close_cont(&ret, stmt, s); },
          [&] { mysql_stmt_close(stmt); });
}

}  // namespace crucible::mysql
