// The chunks closed Sessions leave for the next ones (arena.hpp).
#include "arena.hpp"

#include <mutex>

namespace crucible::orm::detail {

namespace {

struct KeptChunks {
  std::mutex mutex;
  std::vector<void*> chunks;  ///< each SessionArena::kLargestChunk bytes
};

// Never destroyed: a Session that outlives static destruction (one in a static object) still
// finds it; what it keeps at exit is reachable memory the process gives back as it ends.
KeptChunks& kept() {
  static auto* instance = new KeptChunks;
  return *instance;
}

}  // namespace

void* SessionArena::take(std::size_t size) {
  if (size == kLargestChunk) {
    KeptChunks& k = kept();
    const std::lock_guard lock(k.mutex);
    if (!k.chunks.empty()) {
      void* c = k.chunks.back();
      k.chunks.pop_back();
      return c;
    }
  }
  return ::operator new(size);
}

void SessionArena::give_back(void* data, std::size_t size) noexcept {
  if (size == kLargestChunk) {
    KeptChunks& k = kept();
    const std::lock_guard lock(k.mutex);
    if ((k.chunks.size() + 1) * kLargestChunk <= kKeptBytes) {
      try {
        k.chunks.push_back(data);
        return;
      } catch (...) {  // no room to remember it: free it below
      }
    }
  }
  ::operator delete(data);
}

}  // namespace crucible::orm::detail
