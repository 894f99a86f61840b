// Reflection hooks of the "mysql" and "mariadb" dialects (mysql_dialect.hpp), from
// information_schema (MySQL 8.0 manual chapter 26 "INFORMATION_SCHEMA Tables"; MariaDB KB
// "Information Schema Tables"): SCHEMATA, TABLES, COLUMNS, KEY_COLUMN_USAGE,
// REFERENTIAL_CONSTRAINTS, TABLE_CONSTRAINTS, STATISTICS and CHECK_CONSTRAINTS. SQLAlchemy's
// MySQLDialect reads SHOW CREATE TABLE instead; information_schema gives the same facts as rows.
//
// A table is found by name in its schema, a MySQL database (nullopt: DATABASE(), the
// connection's current one). Parameters are placed for the connection's paramstyle (qmark
// under the mariadbconnector and odbc drivers).
//
// What MySQL does its own way:
//  * Column types are COLUMN_TYPE as MySQL prints it ("int(11)", "tinyint(1)",
//    "enum('a','b')", "decimal(10,2) unsigned"), which reflect_type reads. A MariaDB JSON
//    column is a LONGTEXT with CHECK (json_valid(`c`)): reported as "json".
//  * Defaults: MariaDB (10.2.7+) reports COLUMN_DEFAULT as SQL text ('abc', 0,
//    current_timestamp(), and the text NULL for none); MySQL reports a literal's bare value,
//    and an expression (EXTRA DEFAULT_GENERATED) as its text. Both come back as SQL text: a
//    MySQL literal that is not a number is quoted.
//  * The primary key is always named PRIMARY: reported without a name, as SQLAlchemy does.
//  * A foreign key's ON DELETE / ON UPDATE RESTRICT and NO ACTION are the same in InnoDB (checked
//    at once) and MariaDB reports RESTRICT where none was written: both are the default,
//    nullopt.
//  * A UNIQUE constraint and a unique index are one thing in MySQL: every unique key is
//    reported by get_unique_constraints, and get_indexes lists the other indexes, less the one
//    InnoDB makes for a foreign key (on its columns, named after the constraint, or after its
//    first column when the constraint has no name), which the Inspector's contract leaves out
//    as an implicit index of a constraint. An index a program made itself with exactly those
//    columns and that name is left out too: information_schema cannot tell the two apart.
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "crucible/dbapi.hpp"
#include "crucible/errors.hpp"
#include "mysql_compiler.hpp"
#include "mysql_dialect.hpp"

namespace crucible::mysql {

namespace {

using Rows = std::vector<std::vector<Value>>;

// sql with each '?' replaced by the placeholder of style (the n-th for the numbered styles).
// The queries below hold no '?' other than their parameters.
std::string placed(std::string_view sql, ParamStyle style) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  for (const char c : sql) {
    if (c != '?') {
      out += c;
      continue;
    }
    ++n;
    switch (style) {
    case ParamStyle::kQmark: out += '?'; break;
    case ParamStyle::kFormat: out += "%s"; break;
    case ParamStyle::kNumeric: out += ":" + std::to_string(n); break;
    case ParamStyle::kNumericDollar: out += "$" + std::to_string(n); break;
    case ParamStyle::kNamed: out += ":p" + std::to_string(n); break;
    }
  }
  return out;
}

Rows query(DbapiConnection& conn, std::string_view sql, std::vector<Value> params = {}) {
  const std::unique_ptr<Cursor> cursor = conn.cursor();
  cursor->execute(placed(sql, conn.paramstyle()), params);
  return cursor->fetchall();
}

// information_schema's columns are text; some servers hand names back as bytes (a binary
// collation), so both are read.
std::string text(const Value& value) {
  if (const auto* s = std::get_if<std::string>(&value.storage())) return *s;
  if (const auto* b = std::get_if<Bytes>(&value.storage()))
    return std::string(reinterpret_cast<const char*>(b->data()), b->size());
  if (value.is_null()) return {};
  return value.to_string();
}

// The schema parameter: NULL means DATABASE().
Value schema_param(const std::optional<std::string>& schema) {
  return schema ? Value(*schema) : Value();
}

std::string schema_label(const std::optional<std::string>& schema) {
  return schema ? "database '" + *schema + "'" : "the current database";
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool is_number(const std::string& text) {
  if (text.empty()) return false;
  try {
    (void)Decimal::parse(text);
    return true;
  } catch (const Error&) {
    return false;
  }
}

// COLUMN_DEFAULT as SQL text (see the file comment), or nullopt for none.
std::optional<std::string> default_text(const Value& value, const std::string& extra,
                                        bool mariadb) {
  if (value.is_null()) return std::nullopt;
  std::string text_value = text(value);
  if (mariadb) {
    if (text_value == "NULL") return std::nullopt;
    return text_value;
  }
  if (lower(extra).find("default_generated") != std::string::npos) return text_value;
  if (is_number(text_value)) return text_value;
  return string_literal(text_value);
}

std::optional<std::string> referential_action(const std::string& rule) {
  if (rule.empty() || rule == "NO ACTION" || rule == "RESTRICT") return std::nullopt;
  return rule;
}

constexpr std::string_view kSchema = "COALESCE(?, DATABASE())";

void require_table(const MysqlDialect& dialect, DbapiConnection& conn, std::string_view table,
                   const std::optional<std::string>& schema) {
  if (!dialect.has_table(conn, table, schema))
    throw NoSuchTableError("no table or view named '" + std::string(table) + "' in " +
                           schema_label(schema));
}

// The names of the table's keys of one CONSTRAINT_TYPE with their columns in key order.
std::map<std::string, std::vector<std::string>>
constraint_columns(DbapiConnection& conn, std::string_view table,
                   const std::optional<std::string>& schema, std::string_view type) {
  const std::string sql =
      "SELECT tc.CONSTRAINT_NAME, kcu.COLUMN_NAME FROM information_schema.TABLE_CONSTRAINTS tc "
      "JOIN information_schema.KEY_COLUMN_USAGE kcu ON kcu.CONSTRAINT_SCHEMA = "
      "tc.CONSTRAINT_SCHEMA AND kcu.CONSTRAINT_NAME = tc.CONSTRAINT_NAME AND kcu.TABLE_NAME = "
      "tc.TABLE_NAME WHERE tc.TABLE_SCHEMA = " +
      std::string(kSchema) +
      " AND tc.TABLE_NAME = ? AND tc.CONSTRAINT_TYPE = ? "
      "ORDER BY tc.CONSTRAINT_NAME, kcu.ORDINAL_POSITION";
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& row : query(
           conn, sql, {schema_param(schema), Value(std::string(table)), Value(std::string(type))}))
    out[text(row[0])].push_back(text(row[1]));
  return out;
}

}  // namespace

// Every database but MySQL's own (information_schema, mysql, performance_schema, sys).
std::vector<std::string> MysqlDialect::get_schema_names(DbapiConnection& conn) const {
  std::vector<std::string> names;
  for (const auto& row :
       query(conn, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN "
                   "('information_schema', 'mysql', 'performance_schema', 'sys') "
                   "ORDER BY SCHEMA_NAME"))
    names.push_back(text(row.front()));
  std::sort(names.begin(), names.end());  // by bytes, whatever the server's collation
  return names;
}

std::vector<std::string>
MysqlDialect::get_table_names(DbapiConnection& conn,
                              const std::optional<std::string>& schema) const {
  std::vector<std::string> names;
  const std::string sql = "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                          std::string(kSchema) +
                          " AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') "
                          "ORDER BY TABLE_NAME";
  for (const auto& row : query(conn, sql, {schema_param(schema)}))
    names.push_back(text(row.front()));
  std::sort(names.begin(), names.end());  // by bytes, whatever the server's collation
  return names;
}

std::vector<std::string>
MysqlDialect::get_view_names(DbapiConnection& conn,
                             const std::optional<std::string>& schema) const {
  std::vector<std::string> names;
  const std::string sql = "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                          std::string(kSchema) + " AND TABLE_TYPE = 'VIEW' ORDER BY TABLE_NAME";
  for (const auto& row : query(conn, sql, {schema_param(schema)}))
    names.push_back(text(row.front()));
  std::sort(names.begin(), names.end());  // by bytes, whatever the server's collation
  return names;
}

bool MysqlDialect::has_table(DbapiConnection& conn, std::string_view table,
                             const std::optional<std::string>& schema) const {
  const std::string sql =
      "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + std::string(kSchema) +
      " AND TABLE_NAME = ?";
  return !query(conn, sql, {schema_param(schema), Value(std::string(table))}).empty();
}

bool MysqlDialect::has_sequence(DbapiConnection& /*conn*/, std::string_view /*sequence*/,
                                const std::optional<std::string>& /*schema*/) const {
  return false;
}

std::vector<ReflectedColumn>
MysqlDialect::get_columns(DbapiConnection& conn, std::string_view table,
                          const std::optional<std::string>& schema) const {
  const std::string sql =
      "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT "
      "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
      std::string(kSchema) + " AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";
  const Rows rows = query(conn, sql, {schema_param(schema), Value(std::string(table))});
  if (rows.empty()) require_table(*this, conn, table, schema);
  // MariaDB's JSON columns: LONGTEXT with CHECK (json_valid(`c`)) (MariaDB 10.2+ has
  // CHECK_CONSTRAINTS; MySQL's JSON is a type of its own).
  std::set<std::string> json_columns;
  if (is_mariadb()) {
    const std::string checks =
        "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = " +
        std::string(kSchema) + " AND TABLE_NAME = ?";
    for (const auto& row : query(conn, checks, {schema_param(schema), Value(std::string(table))})) {
      const std::string clause = text(row.front());
      constexpr std::string_view kPrefix = "json_valid(`";
      if (clause.starts_with(kPrefix) && clause.ends_with("`)"))
        json_columns.insert(clause.substr(kPrefix.size(), clause.size() - kPrefix.size() - 2));
    }
  }
  std::vector<ReflectedColumn> columns;
  for (const auto& row : rows) {
    ReflectedColumn c;
    c.name = text(row[0]);
    c.type = text(row[1]);
    if (json_columns.count(c.name) != 0 && lower(c.type) == "longtext") c.type = "json";
    c.nullable = text(row[2]) == "YES";
    const std::string extra = text(row[4]);
    c.default_ = default_text(row[3], extra, is_mariadb());
    c.autoincrement = lower(extra).find("auto_increment") != std::string::npos;
    if (std::string comment = text(row[5]); !comment.empty()) c.comment = std::move(comment);
    columns.push_back(std::move(c));
  }
  return columns;
}

ReflectedPrimaryKey
MysqlDialect::get_pk_constraint(DbapiConnection& conn, std::string_view table,
                                const std::optional<std::string>& schema) const {
  ReflectedPrimaryKey pk;
  auto keys = constraint_columns(conn, table, schema, "PRIMARY KEY");
  if (keys.empty()) {
    require_table(*this, conn, table, schema);
    return pk;
  }
  pk.constrained_columns = std::move(keys.begin()->second);
  return pk;
}

std::vector<ReflectedForeignKey>
MysqlDialect::get_foreign_keys(DbapiConnection& conn, std::string_view table,
                               const std::optional<std::string>& schema) const {
  const std::string sql =
      "SELECT kcu.CONSTRAINT_NAME, kcu.COLUMN_NAME, kcu.REFERENCED_TABLE_SCHEMA, "
      "kcu.REFERENCED_TABLE_NAME, kcu.REFERENCED_COLUMN_NAME, rc.UPDATE_RULE, rc.DELETE_RULE, "
      "kcu.TABLE_SCHEMA FROM information_schema.KEY_COLUMN_USAGE kcu "
      "JOIN information_schema.REFERENTIAL_CONSTRAINTS rc ON rc.CONSTRAINT_SCHEMA = "
      "kcu.CONSTRAINT_SCHEMA AND rc.CONSTRAINT_NAME = kcu.CONSTRAINT_NAME AND rc.TABLE_NAME = "
      "kcu.TABLE_NAME WHERE kcu.TABLE_SCHEMA = " +
      std::string(kSchema) +
      " AND kcu.TABLE_NAME = ? AND kcu.REFERENCED_TABLE_NAME IS NOT NULL "
      "ORDER BY kcu.CONSTRAINT_NAME, kcu.ORDINAL_POSITION";
  std::vector<ReflectedForeignKey> fks;
  for (const auto& row : query(conn, sql, {schema_param(schema), Value(std::string(table))})) {
    const std::string name = text(row[0]);
    if (fks.empty() || fks.back().name != name) {
      ReflectedForeignKey fk;
      fk.name = name;
      const std::string referred_schema = text(row[2]);
      if (referred_schema != text(row[7])) fk.referred_schema = referred_schema;
      fk.referred_table = text(row[3]);
      fk.on_update = referential_action(text(row[5]));
      fk.on_delete = referential_action(text(row[6]));
      fks.push_back(std::move(fk));
    }
    fks.back().constrained_columns.push_back(text(row[1]));
    fks.back().referred_columns.push_back(text(row[4]));
  }
  return fks;
}

std::vector<ReflectedIndex>
MysqlDialect::get_indexes(DbapiConnection& conn, std::string_view table,
                          const std::optional<std::string>& schema) const {
  const std::string sql =
      "SELECT INDEX_NAME, COLUMN_NAME, NON_UNIQUE FROM information_schema.STATISTICS "
      "WHERE TABLE_SCHEMA = " +
      std::string(kSchema) +
      " AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME, SEQ_IN_INDEX";
  std::vector<ReflectedIndex> indexes;
  for (const auto& row : query(conn, sql, {schema_param(schema), Value(std::string(table))})) {
    const std::string name = text(row[0]);
    if (indexes.empty() || indexes.back().name != name) {
      ReflectedIndex index;
      index.name = name;
      const Value& non_unique = row[2];
      index.unique = non_unique.kind() == ValueKind::kInt ? non_unique.as<std::int64_t>() == 0
                                                          : text(non_unique) == "0";
      indexes.push_back(std::move(index));
    }
    indexes.back().column_names.push_back(text(row[1]));  // NULL (an expression part): ""
  }
  // Unique keys are get_unique_constraints'; the index InnoDB made for a foreign key carries
  // the constraint's name and columns.
  const auto fks = get_foreign_keys(conn, table, schema);
  std::erase_if(indexes, [&](const ReflectedIndex& index) {
    if (index.unique) return true;
    return std::any_of(fks.begin(), fks.end(), [&](const ReflectedForeignKey& fk) {
      return fk.constrained_columns == index.column_names &&
             (fk.name == index.name || fk.constrained_columns.front() == index.name);
    });
  });
  return indexes;
}

std::vector<ReflectedUniqueConstraint>
MysqlDialect::get_unique_constraints(DbapiConnection& conn, std::string_view table,
                                     const std::optional<std::string>& schema) const {
  std::vector<ReflectedUniqueConstraint> out;
  for (auto& [name, columns] : constraint_columns(conn, table, schema, "UNIQUE"))
    out.push_back(ReflectedUniqueConstraint{name, std::move(columns)});
  return out;
}

// information_schema.CHECK_CONSTRAINTS: MariaDB (10.2+) gives each check's table and names a
// column-level check after its column; MySQL (8.0.16+) has no TABLE_NAME there, so its checks
// are found through TABLE_CONSTRAINTS (https://mariadb.com/kb/en/information-schema-check_constraints-table/,
// https://dev.mysql.com/doc/refman/8.0/en/information-schema-check-constraints-table.html).
// MariaDB's own CHECK (json_valid(`c`)) on a JSON column, named after it, is left out.
std::vector<ReflectedCheckConstraint>
MysqlDialect::get_check_constraints(DbapiConnection& conn, std::string_view table,
                                    const std::optional<std::string>& schema) const {
  const std::string sql =
      is_mariadb()
          ? "SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
            "WHERE CONSTRAINT_SCHEMA = " +
                std::string(kSchema) + " AND TABLE_NAME = ? ORDER BY CONSTRAINT_NAME"
          : "SELECT tc.CONSTRAINT_NAME, cc.CHECK_CLAUSE FROM information_schema.TABLE_CONSTRAINTS "
            "tc JOIN information_schema.CHECK_CONSTRAINTS cc ON cc.CONSTRAINT_SCHEMA = "
            "tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME WHERE "
            "tc.CONSTRAINT_TYPE = 'CHECK' AND tc.TABLE_SCHEMA = " +
                std::string(kSchema) + " AND tc.TABLE_NAME = ? ORDER BY tc.CONSTRAINT_NAME";
  std::vector<ReflectedCheckConstraint> out;
  for (const auto& row : query(conn, sql, {schema_param(schema), Value(std::string(table))})) {
    std::string name = text(row[0]);
    std::string clause = text(row[1]);
    if (is_mariadb() && clause == "json_valid(`" + name + "`)") continue;
    out.push_back(ReflectedCheckConstraint{std::move(name), std::move(clause)});
  }
  return out;
}

}  // namespace crucible::mysql
