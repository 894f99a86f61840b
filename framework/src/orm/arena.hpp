#pragma once
// The memory of one Session's states and snapshots: size classes with free lists over chunks
// from the heap, all given back when the Session goes. Private to libcrucible.
//
// A loaded object costs a state, its snapshot's slots and a copy of each text: four small
// blocks, made and freed by the hundred thousand, always from the Session's one thread. The
// heap handles them one by one (and consolidates its free lists as they go);
// std::pmr::unsynchronized_pool_resource, which is general, spent more instructions on its
// bookkeeping than malloc did. Here a block is a free-list pop or a bump of the current chunk,
// and freeing it is a push: a block freed is reused by the next of its size class, so a
// long-lived Session's memory stays at its peak, not its total.
#include <algorithm>
#include <array>
#include <cstddef>
#include <memory_resource>
#include <new>
#include <vector>

// Under AddressSanitizer a block freed into the arena is poisoned until it is handed out again,
// so that a use after free inside the arena is reported as it would be on the heap.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CRUCIBLE_ARENA_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define CRUCIBLE_ARENA_ASAN 1
#endif
#ifdef CRUCIBLE_ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define CRUCIBLE_ARENA_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define CRUCIBLE_ARENA_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define CRUCIBLE_ARENA_POISON(p, n) ((void)(p), (void)(n))
#define CRUCIBLE_ARENA_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace crucible::orm::detail {

class SessionArena final : public std::pmr::memory_resource {
 public:
  /// Blocks come from the arena's own first kInline bytes, then from chunks.
  SessionArena() noexcept : next_(first_), end_(first_ + kInline) {}
  ~SessionArena() override {
    for (const Chunk& c : chunks_) {
      CRUCIBLE_ARENA_UNPOISON(c.data, c.size);
      give_back(c.data, c.size);
    }
  }
  SessionArena(const SessionArena&) = delete;
  SessionArena& operator=(const SessionArena&) = delete;

  /// From now on blocks freed are not kept for reuse: for the Session's destructor, whose states
  /// go just before the arena does (keeping each block would touch each one's memory once more).
  void stop_reuse() noexcept { reuse_ = false; }

 private:
  static constexpr std::size_t kGrain = 16;     ///< block sizes are multiples of this
  static constexpr std::size_t kLargest = 512;  ///< larger blocks come from the heap directly
  /// The bytes inside the arena itself: room for a Session that holds one or two objects (a
  /// state, its snapshot's slots and texts) without a chunk from the heap.
  static constexpr std::size_t kInline = 1024;
  static constexpr std::size_t kFirstChunk = 4096;
  static constexpr std::size_t kLargestChunk = 256 * 1024;
  struct FreeBlock {
    FreeBlock* next;
  };
  struct Chunk {
    void* data;
    std::size_t size;
  };

  static bool pooled(std::size_t bytes, std::size_t alignment) noexcept {
    return bytes <= kLargest && alignment <= kGrain;
  }
  static std::size_t size_class(std::size_t bytes) noexcept {
    return (std::max<std::size_t>(bytes, 1) + kGrain - 1) / kGrain - 1;
  }

  void* do_allocate(std::size_t bytes, std::size_t alignment) override {
    if (!pooled(bytes, alignment)) return ::operator new (bytes, std::align_val_t{alignment});
    const std::size_t c = size_class(bytes);
    const std::size_t size = (c + 1) * kGrain;
    if (FreeBlock* b = free_[c]) {
      CRUCIBLE_ARENA_UNPOISON(b, size);
      free_[c] = b->next;
      return b;
    }
    if (static_cast<std::size_t>(end_ - next_) < size) grow();
    void* p = next_;
    next_ += size;
    return p;
  }

  void do_deallocate(void* p, std::size_t bytes, std::size_t alignment) override {
    if (!pooled(bytes, alignment)) {
      // Unsized: clang declares the sized forms only with -fsized-deallocation.
      ::operator delete (p, std::align_val_t{alignment});
      return;
    }
    if (!reuse_) return;
    const std::size_t c = size_class(bytes);
    auto* b = static_cast<FreeBlock*>(p);
    b->next = free_[c];
    free_[c] = b;
    CRUCIBLE_ARENA_POISON(b, (c + 1) * kGrain);
  }

  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override {
    return this == &other;
  }

  // A new chunk, twice the last (from 4 KiB to 256 KiB): a Session that holds a few objects
  // takes little, one that loads many takes few chunks. The rest of the old chunk (or of the
  // inline bytes) is dropped.
  void grow() {
    const std::size_t size =
        chunks_.empty() ? kFirstChunk : std::min(chunks_.back().size * 2, kLargestChunk);
    chunks_.reserve(chunks_.size() + 1);
    void* data = take(size);  // aligned for any scalar, so for kGrain
    CRUCIBLE_ARENA_UNPOISON(data, size);
    chunks_.push_back({data, size});
    next_ = static_cast<std::byte*>(data);
    end_ = next_ + size;
  }

  /// A chunk of size bytes: one a closed Session left (largest chunks only), or a new one.
  static void* take(std::size_t size);
  /// Keeps a largest chunk for the next Session while the process keeps less than kKeptBytes
  /// of them (as malloc keeps freed memory below its trim threshold), and frees it otherwise.
  /// Freed at once, the tens of megabytes of a large load went back to the system and came back
  /// as page faults in the next one (bench/orm_postgresql_bench: loading 100,000 objects
  /// took a quarter longer for it). Kept chunks go when the process ends.
  static void give_back(void* data, std::size_t size) noexcept;
  static constexpr std::size_t kKeptBytes = 64 * 1024 * 1024;

  std::array<FreeBlock*, kLargest / kGrain> free_{};
  alignas(kGrain) std::byte first_[kInline];
  std::byte* next_;
  std::byte* end_;
  std::vector<Chunk> chunks_;
  bool reuse_{true};
};

}  // namespace crucible::orm::detail
