// Firebird 3's INSERT forms (firebird_compiler.hpp): values_rows() as INSERT … SELECT … UNION
// ALL or a selectable EXECUTE BLOCK, and the portable upsert as UPDATE OR INSERT or MERGE.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/errors.hpp"
#include "fbclient_errors.hpp"
#include "firebird_compiler.hpp"
#include "firebird_dialect.hpp"
#include "firebird_sql_text.hpp"

namespace crucible::firebird {

namespace {

using sql::Element;
using sql::ElementKind;

[[noreturn]] void not_supported(std::string message) {
  throw NotSupportedError(error_info(std::move(message)));
}

// Firebird 3 allows 255 contexts (tables, RDB$DATABASE readers) in one statement and 64 KB of
// statement text (Language Reference, Appendix "Limits"). The UNION ALL form reads RDB$DATABASE
// once per row, so values_rows() of more rows is refused with NotSupportedError rather than
// split: the compiler makes one statement, and executemany() (one prepared INSERT run per row)
// is the way to insert many rows.
constexpr std::size_t kMaxUnionRows = 200;
constexpr std::size_t kMaxStatementBytes = 65535;

// The rows of values_rows() with the columns they set: the columns given, then each column a
// client-side default (Column default_) or a Sequence (NEXT VALUE FOR s) fills because no row
// gives it.
struct RowsToInsert {
  std::vector<std::string> columns;
  std::vector<std::vector<sql::ElementPtr>> rows;
};

RowsToInsert rows_with_defaults(const sql::InsertNode& insert) {
  RowsToInsert out{insert.columns, insert.rows};
  for (const auto& [name, element] : insert.defaults) {
    if (std::find(out.columns.begin(), out.columns.end(), name) != out.columns.end()) continue;
    out.columns.push_back(name);
    for (auto& row : out.rows) row.push_back(element);
  }
  return out;
}

}  // namespace

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
    if (insert.returning.empty() && insert.rows.size() > kMaxUnionRows)
      not_supported("values_rows() of " + std::to_string(insert.rows.size()) + " rows on '" +
                    insert.table->name + "' is more than Firebird 3 takes in one statement (" +
                    std::to_string(kMaxUnionRows) +
                    " rows here: 255 contexts, 64 KB of text); execute the INSERT with one "
                    "parameter set per row instead (executemany)");
    const std::size_t begin = out_.size();
    if (!insert.returning.empty()) {
      insert_rows_returning(insert);
    } else {
      insert_rows_union(insert);
    }
    if (out_.size() - begin > kMaxStatementBytes)
      not_supported("values_rows() on '" + insert.table->name + "' makes " +
                    std::to_string(out_.size() - begin) +
                    " bytes of SQL, more than Firebird 3's 64 KB statement limit; execute the "
                    "INSERT with one parameter set per row instead (executemany)");
    return;
  }
  insert_begin_ = out_.size();
  // For an upsert the VALUES become the MERGE's source row, where Firebird needs their types.
  cast_binds_ = insert.upsert != sql::UpsertAction::kNone;
  SQLCompiler::visit_insert(insert, params);
  cast_binds_ = false;
}

// values_rows() without RETURNING: INSERT INTO t (cols) SELECT … FROM RDB$DATABASE UNION ALL
// SELECT … (Firebird 3 has no multi-row VALUES), each value cast (a bare ? in a select list
// has no type).
void FirebirdCompiler::insert_rows_union(const sql::InsertNode& insert) {
  const RowsToInsert all = rows_with_defaults(insert);
  out_ += "INSERT INTO " + table_text(insert) + " (";
  for (std::size_t i = 0; i < all.columns.size(); ++i)
    out_ += (i ? ", " : "") + quote(all.columns[i]);
  out_ += ')';
  cast_binds_ = true;
  for (std::size_t r = 0; r < all.rows.size(); ++r) {
    out_ += r == 0 ? " SELECT " : " UNION ALL SELECT ";
    for (std::size_t i = 0; i < all.rows[r].size(); ++i) {
      if (i != 0) out_ += ", ";
      visit(*all.rows[r][i]);
    }
    out_ += " FROM RDB$DATABASE";
  }
  cast_binds_ = false;
}

// values_rows() with RETURNING: Firebird 3's INSERT … RETURNING gives one row, so the rows go
// through a selectable EXECUTE BLOCK (Language Reference 7.9) that inserts them one by one and
// SUSPENDs each returned row, in input order:
//   EXECUTE BLOCK (p1 t = ?, …) RETURNS (c t, …) AS BEGIN
//     INSERT INTO t (cols) VALUES (:p1, …) RETURNING … INTO :c, …; SUSPEND; … END
// Only a placeholder is an input parameter (`p t = ?`); a literal (and every value under
// literal_binds) and NEXT VALUE FOR s are written in the body itself.
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
  const std::size_t begin = out_.size();
  out_ += "EXECUTE BLOCK (";
  const RowsToInsert all = rows_with_defaults(insert);
  for (const auto& row : all.rows) {
    body += " INSERT INTO " + table_text(insert) + " (";
    for (std::size_t i = 0; i < all.columns.size(); ++i)
      body += (i ? ", " : "") + quote(all.columns[i]);
    body += ") VALUES (";
    for (std::size_t i = 0; i < row.size(); ++i) {
      const Element& v = *row[i];
      if (i != 0) body += ", ";
      if (v.kind == ElementKind::kNull) {
        body += "NULL";
        continue;
      }
      const bool inline_value = v.kind == ElementKind::kLiteral ||
                                (v.kind == ElementKind::kBind && options_.literal_binds) ||
                                v.kind == ElementKind::kNextValue;
      if (inline_value) {
        const std::size_t mark = out_.size();
        if (v.kind == ElementKind::kNextValue)
          visit(v);
        else if (v.kind == ElementKind::kLiteral)
          SQLCompiler::visit_literal(v);
        else
          SQLCompiler::visit_bind(v);
        body += out_.substr(mark);
        out_.resize(mark);
        continue;
      }
      if (!is_bare_bind(v))
        not_supported("values_rows() with RETURNING on '" + insert.table->name +
                      "' takes plain values on Firebird (its rows run in an EXECUTE BLOCK)");
      const std::string p = "p" + std::to_string(++param);
      out_ += (param > 1 ? ", " : "") + p + " " + bind_type_name(v) + " = ";
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
  if (param == 0) out_.replace(begin, std::string("EXECUTE BLOCK () ").size(), "EXECUTE BLOCK ");
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

  // A value ending in a -- comment (a text() fragment) would comment out the FROM after it.
  std::string merge = "MERGE INTO " + table + " USING (SELECT " + vals_text +
                      (ends_in_line_comment(vals_text) ? "\n" : "") +
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
