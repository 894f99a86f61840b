// The thread's current Suspender (suspender.hpp).
#include "suspender.hpp"

namespace crucible::detail {

namespace {
thread_local Suspender* current = nullptr;
}

Wakeup::~Wakeup() = default;
Suspender::~Suspender() = default;

Suspender* current_suspender() noexcept { return current; }

Suspender* exchange_current_suspender(Suspender* s) noexcept {
  Suspender* before = current;
  current = s;
  return before;
}

}  // namespace crucible::detail
