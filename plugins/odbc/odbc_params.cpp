// Parameters of the "odbc" driver (odbc_params.hpp).
#include "odbc_params.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <variant>

#include "crucible/errors.hpp"
#include "odbc_errors.hpp"

namespace crucible::odbc {

namespace {

// Beyond these sizes a parameter is long data (SQL_LONGVARCHAR / SQL_LONGVARBINARY): SQL Server's
// and MariaDB's limits of VARCHAR/VARBINARY parameters, which other drivers accept as well.
constexpr std::size_t kMaxVarchar = 4000;
constexpr std::size_t kMaxVarbinary = 8000;

// The text a textual kind is sent as (string, json, time, offset datetime, decimal, uuid).
std::string_view text_of(const Value& value, std::string& scratch) {
  const auto& v = value.storage();
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* j = std::get_if<Json>(&v)) return j->text;
  if (const auto* d = std::get_if<Decimal>(&v)) return d->text;
  if (const auto* t = std::get_if<Time>(&v)) return scratch = t->to_string();
  if (const auto* d = std::get_if<Date>(&v)) return scratch = d->to_string();
  if (const auto* dt = std::get_if<DateTime>(&v)) return scratch = dt->to_string();
  if (const auto* u = std::get_if<Uuid>(&v)) return scratch = u->to_string();
  return {};
}

// Precision (digits) and scale (digits after the point) of a decimal literal.
std::pair<SQLULEN, SQLSMALLINT> decimal_shape(std::string_view text) {
  SQLULEN digits = 0;
  SQLSMALLINT scale = 0;
  bool after_point = false;
  for (const char c : text) {
    if (c == 'e' || c == 'E') break;
    if (c == '.') after_point = true;
    if (c >= '0' && c <= '9') {
      ++digits;
      if (after_point) ++scale;
    }
  }
  return {std::max<SQLULEN>(digits, 1), scale};
}

// The bytes value takes in an array element of its column (text and bytes: their length, the
// terminator aside; other kinds: at most this much).
std::size_t element_bytes(const Value& value) {
  const auto& v = value.storage();
  if (const auto* s = std::get_if<std::string>(&v)) return s->size();
  if (const auto* b = std::get_if<Bytes>(&v)) return b->size();
  if (const auto* j = std::get_if<Json>(&v)) return j->text.size();
  if (const auto* d = std::get_if<Decimal>(&v)) return d->text.size();
  return 40;  // a number, a temporal's or a uuid's ISO text
}

}  // namespace

std::size_t ParamBuffers::batch_rows(const ParamSets& sets, std::size_t first, std::size_t max_rows,
                                     std::size_t width, std::size_t max_bytes) {
  std::vector<std::size_t> longest(width, 0);
  std::size_t rows = 0;
  while (rows < max_rows && first + rows < sets.size()) {
    // Each column's element is as wide as its longest value (+ terminator), with an indicator.
    const auto& set = sets[first + rows];
    const auto widened = [&](std::size_t c) {
      const Value& value = *set[c];
      return value.is_null() ? longest[c] : std::max(longest[c], element_bytes(value));
    };
    std::size_t row_bytes = 0;
    for (std::size_t c = 0; c < width; ++c) row_bytes += widened(c) + 1 + sizeof(SQLLEN);
    if (rows > 0 && row_bytes > max_bytes / (rows + 1)) break;  // (rows + 1) * row_bytes
    for (std::size_t c = 0; c < width; ++c) longest[c] = widened(c);
    ++rows;
  }
  return std::max<std::size_t>(rows, 1);
}

void ParamBuffers::bind(SQLHSTMT stmt, std::span<const Value> values, const Describe& describe,
                        std::string_view sql) {
  const Value* data = values.data();
  bind_cells(
      stmt, [data](std::size_t, std::size_t column) -> const Value& { return data[column]; }, 1,
      values.size(), describe, sql);
}

bool ParamBuffers::bind(SQLHSTMT stmt, const ParamSets& sets, std::size_t first, std::size_t count,
                        std::size_t width, const Describe& describe, std::string_view sql) {
  return bind_cells(
      stmt,
      [&sets, first](std::size_t row, std::size_t column) -> const Value& {
        return *sets[first + row][column];
      },
      count, width, describe, sql);
}

bool ParamBuffers::bind_cells(SQLHSTMT stmt, const Cell& cell, std::size_t rows, std::size_t width,
                              const Describe& describe, std::string_view sql) {
  columns_.resize(width);
  std::string scratch;
  // Plan every column first: nothing is bound when one of them mixes kinds.
  for (std::size_t c = 0; c < width; ++c) {
    Column& column = columns_[c];
    std::optional<ValueKind> kind;
    bool offset_datetime = false;
    std::size_t longest = 0;
    SQLULEN precision = 1;
    SQLSMALLINT scale = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      const Value& value = cell(r, c);
      if (value.is_null()) continue;
      if (kind && *kind != value.kind()) return false;
      kind = value.kind();
      if (const auto* dt = std::get_if<DateTime>(&value.storage())) {
        offset_datetime = offset_datetime || dt->utc_offset_seconds.has_value();
      }
      if (const auto* b = std::get_if<Bytes>(&value.storage())) {
        longest = std::max(longest, b->size());
      } else if (value.kind() != ValueKind::kBool && value.kind() != ValueKind::kInt &&
                 value.kind() != ValueKind::kDouble) {
        const std::string_view text = text_of(value, scratch);
        longest = std::max(longest, text.size());
        if (*kind == ValueKind::kDecimal) {
          const auto [p, s] = decimal_shape(text);
          const SQLULEN integer_digits = std::max<SQLULEN>(precision - static_cast<SQLULEN>(scale),
                                                           p - static_cast<SQLULEN>(s));
          scale = std::max(scale, s);
          precision = integer_digits + static_cast<SQLULEN>(scale);
        }
      }
    }
    column.decimal_digits = 0;
    const auto text_column = [&](SQLSMALLINT sql_type) {
      column.c_type = SQL_C_CHAR;
      column.sql_type = sql_type;
      column.width = static_cast<SQLLEN>(longest + 1);
      column.column_size = std::max<SQLULEN>(longest, 1);
    };
    switch (kind.value_or(ValueKind::kNull)) {
    case ValueKind::kNull: text_column(describe(c)); break;
    case ValueKind::kBool:
      column = {SQL_C_BIT, SQL_BIT, 1, 0, 1, std::move(column.data), std::move(column.indicator)};
      break;
    case ValueKind::kInt:
      column = {
          SQL_C_SBIGINT, SQL_BIGINT, 19, 0, 8, std::move(column.data), std::move(column.indicator)};
      break;
    case ValueKind::kDouble:
      column = {
          SQL_C_DOUBLE, SQL_DOUBLE, 15, 0, 8, std::move(column.data), std::move(column.indicator)};
      break;
    case ValueKind::kString:
      text_column(longest > kMaxVarchar ? SQL_LONGVARCHAR : SQL_VARCHAR);
      break;
    case ValueKind::kJson: text_column(SQL_LONGVARCHAR); break;
    case ValueKind::kBytes:
      column.c_type = SQL_C_BINARY;
      column.sql_type = longest > kMaxVarbinary ? SQL_LONGVARBINARY : SQL_VARBINARY;
      column.width = static_cast<SQLLEN>(std::max<std::size_t>(longest, 1));
      column.column_size = std::max<SQLULEN>(longest, 1);
      break;
    case ValueKind::kDate:
      text_column(SQL_TYPE_DATE);
      column.column_size = 10;
      break;
    case ValueKind::kTime:
      text_column(time_type_);
      if (time_type_ == SQL_TYPE_TIME) {
        column.column_size = 15;
        column.decimal_digits = 6;
      }
      break;
    case ValueKind::kDateTime:
      text_column(offset_datetime ? SQL_VARCHAR : SQL_TYPE_TIMESTAMP);
      if (!offset_datetime) {
        column.column_size = 26;
        column.decimal_digits = 6;
      }
      break;
    case ValueKind::kDecimal:
      text_column(SQL_DECIMAL);
      column.column_size = precision;
      column.decimal_digits = scale;
      break;
    case ValueKind::kUuid:
      text_column(SQL_GUID);
      column.column_size = 36;
      break;
    }
    column.data.resize(rows * static_cast<std::size_t>(column.width));
    column.indicator.resize(rows);
  }

  // Fill the arrays.
  for (std::size_t c = 0; c < width; ++c) {
    Column& column = columns_[c];
    for (std::size_t r = 0; r < rows; ++r) {
      const Value& value = cell(r, c);
      std::byte* at = column.data.data() + r * static_cast<std::size_t>(column.width);
      SQLLEN& indicator = column.indicator[r];
      if (value.is_null()) {
        indicator = SQL_NULL_DATA;
        continue;
      }
      switch (column.c_type) {
      case SQL_C_BIT: {
        const auto bit = static_cast<unsigned char>(std::get<bool>(value.storage()) ? 1 : 0);
        std::memcpy(at, &bit, 1);
        indicator = 1;
        break;
      }
      case SQL_C_SBIGINT:
      case SQL_C_DOUBLE:
        std::visit(
            [&](const auto& v) {
              using V = std::decay_t<decltype(v)>;
              if constexpr (std::is_same_v<V, std::int64_t> || std::is_same_v<V, double>) {
                std::memcpy(at, &v, sizeof v);
              }
            },
            value.storage());
        indicator = 8;
        break;
      case SQL_C_BINARY: {
        const Bytes& b = std::get<Bytes>(value.storage());
        if (!b.empty()) std::memcpy(at, b.data(), b.size());
        indicator = static_cast<SQLLEN>(b.size());
        break;
      }
      default: {  // SQL_C_CHAR
        const std::string_view text = text_of(value, scratch);
        std::memcpy(at, text.data(), text.size());
        at[text.size()] = std::byte{0};
        indicator = static_cast<SQLLEN>(text.size());
        break;
      }
      }
    }
  }

  // Bind.
  if (rows > 1 || array_bound_) {
    // A statement handle keeps these attributes: set them for an array, reset them after one.
    const bool array = rows > 1;
    status_.assign(array ? rows : 0, SQL_PARAM_UNUSED);
    processed_ = 0;
    check(SQLSetStmtAttr(stmt, SQL_ATTR_PARAM_BIND_TYPE,
                         reinterpret_cast<SQLPOINTER>(SQL_PARAM_BIND_BY_COLUMN), 0),
          SQL_HANDLE_STMT, stmt, sql);
    check(SQLSetStmtAttr(stmt, SQL_ATTR_PARAMSET_SIZE, reinterpret_cast<SQLPOINTER>(rows), 0),
          SQL_HANDLE_STMT, stmt, sql);
    check(SQLSetStmtAttr(stmt, SQL_ATTR_PARAM_STATUS_PTR, array ? status_.data() : nullptr, 0),
          SQL_HANDLE_STMT, stmt, sql);
    check(SQLSetStmtAttr(stmt, SQL_ATTR_PARAMS_PROCESSED_PTR, array ? &processed_ : nullptr, 0),
          SQL_HANDLE_STMT, stmt, sql);
    array_bound_ = array;
  }
  for (std::size_t c = 0; c < width; ++c) {
    Column& column = columns_[c];
    const SQLRETURN rc =
        SQLBindParameter(stmt, static_cast<SQLUSMALLINT>(c + 1), SQL_PARAM_INPUT, column.c_type,
                         column.sql_type, column.column_size, column.decimal_digits,
                         column.data.data(), column.width, column.indicator.data());
    check(rc, SQL_HANDLE_STMT, stmt, sql);
  }
  return true;
}

}  // namespace crucible::odbc
