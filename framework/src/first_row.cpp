// execute_first_row (first_row.hpp).
#include "first_row.hpp"

#include <memory>
#include <string>
#include <string_view>

#include "crucible/errors.hpp"
#include "engine_state.hpp"
#include "prepared.hpp"

namespace crucible::detail {

namespace {

// Values by position, as collect_binds reads a parameter set.
struct PositionalSource {
  std::span<const Value> values;
  const Value* guess(std::size_t position, std::string_view /*name*/) const noexcept {
    return position < values.size() ? &values[position] : nullptr;
  }
  const Value& at(std::string_view name) const {
    throw ArgumentError("the statement's bind parameter '" + std::string(name) +
                        "' has no value: " + std::to_string(values.size()) +
                        " value(s) were given by position");
  }
};

}  // namespace

bool execute_first_row(Connection& conn, const sql::Executable& stmt, std::span<const Value> values,
                       std::vector<Value>& row) {
  ConnectionState& st = connection_state(conn);
  const Prepared p = prepare(st, stmt, nullptr);
  ValueVector bound;
  collect_binds(p, PositionalSource{values}, *st.engine->dialect, bound);
  const std::unique_ptr<Cursor> cursor = st.execute_cursor(p.compiled->sql, bound.span());
  const bool found = cursor->fetch_into(row);
  cursor->close();
  if (found)
    if (const auto processing = processing_for(*st.engine, p.compiled))
      apply_processing(*processing, row);
  return found;
}

}  // namespace crucible::detail
