#pragma once
// A persistent object's column values as the database has them (SQLAlchemy's committed state),
// for dirty checking, an UPDATE's old key and a rollback's restore. Private to libcrucible.
//
// A snapshot is kept for every object the Session holds, so its size counts: loading 100,000
// objects walks 100,000 of them. One 16-byte cell a column, from the Session's memory (one pool,
// released with the Session): null, bool, int64 and double in place; a text copied into the pool
// (a snapshot of every loaded object doubles the text, and the copy leaves the row's strings
// for the driver to refill with the next row); any other value, and a value the Session made
// for itself and is done with (a flushed INSERT's parameter, moved in), as a Value in the pool.
// Cells of 64 bytes (a Value, a text's pointer and size) made loading 100,000 objects about a
// tenth slower; a std::string a text, 200,000 heap blocks more.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory_resource>
#include <new>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/orm/mapper.hpp"
#include "crucible/value.hpp"

namespace crucible::orm::detail {

/// One object's column values, parallel to its mapper's columns (cells described above).
class Snapshot {
 public:
  /// An empty snapshot whose cells and texts come from memory (which must outlive it).
  explicit Snapshot(std::pmr::memory_resource* memory) noexcept : memory_(memory) {}
  ~Snapshot() { clear(); }
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }

  /// No values (an object pending again after a rollback).
  void clear() noexcept {
    for (std::size_t i = 0; i < size_; ++i) release(cells_[i]);
    if (cells_ != nullptr) memory_->deallocate(cells_, size_ * sizeof(Cell), alignof(Cell));
    cells_ = nullptr;
    size_ = 0;
  }
  /// n values, each NULL until set; the values already there (up to n) are kept.
  void resize(std::size_t n) {
    if (n == size_) return;
    Cell* cells =
        n == 0 ? nullptr : static_cast<Cell*>(memory_->allocate(n * sizeof(Cell), alignof(Cell)));
    const std::size_t kept = std::min(n, size_);
    if (kept > 0) std::memcpy(static_cast<void*>(cells), cells_, kept * sizeof(Cell));
    for (std::size_t i = kept; i < n; ++i) new (&cells[i]) Cell{};
    for (std::size_t i = n; i < size_; ++i) release(cells_[i]);
    if (cells_ != nullptr) memory_->deallocate(cells_, size_ * sizeof(Cell), alignof(Cell));
    cells_ = cells;
    size_ = n;
  }
  /// Value i, copied out (a text makes a std::string). Throws std::out_of_range past the end.
  Value value(std::size_t i) const {
    if (i >= size_)
      throw std::out_of_range("snapshot value " + std::to_string(i) + " of " +
                              std::to_string(size_));
    const Cell& c = cells_[i];
    switch (c.kind) {
    case Kind::kNull: return Value();
    case Kind::kBool: return Value(c.b);
    case Kind::kInt: return Value(static_cast<std::int64_t>(c.i));
    case Kind::kDouble: return Value(c.d);
    case Kind::kText: {
      Value v;
      v.assign_string(std::string_view(c.text, c.size));
      return v;
    }
    case Kind::kBoxed: break;
    }
    return *c.boxed;
  }
  /// All values, copied out, in column order.
  std::vector<Value> values() const {
    std::vector<Value> out;
    out.reserve(size_);
    for (std::size_t i = 0; i < size_; ++i) out.push_back(value(i));
    return out;
  }
  /// Sets value i (< size()) to a copy of v.
  void set(std::size_t i, const Value& v) {
    Cell& c = cells_[i];
    if (set_scalar(c, v)) return;
    if (const auto* text = std::get_if<std::string>(&v.storage());
        text != nullptr && text->size() <= kMaxText) {
      char* copy = nullptr;
      if (!text->empty()) {
        copy = static_cast<char*>(memory_->allocate(text->size(), 1));
        std::memcpy(copy, text->data(), text->size());
      }
      release(c);
      c.text = copy;
      c.size = static_cast<std::uint32_t>(text->size());
      c.kind = Kind::kText;
      return;
    }
    box(c, v);
  }
  /// Sets value i (< size()) to v, moved in as it is: a text keeps its own string (one the
  /// Session owns already, such as a flushed INSERT's parameter) instead of a copy in memory.
  void set(std::size_t i, Value&& v) {
    Cell& c = cells_[i];
    if (set_scalar(c, v)) return;
    box(c, std::move(v));
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
    const Cell& c = cells_[i];
    switch (c.kind) {
    case Kind::kText: return accessor.same_text(object, std::string_view(c.text, c.size));
    case Kind::kBoxed: return accessor.same(object, *c.boxed);
    default: return accessor.same(object, value(i));  // a scalar: no allocation
    }
  }

 private:
  /// What a cell holds: a scalar in place, a text in memory_, or any other value (and a text
  /// moved in, or one of 4 GiB or more) as a Value in memory_.
  enum class Kind : std::uint8_t { kNull, kBool, kInt, kDouble, kText, kBoxed };
  /// 16 bytes a column (a Value is 40): a snapshot of a few columns fits a cache line.
  struct Cell {
    union {
      bool b;
      std::int64_t i{0};
      double d;
      const char* text;
      Value* boxed;
    };
    std::uint32_t size{0};  ///< kText: its bytes
    Kind kind{Kind::kNull};
  };
  static_assert(sizeof(Cell) == 16);
  static constexpr std::size_t kMaxText = UINT32_MAX;

  /// Sets c to v when v is null or a scalar; false (c untouched) otherwise.
  bool set_scalar(Cell& c, const Value& v) noexcept {
    switch (v.kind()) {
    case ValueKind::kNull:
      release(c);
      c.kind = Kind::kNull;
      return true;
    case ValueKind::kBool:
      release(c);
      c.b = std::get<bool>(v.storage());
      c.kind = Kind::kBool;
      return true;
    case ValueKind::kInt:
      release(c);
      c.i = *std::get_if<std::int64_t>(&v.storage());
      c.kind = Kind::kInt;
      return true;
    case ValueKind::kDouble:
      release(c);
      c.d = *std::get_if<double>(&v.storage());
      c.kind = Kind::kDouble;
      return true;
    default: return false;
    }
  }
  /// Sets c to a Value in memory_ holding v.
  void box(Cell& c, Value v) {
    Value* boxed = new (memory_->allocate(sizeof(Value), alignof(Value))) Value(std::move(v));
    release(c);
    c.boxed = boxed;
    c.kind = Kind::kBoxed;
  }
  void release(Cell& c) noexcept {
    if (c.kind == Kind::kText && c.text != nullptr) {
      memory_->deallocate(const_cast<char*>(c.text), c.size, 1);
    } else if (c.kind == Kind::kBoxed) {
      c.boxed->~Value();
      memory_->deallocate(c.boxed, sizeof(Value), alignof(Value));
    }
    c.kind = Kind::kNull;
    c.size = 0;
  }

  std::pmr::memory_resource* memory_;
  Cell* cells_{nullptr};
  std::size_t size_{0};
};

}  // namespace crucible::orm::detail
