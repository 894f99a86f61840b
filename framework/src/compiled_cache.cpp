// CompiledCache (sql/compiler.hpp): compiled statements by cache key, least recently used
// first out (SQLAlchemy's LRUCache behind engine.compiled_cache). One mutex guards the list and
// the index; the hit and miss counters are atomics so tests and echo can read them freely.
#include <atomic>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "crucible/sql/compiler.hpp"

namespace crucible::sql {

struct CompiledCache::Impl {
  using Entry = std::pair<std::string, std::shared_ptr<const Compiled>>;
  std::size_t capacity;
  mutable std::mutex mutex;
  std::list<Entry> entries;  ///< most recently used first
  /// key -> its entry; the string_view points into the entry's own key, which never moves.
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index;
  std::atomic<std::uint64_t> hits{0};
  std::atomic<std::uint64_t> misses{0};
};

CompiledCache::CompiledCache(std::size_t capacity) : impl_(std::make_unique<Impl>()) {
  impl_->capacity = capacity;
}

CompiledCache::~CompiledCache() = default;

std::shared_ptr<const Compiled> CompiledCache::get(const std::string& key) {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->index.find(key);
  if (it == impl_->index.end()) {
    impl_->misses.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  impl_->entries.splice(impl_->entries.begin(), impl_->entries, it->second);
  impl_->hits.fetch_add(1, std::memory_order_relaxed);
  return it->second->second;
}

void CompiledCache::put(const std::string& key, std::shared_ptr<const Compiled> compiled) {
  std::lock_guard lock(impl_->mutex);
  if (impl_->capacity == 0) return;
  if (auto it = impl_->index.find(key); it != impl_->index.end()) {
    it->second->second = std::move(compiled);
    impl_->entries.splice(impl_->entries.begin(), impl_->entries, it->second);
    return;
  }
  impl_->entries.emplace_front(key, std::move(compiled));
  impl_->index.emplace(impl_->entries.front().first, impl_->entries.begin());
  while (impl_->entries.size() > impl_->capacity) {
    impl_->index.erase(impl_->entries.back().first);
    impl_->entries.pop_back();
  }
}

std::size_t CompiledCache::size() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->entries.size();
}

std::uint64_t CompiledCache::hits() const noexcept {
  return impl_->hits.load(std::memory_order_relaxed);
}

std::uint64_t CompiledCache::misses() const noexcept {
  return impl_->misses.load(std::memory_order_relaxed);
}

void CompiledCache::clear() {
  std::lock_guard lock(impl_->mutex);
  impl_->index.clear();
  impl_->entries.clear();
}

}  // namespace crucible::sql
