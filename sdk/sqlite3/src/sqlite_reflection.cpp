// Reflection hooks of the "sqlite" dialect (sqlite_dialect.hpp), after SQLAlchemy's
// dialects/sqlite/base.py: PRAGMA table_xinfo, index_list, index_info and foreign_key_list
// (https://sqlite.org/pragma.html) for structure, the CREATE TABLE text in sqlite_master for
// constraint names, which the pragmas do not report.
#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <regex>
#include <span>
#include <tuple>
#include <variant>

#include "crucible/dbapi.hpp"
#include "crucible/errors.hpp"
#include "crucible/sdk/sqlite3/sqlite_dialect.hpp"

namespace crucible::sqlite {

namespace {

using Rows = std::vector<std::vector<Value>>;

Rows query(DbapiConnection& conn, const std::string& sql, std::span<const Value> params = {}) {
  const std::unique_ptr<Cursor> cursor = conn.cursor();
  cursor->execute(sql, params);
  return cursor->fetchall();
}

// Column values as the pragmas return them (TEXT or NULL; INTEGER).
std::string text(const Value& value) {
  if (const auto* s = std::get_if<std::string>(&value.storage())) return *s;
  return {};
}
std::optional<std::string> optional_text(const Value& value) {
  if (const auto* s = std::get_if<std::string>(&value.storage())) return *s;
  return std::nullopt;
}
std::int64_t integer(const Value& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value.storage())) return *i;
  if (const auto* b = std::get_if<bool>(&value.storage())) return *b ? 1 : 0;
  return 0;
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// An identifier as written in SQL without its quotes: "a""b" -> a"b, [x] -> x, `y` -> y.
std::string unquote(std::string_view name) {
  if (name.size() >= 2) {
    const char open = name.front();
    const char close = name.back();
    if ((open == '"' && close == '"') || (open == '`' && close == '`') ||
        (open == '\'' && close == '\'')) {
      std::string out;
      for (std::size_t i = 1; i + 1 < name.size(); ++i) {
        out.push_back(name[i]);
        if (name[i] == open && i + 2 < name.size() && name[i + 1] == open) ++i;
      }
      return out;
    }
    if (open == '[' && close == ']') return std::string(name.substr(1, name.size() - 2));
  }
  return std::string(name);
}

// "a, [b], "c"" -> {A, B, C} upper-cased, to compare column lists case-insensitively as SQLite
// compares identifiers.
std::vector<std::string> column_key(std::string_view list) {
  std::vector<std::string> key;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = list.find(',', start);
    if (end == std::string_view::npos) end = list.size();
    std::string_view part = list.substr(start, end - start);
    const auto space_at = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!part.empty() && space_at(part.front())) part.remove_prefix(1);
    while (!part.empty() && space_at(part.back())) part.remove_suffix(1);
    // "col COLLATE x ASC" in a UNIQUE list: the first token names the column.
    const std::size_t space = part.find_first_of(" \t\n\r");
    if (space != std::string_view::npos && part.front() != '"' && part.front() != '[' &&
        part.front() != '`') {
      part = part.substr(0, space);
    }
    key.push_back(upper(unquote(part)));
    start = end + 1;
  }
  return key;
}

std::vector<std::string> column_key(const std::vector<std::string>& columns) {
  std::vector<std::string> key;
  for (const auto& column : columns) key.push_back(upper(column));
  return key;
}

// Table-level "CONSTRAINT name <kind> (cols)" clauses of a CREATE TABLE text: the name for each
// column list. kind is a regex fragment ("PRIMARY\s+KEY", "UNIQUE", "FOREIGN\s+KEY").
std::map<std::vector<std::string>, std::string> named_constraints(const std::string& sql,
                                                                  const std::string& kind) {
  static const std::string kName =
      R"(("(?:[^"]|"")+"|\[[^\]]+\]|`(?:[^`]|``)+`|'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_$]*))";
  const std::regex pattern("CONSTRAINT\\s+" + kName + "\\s+" + kind + "\\s*\\(([^)]*)\\)",
                           std::regex::icase | std::regex::ECMAScript);
  std::map<std::vector<std::string>, std::string> names;
  const std::sregex_iterator end;
  for (auto it = std::sregex_iterator(sql.begin(), sql.end(), pattern); it != end; ++it) {
    names.emplace(column_key((*it)[2].str()), unquote((*it)[1].str()));
  }
  return names;
}

// The tokens of a CREATE TABLE text that matter for finding its CHECK clauses: words, quoted
// names, string literals and parentheses, with whitespace and comments skipped
// (https://sqlite.org/lang_createtable.html; quoting as https://sqlite.org/lang_keywords.html).
struct Token {
  enum Kind { kWord, kName, kLiteral, kOpen, kClose, kOther } kind;
  std::size_t begin;
  std::size_t end;
};

std::vector<Token> tokens_of(std::string_view sql) {
  std::vector<Token> out;
  std::size_t i = 0;
  const auto closing = [&](char open) { return open == '[' ? ']' : open; };
  while (i < sql.size()) {
    const char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const std::size_t nl = sql.find('\n', i);
      i = nl == std::string_view::npos ? sql.size() : nl + 1;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      const std::size_t close = sql.find("*/", i + 2);
      i = close == std::string_view::npos ? sql.size() : close + 2;
    } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
      const char close = closing(c);
      std::size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == close) {
          if (close != ']' && j + 1 < sql.size() && sql[j + 1] == close) {
            j += 2;  // a doubled quote inside
            continue;
          }
          break;
        }
        ++j;
      }
      const std::size_t end = std::min(j + 1, sql.size());
      out.push_back({c == '\'' ? Token::kLiteral : Token::kName, i, end});
      i = end;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$') {
      std::size_t j = i;
      while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) ||
                                sql[j] == '_' || sql[j] == '$'))
        ++j;
      out.push_back({Token::kWord, i, j});
      i = j;
    } else {
      out.push_back({c == '(' ? Token::kOpen : c == ')' ? Token::kClose : Token::kOther, i, i + 1});
      ++i;
    }
  }
  return out;
}

// The CHECK clauses of a CREATE TABLE text, table- and column-level, in the order written:
// "[CONSTRAINT name] CHECK (expr)" gives {name, expr}. SQLite keeps no catalog of them, only this
// text (SQLAlchemy's SQLiteDialect.get_check_constraints parses it too).
std::vector<ReflectedCheckConstraint> check_constraints_of(std::string_view sql) {
  const std::vector<Token> tokens = tokens_of(sql);
  const auto word = [&](std::size_t t, std::string_view w) {
    return tokens[t].kind == Token::kWord &&
           upper(sql.substr(tokens[t].begin, tokens[t].end - tokens[t].begin)) == w;
  };
  std::vector<ReflectedCheckConstraint> out;
  int depth = 0;
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    if (tokens[t].kind == Token::kOpen) ++depth;
    if (tokens[t].kind == Token::kClose) --depth;
    if (depth != 1 || !word(t, "CHECK") || t + 1 >= tokens.size() ||
        tokens[t + 1].kind != Token::kOpen)
      continue;
    int inner = 0;
    std::size_t close = t + 1;
    for (; close < tokens.size(); ++close) {
      if (tokens[close].kind == Token::kOpen) ++inner;
      if (tokens[close].kind == Token::kClose && --inner == 0) break;
    }
    if (close == tokens.size()) break;  // not closed: SQLite would not have stored it
    ReflectedCheckConstraint check;
    const std::size_t from = tokens[t + 1].end;
    check.sqltext = std::string(sql.substr(from, tokens[close].begin - from));
    const auto first = check.sqltext.find_first_not_of(" \t\r\n");
    const auto last = check.sqltext.find_last_not_of(" \t\r\n");
    check.sqltext = first == std::string::npos ? "" : check.sqltext.substr(first, last - first + 1);
    if (t >= 2 && word(t - 2, "CONSTRAINT") &&
        (tokens[t - 1].kind == Token::kWord || tokens[t - 1].kind == Token::kName))
      check.name = unquote(sql.substr(tokens[t - 1].begin, tokens[t - 1].end - tokens[t - 1].begin));
    out.push_back(std::move(check));
    t = close;  // the clause's own parentheses are balanced: depth is 1 again
  }
  return out;
}

std::optional<std::string> action(const Value& value) {
  std::string text_value = upper(text(value));
  if (text_value.empty() || text_value == "NO ACTION") return std::nullopt;
  return text_value;
}

}  // namespace

std::string SqliteDialect::pragma_sql(std::string_view pragma, std::string_view argument,
                                      const std::optional<std::string>& schema) const {
  std::string sql = "PRAGMA ";
  if (schema) sql += quote_identifier(*schema) + ".";
  sql += std::string(pragma) + "(" + quote_identifier(argument) + ")";
  return sql;
}

// The schema table of schema: "temp" has its own name, sqlite_temp_master (SQLite before 3.33
// knows no temp.sqlite_master; SQLAlchemy's SQLiteDialect does the same), any other schema
// "<schema>".sqlite_master (https://sqlite.org/schematab.html).
std::string SqliteDialect::master_table(std::string_view schema) const {
  if (upper(schema) == "TEMP") return "sqlite_temp_master";
  return quote_identifier(schema) + ".sqlite_master";
}

std::string SqliteDialect::table_sql(DbapiConnection& conn, std::string_view table,
                                     const std::optional<std::string>& schema) const {
  // Without a schema SQLite looks in temp first, then main.
  const std::vector<std::string> schemas =
      schema ? std::vector<std::string>{*schema} : std::vector<std::string>{"temp", "main"};
  const Value name{std::string(table)};
  for (const auto& each : schemas) {
    const Rows rows = query(conn,
                            "SELECT sql FROM " + master_table(each) +
                                " WHERE type = 'table' AND name = ? COLLATE NOCASE",
                            std::span<const Value>(&name, 1));
    if (!rows.empty()) return text(rows.front().front());
  }
  return {};
}

// PRAGMA database_list: main, temp (once used) and every ATTACHed database
// (https://sqlite.org/pragma.html#pragma_database_list).
std::vector<std::string> SqliteDialect::get_schema_names(DbapiConnection& conn) const {
  std::vector<std::string> names;
  for (const auto& row : query(conn, "SELECT name FROM pragma_database_list ORDER BY name"))
    names.push_back(text(row.front()));
  return names;
}

std::vector<std::string>
SqliteDialect::get_table_names(DbapiConnection& conn,
                               const std::optional<std::string>& schema) const {
  std::vector<std::string> names;
  const std::string sql = "SELECT name FROM " + master_table(schema.value_or("main")) +
                          " WHERE type = 'table' AND name NOT LIKE 'sqlite~_%' "
                          "ESCAPE '~' ORDER BY name";
  for (const auto& row : query(conn, sql)) {
    names.push_back(text(row.front()));
  }
  return names;
}

std::vector<std::string>
SqliteDialect::get_view_names(DbapiConnection& conn,
                              const std::optional<std::string>& schema) const {
  std::vector<std::string> names;
  const std::string sql = "SELECT name FROM " + master_table(schema.value_or("main")) +
                          " WHERE type = 'view' ORDER BY name";
  for (const auto& row : query(conn, sql)) {
    names.push_back(text(row.front()));
  }
  return names;
}

bool SqliteDialect::has_table(DbapiConnection& conn, std::string_view table,
                              const std::optional<std::string>& schema) const {
  return !query(conn, pragma_sql(columns_pragma(), table, schema)).empty();
}

std::vector<ReflectedColumn>
SqliteDialect::get_columns(DbapiConnection& conn, std::string_view table,
                           const std::optional<std::string>& schema) const {
  // cid, name, type, notnull, dflt_value, pk[, hidden]
  const Rows rows = query(conn, pragma_sql(columns_pragma(), table, schema));
  if (rows.empty()) {
    throw NoSuchTableError("no table or view named '" + std::string(table) + "' in schema '" +
                           schema.value_or("main") + "'");
  }
  // A single INTEGER PRIMARY KEY column is the rowid (https://sqlite.org/lang_createtable.html
  // #rowid) unless the key has its own index (WITHOUT ROWID, or "INTEGER PRIMARY KEY DESC").
  std::size_t pk_columns = 0;
  for (const auto& row : rows) pk_columns += integer(row[5]) > 0 ? 1 : 0;
  bool pk_has_index = false;
  if (pk_columns == 1) {
    for (const auto& index : query(conn, pragma_sql("index_list", table, schema))) {
      pk_has_index = pk_has_index || text(index[3]) == "pk";
    }
  }
  std::vector<ReflectedColumn> columns;
  for (const auto& row : rows) {
    // A hidden column of a virtual table (table_xinfo's 7th column; table_info has none).
    if (row.size() > 6 && integer(row[6]) == 1) continue;
    ReflectedColumn column;
    column.name = text(row[1]);
    column.type = text(row[2]);
    const bool rowid =
        pk_columns == 1 && integer(row[5]) == 1 && !pk_has_index && upper(column.type) == "INTEGER";
    column.nullable = integer(row[3]) == 0 && !rowid;
    column.default_ = optional_text(row[4]);
    column.autoincrement = rowid;
    columns.push_back(std::move(column));
  }
  return columns;
}

ReflectedPrimaryKey
SqliteDialect::get_pk_constraint(DbapiConnection& conn, std::string_view table,
                                 const std::optional<std::string>& schema) const {
  const Rows rows = query(conn, pragma_sql(columns_pragma(), table, schema));
  if (rows.empty()) {
    throw NoSuchTableError("no table named '" + std::string(table) + "' in schema '" +
                           schema.value_or("main") + "'");
  }
  std::vector<std::pair<std::int64_t, std::string>> keyed;
  for (const auto& row : rows) {
    if (const std::int64_t position = integer(row[5]); position > 0) {
      keyed.emplace_back(position, text(row[1]));
    }
  }
  std::sort(keyed.begin(), keyed.end());
  ReflectedPrimaryKey pk;
  for (auto& [position, name] : keyed) pk.constrained_columns.push_back(std::move(name));
  if (!pk.constrained_columns.empty()) {
    const auto names = named_constraints(table_sql(conn, table, schema), R"(PRIMARY\s+KEY)");
    if (const auto it = names.find(column_key(pk.constrained_columns)); it != names.end()) {
      pk.name = it->second;
    }
  }
  return pk;
}

std::vector<ReflectedForeignKey>
SqliteDialect::get_foreign_keys(DbapiConnection& conn, std::string_view table,
                                const std::optional<std::string>& schema) const {
  // id, seq, table, from, to, on_update, on_delete, match; id 0 is the last one declared.
  const Rows rows = query(conn, pragma_sql("foreign_key_list", table, schema));
  std::map<std::int64_t, ReflectedForeignKey, std::greater<>> by_id;
  std::map<std::int64_t, std::vector<std::pair<std::int64_t, const std::vector<Value>*>>> parts;
  for (const auto& row : rows) parts[integer(row[0])].emplace_back(integer(row[1]), &row);
  bool any_without_names = false;
  for (auto& [id, list] : parts) {
    std::sort(list.begin(), list.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    ReflectedForeignKey fk;
    const std::vector<Value>& first = *list.front().second;
    fk.referred_schema = schema;
    fk.referred_table = text(first[2]);
    fk.on_update = action(first[5]);
    fk.on_delete = action(first[6]);
    for (const auto& [seq, row] : list) {
      fk.constrained_columns.push_back(text((*row)[3]));
      const auto to = optional_text((*row)[4]);
      any_without_names = any_without_names || !to;
      fk.referred_columns.push_back(to.value_or(""));
    }
    by_id.emplace(id, std::move(fk));
  }
  std::vector<ReflectedForeignKey> keys;
  if (by_id.empty()) return keys;
  const auto names = named_constraints(table_sql(conn, table, schema), R"(FOREIGN\s+KEY)");
  for (auto& [id, fk] : by_id) {
    const auto& referred = fk.referred_columns;
    if (any_without_names && std::find(referred.begin(), referred.end(), "") != referred.end()) {
      // "REFERENCES parent" without columns means the parent's primary key.
      try {
        const auto parent = get_pk_constraint(conn, fk.referred_table, schema).constrained_columns;
        if (parent.size() == fk.constrained_columns.size()) fk.referred_columns = parent;
      } catch (const NoSuchTableError&) {
        // The parent table does not exist (yet): leave the referred columns unknown ("").
      }
    }
    if (const auto it = names.find(column_key(fk.constrained_columns)); it != names.end()) {
      fk.name = it->second;
    }
    keys.push_back(std::move(fk));
  }
  return keys;
}

std::vector<ReflectedIndex>
SqliteDialect::get_indexes(DbapiConnection& conn, std::string_view table,
                           const std::optional<std::string>& schema) const {
  // seq, name, unique, origin (c: CREATE INDEX, u: UNIQUE, pk: PRIMARY KEY), partial
  std::vector<ReflectedIndex> indexes;
  for (const auto& row : query(conn, pragma_sql("index_list", table, schema))) {
    ReflectedIndex index;
    index.name = text(row[1]);
    if (text(row[3]) != "c" || index.name.rfind("sqlite_autoindex_", 0) == 0) continue;
    index.unique = integer(row[2]) != 0;
    // seqno, cid, name (NULL for an expression)
    Rows parts = query(conn, pragma_sql("index_info", index.name, schema));
    std::sort(parts.begin(), parts.end(),
              [](const auto& a, const auto& b) { return integer(a[0]) < integer(b[0]); });
    for (const auto& part : parts) index.column_names.push_back(text(part[2]));
    indexes.push_back(std::move(index));
  }
  std::sort(indexes.begin(), indexes.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return indexes;
}

std::vector<ReflectedUniqueConstraint>
SqliteDialect::get_unique_constraints(DbapiConnection& conn, std::string_view table,
                                      const std::optional<std::string>& schema) const {
  std::vector<ReflectedUniqueConstraint> constraints;
  for (const auto& row : query(conn, pragma_sql("index_list", table, schema))) {
    if (text(row[3]) != "u") continue;
    Rows parts = query(conn, pragma_sql("index_info", text(row[1]), schema));
    std::sort(parts.begin(), parts.end(),
              [](const auto& a, const auto& b) { return integer(a[0]) < integer(b[0]); });
    ReflectedUniqueConstraint constraint;
    for (const auto& part : parts) constraint.column_names.push_back(text(part[2]));
    constraints.push_back(std::move(constraint));
  }
  if (constraints.empty()) return constraints;
  const auto names = named_constraints(table_sql(conn, table, schema), "UNIQUE");
  for (auto& constraint : constraints) {
    if (const auto it = names.find(column_key(constraint.column_names)); it != names.end()) {
      constraint.name = it->second;
    }
  }
  std::sort(constraints.begin(), constraints.end(), [](const auto& a, const auto& b) {
    return std::tie(a.name, a.column_names) < std::tie(b.name, b.column_names);
  });
  return constraints;
}

std::vector<ReflectedCheckConstraint>
SqliteDialect::get_check_constraints(DbapiConnection& conn, std::string_view table,
                                     const std::optional<std::string>& schema) const {
  return check_constraints_of(table_sql(conn, table, schema));
}

}  // namespace crucible::sqlite
