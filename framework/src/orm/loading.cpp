// Loading objects: rows to objects through the identity map, and the loader strategies (SQLAlchemy's
// orm/loading.py and orm/strategies.py): joined eager loading in the parents' SELECT, selectin
// eager loading after it, lazy loading on first access, raise and noload.
#include <algorithm>
#include <unordered_map>

#include "crucible/errors.hpp"
#include "crucible/sql/elements.hpp"
#include "../first_row.hpp"
#include "session_state.hpp"

namespace crucible::orm::detail {

namespace {

constexpr std::size_t kInChunk = 500;  // parents per SELECT … IN (…), as SQLAlchemy's selectinload

struct KeyHash {
  std::size_t operator()(const std::vector<Value>& k) const noexcept {
    std::size_t h = 0;
    for (const Value& v : k) h = h * 1000003u ^ hash_value(v);
    return h;
  }
};

std::vector<Value> values_at(const Mapper& m, const void* object, const std::vector<std::size_t>& cols) {
  std::vector<Value> out;
  out.reserve(cols.size());
  for (std::size_t c : cols) out.push_back(m.columns()[c].accessor->get(object));
  return out;
}

bool any_null(const std::vector<Value>& key) {
  return std::any_of(key.begin(), key.end(), [](const Value& v) { return v.is_null(); });
}

// col IN (keys) for one column, or (c1 = a AND c2 = b) OR … for several.
sql::Expr in_keys(const std::vector<sql::Expr>& cols, const std::vector<std::vector<Value>>& keys) {
  if (cols.size() == 1) {
    std::vector<Value> flat;
    flat.reserve(keys.size());
    for (const auto& k : keys) flat.push_back(k[0]);
    return cols[0].in_(std::move(flat));
  }
  std::vector<sql::Expr> ors;
  for (const auto& k : keys) {
    std::vector<sql::Expr> ands;
    for (std::size_t i = 0; i < cols.size(); ++i) ands.push_back(cols[i] == sql::Expr(k[i]));
    ors.push_back(sql::and_(ands));
  }
  return sql::or_(ors);
}

std::vector<sql::Expr> order_exprs(const RelationshipProperty& rel, const sql::FromClause& from) {
  std::vector<sql::Expr> out;
  for (const std::string& spec : rel.order_by) {
    const auto space = spec.find(' ');
    const std::string name = spec.substr(0, space);
    std::string dir = space == std::string::npos ? "" : spec.substr(space + 1);
    for (char& ch : dir) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    out.push_back(dir == "DESC" ? sql::desc(from.c(name)) : sql::asc(from.c(name)));
  }
  return out;
}

}  // namespace

LoadPlan SessionCore::plan_for(const Mapper& mapper, const std::vector<LoaderOption>& options) {
  LoadPlan plan;
  plan.relationships.reserve(mapper.relationships().size());
  for (const RelationshipProperty& rel : mapper.relationships()) plan.relationships.push_back({rel.lazy, {}});
  for (const LoaderOption& opt : options) {
    if (opt.path().empty()) continue;
    const auto& first = opt.path().front();
    if (first.member.owner != mapper.type()) continue;
    const int i = mapper.relationship_index(first.member);
    if (i < 0)
      throw ArgumentError("loader option names a member of " + mapper.class_name() +
                          " that is not mapped as a relationship");
    auto& entry = plan.relationships[static_cast<std::size_t>(i)];
    entry.strategy = first.strategy;
    if (opt.path().size() > 1)
      entry.below.emplace_back(std::vector<LoaderOption::Step>(opt.path().begin() + 1, opt.path().end()));
  }
  return plan;
}

InstanceState* SessionCore::instance(const Mapper& mapper, std::vector<Value>& values, std::size_t offset,
                                     bool* created, bool take_texts) {
  const auto& cols = mapper.columns();
  // The key's values are looked up in place in the row (no copy for a hit).
  const auto& pk = mapper.primary_key();
  std::vector<Value> many;
  std::span<const Value> view;
  bool contiguous = true;
  for (std::size_t k = 0; k < pk.size(); ++k) {
    if (values[offset + pk[k]].is_null()) return nullptr;  // an outer join's missing row
    if (pk[k] != pk[0] + k) contiguous = false;
  }
  if (contiguous) {
    view = std::span<const Value>(values.data() + offset + pk[0], pk.size());
  } else {
    for (std::size_t i : pk) many.push_back(values[offset + i]);
    view = many;
  }
  const std::size_t h = IdentityMap::hash(&mapper, view);
  if (InstanceState* hit = identity_.find(&mapper, view, h)) {
    *created = false;
    return hit;
  }
  KeyValues key(view);
  *created = true;
  auto state = new_state(mapper);
  state->object = mapper.create();
  state->status = InstanceState::Status::kPersistent;
  state->order = ++counter_;
  void* obj = state->ptr();
  state->snapshot.resize(cols.size());
  for (std::size_t i = 0; i < cols.size(); ++i) {
    Value& v = values[offset + i];
    if (take_texts && v.kind() == ValueKind::kString) {
      // A text for a text member: the snapshot's copy first, then the row's string moved in.
      state->snapshot.set(i, v);
      if (cols[i].accessor->take_text(obj, v)) continue;
    }
    try {
      cols[i].accessor->load(obj, v);
    } catch (const Error& e) {
      throw DataError(ErrorInfo{.sqlstate = "22000",
                                .driver_message = "loading " + mapper.class_name() + "." +
                                                  cols[i].key + ": " + e.what()});
    }
    state->snapshot.set(i, v);  // a copy in the arena: the row's buffers serve the next row
  }
  const std::size_t nrel = mapper.relationships().size();
  if (nrel > 0) {
    state->rel_snapshot.resize(nrel);
    state->rel_known.assign(nrel, false);
  }
  state->key = std::move(key);
  InstanceState* made = state.get();
  identity_.insert_absent(made, h);
  // The Session owns the state before the attributes link to it (expunge_all unlinks them).
  ordered_.push_back(std::move(state));  // indexed by address on the next state_of
  for (std::size_t i = 0; i < nrel; ++i) {
    AttributeBase& a = mapper.relationships()[i].accessor->attribute(obj);
    a.attach(ordered_.back(), static_cast<std::uint16_t>(i));
    a.set_load(AttributeBase::Load::kUnloaded);
  }
  return made;
}

// Sets relationship `index` of state to items and remembers them for the flush.
static void set_loaded(InstanceState& state, std::size_t index, std::vector<std::shared_ptr<void>> items) {
  state.rel_snapshot[index] = items;
  state.mapper->relationships()[index].accessor->set_items(state.ptr(), std::move(items));
  state.rel_known[index] = true;
}

/// The loader: runs one query (no autoflush) and its eager loads.
class Loader {
 public:
  explicit Loader(SessionCore& s) : s_(s) {}

  /// Runs q (with params for its bindparams) and makes its rows' objects.
  std::shared_ptr<LoadedRows> run(const EntityQuery& q, bool unique_entities, const Params& params = {});
  /// Eager loads of the plan for parents (all of mapper).
  void post_load(const Mapper& mapper, const std::vector<std::shared_ptr<InstanceState>>& parents,
                 const LoadPlan& plan, const std::vector<bool>& done);
  void selectin(const Mapper& mapper, std::size_t index,
                const std::vector<std::shared_ptr<InstanceState>>& parents,
                const std::vector<LoaderOption>& below);
  /// The objects related to one parent through relationship index (the lazy load's query).
  std::vector<std::shared_ptr<void>> load_one(InstanceState& parent, std::size_t index);

 private:
  SessionCore& s_;
};

std::shared_ptr<LoadedRows> Loader::run(const EntityQuery& q, bool unique_entities, const Params& params) {
  const Mapper& primary = *q.entities.front();
  const LoadPlan plan = SessionCore::plan_for(primary, q.options);
  // Joined eager loads of the primary entity: LEFT OUTER JOIN an alias of each target.
  struct Joined {
    std::size_t index;
    std::size_t offset;
    sql::FromClause alias;
  };
  std::vector<Joined> joined;
  sql::Select stmt = q.select;
  std::size_t width = stmt.node()->columns.size();
  std::vector<bool> done(primary.relationships().size(), false);
  // Under LIMIT/OFFSET a join would cut a parent's collection short (the limit counts joined
  // rows): such a query loads its joined relationships as selectin instead.
  const bool limited = stmt.node()->limit != nullptr || stmt.node()->offset != nullptr;
  for (std::size_t i = 0; i < primary.relationships().size(); ++i) {
    if (plan.relationships[i].strategy != Lazy::kJoined || limited) continue;
    const RelationshipProperty& rel = primary.relationships()[i];
    const Mapper& target = *rel.target;
    sql::FromClause alias = target.table().alias();
    std::vector<sql::Expr> on;
    if (rel.direction == Direction::kManyToMany) {
      sql::FromClause sec = rel.secondary->alias();
      for (std::size_t k = 0; k < rel.local_columns.size(); ++k)
        on.push_back(primary.columns()[rel.local_columns[k]].expr == sec.c(rel.secondary_local[k]));
      stmt = stmt.outerjoin(sec, sql::and_(on));
      on.clear();
      for (std::size_t k = 0; k < rel.remote_columns.size(); ++k)
        on.push_back(sec.c(rel.secondary_remote[k]) == alias.c(target.columns()[rel.remote_columns[k]].key));
    } else {
      for (std::size_t k = 0; k < rel.local_columns.size(); ++k)
        on.push_back(primary.columns()[rel.local_columns[k]].expr ==
                     alias.c(target.columns()[rel.remote_columns[k]].key));
    }
    stmt = stmt.outerjoin(alias, sql::and_(on));
    std::vector<sql::Expr> cols;
    for (const ColumnProperty& c : target.columns()) cols.push_back(alias.c(c.key));
    stmt = stmt.add_columns(cols);
    if (!rel.order_by.empty()) stmt = stmt.order_by(order_exprs(rel, alias));
    joined.push_back({i, width, alias});
    width += target.columns().size();
    done[i] = true;
  }

  crucible::Result result = s_.connection().execute(stmt, params);
  auto out = std::make_shared<LoadedRows>();
  out->entities = q.entities;
  const std::size_t n = q.entities.size();
  out->width = n + q.extras.size();
  std::vector<std::vector<std::shared_ptr<InstanceState>>> loaded(n);  // unique, per entity
  const std::uint64_t mark = ++s_.load_counter_;
  // Joined collections gathered per parent, set when the rows are read.
  std::vector<std::unordered_map<InstanceState*, std::vector<std::shared_ptr<void>>>> gathered(joined.size());
  std::vector<std::vector<std::shared_ptr<InstanceState>>> joined_children(joined.size());
  const bool dedupe = unique_entities && !joined.empty();
  std::unordered_map<const void*, bool> primary_rows;
  // The objects of each entity are gathered (once each) for the relationship loads that follow;
  // an entity without relationships has none.
  std::vector<bool> gather(n);
  for (std::size_t e = 0; e < n; ++e) gather[e] = !q.entities[e]->relationships().empty();
  crucible::Row row;  // refilled in place: no allocation per row for the row itself
  while (result.fetch_into(row)) {
    {
      std::vector<Value>& values = row.mutable_values();
      for (std::size_t x : q.extras) out->values.push_back(values[x]);
      InstanceState* first = nullptr;
      for (std::size_t e = 0; e < n; ++e) {
        bool created = false;
        InstanceState* st = s_.instance(*q.entities[e], values, q.offsets[e], &created);
        if (st && gather[e] && st->load_mark != mark) {
          st->load_mark = mark;
          loaded[e].push_back(st->shared_from_this());
        }
        if (e == 0) first = st;
        out->objects.push_back(st ? st->object : nullptr);
      }
      for (std::size_t j = 0; j < joined.size(); ++j) {
        if (!first) continue;
        const RelationshipProperty& rel = primary.relationships()[joined[j].index];
        bool created = false;
        InstanceState* child = s_.instance(*rel.target, values, joined[j].offset, &created);
        auto& items = gathered[j][first];
        if (child) {
          if (std::none_of(items.begin(), items.end(), [&](const auto& p) { return p == child->object; }))
            items.push_back(child->object);
          joined_children[j].push_back(child->shared_from_this());
        }
      }
      if (dedupe && first && !primary_rows.emplace(first->ptr(), true).second) {
        // A parent repeated by a joined collection: one row per parent.
        out->objects.resize(out->objects.size() - n);
        out->values.resize(out->values.size() - q.extras.size());
        continue;
      }
      ++out->rows;
    }
  }
  for (std::size_t j = 0; j < joined.size(); ++j) {
    const std::size_t index = joined[j].index;
    for (const auto& parent : loaded[0]) {
      AttributeBase& a = primary.relationships()[index].accessor->attribute(parent->ptr());
      if (a.loaded()) continue;
      auto it = gathered[j].find(parent.get());
      set_loaded(*parent, index, it == gathered[j].end() ? std::vector<std::shared_ptr<void>>{} : it->second);
    }
  }
  post_load(primary, loaded[0], plan, done);
  for (std::size_t j = 0; j < joined.size(); ++j) {
    const RelationshipProperty& rel = primary.relationships()[joined[j].index];
    const auto& below = plan.relationships[joined[j].index].below;
    auto& kids = joined_children[j];
    std::sort(kids.begin(), kids.end());
    kids.erase(std::unique(kids.begin(), kids.end()), kids.end());
    post_load(*rel.target, kids, SessionCore::plan_for(*rel.target, below),
              std::vector<bool>(rel.target->relationships().size(), false));
  }
  for (std::size_t e = 1; e < n; ++e)
    post_load(*q.entities[e], loaded[e], SessionCore::plan_for(*q.entities[e], {}),
              std::vector<bool>(q.entities[e]->relationships().size(), false));
  return out;
}

void Loader::post_load(const Mapper& mapper, const std::vector<std::shared_ptr<InstanceState>>& parents,
                       const LoadPlan& plan, const std::vector<bool>& done) {
  if (parents.empty()) return;
  for (std::size_t i = 0; i < mapper.relationships().size(); ++i) {
    if (done[i]) continue;
    const auto& entry = plan.relationships[i];
    switch (entry.strategy) {
    case Lazy::kSelectin:
    case Lazy::kJoined:  // joined below the first level loads as selectin
      selectin(mapper, i, parents, entry.below);
      break;
    case Lazy::kRaise:
      for (const auto& p : parents) {
        const AttributeBase& a = mapper.relationships()[i].accessor->attribute(p->ptr());
        if (!a.loaded()) a.set_load(AttributeBase::Load::kRaise);
      }
      break;
    case Lazy::kNoload:
      for (const auto& p : parents)
        if (!mapper.relationships()[i].accessor->attribute(p->ptr()).loaded()) set_loaded(*p, i, {});
      break;
    case Lazy::kSelect:
      break;
    }
  }
}

void Loader::selectin(const Mapper& mapper, std::size_t index,
                      const std::vector<std::shared_ptr<InstanceState>>& parents,
                      const std::vector<LoaderOption>& below) {
  const RelationshipProperty& rel = mapper.relationships()[index];
  const Mapper& target = *rel.target;
  // The parents still to load, by the key values the relationship joins on.
  std::unordered_map<std::vector<Value>, std::vector<InstanceState*>, KeyHash> by_key;
  std::vector<std::vector<Value>> keys;
  std::vector<std::shared_ptr<InstanceState>> pending_parents;
  for (const auto& p : parents) {
    if (rel.accessor->attribute(p->ptr()).loaded()) continue;
    std::vector<Value> key = values_at(mapper, p->ptr(), rel.local_columns);
    if (any_null(key)) {
      set_loaded(*p, index, {});
      continue;
    }
    if (rel.direction == Direction::kManyToOne && rel.remote_columns == target.primary_key()) {
      if (InstanceState* hit = s_.lookup(target, key)) {  // no SQL for what the Session holds
        set_loaded(*p, index, {hit->object});
        continue;
      }
    }
    auto [it, fresh] = by_key.try_emplace(key);
    if (fresh) keys.push_back(std::move(key));
    it->second.push_back(p.get());
  }
  if (keys.empty()) return;
  std::unordered_map<std::vector<Value>, std::vector<std::shared_ptr<void>>, KeyHash> found;
  for (std::size_t start = 0; start < keys.size(); start += kInChunk) {
    std::vector<std::vector<Value>> chunk(keys.begin() + static_cast<std::ptrdiff_t>(start),
                                          keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), start + kInChunk)));
    EntityQuery q = entity_query(target);
    q.options = below;
    std::vector<sql::Expr> match;
    if (rel.direction == Direction::kManyToMany) {
      const sql::Table& sec = *rel.secondary;
      std::vector<sql::Expr> on, extra;
      for (std::size_t k = 0; k < rel.remote_columns.size(); ++k)
        on.push_back(sec.c(rel.secondary_remote[k]) == target.columns()[rel.remote_columns[k]].expr);
      q.select = q.select.join(sec, sql::and_(on));
      for (const std::string& c : rel.secondary_local) {
        match.push_back(sec.c(c));
        extra.push_back(sec.c(c));
      }
      q.add_columns(extra);
    } else {
      for (std::size_t c : rel.remote_columns) match.push_back(target.columns()[c].expr);
    }
    q.select = q.select.where(in_keys(match, chunk));
    if (!rel.order_by.empty()) q.select = q.select.order_by(order_exprs(rel, target.table()));
    auto rows = run(q, false);
    for (std::size_t r = 0; r < rows->rows; ++r) {
      const auto& obj = rows->objects[r];
      std::vector<Value> key;
      if (rel.direction == Direction::kManyToMany) {
        for (std::size_t k = 0; k < rel.secondary_local.size(); ++k)
          key.push_back(rows->values[r * rel.secondary_local.size() + k]);
      } else {
        key = values_at(target, obj.get(), rel.remote_columns);
      }
      // A joined collection below repeats the row of the same object: keep it once.
      auto& items = found[key];
      if (std::find(items.begin(), items.end(), obj) == items.end()) items.push_back(obj);
    }
  }
  for (auto& [key, owners] : by_key) {
    auto it = found.find(key);
    for (InstanceState* p : owners) {
      auto items = it == found.end() ? std::vector<std::shared_ptr<void>>{} : it->second;
      if (!rel.uselist && items.size() > 1) items.resize(1);
      set_loaded(*p, index, std::move(items));
    }
  }
}

std::vector<std::shared_ptr<void>> Loader::load_one(InstanceState& parent, std::size_t index) {
  const Mapper& mapper = *parent.mapper;
  const RelationshipProperty& rel = mapper.relationships()[index];
  const Mapper& target = *rel.target;
  const std::vector<Value> key = values_at(mapper, parent.ptr(), rel.local_columns);
  if (any_null(key)) return {};
  if (rel.direction == Direction::kManyToOne && rel.remote_columns == target.primary_key())
    if (InstanceState* hit = s_.lookup(target, key)) return {hit->object};
  EntityQuery q = entity_query(target);
  std::vector<sql::Expr> where;
  if (rel.direction == Direction::kManyToMany) {
    const sql::Table& sec = *rel.secondary;
    std::vector<sql::Expr> on;
    for (std::size_t k = 0; k < rel.remote_columns.size(); ++k)
      on.push_back(sec.c(rel.secondary_remote[k]) == target.columns()[rel.remote_columns[k]].expr);
    q.select = q.select.join(sec, sql::and_(on));
    for (std::size_t k = 0; k < key.size(); ++k) where.push_back(sec.c(rel.secondary_local[k]) == sql::Expr(key[k]));
  } else {
    for (std::size_t k = 0; k < key.size(); ++k)
      where.push_back(target.columns()[rel.remote_columns[k]].expr == sql::Expr(key[k]));
  }
  q.select = q.select.where(sql::and_(where));
  if (!rel.order_by.empty()) q.select = q.select.order_by(order_exprs(rel, target.table()));
  auto rows = run(q, false);
  std::vector<std::shared_ptr<void>> out;
  for (const auto& obj : rows->objects)  // once each, even if a joined collection repeats it
    if (std::find(out.begin(), out.end(), obj) == out.end()) out.push_back(obj);
  if (!rel.uselist && out.size() > 1) out.resize(1);
  return out;
}

// ---- SessionCore's loading entry points ---------------------------------------------------------

std::shared_ptr<LoadedRows> SessionCore::run_query(const EntityQuery& query) {
  check_usable();
  autoflush();
  return Loader(*this).run(query, query.extras.empty());
}

// The parameters of Mapper::by_key_query() for key.
static Params key_params(std::span<const Value> key) {
  Params params;
  params.reserve(key.size());
  for (std::size_t i = 0; i < key.size(); ++i) params.append(key_param_name(i), key[i]);
  return params;
}

std::shared_ptr<void> SessionCore::get(const Mapper& mapper, std::span<const Value> key) {
  check_usable();
  if (key.size() != mapper.primary_key().size())
    throw ArgumentError("get<" + mapper.class_name() + ">() wants " +
                        std::to_string(mapper.primary_key().size()) + " primary key value(s), found " +
                        std::to_string(key.size()));
  if (InstanceState* hit = lookup(mapper, key))
    return hit->status == InstanceState::Status::kDeleted ? nullptr : hit->object;
  // The database is asked before the autoflush, which then runs only when the key is not
  // there. SQLAlchemy flushes first, but its check that nothing is pending is a flag its
  // instrumented attributes set, where crucible's compares every object of the Session with its
  // snapshot: flushing first would make each get() cost as much as the Session holds (10,000
  // gets on one Session, 50 million comparisons). The answer is the same: what a flush could
  // change about the row with this key, while the row's object is not in the identity map, is
  // only whether such a row exists (a pending object with this key, one made pending by a
  // cascade, or a primary key changed to it), and when no row is found the flush runs and the
  // key is looked up again. A pending change that fails to flush then fails at the next flush
  // rather than in this get().
  if (std::shared_ptr<void> found = load_by_key(mapper, key)) return found;
  if (!options.autoflush || flushing_) return nullptr;
  const std::uint64_t flushes = flushes_written_;
  flush();
  if (flushes_written_ == flushes) return nullptr;  // nothing was written: the answer stands
  if (InstanceState* hit = lookup(mapper, key))
    return hit->status == InstanceState::Status::kDeleted ? nullptr : hit->object;
  return load_by_key(mapper, key);
}

std::shared_ptr<void> SessionCore::load_by_key(const Mapper& mapper, std::span<const Value> key) {
  const EntityQuery& query = *mapper.by_key_query();
  const auto& rels = mapper.relationships();
  if (std::any_of(rels.begin(), rels.end(), [](const RelationshipProperty& r) { return r.lazy == Lazy::kJoined; })) {
    auto rows = Loader(*this).run(query, true, key_params(key));  // the joins go in the SELECT
    return rows->rows == 0 ? nullptr : rows->objects.front();
  }
  // One row at most (the key is the primary key's): read it, make its object, and let the
  // statement go without stepping it to its end. The key goes by position (the SELECT's
  // parameters are the key's columns in order), and the row comes without a Result.
  InstanceState* state = nullptr;
  {
    std::vector<Value> row;
    if (!crucible::detail::execute_first_row(connection(), query.select, key, row)) return nullptr;
    bool created = false;
    state = instance(mapper, row, 0, &created, /*take_texts=*/true);
  }
  if (state == nullptr) return nullptr;
  if (!rels.empty()) {
    std::vector<std::shared_ptr<InstanceState>> parents{state->shared_from_this()};
    Loader(*this).post_load(mapper, parents, plan_for(mapper, {}), std::vector<bool>(rels.size(), false));
  }
  return state->object;
}

void SessionCore::refresh(const Mapper& mapper, const void* object) {
  check_usable();
  InstanceState* state = state_of(object);
  if (state == nullptr || state->status != InstanceState::Status::kPersistent)
    throw InvalidRequestError("refresh() wants a persistent object of this Session, found a " +
                              mapper.class_name() + " that is " +
                              (state == nullptr ? "not in it" : "pending or deleted"));
  autoflush();
  crucible::Result result = connection().execute(mapper.by_key_query()->select, key_params(state->key));
  auto row = result.first();
  if (!row)
    throw InvalidRequestError("refresh() could not find " + describe(*state) + " in the database");
  auto& values = row->mutable_values();
  const auto& cols = mapper.columns();
  for (std::size_t i = 0; i < cols.size(); ++i) {
    cols[i].accessor->load(state->ptr(), values[i]);
    state->snapshot.set(i, values[i]);
  }
  for (std::size_t i = 0; i < mapper.relationships().size(); ++i) {
    mapper.relationships()[i].accessor->attribute(state->ptr()).set_load(AttributeBase::Load::kUnloaded);
    state->rel_known[i] = false;
  }
}

void SessionCore::lazy_load(InstanceState& state, std::size_t index) {
  check_usable();
  autoflush();
  auto items = Loader(*this).load_one(state, index);
  set_loaded(state, index, std::move(items));
}

}  // namespace crucible::orm::detail
