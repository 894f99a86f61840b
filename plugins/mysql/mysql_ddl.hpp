#pragma once
// MySQL's and MariaDB's DDL (SQLAlchemy's dialects/mysql/base.py MySQLDDLCompiler), for MySQL 8.0
// and MariaDB 10.11 (MySQL manual 13.1.20 "CREATE TABLE Statement"):
//
//  * The table's autoincrement column (TableData::autoincrement_column(): the lone integer
//    primary key column, or the one with autoincrement(true)) is declared AUTO_INCREMENT; the
//    driver reports the number it got as Result::lastrowid().
//  * Every table ends in ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin: InnoDB for
//    transactions, savepoints and enforced foreign keys whatever default_storage_engine says;
//    utf8mb4 (all of Unicode; MySQL's "utf8" is the 3-byte subset) whatever the database's
//    character set is; and the binary collation, so that strings compare and sort by code point
//    as they do on SQLite and PostgreSQL (C collation) and the same query gives the same rows
//    in the same order on all three ('a' = 'A' is false, 'Dave' sorts before 'bob'). The
//    server's default collations (utf8mb4_general_ci on MariaDB, utf8mb4_0900_ai_ci on MySQL 8)
//    compare case- and accent-insensitively, which SQLAlchemy leaves to the user; a program that
//    wants that declares its own tables, or uses ilike() (lower(x) LIKE lower(y)).
//  * A column comment is written inline, COMMENT '…'.
//  * Enums are native ENUM('a', …) columns (mysql_types.hpp), so they get no CHECK.
//  * Indexes, unique constraints, CHECK constraints (enforced from MySQL 8.0.16 and MariaDB
//    10.2) and foreign keys are the standard forms of the base; a server_default is written as
//    given (MySQL wants an expression default of a TEXT, BLOB or JSON column in parentheses).
#include <string>
#include <string_view>
#include <vector>

#include "crucible/sql/compiler.hpp"

namespace crucible::mysql {

/// The DDL compiler of the mysql and mariadb dialects; see the file comment. Stateless.
class MysqlDDLCompiler final : public sql::DDLCompiler {
 public:
  using DDLCompiler::DDLCompiler;
  /// The base's CREATE TABLE followed by " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
  /// COLLATE=utf8mb4_bin".
  std::string create_table(const sql::TableData& table) const override;
  /// name TYPE [DEFAULT …] [NOT NULL] [AUTO_INCREMENT] [COMMENT '…'].
  std::string column_specification(const sql::TableData& table,
                                   const sql::ColumnData& column) const override;
  /// "": MySQL's ENUM is native.
  std::string enum_check(const sql::TableData& table, const sql::ColumnData& column) const override;

  // ALTER TABLE (manual 13.1.9 "ALTER TABLE Statement"; MariaDB KB "ALTER TABLE"):
  /// ADD COLUMN, then ADD FOREIGN KEY in the same statement for a column with a ForeignKey
  /// (MySQL parses an inline REFERENCES and ignores it).
  std::string add_column(const sql::TableData& table, const sql::ColumnData& column) const override;
  /// A type or nullability change is MODIFY COLUMN with the whole new definition (existing
  /// merged with the changes); a default alone is ALTER COLUMN c SET DEFAULT / DROP DEFAULT.
  std::vector<std::string> alter_column(const sql::TableData& table,
                                        const sql::AlterColumnSpec& spec) const override;
  /// DROP INDEX name ON table.
  std::string drop_index(const sql::TableData& table, std::string_view name) const override;
  /// DROP FOREIGN KEY name (on MariaDB with DROP INDEX IF EXISTS name, the index InnoDB made
  /// for it), DROP INDEX name (a unique constraint is an index), DROP CONSTRAINT name
  /// for a CHECK,
  /// DROP PRIMARY KEY.
  std::string drop_constraint(const sql::TableData& table, std::string_view name,
                              sql::ConstraintKind kind) const override;
};

}  // namespace crucible::mysql
