// SQL functions (sql/functions.hpp): kFunction nodes with the result type SQLAlchemy's generic
// functions give (sqlalchemy/sql/functions.py: count is an integer, sum/min/max/coalesce
// return their argument's type, lower/upper a string, char_length an integer).
//
// func::length is stored under the standard name char_length (SQL:2016 §6.30); a dialect's
// SQLCompiler::function_name renders its own spelling (e.g. length). func::now is "now",
// rendered CURRENT_TIMESTAMP by default.
#include "crucible/sql/functions.hpp"

#include <string>
#include <utility>
#include <vector>

#include "crucible/errors.hpp"

namespace crucible::sql::func {

namespace {

Expr function(std::string name, std::vector<ElementPtr> args, SqlType type) {
  auto e = std::make_shared<Element>();
  e->kind = ElementKind::kFunction;
  e->text = std::move(name);
  e->children = std::move(args);
  e->type = std::move(type);
  return Expr(e);
}

const ElementPtr& arg(const Expr& e, std::string_view function) {
  if (!e.node())
    throw ArgumentError("wanted an argument for " + std::string(function) +
                        "(), found an empty Expr (default-constructed)");
  return e.node();
}

// A one-argument function whose result has the argument's type.
Expr same_type(std::string name, const Expr& e) {
  const ElementPtr& a = arg(e, name);
  return function(std::move(name), {a}, a->type);
}

bool is_text(const SqlType& t) {
  return t.kind() == TypeKind::kString || t.kind() == TypeKind::kText;
}

}  // namespace

Expr count() {
  auto star = std::make_shared<Element>();
  star->kind = ElementKind::kStar;
  return function("count", {star}, Integer{});
}

Expr count(const Expr& expr) { return function("count", {arg(expr, "count")}, Integer{}); }
Expr sum(const Expr& expr) { return same_type("sum", expr); }
// avg's type is left unknown, as SQLAlchemy's: the average of integers is not an integer.
Expr avg(const Expr& expr) { return function("avg", {arg(expr, "avg")}, SqlType{}); }
Expr min(const Expr& expr) { return same_type("min", expr); }
Expr max(const Expr& expr) { return same_type("max", expr); }

Expr coalesce(std::vector<Expr> args) {
  if (args.empty()) throw ArgumentError("wanted at least one argument for coalesce(), found none");
  std::vector<ElementPtr> nodes;
  SqlType type;
  for (const Expr& a : args) {
    nodes.push_back(arg(a, "coalesce"));
    if (type.kind() == TypeKind::kNull) type = nodes.back()->type;
  }
  // Plain values among the arguments are bound as the first typed argument's type.
  for (ElementPtr& n : nodes) {
    if (n->kind == ElementKind::kBind && n->type.kind() == TypeKind::kNull &&
        type.kind() != TypeKind::kNull) {
      auto typed = std::make_shared<Element>(*n);
      typed->type = type;
      n = std::move(typed);
    }
  }
  return function("coalesce", std::move(nodes), std::move(type));
}

Expr lower(const Expr& expr) {
  const ElementPtr& a = arg(expr, "lower");
  return function("lower", {a}, is_text(a->type) ? a->type : SqlType(String{}));
}

Expr upper(const Expr& expr) {
  const ElementPtr& a = arg(expr, "upper");
  return function("upper", {a}, is_text(a->type) ? a->type : SqlType(String{}));
}

Expr length(const Expr& expr) { return function("char_length", {arg(expr, "length")}, Integer{}); }
Expr row_number() { return function("row_number", {}, Integer{}); }
Expr rank() { return function("rank", {}, Integer{}); }
Expr dense_rank() { return function("dense_rank", {}, Integer{}); }
Expr now() { return function("now", {}, types::DateTime{}); }

Expr call(std::string name, std::vector<Expr> args, SqlType type) {
  if (name.empty()) throw ArgumentError("wanted a function name for func::call(), found \"\"");
  std::vector<ElementPtr> nodes;
  for (const Expr& a : args) nodes.push_back(arg(a, name));
  return function(std::move(name), std::move(nodes), std::move(type));
}

}  // namespace crucible::sql::func
