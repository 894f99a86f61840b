#pragma once
// The driver an async engine's pool connects through (create_async_engine): it wraps the
// driver the URL names so that every call its connections make waits on the calling fiber
// instead of blocking the thread (asyncio/fiber.hpp).
//
//  * A NonBlockingDriver (dbapi.hpp) connects with connect_nonblocking() and its connections
//    keep the fiber IoWaiter: the driver's own waits for its socket suspend the fiber.
//  * Any other driver is served on the engine's worker threads, as SQLAlchemy's aio adapters
//    serve a blocking client library: connect and every call of the connection and its cursors
//    run there while the fiber waits,
//    a cursor's rows are all read there by execute() (so reading a Result never waits), and
//    third-party plugins need no change.
//
// Both throw AwaitRequiredError when called outside a fiber (a lazy load in a coroutine): the
// thread must not block, and the message says what to do instead. Private to libcrucible.
#include <memory>

#include "crucible/dbapi.hpp"
#include "crucible/registry.hpp"

namespace crucible::asyncio::detail {

/// The IoWaiter handed to non-blocking drivers: waits through the current fiber's Suspender
/// (suspender.hpp); throws AwaitRequiredError when no fiber runs on this thread.
IoWaiter& fiber_io_waiter() noexcept;

/// driver, adapted as above.
registry::DriverPtr adapt_driver(registry::DriverPtr driver);

/// Throws AwaitRequiredError saying that what (e.g. "a statement") needed the database outside
/// an awaited call, and what to do instead.
[[noreturn]] void throw_await_required(const char* what);

}  // namespace crucible::asyncio::detail
