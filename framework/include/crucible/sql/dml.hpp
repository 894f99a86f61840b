#pragma once
// INSERT, UPDATE, DELETE and the portable upsert (SQLAlchemy's sqlalchemy.sql.dml).
//
//   insert(users).values({{"name", "Alice"}})                 one row, values bound
//   insert(users)   + execute(stmt, {{…}, {…}})                columns from the parameters; many
//                                                             sets run as executemany
//   insert(users).values_rows({{…}, {…}})                      one multi-row VALUES
//   insert(t).from_select({"a", "b"}, select(…))
//   update(users).where(users.c("id") == 5).values({{"name", "Bob"}}).returning({users.c("id")})
//   delete_(users).where(users.c("name").like("A%"))
//   insert(t).values(…).on_conflict_do_update({"id"}, {{"n", excluded(t, "n")}})
//   insert(t).values(…).on_conflict_do_nothing({"id"})
//   insert(t).values(…).on_conflict_do_update(ConflictTarget::constraint("uq_t_n"), {…})
//
// The upsert compiles per dialect (DESIGN.md "One portable upsert"): ON CONFLICT … DO UPDATE
// with excluded.col, ON DUPLICATE KEY UPDATE with VALUES(col), MERGE, or NotSupportedError.
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crucible/sql/selectable.hpp"

namespace crucible::sql {

class Table;

/// Column name = expression pairs, in order (SET lists and VALUES rows).
using Assignments = std::vector<std::pair<std::string, Expr>>;

enum class UpsertAction : std::uint8_t { kNone, kDoNothing, kDoUpdate };

/// What an upsert's conflict is on (the conflict target of SQLAlchemy's
/// on_conflict_do_update/do_nothing: index_elements, index_where, constraint):
///
///   {"id"}                                      a unique index's (or the primary key's) columns
///   ConflictTarget({"sku"}, t.c("active") == true)   a partial unique index: its columns and
///                                               predicate (ON CONFLICT (sku) WHERE active = …)
///   ConflictTarget::constraint("uq_users_email")     a unique or exclusion constraint by name
///                                               (ON CONFLICT ON CONSTRAINT; PostgreSQL only:
///                                               other dialects throw NotSupportedError)
///   {}                                          none (on_conflict_do_nothing: any conflict)
class ConflictTarget {
 public:
  ConflictTarget() = default;
  /// The columns of the unique index, optionally with the predicate of a partial index.
  ConflictTarget(std::vector<std::string> index_elements,  // NOLINT(google-explicit-constructor)
                 std::optional<Expr> index_where = std::nullopt);
  ConflictTarget(std::initializer_list<std::string> index_elements)  // NOLINT
      : ConflictTarget(std::vector<std::string>(index_elements)) {}
  /// The unique (or exclusion) constraint called name. Throws ArgumentError for "".
  static ConflictTarget constraint(std::string name);

  const std::vector<std::string>& index_elements() const noexcept { return index_elements_; }
  const std::optional<Expr>& index_where() const noexcept { return index_where_; }
  const std::string& constraint_name() const noexcept { return constraint_; }
  bool empty() const noexcept { return index_elements_.empty() && constraint_.empty(); }

 private:
  std::vector<std::string> index_elements_;
  std::optional<Expr> index_where_;
  std::string constraint_;
};

/// INSERT's parts. Built only through Insert; read by compilers.
struct InsertNode {
  FromPtr table;
  std::vector<std::string> columns;  ///< the column list; empty with no values: from params
  std::vector<std::vector<ElementPtr>> rows;  ///< VALUES rows, parallel to columns
  SelectPtr from_select;
  std::vector<ElementPtr> returning;
  UpsertAction upsert{UpsertAction::kNone};
  std::vector<std::string> conflict_columns;  ///< the unique index's columns
  ElementPtr conflict_where;                  ///< a partial unique index's predicate, or null
  std::string conflict_constraint;            ///< the constraint named as target, or ""
  std::vector<std::pair<std::string, ElementPtr>> upsert_set;
  ElementPtr upsert_where;
  /// Client-side column defaults (Column default_), as binds typed as their column: each is
  /// bound for its column when a row (or the execution's parameters) leaves the column out.
  std::vector<std::pair<std::string, ElementPtr>> defaults;
};

/// UPDATE's parts.
struct UpdateNode {
  FromPtr table;
  std::vector<std::pair<std::string, ElementPtr>> set;  ///< empty: from params
  ElementPtr where;
  std::vector<ElementPtr> returning;
};

/// DELETE's parts.
struct DeleteNode {
  FromPtr table;
  ElementPtr where;
  std::vector<ElementPtr> returning;
};

/// INSERT (SQLAlchemy's Insert).
class Insert final : public Executable {
 public:
  /// INSERT INTO table. Throws ArgumentError when table is not a Table. Without values(), the
  /// columns are the execution's parameter names (in the table's order); columns with a
  /// client-side default (default_(v)) that are left out are bound to their default.
  explicit Insert(const FromClause& table);
  /// One row of values (a second call replaces it). Throws ArgumentError for an unknown column.
  Insert values(const Assignments& row) const;
  /// Several rows in one multi-row VALUES.
  Insert values_rows(const std::vector<Assignments>& rows) const;
  /// INSERT INTO t (columns…) SELECT …
  Insert from_select(std::vector<std::string> columns, const Select& select) const;
  /// RETURNING cols (NotSupportedError where the dialect has no RETURNING).
  Insert returning(std::vector<Expr> columns) const;
  /// The portable upsert: on a conflict on target (a unique index's columns, possibly with a
  /// partial index's predicate, or a constraint's name), set the listed columns (optionally
  /// only where `where` holds). See excluded() for the proposed row's values. Throws
  /// ArgumentError for an empty target, an empty set, or a column the table does not have.
  Insert on_conflict_do_update(ConflictTarget target, const Assignments& set,
                               std::optional<Expr> where = std::nullopt) const;
  /// On a conflict on target (any conflict when it is empty), leave the existing row alone.
  /// Throws ArgumentError for a column the table does not have.
  Insert on_conflict_do_nothing(ConflictTarget target = {}) const;

  const std::shared_ptr<const InsertNode>& node() const noexcept { return node_; }
  bool gather(CacheKey& key, const Params* params) const override;
  std::shared_ptr<const Compiled> compile(const CompileContext& ctx) const override;

 private:
  explicit Insert(std::shared_ptr<const InsertNode> node) noexcept : node_(std::move(node)) {}
  std::shared_ptr<const InsertNode> node_;
};

/// UPDATE (SQLAlchemy's Update).
class Update final : public Executable {
 public:
  /// UPDATE table. Throws ArgumentError when table is not a Table.
  explicit Update(const FromClause& table);
  /// SET column = value…; a later call adds to the list, replacing columns it names again.
  /// Throws ArgumentError for an unknown column. Without values(), the SET list is the
  /// execution's parameters that name columns of the table.
  Update values(const Assignments& set) const;
  /// Adds criteria, ANDed with what is there.
  Update where(const Expr& criterion) const;
  /// RETURNING cols (NotSupportedError where the dialect has no RETURNING).
  Update returning(std::vector<Expr> columns) const;
  const std::shared_ptr<const UpdateNode>& node() const noexcept { return node_; }
  bool gather(CacheKey& key, const Params* params) const override;
  std::shared_ptr<const Compiled> compile(const CompileContext& ctx) const override;

 private:
  explicit Update(std::shared_ptr<const UpdateNode> node) noexcept : node_(std::move(node)) {}
  std::shared_ptr<const UpdateNode> node_;
};

/// DELETE (SQLAlchemy's Delete).
class Delete final : public Executable {
 public:
  /// DELETE FROM table. Throws ArgumentError when table is not a Table.
  explicit Delete(const FromClause& table);
  /// Adds criteria, ANDed with what is there.
  Delete where(const Expr& criterion) const;
  /// RETURNING cols (NotSupportedError where the dialect has no RETURNING).
  Delete returning(std::vector<Expr> columns) const;
  const std::shared_ptr<const DeleteNode>& node() const noexcept { return node_; }
  bool gather(CacheKey& key, const Params* params) const override;
  std::shared_ptr<const Compiled> compile(const CompileContext& ctx) const override;

 private:
  explicit Delete(std::shared_ptr<const DeleteNode> node) noexcept : node_(std::move(node)) {}
  std::shared_ptr<const DeleteNode> node_;
};

/// INSERT INTO table (SQLAlchemy's insert()). Throws ArgumentError when table is not a Table.
Insert insert(const FromClause& table);
/// UPDATE table (SQLAlchemy's update()).
Update update(const FromClause& table);
/// DELETE FROM table (SQLAlchemy's delete(); delete is a C++ keyword).
Delete delete_(const FromClause& table);
/// In an upsert's SET: the value the INSERT proposed for column (PostgreSQL/SQLite
/// excluded.col, MySQL VALUES(col)); a kText-free marker each dialect renders its own way.
Expr excluded(const FromClause& table, std::string_view column);

}  // namespace crucible::sql

namespace crucible {
using sql::Assignments;
using sql::ConflictTarget;
using sql::delete_;
using sql::excluded;
using sql::insert;
using sql::update;
}  // namespace crucible
