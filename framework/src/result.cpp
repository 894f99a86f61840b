// Result, Row, ScalarResult, MappingResult (result.hpp). A Result reads its cursor row by row
// as asked; nothing is buffered behind the program's back.
#include "crucible/result.hpp"

#include "crucible/dialect.hpp"
#include "crucible/errors.hpp"
#include "engine_state.hpp"
#include "prepared.hpp"

namespace crucible {

namespace {
const std::vector<std::string> kNoKeys;
}

// ---- ResultMetadata / Row ---------------------------------------------------------------------

ResultMetadata::ResultMetadata(std::vector<ColumnDescription> columns)
    : columns_(std::move(columns)) {
  keys_.reserve(columns_.size());
  for (const auto& c : columns_) keys_.push_back(c.name);
}

std::ptrdiff_t ResultMetadata::find(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < keys_.size(); ++i)
    if (keys_[i] == name) return static_cast<std::ptrdiff_t>(i);
  return -1;
}

std::size_t ResultMetadata::index(std::string_view name) const {
  const std::ptrdiff_t i = find(name);
  if (i >= 0) return static_cast<std::size_t>(i);
  std::string present;
  for (const auto& k : keys_) present += (present.empty() ? "" : ", ") + k;
  throw ArgumentError("the row has no column '" + std::string(name) +
                      "'; its columns are: " + present);
}

void Row::out_of_range(std::size_t i) const {
  throw ArgumentError("column index " + std::to_string(i) + " is out of range for a row of " +
                      std::to_string(values_.size()) + " columns");
}

const Value& Row::operator[](std::string_view name) const {
  if (!metadata_) throw ArgumentError("this row has no column names");
  return values_[metadata_->index(name)];
}

const std::vector<std::string>& Row::keys() const noexcept {
  return metadata_ ? metadata_->keys() : kNoKeys;
}

bool RowMapping::contains(std::string_view key) const noexcept {
  for (const auto& k : row_.keys())
    if (k == key) return true;
  return false;
}

// ---- Result -----------------------------------------------------------------------------------

Result::Result(std::shared_ptr<detail::CursorHolder> holder) : holder_(std::move(holder)) {
  Cursor& cursor = *holder_->cursor;
  rowcount_ = holder_->rowcount ? *holder_->rowcount : cursor.rowcount();
  lastrowid_ = cursor.lastrowid();
  if (holder_->metadata) {
    metadata_ = holder_->metadata;
  } else if (!cursor.description().empty()) {
    metadata_ = std::make_shared<const ResultMetadata>(cursor.description());
  } else {
    holder_->close("the statement returns no rows");  // nothing to read: free the statement now
  }
}

Result::Result(Result&&) noexcept = default;
Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    close();
    holder_ = std::move(other.holder_);
    metadata_ = std::move(other.metadata_);
    rowcount_ = other.rowcount_;
    lastrowid_ = other.lastrowid_;
    batch_ = other.batch_;
  }
  return *this;
}
Result::~Result() { close(); }

bool Result::returns_rows() const noexcept { return metadata_ != nullptr; }

const std::vector<std::string>& Result::keys() const noexcept {
  return metadata_ ? metadata_->keys() : kNoKeys;
}

Result& Result::yield_per(std::size_t n) {
  if (n == 0) throw ArgumentError("yield_per wants a partition size of at least 1, got 0");
  batch_ = n;
  return *this;
}

void Result::require_rows() const {
  if (!metadata_)
    throw ResourceClosedError(
        "This result object does not return rows. It has been closed automatically.");
}

bool Result::next(Row& row) {
  require_rows();
  if (!holder_) return false;  // moved from
  if (!holder_->cursor) {
    if (holder_->closed_reason == nullptr) return false;  // exhausted: soft-closed
    throw ResourceClosedError(std::string("This result object is closed: ") +
                              holder_->closed_reason);
  }
  // The row is refilled in place: a Row the loop keeps reading into (the iterator's) reuses its
  // vector and its values' storage; one moved out by the program simply gets new storage.
  std::vector<Value>& values = row.values_;
  if (!holder_->cursor->fetch_into(values)) {
    holder_->close(nullptr);
    holder_->closed_reason = nullptr;  // exhausted: further reads just find nothing
    row = Row();
    return false;
  }
  if (const auto& processing = holder_->processing) detail::apply_processing(*processing, values);
  if (row.metadata_ != metadata_) row.metadata_ = metadata_;
  return true;
}

std::optional<Row> Result::fetchone() {
  Row row;
  if (!next(row)) return std::nullopt;
  return row;
}

std::vector<Row> Result::fetchmany(std::size_t n) {
  std::vector<Row> rows;
  Row row;
  while (rows.size() < n && next(row)) rows.push_back(std::move(row));
  return rows;
}

std::vector<Row> Result::partition() { return fetchmany(batch_); }

std::vector<Row> Result::all() {
  std::vector<Row> rows;
  Row row;
  while (next(row)) rows.push_back(std::move(row));
  return rows;
}

std::optional<Row> Result::first() {
  std::optional<Row> row = fetchone();
  close();
  return row;
}

std::optional<Row> Result::one_or_none() {
  std::optional<Row> row = fetchone();
  if (row) {
    Row extra;
    if (next(extra)) {
      close();
      throw MultipleResultsFound("Multiple rows were found when one or none was required");
    }
  }
  close();
  return row;
}

Row Result::one() {
  std::optional<Row> row = one_or_none();
  if (!row) throw NoResultFound("No row was found when one was required");
  return std::move(*row);
}

Value Result::scalar() {
  std::optional<Row> row = first();
  return row ? (*row)[0] : Value();
}

Value Result::scalar_one() { return one()[0]; }

std::optional<Value> Result::scalar_one_or_none() {
  std::optional<Row> row = one_or_none();
  if (!row) return std::nullopt;
  return (*row)[0];
}

ScalarResult Result::scalars(std::size_t index) && {
  require_rows();
  if (index >= metadata_->keys().size())
    throw ArgumentError("scalars(" + std::to_string(index) + "): the result has only " +
                        std::to_string(metadata_->keys().size()) + " columns");
  return ScalarResult(std::move(*this), index);
}

MappingResult Result::mappings() && {
  require_rows();
  return MappingResult(std::move(*this));
}

void Result::close() noexcept {
  if (!holder_) return;
  if (holder_->cursor)
    holder_->close("this result was closed");
  else if (holder_->closed_reason == nullptr)
    holder_->closed_reason = "this result was closed";
}

Result::iterator::iterator(Result* result) : result_(result) { ++*this; }

Result::iterator& Result::iterator::operator++() {
  if (result_ != nullptr && !result_->next(row_)) result_ = nullptr;
  return *this;
}

// ---- ScalarResult / MappingResult -------------------------------------------------------------

std::vector<Value> ScalarResult::all() {
  std::vector<Value> out;
  for (Row& row : result_.all()) out.push_back(std::move(row.mutable_values()[index_]));
  return out;
}

std::optional<Value> ScalarResult::first() {
  std::optional<Row> row = result_.first();
  if (!row) return std::nullopt;
  return std::move(row->mutable_values()[index_]);
}

Value ScalarResult::one() { return std::move(result_.one().mutable_values()[index_]); }

std::optional<Value> ScalarResult::one_or_none() {
  std::optional<Row> row = result_.one_or_none();
  if (!row) return std::nullopt;
  return std::move(row->mutable_values()[index_]);
}

std::vector<RowMapping> MappingResult::all() {
  std::vector<RowMapping> out;
  for (Row& row : result_.all()) out.emplace_back(std::move(row));
  return out;
}

std::optional<RowMapping> MappingResult::first() {
  std::optional<Row> row = result_.first();
  if (!row) return std::nullopt;
  return RowMapping(std::move(*row));
}

RowMapping MappingResult::one() { return RowMapping(result_.one()); }

std::optional<RowMapping> MappingResult::one_or_none() {
  std::optional<Row> row = result_.one_or_none();
  if (!row) return std::nullopt;
  return RowMapping(std::move(*row));
}

}  // namespace crucible
