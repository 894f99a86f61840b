#pragma once
// Suspender: how code that runs inside a call of the async layer (crucible/asyncio.hpp) waits
// without blocking its thread. The async layer runs each awaited call on a fiber of its own
// (SQLAlchemy's greenlet bridge, in C++); while a fiber runs, current_suspender() is its
// Suspender, and the blocking layers underneath (the pool's wait for a connection, a driver's
// wait for its socket, a worker-thread job) suspend the fiber through it instead of blocking.
// Outside such a fiber current_suspender() is null and they block as before. Private to
// libcrucible; this header knows nothing of the event loop.
#include <chrono>
#include <functional>
#include <memory>

#include "crucible/dbapi.hpp"

namespace crucible::detail {

/// A wake-up call for one suspended fiber (see Suspender::sleep). wake() may be called from any
/// thread, more than once, before or after the sleep began; never throws.
class Wakeup {
 public:
  virtual ~Wakeup();
  virtual void wake() noexcept = 0;
};

/// The current fiber's ways to wait. Every call returns on the fiber's own thread.
///
/// A call of the async layer may be interrupted: its command_timeout passes, or cancel() is
/// called. A wait for the database then asks target (the connection waited on, when it is a
/// CancellableConnection) to stop its statement and goes on waiting for the server's answer,
/// which ends the call as the database's error; with no target, or when the answer does not
/// come within the grace period, the wait is abandoned: wait_io throws OperationalError marked
/// connection_invalidated (errors.hpp), so that the Connection invalidates that connection. A
/// job on a worker thread that started cannot be abandoned: run_blocking waits for it to end;
/// one still queued is skipped, and run_blocking throws the interruption's error. A sleep
/// throws the interruption's error (CommandTimeoutError, CancelledError) at once: a borrower
/// waiting for the pool holds nothing.
class Suspender {
 public:
  virtual ~Suspender();
  /// IoWaiter::wait's contract (dbapi.hpp): until fd is ready for events or the timeout passes.
  virtual IoEvents wait_io(int fd, IoEvents events, int timeout_ms,
                           CancellableConnection* target) = 0;
  /// Runs job on a worker thread while the fiber waits; rethrows what job threw.
  virtual void run_blocking(const std::function<void()>& job, CancellableConnection* target) = 0;
  /// A Wakeup for the next sleep() of this fiber.
  virtual std::shared_ptr<Wakeup> make_wakeup() = 0;
  /// Suspends until wakeup (from make_wakeup()) is woken or deadline passes; true when woken
  /// (also when it was woken before the sleep began). Throws CommandTimeoutError or
  /// CancelledError when the call is interrupted.
  virtual bool sleep(Wakeup& wakeup, std::chrono::steady_clock::time_point deadline) = 0;
};

/// The Suspender of the fiber running on this thread, or null.
Suspender* current_suspender() noexcept;
/// Makes s the current Suspender of this thread, returning the one before (a fiber sets itself
/// when it is resumed and puts the previous one back when it is suspended).
Suspender* exchange_current_suspender(Suspender* s) noexcept;

}  // namespace crucible::detail
