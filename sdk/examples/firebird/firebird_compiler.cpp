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

namespace crucible::firebird {

namespace {

using sql::Element;
using sql::ElementKind;

[[noreturn]] void not_supported(std::string message) {
  throw NotSupportedError(error_info(std::move(message)));
}

bool is_integer(const SqlType& t) {
  return t.kind() == TypeKind::kInteger || t.kind() == TypeKind::kSmallInteger ||
         t.kind() == TypeKind::kBigInteger;
}

bool is_bare_bind(const Element& e) {
  return e.kind == ElementKind::kBind || e.kind == ElementKind::kLiteral;
}

// The offset of the quote closing the '…' literal or "…" name that opens at open (a doubled
// quote inside is part of it), or text.size() when it is not closed.
std::size_t closing_quote(std::string_view text, std::size_t open) {
  const char q = text[open];
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] != q) continue;
    if (i + 1 < text.size() && text[i + 1] == q) {
      ++i;
      continue;
    }
    return i;
  }
  return text.size();
}

// The token scanner behind the FROM check: walks text at parenthesis depth 0, skipping '…'
// literals and "…" identifiers, and calls on_word(word_upper, offset) for each bare word.
template <class F>
void top_level_words(std::string_view text, F on_word) {
  int depth = 0;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\'' || c == '"') {
      i = closing_quote(text, i) + 1;
    } else if (c == '(') {
      ++depth;
      ++i;
    } else if (c == ')') {
      --depth;
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$') {
      const std::size_t start = i;
      while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) ||
                                 text[i] == '_' || text[i] == '$'))
        ++i;
      if (depth == 0) {
        std::string word(text.substr(start, i - start));
        std::transform(word.begin(), word.end(), word.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
        if (!on_word(word, start)) return;
      }
    } else {
      ++i;
    }
  }
}

// The offset of the ')' closing the '(' at open, skipping literals and quoted names.
std::size_t matching_paren(std::string_view text, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\'' || c == '"') {
      i = closing_quote(text, i);
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// Splits "a, b, (c, d)" at its top-level commas, each part trimmed.
std::vector<std::string> split_top_level(std::string_view text) {
  std::vector<std::string> parts;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\'' || c == '"') {
      i = closing_quote(text, i);
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == ',' && depth == 0) {
      parts.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.emplace_back(text.substr(start));
  for (std::string& p : parts) {
    const auto b = p.find_first_not_of(" \n");
    const auto e = p.find_last_not_of(" \n");
    p = b == std::string::npos ? std::string() : p.substr(b, e - b + 1);
  }
  return parts;
}

// A column name as the compiler wrote it, unquoted ("\"Display Name\"" → Display Name).
std::string unquote(const std::string& written) {
  if (written.size() < 2 || written.front() != '"') return written;
  std::string out;
  for (std::size_t i = 1; i + 1 < written.size(); ++i) {
    out += written[i];
    if (written[i] == '"') ++i;
  }
  return out;
}

// The generic type a value of unknown type is cast to in a select list.
SqlType type_of_value(const Value& v) {
  switch (v.kind()) {
  case ValueKind::kBool: return Boolean{};
  case ValueKind::kInt: return BigInteger{};
  case ValueKind::kDouble: return Double{};
  case ValueKind::kDecimal: return Numeric{18, 6};
  case ValueKind::kDate: return types::Date{};
  case ValueKind::kTime: return types::Time{};
  case ValueKind::kDateTime: return types::DateTime{};
  case ValueKind::kBytes: return LargeBinary{};
  default: return String{8191};
  }
}

}  // namespace

FirebirdCompiler::FirebirdCompiler(const FirebirdDialect& dialect, ParamStyle style,
                                   sql::CompileOptions options)
    : SQLCompiler(dialect, style, options) {}

// ---- binds and their types ---------------------------------------------------------------------

std::string FirebirdCompiler::bind_type_name(const Element& e) const {
  std::string type;
  if (wide_strings_ && (e.type.kind() == TypeKind::kString || e.type.kind() == TypeKind::kEnum ||
                        e.type.kind() == TypeKind::kNull)) {
    type = "VARCHAR(8191)";  // a || operand: as long as a UTF8 VARCHAR gets, not the column's n
  } else if (e.type.kind() != TypeKind::kNull && e.type.kind() != TypeKind::kEnum &&
             !(e.type.kind() == TypeKind::kDateTime && e.type.timezone())) {
    type = dialect_.type_compiler().process(e.type);
  } else {
    switch (e.value.kind()) {
    case ValueKind::kBool: type = "BOOLEAN"; break;
    case ValueKind::kInt: type = "BIGINT"; break;
    case ValueKind::kDouble: type = "DOUBLE PRECISION"; break;
    case ValueKind::kDecimal: type = "NUMERIC(18, 6)"; break;
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
  cast_binds_ = true;
  wide_strings_ = concat;
  SQLCompiler::visit_binary(e);
  cast_binds_ = saved;
  wide_strings_ = saved_wide;
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
    out_ += " FROM RDB$DATABASE";
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

// ---- INSERT and the upsert ---------------------------------------------------------------------

std::string FirebirdCompiler::table_text(const sql::InsertNode& insert) const {
  std::string out;
  if (insert.table->schema) out += quote(*insert.table->schema) + ".";
  return out + quote(insert.table->name);
}

void FirebirdCompiler::visit_insert(const sql::InsertNode& insert, const Params* params) {
  if (insert.rows.size() > 1 && !insert.from_select) {
    // values_rows(): INSERT INTO t (cols) SELECT … FROM RDB$DATABASE UNION ALL SELECT ….
    if (insert.upsert != sql::UpsertAction::kNone)
      not_supported("Firebird's MERGE takes one source row here: execute the upsert on '" +
                    insert.table->name + "' with one parameter set per row (executemany)");
    if (!insert.returning.empty()) return insert_rows_returning(insert);
    std::vector<std::string> columns = insert.columns;
    std::vector<sql::ElementPtr> defaults;
    for (const auto& [name, element] : insert.defaults) {
      if (element->kind == ElementKind::kNextValue) continue;
      if (std::find(columns.begin(), columns.end(), name) != columns.end()) continue;
      columns.push_back(name);
      defaults.push_back(element);
    }
    out_ += "INSERT INTO " + table_text(insert) + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) out_ += (i ? ", " : "") + quote(columns[i]);
    out_ += ')';
    cast_binds_ = true;
    for (std::size_t r = 0; r < insert.rows.size(); ++r) {
      out_ += r == 0 ? " SELECT " : " UNION ALL SELECT ";
      std::size_t i = 0;
      for (; i < insert.rows[r].size(); ++i) {
        if (i != 0) out_ += ", ";
        visit(*insert.rows[r][i]);
      }
      for (const sql::ElementPtr& d : defaults) {
        if (i++ != 0) out_ += ", ";
        visit(*d);
      }
      out_ += " FROM RDB$DATABASE";
    }
    cast_binds_ = false;
    return;
  }
  insert_begin_ = out_.size();
  // For an upsert the VALUES become the MERGE's source row, where Firebird needs their types.
  cast_binds_ = insert.upsert != sql::UpsertAction::kNone;
  SQLCompiler::visit_insert(insert, params);
  cast_binds_ = false;
}

// values_rows() with RETURNING: Firebird 3's INSERT … RETURNING gives one row, so the rows go
// through a selectable EXECUTE BLOCK (Language Reference 7.9) that inserts them one by one and
// SUSPENDs each returned row, in input order:
//   EXECUTE BLOCK (p1 t = ?, …) RETURNS (c t, …) AS BEGIN
//     INSERT INTO t (cols) VALUES (:p1, …) RETURNING … INTO :c, …; SUSPEND; … END
void FirebirdCompiler::insert_rows_returning(const sql::InsertNode& insert) {
  const auto has_binds = [](const Element& root) {
    std::vector<const Element*> stack{&root};
    while (!stack.empty()) {
      const Element* e = stack.back();
      stack.pop_back();
      if (is_bare_bind(*e) || e->select) return true;
      for (const auto& c : e->children) stack.push_back(c.get());
    }
    return false;
  };
  std::vector<std::string> outputs;
  std::vector<std::string> output_types;
  for (std::size_t i = 0; i < insert.returning.size(); ++i) {
    const Element& r = *insert.returning[i];
    if (has_binds(r) || r.type.kind() == TypeKind::kNull)
      not_supported("Firebird 3 returns the rows of values_rows() through EXECUTE BLOCK, whose "
                    "outputs need a known type and no parameters: RETURNING item " +
                    std::to_string(i + 1) + " on '" + insert.table->name +
                    "' has none or holds a value; execute with one parameter set per row instead");
    std::string name = (r.kind == ElementKind::kColumn || r.kind == ElementKind::kLabel)
                           ? r.text
                           : "r" + std::to_string(i + 1);
    if (std::find(outputs.begin(), outputs.end(), name) != outputs.end())
      name = "r" + std::to_string(i + 1);
    outputs.push_back(name);
    output_types.push_back(dialect_.type_compiler().process(r.type));
  }
  std::string body;
  int param = 0;
  out_ += "EXECUTE BLOCK (";
  for (const auto& row : insert.rows) {
    body += " INSERT INTO " + table_text(insert) + " (";
    for (std::size_t i = 0; i < insert.columns.size(); ++i)
      body += (i ? ", " : "") + quote(insert.columns[i]);
    body += ") VALUES (";
    for (std::size_t i = 0; i < row.size(); ++i) {
      const Element& v = *row[i];
      if (i != 0) body += ", ";
      if (v.kind == ElementKind::kNull) {
        body += "NULL";
        continue;
      }
      if (!is_bare_bind(v))
        not_supported("values_rows() with RETURNING on '" + insert.table->name +
                      "' takes plain values on Firebird (its rows run in an EXECUTE BLOCK)");
      const std::string p = "p" + std::to_string(++param);
      out_ += (param > 1 ? ", " : "") + p + " " + bind_type_name(v) + " = ";
      if (v.kind == ElementKind::kLiteral)
        SQLCompiler::visit_literal(v);
      else
        SQLCompiler::visit_bind(v);
      body += ":" + p;
    }
    body += ") RETURNING ";
    const std::size_t mark = out_.size();
    for (std::size_t i = 0; i < insert.returning.size(); ++i) {
      if (i != 0) out_ += ", ";
      visit(*insert.returning[i]);
    }
    body += out_.substr(mark);
    out_.resize(mark);
    body += " INTO ";
    for (std::size_t i = 0; i < outputs.size(); ++i) body += (i ? ", :" : ":") + quote(outputs[i]);
    body += "; SUSPEND;";
  }
  out_ += ") RETURNS (";
  for (std::size_t i = 0; i < outputs.size(); ++i)
    out_ += (i ? ", " : "") + quote(outputs[i]) + " " + output_types[i];
  out_ += ") AS BEGIN" + body + " END";
}

void FirebirdCompiler::visit_upsert(const sql::InsertNode& insert) {
  cast_binds_ = false;
  const std::string table = table_text(insert);
  const std::string head = "INSERT INTO " + table;
  const std::string_view written = std::string_view(out_).substr(insert_begin_);
  if (insert.from_select || written.substr(head.size()).starts_with(" DEFAULT VALUES"))
    not_supported("the firebird dialect upserts with MERGE from one row of values: an upsert on '" +
                  insert.table->name + "' from a SELECT or of DEFAULT VALUES is not supported");
  if (!insert.conflict_constraint.empty() || insert.conflict_where)
    not_supported("Firebird's MERGE matches rows by columns: the upsert on '" + insert.table->name +
                  "' cannot name a constraint or a partial index's predicate");
  // "INSERT INTO t (cols) VALUES (vals)"
  const std::size_t cols_open = head.size() + 1;
  const std::size_t cols_close = matching_paren(written, cols_open);
  const std::string_view values_kw = " VALUES ";
  if (cols_close == std::string_view::npos ||
      written.substr(cols_close + 1, values_kw.size()) != values_kw)
    throw InternalError(error_info("the firebird compiler could not read the "
                                   "INSERT it is making an upsert of: " +
                                   std::string(written)));
  const std::size_t vals_open = cols_close + 1 + values_kw.size();
  const std::size_t vals_close = matching_paren(written, vals_open);
  const std::string cols_text(written.substr(cols_open + 1, cols_close - cols_open - 1));
  const std::string vals_text(written.substr(vals_open + 1, vals_close - vals_open - 1));
  std::vector<std::string> written_cols = split_top_level(cols_text);
  std::vector<std::string> names;
  for (const std::string& c : written_cols) names.push_back(unquote(c));
  const auto inserted = [&](const std::string& c) {
    return std::find(names.begin(), names.end(), c) != names.end();
  };

  // UPDATE OR INSERT … MATCHING when it says exactly what was asked.
  bool update_or_insert = insert.upsert == sql::UpsertAction::kDoUpdate && !insert.upsert_where &&
                          !insert.conflict_columns.empty();
  for (const std::string& k : insert.conflict_columns)
    update_or_insert = update_or_insert && inserted(k);
  if (update_or_insert) {
    std::size_t expected = 0;
    for (const std::string& c : names) {
      if (std::find(insert.conflict_columns.begin(), insert.conflict_columns.end(), c) !=
          insert.conflict_columns.end())
        continue;
      ++expected;
      const auto it = std::find_if(insert.upsert_set.begin(), insert.upsert_set.end(),
                                   [&](const auto& s) { return s.first == c; });
      update_or_insert = update_or_insert && it != insert.upsert_set.end() &&
                         it->second->kind == ElementKind::kExcluded && it->second->text == c;
    }
    update_or_insert = update_or_insert && expected == insert.upsert_set.size();
  }
  if (update_or_insert) {
    // Language Reference 6.5: UPDATE OR INSERT INTO t (cols) VALUES (…) MATCHING (k).
    out_.replace(insert_begin_, std::string("INSERT").size(), "UPDATE OR INSERT");
    out_ += " MATCHING (";
    for (std::size_t i = 0; i < insert.conflict_columns.size(); ++i)
      out_ += (i ? ", " : "") + quote(insert.conflict_columns[i]);
    out_ += ')';
    return;
  }

  // The keys a row may conflict on: the target's columns, or every unique key of the table.
  std::vector<std::vector<std::string>> keys;
  if (!insert.conflict_columns.empty()) {
    keys.push_back(insert.conflict_columns);
  } else if (insert.table->table) {
    const sql::TableData& t = *insert.table->table;
    if (!t.primary_key.empty()) keys.push_back(t.primary_key);
    for (const sql::ColumnData& c : t.columns)
      if (c.unique) keys.push_back({c.name});
    for (const sql::UniqueConstraint& u : t.uniques) keys.push_back(u.columns);
    for (const sql::Index& ix : t.indexes)
      if (ix.unique) keys.push_back(ix.columns);
  }
  std::string on;
  for (const auto& key : keys) {
    if (!std::all_of(key.begin(), key.end(), inserted)) continue;
    std::string part;
    for (std::size_t i = 0; i < key.size(); ++i)
      part += (i ? " AND " : "") + table + "." + quote(key[i]) + " = excluded." + quote(key[i]);
    on += (on.empty() ? "" : " OR ") + ("(" + part + ")");
  }
  if (on.empty())
    not_supported("the upsert on '" + insert.table->name +
                  "' names no conflict columns and the table has no unique key among the inserted "
                  "columns for Firebird's MERGE to match on");

  std::string merge = "MERGE INTO " + table + " USING (SELECT " + vals_text +
                      " FROM RDB$DATABASE) AS excluded (" + cols_text + ") ON " + on;
  out_.replace(insert_begin_, std::string::npos, merge);
  if (insert.upsert == sql::UpsertAction::kDoUpdate) {
    out_ += " WHEN MATCHED";
    if (insert.upsert_where) {
      out_ += " AND ";
      visit(*insert.upsert_where);
    }
    out_ += " THEN UPDATE SET ";
    for (std::size_t i = 0; i < insert.upsert_set.size(); ++i) {
      if (i != 0) out_ += ", ";
      out_ += quote(insert.upsert_set[i].first) + " = ";
      visit(*insert.upsert_set[i].second);
    }
  }
  out_ += " WHEN NOT MATCHED THEN INSERT (" + cols_text + ") VALUES (";
  for (std::size_t i = 0; i < written_cols.size(); ++i)
    out_ += (i ? ", excluded." : "excluded.") + written_cols[i];
  out_ += ')';
}

void FirebirdCompiler::visit_excluded(const Element& e) { out_ += "excluded." + quote(e.text); }

}  // namespace crucible::firebird
