// Table reflection (sql/schema.hpp): Table::reflect and MetaData::reflect build table
// definitions from the dialect's reflection hooks (SQLAlchemy's autoload_with and
// MetaData.reflect), with each declared type mapped back through Dialect::reflect_type.
//
// As SQLAlchemy's resolve_fks=True, Table::reflect also reflects the tables its foreign keys
// refer to that the MetaData does not hold yet, so joins between them can be derived.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crucible/dialect.hpp"
#include "crucible/engine.hpp"
#include "crucible/errors.hpp"
#include "crucible/sql/schema.hpp"

namespace crucible::sql {

namespace {

// The table `name` of `schema`, read through conn's dialect and added to metadata; with
// resolve_fks the tables it refers to as well.
Table reflect_into(Connection& conn, std::string_view name,
                   const std::optional<std::string>& schema, MetaData& metadata, bool resolve_fks) {
  const Dialect& dialect = conn.dialect();
  DbapiConnection& dbapi = conn.dbapi_connection();
  auto data = std::make_shared<TableData>();
  data->name = std::string(name);
  data->schema = schema;

  // Columns first: get_columns throws NoSuchTableError for a table that does not exist.
  for (const ReflectedColumn& rc : dialect.get_columns(dbapi, name, schema)) {
    ColumnData column;
    column.name = rc.name;
    column.type = rc.enum_name.empty() ? dialect.reflect_type(rc.type)
                                       : SqlType(Enum(rc.enum_values, rc.enum_name));
    column.nullable = rc.nullable;
    column.server_default = rc.default_;
    if (rc.autoincrement) column.autoincrement = true;
    column.comment = rc.comment;
    data->columns.push_back(std::move(column));
  }
  const ReflectedPrimaryKey pk = dialect.get_pk_constraint(dbapi, name, schema);
  data->primary_key = pk.constrained_columns;
  data->primary_key_name = pk.name;
  for (ColumnData& column : data->columns) {
    for (const std::string& key : pk.constrained_columns) {
      if (column.name != key) continue;
      column.primary_key = true;
      column.nullable = false;  // a key column holds no NULL, whatever the catalog says
    }
  }
  for (const ReflectedForeignKey& rfk : dialect.get_foreign_keys(dbapi, name, schema)) {
    ForeignKeyData fk;
    fk.columns = rfk.constrained_columns;
    fk.referred_schema = rfk.referred_schema;
    fk.referred_table = rfk.referred_table;
    fk.referred_columns = rfk.referred_columns;
    fk.options = ForeignKeyOptions{rfk.name, rfk.on_delete, rfk.on_update};
    // A one-column key is also the column's ForeignKey, as a declared table has it.
    if (fk.columns.size() == 1 && fk.referred_columns.size() == 1) {
      for (ColumnData& column : data->columns) {
        if (column.name != fk.columns.front()) continue;
        std::string target = fk.referred_table + "." + fk.referred_columns.front();
        if (fk.referred_schema) target = *fk.referred_schema + "." + target;
        column.foreign_key = ForeignKey{std::move(target), fk.options};
      }
    }
    data->foreign_keys.push_back(std::move(fk));
  }
  for (const ReflectedIndex& ri : dialect.get_indexes(dbapi, name, schema)) {
    // An index on an expression has no column list to rebuild it from (SQLAlchemy skips
    // these too).
    bool expression = false;
    for (const std::string& c : ri.column_names) expression = expression || c.empty();
    if (!expression) data->indexes.push_back(Index{ri.name, ri.column_names, ri.unique});
  }
  for (const ReflectedUniqueConstraint& ru : dialect.get_unique_constraints(dbapi, name, schema))
    data->uniques.push_back(UniqueConstraint{ru.column_names, ru.name});
  for (ReflectedCheckConstraint& rc : dialect.get_check_constraints(dbapi, name, schema))
    data->checks.push_back(CheckConstraint{std::move(rc.sqltext), std::move(rc.name)});

  auto node = std::make_shared<FromNode>();
  node->kind = FromKind::kTable;
  node->name = data->name;
  node->schema = data->schema;
  for (const ColumnData& c : data->columns) node->columns.push_back(ColumnDesc{c.name, c.type});
  node->table = data;
  metadata.add_table(data, node);

  if (resolve_fks) {
    for (const ForeignKeyData& fk : data->foreign_keys) {
      const std::optional<std::string> fk_schema = fk.referred_schema ? fk.referred_schema : schema;
      const std::string fullname =
          fk_schema ? *fk_schema + "." + fk.referred_table : fk.referred_table;
      if (metadata.contains(fullname)) continue;
      try {
        reflect_into(conn, fk.referred_table, fk_schema, metadata, true);
      } catch (const NoSuchTableError&) {
        // A foreign key to a table the database does not have (SQLite allows it): the table
        // itself still reflects, as the database holds it.
      }
    }
  }
  return Table(std::move(node));
}

}  // namespace

Table Table::reflect(std::string_view name, MetaData& metadata, const Engine& engine,
                     const std::optional<std::string>& schema) {
  Connection conn = engine.connect();
  return reflect_into(conn, name, schema, metadata, true);
}

Table Table::reflect(std::string_view name, MetaData& metadata, Connection& conn,
                     const std::optional<std::string>& schema) {
  return reflect_into(conn, name, schema, metadata, true);
}

void MetaData::reflect(const Engine& engine, const std::optional<std::string>& schema) {
  Connection conn = engine.connect();
  for (const std::string& name : conn.dialect().get_table_names(conn.dbapi_connection(), schema)) {
    const std::string fullname = schema ? *schema + "." + name : name;
    if (!contains(fullname)) reflect_into(conn, name, schema, *this, false);
  }
}

}  // namespace crucible::sql
