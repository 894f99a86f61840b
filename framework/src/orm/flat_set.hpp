#pragma once
// An open-addressing hash set of pointers (linear probing, power-of-two capacity, tombstones),
// for the Session's two per-object indexes: the states by object address and the identity map.
// A node-based std::unordered_set allocates once per element; loading 100,000 objects made those
// allocations (and their frees when the Session closed) a large share of the ORM's time.
// Private to libcrucible.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace crucible::orm::detail {

/// Pointers to T, found by a key K. Each slot keeps its element's hash beside the pointer, so
/// probing and growing never read the elements themselves (a cache miss each, with 100,000
/// objects loaded). Traits gives
///   static bool equal(const K& key, const T* element)
/// The caller passes each key's and element's hash, the same for a key and its element.
/// Elements' keys must not change while they are in the set. The first few elements live in
/// the set itself (a Session that reads one object allocates no table). Not thread-safe; not
/// copyable or movable (the slots may be inside it).
template <class T, class K, class Traits>
class FlatSet {
 public:
  FlatSet() = default;
  FlatSet(const FlatSet&) = delete;
  FlatSet& operator=(const FlatSet&) = delete;

  std::size_t size() const noexcept { return size_; }

  /// The element with this key, or nullptr.
  T* find(const K& key, std::size_t hash) const noexcept {
    if (slots_ == nullptr) return nullptr;
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.element == nullptr) return nullptr;
      if (s.hash == hash && s.element != tombstone() && Traits::equal(key, s.element)) return s.element;
    }
  }

  /// Adds element with this hash; the set must not hold its key yet.
  void insert(T* element, std::size_t hash) {
    if ((used_ + 1) * 4 > (mask_ + 1) * 3 || slots_ == nullptr)
      rehash(slots_ == nullptr ? kInline : mask_ < 16 ? 32 : (size_ * 2 + 1) * 2);
    place(element, hash);
  }

  /// Removes element (by identity), inserted with this hash; a no-op when it is not there.
  void erase(const T* element, std::size_t hash) noexcept {
    if (slots_ == nullptr) return;
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.element == nullptr) return;
      if (s.element == element) {
        s.element = tombstone();
        --size_;
        return;
      }
    }
  }

  void clear() noexcept {
    heap_.reset();
    slots_ = nullptr;
    size_ = used_ = 0;
    mask_ = 0;
  }

  /// Calls fn(T*) for every element, in no particular order.
  template <class F>
  void for_each(F&& fn) const {
    if (slots_ == nullptr) return;
    for (std::size_t i = 0; i <= mask_; ++i)
      if (slots_[i].element != nullptr && slots_[i].element != tombstone()) fn(slots_[i].element);
  }

 private:
  struct Slot {
    std::size_t hash;
    T* element;
  };
  static T* tombstone() noexcept { return reinterpret_cast<T*>(std::uintptr_t{1}); }
  void place(T* element, std::size_t hash) noexcept {
    std::size_t i = hash & mask_;
    while (slots_[i].element != nullptr && slots_[i].element != tombstone()) i = (i + 1) & mask_;
    if (slots_[i].element == nullptr) ++used_;
    slots_[i] = Slot{hash, element};
    ++size_;
  }
  /// Slots inside the set (a power of two), used until the set outgrows them.
  static constexpr std::size_t kInline = 8;
  void rehash(std::size_t want) {
    std::size_t capacity = want <= kInline ? kInline : 32;
    while (capacity < want) capacity *= 2;
    // The new table is made before anything changes (a failed allocation leaves the set as it
    // was). The old slots: the inline ones are not reused (capacity only grows from them) and a
    // heap table is kept alive until its elements are placed again.
    std::unique_ptr<Slot[]> fresh;
    if (capacity != kInline) fresh = std::make_unique<Slot[]>(capacity);  // every element null
    std::unique_ptr<Slot[]> old_heap = std::move(heap_);
    const Slot* old = slots_;
    const std::size_t old_count = old == nullptr ? 0 : mask_ + 1;
    if (capacity == kInline) {
      inline_.fill(Slot{0, nullptr});
      slots_ = inline_.data();
    } else {
      heap_ = std::move(fresh);
      slots_ = heap_.get();
    }
    mask_ = capacity - 1;
    size_ = used_ = 0;
    for (std::size_t i = 0; i < old_count; ++i)
      if (old[i].element != nullptr && old[i].element != tombstone()) place(old[i].element, old[i].hash);
  }

  Slot* slots_{nullptr};           ///< inline_ or heap_, null while the set has no slots
  std::unique_ptr<Slot[]> heap_;   ///< the slots once they outgrow inline_
  std::array<Slot, kInline> inline_;
  std::size_t mask_{0};
  std::size_t size_{0};
  std::size_t used_{0};  ///< live elements and tombstones: what probing walks over
};

/// Mixes a pointer's bits (addresses share their low bits) into a hash.
inline std::size_t pointer_hash(const void* p) noexcept {
  auto x = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(p));
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return static_cast<std::size_t>(x);
}

}  // namespace crucible::orm::detail
