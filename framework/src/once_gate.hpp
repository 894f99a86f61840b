#pragma once
// OnceGate: std::call_once for work that may wait on a fiber of the async layer (suspender.hpp).
// std::call_once cannot serve there: a second fiber of the same thread reaching it while the
// first is suspended inside would block the thread, and with it the first fiber, for ever.
// Private to libcrucible.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace crucible::detail {

class Wakeup;

/// Runs a function once with success, as std::call_once: callers that come while it runs wait
/// for it (a fiber on its fiber, a thread on a condition variable), and when it throws, the
/// exception goes to its caller and the next caller runs it again. Thread-safe.
class OnceGate {
 public:
  /// Runs fn unless it already ran to completion; rethrows what fn throws.
  void run(const std::function<void()>& fn);

 private:
  enum class State { kNotRun, kRunning, kDone };
  void wake_all_locked() noexcept;
  std::mutex mutex_;
  std::condition_variable done_;
  std::deque<std::shared_ptr<Wakeup>> sleepers_;
  State state_{State::kNotRun};
};

}  // namespace crucible::detail
