#pragma once
// ParamSets: the parameter sets of one executemany (PEP 249 Cursor.executemany's
// seq_of_parameters), handed to a driver by reference so that no value is copied per set.
#include <cstddef>
#include <deque>
#include <span>
#include <vector>

#include "crucible/value.hpp"

namespace crucible {

/// The parameter sets of one executemany, by position.
///
/// Shape: size() sets; `sets[i]` is set i, a span of `const Value*` in the order the driver's
/// paramstyle numbers the parameters. Sets may differ in length: a driver reports a set whose
/// length is not the statement's parameter count as ProgrammingError, naming the set.
///
/// Ownership: a ParamSets points at values that belong to its builder (a program's Params, the
/// vectors it was made from) or that it keeps itself (add_owned(), e.g. a value the dialect's
/// bind processor made); the former must outlive it. Values kept by it never move, so a driver
/// may hand their bytes to the database without a copy until the executemany returns.
///
/// Not thread-safe; built by one thread, then read by the driver on the same thread.
class ParamSets {
 public:
  ParamSets() = default;
  /// Points at every value of every set of `sets`, which must outlive this object. Implicit so
  /// that `cursor->executemany(sql, rows)` takes a vector of rows as it is; a ParamSets kept
  /// past the full expression must not be made from a temporary vector.
  ParamSets(const std::vector<std::vector<Value>>& sets);  // NOLINT(google-explicit-constructor)
  ParamSets(ParamSets&&) noexcept = default;
  ParamSets& operator=(ParamSets&&) noexcept = default;
  ParamSets(const ParamSets&) = delete;
  ParamSets& operator=(const ParamSets&) = delete;

  /// Room for `sets` sets of `width` values each (an optimisation; never required).
  void reserve(std::size_t sets, std::size_t width);
  /// Starts the next set; the values added after it belong to it.
  void begin_set() { starts_.push_back(cells_.size()); }
  /// Adds a value of the builder's to the current set, by address (no copy).
  void add(const Value& value) { cells_.push_back(&value); }
  /// Adds a value this object keeps (moved in; its address never changes).
  void add_owned(Value value);

  /// The number of sets.
  std::size_t size() const noexcept { return starts_.size(); }
  bool empty() const noexcept { return starts_.empty(); }
  /// Set `set` (< size()): its values' addresses, in bind order.
  std::span<const Value* const> operator[](std::size_t set) const noexcept {
    const std::size_t end = set + 1 < starts_.size() ? starts_[set + 1] : cells_.size();
    return {cells_.data() + starts_[set], end - starts_[set]};
  }

 private:
  std::vector<const Value*> cells_;  // every set's values, set after set
  std::vector<std::size_t> starts_;  // starts_[i]: index in cells_ of set i's first value
  std::deque<Value> owned_;          // values added with add_owned (a deque: they never move)
};

}  // namespace crucible
