// Params (params.hpp): a small ordered name -> Value list. Linear lookup: parameter sets are
// short, and a vector beats a map at that size.
#include "crucible/params.hpp"

#include "crucible/errors.hpp"

namespace crucible {

Params::Params(std::initializer_list<value_type> items) {
  items_.reserve(items.size());
  for (const value_type& item : items) {
    if (find(item.first) != nullptr)
      throw ArgumentError("parameter '" + item.first + "' is given twice in one parameter set");
    items_.push_back(item);
  }
}

void Params::set(std::string name, Value value) {
  for (value_type& item : items_) {
    if (item.first == name) {
      item.second = std::move(value);
      return;
    }
  }
  items_.emplace_back(std::move(name), std::move(value));
}

const Value* Params::find(std::string_view name) const noexcept {
  for (const value_type& item : items_)
    if (item.first == name) return &item.second;
  return nullptr;
}

const Value& Params::at(std::string_view name) const {
  if (const Value* v = find(name)) return *v;
  std::string present;
  for (const value_type& item : items_) present += (present.empty() ? "" : ", ") + item.first;
  throw ArgumentError("a value is required for bind parameter '" + std::string(name) +
                      "'; the parameters given are: " + (present.empty() ? "(none)" : present));
}

std::size_t ParamTable::index_of(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return i;
  return names_.size();
}

Params ParamTable::params(std::size_t r) const {
  Params out;
  out.reserve(width());
  const auto values = row(r);
  for (std::size_t c = 0; c < width(); ++c) out.append(names_[c], values[c]);
  return out;
}

}  // namespace crucible
