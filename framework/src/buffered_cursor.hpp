#pragma once
// BufferedCursor: a Cursor over rows already read, for a Result that stands for several driver
// calls (the pages of an insertmanyvalues executemany with RETURNING). Private to libcrucible.
#include <cstdint>
#include <optional>
#include <vector>

#include "crucible/dbapi.hpp"

namespace crucible::detail {

/// Hands out rows read earlier, in order, as a driver's cursor would. The rows are kept in one
/// flat vector (row-major, description.size() values each: no allocation per row) and moved
/// into the caller's row as it is fetched. Never throws except InterfaceError once
/// closed, as a driver's cursor does. Not thread-safe (as any Cursor).
class BufferedCursor final : public Cursor {
 public:
  /// values: the rows one after another, description.size() values each; rowcount and
  /// lastrowid: what rowcount() and lastrowid() report (for several driver calls, their total
  /// and the last call's).
  BufferedCursor(std::vector<ColumnDescription> description, std::vector<Value> values,
                 std::int64_t rowcount, std::optional<std::int64_t> lastrowid) noexcept;

  /// Not supported: the statements ran already. Throws InterfaceError.
  void execute(std::string_view sql, std::span<const Value> params) override;
  /// Not supported: the statements ran already. Throws InterfaceError.
  void executemany(std::string_view sql, const ParamSets& param_sets) override;
  bool fetch_into(std::vector<Value>& row) override;
  const std::vector<ColumnDescription>& description() const override { return description_; }
  std::int64_t rowcount() const override { return rowcount_; }
  std::optional<std::int64_t> lastrowid() const override { return lastrowid_; }
  /// Frees the rows not read yet.
  void close() noexcept override;

 private:
  std::vector<ColumnDescription> description_;
  std::vector<Value> values_;
  std::size_t next_{0};  ///< the index in values_ of the next row's first value
  std::int64_t rowcount_;
  std::optional<std::int64_t> lastrowid_;
  bool closed_{false};
};

}  // namespace crucible::detail
