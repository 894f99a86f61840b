// The DBAPI contract's shared parts (dbapi.hpp, param_sets.hpp): the base destructors (out of
// line, for one typeinfo per class), PEP 249's fetchone/fetchmany/fetchall built on fetch_into,
// and ParamSets.
#include "crucible/dbapi.hpp"

namespace crucible {

Cursor::~Cursor() = default;
LastrowidExecutemany::~LastrowidExecutemany() = default;
DbapiConnection::~DbapiConnection() = default;
Driver::~Driver() = default;
IoWaiter::~IoWaiter() = default;
NonBlockingConnection::~NonBlockingConnection() = default;
CancellableConnection::~CancellableConnection() = default;
NonBlockingDriver::~NonBlockingDriver() = default;

std::string_view paramstyle_name(ParamStyle style) noexcept {
  switch (style) {
  case ParamStyle::kQmark: return "qmark";
  case ParamStyle::kNumeric: return "numeric";
  case ParamStyle::kNumericDollar: return "numeric_dollar";
  case ParamStyle::kNamed: return "named";
  case ParamStyle::kFormat: return "format";
  }
  return "unknown";
}

ParamSets::ParamSets(const std::vector<std::vector<Value>>& sets) {
  std::size_t cells = 0;
  for (const auto& set : sets) cells += set.size();
  cells_.reserve(cells);
  starts_.reserve(sets.size());
  for (const auto& set : sets) {
    begin_set();
    for (const Value& value : set) add(value);
  }
}

void ParamSets::reserve(std::size_t sets, std::size_t width) {
  starts_.reserve(sets);
  cells_.reserve(sets * width);
}

void ParamSets::add_owned(Value value) { cells_.push_back(&owned_.emplace_back(std::move(value))); }

std::optional<std::vector<Value>> Cursor::fetchone() {
  std::vector<Value> row;
  if (!fetch_into(row)) return std::nullopt;
  return row;
}

std::vector<std::vector<Value>> Cursor::fetchmany(std::size_t n) {
  std::vector<std::vector<Value>> rows;
  std::vector<Value> row;
  while (rows.size() < n && fetch_into(row)) rows.push_back(std::move(row));
  return rows;
}

std::vector<std::vector<Value>> Cursor::fetchall() {
  std::vector<std::vector<Value>> rows;
  std::vector<Value> row;
  while (fetch_into(row)) rows.push_back(std::move(row));
  return rows;
}

}  // namespace crucible
