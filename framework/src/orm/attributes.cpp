// Relationship attribute events (SQLAlchemy's attribute instrumentation and backref handlers):
// lazy loading on access, back_populates kept in step in memory, save-update cascade on
// append; and Session::merge, which copies objects into the Session along merge cascades.
#include <unordered_map>

#include "crucible/errors.hpp"
#include "session_state.hpp"

namespace crucible::orm {

namespace detail {

namespace {

std::string attribute_name(const InstanceState& st, std::size_t index) {
  return st.mapper->class_name() + "." + st.mapper->relationships()[index].key;
}

}  // namespace

void AttributeBase::load_now() const {
  auto state = owner_.lock();
  if (load_ == Load::kRaise)
    throw InvalidRequestError("'" + (state ? attribute_name(*state, index_) : std::string("relationship")) +
                              "' is not available due to lazy='raise' (a raiseload option); load it "
                              "with selectinload() or joinedload() in the query");
  if (!state || state->session == nullptr)
    throw DetachedInstanceError(
        std::string("wanted to lazy load ") +
        (state ? "'" + attribute_name(*state, index_) + "'" : std::string("a relationship")) +
        " through the object's Session, found the object detached (expunged, or its Session "
        "closed); load it eagerly (selectinload) or keep the Session open");
  state->session->lazy_load(*state, index_);
}

void AttributeBase::ref_changed(const std::shared_ptr<void>& old, const std::shared_ptr<void>& now) const {
  auto state = owner_.lock();
  if (!state || state->session == nullptr) return;
  // An unloaded Ref gives no old value; the object its foreign key still names, when the
  // Session holds it, is the one whose collection loses this object (re-parenting).
  const std::shared_ptr<void> was =
      old ? old
          : state->session->held_target(*state->mapper, state->mapper->relationships()[index_],
                                        state->ptr());
  if (was && was != now) state->session->related_removed(*state, index_, was.get());
  if (now) state->session->related_added(*state, index_, now);
}

void AttributeBase::appended(const std::shared_ptr<void>& item) const {
  auto state = owner_.lock();
  if (state && state->session != nullptr) state->session->related_added(*state, index_, item);
}

void AttributeBase::removed(const std::shared_ptr<void>& item) const {
  auto state = owner_.lock();
  if (state && state->session != nullptr) state->session->related_removed(*state, index_, item.get());
}

void SessionCore::related_added(InstanceState& owner, std::size_t index, const std::shared_ptr<void>& item) {
  const RelationshipProperty& rel = owner.mapper->relationships()[index];
  if (!item) return;
  if (rel.cascade.save_update && state_of(item.get()) == nullptr) add(*rel.target, item);
  if (rel.back_populates < 0) return;
  const RelationshipProperty& back = rel.target->relationships()[static_cast<std::size_t>(rel.back_populates)];
  AttributeBase& other = back.accessor->attribute(item.get());
  if (!back.uselist) {
    // The item's Ref now points at owner; the parent it had (its loaded Ref, or else the object
    // its foreign key names) loses it from its loaded collection.
    std::shared_ptr<void> was;
    if (other.loaded()) {
      const auto items = back.accessor->items(item.get());
      if (!items.empty()) was = items.front();
    } else {
      was = held_target(*rel.target, back, item.get());
    }
    if (was && was != owner.object && rel.accessor->attribute(was.get()).loaded())
      rel.accessor->remove_item(was.get(), item.get());
    back.accessor->add_item(item.get(), owner.object);
  } else if (other.loaded()) {
    back.accessor->add_item(item.get(), owner.object);
  }
}

void SessionCore::related_removed(InstanceState& owner, std::size_t index, const void* item) {
  const RelationshipProperty& rel = owner.mapper->relationships()[index];
  if (item == nullptr) return;
  if (rel.back_populates >= 0) {
    const RelationshipProperty& back =
        rel.target->relationships()[static_cast<std::size_t>(rel.back_populates)];
    void* other = const_cast<void*>(item);
    if (back.accessor->attribute(other).loaded()) back.accessor->remove_item(other, owner.ptr());
  }
  // A pending object removed from a delete-orphan collection leaves the Session at once, never
  // to be INSERTed (SQLAlchemy's cascade remove event expunges pending orphans); a persistent one
  // is deleted by the next flush.
  if (rel.cascade.delete_orphan && rel.direction != Direction::kManyToOne)
    if (InstanceState* child = state_of(item); child && child->status == InstanceState::Status::kPending)
      expunge(item);
}

std::shared_ptr<void> SessionCore::held_target(const Mapper& owner, const RelationshipProperty& rel,
                                               const void* object) const {
  if (rel.direction != Direction::kManyToOne || rel.remote_columns != rel.target->primary_key())
    return nullptr;
  std::vector<Value> key;
  key.reserve(rel.local_columns.size());
  for (std::size_t c : rel.local_columns) {
    key.push_back(owner.columns()[c].accessor->get(object));
    if (key.back().is_null()) return nullptr;
  }
  InstanceState* hit = lookup(*rel.target, key);
  return hit != nullptr && hit->status != InstanceState::Status::kPending ? hit->object : nullptr;
}

std::shared_ptr<void> SessionCore::merge(const Mapper& mapper, const void* source,
                                         std::unordered_map<const void*, std::shared_ptr<void>>& done) {
  if (auto it = done.find(source); it != done.end()) return it->second;
  if (InstanceState* own = state_of(source)) return own->object;  // already the Session's
  const auto& cols = mapper.columns();
  std::vector<Value> key = key_of(mapper, source);
  bool keyed = true;
  for (std::size_t k = 0; k < key.size(); ++k) {
    const ColumnProperty& c = cols[mapper.primary_key()[k]];
    if (key[k].is_null() || (c.autoincrement && c.accessor->unset(source))) keyed = false;
  }
  std::shared_ptr<void> target = keyed ? get(mapper, key) : nullptr;
  const bool fresh = target == nullptr;
  if (fresh) target = mapper.create();
  done.emplace(source, target);
  for (const ColumnProperty& c : cols) c.accessor->set(target.get(), c.accessor->get(source));
  if (fresh) add(mapper, target);
  InstanceState* st = state_of(target.get());
  for (std::size_t i = 0; i < mapper.relationships().size(); ++i) {
    const RelationshipProperty& rel = mapper.relationships()[i];
    void* src = const_cast<void*>(source);
    // Only what the program set (or loaded) is merged: a default-constructed member of the
    // source says nothing (SQLAlchemy merges only the attributes present on the source).
    if (!rel.cascade.merge || !rel.accessor->attribute(src).is_set()) continue;
    std::vector<std::shared_ptr<void>> merged;
    for (const auto& item : rel.accessor->items(src)) merged.push_back(merge(*rel.target, item.get(), done));
    // Load what the Session's object has first, so that the flush sees what changed.
    if (!rel.accessor->attribute(target.get()).loaded() && st->status == InstanceState::Status::kPersistent)
      lazy_load(*st, i);
    rel.accessor->set_items(target.get(), std::move(merged));
  }
  return target;
}

}  // namespace detail

std::shared_ptr<void> Session::merge_object(const Mapper& mapper, const void* object) {
  core_->check_usable();
  std::unordered_map<const void*, std::shared_ptr<void>> done;
  return core_->merge(mapper, object, done);
}

}  // namespace crucible::orm
