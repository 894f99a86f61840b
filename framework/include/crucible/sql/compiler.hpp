#pragma once
// The compilers (SQLAlchemy's sqlalchemy.sql.compiler): SQLCompiler (statements to SQL text
// and bind slots), DDLCompiler (CREATE/DROP), TypeCompiler (generic types to DDL names) and
// IdentifierPreparer (quoting), with standard SQL defaults. A dialect subclasses any of them
// and overrides only the visits its database spells differently, then returns its subclass
// from Dialect::statement_compiler() / ddl_compiler() / type_compiler() /
// identifier_preparer(). The engine-wide CompiledCache keeps compiled statements by cache key.
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "crucible/sql/dml.hpp"
#include "crucible/sql/executable.hpp"
#include "crucible/sql/schema.hpp"
#include "crucible/sql/selectable.hpp"

namespace crucible {
class Dialect;
}

namespace crucible::sql {

/// Quoting of identifiers (SQLAlchemy's IdentifierPreparer): a name is quoted when it is a
/// reserved word, is not all lower case, or holds characters outside [a-z0-9_$] or starts with
/// a digit (SQL:2016 Part 2 §5.2 delimited identifiers).
class IdentifierPreparer {
 public:
  /// reserved: upper-case reserved words; quote: the delimiter character.
  explicit IdentifierPreparer(std::unordered_set<std::string> reserved = standard_reserved_words(),
                              char quote = '"');
  virtual ~IdentifierPreparer();
  virtual bool requires_quotes(std::string_view name) const;
  /// name, delimited when requires_quotes (inner delimiters doubled).
  std::string quote(std::string_view name) const;
  /// name, always delimited. Throws ArgumentError for a name holding a NUL byte (no database
  /// allows one, and a C client library would cut the statement at it).
  std::string quote_always(std::string_view name) const;
  /// SQL:2016's reserved words, upper case.
  static std::unordered_set<std::string> standard_reserved_words();

 private:
  std::unordered_set<std::string> reserved_;
  char quote_;
};

/// text as a SQL character string literal: in single quotes, inner quotes doubled (SQL:2016
/// Part 2 §5.3 <character string literal>). For DDL and display-only literals; values that a
/// statement executes with travel as bound parameters.
std::string string_literal(std::string_view text);

/// Generic types to DDL names (SQLAlchemy's GenericTypeCompiler). Standard names by default:
/// INTEGER, SMALLINT, BIGINT, REAL, DOUBLE PRECISION, NUMERIC(p, s), VARCHAR(n), TEXT, BOOLEAN,
/// DATE, TIME, TIMESTAMP [WITH TIME ZONE], BLOB, CHAR(32) for Uuid, JSON, VARCHAR(n) for Enum.
class TypeCompiler {
 public:
  virtual ~TypeCompiler();
  /// The DDL name of type. Throws NotSupportedError for a kNull type.
  virtual std::string process(const SqlType& type) const;
};

/// Statements to SQL (SQLAlchemy's SQLCompiler). One object compiles one statement: it is
/// stateful (bind numbering, the WITH clause being gathered) and not shared between threads.
class SQLCompiler {
 public:
  SQLCompiler(const Dialect& dialect, ParamStyle style, CompileOptions options = {});
  virtual ~SQLCompiler();

  /// Compile a statement. key is the statement's gathered CacheKey (its bind_nodes map each
  /// bind to its value index); the result's binds refer to those indices.
  std::shared_ptr<Compiled> compile_select(const SelectNode& select, const CacheKey& key);
  std::shared_ptr<Compiled> compile_insert(const InsertNode& insert, const CacheKey& key,
                                           const Params* params);
  std::shared_ptr<Compiled> compile_update(const UpdateNode& update, const CacheKey& key,
                                           const Params* params);
  std::shared_ptr<Compiled> compile_delete(const DeleteNode& del, const CacheKey& key);

 protected:
  // ---- expressions: one visit per ElementKind, each appending to out_ -----------------------
  virtual void visit(const Element& e);  // dispatches on e.kind
  virtual void visit_column(const Element& e);
  virtual void visit_bind(const Element& e);
  virtual void visit_literal(const Element& e);
  virtual void visit_null(const Element& e);
  virtual void visit_true(const Element& e);
  virtual void visit_false(const Element& e);
  virtual void visit_binary(const Element& e);
  virtual void visit_unary(const Element& e);
  virtual void visit_clause_list(const Element& e);
  virtual void visit_grouping(const Element& e);
  virtual void visit_function(const Element& e);
  virtual void visit_cast(const Element& e);
  virtual void visit_case(const Element& e);
  virtual void visit_label(const Element& e);
  virtual void visit_over(const Element& e);
  virtual void visit_order_by(const Element& e);
  virtual void visit_between(const Element& e);
  virtual void visit_scalar_select(const Element& e);
  virtual void visit_exists(const Element& e);
  virtual void visit_in_select(const Element& e);
  virtual void visit_tuple(const Element& e);
  virtual void visit_text(const Element& e);
  virtual void visit_star(const Element& e);
  virtual void visit_excluded(const Element& e);
  /// next_value(seq): the standard NEXT VALUE FOR [schema.]name (SQL:2016 §6.13) where the
  /// dialect has sequences; throws NotSupportedError naming the dialect and the sequence where
  /// it has none. Dialects with their own spelling (PostgreSQL's nextval('name')) override.
  virtual void visit_next_value(const Element& e);
  /// ILIKE: default lower(a) LIKE lower(b); dialects with ILIKE override.
  virtual void visit_ilike(const Element& e, bool negate);
  /// IS [NOT] DISTINCT FROM: the standard form by default.
  virtual void visit_is_distinct_from(const Element& e, bool negate);
  /// A function's SQL name ("length" may become "char_length").
  virtual std::string function_name(const Element& e) const;
  /// Writes value as a SQL literal (literal_binds, and literal()): strings quoted with ''
  /// doubled, numbers as is, NULL, TRUE/FALSE (or 1/0), dates as 'YYYY-MM-DD'.
  virtual void render_literal_value(const Value& value, const SqlType& type);

  // ---- FROM and statements ------------------------------------------------------------------
  virtual void visit_from(const FromNode& from, bool as_from_item);
  virtual void visit_select(const SelectNode& select, bool nested);
  /// LIMIT/OFFSET after ORDER BY: "LIMIT n OFFSET m" by default.
  virtual void limit_offset(const SelectNode& select);
  /// One member of a UNION/INTERSECT/EXCEPT. A member that is itself a set operation or has
  /// its own ORDER BY, LIMIT or OFFSET is written in parentheses (SQL:2016 7.17 <query
  /// expression>), so that those apply to it and not to the whole.
  virtual void visit_compound_member(const SelectNode& part);
  virtual void visit_insert(const InsertNode& insert, const Params* params);
  /// The SELECT of insert(t).from_select(…), after the column list. Default: the SELECT as is.
  virtual void visit_insert_select(const InsertNode& insert);
  virtual void visit_update(const UpdateNode& update, const Params* params);
  virtual void visit_delete(const DeleteNode& del);
  /// The ON CONFLICT / ON DUPLICATE KEY / MERGE part, by the dialect's upsert_style; throws
  /// NotSupportedError naming the dialect for UpsertStyle::kNone.
  virtual void visit_upsert(const InsertNode& insert);
  /// The conflict target after ON CONFLICT (UpsertStyle::kOnConflict): " (cols…) [WHERE
  /// index_where]", or nothing for a do-nothing without columns. A target named by constraint
  /// (ConflictTarget::constraint) throws NotSupportedError here: ON CONFLICT ON CONSTRAINT is
  /// PostgreSQL's, whose compiler overrides this.
  virtual void on_conflict_target(const InsertNode& insert);
  /// RETURNING cols; throws NotSupportedError when the dialect has none.
  virtual void returning_clause(const std::vector<ElementPtr>& columns);

  // ---- helpers for subclasses ----------------------------------------------------------------
  /// "WITH [RECURSIVE] name AS (…), … " for the CTEs the elements refer to, anywhere inside
  /// them (an UPDATE's or DELETE's WHERE, SET values and RETURNING); nothing when none do.
  void with_clause(const std::vector<ElementPtr>& elements);
  /// The same for the CTEs found, in the order they must be written.
  void with_clause(const std::vector<const FromNode*>& found);
  /// Whether a set operation's member must be grouped (see visit_compound_member).
  static bool compound_member_needs_grouping(const SelectNode& part) noexcept;
  /// Starts compiling one statement: maps key's bind nodes to their value indices and makes an
  /// empty Compiled in this compiler's paramstyle. Every compile_* entry point calls it first.
  void begin_statement(const CacheKey& key);
  /// Ends it: moves the SQL written into the Compiled, sets its result types, returns it.
  std::shared_ptr<Compiled> end_statement(std::vector<SqlType> result_types);
  /// Writes one placeholder for a bind node (taking its value from key's index or from params
  /// by name) in the paramstyle.
  void emit_bind(const Element& bind);
  /// Writes the binary element e as "left op right", each operand in parentheses where the
  /// standard precedence rules (SQLAlchemy's operators._PRECEDENCE) need them; for overrides
  /// that spell an operator their own way (PostgreSQL's native ILIKE).
  void binary_operator(const Element& e, std::string_view op);
  /// Quoted identifier through the dialect's preparer.
  std::string quote(std::string_view name) const;
  /// The name a FROM item is referred to by in column references ("users", "u", "anon_1").
  std::string from_name(const FromNode& from);

  const Dialect& dialect_;
  ParamStyle style_;
  CompileOptions options_;
  std::string out_;
  std::shared_ptr<Compiled> compiled_;
  const CacheKey* key_{nullptr};
  std::unordered_map<const Element*, int> bind_index_;           ///< from key_->bind_nodes
  std::unordered_map<const FromNode*, std::string> anon_names_;  ///< anon_1, anon_2…
  std::vector<const FromNode*> ctes_;                            ///< WITH items, in first-use order
  int anon_counter_{0};

 private:
  // Per-statement bookkeeping (bind names and slots, anonymous names, CTE replacement,
  // correlation, label contexts); defined in framework/src/compiler_state.hpp.
  struct State;
  std::unique_ptr<State> state_;
};

/// What one ALTER COLUMN changes (the arguments of Alembic's op.alter_column): each set field
/// is a change; `existing` is the column as it is now, for databases that restate the whole
/// column definition (MySQL's MODIFY COLUMN) and to write the new one from.
struct AlterColumnSpec {
  ColumnData existing;                   ///< name, type, nullable and server_default as they are
  std::optional<SqlType> type;           ///< the new type
  std::optional<bool> nullable;          ///< the new nullability
  /// The new server default: a set optional holding nullopt drops the default.
  std::optional<std::optional<std::string>> server_default;
};

/// The kind of a named constraint, for DROP CONSTRAINT (MySQL drops each kind its own way).
enum class ConstraintKind : std::uint8_t { kUnique, kForeignKey, kCheck, kPrimaryKey };

/// CREATE/DROP/ALTER statements (SQLAlchemy's DDLCompiler, with the ALTER forms of Alembic's
/// DefaultImpl). The ALTER TABLE forms are SQL:2016 Part 2 §11.10 <alter table statement>.
class DDLCompiler {
 public:
  explicit DDLCompiler(const Dialect& dialect);
  virtual ~DDLCompiler();
  /// CREATE TABLE name (columns, PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY…).
  virtual std::string create_table(const TableData& table) const;
  virtual std::string drop_table(const TableData& table) const;
  /// CREATE [UNIQUE] INDEX for each index of the table (index=True columns included).
  virtual std::vector<std::string> create_indexes(const TableData& table) const;
  /// One column's definition: name type [DEFAULT …] [NOT NULL].
  virtual std::string column_specification(const TableData& table, const ColumnData& column) const;
  /// CREATE [UNIQUE] INDEX name ON table (cols…) for one index.
  virtual std::string create_index(const TableData& table, const Index& index) const;
  /// The CHECK condition of an Enum column where the database has no enum type of its own
  /// ("status IN ('draft', 'published')"), "" for other columns. A dialect whose type compiler
  /// names a native ENUM returns "".
  virtual std::string enum_check(const TableData& table, const ColumnData& column) const;

  /// CREATE SEQUENCE [schema.]name [INCREMENT BY n] [START WITH n] (SQL:2016 Part 2 §11.62).
  virtual std::string create_sequence(const Sequence& sequence) const;
  /// DROP SEQUENCE [schema.]name (SQL:2016 Part 2 §11.64).
  virtual std::string drop_sequence(const Sequence& sequence) const;
  /// Whether a column of this type needs the type created apart from the table, before it
  /// (SQLAlchemy's SchemaType events; PostgreSQL's CREATE TYPE … AS ENUM for a named Enum).
  /// The type is known by SqlType::enum_name(). Default: false, nothing is created.
  virtual bool creates_type(const SqlType& type) const;
  /// The CREATE and DROP statements of a type for which creates_type is true. Default: throw
  /// NotSupportedError naming the dialect (it creates no types).
  virtual std::string create_type(const SqlType& type) const;
  virtual std::string drop_type(const SqlType& type) const;

  // ---- ALTER TABLE (migrations). `table` names the table (name and schema are read); where a
  // form needs more of the table, the caller passes its whole definition.

  /// ALTER TABLE t ADD COLUMN <column_specification> (§11.11), with an inline REFERENCES for
  /// a column that has a ForeignKey.
  virtual std::string add_column(const TableData& table, const ColumnData& column) const;
  /// ALTER TABLE t DROP COLUMN c (§11.18).
  virtual std::string drop_column(const TableData& table, std::string_view column) const;
  /// The statements of one ALTER COLUMN change, in order: ALTER TABLE t ALTER COLUMN c SET DATA
  /// TYPE x (§11.17), SET NOT NULL / DROP NOT NULL, SET DEFAULT x / DROP DEFAULT (§11.13-14).
  /// Empty when spec changes nothing.
  virtual std::vector<std::string> alter_column(const TableData& table,
                                                const AlterColumnSpec& spec) const;
  /// ALTER TABLE t RENAME TO new_name (not in the standard; PostgreSQL, SQLite and MySQL agree).
  virtual std::string rename_table(const TableData& table, std::string_view new_name) const;
  /// ALTER TABLE t RENAME COLUMN c TO new_name (PostgreSQL, SQLite ≥ 3.25, MySQL 8, MariaDB 10.5).
  virtual std::string rename_column(const TableData& table, std::string_view column,
                                    std::string_view new_name) const;
  /// DROP INDEX name (the index's schema is the table's).
  virtual std::string drop_index(const TableData& table, std::string_view name) const;
  /// ALTER TABLE t ADD [CONSTRAINT name] UNIQUE (cols…) (§11.19).
  virtual std::string add_unique_constraint(const TableData& table,
                                            const UniqueConstraint& constraint) const;
  /// ALTER TABLE t ADD [CONSTRAINT name] FOREIGN KEY (cols…) REFERENCES … (§11.19).
  virtual std::string add_foreign_key(const TableData& table, const ForeignKeyData& fk) const;
  /// ALTER TABLE t DROP CONSTRAINT name (§11.20). kind is what the constraint is.
  virtual std::string drop_constraint(const TableData& table, std::string_view name,
                                      ConstraintKind kind) const;

 protected:
  /// The table's name, schema-qualified, each part quoted as needed.
  std::string table_name(const TableData& table) const;
  /// "[CONSTRAINT name ]FOREIGN KEY (cols…) REFERENCES t (cols…) [ON DELETE …] [ON UPDATE …]".
  std::string foreign_key_clause(const TableData& table, const ForeignKeyData& fk) const;
  /// "REFERENCES t (col) [ON DELETE …] [ON UPDATE …]" for a column's ForeignKey.
  std::string references_clause(const TableData& table, const ColumnData& column) const;
  const Dialect& dialect_;
};

/// Compiled statements by cache key (SQLAlchemy's compiled_cache), LRU, thread-safe.
class CompiledCache {
 public:
  explicit CompiledCache(std::size_t capacity = 500);
  ~CompiledCache();
  /// The entry for key, or null.
  std::shared_ptr<const Compiled> get(const std::string& key);
  void put(const std::string& key, std::shared_ptr<const Compiled> compiled);
  std::size_t size() const;
  /// Lookups that found an entry, and that did not (each miss is one compilation).
  std::uint64_t hits() const noexcept;
  std::uint64_t misses() const noexcept;
  void clear();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace crucible::sql
