#pragma once
// The SQL expression tree (SQLAlchemy's sqlalchemy.sql.elements): column expressions built with
// C++ operators, compiled later by a dialect's SQLCompiler.
//
//   users.c("name") == "Alice"                 -> users.name = ?      (the value is bound)
//   and_(t.c("a") > 1, or_(t.c("b").is_null(), t.c("c").like("x%")))
//   func::count(t.c("id")).label("n")
//
// Nodes are immutable and shared (std::shared_ptr<const Element>), so building a statement
// copies pointers, never subtrees. Values always become bound parameters; literal() marks a
// value to be rendered inline only when a statement is compiled for display.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "crucible/types.hpp"
#include "crucible/value.hpp"

namespace crucible::sql {

struct Element;
struct FromNode;
struct SelectNode;
using ElementPtr = std::shared_ptr<const Element>;
using FromPtr = std::shared_ptr<const FromNode>;
using SelectPtr = std::shared_ptr<const SelectNode>;

/// What an Element is. The compiler has one visit per kind.
enum class ElementKind : std::uint8_t {
  kColumn,   ///< a column of `from` called `text`
  kBind,     ///< a bound parameter: `value`, or, when `text` is set and `flags & kFromParams`,
             ///< the execute() parameter of that name
  kLiteral,  ///< literal(value): a bind, rendered inline with literal_binds
  kNull,     ///< NULL
  kTrue,     ///< TRUE (1 where there is no boolean literal)
  kFalse,    ///< FALSE
  kBinary,   ///< children[0] `text` children[1]; text is the SQL operator ("=", "LIKE", "||"…)
  kUnary,    ///< `text` children[0] (prefix: "NOT", "-") or children[0] `text` (flags & kPostfix)
  kClauseList,  ///< children joined by `text` (" AND ", " OR ", ", "); and_/or_ group themselves
  kGrouping,    ///< ( children[0] )
  kFunction,    ///< text(children…) with flags & kDistinct for count(DISTINCT x)
  kCast,        ///< CAST(children[0] AS type)
  kCase,        ///< CASE [children[0] if flags & kCaseValue] WHEN c THEN r … [ELSE last] END
  kLabel,       ///< children[0] AS text
  kOver,     ///< children[0] OVER (PARTITION BY children[1] (a list) ORDER BY children[2] (a list))
  kOrderBy,  ///< children[0] ASC|DESC [NULLS FIRST|LAST] (flags)
  kBetween,  ///< children[0] [NOT] BETWEEN children[1] AND children[2]
  kScalarSelect,  ///< ( select ) used as a value
  kExists,        ///< [NOT] EXISTS ( select )
  kInSelect,      ///< children[0] [NOT] IN ( select )
  kTuple,         ///< ( children… ): an IN list
  kText,          ///< literal SQL text: literal_column("x"), text fragments
  kStar,          ///< * (from == null) or from.*
  kExcluded,   ///< in an upsert's SET: the proposed value of column `text` (excluded.x / VALUES(x))
  kNextValue,  ///< the next value of the sequence `text` in schema `value` (a string, or null)
};

/// Bits of Element::flags; their meaning depends on the kind.
enum ElementFlag : std::uint16_t {
  kDesc = 1 << 0,        ///< kOrderBy
  kNullsFirst = 1 << 1,  ///< kOrderBy
  kNullsLast = 1 << 2,   ///< kOrderBy
  kNegate = 1 << 3,      ///< kBetween, kExists, kInSelect: NOT
  kDistinct = 1 << 4,    ///< kFunction: name(DISTINCT …); kUnary "DISTINCT"
  kPostfix = 1 << 5,     ///< kUnary: operator after the operand
  kFromParams = 1 << 6,  ///< kBind: the value comes from execute()'s parameters by name
  kCaseValue = 1 << 7,   ///< kCase: CASE <value> WHEN …
  kCaseElse = 1 << 8,    ///< kCase: the last child is the ELSE
  kAnd = 1 << 9,         ///< kClauseList: an AND/OR conjunction (needs grouping inside another)
};

/// One node of the tree. Built only through the functions below; read by compilers.
struct Element {
  ElementKind kind{ElementKind::kNull};
  std::uint16_t flags{0};
  SqlType type;      ///< the SQL type of the expression's value (kNull when unknown)
  std::string text;  ///< operator, function name, label, column name or SQL text
  std::vector<ElementPtr> children;
  Value value;       ///< kBind, kLiteral
  FromPtr from;      ///< kColumn, kStar: the table, alias, subquery or CTE it belongs to
  SelectPtr select;  ///< kScalarSelect, kExists, kInSelect
};

/// A column expression: the handle programs hold and combine with operators (SQLAlchemy's
/// ColumnElement). Cheap to copy.
class Expr {
 public:
  Expr() = default;
  explicit Expr(ElementPtr node) noexcept : node_(std::move(node)) {}
  /// A value: becomes a bound parameter of unknown type (typed by what it is compared with).
  Expr(Value value);  // NOLINT(google-explicit-constructor): values read naturally in expressions
  Expr(const char* value) : Expr(Value(value)) {}
  Expr(std::string value) : Expr(Value(std::move(value))) {}
  Expr(int value) : Expr(Value(value)) {}
  Expr(std::int64_t value) : Expr(Value(value)) {}
  Expr(double value) : Expr(Value(value)) {}
  Expr(bool value) : Expr(Value(value)) {}
  /// The other values a Value is made from (long long, unsigned, float, std::string_view,
  /// Date, Time, DateTime, Decimal, Uuid, Json, Bytes, nullptr): bound like the above;
  /// nullptr is NULL, so `c == nullptr` is IS NULL. (std::optional is left out so that
  /// `!an_optional` keeps its meaning: write Value(opt).)
  template <class T>
  requires(std::is_arithmetic_v<T> || std::is_same_v<T, std::nullptr_t> ||
           std::is_same_v<T, std::string_view> || std::is_same_v<T, Date> ||
           std::is_same_v<T, Time> || std::is_same_v<T, DateTime> || std::is_same_v<T, Decimal> ||
           std::is_same_v<T, Uuid> || std::is_same_v<T, Json> || std::is_same_v<T, Bytes>)
      Expr(const T& value)
      : Expr(Value(value)) {}  // NOLINT(google-explicit-constructor)

  const ElementPtr& node() const noexcept { return node_; }
  const SqlType& type() const noexcept;

  /// name AS label.
  Expr label(std::string name) const;
  /// [NOT] IN (values…) / IN (subquery): see in_ in selectable.hpp for the subquery form.
  Expr in_(std::vector<Value> values) const;
  Expr not_in(std::vector<Value> values) const;
  Expr like(Expr pattern) const;
  Expr not_like(Expr pattern) const;
  /// Case-insensitive LIKE: ILIKE where the dialect has it, lower(x) LIKE lower(y) elsewhere.
  Expr ilike(Expr pattern) const;
  Expr between(Expr low, Expr high) const;
  Expr is_null() const;
  Expr is_not_null() const;
  /// IS [NOT] DISTINCT FROM (SQL:2016 §8.15): NULL-safe comparison.
  Expr is_distinct_from(Expr other) const;
  Expr is_not_distinct_from(Expr other) const;
  /// String concatenation (SQL ||; CONCAT on databases without ||).
  Expr concat(Expr other) const;
  /// ORDER BY modifiers.
  Expr asc() const;
  Expr desc() const;
  Expr nulls_first() const;
  Expr nulls_last() const;
  /// A window: this OVER (PARTITION BY … ORDER BY …).
  Expr over(std::vector<Expr> partition_by = {}, std::vector<Expr> order_by = {}) const;

 private:
  ElementPtr node_;
};

// Comparison and arithmetic. The right side may be any Value; it is bound with the left side's
// type (so a Uuid column binds its comparand as a Uuid). `== nullptr` renders IS NULL.
Expr operator==(const Expr& a, const Expr& b);
Expr operator!=(const Expr& a, const Expr& b);
Expr operator<(const Expr& a, const Expr& b);
Expr operator<=(const Expr& a, const Expr& b);
Expr operator>(const Expr& a, const Expr& b);
Expr operator>=(const Expr& a, const Expr& b);
Expr operator+(const Expr& a, const Expr& b);
Expr operator-(const Expr& a, const Expr& b);
Expr operator*(const Expr& a, const Expr& b);
Expr operator/(const Expr& a, const Expr& b);
Expr operator%(const Expr& a, const Expr& b);
Expr operator-(const Expr& a);
/// Logical operators: the same as and_, or_, not_.
Expr operator&&(const Expr& a, const Expr& b);
Expr operator||(const Expr& a, const Expr& b);
Expr operator!(const Expr& a);

/// AND / OR of any number of clauses (SQLAlchemy's and_, or_); an empty list is TRUE / FALSE.
Expr and_(std::vector<Expr> clauses);
Expr or_(std::vector<Expr> clauses);
template <class... E>
Expr and_(const Expr& first, const E&... rest) {
  return and_(std::vector<Expr>{first, Expr(rest)...});
}
template <class... E>
Expr or_(const Expr& first, const E&... rest) {
  return or_(std::vector<Expr>{first, Expr(rest)...});
}
Expr not_(const Expr& clause);

/// A bound value with an explicit type.
Expr bindparam_value(Value value, SqlType type);
/// A named parameter whose value execute() supplies: bindparam("name") (SQLAlchemy's bindparam).
Expr bindparam(std::string name, SqlType type = {});
/// A value rendered as a bind when executed and inline with compile(…, {.literal_binds = true}).
Expr literal(Value value, SqlType type = {});
/// A column name or SQL fragment written as is (SQLAlchemy's literal_column); never pass user
/// input here.
Expr literal_column(std::string text, SqlType type = {});
Expr null();
Expr true_();
Expr false_();
/// CAST(expr AS type) (SQL:2016 §6.13).
Expr cast(const Expr& expr, SqlType type);
/// CASE WHEN cond THEN result … ELSE else_ END (SQL:2016 §6.12).
Expr case_(std::vector<std::pair<Expr, Expr>> whens, std::optional<Expr> else_ = std::nullopt);
/// DISTINCT expr, as in count(distinct(x)).
Expr distinct(const Expr& expr);
Expr asc(const Expr& expr);
Expr desc(const Expr& expr);

}  // namespace crucible::sql

namespace crucible {
using sql::and_;
using sql::asc;
using sql::bindparam;
using sql::case_;
using sql::cast;
using sql::desc;
using sql::distinct;
using sql::Expr;
using sql::false_;
using sql::literal;
using sql::literal_column;
using sql::not_;
using sql::null;
using sql::or_;
using sql::true_;
}  // namespace crucible
