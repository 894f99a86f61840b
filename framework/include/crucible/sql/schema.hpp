#pragma once
// Schema objects (SQLAlchemy's sqlalchemy.schema): MetaData, Table, Column, ForeignKey and the
// constraints, with create_all/drop_all in foreign-key order and Table reflection.
//
//   MetaData metadata;
//   Table users{"users", metadata,
//               Column{"id", Integer{}, primary_key},
//               Column{"name", String{50}, nullable(false)},
//               Column{"email", String{120}, unique}};
//   Table posts{"posts", metadata,
//               Column{"id", Integer{}, primary_key},
//               Column{"user_id", Integer{}, ForeignKey{"users.id", {.ondelete = "CASCADE"}}}};
//   metadata.create_all(engine);
//
// A Table is a handle: copies share one definition, which the MetaData also holds.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crucible/sql/selectable.hpp"
#include "crucible/types.hpp"
#include "crucible/value.hpp"

namespace crucible {
class Engine;
class Connection;
}  // namespace crucible

namespace crucible::sql {

/// ON DELETE / ON UPDATE actions and the constraint's name.
struct ForeignKeyOptions {
  std::optional<std::string> name;
  std::optional<std::string> ondelete;  ///< "CASCADE", "SET NULL", "RESTRICT"…
  std::optional<std::string> onupdate;
};

/// A column option: a reference to "table.column" (or "schema.table.column").
struct ForeignKey {
  std::string target;
  ForeignKeyOptions options{};
};

/// Column option tags and values.
struct PrimaryKeyTag {};
inline constexpr PrimaryKeyTag primary_key{};
struct UniqueTag {};
inline constexpr UniqueTag unique{};
struct IndexedTag {};
/// CREATE INDEX ix_<table>_<column> for this column (SQLAlchemy's index=True).
inline constexpr IndexedTag indexed{};
struct Nullable {
  bool value;
};
inline Nullable nullable(bool value) { return {value}; }
struct Default {
  Value value;
};
/// A client-side default, bound by INSERT when the column is not given.
inline Default default_(Value value) { return {std::move(value)}; }
struct ServerDefault {
  std::string sql;
};
/// DEFAULT <sql> in the DDL, written as is (e.g. "CURRENT_TIMESTAMP", "'draft'").
inline ServerDefault server_default(std::string sql) { return {std::move(sql)}; }
struct Autoincrement {
  bool value;
};
inline Autoincrement autoincrement(bool value) { return {value}; }
struct Comment {
  std::string text;
};

/// A named sequence generator (SQLAlchemy's sqlalchemy.schema.Sequence; SQL:2016 Part 2 §11.62
/// <sequence generator definition>): CREATE SEQUENCE [schema.]name [INCREMENT BY increment]
/// [START WITH start]. Unset start and increment leave the database's defaults (1 and 1).
///
/// As a column option (Column{"id", Integer{}, Sequence{"order_id_seq"}, primary_key}) it is
/// the column's default: an INSERT that leaves the column out takes next_value(seq) for it,
/// and create_all/drop_all (and Table::create/drop) create it before and drop it after the
/// table. A standalone one is added with MetaData::add_sequence. Dialects without sequences
/// (DialectFeatures::supports_sequences false, e.g. SQLite) ignore a Sequence used as a default
/// or in DDL, as SQLAlchemy does, so the column numbers itself as it would without one; an
/// explicit next_value() on them throws NotSupportedError when compiled.
struct Sequence {
  std::string name;
  std::optional<std::int64_t> start;
  std::optional<std::int64_t> increment;
  std::optional<std::string> schema;

  /// "schema.name" or "name".
  std::string fullname() const { return schema ? *schema + "." + name : name; }
  friend bool operator==(const Sequence&, const Sequence&) = default;
};

/// The sequence's next value (SQLAlchemy's Sequence.next_value(); SQL:2016 §6.13 <next value
/// expression>), typed BigInteger: nextval('name') on PostgreSQL. Compiling it for a dialect
/// without sequences throws NotSupportedError. Throws ArgumentError for an empty name.
Expr next_value(const Sequence& sequence);

/// A column's definition.
struct ColumnData {
  std::string name;
  SqlType type;
  bool primary_key{false};
  std::optional<bool> nullable;  ///< unset: NOT NULL for primary key columns, NULL otherwise
  bool unique{false};
  bool index{false};
  std::optional<Value> default_;
  std::optional<std::string> server_default;
  std::optional<bool> autoincrement;  ///< unset: "auto" (a lone integer primary key)
  std::optional<ForeignKey> foreign_key;
  std::optional<std::string> comment;
  std::optional<Sequence> sequence;  ///< a Sequence option: the column's default on INSERT

  bool is_nullable() const noexcept { return nullable.value_or(!primary_key); }
};

/// The column options, each applied to a ColumnData (what Column's options and the ORM's
/// MapperBuilder::column options do).
inline void apply_column_option(ColumnData& c, PrimaryKeyTag) { c.primary_key = true; }
inline void apply_column_option(ColumnData& c, UniqueTag) { c.unique = true; }
inline void apply_column_option(ColumnData& c, IndexedTag) { c.index = true; }
inline void apply_column_option(ColumnData& c, Nullable n) { c.nullable = n.value; }
inline void apply_column_option(ColumnData& c, const Default& d) { c.default_ = d.value; }
inline void apply_column_option(ColumnData& c, const ServerDefault& d) {
  c.server_default = d.sql;
}
inline void apply_column_option(ColumnData& c, Autoincrement a) { c.autoincrement = a.value; }
inline void apply_column_option(ColumnData& c, const ForeignKey& fk) { c.foreign_key = fk; }
inline void apply_column_option(ColumnData& c, const Comment& comment) {
  c.comment = comment.text;
}
inline void apply_column_option(ColumnData& c, const Sequence& s) { c.sequence = s; }

/// Column{"name", Type{}, options…}: options are primary_key, unique, indexed, nullable(b),
/// default_(v), server_default(sql), autoincrement(b), ForeignKey{…}, Comment{…}, Sequence{…}.
class Column {
 public:
  template <class... Options>
  Column(std::string name, SqlType type, const Options&... options) {
    data_.name = std::move(name);
    data_.type = std::move(type);
    (apply_column_option(data_, options), ...);
  }
  const ColumnData& data() const noexcept { return data_; }

 private:
  ColumnData data_;
};

/// PRIMARY KEY (cols…) for a composite key.
struct PrimaryKeyConstraint {
  std::vector<std::string> columns;
  std::optional<std::string> name;
};
/// UNIQUE (cols…).
struct UniqueConstraint {
  std::vector<std::string> columns;
  std::optional<std::string> name;
};
/// CHECK (sql), the condition written as is.
struct CheckConstraint {
  std::string sql;
  std::optional<std::string> name;
};
/// FOREIGN KEY (cols…) REFERENCES table (referred…), for composite keys.
struct ForeignKeyConstraint {
  std::vector<std::string> columns;
  std::string referred_table;  ///< "table" or "schema.table"
  std::vector<std::string> referred_columns;
  ForeignKeyOptions options{};
};
/// CREATE [UNIQUE] INDEX name ON table (cols…).
struct Index {
  std::string name;
  std::vector<std::string> columns;
  bool unique{false};
};
/// The table's schema (SQLAlchemy's Table(…, schema="x")).
struct Schema {
  std::string name;
};

/// A foreign key as stored in a TableData, single or composite.
struct ForeignKeyData {
  std::vector<std::string> columns;
  std::optional<std::string> referred_schema;
  std::string referred_table;
  std::vector<std::string> referred_columns;
  ForeignKeyOptions options;
};

/// A table's whole definition; compilers and create_all read it.
struct TableData {
  std::string name;
  std::optional<std::string> schema;
  std::vector<ColumnData> columns;
  std::vector<std::string> primary_key;  ///< column names in key order
  std::optional<std::string> primary_key_name;
  std::vector<ForeignKeyData> foreign_keys;
  std::vector<UniqueConstraint> uniques;
  std::vector<CheckConstraint> checks;
  std::vector<Index> indexes;

  /// The column called name, or nullptr.
  const ColumnData* find(std::string_view name) const noexcept;
  /// "schema.name" or "name".
  std::string fullname() const;
  /// The column the database numbers itself (SQLAlchemy's Table.autoincrement_column): the
  /// integer primary key column (Integer, SmallInteger, BigInteger) that has autoincrement(true),
  /// or, with autoincrement left unset, the lone integer column of the primary key that refers
  /// to no other table; in either case one with no server_default, default_ or Sequence (those
  /// fill it instead). nullptr when there is none. Dialects make it an identity column
  /// (PostgreSQL), AUTO_INCREMENT (MySQL) or the rowid alias (SQLite).
  const ColumnData* autoincrement_column() const noexcept;
};

class MetaData;

/// A table (SQLAlchemy's Table): a FromClause whose columns come from its definition.
class Table : public FromClause {
 public:
  template <class... Items>
  Table(std::string name, MetaData& metadata, const Items&... items) {
    auto data = std::make_shared<TableData>();
    data->name = std::move(name);
    (add(*data, items), ...);
    finish(metadata, std::move(data));
  }
  /// Reflects an existing table through engine's dialect (SQLAlchemy's autoload_with) and adds
  /// it to metadata. Throws NoSuchTableError when it does not exist.
  static Table reflect(std::string_view name, MetaData& metadata, const Engine& engine,
                       const std::optional<std::string>& schema = std::nullopt);
  /// The same through conn, inside its transaction (what a migration that rebuilds a table
  /// reads the table's current definition with).
  static Table reflect(std::string_view name, MetaData& metadata, Connection& conn,
                       const std::optional<std::string>& schema = std::nullopt);
  /// A table from a whole definition (columns with their options, constraints in
  /// foreign_keys, uniques, checks, indexes), added to metadata, replacing a table of the same
  /// name there (what the ORM's Registry uses to build a mapped class's table). Throws
  /// ArgumentError as the variadic constructor does.
  Table(MetaData& metadata, TableData data) {
    finish(metadata, std::make_shared<TableData>(std::move(data)));
  }
  /// A handle to a table node (kind kTable), e.g. one kept by a MetaData.
  explicit Table(FromPtr node) noexcept : FromClause(std::move(node)) {}

  const TableData& data() const noexcept;
  /// CREATE TABLE for this one table, after the types it needs (that do not exist yet) and
  /// its columns' sequences; DROP TABLE, then its columns' sequences (its types stay: other
  /// tables may use them; MetaData::drop_all drops them).
  void create(const Engine& engine, bool checkfirst = true) const;
  void drop(const Engine& engine, bool checkfirst = true) const;

 private:
  static void add(TableData& t, const Column& c);
  static void add(TableData& t, const PrimaryKeyConstraint& c);
  static void add(TableData& t, const UniqueConstraint& c);
  static void add(TableData& t, const CheckConstraint& c);
  static void add(TableData& t, const ForeignKeyConstraint& c);
  static void add(TableData& t, const Index& i);
  static void add(TableData& t, const Schema& s);
  void finish(MetaData& metadata, std::shared_ptr<TableData> data);
};

/// A collection of tables (SQLAlchemy's MetaData). Not thread-safe while tables are added.
class MetaData {
 public:
  MetaData();
  ~MetaData();
  MetaData(const MetaData&) = delete;
  MetaData& operator=(const MetaData&) = delete;

  /// The table called name ("schema.name" for a schema-qualified one). Throws ArgumentError
  /// listing the tables when it is absent.
  Table table(std::string_view fullname) const;
  bool contains(std::string_view fullname) const noexcept;
  /// Tables in dependency order: every table after the tables its foreign keys refer to.
  /// Throws ArgumentError naming the tables of a cycle.
  std::vector<Table> sorted_tables() const;
  /// In one transaction, as SQLAlchemy's create_all: the types the dialect creates apart from
  /// tables (DDLCompiler::creates_type, e.g. PostgreSQL's named enums), then, where the dialect
  /// has sequences, this MetaData's sequences and the columns' ones, then CREATE TABLE (and its
  /// indexes) for every table in dependency order. With checkfirst, what exists is skipped.
  void create_all(const Engine& engine, bool checkfirst = true) const;
  /// The reverse: DROP TABLE in reverse dependency order, then the sequences, then the types.
  /// With checkfirst, what does not exist is skipped.
  void drop_all(const Engine& engine, bool checkfirst = true) const;
  /// Adds a standalone sequence that create_all/drop_all create and drop (SQLAlchemy's
  /// Sequence(…, metadata=m)); one already held under its fullname is replaced.
  void add_sequence(Sequence sequence);
  /// The standalone sequences, in the order added.
  const std::vector<Sequence>& sequences() const noexcept;
  /// Reflects every table of the database (or schema) into this MetaData.
  void reflect(const Engine& engine, const std::optional<std::string>& schema = std::nullopt);

  /// Used by Table: adds (or replaces) a table definition.
  void add_table(std::shared_ptr<const TableData> data, FromPtr node);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace crucible::sql

namespace crucible {
using sql::autoincrement;
using sql::CheckConstraint;
using sql::Column;
using sql::default_;
using sql::ForeignKey;
using sql::ForeignKeyConstraint;
using sql::Index;
using sql::indexed;
using sql::MetaData;
using sql::next_value;
using sql::nullable;
using sql::primary_key;
using sql::PrimaryKeyConstraint;
using sql::Schema;
using sql::Sequence;
using sql::server_default;
using sql::Table;
using sql::unique;
using sql::UniqueConstraint;
}  // namespace crucible
