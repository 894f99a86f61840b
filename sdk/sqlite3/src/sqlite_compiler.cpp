// SQLite's statement compiler (sqlite_compiler.hpp).
#include "crucible/sdk/sqlite3/sqlite_compiler.hpp"

#include <string>

#include "crucible/sql/dml.hpp"

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

// INSERT … SELECT … ON CONFLICT: SQLite reads "FROM t ON CONFLICT" as the start of a join's ON
// unless a WHERE comes between (lang_upsert.html#parsing_ambiguity).
void SqliteCompiler::visit_insert_select(const sql::InsertNode& insert) {
  const sql::SelectNode& select = *insert.from_select;
  if (insert.upsert == sql::UpsertAction::kNone || (select.where && select.compound.empty())) {
    SQLCompiler::visit_insert_select(insert);
    return;
  }
  out_ += "SELECT * FROM (";
  visit_select(select, false);
  out_ += ") WHERE true";
}

// SELECT * FROM (member) where the standard groups the member in parentheses, which SQLite's
// compound-select grammar has no place for.
void SqliteCompiler::visit_compound_member(const sql::SelectNode& part) {
  if (!compound_member_needs_grouping(part)) {
    visit_select(part, true);
    return;
  }
  out_ += "SELECT * FROM (";
  visit_select(part, true);
  out_ += ')';
}

std::string SqliteCompiler::function_name(const sql::Element& e) const {
  if (e.text == "char_length") return "length";
  return SQLCompiler::function_name(e);
}

}  // namespace crucible::sqlite
