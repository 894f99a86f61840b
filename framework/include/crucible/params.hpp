#pragma once
// Params: one set of named bind values, as a program passes them to Connection::execute
// (SQLAlchemy's parameter dictionary). Written as a brace list:
//   conn.execute(text("SELECT * FROM users WHERE name = :name"), {{"name", "Alice"}});
//   conn.execute(stmt, {{{"name", "Alice"}}, {{"name", "Bob"}}});   // several sets: executemany
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crucible/value.hpp"

namespace crucible {

/// Named values in insertion order; a name appears once (set() replaces).
class Params {
 public:
  using value_type = std::pair<std::string, Value>;
  using const_iterator = std::vector<value_type>::const_iterator;

  Params() = default;
  /// Throws ArgumentError when a name is given twice.
  Params(std::initializer_list<value_type> items);

  /// Adds name, or replaces its value when present.
  void set(std::string name, Value value);
  /// Adds name without looking for it first: for a caller that knows the names it adds are
  /// distinct (e.g. a table's column names). A repeated name is a caller's bug.
  void append(std::string name, Value value) { items_.emplace_back(std::move(name), std::move(value)); }
  /// Room for n names (an optimisation).
  void reserve(std::size_t n) { items_.reserve(n); }
  /// The names and values, moved out; this Params is left empty.
  std::vector<value_type> release() && noexcept { return std::move(items_); }
  /// The value of name, or nullptr.
  const Value* find(std::string_view name) const noexcept;
  /// The value of name; throws ArgumentError listing the names present when it is missing.
  const Value& at(std::string_view name) const;

  std::size_t size() const noexcept { return items_.size(); }
  bool empty() const noexcept { return items_.empty(); }
  const_iterator begin() const noexcept { return items_.begin(); }
  const_iterator end() const noexcept { return items_.end(); }

 private:
  std::vector<value_type> items_;
};

}  // namespace crucible
