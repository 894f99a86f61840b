// SQLCompiler's SELECT half (sql/compiler.hpp): compile_select, FROM objects (tables, aliases,
// joins, subqueries, CTEs) and their names, the SELECT statement with its clauses, WITH
// [RECURSIVE] and the set operations (SQLAlchemy's visit_select, visit_join, visit_alias,
// visit_cte, visit_compound_select, with its layout: "SELECT … \nFROM … \nWHERE …").
//
// Two rules of SQLAlchemy decide what a SELECT's FROM clause holds:
//  * without select_from(), the FROM list is every object the columns and the WHERE clause
//    refer to, in order of appearance, less those already inside a join of the list;
//  * a SELECT nested in a WHERE clause or a column (scalar subquery, EXISTS, IN) leaves out
//    the objects of the SELECTs around it, which it refers to (auto-correlation), unless that
//    would leave it no FROM at all. A subquery in FROM and a CTE body do not correlate.
// Every CTE referenced anywhere in the statement goes into one WITH clause at the top, each
// after the CTEs its body uses; a CTE extended by union_all() is written once, extended.
#include <algorithm>
#include <string>
#include <unordered_set>
#include <vector>

#include "compiler_state.hpp"
#include "crucible/dialect.hpp"
#include "crucible/errors.hpp"
#include "crucible/sql/compiler.hpp"
#include "select_internal.hpp"

namespace crucible::sql {

namespace {

// The CTEs a statement refers to, each after those its body refers to (post-order), found by
// walking everything: columns, clauses, FROM objects, nested selects and CTE bodies.
class CteCollector {
 public:
  std::vector<const FromNode*> found;

  void element(const ElementPtr& e) {
    if (!e) return;
    if (e->from) from(*e->from);
    if (e->select) select(*e->select);
    for (const ElementPtr& c : e->children) element(c);
  }

  void select(const SelectNode& s) {
    if (!selects_.insert(&s).second) return;
    for (const SelectPtr& p : s.parts) select(*p);
    for (const ElementPtr& c : s.columns) element(c);
    for (const FromPtr& f : s.froms) from(*f);
    element(s.where);
    for (const ElementPtr& g : s.group_by) element(g);
    element(s.having);
    for (const ElementPtr& o : s.order_by) element(o);
  }

 private:
  void from(const FromNode& f) {
    if (!froms_.insert(&f).second) return;
    if (f.left) from(*f.left);
    if (f.right) from(*f.right);
    element(f.on);
    if (f.select) select(*f.select);
    if (f.replaces) from(*f.replaces);
    if (f.kind == FromKind::kCte) found.push_back(&f);
  }

  std::unordered_set<const SelectNode*> selects_;
  std::unordered_set<const FromNode*> froms_;
};

// The columns a SELECT returns, for result_types: a set operation's are its first member's.
const SelectNode& first_member(const SelectNode& s) {
  const SelectNode* at = &s;
  while (!at->compound.empty() && !at->parts.empty()) at = at->parts.front().get();
  return *at;
}

std::vector<SqlType> result_types_of(const SelectNode& select) {
  std::vector<SqlType> out;
  for (const ElementPtr& c : first_member(select).columns) {
    if (c->kind != ElementKind::kStar) {
      out.push_back(c->type);
      continue;
    }
    if (!c->from) break;  // a bare *: the columns after it cannot be placed
    for (const ColumnDesc& d : c->from->columns) out.push_back(d.type);
  }
  return out;
}

}  // namespace

// ---- entry point ----------------------------------------------------------------------------

void SQLCompiler::begin_statement(const CacheKey& key) {
  key_ = &key;
  bind_index_.clear();
  for (std::size_t i = 0; i < key.bind_nodes.size(); ++i)
    bind_index_.emplace(key.bind_nodes[i], static_cast<int>(i));
  compiled_ = std::make_shared<Compiled>();
  compiled_->paramstyle = style_;
  out_.clear();
  state_->placeholders.clear();
  state_->values_tuple_begin = state_->values_tuple_end = std::string::npos;
  state_->returning_begin = std::string::npos;
}

std::shared_ptr<Compiled> SQLCompiler::end_statement(std::vector<SqlType> result_types) {
  compiled_->sql = std::move(out_);
  out_.clear();
  compiled_->result_types = std::move(result_types);
  return compiled_;
}

std::shared_ptr<Compiled> SQLCompiler::compile_select(const SelectNode& select,
                                                      const CacheKey& key) {
  begin_statement(key);
  visit_select(select, false);
  return end_statement(result_types_of(select));
}

// ---- FROM objects ---------------------------------------------------------------------------

std::string SQLCompiler::from_name(const FromNode& from) {
  const FromNode& f = *state_->canonical(&from);
  switch (f.kind) {
  case FromKind::kTable: return f.schema ? quote(*f.schema) + "." + quote(f.name) : quote(f.name);
  case FromKind::kJoin: return {};
  case FromKind::kAlias:
  case FromKind::kSubquery:
  case FromKind::kCte: break;
  }
  if (!f.name.empty()) return quote(f.name);
  // Anonymous: "<table>_<n>" for an alias of a table, "anon_<n>" otherwise (SQLAlchemy).
  auto it = anon_names_.find(&f);
  if (it == anon_names_.end()) {
    const std::string base =
        f.kind == FromKind::kAlias && f.left->kind == FromKind::kTable ? f.left->name : "anon";
    const std::string name = base + "_" + std::to_string(++state_->anon_counters[base]);
    it = anon_names_.emplace(&f, name).first;
    ++anon_counter_;
  }
  return quote(it->second);
}

void SQLCompiler::visit_from(const FromNode& from, bool as_from_item) {
  if (!as_from_item) {
    out_ += from_name(from);
    return;
  }
  switch (from.kind) {
  case FromKind::kTable:
  case FromKind::kCte: out_ += from_name(from); return;
  case FromKind::kAlias:
    out_ += from_name(*from.left);
    out_ += " AS ";
    out_ += from_name(from);
    return;
  case FromKind::kJoin: {
    visit_from(*from.left, true);
    out_ += from.full ? " FULL OUTER JOIN " : from.outer ? " LEFT OUTER JOIN " : " JOIN ";
    const bool nested = from.right->kind == FromKind::kJoin;
    if (nested) out_ += '(';
    visit_from(*from.right, true);
    if (nested) out_ += ')';
    out_ += " ON ";
    visit(*from.on);
    return;
  }
  case FromKind::kSubquery: {
    // A subquery in FROM does not correlate to the SELECT around it.
    std::vector<std::vector<const FromNode*>> enclosing;
    std::swap(enclosing, state_->enclosing);
    out_ += '(';
    state_->export_names = true;
    visit_select(*from.select, true);
    out_ += ") AS ";
    std::swap(enclosing, state_->enclosing);
    out_ += from_name(from);
    return;
  }
  }
}

// ---- SELECT ---------------------------------------------------------------------------------

// WITH [RECURSIVE] name AS (…), … before the statement, for the CTEs `found` lists (post-order,
// as CteCollector finds them): each written once, in its canonical (extended) form.
void SQLCompiler::with_clause(const std::vector<const FromNode*>& found) {
  State& st = *state_;
  for (const FromNode* f : found)
    if (f->replaces) st.replaced_by[f->replaces.get()] = f;
  ctes_.clear();
  for (const FromNode* f : found)
    if (st.canonical(f) == f && std::find(ctes_.begin(), ctes_.end(), f) == ctes_.end())
      ctes_.push_back(f);
  if (!ctes_.empty()) {
    ++st.depth;
    const bool recursive =
        std::any_of(ctes_.begin(), ctes_.end(), [](const FromNode* c) { return c->recursive; });
    out_ += recursive ? "WITH RECURSIVE " : "WITH ";
    for (std::size_t i = 0; i < ctes_.size(); ++i) {
      const FromNode& cte = *ctes_[i];
      if (i != 0) out_ += ", \n";
      out_ += from_name(cte);
      if (cte.recursive) {
        out_ += '(';
        for (std::size_t c = 0; c < cte.columns.size(); ++c)
          out_ += (c != 0 ? ", " : "") + quote(cte.columns[c].name);
        out_ += ')';
      }
      out_ += " AS \n(";
      std::vector<std::vector<const FromNode*>> enclosing;
      std::swap(enclosing, st.enclosing);
      st.export_names = true;
      visit_select(*cte.select, true);
      std::swap(enclosing, st.enclosing);
      out_ += ')';
    }
    out_ += "\n ";
    --st.depth;
  }
}

void SQLCompiler::with_clause(const std::vector<ElementPtr>& elements) {
  CteCollector collector;
  for (const ElementPtr& e : elements) collector.element(e);
  with_clause(collector.found);
}

bool SQLCompiler::compound_member_needs_grouping(const SelectNode& part) noexcept {
  return !part.compound.empty() || !part.order_by.empty() || part.limit || part.offset;
}

void SQLCompiler::visit_compound_member(const SelectNode& part) {
  const bool group = compound_member_needs_grouping(part);
  if (group) out_ += '(';
  visit_select(part, true);
  if (group) out_ += ')';
}

void SQLCompiler::visit_select(const SelectNode& select, bool nested) {
  State& st = *state_;
  const bool export_names = std::exchange(st.export_names, false);
  if (st.depth == 0 && !nested) {  // the top: every CTE of the statement in one WITH clause
    CteCollector collector;
    collector.select(select);
    with_clause(collector.found);
  }

  ++st.depth;
  const SelectNode* outer = std::exchange(st.current, &select);
  if (!select.compound.empty()) {
    for (std::size_t i = 0; i < select.parts.size(); ++i) {
      const SelectNode& part = *select.parts[i];
      if (i != 0) out_ += " " + select.compound + " ";
      st.export_names = export_names && i == 0;
      visit_compound_member(part);
    }
    st.current = &select;
    if (!select.order_by.empty()) {
      out_ += " ORDER BY ";
      st.compound_order = true;
      for (std::size_t i = 0; i < select.order_by.size(); ++i) {
        if (i != 0) out_ += ", ";
        st.next_is_order_term = true;
        visit(*select.order_by[i]);
      }
      st.compound_order = false;
    }
    limit_offset(select);
    st.current = outer;
    --st.depth;
    return;
  }

  if (select.columns.empty())
    throw ArgumentError("wanted at least one column in a select(), found none");

  // The FROM list: explicit items, then what the columns and WHERE refer to (as their
  // canonical CTE), less what a join of the list holds and, nested, what correlates.
  std::vector<FromPtr> raw = select.froms;
  for (const ElementPtr& c : select.columns) detail::element_froms(*c, raw);
  if (select.where) detail::element_froms(*select.where, raw);
  std::vector<const FromNode*> froms;
  std::vector<const FromNode*> in_joins;
  for (const FromPtr& f : raw) {
    const FromNode* c = st.canonical(f.get());
    if (std::find(froms.begin(), froms.end(), c) == froms.end()) froms.push_back(c);
  }
  const auto tree_of = [&st](const FromNode* f, std::vector<const FromNode*>& out) {
    std::vector<const FromNode*> stack{f};
    while (!stack.empty()) {
      const FromNode* at = stack.back();
      stack.pop_back();
      out.push_back(st.canonical(at));
      if (at->kind == FromKind::kJoin) {
        stack.push_back(at->right.get());
        stack.push_back(at->left.get());
      }
    }
  };
  for (const FromNode* f : froms)
    if (f->kind == FromKind::kJoin) {
      std::vector<const FromNode*> tree;
      tree_of(f, tree);
      in_joins.insert(in_joins.end(), tree.begin() + 1, tree.end());
    }
  std::erase_if(froms, [&](const FromNode* f) {
    return std::find(in_joins.begin(), in_joins.end(), f) != in_joins.end();
  });
  if (nested && !st.enclosing.empty()) {
    std::vector<const FromNode*> kept = froms;
    std::erase_if(kept, [&](const FromNode* f) {
      return std::any_of(st.enclosing.begin(), st.enclosing.end(), [&](const auto& level) {
        return std::find(level.begin(), level.end(), f) != level.end();
      });
    });
    if (!kept.empty()) froms = std::move(kept);
  }
  std::vector<const FromNode*> scope;
  for (const FromNode* f : froms) tree_of(f, scope);
  st.enclosing.push_back(std::move(scope));

  out_ += select.distinct ? "SELECT DISTINCT " : "SELECT ";
  const std::vector<ColumnDesc> names =
      export_names ? detail::exported_columns(select) : std::vector<ColumnDesc>{};
  std::size_t exported = 0;
  for (std::size_t i = 0; i < select.columns.size(); ++i) {
    const Element& column = *select.columns[i];
    if (i != 0) out_ += ", ";
    // In a subquery or CTE every column is written under the name it is exported as.
    const std::string* name = nullptr;
    if (export_names && column.kind == ElementKind::kStar)
      exported += column.from ? column.from->columns.size() : 0;
    else if (export_names)
      name = &names.at(exported++).name;
    if (name && column.kind == ElementKind::kLabel && column.text != *name) {
      visit(*column.children.at(0));
      out_ += " AS " + quote(*name);
      continue;
    }
    st.next_is_column = true;
    visit(column);
    st.next_is_column = false;
    if (name && detail::natural_name(column) != *name) out_ += " AS " + quote(*name);
  }
  if (!froms.empty()) {
    out_ += " \nFROM ";
    for (std::size_t i = 0; i < froms.size(); ++i) {
      if (i != 0) out_ += ", ";
      visit_from(*froms[i], true);
    }
  }
  if (select.where) {
    out_ += " \nWHERE ";
    visit(*select.where);
  }
  const auto terms = [&](const char* keyword, const std::vector<ElementPtr>& list) {
    if (list.empty()) return;
    out_ += keyword;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (i != 0) out_ += ", ";
      st.next_is_order_term = true;
      visit(*list[i]);
    }
  };
  terms(" GROUP BY ", select.group_by);
  if (select.having) {
    out_ += " HAVING ";
    visit(*select.having);
  }
  terms(" ORDER BY ", select.order_by);
  limit_offset(select);
  st.enclosing.pop_back();
  st.current = outer;
  --st.depth;
}

void SQLCompiler::limit_offset(const SelectNode& select) {
  if (select.limit) {
    out_ += "\n LIMIT ";
    visit(*select.limit);
  }
  if (select.offset) {
    out_ += select.limit ? " OFFSET " : "\n OFFSET ";
    visit(*select.offset);
  }
}

}  // namespace crucible::sql
