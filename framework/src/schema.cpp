// Schema objects (sql/schema.hpp): Table definitions and their validation, MetaData with its
// foreign-key ordering, and create_all/drop_all. Reflection is in schema_reflection.cpp.
#include "crucible/sql/schema.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "crucible/dialect.hpp"
#include "crucible/engine.hpp"
#include "crucible/errors.hpp"
#include "crucible/sql/compiler.hpp"
#include "schema_internal.hpp"

namespace crucible::sql {

namespace detail {

std::string foreign_key_action(std::string_view action, std::string_view where) {
  std::string canonical;
  bool space = false;
  for (char c : action) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      space = !canonical.empty();
      continue;
    }
    if (space) canonical += ' ';
    space = false;
    canonical += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  for (const char* allowed : {"CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"})
    if (canonical == allowed) return canonical;
  throw ArgumentError("wanted a referential action (CASCADE, SET NULL, SET DEFAULT, RESTRICT or "
                      "NO ACTION) for " +
                      std::string(where) + ", found '" + std::string(action) + "'");
}

}  // namespace detail

namespace {

std::string join_names(const std::vector<std::string>& names, std::string_view sep = ", ") {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? std::string(sep) : "") + names[i];
  return out;
}

// Splits "a.b.c" at its dots.
std::vector<std::string> split_dots(std::string_view text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t dot; (dot = text.find('.', start)) != std::string_view::npos; start = dot + 1)
    parts.emplace_back(text.substr(start, dot - start));
  parts.emplace_back(text.substr(start));
  return parts;
}

// Throws ArgumentError unless every name is a column of t; what says where the names are used.
void check_columns(const TableData& t, const std::vector<std::string>& names,
                   std::string_view what) {
  if (names.empty())
    throw ArgumentError("wanted at least one column for " + std::string(what) + " of table " +
                        t.fullname() + ", found none");
  for (const std::string& name : names) {
    if (t.find(name) != nullptr) continue;
    std::vector<std::string> known;
    for (const ColumnData& c : t.columns) known.push_back(c.name);
    throw ArgumentError("table " + t.fullname() + " has no column '" + name + "' (named in " +
                        std::string(what) + "); its columns are: " + join_names(known));
  }
}

// The foreign key a column's ForeignKey{"table.col"} / {"schema.table.col"} stands for.
ForeignKeyData column_foreign_key(const TableData& t, const ColumnData& column) {
  const ForeignKey& fk = *column.foreign_key;
  std::vector<std::string> parts = split_dots(fk.target);
  const bool empty_part =
      std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); });
  if ((parts.size() != 2 && parts.size() != 3) || empty_part)
    throw ArgumentError("wanted a ForeignKey target \"table.column\" or \"schema.table.column\" "
                        "for column " +
                        t.fullname() + "." + column.name + ", found '" + fk.target + "'");
  ForeignKeyData out;
  out.columns = {column.name};
  if (parts.size() == 3) out.referred_schema = parts[0];
  out.referred_table = parts[parts.size() - 2];
  out.referred_columns = {parts.back()};
  out.options = fk.options;
  return out;
}

}  // namespace

// ---- TableData --------------------------------------------------------------------------------

const ColumnData* TableData::find(std::string_view column) const noexcept {
  for (const ColumnData& c : columns)
    if (c.name == column) return &c;
  return nullptr;
}

std::string TableData::fullname() const { return schema ? *schema + "." + name : name; }

const ColumnData* TableData::autoincrement_column() const noexcept {
  const auto is_integer = [](TypeKind kind) {
    return kind == TypeKind::kInteger || kind == TypeKind::kSmallInteger ||
           kind == TypeKind::kBigInteger;
  };
  const auto refers_elsewhere = [this](const std::string& column) {
    return std::any_of(foreign_keys.begin(), foreign_keys.end(), [&](const ForeignKeyData& fk) {
      return std::find(fk.columns.begin(), fk.columns.end(), column) != fk.columns.end();
    });
  };
  for (const ColumnData& column : columns) {
    if (!column.primary_key || !is_integer(column.type.kind())) continue;
    if (column.server_default || column.default_ || column.sequence) continue;
    if (column.autoincrement) {
      if (*column.autoincrement) return &column;
      continue;
    }
    if (primary_key.size() == 1 && !refers_elsewhere(column.name)) return &column;
  }
  return nullptr;
}

// ---- Table: definition ------------------------------------------------------------------------

void Table::add(TableData& t, const Column& c) {
  if (t.find(c.data().name) != nullptr)
    throw ArgumentError("table " + t.fullname() + " defines the column '" + c.data().name +
                        "' twice; wanted unique column names");
  if (c.data().sequence && c.data().default_)
    throw ArgumentError("column " + t.fullname() + "." + c.data().name +
                        " is given both a Sequence and a default_() value; wanted one default");
  if (c.data().sequence && c.data().sequence->name.empty())
    throw ArgumentError("column " + t.fullname() + "." + c.data().name +
                        " is given a Sequence without a name; wanted Sequence{\"name\"}");
  t.columns.push_back(c.data());
}

void Table::add(TableData& t, const PrimaryKeyConstraint& c) {
  if (!t.primary_key.empty())
    throw ArgumentError("table " + t.fullname() + " is given two PrimaryKeyConstraints (" +
                        join_names(t.primary_key) + ") and (" + join_names(c.columns) +
                        "); wanted at most one");
  if (c.columns.empty())
    throw ArgumentError("wanted at least one column in the PrimaryKeyConstraint of table " +
                        t.fullname() + ", found none");
  t.primary_key = c.columns;
  t.primary_key_name = c.name;
}

void Table::add(TableData& t, const UniqueConstraint& c) { t.uniques.push_back(c); }

void Table::add(TableData& t, const CheckConstraint& c) {
  if (c.sql.empty())
    throw ArgumentError("wanted a condition in the CheckConstraint of table " + t.fullname() +
                        ", found an empty one");
  t.checks.push_back(c);
}

void Table::add(TableData& t, const ForeignKeyConstraint& c) {
  ForeignKeyData fk;
  fk.columns = c.columns;
  const std::vector<std::string> parts = split_dots(c.referred_table);
  if (parts.size() > 2 || parts.back().empty() || parts.front().empty())
    throw ArgumentError("wanted the referred table of a ForeignKeyConstraint of table " +
                        t.fullname() + " as \"table\" or \"schema.table\", found '" +
                        c.referred_table + "'");
  if (parts.size() == 2) fk.referred_schema = parts[0];
  fk.referred_table = parts.back();
  fk.referred_columns = c.referred_columns;
  fk.options = c.options;
  t.foreign_keys.push_back(std::move(fk));
}

void Table::add(TableData& t, const Index& i) { t.indexes.push_back(i); }

void Table::add(TableData& t, const Schema& s) {
  if (s.name.empty())
    throw ArgumentError("wanted a schema name for table " + t.name + ", found \"\"");
  t.schema = s.name;
}

void Table::finish(MetaData& metadata, std::shared_ptr<TableData> data) {
  TableData& t = *data;
  if (t.name.empty()) throw ArgumentError("wanted a table name, found \"\"");
  // The primary key: an explicit PrimaryKeyConstraint, or the columns marked primary_key.
  if (!t.primary_key.empty()) {
    check_columns(t, t.primary_key, "its PrimaryKeyConstraint");
    for (ColumnData& c : t.columns) {
      const bool in_key =
          std::find(t.primary_key.begin(), t.primary_key.end(), c.name) != t.primary_key.end();
      if (c.primary_key && !in_key)
        throw ArgumentError("table " + t.fullname() + " marks column '" + c.name +
                            "' primary_key but its PrimaryKeyConstraint is (" +
                            join_names(t.primary_key) + "); wanted one primary key");
      c.primary_key = in_key;
    }
  } else {
    for (const ColumnData& c : t.columns)
      if (c.primary_key) t.primary_key.push_back(c.name);
  }
  // Column foreign keys go first, in column order, then the ForeignKeyConstraints.
  std::vector<ForeignKeyData> fks;
  for (const ColumnData& c : t.columns)
    if (c.foreign_key) fks.push_back(column_foreign_key(t, c));
  fks.insert(fks.end(), t.foreign_keys.begin(), t.foreign_keys.end());
  t.foreign_keys = std::move(fks);
  for (ForeignKeyData& fk : t.foreign_keys) {
    const std::string what =
        "the foreign key (" + join_names(fk.columns) + ") -> " + fk.referred_table;
    check_columns(t, fk.columns, what);
    if (!fk.referred_columns.empty() && fk.referred_columns.size() != fk.columns.size())
      throw ArgumentError("wanted as many referred columns as columns in " + what + " of table " +
                          t.fullname() + ", found " + std::to_string(fk.columns.size()) + " and " +
                          std::to_string(fk.referred_columns.size()));
    const std::string where = what + " of table " + t.fullname();
    if (fk.options.ondelete)
      fk.options.ondelete = detail::foreign_key_action(*fk.options.ondelete, where);
    if (fk.options.onupdate)
      fk.options.onupdate = detail::foreign_key_action(*fk.options.onupdate, where);
  }
  for (const UniqueConstraint& u : t.uniques) check_columns(t, u.columns, "a UniqueConstraint");
  for (Index& i : t.indexes) {
    check_columns(t, i.columns, "the index '" + i.name + "'");
    if (i.name.empty()) i.name = "ix_" + t.name + "_" + join_names(i.columns, "_");
  }
  auto node = std::make_shared<FromNode>();
  node->kind = FromKind::kTable;
  node->name = t.name;
  node->schema = t.schema;
  for (const ColumnData& c : t.columns) node->columns.push_back(ColumnDesc{c.name, c.type});
  node->table = data;
  metadata.add_table(data, node);
  static_cast<FromClause&>(*this) = FromClause(std::move(node));
}

const TableData& Table::data() const noexcept { return *node()->table; }

// ---- sequences ----------------------------------------------------------------------------------

Expr next_value(const Sequence& sequence) {
  if (sequence.name.empty())
    throw ArgumentError("next_value() wants a named Sequence; found a Sequence without a name");
  auto e = std::make_shared<Element>();
  e->kind = ElementKind::kNextValue;
  e->type = BigInteger{};
  e->text = sequence.name;
  if (sequence.schema) e->value = Value(*sequence.schema);
  return Expr(std::move(e));
}

// ---- create and drop --------------------------------------------------------------------------
// The order is SQLAlchemy's SchemaGenerator/SchemaDropper: types (its Enum's before_create
// event) and sequences before the tables that use them, and after them on the way down.

namespace {

// The types of tables' columns that ddl creates apart from tables, once each by name, in
// order of first use.
std::vector<SqlType> own_types(const DDLCompiler& ddl,
                               const std::vector<const TableData*>& tables) {
  std::vector<SqlType> out;
  for (const TableData* table : tables)
    for (const ColumnData& c : table->columns) {
      if (!ddl.creates_type(c.type)) continue;
      const bool seen = std::any_of(out.begin(), out.end(), [&](const SqlType& t) {
        return t.enum_name() == c.type.enum_name();
      });
      if (!seen) out.push_back(c.type);
    }
  return out;
}

// The standalone sequences, then the tables' column sequences, once each by fullname; none
// where the dialect has no sequences.
std::vector<Sequence> all_sequences(const Dialect& dialect, const std::vector<Sequence>& standalone,
                                    const std::vector<const TableData*>& tables) {
  std::vector<Sequence> out;
  if (!dialect.features().supports_sequences) return out;
  const auto add = [&](const Sequence& s) {
    const bool seen = std::any_of(out.begin(), out.end(),
                                  [&](const Sequence& o) { return o.fullname() == s.fullname(); });
    if (!seen) out.push_back(s);
  };
  for (const Sequence& s : standalone) add(s);
  for (const TableData* table : tables)
    for (const ColumnData& c : table->columns)
      if (c.sequence) add(*c.sequence);
  return out;
}

// CREATE TYPE / CREATE SEQUENCE for what conn lacks (or for all without checkfirst).
void create_types_and_sequences(Connection& conn, const DDLCompiler& ddl,
                                const std::vector<SqlType>& types,
                                const std::vector<Sequence>& sequences, bool checkfirst) {
  const Dialect& dialect = conn.dialect();
  for (const SqlType& type : types)
    if (!checkfirst || !dialect.has_type(conn.dbapi_connection(), type.enum_name(), std::nullopt))
      conn.exec_driver_sql(ddl.create_type(type));
  for (const Sequence& s : sequences)
    if (!checkfirst || !dialect.has_sequence(conn.dbapi_connection(), s.name, s.schema))
      conn.exec_driver_sql(ddl.create_sequence(s));
}

// DROP SEQUENCE / DROP TYPE for what conn has (or for all without checkfirst).
void drop_sequences_and_types(Connection& conn, const DDLCompiler& ddl,
                              const std::vector<Sequence>& sequences,
                              const std::vector<SqlType>& types, bool checkfirst) {
  const Dialect& dialect = conn.dialect();
  for (const Sequence& s : sequences)
    if (!checkfirst || dialect.has_sequence(conn.dbapi_connection(), s.name, s.schema))
      conn.exec_driver_sql(ddl.drop_sequence(s));
  for (const SqlType& type : types)
    if (!checkfirst || dialect.has_type(conn.dbapi_connection(), type.enum_name(), std::nullopt))
      conn.exec_driver_sql(ddl.drop_type(type));
}

// CREATE TABLE and its CREATE INDEXes on conn, unless checkfirst finds the table there.
void create_one(Connection& conn, const DDLCompiler& ddl, const TableData& table, bool checkfirst) {
  const Dialect& dialect = conn.dialect();
  if (checkfirst && dialect.has_table(conn.dbapi_connection(), table.name, table.schema)) return;
  conn.exec_driver_sql(ddl.create_table(table));
  for (const std::string& sql : ddl.create_indexes(table)) conn.exec_driver_sql(sql);
}

// DROP TABLE on conn, unless checkfirst finds no such table.
void drop_one(Connection& conn, const DDLCompiler& ddl, const TableData& table, bool checkfirst) {
  const Dialect& dialect = conn.dialect();
  if (checkfirst && !dialect.has_table(conn.dbapi_connection(), table.name, table.schema)) return;
  conn.exec_driver_sql(ddl.drop_table(table));
}

}  // namespace

void Table::create(const Engine& engine, bool checkfirst) const {
  engine.begin([&](Connection& conn) {
    const std::unique_ptr<DDLCompiler> ddl = conn.dialect().ddl_compiler();
    const std::vector<const TableData*> tables{&data()};
    // A type may be shared with tables created before: it is always checked for.
    create_types_and_sequences(conn, *ddl, own_types(*ddl, tables), {}, true);
    create_types_and_sequences(conn, *ddl, {}, all_sequences(conn.dialect(), {}, tables),
                               checkfirst);
    create_one(conn, *ddl, data(), checkfirst);
  });
}

void Table::drop(const Engine& engine, bool checkfirst) const {
  engine.begin([&](Connection& conn) {
    const std::unique_ptr<DDLCompiler> ddl = conn.dialect().ddl_compiler();
    drop_one(conn, *ddl, data(), checkfirst);
    drop_sequences_and_types(conn, *ddl, all_sequences(conn.dialect(), {}, {&data()}), {},
                             checkfirst);
  });
}

// ---- MetaData ---------------------------------------------------------------------------------

struct MetaData::Impl {
  struct Entry {
    std::shared_ptr<const TableData> data;
    FromPtr node;
  };
  std::vector<Entry> tables;                              ///< in definition order
  std::map<std::string, std::size_t, std::less<>> index;  ///< fullname -> position in tables
  std::vector<Sequence> sequences;                        ///< standalone, in the order added
};

void MetaData::add_sequence(Sequence sequence) {
  if (sequence.name.empty())
    throw ArgumentError("MetaData::add_sequence() wants a named Sequence; found one without a "
                        "name");
  for (Sequence& s : impl_->sequences)
    if (s.fullname() == sequence.fullname()) {
      s = std::move(sequence);
      return;
    }
  impl_->sequences.push_back(std::move(sequence));
}

const std::vector<Sequence>& MetaData::sequences() const noexcept { return impl_->sequences; }

MetaData::MetaData() : impl_(std::make_unique<Impl>()) {}
MetaData::~MetaData() = default;

void MetaData::add_table(std::shared_ptr<const TableData> data, FromPtr node) {
  const std::string fullname = data->fullname();
  if (auto it = impl_->index.find(fullname); it != impl_->index.end()) {
    impl_->tables[it->second] = Impl::Entry{std::move(data), std::move(node)};
    return;
  }
  impl_->index.emplace(fullname, impl_->tables.size());
  impl_->tables.push_back(Impl::Entry{std::move(data), std::move(node)});
}

bool MetaData::contains(std::string_view fullname) const noexcept {
  return impl_->index.find(fullname) != impl_->index.end();
}

Table MetaData::table(std::string_view fullname) const {
  if (auto it = impl_->index.find(fullname); it != impl_->index.end())
    return Table(impl_->tables[it->second].node);
  std::vector<std::string> known;
  for (const auto& e : impl_->tables) known.push_back(e.data->fullname());
  throw ArgumentError("wanted the table '" + std::string(fullname) +
                      "', found no such table in this MetaData; it holds: " +
                      (known.empty() ? std::string("no tables") : join_names(known)));
}

std::vector<Table> MetaData::sorted_tables() const {
  const auto& tables = impl_->tables;
  const std::size_t n = tables.size();
  // deps[i]: the positions of the other tables table i refers to (self-references ignored, as
  // references to tables outside this MetaData).
  std::vector<std::set<std::size_t>> deps(n);
  for (std::size_t i = 0; i < n; ++i) {
    const TableData& t = *tables[i].data;
    for (const ForeignKeyData& fk : t.foreign_keys) {
      const auto schema = fk.referred_schema ? fk.referred_schema : t.schema;
      auto it = impl_->index.find(schema ? *schema + "." + fk.referred_table : fk.referred_table);
      if (it == impl_->index.end() && !fk.referred_schema && t.schema)
        it = impl_->index.find(fk.referred_table);
      if (it != impl_->index.end() && it->second != i) deps[i].insert(it->second);
    }
  }
  // Repeatedly emit the first table, in definition order, whose dependencies are all emitted:
  // the topological order closest to definition order.
  std::vector<bool> done(n, false);
  std::vector<Table> out;
  while (out.size() < n) {
    bool progressed = false;
    for (std::size_t i = 0; i < n && !progressed; ++i) {
      if (done[i]) continue;
      const bool ready =
          std::all_of(deps[i].begin(), deps[i].end(), [&](std::size_t d) { return done[d]; });
      if (!ready) continue;
      done[i] = true;
      out.emplace_back(tables[i].node);
      progressed = true;
    }
    if (progressed) continue;
    // Every remaining table waits on another remaining one: walk the waits to a cycle.
    std::size_t at = 0;
    while (done[at]) ++at;
    std::vector<std::size_t> path;
    std::vector<int> seen(n, -1);
    while (seen[at] < 0) {
      seen[at] = static_cast<int>(path.size());
      path.push_back(at);
      for (std::size_t d : deps[at]) {
        if (!done[d]) {
          at = d;
          break;
        }
      }
    }
    std::vector<std::string> cycle;
    for (std::size_t k = static_cast<std::size_t>(seen[at]); k < path.size(); ++k)
      cycle.push_back(tables[path[k]].data->fullname());
    std::vector<std::string> names = cycle;
    std::sort(names.begin(), names.end());
    cycle.push_back(cycle.front());
    throw ArgumentError("can't sort tables in foreign key order; an unresolvable foreign key "
                        "dependency exists between tables: " +
                        join_names(names) + " (" + join_names(cycle, " -> ") +
                        "); wanted tables whose foreign keys form no cycle");
  }
  return out;
}

void MetaData::create_all(const Engine& engine, bool checkfirst) const {
  const std::vector<Table> tables = sorted_tables();
  std::vector<const TableData*> data;
  for (const Table& t : tables) data.push_back(&t.data());
  engine.begin([&](Connection& conn) {
    const std::unique_ptr<DDLCompiler> ddl = conn.dialect().ddl_compiler();
    create_types_and_sequences(conn, *ddl, own_types(*ddl, data),
                               all_sequences(conn.dialect(), impl_->sequences, data), checkfirst);
    for (const TableData* t : data) create_one(conn, *ddl, *t, checkfirst);
  });
}

void MetaData::drop_all(const Engine& engine, bool checkfirst) const {
  const std::vector<Table> tables = sorted_tables();
  std::vector<const TableData*> data;
  for (const Table& t : tables) data.push_back(&t.data());
  engine.begin([&](Connection& conn) {
    const std::unique_ptr<DDLCompiler> ddl = conn.dialect().ddl_compiler();
    for (auto it = data.rbegin(); it != data.rend(); ++it) drop_one(conn, *ddl, **it, checkfirst);
    drop_sequences_and_types(conn, *ddl, all_sequences(conn.dialect(), impl_->sequences, data),
                             own_types(*ddl, data), checkfirst);
  });
}

}  // namespace crucible::sql
