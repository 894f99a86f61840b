// run_on_fiber (asyncio/fiber.hpp): a fiber per awaited call, its waits awaited on the calling
// coroutine's executor. Boost.Context's fiber (https://www.boost.org/doc/libs/1_74_0/libs/
// context/doc/html/context/ff.html) switches stacks; Boost.Asio's reactor watches the sockets.
#include <utility>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/context/fiber.hpp>  // and its detail::forced_unwind (ucontext or fcontext)

#include "../suspender.hpp"
#include "crucible/errors.hpp"
#include "runtime.hpp"

namespace crucible::asyncio::detail {

namespace asio = boost::asio;
namespace ctx = boost::context;
using crucible::detail::Suspender;
using crucible::detail::Wakeup;
using Clock = std::chrono::steady_clock;

// ---- Runtime ----------------------------------------------------------------------------------

StackPool::~StackPool() {
  for (ctx::stack_context& stack : free_) allocator_.deallocate(stack);
}

ctx::stack_context StackPool::allocate() {
  {
    std::lock_guard lock(mutex_);
    if (!free_.empty()) {
      ctx::stack_context stack = free_.back();
      free_.pop_back();
      return stack;
    }
  }
  return allocator_.allocate();
}

void StackPool::deallocate(ctx::stack_context& stack) noexcept {
  {
    std::lock_guard lock(mutex_);
    if (free_.size() < kKept) {
      free_.push_back(stack);
      return;
    }
  }
  allocator_.deallocate(stack);
}

namespace {
void check_timeout(const char* what, const std::optional<std::chrono::milliseconds>& timeout) {
  if (timeout && timeout->count() <= 0)
    throw ArgumentError(std::string(what) + " must be positive (or unset for none), got " +
                        std::to_string(timeout->count()) + " ms");
}
}  // namespace

std::shared_ptr<Runtime> make_runtime(const AsyncOptions& options, std::size_t default_workers) {
  if (options.worker_threads && *options.worker_threads == 0)
    throw ArgumentError("AsyncOptions::worker_threads must be at least 1, got 0");
  if (options.fiber_stack_size < 64 * 1024)
    throw ArgumentError("AsyncOptions::fiber_stack_size must be at least 65536 bytes, got " +
                        std::to_string(options.fiber_stack_size));
  check_timeout("AsyncOptions::command_timeout", options.command_timeout);
  if (options.cancel_grace.count() < 0)
    throw ArgumentError("AsyncOptions::cancel_grace must not be negative, got " +
                        std::to_string(options.cancel_grace.count()) + " ms");
  return std::make_shared<Runtime>(
      options, options.worker_threads.value_or(std::max<std::size_t>(1, default_workers)));
}

namespace {

// The lock of one call's waits (FiberCall::guard_): its Events' timers, its socket waits and the
// state of a wait in progress are touched under it, from the coroutine's thread and from the
// threads that report to the call (a worker, the cancel thread, cancel(), the pool).
using Guard = std::shared_ptr<std::mutex>;

// ---- events -----------------------------------------------------------------------------------

// Something a wait can wait for: fired, or its deadline (if any) passed. fire() and every wait
// on it hold the call's guard, so that a fire() racing the check before a wait is seen by the
// wait (async_wait_any checks again under the guard). fired and the deadline may be read
// anywhere.
struct Event {
  Event(const asio::any_io_executor& executor, std::mutex& guard_)
      : timer(executor, Clock::time_point::max()), guard(guard_) {}
  void fire() {  // any thread
    std::lock_guard lock(guard);
    fired.store(true);
    timer.cancel();
  }
  bool ready() const { return fired.load() || timer.expiry() <= Clock::now(); }
  asio::steady_timer timer;
  std::mutex& guard;
  std::atomic<bool> fired{false};
};

// What ended a wait_any: the socket's events, or the index of the event that happened; neither
// when every wait was cancelled (the executor shutting down).
struct Outcome {
  IoEvents io{IoEvents::kNone};
  int event{-1};
};

// Waits for the first of: sd readable or writable (those of io asked for; sd may be null) and
// each of events; the others are cancelled before it completes. The waits are made, and end,
// under guard (that of events): an event already ready then ends it at once. Its completion
// runs on the thread of the last wait to end (any of the executor's).
template <class Token>
auto async_wait_any(const Guard& guard, const asio::any_io_executor& executor,
                    asio::posix::stream_descriptor* sd, IoEvents io, std::span<Event* const> events,
                    Token&& token) {
  return asio::async_initiate<Token, void(Outcome)>(
      [&guard, &executor, sd, io, events](auto completion) {
        using Handler = decltype(completion);
        struct State {
          explicit State(Handler&& h) : handler(std::move(h)) {}
          Handler handler;
          Guard guard;
          int pending{0};
          bool decided{false};
          Outcome outcome;
          asio::posix::stream_descriptor* sd{nullptr};
          std::vector<Event*> events;
        };
        auto state = std::make_shared<State>(std::move(completion));
        state->guard = guard;
        state->sd = sd;
        state->events.assign(events.begin(), events.end());
        std::unique_lock lock(*guard);
        for (std::size_t i = 0; i < state->events.size(); ++i) {
          if (!state->events[i]->ready()) continue;
          state->outcome = Outcome{IoEvents::kNone, static_cast<int>(i)};
          lock.unlock();
          asio::post(executor, [state] { std::move(state->handler)(state->outcome); });
          return;
        }
        auto finish = [state](Outcome what, bool happened) {
          std::unique_lock held(*state->guard);
          if (happened && !state->decided) {
            state->decided = true;
            state->outcome = what;
            boost::system::error_code ignored;
            if (state->sd) state->sd->cancel(ignored);
            for (Event* e : state->events) e->timer.cancel();
          }
          if (--state->pending != 0) return;
          held.unlock();
          std::move(state->handler)(state->outcome);
        };
        using Base = asio::posix::descriptor_base;
        if (sd && any(io & IoEvents::kRead)) {
          ++state->pending;
          sd->async_wait(Base::wait_read, [finish](const boost::system::error_code& ec) {
            finish(Outcome{IoEvents::kRead, -1}, !ec);
          });
        }
        if (sd && any(io & IoEvents::kWrite)) {
          ++state->pending;
          sd->async_wait(Base::wait_write, [finish](const boost::system::error_code& ec) {
            finish(Outcome{IoEvents::kWrite, -1}, !ec);
          });
        }
        for (std::size_t i = 0; i < state->events.size(); ++i) {
          Event* e = state->events[i];
          ++state->pending;
          e->timer.async_wait([finish, e, i](const boost::system::error_code& ec) {
            finish(Outcome{IoEvents::kNone, static_cast<int>(i)}, !ec || e->fired.load());
          });
        }
      },
      token);
}

// A sleep's wake-up: an Event of the fiber's; wake() may come from any thread (under the pool's
// lock, say).
struct EventWakeup final : Wakeup {
  EventWakeup(const asio::any_io_executor& executor, Guard guard_)
      : guard(std::move(guard_)), event(executor, *guard) {}
  void wake() noexcept override {
    if (woken.exchange(true)) return;
    try {
      event.fire();
    } catch (...) {  // the timer's service refused: the sleep ends at its deadline
    }
  }
  Guard guard;  ///< the call's, kept alive for event (declared first: event refers to it)
  Event event;
  std::atomic<bool> woken{false};
};

// ---- reports from the runtime's threads -------------------------------------------------------

// What a thread of the runtime (a worker running a job, the cancel thread) reports to a wait of
// a FiberCall. The thread touches nothing of the call but the wait's Event, and that only while
// the wait is attached (its frame alive, so its event loop too): it marks done and fires it.
struct Report {
  // On the reporting thread: the work is done.
  void complete() noexcept {
    std::lock_guard lock(mutex);
    done = true;
    if (waiter) {
      try {
        waiter->fire();
      } catch (...) {  // the timer's service refused: the wait ends at its deadline instead
      }
    }
    ended.notify_all();
  }
  bool is_done() {
    std::lock_guard lock(mutex);
    return done;
  }

  std::mutex mutex;
  std::condition_variable ended;
  bool done{false};        ///< guarded by mutex
  Event* waiter{nullptr};  ///< the attached wait's Event; guarded by mutex
};

// Attaches a wait's Event to a Report for the wait's lifetime (the coroutine frame holding it
// may be destroyed mid-wait when its event loop goes).
class Attached {
 public:
  Attached(std::shared_ptr<Report> report, Event& event) : report_(std::move(report)) {
    std::lock_guard lock(report_->mutex);
    report_->waiter = &event;
  }
  ~Attached() {
    std::lock_guard lock(report_->mutex);
    report_->waiter = nullptr;
  }
  Attached(const Attached&) = delete;
  Attached& operator=(const Attached&) = delete;

 private:
  std::shared_ptr<Report> report_;
};

// A job on a worker thread. A job still queued when its call is interrupted, or when its call
// goes, is skipped: the worker then touches nothing of it (it lives on the fiber's stack).
struct JobReport final : Report {
  // On the worker thread.
  void run(const std::function<void()>& job) noexcept {
    {
      std::lock_guard lock(mutex);
      if (skip) {
        done = true;
        ended.notify_all();
        return;
      }
      started = true;
    }
    std::exception_ptr failure;
    try {
      job();
    } catch (...) {
      failure = std::current_exception();
    }
    {
      std::lock_guard lock(mutex);
      error = failure;
    }
    complete();
  }
  // Skips the job unless it started: true when skipped.
  bool skip_unless_started() {
    std::lock_guard lock(mutex);
    if (started) return false;
    skip = true;
    return true;
  }

  bool started{false};  ///< guarded by mutex
  bool skip{false};     ///< guarded by mutex
  std::exception_ptr error;
};

// A cancel request on the cancel thread. One still queued when its call no longer waits for it
// is not sent: sent late it would stop whatever the connection runs by then.
struct CancelReport final : Report {
  void run(const std::function<bool()>& request) noexcept {
    {
      std::lock_guard lock(mutex);
      if (stale) return;
    }
    try {
      request();
    } catch (...) {  // the contract says it never throws; a failure is the grace period's
    }
    complete();
  }
  void make_stale() {
    std::lock_guard lock(mutex);
    stale = true;
  }
  bool stale{false};  ///< guarded by mutex
};

class FiberCall;

}  // namespace

// ---- CallControl ------------------------------------------------------------------------------

struct CallControl {
  mutable std::mutex mutex;
  std::optional<std::chrono::milliseconds> timeout;  // guarded by mutex
  std::chrono::milliseconds grace{0};
  std::function<void(bool)> recover;
  /// A recovery's own control: at its deadline a worker job still queued is skipped and a wait
  /// for a socket abandoned, but a job running is not cancelled (it is the rollback).
  bool recovery{false};
  FiberCall* running{nullptr};  ///< the call in progress; guarded by mutex
  std::uint64_t generation{0};  ///< counts calls, so that a late cancel finds only its own
};

std::shared_ptr<CallControl> make_call_control(const Runtime& runtime,
                                               std::function<void(bool)> recover) {
  auto control = std::make_shared<CallControl>();
  control->timeout = runtime.options.command_timeout;
  control->grace = runtime.options.cancel_grace;
  control->recover = std::move(recover);
  return control;
}

void set_command_timeout(CallControl& control, std::optional<std::chrono::milliseconds> timeout) {
  check_timeout("command_timeout", timeout);
  std::lock_guard lock(control.mutex);
  control.timeout = timeout;
}

std::optional<std::chrono::milliseconds> command_timeout(const CallControl& control) noexcept {
  std::lock_guard lock(control.mutex);
  return control.timeout;
}

namespace {

// The control of the recovery after a call of control's was interrupted: its deadline is
// control's cancel_grace (at least 1 ms); at that deadline its waits for a socket are abandoned
// at once, and a job still queued for a worker is skipped (the recovery then fails, and the
// connection is invalidated).
std::shared_ptr<CallControl> recovery_control(const CallControl& control) {
  auto out = std::make_shared<CallControl>();
  out->timeout = std::max(control.grace, std::chrono::milliseconds(1));
  out->recovery = true;
  return out;
}

enum class Interruption { kNone, kTimedOut, kCancelled };

// ---- the fiber --------------------------------------------------------------------------------

// One awaited call: the fiber running body, and what it waits for when suspended. Lives in the
// frame of run_on_fiber; the fiber runs only inside resume(), on the coroutine's thread (one
// at a time: a coroutine runs on one thread at a time, whichever of its executor's).
//
// An interruption (the deadline, or cancel()) is noticed by the wait in progress; a call whose
// waits never noticed one was not interrupted. A wait for a socket then has the connection's
// statement cancelled (its cancel_request run on the runtime's cancel thread) and goes on
// waiting, for the rest of the call, until the grace period ends; a wait with nothing to
// cancel, or past the grace period, is abandoned. A worker job still queued is skipped; one
// running is cancelled and waited for, and none is started past the grace period.
//
// Its Events and socket waits are used under a lock of its own (guard_), taken also by the
// threads that report to it, so that it works on an executor that several threads run.
class FiberCall final : public Suspender {
 public:
  FiberCall(std::shared_ptr<Runtime> runtime, const asio::any_io_executor& executor,
            std::function<void()> body, std::shared_ptr<CallControl> control)
      : runtime_(std::move(runtime)), executor_(executor), guard_(std::make_shared<std::mutex>()),
        body_(std::move(body)), control_(std::move(control)), interrupt_(executor_, *guard_),
        grace_(executor_, *guard_) {
    fiber_ =
        ctx::fiber(std::allocator_arg, PooledStack{&runtime_->stacks}, [this](ctx::fiber&& caller) {
          caller_ = std::move(caller);
          try {
            body_();
          } catch (const ctx::detail::forced_unwind&) {
            throw;  // the fiber is being destroyed: Boost.Context's unwinding
          } catch (...) {
            error_ = std::current_exception();
          }
          done_ = true;
          return std::move(caller_);
        });
    if (!control_) return;
    // Only now: nothing above can fail once cancel() can find this call, and its timer is set
    // before (cancel() fires it from another thread).
    std::lock_guard lock(control_->mutex);
    timeout_ = control_->timeout;
    grace_period_ = control_->grace;
    recovery_ = control_->recovery;
    if (timeout_) {
      deadline_ = Clock::now() + *timeout_;
      interrupt_.timer.expires_at(deadline_);
    }
    control_->running = this;
    generation_ = ++control_->generation;
  }

  ~FiberCall() override {
    release_control();
    stop_cancel();
    finish_job();
    // A fiber destroyed before it ended (its coroutine was destroyed mid-wait) is unwound by
    // Boost.Context inside the fiber: destructors that would wait there must fail, not suspend.
    unwinding_ = true;
    Suspender* before = crucible::detail::exchange_current_suspender(nullptr);
    fiber_ = ctx::fiber{};
    crucible::detail::exchange_current_suspender(before);
  }
  FiberCall(const FiberCall&) = delete;
  FiberCall& operator=(const FiberCall&) = delete;

  // Runs the fiber until it waits or ends.
  void resume() {
    request_ = Request::kNone;
    Suspender* before = crucible::detail::exchange_current_suspender(this);
    fiber_ = std::move(fiber_).resume();
    crucible::detail::exchange_current_suspender(before);
  }

  bool done() const noexcept { return done_; }
  bool interrupted() const noexcept { return why_.load() != Interruption::kNone; }
  bool abandoned() const noexcept { return abandoned_; }
  bool cancel_sent() const noexcept { return cancel_sent_; }
  // Whether the interruption stopped the call before its work reached the database: a wait for
  // the pool (or for another call's first connect), or a worker job skipped while queued.
  bool stopped_before_work() const noexcept { return stopped_before_work_; }
  const std::exception_ptr& error() const noexcept { return error_; }

  // No more cancel() of this call (it ended).
  void release_control() noexcept {
    if (!control_) return;
    std::lock_guard lock(control_->mutex);
    if (control_->running == this) control_->running = nullptr;
    control_.reset();
  }

  // A cancel request still queued is not sent (the call no longer waits for it).
  void stop_cancel() noexcept {
    if (cancel_) cancel_->make_stale();
  }

  // Any thread, under control's mutex: cancel() of the call in progress.
  void cancel_from(std::uint64_t generation) {
    if (generation != generation_ || requested_.exchange(true)) return;
    interrupt_.fire();
  }

  // The error an interrupted call throws, its body's failure (if any) in its message.
  [[noreturn]] void throw_interruption(const char* recovery) const {
    const Interruption why = why_.load();
    std::string what = why == Interruption::kTimedOut
                           ? "the awaited call ran past its command_timeout of " +
                                 std::to_string(timeout_ ? timeout_->count() : 0) + " ms"
                           : std::string("the awaited call was cancelled (cancel())");
    if (error_) {
      try {
        std::rethrow_exception(error_);
      } catch (const CommandTimeoutError&) {  // this interruption's own, from a wait
      } catch (const CancelledError&) {
      } catch (const std::exception& e) {
        what += std::string("; the database call ended with: ") + e.what();
      } catch (...) {
      }
    }
    what += "; ";
    what += recovery;
    if (why == Interruption::kTimedOut) throw CommandTimeoutError(what);
    throw CancelledError(what);
  }

  void rethrow() const {
    if (error_) std::rethrow_exception(error_);
  }

  // The wait the suspended fiber asked for, awaited here.
  awaitable<void> perform() {
    switch (request_) {
    case Request::kIo: co_await perform_io(); break;
    case Request::kJob: co_await perform_job(); break;
    case Request::kSleep: co_await perform_sleep(); break;
    case Request::kNone: break;
    }
  }

  // ---- Suspender: called on the fiber ----

  IoEvents wait_io(int fd, IoEvents events, int timeout_ms,
                   CancellableConnection* target) override {
    if (!any(events & (IoEvents::kRead | IoEvents::kWrite)) &&
        !(any(events & IoEvents::kTimeout) && timeout_ms >= 0))
      throw InterfaceError(
          ErrorInfo{"", 0, "a driver asked to wait for nothing (no event, no timeout)", ""});
    io_fd_ = fd;
    io_events_ = events;
    io_timeout_ms_ = any(events & IoEvents::kTimeout) ? timeout_ms : -1;
    io_target_ = target;
    if (unwinding_) {  // a request may be out: the connection is as good as abandoned
      OperationalError refused(unwinding_error());
      refused.set_connection_invalidated();
      throw refused;
    }
    suspend(Request::kIo);
    if (io_got_ == IoEvents::kNone) {
      // Given up part-way through a round trip: the connection cannot be used again, whatever
      // the pool's reset_on_return (the Connection invalidates it on seeing this mark).
      OperationalError abandoned(
          ErrorInfo{"", 0,
                    abandoned_ ? "the wait for the database's answer was abandoned: the call was "
                                 "interrupted and the database did not end its work in time"
                               : "the wait for the database's socket was abandoned: its event loop "
                                 "stopped or cancelled it",
                    ""});
      abandoned.set_connection_invalidated();
      throw abandoned;
    }
    return io_got_;
  }

  void run_blocking(const std::function<void()>& job, CancellableConnection* target) override {
    if (unwinding_) {  // the event loop went under the call: its last work (the rollback of a
      job();           // connection going back to the pool) is done on this thread
      return;
    }
    if (interrupted() && grace_.ready()) throw_interruption("no further work was started");
    job_fn_ = &job;
    job_target_ = target;
    suspend(Request::kJob);
    const std::shared_ptr<JobReport> report = std::exchange(job_, nullptr);
    bool skipped = false;
    std::exception_ptr failure;
    {
      std::lock_guard lock(report->mutex);
      skipped = report->skip;
      failure = report->error;
    }
    if (skipped) {
      stopped_before_work_ = true;
      throw_interruption("the work was never started");
    }
    if (failure) std::rethrow_exception(failure);
  }

  std::shared_ptr<Wakeup> make_wakeup() override {
    return std::make_shared<EventWakeup>(executor_, guard_);
  }

  bool sleep(Wakeup& wakeup, Clock::time_point deadline) override {
    sleep_wakeup_ = static_cast<EventWakeup*>(&wakeup);
    sleep_deadline_ = deadline;
    suspend(Request::kSleep);
    if (sleep_interrupted_) {
      stopped_before_work_ = true;
      throw_interruption("it was waiting and held nothing");
    }
    return sleep_wakeup_->woken.load();
  }

 private:
  enum class Request { kNone, kIo, kJob, kSleep };

  static ErrorInfo unwinding_error() {
    return ErrorInfo{"", 0,
                     "a call of the async layer was abandoned (its coroutine was destroyed, with "
                     "its event loop) while it used the database",
                     ""};
  }

  void suspend(Request request) {
    if (unwinding_) throw OperationalError(unwinding_error());
    request_ = request;
    caller_ = std::move(caller_).resume();
  }

  // Notices an interruption that happened: cancel() or the deadline.
  bool interrupt_due() {
    if (interrupted()) return true;
    if (requested_.load()) {
      why_.store(Interruption::kCancelled);
      return true;
    }
    if (timeout_ && Clock::now() >= deadline_) {
      why_.store(Interruption::kTimedOut);
      return true;
    }
    return false;
  }

  // First notice of the interruption by a wait: starts the grace period.
  void begin_grace() {
    if (grace_started_) return;
    grace_started_ = true;
    grace_.timer.expires_after(grace_period_);
  }

  // Runs target's cancel request on the runtime's cancel thread and waits for it (until the
  // grace period ends). Once per call. For a socket wait, none once the grace period is over
  // (the wait is abandoned), and one still queued at its end is dropped; a job's is always sent,
  // because the job is waited for until it ends.
  awaitable<void> send_cancel(CancellableConnection* target, bool for_job) {
    if (cancel_sent_ || !target || (!for_job && grace_.ready())) co_return;
    cancel_sent_ = true;
    std::function<bool()> request;
    try {
      request = target->cancel_request();
    } catch (...) {  // could not even prepare it: the grace period decides
      co_return;
    }
    if (!request) co_return;
    cancel_ = std::make_shared<CancelReport>();
    Event sent(executor_, *guard_);
    Attached attached(cancel_, sent);
    asio::post(runtime_->cancels,
               [report = cancel_, request = std::move(request)] { report->run(request); });
    std::array<Event*, 2> events{&sent, &grace_};
    co_await async_wait_any(guard_, executor_, nullptr, IoEvents::kNone,
                            std::span<Event* const>(events), asio::use_awaitable);
    if (!for_job) stop_cancel();  // sent, or past the grace period: too late to be of use
  }

  awaitable<void> perform_io() {
    io_got_ = IoEvents::kNone;
    asio::posix::stream_descriptor sd(executor_, io_fd_);
    struct Release {  // the descriptor is the driver's: never closed here
      asio::posix::stream_descriptor& sd;
      ~Release() { sd.release(); }
    } release{sd};
    Event io_timeout(executor_, *guard_);
    if (io_timeout_ms_ >= 0)
      io_timeout.timer.expires_after(std::chrono::milliseconds(io_timeout_ms_));
    const IoEvents io = io_events_ & (IoEvents::kRead | IoEvents::kWrite);
    for (;;) {
      if (interrupt_due()) {
        begin_grace();
        if (!io_target_ && !cancel_sent_) {  // nothing to cancel: give the wait up
          abandoned_ = true;
          co_return;
        }
        co_await send_cancel(io_target_, false);
        if (grace_.ready()) {
          abandoned_ = true;
          co_return;
        }
      }
      std::array<Event*, 2> events{};
      std::size_t n = 0;
      if (io_timeout_ms_ >= 0) events[n++] = &io_timeout;
      events[n++] = interrupted() ? &grace_ : &interrupt_;
      const Outcome got =
          co_await async_wait_any(guard_, executor_, &sd, io,
                                  std::span<Event* const>(events.data(), n), asio::use_awaitable);
      if (got.io != IoEvents::kNone) {
        io_got_ = got.io;
        co_return;
      }
      if (got.event < 0) co_return;  // the executor is stopping: abandoned
      if (events[got.event] == &io_timeout) {
        io_got_ = IoEvents::kTimeout;
        co_return;
      }
      if (events[got.event] == &grace_) {
        abandoned_ = true;
        co_return;
      }
      // interrupt_: handled at the top
    }
  }

  awaitable<void> perform_job() {
    job_ = std::make_shared<JobReport>();
    Event ended(executor_, *guard_);
    Attached attached(job_, ended);
    asio::post(runtime_->workers(), [report = job_, fn = job_fn_] { report->run(*fn); });
    bool noticed = false;
    for (;;) {
      if (job_->is_done()) co_return;
      if (!noticed && interrupt_due()) {
        noticed = true;
        begin_grace();
        if (job_->skip_unless_started()) co_return;  // never started: it never will
        // The job itself is waited for, however long; a recovery's (a rollback) is not stopped.
        if (!recovery_) co_await send_cancel(job_target_, true);
        continue;
      }
      std::array<Event*, 2> events{&ended, &interrupt_};
      const std::size_t n = noticed ? 1 : 2;
      co_await async_wait_any(guard_, executor_, nullptr, IoEvents::kNone,
                              std::span<Event* const>(events.data(), n), asio::use_awaitable);
    }
  }

  // When the call goes with a job on a worker (its event loop destroyed under it): a job still
  // queued is skipped; one running is asked to stop and waited for, because it uses the fiber's
  // stack.
  void finish_job() noexcept {
    if (!job_) return;
    {
      std::lock_guard lock(job_->mutex);
      if (job_->done) return;
      if (!job_->started) {
        job_->skip = true;
        return;
      }
    }
    if (job_target_) {
      try {
        if (std::function<bool()> request = job_target_->cancel_request()) request();
      } catch (...) {  // the job then runs to its end
      }
    }
    std::unique_lock lock(job_->mutex);
    job_->ended.wait(lock, [this] { return job_->done; });
  }

  awaitable<void> perform_sleep() {
    sleep_interrupted_ = false;
    EventWakeup& wakeup = *sleep_wakeup_;
    if (interrupt_due()) {
      sleep_interrupted_ = true;
      co_return;
    }
    {
      std::lock_guard lock(*guard_);  // wake() may fire the timer meanwhile
      if (wakeup.woken.load()) co_return;
      wakeup.event.timer.expires_at(sleep_deadline_);
    }
    std::array<Event*, 2> events{&wakeup.event, &interrupt_};
    const Outcome got =
        co_await async_wait_any(guard_, executor_, nullptr, IoEvents::kNone,
                                std::span<Event* const>(events), asio::use_awaitable);
    if (got.event == 1 && interrupt_due()) sleep_interrupted_ = true;
  }

  std::shared_ptr<Runtime> runtime_;
  asio::any_io_executor executor_;
  Guard guard_;  ///< see Guard; shared with the call's EventWakeups
  std::function<void()> body_;
  std::shared_ptr<CallControl> control_;
  std::uint64_t generation_{0};
  std::optional<std::chrono::milliseconds> timeout_;
  Clock::time_point deadline_{Clock::time_point::max()};
  std::chrono::milliseconds grace_period_{0};
  bool recovery_{false};
  Event interrupt_;  ///< fired by cancel(); its deadline the command_timeout's
  Event grace_;      ///< its deadline the end of the grace period, once interrupted
  std::atomic<bool> requested_{false};                  ///< cancel() was called
  std::atomic<Interruption> why_{Interruption::kNone};  ///< noticed by a wait
  bool grace_started_{false};
  bool cancel_sent_{false};
  bool abandoned_{false};
  bool stopped_before_work_{false};
  std::shared_ptr<CancelReport> cancel_;  ///< the cancel request sent, if any
  ctx::fiber fiber_;
  ctx::fiber caller_;  ///< while the fiber runs: the context that resumed it
  bool done_{false};
  bool unwinding_{false};
  std::exception_ptr error_;
  Request request_{Request::kNone};
  int io_fd_{-1};
  IoEvents io_events_{IoEvents::kNone};
  int io_timeout_ms_{-1};
  CancellableConnection* io_target_{nullptr};
  IoEvents io_got_{IoEvents::kNone};
  const std::function<void()>* job_fn_{nullptr};
  CancellableConnection* job_target_{nullptr};
  std::shared_ptr<JobReport> job_;  ///< the job on a worker, from its post to its end
  EventWakeup* sleep_wakeup_{nullptr};
  Clock::time_point sleep_deadline_{};
  bool sleep_interrupted_{false};
};

// What an interrupted call says it left behind.
const char* recovery_outcome(const FiberCall& call, bool recovered) {
  if (call.abandoned())
    return call.cancel_sent()
               ? "the database did not end the statement within cancel_grace, so the "
                 "connection was invalidated"
               : "its wait for the database was given up part-way through a round trip, so the "
                 "connection was invalidated";
  if (call.stopped_before_work())
    return recovered ? "it was stopped before its work reached the database; any transaction "
                       "it was in was rolled back"
                     : "it was stopped before its work reached the database; the rollback of "
                       "the transaction it was in failed";
  return recovered ? "the statement was cancelled and the transaction rolled back"
                   : "the statement was cancelled; the rollback after it failed";
}

}  // namespace

bool cancel(const std::shared_ptr<CallControl>& control) noexcept {
  if (!control) return false;
  try {
    std::lock_guard lock(control->mutex);
    if (!control->running) return false;
    control->running->cancel_from(control->generation);
    return true;
  } catch (...) {  // the timer's service refused: the call runs on to its end
    return false;
  }
}

awaitable<void> run_on_fiber(std::shared_ptr<Runtime> runtime, std::function<void()> body,
                             std::shared_ptr<CallControl> control) {
  const asio::any_io_executor executor = co_await asio::this_coro::executor;
  FiberCall call(runtime, executor, std::move(body), control);
  call.resume();
  while (!call.done()) {
    co_await call.perform();
    call.resume();
  }
  call.release_control();
  call.stop_cancel();
  // A call whose waits never noticed an interruption was not interrupted; nor was one whose
  // work completed anyway (a COMMIT that ended as the cancel came): its outcome stands.
  if (!call.interrupted() || (!call.error() && !call.abandoned())) {
    call.rethrow();
    co_return;
  }
  // Interrupted: put the connection back in order on a fiber of its own, within cancel_grace,
  // then say so.
  const bool abandoned = call.abandoned();
  bool recovered = true;
  if (control && control->recover) {
    std::function<void()> recover = [&control, abandoned] { control->recover(abandoned); };
    std::shared_ptr<CallControl> deadline = recovery_control(*control);
    std::exception_ptr failed;
    try {
      co_await run_on_fiber(runtime, std::move(recover), std::move(deadline));
    } catch (...) {
      failed = std::current_exception();
    }
    recovered = !failed;
  }
  call.throw_interruption(recovery_outcome(call, recovered));
}

}  // namespace crucible::asyncio::detail
