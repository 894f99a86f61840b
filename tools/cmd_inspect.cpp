// `crucible inspect`: the schema of a live database, through crucible::Inspector.
#include <algorithm>
#include <cctype>
#include <iterator>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/SharedPtr.h>

#include <crucible/crucible.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace crucible::cli {
namespace {

using JsonObject = Poco::JSON::Object;
using JsonArray = Poco::JSON::Array;

Poco::SharedPtr<JsonObject> json_object() {
  return Poco::makeShared<JsonObject>(Poco::JSON_PRESERVE_KEY_ORDER);
}

Poco::SharedPtr<JsonArray> json_strings(const std::vector<std::string>& items) {
  auto array = Poco::makeShared<JsonArray>();
  for (const auto& item : items) array->add(item);
  return array;
}

Value optional_value(const std::optional<std::string>& text) {
  return text ? Value(*text) : Value();
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

/// A table or view of the database, as reflection names it.
struct Relation {
  std::string name;
  std::string kind;  ///< "table" or "view"
};

/// Finds wanted among the tables and views: exactly, else by a unique case-insensitive match
/// (most databases fold unquoted names). Throws NoSuchTableError naming what the database has.
Relation resolve(const Inspector& inspector, const std::string& wanted, const URL& url) {
  const auto tables = inspector.get_table_names();
  const auto views = inspector.get_view_names();
  std::vector<Relation> all;
  for (const auto& t : tables) all.push_back({t, "table"});
  for (const auto& v : views) all.push_back({v, "view"});
  for (const auto& r : all)
    if (r.name == wanted) return r;
  std::vector<Relation> folded;
  std::copy_if(all.begin(), all.end(), std::back_inserter(folded),
               [&](const Relation& r) { return iequals(r.name, wanted); });
  if (folded.size() == 1) return folded.front();
  std::vector<std::string> names;
  for (const auto& r : all) names.push_back(r.name);
  throw NoSuchTableError(
      "no table or view named " + quote_arg(wanted) + " in " + url.render() +
      (names.empty() ? std::string("; it has none") : "; it has " + join(names)));
}

// ---- crucible inspect URL ------------------------------------------------------------------

int list_relations(const Inspector& inspector, const URL& url, Format format, std::ostream& out) {
  Grid grid{{"name", "kind", "columns"}, {}};
  auto add = [&](const std::vector<std::string>& names, const char* kind) {
    for (const auto& name : names)
      grid.rows.push_back({Value(name), Value(kind),
                           Value(static_cast<std::int64_t>(inspector.get_columns(name).size()))});
  };
  add(inspector.get_table_names(), "table");
  add(inspector.get_view_names(), "view");
  if (format == Format::kTable) out << "Tables and views of " << url.render() << "\n\n";
  write_grid(out, grid, format);
  return 0;
}

// ---- crucible inspect URL TABLE ------------------------------------------------------------

/// Everything reflection says about one table.
struct TableReport {
  Relation relation;
  std::vector<ReflectedColumn> columns;
  ReflectedPrimaryKey primary_key;
  std::vector<ReflectedForeignKey> foreign_keys;
  std::vector<ReflectedIndex> indexes;
  std::vector<ReflectedUniqueConstraint> uniques;
};

Grid columns_grid(const TableReport& report) {
  Grid grid{{"name", "type", "nullable", "default", "primary_key"}, {}};
  const auto& pk = report.primary_key.constrained_columns;
  for (const auto& column : report.columns) {
    const auto at = std::find(pk.begin(), pk.end(), column.name);
    grid.rows.push_back(
        {Value(column.name), Value(column.type), Value(column.nullable),
         optional_value(column.default_),
         at == pk.end() ? Value() : Value(static_cast<std::int64_t>(at - pk.begin() + 1))});
  }
  return grid;
}

std::string referred(const ReflectedForeignKey& fk) {
  return (fk.referred_schema ? *fk.referred_schema + "." : std::string()) + fk.referred_table +
         " (" + join(fk.referred_columns) + ")";
}

Grid foreign_keys_grid(const TableReport& report) {
  Grid grid{{"name", "columns", "references", "on_update", "on_delete"}, {}};
  for (const auto& fk : report.foreign_keys)
    grid.rows.push_back({optional_value(fk.name), Value(join(fk.constrained_columns)),
                         Value(referred(fk)), optional_value(fk.on_update),
                         optional_value(fk.on_delete)});
  return grid;
}

Grid indexes_grid(const TableReport& report) {
  Grid grid{{"name", "columns", "unique"}, {}};
  for (const auto& index : report.indexes)
    grid.rows.push_back({Value(index.name), Value(join(index.column_names)), Value(index.unique)});
  return grid;
}

Grid uniques_grid(const TableReport& report) {
  Grid grid{{"name", "columns"}, {}};
  for (const auto& unique : report.uniques)
    grid.rows.push_back({optional_value(unique.name), Value(join(unique.column_names))});
  return grid;
}

Poco::SharedPtr<JsonObject> table_json(const TableReport& report) {
  auto object = json_object();
  object->set("name", report.relation.name);
  object->set("kind", report.relation.kind);
  object->set("columns", grid_to_json(columns_grid(report)));
  auto pk = json_object();
  pk->set("name", value_to_json(optional_value(report.primary_key.name)));
  pk->set("columns", json_strings(report.primary_key.constrained_columns));
  object->set("primary_key", pk);
  auto fks = Poco::makeShared<JsonArray>();
  for (const auto& fk : report.foreign_keys) {
    auto item = json_object();
    item->set("name", value_to_json(optional_value(fk.name)));
    item->set("columns", json_strings(fk.constrained_columns));
    item->set("referred_schema", value_to_json(optional_value(fk.referred_schema)));
    item->set("referred_table", fk.referred_table);
    item->set("referred_columns", json_strings(fk.referred_columns));
    item->set("on_update", value_to_json(optional_value(fk.on_update)));
    item->set("on_delete", value_to_json(optional_value(fk.on_delete)));
    fks->add(item);
  }
  object->set("foreign_keys", fks);
  auto indexes = Poco::makeShared<JsonArray>();
  for (const auto& index : report.indexes) {
    auto item = json_object();
    item->set("name", index.name);
    item->set("columns", json_strings(index.column_names));
    item->set("unique", index.unique);
    indexes->add(item);
  }
  object->set("indexes", indexes);
  auto uniques = Poco::makeShared<JsonArray>();
  for (const auto& unique : report.uniques) {
    auto item = json_object();
    item->set("name", value_to_json(optional_value(unique.name)));
    item->set("columns", json_strings(unique.column_names));
    uniques->add(item);
  }
  object->set("unique_constraints", uniques);
  return object;
}

void write_section(std::ostream& out, std::string_view title, const Grid& grid) {
  out << '\n' << title << '\n';
  if (grid.rows.empty())
    out << " (none)\n";
  else
    write_table(out, grid, {.null_text = "", .footer = false});
}

int describe_table(const Inspector& inspector, const URL& url, const std::string& wanted,
                   Format format, std::ostream& out) {
  TableReport report;
  report.relation = resolve(inspector, wanted, url);
  const std::string& name = report.relation.name;
  report.columns = inspector.get_columns(name);
  report.primary_key = inspector.get_pk_constraint(name);
  report.foreign_keys = inspector.get_foreign_keys(name);
  report.indexes = inspector.get_indexes(name);
  report.uniques = inspector.get_unique_constraints(name);
  switch (format) {
  case Format::kJson: write_json(out, table_json(report)); break;
  case Format::kCsv: write_csv(out, columns_grid(report)); break;
  case Format::kTable:
    out << (report.relation.kind == "view" ? "View " : "Table ") << name << " of " << url.render()
        << '\n';
    write_section(out, "Columns", columns_grid(report));
    write_section(out, "Foreign keys", foreign_keys_grid(report));
    write_section(out, "Indexes", indexes_grid(report));
    write_section(out, "Unique constraints", uniques_grid(report));
    break;
  }
  return 0;
}

}  // namespace

int run_inspect(const Invocation& inv, std::ostream& out) {
  const URL url = make_url(inv.positionals.at(0));
  const Engine engine = create_engine(url);
  Connection conn = engine.connect();
  const Inspector inspector(conn);
  if (inv.positionals.size() < 2) return list_relations(inspector, url, inv.format, out);
  return describe_table(inspector, url, inv.positionals[1], inv.format, out);
}

}  // namespace crucible::cli
