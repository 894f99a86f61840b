#pragma once
// The relationship members of mapped structs: orm::Ref<T> (one related object: many-to-one, or
// the scalar side of a one-to-one) and orm::Collection<T> (many: one-to-many, many-to-many).
//
//   struct Book   { std::int64_t id{}; std::string title; std::int64_t author_id{};
//                   orm::Ref<Author> author; };
//   struct Author { std::int64_t id{}; std::string name; orm::Collection<Book> books; };
//
// They are where SQLAlchemy keeps its instrumented attributes: a wrapper knows the object that
// owns it once that object belongs to a Session, so that
//  * reading an unloaded one loads it through the Session (the "lazy" strategy: one SELECT on
//    first access), or throws under raiseload, or throws DetachedInstanceError when the
//    object's Session is gone;
//  * changing one keeps the other side of a back_populates pair in step in memory
//    (book->author = alice appends book to alice->books when that collection is loaded).
// A wrapper of an object no Session knows (a new struct) is simply a value: loaded, empty or
// holding what the program put in. Copying a wrapper copies the related pointers, not the link
// to the owner (a copied struct is a new object). Not thread-safe, as the Session is not.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <utility>
#include <vector>

namespace crucible::orm {

namespace detail {

struct InstanceState;

/// The part of Ref and Collection that does not depend on the related type: the link to the
/// owning object's state in its Session, and whether the value is loaded.
class AttributeBase {
 public:
  /// unset: never set by the program nor loaded (a new struct's member; reads as empty, and
  /// merge() leaves the target's value alone); loaded: the value is authoritative (set or
  /// loaded); unloaded: to be loaded on first access; raise: an access before loading throws
  /// (raiseload).
  enum class Load : std::uint8_t { kUnset, kLoaded, kUnloaded, kRaise };

  AttributeBase() = default;
  /// A copy is a value of a new object: it keeps the load state, not the owner link.
  AttributeBase(const AttributeBase& other) noexcept : load_(other.load_) {}
  AttributeBase& operator=(const AttributeBase&) noexcept { return *this; }

  /// Whether reading the value issues no SQL (it was loaded, set, or never set).
  bool loaded() const noexcept { return load_ == Load::kLoaded || load_ == Load::kUnset; }
  /// Whether the value was loaded or set by the program (not merely default-constructed).
  bool is_set() const noexcept { return load_ == Load::kLoaded; }

  // Used by the Session (framework/src/orm): attach to an owner, set the load state.
  void attach(const std::shared_ptr<InstanceState>& owner, std::uint16_t index) noexcept {
    owner_ = owner;
    index_ = index;
  }
  void detach() noexcept { owner_.reset(); }
  void set_load(Load load) const noexcept { load_ = load; }

 protected:
  /// Loads the value when it is not loaded (lazy load through the owner's Session); throws
  /// InvalidRequestError under raiseload, DetachedInstanceError without a Session.
  void ensure_loaded() const {
    if (load_ == Load::kUnloaded || load_ == Load::kRaise) load_now();
  }
  /// Tells the Session that this Ref now points at `now` instead of `old` (back_populates).
  void ref_changed(const std::shared_ptr<void>& old, const std::shared_ptr<void>& now) const;
  /// Tells the Session that item joined / left this Collection (back_populates).
  void appended(const std::shared_ptr<void>& item) const;
  void removed(const std::shared_ptr<void>& item) const;

 private:
  void load_now() const;
  std::weak_ptr<InstanceState> owner_;
  std::uint16_t index_{0};  ///< the relationship's index in its Mapper
  mutable Load load_{Load::kUnset};
};

}  // namespace detail

/// Throws InvalidRequestError("Ref is empty"); out of line to keep Ref small.
[[noreturn]] void throw_empty_ref();
/// Throws DetachedInstanceError: a Ref's target was freed after its Session closed.
[[noreturn]] void throw_freed_ref();

/// One related object, or none (SQLAlchemy's scalar relationship attribute: many-to-one, or
/// the "uselist=False" side of a one-to-one). Reading it loads it when needed.
///
/// When its Session closes, a Ref whose target holds this object in the loaded back_populates
/// collection keeps only a weak reference to the target (otherwise the pair would keep each
/// other alive forever): reading it then gives the target while the program still holds it
/// (or another object of the graph does), and throws DetachedInstanceError once it is gone.
template <class T>
class Ref : public detail::AttributeBase {
 public:
  Ref() = default;
  Ref(std::shared_ptr<T> target) noexcept  // NOLINT(google-explicit-constructor)
      : target_(std::move(target)) {
    set_load(Load::kLoaded);
  }
  Ref(std::nullptr_t) noexcept { set_load(Load::kLoaded); }  // NOLINT(google-explicit-constructor)
  Ref(const Ref& other) : AttributeBase(other), target_(other.target_), weak_(other.weak_) {}
  /// Points at other's target (loading other first), keeping this Ref's owner.
  Ref& operator=(const Ref& other) {
    if (this != &other) assign(other.get());
    return *this;
  }
  /// Points at target (nullptr: none). On an object in a Session, the old and the new target's
  /// back_populates collections follow when they are loaded; the foreign key is set at flush.
  Ref& operator=(std::shared_ptr<T> target) {
    assign(std::move(target));
    return *this;
  }
  Ref& operator=(std::nullptr_t) {
    assign(nullptr);
    return *this;
  }

  /// The related object (loading it first), or null. Throws DetachedInstanceError when the
  /// Session closed and the object was freed since (see above).
  std::shared_ptr<T> get() const {
    ensure_loaded();
    return raw_checked();
  }
  /// The related object; throws InvalidRequestError when there is none.
  T& operator*() const { return *checked(); }
  T* operator->() const { return checked(); }
  explicit operator bool() const { return get() != nullptr; }
  friend bool operator==(const Ref& a, const std::shared_ptr<T>& b) { return a.get() == b; }

  // Used by the Session: the value without loading it, set without events, and the switch to a
  // weak reference when the Session closes.
  std::shared_ptr<T> raw() const noexcept { return target_ ? target_ : weak_.lock(); }
  void set_raw(std::shared_ptr<T> target) noexcept {
    target_ = std::move(target);
    weak_.reset();
  }
  void make_weak() noexcept {
    if (!target_) return;
    weak_ = target_;
    target_.reset();
  }

 private:
  void assign(std::shared_ptr<T> target) {
    // The old value is needed for back_populates only on an attached, loaded Ref; an
    // unloaded one is replaced without loading it (as SQLAlchemy's active_history=False).
    std::shared_ptr<void> old = loaded() ? std::shared_ptr<void>(raw()) : nullptr;
    target_ = std::move(target);
    weak_.reset();
    set_load(Load::kLoaded);
    ref_changed(old, target_);
  }
  std::shared_ptr<T> raw_checked() const {
    if (target_) return target_;
    if (auto p = weak_.lock()) return p;
    if (weak_.owner_before(std::weak_ptr<T>{}) || std::weak_ptr<T>{}.owner_before(weak_))
      throw_freed_ref();
    return nullptr;
  }
  T* checked() const;
  std::shared_ptr<T> target_;
  std::weak_ptr<T> weak_;  ///< after the Session closed: the target, not kept alive by this Ref
};

template <class T>
T* Ref<T>::checked() const {
  T* p = get().get();
  if (p == nullptr) throw_empty_ref();
  return p;
}

/// Many related objects in order (SQLAlchemy's list collection: one-to-many, many-to-many).
/// Reading it loads it when needed. Appending or removing on an object in a Session keeps the
/// back_populates side in step; at flush the foreign keys (or the association rows) follow.
template <class T>
class Collection : public detail::AttributeBase {
 public:
  using value_type = std::shared_ptr<T>;
  using iterator = typename std::vector<std::shared_ptr<T>>::const_iterator;

  Collection() = default;
  Collection(std::initializer_list<std::shared_ptr<T>> items) : items_(items) {
    set_load(Load::kLoaded);
  }
  Collection(std::vector<std::shared_ptr<T>> items) noexcept  // NOLINT
      : items_(std::move(items)) {
    set_load(Load::kLoaded);
  }
  Collection(const Collection& other) : AttributeBase(other), items_(other.items_) {}
  /// Replaces the items (loading this collection first so that removals are seen).
  Collection& operator=(const Collection& other) {
    if (this != &other) assign(other.items());
    return *this;
  }
  Collection& operator=(std::vector<std::shared_ptr<T>> items) {
    assign(std::move(items));
    return *this;
  }

  /// The items, loading them first.
  const std::vector<std::shared_ptr<T>>& items() const {
    ensure_loaded();
    return items_;
  }
  iterator begin() const { return items().begin(); }
  iterator end() const { return items().end(); }
  std::size_t size() const { return items().size(); }
  bool empty() const { return items().empty(); }
  const std::shared_ptr<T>& operator[](std::size_t i) const { return items()[i]; }
  bool contains(const T* item) const {
    const auto& v = items();
    return std::any_of(v.begin(), v.end(), [&](const auto& p) { return p.get() == item; });
  }

  /// Appends item (ignored when it is null).
  void push_back(std::shared_ptr<T> item) {
    if (!item) return;
    ensure_loaded();
    set_load(Load::kLoaded);
    items_.push_back(item);
    appended(item);
  }
  /// Removes every occurrence of item; returns whether one was there.
  bool remove(const T* item) {
    ensure_loaded();
    auto it = std::find_if(items_.begin(), items_.end(),
                           [&](const auto& p) { return p.get() == item; });
    if (it == items_.end()) return false;
    std::shared_ptr<T> gone = *it;
    set_load(Load::kLoaded);
    std::erase_if(items_, [&](const auto& p) { return p.get() == item; });
    removed(gone);
    return true;
  }
  bool remove(const std::shared_ptr<T>& item) { return remove(item.get()); }
  /// Removes every item.
  void clear() {
    ensure_loaded();
    set_load(Load::kLoaded);
    std::vector<std::shared_ptr<T>> gone = std::move(items_);
    items_.clear();
    for (const auto& item : gone) removed(item);
  }

  // Used by the Session: the items without loading, and set without events.
  const std::vector<std::shared_ptr<T>>& raw() const noexcept { return items_; }
  std::vector<std::shared_ptr<T>>& raw_mutable() noexcept { return items_; }

 private:
  void assign(std::vector<std::shared_ptr<T>> items) {
    ensure_loaded();
    set_load(Load::kLoaded);
    std::vector<std::shared_ptr<T>> old = std::move(items_);
    items_ = std::move(items);
    for (const auto& item : old)
      if (std::none_of(items_.begin(), items_.end(), [&](const auto& p) { return p == item; }))
        removed(item);
    for (const auto& item : items_)
      if (std::none_of(old.begin(), old.end(), [&](const auto& p) { return p == item; }))
        appended(item);
  }
  std::vector<std::shared_ptr<T>> items_;
};

}  // namespace crucible::orm
