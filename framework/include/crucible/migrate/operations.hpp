#pragma once
// Migration operations (Alembic's alembic.operations.ops): the schema changes a revision's
// upgrade and downgrade lists hold, compiled to SQL by the target database's own DDL compiler
// when the revision runs (so one revision serves every dialect).
//
// Tables are named by `table` and optional `schema`. Operations that need a table's current
// definition on a dialect whose ALTER TABLE cannot make the change (DialectFeatures::
// alter_requires_table_rebuild) are run by the MigrationContext as a table rebuild; see
// needs_table_rebuild().
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "crucible/sql/compiler.hpp"
#include "crucible/sql/schema.hpp"

namespace crucible {
class Dialect;
}

namespace crucible::migrate {

/// op.create_table: the whole table (columns, primary key, uniques, checks, foreign keys and
/// indexes), created with its indexes.
struct CreateTable {
  sql::TableData table;
};
/// op.drop_table.
struct DropTable {
  std::string table;
  std::optional<std::string> schema;
};
/// op.add_column.
struct AddColumn {
  std::string table;
  std::optional<std::string> schema;
  sql::ColumnData column;
};
/// op.drop_column.
struct DropColumn {
  std::string table;
  std::optional<std::string> schema;
  std::string column;
};
/// op.alter_column: any of a new type, nullability, server default and name. existing_* say
/// what the column is now; where they are unset the MigrationContext reads them from the live
/// database (offline, --sql, a database that restates the whole column needs them given).
struct AlterColumn {
  std::string table;
  std::optional<std::string> schema;
  std::string column;
  std::optional<SqlType> type;
  std::optional<bool> nullable;
  /// A set optional holding nullopt drops the default.
  std::optional<std::optional<std::string>> server_default;
  std::optional<std::string> new_name;
  std::optional<SqlType> existing_type;
  std::optional<bool> existing_nullable;
  std::optional<std::string> existing_server_default;
  /// Whether the database numbers the column itself, and its comment (Alembic's
  /// existing_autoincrement and existing_comment): kept by a database that restates the whole
  /// column (MySQL's MODIFY COLUMN would drop AUTO_INCREMENT and COMMENT otherwise).
  std::optional<bool> existing_autoincrement;
  std::optional<std::string> existing_comment;
};
/// op.rename_table.
struct RenameTable {
  std::string table;
  std::optional<std::string> schema;
  std::string new_name;
};
/// op.create_index.
struct CreateIndex {
  std::string table;
  std::optional<std::string> schema;
  sql::Index index;
};
/// op.drop_index.
struct DropIndex {
  std::string table;
  std::optional<std::string> schema;
  std::string name;
};
/// op.create_unique_constraint; the constraint must be named (a later drop names it).
struct CreateUniqueConstraint {
  std::string table;
  std::optional<std::string> schema;
  sql::UniqueConstraint constraint;
};
/// op.create_foreign_key; fk.options.name must be set.
struct CreateForeignKey {
  std::string table;
  std::optional<std::string> schema;
  sql::ForeignKeyData foreign_key;
};
/// op.drop_constraint (type_ "unique", "foreignkey", "check" or "primary").
struct DropConstraint {
  std::string table;
  std::optional<std::string> schema;
  std::string name;
  sql::ConstraintKind kind{sql::ConstraintKind::kUnique};
};
/// op.execute: SQL run as written (a data migration, or DDL no operation covers).
struct ExecuteSql {
  std::string sql;
};

/// One schema change.
using Operation = std::variant<CreateTable, DropTable, AddColumn, DropColumn, AlterColumn,
                               RenameTable, CreateIndex, DropIndex, CreateUniqueConstraint,
                               CreateForeignKey, DropConstraint, ExecuteSql>;

/// The operation's name as a revision file spells it ("create_table", "alter_column"…).
std::string operation_name(const Operation& op);

/// One line for people: "create table books", "add column books.isbn", "execute SQL".
std::string describe(const Operation& op);

/// The table the operation changes, or "" for ExecuteSql.
std::string target_table(const Operation& op);

/// Whether op cannot be done with ALTER TABLE on dialect (its alter_requires_table_rebuild is
/// set and op is neither a CREATE/DROP TABLE, CREATE/DROP INDEX, ADD COLUMN, RENAME nor SQL),
/// so that it must run as a table rebuild.
bool needs_table_rebuild(const Operation& op, const Dialect& dialect);

/// The SQL statements of op for dialect, in order. For an AlterColumn, existing_type (and,
/// where the dialect restates the column, existing_nullable, existing_server_default,
/// existing_autoincrement and existing_comment) must be set; the MigrationContext fills them
/// from the live database. Throws ArgumentError for
/// an operation that is incomplete (an unnamed constraint to create, an AlterColumn without its
/// existing type where one is needed) and NotSupportedError for one needing a table rebuild on
/// dialect (see needs_table_rebuild).
std::vector<std::string> compile_operation(const Operation& op, const Dialect& dialect);

}  // namespace crucible::migrate
