#pragma once
// An async engine's Runtime (asyncio/fiber.hpp): its worker threads and its pool of fiber
// stacks. Private to libcrucible.
#include <utility>

#include <cstddef>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio/thread_pool.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>
#include <boost/context/stack_context.hpp>

#include "crucible/asyncio/fiber.hpp"

namespace crucible::asyncio::detail {

/// Fiber stacks, kept for reuse once a fiber ends (a new stack is an mmap, an mprotect for its
/// guard page and later a munmap). Thread-safe.
class StackPool {
 public:
  explicit StackPool(std::size_t stack_size) : allocator_(stack_size) {}
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;
  /// A stack of the pool's size. Throws std::bad_alloc when none can be mapped.
  boost::context::stack_context allocate();
  /// Takes back a stack from allocate(): kept when fewer than kKept are, else unmapped.
  void deallocate(boost::context::stack_context& stack) noexcept;

 private:
  static constexpr std::size_t kKept = 64;
  boost::context::protected_fixedsize_stack allocator_;
  std::mutex mutex_;
  std::vector<boost::context::stack_context> free_;
};

/// The stack allocator a fiber is given (Boost.Context's StackAllocator concept): draws on a
/// StackPool that outlives the fiber.
struct PooledStack {
  StackPool* pool;
  boost::context::stack_context allocate() { return pool->allocate(); }
  void deallocate(boost::context::stack_context& stack) noexcept { pool->deallocate(stack); }
};

struct Runtime {
  Runtime(const AsyncOptions& options_, std::size_t worker_count)
      : options(options_), cancels(1), stacks(options_.fiber_stack_size),
        worker_count_(worker_count) {}
  ~Runtime() {
    if (workers_) workers_->join();
    cancels.join();
  }
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  /// The threads that run blocking driver calls (Suspender::run_blocking), started at the first
  /// call: an engine whose driver never blocks has none. Thread-safe.
  boost::asio::thread_pool& workers() {
    std::call_once(workers_started_, [this] { workers_.emplace(worker_count_); });
    return *workers_;
  }

  const AsyncOptions options;
  /// Runs the cancel requests of interrupted calls (CancellableConnection::cancel_request):
  /// apart from the workers, which an interrupted call may be occupying.
  boost::asio::thread_pool cancels;
  StackPool stacks;

 private:
  std::size_t worker_count_;
  std::once_flag workers_started_;
  std::optional<boost::asio::thread_pool> workers_;
};

}  // namespace crucible::asyncio::detail
