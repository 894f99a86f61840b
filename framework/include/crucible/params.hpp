#pragma once
// Params: one set of named bind values, as a program passes them to Connection::execute
// (SQLAlchemy's parameter dictionary). Written as a brace list:
//   conn.execute(text("SELECT * FROM users WHERE name = :name"), {{"name", "Alice"}});
//   conn.execute(stmt, {{{"name", "Alice"}}, {{"name", "Bob"}}});   // several sets: executemany
#include <cstddef>
#include <initializer_list>
#include <span>
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

/// Many parameter sets with the same names, as one table (an executemany's rows): the names
/// once, the values row-major, set r's value of names()[c] at values()[r * width() + c]. What a
/// program builds for many rows without a Params (and a copy of every name) per row; an
/// INSERT of many rows binds its pages straight from it where its placeholders take the
/// columns in order (Connection::execute(stmt, const ParamTable&)).
class ParamTable {
 public:
  /// A table of these columns (distinct names; a repeated name is a caller's bug) and no rows.
  /// (A span, so that a brace list given to execute() is never taken for a table.)
  explicit ParamTable(std::span<const std::string> names) : names_(names.begin(), names.end()) {}

  const std::vector<std::string>& names() const noexcept { return names_; }
  std::size_t width() const noexcept { return names_.size(); }
  /// Complete rows (values().size() / width()).
  std::size_t rows() const noexcept { return names_.empty() ? 0 : values_.size() / names_.size(); }
  /// Every value, row after row.
  const std::vector<Value>& values() const noexcept { return values_; }
  /// Appends the next value of the row being filled (a row is complete after width() values).
  void push_back(Value value) { values_.push_back(std::move(value)); }
  /// Room for n rows (an optimisation).
  void reserve(std::size_t n) { values_.reserve(n * names_.size()); }
  /// Row r's values in names() order; r < rows().
  std::span<const Value> row(std::size_t r) const noexcept {
    return std::span<const Value>(values_).subspan(r * width(), width());
  }
  /// Row r's values, to move them out once the table has been executed.
  std::span<Value> row(std::size_t r) noexcept { return std::span<Value>(values_).subspan(r * width(), width()); }
  /// The index of name in names(), or width() when it is not there.
  std::size_t index_of(std::string_view name) const noexcept;
  /// Row r as a Params (a copy).
  Params params(std::size_t r) const;

 private:
  std::vector<std::string> names_;
  std::vector<Value> values_;
};

}  // namespace crucible
