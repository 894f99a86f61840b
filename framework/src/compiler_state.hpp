#pragma once
// Internal to libcrucible: SQLCompiler's per-statement bookkeeping, shared by compiler.cpp
// (expressions and binds) and compiler_select.cpp (FROM, SELECT, WITH). Not a public header.
#include <cstddef>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "crucible/sql/compiler.hpp"

namespace crucible::sql {

struct SQLCompiler::State {
  // ---- binds (emit_bind) ----
  /// The name given to each anonymous bind node, so a node met twice keeps its name.
  std::unordered_map<const Element*, std::string> bind_names;
  /// The last number used after each anonymous base name ("name" -> 2 after name_2).
  std::unordered_map<std::string, int> bind_counters;
  /// Every bind name written so far (anonymous names skip these).
  std::unordered_set<std::string> used_bind_names;
  /// numeric, numeric_dollar, named: the slot of each name, so a name used twice binds once.
  std::unordered_map<std::string, std::size_t> slot_of_name;
  /// Every placeholder written: where it is in out_ and the slot it takes (index into binds).
  struct Placeholder {
    std::size_t begin, end, slot;
  };
  std::vector<Placeholder> placeholders;
  /// Where visit_insert wrote the VALUES tuple of a single-row INSERT ([begin, end) of out_).
  std::size_t values_tuple_begin{std::string::npos};
  std::size_t values_tuple_end{std::string::npos};
  /// Where visit_insert began the RETURNING clause (npos: none).
  std::size_t returning_begin{std::string::npos};

  // ---- FROM objects ----
  /// The last number used after each anonymous FROM base name ("anon", "users").
  std::unordered_map<std::string, int> anon_counters;
  /// A CTE extended by union_all() -> the CTE that extends it (SQL is written for the latter).
  std::unordered_map<const FromNode*, const FromNode*> replaced_by;

  // ---- SELECT nesting ----
  int depth{0};  ///< visit_select nesting
  /// The FROM objects of each enclosing SELECT, innermost last: a nested SELECT in a WHERE or
  /// a column leaves these out of its own FROM (SQLAlchemy's auto-correlation). Cleared while
  /// a subquery in FROM or a CTE body is written (those do not correlate).
  std::vector<std::vector<const FromNode*>> enclosing;
  /// The SELECT whose clauses are being written (for labels in ORDER BY / GROUP BY).
  const SelectNode* current{nullptr};
  /// The next visit_select writes a subquery or CTE body: unnamed columns get AS <name>.
  bool export_names{false};
  /// Writing the ORDER BY of a set operation: columns by their bare names.
  bool compound_order{false};

  // ---- where the element being visited stands ----
  bool next_is_column{false};      ///< the next visit() is a column of the columns clause
  bool next_is_order_term{false};  ///< the next visit() is an ORDER BY / GROUP BY term
  bool in_column{false};           ///< set by visit() from next_is_column
  bool in_order_term{false};       ///< set by visit() from next_is_order_term

  /// from, or the CTE that extends it.
  const FromNode* canonical(const FromNode* from) const {
    for (int guard = 0; guard < 1000; ++guard) {
      auto it = replaced_by.find(from);
      if (it == replaced_by.end()) return from;
      from = it->second;
    }
    return from;
  }
};

}  // namespace crucible::sql
