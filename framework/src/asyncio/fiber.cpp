// run_on_fiber (asyncio/fiber.hpp): a fiber per awaited call, its waits awaited on the calling
// coroutine's executor. Boost.Context's fiber (https://www.boost.org/doc/libs/1_74_0/libs/
// context/doc/html/context/ff.html) switches stacks; Boost.Asio's reactor watches the sockets.
#include <utility>

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <string>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
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

std::shared_ptr<Runtime> make_runtime(const AsyncOptions& options) {
  if (options.worker_threads == 0)
    throw ArgumentError("AsyncOptions::worker_threads must be at least 1, got 0");
  if (options.fiber_stack_size < 64 * 1024)
    throw ArgumentError("AsyncOptions::fiber_stack_size must be at least 65536 bytes, got " +
                        std::to_string(options.fiber_stack_size));
  return std::make_shared<Runtime>(options.worker_threads, options.fiber_stack_size);
}

namespace {

// ---- Wakeup -----------------------------------------------------------------------------------

// A sleep's timer on the fiber's executor; wake() cancels it there (a timer is not thread-safe,
// and wake() may come from any thread).
class TimerWakeup final : public Wakeup, public std::enable_shared_from_this<TimerWakeup> {
 public:
  explicit TimerWakeup(const asio::any_io_executor& executor) : timer(executor) {}
  void wake() noexcept override {
    if (woken.exchange(true)) return;
    try {
      asio::post(timer.get_executor(), [self = shared_from_this()] { self->timer.cancel(); });
    } catch (...) {  // the executor is gone: nobody sleeps any more
    }
  }
  asio::steady_timer timer;
  std::atomic<bool> woken{false};
};

// ---- waiting for a socket ---------------------------------------------------------------------

// Waits for the first of: sd readable, sd writable, timer expired (those asked for); completes
// with what happened, kNone when every wait was cancelled (the executor shutting down).
template <class Token>
auto async_wait_any(asio::posix::stream_descriptor& sd, asio::steady_timer* timer, IoEvents events,
                    Token&& token) {
  return asio::async_initiate<Token, void(IoEvents)>(
      [&sd, timer, events](auto completion) {
        using Handler = decltype(completion);
        struct State {
          explicit State(Handler&& h) : handler(std::move(h)) {}
          Handler handler;
          int pending{0};
          IoEvents got{IoEvents::kNone};
        };
        auto state = std::make_shared<State>(std::move(completion));
        auto finish = [state, &sd, timer](IoEvents what, const boost::system::error_code& ec) {
          if (!ec && state->got == IoEvents::kNone) {
            state->got = what;
            boost::system::error_code ignored;
            sd.cancel(ignored);
            if (timer) timer->cancel();
          }
          if (--state->pending == 0) std::move(state->handler)(state->got);
        };
        using Base = asio::posix::descriptor_base;
        if (any(events & IoEvents::kRead)) {
          ++state->pending;
          sd.async_wait(Base::wait_read, [finish](const boost::system::error_code& ec) {
            finish(IoEvents::kRead, ec);
          });
        }
        if (any(events & IoEvents::kWrite)) {
          ++state->pending;
          sd.async_wait(Base::wait_write, [finish](const boost::system::error_code& ec) {
            finish(IoEvents::kWrite, ec);
          });
        }
        if (timer) {
          ++state->pending;
          timer->async_wait(
              [finish](const boost::system::error_code& ec) { finish(IoEvents::kTimeout, ec); });
        }
      },
      token);
}

// ---- the fiber --------------------------------------------------------------------------------

// One awaited call: the fiber running body, and what it waits for when suspended. Lives in the
// frame of run_on_fiber; the fiber runs only inside resume(), on the coroutine's thread.
class FiberCall final : public Suspender {
 public:
  FiberCall(std::shared_ptr<Runtime> runtime, asio::any_io_executor executor,
            std::function<void()> body)
      : runtime_(std::move(runtime)), executor_(std::move(executor)), body_(std::move(body)) {
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

  IoEvents wait_io(int fd, IoEvents events, int timeout_ms) override {
    if (!any(events & (IoEvents::kRead | IoEvents::kWrite)) &&
        !(any(events & IoEvents::kTimeout) && timeout_ms >= 0))
      throw InterfaceError(
          ErrorInfo{"", 0, "a driver asked to wait for nothing (no event, no timeout)", ""});
    io_fd_ = fd;
    io_events_ = events;
    io_timeout_ms_ = any(events & IoEvents::kTimeout) ? timeout_ms : -1;
    suspend(Request::kIo);
    if (io_got_ == IoEvents::kNone)
      throw OperationalError(ErrorInfo{"", 0,
                                       "the wait for the database's socket was abandoned: its "
                                       "event loop stopped or cancelled it",
                                       ""});
    return io_got_;
  }

  void run_blocking(const std::function<void()>& job) override {
    job_ = &job;
    job_error_ = nullptr;
    suspend(Request::kJob);
    if (job_error_) std::rethrow_exception(std::exchange(job_error_, nullptr));
  }

  std::shared_ptr<Wakeup> make_wakeup() override {
    return std::make_shared<TimerWakeup>(executor_);
  }

  bool sleep(Wakeup& wakeup, Clock::time_point deadline) override {
    sleep_wakeup_ = static_cast<TimerWakeup*>(&wakeup);
    sleep_deadline_ = deadline;
    suspend(Request::kSleep);
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

  awaitable<void> perform_io() {
    io_got_ = IoEvents::kNone;
    asio::posix::stream_descriptor sd(executor_, io_fd_);
    struct Release {  // the descriptor is the driver's: never closed here
      asio::posix::stream_descriptor& sd;
      ~Release() { sd.release(); }
    } release{sd};
    std::optional<asio::steady_timer> timer;
    if (io_timeout_ms_ >= 0) timer.emplace(executor_, std::chrono::milliseconds(io_timeout_ms_));
    io_got_ = co_await async_wait_any(sd, timer ? &*timer : nullptr,
                                      io_events_ & (IoEvents::kRead | IoEvents::kWrite),
                                      asio::use_awaitable);
  }

  awaitable<void> perform_job() {
    co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(
        [this](auto handler) {
          asio::post(runtime_->workers, [this, handler = std::move(handler)]() mutable {
            try {
              (*job_)();
            } catch (...) {
              job_error_ = std::current_exception();
            }
            auto executor = asio::get_associated_executor(handler);
            asio::post(executor, std::move(handler));
          });
        },
        asio::use_awaitable);
  }

  awaitable<void> perform_sleep() {
    TimerWakeup& wakeup = *sleep_wakeup_;
    if (wakeup.woken.load()) co_return;
    wakeup.timer.expires_at(sleep_deadline_);
    boost::system::error_code ec;
    co_await wakeup.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }

  std::shared_ptr<Runtime> runtime_;
  asio::any_io_executor executor_;
  std::function<void()> body_;
  ctx::fiber fiber_;
  ctx::fiber caller_;  ///< while the fiber runs: the context that resumed it
  bool done_{false};
  bool unwinding_{false};
  std::exception_ptr error_;
  Request request_{Request::kNone};
  int io_fd_{-1};
  IoEvents io_events_{IoEvents::kNone};
  int io_timeout_ms_{-1};
  IoEvents io_got_{IoEvents::kNone};
  const std::function<void()>* job_{nullptr};
  std::exception_ptr job_error_;
  TimerWakeup* sleep_wakeup_{nullptr};
  Clock::time_point sleep_deadline_{};
};

}  // namespace

awaitable<void> run_on_fiber(std::shared_ptr<Runtime> runtime, std::function<void()> body) {
  auto executor = co_await asio::this_coro::executor;
  FiberCall call(std::move(runtime), std::move(executor), std::move(body));
  call.resume();
  while (!call.done()) {
    co_await call.perform();
    call.resume();
  }
  call.rethrow();
}

}  // namespace crucible::asyncio::detail
