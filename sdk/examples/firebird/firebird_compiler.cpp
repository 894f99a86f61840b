// Firebird 3's statement compiler (firebird_compiler.hpp).
#include "firebird_compiler.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/errors.hpp"
#include "fbclient_errors.hpp"
#include "firebird_dialect.hpp"
#include "firebird_sql_text.hpp"

namespace crucible::firebird {

namespace {

using sql::Element;
using sql::ElementKind;

bool is_integer(const SqlType& t) {
  return t.kind() == TypeKind::kInteger || t.kind() == TypeKind::kSmallInteger ||
         t.kind() == TypeKind::kBigInteger;
}

// The scale of a decimal literal's text ([+-]digits[.digits][e[+-]digits]) as NUMERIC(18, s)
// keeps it whole. Throws NotSupportedError when it needs more than Firebird 3's 18 digits
// (Language Reference 3.3 "Fixed-Point Data Types").
int decimal_scale(const Decimal& d) {
  const std::string& t = d.text;
  std::size_t i = (!t.empty() && (t[0] == '+' || t[0] == '-')) ? 1 : 0;
  int whole = 0;
  bool leading = true;
  for (; i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])); ++i) {
    if (leading && t[i] == '0') continue;
    leading = false;
    ++whole;
  }
  const std::size_t e = t.find_first_of("eE", i);
  const int exponent = e == std::string::npos ? 0 : std::stoi(t.substr(e + 1));
  const int scale = d.scale();  // the scale the engine's compiled cache keys on, so they agree
  const int integer_digits = std::max(0, whole + exponent);
  if (scale + integer_digits > 18)
    throw NotSupportedError(error_info("the decimal " + t + " needs " +
                                       std::to_string(scale + integer_digits) +
                                       " digits; Firebird 3's NUMERIC holds at most 18 (bind it "
                                       "as a double or a string instead)"));
  return scale;
}

// The generic type a value of unknown type is cast to in a select list.
SqlType type_of_value(const Value& v) {
  switch (v.kind()) {
  case ValueKind::kBool: return Boolean{};
  case ValueKind::kInt: return BigInteger{};
  case ValueKind::kDouble: return Double{};
  case ValueKind::kDecimal: return Numeric{18, decimal_scale(std::get<Decimal>(v.storage()))};
  case ValueKind::kDate: return types::Date{};
  case ValueKind::kTime: return types::Time{};
  case ValueKind::kDateTime: return types::DateTime{};
  case ValueKind::kBytes: return LargeBinary{};
  default: return String{8191};
  }
}

}  // namespace

bool is_bare_bind(const sql::Element& e) {
  return e.kind == ElementKind::kBind || e.kind == ElementKind::kLiteral;
}

FirebirdCompiler::FirebirdCompiler(const FirebirdDialect& dialect, ParamStyle style,
                                   sql::CompileOptions options)
    : SQLCompiler(dialect, style, options) {}

// ---- binds and their types ---------------------------------------------------------------------

std::string FirebirdCompiler::bind_type_name(const Element& e) const {
  std::string type;
  // An arithmetic operand with a value is cast to its value's own kind: the base gives it the
  // other operand's type, which would round 0.5 to an INTEGER 1 or 1.075 to NUMERIC(10,2)'s
  // 1.08, and overflow an INTEGER with a value above 2^31.
  const bool own_kind = arithmetic_ && e.value.kind() != ValueKind::kNull;
  if (!own_kind && wide_strings_ &&
      (e.type.kind() == TypeKind::kString || e.type.kind() == TypeKind::kEnum ||
       e.type.kind() == TypeKind::kNull)) {
    type = "VARCHAR(8191)";  // a || operand: as long as a UTF8 VARCHAR gets, not the column's n
  } else if (!own_kind && e.type.kind() != TypeKind::kNull && e.type.kind() != TypeKind::kEnum &&
             !(e.type.kind() == TypeKind::kDateTime && e.type.timezone())) {
    type = dialect_.type_compiler().process(e.type);
  } else {
    switch (e.value.kind()) {
    case ValueKind::kBool: type = "BOOLEAN"; break;
    case ValueKind::kInt: type = "BIGINT"; break;
    case ValueKind::kDouble: type = "DOUBLE PRECISION"; break;
    case ValueKind::kDecimal:
      type = "NUMERIC(18, " + std::to_string(decimal_scale(std::get<Decimal>(e.value.storage()))) +
             ")";
      break;
    case ValueKind::kDate: type = "DATE"; break;
    case ValueKind::kTime: type = "TIME"; break;
    case ValueKind::kDateTime: type = "TIMESTAMP"; break;
    case ValueKind::kBytes: type = "BLOB SUB_TYPE BINARY"; break;
    case ValueKind::kUuid: type = "CHAR(32)"; break;
    default: type = "VARCHAR(8191)"; break;  // text, JSON, or a value given at execute()
    }
  }
  return type;
}

void FirebirdCompiler::cast_bind(const Element& e) {
  const std::string type = bind_type_name(e);
  out_ += "CAST(";
  if (e.kind == ElementKind::kLiteral)
    SQLCompiler::visit_literal(e);
  else
    SQLCompiler::visit_bind(e);
  out_ += " AS " + type + ")";
}

void FirebirdCompiler::visit_bind(const Element& e) {
  if (cast_binds_ && !options_.literal_binds)
    cast_bind(e);
  else
    SQLCompiler::visit_bind(e);
}

void FirebirdCompiler::visit_literal(const Element& e) {
  if (cast_binds_ && !options_.literal_binds)
    cast_bind(e);
  else
    SQLCompiler::visit_literal(e);
}

void FirebirdCompiler::visit_typed(const Element& e) {
  if (is_bare_bind(e) && !options_.literal_binds)
    cast_bind(e);
  else
    visit(e);
}

void FirebirdCompiler::visit_label(const Element& e) {
  if (e.children.empty() || !is_bare_bind(*e.children[0])) return SQLCompiler::visit_label(e);
  visit_typed(*e.children[0]);
  out_ += " AS " + quote(e.text);
}

void FirebirdCompiler::visit_case(const Element& e) {
  // CASE [value] WHEN c THEN r … [ELSE last] END, with bare binds among the results cast.
  std::size_t i = 0;
  const std::size_t n = e.children.size();
  const bool has_else = (e.flags & sql::kCaseElse) != 0;
  out_ += "CASE";
  if ((e.flags & sql::kCaseValue) != 0 && n > 0) {
    out_ += ' ';
    visit(*e.children[i++]);
  }
  const std::size_t pairs_end = has_else ? n - 1 : n;
  for (; i + 2 <= pairs_end; i += 2) {
    out_ += " WHEN ";
    visit(*e.children[i]);
    out_ += " THEN ";
    visit_typed(*e.children[i + 1]);
  }
  if (has_else) {
    out_ += " ELSE ";
    visit_typed(*e.children[n - 1]);
  }
  out_ += " END";
}

// ---- operators and functions -------------------------------------------------------------------

void FirebirdCompiler::visit_binary(const Element& e) {
  if (e.text == "%") {
    out_ += "MOD(";
    visit_typed(*e.children[0]);
    out_ += ", ";
    visit_typed(*e.children[1]);
    out_ += ')';
    return;
  }
  // Firebird types a parameter by its context, and an arithmetic or || operand has none it can
  // use ("Data type unknown", "Invalid data type for multiplication"): such binds are cast.
  const bool arithmetic = e.text == "+" || e.text == "-" || e.text == "*" || e.text == "/";
  const bool concat = e.text == "||";
  if (!arithmetic && !concat) return SQLCompiler::visit_binary(e);
  const bool saved = cast_binds_;
  const bool saved_wide = wide_strings_;
  const bool saved_arithmetic = arithmetic_;
  cast_binds_ = true;
  wide_strings_ = concat;
  arithmetic_ = arithmetic;
  SQLCompiler::visit_binary(e);
  cast_binds_ = saved;
  wide_strings_ = saved_wide;
  arithmetic_ = saved_arithmetic;
}

std::string FirebirdCompiler::function_name(const Element& e) const {
  std::string lower = e.text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "length") return "char_length";
  return SQLCompiler::function_name(e);
}

void FirebirdCompiler::visit_function(const Element& e) {
  std::string lower = e.text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower != "avg" || e.children.size() != 1 || !is_integer(e.children[0]->type) ||
      (e.flags & sql::kDistinct) != 0)
    return SQLCompiler::visit_function(e);
  out_ += "avg(CAST(";
  visit(*e.children[0]);
  out_ += " AS DOUBLE PRECISION))";
}

// ---- SELECT ------------------------------------------------------------------------------------

// The 1-based position in the first member's select list of the column an ORDER BY item of a
// UNION names, or 0 when it names none there.
std::size_t FirebirdCompiler::compound_position(const sql::SelectNode& select,
                                                const Element& item) {
  const sql::SelectNode* first = &select;
  while (!first->compound.empty() && !first->parts.empty()) first = first->parts.front().get();
  const Element* target = &item;
  if (target->kind == ElementKind::kOrderBy && !target->children.empty())
    target = target->children[0].get();
  if (target->kind != ElementKind::kColumn && target->kind != ElementKind::kLabel) return 0;
  for (std::size_t i = 0; i < first->columns.size(); ++i) {
    const Element& c = *first->columns[i];
    if ((c.kind == ElementKind::kColumn || c.kind == ElementKind::kLabel) && c.text == target->text)
      return i + 1;
  }
  return 0;
}

void FirebirdCompiler::visit_select(const sql::SelectNode& select, bool nested) {
  const std::size_t begin = out_.size();
  if (!select.compound.empty() && !select.order_by.empty()) {
    // Firebird sorts a UNION only by position ("invalid ORDER BY clause" for a name;
    // Language Reference 6.1.8): ORDER BY 1 [DESC] [NULLS FIRST|LAST], then OFFSET/FETCH.
    std::vector<std::string> positions;
    for (const sql::ElementPtr& item : select.order_by) {
      const std::size_t at = compound_position(select, *item);
      if (at == 0) break;
      std::string text = std::to_string(at);
      if (item->kind == ElementKind::kOrderBy) {
        if ((item->flags & sql::kDesc) != 0) text += " DESC";
        if ((item->flags & sql::kNullsFirst) != 0) text += " NULLS FIRST";
        if ((item->flags & sql::kNullsLast) != 0) text += " NULLS LAST";
      }
      positions.push_back(std::move(text));
    }
    if (positions.size() == select.order_by.size()) {
      sql::SelectNode bare = select;
      bare.order_by.clear();
      bare.limit = nullptr;
      bare.offset = nullptr;
      SQLCompiler::visit_select(bare, nested);
      out_ += " ORDER BY ";
      for (std::size_t i = 0; i < positions.size(); ++i) out_ += (i ? ", " : "") + positions[i];
      limit_offset(select);
      return;
    }
  }
  if (select.compound.empty() &&
      std::any_of(select.columns.begin(), select.columns.end(),
                  [](const sql::ElementPtr& c) { return is_bare_bind(*c); })) {
    // SELECT ?: a bare parameter as a result column gets its type from a CAST.
    sql::SelectNode typed = select;
    for (sql::ElementPtr& c : typed.columns) {
      if (!is_bare_bind(*c)) continue;
      auto cast = std::make_shared<Element>();
      cast->kind = ElementKind::kCast;
      cast->type = c->type.kind() != TypeKind::kNull ? c->type : type_of_value(c->value);
      cast->children.push_back(c);
      c = std::move(cast);
    }
    return visit_select(typed, nested);
  }
  SQLCompiler::visit_select(select, nested);
  if (!select.compound.empty()) return;  // its members were each given their FROM
  const std::string_view text = std::string_view(out_).substr(begin);
  bool seen_select = false;
  bool has_from = false;
  std::size_t insert_at = std::string_view::npos;
  top_level_words(text, [&](const std::string& word, std::size_t at) {
    if (word == "SELECT") {
      seen_select = true;
    } else if (seen_select && word == "FROM") {
      has_from = true;
      return false;
    } else if (seen_select &&
               (word == "WHERE" || word == "GROUP" || word == "HAVING" || word == "ORDER" ||
                word == "OFFSET" || word == "FETCH" || word == "UNION" || word == "WINDOW")) {
      insert_at = at;
      return false;
    }
    return true;
  });
  if (has_from || !seen_select) return;
  if (insert_at == std::string_view::npos) {
    // After a -- comment the FROM goes on a line of its own, or it would be commented out.
    out_ += ends_in_line_comment(text) ? "\nFROM RDB$DATABASE" : " FROM RDB$DATABASE";
  } else {
    out_.insert(begin + insert_at, "FROM RDB$DATABASE ");
  }
}

void FirebirdCompiler::limit_offset(const sql::SelectNode& select) {
  if (select.offset) {
    out_ += "\n OFFSET ";
    visit(*select.offset);
    out_ += " ROWS";
  }
  if (select.limit) {
    out_ += "\n FETCH FIRST ";
    visit(*select.limit);
    out_ += " ROWS ONLY";
  }
}

}  // namespace crucible::firebird
