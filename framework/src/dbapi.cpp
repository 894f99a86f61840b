// The DBAPI contract's shared parts (dbapi.hpp): the base destructors (out of line, for one
// typeinfo per class) and PEP 249's fetchone/fetchmany/fetchall built on fetch_into.
#include "crucible/dbapi.hpp"

namespace crucible {

Cursor::~Cursor() = default;
DbapiConnection::~DbapiConnection() = default;
Driver::~Driver() = default;

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
