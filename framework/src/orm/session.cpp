// The Session's objects and transactions: add/delete/expunge/merge, the identity map, the
// transaction stack (root, then savepoints) and restoring objects when a level rolls back.
#include "crucible/orm/session.hpp"

#include <algorithm>
#include <utility>

#include "crucible/errors.hpp"
#include "session_state.hpp"

namespace crucible::orm {

namespace detail {

std::size_t hash_value(const Value& v) noexcept {
  const auto& s = v.storage();
  if (const auto* i = std::get_if<std::int64_t>(&s)) return std::hash<std::int64_t>{}(*i);
  if (const auto* str = std::get_if<std::string>(&s)) return std::hash<std::string>{}(*str);
  if (v.is_null()) return 0;
  try {
    return std::hash<std::string>{}(v.to_string());
  } catch (...) {
    return 1;
  }
}

std::string describe(const InstanceState& state) {
  std::string out = state.mapper->class_name();
  if (state.key.empty()) return out + " (pending)";
  out += "(";
  for (std::size_t i = 0; i < state.key.size(); ++i)
    out += (i ? ", " : "") + state.key[i].to_string();
  return out + ")";
}

void throw_wrong_entity(const std::type_info& wanted, const Mapper* found) {
  throw InvalidRequestError("wanted an entity of type " + type_name(wanted) + ", found " +
                            (found ? found->class_name() : std::string("no entity at that index")));
}
}  // namespace detail

const Value& Row::value(std::size_t i) const {
  const std::size_t extras = rows_->width - rows_->entities.size();
  if (i >= extras)
    throw InvalidRequestError("wanted extra column " + std::to_string(i) +
                              " of an ORM row, found a row of " + std::to_string(extras) +
                              " extra column(s) (add them with add_columns)");
  return rows_->values[index_ * extras + i];
}

namespace detail {

void throw_no_result() { throw NoResultFound("wanted exactly one object, found none"); }
void throw_multiple_results(std::size_t n) {
  throw MultipleResultsFound("wanted exactly one object, found " + std::to_string(n));
}

namespace {

// The block of the thread's last SessionCore freed, kept for its next one. A Session destroyed
// after the thread's objects (one in a static object) frees its block as usual.
struct SpareCore {
  void* block{nullptr};
  bool gone{false};
  SpareCore() = default;
  SpareCore(const SpareCore&) = delete;
  SpareCore& operator=(const SpareCore&) = delete;
  ~SpareCore() {
    ::operator delete(std::exchange(block, nullptr));
    gone = true;
  }
};
thread_local SpareCore spare_core;

}  // namespace

void* SessionCore::operator new(std::size_t size) {
#ifndef CRUCIBLE_ARENA_ASAN  // under ASan every Session gets its own block, so misuse is seen
  if (size == sizeof(SessionCore) && spare_core.block != nullptr)
    return std::exchange(spare_core.block, nullptr);
#endif
  return ::operator new(size);
}

void SessionCore::operator delete(void* p, [[maybe_unused]] std::size_t size) noexcept {
#ifndef CRUCIBLE_ARENA_ASAN
  if (size == sizeof(SessionCore) && spare_core.block == nullptr && !spare_core.gone) {
    spare_core.block = p;
    return;
  }
#endif
  ::operator delete(p);
}

SessionCore::SessionCore(Engine e, SessionOptions o, Connection* external)
    : engine(std::move(e)), options(o), external_(external) {
  logs_.emplace_back();
}

SessionCore::~SessionCore() {
  arena_.stop_reuse();  // every state goes in close(), then the arena
  close();
}

void SessionCore::index_new_states() const {
  for (; indexed_ < ordered_.size(); ++indexed_) {
    InstanceState* state = ordered_[indexed_].get();
    if (state->session == this) states_.insert(state);
  }
}

std::shared_ptr<InstanceState> SessionCore::shared_state_of(const void* object) const {
  InstanceState* state = state_of(object);
  return state == nullptr ? nullptr : state->shared_from_this();
}

bool IdentityMap::Traits::equal(const View& v, const InstanceState* s) noexcept {
  return s->mapper == v.mapper &&
         std::equal(v.key.begin(), v.key.end(), s->key.begin(), s->key.end());
}

InstanceState* IdentityMap::insert(InstanceState* state) {
  const std::size_t h = hash(state->mapper, state->key);
  if (InstanceState* there = find(state->mapper, state->key, h)) return there;
  insert_absent(state, h);
  return state;
}

std::vector<Value> SessionCore::key_of(const Mapper& mapper, const void* object) {
  std::vector<Value> key;
  key.reserve(mapper.primary_key().size());
  for (std::size_t i : mapper.primary_key())
    key.push_back(mapper.columns()[i].accessor->get(object));
  return key;
}

std::vector<std::shared_ptr<InstanceState>> SessionCore::all_states() const {
  std::vector<std::shared_ptr<InstanceState>> out;
  out.reserve(ordered_.size());
  for (const auto& state : ordered_)
    if (state->session == this) out.push_back(state);
  if (ordered_.size() > 2 * out.size() + 64) {
    index_new_states();  // indexed_ counts a prefix of ordered_, which is about to shrink
    ordered_.assign(out.begin(), out.end());
    indexed_ = ordered_.size();
  }
  return out;
}

void SessionCore::check_usable() const {
  if (pending_rollback_)
    throw PendingRollbackError(
        "This Session's transaction has been rolled back due to a previous exception during "
        "flush; wanted session.rollback() before any further work, found a new request");
}

void SessionCore::add(const Mapper& mapper, std::shared_ptr<void> object, bool fresh) {
  if (!object) throw ArgumentError("add() wants an object, found a null pointer");
  check_usable();
  if (auto* existing = fresh ? nullptr : state_of(object.get())) {
    if (existing->status == InstanceState::Status::kDeleted)
      existing->status = InstanceState::Status::kPersistent;
    return;
  }
  auto state = new_state(mapper);
  state->object = std::move(object);
  state->status = InstanceState::Status::kPending;
  state->order = ++counter_;
  const std::size_t nrel = mapper.relationships().size();
  state->rel_snapshot.resize(nrel);
  state->rel_known.assign(nrel, false);
  log().added.push_back(state);
  ordered_.push_back(std::move(state));  // indexed by address on the next state_of
  if (nrel == 0) return;
  // A copy: cascade_add may add to ordered_.
  const std::shared_ptr<InstanceState> added = ordered_.back();
  for (std::size_t i = 0; i < nrel; ++i) {
    AttributeBase& a = mapper.relationships()[i].accessor->attribute(added->ptr());
    a.attach(added, static_cast<std::uint16_t>(i));
  }
  cascade_add(added);
}

void SessionCore::cascade_add(const std::shared_ptr<InstanceState>& state) {
  const Mapper& mapper = *state->mapper;
  for (std::size_t i = 0; i < mapper.relationships().size(); ++i) {
    const RelationshipProperty& rel = mapper.relationships()[i];
    AttributeBase& a = rel.accessor->attribute(state->ptr());
    if (!a.loaded()) continue;
    for (const std::shared_ptr<void>& item : rel.accessor->items(state->ptr()))
      related_added(*state, i, item);
  }
}

void SessionCore::delete_(const Mapper& mapper, const void* object) {
  check_usable();
  InstanceState* state = state_of(object);
  if (state == nullptr || state->mapper != &mapper)
    throw InvalidRequestError("delete_() wants an object of this Session, found a " +
                              mapper.class_name() + " the Session does not hold (add it first)");
  if (state->status == InstanceState::Status::kPending) {
    expunge(object);
    return;
  }
  if (state->status == InstanceState::Status::kPersistent) {
    state->status = InstanceState::Status::kDeleted;
    log().deleted.push_back(shared_state_of(object));
  }
}

void SessionCore::detach(InstanceState& state) noexcept {
  const Mapper& m = *state.mapper;
  for (std::size_t i = 0; i < m.relationships().size(); ++i)
    m.relationships()[i].accessor->attribute(state.ptr()).detach();
  state.session = nullptr;
  if (!state.key.empty()) identity_.erase(&state);
  states_.erase(&state);  // ordered_ still owns it
}

void SessionCore::expunge(const void* object) {
  InstanceState* state = state_of(object);
  if (state == nullptr)
    throw InvalidRequestError(
        "expunge() wants an object of this Session, found one it does not hold");
  detach(*state);
}

void SessionCore::expunge_all() noexcept {
  if (back_populates_) break_cycles();
  // One pass: each state detached and let go (a log may still hold it).
  for (auto& state : ordered_) {
    if (state->session == this) {
      const Mapper& m = *state->mapper;
      for (std::size_t i = 0; i < m.relationships().size(); ++i)
        m.relationships()[i].accessor->attribute(state->ptr()).detach();
      state->session = nullptr;
    }
    state.reset();
  }
  identity_.clear();
  states_.clear();
  ordered_.clear();
  indexed_ = 0;
  for (auto& log : logs_) log.clear();
}

// Before the Session lets its objects go: a back_populates pair whose sides hold each other
// (loaded, or expired by a commit but not read since) holds its objects in a reference cycle
// (a parent's collection holds the child, the child's Ref holds the parent). The Ref side
// becomes weak, so the graph is freed when the program drops it; a many-to-many pair holding
// each other has its second side unloaded.
void SessionCore::break_cycles() noexcept {
  for (const auto& state : ordered_) {
    if (state->session != this) continue;
    const Mapper& m = *state->mapper;
    for (std::size_t i = 0; i < m.relationships().size(); ++i) {
      const RelationshipProperty& rel = m.relationships()[i];
      if (rel.back_populates < 0 || !rel.target) continue;
      const RelationshipProperty& back =
          rel.target->relationships()[static_cast<std::size_t>(rel.back_populates)];
      // Loaded or not: an attribute expired by a commit still holds its objects until it is
      // read again, and a cycle through it would outlive the program's last reference.
      for (const auto& item : rel.accessor->items(state->ptr())) {
        const auto theirs = back.accessor->items(item.get());
        const bool cycle = std::any_of(theirs.begin(), theirs.end(),
                                       [&](const auto& p) { return p.get() == state->ptr(); });
        if (!cycle) continue;
        if (!rel.uselist) {
          rel.accessor->make_weak(state->ptr());
        } else if (!back.uselist) {
          // The child's Ref, reached from the collection: the child may have left the Session
          // already (a pending child expunged by a rollback) and not be visited on its own.
          back.accessor->make_weak(item.get());
        } else if (rel.direction == Direction::kManyToMany && back.uselist &&
                   std::less<const void*>{}(&back, &rel)) {
          back.accessor->attribute(item.get()).set_load(AttributeBase::Load::kUnloaded);
          back.accessor->set_items(item.get(), {});
          back.accessor->attribute(item.get()).set_load(AttributeBase::Load::kUnloaded);
        }
      }
    }
  }
}

void SessionCore::make_persistent(const std::shared_ptr<InstanceState>& state, KeyValues key) {
  for (const Value& v : key)
    if (v.is_null())
      throw FlushError("wanted a primary key for " + state->mapper->class_name() +
                       " after its INSERT, found NULL; give the key a value or make it a column "
                       "the database numbers");
  const std::size_t h = IdentityMap::hash(state->mapper, key);
  InstanceState* other = identity_.find(state->mapper, key, h);
  if (other != nullptr && other != state.get())
    throw FlushError("cannot make this " + state->mapper->class_name() +
                     " persistent: the Session already holds another object with identity " +
                     describe(*other));
  if (!state->key.empty()) identity_.erase(state.get());
  state->key = std::move(key);
  identity_.insert_absent(state.get(), h);
  state->status = InstanceState::Status::kPersistent;
}

// ---- transactions -------------------------------------------------------------------------------

// Rolls back one level for a caller that cannot throw (rollback(), close(), a failed flush): a
// failure here is a lost connection, which the Connection has invalidated already, and the
// database rolls back what a lost connection had open.
void SessionCore::rollback_quietly(Transaction& tx) noexcept {
  try {
    tx.rollback();
  } catch (const std::exception&) {
  }
}

void SessionCore::ensure_begun() {
  if (!levels_.empty()) return;
  if (conn_ == nullptr) {
    if (external_ != nullptr) {
      conn_ = external_;
    } else {
      own_.emplace(engine.connect());
      conn_ = &*own_;
    }
  }
  // On a program's Connection already in a transaction, the Session's root is a SAVEPOINT.
  if (external_ != nullptr && conn_->in_transaction())
    levels_.push_back(conn_->begin_nested());
  else
    levels_.push_back(conn_->begin());
  level_ids_.push_back(++level_counter_);
}

Connection& SessionCore::connection() {
  check_usable();
  ensure_begun();
  return *conn_;
}

std::size_t SessionCore::begin_nested() {
  check_usable();
  ensure_begun();
  flush();
  levels_.push_back(conn_->begin_nested());
  level_ids_.push_back(++level_counter_);
  logs_.emplace_back();
  return levels_.size() - 1;
}

void SessionCore::release_connection() noexcept {
  levels_.clear();
  level_ids_.clear();
  if (own_) {
    own_->close();
    own_.reset();
  }
  conn_ = nullptr;
}

void SessionCore::commit_level(std::size_t depth, bool flushed) {
  if (depth >= levels_.size())
    throw InvalidRequestError("wanted an active transaction to commit, found one already ended");
  check_usable();
  // Inner levels still open are committed with this one.
  if (!flushed) flush();
  while (levels_.size() > depth + 1) commit_level(levels_.size() - 1);
  if (depth == 0) {
    levels_.back().commit();
    release_connection();
    reset_logs();
    for (std::size_t k = 0; k < ordered_.size(); ++k) {  // detach() leaves ordered_ as it is
      InstanceState* state = ordered_[k].get();
      if (state->session != this) continue;
      if (state->status == InstanceState::Status::kGone) {
        detach(*state);
        continue;
      }
      if (!options.expire_on_commit) continue;
      const auto& rels = state->mapper->relationships();
      for (std::size_t i = 0; i < rels.size(); ++i) {
        rels[i].accessor->attribute(state->ptr()).set_load(AttributeBase::Load::kUnloaded);
        state->rel_known[i] = false;
      }
    }
    return;
  }
  levels_.back().commit();
  levels_.pop_back();
  level_ids_.pop_back();
  // A released savepoint's work now belongs to the enclosing level.
  TransactionLog inner = std::move(logs_.back());
  logs_.pop_back();
  TransactionLog& outer = logs_.back();
  for (auto& s : inner.added) outer.added.push_back(std::move(s));
  for (auto& s : inner.inserted) outer.inserted.push_back(std::move(s));
  for (auto& s : inner.updated)
    if (outer.updated_set.insert(s.first.get()).second) outer.updated.push_back(std::move(s));
  for (auto& s : inner.deleted) outer.deleted.push_back(std::move(s));
}

void SessionCore::rollback_level(std::size_t depth) noexcept {
  if (depth == 0) {
    rollback();
    return;
  }
  if (depth >= levels_.size()) return;
  while (levels_.size() > depth) {
    rollback_quietly(levels_.back());
    levels_.pop_back();
    level_ids_.pop_back();
    restore(logs_.back());
    logs_.pop_back();
  }
}

void SessionCore::rollback() noexcept {
  while (!levels_.empty()) {
    rollback_quietly(levels_.back());
    levels_.pop_back();
  }
  level_ids_.clear();
  for (auto it = logs_.rbegin(); it != logs_.rend(); ++it) restore(*it);
  reset_logs();
  release_connection();
  pending_rollback_ = false;
}

// Undoes in memory what one level did (SQLAlchemy expunges what was added in it and expires
// what it changed; plain members cannot be expired, so their earlier values are put back).
void SessionCore::restore(TransactionLog& log) noexcept {
  // Inserts are undone first, so that a row deleted and inserted again under the same key in
  // this level has its original object back in the identity map afterwards.
  for (auto& state : log.inserted) {
    if (state->session != this) continue;
    const auto& cols = state->mapper->columns();
    try {  // values read from these members, or their unset values, always convert back
      for (const auto& [i, value] : state->replaced) cols[i].accessor->set(state->ptr(), value);
      for (std::size_t i = 0; i < cols.size() && i < 64; ++i)
        if (state->filled & (std::uint64_t{1} << i))
          cols[i].accessor->set(state->ptr(), cols[i].accessor->unset_value());
    } catch (...) {
    }
    state->replaced.clear();
    state->filled = 0;
    if (!state->key.empty()) {
      identity_.erase(state.get());
      state->key.clear();
    }
    state->snapshot.clear();
    state->status = InstanceState::Status::kPending;
  }
  // Objects that became pending in this level leave the Session (SQLAlchemy's rollback
  // expunges them); those inserted in it were made pending again above.
  for (auto& state : log.added)
    if (state->session == this) detach(*state);
  for (auto& state : log.inserted)
    if (state->session == this) detach(*state);
  for (auto& [state, before] : log.updated) {
    if (state->session != this) continue;
    const Mapper& m = *state->mapper;
    const auto& cols = m.columns();
    for (std::size_t i = 0; i < cols.size() && i < before.size(); ++i) {
      try {
        if (!cols[i].accessor->same(state->ptr(), before[i]))
          cols[i].accessor->set(state->ptr(), before[i]);
      } catch (...) {  // a value read from this member always converts back; never thrown
      }
    }
    // A flushed change of the primary key re-keyed the identity map: key it as before.
    std::vector<Value> old_key;
    for (std::size_t i : m.primary_key()) old_key.push_back(before[i]);
    if (!state->key.empty() && state->key != old_key &&
        state->status != InstanceState::Status::kGone) {
      identity_.erase(state.get());
      state->key = std::move(old_key);
      identity_.insert(state.get());
    } else if (state->key != old_key) {
      state->key = std::move(old_key);
    }
    state->snapshot.assign(before);
  }
  for (auto& state : log.deleted) {
    if (state->session != this) continue;
    if (state->status == InstanceState::Status::kGone) identity_.insert(state.get());
    state->status = InstanceState::Status::kPersistent;
  }
  log.clear();
}

void SessionCore::commit() {
  check_usable();
  if (levels_.empty()) {
    // The flush begins the transaction when it has something to write. A second flush right
    // after it would find nothing (SQLAlchemy's commit flushes until the Session is clean: its
    // before_flush hooks run once here too), but would compare every object with its snapshot.
    flush();
    if (levels_.empty()) {
      reset_logs();
      return;
    }
    commit_level(0, /*flushed=*/true);
    return;
  }
  commit_level(0);
}

void SessionCore::close() noexcept {
  rollback();
  expunge_all();
}

}  // namespace detail

// ---- Session ------------------------------------------------------------------------------------

Session::Session(const Engine& engine, SessionOptions options)
    : core_(std::make_unique<detail::SessionCore>(engine, options, nullptr)) {
  core_->facade = this;
}

Session::Session(Connection& connection, SessionOptions options)
    : core_(std::make_unique<detail::SessionCore>(connection.engine(), options, &connection)) {
  core_->facade = this;
}

Session::Session(Session&& other) noexcept : core_(std::move(other.core_)) {
  if (core_) core_->facade = this;
}
Session& Session::operator=(Session&& other) noexcept {
  if (this != &other) {
    core_ = std::move(other.core_);
    if (core_) core_->facade = this;
  }
  return *this;
}
Session::~Session() = default;

void Session::add_object(const Mapper& mapper, std::shared_ptr<void> object) {
  core_->add(mapper, std::move(object));
}
void Session::add_new_object(const Mapper& mapper, std::shared_ptr<void> object) {
  core_->add(mapper, std::move(object), /*fresh=*/true);
}
void Session::delete_object(const Mapper& mapper, const void* object) {
  core_->delete_(mapper, object);
}
void Session::expunge_object(const Mapper&, const void* object) { core_->expunge(object); }
void Session::expunge_all() { core_->expunge_all(); }
bool Session::contains_object(const void* object) const noexcept {
  return core_->state_of(object) != nullptr;
}
std::shared_ptr<void> Session::get_object(const Mapper& mapper, std::span<const Value> key) {
  return core_->get(mapper, key);
}
std::shared_ptr<const detail::LoadedRows> Session::run_query(const detail::EntityQuery& query) {
  return core_->run_query(query);
}
void Session::refresh_object(const Mapper& mapper, const void* object) {
  core_->refresh(mapper, object);
}

crucible::Result Session::execute(const sql::Executable& statement, const Params& params) {
  core_->check_usable();
  core_->autoflush();
  return core_->connection().execute(statement, params);
}
crucible::Result Session::execute(const sql::Executable& statement,
                                  const std::vector<Params>& params) {
  core_->check_usable();
  core_->autoflush();
  return core_->connection().execute(statement, params);
}

void Session::flush() { core_->flush(); }
void Session::commit() { core_->commit(); }
void Session::rollback() { core_->rollback(); }
void Session::close() { core_->close(); }

SessionTransaction Session::begin() {
  if (core_->in_transaction())
    throw InvalidRequestError("a transaction is already begun on this Session; wanted none open "
                              "for begin() (use begin_nested() for a SAVEPOINT)");
  core_->connection();
  return SessionTransaction(core_->alive(), core_.get(), 0, core_->level_id(0));
}
SessionTransaction Session::begin_nested() {
  const std::size_t depth = core_->begin_nested();
  return SessionTransaction(core_->alive(), core_.get(), depth, core_->level_id(depth));
}
bool Session::in_transaction() const noexcept { return core_->in_transaction(); }
bool Session::in_nested_transaction() const noexcept { return core_->depth() > 1; }
Connection& Session::connection() { return core_->connection(); }
void Session::on_before_flush(std::function<void(Session&)> fn) {
  core_->before_flush.push_back(std::move(fn));
}
const Engine& Session::bind() const noexcept { return core_->engine; }
const SessionOptions& Session::options() const noexcept { return core_->options; }

std::vector<std::shared_ptr<void>> Session::objects_of(const Mapper& mapper, int which) const {
  std::vector<std::shared_ptr<void>> out;
  for (const auto& state : core_->all_states()) {
    if (state->mapper != &mapper) continue;
    using S = detail::InstanceState::Status;
    const bool take = which == 0   ? state->status == S::kPending
                      : which == 1 ? state->status == S::kPersistent && core_->is_dirty(*state)
                                   : state->status == S::kDeleted;
    if (take) out.push_back(state->object);
  }
  return out;
}

SessionTransaction::~SessionTransaction() {
  if (is_active()) rollback();
}
void SessionTransaction::commit() {
  if (!is_active())
    throw InvalidRequestError("wanted an active transaction to commit, found one already ended "
                              "(committed, rolled back, or its Session closed)");
  auto* s = std::exchange(session_, nullptr);
  s->commit_level(depth_);
}
void SessionTransaction::rollback() {
  if (!is_active()) {
    session_ = nullptr;
    return;
  }
  std::exchange(session_, nullptr)->rollback_level(depth_);
}
bool SessionTransaction::is_active() const noexcept {
  // The Session still exists, and the level at depth_ is the one this object began (not a
  // later transaction begun at the same depth).
  return session_ != nullptr && !alive_.expired() && session_->level_id(depth_) == id_;
}

Session SessionFactory::operator()() const {
  Session s(engine_, options_);
  for (const auto& fn : before_flush_) s.on_before_flush(fn);
  return s;
}

}  // namespace crucible::orm
