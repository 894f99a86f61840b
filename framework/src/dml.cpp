// INSERT, UPDATE and DELETE builders and their cache keys (sql/dml.hpp), after SQLAlchemy's
// sqlalchemy/sql/dml.py (the generative builders) and crud.py (which columns a statement
// writes: its own values, else the execution's parameters, plus client-side defaults).
#include "crucible/sql/dml.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "crucible/dialect.hpp"
#include "crucible/errors.hpp"
#include "crucible/params.hpp"
#include "crucible/sql/compiler.hpp"
#include "crucible/sql/schema.hpp"
#include "dml_shape.hpp"

namespace crucible::sql {

namespace {

// ---- the target table ---------------------------------------------------------------------

// "schema.name" or "name", for messages.
std::string table_label(const FromNode& table) {
  return table.schema ? *table.schema + "." + table.name : table.name;
}

// "id, name, email", for messages.
std::string column_names(const FromNode& table) {
  std::string out;
  for (const ColumnDesc& c : table.columns) {
    if (!out.empty()) out += ", ";
    out += c.name;
  }
  return out.empty() ? "(none)" : out;
}

// The column called name; ArgumentError naming the table and its columns when there is none.
// `what` is the call that asked ("insert(users).values()").
const ColumnDesc& find_column(const FromNode& table, std::string_view name, std::string_view what) {
  for (const ColumnDesc& c : table.columns)
    if (c.name == name) return c;
  throw ArgumentError(std::string(what) + ": table '" + table_label(table) + "' has no column '" +
                      std::string(name) + "'; its columns are " + column_names(table));
}

// The node of a DML statement's target, which must be a table.
FromPtr dml_target(const FromClause& table, std::string_view statement) {
  const FromPtr& node = table.node();
  if (!node)
    throw ArgumentError(std::string(statement) + "() needs a table; got an empty FromClause");
  if (node->kind != FromKind::kTable)
    throw ArgumentError(std::string(statement) + "() needs a table; '" + node->name +
                        "' is an alias, join, subquery or CTE");
  return node;
}

std::string call_name(std::string_view statement, const FromNode& table, std::string_view method) {
  return std::string(statement) + "(" + table_label(table) + ")." + std::string(method) + "()";
}

// The element a value of column takes: a bind or literal of unknown type gets the column's
// type (so the dialect's bind processor converts it: Boolean to 0/1 on SQLite…) and, when it is
// anonymous, the column's name to be named after (SQLAlchemy's coercion of values() entries).
ElementPtr coerce(const Expr& value, const ColumnDesc& column, std::string_view what) {
  const ElementPtr& e = value.node();
  if (!e)
    throw ArgumentError(std::string(what) + ": the value for column '" + column.name +
                        "' is an empty Expr");
  const bool untyped_value = (e->kind == ElementKind::kBind || e->kind == ElementKind::kLiteral) &&
                             e->type.kind() == TypeKind::kNull;
  if (!untyped_value) return e;
  auto typed = std::make_shared<Element>(*e);
  typed->type = column.type;
  if (typed->kind == ElementKind::kBind && typed->text.empty()) typed->text = column.name;
  return typed;
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Checks that every name is a column of table, once.
void check_columns(const FromNode& table, const std::vector<std::string>& names,
                   std::string_view what) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    find_column(table, names[i], what);
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) !=
        names.begin() + static_cast<std::ptrdiff_t>(i))
      throw ArgumentError(std::string(what) + ": column '" + names[i] + "' is named twice");
  }
}

// name = value pairs checked against table and coerced to the columns' types.
std::vector<std::pair<std::string, ElementPtr>>
coerce_assignments(const FromNode& table, const Assignments& set, std::string_view what) {
  std::vector<std::pair<std::string, ElementPtr>> out;
  out.reserve(set.size());
  for (const auto& [name, value] : set) {
    const ColumnDesc& column = find_column(table, name, what);
    if (std::any_of(out.begin(), out.end(), [&n = name](const auto& a) { return a.first == n; }))
      throw ArgumentError(std::string(what) + ": column '" + name + "' is given twice");
    out.emplace_back(name, coerce(value, column, what));
  }
  return out;
}

std::vector<ElementPtr> returning_nodes(std::vector<ElementPtr> have, std::vector<Expr> columns,
                                        std::string_view what) {
  for (const Expr& c : columns) {
    if (!c.node()) throw ArgumentError(std::string(what) + ": a RETURNING column is an empty Expr");
    have.push_back(c.node());
  }
  return have;
}

ElementPtr and_where(const ElementPtr& have, const Expr& criterion, std::string_view what) {
  if (!criterion.node())
    throw ArgumentError(std::string(what) + ": the criterion is an empty Expr");
  return have ? and_(Expr(have), criterion).node() : criterion.node();
}

// Checks target against the table and stores it in node. what names the call.
void set_conflict_target(InsertNode& node, ConflictTarget target, std::string_view what) {
  if (!target.index_elements().empty()) check_columns(*node.table, target.index_elements(), what);
  node.conflict_columns = target.index_elements();
  node.conflict_where = target.index_where() ? target.index_where()->node() : nullptr;
  node.conflict_constraint = target.constraint_name();
}

// ---- cache keys -----------------------------------------------------------------------------
// A DML statement's key is its layout (table, column names, how many rows and RETURNING
// columns, the upsert's parts), written here, followed by every expression it holds in render
// order, gathered in one traversal by the SELECT key machinery (as the columns of one SELECT),
// so that FROM objects and shared binds are numbered across the whole statement exactly as a
// query's are. Names are written length-prefixed so no two layouts read alike.

void key_name(std::string& k, std::string_view name) {
  k += std::to_string(name.size());
  k += ':';
  k += name;
}

void key_names(std::string& k, const std::vector<std::string>& names) {
  k += '(';
  for (const std::string& n : names) key_name(k, n);
  k += ')';
}

void key_table(std::string& k, const FromNode& table) {
  k += 'T';
  key_name(k, table.schema.value_or(""));
  key_name(k, table.name);
}

void key_count(std::string& k, char tag, std::size_t n) {
  k += tag;
  k += std::to_string(n);
}

// Gathers elements, in order, as the columns of one SELECT.
void gather_elements(std::vector<ElementPtr> elements, CacheKey& key, const Params* params) {
  auto node = std::make_shared<SelectNode>();
  node->columns = std::move(elements);
  Select(SelectPtr(std::move(node))).gather(key, params);
}

}  // namespace

// ---- shapes shared with the compiler (dml_shape.hpp) ----------------------------------------

namespace detail {

ElementPtr param_bind(const std::string& name, const SqlType& type) {
  auto e = std::make_shared<Element>();
  e->kind = ElementKind::kBind;
  e->flags = kFromParams;
  e->type = type;
  e->text = name;
  return e;
}

InsertShape insert_shape(const InsertNode& node, const Params* params) {
  InsertShape shape;
  if (node.from_select) return shape;
  const FromNode& table = *node.table;
  if (!node.rows.empty()) {
    shape.columns = node.columns;
    shape.rows = node.rows;
  } else {
    if (params)
      for (const auto& [name, value] : *params)
        find_column(table, name, "insert(" + table_label(table) + ") executed with parameters");
    shape.rows.emplace_back();
    for (const ColumnDesc& c : table.columns) {
      if (params && !params->find(c.name)) continue;
      shape.columns.push_back(c.name);
      shape.rows.front().push_back(param_bind(c.name, c.type));
    }
  }
  for (const auto& [name, bind] : node.defaults) {
    if (contains(shape.columns, name)) continue;
    shape.columns.push_back(name);
    for (std::vector<ElementPtr>& row : shape.rows) row.push_back(bind);
  }
  return shape;
}

std::vector<std::pair<std::string, ElementPtr>> update_set(const UpdateNode& node,
                                                           const Params* params) {
  if (!node.set.empty()) return node.set;
  const FromNode& table = *node.table;
  std::vector<std::pair<std::string, ElementPtr>> set;
  for (const ColumnDesc& c : table.columns)
    if (!params || params->find(c.name)) set.emplace_back(c.name, param_bind(c.name, c.type));
  if (set.empty()) {
    std::string given;
    if (params)
      for (const auto& [name, value] : *params) given += (given.empty() ? "" : ", ") + name;
    throw ArgumentError("update(" + table_label(table) +
                        ") has no values() and its parameters name none of its columns (" +
                        column_names(table) +
                        "); the parameters given were: " + (given.empty() ? "(none)" : given));
  }
  return set;
}

}  // namespace detail

// ---- ConflictTarget -------------------------------------------------------------------------

ConflictTarget::ConflictTarget(std::vector<std::string> index_elements,
                               std::optional<Expr> index_where)
    : index_elements_(std::move(index_elements)), index_where_(std::move(index_where)) {
  if (index_where_ && !index_where_->node())
    throw ArgumentError("ConflictTarget: the index_where predicate is an empty Expr");
  if (index_where_ && index_elements_.empty())
    throw ArgumentError("ConflictTarget: an index_where predicate needs the index's columns "
                        "(index_elements) too; got none");
}

ConflictTarget ConflictTarget::constraint(std::string name) {
  if (name.empty())
    throw ArgumentError("ConflictTarget::constraint() wants a constraint name; got \"\"");
  ConflictTarget target;
  target.constraint_ = std::move(name);
  return target;
}

// ---- Insert ---------------------------------------------------------------------------------

Insert::Insert(const FromClause& table) {
  auto node = std::make_shared<InsertNode>();
  node->table = dml_target(table, "insert");
  if (node->table->table)
    for (const ColumnData& c : node->table->table->columns) {
      if (c.sequence && !c.default_) {  // a Sequence default: nextval, where there are sequences
        ElementPtr next = next_value(*c.sequence).node();
        node->defaults.emplace_back(c.name, std::move(next));
        continue;
      }
      if (!c.default_) continue;
      auto bind = std::make_shared<Element>();
      bind->kind = ElementKind::kBind;
      bind->type = c.type;
      bind->text = c.name;
      bind->value = *c.default_;
      node->defaults.emplace_back(c.name, std::move(bind));
    }
  node_ = std::move(node);
}

Insert Insert::values(const Assignments& row) const {
  const std::string what = call_name("insert", *node_->table, "values");
  if (node_->from_select)
    throw ArgumentError(what + ": this INSERT already inserts from a SELECT (from_select())");
  auto node = std::make_shared<InsertNode>(*node_);
  node->columns.clear();
  node->rows.assign(1, {});
  for (auto& [name, e] : coerce_assignments(*node->table, row, what)) {
    node->columns.push_back(name);
    node->rows.front().push_back(std::move(e));
  }
  return Insert(std::move(node));
}

Insert Insert::values_rows(const std::vector<Assignments>& rows) const {
  const std::string what = call_name("insert", *node_->table, "values_rows");
  if (node_->from_select)
    throw ArgumentError(what + ": this INSERT already inserts from a SELECT (from_select())");
  if (rows.empty()) throw ArgumentError(what + " needs at least one row; got none");
  auto node = std::make_shared<InsertNode>(*node_);
  node->columns.clear();
  node->rows.clear();
  for (const auto& [name, value] : coerce_assignments(*node->table, rows.front(), what))
    node->columns.push_back(name);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    auto set = coerce_assignments(*node->table, rows[r], what);
    std::vector<ElementPtr> row;
    row.reserve(node->columns.size());
    for (const std::string& column : node->columns) {
      auto it =
          std::find_if(set.begin(), set.end(), [&](const auto& a) { return a.first == column; });
      if (it == set.end() || set.size() != node->columns.size()) {
        std::string names;
        for (const auto& a : set) names += (names.empty() ? "" : ", ") + a.first;
        std::string first;
        for (const std::string& c : node->columns) first += (first.empty() ? "" : ", ") + c;
        throw ArgumentError(what + ": every row must name the same columns; row 0 names (" + first +
                            ") but row " + std::to_string(r) + " names (" + names + ")");
      }
      row.push_back(std::move(it->second));
    }
    node->rows.push_back(std::move(row));
  }
  return Insert(std::move(node));
}

Insert Insert::from_select(std::vector<std::string> columns, const Select& select) const {
  const std::string what = call_name("insert", *node_->table, "from_select");
  if (!node_->rows.empty())
    throw ArgumentError(what + ": this INSERT already has values(); it cannot also insert from "
                               "a SELECT");
  if (!select.node()) throw ArgumentError(what + ": the SELECT is empty");
  check_columns(*node_->table, columns, what);
  const SelectNode* first = select.node().get();
  while (first && !first->parts.empty()) first = first->parts.front().get();
  if (first && !first->columns.empty() &&
      std::none_of(first->columns.begin(), first->columns.end(),
                   [](const ElementPtr& c) { return c->kind == ElementKind::kStar; }) &&
      first->columns.size() != columns.size())
    throw ArgumentError(what + ": " + std::to_string(columns.size()) +
                        " columns are named but the SELECT returns " +
                        std::to_string(first->columns.size()));
  auto node = std::make_shared<InsertNode>(*node_);
  node->columns = std::move(columns);
  node->from_select = select.node();
  return Insert(std::move(node));
}

Insert Insert::returning(std::vector<Expr> columns) const {
  auto node = std::make_shared<InsertNode>(*node_);
  node->returning = returning_nodes(std::move(node->returning), std::move(columns),
                                    call_name("insert", *node->table, "returning"));
  return Insert(std::move(node));
}

Insert Insert::on_conflict_do_update(ConflictTarget target, const Assignments& set,
                                     std::optional<Expr> where) const {
  const std::string what = call_name("insert", *node_->table, "on_conflict_do_update");
  if (target.empty())
    throw ArgumentError(what + " needs the columns of the unique index or primary key whose "
                               "conflict it handles, or a constraint's name; got neither");
  if (set.empty())
    throw ArgumentError(what + " needs at least one column to set; got none (use "
                               "on_conflict_do_nothing() to leave the row alone)");
  auto node = std::make_shared<InsertNode>(*node_);
  set_conflict_target(*node, std::move(target), what);
  node->upsert = UpsertAction::kDoUpdate;
  node->upsert_set = coerce_assignments(*node->table, set, what);
  node->upsert_where = nullptr;
  if (where) {
    if (!where->node()) throw ArgumentError(what + ": the where criterion is an empty Expr");
    node->upsert_where = where->node();
  }
  return Insert(std::move(node));
}

Insert Insert::on_conflict_do_nothing(ConflictTarget target) const {
  auto node = std::make_shared<InsertNode>(*node_);
  set_conflict_target(*node, std::move(target),
                      call_name("insert", *node_->table, "on_conflict_do_nothing"));
  node->upsert = UpsertAction::kDoNothing;
  node->upsert_set.clear();
  node->upsert_where = nullptr;
  return Insert(std::move(node));
}

bool Insert::gather(CacheKey& key, const Params* params) const {
  const InsertNode& n = *node_;
  std::string& k = key.key;
  std::vector<ElementPtr> elements;
  k += "INSERT<";
  key_table(k, *n.table);
  if (n.from_select) {
    k += 'S';
    key_names(k, n.columns);
    // The SELECT goes in as a scalar subquery element: only its structure matters here.
    auto sub = std::make_shared<Element>();
    sub->kind = ElementKind::kScalarSelect;
    sub->select = n.from_select;
    elements.push_back(std::move(sub));
  } else {
    detail::InsertShape shape = detail::insert_shape(n, params);
    key_names(k, shape.columns);
    key_count(k, 'r', shape.rows.size());
    for (std::vector<ElementPtr>& row : shape.rows)
      elements.insert(elements.end(), std::make_move_iterator(row.begin()),
                      std::make_move_iterator(row.end()));
  }
  key_count(k, 'U', static_cast<std::size_t>(n.upsert));
  if (n.upsert != UpsertAction::kNone) {
    key_names(k, n.conflict_columns);
    key_name(k, n.conflict_constraint);
    k += n.conflict_where ? 'i' : '-';
    if (n.conflict_where) elements.push_back(n.conflict_where);
    k += 's';
    for (const auto& [name, e] : n.upsert_set) {
      key_name(k, name);
      elements.push_back(e);
    }
    k += n.upsert_where ? 'w' : '-';
    if (n.upsert_where) elements.push_back(n.upsert_where);
  }
  key_count(k, 'R', n.returning.size());
  elements.insert(elements.end(), n.returning.begin(), n.returning.end());
  k += '>';
  gather_elements(std::move(elements), key, params);
  return true;
}

std::shared_ptr<const Compiled> Insert::compile(const CompileContext& ctx) const {
  CacheKey key;
  gather(key, ctx.params);
  return ctx.dialect.statement_compiler(ctx.style, ctx.options)
      ->compile_insert(*node_, key, ctx.params);
}

// ---- Update ---------------------------------------------------------------------------------

Update::Update(const FromClause& table) {
  auto node = std::make_shared<UpdateNode>();
  node->table = dml_target(table, "update");
  node_ = std::move(node);
}

Update Update::values(const Assignments& set) const {
  const std::string what = call_name("update", *node_->table, "values");
  auto node = std::make_shared<UpdateNode>(*node_);
  // A later values() adds to the SET list, replacing what it names again (SQLAlchemy).
  for (auto& [name, e] : coerce_assignments(*node->table, set, what)) {
    auto it = std::find_if(node->set.begin(), node->set.end(),
                           [&n = name](const auto& a) { return a.first == n; });
    if (it != node->set.end())
      it->second = std::move(e);
    else
      node->set.emplace_back(name, std::move(e));
  }
  return Update(std::move(node));
}

Update Update::where(const Expr& criterion) const {
  auto node = std::make_shared<UpdateNode>(*node_);
  node->where = and_where(node->where, criterion, call_name("update", *node->table, "where"));
  return Update(std::move(node));
}

Update Update::returning(std::vector<Expr> columns) const {
  auto node = std::make_shared<UpdateNode>(*node_);
  node->returning = returning_nodes(std::move(node->returning), std::move(columns),
                                    call_name("update", *node->table, "returning"));
  return Update(std::move(node));
}

bool Update::gather(CacheKey& key, const Params* params) const {
  const UpdateNode& n = *node_;
  std::string& k = key.key;
  std::vector<ElementPtr> elements;
  k += "UPDATE<";
  key_table(k, *n.table);
  k += 's';
  for (auto& [name, e] : detail::update_set(n, params)) {
    key_name(k, name);
    elements.push_back(std::move(e));
  }
  k += n.where ? 'w' : '-';
  if (n.where) elements.push_back(n.where);
  key_count(k, 'R', n.returning.size());
  elements.insert(elements.end(), n.returning.begin(), n.returning.end());
  k += '>';
  gather_elements(std::move(elements), key, params);
  return true;
}

std::shared_ptr<const Compiled> Update::compile(const CompileContext& ctx) const {
  CacheKey key;
  gather(key, ctx.params);
  return ctx.dialect.statement_compiler(ctx.style, ctx.options)
      ->compile_update(*node_, key, ctx.params);
}

// ---- Delete ---------------------------------------------------------------------------------

Delete::Delete(const FromClause& table) {
  auto node = std::make_shared<DeleteNode>();
  node->table = dml_target(table, "delete_");
  node_ = std::move(node);
}

Delete Delete::where(const Expr& criterion) const {
  auto node = std::make_shared<DeleteNode>(*node_);
  node->where = and_where(node->where, criterion, call_name("delete_", *node->table, "where"));
  return Delete(std::move(node));
}

Delete Delete::returning(std::vector<Expr> columns) const {
  auto node = std::make_shared<DeleteNode>(*node_);
  node->returning = returning_nodes(std::move(node->returning), std::move(columns),
                                    call_name("delete_", *node->table, "returning"));
  return Delete(std::move(node));
}

bool Delete::gather(CacheKey& key, const Params* params) const {
  const DeleteNode& n = *node_;
  std::string& k = key.key;
  std::vector<ElementPtr> elements;
  k += "DELETE<";
  key_table(k, *n.table);
  k += n.where ? 'w' : '-';
  if (n.where) elements.push_back(n.where);
  key_count(k, 'R', n.returning.size());
  elements.insert(elements.end(), n.returning.begin(), n.returning.end());
  k += '>';
  gather_elements(std::move(elements), key, params);
  return true;
}

std::shared_ptr<const Compiled> Delete::compile(const CompileContext& ctx) const {
  CacheKey key;
  gather(key, ctx.params);
  return ctx.dialect.statement_compiler(ctx.style, ctx.options)->compile_delete(*node_, key);
}

// ---- free functions -------------------------------------------------------------------------

Insert insert(const FromClause& table) { return Insert(table); }
Update update(const FromClause& table) { return Update(table); }
Delete delete_(const FromClause& table) { return Delete(table); }

Expr excluded(const FromClause& table, std::string_view column) {
  const FromPtr target = dml_target(table, "excluded");
  const ColumnDesc& desc = find_column(*target, column, "excluded(" + table_label(*target) + ")");
  auto e = std::make_shared<Element>();
  e->kind = ElementKind::kExcluded;
  e->type = desc.type;
  e->text = desc.name;
  e->from = target;
  return Expr(std::move(e));
}

}  // namespace crucible::sql
