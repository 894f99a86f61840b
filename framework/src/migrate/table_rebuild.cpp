// Table rebuilds (table_rebuild.hpp): Alembic's batch_alter_table in "move and copy" mode,
// following SQLite's own procedure for schema changes ALTER TABLE cannot make
// (https://www.sqlite.org/lang_altertable.html §7). The dialect's before_table_rebuild and
// after_table_rebuild hooks (foreign keys off and on) run around the transaction, in runner.cpp.
#include "table_rebuild.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "crucible/dialect.hpp"
#include "crucible/migrate/command_error.hpp"
#include "crucible/sql/compiler.hpp"
#include "crucible/sql/schema.hpp"
#include "../sql_lexer.hpp"

namespace crucible::migrate::detail {

namespace {

template <class T>
void erase_if(std::vector<T>& list, auto&& predicate) {
  list.erase(std::remove_if(list.begin(), list.end(), predicate), list.end());
}

bool mentions(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

void rename_in(std::vector<std::string>& names, const std::string& from, const std::string& to) {
  std::replace(names.begin(), names.end(), from, to);
}

bool same_name(std::string_view a, std::string_view b) {  // SQL names, ASCII case aside
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The places a CHECK condition names column: [begin, end) of each identifier (a bare word, a
// "quoted" or `quoted` name, or a [bracketed] one) equal to it. String literals and comments
// are passed over (sql_lexer.hpp).
std::vector<std::pair<std::size_t, std::size_t>> mentions_in(const std::string& sql,
                                                             const std::string& column) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  const auto word_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
  };
  for (const crucible::detail::SqlSpan& span : crucible::detail::lex_sql(sql)) {
    if (span.kind == crucible::detail::SqlSpanKind::kLiteral) {
      const char q = sql[span.begin];
      if ((q == '"' || q == '`') && span.end - span.begin >= 2) {
        std::string name;
        for (std::size_t i = span.begin + 1; i + 1 < span.end; ++i) {
          name.push_back(sql[i]);
          if (sql[i] == q && i + 2 < span.end && sql[i + 1] == q) ++i;
        }
        if (same_name(name, column)) out.emplace_back(span.begin, span.end);
      }
      continue;
    }
    if (span.kind != crucible::detail::SqlSpanKind::kCode) continue;
    for (std::size_t i = span.begin; i < span.end;) {
      if (!word_char(sql[i])) {
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j < span.end && word_char(sql[j])) ++j;
      if (same_name(std::string_view(sql).substr(i, j - i), column)) {
        const bool bracketed = i > span.begin && sql[i - 1] == '[' && j < span.end && sql[j] == ']';
        out.emplace_back(bracketed ? i - 1 : i, bracketed ? j + 1 : j);
      }
      i = j;
    }
  }
  return out;
}

// sql with each mention of column `from` written as `to` (quoted as the dialect quotes names).
std::string rename_mentions(const std::string& sql, const std::string& from, const std::string& to,
                            const Dialect& dialect) {
  std::string out = sql;
  const auto places = mentions_in(sql, from);
  for (auto it = places.rbegin(); it != places.rend(); ++it)
    out.replace(it->first, it->second - it->first, dialect.quote_identifier(to));
  return out;
}

// The new definition's columns, each with the old column its rows are copied from.
struct Rebuild {
  const Dialect& dialect;
  sql::TableData table;
  std::vector<std::string> source;  ///< parallel to table.columns
  std::vector<bool> cast;           ///< the column's type changed: copy through CAST
};

sql::ColumnData& column_of(Rebuild& r, const std::string& name, const std::string& what) {
  for (sql::ColumnData& c : r.table.columns)
    if (c.name == name) return c;
  throw CommandError(what + ": the table " + r.table.fullname() + " has no column '" + name + "'");
}

void apply(Rebuild& r, const Operation& op) {
  sql::TableData& t = r.table;
  const std::string what = describe(op);
  if (const auto* o = std::get_if<DropColumn>(&op)) {
    column_of(r, o->column, what);
    if (mentions(t.primary_key, o->column))
      throw CommandError(what + ": the column is part of the primary key of " + t.fullname());
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      if (t.columns[i].name != o->column) continue;
      t.columns.erase(t.columns.begin() + static_cast<std::ptrdiff_t>(i));
      r.source.erase(r.source.begin() + static_cast<std::ptrdiff_t>(i));
      r.cast.erase(r.cast.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
    // What was built on the column goes with it (as DROP COLUMN does where it is allowed).
    erase_if(t.indexes, [&](const sql::Index& i) { return mentions(i.columns, o->column); });
    erase_if(t.uniques,
             [&](const sql::UniqueConstraint& u) { return mentions(u.columns, o->column); });
    erase_if(t.foreign_keys,
             [&](const sql::ForeignKeyData& f) { return mentions(f.columns, o->column); });
    // A CHECK on the column goes too; SQLite would refuse the new table otherwise.
    erase_if(t.checks, [&](const sql::CheckConstraint& c) {
      return !mentions_in(c.sql, o->column).empty();
    });
  } else if (const auto* o = std::get_if<AlterColumn>(&op)) {
    sql::ColumnData& c = column_of(r, o->column, what);
    const auto at = static_cast<std::size_t>(&c - t.columns.data());
    if (o->type && !(*o->type == c.type)) {
      c.type = *o->type;
      r.cast[at] = true;
    }
    if (o->nullable) c.nullable = *o->nullable;
    if (o->server_default) c.server_default = *o->server_default;
    if (o->new_name) {
      const std::string from = c.name;
      c.name = *o->new_name;
      rename_in(t.primary_key, from, *o->new_name);
      for (sql::Index& i : t.indexes) rename_in(i.columns, from, *o->new_name);
      for (sql::UniqueConstraint& u : t.uniques) rename_in(u.columns, from, *o->new_name);
      for (sql::ForeignKeyData& f : t.foreign_keys) rename_in(f.columns, from, *o->new_name);
      for (sql::CheckConstraint& c : t.checks)
        c.sql = rename_mentions(c.sql, from, *o->new_name, r.dialect);
    }
  } else if (const auto* o = std::get_if<CreateUniqueConstraint>(&op)) {
    for (const std::string& name : o->constraint.columns) column_of(r, name, what);
    t.uniques.push_back(o->constraint);
  } else if (const auto* o = std::get_if<CreateForeignKey>(&op)) {
    for (const std::string& name : o->foreign_key.columns) column_of(r, name, what);
    t.foreign_keys.push_back(o->foreign_key);
  } else if (const auto* o = std::get_if<DropConstraint>(&op)) {
    const auto count = [&] {
      return t.uniques.size() + t.foreign_keys.size() + t.checks.size() + t.indexes.size() +
             t.primary_key.size();
    };
    const std::size_t before = count();
    switch (o->kind) {
    case sql::ConstraintKind::kUnique:
      erase_if(t.uniques, [&](const sql::UniqueConstraint& u) { return u.name == o->name; });
      // A unique index reflected in place of the constraint goes too.
      erase_if(t.indexes, [&](const sql::Index& i) { return i.unique && i.name == o->name; });
      break;
    case sql::ConstraintKind::kForeignKey:
      erase_if(t.foreign_keys,
               [&](const sql::ForeignKeyData& f) { return f.options.name == o->name; });
      break;
    case sql::ConstraintKind::kCheck:
      erase_if(t.checks, [&](const sql::CheckConstraint& c) { return c.name == o->name; });
      break;
    case sql::ConstraintKind::kPrimaryKey:
      t.primary_key.clear();
      for (sql::ColumnData& c : t.columns) c.primary_key = false;
      break;
    }
    if (before == count())
      throw CommandError(what + ": the table " + t.fullname() +
                         " has no constraint of that kind named '" + o->name + "' (as reflected)");
  } else {
    throw CommandError(what + ": not an operation a table rebuild makes");
  }
}

}  // namespace

void rebuild_table(Connection& conn, const std::vector<const Operation*>& ops) {
  if (ops.empty()) return;
  const Dialect& dialect = conn.dialect();
  // The table as it is, through this connection (inside the step's transaction).
  const Operation& first = *ops.front();
  const std::string name = std::visit(
      [](const auto& o) -> std::string {
        if constexpr (requires { o.table.name; })
          return o.table.name;
        else if constexpr (requires { o.table; })
          return o.table;
        else
          return {};
      },
      first);
  const std::optional<std::string> schema = std::visit(
      [](const auto& o) -> std::optional<std::string> {
        if constexpr (requires { o.schema; })
          return o.schema;
        else
          return std::nullopt;
      },
      first);
  sql::MetaData scratch;
  const sql::TableData old = sql::Table::reflect(name, scratch, conn, schema).data();

  Rebuild r{dialect, old, {}, {}};
  for (const sql::ColumnData& c : old.columns) {
    r.source.push_back(c.name);
    r.cast.push_back(false);
  }
  // Reflection gives a one-column key twice (the column's ForeignKey and the table's list);
  // the table's list is the one CREATE TABLE writes and the changes edit.
  for (sql::ColumnData& c : r.table.columns) c.foreign_key.reset();
  for (const Operation* op : ops) apply(r, *op);

  const std::unique_ptr<sql::DDLCompiler> ddl = dialect.ddl_compiler();
  sql::TableData temp = r.table;
  temp.name = "_crucible_tmp_" + name;
  temp.indexes.clear();  // index names are the old table's until it is dropped
  conn.exec_driver_sql(ddl->create_table(temp));

  std::string into;
  std::string from;
  for (std::size_t i = 0; i < r.table.columns.size(); ++i) {
    const sql::ColumnData& c = r.table.columns[i];
    into += (i ? ", " : "") + dialect.quote_identifier(c.name);
    std::string value = dialect.quote_identifier(r.source[i]);
    if (r.cast[i]) value = "CAST(" + value + " AS " + dialect.type_compiler().process(c.type) + ")";
    from += (i ? ", " : "") + value;
  }
  sql::TableData temp_ref;
  temp_ref.name = temp.name;
  temp_ref.schema = schema;
  std::string qualified_old = dialect.quote_identifier(name);
  if (schema) qualified_old = dialect.quote_identifier(*schema) + "." + qualified_old;
  std::string qualified_temp = dialect.quote_identifier(temp.name);
  if (schema) qualified_temp = dialect.quote_identifier(*schema) + "." + qualified_temp;
  conn.exec_driver_sql("INSERT INTO " + qualified_temp + " (" + into + ") SELECT " + from +
                       " FROM " + qualified_old);
  conn.exec_driver_sql(ddl->drop_table(old));
  conn.exec_driver_sql(ddl->rename_table(temp_ref, name));
  for (const sql::Index& index : r.table.indexes)
    conn.exec_driver_sql(ddl->create_index(r.table, index));

  const std::vector<std::string> violations =
      dialect.foreign_key_violations(conn.dbapi_connection(), name);
  if (!violations.empty()) {
    std::string list;
    for (const std::string& v : violations) list += (list.empty() ? "" : "; ") + v;
    throw CommandError("rebuilding table " + old.fullname() + " broke foreign keys: " + list);
  }
}

}  // namespace crucible::migrate::detail
