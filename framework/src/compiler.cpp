// SQLCompiler's expression half (sql/compiler.hpp): bind placeholders in every paramstyle of
// PEP 249, one visit per ElementKind, operator precedence, and literal rendering for display.
// FROM and SELECT are in compiler_select.cpp, INSERT/UPDATE/DELETE in compiler_dml.cpp.
//
// Parentheses follow SQLAlchemy's operator precedence (sqlalchemy/sql/operators.py
// _PRECEDENCE): an operand is grouped when its operator binds no tighter than the one it is
// an operand of, except for the same associative operator (a + b + c, a AND b AND c).
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "compiler_state.hpp"
#include "crucible/dialect.hpp"
#include "crucible/errors.hpp"
#include "crucible/sql/compiler.hpp"

namespace crucible::sql {

namespace {

constexpr int kHighest = 100;  // atoms: columns, binds, functions, parenthesized things

bool has_text(std::string_view op, std::initializer_list<std::string_view> ops) {
  return std::find(ops.begin(), ops.end(), op) != ops.end();
}

bool empty_in(const Element& e) {
  return e.kind == ElementKind::kBinary && (e.text == "IN" || e.text == "NOT IN") &&
         e.children.size() == 2 && e.children[1]->kind == ElementKind::kTuple &&
         e.children[1]->children.empty();
}

int binary_precedence(std::string_view op) {
  if (has_text(op, {"*", "/", "%"})) return 8;
  if (has_text(op, {"+", "-"})) return 7;
  if (has_text(op, {"||", "=", "!=", "<>", "<", "<=", ">", ">=", "LIKE", "NOT LIKE", "ILIKE",
                    "NOT ILIKE", "IN", "NOT IN", "IS", "IS NOT", "IS DISTINCT FROM",
                    "IS NOT DISTINCT FROM"}))
    return 5;
  return 0;  // an operator this table does not know is always grouped
}

// How tightly e binds as an operand.
int precedence(const Element& e) {
  switch (e.kind) {
  case ElementKind::kBinary:
    // "x IN (NULL) AND (1 != 1)" groups like an AND that binds tighter than other ANDs (it
    // need not be grouped inside one) but looser than NOT; "… OR (1 = 1)" like an OR.
    if (empty_in(e)) return e.text == "IN" ? 4 : 2;
    return binary_precedence(e.text);
  case ElementKind::kUnary:
    if ((e.flags & kPostfix) != 0) return 5;
    return e.text == "-" ? 8 : 5;
  case ElementKind::kClauseList:
    if ((e.flags & kAnd) == 0) return -1;
    return e.text == " AND " ? 3 : 2;
  case ElementKind::kBetween:
  case ElementKind::kInSelect: return 5;
  case ElementKind::kOrderBy: return 3;
  case ElementKind::kLabel: return e.children.empty() ? kHighest : precedence(*e.children[0]);
  default: return kHighest;
  }
}

bool associative(const Element& e) {
  if (e.kind == ElementKind::kBinary) return has_text(e.text, {"+", "*", "||"}) && !empty_in(e);
  return e.kind == ElementKind::kClauseList && (e.flags & kAnd) != 0;
}

// Bind names are written into the SQL for the named style: keep them to [A-Za-z0-9_].
std::string bind_base(std::string_view text) {
  if (text.empty()) return "param";
  std::string out(text);
  for (char& c : out)
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
  return out;
}

}  // namespace

SQLCompiler::SQLCompiler(const Dialect& dialect, ParamStyle style, CompileOptions options)
    : dialect_(dialect), style_(style), options_(options), state_(std::make_unique<State>()) {}

SQLCompiler::~SQLCompiler() = default;

// ---- helpers --------------------------------------------------------------------------------

std::string SQLCompiler::quote(std::string_view name) const {
  return dialect_.identifier_preparer().quote(name);
}

void SQLCompiler::emit_bind(const Element& bind) {
  if (!compiled_) throw ArgumentError("emit_bind() called outside of a compile_*() call");
  BindSlot slot;
  slot.type = bind.type;
  State& st = *state_;
  if ((bind.flags & kFromParams) != 0) {
    slot.name = bind.text;
    st.used_bind_names.insert(slot.name);
  } else {
    auto index = bind_index_.find(&bind);
    if (index == bind_index_.end())
      throw ArgumentError("a bound value (" + bind.value.to_string() +
                          ") was not gathered into the statement's cache key; wanted every bind "
                          "of the statement in CacheKey::bind_nodes");
    slot.value_index = index->second;
    auto named = st.bind_names.find(&bind);
    if (named != st.bind_names.end()) {
      slot.name = named->second;
    } else {
      const std::string base = bind_base(bind.text);
      do slot.name = base + "_" + std::to_string(++st.bind_counters[base]);
      while (st.used_bind_names.count(slot.name) != 0);
      st.used_bind_names.insert(slot.name);
      st.bind_names.emplace(&bind, slot.name);
    }
  }
  // One slot per placeholder for the positional styles, one per name for the others.
  const auto add_slot = [this](BindSlot s) {
    compiled_->bind_names.push_back(s.name);
    compiled_->binds.push_back(std::move(s));
    return compiled_->binds.size();
  };
  const std::size_t begin = out_.size();
  switch (style_) {
  case ParamStyle::kQmark:
    st.placeholders.push_back({begin, begin + 1, add_slot(std::move(slot)) - 1});
    out_ += '?';
    return;
  case ParamStyle::kFormat:
    st.placeholders.push_back({begin, begin + 2, add_slot(std::move(slot)) - 1});
    out_ += "%s";
    return;
  case ParamStyle::kNamed:
  case ParamStyle::kNumeric:
  case ParamStyle::kNumericDollar: break;
  }
  std::size_t number = 0;
  if (auto it = st.slot_of_name.find(slot.name); it != st.slot_of_name.end()) {
    number = it->second;
  } else {
    const std::string name = slot.name;
    number = add_slot(std::move(slot));
    st.slot_of_name.emplace(name, number);
  }
  if (style_ == ParamStyle::kNamed)
    out_ += ":" + compiled_->bind_names[number - 1];
  else
    out_ += (style_ == ParamStyle::kNumeric ? ":" : "$") + std::to_string(number);
  st.placeholders.push_back({begin, out_.size(), number - 1});
}

// ---- dispatch -------------------------------------------------------------------------------

void SQLCompiler::visit(const Element& e) {
  state_->in_column = std::exchange(state_->next_is_column, false);
  state_->in_order_term = std::exchange(state_->next_is_order_term, false);
  switch (e.kind) {
  case ElementKind::kColumn: return visit_column(e);
  case ElementKind::kBind: return visit_bind(e);
  case ElementKind::kLiteral: return visit_literal(e);
  case ElementKind::kNull: return visit_null(e);
  case ElementKind::kTrue: return visit_true(e);
  case ElementKind::kFalse: return visit_false(e);
  case ElementKind::kBinary: return visit_binary(e);
  case ElementKind::kUnary: return visit_unary(e);
  case ElementKind::kClauseList: return visit_clause_list(e);
  case ElementKind::kGrouping: return visit_grouping(e);
  case ElementKind::kFunction: return visit_function(e);
  case ElementKind::kCast: return visit_cast(e);
  case ElementKind::kCase: return visit_case(e);
  case ElementKind::kLabel: return visit_label(e);
  case ElementKind::kOver: return visit_over(e);
  case ElementKind::kOrderBy: return visit_order_by(e);
  case ElementKind::kBetween: return visit_between(e);
  case ElementKind::kScalarSelect: return visit_scalar_select(e);
  case ElementKind::kExists: return visit_exists(e);
  case ElementKind::kInSelect: return visit_in_select(e);
  case ElementKind::kTuple: return visit_tuple(e);
  case ElementKind::kText: return visit_text(e);
  case ElementKind::kStar: return visit_star(e);
  case ElementKind::kExcluded: return visit_excluded(e);
  case ElementKind::kNextValue: return visit_next_value(e);
  }
  throw ArgumentError("wanted an expression element, found an unknown element kind " +
                      std::to_string(static_cast<int>(e.kind)));
}

namespace {

// Whether child needs parentheses as an operand of parent, whose precedence is against.
bool needs_group(const Element& child, const Element& parent, int against) {
  if (associative(child) && child.kind == parent.kind && child.text == parent.text) return false;
  return precedence(child) <= against;
}

}  // namespace

// ---- atoms ----------------------------------------------------------------------------------

void SQLCompiler::visit_column(const Element& e) {
  if (e.from && !state_->compound_order) {
    out_ += from_name(*e.from);
    out_ += '.';
  }
  out_ += quote(e.text);
}

void SQLCompiler::visit_bind(const Element& e) {
  if (options_.literal_binds && (e.flags & kFromParams) == 0)
    render_literal_value(e.value, e.type);
  else
    emit_bind(e);
}

void SQLCompiler::visit_literal(const Element& e) {
  if (options_.literal_binds)
    render_literal_value(e.value, e.type);
  else
    emit_bind(e);
}

void SQLCompiler::visit_null(const Element& /*e*/) { out_ += "NULL"; }

// TRUE/FALSE where the database has booleans, else 1/0 (SQLAlchemy's visit_true/visit_false).
void SQLCompiler::visit_true(const Element& /*e*/) {
  out_ += dialect_.features().supports_native_boolean ? "TRUE" : "1";
}
void SQLCompiler::visit_false(const Element& /*e*/) {
  out_ += dialect_.features().supports_native_boolean ? "FALSE" : "0";
}

void SQLCompiler::visit_text(const Element& e) { out_ += e.text; }

void SQLCompiler::visit_star(const Element& e) {
  if (e.from && e.from->kind != FromKind::kJoin) out_ += from_name(*e.from) + ".";
  out_ += '*';
}

// ---- operators ------------------------------------------------------------------------------

void SQLCompiler::visit_binary(const Element& e) {
  const std::string& op = e.text;
  if (op == "ILIKE" || op == "NOT ILIKE") return visit_ilike(e, op == "NOT ILIKE");
  if (op == "IS DISTINCT FROM" || op == "IS NOT DISTINCT FROM")
    return visit_is_distinct_from(e, op == "IS NOT DISTINCT FROM");
  binary_operator(e, op);
}

void SQLCompiler::binary_operator(const Element& e, std::string_view op) {
  const int against = binary_precedence(op);
  const auto operand = [&](const Element& child) {
    const bool group = needs_group(child, e, against);
    if (group) out_ += '(';
    visit(child);
    if (group) out_ += ')';
  };
  if (empty_in(e)) {
    // SQLAlchemy's empty IN: false for IN, true for NOT IN, whatever the left side holds.
    operand(*e.children[0]);
    out_ += op == "IN" ? " IN (NULL) AND (1 != 1)" : " NOT IN (NULL) OR (1 = 1)";
    return;
  }
  operand(*e.children[0]);
  out_ += ' ';
  out_ += (op == "%" && style_ == ParamStyle::kFormat) ? std::string_view("%%") : op;
  out_ += ' ';
  operand(*e.children[1]);
}

void SQLCompiler::visit_ilike(const Element& e, bool negate) {
  out_ += "lower(";
  visit(*e.children[0]);
  out_ += negate ? ") NOT LIKE lower(" : ") LIKE lower(";
  visit(*e.children[1]);
  out_ += ')';
}

void SQLCompiler::visit_is_distinct_from(const Element& e, bool negate) {
  binary_operator(e, negate ? "IS NOT DISTINCT FROM" : "IS DISTINCT FROM");
}

void SQLCompiler::visit_unary(const Element& e) {
  const Element& child = *e.children.at(0);
  const int against = precedence(e);
  const bool group = precedence(child) <= against;
  const bool postfix = (e.flags & kPostfix) != 0;
  if (!postfix) out_ += e.text == "-" ? "-" : e.text + " ";
  if (group) out_ += '(';
  visit(child);
  if (group) out_ += ')';
  if (postfix) out_ += " " + e.text;
}

void SQLCompiler::visit_clause_list(const Element& e) {
  const bool conjunction = (e.flags & kAnd) != 0;
  const int against = precedence(e);
  bool first = true;
  for (const ElementPtr& child : e.children) {
    if (!first) out_ += e.text;
    first = false;
    const bool group = conjunction && needs_group(*child, e, against);
    if (group) out_ += '(';
    visit(*child);
    if (group) out_ += ')';
  }
}

void SQLCompiler::visit_grouping(const Element& e) {
  out_ += '(';
  visit(*e.children.at(0));
  out_ += ')';
}

void SQLCompiler::visit_between(const Element& e) {
  const auto operand = [&](const Element& child) {
    const bool group = precedence(child) <= 5;
    if (group) out_ += '(';
    visit(child);
    if (group) out_ += ')';
  };
  operand(*e.children.at(0));
  out_ += (e.flags & kNegate) != 0 ? " NOT BETWEEN " : " BETWEEN ";
  operand(*e.children.at(1));
  out_ += " AND ";
  operand(*e.children.at(2));
}

void SQLCompiler::visit_tuple(const Element& e) {
  out_ += '(';
  for (std::size_t i = 0; i < e.children.size(); ++i) {
    if (i != 0) out_ += ", ";
    visit(*e.children[i]);
  }
  out_ += ')';
}

// ---- functions, CAST, CASE, labels, windows, ordering ---------------------------------------

std::string SQLCompiler::function_name(const Element& e) const {
  if (e.text == "now") return "CURRENT_TIMESTAMP";
  return e.text;
}

void SQLCompiler::visit_function(const Element& e) {
  const std::string name = function_name(e);
  // The niladic functions of SQL:2016 §6.32 are written without parentheses.
  static constexpr std::array<std::string_view, 8> kNiladic = {
      "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "LOCALTIME",
      "LOCALTIMESTAMP",    "CURRENT_USER", "SESSION_USER", "SYSTEM_USER"};
  if (e.children.empty() && std::find(kNiladic.begin(), kNiladic.end(), name) != kNiladic.end()) {
    out_ += name;
    return;
  }
  out_ += name;
  out_ += '(';
  if ((e.flags & kDistinct) != 0) out_ += "DISTINCT ";
  for (std::size_t i = 0; i < e.children.size(); ++i) {
    if (i != 0) out_ += ", ";
    visit(*e.children[i]);
  }
  out_ += ')';
}

void SQLCompiler::visit_cast(const Element& e) {
  out_ += "CAST(";
  visit(*e.children.at(0));
  out_ += " AS ";
  out_ += dialect_.type_compiler().process(e.type);
  out_ += ')';
}

void SQLCompiler::visit_case(const Element& e) {
  out_ += "CASE ";
  std::size_t i = 0;
  if ((e.flags & kCaseValue) != 0) {
    visit(*e.children.at(i++));
    out_ += ' ';
  }
  const std::size_t end = e.children.size() - ((e.flags & kCaseElse) != 0 ? 1 : 0);
  for (; i + 2 <= end; i += 2) {
    out_ += "WHEN ";
    visit(*e.children[i]);
    out_ += " THEN ";
    visit(*e.children.at(i + 1));
    out_ += ' ';
  }
  if ((e.flags & kCaseElse) != 0) {
    out_ += "ELSE ";
    visit(*e.children.back());
    out_ += ' ';
  }
  out_ += "END";
}

// A label is "expr AS name" in the columns clause, its name as an ORDER BY / GROUP BY term
// when the SELECT has that label among its columns, and the bare expression anywhere else.
void SQLCompiler::visit_label(const Element& e) {
  const State& st = *state_;
  if (st.in_column) {
    visit(*e.children.at(0));
    out_ += " AS ";
    out_ += quote(e.text);
    return;
  }
  if (st.in_order_term && st.current) {
    const SelectNode* s = st.current;
    while (!s->compound.empty() && !s->parts.empty()) s = s->parts.front().get();
    const bool selected =
        std::any_of(s->columns.begin(), s->columns.end(), [&](const ElementPtr& c) {
          return c->kind == ElementKind::kLabel && c->text == e.text;
        });
    if (selected) {
      out_ += quote(e.text);
      return;
    }
  }
  visit(*e.children.at(0));
}

void SQLCompiler::visit_over(const Element& e) {
  visit(*e.children.at(0));
  out_ += " OVER (";
  const ElementPtr& partition = e.children.size() > 1 ? e.children[1] : nullptr;
  const ElementPtr& order = e.children.size() > 2 ? e.children[2] : nullptr;
  if (partition) {
    out_ += "PARTITION BY ";
    visit(*partition);
  }
  if (order) {
    if (partition) out_ += ' ';
    out_ += "ORDER BY ";
    visit(*order);
  }
  out_ += ')';
}

void SQLCompiler::visit_order_by(const Element& e) {
  state_->next_is_order_term = state_->in_order_term;
  visit(*e.children.at(0));
  out_ += (e.flags & kDesc) != 0 ? " DESC" : " ASC";
  if ((e.flags & kNullsFirst) != 0) out_ += " NULLS FIRST";
  if ((e.flags & kNullsLast) != 0) out_ += " NULLS LAST";
}

// ---- subqueries as values -------------------------------------------------------------------

void SQLCompiler::visit_scalar_select(const Element& e) {
  out_ += '(';
  visit_select(*e.select, true);
  out_ += ')';
}

void SQLCompiler::visit_exists(const Element& e) {
  out_ += (e.flags & kNegate) != 0 ? "NOT EXISTS (" : "EXISTS (";
  visit_select(*e.select, true);
  out_ += ')';
}

void SQLCompiler::visit_in_select(const Element& e) {
  const Element& left = *e.children.at(0);
  const bool group = precedence(left) <= 5;
  if (group) out_ += '(';
  visit(left);
  if (group) out_ += ')';
  out_ += (e.flags & kNegate) != 0 ? " NOT IN (" : " IN (";
  visit_select(*e.select, true);
  out_ += ')';
}

// ---- literals for display -------------------------------------------------------------------

void SQLCompiler::render_literal_value(const Value& value, const SqlType& type) {
  // The value as the database stores it (Boolean 0/1, Uuid hex… where the dialect says so).
  const Value v = type.kind() == TypeKind::kNull ? value : dialect_.process_bind(type, value);
  switch (v.kind()) {
  case ValueKind::kNull: out_ += "NULL"; return;
  case ValueKind::kBool:
    if (dialect_.features().supports_native_boolean)
      out_ += v.as<bool>() ? "TRUE" : "FALSE";
    else
      out_ += v.as<bool>() ? "1" : "0";
    return;
  case ValueKind::kInt: out_ += std::to_string(v.as<std::int64_t>()); return;
  case ValueKind::kDouble: {
    const double d = v.as<double>();
    if (!std::isfinite(d))
      throw ArgumentError("wanted a finite number to render as a SQL literal, found " +
                          v.to_string());
    std::array<char, 64> buffer{};
    const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), d);
    std::string text(buffer.data(), ec == std::errc{} ? end : buffer.data());
    if (text.find_first_of(".e") == std::string::npos) text += ".0";
    out_ += text;
    return;
  }
  case ValueKind::kDecimal: out_ += v.as<Decimal>().text; return;
  case ValueKind::kBytes: {
    static constexpr char kHex[] = "0123456789abcdef";
    out_ += "X'";
    for (std::byte b : v.as<Bytes>()) {
      out_ += kHex[static_cast<unsigned>(b) >> 4];
      out_ += kHex[static_cast<unsigned>(b) & 0xF];
    }
    out_ += '\'';
    return;
  }
  case ValueKind::kString: out_ += string_literal(v.as<std::string>()); return;
  case ValueKind::kJson: out_ += string_literal(v.as<Json>().text); return;
  case ValueKind::kDate:
  case ValueKind::kTime:
  case ValueKind::kDateTime:
  case ValueKind::kUuid: out_ += string_literal(v.to_string()); return;
  }
}

}  // namespace crucible::sql
