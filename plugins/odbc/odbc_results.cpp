// Result rows of the "odbc" driver (odbc_results.hpp).
#include "odbc_results.hpp"

#include <algorithm>
#include <cstring>

#include "crucible/errors.hpp"
#include "odbc_errors.hpp"

namespace crucible::odbc {

namespace {

constexpr std::size_t kFirstChunk = 256;

bool is_fixed(std::uint8_t read) noexcept { return read <= 2; }  // kBit, kInt, kDouble

SQLSMALLINT c_type_of_fixed(std::uint8_t read) noexcept {
  return read == 0 ? SQL_C_BIT : read == 1 ? SQL_C_SBIGINT : SQL_C_DOUBLE;
}

// The column's declared type name (SQL_DESC_TYPE_NAME), "" when the driver does not say.
std::string type_name_of(SQLHSTMT stmt, SQLUSMALLINT column) {
  char name[128] = {};
  SQLSMALLINT length = 0;
  if (!SQL_SUCCEEDED(
          SQLColAttribute(stmt, column, SQL_DESC_TYPE_NAME, name, sizeof name, &length, nullptr))) {
    return {};
  }
  return name;
}

}  // namespace

void ResultReader::clear() noexcept {
  description_.clear();
  columns_.clear();
}

void ResultReader::describe(SQLHSTMT stmt, SQLSMALLINT count, bool any_column, NativeCodes codes,
                            std::string_view sql) {
  clear();
  codes_ = codes;
  description_.reserve(static_cast<std::size_t>(count));
  columns_.resize(static_cast<std::size_t>(count));
  bool variable_seen = false;
  for (SQLSMALLINT i = 0; i < count; ++i) {
    const auto number = static_cast<SQLUSMALLINT>(i + 1);
    char name[256] = {};
    SQLSMALLINT name_length = 0;
    SQLSMALLINT type = 0;
    SQLULEN size = 0;
    SQLSMALLINT digits = 0;
    SQLSMALLINT nullable = SQL_NULLABLE_UNKNOWN;
    check(SQLDescribeCol(stmt, number, reinterpret_cast<SQLCHAR*>(name), sizeof name, &name_length,
                         &type, &size, &digits, &nullable),
          SQL_HANDLE_STMT, stmt, sql);
    ColumnDescription column{name, type_name_of(stmt, number), std::nullopt, std::nullopt,
                             std::nullopt};
    if (nullable == SQL_NULLABLE) column.nullable = true;
    if (nullable == SQL_NO_NULLS) column.nullable = false;
    Column& plan = columns_[static_cast<std::size_t>(i)];
    switch (type) {
    case SQL_BIT: plan.read = Read::kBit; break;
    case SQL_TINYINT:
    case SQL_SMALLINT:
    case SQL_INTEGER:
    case SQL_BIGINT: plan.read = Read::kInt; break;
    case SQL_REAL:
    case SQL_FLOAT:
    case SQL_DOUBLE: plan.read = Read::kDouble; break;
    case SQL_DECIMAL:
    case SQL_NUMERIC:
      plan.read = Read::kDecimal;
      column.precision = static_cast<std::int32_t>(size);
      column.scale = digits;
      break;
    case SQL_TYPE_DATE:
    case SQL_DATE: plan.read = Read::kDate; break;
    case SQL_TYPE_TIME:
    case SQL_TIME: plan.read = Read::kTime; break;
    case SQL_TYPE_TIMESTAMP:
    case SQL_TIMESTAMP: plan.read = Read::kTimestamp; break;
    case SQL_GUID: plan.read = Read::kUuid; break;
    case SQL_BINARY:
    case SQL_VARBINARY:
    case SQL_LONGVARBINARY: plan.read = Read::kBinary; break;
    default: plan.read = Read::kText; break;
    }
    const auto read = static_cast<std::uint8_t>(plan.read);
    if (is_fixed(read) && (any_column || !variable_seen)) {
      check(SQLBindCol(stmt, number, c_type_of_fixed(read), &plan.buffer, sizeof plan.buffer,
                       &plan.indicator),
            SQL_HANDLE_STMT, stmt, sql);
      plan.bound = true;
    } else if (!is_fixed(read)) {
      variable_seen = true;
    }
    description_.push_back(std::move(column));
  }
}

bool ResultReader::fetch(SQLHSTMT stmt, std::vector<Value>& row, std::string_view sql) {
  const SQLRETURN rc = SQLFetch(stmt);
  if (rc == SQL_NO_DATA) return false;
  check(rc, SQL_HANDLE_STMT, stmt, sql, nullptr, codes_);
  row.resize(columns_.size());
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (is_fixed(static_cast<std::uint8_t>(columns_[i].read))) {
      read_fixed(stmt, i, row[i], sql);
    } else {
      read_variable(stmt, i, row[i], sql);
    }
  }
  return true;
}

void ResultReader::read_fixed(SQLHSTMT stmt, std::size_t index, Value& out, std::string_view sql) {
  Column& column = columns_[index];
  if (!column.bound) {
    const auto read = static_cast<std::uint8_t>(column.read);
    check(SQLGetData(stmt, static_cast<SQLUSMALLINT>(index + 1), c_type_of_fixed(read),
                     &column.buffer, sizeof column.buffer, &column.indicator),
          SQL_HANDLE_STMT, stmt, sql);
  }
  if (column.indicator == SQL_NULL_DATA) {
    out = Value();
    return;
  }
  switch (column.read) {
  case Read::kBit: out = Value(column.buffer.bit != 0); break;
  case Read::kInt: out = Value(column.buffer.integer); break;
  default: out = Value(column.buffer.real); break;
  }
}

void ResultReader::read_variable(SQLHSTMT stmt, std::size_t index, Value& out,
                                 std::string_view sql) {
  const Column& column = columns_[index];
  const bool binary = column.read == Read::kBinary;
  const SQLSMALLINT c_type = binary ? SQL_C_BINARY : SQL_C_CHAR;
  const std::size_t terminator = binary ? 0 : 1;
  if (text_.size() < kFirstChunk) text_.resize(kFirstChunk);
  std::size_t got = 0;
  for (;;) {
    SQLLEN indicator = 0;
    const std::size_t room = text_.size() - got;
    const SQLRETURN rc = SQLGetData(stmt, static_cast<SQLUSMALLINT>(index + 1), c_type,
                                    text_.data() + got, static_cast<SQLLEN>(room), &indicator);
    if (rc == SQL_NO_DATA) break;  // every chunk read
    check(rc, SQL_HANDLE_STMT, stmt, sql, nullptr, codes_);
    if (indicator == SQL_NULL_DATA) {
      out = Value();
      return;
    }
    // A length the driver knows (SQL_NO_TOTAL, or a negative length of a faulty driver, not).
    const bool known = indicator >= 0;
    const std::size_t length = known ? static_cast<std::size_t>(indicator) : 0;
    // The most this call can have written (less the terminator of text).
    const std::size_t chunk = room - terminator;
    if (rc == SQL_SUCCESS || (known && length + terminator <= room)) {
      // All of it is in (a warning other than 01004 truncation may come with it). Never count
      // more than the buffer holds, whatever the driver says.
      if (known) {
        got += std::min(length, chunk);
      } else {
        got += binary ? chunk : ::strnlen(text_.data() + got, chunk);
      }
      break;
    }
    // SQL_SUCCESS_WITH_INFO: 01004, the buffer is full (less the terminator of text). The rest
    // is indicator - chunk, 0 when a driver reports less than it wrote.
    got += chunk;
    const std::size_t rest = length > chunk ? length - chunk : 0;
    const std::size_t want = known ? got + rest + terminator : text_.size() * 2;
    text_.resize(std::max(want, got + terminator + 1));
  }
  const std::string_view data(text_.data(), got);
  switch (column.read) {
  case Read::kBinary: {
    Bytes bytes(got);
    if (got > 0) std::memcpy(bytes.data(), data.data(), got);
    out = Value(std::move(bytes));
    return;
  }
  case Read::kDecimal:
    try {
      out = Value(Decimal::parse(data));
      return;
    } catch (const ArgumentError&) {
      break;  // 'NaN', 'Infinity': the text
    }
  case Read::kDate:
    try {
      out = Value(Date::parse(data));
      return;
    } catch (const ArgumentError&) {
      break;
    }
  case Read::kTime:
    try {
      out = Value(Time::parse(data));
      return;
    } catch (const ArgumentError&) {
      break;
    }
  case Read::kTimestamp:
    try {
      out = Value(DateTime::parse(data));
      return;
    } catch (const ArgumentError&) {
      break;
    }
  case Read::kUuid:
    try {
      out = Value(Uuid::parse(data));
      return;
    } catch (const ArgumentError&) {
      break;
    }
  default: break;
  }
  out.assign_string(data);
}

}  // namespace crucible::odbc
