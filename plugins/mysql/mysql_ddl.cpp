// MySQL's DDL compiler (mysql_ddl.hpp).
#include "mysql_ddl.hpp"

#include <memory>
#include <string>

#include "mysql_compiler.hpp"
#include "mysql_dialect.hpp"

namespace crucible::mysql {

std::string MysqlDDLCompiler::create_table(const sql::TableData& table) const {
  return DDLCompiler::create_table(table) +
         " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
}

std::string MysqlDDLCompiler::column_specification(const sql::TableData& table,
                                                   const sql::ColumnData& column) const {
  std::string out = DDLCompiler::column_specification(table, column);
  const sql::ColumnData* autoincrement = table.autoincrement_column();
  if (autoincrement != nullptr && autoincrement->name == column.name) out += " AUTO_INCREMENT";
  if (column.comment) out += " COMMENT " + string_literal(*column.comment);
  return out;
}

std::string MysqlDDLCompiler::enum_check(const sql::TableData& /*table*/,
                                         const sql::ColumnData& /*column*/) const {
  return {};
}

std::string MysqlDDLCompiler::add_column(const sql::TableData& table,
                                         const sql::ColumnData& column) const {
  sql::ColumnData plain = column;
  plain.foreign_key.reset();
  std::string out = DDLCompiler::add_column(table, plain);
  if (column.foreign_key)
    out += ", ADD FOREIGN KEY (" + dialect_.quote_identifier(column.name) + ") " +
           references_clause(table, column);
  return out;
}

std::vector<std::string> MysqlDDLCompiler::alter_column(const sql::TableData& table,
                                                        const sql::AlterColumnSpec& spec) const {
  std::vector<std::string> out;
  if (spec.type || spec.nullable) {
    // MODIFY restates the column: its default too, so the new default (if any) goes in it.
    sql::ColumnData column = spec.existing;
    column.primary_key = false;  // the key is the table's, unchanged by MODIFY
    if (spec.type) column.type = *spec.type;
    if (spec.nullable) column.nullable = *spec.nullable;
    if (spec.server_default) column.server_default = *spec.server_default;
    // What MODIFY would silently drop unless restated: AUTO_INCREMENT and COMMENT (the
    // revision's existing_autoincrement and existing_comment, read from the live column when
    // the revision leaves them out).
    std::string definition = DDLCompiler::column_specification(table, column);
    if (column.autoincrement.value_or(false)) definition += " AUTO_INCREMENT";
    if (column.comment) definition += " COMMENT " + string_literal(*column.comment);
    out.push_back("ALTER TABLE " + table_name(table) + " MODIFY COLUMN " + definition);
    return out;
  }
  return DDLCompiler::alter_column(table, spec);
}

std::string MysqlDDLCompiler::drop_index(const sql::TableData& table, std::string_view name) const {
  return "DROP INDEX " + dialect_.quote_identifier(name) + " ON " + table_name(table);
}

std::string MysqlDDLCompiler::drop_constraint(const sql::TableData& table, std::string_view name,
                                              sql::ConstraintKind kind) const {
  const std::string prefix = "ALTER TABLE " + table_name(table) + " ";
  switch (kind) {
  case sql::ConstraintKind::kForeignKey: {
    // InnoDB made an index named after the constraint for it unless one existed, and DROP
    // FOREIGN KEY leaves it (manual 15.1.20.5 "FOREIGN KEY Constraints"); MariaDB can drop it
    // with the key when it is there (DROP INDEX IF EXISTS, MariaDB KB "ALTER TABLE"). MySQL has
    // no IF EXISTS there, so on MySQL the index stays, as it does with Alembic.
    std::string out = prefix + "DROP FOREIGN KEY " + dialect_.quote_identifier(name);
    if (static_cast<const MysqlDialect&>(dialect_).is_mariadb())
      out += ", DROP INDEX IF EXISTS " + dialect_.quote_identifier(name);
    return out;
  }
  case sql::ConstraintKind::kUnique:
    return prefix + "DROP INDEX " + dialect_.quote_identifier(name);
  case sql::ConstraintKind::kCheck:
    return prefix + "DROP CONSTRAINT " + dialect_.quote_identifier(name);
  case sql::ConstraintKind::kPrimaryKey: return prefix + "DROP PRIMARY KEY";
  }
  return DDLCompiler::drop_constraint(table, name, kind);
}

std::unique_ptr<sql::DDLCompiler> MysqlDialect::ddl_compiler() const {
  return std::make_unique<MysqlDDLCompiler>(*this);
}

}  // namespace crucible::mysql
