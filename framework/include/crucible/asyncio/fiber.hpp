#pragma once
// How the async layer runs the blocking API without blocking its thread (SQLAlchemy's
// sqlalchemy.util.concurrency greenlet bridge, in C++): each awaited call runs the blocking code
// (Connection, Session, the pool, the driver) on a fiber of its own, a stackful context from
// Boost.Context. Wherever that code would wait (the driver's socket, a worker-thread job for a
// driver without a non-blocking API, the pool's wait for a free connection) the fiber is
// suspended and the calling coroutine co_awaits the wait on its executor instead; the thread
// goes on with other coroutines meanwhile. Code outside such a call that needs the database
// gets AwaitRequiredError (errors.hpp) rather than blocking.
//
// Boost 1.74's Asio wants <utility> before it under C++20 (DESIGN.md "Known ground").
#include <utility>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

#if !defined(BOOST_ASIO_HAS_CO_AWAIT)
#error                                                                                             \
    "crucible/asyncio.hpp needs Boost.Asio's C++20 coroutines: g++ 10 or later with -std=c++20, or clang with BOOST_ASIO_HAS_CO_AWAIT=1 and BOOST_ASIO_HAS_STD_COROUTINE=1 defined (linking the crucible::crucible CMake target defines them)"
#endif

namespace crucible::asyncio {

/// The coroutine type of every async call (Boost.Asio's awaitable on any_io_executor).
template <class T>
using awaitable = boost::asio::awaitable<T>;

/// Sizes of an async engine's own resources.
struct AsyncOptions {
  /// Threads that run the calls of drivers without a non-blocking API (as SQLAlchemy's aio
  /// adapters run a blocking client library on a thread): at most this many such calls run at
  /// once; the others queue. Started at the first such call (never for a non-blocking driver).
  /// Unset: as many as the engine's pool can open connections (pool_size + max_overflow; 16
  /// when that is unbounded), so that a statement waiting in its driver for another
  /// connection's lock never holds the thread that connection's COMMIT needs. Fewer threads
  /// than connections can stall writers until the driver's lock timeout.
  std::optional<std::size_t> worker_threads;
  /// Bytes of stack for each fiber (plus a guard page that turns an overflow into a crash at the
  /// guard rather than a silent overwrite). Stacks are reused from call to call.
  std::size_t fiber_stack_size{512 * 1024};
  /// How long each awaited call of a connection or session may take (asyncpg's
  /// command_timeout), pool wait included; none when unset. A call past it is interrupted: the
  /// statement it runs is cancelled on the server (CancellableConnection, dbapi.hpp), the
  /// transaction rolled back, and the call throws CommandTimeoutError. Each AsyncConnection and
  /// AsyncSession can set its own (set_command_timeout).
  std::optional<std::chrono::milliseconds> command_timeout;
  /// How long an interrupted call may go on to end cleanly (the server answering the cancel),
  /// and then how long its rollback may take: past either, the wait for the server is
  /// abandoned and the connection invalidated rather than returned to the pool.
  std::chrono::milliseconds cancel_grace{5000};
};

namespace detail {

/// One async engine's worker threads and fiber stacks, shared by its copies and by every
/// fiber it runs. Defined in src/asyncio/runtime.hpp.
struct Runtime;

/// A Runtime with options' stack size and options.worker_threads worker threads, or
/// default_workers when that is unset. Throws ArgumentError for zero threads, a stack smaller
/// than 64 KiB, or a command_timeout or cancel_grace out of range.
std::shared_ptr<Runtime> make_runtime(const AsyncOptions& options, std::size_t default_workers);

/// What the calls of one AsyncConnection or AsyncSession share: their command_timeout, the way
/// to interrupt the one running (cancel()), and what puts the connection back in order after
/// an interrupted call. Defined in src/asyncio/fiber.cpp.
struct CallControl;

/// A CallControl with runtime's command_timeout and cancel_grace. After an interrupted call,
/// recover(abandoned) runs on a fiber of its own, within cancel_grace (past it, its wait is
/// abandoned, so the rollback fails and the connection is invalidated): it rolls back, or
/// invalidates the connection when abandoned (a wait for the server was given up part-way
/// through a round trip); what it throws is dropped.
std::shared_ptr<CallControl> make_call_control(const Runtime& runtime,
                                               std::function<void(bool abandoned)> recover);
/// Sets the command_timeout of control's later calls (none: no deadline).
void set_command_timeout(CallControl& control, std::optional<std::chrono::milliseconds> timeout);
std::optional<std::chrono::milliseconds> command_timeout(const CallControl& control) noexcept;
/// Interrupts control's call in progress, as its command_timeout would, but with
/// CancelledError; thread-safe (the call's wait in progress, or its next one, notices it).
/// False when no call was in progress. Never throws.
bool cancel(const std::shared_ptr<CallControl>& control) noexcept;

/// Runs body on a new fiber of runtime until it returns, awaiting each wait it makes on the
/// calling coroutine's executor (which several threads may run); rethrows what body threw.
/// With a control, the call has its command_timeout and can be cancel()ed: a call whose wait
/// noticed the interruption and whose work did not complete throws CommandTimeoutError or
/// CancelledError after control's recover ran.
awaitable<void> run_on_fiber(std::shared_ptr<Runtime> runtime, std::function<void()> body,
                             std::shared_ptr<CallControl> control = nullptr);

/// run_on_fiber for a callable with a result: co_returns fn()'s value.
template <class F>
auto call_on_fiber(std::shared_ptr<Runtime> runtime, F fn,
                   std::shared_ptr<CallControl> control = nullptr)
    -> awaitable<std::invoke_result_t<F&>> {
  // (Every object with a destructor is a named local here, not a temporary of the co_await
  // expression: g++ 12 destroys some such temporaries twice.)
  using R = std::invoke_result_t<F&>;
  if constexpr (std::is_void_v<R>) {
    std::function<void()> body(std::move(fn));
    co_await run_on_fiber(std::move(runtime), std::move(body), std::move(control));
  } else {
    std::optional<R> out;
    std::function<void()> body = [&out, &fn] { out.emplace(fn()); };
    co_await run_on_fiber(std::move(runtime), std::move(body), std::move(control));
    co_return std::move(*out);
  }
}

}  // namespace detail
}  // namespace crucible::asyncio
