#pragma once
// AsyncSession and async_sessionmaker (SQLAlchemy 2.0's sqlalchemy.ext.asyncio.AsyncSession):
// an orm::Session whose calls that use the database are awaited.
//
//   asyncio::async_sessionmaker make_session{engine};
//   auto session = make_session();
//   auto user = co_await session.get<User>(5);
//   for (auto& u : co_await session.scalars(select<User>().options(selectinload(&User::posts))))
//     …
//   session.add(User{.name = "ed"});
//   co_await session.commit();
//
// As in SQLAlchemy, the Session underneath is the blocking one (sync_session()), run on a fiber
// for each awaited call (asyncio/fiber.hpp): the identity map, the unit of work and the loader
// strategies are the same code. What needs the database outside an awaited call throws
// AwaitRequiredError rather than blocking the thread; above all a lazy load, a relationship read
// in a coroutine before it was loaded: load it eagerly (selectinload, joinedload) or co_await
// refresh(). Calls that only change memory (add, add_all, expunge) are not awaited.
#include <utility>

#include <chrono>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/this_coro.hpp>

#include "crucible/asyncio/engine.hpp"
#include "crucible/orm/session.hpp"

namespace crucible::asyncio {

/// An ORM Session with awaited database calls (SQLAlchemy's AsyncSession). Move-only. Each call
/// throws what the same orm::Session call throws.
///
/// Every awaited call but close() runs under the session's command_timeout
/// (AsyncOptions::command_timeout, or set_command_timeout) and can be cancel()ed. An interrupted
/// call has the statement it runs cancelled on the server, then the Session is rolled back
/// (its connection goes back to the pool; it is invalidated instead when the server did not end
/// the statement within cancel_grace), and the call throws CommandTimeoutError or
/// CancelledError. As after any rollback, the Session's objects are expired, and the pending
/// ones expunged.
class AsyncSession {
 public:
  explicit AsyncSession(const AsyncEngine& engine, orm::SessionOptions options = {});
  AsyncSession(AsyncSession&&) noexcept = default;
  AsyncSession& operator=(AsyncSession&&) = delete;
  /// When the Session still holds a connection: closes it (rolling back) on a fiber of its own,
  /// later, on the executor of its last awaited call; co_await close() to know when. Never
  /// throws.
  ~AsyncSession();

  /// Session::add: pending until the next flush; no database call.
  template <class T>
  std::shared_ptr<T> add(T object) {
    return session_->add(std::move(object));
  }
  template <class T>
  std::shared_ptr<T> add(std::shared_ptr<T> object) {
    return session_->add(std::move(object));
  }
  /// Session::add_all.
  template <class T>
  std::vector<std::shared_ptr<T>> add_all(std::vector<T> objects) {
    return session_->add_all(std::move(objects));
  }
  /// Session::expunge / expunge_all: forget objects; no database call.
  template <class T>
  void expunge(const std::shared_ptr<T>& object) {
    session_->expunge(object);
  }
  void expunge_all() { session_->expunge_all(); }
  template <class T>
  bool contains(const std::shared_ptr<T>& object) const {
    return session_->contains(object);
  }

  /// Session::delete_ (awaited: its delete cascade may load the related objects).
  template <class T>
  awaitable<void> delete_(std::shared_ptr<T> object) {
    return call([object = std::move(object)](orm::Session& s) { s.delete_(object); });
  }
  /// Session::get: the object with this primary key, from the identity map or one SELECT.
  template <class T>
  awaitable<std::shared_ptr<T>> get(Value key) {
    return call([key = std::move(key)](orm::Session& s) { return s.get<T>(key); });
  }
  /// Session::get by a composite primary key.
  template <class T>
  awaitable<std::shared_ptr<T>> get(std::initializer_list<Value> key) {
    return call([key = std::vector<Value>(key)](orm::Session& s) {
      return s.get<T>(std::span<const Value>(key));
    });
  }
  /// Session::scalars: the objects of query, buffered, their eager loads done.
  template <class T>
  awaitable<orm::ScalarResult<T>> scalars(orm::Select<T> query) {
    return call([query = std::move(query)](orm::Session& s) { return s.scalars(query); });
  }
  /// Session::scalar: the first object of query, or null.
  template <class T>
  awaitable<std::shared_ptr<T>> scalar(orm::Select<T> query) {
    return call([query = std::move(query)](orm::Session& s) { return s.scalar(query); });
  }
  /// Session::execute of an ORM query: rows of objects and values, buffered.
  template <class T>
  awaitable<orm::Result> execute(orm::Select<T> query) {
    return call([query = std::move(query)](orm::Session& s) { return s.execute(query); });
  }
  /// Session::execute of a Core statement in the Session's transaction.
  awaitable<Result> execute(const sql::Executable& statement, Params params = {});
  /// Session::refresh: reloads object's columns (and its loaded relationships).
  template <class T>
  awaitable<void> refresh(std::shared_ptr<T> object) {
    return call([object = std::move(object)](orm::Session& s) { s.refresh(object); });
  }
  /// Session::merge: object's state copied onto the Session's object of the same identity
  /// (loaded when absent).
  template <class T>
  awaitable<std::shared_ptr<T>> merge(T object) {
    return call([object = std::move(object)](orm::Session& s) { return s.merge(object); });
  }

  /// Session::flush, commit, rollback, close.
  awaitable<void> flush();
  awaitable<void> commit();
  awaitable<void> rollback();
  awaitable<void> close();

  /// co_awaits fn(session) run on the fiber with the blocking Session (SQLAlchemy's
  /// AsyncSession.run_sync): lazy loads and any other blocking-API code work inside it. Returns
  /// fn's result, rethrows what it throws.
  template <class F>
  auto run_sync(F fn) -> awaitable<std::invoke_result_t<F&, orm::Session&>> {
    return call(std::move(fn));
  }

  /// The blocking Session underneath (SQLAlchemy's AsyncSession.sync_session); its calls that
  /// wait throw AwaitRequiredError outside run_sync.
  orm::Session& sync_session() noexcept { return *session_; }

  /// Sets how long each later awaited call may take; none: no limit. Throws ArgumentError for a
  /// timeout that is not positive.
  void set_command_timeout(std::optional<std::chrono::milliseconds> timeout);
  std::optional<std::chrono::milliseconds> command_timeout() const;
  /// Interrupts the session's awaited call in progress (awaited by another coroutine), which
  /// then throws CancelledError as described above (Python's Task.cancel()). Thread-safe; it
  /// takes effect on the call's executor. False when no call was in progress. Never throws.
  bool cancel() noexcept;
  bool in_transaction() const noexcept { return session_->in_transaction(); }
  const AsyncEngine& engine() const noexcept { return engine_; }

 private:
  // fn(session) on a fiber, remembering the executor for the destructor's close.
  template <class F>
  auto call(F fn) -> awaitable<std::invoke_result_t<F&, orm::Session&>> {
    executor_ = co_await boost::asio::this_coro::executor;
    orm::Session& session = *session_;
    auto body = [&session, fn = std::move(fn)]() mutable -> decltype(auto) { return fn(session); };
    co_return co_await detail::call_on_fiber(engine_.runtime(), std::move(body), control_);
  }

  AsyncEngine engine_;
  std::shared_ptr<orm::Session> session_;  ///< shared with a close still running after destruction
  std::shared_ptr<detail::CallControl> control_;  ///< command_timeout, cancel(), recovery
  std::optional<boost::asio::any_io_executor> executor_;
};

/// Makes AsyncSessions on one engine with one set of options (SQLAlchemy's async_sessionmaker).
class async_sessionmaker {  // NOLINT(readability-identifier-naming): SQLAlchemy's name
 public:
  explicit async_sessionmaker(AsyncEngine engine, orm::SessionOptions options = {}) noexcept
      : engine_(std::move(engine)), options_(options) {}
  /// A new AsyncSession.
  AsyncSession operator()() const { return AsyncSession(engine_, options_); }

 private:
  AsyncEngine engine_;
  orm::SessionOptions options_;
};

}  // namespace crucible::asyncio
