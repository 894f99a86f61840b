// SQLCompiler's DML half (sql/compiler.hpp): INSERT, UPDATE, DELETE, RETURNING and the portable
// upsert, rendered in standard SQL and, for the upsert, in the dialect's upsert_style
// (SQLAlchemy's SQLCompiler.visit_insert/visit_update/visit_delete/returning_clause, and the
// on-conflict clauses of its postgresql, sqlite and mysql dialects). Expression and SELECT
// visits, emit_bind and quote() live in compiler.cpp.
#include <algorithm>
#include <string>
#include <vector>

#include "compiler_state.hpp"
#include "crucible/dialect.hpp"
#include "crucible/errors.hpp"
#include "crucible/sql/compiler.hpp"
#include "dml_shape.hpp"

namespace crucible::sql {

namespace {

[[noreturn]] void not_supported(std::string message) {
  throw NotSupportedError(ErrorInfo{.driver_message = std::move(message)});
}

std::string dialect_label(const Dialect& dialect) {
  return "the dialect '" + std::string(dialect.name()) + "'";
}

// The result column types of a RETURNING list, for result processing.
std::vector<SqlType> types_of(const std::vector<ElementPtr>& columns) {
  std::vector<SqlType> out;
  out.reserve(columns.size());
  for (const ElementPtr& c : columns) out.push_back(c->type);
  return out;
}

// The column of a do-nothing emulated as "SET k = k" (ON DUPLICATE KEY UPDATE has no DO
// NOTHING): the first conflict column, else the first primary key column, else the first column.
std::string noop_column(const InsertNode& insert) {
  if (!insert.conflict_columns.empty()) return insert.conflict_columns.front();
  const FromNode& table = *insert.table;
  if (table.table && !table.table->primary_key.empty()) return table.table->primary_key.front();
  if (!table.columns.empty()) return table.columns.front().name;
  not_supported("on_conflict_do_nothing() on '" + table.name +
                "': a table without columns has nothing to assign in ON DUPLICATE KEY UPDATE");
}

// A dialect without sequences ignores Sequence column defaults (SQLAlchemy: "the Sequence is
// only emitted on backends that support it"): the columns they would fill are left out of the
// INSERT, so the database numbers them as it would without a Sequence.
void drop_sequence_defaults(const InsertNode& insert, detail::InsertShape& shape) {
  for (const auto& [name, element] : insert.defaults) {
    if (element->kind != ElementKind::kNextValue) continue;
    const auto at = std::find(shape.columns.begin(), shape.columns.end(), name);
    if (at == shape.columns.end()) continue;
    const auto index = at - shape.columns.begin();
    const bool from_default = std::all_of(shape.rows.begin(), shape.rows.end(),
                                          [&, &e = element](const std::vector<ElementPtr>& row) {
                                            return row[static_cast<std::size_t>(index)] == e;
                                          });
    if (!from_default) continue;
    shape.columns.erase(at);
    for (std::vector<ElementPtr>& row : shape.rows) row.erase(row.begin() + index);
  }
}

}  // namespace

// ---- entry points ---------------------------------------------------------------------------
// Each prepares the compiler's per-statement state (the bind indices of key), renders the
// statement, and hands back the SQL with its bind slots and RETURNING column types.

std::shared_ptr<Compiled> SQLCompiler::compile_insert(const InsertNode& insert, const CacheKey& key,
                                                      const Params* params) {
  begin_statement(key);
  visit_insert(insert, params);
  const State& st = *state_;
  std::shared_ptr<InsertManyValues> many;
  const std::size_t begin = st.values_tuple_begin, end = st.values_tuple_end;
  if (begin != std::string::npos && style_ != ParamStyle::kNamed &&
      std::all_of(
          st.placeholders.begin(), st.placeholders.end(),
          [&](const State::Placeholder& ph) { return ph.begin >= begin && ph.end <= end; })) {
    many = std::make_shared<InsertManyValues>();
    many->head = out_.substr(0, begin);
    many->tail = out_.substr(end);
    std::size_t at = begin;
    for (const State::Placeholder& ph : st.placeholders) {
      many->pieces.push_back(out_.substr(at, ph.begin - at));
      many->slots.push_back(ph.slot);
      at = ph.end;
    }
    many->pieces.push_back(out_.substr(at, end - at));
    // RETURNING of the autoincrement key alone, right after the tuple (no upsert clause): a
    // driver's LastrowidExecutemany can run the INSERT without it (insertmanyvalues.hpp).
    if (const ColumnData* key =
            insert.table->table ? insert.table->table->autoincrement_column() : nullptr;
        key != nullptr && st.returning_begin == end && insert.returning.size() == 1) {
      const Element& e = *insert.returning.front();
      if (e.kind == ElementKind::kColumn && e.from && e.from->table == insert.table->table &&
          e.text == key->name) {
        many->lastrowid_sql = out_.substr(0, end);
        many->lastrowid_column = key->name;
      }
    }
  }
  auto compiled = end_statement(types_of(insert.returning));
  compiled->insertmanyvalues = std::move(many);
  return compiled;
}

std::shared_ptr<Compiled> SQLCompiler::compile_update(const UpdateNode& update, const CacheKey& key,
                                                      const Params* params) {
  begin_statement(key);
  visit_update(update, params);
  return end_statement(types_of(update.returning));
}

std::shared_ptr<Compiled> SQLCompiler::compile_delete(const DeleteNode& del, const CacheKey& key) {
  begin_statement(key);
  visit_delete(del);
  return end_statement(types_of(del.returning));
}

// ---- statements -----------------------------------------------------------------------------

// INSERT INTO t (a, b) VALUES (?, ?)[, (?, ?)…] | INSERT INTO t DEFAULT VALUES |
// INSERT INTO t (a, b) SELECT …, then the upsert clause and RETURNING (SQL:2016 §14.11).
void SQLCompiler::visit_insert(const InsertNode& insert, const Params* params) {
  const FromNode& table = *insert.table;
  const auto column_list = [this](const std::vector<std::string>& columns) {
    out_ += " (";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i != 0) out_ += ", ";
      out_ += quote(columns[i]);
    }
    out_ += ')';
  };
  out_ += "INSERT INTO ";
  if (table.schema) out_ += quote(*table.schema) + ".";
  out_ += quote(table.name);
  if (insert.from_select) {
    column_list(insert.columns);
    out_ += ' ';
    visit_insert_select(insert);
  } else {
    detail::InsertShape shape = detail::insert_shape(insert, params);
    if (!dialect_.features().supports_sequences) drop_sequence_defaults(insert, shape);
    if (shape.columns.empty()) {
      out_ += " DEFAULT VALUES";
    } else {
      if (shape.rows.size() > 1 && !dialect_.features().supports_multivalues_insert)
        not_supported(dialect_label(dialect_) +
                      " has no multi-row VALUES: instead of values_rows(), execute insert(" +
                      table.name + ") with one parameter set per row (executemany)");
      column_list(shape.columns);
      out_ += " VALUES ";
      const std::size_t tuple_begin = out_.size();
      for (std::size_t r = 0; r < shape.rows.size(); ++r) {
        out_ += r == 0 ? "(" : ", (";
        for (std::size_t i = 0; i < shape.rows[r].size(); ++i) {
          if (i != 0) out_ += ", ";
          visit(*shape.rows[r][i]);
        }
        out_ += ')';
      }
      if (shape.rows.size() == 1) {  // the tuple insertmanyvalues repeats (compile_insert)
        state_->values_tuple_begin = tuple_begin;
        state_->values_tuple_end = out_.size();
      }
    }
  }
  if (insert.upsert != UpsertAction::kNone) {
    state_->enclosing.push_back({&table});  // nested SELECTs correlate to the target
    visit_upsert(insert);
    state_->enclosing.pop_back();
  }
  if (!insert.returning.empty()) {
    state_->returning_begin = out_.size();
    returning_clause(insert.returning);
  }
}

void SQLCompiler::visit_insert_select(const InsertNode& insert) {
  visit_select(*insert.from_select, false);
}

std::shared_ptr<const Compiled> expand_insertmanyvalues(const Compiled& single, std::size_t rows) {
  if (!single.insertmanyvalues)
    throw ArgumentError("expand_insertmanyvalues() wants a single-row INSERT … VALUES whose "
                        "placeholders are all in its VALUES tuple; this statement is not one: " +
                        single.sql);
  if (rows == 0) throw ArgumentError("expand_insertmanyvalues() wants at least 1 row, found 0");
  const InsertManyValues& many = *single.insertmanyvalues;
  const std::size_t width = single.binds.size();
  auto out = std::make_shared<Compiled>();
  out->paramstyle = single.paramstyle;
  out->result_types = single.result_types;
  std::string& sql = out->sql;
  sql.reserve(many.head.size() + many.tail.size() +
              rows * (single.sql.size() - many.head.size() - many.tail.size() + 8));
  sql += many.head;
  for (std::size_t r = 0; r < rows; ++r) {
    if (r != 0) sql += ", ";
    for (std::size_t i = 0; i < many.slots.size(); ++i) {
      sql += many.pieces[i];
      switch (single.paramstyle) {
      case ParamStyle::kQmark: sql += '?'; break;
      case ParamStyle::kFormat: sql += "%s"; break;
      case ParamStyle::kNumeric:
      case ParamStyle::kNumericDollar:
      case ParamStyle::kNamed:  // never made for named (compile_insert)
        sql += single.paramstyle == ParamStyle::kNumeric ? ':' : '$';
        sql += std::to_string(r * width + many.slots[i] + 1);
        break;
      }
    }
    sql += many.pieces.back();
  }
  sql += many.tail;
  out->binds.reserve(rows * width);
  out->bind_names.reserve(rows * width);
  for (std::size_t r = 0; r < rows; ++r) {
    out->binds.insert(out->binds.end(), single.binds.begin(), single.binds.end());
    out->bind_names.insert(out->bind_names.end(), single.bind_names.begin(),
                           single.bind_names.end());
  }
  return out;
}

// [WITH …] UPDATE t SET a=?, b=? [WHERE …] [RETURNING …] (SQL:2016 §14.14).
void SQLCompiler::visit_update(const UpdateNode& update, const Params* params) {
  const FromNode& table = *update.table;
  const auto set = detail::update_set(update, params);
  {
    std::vector<ElementPtr> parts{update.where};
    for (const auto& [column, value] : set) parts.push_back(value);
    parts.insert(parts.end(), update.returning.begin(), update.returning.end());
    with_clause(parts);
  }
  out_ += "UPDATE ";
  if (table.schema) out_ += quote(*table.schema) + ".";
  out_ += quote(table.name);
  out_ += " SET ";
  // A SELECT nested in the statement correlates to the target table (SQLAlchemy's
  // auto-correlation): "WHERE EXISTS (SELECT … FROM other WHERE other.x = t.x)".
  state_->enclosing.push_back({&table});
  for (std::size_t i = 0; i < set.size(); ++i) {
    if (i != 0) out_ += ", ";
    out_ += quote(set[i].first);
    out_ += '=';
    visit(*set[i].second);
  }
  if (update.where) {
    out_ += " WHERE ";
    visit(*update.where);
  }
  if (!update.returning.empty()) returning_clause(update.returning);
  state_->enclosing.pop_back();
}

// [WITH …] DELETE FROM t [WHERE …] [RETURNING …] (SQL:2016 §14.9).
void SQLCompiler::visit_delete(const DeleteNode& del) {
  const FromNode& table = *del.table;
  {
    std::vector<ElementPtr> parts{del.where};
    parts.insert(parts.end(), del.returning.begin(), del.returning.end());
    with_clause(parts);
  }
  out_ += "DELETE FROM ";
  if (table.schema) out_ += quote(*table.schema) + ".";
  out_ += quote(table.name);
  state_->enclosing.push_back({&table});  // nested SELECTs correlate to the target
  if (del.where) {
    out_ += " WHERE ";
    visit(*del.where);
  }
  if (!del.returning.empty()) returning_clause(del.returning);
  state_->enclosing.pop_back();
}

// The portable upsert in the dialect's style:
//   kOnConflict      ON CONFLICT (k) DO UPDATE SET c = excluded.c [WHERE …] | DO NOTHING
//                    (PostgreSQL "INSERT … ON CONFLICT", SQLite "UPSERT")
//   kOnDuplicateKey  ON DUPLICATE KEY UPDATE c = VALUES(c); DO NOTHING as k = k (MySQL)
//   kMerge, kNone    NotSupportedError
void SQLCompiler::visit_upsert(const InsertNode& insert) {
  const UpsertStyle style = dialect_.features().upsert_style;
  const auto assignments = [this](const InsertNode& ins) {
    for (std::size_t i = 0; i < ins.upsert_set.size(); ++i) {
      if (i != 0) out_ += ", ";
      out_ += quote(ins.upsert_set[i].first);
      out_ += " = ";
      visit(*ins.upsert_set[i].second);
    }
  };
  switch (style) {
  case UpsertStyle::kOnConflict:
    out_ += " ON CONFLICT";
    on_conflict_target(insert);
    if (insert.upsert == UpsertAction::kDoNothing) {
      out_ += " DO NOTHING";
      return;
    }
    out_ += " DO UPDATE SET ";
    assignments(insert);
    if (insert.upsert_where) {
      out_ += " WHERE ";
      visit(*insert.upsert_where);
    }
    return;
  case UpsertStyle::kOnDuplicateKey:
    if (insert.conflict_where || !insert.conflict_constraint.empty())
      not_supported(dialect_label(dialect_) +
                    " upserts with ON DUPLICATE KEY UPDATE, which takes no conflict target: "
                    "the upsert on '" +
                    insert.table->name +
                    "' cannot name a constraint or a partial index's predicate here");
    out_ += " ON DUPLICATE KEY UPDATE ";
    if (insert.upsert == UpsertAction::kDoNothing) {
      const std::string column = quote(noop_column(insert));
      out_ += column + " = " + column;
      return;
    }
    if (insert.upsert_where)
      not_supported(dialect_label(dialect_) +
                    " upserts with ON DUPLICATE KEY UPDATE, which has no WHERE: "
                    "on_conflict_do_update() on '" +
                    insert.table->name + "' cannot take a where criterion here");
    assignments(insert);
    return;
  case UpsertStyle::kMerge:
    not_supported(dialect_label(dialect_) +
                  " upserts with MERGE, which the framework's compiler does not render yet: the "
                  "dialect's SQLCompiler must override visit_upsert to compile "
                  "on_conflict_do_update()/on_conflict_do_nothing() on '" +
                  insert.table->name + "'");
  case UpsertStyle::kNone: break;
  }
  not_supported(dialect_label(dialect_) +
                " has no upsert (no INSERT … ON CONFLICT, ON DUPLICATE KEY UPDATE or MERGE): "
                "on_conflict_do_update()/on_conflict_do_nothing() on '" +
                insert.table->name + "' cannot be compiled for it");
}

// " (k1, k2) [WHERE index predicate]" after ON CONFLICT (PostgreSQL's conflict_target, SQLite's
// upsert-clause); the predicate names the table's columns unqualified.
void SQLCompiler::on_conflict_target(const InsertNode& insert) {
  if (!insert.conflict_constraint.empty())
    not_supported(dialect_label(dialect_) +
                  " cannot name an upsert's conflict target by "
                  "constraint (it has no ON CONFLICT ON CONSTRAINT \"" +
                  insert.conflict_constraint +
                  "\"): name the unique index's columns instead, "
                  "on_conflict_do_update({\"col\", …}, …) on '" +
                  insert.table->name + "'");
  if (insert.conflict_columns.empty()) return;
  out_ += " (";
  for (std::size_t i = 0; i < insert.conflict_columns.size(); ++i) {
    if (i != 0) out_ += ", ";
    out_ += quote(insert.conflict_columns[i]);
  }
  out_ += ')';
  if (insert.conflict_where) {
    out_ += " WHERE ";
    state_->compound_order = true;  // columns of the index predicate are written unqualified
    visit(*insert.conflict_where);
    state_->compound_order = false;
  }
}

// next_value(seq): NEXT VALUE FOR seq (SQL:2016 §6.13), where the dialect has sequences.
void SQLCompiler::visit_next_value(const Element& e) {
  const std::string name =
      (e.value.is_null() ? std::string() : quote(e.value.to_string()) + ".") + quote(e.text);
  if (!dialect_.features().supports_sequences)
    not_supported(dialect_label(dialect_) + " has no sequences: next_value(" + name +
                  ") cannot be compiled for it (a Sequence used as a column default is "
                  "ignored there, and the column numbers itself)");
  out_ += "NEXT VALUE FOR " + name;
}

// RETURNING a, b (PostgreSQL, SQLite 3.35+, MariaDB 10.5+ for INSERT/DELETE).
void SQLCompiler::returning_clause(const std::vector<ElementPtr>& columns) {
  if (!dialect_.features().supports_returning)
    not_supported(dialect_label(dialect_) +
                  " has no RETURNING: run a SELECT after the statement instead (or use "
                  "Result::lastrowid() for a generated key)");
  out_ += " RETURNING ";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i != 0) out_ += ", ";
    visit(*columns[i]);
  }
}

// excluded(t, "c"): the value the INSERT proposed for c.
void SQLCompiler::visit_excluded(const Element& e) {
  switch (dialect_.features().upsert_style) {
  case UpsertStyle::kOnConflict: out_ += "excluded." + quote(e.text); return;
  case UpsertStyle::kOnDuplicateKey: out_ += "VALUES(" + quote(e.text) + ")"; return;
  case UpsertStyle::kMerge:
  case UpsertStyle::kNone: break;
  }
  not_supported(dialect_label(dialect_) + " cannot render excluded(\"" + e.text +
                "\"): it has no INSERT … ON CONFLICT or ON DUPLICATE KEY upsert");
}

}  // namespace crucible::sql
