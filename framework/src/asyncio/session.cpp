// AsyncSession's calls that are not templates (asyncio/session.hpp).
#include "crucible/asyncio/session.hpp"

#include <functional>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "crucible/errors.hpp"

namespace crucible::asyncio {

namespace asio = boost::asio;

AsyncSession::AsyncSession(const AsyncEngine& engine, orm::SessionOptions options)
    : engine_(engine), session_(std::make_shared<orm::Session>(engine.sync_engine(), options)) {
  // After an interrupted call: the Session rolled back, its connection first given up when its
  // wait was abandoned part-way through a round trip.
  control_ = detail::make_call_control(
      *engine_.runtime(), [weak = std::weak_ptr<orm::Session>(session_)](bool abandoned) {
        const std::shared_ptr<orm::Session> session = weak.lock();
        if (!session) return;
        if (abandoned && session->in_transaction()) session->connection().invalidate();
        session->rollback();
      });
}

void AsyncSession::set_command_timeout(std::optional<std::chrono::milliseconds> timeout) {
  if (!control_) throw ResourceClosedError("This AsyncSession was moved from");
  detail::set_command_timeout(*control_, timeout);
}

std::optional<std::chrono::milliseconds> AsyncSession::command_timeout() const {
  if (!control_) throw ResourceClosedError("This AsyncSession was moved from");
  return detail::command_timeout(*control_);
}

bool AsyncSession::cancel() noexcept { return detail::cancel(control_); }

AsyncSession::~AsyncSession() {
  // A Session holding no transaction holds no connection: dropping it waits for nothing.
  if (!session_ || !session_->in_transaction()) return;
  if (executor_) {
    try {
      asio::co_spawn(
          *executor_,
          [session = session_, runtime = engine_.runtime()]() -> awaitable<void> {
            std::function<void()> body = [session] { session->close(); };
            co_await detail::run_on_fiber(runtime, std::move(body));
          },
          asio::detached);
      return;
    } catch (...) {  // could not spawn: the Session's own destructor closes it, or gives the
    }                // connection up when its rollback cannot wait
  }
}

awaitable<Result> AsyncSession::execute(const sql::Executable& statement, Params params) {
  return call([&statement, params = std::move(params)](orm::Session& s) {
    return s.execute(statement, params);
  });
}

awaitable<void> AsyncSession::flush() {
  return call([](orm::Session& s) { s.flush(); });
}
awaitable<void> AsyncSession::commit() {
  return call([](orm::Session& s) { s.commit(); });
}
awaitable<void> AsyncSession::rollback() {
  return call([](orm::Session& s) { s.rollback(); });
}
awaitable<void> AsyncSession::close() {
  std::shared_ptr<orm::Session> session = session_;
  std::function<void()> body = [session] { session->close(); };
  return detail::run_on_fiber(engine_.runtime(), std::move(body));
}

}  // namespace crucible::asyncio
