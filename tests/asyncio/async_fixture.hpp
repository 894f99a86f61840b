#pragma once
// What the async layer's tests share: running a coroutine to completion on a fresh io_context,
// timers, and AsyncTest, an ORM test fixture (tests/orm/orm_fixture.hpp) with an AsyncEngine on
// the test's database and the authors/books models created in it.
#include <utility>

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "../orm/models.hpp"
#include "../orm/orm_fixture.hpp"
#include "crucible/asyncio.hpp"

namespace crucible::testing {

namespace asio = boost::asio;
using asyncio::AsyncConnection;
using asyncio::AsyncEngine;
using asyncio::AsyncSession;
using asyncio::awaitable;

using models::Author;
using models::Book;

/// Runs the coroutine fn() on a new io_context of this thread until it completes; returns what
/// it co_returns, rethrows what it throws.
template <class F>
auto run(F fn) {
  using A = decltype(fn());
  using R = typename asyncio::detail::awaited<A>::type;
  asio::io_context io;
  std::exception_ptr error;
  if constexpr (std::is_void_v<R>) {
    asio::co_spawn(io, std::move(fn), [&](std::exception_ptr e) { error = e; });
    io.run();
    if (error) std::rethrow_exception(error);
  } else {
    std::optional<R> out;
    asio::co_spawn(io, std::move(fn), [&](std::exception_ptr e, R r) {
      error = e;
      if (!e) out.emplace(std::move(r));
    });
    io.run();
    if (error) std::rethrow_exception(error);
    return std::move(*out);
  }
}

inline awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

/// Spawns a coroutine that borrows a connection of engine, keeps it for held, and gives it back;
/// waits 10 ms so that it holds the connection when this returns.
inline awaitable<void> hold_a_connection(AsyncEngine& engine, std::chrono::milliseconds held) {
  asio::co_spawn(
      co_await asio::this_coro::executor,
      [&engine, held]() -> awaitable<void> {
        AsyncConnection conn = co_await engine.connect();
        co_await sleep_for(held);
        co_await conn.close();
      },
      asio::detached);
  co_await sleep_for(std::chrono::milliseconds(10));
}

/// Counts 5 ms ticks until *stop: how often the event loop's thread was free meanwhile.
inline awaitable<void> ticker(const bool* stop, int* ticks) {
  while (!*stop) {
    co_await sleep_for(std::chrono::milliseconds(5));
    ++*ticks;
  }
}

class AsyncTest : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (HasFatalFailure()) return;
    models::map_authors(registry_);
    async_.emplace(make(EngineOptions{}));
    run([this]() -> awaitable<void> {
      co_await async_->run_sync([this](const Engine& e) { metadata_.create_all(e); });
    });
  }
  void TearDown() override {
    if (async_) {
      try {
        run([this]() -> awaitable<void> { co_await async_->dispose(); });
      } catch (const std::exception& e) {
        ADD_FAILURE() << "dispose: " << e.what();
      }
      async_.reset();
    }
    OrmTest::TearDown();
  }
  /// An AsyncEngine on the test's database (SQLite: an in-memory one of its own).
  AsyncEngine make(EngineOptions options, asyncio::AsyncOptions async_options = {}) {
    if (backend() == "sqlite")
      return asyncio::create_async_engine("sqlite://", options, async_options);
    return asyncio::create_async_engine(engine().url(), options, async_options);
  }
  /// Alice with books B1 and B2, committed through an AsyncSession; her id.
  std::int64_t alice() {
    return run([this]() -> awaitable<std::int64_t> {
      AsyncSession session{*async_};
      auto a = session.add(Author{.name = "Alice"});
      a->books.push_back(std::make_shared<Book>(Book{.title = "B1"}));
      a->books.push_back(std::make_shared<Book>(Book{.title = "B2"}));
      co_await session.commit();
      co_await session.close();
      co_return a->id;
    });
  }

  MetaData metadata_;
  orm::Registry registry_{metadata_};
  std::optional<AsyncEngine> async_;
};

}  // namespace crucible::testing
