// TypeCompiler and DDLCompiler (sql/compiler.hpp): generic types to standard SQL names and
// tables to CREATE TABLE / DROP TABLE / CREATE INDEX (SQLAlchemy's GenericTypeCompiler and
// DDLCompiler). Dialects subclass both and override what their database spells differently.
//
// CREATE TABLE follows SQLAlchemy's layout: one column or constraint per line, the column
// definitions first ("name TYPE [DEFAULT x] [NOT NULL]"), then PRIMARY KEY (…), UNIQUE (…),
// CHECK (…) and FOREIGN KEY (…) REFERENCES … (SQL:2016 Part 2 §11.3 <table definition>).
#include <string>
#include <vector>

#include "crucible/dialect.hpp"
#include "crucible/errors.hpp"
#include "crucible/sql/compiler.hpp"
#include "schema_internal.hpp"

namespace crucible::sql {

namespace {

// "CONSTRAINT name " for a named constraint, "" otherwise.
std::string optional_name(const Dialect& dialect, const std::optional<std::string>& name) {
  return name && !name->empty() ? "CONSTRAINT " + dialect.quote_identifier(*name) + " " : "";
}

// "a, b, c": names quoted as needed, comma-separated.
std::string columns_list(const Dialect& dialect, const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i ? ", " : "") + dialect.quote_identifier(names[i]);
  return out;
}

}  // namespace

// ---- TypeCompiler ---------------------------------------------------------------------------

TypeCompiler::~TypeCompiler() = default;

std::string TypeCompiler::process(const SqlType& type) const {
  const auto with_length = [&](std::string name) {
    return type.length() ? name + "(" + std::to_string(*type.length()) + ")" : name;
  };
  switch (type.kind()) {
  case TypeKind::kNull: break;
  case TypeKind::kInteger: return "INTEGER";
  case TypeKind::kSmallInteger: return "SMALLINT";
  case TypeKind::kBigInteger: return "BIGINT";
  case TypeKind::kFloat: return "REAL";
  case TypeKind::kDouble: return "DOUBLE PRECISION";
  case TypeKind::kNumeric: {
    if (!type.precision()) return "NUMERIC";
    std::string out = "NUMERIC(" + std::to_string(*type.precision());
    if (type.scale()) out += ", " + std::to_string(*type.scale());
    return out + ")";
  }
  case TypeKind::kString: return with_length("VARCHAR");
  case TypeKind::kText: return "TEXT";
  case TypeKind::kBoolean: return "BOOLEAN";
  case TypeKind::kDate: return "DATE";
  case TypeKind::kTime: return type.timezone() ? "TIME WITH TIME ZONE" : "TIME";
  case TypeKind::kDateTime: return type.timezone() ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP";
  case TypeKind::kLargeBinary: return "BLOB";
  case TypeKind::kUuid: return "CHAR(32)";
  case TypeKind::kJson: return "JSON";
  case TypeKind::kEnum: return with_length("VARCHAR");
  }
  throw NotSupportedError(ErrorInfo{
      .driver_message = "wanted a SQL type to name in DDL, found the untyped (NullType) type; "
                        "give the column a type such as Integer{} or String{50}"});
}

// ---- DDLCompiler ----------------------------------------------------------------------------

DDLCompiler::DDLCompiler(const Dialect& dialect) : dialect_(dialect) {}
DDLCompiler::~DDLCompiler() = default;

std::string DDLCompiler::table_name(const TableData& table) const {
  std::string out;
  if (table.schema) out = dialect_.quote_identifier(*table.schema) + ".";
  return out + dialect_.quote_identifier(table.name);
}

std::string DDLCompiler::column_specification(const TableData& /*table*/,
                                              const ColumnData& column) const {
  std::string out =
      dialect_.quote_identifier(column.name) + " " + dialect_.type_compiler().process(column.type);
  if (column.server_default) out += " DEFAULT " + *column.server_default;
  if (!column.is_nullable()) out += " NOT NULL";
  return out;
}

std::string DDLCompiler::enum_check(const TableData& /*table*/, const ColumnData& column) const {
  if (column.type.kind() != TypeKind::kEnum || column.type.enum_values().empty()) return {};
  std::string out = dialect_.quote_identifier(column.name) + " IN (";
  const auto& values = column.type.enum_values();
  for (std::size_t i = 0; i < values.size(); ++i)
    out += (i ? ", " : "") + string_literal(values[i]);
  return out + ")";
}

std::string DDLCompiler::create_table(const TableData& table) const {
  std::vector<std::string> items;
  for (const ColumnData& column : table.columns)
    items.push_back(column_specification(table, column));
  if (!table.primary_key.empty())
    items.push_back(optional_name(dialect_, table.primary_key_name) + "PRIMARY KEY (" +
                    columns_list(dialect_, table.primary_key) + ")");
  for (const ColumnData& column : table.columns)  // unique and indexed: a unique index instead
    if (column.unique && !column.index)
      items.push_back("UNIQUE (" + dialect_.quote_identifier(column.name) + ")");
  for (const UniqueConstraint& u : table.uniques)
    items.push_back(optional_name(dialect_, u.name) + "UNIQUE (" +
                    columns_list(dialect_, u.columns) + ")");
  for (const ColumnData& column : table.columns)
    if (std::string check = enum_check(table, column); !check.empty())
      items.push_back("CHECK (" + check + ")");
  for (const CheckConstraint& c : table.checks)
    items.push_back(optional_name(dialect_, c.name) + "CHECK (" + c.sql + ")");
  for (const ForeignKeyData& fk : table.foreign_keys)
    items.push_back(foreign_key_clause(table, fk));
  std::string out = "CREATE TABLE " + table_name(table) + " (";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ",\n\t" : "\n\t") + items[i];
  return out + "\n)";
}

std::string DDLCompiler::foreign_key_clause(const TableData& table,
                                            const ForeignKeyData& fk) const {
  const std::string where =
      "the foreign key (" + columns_list(dialect_, fk.columns) + ") of table " + table.fullname();
  std::string item = optional_name(dialect_, fk.options.name) + "FOREIGN KEY (" +
                     columns_list(dialect_, fk.columns) + ") REFERENCES ";
  if (fk.referred_schema) item += dialect_.quote_identifier(*fk.referred_schema) + ".";
  item += dialect_.quote_identifier(fk.referred_table);
  if (!fk.referred_columns.empty())
    item += " (" + columns_list(dialect_, fk.referred_columns) + ")";
  if (fk.options.ondelete)
    item += " ON DELETE " + detail::foreign_key_action(*fk.options.ondelete, where);
  if (fk.options.onupdate)
    item += " ON UPDATE " + detail::foreign_key_action(*fk.options.onupdate, where);
  return item;
}

std::string DDLCompiler::drop_table(const TableData& table) const {
  return "DROP TABLE " + table_name(table);
}

std::string DDLCompiler::create_index(const TableData& table, const Index& index) const {
  std::string out = index.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
  out += dialect_.quote_identifier(index.name) + " ON " + table_name(table) + " (";
  for (std::size_t i = 0; i < index.columns.size(); ++i)
    out += (i ? ", " : "") + dialect_.quote_identifier(index.columns[i]);
  return out + ")";
}

// [schema.]name of a sequence, each part quoted as needed.
namespace {
std::string sequence_name(const Dialect& dialect, const Sequence& sequence) {
  if (sequence.name.empty())
    throw ArgumentError("wanted a sequence name for CREATE/DROP SEQUENCE, found \"\"");
  std::string out;
  if (sequence.schema) out = dialect.quote_identifier(*sequence.schema) + ".";
  return out + dialect.quote_identifier(sequence.name);
}
}  // namespace

std::string DDLCompiler::create_sequence(const Sequence& sequence) const {
  std::string out = "CREATE SEQUENCE " + sequence_name(dialect_, sequence);
  if (sequence.increment) out += " INCREMENT BY " + std::to_string(*sequence.increment);
  if (sequence.start) out += " START WITH " + std::to_string(*sequence.start);
  return out;
}

std::string DDLCompiler::drop_sequence(const Sequence& sequence) const {
  return "DROP SEQUENCE " + sequence_name(dialect_, sequence);
}

bool DDLCompiler::creates_type(const SqlType& /*type*/) const { return false; }

std::string DDLCompiler::create_type(const SqlType& type) const {
  throw NotSupportedError(ErrorInfo{.driver_message = "the dialect '" +
                                                      std::string(dialect_.name()) +
                                                      "' creates no types apart from tables; "
                                                      "wanted none for " +
                                                      type.repr()});
}

std::string DDLCompiler::drop_type(const SqlType& type) const { return create_type(type); }

std::vector<std::string> DDLCompiler::create_indexes(const TableData& table) const {
  std::vector<std::string> out;
  for (const ColumnData& column : table.columns) {  // index=True: SQLAlchemy's ix_<table>_<col>
    if (!column.index) continue;
    out.push_back(create_index(
        table, Index{"ix_" + table.name + "_" + column.name, {column.name}, column.unique}));
  }
  for (const Index& index : table.indexes) out.push_back(create_index(table, index));
  return out;
}

// ---- ALTER TABLE ----------------------------------------------------------------------------

std::string DDLCompiler::references_clause(const TableData& table, const ColumnData& column) const {
  if (!column.foreign_key) return {};
  // "schema.table.column" or "table.column", as ForeignKey's target.
  const std::string& target = column.foreign_key->target;
  const std::size_t dot = target.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == target.size())
    throw ArgumentError("wanted a foreign key target \"table.column\" for column " +
                        table.fullname() + "." + column.name + ", found \"" + target + "\"");
  ForeignKeyData fk;
  fk.columns = {column.name};
  std::string referred = target.substr(0, dot);
  if (const std::size_t schema_dot = referred.rfind('.'); schema_dot != std::string::npos) {
    fk.referred_schema = referred.substr(0, schema_dot);
    referred = referred.substr(schema_dot + 1);
  }
  fk.referred_table = referred;
  fk.referred_columns = {target.substr(dot + 1)};
  fk.options = column.foreign_key->options;
  const std::string clause = foreign_key_clause(table, fk);
  return clause.substr(clause.find("REFERENCES "));
}

std::string DDLCompiler::add_column(const TableData& table, const ColumnData& column) const {
  std::string out =
      "ALTER TABLE " + table_name(table) + " ADD COLUMN " + column_specification(table, column);
  if (column.foreign_key) out += " " + references_clause(table, column);
  return out;
}

std::string DDLCompiler::drop_column(const TableData& table, std::string_view column) const {
  return "ALTER TABLE " + table_name(table) + " DROP COLUMN " + dialect_.quote_identifier(column);
}

std::vector<std::string> DDLCompiler::alter_column(const TableData& table,
                                                   const AlterColumnSpec& spec) const {
  const std::string prefix = "ALTER TABLE " + table_name(table) + " ALTER COLUMN " +
                             dialect_.quote_identifier(spec.existing.name) + " ";
  std::vector<std::string> out;
  if (spec.type)
    out.push_back(prefix + "SET DATA TYPE " + dialect_.type_compiler().process(*spec.type));
  if (spec.nullable) out.push_back(prefix + (*spec.nullable ? "DROP NOT NULL" : "SET NOT NULL"));
  if (spec.server_default)
    out.push_back(prefix + (*spec.server_default ? "SET DEFAULT " + **spec.server_default
                                                 : std::string("DROP DEFAULT")));
  return out;
}

std::string DDLCompiler::rename_table(const TableData& table, std::string_view new_name) const {
  return "ALTER TABLE " + table_name(table) + " RENAME TO " + dialect_.quote_identifier(new_name);
}

std::string DDLCompiler::rename_column(const TableData& table, std::string_view column,
                                       std::string_view new_name) const {
  return "ALTER TABLE " + table_name(table) + " RENAME COLUMN " +
         dialect_.quote_identifier(column) + " TO " + dialect_.quote_identifier(new_name);
}

std::string DDLCompiler::drop_index(const TableData& table, std::string_view name) const {
  std::string out = "DROP INDEX ";
  if (table.schema) out += dialect_.quote_identifier(*table.schema) + ".";
  return out + dialect_.quote_identifier(name);
}

std::string DDLCompiler::add_unique_constraint(const TableData& table,
                                               const UniqueConstraint& constraint) const {
  return "ALTER TABLE " + table_name(table) + " ADD " + optional_name(dialect_, constraint.name) +
         "UNIQUE (" + columns_list(dialect_, constraint.columns) + ")";
}

std::string DDLCompiler::add_foreign_key(const TableData& table, const ForeignKeyData& fk) const {
  return "ALTER TABLE " + table_name(table) + " ADD " + foreign_key_clause(table, fk);
}

std::string DDLCompiler::drop_constraint(const TableData& table, std::string_view name,
                                         ConstraintKind /*kind*/) const {
  return "ALTER TABLE " + table_name(table) + " DROP CONSTRAINT " + dialect_.quote_identifier(name);
}

}  // namespace crucible::sql
