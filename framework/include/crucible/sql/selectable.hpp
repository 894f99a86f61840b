#pragma once
// FROM-clause objects and SELECT (SQLAlchemy's sqlalchemy.sql.selectable): tables, aliases,
// joins, subqueries, CTEs (recursive too), and select() with where, group_by, having, order_by,
// limit/offset, distinct and the set operations. Statements are immutable: every method returns
// a new statement sharing the unchanged parts (SQLAlchemy's "generative" style).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crucible/sql/elements.hpp"
#include "crucible/sql/executable.hpp"

namespace crucible::sql {

struct TableData;

enum class FromKind : std::uint8_t { kTable, kAlias, kJoin, kSubquery, kCte };

/// A column a FROM object exports: what c("name") finds.
struct ColumnDesc {
  std::string name;
  SqlType type;
};

/// One FROM-clause node. Built only through the classes below; read by compilers.
struct FromNode {
  FromKind kind{FromKind::kTable};
  std::string name;                        ///< table, alias, subquery or CTE name
  std::optional<std::string> schema;       ///< kTable
  std::shared_ptr<const TableData> table;  ///< kTable: its schema (columns, keys)
  FromPtr left;                            ///< kAlias: what is aliased; kJoin: left side
  FromPtr right;                           ///< kJoin: right side
  ElementPtr on;                           ///< kJoin: the ON clause
  bool outer{false};                       ///< kJoin: LEFT OUTER
  bool full{false};                        ///< kJoin: FULL OUTER
  SelectPtr select;                        ///< kSubquery, kCte
  bool recursive{false};                   ///< kCte: WITH RECURSIVE
  FromPtr replaces;                        ///< kCte: the CTE this one extends (cte.union_all)
  std::vector<ColumnDesc> columns;         ///< exported columns, in order
};

/// One SELECT (or a set operation of several). Built only through Select; read by compilers.
struct SelectNode {
  std::vector<ElementPtr> columns;
  std::vector<FromPtr> froms;  ///< explicit FROM items; others are taken from the columns
  ElementPtr where;
  std::vector<ElementPtr> group_by;
  ElementPtr having;
  std::vector<ElementPtr> order_by;
  ElementPtr limit;   ///< a bind, or null
  ElementPtr offset;  ///< a bind, or null
  bool distinct{false};
  std::string compound;          ///< "" or "UNION", "UNION ALL", "INTERSECT", "EXCEPT"
  std::vector<SelectPtr> parts;  ///< the members of a set operation
  CacheKeyMemo key_memo;         ///< the key of this SELECT once it has run (Select::shared_key)
};

class Select;

/// A FROM-clause object: a table, alias, join, subquery or CTE (SQLAlchemy's FromClause).
class FromClause {
 public:
  FromClause() = default;
  explicit FromClause(FromPtr node) noexcept : node_(std::move(node)) {}
  const FromPtr& node() const noexcept { return node_; }
  const std::string& name() const noexcept;

  /// The column called name. Throws ArgumentError naming the object and its columns.
  Expr c(std::string_view name) const;
  /// Every exported column, in order.
  std::vector<Expr> columns() const;
  /// name.* (or * for a join).
  Expr star() const;
  /// An alias (SELECT … FROM users AS u); an empty name gets an anonymous one.
  FromClause alias(std::string name = {}) const;
  /// A join; without `on`, the ON clause is derived from the one foreign key between the two
  /// sides (ArgumentError when there is none, or more than one).
  FromClause join(const FromClause& right, std::optional<Expr> on = std::nullopt,
                  bool isouter = false, bool full = false) const;
  FromClause outerjoin(const FromClause& right, std::optional<Expr> on = std::nullopt) const;
  /// For a CTE: the CTE extended with `UNION ALL recursive_part` (SQLAlchemy's cte.union_all),
  /// where recursive_part selects from this CTE. Throws ArgumentError for other FROM objects.
  FromClause union_all(const Select& recursive_part) const;
  FromClause union_(const Select& recursive_part) const;

 private:
  FromPtr node_;
};

/// What select() accepts: column expressions or whole FROM objects (all their columns).
struct ColumnsArg {
  std::vector<Expr> columns;
  ColumnsArg(const Expr& e) : columns{e} {}
  ColumnsArg(const FromClause& from) : columns(from.columns()) {}
};

/// SELECT (SQLAlchemy's Select).
class Select final : public Executable {
 public:
  Select() = default;
  explicit Select(std::vector<Expr> columns);
  explicit Select(SelectPtr node) noexcept : node_(std::move(node)) {}
  const SelectPtr& node() const noexcept { return node_; }

  /// Adds criteria, ANDed with what is there.
  Select where(const Expr& criterion) const;
  /// JOIN right ON … to the leftmost FROM (derived from foreign keys when on is omitted).
  Select join(const FromClause& right, std::optional<Expr> on = std::nullopt, bool isouter = false,
              bool full = false) const;
  Select outerjoin(const FromClause& right, std::optional<Expr> on = std::nullopt) const;
  /// An explicit FROM item.
  Select select_from(const FromClause& from) const;
  Select add_columns(std::vector<Expr> columns) const;
  Select group_by(std::vector<Expr> clauses) const;
  Select having(const Expr& criterion) const;
  Select order_by(std::vector<Expr> clauses) const;
  Select limit(std::int64_t n) const;
  Select offset(std::int64_t n) const;
  Select distinct() const;

  /// This SELECT as a FROM item: (SELECT …) AS name.
  FromClause subquery(std::string name = {}) const;
  /// This SELECT as a common table expression (SQL:2016 §7.17), WITH [RECURSIVE] name AS (…).
  FromClause cte(std::string name, bool recursive = false) const;
  /// (SELECT …) used as a value.
  Expr scalar_subquery() const;
  /// EXISTS (SELECT …).
  Expr exists() const;

  bool gather(CacheKey& key, const Params* params) const override;
  std::shared_ptr<const CacheKey> shared_key() const override;
  std::shared_ptr<const Compiled> compile(const CompileContext& ctx) const override;

 private:
  SelectPtr node_;
};

/// SELECT columns…: select(users) selects every column of users; select(a.c("x"), func::count()).
template <class... A>
Select select(const A&... args) {
  std::vector<Expr> cols;
  for (const ColumnsArg& arg : {ColumnsArg(args)...})
    cols.insert(cols.end(), arg.columns.begin(), arg.columns.end());
  return Select(std::move(cols));
}
Select select(std::vector<Expr> columns);

/// Set operations (SQL:2016 §7.16).
Select union_(std::vector<Select> selects);
Select union_all(std::vector<Select> selects);
Select intersect(std::vector<Select> selects);
Select except_(std::vector<Select> selects);

/// expr IN (SELECT …) and NOT IN.
Expr in_(const Expr& expr, const Select& subquery);
Expr not_in(const Expr& expr, const Select& subquery);
/// EXISTS (SELECT …).
Expr exists(const Select& subquery);

}  // namespace crucible::sql

namespace crucible {
using sql::except_;
using sql::exists;
using sql::FromClause;
using sql::intersect;
using sql::Select;
using sql::select;
using sql::union_;
using sql::union_all;
}  // namespace crucible
