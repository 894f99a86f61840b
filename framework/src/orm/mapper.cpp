// Mapping structs to tables: Registry, MapperBuilder, Mapper lookups, and the process-wide
// table of which mapper maps which type (a C++ type is mapped once at a time, as a Python class
// is, so that orm::col(&User::name) and select<User>() need no registry at hand).
#include "crucible/orm/mapper.hpp"

#include <cxxabi.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <mutex>
#include <shared_mutex>

#include "crucible/errors.hpp"
#include "crucible/orm/query.hpp"

namespace crucible::orm {

namespace detail {

ColumnAccessor::~ColumnAccessor() = default;
RelationshipAccessor::~RelationshipAccessor() = default;

void throw_integer_range(std::int64_t found, std::int64_t lo, std::int64_t hi) {
  throw DataError(ErrorInfo{.sqlstate = "22003",
                            .driver_message = "wanted an integer in [" + std::to_string(lo) + ", " +
                                              std::to_string(hi) + "] for the member, found " +
                                              std::to_string(found)});
}

namespace {

struct GlobalMappers {
  std::shared_mutex mutex;
  std::map<std::type_index, std::pair<Mapper*, Registry*>> by_type;
};

GlobalMappers& globals() {
  static GlobalMappers g;
  return g;
}

}  // namespace

std::string type_name_of(std::type_index type);

}  // namespace detail

void throw_empty_ref() {
  throw InvalidRequestError("wanted the related object of a Ref, found none (the Ref is empty); "
                            "test it with `if (ref)` first");
}

void throw_freed_ref() {
  throw DetachedInstanceError(
      "wanted the related object of a Ref, found it freed: its Session closed and nothing else "
      "held it; keep a shared_ptr to it (or to an object whose loaded collection holds it), or "
      "load it again in a new Session");
}

std::string type_name(const std::type_info& type) { return detail::type_name_of(type); }

std::string detail::type_name_of(std::type_index type) {
  int status = 0;
  char* demangled = abi::__cxa_demangle(type.name(), nullptr, nullptr, &status);
  std::string out = status == 0 && demangled != nullptr ? demangled : type.name();
  std::free(demangled);  // NOLINT(cppcoreguidelines-no-malloc): __cxa_demangle's contract
  return out;
}

Cascade Cascade::parse(std::string_view spec) {
  Cascade c{false, false, false, false};
  std::size_t pos = 0;
  while (pos <= spec.size()) {
    std::size_t end = spec.find(',', pos);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view word = spec.substr(pos, end - pos);
    while (!word.empty() && std::isspace(static_cast<unsigned char>(word.front())))
      word.remove_prefix(1);
    while (!word.empty() && std::isspace(static_cast<unsigned char>(word.back())))
      word.remove_suffix(1);
    if (word == "all") {
      c.save_update = c.merge = c.delete_ = true;
    } else if (word == "save-update") {
      c.save_update = true;
    } else if (word == "merge") {
      c.merge = true;
    } else if (word == "delete") {
      c.delete_ = true;
    } else if (word == "delete-orphan") {
      c.delete_orphan = true;
    } else if (word == "refresh-expire" || word == "expunge" || word == "none" || word.empty()) {
      // refresh-expire and expunge always follow in crucible; "none" sets nothing.
    } else {
      throw ArgumentError("wanted cascade words (save-update, merge, delete, delete-orphan, "
                          "refresh-expire, expunge, all, none), found '" +
                          std::string(word) + "' in \"" + std::string(spec) + "\"");
    }
    pos = end + 1;
  }
  if (c.delete_orphan && !c.delete_)
    throw ArgumentError("cascade \"" + std::string(spec) +
                        "\" has delete-orphan without delete; wanted \"all, delete-orphan\" (an "
                        "orphan is deleted, so its parent's deletion must cascade too)");
  return c;
}

// ---- Mapper -------------------------------------------------------------------------------------

const ColumnProperty* Mapper::find_column(const MemberKey& member) const noexcept {
  for (const ColumnProperty& c : columns_)
    if (c.member == member) return &c;
  return nullptr;
}

int Mapper::column_index(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i].key == name) return static_cast<int>(i);
  return -1;
}

int Mapper::relationship_index(const MemberKey& member) const noexcept {
  for (std::size_t i = 0; i < relationships_.size(); ++i)
    if (relationships_[i].member == member) return static_cast<int>(i);
  return -1;
}

const Mapper& mapper_of(std::type_index type) {
  Mapper* mapper = nullptr;
  Registry* registry = nullptr;
  {
    auto& g = detail::globals();
    std::shared_lock lock(g.mutex);
    auto it = g.by_type.find(type);
    if (it != g.by_type.end()) std::tie(mapper, registry) = it->second;
  }
  if (mapper == nullptr) {
    const std::string name = detail::type_name_of(type);
    throw UnmappedClassError("wanted a mapped class, found " + name +
                             ", which no orm::Registry maps; map it with registry.map<" + name +
                             ">(\"table\")");
  }
  registry->configure();
  return *mapper;
}

const Mapper& mapper_of(const std::type_info& type) { return mapper_of(std::type_index(type)); }

sql::Expr col(const MemberKey& member) {
  const Mapper& m = mapper_of(member.owner);
  if (const ColumnProperty* c = m.find_column(member)) return c->expr;
  throw ArgumentError("wanted a mapped column member of " + m.class_name() +
                      ", found a member that is not mapped as a column (map it with .column())");
}

// ---- MapperBuilder --------------------------------------------------------------------------

namespace detail {

void MapperBuilderBase::add_column(MemberKey member, std::shared_ptr<const ColumnAccessor> accessor,
                                   sql::ColumnData data, bool typed, SqlType implied) {
  Mapper& m = *mapper_;
  const std::string where = m.class_name_ + " column '" + data.name + "'";
  if (data.name.empty()) throw ArgumentError("mapping " + m.class_name_ + ": wanted a column name, found \"\"");
  if (m.find_column(member) != nullptr)
    throw ArgumentError("mapping " + where + ": the member is mapped to a column already");
  if (!m.own_table_) {
    // Onto an existing table: the column must be there; its definition wins.
    const sql::ColumnData* existing = m.table_->data().find(data.name);
    if (existing == nullptr)
      throw ArgumentError("mapping " + where + ": table " + m.table_->data().fullname() +
                          " has no such column");
    const SqlType given = data.type;
    data = *existing;
    if (typed && given.kind() != existing->type.kind())
      throw ArgumentError("mapping " + where + ": the table's column is " +
                          existing->type.repr() + ", the mapping says " + given.repr());
  } else {
    if (!typed) {
      if (implied.kind() == TypeKind::kNull)
        throw ArgumentError("mapping " + where +
                            ": a member of type Value implies no SQL type; give one (String{50}…)");
      data.type = implied;
    }
    if (!data.nullable && !data.primary_key) data.nullable = accessor->nullable();
    if (m.definition_.find(data.name) != nullptr)
      throw ArgumentError("mapping " + where + ": the table has that column already");
  }
  if (data.default_ && !accessor->nullable())
    throw ArgumentError("mapping " + where + ": default_() fills a member that holds no value, "
                        "but this member always holds one; make it std::optional, or give the "
                        "default as the member's initializer");
  if (data.type.kind() != TypeKind::kNull && !accessor->holds(data.type.kind()))
    throw ArgumentError("mapping " + where + ": the member cannot hold " + data.type.repr() +
                        " values (see orm/column_traits.hpp for the member types of each SQL type)");
  ColumnProperty prop;
  prop.key = data.name;
  prop.member = member;
  prop.accessor = std::move(accessor);
  prop.column = data;
  m.columns_.push_back(std::move(prop));
  if (m.own_table_) m.definition_.columns.push_back(std::move(data));
  registry_->rebuild_table(m);
}

void MapperBuilderBase::add_relationship(RelationshipProperty rel) {
  Mapper& m = *mapper_;
  if (m.relationship_index(rel.member) >= 0)
    throw ArgumentError("mapping " + m.class_name_ + ": the member is mapped as a relationship already");
  if (rel.key.empty()) rel.key = detail::type_name_of(rel.target_type);
  m.relationships_.push_back(std::move(rel));
  registry_->configured_ = false;
}

void MapperBuilderBase::add_table_item(const sql::PrimaryKeyConstraint& c) {
  mapper_->definition_.primary_key = c.columns;
  mapper_->definition_.primary_key_name = c.name;
  registry_->rebuild_table(*mapper_);
}
void MapperBuilderBase::add_table_item(const sql::UniqueConstraint& c) {
  mapper_->definition_.uniques.push_back(c);
  registry_->rebuild_table(*mapper_);
}
void MapperBuilderBase::add_table_item(const sql::CheckConstraint& c) {
  mapper_->definition_.checks.push_back(c);
  registry_->rebuild_table(*mapper_);
}
void MapperBuilderBase::add_table_item(const sql::ForeignKeyConstraint& c) {
  sql::ForeignKeyData fk;
  fk.columns = c.columns;
  const std::string& target = c.referred_table;
  if (auto dot = target.find('.'); dot != std::string::npos) {
    fk.referred_schema = target.substr(0, dot);
    fk.referred_table = target.substr(dot + 1);
  } else {
    fk.referred_table = target;
  }
  fk.referred_columns = c.referred_columns;
  fk.options = c.options;
  mapper_->definition_.foreign_keys.push_back(std::move(fk));
  registry_->rebuild_table(*mapper_);
}
void MapperBuilderBase::add_table_item(const sql::Index& i) {
  mapper_->definition_.indexes.push_back(i);
  registry_->rebuild_table(*mapper_);
}
void MapperBuilderBase::add_table_item(const sql::Schema& s) {
  mapper_->definition_.schema = s.name;
  registry_->rebuild_table(*mapper_);
}

}  // namespace detail

// ---- Registry -----------------------------------------------------------------------------------

Registry::Registry(sql::MetaData& metadata) : metadata_(&metadata) {}

Registry::~Registry() {
  auto& g = detail::globals();
  std::unique_lock lock(g.mutex);
  for (auto it = g.by_type.begin(); it != g.by_type.end();)
    it = it->second.second == this ? g.by_type.erase(it) : std::next(it);
}

std::vector<const Mapper*> Registry::mappers() const {
  std::vector<const Mapper*> out;
  for (const auto& m : mappers_) out.push_back(m.get());
  return out;
}

Mapper& Registry::start(std::type_index type, std::shared_ptr<void> (*factory)(),
                        std::string table_name, const sql::Table* existing) {
  auto mapper = std::make_unique<Mapper>(type, detail::type_name_of(type), factory);
  if (existing != nullptr) {
    mapper->own_table_ = false;
    mapper->table_ = *existing;
  } else {
    if (table_name.empty())
      throw ArgumentError("mapping " + mapper->class_name_ + ": wanted a table name, found \"\"");
    mapper->definition_.name = std::move(table_name);
  }
  // A type mapped again (here or in another registry) is replaced.
  std::erase_if(mappers_, [&](const auto& m) { return m->type_ == type; });
  mappers_.push_back(std::move(mapper));
  Mapper& m = *mappers_.back();
  {
    auto& g = detail::globals();
    std::unique_lock lock(g.mutex);
    g.by_type[type] = {&m, this};
  }
  configured_ = false;
  return m;
}

void Registry::rebuild_table(Mapper& m) {
  configured_ = false;
  if (!m.own_table_) {
    m.refresh_columns();
    return;
  }
  // Table's own checks run on a copy, so that the definition stays as the mapping gives it
  // (Table turns column foreign keys into ForeignKeyData).
  m.table_ = sql::Table(*metadata_, m.definition_);
  m.refresh_columns();
}

void Mapper::refresh_columns() {
  const sql::TableData& t = table_->data();
  const sql::ColumnData* autoinc = t.autoincrement_column();
  for (ColumnProperty& c : columns_) {
    const sql::ColumnData* def = t.find(c.key);
    if (def == nullptr) continue;  // not possible: columns are added to the table first
    c.column = *def;
    c.expr = table_->c(c.key);
    c.primary_key = std::find(t.primary_key.begin(), t.primary_key.end(), c.key) != t.primary_key.end();
    c.autoincrement = def == autoinc;
  }
  primary_key_.clear();
  for (const std::string& name : t.primary_key)
    if (int i = column_index(name); i >= 0) primary_key_.push_back(static_cast<std::size_t>(i));
}

namespace {

// The foreign keys of `from` that refer to table `to`, filtered by the relationship's
// foreign_keys option when it has one.
std::vector<const sql::ForeignKeyData*> keys_between(const sql::TableData& from,
                                                     const sql::TableData& to,
                                                     const std::vector<std::string>& only) {
  std::vector<const sql::ForeignKeyData*> out;
  for (const sql::ForeignKeyData& fk : from.foreign_keys) {
    if (fk.referred_table != to.name) continue;
    if (fk.referred_schema && to.schema && *fk.referred_schema != *to.schema) continue;
    if (!only.empty() &&
        std::none_of(fk.columns.begin(), fk.columns.end(), [&](const std::string& c) {
          return std::find(only.begin(), only.end(), c) != only.end();
        }))
      continue;
    out.push_back(&fk);
  }
  return out;
}

std::vector<std::string> referred_columns(const sql::ForeignKeyData& fk, const sql::TableData& to) {
  return fk.referred_columns.empty() ? to.primary_key : fk.referred_columns;
}

std::size_t mapped_index(const Mapper& m, const std::string& column, const std::string& where) {
  const int i = m.column_index(column);
  if (i < 0)
    throw ArgumentError("configuring " + where + ": column '" + column + "' of table " +
                        m.table().data().fullname() + " is not mapped by " + m.class_name() +
                        "; map it with .column()");
  return static_cast<std::size_t>(i);
}

std::string names(const std::vector<const sql::ForeignKeyData*>& keys) {
  std::string out;
  for (const auto* fk : keys) {
    out += out.empty() ? "(" : ", (";
    for (std::size_t i = 0; i < fk->columns.size(); ++i) out += (i ? ", " : "") + fk->columns[i];
    out += ")";
  }
  return out;
}

}  // namespace

void Registry::configure() {
  if (configured_.load(std::memory_order_acquire)) return;
  // Two threads' first queries may both get here: configuration runs once, under the lock.
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  if (configured_.load(std::memory_order_relaxed)) return;
  for (auto& owned : mappers_) {
    Mapper& m = *owned;
    if (!m.table_)
      throw ArgumentError("mapping " + m.class_name_ + ": wanted at least one mapped column, found none");
    const sql::TableData& t = m.table_->data();
    if (t.primary_key.empty())
      throw ArgumentError("mapping " + m.class_name_ + ": table " + t.fullname() +
                          " has no primary key; wanted at least one column marked primary_key "
                          "(the Session identifies objects by it)");
    for (const std::string& pk : t.primary_key)
      mapped_index(m, pk, m.class_name_ + " primary key");
    for (RelationshipProperty& rel : m.relationships_) {
      const std::string where = m.class_name_ + "." + rel.key;
      const Mapper* target = nullptr;
      {
        auto& g = detail::globals();
        std::shared_lock lock(g.mutex);
        auto it = g.by_type.find(rel.target_type);
        if (it != g.by_type.end()) target = it->second.first;
      }
      if (target == nullptr)
        throw UnmappedClassError("configuring " + where + ": wanted a mapped target class, found " +
                                 detail::type_name_of(rel.target_type) +
                                 ", which no orm::Registry maps");
      rel.target = target;
      rel.local_columns.clear();
      rel.remote_columns.clear();
      rel.secondary_local.clear();
      rel.secondary_remote.clear();
      const sql::TableData& tt = target->table().data();
      if (rel.secondary) {
        const sql::TableData& st = rel.secondary->data();
        auto to_owner = keys_between(st, t, rel.foreign_keys);
        auto to_target = keys_between(st, tt, rel.foreign_keys);
        if (to_owner.size() != 1 || to_target.size() != 1 || &t == &tt)
          throw ArgumentError("configuring " + where + ": wanted one foreign key from secondary table " +
                              st.fullname() + " to " + t.fullname() + " and one to " + tt.fullname() +
                              ", found " + std::to_string(to_owner.size()) + " and " +
                              std::to_string(to_target.size()) +
                              "; name them with orm::foreign_keys({…})");
        rel.direction = Direction::kManyToMany;
        const auto owner_cols = referred_columns(*to_owner[0], t);
        const auto target_cols = referred_columns(*to_target[0], tt);
        for (std::size_t i = 0; i < owner_cols.size(); ++i) {
          rel.local_columns.push_back(mapped_index(m, owner_cols[i], where));
          rel.secondary_local.push_back(to_owner[0]->columns[i]);
        }
        for (std::size_t i = 0; i < target_cols.size(); ++i) {
          rel.remote_columns.push_back(mapped_index(*target, target_cols[i], where));
          rel.secondary_remote.push_back(to_target[0]->columns[i]);
        }
      } else {
        auto forward = keys_between(t, tt, rel.foreign_keys);    // owner refers to target
        auto backward = keys_between(tt, t, rel.foreign_keys);   // target refers to owner
        const bool many_to_one = rel.uselist ? false : !forward.empty();
        const auto& chosen = many_to_one ? forward : backward;
        if (chosen.size() != 1)
          throw ArgumentError("configuring " + where + ": wanted one foreign key " +
                              (many_to_one ? "from " + t.fullname() + " to " + tt.fullname()
                                           : "from " + tt.fullname() + " to " + t.fullname()) +
                              ", found " +
                              (chosen.empty() ? std::string("none") : names(chosen)) +
                              (chosen.empty() ? "; add a ForeignKey" : "; name one with orm::foreign_keys({…})"));
        const sql::ForeignKeyData& fk = *chosen[0];
        if (many_to_one) {
          rel.direction = Direction::kManyToOne;
          const auto cols = referred_columns(fk, tt);
          for (std::size_t i = 0; i < fk.columns.size(); ++i) {
            rel.local_columns.push_back(mapped_index(m, fk.columns[i], where));
            rel.remote_columns.push_back(mapped_index(*target, cols.at(i), where));
          }
        } else {
          rel.direction = Direction::kOneToMany;
          const auto cols = referred_columns(fk, t);
          for (std::size_t i = 0; i < fk.columns.size(); ++i) {
            rel.local_columns.push_back(mapped_index(m, cols.at(i), where));
            rel.remote_columns.push_back(mapped_index(*target, fk.columns[i], where));
          }
        }
      }
      rel.back_populates = -1;
      if (rel.back_populates_member) {
        const int j = target->relationship_index(*rel.back_populates_member);
        if (rel.back_populates_member->owner != rel.target_type || j < 0)
          throw ArgumentError("configuring " + where + ": back_populates wants a relationship of " +
                              target->class_name() + ", found a member that is not one");
        rel.back_populates = j;
      }
    }
    m.by_key_query_ = detail::by_key_query(m);
  }
  configured_.store(true, std::memory_order_release);
}

}  // namespace crucible::orm
