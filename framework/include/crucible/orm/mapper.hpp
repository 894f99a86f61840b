#pragma once
// Mapping plain C++ structs to tables by member pointers (SQLAlchemy's registry, Mapper,
// mapped_column and relationship), with no code generator and no macros:
//
//   MetaData metadata;
//   orm::Registry registry{metadata};
//   registry.map<Author>("authors")
//       .column(&Author::id, "id", Integer{}, primary_key)
//       .column(&Author::name, "name", String{100})
//       .relationship(&Author::books, "books", orm::back_populates(&Book::author));
//   registry.map<Book>("books")
//       .column(&Book::id, "id", primary_key)                    // type implied: Integer
//       .column(&Book::title, "title", String{200})
//       .column(&Book::author_id, "author_id", ForeignKey{"authors.id"})
//       .relationship(&Book::author, "author", orm::back_populates(&Author::books));
//   metadata.create_all(engine);                                // the mapped tables are Core's
//   select<Book>().where(orm::col(&Book::title).like("%C++%"));
//
// A struct is mapped once at a time (as a Python class is): mapping it again, in this or another
// Registry, replaces the earlier mapping, and a Registry's mappings end with it. Nullability
// follows the member (std::optional<X> is NULL, anything else NOT NULL) unless nullable(b) says
// otherwise. Errors in the mapping (an unmapped type, no primary key, a member that cannot hold
// the column's type, a relationship with no foreign key path) are thrown as ArgumentError (or
// UnmappedClassError) when the mapping is made or configured, naming the struct and member.
// Mapping is not thread-safe; mapped classes are read from any thread afterwards.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeindex>
#include <typeinfo>
#include <utility>
#include <vector>

#include "crucible/orm/attributes.hpp"
#include "crucible/orm/column_traits.hpp"
#include "crucible/sql/schema.hpp"

namespace crucible::orm {

/// A data member's identity without its type: the struct and the member's offset (a data
/// member pointer is an offset in the Itanium C++ ABI that g++ and clang follow).
struct MemberKey {
  std::type_index owner{typeid(void)};
  std::ptrdiff_t offset{-1};
  friend bool operator==(const MemberKey&, const MemberKey&) = default;
};

template <class T, class M>
MemberKey member_key(M T::*member) noexcept {
  static_assert(sizeof(member) == sizeof(std::ptrdiff_t), "a data member pointer is an offset");
  MemberKey key{typeid(T), 0};
  std::memcpy(&key.offset, &member, sizeof(member));
  return key;
}

/// The demangled name of a type, for messages ("Author", "app::Book").
std::string type_name(const std::type_info& type);

/// How a relationship loads when neither the query nor the program says otherwise
/// (SQLAlchemy's relationship(lazy=…)).
enum class Lazy : std::uint8_t {
  kSelect,    ///< "select": a SELECT on first access, through the Session (the default)
  kSelectin,  ///< "selectin": with the parents, one SELECT … WHERE key IN (…) per 500 parents
  kJoined,    ///< "joined": LEFT OUTER JOIN in the parents' SELECT
  kRaise,     ///< "raise": an access before loading throws InvalidRequestError
  kNoload,    ///< "noload": never loaded; the attribute reads as empty
};

/// Which Session operations follow a relationship (SQLAlchemy's cascade="…").
struct Cascade {
  bool save_update{true};     ///< add()ing the parent adds the related objects
  bool merge{true};           ///< merge() merges them
  bool delete_{false};        ///< deleting the parent deletes them
  bool delete_orphan{false};  ///< removing one from the parent's collection deletes it
  /// Parses SQLAlchemy's comma list: "save-update, merge", "all" (save-update, merge, delete,
  /// refresh-expire, expunge), "all, delete-orphan", "none". Throws ArgumentError naming an
  /// unknown word.
  static Cascade parse(std::string_view spec);
};

/// Which way a relationship's foreign key points.
enum class Direction : std::uint8_t {
  kManyToOne,   ///< the owner's table refers to the target's (Ref<T>)
  kOneToMany,   ///< the target's table refers to the owner's (Collection<T>, or a one-to-one Ref)
  kManyToMany,  ///< through a secondary table that refers to both
};

namespace detail {

/// Reads and writes one column member of a mapped struct, type-erased.
class ColumnAccessor {
 public:
  virtual ~ColumnAccessor();
  virtual Value get(const void* object) const = 0;
  /// Sets the member from v and leaves in v the member's own form of the value (what get()
  /// would return), so that v can serve as the snapshot for dirty checking.
  virtual void load(void* object, Value& v) const = 0;
  /// Moves v's text into the member when the member is a std::string or
  /// std::optional<std::string> and v holds a string (its canonical form, so load() would copy
  /// it unchanged), leaving v an empty string; returns false and does nothing otherwise. Saves
  /// the copy (and its allocation) of a text loaded from a row that is read once.
  virtual bool take_text(void* /*object*/, Value& /*v*/) const { return false; }
  /// Sets the member from v. Throws DataError when v does not convert.
  virtual void set(void* object, const Value& v) const = 0;
  /// Whether the member equals v, with no allocation for the common kinds.
  virtual bool same(const void* object, const Value& v) const = 0;
  /// Whether the member equals the string value text (same() of a Value holding it); no
  /// allocation where the member is a std::string or std::optional<std::string>.
  virtual bool same_text(const void* object, std::string_view text) const {
    Value v;
    v.assign_string(text);
    return same(object, v);
  }
  /// Whether the member holds "no value yet": nullopt, or 0 for an integer.
  virtual bool unset(const void* object) const = 0;
  /// The value of a default-constructed member (what a rollback puts back into a key the
  /// flush generated).
  virtual Value unset_value() const = 0;
  virtual bool holds(TypeKind kind) const = 0;
  virtual bool nullable() const = 0;
};

template <class T, class M>
class MemberColumn final : public ColumnAccessor {
 public:
  using Traits = ColumnTraits<M>;
  explicit MemberColumn(M T::*member) noexcept : member_(member) {}
  Value get(const void* o) const override { return Traits::to(obj(o).*member_); }
  void load(void* o, Value& v) const override {
    M& m = static_cast<T*>(o)->*member_;
    Traits::from(m, v);
    if (!Traits::canonical(v)) v = Traits::to(m);
  }
  bool take_text(void* o, Value& v) const override {
    if constexpr (std::is_same_v<M, std::string> || std::is_same_v<M, std::optional<std::string>>) {
      if (std::string* text = v.mutable_string()) {
        static_cast<T*>(o)->*member_ = std::move(*text);
        return true;
      }
    }
    return false;
  }
  void set(void* o, const Value& v) const override {
    Traits::from(static_cast<T*>(o)->*member_, v);
  }
  bool same(const void* o, const Value& v) const override {
    return Traits::same(obj(o).*member_, v);
  }
  bool same_text(const void* o, std::string_view text) const override {
    const M& m = obj(o).*member_;
    if constexpr (std::is_same_v<M, std::string>) return m == text;
    else if constexpr (std::is_same_v<M, std::optional<std::string>>) return m.has_value() && *m == text;
    else return ColumnAccessor::same_text(o, text);
  }
  bool unset(const void* o) const override { return Traits::unset(obj(o).*member_); }
  Value unset_value() const override { return Traits::to(M{}); }
  bool holds(TypeKind kind) const override { return Traits::holds(kind); }
  bool nullable() const override { return Traits::kNullable; }

 private:
  static const T& obj(const void* o) noexcept { return *static_cast<const T*>(o); }
  M T::*member_;
};

/// Reads and writes one relationship member (a Ref or a Collection), type-erased. "raw" means
/// without back_populates events.
class RelationshipAccessor {
 public:
  virtual ~RelationshipAccessor();
  virtual AttributeBase& attribute(void* object) const = 0;
  /// The related objects held now, without loading (a Ref gives zero or one).
  virtual std::vector<std::shared_ptr<void>> items(const void* object) const = 0;
  /// Replaces the related objects, marking the attribute loaded. A Ref takes the first or none.
  virtual void set_items(void* object, std::vector<std::shared_ptr<void>> items) const = 0;
  /// Adds item when it is not there yet (a Ref: points at it).
  virtual void add_item(void* object, const std::shared_ptr<void>& item) const = 0;
  /// Removes item (a Ref: empties itself when it points at item).
  virtual void remove_item(void* object, const void* item) const = 0;
  /// A Ref: holds its target weakly from now on (the Session closing); a Collection: nothing.
  virtual void make_weak(void* object) const = 0;
};

template <class W>
struct WrapperTraits;
template <class X>
struct WrapperTraits<Ref<X>> {
  using Target = X;
  static constexpr bool kCollection = false;
};
template <class X>
struct WrapperTraits<Collection<X>> {
  using Target = X;
  static constexpr bool kCollection = true;
};

template <class T, class W>
class MemberRelationship final : public RelationshipAccessor {
 public:
  using X = typename WrapperTraits<W>::Target;
  explicit MemberRelationship(W T::*member) noexcept : member_(member) {}
  AttributeBase& attribute(void* o) const override { return wrapper(o); }
  std::vector<std::shared_ptr<void>> items(const void* o) const override {
    const W& w = static_cast<const T*>(o)->*member_;
    if constexpr (WrapperTraits<W>::kCollection) {
      return {w.raw().begin(), w.raw().end()};
    } else {
      if (w.raw()) return {w.raw()};
      return {};
    }
  }
  void set_items(void* o, std::vector<std::shared_ptr<void>> items) const override {
    W& w = wrapper(o);
    if constexpr (WrapperTraits<W>::kCollection) {
      auto& v = w.raw_mutable();
      v.clear();
      v.reserve(items.size());
      for (auto& item : items) v.push_back(std::static_pointer_cast<X>(std::move(item)));
    } else {
      w.set_raw(items.empty() ? nullptr : std::static_pointer_cast<X>(std::move(items.front())));
    }
    w.set_load(AttributeBase::Load::kLoaded);
  }
  void add_item(void* o, const std::shared_ptr<void>& item) const override {
    W& w = wrapper(o);
    if constexpr (WrapperTraits<W>::kCollection) {
      for (const auto& p : w.raw())
        if (p.get() == item.get()) return;
      w.raw_mutable().push_back(std::static_pointer_cast<X>(item));
    } else {
      w.set_raw(std::static_pointer_cast<X>(item));
      w.set_load(AttributeBase::Load::kLoaded);
    }
  }
  void make_weak(void* o) const override {
    if constexpr (!WrapperTraits<W>::kCollection) wrapper(o).make_weak();
  }
  void remove_item(void* o, const void* item) const override {
    W& w = wrapper(o);
    if constexpr (WrapperTraits<W>::kCollection) {
      std::erase_if(w.raw_mutable(), [&](const auto& p) { return p.get() == item; });
    } else {
      if (w.raw().get() == item) w.set_raw(nullptr);
    }
  }

 private:
  W& wrapper(void* o) const noexcept { return static_cast<T*>(o)->*member_; }
  W T::*member_;
};

}  // namespace detail

class Mapper;
namespace detail {
class MapperBuilderBase;
struct EntityQuery;
}

/// One mapped column: the member, the table column, and how to reach the member.
struct ColumnProperty {
  std::string key;  ///< the column's name
  MemberKey member;
  std::shared_ptr<const detail::ColumnAccessor> accessor;
  sql::ColumnData column;  ///< as defined (or reflected)
  sql::Expr expr;          ///< the table's column, for expressions
  bool primary_key{false};
  /// The database numbers it (the table's autoincrement column): left out of an INSERT while
  /// the member is unset (0 or nullopt), then read back.
  bool autoincrement{false};
};

/// One mapped relationship (SQLAlchemy's RelationshipProperty), resolved by
/// Registry::configure().
struct RelationshipProperty {
  std::string key;  ///< its name for messages and paths ("books")
  MemberKey member;
  std::type_index target_type{typeid(void)};
  std::shared_ptr<const detail::RelationshipAccessor> accessor;
  bool uselist{true};  ///< a Collection (true) or a Ref (false)
  // Options as given.
  std::optional<MemberKey> back_populates_member;
  std::optional<sql::Table> secondary;
  std::vector<std::string> foreign_keys;  ///< disambiguates when several keys could serve
  std::vector<std::string> order_by;      ///< target column names, "name" or "name DESC"
  Cascade cascade{};
  Lazy lazy{Lazy::kSelect};
  // Resolved by configure().
  const Mapper* target{nullptr};
  Direction direction{Direction::kManyToOne};
  /// Pairs of columns the join follows, as indexes into the mapper's columns():
  /// many-to-one: local = the owner's foreign key columns, remote = the target's referred ones;
  /// one-to-many: local = the owner's referred columns, remote = the target's foreign key ones;
  /// many-to-many: local = the owner's columns the secondary refers to, remote = the target's.
  std::vector<std::size_t> local_columns;
  std::vector<std::size_t> remote_columns;
  /// Many-to-many: the secondary's columns that refer to the owner and to the target, parallel
  /// to local_columns and remote_columns.
  std::vector<std::string> secondary_local;
  std::vector<std::string> secondary_remote;
  /// The index of the back_populates relationship in target, or -1.
  int back_populates{-1};
};

/// A mapped struct: its table, columns and relationships (SQLAlchemy's Mapper, as
/// inspect(User) gives it).
class Mapper {
 public:
  Mapper(std::type_index type, std::string class_name, std::shared_ptr<void> (*factory)())
      : type_(type), class_name_(std::move(class_name)), factory_(factory) {}
  std::type_index type() const noexcept { return type_; }
  const std::string& class_name() const noexcept { return class_name_; }
  const sql::Table& table() const { return *table_; }
  const std::vector<ColumnProperty>& columns() const noexcept { return columns_; }
  const std::vector<RelationshipProperty>& relationships() const noexcept { return relationships_; }
  /// Indexes into columns() of the primary key, in key order.
  const std::vector<std::size_t>& primary_key() const noexcept { return primary_key_; }
  /// The column property of member, or nullptr.
  const ColumnProperty* find_column(const MemberKey& member) const noexcept;
  /// The index in columns() of the column called name, or -1.
  int column_index(std::string_view name) const noexcept;
  /// The index of the relationship of member, or -1.
  int relationship_index(const MemberKey& member) const noexcept;
  /// A new default-constructed instance.
  std::shared_ptr<void> create() const { return factory_(); }
  /// The SELECT of every mapped column WHERE each primary key column = bindparam("pk_<i>"),
  /// i in key order (what Session::get and refresh run), built once by Registry::configure()
  /// so that each get() reuses one statement and its compiled form. Null before configure().
  const detail::EntityQuery* by_key_query() const noexcept { return by_key_query_.get(); }

 private:
  friend class Registry;
  friend class detail::MapperBuilderBase;
  /// Refreshes each column's expr, definition, key and autoincrement flags from table_.
  void refresh_columns();
  std::type_index type_;
  std::string class_name_;
  std::shared_ptr<void> (*factory_)();
  std::optional<sql::Table> table_;
  sql::TableData definition_;  ///< the table as mapped so far (before Table's own checks)
  bool own_table_{true};       ///< the mapping defines the table (false: an existing Table)
  std::vector<ColumnProperty> columns_;
  std::vector<RelationshipProperty> relationships_;
  std::vector<std::size_t> primary_key_;
  std::shared_ptr<const detail::EntityQuery> by_key_query_;
};

/// The mapper of a type; throws UnmappedClassError naming the type when none maps it. Resolves
/// the relationships of every mapper of its registry first (Registry::configure).
const Mapper& mapper_of(const std::type_info& type);
const Mapper& mapper_of(std::type_index type);
template <class T>
const Mapper& mapper_of() {
  return mapper_of(typeid(T));
}

/// The table column of a mapped member, for expressions: orm::col(&User::name) == "Alice".
/// Throws UnmappedClassError when T is not mapped, ArgumentError when member is not one of its
/// mapped columns.
sql::Expr col(const MemberKey& member);
template <class T, class M>
sql::Expr col(M T::*member) {
  return col(member_key(member));
}

// ---- relationship options -------------------------------------------------------------------

struct BackPopulates {
  MemberKey member;
};
/// The relationship on the other side that mirrors this one (SQLAlchemy's back_populates).
template <class T, class W>
BackPopulates back_populates(W T::*member) {
  return {member_key(member)};
}
struct Secondary {
  sql::Table table;
};
/// Many-to-many through the association table (SQLAlchemy's secondary=).
inline Secondary secondary(const sql::Table& table) { return {table}; }
struct CascadeOption {
  Cascade value;
};
/// Cascades by SQLAlchemy's words: cascade("all, delete-orphan").
inline CascadeOption cascade(std::string_view spec) { return {Cascade::parse(spec)}; }
struct LazyOption {
  Lazy value;
};
/// The default loader strategy: lazy(Lazy::kSelectin).
inline LazyOption lazy(Lazy value) { return {value}; }
struct ForeignKeysOption {
  std::vector<std::string> columns;
};
/// The foreign key columns to join by, when the tables are related by more than one.
inline ForeignKeysOption foreign_keys(std::vector<std::string> columns) {
  return {std::move(columns)};
}
struct OrderByOption {
  std::vector<std::string> columns;
};
/// The order of a collection as loaded: target column names, each optionally " DESC".
inline OrderByOption order_by(std::vector<std::string> columns) { return {std::move(columns)}; }

class Registry;

namespace detail {
/// What MapperBuilder does that does not depend on the mapped type.
class MapperBuilderBase {
 protected:
  MapperBuilderBase(Registry& registry, Mapper& mapper) noexcept
      : registry_(&registry), mapper_(&mapper) {}
  void add_column(MemberKey member, std::shared_ptr<const ColumnAccessor> accessor,
                  sql::ColumnData data, bool typed, SqlType implied);
  void add_relationship(RelationshipProperty rel);
  void add_table_item(const sql::PrimaryKeyConstraint& c);
  void add_table_item(const sql::UniqueConstraint& c);
  void add_table_item(const sql::CheckConstraint& c);
  void add_table_item(const sql::ForeignKeyConstraint& c);
  void add_table_item(const sql::Index& i);
  void add_table_item(const sql::Schema& s);
  Registry* registry_;
  Mapper* mapper_;
};
}  // namespace detail

/// Adds columns and relationships to one mapper; returned by Registry::map.
template <class T>
class MapperBuilder : private detail::MapperBuilderBase {
 public:
  MapperBuilder(Registry& registry, Mapper& mapper) noexcept
      : MapperBuilderBase(registry, mapper) {}

  /// Maps member to column `name`. Options: a type (Integer{}, String{50}…; implied from the
  /// member when absent, or taken from the existing table), and Column's options (primary_key,
  /// unique, indexed, nullable(b), default_(v), server_default(sql), autoincrement(b),
  /// ForeignKey{…}, Comment{…}, Sequence{…}). Throws ArgumentError when the member cannot hold
  /// the type, or the existing table has no such column.
  template <class M, class... Options>
  MapperBuilder& column(M T::*member, std::string name, const Options&... options) {
    sql::ColumnData data;
    data.name = std::move(name);
    bool typed = false;
    (apply(data, typed, options), ...);
    add_column(member_key(member), std::make_shared<detail::MemberColumn<T, M>>(member),
               std::move(data), typed, detail::ColumnTraits<M>::implied());
    return *this;
  }

  /// Maps a Ref<X> or Collection<X> member as a relationship to X. Options: a name (a string;
  /// the default is the target type's name), back_populates(&X::m), secondary(table),
  /// cascade("…"), lazy(Lazy::…), foreign_keys({…}), order_by({…}). Resolved (and checked)
  /// by Registry::configure.
  template <class W, class... Options>
  MapperBuilder& relationship(W T::*member, const Options&... options) {
    RelationshipProperty rel;
    rel.member = member_key(member);
    rel.target_type = typeid(typename detail::WrapperTraits<W>::Target);
    rel.uselist = detail::WrapperTraits<W>::kCollection;
    rel.accessor = std::make_shared<detail::MemberRelationship<T, W>>(member);
    (apply_rel(rel, options), ...);
    add_relationship(std::move(rel));
    return *this;
  }

  /// Table-level items of a table the mapping defines: PrimaryKeyConstraint, UniqueConstraint,
  /// CheckConstraint, ForeignKeyConstraint, Index, Schema.
  template <class... Items>
  MapperBuilder& table_args(const Items&... items) {
    (add_table_item(items), ...);
    return *this;
  }

 private:
  template <class O>
  static void apply(sql::ColumnData& data, bool& typed, const O& option) {
    if constexpr (std::is_base_of_v<SqlType, O>) {
      data.type = option;
      typed = true;
    } else {
      sql::apply_column_option(data, option);
    }
  }
  static void apply_rel(RelationshipProperty& r, const BackPopulates& o) {
    r.back_populates_member = o.member;
  }
  static void apply_rel(RelationshipProperty& r, const Secondary& o) { r.secondary = o.table; }
  static void apply_rel(RelationshipProperty& r, const CascadeOption& o) { r.cascade = o.value; }
  static void apply_rel(RelationshipProperty& r, const LazyOption& o) { r.lazy = o.value; }
  static void apply_rel(RelationshipProperty& r, const ForeignKeysOption& o) {
    r.foreign_keys = o.columns;
  }
  static void apply_rel(RelationshipProperty& r, const OrderByOption& o) {
    r.order_by = o.columns;
  }
  static void apply_rel(RelationshipProperty& r, std::string_view name) { r.key = name; }
  static void apply_rel(RelationshipProperty& r, const char* name) { r.key = name; }
};

/// A set of mappings onto one MetaData (SQLAlchemy's registry). Mapped tables are added to the
/// MetaData as the mapping is made, so metadata.create_all() creates them.
class Registry {
 public:
  explicit Registry(sql::MetaData& metadata);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  /// Maps T to a new table called name (schema-qualify it with table_args(Schema{…})). T must
  /// be default-constructible. Replaces an earlier mapping of T.
  template <class T>
  MapperBuilder<T> map(std::string table_name) {
    return MapperBuilder<T>(*this, start(typeid(T), &make<T>, std::move(table_name), nullptr));
  }
  /// Maps T onto an existing (or reflected) table; column() then names its columns and may
  /// leave the type out. Throws ArgumentError when a column is absent from the table.
  template <class T>
  MapperBuilder<T> map(const sql::Table& table) {
    return MapperBuilder<T>(*this, start(typeid(T), &make<T>, {}, &table));
  }

  /// Resolves every relationship of this registry's mappers: targets, directions, foreign key
  /// columns, back_populates pairs, primary keys. Called by mapper_of() on first use; call it
  /// to see configuration errors early. Throws ArgumentError / UnmappedClassError naming the
  /// struct and the relationship.
  void configure();
  sql::MetaData& metadata() noexcept { return *metadata_; }
  /// The mappers of this registry, in the order mapped.
  std::vector<const Mapper*> mappers() const;

 private:
  friend class detail::MapperBuilderBase;
  template <class T>
  static std::shared_ptr<void> make() {
    static_assert(std::is_default_constructible_v<T>,
                  "a mapped struct must be default-constructible (the ORM makes instances for "
                  "loaded rows)");
    return std::make_shared<T>();
  }
  Mapper& start(std::type_index type, std::shared_ptr<void> (*factory)(), std::string table_name,
                const sql::Table* existing);
  /// Rebuilds mapper's table from its definition (after each added column or table item).
  void rebuild_table(Mapper& mapper);

  sql::MetaData* metadata_;
  std::vector<std::unique_ptr<Mapper>> mappers_;
  std::atomic<bool> configured_{false};
};

}  // namespace crucible::orm
