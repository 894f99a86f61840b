// Columns of FROM objects and the ON clause of a join derived from foreign keys (SQLAlchemy's
// sql.util.join_condition): the foreign keys between the rightmost member of the left side (for
// a join) and the right side, else between any member of the left side and the right side;
// exactly one must be found. A table's foreign keys are its TableData::foreign_keys (column
// ForeignKeys included); an alias of a table has its table's. The condition is written
// "referenced = referencing", as SQLAlchemy writes it ("users.id = addresses.user_id").
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/errors.hpp"
#include "crucible/sql/schema.hpp"
#include "select_internal.hpp"

namespace crucible::sql::detail {

namespace {

const char* kind_word(FromKind kind) {
  switch (kind) {
  case FromKind::kTable: return "table";
  case FromKind::kAlias: return "alias";
  case FromKind::kJoin: return "join";
  case FromKind::kSubquery: return "subquery";
  case FromKind::kCte: return "CTE";
  }
  return "FROM object";
}

}  // namespace

std::string describe(const FromNode& f) {
  switch (f.kind) {
  case FromKind::kJoin: return "join of " + describe(*f.left) + " and " + describe(*f.right);
  case FromKind::kAlias:
    return "alias '" + (f.name.empty() ? std::string("(anonymous)") : f.name) + "' of " +
           describe(*f.left);
  default:
    return std::string(kind_word(f.kind)) + " '" +
           (f.name.empty() ? std::string("(anonymous)") : f.name) + "'";
  }
}

ElementPtr column_of(const FromPtr& from, const ColumnDesc& c) {
  auto e = std::make_shared<Element>();
  e->kind = ElementKind::kColumn;
  e->text = c.name;
  e->type = c.type;
  e->from = from;
  return e;
}

// The columns of from that are called name, searching a join's sides.
void find_columns(const FromPtr& from, std::string_view name, std::vector<ElementPtr>& out) {
  if (from->kind == FromKind::kJoin) {
    find_columns(from->left, name, out);
    find_columns(from->right, name, out);
    return;
  }
  for (const ColumnDesc& c : from->columns)
    if (c.name == name) out.push_back(column_of(from, c));
}

namespace {

// ---- joins on foreign keys ------------------------------------------------------------------

// The table definition behind a table or an alias of one, else null.
const TableData* table_of(const FromNode& f) {
  if (f.kind == FromKind::kTable) return f.table.get();
  if (f.kind == FromKind::kAlias) return table_of(*f.left);
  return nullptr;
}

// Whether fk (a foreign key of owner) refers to target.
bool refers_to(const ForeignKeyData& fk, const TableData& owner, const TableData& target) {
  if (fk.referred_table != target.name) return false;
  const std::string schema = fk.referred_schema.value_or(owner.schema.value_or(""));
  return schema == target.schema.value_or("") || (!fk.referred_schema && !target.schema);
}

// Every foreign key of t: its ForeignKeyData, and any column ForeignKey not among them.
std::vector<ForeignKeyData> foreign_keys(const TableData& t) {
  std::vector<ForeignKeyData> out = t.foreign_keys;
  for (const ColumnData& c : t.columns) {
    if (!c.foreign_key) continue;
    const bool listed = std::any_of(out.begin(), out.end(), [&](const ForeignKeyData& fk) {
      return fk.columns == std::vector<std::string>{c.name};
    });
    if (listed) continue;
    std::vector<std::string> parts;
    std::string_view target = c.foreign_key->target;
    for (std::size_t dot; (dot = target.find('.')) != std::string_view::npos;
         target.remove_prefix(dot + 1))
      parts.emplace_back(target.substr(0, dot));
    parts.emplace_back(target);
    if (parts.size() != 2 && parts.size() != 3) continue;  // Table validates these
    ForeignKeyData fk;
    fk.columns = {c.name};
    if (parts.size() == 3) fk.referred_schema = parts[0];
    fk.referred_table = parts[parts.size() - 2];
    fk.referred_columns = {parts.back()};
    out.push_back(std::move(fk));
  }
  return out;
}

// "referenced = referencing" for each column pair of fk (owned by `from`, referring to `to`),
// ANDed; null when a column is missing from either side.
ElementPtr fk_condition(const ForeignKeyData& fk, const FromPtr& from, const FromPtr& to) {
  const TableData& target = *table_of(*to);
  const std::vector<std::string>& referred =
      fk.referred_columns.empty() ? target.primary_key : fk.referred_columns;
  if (referred.size() != fk.columns.size() || referred.empty()) return nullptr;
  std::vector<Expr> pairs;
  for (std::size_t i = 0; i < referred.size(); ++i) {
    std::vector<ElementPtr> ref;
    std::vector<ElementPtr> col;
    find_columns(to, referred[i], ref);
    find_columns(from, fk.columns[i], col);
    if (ref.size() != 1 || col.size() != 1) return nullptr;
    pairs.push_back(Expr(ref.front()) == Expr(col.front()));
  }
  return and_(std::move(pairs)).node();
}

// The ON conditions of every foreign key between a leaf of lefts and a leaf of right.
std::vector<ElementPtr> fk_conditions(const std::vector<FromPtr>& lefts, const FromPtr& right) {
  std::vector<FromPtr> rights;
  detail::from_tree(right, rights);
  std::vector<ElementPtr> out;
  for (const FromPtr& l : lefts) {
    const TableData* lt = table_of(*l);
    if (!lt) continue;
    for (const FromPtr& r : rights) {
      const TableData* rt = table_of(*r);
      if (!rt) continue;
      for (const ForeignKeyData& fk : foreign_keys(*rt))
        if (refers_to(fk, *rt, *lt))
          if (ElementPtr on = fk_condition(fk, r, l)) out.push_back(std::move(on));
      if (l == r) continue;
      for (const ForeignKeyData& fk : foreign_keys(*lt))
        if (refers_to(fk, *lt, *rt))
          if (ElementPtr on = fk_condition(fk, l, r)) out.push_back(std::move(on));
    }
  }
  return out;
}

}  // namespace

// SQLAlchemy's join_condition: the foreign keys between left's rightmost member (for a join)
// and right, else between any member of left and right.
std::vector<ElementPtr> join_conditions(const FromPtr& left, const FromPtr& right) {
  std::vector<ElementPtr> out;
  if (left->kind == FromKind::kJoin) {
    std::vector<FromPtr> subset;
    detail::from_tree(left->right, subset);
    out = fk_conditions(subset, right);
    if (!out.empty()) return out;
  }
  std::vector<FromPtr> all;
  detail::from_tree(left, all);
  return fk_conditions(all, right);
}

ElementPtr derive_on(const FromPtr& left, const FromPtr& right) {
  std::vector<ElementPtr> found = join_conditions(left, right);
  if (found.size() == 1) return found.front();
  if (found.empty())
    throw ArgumentError("can't find any foreign key relationships between " + describe(*left) +
                        " and " + describe(*right) +
                        "; wanted exactly one to derive the join's ON clause from: pass the ON "
                        "clause explicitly");
  throw ArgumentError(
      "can't determine the join between " + describe(*left) + " and " + describe(*right) +
      ": wanted one foreign key relationship between them, "
      "found " +
      std::to_string(found.size()) + "; pass the ON clause of this join explicitly");
}

}  // namespace crucible::sql::detail
