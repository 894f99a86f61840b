// Reflection hooks of the "postgresql" dialect (postgresql_dialect.hpp), after SQLAlchemy's
// dialects/postgresql/base.py (PGDialect.get_*): catalog queries on pg_class, pg_namespace,
// pg_attribute, pg_attrdef, pg_constraint and pg_index (PostgreSQL 15 manual, chapter 53
// "System Catalogs"), with format_type() for declared types and pg_get_expr() for defaults.
//
// A table is found by name in its schema (nullopt: current_schema()) among ordinary and
// partitioned tables, views, materialized views and foreign tables; the per-table queries then
// go by its oid. Parameters travel as $n binds, or as ? for a qmark driver (odbc).
#include <algorithm>
#include <map>
#include <memory>
#include <span>
#include <tuple>
#include <utility>
#include <variant>

#include "crucible/dbapi.hpp"
#include "crucible/errors.hpp"
#include "postgresql_dialect.hpp"

namespace crucible::postgresql {

namespace {

using Rows = std::vector<std::vector<Value>>;

// sql, written with $n markers, for a driver whose paramstyle is qmark (the odbc driver): each
// $n becomes ? and params are laid out in the order the markers appear, repeating a value whose
// marker repeats. The catalog queries hold no '$' inside literals or identifiers.
std::pair<std::string, std::vector<Value>> to_qmark(std::string_view sql,
                                                    const std::vector<Value>& params) {
  std::string out;
  std::vector<Value> placed;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] != '$' || i + 1 >= sql.size() || sql[i + 1] < '1' || sql[i + 1] > '9') {
      out += sql[i];
      continue;
    }
    std::size_t end = i + 1;
    std::size_t number = 0;
    while (end < sql.size() && sql[end] >= '0' && sql[end] <= '9') {
      number = number * 10 + static_cast<std::size_t>(sql[end] - '0');
      ++end;
    }
    if (number > params.size()) {
      throw ArgumentError("catalog query marker $" + std::to_string(number) + " has no value (" +
                          std::to_string(params.size()) + " given)");
    }
    out += '?';
    placed.push_back(params[number - 1]);
    i = end - 1;
  }
  return {std::move(out), std::move(placed)};
}

Rows query(DbapiConnection& conn, std::string_view sql, std::vector<Value> params = {}) {
  const std::unique_ptr<Cursor> cursor = conn.cursor();
  switch (conn.paramstyle()) {
  case ParamStyle::kNumericDollar: cursor->execute(sql, params); break;
  case ParamStyle::kQmark: {
    const auto [text, placed] = to_qmark(sql, params);
    cursor->execute(text, placed);
    break;
  }
  default:
    throw NotSupportedError(ErrorInfo{
        "0A000", 0,
        "PostgreSQL reflection runs its catalog queries with $n or ? parameters; the driver's "
        "paramstyle is " +
            std::string(paramstyle_name(conn.paramstyle())),
        std::string(sql)});
  }
  return cursor->fetchall();
}

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
  return 0;
}
bool boolean(const Value& value) {
  if (const auto* b = std::get_if<bool>(&value.storage())) return *b;
  return false;
}

// The schema argument of the catalog queries: NULL means current_schema().
Value schema_param(const std::optional<std::string>& schema) {
  return schema ? Value(*schema) : Value();
}

// The schema to name in messages.
std::string schema_label(const std::optional<std::string>& schema) {
  return schema ? "schema '" + *schema + "'" : "the current schema";
}

// relkind: r table, p partitioned table, v view, m materialized view, f foreign table.
constexpr std::string_view kFindRelation =
    "SELECT c.oid FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relname = $1 AND n.nspname = COALESCE($2, current_schema()) "
    "AND c.relkind IN ('r', 'p', 'v', 'm', 'f')";

// The oid of table, or nullopt when there is none.
std::optional<std::int64_t> relation_oid(DbapiConnection& conn, std::string_view table,
                                         const std::optional<std::string>& schema) {
  const Rows rows = query(conn, kFindRelation, {Value(std::string(table)), schema_param(schema)});
  if (rows.empty()) return std::nullopt;
  return integer(rows.front().front());
}

std::int64_t require_relation(DbapiConnection& conn, std::string_view table,
                              const std::optional<std::string>& schema) {
  const auto oid = relation_oid(conn, table, schema);
  if (!oid) {
    throw NoSuchTableError("no table or view named '" + std::string(table) + "' in " +
                           schema_label(schema));
  }
  return *oid;
}

std::vector<std::string> relation_names(DbapiConnection& conn, std::string_view kinds,
                                        const std::optional<std::string>& schema) {
  const std::string sql = "SELECT c.relname FROM pg_catalog.pg_class c "
                          "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                          "WHERE n.nspname = COALESCE($1, current_schema()) AND c.relkind IN (" +
                          std::string(kinds) + ") ORDER BY c.relname";
  std::vector<std::string> names;
  for (const auto& row : query(conn, sql, {schema_param(schema)})) {
    names.push_back(text(row.front()));
  }
  return names;
}

// Whether sql, given the name ($1) and the schema ($2, NULL for current_schema()), finds a row.
bool catalog_has(DbapiConnection& conn, std::string_view sql, std::string_view name,
                 const std::optional<std::string>& schema) {
  return !query(conn, sql, {Value(std::string(name)), schema_param(schema)}).empty();
}

// pg_constraint's confupdtype / confdeltype letter as SQL; nullopt for the default NO ACTION.
std::optional<std::string> referential_action(const std::string& code) {
  if (code == "r") return "RESTRICT";
  if (code == "c") return "CASCADE";
  if (code == "n") return "SET NULL";
  if (code == "d") return "SET DEFAULT";
  return std::nullopt;
}

}  // namespace

// pg_namespace less the system's own: pg_catalog, pg_toast, the per-session pg_temp_N /
// pg_toast_temp_N, and information_schema (SQLAlchemy's PGDialect.get_schema_names).
std::vector<std::string> PostgresqlDialect::get_schema_names(DbapiConnection& conn) const {
  std::vector<std::string> names;
  for (const auto& row : query(conn, "SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname "
                                     "NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' "
                                     "ORDER BY nspname"))
    names.push_back(row.front().as<std::string>());
  return names;
}

std::vector<std::string>
PostgresqlDialect::get_table_names(DbapiConnection& conn,
                                   const std::optional<std::string>& schema) const {
  return relation_names(conn, "'r', 'p'", schema);
}

std::vector<std::string>
PostgresqlDialect::get_view_names(DbapiConnection& conn,
                                  const std::optional<std::string>& schema) const {
  return relation_names(conn, "'v'", schema);
}

bool PostgresqlDialect::has_table(DbapiConnection& conn, std::string_view table,
                                  const std::optional<std::string>& schema) const {
  return relation_oid(conn, table, schema).has_value();
}

bool PostgresqlDialect::has_sequence(DbapiConnection& conn, std::string_view sequence,
                                     const std::optional<std::string>& schema) const {
  return catalog_has(conn,
                     "SELECT 1 FROM pg_catalog.pg_class c "
                     "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                     "WHERE c.relname = $1 AND n.nspname = COALESCE($2, current_schema()) "
                     "AND c.relkind = 'S'",
                     sequence, schema);
}

bool PostgresqlDialect::has_type(DbapiConnection& conn, std::string_view type,
                                 const std::optional<std::string>& schema) const {
  return catalog_has(conn,
                     "SELECT 1 FROM pg_catalog.pg_type t "
                     "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
                     "WHERE t.typname = $1 AND n.nspname = COALESCE($2, current_schema())",
                     type, schema);
}

std::vector<ReflectedColumn>
PostgresqlDialect::get_columns(DbapiConnection& conn, std::string_view table,
                               const std::optional<std::string>& schema) const {
  const std::int64_t oid = require_relation(conn, table, schema);
  // attidentity: 'a' ALWAYS, 'd' BY DEFAULT, '' none; attgenerated: 's' stored, '' none.
  constexpr std::string_view kColumns =
      "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, "
      "pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, "
      "pg_catalog.col_description(a.attrelid, a.attnum), t.typtype, t.typname, a.atttypid "
      "FROM pg_catalog.pg_attribute a "
      "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
      "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
      "WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped "
      "ORDER BY a.attnum";
  std::vector<ReflectedColumn> columns;
  for (const auto& row : query(conn, kColumns, {Value(oid)})) {
    ReflectedColumn column;
    column.name = text(row[0]);
    column.type = text(row[1]);
    column.nullable = !boolean(row[2]);
    const std::string identity = text(row[4]);
    const bool generated = !text(row[5]).empty();
    // A generated column's expression is not a default (SQLAlchemy reports it as "computed").
    if (!generated) column.default_ = optional_text(row[3]);
    // serial columns default to nextval('…_seq'::regclass); identity columns have no default.
    const bool serial = column.default_ && column.default_->rfind("nextval(", 0) == 0;
    column.autoincrement = identity == "a" || identity == "d" || serial;
    column.comment = optional_text(row[6]);
    if (text(row[7]) == "e") {  // an enum type: its name and labels (pg_enum)
      column.enum_name = text(row[8]);
      constexpr std::string_view kLabels = "SELECT enumlabel FROM pg_catalog.pg_enum "
                                           "WHERE enumtypid = $1::oid ORDER BY enumsortorder";
      for (const auto& label : query(conn, kLabels, {row[9]}))
        column.enum_values.push_back(text(label.front()));
    }
    columns.push_back(std::move(column));
  }
  return columns;
}

ReflectedPrimaryKey
PostgresqlDialect::get_pk_constraint(DbapiConnection& conn, std::string_view table,
                                     const std::optional<std::string>& schema) const {
  const std::int64_t oid = require_relation(conn, table, schema);
  constexpr std::string_view kPrimaryKey =
      "SELECT con.conname, a.attname FROM pg_catalog.pg_constraint con "
      "CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) "
      "JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum "
      "WHERE con.conrelid = $1::oid AND con.contype = 'p' ORDER BY k.ord";
  ReflectedPrimaryKey pk;
  for (const auto& row : query(conn, kPrimaryKey, {Value(oid)})) {
    pk.name = text(row[0]);
    pk.constrained_columns.push_back(text(row[1]));
  }
  return pk;
}

std::vector<ReflectedForeignKey>
PostgresqlDialect::get_foreign_keys(DbapiConnection& conn, std::string_view table,
                                    const std::optional<std::string>& schema) const {
  const auto oid = relation_oid(conn, table, schema);
  if (!oid) return {};
  constexpr std::string_view kForeignKeys =
      "SELECT con.conname, con.confupdtype::text, con.confdeltype::text, rn.nspname, "
      "rc.relname, a.attname, ra.attname, "
      "(rn.nspname = COALESCE($2, current_schema())) AS same_schema "
      "FROM pg_catalog.pg_constraint con "
      "JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid "
      "JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
      "CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, refnum, "
      "ord) "
      "JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum "
      "JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refnum "
      "WHERE con.conrelid = $1::oid AND con.contype = 'f' ORDER BY con.conname, k.ord";
  std::vector<ReflectedForeignKey> keys;
  for (const auto& row : query(conn, kForeignKeys, {Value(*oid), schema_param(schema)})) {
    const std::string name = text(row[0]);
    if (keys.empty() || keys.back().name != name) {
      ReflectedForeignKey fk;
      fk.name = name;
      fk.on_update = referential_action(text(row[1]));
      fk.on_delete = referential_action(text(row[2]));
      // As SQLAlchemy: the referred schema is named when the table's schema was, or when the
      // referred table lives in another schema than the default one.
      if (schema || !boolean(row[7])) fk.referred_schema = text(row[3]);
      fk.referred_table = text(row[4]);
      keys.push_back(std::move(fk));
    }
    keys.back().constrained_columns.push_back(text(row[5]));
    keys.back().referred_columns.push_back(text(row[6]));
  }
  return keys;
}

std::vector<ReflectedIndex>
PostgresqlDialect::get_indexes(DbapiConnection& conn, std::string_view table,
                               const std::optional<std::string>& schema) const {
  const auto oid = relation_oid(conn, table, schema);
  if (!oid) return {};
  // Key columns only (not INCLUDE ones); attnum 0 is an expression. Indexes that implement a
  // primary key, unique or exclusion constraint belong to that constraint and are left out.
  constexpr std::string_view kIndexes =
      "SELECT i.relname, ix.indisunique, a.attname "
      "FROM pg_catalog.pg_index ix "
      "JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid "
      "CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) "
      "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum "
      "WHERE ix.indrelid = $1::oid AND k.ord <= ix.indnkeyatts "
      "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con "
      "WHERE con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid "
      "AND con.contype IN ('p', 'u', 'x')) "
      "ORDER BY i.relname, k.ord";
  std::vector<ReflectedIndex> indexes;
  for (const auto& row : query(conn, kIndexes, {Value(*oid)})) {
    const std::string name = text(row[0]);
    if (indexes.empty() || indexes.back().name != name) {
      indexes.push_back(ReflectedIndex{name, {}, boolean(row[1])});
    }
    indexes.back().column_names.push_back(text(row[2]));  // "" for an expression
  }
  return indexes;
}

std::vector<ReflectedUniqueConstraint>
PostgresqlDialect::get_unique_constraints(DbapiConnection& conn, std::string_view table,
                                          const std::optional<std::string>& schema) const {
  const auto oid = relation_oid(conn, table, schema);
  if (!oid) return {};
  constexpr std::string_view kUnique =
      "SELECT con.conname, a.attname FROM pg_catalog.pg_constraint con "
      "CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) "
      "JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum "
      "WHERE con.conrelid = $1::oid AND con.contype = 'u' ORDER BY con.conname, k.ord";
  std::vector<ReflectedUniqueConstraint> constraints;
  for (const auto& row : query(conn, kUnique, {Value(*oid)})) {
    const std::string name = text(row[0]);
    if (constraints.empty() || constraints.back().name != name) {
      constraints.push_back(ReflectedUniqueConstraint{name, {}});
    }
    constraints.back().column_names.push_back(text(row[1]));
  }
  return constraints;
}

// pg_constraint rows of contype 'c', printed by pg_get_constraintdef as "CHECK (cond)" (with
// " NOT VALID" for one not yet validated): the condition is what lies between, as SQLAlchemy's
// PGDialect.get_check_constraints takes it
// (https://www.postgresql.org/docs/15/catalog-pg-constraint.html).
std::vector<ReflectedCheckConstraint>
PostgresqlDialect::get_check_constraints(DbapiConnection& conn, std::string_view table,
                                         const std::optional<std::string>& schema) const {
  const auto oid = relation_oid(conn, table, schema);
  if (!oid) return {};
  constexpr std::string_view kChecks =
      "SELECT con.conname, pg_catalog.pg_get_constraintdef(con.oid, true) "
      "FROM pg_catalog.pg_constraint con "
      "WHERE con.conrelid = $1::oid AND con.contype = 'c' ORDER BY con.conname";
  std::vector<ReflectedCheckConstraint> checks;
  for (const auto& row : query(conn, kChecks, {Value(*oid)})) {
    std::string def = text(row[1]);
    constexpr std::string_view kNotValid = " NOT VALID";
    if (def.size() > kNotValid.size() && def.ends_with(kNotValid))
      def.erase(def.size() - kNotValid.size());
    constexpr std::string_view kCheck = "CHECK (";
    if (def.starts_with(kCheck) && def.ends_with(")"))
      def = def.substr(kCheck.size(), def.size() - kCheck.size() - 1);
    checks.push_back(ReflectedCheckConstraint{text(row[0]), std::move(def)});
  }
  return checks;
}

}  // namespace crucible::postgresql
