#pragma once
// Results of executing a statement (SQLAlchemy's Result, Row, ScalarResult, MappingResult).
//
// A Result streams: rows are read from the driver's cursor as the program asks for them, so a
// large result never has to fit in memory unless all() is called. yield_per(n) sets how many
// rows are read from the cursor at a time. A Result belongs to the Connection that produced it:
// closing the Connection closes the Result, and reading it then throws ResourceClosedError.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/dbapi.hpp"
#include "crucible/value.hpp"

namespace crucible {

namespace detail {
struct CursorHolder;
}

/// The column names and descriptions shared by every Row of one Result.
class ResultMetadata {
 public:
  explicit ResultMetadata(std::vector<ColumnDescription> columns);
  const std::vector<std::string>& keys() const noexcept { return keys_; }
  const std::vector<ColumnDescription>& columns() const noexcept { return columns_; }
  /// The index of the first column called name, or -1.
  std::ptrdiff_t find(std::string_view name) const noexcept;
  /// The index of name; throws ArgumentError naming the columns present when it is absent.
  std::size_t index(std::string_view name) const;

 private:
  std::vector<ColumnDescription> columns_;
  std::vector<std::string> keys_;
};

/// One row: values by position or by column name.
class Row {
 public:
  Row() = default;
  Row(std::shared_ptr<const ResultMetadata> metadata, std::vector<Value> values) noexcept
      : metadata_(std::move(metadata)), values_(std::move(values)) {}

  std::size_t size() const noexcept { return values_.size(); }
  /// Throws ArgumentError when i is out of range.
  const Value& operator[](std::size_t i) const {
    if (i >= values_.size()) out_of_range(i);
    return values_[i];
  }
  /// Throws ArgumentError naming the columns when name is not one.
  const Value& operator[](std::string_view name) const;
  /// The value at i (or of column name) as T; see Value::as for conversions and errors.
  template <class T>
  T get(std::size_t i) const {
    return (*this)[i].template as<T>();
  }
  template <class T>
  T get(std::string_view name) const {
    return (*this)[name].template as<T>();
  }
  const std::vector<std::string>& keys() const noexcept;
  const std::vector<Value>& values() const noexcept { return values_; }
  std::vector<Value>& mutable_values() noexcept { return values_; }
  friend bool operator==(const Row& a, const Row& b) noexcept { return a.values_ == b.values_; }

 private:
  friend class Result;  // next() refills a Row in place, reusing its storage
  [[noreturn]] void out_of_range(std::size_t i) const;
  std::shared_ptr<const ResultMetadata> metadata_;
  std::vector<Value> values_;
};

/// A Row read by column name (SQLAlchemy's RowMapping).
class RowMapping {
 public:
  explicit RowMapping(Row row) noexcept : row_(std::move(row)) {}
  const Value& operator[](std::string_view key) const { return row_[key]; }
  bool contains(std::string_view key) const noexcept;
  template <class T>
  T get(std::string_view key) const {
    return row_.get<T>(key);
  }
  const std::vector<std::string>& keys() const noexcept { return row_.keys(); }
  const std::vector<Value>& values() const noexcept { return row_.values(); }
  std::size_t size() const noexcept { return row_.size(); }
  const Row& row() const noexcept { return row_; }

 private:
  Row row_;
};

class ScalarResult;
class MappingResult;

/// The outcome of Connection::execute. Move-only.
class Result {
 public:
  Result() = default;
  /// Used by Connection: a result reading from holder's cursor (rows or not).
  explicit Result(std::shared_ptr<detail::CursorHolder> holder);
  Result(Result&&) noexcept;
  Result& operator=(Result&&) noexcept;
  ~Result();

  /// Whether the statement returns rows (a SELECT, or DML with RETURNING).
  bool returns_rows() const noexcept;
  /// The column names; empty when the statement returns no rows.
  const std::vector<std::string>& keys() const noexcept;
  /// Rows changed by INSERT/UPDATE/DELETE (the total for executemany), -1 when unknown.
  std::int64_t rowcount() const noexcept { return rowcount_; }
  /// The rowid / generated key of the last inserted row, where the driver knows it.
  std::optional<std::int64_t> lastrowid() const noexcept { return lastrowid_; }

  /// Streams in partitions of n rows (n >= 1; SQLAlchemy's Result.yield_per): partition() then
  /// returns n rows at a time, and a driver with server-side cursors fetches n at a time. Rows
  /// are never read ahead of the program, so memory stays at one partition. Returns *this.
  /// Throws ArgumentError for n == 0.
  Result& yield_per(std::size_t n);
  /// The next yield_per(n) rows (100 when yield_per was not called); empty at the end.
  std::vector<Row> partition();

  /// The next row, or nullopt when none is left. Throws ResourceClosedError when the statement
  /// returns no rows or the result (or its Connection) was closed.
  std::optional<Row> fetchone();
  /// Up to n rows.
  std::vector<Row> fetchmany(std::size_t n);
  /// Reads the next row into row, reusing its storage (its vector, and the string storage of
  /// values it still holds); false when none is left. For loops that move values out of each
  /// row (the ORM's loader). Throws as fetchone() does.
  bool fetch_into(Row& row) { return next(row); }
  /// Every remaining row; the result is then exhausted.
  std::vector<Row> all();
  /// The first row, or nullopt; the result is closed afterwards.
  std::optional<Row> first();
  /// Exactly one row: throws NoResultFound for none, MultipleResultsFound for more.
  Row one();
  /// One row or nullopt: throws MultipleResultsFound for more than one.
  std::optional<Row> one_or_none();
  /// The first column of the first row, or null when there is no row; closes the result.
  Value scalar();
  /// The first column of exactly one row (one()'s errors).
  Value scalar_one();
  /// The first column of at most one row, nullopt when none.
  std::optional<Value> scalar_one_or_none();
  /// The column at index of each row (SQLAlchemy's Result.scalars()). Consumes this result.
  ScalarResult scalars(std::size_t index = 0) &&;
  /// Each row as a RowMapping. Consumes this result.
  MappingResult mappings() &&;
  /// Releases the cursor; later reads throw ResourceClosedError. Idempotent, never throws.
  void close() noexcept;

  /// Input iteration over the remaining rows: `for (const Row& row : result)`.
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Row;
    using difference_type = std::ptrdiff_t;
    using pointer = const Row*;
    using reference = const Row&;
    iterator() = default;
    explicit iterator(Result* result);
    reference operator*() const noexcept { return row_; }
    pointer operator->() const noexcept { return &row_; }
    iterator& operator++();
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& a, const iterator& b) noexcept {
      return a.result_ == b.result_;
    }

   private:
    Result* result_{nullptr};
    Row row_;
  };
  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

 private:
  /// Reads the next row into row; false at the end. The one place rows are pulled.
  bool next(Row& row);
  void require_rows() const;

  std::shared_ptr<detail::CursorHolder> holder_;
  std::shared_ptr<const ResultMetadata> metadata_;
  std::int64_t rowcount_{-1};
  std::optional<std::int64_t> lastrowid_;
  std::size_t batch_{100};
};

/// One column of each row of a Result (SQLAlchemy's ScalarResult).
class ScalarResult {
 public:
  ScalarResult(Result result, std::size_t index) noexcept
      : result_(std::move(result)), index_(index) {}
  std::vector<Value> all();
  std::optional<Value> first();
  Value one();
  std::optional<Value> one_or_none();
  /// Every remaining value converted with Value::as<T>().
  template <class T>
  std::vector<T> all_as() {
    std::vector<T> out;
    for (const Value& v : all()) out.push_back(v.as<T>());
    return out;
  }

 private:
  Result result_;
  std::size_t index_;
};

/// Each row of a Result as a RowMapping (SQLAlchemy's MappingResult).
class MappingResult {
 public:
  explicit MappingResult(Result result) noexcept : result_(std::move(result)) {}
  std::vector<RowMapping> all();
  std::optional<RowMapping> first();
  RowMapping one();
  std::optional<RowMapping> one_or_none();

 private:
  Result result_;
};

}  // namespace crucible
