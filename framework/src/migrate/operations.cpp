// Migration operations (migrate/operations.hpp): names, descriptions and their SQL through the
// dialect's DDL compiler (Alembic's DefaultImpl, which does the same through SQLAlchemy's).
#include "crucible/migrate/operations.hpp"

#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "crucible/dialect.hpp"
#include "crucible/errors.hpp"
#include "crucible/migrate/command_error.hpp"

namespace crucible::migrate {

CommandError::~CommandError() = default;

MigrationStepError::MigrationStepError(std::string revision, const std::string& message)
    : CommandError(message), revision_(std::move(revision)) {}
MigrationStepError::~MigrationStepError() = default;

namespace {

// A TableData that only names a table, for the ALTER forms that need no more.
sql::TableData table_ref(const std::string& table, const std::optional<std::string>& schema) {
  sql::TableData t;
  t.name = table;
  t.schema = schema;
  return t;
}

std::string qualified(const std::string& table, const std::optional<std::string>& schema) {
  return schema ? *schema + "." + table : table;
}

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace

std::string operation_name(const Operation& op) {
  return std::visit(
      Overloaded{[](const CreateTable&) { return "create_table"; },
                 [](const DropTable&) { return "drop_table"; },
                 [](const AddColumn&) { return "add_column"; },
                 [](const DropColumn&) { return "drop_column"; },
                 [](const AlterColumn&) { return "alter_column"; },
                 [](const RenameTable&) { return "rename_table"; },
                 [](const CreateIndex&) { return "create_index"; },
                 [](const DropIndex&) { return "drop_index"; },
                 [](const CreateUniqueConstraint&) { return "create_unique_constraint"; },
                 [](const CreateForeignKey&) { return "create_foreign_key"; },
                 [](const DropConstraint&) { return "drop_constraint"; },
                 [](const ExecuteSql&) { return "execute"; }},
      op);
}

std::string target_table(const Operation& op) {
  return std::visit(
      [](const auto& o) -> std::string {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, ExecuteSql>)
          return {};
        else if constexpr (std::is_same_v<T, CreateTable>)
          return o.table.fullname();
        else
          return qualified(o.table, o.schema);
      },
      op);
}

std::string describe(const Operation& op) {
  return std::visit(
      Overloaded{[](const CreateTable& o) { return "create table " + o.table.fullname(); },
                 [](const DropTable& o) { return "drop table " + qualified(o.table, o.schema); },
                 [](const AddColumn& o) {
                   return "add column " + qualified(o.table, o.schema) + "." + o.column.name;
                 },
                 [](const DropColumn& o) {
                   return "drop column " + qualified(o.table, o.schema) + "." + o.column;
                 },
                 [](const AlterColumn& o) {
                   std::string out =
                       "alter column " + qualified(o.table, o.schema) + "." + o.column;
                   if (o.type) out += " type " + o.type->repr();
                   if (o.nullable) out += *o.nullable ? " null" : " not null";
                   if (o.server_default)
                     out += *o.server_default ? " default " + **o.server_default
                                              : std::string(" drop default");
                   if (o.new_name) out += " rename to " + *o.new_name;
                   return out;
                 },
                 [](const RenameTable& o) {
                   return "rename table " + qualified(o.table, o.schema) + " to " + o.new_name;
                 },
                 [](const CreateIndex& o) {
                   return "create index " + o.index.name + " on " + qualified(o.table, o.schema);
                 },
                 [](const DropIndex& o) {
                   return "drop index " + o.name + " on " + qualified(o.table, o.schema);
                 },
                 [](const CreateUniqueConstraint& o) {
                   return "create unique constraint " + o.constraint.name.value_or("") + " on " +
                          qualified(o.table, o.schema);
                 },
                 [](const CreateForeignKey& o) {
                   return "create foreign key " + o.foreign_key.options.name.value_or("") + " on " +
                          qualified(o.table, o.schema) + " to " + o.foreign_key.referred_table;
                 },
                 [](const DropConstraint& o) {
                   return "drop constraint " + o.name + " on " + qualified(o.table, o.schema);
                 },
                 [](const ExecuteSql&) { return std::string("execute SQL"); }},
      op);
}

bool needs_table_rebuild(const Operation& op, const Dialect& dialect) {
  if (!dialect.features().alter_requires_table_rebuild) return false;
  return std::visit(Overloaded{[](const DropColumn&) { return true; },
                               [](const AlterColumn& o) {
                                 return o.type.has_value() || o.nullable.has_value() ||
                                        o.server_default.has_value();
                               },
                               [](const CreateUniqueConstraint&) { return true; },
                               [](const CreateForeignKey&) { return true; },
                               [](const DropConstraint&) { return true; },
                               [](const auto&) { return false; }},
                    op);
}

std::vector<std::string> compile_operation(const Operation& op, const Dialect& dialect) {
  if (needs_table_rebuild(op, dialect))
    throw NotSupportedError(
        ErrorInfo{.driver_message =
                      "the dialect '" + std::string(dialect.name()) + "' cannot " + describe(op) +
                      " with ALTER TABLE; it runs as a table rebuild, which needs the live "
                      "table (run it online, not with --sql)"});
  const std::unique_ptr<sql::DDLCompiler> ddl = dialect.ddl_compiler();
  return std::visit(
      Overloaded{
          [&](const CreateTable& o) {
            std::vector<std::string> out{ddl->create_table(o.table)};
            for (std::string& index : ddl->create_indexes(o.table)) out.push_back(std::move(index));
            return out;
          },
          [&](const DropTable& o) {
            return std::vector<std::string>{ddl->drop_table(table_ref(o.table, o.schema))};
          },
          [&](const AddColumn& o) {
            return std::vector<std::string>{
                ddl->add_column(table_ref(o.table, o.schema), o.column)};
          },
          [&](const DropColumn& o) {
            return std::vector<std::string>{
                ddl->drop_column(table_ref(o.table, o.schema), o.column)};
          },
          [&](const AlterColumn& o) {
            const sql::TableData table = table_ref(o.table, o.schema);
            std::vector<std::string> out;
            if (o.type || o.nullable || o.server_default) {
              if (!o.existing_type)
                throw ArgumentError("alter_column " + qualified(o.table, o.schema) + "." +
                                    o.column +
                                    ": wanted existing_type (the column's type now), found none; "
                                    "give it in the revision, or run online so that it is read "
                                    "from the database");
              sql::AlterColumnSpec spec;
              spec.existing.name = o.column;
              spec.existing.type = *o.existing_type;
              spec.existing.nullable = o.existing_nullable.value_or(true);
              spec.existing.server_default = o.existing_server_default;
              spec.existing.autoincrement = o.existing_autoincrement;
              spec.existing.comment = o.existing_comment;
              spec.type = o.type;
              spec.nullable = o.nullable;
              spec.server_default = o.server_default;
              out = ddl->alter_column(table, spec);
            }
            if (o.new_name) out.push_back(ddl->rename_column(table, o.column, *o.new_name));
            return out;
          },
          [&](const RenameTable& o) {
            return std::vector<std::string>{
                ddl->rename_table(table_ref(o.table, o.schema), o.new_name)};
          },
          [&](const CreateIndex& o) {
            return std::vector<std::string>{
                ddl->create_index(table_ref(o.table, o.schema), o.index)};
          },
          [&](const DropIndex& o) {
            return std::vector<std::string>{ddl->drop_index(table_ref(o.table, o.schema), o.name)};
          },
          [&](const CreateUniqueConstraint& o) {
            return std::vector<std::string>{
                ddl->add_unique_constraint(table_ref(o.table, o.schema), o.constraint)};
          },
          [&](const CreateForeignKey& o) {
            return std::vector<std::string>{
                ddl->add_foreign_key(table_ref(o.table, o.schema), o.foreign_key)};
          },
          [&](const DropConstraint& o) {
            return std::vector<std::string>{
                ddl->drop_constraint(table_ref(o.table, o.schema), o.name, o.kind)};
          },
          [&](const ExecuteSql& o) { return std::vector<std::string>{o.sql}; }},
      op);
}

}  // namespace crucible::migrate
