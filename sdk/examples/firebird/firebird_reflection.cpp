// The firebird dialect's reflection (firebird_dialect.hpp) over the RDB$ system tables
// (Firebird 3.0 Language Reference, appendix D). Names are stored as CHAR(31), blank-padded and
// upper-cased when written unquoted: each query TRIMs them, binds the denormalised name, and
// hands back normalised ones.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "crucible/errors.hpp"
#include "fbclient_errors.hpp"
#include "firebird_dialect.hpp"

namespace crucible::firebird {

namespace {

using Rows = std::vector<std::vector<Value>>;

// Runs one catalogue query with the names in params. A name longer than the 31 bytes of
// RDB$ names (CHAR(31); Language Reference appendix D) names nothing: no rows, so that
// has_table() is false and get_columns() raises NoSuchTableError, as for any other missing name.
Rows query(DbapiConnection& conn, const std::string& sql, std::vector<Value> params = {}) {
  for (const Value& p : params)
    if (p.kind() == ValueKind::kString && p.as<std::string>().size() > 31) return {};
  auto cursor = conn.cursor();
  cursor->execute(sql, params);
  return cursor->fetchall();
}

std::string text(const Value& v) { return v.is_null() ? std::string() : v.as<std::string>(); }
std::int64_t integer(const Value& v) { return v.is_null() ? 0 : v.as<std::int64_t>(); }

void no_schemas(const std::optional<std::string>& schema) {
  if (schema)
    throw NotSupportedError(error_info("Firebird has no schemas: reflection "
                                       "cannot look in schema '" +
                                       *schema + "'"));
}

// The DDL name of a column's domain (RDB$FIELDS; the type codes of Language Reference appendix
// D, RDB$FIELDS.RDB$FIELD_TYPE).
std::string declared_type(std::int64_t type, std::int64_t subtype, std::int64_t precision,
                          std::int64_t scale, std::int64_t char_length, std::int64_t charset) {
  const auto numeric = [&](const char* plain) -> std::string {
    if (subtype == 0 && scale == 0) return plain;
    return std::string(subtype == 2 ? "DECIMAL(" : "NUMERIC(") + std::to_string(precision) + "," +
           std::to_string(-scale) + ")";
  };
  const std::string octets = charset == 1 ? " CHARACTER SET OCTETS" : "";
  switch (type) {
  case 7: return numeric("SMALLINT");
  case 8: return numeric("INTEGER");
  case 16: return numeric("BIGINT");
  case 10: return "FLOAT";
  case 27: return "DOUBLE PRECISION";
  case 12: return "DATE";
  case 13: return "TIME";
  case 35: return "TIMESTAMP";
  case 14: return "CHAR(" + std::to_string(char_length) + ")" + octets;
  case 37: return "VARCHAR(" + std::to_string(char_length) + ")" + octets;
  case 261: return subtype == 1 ? "BLOB SUB_TYPE TEXT" : "BLOB SUB_TYPE BINARY";
  case 23: return "BOOLEAN";
  default: return "UNKNOWN(" + std::to_string(type) + ")";
  }
}

// The columns of each constraint of type kind on table, by constraint name, in key order.
std::vector<std::pair<std::string, std::vector<std::string>>>
constraint_columns(const FirebirdDialect& d, DbapiConnection& conn, std::string_view table,
                   const char* kind) {
  const Rows rows = query(conn,
                          "SELECT TRIM(rc.RDB$CONSTRAINT_NAME), TRIM(s.RDB$FIELD_NAME) "
                          "FROM RDB$RELATION_CONSTRAINTS rc "
                          "JOIN RDB$INDEX_SEGMENTS s ON s.RDB$INDEX_NAME = rc.RDB$INDEX_NAME "
                          "WHERE rc.RDB$RELATION_NAME = ? AND rc.RDB$CONSTRAINT_TYPE = ? "
                          "ORDER BY rc.RDB$CONSTRAINT_NAME, s.RDB$FIELD_POSITION",
                          {d.denormalize_name(table), kind});
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& r : rows) {
    const std::string name = d.normalize_name(text(r[0]));
    if (out.empty() || out.back().first != name) out.emplace_back(name, std::vector<std::string>{});
    out.back().second.push_back(d.normalize_name(text(r[1])));
  }
  return out;
}

std::vector<std::string> relations(const FirebirdDialect& d, DbapiConnection& conn, bool views) {
  std::vector<std::string> out;
  for (const auto& r : query(conn, std::string("SELECT TRIM(RDB$RELATION_NAME) FROM RDB$RELATIONS "
                                               "WHERE COALESCE(RDB$SYSTEM_FLAG, 0) = 0 AND "
                                               "RDB$VIEW_BLR IS ") +
                                       (views ? "NOT NULL" : "NULL")))
    out.push_back(d.normalize_name(text(r[0])));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::vector<std::string> FirebirdDialect::get_schema_names(DbapiConnection& /*conn*/) const {
  return {};
}

std::vector<std::string>
FirebirdDialect::get_table_names(DbapiConnection& conn,
                                 const std::optional<std::string>& schema) const {
  no_schemas(schema);
  return relations(*this, conn, false);
}

std::vector<std::string>
FirebirdDialect::get_view_names(DbapiConnection& conn,
                                const std::optional<std::string>& schema) const {
  no_schemas(schema);
  return relations(*this, conn, true);
}

bool FirebirdDialect::has_table(DbapiConnection& conn, std::string_view table,
                                const std::optional<std::string>& schema) const {
  no_schemas(schema);
  return !query(conn, "SELECT 1 FROM RDB$RELATIONS WHERE RDB$RELATION_NAME = ?",
                {denormalize_name(table)})
              .empty();
}

bool FirebirdDialect::has_sequence(DbapiConnection& conn, std::string_view sequence,
                                   const std::optional<std::string>& schema) const {
  no_schemas(schema);
  return !query(conn, "SELECT 1 FROM RDB$GENERATORS WHERE RDB$GENERATOR_NAME = ?",
                {denormalize_name(sequence)})
              .empty();
}

std::vector<ReflectedColumn>
FirebirdDialect::get_columns(DbapiConnection& conn, std::string_view table,
                             const std::optional<std::string>& schema) const {
  no_schemas(schema);
  const Rows rows = query(
      conn,
      "SELECT TRIM(rf.RDB$FIELD_NAME), f.RDB$FIELD_TYPE, f.RDB$FIELD_SUB_TYPE, "
      "f.RDB$FIELD_PRECISION, f.RDB$FIELD_SCALE, f.RDB$CHARACTER_LENGTH, "
      "f.RDB$CHARACTER_SET_ID, COALESCE(rf.RDB$NULL_FLAG, f.RDB$NULL_FLAG, 0), "
      "COALESCE(rf.RDB$DEFAULT_SOURCE, f.RDB$DEFAULT_SOURCE), rf.RDB$IDENTITY_TYPE, "
      "rf.RDB$DESCRIPTION "
      "FROM RDB$RELATION_FIELDS rf JOIN RDB$FIELDS f ON f.RDB$FIELD_NAME = rf.RDB$FIELD_SOURCE "
      "WHERE rf.RDB$RELATION_NAME = ? ORDER BY rf.RDB$FIELD_POSITION",
      {denormalize_name(table)});
  if (rows.empty() && !has_table(conn, table, schema))
    throw NoSuchTableError("no table '" + std::string(table) + "' in the Firebird database");
  std::vector<ReflectedColumn> out;
  for (const auto& r : rows) {
    ReflectedColumn c;
    c.name = normalize_name(text(r[0]));
    c.type = declared_type(integer(r[1]), integer(r[2]), integer(r[3]), integer(r[4]),
                           integer(r[5]), integer(r[6]));
    c.nullable = integer(r[7]) == 0;
    if (!r[8].is_null()) {
      std::string d = text(r[8]);
      const auto b = d.find_first_not_of(" \t\r\n");
      d = b == std::string::npos ? std::string() : d.substr(b);
      if (d.size() >= 7 && (d.compare(0, 7, "DEFAULT") == 0 || d.compare(0, 7, "default") == 0))
        d = d.substr(7);
      const auto s = d.find_first_not_of(" \t\r\n");
      c.default_ = s == std::string::npos ? std::string() : d.substr(s);
    }
    c.autoincrement = !r[9].is_null();
    if (!r[10].is_null()) c.comment = text(r[10]);
    out.push_back(std::move(c));
  }
  return out;
}

ReflectedPrimaryKey
FirebirdDialect::get_pk_constraint(DbapiConnection& conn, std::string_view table,
                                   const std::optional<std::string>& schema) const {
  no_schemas(schema);
  if (!has_table(conn, table, schema))
    throw NoSuchTableError("no table '" + std::string(table) + "' in the Firebird database");
  ReflectedPrimaryKey pk;
  for (auto& [name, columns] : constraint_columns(*this, conn, table, "PRIMARY KEY")) {
    pk.name = name;
    pk.constrained_columns = columns;
  }
  return pk;
}

std::vector<ReflectedForeignKey>
FirebirdDialect::get_foreign_keys(DbapiConnection& conn, std::string_view table,
                                  const std::optional<std::string>& schema) const {
  no_schemas(schema);
  const Rows rows = query(
      conn,
      "SELECT TRIM(rc.RDB$CONSTRAINT_NAME), TRIM(s.RDB$FIELD_NAME), TRIM(ix2.RDB$RELATION_NAME), "
      "TRIM(s2.RDB$FIELD_NAME), TRIM(ref.RDB$UPDATE_RULE), TRIM(ref.RDB$DELETE_RULE) "
      "FROM RDB$RELATION_CONSTRAINTS rc "
      "JOIN RDB$REF_CONSTRAINTS ref ON ref.RDB$CONSTRAINT_NAME = rc.RDB$CONSTRAINT_NAME "
      "JOIN RDB$INDICES ix1 ON ix1.RDB$INDEX_NAME = rc.RDB$INDEX_NAME "
      "JOIN RDB$INDICES ix2 ON ix2.RDB$INDEX_NAME = ix1.RDB$FOREIGN_KEY "
      "JOIN RDB$INDEX_SEGMENTS s ON s.RDB$INDEX_NAME = ix1.RDB$INDEX_NAME "
      "JOIN RDB$INDEX_SEGMENTS s2 ON s2.RDB$INDEX_NAME = ix2.RDB$INDEX_NAME "
      "AND s2.RDB$FIELD_POSITION = s.RDB$FIELD_POSITION "
      "WHERE rc.RDB$RELATION_NAME = ? AND rc.RDB$CONSTRAINT_TYPE = 'FOREIGN KEY' "
      "ORDER BY rc.RDB$CONSTRAINT_NAME, s.RDB$FIELD_POSITION",
      {denormalize_name(table)});
  const auto rule = [](const std::string& r) -> std::optional<std::string> {
    if (r.empty() || r == "RESTRICT") return std::nullopt;  // Firebird's default
    return r;
  };
  std::vector<ReflectedForeignKey> out;
  for (const auto& r : rows) {
    const std::string name = normalize_name(text(r[0]));
    if (out.empty() || out.back().name != name) {
      ReflectedForeignKey fk;
      fk.name = name;
      fk.referred_table = normalize_name(text(r[2]));
      fk.on_update = rule(text(r[4]));
      fk.on_delete = rule(text(r[5]));
      out.push_back(std::move(fk));
    }
    out.back().constrained_columns.push_back(normalize_name(text(r[1])));
    out.back().referred_columns.push_back(normalize_name(text(r[3])));
  }
  return out;
}

std::vector<ReflectedIndex>
FirebirdDialect::get_indexes(DbapiConnection& conn, std::string_view table,
                             const std::optional<std::string>& schema) const {
  no_schemas(schema);
  const Rows rows = query(
      conn,
      "SELECT TRIM(ix.RDB$INDEX_NAME), COALESCE(ix.RDB$UNIQUE_FLAG, 0), TRIM(s.RDB$FIELD_NAME) "
      "FROM RDB$INDICES ix LEFT JOIN RDB$INDEX_SEGMENTS s ON s.RDB$INDEX_NAME = ix.RDB$INDEX_NAME "
      "WHERE ix.RDB$RELATION_NAME = ? AND COALESCE(ix.RDB$SYSTEM_FLAG, 0) = 0 AND NOT EXISTS "
      "(SELECT 1 FROM RDB$RELATION_CONSTRAINTS rc WHERE rc.RDB$INDEX_NAME = ix.RDB$INDEX_NAME) "
      "ORDER BY ix.RDB$INDEX_NAME, s.RDB$FIELD_POSITION",
      {denormalize_name(table)});
  std::vector<ReflectedIndex> out;
  for (const auto& r : rows) {
    const std::string name = normalize_name(text(r[0]));
    if (out.empty() || out.back().name != name)
      out.push_back(ReflectedIndex{name, {}, integer(r[1]) == 1});
    out.back().column_names.push_back(r[2].is_null() ? std::string() : normalize_name(text(r[2])));
  }
  return out;
}

std::vector<ReflectedUniqueConstraint>
FirebirdDialect::get_unique_constraints(DbapiConnection& conn, std::string_view table,
                                        const std::optional<std::string>& schema) const {
  no_schemas(schema);
  std::vector<ReflectedUniqueConstraint> out;
  for (auto& [name, columns] : constraint_columns(*this, conn, table, "UNIQUE"))
    out.push_back(ReflectedUniqueConstraint{name, columns});
  return out;
}

std::vector<ReflectedCheckConstraint>
FirebirdDialect::get_check_constraints(DbapiConnection& conn, std::string_view table,
                                       const std::optional<std::string>& schema) const {
  no_schemas(schema);
  const Rows rows = query(conn,
                          "SELECT TRIM(rc.RDB$CONSTRAINT_NAME), t.RDB$TRIGGER_SOURCE "
                          "FROM RDB$RELATION_CONSTRAINTS rc "
                          "JOIN RDB$CHECK_CONSTRAINTS cc ON cc.RDB$CONSTRAINT_NAME = "
                          "rc.RDB$CONSTRAINT_NAME "
                          "JOIN RDB$TRIGGERS t ON t.RDB$TRIGGER_NAME = cc.RDB$TRIGGER_NAME "
                          "WHERE rc.RDB$RELATION_NAME = ? AND rc.RDB$CONSTRAINT_TYPE = 'CHECK' "
                          "AND t.RDB$TRIGGER_TYPE = 1 ORDER BY rc.RDB$CONSTRAINT_NAME",
                          {denormalize_name(table)});
  std::vector<ReflectedCheckConstraint> out;
  for (const auto& r : rows) {
    std::string source = text(r[1]);  // "CHECK (qty > 0)" (or "check (…)")
    const auto open = source.find('(');
    const auto close = source.rfind(')');
    if (open != std::string::npos && close != std::string::npos && close > open)
      source = source.substr(open + 1, close - open - 1);
    out.push_back(ReflectedCheckConstraint{normalize_name(text(r[0])), source});
  }
  return out;
}

}  // namespace crucible::firebird
