#pragma once
// A persistent object's column values as the database has them (SQLAlchemy's committed state),
// for dirty checking, an UPDATE's old key and a rollback's restore. Private to libcrucible.
//
// Text is the bulk of most rows, and a snapshot of every loaded object doubles it: a snapshot
// keeps its texts in the Session's memory (one pool, released with the Session) instead of one
// std::string each on the heap, and copies them from the row rather than taking the row's
// strings, so that the driver refills the same row buffers for the next row. A value the
// Session made for itself and is done with (a flushed INSERT's parameter) is moved in instead. Loading 100,000
// objects made 200,000 heap strings for snapshots before, and as many frees when they went.
#include <cstddef>
#include <cstring>
#include <memory_resource>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/orm/mapper.hpp"
#include "crucible/value.hpp"

namespace crucible::orm::detail {

class Snapshot {
 public:
  /// An empty snapshot whose slots and texts come from memory (which must outlive it).
  explicit Snapshot(std::pmr::memory_resource* memory) noexcept : slots_(memory) {}
  ~Snapshot() { clear(); }
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  bool empty() const noexcept { return slots_.empty(); }
  std::size_t size() const noexcept { return slots_.size(); }

  /// No values (an object pending again after a rollback).
  void clear() noexcept {
    for (Slot& s : slots_) release(s);
    slots_.clear();
  }
  /// n values, each NULL until set; the values already there are kept.
  void resize(std::size_t n) {
    if (n < slots_.size()) {
      for (std::size_t i = n; i < slots_.size(); ++i) release(slots_[i]);
    }
    slots_.resize(n);
  }
  /// Value i, copied out (a text makes a std::string). Throws std::out_of_range past the end.
  Value value(std::size_t i) const {
    const Slot& s = slots_.at(i);
    if (!s.is_text) return s.value;
    Value v;
    v.assign_string(std::string_view(s.text, s.size));
    return v;
  }
  /// All values, copied out, in column order.
  std::vector<Value> values() const {
    std::vector<Value> out;
    out.reserve(slots_.size());
    for (std::size_t i = 0; i < slots_.size(); ++i) out.push_back(value(i));
    return out;
  }
  /// Sets value i (< size()) to a copy of v.
  void set(std::size_t i, const Value& v) {
    Slot& s = slots_[i];
    if (const auto* text = std::get_if<std::string>(&v.storage())) {
      char* copy = nullptr;
      if (!text->empty()) {
        copy = static_cast<char*>(memory()->allocate(text->size(), 1));
        std::memcpy(copy, text->data(), text->size());
      }
      release(s);
      s.value = Value();
      s.text = copy;
      s.size = text->size();
      s.is_text = true;
    } else {
      release(s);
      s.value = v;
    }
  }
  /// Sets value i (< size()) to v, moved in as it is: a text keeps its own string (one the
  /// Session owns already, such as a flushed INSERT's parameter) instead of a copy in memory.
  void set(std::size_t i, Value&& v) noexcept {
    Slot& s = slots_[i];
    release(s);
    s.value = std::move(v);
  }
  /// size() = values.size(), each copied.
  void assign(std::span<const Value> values) {
    clear();
    resize(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) set(i, values[i]);
  }
  /// Whether the member that accessor reaches in object equals value i (no allocation for a
  /// text compared with a std::string member).
  bool same(const ColumnAccessor& accessor, const void* object, std::size_t i) const {
    const Slot& s = slots_[i];
    return s.is_text ? accessor.same_text(object, std::string_view(s.text, s.size))
                     : accessor.same(object, s.value);
  }

 private:
  struct Slot {
    Value value;  ///< the value, unless it is a text
    const char* text{nullptr};
    std::size_t size{0};
    bool is_text{false};
  };
  std::pmr::memory_resource* memory() const noexcept { return slots_.get_allocator().resource(); }
  void release(Slot& s) noexcept {
    if (s.is_text && s.text != nullptr) memory()->deallocate(const_cast<char*>(s.text), s.size, 1);
    s.text = nullptr;
    s.size = 0;
    s.is_text = false;
  }

  std::pmr::vector<Slot> slots_;
};

}  // namespace crucible::orm::detail
