// The unit of work (SQLAlchemy's orm/unitofwork.py and persistence.py): what changed since the
// last flush, in which order to write it, and writing it.
//
// Order: mappers are sorted so that a table comes after the tables its relationships' foreign
// keys refer to (many-to-one: the target first; one-to-many: the owner first). For each mapper
// in that order the foreign keys of its objects are set from their related objects, then its
// new objects are INSERTed (one statement for many rows where the dialect allows), then its
// changed objects UPDATEd (only the changed columns). Association rows of many-to-many
// relationships follow, then the DELETEs in the reverse order. A mapper that refers to itself
// inserts its new objects parent first, one statement each.
#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <unordered_map>

#include "crucible/errors.hpp"
#include "crucible/sql/dml.hpp"
#include "session_state.hpp"

namespace crucible::orm::detail {

namespace {

using Status = InstanceState::Status;
using StatePtr = std::shared_ptr<InstanceState>;

bool live(const InstanceState& s) { return s.status == Status::kPending || s.status == Status::kPersistent; }

// The bind parameter name of primary key column `column` in an UPDATE's or DELETE's WHERE:
// "pk_<column>", with more leading underscores while that names a column of the table.
std::string pk_name(const Mapper& m, const std::string& column) {
  std::string name = "pk_" + column;
  while (m.column_index(name) >= 0) name.insert(0, "_");
  return name;
}

// Mappers in dependency order; throws CircularDependencyError naming a cycle.
std::vector<const Mapper*> sort_mappers(const std::vector<const Mapper*>& mappers) {
  std::map<const Mapper*, std::set<const Mapper*>> after;  // m -> mappers that must come first
  std::set<const Mapper*> all(mappers.begin(), mappers.end());
  for (const Mapper* m : mappers) {
    after[m];
    for (const RelationshipProperty& rel : m->relationships()) {
      const Mapper* t = rel.target;
      if (t == m || !all.count(t)) continue;
      if (rel.direction == Direction::kManyToOne) after[m].insert(t);
      else if (rel.direction == Direction::kOneToMany) after[t].insert(m);
    }
  }
  std::vector<const Mapper*> out;
  std::set<const Mapper*> placed;
  // Stable: among the mappers ready, the one seen first goes first.
  while (out.size() < mappers.size()) {
    bool progress = false;
    for (const Mapper* m : mappers) {
      if (placed.count(m)) continue;
      const auto& deps = after[m];
      if (std::all_of(deps.begin(), deps.end(), [&](const Mapper* d) { return placed.count(d) > 0; })) {
        out.push_back(m);
        placed.insert(m);
        progress = true;
      }
    }
    if (!progress) {
      // Name only the mappers on the cycle: drop, until none is left to drop, those that no
      // other unplaced mapper waits for (they merely wait for the cycle themselves).
      std::set<const Mapper*> left;
      for (const Mapper* m : mappers)
        if (!placed.count(m)) left.insert(m);
      for (bool dropped = true; dropped;) {
        dropped = false;
        for (auto it = left.begin(); it != left.end();) {
          const bool needed = std::any_of(left.begin(), left.end(), [&](const Mapper* n) {
            return n != *it && after[n].count(*it) > 0;
          });
          if (needed) {
            ++it;
          } else {
            it = left.erase(it);
            dropped = true;
          }
        }
      }
      std::string cycle;
      for (const Mapper* m : mappers)
        if (left.count(m)) cycle += (cycle.empty() ? "" : " <-> ") + m->class_name();
      throw CircularDependencyError(
          "wanted an order of INSERTs in which every foreign key refers to a row already "
          "written, found a cycle of mappers that refer to each other: " + cycle +
          "; break it by making one foreign key nullable and setting it in a second flush");
    }
  }
  return out;
}

// Orders the deleted objects of a self-referential mapper children first, by the keys their rows
// had (their snapshots): a row goes after every row whose foreign key referred to it, so that
// the database's foreign key never sees a parent deleted before its children.
void children_first(const Mapper& m, std::vector<StatePtr>& doomed) {
  // (foreign key columns, referred columns) of each self-referential relationship
  std::vector<std::pair<std::vector<std::size_t>, std::vector<std::size_t>>> links;
  for (const RelationshipProperty& rel : m.relationships()) {
    if (rel.target != &m) continue;
    if (rel.direction == Direction::kManyToOne)
      links.emplace_back(rel.local_columns, rel.remote_columns);
    else if (rel.direction == Direction::kOneToMany)
      links.emplace_back(rel.remote_columns, rel.local_columns);
  }
  if (links.empty() || doomed.size() < 2) return;
  const auto values = [](const InstanceState& st, const std::vector<std::size_t>& cols) {
    std::vector<Value> k;
    for (std::size_t c : cols) k.push_back(st.snapshot.value(c));
    return k;
  };
  std::vector<StatePtr> parents_first;
  std::set<const InstanceState*> placed, visiting;
  std::function<void(const StatePtr&)> visit = [&](const StatePtr& st) {
    if (placed.count(st.get()) || !visiting.insert(st.get()).second) return;  // done, or a cycle
    for (const auto& [fk, referred] : links) {
      const std::vector<Value> parent_key = values(*st, fk);
      for (const StatePtr& p : doomed)
        if (p != st && values(*p, referred) == parent_key) visit(p);
    }
    placed.insert(st.get());
    parents_first.push_back(st);
  };
  for (const StatePtr& st : doomed) visit(st);
  doomed.assign(parents_first.rbegin(), parents_first.rend());
}

}  // namespace

bool SessionCore::is_dirty(const InstanceState& state) const {
  if (state.status != Status::kPersistent || state.snapshot.empty()) return false;
  const auto& cols = state.mapper->columns();
  for (std::size_t i = 0; i < cols.size(); ++i)
    if (!state.snapshot.same(*cols[i].accessor, state.ptr(), i)) return true;
  return false;
}

/// One flush: see the top of this file.
class UnitOfWork {
 public:
  explicit UnitOfWork(SessionCore& s) : s_(s) {}
  void run();

 private:
  bool cascade_deletes();
  bool moved_elsewhere(const InstanceState& parent, std::size_t index, const void* item) const;
  void null_children_of(InstanceState& parent, std::size_t index, const std::vector<const void*>& items);
  void sync_many_to_one(InstanceState& state);
  void sync_one_to_many(const Mapper& target);
  void insert(const Mapper& m, std::vector<StatePtr>& pending);
  void insert_group(const Mapper& m, std::vector<StatePtr>& group,
                    const std::vector<std::size_t>& cols, const std::vector<std::size_t>& fetch);
  void insert_page(const Mapper& m, std::span<StatePtr> group,
                   const std::vector<std::size_t>& cols, const std::vector<std::size_t>& fetch);
  void update(const Mapper& m, const std::vector<StatePtr>& states);
  void many_to_many();
  void delete_rows(const Mapper& m, const std::vector<StatePtr>& states);
  InstanceState* state_for(const std::shared_ptr<void>& obj) { return s_.state_of(obj.get()); }
  /// Self-referential one-to-many: a pending child's parent through a loaded collection, and
  /// the relationship, so its key can be set once the parent is written.
  std::unordered_map<const InstanceState*, std::pair<InstanceState*, const RelationshipProperty*>>
      collection_parent_;

  SessionCore& s_;
  std::vector<StatePtr> states_;

};

// Returns whether the Session's states changed (states deleted, loaded or expunged).
bool UnitOfWork::cascade_deletes() {
  bool expunged = false;
  std::vector<InstanceState*> work;
  for (const auto& st : states_)
    if (st->status == Status::kDeleted) work.push_back(st.get());
  // Orphans: items removed from a loaded one-to-many collection since it was loaded.
  for (const auto& st : states_) {
    if (st->status != Status::kPersistent) continue;
    const Mapper& m = *st->mapper;
    for (std::size_t i = 0; i < m.relationships().size(); ++i) {
      const RelationshipProperty& rel = m.relationships()[i];
      if (rel.direction != Direction::kOneToMany || !st->rel_known[i] ||
          !rel.accessor->attribute(st->ptr()).loaded())
        continue;
      const auto now = rel.accessor->items(st->ptr());
      std::vector<const void*> gone;
      for (const auto& was : st->rel_snapshot[i])
        if (std::none_of(now.begin(), now.end(), [&](const auto& p) { return p == was; }) &&
            !moved_elsewhere(*st, i, was.get()))
          gone.push_back(was.get());
      if (gone.empty()) continue;
      if (rel.cascade.delete_orphan) {
        for (const void* g : gone)
          if (InstanceState* c = s_.state_of(g); c && c->status == Status::kPersistent) {
            c->status = Status::kDeleted;
            s_.log().deleted.push_back(s_.shared_state_of(g));
            work.push_back(c);
          } else if (c && c->status == Status::kPending) {
            s_.expunge(g);
            expunged = true;
          }
      } else {
        null_children_of(*st, i, gone);
      }
    }
  }
  // Deleted parents: delete cascades, or children's foreign keys set to NULL.
  for (std::size_t w = 0; w < work.size(); ++w) {
    InstanceState& st = *work[w];
    const Mapper& m = *st.mapper;
    for (std::size_t i = 0; i < m.relationships().size(); ++i) {
      const RelationshipProperty& rel = m.relationships()[i];
      if (rel.direction != Direction::kOneToMany) continue;
      AttributeBase& a = rel.accessor->attribute(st.ptr());
      if (!a.loaded()) s_.lazy_load(st, i);
      std::vector<const void*> items;
      for (const auto& p : rel.accessor->items(st.ptr())) items.push_back(p.get());
      if (rel.cascade.delete_) {
        for (const void* item : items)
          if (InstanceState* c = s_.state_of(item); c && c->status == Status::kPersistent) {
            c->status = Status::kDeleted;
            s_.log().deleted.push_back(s_.shared_state_of(item));
            work.push_back(c);
          }
      } else {
        null_children_of(st, i, items);
      }
    }
  }
  return expunged || !work.empty();
}

// Whether item, gone from parent's collection `index`, now belongs to another parent: its
// back_populates Ref points elsewhere, or another parent's loaded collection holds it. Such a
// child is re-parented, not orphaned: neither deleted nor given a NULL foreign key (its new
// parent's key is written by sync_one_to_many / sync_many_to_one).
bool UnitOfWork::moved_elsewhere(const InstanceState& parent, std::size_t index,
                                 const void* item) const {
  const RelationshipProperty& rel = parent.mapper->relationships()[index];
  void* child = const_cast<void*>(item);
  if (rel.back_populates >= 0) {
    const auto& back = rel.target->relationships()[static_cast<std::size_t>(rel.back_populates)];
    if (back.accessor->attribute(child).loaded()) {
      const auto now = back.accessor->items(child);
      if (!now.empty() && now.front() != parent.object) return true;
    }
  }
  for (const auto& other : states_) {
    if (other.get() == &parent || other->mapper != parent.mapper || !live(*other) ||
        !rel.accessor->attribute(other->ptr()).loaded())
      continue;
    const auto items = rel.accessor->items(other->ptr());
    if (std::any_of(items.begin(), items.end(), [&](const auto& p) { return p.get() == item; }))
      return true;
  }
  return false;
}

// Children no longer belonging to parent (removed, or parent deleted): their foreign key to it
// becomes NULL, when it still points at parent.
void UnitOfWork::null_children_of(InstanceState& parent, std::size_t index,
                                  const std::vector<const void*>& items) {
  const Mapper& m = *parent.mapper;
  const RelationshipProperty& rel = m.relationships()[index];
  for (const void* item : items) {
    InstanceState* c = s_.state_of(item);
    if (c == nullptr || !live(*c)) continue;
    bool points_here = true;
    for (std::size_t k = 0; k < rel.local_columns.size(); ++k) {
      const Value mine = m.columns()[rel.local_columns[k]].accessor->get(parent.ptr());
      if (!rel.target->columns()[rel.remote_columns[k]].accessor->same(item, mine)) points_here = false;
    }
    if (!points_here) continue;
    for (std::size_t r : rel.remote_columns) {
      try {
        rel.target->columns()[r].accessor->set(const_cast<void*>(item), Value());
      } catch (const Error&) {
        throw FlushError("cannot detach " + describe(*c) + " from " + describe(parent) + ": its "
                         "member for column '" + rel.target->columns()[r].key + "' cannot hold "
                         "NULL; use cascade(\"all, delete-orphan\") to delete it instead");
      }
    }
    if (rel.back_populates >= 0) {
      const auto& back = rel.target->relationships()[static_cast<std::size_t>(rel.back_populates)];
      back.accessor->remove_item(const_cast<void*>(item), parent.ptr());
    }
  }
}

// Sets state's foreign keys from the objects its loaded many-to-one Refs point at.
void UnitOfWork::sync_many_to_one(InstanceState& state) {
  const Mapper& m = *state.mapper;
  for (std::size_t i = 0; i < m.relationships().size(); ++i) {
    const RelationshipProperty& rel = m.relationships()[i];
    if (rel.direction != Direction::kManyToOne) continue;
    if (!rel.accessor->attribute(state.ptr()).loaded()) continue;
    const auto items = rel.accessor->items(state.ptr());
    if (items.empty()) {
      // Set to none after being loaded with a target: the foreign key becomes NULL.
      if (state.rel_known[i] && !state.rel_snapshot[i].empty())
        for (std::size_t c : rel.local_columns) {
          if (state.status == Status::kPending) state.remember(c);
          m.columns()[c].accessor->set(state.ptr(), Value());
        }
      continue;
    }
    InstanceState* t = state_for(items.front());
    if (t == nullptr || !live(*t))
      throw FlushError("wanted the " + rel.target->class_name() + " that " + describe(state) + "." +
                       rel.key + " refers to in the Session, found it " +
                       (t == nullptr ? "outside the Session (add it, or keep save-update cascade)" : "deleted"));
    if (t->status == Status::kPending)
      throw FlushError("wanted " + describe(*t) + " written before " + describe(state) +
                       " refers to it through " + rel.key + "; found it still pending (a cycle?)");
    for (std::size_t k = 0; k < rel.local_columns.size(); ++k) {
      const Value v = rel.target->columns()[rel.remote_columns[k]].accessor->get(t->ptr());
      const auto& acc = *m.columns()[rel.local_columns[k]].accessor;
      if (acc.same(state.ptr(), v)) continue;
      if (state.status == Status::kPending) state.remember(rel.local_columns[k]);
      acc.set(state.ptr(), v);
    }
  }
}

// Sets the foreign keys of target's objects from the parents whose loaded collections hold
// them (one-to-many), parents being written already.
void UnitOfWork::sync_one_to_many(const Mapper& target) {
  for (const auto& p : states_) {
    if (!live(*p) || p->status == Status::kPending) continue;
    const Mapper& m = *p->mapper;
    for (std::size_t i = 0; i < m.relationships().size(); ++i) {
      const RelationshipProperty& rel = m.relationships()[i];
      if (rel.direction != Direction::kOneToMany || rel.target != &target) continue;
      if (!rel.accessor->attribute(p->ptr()).loaded()) continue;
      for (const auto& item : rel.accessor->items(p->ptr())) {
        InstanceState* c = state_for(item);
        if (c == nullptr || !live(*c)) continue;
        for (std::size_t k = 0; k < rel.local_columns.size(); ++k) {
          const Value v = m.columns()[rel.local_columns[k]].accessor->get(p->ptr());
          const auto& acc = *target.columns()[rel.remote_columns[k]].accessor;
          if (acc.same(item.get(), v)) continue;
          if (c->status == Status::kPending) c->remember(rel.remote_columns[k]);
          acc.set(item.get(), v);
        }
      }
    }
  }
}

void UnitOfWork::insert(const Mapper& m, std::vector<StatePtr>& pending) {
  const auto& cols = m.columns();
  // The columns each object sends: a database-numbered key or a server default whose member is
  // unset is left out and read back; an unset member with a client default takes it.
  std::vector<std::size_t> cur_cols, cur_fetch;
  std::vector<StatePtr> group;
  const auto flush_group = [&] {
    if (!group.empty()) insert_group(m, group, cur_cols, cur_fetch);
    group.clear();
  };
  bool self_ref = std::any_of(m.relationships().begin(), m.relationships().end(),
                              [&](const auto& r) { return r.target == &m; });
  std::vector<std::size_t> use, fetch;  // reused: no allocation per object
  for (StatePtr& st : pending) {  // each moved into a group (pending is spent)
    if (self_ref) {
      sync_many_to_one(*st);  // its parent of the same mapper is written by now
      if (auto it = collection_parent_.find(st.get()); it != collection_parent_.end()) {
        const auto& [parent, rel] = it->second;
        for (std::size_t k = 0; k < rel->local_columns.size(); ++k) {
          const Value v = m.columns()[rel->local_columns[k]].accessor->get(parent->ptr());
          const auto& acc = *m.columns()[rel->remote_columns[k]].accessor;
          if (acc.same(st->ptr(), v)) continue;
          st->remember(rel->remote_columns[k]);
          acc.set(st->ptr(), v);
        }
      }
    }
    use.clear();
    fetch.clear();
    for (std::size_t i = 0; i < cols.size(); ++i) {
      const ColumnProperty& c = cols[i];
      const bool unset = c.accessor->unset(st->ptr());
      const auto fill = [&] {
        if (i < 64) st->filled |= std::uint64_t{1} << i;
        else st->remember(i);
      };
      if (unset && c.autoincrement) {
        fill();
        fetch.push_back(i);
        continue;
      }
      if (unset && c.column.default_ && c.accessor->nullable()) {
        fill();
        c.accessor->set(st->ptr(), *c.column.default_);
      } else if (unset && c.accessor->nullable() && (c.column.server_default || c.column.sequence)) {
        fill();
        fetch.push_back(i);
        continue;
      }
      use.push_back(i);
    }
    if (self_ref || use != cur_cols || fetch != cur_fetch) {
      flush_group();
      cur_cols = use;
      cur_fetch = fetch;
    }
    group.push_back(std::move(st));
    if (self_ref) flush_group();
  }
  flush_group();
}

void UnitOfWork::insert_group(const Mapper& m, std::vector<StatePtr>& group,
                              const std::vector<std::size_t>& cols,
                              const std::vector<std::size_t>& fetch) {
  // A page of the dialect's multi-row INSERT at a time: the values built, sent and moved into
  // the snapshots while they are in the cache (100,000 objects' values at once were megabytes
  // of fresh pages).
  const std::size_t page =
      std::max<std::size_t>(1, s_.connection().dialect().features().insertmanyvalues_page_size);
  for (std::size_t start = 0; start < group.size(); start += page)
    insert_page(m, std::span<StatePtr>(group).subspan(start, std::min(page, group.size() - start)),
                cols, fetch);
}

void UnitOfWork::insert_page(const Mapper& m, std::span<StatePtr> group,
                             const std::vector<std::size_t>& cols,
                             const std::vector<std::size_t>& fetch) {
  Connection& conn = s_.connection();
  const auto& props = m.columns();
  const DialectFeatures& f = conn.dialect().features();
  // The values sent, one row per object (Connection::execute binds pages of them in place).
  // When every column comes from the database, INSERT … DEFAULT VALUES is not portable: the
  // autoincrement key is sent as NULL, which every database numbers.
  std::vector<std::size_t> sent = cols;
  if (sent.empty())
    for (std::size_t i : fetch)
      if (props[i].autoincrement) sent.push_back(i);
  std::vector<std::string> names;
  names.reserve(sent.size());
  for (std::size_t i : sent) names.push_back(props[i].key);
  ParamTable table(names);
  table.reserve(group.size());
  for (const StatePtr& st : group)
    for (std::size_t i : sent) table.push_back(cols.empty() ? Value() : props[i].accessor->get(st->ptr()));
  sql::Insert stmt = sql::insert(m.table());
  const auto write_back = [&](InstanceState& st, std::vector<Value>& values) {
    for (std::size_t k = 0; k < fetch.size(); ++k) props[fetch[k]].accessor->load(st.ptr(), values[k]);
  };
  if (fetch.empty()) {
    conn.execute(stmt, table);
  } else if (f.supports_returning) {
    std::vector<sql::Expr> ret;
    for (std::size_t i : fetch) ret.push_back(props[i].expr);
    crucible::Result r = conn.execute(stmt.returning(ret), table);
    // Each row written back as it is read (one Row refilled in place, no allocation per row).
    crucible::Row row;
    std::size_t count = 0;
    while (r.fetch_into(row)) {
      if (count < group.size()) write_back(*group[count], row.mutable_values());
      ++count;
    }
    if (count != group.size())
      throw FlushError("INSERT … RETURNING into " + m.table().data().fullname() + " returned " +
                       std::to_string(count) + " rows for " + std::to_string(group.size()) +
                       " objects");
  } else {
    // No RETURNING: one INSERT per object, the key from lastrowid, server defaults read after.
    for (std::size_t g = 0; g < group.size(); ++g) {
      crucible::Result r = conn.execute(stmt, table.params(g));
      std::vector<Value> got(fetch.size());
      bool need_select = false;
      for (std::size_t k = 0; k < fetch.size(); ++k) {
        if (props[fetch[k]].autoincrement && r.lastrowid()) got[k] = Value(*r.lastrowid());
        else need_select = true;
      }
      for (std::size_t k = 0; k < fetch.size(); ++k)
        if (props[fetch[k]].autoincrement) props[fetch[k]].accessor->load(group[g]->ptr(), got[k]);
      if (need_select) {
        std::vector<sql::Expr> what, where;
        for (std::size_t i : fetch) what.push_back(props[i].expr);
        for (std::size_t i : m.primary_key())
          where.push_back(props[i].expr == sql::Expr(props[i].accessor->get(group[g]->ptr())));
        auto row = conn.execute(sql::select(what).where(sql::and_(where))).first();
        if (!row) throw FlushError("could not read back the defaults of the new " + m.class_name());
        write_back(*group[g], row->mutable_values());
      }
    }
  }
  for (std::size_t g = 0; g < group.size(); ++g) {
    const StatePtr& st = group[g];
    // The snapshot: the values sent (taken from the parameters, or copied into the Session's
    // arena), and those read back.
    st->snapshot.resize(props.size());
    const std::span<Value> row = table.row(g);  // sent: its values move into the snapshot
    for (std::size_t k = 0; k < cols.size(); ++k) st->snapshot.set(cols[k], std::move(row[k]));
    for (std::size_t i : fetch) st->snapshot.set(i, props[i].accessor->get(st->ptr()));
    s_.make_persistent(st, KeyValues(st->snapshot, m.primary_key()));
    // A relationship the program never set on the new object is not known to be empty: rows
    // may refer to it (or it to them) by key alone. It loads on first access.
    for (std::size_t i = 0; i < m.relationships().size(); ++i) {
      AttributeBase& a = m.relationships()[i].accessor->attribute(st->ptr());
      if (a.loaded() && m.relationships()[i].accessor->items(st->ptr()).empty())
        a.set_load(AttributeBase::Load::kUnloaded);
    }
    s_.log().inserted.push_back(std::move(group[g]));  // the group is spent
  }
}

void UnitOfWork::update(const Mapper& m, const std::vector<StatePtr>& states) {
  const auto& props = m.columns();
  Connection& conn = s_.connection();
  // Consecutive objects that changed the same columns go in one executemany.
  std::vector<std::size_t> cur;
  std::vector<StatePtr> group;
  const auto run = [&] {
    if (group.empty()) return;
    sql::Assignments set;
    for (std::size_t i : cur) set.emplace_back(props[i].key, sql::bindparam(props[i].key, props[i].column.type));
    std::vector<sql::Expr> where;
    for (std::size_t i : m.primary_key())
      where.push_back(props[i].expr == sql::bindparam(pk_name(m, props[i].key), props[i].column.type));
    sql::Update stmt = sql::update(m.table()).values(set).where(sql::and_(where));
    std::vector<Params> sets;
    for (const StatePtr& st : group) {
      Params p;
      for (std::size_t i : cur) p.set(props[i].key, props[i].accessor->get(st->ptr()));
      for (std::size_t k = 0; k < m.primary_key().size(); ++k)
        p.set(pk_name(m, props[m.primary_key()[k]].key), st->key[k]);
      sets.push_back(std::move(p));
    }
    crucible::Result r = sets.size() == 1 ? conn.execute(stmt, sets.front()) : conn.execute(stmt, sets);
    if (r.rowcount() >= 0 && r.rowcount() != static_cast<std::int64_t>(group.size()))
      throw StaleDataError("UPDATE of table " + m.table().data().fullname() + " expected to update " +
                           std::to_string(group.size()) + " row(s); " + std::to_string(r.rowcount()) +
                           " were matched (changed or deleted behind the Session?)");
    for (const StatePtr& st : group) {
      auto& log = s_.log();
      if (log.updated_set.insert(st.get()).second) log.updated.emplace_back(st, st->snapshot.values());
      for (std::size_t i : cur) st->snapshot.set(i, props[i].accessor->get(st->ptr()));
      std::vector<Value> key = SessionCore::key_of(m, st->ptr());
      if (key != st->key) {  // the primary key itself changed: re-key the identity map
        s_.identity_.erase(st.get());
        st->key = std::move(key);
        s_.identity_.insert(st.get());
      }
    }
    group.clear();
  };
  for (const StatePtr& st : states) {
    std::vector<std::size_t> changed;
    for (std::size_t i = 0; i < props.size(); ++i)
      if (!st->snapshot.same(*props[i].accessor, st->ptr(), i)) changed.push_back(i);
    if (changed.empty()) continue;
    if (changed != cur) {
      run();
      cur = std::move(changed);
    }
    group.push_back(st);
  }
  run();
}

void UnitOfWork::many_to_many() {
  // (secondary table, its values) pairs to add and remove, each once even when both sides of a
  // back_populates pair changed.
  struct Row {
    const RelationshipProperty* rel;
    std::vector<Value> values;  // secondary_local values, then secondary_remote values
    bool operator<(const Row& o) const {
      if (rel->secondary->node() != o.rel->secondary->node())
        return rel->secondary->node() < o.rel->secondary->node();
      return values.size() != o.values.size() ? values.size() < o.values.size()
                                              : std::lexicographical_compare(
                                                    values.begin(), values.end(), o.values.begin(), o.values.end(),
                                                    [](const Value& a, const Value& b) { return a.to_string() < b.to_string(); });
    }
  };
  std::set<Row> adds, removes;
  std::set<std::pair<const void*, std::vector<std::string>>> seen_names;
  for (const auto& st : states_) {
    if (!live(*st)) continue;
    const Mapper& m = *st->mapper;
    for (std::size_t i = 0; i < m.relationships().size(); ++i) {
      const RelationshipProperty& rel = m.relationships()[i];
      if (rel.direction != Direction::kManyToMany || !rel.accessor->attribute(st->ptr()).loaded()) continue;
      const auto now = rel.accessor->items(st->ptr());
      const auto& was = st->rel_snapshot[i];
      const bool known = st->rel_known[i];
      // Rows are keyed by the secondary's column order of the side that owns the pair, so that
      // the two sides of a pair produce the same row: local columns sorted by name.
      const auto row_of = [&](const void* item) {
        std::vector<std::pair<std::string, Value>> kv;
        for (std::size_t k = 0; k < rel.secondary_local.size(); ++k)
          kv.emplace_back(rel.secondary_local[k], m.columns()[rel.local_columns[k]].accessor->get(st->ptr()));
        for (std::size_t k = 0; k < rel.secondary_remote.size(); ++k)
          kv.emplace_back(rel.secondary_remote[k], rel.target->columns()[rel.remote_columns[k]].accessor->get(item));
        std::sort(kv.begin(), kv.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        Row r{&rel, {}};
        for (auto& [k, v] : kv) r.values.push_back(std::move(v));
        return r;
      };
      for (const auto& item : now) {
        const bool had = known && std::find(was.begin(), was.end(), item) != was.end();
        if (had) continue;
        InstanceState* t = state_for(item);
        if (t == nullptr || !live(*t)) continue;
        adds.insert(row_of(item.get()));
      }
      if (known)
        for (const auto& item : was)
          if (std::none_of(now.begin(), now.end(), [&](const auto& p) { return p == item; }))
            removes.insert(row_of(item.get()));
    }
  }
  if (adds.empty() && removes.empty()) return;
  Connection& conn = s_.connection();
  for (const Row& r : removes) {
    if (adds.count(r)) continue;
    std::vector<std::string> names(r.rel->secondary_local);
    names.insert(names.end(), r.rel->secondary_remote.begin(), r.rel->secondary_remote.end());
    std::sort(names.begin(), names.end());
    std::vector<sql::Expr> where;
    for (std::size_t k = 0; k < names.size(); ++k) where.push_back(r.rel->secondary->c(names[k]) == sql::Expr(r.values[k]));
    conn.execute(sql::delete_(*r.rel->secondary).where(sql::and_(where)));
  }
  // Inserts grouped per secondary table, one executemany each.
  std::map<const void*, std::pair<const RelationshipProperty*, std::vector<Params>>> per_table;
  for (const Row& r : adds) {
    if (removes.count(r)) continue;
    std::vector<std::string> names(r.rel->secondary_local);
    names.insert(names.end(), r.rel->secondary_remote.begin(), r.rel->secondary_remote.end());
    std::sort(names.begin(), names.end());
    Params p;
    for (std::size_t k = 0; k < names.size(); ++k) p.set(names[k], r.values[k]);
    auto& entry = per_table[r.rel->secondary->node().get()];
    entry.first = r.rel;
    entry.second.push_back(std::move(p));
  }
  for (auto& [node, entry] : per_table) {
    sql::Insert stmt = sql::insert(*entry.first->secondary);
    if (entry.second.size() == 1) conn.execute(stmt, entry.second.front());
    else conn.execute(stmt, entry.second);
  }
}

void UnitOfWork::delete_rows(const Mapper& m, const std::vector<StatePtr>& states) {
  if (states.empty()) return;
  Connection& conn = s_.connection();
  const auto& props = m.columns();
  // Association rows of the deleted objects go first.
  for (const RelationshipProperty& rel : m.relationships()) {
    if (rel.direction != Direction::kManyToMany) continue;
    for (const StatePtr& st : states) {
      std::vector<sql::Expr> where;
      for (std::size_t k = 0; k < rel.secondary_local.size(); ++k)
        where.push_back(rel.secondary->c(rel.secondary_local[k]) == sql::Expr(st->snapshot.value(rel.local_columns[k])));
      conn.execute(sql::delete_(*rel.secondary).where(sql::and_(where)));
    }
  }
  std::vector<sql::Expr> where;
  for (std::size_t i : m.primary_key())
    where.push_back(props[i].expr == sql::bindparam(pk_name(m, props[i].key), props[i].column.type));
  sql::Delete stmt = sql::delete_(m.table()).where(sql::and_(where));
  std::vector<Params> sets;
  for (const StatePtr& st : states) {
    Params p;
    for (std::size_t k = 0; k < m.primary_key().size(); ++k) p.set(pk_name(m, props[m.primary_key()[k]].key), st->key[k]);
    sets.push_back(std::move(p));
  }
  crucible::Result r = sets.size() == 1 ? conn.execute(stmt, sets.front()) : conn.execute(stmt, sets);
  if (r.rowcount() >= 0 && r.rowcount() != static_cast<std::int64_t>(states.size()))
    throw StaleDataError("DELETE of table " + m.table().data().fullname() + " expected to delete " +
                         std::to_string(states.size()) + " row(s); " + std::to_string(r.rowcount()) +
                         " were matched");
  for (const StatePtr& st : states) {
    s_.identity_.erase(st.get());
    st->status = Status::kGone;
    auto& log = s_.log();
    if (std::find(log.deleted.begin(), log.deleted.end(), st) == log.deleted.end()) log.deleted.push_back(st);
  }
}

void UnitOfWork::run() {
  states_ = s_.all_states();
  if (cascade_deletes()) states_ = s_.all_states();
  // Nothing to do? (the common case of autoflush)
  bool work = false;
  for (const auto& st : states_) {
    if (st->status == Status::kPending || st->status == Status::kDeleted) work = true;
    else if (st->status == Status::kPersistent) {
      if (s_.is_dirty(*st)) work = true;
      const Mapper& m = *st->mapper;
      for (std::size_t i = 0; i < m.relationships().size() && !work; ++i) {
        const auto& rel = m.relationships()[i];
        if (!rel.accessor->attribute(st->ptr()).loaded()) continue;
        const auto now = rel.accessor->items(st->ptr());
        const auto& was = st->rel_snapshot[i];
        if (!st->rel_known[i] || now.size() != was.size()) {
          work = work || !now.empty() || st->rel_known[i];
          continue;
        }
        for (std::size_t k = 0; k < now.size(); ++k)
          if (now[k] != was[k]) work = true;
      }
    }
    if (work) break;
  }
  if (!work) return;
  ++s_.flushes_written_;
  std::vector<const Mapper*> mappers;
  bool any_deleted = false;
  for (const auto& st : states_) {
    any_deleted = any_deleted || st->status == Status::kDeleted;
    if (std::find(mappers.begin(), mappers.end(), st->mapper) == mappers.end()) mappers.push_back(st->mapper);
  }
  // Related mappers take part in the order even without objects of their own.
  for (std::size_t i = 0; i < mappers.size(); ++i)
    for (const auto& rel : mappers[i]->relationships())
      if (std::find(mappers.begin(), mappers.end(), rel.target) == mappers.end()) mappers.push_back(rel.target);
  const std::vector<const Mapper*> order = sort_mappers(mappers);
  // The passes for relationships and deleted objects: a flush of new and changed objects of
  // mappers without relationships skips them (each is a walk over every object).
  const bool any_relationships = std::any_of(order.begin(), order.end(), [](const Mapper* m) {
    return !m->relationships().empty();
  });
  for (const Mapper* m : order) {
    if (any_relationships) sync_one_to_many(*m);
    std::vector<StatePtr> pending, persistent;
    for (const auto& st : states_) {
      if (st->mapper != m) continue;
      if (st->status == Status::kPending) pending.push_back(st);
      else if (st->status == Status::kPersistent) persistent.push_back(st);
    }
    bool self_ref = false;
    for (const auto& rel : m->relationships()) self_ref = self_ref || rel.target == m;
    // Foreign keys from many-to-one Refs (a mapper without relationships has none to set).
    const bool has_relationships = !m->relationships().empty();
    if (has_relationships)
      for (const auto& st : persistent) sync_many_to_one(*st);
    if (!self_ref) {
      if (has_relationships)
        for (const auto& st : pending) sync_many_to_one(*st);
    } else {
      // Parents first: a pending object after the pending objects its Refs point at.
      std::vector<StatePtr> ordered;
      std::set<const InstanceState*> placed;
      std::function<void(const StatePtr&, int)> visit = [&](const StatePtr& st, int depth) {
        if (placed.count(st.get())) return;
        if (depth > static_cast<int>(pending.size()))
          throw CircularDependencyError("new " + m->class_name() + " objects refer to each other in a cycle");
        for (const auto& rel : m->relationships()) {
          if (rel.target != m || rel.direction != Direction::kManyToOne) continue;
          if (!rel.accessor->attribute(st->ptr()).loaded()) continue;
          for (const auto& item : rel.accessor->items(st->ptr()))
            if (InstanceState* p = state_for(item); p && p->status == Status::kPending)
              visit(s_.shared_state_of(item.get()), depth + 1);
        }
        placed.insert(st.get());
        ordered.push_back(st);
      };
      // A child placed only in a parent's collection (no Ref back) comes after that parent too.
      for (const auto& p : states_) {
        if (p->mapper != m || !live(*p)) continue;
        for (const auto& rel : m->relationships()) {
          if (rel.target != m || rel.direction != Direction::kOneToMany) continue;
          if (!rel.accessor->attribute(p->ptr()).loaded()) continue;
          for (const auto& item : rel.accessor->items(p->ptr()))
            if (InstanceState* c = state_for(item); c && c->status == Status::kPending)
              collection_parent_[c] = {p.get(), &rel};
        }
      }
      const std::function<void(const StatePtr&, int)> visit_all = [&](const StatePtr& st, int depth) {
        if (placed.count(st.get())) return;
        if (auto it = collection_parent_.find(st.get());
            it != collection_parent_.end() && it->second.first->status == Status::kPending) {
          if (depth > static_cast<int>(pending.size()))
            throw CircularDependencyError("new " + m->class_name() + " objects refer to each other in a cycle");
          visit_all(s_.shared_state_of(it->second.first->ptr()), depth + 1);
        }
        visit(st, depth);
      };
      for (const auto& st : pending) visit_all(st, 0);
      pending = std::move(ordered);
    }
    if (!pending.empty()) insert(*m, pending);
    if (!persistent.empty()) update(*m, persistent);
  }
  if (any_relationships) many_to_many();
  if (any_deleted) {
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      std::vector<StatePtr> doomed;
      for (const auto& st : states_)
        if (st->mapper == *it && st->status == Status::kDeleted) doomed.push_back(st);
      children_first(**it, doomed);
      delete_rows(**it, doomed);
    }
  }
  // What was written is now what the database has.
  if (!any_relationships) return;
  for (const auto& st : states_) {
    if (!live(*st)) continue;
    const Mapper& m = *st->mapper;
    for (std::size_t i = 0; i < m.relationships().size(); ++i) {
      const auto& rel = m.relationships()[i];
      AttributeBase& a = rel.accessor->attribute(st->ptr());
      if (!a.loaded()) continue;
      // A Ref left empty while its foreign key was given directly (Employee{.dept_id = 1}) names
      // a row now: it loads on first access instead of reading as none (SQLAlchemy leaves an
      // attribute never set unloaded, to load after the flush).
      const auto fk_null = [&](std::size_t c) {
        return m.columns()[c].accessor->get(st->ptr()).is_null();
      };
      if (rel.direction == Direction::kManyToOne && rel.accessor->items(st->ptr()).empty() &&
          std::none_of(rel.local_columns.begin(), rel.local_columns.end(), fk_null)) {
        a.set_load(AttributeBase::Load::kUnloaded);
        st->rel_known[i] = false;
        continue;
      }
      st->rel_snapshot[i] = rel.accessor->items(st->ptr());
      st->rel_known[i] = true;
    }
  }
}

void SessionCore::flush() {
  check_usable();
  if (flushing_) return;
  if (ordered_.empty() && before_flush.empty()) return;  // a Session holding nothing
  flushing_ = true;
  try {
    for (const auto& fn : before_flush) fn(*facade);
    UnitOfWork(*this).run();
  } catch (...) {
    flushing_ = false;
    if (levels_.size() > 1) {
      rollback_level(levels_.size() - 1);  // only the innermost SAVEPOINT
    } else if (!levels_.empty()) {
      // The whole transaction is rolled back; the Session waits for rollback().
      rollback();
      pending_rollback_ = true;
    }
    throw;
  }
  flushing_ = false;
}

}  // namespace crucible::orm::detail
