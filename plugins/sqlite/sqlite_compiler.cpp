// SQLite's statement compiler (sqlite_compiler.hpp).
#include "sqlite_compiler.hpp"

#include <string>

namespace crucible::sqlite {

// LIMIT n [OFFSET m]; an offset alone gets LIMIT -1, SQLite's "no limit".
void SqliteCompiler::limit_offset(const sql::SelectNode& select) {
  if (!select.limit && !select.offset) return;
  out_ += "\n LIMIT ";
  if (select.limit)
    visit(*select.limit);
  else
    out_ += "-1";
  if (select.offset) {
    out_ += " OFFSET ";
    visit(*select.offset);
  }
}

// a IS NOT b / a IS b: SQLite's NULL-safe comparisons.
void SqliteCompiler::visit_is_distinct_from(const sql::Element& e, bool negate) {
  const auto operand = [&](const sql::Element& child) {
    // Operands that are themselves operators are grouped; columns, binds and calls are not.
    const bool group =
        child.kind == sql::ElementKind::kBinary || child.kind == sql::ElementKind::kClauseList ||
        child.kind == sql::ElementKind::kUnary || child.kind == sql::ElementKind::kBetween ||
        child.kind == sql::ElementKind::kInSelect;
    if (group) out_ += '(';
    visit(child);
    if (group) out_ += ')';
  };
  operand(*e.children.at(0));
  out_ += negate ? " IS " : " IS NOT ";
  operand(*e.children.at(1));
}

std::string SqliteCompiler::function_name(const sql::Element& e) const {
  if (e.text == "char_length") return "length";
  return SQLCompiler::function_name(e);
}

}  // namespace crucible::sqlite
