#pragma once
// Executable: anything Connection::execute runs (SQLAlchemy's Executable), and Compiled: the
// SQL text, bind slots and result types it compiles to for one dialect and paramstyle.
//
// Caching (SQLAlchemy's "SQL compilation caching"): a statement gathers its structure into a
// cache key and its own bound values into a list, in one traversal. Two statements of the same
// shape with other values have equal keys, so the engine's CompiledCache hands back the SQL
// compiled for the first, and the values of the second are bound by position.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crucible/dbapi.hpp"
#include "crucible/types.hpp"

namespace crucible {
class Dialect;
class Params;
}  // namespace crucible

namespace crucible::sql {

struct Element;

/// How to compile.
struct CompileOptions {
  /// Render bound values inline as SQL literals, for display only (never executed this way).
  bool literal_binds{false};
};

/// What a compile needs besides the statement.
struct CompileContext {
  const Dialect& dialect;
  ParamStyle style{ParamStyle::kQmark};
  CompileOptions options{};
  /// The (first) parameter set of the execution: its names shape an INSERT or UPDATE that has
  /// no values() of its own (SQLAlchemy compiles insert(t) for the keys given). May be null.
  const Params* params{nullptr};
};

/// A statement's structure and own values, gathered in one traversal.
struct CacheKey {
  std::string key;                         ///< the structure; equal keys compile to equal SQL
  std::vector<Value> values;               ///< the statement's own bound values, traversal order
  std::vector<const Element*> bind_nodes;  ///< the bind nodes those values came from
};

/// The CacheKey of an immutable statement node, gathered by its first execution and kept for
/// the next ones, so that running one statement many times walks its tree once (SQLAlchemy
/// keeps the key of a statement object likewise, in its _generate_cache_key memo). Safe to
/// read and set from several threads at once; a copy starts empty (a copied node is a new
/// statement, changed before it runs).
class CacheKeyMemo {
 public:
  CacheKeyMemo() = default;
  CacheKeyMemo(const CacheKeyMemo& /*other*/) noexcept {}
  CacheKeyMemo& operator=(const CacheKeyMemo& /*other*/) noexcept {
    key_.store(nullptr, std::memory_order_release);
    return *this;
  }
  ~CacheKeyMemo() = default;
  /// The key kept, or null before the first execution.
  std::shared_ptr<const CacheKey> get() const noexcept {
    return key_.load(std::memory_order_acquire);
  }
  /// Keeps key (a second thread's equal key may replace the first: both are the same).
  void set(std::shared_ptr<const CacheKey> key) const noexcept {
    key_.store(std::move(key), std::memory_order_release);
  }

 private:
  mutable std::atomic<std::shared_ptr<const CacheKey>> key_;
};

/// One positional parameter of a compiled statement.
struct BindSlot {
  std::string name;     ///< the bind's name (for named/numeric styles and messages)
  int value_index{-1};  ///< index into CacheKey::values, or -1: take `name` from the Params
  SqlType type;         ///< for the dialect's bind processor
};

/// A single-row INSERT … VALUES (…) cut around its VALUES tuple, so that many parameter sets
/// can be sent as one multi-row INSERT (SQLAlchemy's "insertmanyvalues"). Only made where every
/// placeholder of the statement is inside the tuple and the paramstyle is positional.
struct InsertManyValues {
  std::string head;                 ///< the SQL before the tuple ("INSERT INTO t (a, b) VALUES ")
  std::string tail;                 ///< the SQL after it (an ON CONFLICT clause, or "")
  std::vector<std::string> pieces;  ///< the tuple's text around its placeholders (one more)
  std::vector<std::size_t> slots;   ///< the bind slot (index into binds) of each placeholder
  /// When the statement's only RETURNING column is its table's autoincrement key and nothing
  /// but RETURNING follows the tuple: the statement without RETURNING (for a driver's
  /// LastrowidExecutemany, dbapi.hpp) and the key's column name; both empty otherwise.
  std::string lastrowid_sql;
  std::string lastrowid_column;
};

/// A statement compiled for one dialect and one paramstyle.
struct Compiled {
  std::string sql;  ///< the text sent to the driver, placeholders in the driver's paramstyle
  /// The parameter name behind each positional value the driver takes, in order: one per
  /// placeholder for qmark and format, one per distinct name (numbered in order of first use)
  /// for numeric, numeric_dollar and named.
  std::vector<std::string> bind_names;
  /// Parallel to bind_names: where each value comes from and its type. Empty for text(), whose
  /// values all come from the Params by name.
  std::vector<BindSlot> binds;
  /// The SQL type of each result column (kNull when unknown), for result processing.
  std::vector<SqlType> result_types;
  ParamStyle paramstyle{ParamStyle::kQmark};
  /// Set for a single-row INSERT that can be repeated as a multi-row one (see above).
  std::shared_ptr<const InsertManyValues> insertmanyvalues;
};

/// `single` (which has insertmanyvalues) for `rows` parameter sets at once (rows >= 1): the
/// VALUES tuple written `rows` times with its placeholders numbered on (qmark: repeated), and
/// the binds repeated likewise, so the values are row 0's in slot order, then row 1's, and so
/// on. Throws ArgumentError when `single` cannot be expanded or rows is 0.
std::shared_ptr<const Compiled> expand_insertmanyvalues(const Compiled& single, std::size_t rows);

/// A statement that can be executed.
class Executable {
 public:
  virtual ~Executable();
  /// Appends the statement's structure to key.key and its own bound values (with their nodes)
  /// to key, given the execution's first parameter set (or null). Returns false when the
  /// statement caches itself instead (text()), in which case key is left unspecified.
  virtual bool gather(CacheKey& key, const Params* params) const;
  /// The statement's CacheKey kept from an earlier execution (gathered now and kept when this
  /// is the first), for a statement whose key does not depend on the parameters (a SELECT);
  /// null for the others, which gather() every time. Same errors as gather().
  virtual std::shared_ptr<const CacheKey> shared_key() const;
  /// Compiles for ctx. Throws NotSupportedError for a construct the dialect cannot render,
  /// ArgumentError for a malformed statement. Thread-safe.
  virtual std::shared_ptr<const Compiled> compile(const CompileContext& ctx) const = 0;
};

/// Compiles stmt for display (SQLAlchemy's str(stmt.compile(dialect=…))): the SQL in the style
/// given, e.g. with options.literal_binds to see the values inline.
std::shared_ptr<const Compiled> compile(const Executable& stmt, const Dialect& dialect,
                                        CompileOptions options = {},
                                        ParamStyle style = ParamStyle::kNamed);

}  // namespace crucible::sql
