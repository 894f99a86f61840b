#pragma once
// Internal to libcrucible: rules selectable.cpp (building statements, their cache keys) and the
// compiler (rendering them) share, so that what a subquery exports and what its SQL says are
// derived in one place. Not a public header.
#include <string>
#include <string_view>
#include <vector>

#include "crucible/sql/selectable.hpp"

namespace crucible::sql::detail {

/// The columns a SELECT exports when it is used as a subquery or CTE, in order: a label's
/// name, a column's name, a function's name, literal_column's text, "anon_<n>" for any other
/// expression; a name already taken gets "_1", "_2"… (SQLAlchemy's subquery column keys).
/// t.* exports each of t's columns, a bare * nothing. For a set operation, its first member's
/// columns.
std::vector<ColumnDesc> exported_columns(const SelectNode& select);

/// The name a column of the select would have in a result without a label (its column name,
/// literal_column's text), or "" when the database would make one up. The compiler writes
/// "AS <exported name>" in a subquery or CTE where this differs from the exported name.
std::string natural_name(const Element& column);

/// Appends to out the FROM objects e refers to (the `from` of its columns and stars), in order
/// of first appearance, without descending into nested selects. Skips those already in out.
void element_froms(const Element& e, std::vector<FromPtr>& out);

/// Every FROM object inside from, from itself included: a join's sides and theirs, in order.
void from_tree(const FromPtr& from, std::vector<FromPtr>& out);

/// How messages name a FROM object: "table 'users'", "alias 'u' of table 'users'", "join of
/// table 'a' and table 'b'", "subquery 'counts'", "CTE 'chain'".
std::string describe(const FromNode& from);

/// The column element for c of from (kind kColumn, from's name for c, c's type).
ElementPtr column_of(const FromPtr& from, const ColumnDesc& column);

/// Appends to out the columns of from called name, searching both sides of a join.
void find_columns(const FromPtr& from, std::string_view name, std::vector<ElementPtr>& out);

/// The ON conditions the foreign keys between left and right give (join_condition.cpp), as
/// SQLAlchemy's join_condition finds them: between the rightmost member of a join on the left
/// and right first, then between any member of left and right. One element per foreign key.
std::vector<ElementPtr> join_conditions(const FromPtr& left, const FromPtr& right);

/// The one ON condition join_conditions finds. Throws ArgumentError naming both sides when it
/// finds none or several.
ElementPtr derive_on(const FromPtr& left, const FromPtr& right);

}  // namespace crucible::sql::detail
