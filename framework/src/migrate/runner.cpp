// Running revisions (migrate/runner.hpp), after Alembic's MigrationContext.run_migrations.
#include "crucible/migrate/runner.hpp"

#include <algorithm>
#include <exception>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "crucible/dialect.hpp"
#include "crucible/errors.hpp"
#include "crucible/inspection.hpp"
#include "crucible/migrate/command_error.hpp"
#include "crucible/sql/compiler.hpp"
#include "crucible/sql/text.hpp"
#include "join.hpp"
#include "table_rebuild.hpp"

namespace crucible::migrate {

namespace {

sql::TableData version_table() {
  sql::TableData t;
  t.name = std::string(kVersionTable);
  sql::ColumnData c;
  c.name = "version_num";
  c.type = String{32};
  c.primary_key = true;
  c.nullable = false;
  t.columns.push_back(c);
  t.primary_key = {"version_num"};
  return t;
}

// "Running upgrade a -> b, message" / "Running downgrade b -> a, message" (Alembic's wording).
std::string running_line(const Revision& r, bool upgrading) {
  const std::string parents = detail::join(r.down_revisions);
  return upgrading ? "Running upgrade " + parents + " -> " + r.id + ", " + r.message
                   : "Running downgrade " + r.id + " -> " + parents + ", " + r.message;
}

// An AlterColumn with what it does not say about the column now read from the database.
AlterColumn with_existing(Connection& conn, const AlterColumn& op) {
  if (op.existing_type && op.existing_nullable && op.existing_autoincrement) return op;
  AlterColumn out = op;
  const Dialect& dialect = conn.dialect();
  for (const ReflectedColumn& rc : Inspector(conn).get_columns(op.table, op.schema)) {
    if (rc.name != op.column) continue;
    if (!out.existing_type) {
      out.existing_type = rc.enum_name.empty() ? dialect.reflect_type(rc.type)
                                               : SqlType(Enum(rc.enum_values, rc.enum_name));
      if (out.existing_type->kind() == TypeKind::kNull)
        throw CommandError("alter_column " + op.table + "." + op.column + ": the database's type " +
                           rc.type + " has no generic type; give existing_type in the revision");
    }
    if (!out.existing_nullable) out.existing_nullable = rc.nullable;
    if (!out.existing_server_default) out.existing_server_default = rc.default_;
    if (!out.existing_autoincrement) {
      out.existing_autoincrement = rc.autoincrement;
      if (!out.existing_comment) out.existing_comment = rc.comment;
    }
    return out;
  }
  throw CommandError("alter_column: the table " + op.table + " has no column '" + op.column + "'");
}

// The types a CreateTable or AddColumn needs created apart from the table first (PostgreSQL's
// named enums: DDLCompiler::creates_type), each once.
std::vector<SqlType> types_needed(const Operation& op, const sql::DDLCompiler& ddl) {
  std::vector<SqlType> out;
  const auto add = [&](const sql::ColumnData& c) {
    if (ddl.creates_type(c.type) && std::find(out.begin(), out.end(), c.type) == out.end())
      out.push_back(c.type);
  };
  if (const auto* create = std::get_if<CreateTable>(&op))
    for (const sql::ColumnData& c : create->table.columns) add(c);
  if (const auto* column = std::get_if<AddColumn>(&op)) add(column->column);
  return out;
}

// Runs ops on conn, in its open transaction: consecutive operations on one table that the
// dialect's ALTER TABLE cannot make as one table rebuild, the others as their statements.
void run_operations(Connection& conn, const std::vector<Operation>& ops) {
  const Dialect& dialect = conn.dialect();
  for (std::size_t i = 0; i < ops.size();) {
    if (needs_table_rebuild(ops[i], dialect)) {
      std::vector<const Operation*> group{&ops[i]};
      const std::string table = target_table(ops[i]);
      std::size_t j = i + 1;
      while (j < ops.size() && needs_table_rebuild(ops[j], dialect) &&
             target_table(ops[j]) == table)
        group.push_back(&ops[j++]);
      detail::rebuild_table(conn, group);
      i = j;
      continue;
    }
    Operation op = ops[i];
    if (const auto* alter = std::get_if<AlterColumn>(&op);
        alter && (alter->type || alter->nullable || alter->server_default))
      op = with_existing(conn, *alter);
    const std::unique_ptr<sql::DDLCompiler> ddl = dialect.ddl_compiler();
    for (const SqlType& type : types_needed(op, *ddl))  // as create_all: only what is missing
      if (!dialect.has_type(conn.dbapi_connection(), type.enum_name(), std::nullopt))
        conn.exec_driver_sql(ddl->create_type(type));
    for (const std::string& statement : compile_operation(op, dialect))
      conn.exec_driver_sql(statement);
    ++i;
  }
}

void write_versions(Connection& conn, const std::vector<std::string>& heads) {
  conn.execute(text("DELETE FROM " + std::string(kVersionTable)));
  for (const std::string& id : heads)
    conn.execute(
        text("INSERT INTO " + std::string(kVersionTable) + " (version_num) VALUES (:version_num)"),
        Params{{"version_num", Value(id)}});
}

}  // namespace

MigrationContext::MigrationContext(Engine engine, const ScriptDirectory& scripts, MigrationLog log)
    : engine_(std::move(engine)), scripts_(scripts), log_(std::move(log)) {}

std::vector<std::string> MigrationContext::current_heads() const {
  Connection conn = engine_.connect();
  Transaction tx = conn.begin();
  std::vector<std::string> out;
  if (Inspector(conn).has_table(kVersionTable)) {
    for (const Value& v :
         conn.execute(text("SELECT version_num FROM " + std::string(kVersionTable)))
             .scalars()
             .all())
      out.push_back(v.as<std::string>());
  }
  tx.commit();
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> MigrationContext::upgrade(std::string_view target) {
  return run(scripts_.upgrade_plan(current_heads(), target), true);
}

std::vector<std::string> MigrationContext::downgrade(std::string_view target) {
  return run(scripts_.downgrade_plan(current_heads(), target), false);
}

void MigrationContext::stamp(std::string_view target) {
  std::vector<std::string> heads;
  if (target == "heads")
    heads = scripts_.heads();
  else if (target == "head")
    heads = {scripts_.single_head()};
  else if (target != "base")
    heads = {scripts_.get(target).id};
  Connection conn = engine_.connect();
  Transaction tx = conn.begin();
  if (!Inspector(conn).has_table(kVersionTable))
    conn.exec_driver_sql(conn.dialect().ddl_compiler()->create_table(version_table()));
  write_versions(conn, heads);
  tx.commit();
}

std::vector<std::string> MigrationContext::run(const std::vector<const Revision*>& plan,
                                               bool upgrading) {
  std::vector<std::string> done;
  if (plan.empty()) return done;
  Connection conn = engine_.connect();
  const Dialect& dialect = conn.dialect();
  std::set<std::string> applied;
  {
    Transaction tx = conn.begin();
    if (!Inspector(conn).has_table(kVersionTable))
      conn.exec_driver_sql(dialect.ddl_compiler()->create_table(version_table()));
    std::vector<std::string> heads;
    for (const Value& v :
         conn.execute(text("SELECT version_num FROM " + std::string(kVersionTable)))
             .scalars()
             .all())
      heads.push_back(v.as<std::string>());
    applied = scripts_.applied(heads);
    tx.commit();
  }
  for (const Revision* r : plan) {
    const std::vector<Operation>& ops = upgrading ? r->upgrade : r->downgrade;
    const bool rebuilds = std::any_of(ops.begin(), ops.end(), [&](const Operation& op) {
      return needs_table_rebuild(op, dialect);
    });
    if (log_) log_(running_line(*r, upgrading));
    if (rebuilds) dialect.before_table_rebuild(conn.dbapi_connection());
    try {
      Transaction tx = conn.begin();
      run_operations(conn, ops);
      std::set<std::string> next = applied;
      if (upgrading)
        next.insert(r->id);
      else
        next.erase(r->id);
      write_versions(conn, scripts_.heads_of(next));
      tx.commit();
      applied = std::move(next);
    } catch (const std::exception& e) {
      conn.rollback();
      if (rebuilds) {
        try {
          dialect.after_table_rebuild(conn.dbapi_connection());
        } catch (...) {  // the step's own error is the one to report
        }
      }
      std::throw_with_nested(MigrationStepError(
          r->id,
          std::string(upgrading ? "upgrade" : "downgrade") + " of revision " + r->id + " (" +
              r->message + ") failed; the version table stays at " +
              (applied.empty() ? std::string("base") : detail::join(scripts_.heads_of(applied))) +
              ": " + e.what()));
    }
    if (rebuilds) dialect.after_table_rebuild(conn.dbapi_connection());
    done.push_back(r->id);
  }
  return done;
}

std::string offline_sql(const Dialect& dialect, const ScriptDirectory& scripts,
                        std::string_view range, bool upgrading) {
  std::vector<std::string> from;
  std::string_view to = range;
  if (const std::size_t colon = range.find(':'); colon != std::string_view::npos) {
    if (range.substr(0, colon) != "base") from = {scripts.get(range.substr(0, colon)).id};
    to = range.substr(colon + 1);
  } else if (!upgrading) {
    throw CommandError("an offline downgrade needs the starting revision: wanted FROM:TO "
                       "(e.g. head:base), found \"" +
                       std::string(range) + "\"");
  }
  const std::vector<const Revision*> plan =
      upgrading ? scripts.upgrade_plan(from, to) : scripts.downgrade_plan(from, to);
  const bool transactional = dialect.features().supports_transactional_ddl;
  const std::unique_ptr<sql::DDLCompiler> ddl = dialect.ddl_compiler();
  std::string out;
  std::set<std::string> applied = scripts.applied(from);
  if (from.empty() && upgrading) out += ddl->create_table(version_table()) + ";\n\n";
  for (const Revision* r : plan) {
    out += "-- " + running_line(*r, upgrading) + "\n";
    if (transactional) out += "BEGIN;\n";
    for (const Operation& op : upgrading ? r->upgrade : r->downgrade) {
      for (const SqlType& type : types_needed(op, *ddl)) out += ddl->create_type(type) + ";\n";
      for (const std::string& statement : compile_operation(op, dialect)) out += statement + ";\n";
    }
    if (upgrading)
      applied.insert(r->id);
    else
      applied.erase(r->id);
    out += "DELETE FROM " + std::string(kVersionTable) + ";\n";
    for (const std::string& id : scripts.heads_of(applied))
      out += "INSERT INTO " + std::string(kVersionTable) + " (version_num) VALUES (" +
             sql::string_literal(id) + ");\n";
    if (transactional) out += "COMMIT;\n";
    out += "\n";
  }
  return out;
}

}  // namespace crucible::migrate
