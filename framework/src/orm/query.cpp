// ORM select: the Core SELECT behind select<T>(), and joins along relationships.
#include "crucible/orm/query.hpp"

#include "crucible/errors.hpp"

namespace crucible::orm::detail {

namespace {

std::vector<sql::Expr> columns_of(const Mapper& m) {
  std::vector<sql::Expr> out;
  out.reserve(m.columns().size());
  for (const ColumnProperty& c : m.columns()) out.push_back(c.expr);
  return out;
}

std::size_t width_of(const sql::Select& s) { return s.node() ? s.node()->columns.size() : 0; }

}  // namespace

EntityQuery entity_query(const Mapper& mapper) {
  EntityQuery q;
  q.entities.push_back(&mapper);
  q.offsets.push_back(0);
  q.select = sql::select(columns_of(mapper));
  return q;
}

// Its parameters are the key's columns in primary key order, which SessionCore::get binds by
// position.
std::shared_ptr<const EntityQuery> by_key_query(const Mapper& mapper) {
  auto q = std::make_shared<EntityQuery>(entity_query(mapper));
  std::vector<sql::Expr> where;
  for (std::size_t i = 0; i < mapper.primary_key().size(); ++i)
    where.push_back(mapper.columns()[mapper.primary_key()[i]].expr == sql::bindparam(key_param_name(i)));
  q->select = q->select.where(where.size() == 1 ? where[0] : sql::and_(where));
  return q;
}

std::string key_param_name(std::size_t i) { return "pk_" + std::to_string(i); }

void EntityQuery::add_entity(const Mapper& mapper) {
  offsets.push_back(width_of(select));
  entities.push_back(&mapper);
  select = select.add_columns(columns_of(mapper));
}

void EntityQuery::add_columns(std::vector<sql::Expr> columns) {
  std::size_t at = width_of(select);
  for (std::size_t i = 0; i < columns.size(); ++i) extras.push_back(at++);
  select = select.add_columns(std::move(columns));
}

void EntityQuery::join(const MemberKey& relationship, bool isouter) {
  const Mapper& owner = mapper_of(relationship.owner);
  const int index = owner.relationship_index(relationship);
  if (index < 0)
    throw ArgumentError("join() wants a relationship member of " + owner.class_name() +
                        ", found a member that is not mapped as one");
  const RelationshipProperty& rel = owner.relationships()[static_cast<std::size_t>(index)];
  const Mapper& target = *rel.target;
  std::vector<sql::Expr> on;
  if (rel.direction == Direction::kManyToMany) {
    const sql::Table& sec = *rel.secondary;
    for (std::size_t i = 0; i < rel.local_columns.size(); ++i)
      on.push_back(owner.columns()[rel.local_columns[i]].expr == sec.c(rel.secondary_local[i]));
    select = select.join(sec, sql::and_(on), isouter);
    on.clear();
    for (std::size_t i = 0; i < rel.remote_columns.size(); ++i)
      on.push_back(sec.c(rel.secondary_remote[i]) == target.columns()[rel.remote_columns[i]].expr);
  } else {
    for (std::size_t i = 0; i < rel.local_columns.size(); ++i)
      on.push_back(owner.columns()[rel.local_columns[i]].expr ==
                   target.columns()[rel.remote_columns[i]].expr);
  }
  select = select.join(target.table(), sql::and_(on), isouter);
}

}  // namespace crucible::orm::detail
