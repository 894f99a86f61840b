// FROM objects and SELECT (sql/selectable.hpp): tables' columns, aliases, joins with the ON
// clause derived from foreign keys, subqueries, CTEs (recursive ones extended by union_all),
// select() and its generative methods, set operations, IN/EXISTS with subqueries. The cache
// key of a SELECT is gathered in select_gather.cpp.
//
// Statements are immutable: each method copies the node (sharing its children) and changes the
// copy, as SQLAlchemy's generative methods do.
#include "crucible/sql/selectable.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "crucible/errors.hpp"
#include "select_internal.hpp"

namespace crucible::sql {

namespace detail {

std::string natural_name(const Element& column) {
  switch (column.kind) {
  case ElementKind::kColumn:
  case ElementKind::kLabel:
  case ElementKind::kText: return column.text;
  default: return {};
  }
}

std::vector<ColumnDesc> exported_columns(const SelectNode& select) {
  if (!select.compound.empty())
    return select.parts.empty() ? std::vector<ColumnDesc>{}
                                : exported_columns(*select.parts.front());
  std::vector<ColumnDesc> out;
  int anon = 0;
  const auto taken = [&out](const std::string& name) {
    return std::any_of(out.begin(), out.end(), [&](const ColumnDesc& c) { return c.name == name; });
  };
  const auto add = [&](std::string name, const SqlType& type) {
    if (name.empty()) {
      do name = "anon_" + std::to_string(++anon);
      while (taken(name));
    } else if (taken(name)) {
      const std::string base = name;
      int n = 0;
      do name = base + "_" + std::to_string(++n);
      while (taken(name));
    }
    out.push_back(ColumnDesc{std::move(name), type});
  };
  for (const ElementPtr& c : select.columns) {
    if (c->kind == ElementKind::kStar) {  // t.* exports each of t's columns
      if (c->from)
        for (const ColumnDesc& d : c->from->columns) add(d.name, d.type);
      continue;
    }
    add(c->kind == ElementKind::kFunction ? c->text : natural_name(*c), c->type);
  }
  return out;
}

void element_froms(const Element& e, std::vector<FromPtr>& out) {
  if (e.from && (e.kind == ElementKind::kColumn || e.kind == ElementKind::kStar) &&
      std::find(out.begin(), out.end(), e.from) == out.end())
    out.push_back(e.from);
  for (const ElementPtr& c : e.children)
    if (c) element_froms(*c, out);
}

void from_tree(const FromPtr& from, std::vector<FromPtr>& out) {
  out.push_back(from);
  if (from->kind == FromKind::kJoin) {
    from_tree(from->left, out);
    from_tree(from->right, out);
  }
}

}  // namespace detail

namespace {

// f's node; throws ArgumentError naming what wanted it (what, what_more and what_end: the
// message is only built when it is thrown) when f is empty.
const FromPtr& need_from(const FromClause& f, std::string_view what,
                         std::string_view what_more = {}, std::string_view what_end = {}) {
  if (!f.node()) [[unlikely]]
    throw ArgumentError("wanted a table, alias, join, subquery or CTE for " + std::string(what) +
                        std::string(what_more) + std::string(what_end) +
                        ", found an empty FromClause");
  return f.node();
}

const SelectPtr& need_select(const Select& s, std::string_view what) {
  if (!s.node())
    throw ArgumentError("wanted a select() for " + std::string(what) + ", found an empty Select");
  return s.node();
}

void all_columns(const FromPtr& from, std::vector<Expr>& out) {
  if (from->kind == FromKind::kJoin) {
    all_columns(from->left, out);
    all_columns(from->right, out);
    return;
  }
  for (const ColumnDesc& c : from->columns) out.emplace_back(detail::column_of(from, c));
}

FromPtr make_join(const FromPtr& left, const FromPtr& right, const std::optional<Expr>& on,
                  bool isouter, bool full) {
  auto j = std::make_shared<FromNode>();
  j->kind = FromKind::kJoin;
  j->left = left;
  j->right = right;
  if (on) {
    if (!on->node()) throw ArgumentError("wanted an ON clause for join(), found an empty Expr");
    j->on = on->node();
  } else {
    j->on = detail::derive_on(left, right);
  }
  j->outer = isouter || full;
  j->full = full;
  j->columns = left->columns;
  j->columns.insert(j->columns.end(), right->columns.begin(), right->columns.end());
  return j;
}

std::shared_ptr<SelectNode> copy_simple(const SelectPtr& node, std::string_view method) {
  if (!node)
    throw ArgumentError("wanted a select() for " + std::string(method) + ", found an empty Select");
  if (!node->compound.empty())
    throw ArgumentError("wanted a plain SELECT for " + std::string(method) + ", found a " +
                        node->compound +
                        "; call subquery() on the set operation and select from that instead");
  return std::make_shared<SelectNode>(*node);
}

ElementPtr count_bind(std::int64_t n, std::string_view what) {
  if (n < 0)
    throw ArgumentError("wanted a non-negative " + std::string(what) + ", found " +
                        std::to_string(n));
  return bindparam_value(Value(n), Integer{}).node();
}

Select compound(const char* op, std::vector<Select> selects) {
  if (selects.empty())
    throw ArgumentError(std::string("wanted at least one select() for ") + op + ", found none");
  auto node = std::make_shared<SelectNode>();
  node->compound = op;
  std::size_t width = 0;
  for (const Select& s : selects) {
    const SelectPtr& part = need_select(s, op);
    const bool has_star =
        std::any_of(part->columns.begin(), part->columns.end(),
                    [](const ElementPtr& c) { return c->kind == ElementKind::kStar; });
    const std::size_t n = detail::exported_columns(*part).size();
    if (!has_star && part->compound.empty() && width != 0 && n != width)
      throw ArgumentError(std::string("every select of a ") + op +
                          " must have the same number of columns: wanted " + std::to_string(width) +
                          ", found " + std::to_string(n));
    if (!has_star && width == 0) width = n;
    // A member that is the same operation without ORDER BY/LIMIT is flattened into this one.
    if (part->compound == op && part->order_by.empty() && !part->limit && !part->offset)
      node->parts.insert(node->parts.end(), part->parts.begin(), part->parts.end());
    else
      node->parts.push_back(part);
  }
  return Select(SelectPtr(std::move(node)));
}

}  // namespace

// ---- FromClause -----------------------------------------------------------------------------

const std::string& FromClause::name() const noexcept {
  static const std::string kNone;
  return node_ ? node_->name : kNone;
}

Expr FromClause::c(std::string_view name) const {
  const FromPtr& node = need_from(*this, "c(\"", name, "\")");
  std::vector<ElementPtr> found;
  detail::find_columns(node, name, found);
  if (found.size() == 1) return Expr(found.front());
  std::string known;
  for (const ColumnDesc& c : node->columns) known += (known.empty() ? "" : ", ") + c.name;
  if (found.empty())
    throw ArgumentError(detail::describe(*node) + " has no column '" + std::string(name) +
                        "'; its columns are: " + (known.empty() ? "(none)" : known));
  throw ArgumentError("the " + detail::describe(*node) + " has " + std::to_string(found.size()) +
                      " columns called '" + std::string(name) +
                      "'; wanted one: take the column from the table or alias itself");
}

std::vector<Expr> FromClause::columns() const {
  std::vector<Expr> out;
  all_columns(need_from(*this, "columns()"), out);
  return out;
}

Expr FromClause::star() const {
  auto e = std::make_shared<Element>();
  e->kind = ElementKind::kStar;
  e->from = need_from(*this, "star()");
  return Expr(e);
}

FromClause FromClause::alias(std::string name) const {
  const FromPtr& node = need_from(*this, "alias()");
  switch (node->kind) {
  case FromKind::kJoin:
    throw ArgumentError("wanted a table, subquery or CTE to alias, found a " +
                        detail::describe(*node) +
                        "; select from the join and call subquery() instead");
  case FromKind::kSubquery: {  // the same SELECT under another name
    auto sub = std::make_shared<FromNode>(*node);
    sub->name = std::move(name);
    return FromClause(std::move(sub));
  }
  default: {
    auto a = std::make_shared<FromNode>();
    a->kind = FromKind::kAlias;
    a->name = std::move(name);
    a->left = node->kind == FromKind::kAlias ? node->left : node;
    a->columns = node->columns;
    return FromClause(std::move(a));
  }
  }
}

FromClause FromClause::join(const FromClause& right, std::optional<Expr> on, bool isouter,
                            bool full) const {
  return FromClause(make_join(need_from(*this, "join()"), need_from(right, "join()'s right side"),
                              on, isouter, full));
}

FromClause FromClause::outerjoin(const FromClause& right, std::optional<Expr> on) const {
  return join(right, std::move(on), true);
}

namespace {

FromClause extend_cte(const FromPtr& node, const Select& recursive_part, const char* op) {
  if (!node || node->kind != FromKind::kCte)
    throw ArgumentError(std::string("wanted a CTE (select().cte(…)) for ") +
                        (std::string_view(op) == "UNION" ? "union_()" : "union_all()") +
                        ", found " +
                        (node ? detail::describe(*node) : std::string("an empty FromClause")));
  auto cte = std::make_shared<FromNode>(*node);
  cte->select = compound(op, {Select(node->select), recursive_part}).node();
  cte->replaces = node;
  return FromClause(std::move(cte));
}

}  // namespace

FromClause FromClause::union_all(const Select& recursive_part) const {
  return extend_cte(node_, recursive_part, "UNION ALL");
}

FromClause FromClause::union_(const Select& recursive_part) const {
  return extend_cte(node_, recursive_part, "UNION");
}

// ---- Select ---------------------------------------------------------------------------------

Select::Select(std::vector<Expr> columns) {
  auto node = std::make_shared<SelectNode>();
  for (const Expr& c : columns) {
    if (!c.node())
      throw ArgumentError("wanted a column expression in select(), found an empty Expr");
    node->columns.push_back(c.node());
  }
  node_ = std::move(node);
}

Select select(std::vector<Expr> columns) { return Select(std::move(columns)); }

Select Select::where(const Expr& criterion) const {
  auto node = copy_simple(node_, "where()");
  if (!criterion.node()) throw ArgumentError("wanted a criterion for where(), found an empty Expr");
  node->where = node->where ? and_(Expr(node->where), criterion).node() : criterion.node();
  return Select(SelectPtr(std::move(node)));
}

Select Select::join(const FromClause& right, std::optional<Expr> on, bool isouter,
                    bool full) const {
  auto node = copy_simple(node_, "join()");
  const FromPtr& r = need_from(right, "join()");
  // The candidates to join from, leftmost first: the explicit FROM items, then the objects the
  // columns and the WHERE clause refer to that no explicit join already holds.
  std::vector<FromPtr> hidden;
  for (const FromPtr& f : node->froms)
    if (f->kind == FromKind::kJoin) detail::from_tree(f, hidden);
  std::vector<FromPtr> derived;
  for (const ElementPtr& c : node->columns) detail::element_froms(*c, derived);
  if (node->where) detail::element_froms(*node->where, derived);
  std::vector<FromPtr> candidates = node->froms;
  for (const FromPtr& f : derived)
    if (std::find(hidden.begin(), hidden.end(), f) == hidden.end() &&
        std::find(candidates.begin(), candidates.end(), f) == candidates.end())
      candidates.push_back(f);
  if (candidates.empty())
    throw ArgumentError("wanted something to join " + detail::describe(*r) +
                        " to, found a select() with no columns of a table; use select_from()");
  // With an ON clause: the first candidate it mentions. Without: the first with a foreign key
  // to the right side (SQLAlchemy's find_left_clause_to_join_from).
  std::size_t at = 0;
  if (on && on->node()) {
    std::vector<FromPtr> mentioned;
    detail::element_froms(*on->node(), mentioned);
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      std::vector<FromPtr> tree;
      detail::from_tree(candidates[i], tree);
      const bool hit = std::any_of(tree.begin(), tree.end(), [&](const FromPtr& t) {
        return t != r && std::find(mentioned.begin(), mentioned.end(), t) != mentioned.end();
      });
      if (hit) {
        at = i;
        break;
      }
    }
  } else {
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (detail::join_conditions(candidates[i], r).size() == 1) {
        at = i;
        break;
      }
    }
  }
  FromPtr joined = make_join(candidates[at], r, on, isouter, full);
  auto explicit_at = std::find(node->froms.begin(), node->froms.end(), candidates[at]);
  if (explicit_at != node->froms.end())
    *explicit_at = std::move(joined);
  else
    node->froms.push_back(std::move(joined));
  return Select(SelectPtr(std::move(node)));
}

Select Select::outerjoin(const FromClause& right, std::optional<Expr> on) const {
  return join(right, std::move(on), true);
}

Select Select::select_from(const FromClause& from) const {
  auto node = copy_simple(node_, "select_from()");
  const FromPtr& f = need_from(from, "select_from()");
  if (std::find(node->froms.begin(), node->froms.end(), f) == node->froms.end())
    node->froms.push_back(f);
  return Select(SelectPtr(std::move(node)));
}

Select Select::add_columns(std::vector<Expr> columns) const {
  auto node = copy_simple(node_, "add_columns()");
  for (const Expr& c : columns) {
    if (!c.node())
      throw ArgumentError("wanted a column expression in add_columns(), found an empty Expr");
    node->columns.push_back(c.node());
  }
  return Select(SelectPtr(std::move(node)));
}

Select Select::group_by(std::vector<Expr> clauses) const {
  auto node = copy_simple(node_, "group_by()");
  for (const Expr& c : clauses) {
    if (!c.node()) throw ArgumentError("wanted an expression in group_by(), found an empty Expr");
    node->group_by.push_back(c.node());
  }
  return Select(SelectPtr(std::move(node)));
}

Select Select::having(const Expr& criterion) const {
  auto node = copy_simple(node_, "having()");
  if (!criterion.node())
    throw ArgumentError("wanted a criterion for having(), found an empty Expr");
  node->having = node->having ? and_(Expr(node->having), criterion).node() : criterion.node();
  return Select(SelectPtr(std::move(node)));
}

Select Select::order_by(std::vector<Expr> clauses) const {
  auto node = std::make_shared<SelectNode>(*need_select(*this, "order_by()"));
  for (const Expr& c : clauses) {
    if (!c.node()) throw ArgumentError("wanted an expression in order_by(), found an empty Expr");
    node->order_by.push_back(c.node());
  }
  return Select(SelectPtr(std::move(node)));
}

Select Select::limit(std::int64_t n) const {
  auto node = std::make_shared<SelectNode>(*need_select(*this, "limit()"));
  node->limit = count_bind(n, "limit()");
  return Select(SelectPtr(std::move(node)));
}

Select Select::offset(std::int64_t n) const {
  auto node = std::make_shared<SelectNode>(*need_select(*this, "offset()"));
  node->offset = count_bind(n, "offset()");
  return Select(SelectPtr(std::move(node)));
}

Select Select::distinct() const {
  auto node = copy_simple(node_, "distinct()");
  node->distinct = true;
  return Select(SelectPtr(std::move(node)));
}

FromClause Select::subquery(std::string name) const {
  auto sub = std::make_shared<FromNode>();
  sub->kind = FromKind::kSubquery;
  sub->name = std::move(name);
  sub->select = need_select(*this, "subquery()");
  sub->columns = detail::exported_columns(*sub->select);
  return FromClause(std::move(sub));
}

FromClause Select::cte(std::string name, bool recursive) const {
  auto cte = std::make_shared<FromNode>();
  cte->kind = FromKind::kCte;
  cte->name = std::move(name);
  cte->recursive = recursive;
  cte->select = need_select(*this, "cte()");
  cte->columns = detail::exported_columns(*cte->select);
  return FromClause(std::move(cte));
}

Expr Select::scalar_subquery() const {
  const SelectPtr& s = need_select(*this, "scalar_subquery()");
  const std::vector<ColumnDesc> cols = detail::exported_columns(*s);
  auto e = std::make_shared<Element>();
  e->kind = ElementKind::kScalarSelect;
  e->select = s;
  if (!cols.empty()) e->type = cols.front().type;
  return Expr(e);
}

Expr Select::exists() const { return sql::exists(*this); }

// ---- set operations and predicates on subqueries --------------------------------------------

Select union_(std::vector<Select> selects) { return compound("UNION", std::move(selects)); }
Select union_all(std::vector<Select> selects) { return compound("UNION ALL", std::move(selects)); }
Select intersect(std::vector<Select> selects) { return compound("INTERSECT", std::move(selects)); }
Select except_(std::vector<Select> selects) { return compound("EXCEPT", std::move(selects)); }

Expr in_(const Expr& expr, const Select& subquery) {
  if (!expr.node()) throw ArgumentError("wanted an expression for in_(), found an empty Expr");
  auto e = std::make_shared<Element>();
  e->kind = ElementKind::kInSelect;
  e->type = Boolean{};
  e->children = {expr.node()};
  e->select = need_select(subquery, "in_()");
  return Expr(e);
}

Expr not_in(const Expr& expr, const Select& subquery) { return not_(in_(expr, subquery)); }

Expr exists(const Select& subquery) {
  auto e = std::make_shared<Element>();
  e->kind = ElementKind::kExists;
  e->type = Boolean{};
  e->select = need_select(subquery, "exists()");
  return Expr(e);
}

}  // namespace crucible::sql
