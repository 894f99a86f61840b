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
                               std::vector<std::vector<Value>> rows, std::int64_t rowcount,
                               std::optional<std::int64_t> lastrowid) noexcept
    : description_(std::move(description)), rows_(std::move(rows)), rowcount_(rowcount),
      lastrowid_(lastrowid) {}

void BufferedCursor::execute(std::string_view, std::span<const Value>) { refuse("execute"); }

void BufferedCursor::executemany(std::string_view, const ParamSets&) { refuse("executemany"); }

bool BufferedCursor::fetch_into(std::vector<Value>& row) {
  if (closed_) refuse("fetch after close()");
  if (next_ >= rows_.size()) return false;
  row.swap(rows_[next_]);
  rows_[next_++] = {};  // the caller's old storage goes now, not at the end
  return true;
}

void BufferedCursor::close() noexcept {
  closed_ = true;
  rows_ = {};
  next_ = 0;
}

}  // namespace crucible::detail
