#pragma once
// The fixture of the migration tests (tests/migrate/*.cpp): each TEST_P runs on SQLite,
// PostgreSQL and MariaDB through the ORM tests' backend fixture (a namespace of the test's own
// on each server; see tests/orm/orm_fixture.hpp), with a throw-away migrations directory and
// helpers to write revisions and to describe the live schema as the Inspector reports it.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../orm/orm_fixture.hpp"
#include "../sqlite/test_support.hpp"
#include "crucible/crucible.hpp"
#include "crucible/inspection.hpp"
#include "crucible/migrate/autogenerate.hpp"
#include "crucible/migrate/command_error.hpp"
#include "crucible/migrate/revision.hpp"
#include "crucible/migrate/runner.hpp"
#include "crucible/migrate/script_directory.hpp"

namespace crucible::testing {

/// The schema as the Inspector reports it, one line per fact, sorted (the version table left
/// out): what "identical to the start" is checked on.
inline std::string describe_schema(const Engine& engine) {
  const Inspector inspector(engine);
  std::vector<std::string> lines;
  const auto list = [](const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
    return out;
  };
  for (const std::string& table : inspector.get_table_names()) {
    if (table == migrate::kVersionTable) continue;
    lines.push_back("table " + table);
    for (const ReflectedColumn& c : inspector.get_columns(table))
      lines.push_back("column " + table + "." + c.name + " " + c.type +
                      (c.nullable ? " NULL" : " NOT NULL") +
                      (c.default_ ? " DEFAULT " + *c.default_ : ""));
    lines.push_back("pk " + table + " " +
                    list(inspector.get_pk_constraint(table).constrained_columns));
    for (const ReflectedForeignKey& fk : inspector.get_foreign_keys(table))
      lines.push_back("fk " + table + " " + fk.name.value_or("") + " (" +
                      list(fk.constrained_columns) + ") -> " + fk.referred_table + " (" +
                      list(fk.referred_columns) + ")");
    for (const ReflectedIndex& ix : inspector.get_indexes(table))
      lines.push_back("index " + table + " " + ix.name + " (" + list(ix.column_names) + ")" +
                      (ix.unique ? " unique" : ""));
    for (const ReflectedUniqueConstraint& u : inspector.get_unique_constraints(table))
      lines.push_back("unique " + table + " " + u.name.value_or("") + " (" + list(u.column_names) +
                      ")");
    for (const ReflectedCheckConstraint& c : inspector.get_check_constraints(table))
      lines.push_back("check " + table + " " + c.name.value_or("") + " (" + c.sqltext + ")");
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

/// A backend test with a migrations directory.
class MigrateTest : public OrmTest {
 protected:
  MigrateTest() { std::filesystem::create_directories(dir_.path() / "versions"); }
  /// Writes a revision with the given parent(s) and operations; returns its id.
  std::string add_revision(std::string id, std::vector<std::string> parents,
                           std::vector<migrate::Operation> upgrade,
                           std::vector<migrate::Operation> downgrade,
                           std::string message = "step") {
    migrate::Revision r;
    r.id = std::move(id);
    r.down_revisions = std::move(parents);
    r.message = std::move(message);
    r.created = migrate::utc_timestamp();
    r.upgrade = std::move(upgrade);
    r.downgrade = std::move(downgrade);
    migrate::write_revision(r, dir_.path() / "versions");
    return r.id;
  }
  migrate::ScriptDirectory scripts() const { return migrate::ScriptDirectory(dir_.path()); }
  /// The rows of a query, each as "a|b|c", in the order returned.
  std::vector<std::string> rows(const std::string& sql) {
    std::vector<std::string> out;
    Connection conn = engine().connect();
    for (const Row& row : conn.execute(text(sql))) {
      std::string line;
      for (std::size_t i = 0; i < row.size(); ++i)
        line += (i ? "|" : "") + (row[i].is_null() ? std::string("NULL") : row[i].to_string());
      out.push_back(line);
    }
    return out;
  }
  void exec(const std::string& sql) {
    Connection conn = engine().connect();
    conn.exec_driver_sql(sql);
    conn.commit();
  }

  TempDir dir_;
};

}  // namespace crucible::testing
