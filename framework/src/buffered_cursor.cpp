// BufferedCursor (buffered_cursor.hpp): rows read earlier, handed out as a cursor's.
#include "buffered_cursor.hpp"

#include <utility>

#include "crucible/errors.hpp"

namespace crucible::detail {

namespace {
[[noreturn]] void refuse(const char* what) {
  throw InterfaceError(ErrorInfo{.driver_message = std::string("a buffered result cannot ") + what +
                                                   ": its statements ran already"});
}
}  // namespace

BufferedCursor::BufferedCursor(std::vector<ColumnDescription> description,
                               std::vector<Value> values, std::int64_t rowcount,
                               std::optional<std::int64_t> lastrowid) noexcept
    : description_(std::move(description)), values_(std::move(values)), rowcount_(rowcount),
      lastrowid_(lastrowid) {}

void BufferedCursor::execute(std::string_view, std::span<const Value>) { refuse("execute"); }

void BufferedCursor::executemany(std::string_view, const ParamSets&) { refuse("executemany"); }

bool BufferedCursor::fetch_into(std::vector<Value>& row) {
  if (closed_) refuse("fetch after close()");
  const std::size_t width = description_.size();
  if (width == 0 || next_ + width > values_.size()) return false;
  row.resize(width);
  for (std::size_t i = 0; i < width; ++i) row[i] = std::move(values_[next_ + i]);
  next_ += width;
  return true;
}

void BufferedCursor::close() noexcept {
  closed_ = true;
  values_ = {};
  next_ = 0;
}

}  // namespace crucible::detail
