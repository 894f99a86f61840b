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

/// Pointers to T, found by a key K. Traits gives
///   static std::size_t hash(const T* element)      the hash of an element's key
///   static bool equal(const K& key, const T* element)
/// The caller passes the key's hash (Traits must hash a key and its element alike). Elements'
/// keys must not change while they are in the set. Not thread-safe.
template <class T, class K, class Traits>
class FlatSet {
 public:
  std::size_t size() const noexcept { return size_; }

  /// The element with this key, or nullptr.
  T* find(const K& key, std::size_t hash) const noexcept {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      T* s = slots_[i];
      if (s == nullptr) return nullptr;
      if (s != tombstone() && Traits::equal(key, s)) return s;
    }
  }

  /// Adds element, whose key the set must not hold yet.
  void insert(T* element) {
    if ((used_ + 1) * 4 > slots_.size() * 3) rehash(slots_.size() < 16 ? 32 : (size_ * 2 + 1) * 2);
    std::size_t i = Traits::hash(element) & mask_;
    while (slots_[i] != nullptr && slots_[i] != tombstone()) i = (i + 1) & mask_;
    if (slots_[i] == nullptr) ++used_;
    slots_[i] = element;
    ++size_;
  }

  /// Removes element (by identity); a no-op when it is not there.
  void erase(const T* element) noexcept {
    if (slots_.empty()) return;
    for (std::size_t i = Traits::hash(element) & mask_;; i = (i + 1) & mask_) {
      T* s = slots_[i];
      if (s == nullptr) return;
      if (s == element) {
        slots_[i] = tombstone();
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
    for (T* s : slots_)
      if (s != nullptr && s != tombstone()) fn(s);
  }

 private:
  static T* tombstone() noexcept { return reinterpret_cast<T*>(std::uintptr_t{1}); }
  void rehash(std::size_t want) {
    std::size_t capacity = 32;
    while (capacity < want) capacity *= 2;
    std::vector<T*> old = std::move(slots_);
    slots_.assign(capacity, nullptr);
    mask_ = capacity - 1;
    size_ = used_ = 0;
    for (T* s : old)
      if (s != nullptr && s != tombstone()) insert(s);
  }

  std::vector<T*> slots_;
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
