// AsyncSession's calls that are not templates (asyncio/session.hpp).
#include "crucible/asyncio/session.hpp"

#include <functional>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace crucible::asyncio {

namespace asio = boost::asio;

AsyncSession::AsyncSession(const AsyncEngine& engine, orm::SessionOptions options)
    : engine_(engine), session_(std::make_shared<orm::Session>(engine.sync_engine(), options)) {}

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
  return call([](orm::Session& s) { s.close(); });
}

}  // namespace crucible::asyncio
