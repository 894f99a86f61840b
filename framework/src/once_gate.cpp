// OnceGate (once_gate.hpp).
#include "once_gate.hpp"

#include <chrono>

#include "suspender.hpp"

namespace crucible::detail {

void OnceGate::run(const std::function<void()>& fn) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (state_ == State::kDone) return;
    if (state_ == State::kNotRun) {
      state_ = State::kRunning;
      lock.unlock();
      try {
        fn();
      } catch (...) {
        lock.lock();
        state_ = State::kNotRun;
        wake_all_locked();
        throw;
      }
      lock.lock();
      state_ = State::kDone;
      wake_all_locked();
      return;
    }
    if (Suspender* fiber = current_suspender()) {
      std::shared_ptr<Wakeup> wakeup = fiber->make_wakeup();
      sleepers_.push_back(wakeup);
      lock.unlock();
      try {
        fiber->sleep(*wakeup, std::chrono::steady_clock::time_point::max());
      } catch (...) {  // the call was interrupted: it waits no more, so it leaves the list
        lock.lock();
        std::erase(sleepers_, wakeup);
        throw;
      }
      lock.lock();
    } else {
      done_.wait(lock);
    }
  }
}

void OnceGate::wake_all_locked() noexcept {
  done_.notify_all();
  for (const auto& wakeup : sleepers_) wakeup->wake();
  sleepers_.clear();
}

}  // namespace crucible::detail
