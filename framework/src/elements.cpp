// The expression tree's builders (sql/elements.hpp): Expr and its operators, and_/or_/not_,
// binds, literals, CAST, CASE, ORDER BY modifiers and windows.
//
// Typing follows SQLAlchemy's default comparator (sqlalchemy/sql/default_comparator.py): a
// value on one side of an operator becomes a bind of the other side's type, named after it
// (users.name == "x" binds name_1 as the column's String); comparisons and logical operators
// are Boolean; arithmetic takes its numeric side's type. Comparing with NULL is IS NULL, and
// not_() inverts a comparison rather than wrapping it (not_(a == b) is a != b). Parentheses are
// the compiler's business: it adds them where operator precedence needs them.
#include "crucible/sql/elements.hpp"

#include <string>
#include <utility>
#include <vector>

#include "crucible/errors.hpp"
#include "crucible/types.hpp"

namespace crucible::sql {

namespace {

std::shared_ptr<Element> make(ElementKind kind, SqlType type = {}) {
  auto e = std::make_shared<Element>();
  e->kind = kind;
  e->type = std::move(type);
  return e;
}

// The node of e; throws ArgumentError naming what wanted it (what, then what_more: the message
// is only built when it is thrown) when e is empty.
const ElementPtr& need(const Expr& e, std::string_view what, std::string_view what_more = {}) {
  if (!e.node()) [[unlikely]]
    throw ArgumentError("wanted an expression for " + std::string(what) + std::string(what_more) +
                        ", found an empty Expr (default-constructed)");
  return e.node();
}

// A bind or literal whose type is still unknown: a plain value, or bindparam("x") without a
// type. It takes the type of what it is compared with.
bool untyped_value(const Element& e) {
  return (e.kind == ElementKind::kBind || e.kind == ElementKind::kLiteral) &&
         e.type.kind() == TypeKind::kNull;
}

// NULL written as null(), Value() or nullptr: compared with, it makes IS [NOT] NULL.
bool null_like(const Element& e) {
  return e.kind == ElementKind::kNull ||
         (e.kind == ElementKind::kBind && (e.flags & kFromParams) == 0 && e.value.is_null());
}

// The name an anonymous bind compared with e is numbered after (SQLAlchemy names the bind of
// users.name == "x" name_1, of lower(x) == "y" lower_1, of anything else param_1).
std::string bind_base(const Element& e) {
  switch (e.kind) {
  case ElementKind::kColumn:
  case ElementKind::kFunction:
  case ElementKind::kLabel: return e.text;
  default: return {};
  }
}

// value typed and named after other, when it is an untyped value; otherwise value as is.
ElementPtr coerce(const ElementPtr& value, const Element& other) {
  if (!untyped_value(*value)) return value;
  const bool anonymous =
      value->kind == ElementKind::kBind && (value->flags & kFromParams) == 0 && value->text.empty();
  std::string base = anonymous ? bind_base(other) : std::string();
  if (other.type.kind() == TypeKind::kNull && base.empty()) return value;
  auto typed = std::make_shared<Element>(*value);
  typed->type = other.type;
  if (!base.empty()) typed->text = std::move(base);
  return typed;
}

ElementPtr binary(std::string op, ElementPtr left, ElementPtr right, SqlType type) {
  auto e = make(ElementKind::kBinary, std::move(type));
  e->text = std::move(op);
  e->children = {std::move(left), std::move(right)};
  return e;
}

// a op b for a comparison: each side typed by the other, Boolean result; NULL makes IS.
Expr compare(std::string op, const Expr& a, const Expr& b) {
  const ElementPtr& l = need(a, "the left side of ", op);
  const ElementPtr& r = need(b, "the right side of ", op);
  if (op == "=" || op == "!=") {
    const char* is = op == "=" ? "IS" : "IS NOT";
    if (null_like(*r)) return Expr(binary(is, l, make(ElementKind::kNull), Boolean{}));
    if (null_like(*l)) return Expr(binary(is, r, make(ElementKind::kNull), Boolean{}));
  }
  return Expr(binary(std::move(op), coerce(l, *r), coerce(r, *l), Boolean{}));
}

bool string_like(const SqlType& t) {
  return t.kind() == TypeKind::kString || t.kind() == TypeKind::kText ||
         t.kind() == TypeKind::kEnum;
}

// a op b for arithmetic: the numeric side's type (the left's when both or neither are).
// String + String is concatenation, as in SQLAlchemy.
Expr arithmetic(std::string op, const Expr& a, const Expr& b) {
  const ElementPtr l = coerce(need(a, "the left side of ", op), *need(b, "the right side"));
  const ElementPtr r = coerce(b.node(), *a.node());
  if (op == "+" && (string_like(l->type) || string_like(r->type)) && !l->type.is_numeric() &&
      !r->type.is_numeric())
    return Expr(binary("||", l, r, string_like(l->type) ? l->type : r->type));
  SqlType type = l->type;
  if (!type.is_numeric() && r->type.is_numeric()) type = r->type;
  return Expr(binary(std::move(op), l, r, std::move(type)));
}

// The inverse of a comparison operator (SQLAlchemy's negation map), or "" when none.
std::string inverse(const std::string& op) {
  static const std::pair<const char*, const char*> kPairs[] = {
      {"=", "!="},
      {"<", ">="},
      {">", "<="},
      {"LIKE", "NOT LIKE"},
      {"IN", "NOT IN"},
      {"IS", "IS NOT"},
      {"ILIKE", "NOT ILIKE"},
      {"IS DISTINCT FROM", "IS NOT DISTINCT FROM"}};
  for (const auto& [a, b] : kPairs) {
    if (op == a) return b;
    if (op == b) return a;
  }
  return {};
}

// and_/or_: clauses flattened into one list of the same conjunction; TRUE drops out of AND
// and decides OR, FALSE the other way round (SQLAlchemy's and_/or_).
Expr conjunction(std::vector<Expr> clauses, bool is_and) {
  const char* glue = is_and ? " AND " : " OR ";
  const ElementKind neutral = is_and ? ElementKind::kTrue : ElementKind::kFalse;
  const ElementKind absorbing = is_and ? ElementKind::kFalse : ElementKind::kTrue;
  std::vector<ElementPtr> flat;
  for (const Expr& c : clauses) {
    const ElementPtr& n = need(c, is_and ? "and_()" : "or_()");
    if (n->kind == neutral) continue;
    if (n->kind == absorbing) return Expr(n);
    if (n->kind == ElementKind::kClauseList && (n->flags & kAnd) != 0 && n->text == glue)
      flat.insert(flat.end(), n->children.begin(), n->children.end());
    else
      flat.push_back(n);
  }
  if (flat.empty()) return is_and ? true_() : false_();
  if (flat.size() == 1) return Expr(flat.front());
  auto e = make(ElementKind::kClauseList, Boolean{});
  e->text = glue;
  e->flags = kAnd;
  e->children = std::move(flat);
  return Expr(e);
}

// e wrapped in (or updated as) an ORDER BY term with flags set and cleared.
Expr order_term(const ElementPtr& e, std::uint16_t set, std::uint16_t clear) {
  std::shared_ptr<Element> term;
  if (e->kind == ElementKind::kOrderBy) {
    term = std::make_shared<Element>(*e);
  } else {
    term = make(ElementKind::kOrderBy, e->type);
    term->children = {e};
  }
  term->flags = static_cast<std::uint16_t>((term->flags & ~clear) | set);
  return Expr(term);
}

ElementPtr list_of(const std::vector<Expr>& items, std::string_view what) {
  if (items.empty()) return nullptr;
  auto list = make(ElementKind::kClauseList);
  list->text = ", ";
  for (const Expr& i : items) list->children.push_back(need(i, what));
  return list;
}

}  // namespace

// ---- Expr -----------------------------------------------------------------------------------

Expr::Expr(Value value) {
  auto e = make(ElementKind::kBind);
  e->value = std::move(value);
  node_ = std::move(e);
}

const SqlType& Expr::type() const noexcept {
  static const SqlType kUnknown;
  return node_ ? node_->type : kUnknown;
}

Expr Expr::label(std::string name) const {
  const ElementPtr& n = need(*this, "label(\"" + name + "\")");
  if (name.empty()) throw ArgumentError("wanted a name for label(), found \"\"");
  auto e = make(ElementKind::kLabel, n->type);
  e->text = std::move(name);
  // A label of a label names the inner expression once.
  e->children = {n->kind == ElementKind::kLabel ? n->children.front() : n};
  return Expr(e);
}

Expr Expr::in_(std::vector<Value> values) const {
  const ElementPtr& n = need(*this, "in_()");
  auto tuple = make(ElementKind::kTuple, n->type);
  for (Value& v : values) tuple->children.push_back(coerce(Expr(std::move(v)).node(), *n));
  return Expr(binary("IN", n, std::move(tuple), Boolean{}));
}

Expr Expr::not_in(std::vector<Value> values) const { return not_(in_(std::move(values))); }

Expr Expr::like(Expr pattern) const { return compare("LIKE", *this, pattern); }
Expr Expr::not_like(Expr pattern) const { return compare("NOT LIKE", *this, pattern); }
Expr Expr::ilike(Expr pattern) const { return compare("ILIKE", *this, pattern); }

Expr Expr::between(Expr low, Expr high) const {
  const ElementPtr& n = need(*this, "between()");
  auto e = make(ElementKind::kBetween, Boolean{});
  e->children = {n, coerce(need(low, "between()'s low end"), *n),
                 coerce(need(high, "between()'s high end"), *n)};
  return Expr(e);
}

Expr Expr::is_null() const {
  return Expr(binary("IS", need(*this, "is_null()"), make(ElementKind::kNull), Boolean{}));
}
Expr Expr::is_not_null() const {
  return Expr(binary("IS NOT", need(*this, "is_not_null()"), make(ElementKind::kNull), Boolean{}));
}

Expr Expr::is_distinct_from(Expr other) const { return compare("IS DISTINCT FROM", *this, other); }
Expr Expr::is_not_distinct_from(Expr other) const {
  return compare("IS NOT DISTINCT FROM", *this, other);
}

Expr Expr::concat(Expr other) const {
  const ElementPtr& l = need(*this, "concat()");
  const ElementPtr r = coerce(need(other, "concat()'s argument"), *l);
  return Expr(binary("||", l, r, string_like(l->type) ? l->type : SqlType(String{})));
}

Expr Expr::asc() const { return order_term(need(*this, "asc()"), 0, kDesc); }
Expr Expr::desc() const { return order_term(need(*this, "desc()"), kDesc, 0); }
Expr Expr::nulls_first() const {
  return order_term(need(*this, "nulls_first()"), kNullsFirst, kNullsLast);
}
Expr Expr::nulls_last() const {
  return order_term(need(*this, "nulls_last()"), kNullsLast, kNullsFirst);
}

Expr Expr::over(std::vector<Expr> partition_by, std::vector<Expr> order_by) const {
  const ElementPtr& n = need(*this, "over()");
  auto e = make(ElementKind::kOver, n->type);
  e->children = {n, list_of(partition_by, "over()'s partition_by"),
                 list_of(order_by, "over()'s order_by")};
  return Expr(e);
}

// ---- operators ------------------------------------------------------------------------------

Expr operator==(const Expr& a, const Expr& b) { return compare("=", a, b); }
Expr operator!=(const Expr& a, const Expr& b) { return compare("!=", a, b); }
Expr operator<(const Expr& a, const Expr& b) { return compare("<", a, b); }
Expr operator<=(const Expr& a, const Expr& b) { return compare("<=", a, b); }
Expr operator>(const Expr& a, const Expr& b) { return compare(">", a, b); }
Expr operator>=(const Expr& a, const Expr& b) { return compare(">=", a, b); }
Expr operator+(const Expr& a, const Expr& b) { return arithmetic("+", a, b); }
Expr operator-(const Expr& a, const Expr& b) { return arithmetic("-", a, b); }
Expr operator*(const Expr& a, const Expr& b) { return arithmetic("*", a, b); }
Expr operator/(const Expr& a, const Expr& b) { return arithmetic("/", a, b); }
Expr operator%(const Expr& a, const Expr& b) { return arithmetic("%", a, b); }

Expr operator-(const Expr& a) {
  const ElementPtr& n = need(a, "unary minus");
  auto e = make(ElementKind::kUnary, n->type);
  e->text = "-";
  e->children = {n};
  return Expr(e);
}

Expr operator&&(const Expr& a, const Expr& b) { return and_(std::vector<Expr>{a, b}); }
Expr operator||(const Expr& a, const Expr& b) { return or_(std::vector<Expr>{a, b}); }
Expr operator!(const Expr& a) { return not_(a); }

Expr and_(std::vector<Expr> clauses) { return conjunction(std::move(clauses), true); }
Expr or_(std::vector<Expr> clauses) { return conjunction(std::move(clauses), false); }

Expr not_(const Expr& clause) {
  const ElementPtr& n = need(clause, "not_()");
  switch (n->kind) {
  case ElementKind::kTrue: return false_();
  case ElementKind::kFalse: return true_();
  case ElementKind::kBinary: {
    std::string op = inverse(n->text);
    if (op.empty()) break;
    auto e = std::make_shared<Element>(*n);
    e->text = std::move(op);
    return Expr(e);
  }
  case ElementKind::kBetween:
  case ElementKind::kExists:
  case ElementKind::kInSelect: {
    auto e = std::make_shared<Element>(*n);
    e->flags ^= kNegate;
    return Expr(e);
  }
  case ElementKind::kUnary:
    if (n->text == "NOT" && (n->flags & kPostfix) == 0) return Expr(n->children.front());
    break;
  default: break;
  }
  auto e = make(ElementKind::kUnary, Boolean{});
  e->text = "NOT";
  e->children = {n};
  return Expr(e);
}

// ---- binds, literals and constants ----------------------------------------------------------

Expr bindparam_value(Value value, SqlType type) {
  auto e = make(ElementKind::kBind, std::move(type));
  e->value = std::move(value);
  return Expr(e);
}

Expr bindparam(std::string name, SqlType type) {
  if (name.empty()) throw ArgumentError("wanted a parameter name for bindparam(), found \"\"");
  auto e = make(ElementKind::kBind, std::move(type));
  e->text = std::move(name);
  e->flags = kFromParams;
  return Expr(e);
}

Expr literal(Value value, SqlType type) {
  auto e = make(ElementKind::kLiteral, std::move(type));
  e->value = std::move(value);
  return Expr(e);
}

Expr literal_column(std::string text, SqlType type) {
  if (text.empty()) throw ArgumentError("wanted SQL text for literal_column(), found \"\"");
  auto e = make(ElementKind::kText, std::move(type));
  e->text = std::move(text);
  return Expr(e);
}

Expr null() { return Expr(make(ElementKind::kNull)); }
Expr true_() { return Expr(make(ElementKind::kTrue, Boolean{})); }
Expr false_() { return Expr(make(ElementKind::kFalse, Boolean{})); }

Expr cast(const Expr& expr, SqlType type) {
  if (type.kind() == TypeKind::kNull)
    throw ArgumentError("wanted a type to cast() to, found the untyped (NullType) type");
  auto e = make(ElementKind::kCast, std::move(type));
  e->children = {need(expr, "cast()")};
  return Expr(e);
}

Expr case_(std::vector<std::pair<Expr, Expr>> whens, std::optional<Expr> else_) {
  if (whens.empty())
    throw ArgumentError("wanted at least one (condition, result) in case_(), found none");
  // The CASE takes the first typed result's type; untyped values among the results take it too.
  SqlType type;
  for (const auto& [when, then] : whens)
    if (type.kind() == TypeKind::kNull) type = need(then, "a case_() result")->type;
  if (type.kind() == TypeKind::kNull && else_) type = need(*else_, "case_()'s else")->type;
  auto typed = make(ElementKind::kNull, type);
  auto e = make(ElementKind::kCase, type);
  for (const auto& [when, then] : whens) {
    e->children.push_back(need(when, "a case_() condition"));
    e->children.push_back(coerce(need(then, "a case_() result"), *typed));
  }
  if (else_) {
    e->children.push_back(coerce(need(*else_, "case_()'s else"), *typed));
    e->flags |= kCaseElse;
  }
  return Expr(e);
}

Expr distinct(const Expr& expr) {
  const ElementPtr& n = need(expr, "distinct()");
  auto e = make(ElementKind::kUnary, n->type);
  e->text = "DISTINCT";
  e->flags = kDistinct;
  e->children = {n};
  return Expr(e);
}

Expr asc(const Expr& expr) { return expr.asc(); }
Expr desc(const Expr& expr) { return expr.desc(); }

}  // namespace crucible::sql
