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

std::unique_ptr<sql::DDLCompiler> MysqlDialect::ddl_compiler() const {
  return std::make_unique<MysqlDDLCompiler>(*this);
}

}  // namespace crucible::mysql
