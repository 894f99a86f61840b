#pragma once
// ORM queries in SQLAlchemy 2.0's style: select<User>() is a Core SELECT of the mapped columns
// that the Session turns into objects, with loader options for relationships.
//
//   session.scalars(select<User>().where(orm::col(&User::name) == "Alice"))
//   select<Book>().join(&Book::author).where(orm::col(&Author::name) == "Alice")
//   select<Book>().add_columns({orm::col(&Author::name)}).join(&Book::author)   // mixed rows
//   select<Author>().options(selectinload(&Author::books).selectinload(&Book::tags))
//
// Loader options (SQLAlchemy's sqlalchemy.orm strategy options) override a relationship's
// default strategy for one query; a chained option applies its later steps to the objects its
// earlier steps load. Queries are immutable values, like Core's.
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crucible/orm/mapper.hpp"
#include "crucible/sql/selectable.hpp"

namespace crucible::orm {

/// A loader strategy along a path of relationships (SQLAlchemy's Load / strategy options).
class LoaderOption {
 public:
  struct Step {
    MemberKey member;  ///< the relationship
    Lazy strategy;
  };
  LoaderOption() = default;
  explicit LoaderOption(std::vector<Step> path) noexcept : path_(std::move(path)) {}
  const std::vector<Step>& path() const noexcept { return path_; }

  /// The same path, continued by one more relationship of the objects the last step loads.
  template <class T, class W>
  LoaderOption selectinload(W T::*member) const {
    return then(member_key(member), Lazy::kSelectin);
  }
  template <class T, class W>
  LoaderOption joinedload(W T::*member) const {
    return then(member_key(member), Lazy::kJoined);
  }
  template <class T, class W>
  LoaderOption lazyload(W T::*member) const {
    return then(member_key(member), Lazy::kSelect);
  }
  template <class T, class W>
  LoaderOption raiseload(W T::*member) const {
    return then(member_key(member), Lazy::kRaise);
  }

 private:
  LoaderOption then(MemberKey member, Lazy strategy) const {
    LoaderOption out = *this;
    out.path_.push_back({member, strategy});
    return out;
  }
  std::vector<Step> path_;
};

/// Load the relationship with one SELECT … WHERE key IN (…) per 500 parents after the parents
/// (SQLAlchemy's selectinload): the right choice for collections.
template <class T, class W>
LoaderOption selectinload(W T::*member) {
  return LoaderOption({{member_key(member), Lazy::kSelectin}});
}
/// Load the relationship by a LEFT OUTER JOIN in the parents' own SELECT (SQLAlchemy's
/// joinedload); parents repeated by a joined collection are returned once.
template <class T, class W>
LoaderOption joinedload(W T::*member) {
  return LoaderOption({{member_key(member), Lazy::kJoined}});
}
/// Load on first access (SQLAlchemy's lazyload).
template <class T, class W>
LoaderOption lazyload(W T::*member) {
  return LoaderOption({{member_key(member), Lazy::kSelect}});
}
/// Throw InvalidRequestError on an access that would load (SQLAlchemy's raiseload).
template <class T, class W>
LoaderOption raiseload(W T::*member) {
  return LoaderOption({{member_key(member), Lazy::kRaise}});
}

namespace detail {

/// What an ORM select holds, independent of its entity type.
struct EntityQuery {
  std::vector<const Mapper*> entities;  ///< the entities of each row, the first is the primary
  std::vector<std::size_t> offsets;     ///< the first column of each entity in the SELECT
  std::vector<std::size_t> extras;      ///< the positions of the columns added by add_columns
  /// The Core SELECT: the entities' mapped columns and the extra columns, in the order added.
  sql::Select select;
  std::vector<LoaderOption> options;
  void add_columns(std::vector<sql::Expr> columns);
  /// Join along a relationship of an entity already in the query. Throws ArgumentError when
  /// no entity of the query has that relationship.
  void join(const MemberKey& relationship, bool isouter);
  void add_entity(const Mapper& mapper);
};

EntityQuery entity_query(const Mapper& mapper);
/// entity_query(mapper) WHERE each primary key column = bindparam(key_param_name(i)).
std::shared_ptr<const EntityQuery> by_key_query(const Mapper& mapper);
/// The name of the bind parameter of primary key column i in by_key_query(): "pk_<i>".
std::string key_param_name(std::size_t i);

}  // namespace detail

/// SELECT of the mapped struct T (and possibly more entities and columns).
template <class T>
class Select {
 public:
  /// Every mapped column of T. Throws UnmappedClassError when T is not mapped.
  Select() : q_(detail::entity_query(mapper_of<T>())) {}

  /// Adds criteria, ANDed with what is there.
  Select where(const sql::Expr& criterion) const {
    return with([&](auto& s) { return s.where(criterion); });
  }
  /// ORDER BY clauses (orm::col(&T::m), desc(…)); added after any given before.
  Select order_by(std::vector<sql::Expr> clauses) const {
    return with([&](auto& s) { return s.order_by(std::move(clauses)); });
  }
  /// GROUP BY clauses (for queries with add_columns aggregates).
  Select group_by(std::vector<sql::Expr> clauses) const {
    return with([&](auto& s) { return s.group_by(std::move(clauses)); });
  }
  /// HAVING criteria, ANDed with what is there.
  Select having(const sql::Expr& criterion) const {
    return with([&](auto& s) { return s.having(criterion); });
  }
  /// LIMIT n rows (n >= 0); with it, joinedload options load as selectinload, so that a
  /// parent's collection is never cut short by the limit (SQLAlchemy wraps the query instead).
  Select limit(std::int64_t n) const { return with([&](auto& s) { return s.limit(n); }); }
  /// OFFSET n rows (n >= 0); joinedload under it loads as selectinload, as under limit().
  Select offset(std::int64_t n) const { return with([&](auto& s) { return s.offset(n); }); }
  /// SELECT DISTINCT.
  Select distinct() const { return with([](auto& s) { return s.distinct(); }); }
  /// JOIN along a relationship (SQLAlchemy's select(Book).join(Book.author)): the ON clause
  /// follows the relationship's foreign key (through the secondary table for many-to-many).
  template <class U, class W>
  Select join(W U::*relationship, bool isouter = false) const {
    Select out = *this;
    out.q_.join(member_key(relationship), isouter);
    return out;
  }
  template <class U, class W>
  Select outerjoin(W U::*relationship) const {
    return join(relationship, true);
  }
  /// JOIN to any FROM object, with an explicit ON clause (or one derived from foreign keys).
  Select join(const sql::FromClause& right, std::optional<sql::Expr> on = std::nullopt,
              bool isouter = false) const {
    return with([&](auto& s) { return s.join(right, on, isouter); });
  }
  /// Adds columns to each row (mixed entity and column results; read them with
  /// Session::execute).
  Select add_columns(std::vector<sql::Expr> columns) const {
    Select out = *this;
    out.q_.add_columns(std::move(columns));
    return out;
  }
  /// Adds a second entity to each row: select<Book>().add_entity<Author>().join(&Book::author).
  template <class U>
  Select add_entity() const {
    Select out = *this;
    out.q_.add_entity(mapper_of<U>());
    return out;
  }
  /// Loader options for this query's relationships.
  template <class... O>
  Select options(const O&... opts) const {
    Select out = *this;
    (out.q_.options.push_back(opts), ...);
    return out;
  }

  /// The Core statement (for display: compile(select<User>().statement(), dialect)).
  const sql::Select& statement() const noexcept { return q_.select; }
  const detail::EntityQuery& query() const noexcept { return q_; }

 private:
  template <class F>
  Select with(F&& f) const {
    Select out = *this;
    out.q_.select = f(out.q_.select);
    return out;
  }
  detail::EntityQuery q_;
};

/// SELECT of a mapped struct: select<User>() (SQLAlchemy's select(User)).
template <class T>
Select<T> select() {
  return Select<T>();
}

}  // namespace crucible::orm
