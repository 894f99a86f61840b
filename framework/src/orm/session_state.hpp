#pragma once
// The state behind orm::Session: per-object InstanceState, the identity map, the transaction
// stack with what each level did (for restoring objects on rollback), and the operations the
// public Session, the loaders and the unit of work share. Private to libcrucible.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <memory_resource>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "arena.hpp"
#include "crucible/engine.hpp"
#include "crucible/orm/session.hpp"
#include "flat_set.hpp"
#include "snapshot.hpp"

namespace crucible::orm::detail {

class SessionCore;

/// A persistent object's primary key values (its identity), in key order: one value is held
/// inline (most keys have one column, and loading 100,000 objects should not allocate 100,000
/// vectors for them), more in a vector.
class KeyValues {
 public:
  KeyValues() = default;
  /// The values at `columns` of a snapshot.
  KeyValues(const Snapshot& snapshot, const std::vector<std::size_t>& columns)
      : size_(columns.size()) {
    if (size_ == 1) {
      one_ = snapshot.value(columns[0]);
    } else {
      many_.reserve(size_);
      for (std::size_t c : columns) many_.push_back(snapshot.value(c));
    }
  }
  explicit KeyValues(std::span<const Value> values) : size_(values.size()) {
    if (size_ == 1)
      one_ = values[0];
    else
      many_.assign(values.begin(), values.end());
  }
  KeyValues(std::vector<Value>&& values) : size_(values.size()) {  // NOLINT: a key is its values
    if (size_ == 1)
      one_ = std::move(values[0]);
    else
      many_ = std::move(values);
  }
  std::span<const Value> view() const noexcept {
    return size_ == 1 ? std::span<const Value>(&one_, 1) : std::span<const Value>(many_);
  }
  operator std::span<const Value>() const noexcept { return view(); }  // NOLINT: a view of it
  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }
  const Value& operator[](std::size_t i) const noexcept { return view()[i]; }
  const Value* begin() const noexcept { return view().data(); }
  const Value* end() const noexcept { return view().data() + size_; }
  void clear() noexcept {
    one_ = Value();
    many_.clear();
    size_ = 0;
  }
  friend bool operator==(const KeyValues& a, std::span<const Value> b) noexcept {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  Value one_;
  std::vector<Value> many_;
  std::size_t size_{0};
};

/// An object's life in a Session (SQLAlchemy's InstanceState).
struct InstanceState : std::enable_shared_from_this<InstanceState> {
  /// kDeleted: marked by delete_(); kGone: its DELETE was flushed (it leaves the Session at
  /// commit, and becomes persistent again if the transaction rolls back).
  enum class Status : std::uint8_t { kPending, kPersistent, kDeleted, kGone };

  // What a flush's and a commit's walks over every state read comes first, in the cache line
  // of the shared_ptr's counts (the state and its control block are one allocation).
  const Mapper* mapper{nullptr};
  SessionCore* session{nullptr};  ///< null once detached
  Status status{Status::kPending};
  std::uint64_t order{0};  ///< when it was added or loaded: INSERTs go in this order
  std::shared_ptr<void> object;   ///< the Session's hold on the object
  /// The state of an object of mapper in session, its snapshot allocated from pool (the
  /// Session's, which outlives its states).
  InstanceState(const Mapper* m, SessionCore* s, std::pmr::memory_resource* pool) noexcept
      : mapper(m), session(s), snapshot(pool) {}

  /// Persistent: the column values as the database has them (at load or the last flush),
  /// parallel to mapper->columns(). Empty while pending.
  Snapshot snapshot;
  /// Persistent: the primary key values (the identity), in primary key order.
  KeyValues key;
  /// Per relationship: the related objects as of load or the last flush, for the flush to see
  /// what was added and removed; valid only where rel_known[i]. Held strongly, as SQLAlchemy's
  /// committed state holds them: an item removed since then stays alive (its key readable, its
  /// address not reused by a new object) until the flush has dealt with its removal.
  std::vector<std::vector<std::shared_ptr<void>>> rel_snapshot;
  std::vector<bool> rel_known;
  std::uint64_t load_mark{0};    ///< the last load that returned it (de-duplicates a load's rows)
  std::size_t identity_hash{0};  ///< the hash of (mapper, key) while in the identity map
  /// Pending: the columns (< 64) the flush filled because they were unset (generated keys,
  /// defaults), which a rollback sets back to unset; and the values the flush replaced in other
  /// columns (foreign keys set from related objects), which a rollback puts back.
  std::uint64_t filled{0};
  std::vector<std::pair<std::size_t, Value>> replaced;
  /// Records the value of column `col` before the flush changes it (once per flush).
  void remember(std::size_t col) {
    for (const auto& [c, v] : replaced)
      if (c == col) return;
    replaced.emplace_back(col, mapper->columns()[col].accessor->get(ptr()));
  }

  void* ptr() const noexcept { return object.get(); }
};

std::size_t hash_value(const Value& v) noexcept;

/// The identity map (SQLAlchemy's identity_map): the persistent states by (mapper, primary key),
/// looked up by a view of key values (a row's, or an object's) without building a key.
/// A state's key must not change while it is in the map (erase, change, insert).
class IdentityMap {
 public:
  /// The state of mapper with this key, or nullptr.
  InstanceState* find(const Mapper* mapper, std::span<const Value> key) const {
    return find(mapper, key, hash(mapper, key));
  }
  /// The same, with h = hash(mapper, key) known.
  InstanceState* find(const Mapper* mapper, std::span<const Value> key, std::size_t h) const {
    return set_.find(View{mapper, key}, h);
  }
  /// Inserts state under its key; returns the state already there (not inserted) or state.
  InstanceState* insert(InstanceState* state);
  /// Inserts state, whose key (hashing to h) find() has just not found.
  void insert_absent(InstanceState* state, std::size_t h) {
    state->identity_hash = h;
    set_.insert(state, h);
  }
  /// The hash of (mapper, key) that find, insert and insert_absent use.
  static std::size_t hash(const Mapper* m, std::span<const Value> key) noexcept {
    std::size_t h = pointer_hash(m);
    for (const Value& v : key) h = h * 1000003u ^ hash_value(v);
    return h;
  }
  /// Removes state (only when it is the one held under its key).
  void erase(InstanceState* state) noexcept { set_.erase(state, state->identity_hash); }
  void clear() noexcept { set_.clear(); }
  std::size_t size() const noexcept { return set_.size(); }

 private:
  struct View {
    const Mapper* mapper;
    std::span<const Value> key;
  };
  struct Traits {
    static bool equal(const View& v, const InstanceState* s) noexcept;
  };
  FlatSet<InstanceState, View, Traits> set_;
};

/// The states by their object's address.
class StateIndex {
 public:
  InstanceState* find(const void* object) const noexcept {
    return set_.find(object, pointer_hash(object));
  }
  void insert(InstanceState* state) { set_.insert(state, pointer_hash(state->object.get())); }
  void erase(InstanceState* state) noexcept {
    set_.erase(state, pointer_hash(state->object.get()));
  }
  void clear() noexcept { set_.clear(); }
  std::size_t size() const noexcept { return set_.size(); }

 private:
  struct Traits {
    static bool equal(const void* object, const InstanceState* s) noexcept {
      return s->object.get() == object;
    }
  };
  FlatSet<InstanceState, const void*, Traits> set_;
};

/// What one transaction level did, so that rolling it back can restore the objects.
struct TransactionLog {
  std::vector<std::shared_ptr<InstanceState>> added;  ///< became pending in this level
  /// Inserted in this level (their `filled` and `replaced` say what to undo).
  std::vector<std::shared_ptr<InstanceState>> inserted;
  /// Updated in this level, with their snapshot before the first UPDATE of the level.
  std::vector<std::pair<std::shared_ptr<InstanceState>, std::vector<Value>>> updated;
  /// Deleted in this level (their state as it was).
  std::vector<std::shared_ptr<InstanceState>> deleted;
  std::unordered_set<const InstanceState*> updated_set;  ///< the states in `updated`
  /// Forgets everything (keeping the memory: a Session logs the same amount again and again).
  void clear() noexcept {
    added.clear();
    inserted.clear();
    updated.clear();
    deleted.clear();
    updated_set.clear();
  }
};

/// The strategy a load uses for each relationship of one mapper, with the options that
/// continue below it (chained loader options).
struct LoadPlan {
  struct Entry {
    Lazy strategy;
    std::vector<LoaderOption> below;  ///< options for the objects this relationship loads
  };
  std::vector<Entry> relationships;  ///< parallel to mapper.relationships()
};

class SessionCore {
 public:
  SessionCore(Engine engine, SessionOptions options, Connection* external);
  ~SessionCore();
  /// A Session's memory (2 KiB, past malloc's per-thread caches) serves the thread's next
  /// Session: one block is kept per thread (session.cpp), so a Session per request or per
  /// lookup costs no heap block for its core.
  static void* operator new(std::size_t size);
  static void operator delete(void* p, std::size_t size) noexcept;
  /// A new state for an object of mapper in this Session (not yet indexed). The state and its
  /// snapshot come from the Session's arena: every state is dropped before the arena goes
  /// (expunge_all, the destructor), and the attributes' weak links to a state are reset when it
  /// is detached.
  std::shared_ptr<InstanceState> new_state(const Mapper& mapper) {
    if (!back_populates_)
      for (const RelationshipProperty& rel : mapper.relationships())
        back_populates_ |= rel.back_populates >= 0;
    std::pmr::memory_resource* memory = &arena_;
    return std::allocate_shared<InstanceState>(
        std::pmr::polymorphic_allocator<InstanceState>(memory), &mapper, this, memory);
  }

  Session* facade{nullptr};  ///< the Session object, for before_flush listeners
  Engine engine;
  SessionOptions options;
  std::vector<std::function<void(Session&)>> before_flush;

  // ---- objects ----
  /// The state of object in this Session, or null. Indexes the states made since the last call
  /// first (loading does not index what it makes: most loaded objects are never looked up by
  /// address, and 100,000 inserts at scattered addresses were a tenth of loading them).
  InstanceState* state_of(const void* object) const {
    index_new_states();
    return states_.find(object);
  }
  std::shared_ptr<InstanceState> shared_state_of(const void* object) const;
  InstanceState* lookup(const Mapper& mapper, std::span<const Value> key) const {
    return identity_.find(&mapper, key);
  }
  /// Adds object as pending (and what its save-update cascades reach). No-op when held.
  /// fresh: the Session made the object just now, so it cannot hold it (no lookup).
  void add(const Mapper& mapper, std::shared_ptr<void> object, bool fresh = false);
  void delete_(const Mapper& mapper, const void* object);
  void expunge(const void* object);
  void expunge_all() noexcept;
  void break_cycles() noexcept;
  /// Makes state persistent under key, in the identity map. Throws FlushError when another
  /// object has that identity.
  void make_persistent(const std::shared_ptr<InstanceState>& state, KeyValues key);
  /// Detaches state: out of the maps, its relationships unable to load.
  void detach(InstanceState& state) noexcept;
  /// The primary key values of object, in key order.
  static std::vector<Value> key_of(const Mapper& mapper, const void* object);
  std::vector<std::shared_ptr<InstanceState>> all_states() const;

  // ---- loading (loading.cpp) ----
  std::shared_ptr<LoadedRows> run_query(const EntityQuery& query);
  std::shared_ptr<void> get(const Mapper& mapper, std::span<const Value> key);
  void refresh(const Mapper& mapper, const void* object);
  /// Loads relationship `index` of state's object (the lazy strategy).
  void lazy_load(InstanceState& state, std::size_t index);
  /// The plan for mapper's relationships under options (each applying at its first step).
  static LoadPlan plan_for(const Mapper& mapper, const std::vector<LoaderOption>& options);
  /// The state for a loaded row's object of mapper, its columns at values[offset …]: the
  /// identity map's object, or a new one populated from the row, owned by the Session; null
  /// for a row whose key is NULL (an outer join's missing row). With take_texts, a text for a
  /// text member is moved out of the row instead of copied (a row read once: get); without, the
  /// row keeps its strings, whose storage the driver refills for the next row (measured: moving
  /// them out made loading 100,000 objects about 5% slower, the copy being the cheaper).
  InstanceState* instance(const Mapper& mapper, std::vector<Value>& values, std::size_t offset,
                          bool* created, bool take_texts = false);

  /// The object with this primary key read from the database (no identity map lookup, no
  /// autoflush), or null when there is no such row: get()'s SELECT.
  std::shared_ptr<void> load_by_key(const Mapper& mapper, std::span<const Value> key);

  // ---- the unit of work (flush.cpp) ----
  void flush();
  bool is_dirty(const InstanceState& state) const;

  // ---- transactions (session.cpp) ----
  Connection& connection();  ///< begins the transaction when none is open
  void autoflush() {
    if (options.autoflush && !flushing_) flush();
  }
  void check_usable() const;
  std::size_t begin_nested();
  /// Commits the level at depth (and the levels inside it) after a flush; `flushed`: commit()
  /// flushed an instant before and nothing ran since, so the flush is not repeated.
  void commit_level(std::size_t depth, bool flushed = false);
  void rollback_level(std::size_t depth) noexcept;
  void commit();
  void rollback() noexcept;
  void close() noexcept;
  /// The id of the level at depth (each begin gets a new one), or 0 when there is none.
  std::uint64_t level_id(std::size_t depth) const noexcept {
    return depth < level_ids_.size() ? level_ids_[depth] : 0;
  }
  /// Expires when the Session is destroyed (SessionTransaction checks it). Made on first use:
  /// most Sessions never hand out a SessionTransaction.
  std::weak_ptr<void> alive() const {
    if (!alive_) alive_ = std::make_shared<int>(0);
    return alive_;
  }
  std::size_t depth() const noexcept { return levels_.size(); }
  TransactionLog& log() { return logs_.back(); }
  /// The root level's log alone, empty.
  void reset_logs() noexcept {
    logs_.resize(1);
    logs_[0].clear();
  }
  bool in_transaction() const noexcept { return !levels_.empty(); }

  // ---- back_populates (attributes.cpp) ----
  void related_added(InstanceState& owner, std::size_t index, const std::shared_ptr<void>& item);
  void related_removed(InstanceState& owner, std::size_t index, const void* item);
  /// For a many-to-one relationship of owner whose foreign key refers to the target's primary
  /// key: the Session's persistent object that object's foreign key columns name (an identity
  /// map lookup, no SQL), or null (another direction, a NULL key, or an object the Session
  /// does not hold). Stands in for the old value of an unloaded Ref, as SQLAlchemy's backrefs
  /// use PASSIVE_NO_FETCH.
  std::shared_ptr<void> held_target(const Mapper& owner, const RelationshipProperty& rel,
                                    const void* object) const;
  /// merge(): the Session's object for a copy of source (merged along merge cascades).
  std::shared_ptr<void> merge(const Mapper& mapper, const void* source,
                              std::unordered_map<const void*, std::shared_ptr<void>>& done);

 private:
  friend class ::crucible::orm::Session;
  void ensure_begun();
  void restore(TransactionLog& log) noexcept;
  static void rollback_quietly(Transaction& tx) noexcept;
  void release_connection() noexcept;
  void cascade_add(const std::shared_ptr<InstanceState>& state);

  /// Declared first so that it outlives every state. Holds every state and snapshot, a small
  /// Session's in the arena's inline bytes (no heap block for a session.get).
  SessionArena arena_;
  Connection* external_{nullptr};
  std::optional<Connection> own_;
  Connection* conn_{nullptr};
  /// levels_[0] is the root (a Transaction, or a SAVEPOINT on an external connection already
  /// in a transaction), then one per begin_nested.
  /// Inline room for the root and one savepoint: a Session that reads one object should not
  /// allocate for its bookkeeping (session.get on a fresh Session, issue 6's third workload).
  boost::container::small_vector<Transaction, 2> levels_;
  boost::container::small_vector<std::uint64_t, 2> level_ids_;  ///< parallel to levels_
  std::uint64_t level_counter_{0};
  mutable std::shared_ptr<void> alive_;  ///< made by alive()
  /// Parallel to levels_ (logs_[0] also before a begin).
  boost::container::small_vector<TransactionLog, 1> logs_;
  bool pending_rollback_{false};
  bool flushing_{false};
  /// Flushes that found something to write (UnitOfWork::run): get() compares it around its
  /// autoflush.
  std::uint64_t flushes_written_{0};
  std::uint64_t counter_{0};

  /// Adds ordered_[indexed_ …] that are still the Session's to states_.
  void index_new_states() const;

  IdentityMap identity_;  ///< the persistent states by (mapper, key)
  /// The Session's states by object address: those of ordered_[0, indexed_) still attached
  /// (state_of indexes the rest on first use).
  mutable StateIndex states_;
  mutable std::size_t indexed_{0};
  std::uint64_t load_counter_{0};  ///< numbers each Loader::run, for InstanceState::load_mark
  /// A state was made for a mapper with a back_populates relationship: closing must look for
  /// the reference cycles such pairs make (break_cycles).
  bool back_populates_{false};
  /// Owns the states, in the order added or loaded (detached ones are skipped, and dropped
  /// when they are many).
  mutable boost::container::small_vector<std::shared_ptr<InstanceState>, 4> ordered_;

  friend class UnitOfWork;
  friend class Loader;
};

/// "Class(key…)" or "Class (pending)", for messages.
std::string describe(const InstanceState& state);

}  // namespace crucible::orm::detail
