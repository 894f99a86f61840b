// Autogenerate (migrate/autogenerate.hpp), after Alembic's autogenerate/compare.py: tables,
// then per common table its columns, indexes, unique constraints and foreign keys.
#include "crucible/migrate/autogenerate.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "crucible/dialect.hpp"
#include "crucible/errors.hpp"
#include "crucible/inspection.hpp"
#include "crucible/migrate/runner.hpp"
#include "crucible/sql/compiler.hpp"
#include "join.hpp"

namespace crucible::migrate {

namespace {

// Upper case without blanks: "character varying(50)" and "CHARACTER VARYING (50)" compare equal.
std::string squeeze(std::string_view text) {
  std::string out;
  for (const char c : text)
    if (!std::isspace(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The type compiler's name for type, or "" where it has none (the untyped type).
std::string ddl_name(const Dialect& dialect, const SqlType& type) {
  try {
    return squeeze(dialect.type_compiler().process(type));
  } catch (const Error&) {
    return {};
  }
}

SqlType reflected_type(const Dialect& dialect, const ReflectedColumn& rc) {
  return rc.enum_name.empty() ? dialect.reflect_type(rc.type)
                              : SqlType(Enum(rc.enum_values, rc.enum_name));
}

// A column definition from its reflection (for re-adding a dropped one in a downgrade).
sql::ColumnData column_from(const Dialect& dialect, const ReflectedColumn& rc) {
  sql::ColumnData c;
  c.name = rc.name;
  c.type = reflected_type(dialect, rc);
  c.nullable = rc.nullable;
  c.server_default = rc.default_;
  c.comment = rc.comment;
  return c;
}

// The table's indexes as declared: its Index list and ix_<table>_<col> for indexed columns.
std::vector<sql::Index> declared_indexes(const sql::TableData& t) {
  std::vector<sql::Index> out = t.indexes;
  for (const sql::ColumnData& c : t.columns)
    if (c.index) out.push_back(sql::Index{"ix_" + t.name + "_" + c.name, {c.name}, c.unique});
  return out;
}

// The table's unique constraints as declared: its list and unique=True columns (not indexed).
std::vector<sql::UniqueConstraint> declared_uniques(const sql::TableData& t) {
  std::vector<sql::UniqueConstraint> out = t.uniques;
  for (const sql::ColumnData& c : t.columns)
    if (c.unique && !c.index) out.push_back(sql::UniqueConstraint{{c.name}, std::nullopt});
  return out;
}

std::set<std::string> as_set(const std::vector<std::string>& names) {
  return {names.begin(), names.end()};
}

bool same_foreign_key(const sql::ForeignKeyData& a, const ReflectedForeignKey& b) {
  return a.columns == b.constrained_columns && a.referred_table == b.referred_table &&
         a.referred_columns == b.referred_columns;
}

// Everything compare_metadata collects, in the order the upgrade runs them.
struct Draft {
  std::vector<Operation> create_tables, add_columns, alter_columns, create_constraints,
      drop_constraints, drop_columns, drop_tables;
  std::vector<std::string> comments, detected;

  void add(std::vector<Operation>& group, Operation up, std::optional<Operation> down) {
    group.push_back(std::move(up));
    if (down) downgrade_by_group[&group].push_back(std::move(*down));
  }
  std::map<const std::vector<Operation>*, std::vector<Operation>> downgrade_by_group;
};

void compare_table(Connection& conn, const sql::TableData& t, Draft& d) {
  const Dialect& dialect = conn.dialect();
  const Inspector inspector(conn);
  const std::vector<ReflectedColumn> columns = inspector.get_columns(t.name, t.schema);
  const ReflectedPrimaryKey pk = inspector.get_pk_constraint(t.name, t.schema);
  std::map<std::string, const ReflectedColumn*> by_name;
  for (const ReflectedColumn& rc : columns) by_name[rc.name] = &rc;

  std::vector<const sql::ColumnData*> added;
  for (const sql::ColumnData& c : t.columns) {
    const auto it = by_name.find(c.name);
    if (it == by_name.end()) {
      added.push_back(&c);
      d.detected.push_back("added column '" + t.name + "." + c.name + "'");
      d.add(d.add_columns, AddColumn{t.name, t.schema, c}, DropColumn{t.name, t.schema, c.name});
      continue;
    }
    const ReflectedColumn& rc = *it->second;
    AlterColumn up{t.name, t.schema, c.name};
    AlterColumn down{t.name, t.schema, c.name};
    const SqlType now = reflected_type(dialect, rc);
    // The table's autoincrement column may be stored as another integer type (SQLite's rowid
    // alias is INTEGER whatever the declared width).
    const sql::ColumnData* serial = t.autoincrement_column();
    const bool integer_serial =
        serial != nullptr && serial->name == c.name &&
        (now.kind() == TypeKind::kInteger || now.kind() == TypeKind::kSmallInteger ||
         now.kind() == TypeKind::kBigInteger);
    if (!integer_serial && !same_type(dialect, c.type, rc.type)) {
      up.type = c.type;
      down.type = now;
      d.detected.push_back("type change of '" + t.name + "." + c.name + "' from " + rc.type +
                           " to " + c.type.repr());
    }
    const bool in_key = std::find(pk.constrained_columns.begin(), pk.constrained_columns.end(),
                                  c.name) != pk.constrained_columns.end();
    if (!in_key && !c.primary_key && c.is_nullable() != rc.nullable) {
      up.nullable = c.is_nullable();
      down.nullable = rc.nullable;
      d.detected.push_back(std::string(c.is_nullable() ? "NULL" : "NOT NULL") + " on '" + t.name +
                           "." + c.name + "'");
    }
    if (!rc.autoincrement && !same_server_default(c.server_default, rc.default_)) {
      up.server_default = c.server_default;
      down.server_default = rc.default_;
      d.detected.push_back("server default change of '" + t.name + "." + c.name + "'");
    }
    if (up.type || up.nullable || up.server_default) {
      up.existing_type = now;
      up.existing_nullable = rc.nullable;
      up.existing_server_default = rc.default_;
      down.existing_type = c.type;
      down.existing_nullable = up.nullable.value_or(rc.nullable);
      down.existing_server_default = up.server_default ? *up.server_default : rc.default_;
      d.add(d.alter_columns, up, down);
    }
  }
  std::vector<const ReflectedColumn*> removed;
  for (const ReflectedColumn& rc : columns) {
    if (t.find(rc.name) != nullptr) continue;
    removed.push_back(&rc);
    d.detected.push_back("removed column '" + t.name + "." + rc.name + "'");
    d.add(d.drop_columns, DropColumn{t.name, t.schema, rc.name},
          AddColumn{t.name, t.schema, column_from(dialect, rc)});
  }
  for (const ReflectedColumn* rc : removed)
    for (const sql::ColumnData* c : added)
      if (same_type(dialect, c->type, rc->type))
        d.comments.push_back("column " + t.name + "." + rc->name + " is dropped and " + t.name +
                             "." + c->name +
                             " added with the same type: if it is a rename, replace both with "
                             "alter_column new_column_name, or the data is lost");

  // Foreign keys.
  const std::vector<ReflectedForeignKey> fks = inspector.get_foreign_keys(t.name, t.schema);
  for (const sql::ForeignKeyData& fk : t.foreign_keys) {
    if (std::any_of(fks.begin(), fks.end(),
                    [&](const ReflectedForeignKey& r) { return same_foreign_key(fk, r); }))
      continue;
    sql::ForeignKeyData named = fk;
    if (!named.options.name)
      named.options.name =
          "fk_" + t.name + "_" + detail::join(fk.columns) + "_" + fk.referred_table;
    std::replace(named.options.name->begin(), named.options.name->end(), ' ', '_');
    std::erase(*named.options.name, ',');
    d.detected.push_back("added foreign key (" + detail::join(fk.columns) + ") on '" + t.name +
                         "'");
    d.add(d.create_constraints, CreateForeignKey{t.name, t.schema, named},
          DropConstraint{t.name, t.schema, *named.options.name, sql::ConstraintKind::kForeignKey});
  }
  for (const ReflectedForeignKey& r : fks) {
    if (std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(),
                    [&](const sql::ForeignKeyData& fk) { return same_foreign_key(fk, r); }))
      continue;
    d.detected.push_back("removed foreign key (" + detail::join(r.constrained_columns) + ") on '" +
                         t.name + "'");
    if (!r.name) {
      d.comments.push_back("the foreign key (" + detail::join(r.constrained_columns) + ") of " +
                           t.name + " has no name in the database; drop it by hand");
      continue;
    }
    sql::ForeignKeyData back{r.constrained_columns, r.referred_schema, r.referred_table,
                             r.referred_columns,
                             sql::ForeignKeyOptions{r.name, r.on_delete, r.on_update}};
    d.add(d.drop_constraints,
          DropConstraint{t.name, t.schema, *r.name, sql::ConstraintKind::kForeignKey},
          CreateForeignKey{t.name, t.schema, back});
  }

  // Unique constraints and indexes. A database that keeps a unique constraint as a unique
  // index (MySQL), or an index for a foreign key (MySQL), reports it among the indexes too.
  const std::vector<ReflectedUniqueConstraint> uniques =
      inspector.get_unique_constraints(t.name, t.schema);
  const std::vector<ReflectedIndex> indexes = inspector.get_indexes(t.name, t.schema);
  const std::vector<sql::UniqueConstraint> want_uniques = declared_uniques(t);
  const std::vector<sql::Index> want_indexes = declared_indexes(t);
  const auto unique_declared = [&](const std::vector<std::string>& cols) {
    return std::any_of(want_uniques.begin(), want_uniques.end(),
                       [&](const auto& u) { return as_set(u.columns) == as_set(cols); }) ||
           std::any_of(want_indexes.begin(), want_indexes.end(), [&](const auto& i) {
             return i.unique && as_set(i.columns) == as_set(cols);
           });
  };
  const auto unique_reflected = [&](const std::vector<std::string>& cols) {
    return std::any_of(uniques.begin(), uniques.end(),
                       [&](const auto& u) { return as_set(u.column_names) == as_set(cols); }) ||
           std::any_of(indexes.begin(), indexes.end(), [&](const auto& i) {
             return i.unique && as_set(i.column_names) == as_set(cols);
           });
  };
  for (const sql::UniqueConstraint& u : want_uniques) {
    if (unique_reflected(u.columns)) continue;
    sql::UniqueConstraint named = u;
    if (!named.name) {
      named.name = "uq_" + t.name;
      for (const std::string& c : u.columns) *named.name += "_" + c;
    }
    d.detected.push_back("added unique constraint (" + detail::join(u.columns) + ") on '" + t.name +
                         "'");
    d.add(d.create_constraints, CreateUniqueConstraint{t.name, t.schema, named},
          DropConstraint{t.name, t.schema, *named.name, sql::ConstraintKind::kUnique});
  }
  for (const ReflectedUniqueConstraint& u : uniques) {
    if (unique_declared(u.column_names)) continue;
    d.detected.push_back("removed unique constraint (" + detail::join(u.column_names) + ") on '" +
                         t.name + "'");
    if (!u.name) {
      d.comments.push_back("the unique constraint (" + detail::join(u.column_names) + ") of " +
                           t.name + " has no name in the database; drop it by hand");
      continue;
    }
    d.add(d.drop_constraints,
          DropConstraint{t.name, t.schema, *u.name, sql::ConstraintKind::kUnique},
          CreateUniqueConstraint{t.name, t.schema, sql::UniqueConstraint{u.column_names, u.name}});
  }
  for (const sql::Index& i : want_indexes) {
    if (std::any_of(indexes.begin(), indexes.end(), [&](const ReflectedIndex& r) {
          return r.name == i.name && r.column_names == i.columns && r.unique == i.unique;
        }))
      continue;
    if (std::any_of(indexes.begin(), indexes.end(),
                    [&](const ReflectedIndex& r) { return r.name == i.name; }))
      continue;  // changed: reported with the removed ones below, then created again
    d.detected.push_back("added index '" + i.name + "' on '" + t.name + "'");
    d.add(d.create_constraints, CreateIndex{t.name, t.schema, i},
          DropIndex{t.name, t.schema, i.name});
  }
  for (const ReflectedIndex& r : indexes) {
    const auto declared = std::find_if(want_indexes.begin(), want_indexes.end(),
                                       [&](const sql::Index& i) { return i.name == r.name; });
    if (declared != want_indexes.end() && declared->columns == r.column_names &&
        declared->unique == r.unique)
      continue;
    if (declared == want_indexes.end()) {
      if (r.unique && unique_declared(r.column_names)) continue;  // a unique constraint's index
      if (std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(),
                      [&](const sql::ForeignKeyData& fk) { return fk.columns == r.column_names; }))
        continue;  // the index the database made for a declared foreign key (MySQL)
      if (std::find(r.column_names.begin(), r.column_names.end(), "") != r.column_names.end())
        continue;  // an expression index: cannot be compared
    }
    d.detected.push_back("removed index '" + r.name + "' on '" + t.name + "'");
    d.add(d.drop_constraints, DropIndex{t.name, t.schema, r.name},
          CreateIndex{t.name, t.schema, sql::Index{r.name, r.column_names, r.unique}});
    if (declared != want_indexes.end()) {
      d.detected.push_back("added index '" + declared->name + "' on '" + t.name + "'");
      d.add(d.create_constraints, CreateIndex{t.name, t.schema, *declared},
            DropIndex{t.name, t.schema, declared->name});
    }
  }
}

}  // namespace

bool same_type(const Dialect& dialect, const SqlType& declared, const std::string& reflected) {
  const SqlType generic = dialect.reflect_type(reflected);
  if (generic.kind() == TypeKind::kNull) return true;
  const std::string want = ddl_name(dialect, declared);
  if (want.empty()) return true;
  if (want == squeeze(reflected)) return true;
  if (want == ddl_name(dialect, generic)) return true;
  // Enum values: the reflected ENUM('a','b') or a named enum both name the same labels.
  return declared.kind() == TypeKind::kEnum && generic.kind() == TypeKind::kEnum &&
         declared.enum_values() == generic.enum_values();
}

bool same_server_default(const std::optional<std::string>& declared,
                         const std::optional<std::string>& reflected) {
  const auto normal = [](const std::optional<std::string>& text) -> std::string {
    if (!text) return {};
    std::string s = *text;
    // 'x'::character varying, 0::integer: a PostgreSQL cast after a literal.
    if (const std::size_t cast = s.rfind("::"); cast != std::string::npos) {
      const std::string tail = s.substr(cast + 2);
      if (tail.find_first_of("'()") == std::string::npos) s.erase(cast);
    }
    s = squeeze(s);
    while (s.size() >= 2 && s.front() == '(' && s.back() == ')') s = s.substr(1, s.size() - 2);
    if (s == "NULL") return {};
    return s;
  };
  return normal(declared) == normal(reflected);
}

Comparison compare_metadata(Connection& conn, const sql::MetaData& metadata) {
  const Inspector inspector(conn);
  Draft d;
  // The default schema, and each schema the MetaData's tables name (Alembic compares only the
  // default one unless include_schemas; a schema the application does not model is left alone).
  std::vector<std::optional<std::string>> schemas{std::nullopt};
  for (const sql::Table& table : metadata.sorted_tables())
    if (table.data().schema &&
        std::find(schemas.begin(), schemas.end(), table.data().schema) == schemas.end())
      schemas.push_back(table.data().schema);
  const auto where = [](const std::optional<std::string>& schema, const std::string& name) {
    return schema ? *schema + "." + name : name;
  };

  for (const std::optional<std::string>& schema : schemas) {
    std::set<std::string> existing;
    for (const std::string& name : inspector.get_table_names(schema))
      if (schema || name != kVersionTable) existing.insert(name);

    std::set<std::string> declared;
    std::vector<const sql::TableData*> added_tables;
    for (const sql::Table& table : metadata.sorted_tables()) {
      const sql::TableData& t = table.data();
      if (t.schema != schema) continue;
      declared.insert(t.name);
      if (!existing.contains(t.name)) {
        added_tables.push_back(&t);
        d.detected.push_back("added table '" + where(schema, t.name) + "'");
        d.add(d.create_tables, CreateTable{t}, DropTable{t.name, schema});
      } else {
        compare_table(conn, t, d);
      }
    }
    // Removed tables, referring tables first (reflected into a scratch MetaData for the order
    // and for the downgrade's CREATE TABLE).
    sql::MetaData scratch;
    for (const std::string& name : existing)
      if (!declared.contains(name) && !scratch.contains(where(schema, name)))
        sql::Table::reflect(name, scratch, conn, schema);
    std::vector<sql::Table> sorted = scratch.sorted_tables();
    std::reverse(sorted.begin(), sorted.end());
    for (const sql::Table& table : sorted) {
      const sql::TableData& t = table.data();
      if (t.schema != schema || declared.contains(t.name) || !existing.contains(t.name)) continue;
      d.detected.push_back("removed table '" + where(schema, t.name) + "'");
      sql::TableData back = t;
      for (sql::ColumnData& c : back.columns) c.foreign_key.reset();  // kept in foreign_keys
      d.add(d.drop_tables, DropTable{t.name, schema}, CreateTable{back});
      for (const sql::TableData* added : added_tables) {
        std::set<std::string> a, b;
        for (const auto& c : t.columns) a.insert(c.name);
        for (const auto& c : added->columns) b.insert(c.name);
        if (a == b)
          d.comments.push_back("table " + where(schema, t.name) + " is dropped and " +
                               where(schema, added->name) +
                               " created with the same columns: if it is a rename, replace both "
                               "with rename_table, or the data is lost");
      }
    }
  }

  Comparison out;
  // Constraints and indexes are dropped before new ones are made, so that one that changed
  // (dropped and made again under its name) does not meet itself.
  const std::vector<std::vector<Operation>*> order{
      &d.create_tables,      &d.add_columns,  &d.drop_constraints, &d.alter_columns,
      &d.create_constraints, &d.drop_columns, &d.drop_tables};
  for (std::vector<Operation>* group : order) {
    for (Operation& op : *group) out.upgrade.push_back(std::move(op));
    for (Operation& op : d.downgrade_by_group[group]) out.downgrade.push_back(std::move(op));
  }
  std::reverse(out.downgrade.begin(), out.downgrade.end());
  out.comments = std::move(d.comments);
  out.detected = std::move(d.detected);
  return out;
}

}  // namespace crucible::migrate
