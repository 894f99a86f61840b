// run_on_fiber (asyncio/fiber.hpp): a fiber per awaited call, its waits awaited on the calling
// coroutine's executor. Boost.Context's fiber (https://www.boost.org/doc/libs/1_74_0/libs/
// context/doc/html/context/ff.html) switches stacks; Boost.Asio's reactor watches the sockets.
#include <utility>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
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
#include <boost/context/detail/exception.hpp>
#include <boost/context/fiber.hpp>

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

// ---- events -----------------------------------------------------------------------------------

// Something a wait can wait for, on one executor: fired, or its deadline (if any) passed. Used
// from the executor's thread only.
struct Event {
  explicit Event(const asio::any_io_executor& executor)
      : timer(executor, Clock::time_point::max()) {}
  void fire() {
    fired = true;
    timer.cancel();
  }
  bool ready() const { return fired || timer.expiry() <= Clock::now(); }
  asio::steady_timer timer;
  bool fired{false};
};

// What ended a wait_any: the socket's events, or the index of the event that happened; neither
// when every wait was cancelled (the executor shutting down).
struct Outcome {
  IoEvents io{IoEvents::kNone};
  int event{-1};
};

// Waits for the first of: sd readable or writable (those of io asked for; sd may be null) and
// each of events; the others are cancelled before it completes.
template <class Token>
auto async_wait_any(asio::posix::stream_descriptor* sd, IoEvents io, std::span<Event* const> events,
                    Token&& token) {
  return asio::async_initiate<Token, void(Outcome)>(
      [sd, io, events](auto completion) {
        using Handler = decltype(completion);
        struct State {
          explicit State(Handler&& h) : handler(std::move(h)) {}
          Handler handler;
          int pending{0};
          bool decided{false};
          Outcome outcome;
          asio::posix::stream_descriptor* sd{nullptr};
          std::vector<Event*> events;
        };
        auto state = std::make_shared<State>(std::move(completion));
        state->sd = sd;
        state->events.assign(events.begin(), events.end());
        auto finish = [state](Outcome what, bool happened) {
          if (happened && !state->decided) {
            state->decided = true;
            state->outcome = what;
            boost::system::error_code ignored;
            if (state->sd) state->sd->cancel(ignored);
            for (Event* e : state->events) e->timer.cancel();
          }
          if (--state->pending == 0) std::move(state->handler)(state->outcome);
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
            finish(Outcome{IoEvents::kNone, static_cast<int>(i)}, !ec || e->fired);
          });
        }
      },
      token);
}

// A sleep's wake-up: an Event on the fiber's executor; wake() fires it there (an Event is not
// thread-safe, and wake() may come from any thread).
class EventWakeup final : public Wakeup, public std::enable_shared_from_this<EventWakeup> {
 public:
  explicit EventWakeup(const asio::any_io_executor& executor) : event(executor) {}
  void wake() noexcept override {
    if (woken.exchange(true)) return;
    try {
      asio::post(event.timer.get_executor(), [self = shared_from_this()] { self->event.fire(); });
    } catch (...) {  // the executor is gone: nobody sleeps any more
    }
  }
  Event event;
  std::atomic<bool> woken{false};
};

class FiberCall;

}  // namespace

// ---- CallControl ------------------------------------------------------------------------------

struct CallControl : std::enable_shared_from_this<CallControl> {
  mutable std::mutex mutex;
  std::optional<std::chrono::milliseconds> timeout;  // guarded by mutex
  std::chrono::milliseconds grace{0};
  std::function<void(bool)> recover;
  FiberCall* running{nullptr};     ///< the call in progress; guarded by mutex
  asio::any_io_executor executor;  ///< running's
  std::uint64_t generation{0};     ///< counts calls, so that a late cancel finds only its own
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

enum class Interruption { kNone, kTimedOut, kCancelled };

// ---- the fiber --------------------------------------------------------------------------------

// One awaited call: the fiber running body, and what it waits for when suspended. Lives in the
// frame of run_on_fiber; the fiber runs only inside resume(), on the coroutine's thread.
//
// An interruption (the deadline, or cancel() firing interrupt_) is noticed by the wait in
// progress. A wait for a socket then has the connection's statement cancelled (its
// cancel_request run on the runtime's cancel thread) and goes on waiting, for the rest of the
// call, until the grace period ends; a wait with nothing to cancel, or past the grace period,
// is abandoned. A worker job is always waited for, but none is started past the grace period.
class FiberCall final : public Suspender {
 public:
  FiberCall(std::shared_ptr<Runtime> runtime, asio::any_io_executor executor,
            std::function<void()> body, std::shared_ptr<CallControl> control)
      : runtime_(std::move(runtime)), executor_(std::move(executor)), body_(std::move(body)),
        control_(std::move(control)), interrupt_(executor_), grace_(executor_) {
    if (control_) {
      std::lock_guard lock(control_->mutex);
      timeout_ = control_->timeout;
      grace_period_ = control_->grace;
      control_->running = this;
      control_->executor = executor_;
      generation_ = ++control_->generation;
    }
    if (timeout_) interrupt_.timer.expires_after(*timeout_);
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
  }

  ~FiberCall() override {
    release_control();
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
  bool interrupted() const noexcept { return why_ != Interruption::kNone; }
  bool abandoned() const noexcept { return abandoned_; }
  const std::exception_ptr& error() const noexcept { return error_; }

  // No more cancel() of this call (it ended).
  void release_control() noexcept {
    if (!control_) return;
    std::lock_guard lock(control_->mutex);
    if (control_->running == this) control_->running = nullptr;
    control_.reset();
  }

  // On the executor's thread: cancel() of the call in progress.
  void cancel_from(std::uint64_t generation) {
    if (generation != generation_ || interrupted()) return;
    why_ = Interruption::kCancelled;
    interrupt_.fire();
  }

  // The error an interrupted call throws, its body's failure (if any) in its message.
  [[noreturn]] void throw_interruption(const char* recovery) const {
    std::string what = why_ == Interruption::kTimedOut
                           ? "the awaited call ran past its command_timeout of " +
                                 std::to_string(timeout_ ? timeout_->count() : 0) + " ms"
                           : std::string("the awaited call was cancelled (cancel())");
    if (error_) {
      try {
        std::rethrow_exception(error_);
      } catch (const CommandTimeoutError&) {  // this interruption's own, from a pool wait
      } catch (const CancelledError&) {
      } catch (const std::exception& e) {
        what += std::string("; the database call ended with: ") + e.what();
      } catch (...) {
      }
    }
    what += "; ";
    what += recovery;
    if (why_ == Interruption::kTimedOut) throw CommandTimeoutError(what);
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
    suspend(Request::kIo);
    if (io_got_ == IoEvents::kNone)
      throw OperationalError(
          ErrorInfo{"", 0,
                    abandoned_ ? "the wait for the database's answer was abandoned: the call was "
                                 "interrupted and the database did not end its statement in time"
                               : "the wait for the database's socket was abandoned: its event loop "
                                 "stopped or cancelled it",
                    ""});
    return io_got_;
  }

  void run_blocking(const std::function<void()>& job, CancellableConnection* target) override {
    if (interrupted() && grace_.ready()) throw_interruption("no further work was started");
    job_ = &job;
    job_target_ = target;
    job_error_ = nullptr;
    suspend(Request::kJob);
    if (job_error_) std::rethrow_exception(std::exchange(job_error_, nullptr));
  }

  std::shared_ptr<Wakeup> make_wakeup() override {
    return std::make_shared<EventWakeup>(executor_);
  }

  bool sleep(Wakeup& wakeup, Clock::time_point deadline) override {
    sleep_wakeup_ = static_cast<EventWakeup*>(&wakeup);
    sleep_deadline_ = deadline;
    suspend(Request::kSleep);
    if (sleep_interrupted_) throw_interruption("it held no connection");
    return sleep_wakeup_->woken.load();
  }

 private:
  enum class Request { kNone, kIo, kJob, kSleep };

  void suspend(Request request) {
    if (unwinding_)
      throw OperationalError(ErrorInfo{"", 0,
                                       "a call of the async layer was abandoned (its coroutine "
                                       "was destroyed) while it used the database",
                                       ""});
    request_ = request;
    caller_ = std::move(caller_).resume();
  }

  // Notices an interruption that happened: cancel() (why_ already set) or the deadline.
  bool interrupt_due() {
    if (interrupted()) return true;
    if (!interrupt_.ready()) return false;
    why_ = Interruption::kTimedOut;
    return true;
  }

  // First notice of the interruption by a wait: starts the grace period.
  void begin_grace() {
    if (grace_started_) return;
    grace_started_ = true;
    grace_.timer.expires_after(grace_period_);
  }

  // Runs target's cancel request on the runtime's cancel thread and waits for it (until the
  // grace period ends). Once per call.
  awaitable<void> send_cancel(CancellableConnection* target) {
    if (cancel_sent_ || !target) co_return;
    cancel_sent_ = true;
    std::function<bool()> request;
    try {
      request = target->cancel_request();
    } catch (...) {  // could not even prepare it: the grace period decides
      co_return;
    }
    if (!request) co_return;
    auto sent = std::make_shared<Event>(executor_);
    asio::post(runtime_->cancels, [request = std::move(request), sent, executor = executor_] {
      try {
        request();
      } catch (...) {  // the contract says it never throws; a failure is the grace period's
      }
      asio::post(executor, [sent] { sent->fire(); });
    });
    std::array<Event*, 2> events{sent.get(), &grace_};
    if (grace_.ready()) co_return;
    co_await async_wait_any(nullptr, IoEvents::kNone, std::span<Event* const>(events),
                            asio::use_awaitable);
  }

  awaitable<void> perform_io() {
    io_got_ = IoEvents::kNone;
    asio::posix::stream_descriptor sd(executor_, io_fd_);
    struct Release {  // the descriptor is the driver's: never closed here
      asio::posix::stream_descriptor& sd;
      ~Release() { sd.release(); }
    } release{sd};
    Event io_timeout(executor_);
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
        co_await send_cancel(io_target_);
        if (grace_.ready()) {
          abandoned_ = true;
          co_return;
        }
      }
      std::array<Event*, 2> events{};
      std::size_t n = 0;
      if (io_timeout_ms_ >= 0) events[n++] = &io_timeout;
      events[n++] = interrupted() ? &grace_ : &interrupt_;
      const Outcome got = co_await async_wait_any(
          &sd, io, std::span<Event* const>(events.data(), n), asio::use_awaitable);
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
    auto finished = std::make_shared<Event>(executor_);
    asio::post(runtime_->workers(), [this, finished, executor = executor_] {
      try {
        (*job_)();
      } catch (...) {
        job_error_ = std::current_exception();
      }
      asio::post(executor, [finished] { finished->fire(); });
    });
    bool noticed = false;
    for (;;) {
      if (finished->fired) co_return;
      if (!noticed && interrupt_due()) {
        noticed = true;
        begin_grace();
        co_await send_cancel(job_target_);  // the job itself is waited for, however long
        continue;
      }
      std::array<Event*, 2> events{finished.get(), &interrupt_};
      const std::size_t n = noticed ? 1 : 2;
      co_await async_wait_any(nullptr, IoEvents::kNone, std::span<Event* const>(events.data(), n),
                              asio::use_awaitable);
    }
  }

  awaitable<void> perform_sleep() {
    sleep_interrupted_ = false;
    EventWakeup& wakeup = *sleep_wakeup_;
    if (interrupt_due()) {
      sleep_interrupted_ = true;
      co_return;
    }
    if (wakeup.woken.load()) co_return;
    wakeup.event.timer.expires_at(sleep_deadline_);
    std::array<Event*, 2> events{&wakeup.event, &interrupt_};
    const Outcome got = co_await async_wait_any(
        nullptr, IoEvents::kNone, std::span<Event* const>(events), asio::use_awaitable);
    if (got.event == 1 && interrupt_due()) sleep_interrupted_ = true;
  }

  std::shared_ptr<Runtime> runtime_;
  asio::any_io_executor executor_;
  std::function<void()> body_;
  std::shared_ptr<CallControl> control_;
  std::uint64_t generation_{0};
  std::optional<std::chrono::milliseconds> timeout_;
  std::chrono::milliseconds grace_period_{0};
  Event interrupt_;  ///< fired by cancel(), or its deadline the command_timeout's
  Event grace_;      ///< its deadline the end of the grace period, once interrupted
  Interruption why_{Interruption::kNone};
  bool grace_started_{false};
  bool cancel_sent_{false};
  bool abandoned_{false};
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
  const std::function<void()>* job_{nullptr};
  CancellableConnection* job_target_{nullptr};
  std::exception_ptr job_error_;
  EventWakeup* sleep_wakeup_{nullptr};
  Clock::time_point sleep_deadline_{};
  bool sleep_interrupted_{false};
};

}  // namespace

bool cancel(const std::shared_ptr<CallControl>& control) noexcept {
  if (!control) return false;
  try {
    std::lock_guard lock(control->mutex);
    if (!control->running) return false;
    asio::post(control->executor, [control, generation = control->generation] {
      std::lock_guard lock(control->mutex);
      if (control->running) control->running->cancel_from(generation);
    });
    return true;
  } catch (...) {  // the executor is gone
    return false;
  }
}

awaitable<void> run_on_fiber(std::shared_ptr<Runtime> runtime, std::function<void()> body,
                             std::shared_ptr<CallControl> control) {
  auto executor = co_await asio::this_coro::executor;
  FiberCall call(runtime, std::move(executor), std::move(body), control);
  call.resume();
  while (!call.done()) {
    co_await call.perform();
    call.resume();
  }
  call.release_control();
  if (!call.interrupted()) {
    call.rethrow();
    co_return;
  }
  // Interrupted: put the connection back in order on a fiber of its own, then say so.
  const bool abandoned = call.abandoned();
  bool recovered = true;
  if (control && control->recover) {
    std::function<void()> recover = [&control, abandoned] { control->recover(abandoned); };
    std::exception_ptr failed;
    try {
      co_await run_on_fiber(runtime, std::move(recover), nullptr);
    } catch (...) {
      failed = std::current_exception();
    }
    recovered = !failed;
  }
  call.throw_interruption(
      abandoned   ? "the database did not end the statement within cancel_grace, so the "
                    "connection was invalidated"
      : recovered ? "the statement was cancelled and the transaction rolled back"
                  : "the statement was cancelled; the rollback after it failed");
}

}  // namespace crucible::asyncio::detail
