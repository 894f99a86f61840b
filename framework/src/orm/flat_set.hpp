#pragma once
// An open-addressing hash set of pointers (linear probing, power-of-two capacity, tombstones),
// for the Session's two per-object indexes: the states by object address and the identity map.
// A node-based std::unordered_set allocates once per element; loading 100,000 objects made those
// allocations (and their frees when the Session closed) a large share of the ORM's time.
// Private to libcrucible.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace crucible::orm::detail {

/// Pointers to T, found by a key K. Each slot keeps its element's hash beside the pointer, so
/// probing and growing never read the elements themselves (a cache miss each, with 100,000
/// objects loaded). Traits gives
///   static bool equal(const K& key, const T* element)
/// The caller passes each key's and element's hash, the same for a key and its element.
/// Elements' keys must not change while they are in the set. Not thread-safe.
template <class T, class K, class Traits>
class FlatSet {
 public:
  std::size_t size() const noexcept { return size_; }

  /// The element with this key, or nullptr.
  T* find(const K& key, std::size_t hash) const noexcept {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.element == nullptr) return nullptr;
      if (s.hash == hash && s.element != tombstone() && Traits::equal(key, s.element)) return s.element;
    }
  }

  /// Adds element with this hash; the set must not hold its key yet.
  void insert(T* element, std::size_t hash) {
    if ((used_ + 1) * 4 > slots_.size() * 3) rehash(slots_.size() < 16 ? 32 : (size_ * 2 + 1) * 2);
    place(element, hash);
  }

  /// Removes element (by identity), inserted with this hash; a no-op when it is not there.
  void erase(const T* element, std::size_t hash) noexcept {
    if (slots_.empty()) return;
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
    slots_.clear();
    size_ = used_ = 0;
    mask_ = 0;
  }

  /// Calls fn(T*) for every element, in no particular order.
  template <class F>
  void for_each(F&& fn) const {
    for (const Slot& s : slots_)
      if (s.element != nullptr && s.element != tombstone()) fn(s.element);
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
  void rehash(std::size_t want) {
    std::size_t capacity = 32;
    while (capacity < want) capacity *= 2;
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{0, nullptr});
    mask_ = capacity - 1;
    size_ = used_ = 0;
    for (const Slot& s : old)
      if (s.element != nullptr && s.element != tombstone()) place(s.element, s.hash);
  }

  std::vector<Slot> slots_;
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
