#pragma once
// An async engine's Runtime (asyncio/fiber.hpp): its worker threads and its pool of fiber
// stacks. Private to libcrucible.
#include <utility>

#include <cstddef>
#include <mutex>
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
  explicit Runtime(const AsyncOptions& options_)
      : options(options_), workers(options_.worker_threads), cancels(1),
        stacks(options_.fiber_stack_size) {}
  ~Runtime() {
    workers.join();
    cancels.join();
  }
  AsyncOptions options;
  boost::asio::thread_pool workers;  ///< runs blocking driver calls (Suspender::run_blocking)
  /// Runs the cancel requests of interrupted calls (CancellableConnection::cancel_request):
  /// apart from the workers, which an interrupted call may be occupying.
  boost::asio::thread_pool cancels;
  StackPool stacks;
};

}  // namespace crucible::asyncio::detail
