#pragma once
// The Session: the ORM's unit of work and identity map (SQLAlchemy 2.0's sqlalchemy.orm.Session).
//
//   orm::Session session{engine};
//   auto alice = session.add(User{.name = "Alice", .email = "alice@example.com"});
//   session.commit();                                      // INSERT …; alice->id is now set
//   auto u = session.scalars(select<User>().where(orm::col(&User::name) == "Alice")).one();
//   u->email = "a@example.com";                            // found dirty at the next flush
//   session.commit();                                      // UPDATE user_account SET email=…
//
// Objects are std::shared_ptr<T>. A Session holds one object per (mapper, primary key) — its
// identity map — whichever query loaded it, and keeps every object it holds alive until it is
// closed. Changes are found by comparing each object's columns with a snapshot taken when it
// was loaded or last flushed, so a plain member assignment is all a program does; an UPDATE
// names only the changed columns, and an unchanged object costs no SQL.
//
// Transactions follow SQLAlchemy 2.0: the Session begins one on first use ("autobegin") on a
// connection from its Engine, commit() flushes and commits, rollback() rolls back and restores
// in memory what the rolled-back flushes wrote (objects inserted in it become transient again,
// changed columns get their earlier values back). A flush that fails rolls the transaction
// back; the Session then refuses work (PendingRollbackError) until rollback() is called.
//
// Departure from SQLAlchemy: plain members cannot be intercepted on read, so commit() expires
// only relationships (SessionOptions::expire_on_commit), never column members; refresh()
// reloads an object's columns on request. A Session belongs to one thread at a time.
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "crucible/engine.hpp"
#include "crucible/orm/mapper.hpp"
#include "crucible/orm/query.hpp"

namespace crucible::orm {

class Session;

/// Options of a Session (SQLAlchemy's Session/sessionmaker keyword arguments).
struct SessionOptions {
  /// Flush before each query, get() and lazy load, so queries see pending changes.
  bool autoflush{true};
  /// After commit(), unload every object's relationships, so that the next access reads them
  /// from the database as the commit left it (SQLAlchemy's expire_on_commit, for the
  /// relationships: plain column members cannot be expired, see the top of this file). Set it
  /// false to keep using loaded relationships after commit, e.g. once the Session is closed.
  bool expire_on_commit{true};
};

namespace detail {
class SessionCore;

/// Rows of objects (and values), buffered, as the Session loaded them.
struct LoadedRows {
  std::vector<const Mapper*> entities;
  std::size_t width{0};  ///< entities + extra values per row
  std::vector<std::shared_ptr<void>> objects;  ///< rows × entities (null for an outer-joined none)
  std::vector<Value> values;                    ///< rows × extra columns
  std::size_t rows{0};
};

[[noreturn]] void throw_wrong_entity(const std::type_info& wanted, const Mapper* found);
}  // namespace detail

/// The objects of a query's first entity (SQLAlchemy's ScalarResult of ORM entities). Buffered:
/// the rows were read and their relationships eager-loaded when the query ran.
template <class T>
class ScalarResult {
 public:
  explicit ScalarResult(std::vector<std::shared_ptr<T>> objects) noexcept
      : objects_(std::move(objects)) {}
  /// Every object, in row order.
  const std::vector<std::shared_ptr<T>>& all() const& noexcept { return objects_; }
  std::vector<std::shared_ptr<T>> all() && noexcept { return std::move(objects_); }
  /// The first object, or null.
  std::shared_ptr<T> first() const { return objects_.empty() ? nullptr : objects_.front(); }
  /// Exactly one: throws NoResultFound for none, MultipleResultsFound for more.
  std::shared_ptr<T> one() const;
  /// One or null: throws MultipleResultsFound for more.
  std::shared_ptr<T> one_or_none() const;
  /// The number of objects.
  std::size_t size() const noexcept { return objects_.size(); }
  /// Iteration over the objects in row order: `for (auto& user : session.scalars(q))`.
  auto begin() const noexcept { return objects_.begin(); }
  auto end() const noexcept { return objects_.end(); }

 private:
  std::vector<std::shared_ptr<T>> objects_;
};

namespace detail {
[[noreturn]] void throw_no_result();
[[noreturn]] void throw_multiple_results(std::size_t n);
}  // namespace detail

template <class T>
std::shared_ptr<T> ScalarResult<T>::one() const {
  if (objects_.empty()) detail::throw_no_result();
  if (objects_.size() > 1) detail::throw_multiple_results(objects_.size());
  return objects_.front();
}
template <class T>
std::shared_ptr<T> ScalarResult<T>::one_or_none() const {
  if (objects_.size() > 1) detail::throw_multiple_results(objects_.size());
  return first();
}

/// One row of an ORM query: its entities, then its extra columns.
class Row {
 public:
  Row(std::shared_ptr<const detail::LoadedRows> rows, std::size_t index) noexcept
      : rows_(std::move(rows)), index_(index) {}
  /// Entity i (0: the query's primary entity) as T; null when an outer join found none.
  /// Throws InvalidRequestError when entity i is not a T.
  template <class T>
  std::shared_ptr<T> entity(std::size_t i = 0) const {
    const Mapper* m = i < rows_->entities.size() ? rows_->entities[i] : nullptr;
    if (m == nullptr || m->type() != typeid(T)) detail::throw_wrong_entity(typeid(T), m);
    return std::static_pointer_cast<T>(rows_->objects[index_ * rows_->entities.size() + i]);
  }
  /// Extra column i (0: the first add_columns column) of this row. Throws InvalidRequestError
  /// when the query has no extra column i.
  const Value& value(std::size_t i) const;
  /// Extra column i as V (Value::as<V>(): DataError when it does not convert).
  template <class V>
  V get(std::size_t i) const {
    return value(i).template as<V>();
  }

 private:
  std::shared_ptr<const detail::LoadedRows> rows_;  ///< kept alive by each Row
  std::size_t index_;
};

/// The rows of Session::execute(select<T>()…) (SQLAlchemy's Result of ORM rows), buffered.
class Result {
 public:
  explicit Result(std::shared_ptr<const detail::LoadedRows> rows) noexcept
      : rows_(std::move(rows)) {}
  /// The number of rows.
  std::size_t size() const noexcept { return rows_->rows; }
  /// Row i (< size()); the Row keeps the rows alive.
  Row operator[](std::size_t i) const { return Row(rows_, i); }
  class iterator {
   public:
    using value_type = Row;
    using difference_type = std::ptrdiff_t;
    iterator(std::shared_ptr<const detail::LoadedRows> rows, std::size_t i) noexcept
        : rows_(std::move(rows)), i_(i) {}
    Row operator*() const noexcept { return Row(rows_, i_); }
    iterator& operator++() noexcept {
      ++i_;
      return *this;
    }
    void operator++(int) noexcept { ++i_; }
    friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.i_ == b.i_; }

   private:
    std::shared_ptr<const detail::LoadedRows> rows_;
    std::size_t i_;
  };
  iterator begin() const noexcept { return {rows_, 0}; }
  iterator end() const noexcept { return {rows_, rows_->rows}; }

 private:
  std::shared_ptr<const detail::LoadedRows> rows_;
};

/// A transaction of a Session (SQLAlchemy's SessionTransaction), from begin() or
/// begin_nested(). Move-only; destroying an active one rolls it back.
class SessionTransaction {
 public:
  SessionTransaction(SessionTransaction&& other) noexcept
      : alive_(std::move(other.alive_)),
        session_(std::exchange(other.session_, nullptr)),
        depth_(other.depth_),
        id_(other.id_) {}
  SessionTransaction& operator=(SessionTransaction&&) = delete;
  ~SessionTransaction();
  /// Flushes, then COMMIT (RELEASE SAVEPOINT for a nested one). Throws InvalidRequestError
  /// when it is no longer active.
  void commit();
  /// ROLLBACK (ROLLBACK TO SAVEPOINT), restoring the Session's objects as rollback() does.
  void rollback();
  bool is_active() const noexcept;

 private:
  friend class Session;
  SessionTransaction(std::weak_ptr<void> alive, detail::SessionCore* session, std::size_t depth,
                     std::uint64_t id) noexcept
      : alive_(std::move(alive)), session_(session), depth_(depth), id_(id) {}
  std::weak_ptr<void> alive_;  ///< expired once the Session is gone
  detail::SessionCore* session_;
  std::size_t depth_;  ///< 0: the root transaction; n: the n-th savepoint
  std::uint64_t id_;   ///< the level's id: a later transaction at the same depth is not this one
};

/// The unit of work (see the top of this file).
class Session {
 public:
  /// A Session that takes connections from engine as it needs them.
  explicit Session(const Engine& engine, SessionOptions options = {});
  /// A Session on the program's own Connection (SQLAlchemy's Session(bind=connection)). When
  /// the Connection is in a transaction already, the Session works inside a SAVEPOINT of it
  /// (SQLAlchemy's join_transaction_mode="create_savepoint"), so its commit() and rollback()
  /// leave the outer transaction to the program: the rollback-per-test fixture.
  explicit Session(Connection& connection, SessionOptions options = {});
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  /// Closes the session (rolling back what is open).
  ~Session();

  // ---- adding and removing objects -----------------------------------------------------------

  /// Adds a new object (moved in) to be INSERTed at the next flush; returns the Session's
  /// shared_ptr to it. Related objects reachable through save-update cascades are added too.
  /// Throws UnmappedClassError when T is not mapped.
  template <class T>
    requires(!std::is_pointer_v<T>)
  std::shared_ptr<T> add(T object) {
    auto p = std::make_shared<T>(std::move(object));
    add_new_object(mapper_of<T>(), p);
    return p;
  }
  /// Adds an object the program made (or re-adds a detached one).
  template <class T>
  std::shared_ptr<T> add(std::shared_ptr<T> object) {
    add_object(mapper_of<T>(), object);
    return object;
  }
  /// Adds each struct (moved in) as add(T) does; returns the Session's shared_ptrs, in order.
  template <class T>
  std::vector<std::shared_ptr<T>> add_all(std::vector<T> objects) {
    std::vector<std::shared_ptr<T>> out;
    out.reserve(objects.size());
    const Mapper& m = mapper_of<T>();
    for (T& o : objects) {
      out.push_back(std::make_shared<T>(std::move(o)));
      add_new_object(m, out.back());
    }
    return out;
  }
  /// Adds each object the program made, as add(shared_ptr) does.
  template <class T>
  void add_all(const std::vector<std::shared_ptr<T>>& objects) {
    const Mapper& m = mapper_of<T>();
    for (const auto& o : objects) add_object(m, o);
  }
  /// Marks a persistent object for DELETE at the next flush (delete cascades follow); a pending
  /// one is simply removed. Throws InvalidRequestError when the Session does not hold it.
  template <class T>
  void delete_(const std::shared_ptr<T>& object) {
    delete_object(mapper_of<T>(), object.get());
  }
  /// Removes the object from the Session without SQL; it becomes detached (transient when it
  /// was pending). Its lazy relationships can no longer load.
  template <class T>
  void expunge(const std::shared_ptr<T>& object) {
    expunge_object(mapper_of<T>(), object.get());
  }
  /// Removes every object.
  void expunge_all();
  /// Copies the state of object into the Session's object of the same identity (loading it by
  /// primary key when the Session does not hold it; adding a new one when the database has
  /// none) and returns the Session's object (SQLAlchemy's merge). Related objects are merged
  /// along merge cascades.
  template <class T>
  std::shared_ptr<T> merge(const T& object) {
    return std::static_pointer_cast<T>(merge_object(mapper_of<T>(), &object));
  }
  /// Whether the Session holds object (pending or persistent).
  template <class T>
  bool contains(const std::shared_ptr<T>& object) const {
    return contains_object(object.get());
  }

  // ---- queries -------------------------------------------------------------------------------

  /// The object with this primary key: from the identity map without SQL when present, else
  /// by SELECT; null when there is none (SQLAlchemy's Session.get). A composite key is given
  /// in primary key column order: get<T>({1, 2}). With autoflush, the Session flushes when the
  /// SELECT finds no row and looks again (a pending object with this key is found), rather than
  /// before every SELECT: a get() costs the same however many objects the Session holds.
  /// Throws ArgumentError for a wrong key length.
  template <class T>
  std::shared_ptr<T> get(const Value& key) {
    return std::static_pointer_cast<T>(get_object(mapper_of<T>(), std::span<const Value>(&key, 1)));
  }
  template <class T>
  std::shared_ptr<T> get(std::initializer_list<Value> key) {
    return std::static_pointer_cast<T>(
        get_object(mapper_of<T>(), std::span<const Value>(key.begin(), key.size())));
  }
  /// get() with a key's values made at run time, in primary key column order.
  template <class T>
  std::shared_ptr<T> get(std::span<const Value> key) {
    return std::static_pointer_cast<T>(get_object(mapper_of<T>(), key));
  }
  /// The query's objects (SQLAlchemy's session.scalars(select(User))).
  template <class T>
  ScalarResult<T> scalars(const Select<T>& query) {
    auto rows = run_query(query.query());
    std::vector<std::shared_ptr<T>> out;
    out.reserve(rows->rows);
    const std::size_t n = rows->entities.size();
    for (std::size_t i = 0; i < rows->rows; ++i)
      out.push_back(std::static_pointer_cast<T>(std::move(rows->objects[i * n])));  // rows is ours alone
    return ScalarResult<T>(std::move(out));
  }
  /// The first object of the query, or null (SQLAlchemy's session.scalar).
  template <class T>
  std::shared_ptr<T> scalar(const Select<T>& query) {
    return scalars(query.limit(1)).first();
  }
  /// The query's rows of entities and columns.
  template <class T>
  Result execute(const Select<T>& query) {
    return Result(run_query(query.query()));
  }
  /// A Core statement (text(), insert(), update(), delete_()…) on the Session's connection,
  /// after autoflush, in the Session's transaction.
  crucible::Result execute(const sql::Executable& statement, const Params& params = {});
  crucible::Result execute(const sql::Executable& statement, const std::vector<Params>& params);

  /// Reloads the object's columns from the database (and unloads its relationships, to load
  /// again on access). Throws InvalidRequestError when the object is not persistent in this
  /// Session, or its row is gone.
  template <class T>
  void refresh(const std::shared_ptr<T>& object) {
    refresh_object(mapper_of<T>(), object.get());
  }

  // ---- the unit of work and transactions -----------------------------------------------------

  /// Writes pending changes: INSERTs, UPDATEs and DELETEs in dependency order (see flush.cpp).
  /// Throws the database's error after rolling back (the Session then needs rollback()).
  void flush();
  /// Flushes and commits; the connection goes back to the pool.
  void commit();
  /// Rolls back and restores the objects in memory (see the top of this file).
  void rollback();
  /// Rolls back and expunges every object; the Session can be used again.
  void close();
  /// Begins the transaction explicitly (SQLAlchemy's session.begin()); commit or roll back the
  /// returned object. Throws InvalidRequestError when one is already begun.
  SessionTransaction begin();
  /// Runs fn() in a transaction: commits when it returns, rolls back and rethrows when it throws.
  template <class F>
  auto begin(F&& fn) -> std::invoke_result_t<F> {
    SessionTransaction tx = begin();
    if constexpr (std::is_void_v<std::invoke_result_t<F>>) {
      std::invoke(std::forward<F>(fn));
      tx.commit();
    } else {
      auto out = std::invoke(std::forward<F>(fn));
      tx.commit();
      return out;
    }
  }
  /// Flushes, then opens a SAVEPOINT (SQLAlchemy's begin_nested()).
  SessionTransaction begin_nested();
  /// Runs fn() inside a SAVEPOINT: releases it when fn returns; rolls it back (objects of it
  /// restored in memory) and rethrows when fn throws.
  template <class F>
  void begin_nested(F&& fn) {
    SessionTransaction tx = begin_nested();
    std::invoke(std::forward<F>(fn));
    tx.commit();
  }
  /// Whether a transaction (root, or a SAVEPOINT on a program's Connection) is open.
  bool in_transaction() const noexcept;
  /// Whether a begin_nested() SAVEPOINT is open.
  bool in_nested_transaction() const noexcept;
  /// The Connection the Session works on (beginning its transaction when none is open).
  Connection& connection();

  // ---- what the next flush will do -----------------------------------------------------------

  /// The pending objects of type T (SQLAlchemy's session.new).
  template <class T>
  std::vector<std::shared_ptr<T>> new_() const {
    return cast_all<T>(objects_of(mapper_of<T>(), 0));
  }
  /// The persistent objects of type T whose columns differ from their snapshot (session.dirty).
  template <class T>
  std::vector<std::shared_ptr<T>> dirty() const {
    return cast_all<T>(objects_of(mapper_of<T>(), 1));
  }
  /// The objects of type T marked for deletion (session.deleted).
  template <class T>
  std::vector<std::shared_ptr<T>> deleted() const {
    return cast_all<T>(objects_of(mapper_of<T>(), 2));
  }
  /// Calls fn(session) at the start of every flush, before anything is written (SQLAlchemy's
  /// before_flush event); fn may change, add or delete objects.
  void on_before_flush(std::function<void(Session&)> fn);

  /// The Engine the Session takes connections from (SQLAlchemy's Session.bind).
  const Engine& bind() const noexcept;
  /// The options the Session was made with.
  const SessionOptions& options() const noexcept;

 private:
  void add_object(const Mapper& mapper, std::shared_ptr<void> object);
  /// add_object for an object the Session has just made (it cannot hold it yet).
  void add_new_object(const Mapper& mapper, std::shared_ptr<void> object);
  void delete_object(const Mapper& mapper, const void* object);
  void expunge_object(const Mapper& mapper, const void* object);
  std::shared_ptr<void> merge_object(const Mapper& mapper, const void* object);
  bool contains_object(const void* object) const noexcept;
  std::shared_ptr<void> get_object(const Mapper& mapper, std::span<const Value> key);
  std::shared_ptr<const detail::LoadedRows> run_query(const detail::EntityQuery& query);
  void refresh_object(const Mapper& mapper, const void* object);
  std::vector<std::shared_ptr<void>> objects_of(const Mapper& mapper, int which) const;
  template <class T>
  static std::vector<std::shared_ptr<T>> cast_all(std::vector<std::shared_ptr<void>> in) {
    std::vector<std::shared_ptr<T>> out;
    out.reserve(in.size());
    for (auto& p : in) out.push_back(std::static_pointer_cast<T>(std::move(p)));
    return out;
  }

  std::unique_ptr<detail::SessionCore> core_;
};

/// A Session factory with fixed options (SQLAlchemy's sessionmaker):
///   auto SessionLocal = orm::sessionmaker(engine, {.autoflush = true});
///   orm::Session session = SessionLocal();
class SessionFactory {
 public:
  SessionFactory(Engine engine, SessionOptions options) noexcept
      : engine_(std::move(engine)), options_(options) {}
  /// A new Session with the factory's engine, options and before_flush listeners.
  Session operator()() const;
  /// A before_flush listener for every Session made from now on.
  void on_before_flush(std::function<void(Session&)> fn) { before_flush_.push_back(std::move(fn)); }

 private:
  Engine engine_;
  SessionOptions options_;
  std::vector<std::function<void(Session&)>> before_flush_;
};
inline SessionFactory sessionmaker(Engine engine, SessionOptions options = {}) {
  return SessionFactory(std::move(engine), options);
}

}  // namespace crucible::orm
