// Binding Values and reading columns (sqlite3_values.hpp).
#include "crucible/sdk/sqlite3/sqlite3_values.hpp"

#include <sqlite3.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <type_traits>
#include <variant>

#include "crucible/errors.hpp"
#include "crucible/sdk/sqlite3/sqlite3_errors.hpp"

namespace crucible::sqlite {

namespace {

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Reads a non-negative decimal integer at pos (after spaces); nullopt when there is none.
// The largest precision or scale a declared type is taken to have (see parse_declared_type).
constexpr std::int32_t kMaxDeclaredDigits = 1000;

std::optional<std::int32_t> read_int(std::string_view text, std::size_t& pos) noexcept {
  while (pos < text.size() && is_space(text[pos])) ++pos;
  std::int32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), value);
  if (ec != std::errc{}) return std::nullopt;
  pos = static_cast<std::size_t>(end - text.data());
  while (pos < text.size() && is_space(text[pos])) ++pos;
  return value;
}

// Shortest text that reads back as the same double ("0.1", "1e+20"); valid JSON and a valid
// decimal literal for every finite value.
std::string shortest_text(double value) {
  std::array<char, 64> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return ec == std::errc{} ? std::string(buffer.data(), end) : std::to_string(value);
}

// value with exactly scale digits after the point, as SQLAlchemy's SQLite Numeric result
// processor formats a REAL ("%.*f"); the shortest text when that does not fit.
std::string fixed_text(double value, std::int32_t scale) {
  std::array<char, 512> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                       std::chars_format::fixed, scale);
  return ec == std::errc{} ? std::string(buffer.data(), end) : shortest_text(value);
}

void convert_integer(std::int64_t number, const DeclaredType& type, Value& out) {
  switch (type.kind) {
  case DeclaredKind::kBool:
    if (number == 0 || number == 1) {
      out = Value(number == 1);
      return;
    }
    break;
  case DeclaredKind::kDecimal: {
    // NUMERIC affinity stores "10.00" as INTEGER 10; give the declared scale back.
    std::string text = std::to_string(number);
    if (type.scale && *type.scale > 0) {
      text += "." + std::string(static_cast<std::size_t>(*type.scale), '0');
    }
    out = Value(Decimal{std::move(text)});
    return;
  }
  case DeclaredKind::kJson:  // NUMERIC affinity stores the document "42" as INTEGER 42
    out = Value(Json{std::to_string(number)});
    return;
  default: break;
  }
  out = Value(number);
}

void convert_float(double number, const DeclaredType& type, Value& out) {
  if (std::isfinite(number)) {
    if (type.kind == DeclaredKind::kDecimal) {
      out = Value(Decimal{type.scale ? fixed_text(number, *type.scale) : shortest_text(number)});
      return;
    }
    if (type.kind == DeclaredKind::kJson) {
      out = Value(Json{shortest_text(number)});
      return;
    }
  }
  out = Value(number);
}

void convert_text(std::string_view text, const DeclaredType& type, Value& out) {
  try {
    switch (type.kind) {
    case DeclaredKind::kDate: out = Value(Date::parse(text)); return;
    case DeclaredKind::kDateTime: out = Value(DateTime::parse(text)); return;
    case DeclaredKind::kTime: out = Value(Time::parse(text)); return;
    case DeclaredKind::kDecimal: out = Value(Decimal::parse(text)); return;
    case DeclaredKind::kUuid: out = Value(Uuid::parse(text)); return;
    case DeclaredKind::kJson: out = Value(Json{std::string(text)}); return;
    case DeclaredKind::kBool:
    case DeclaredKind::kNone: break;
    }
  } catch (const Error&) {
    // Not a value of the declared type: keep the text as stored.
  }
  out.assign_string(text);
}

[[noreturn]] void throw_nan(int index, std::string_view sql) {
  throw DataError(ErrorInfo{"", 0,
                            "cannot bind NaN to parameter " + std::to_string(index) +
                                ": SQLite would store it as NULL and lose it; bind null or a "
                                "number instead",
                            std::string(sql)});
}

}  // namespace

DeclaredType parse_declared_type(const char* declared) noexcept {
  DeclaredType type;
  if (declared == nullptr) return type;
  const std::string_view text(declared);
  std::size_t pos = 0;
  while (pos < text.size() && is_space(text[pos])) ++pos;
  std::string word;
  while (pos < text.size() && !is_space(text[pos]) && text[pos] != '(') {
    word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(text[pos]))));
    ++pos;
  }
  if (word == "BOOLEAN" || word == "BOOL") {
    type.kind = DeclaredKind::kBool;
  } else if (word == "DATE") {
    type.kind = DeclaredKind::kDate;
  } else if (word == "DATETIME" || word == "TIMESTAMP") {
    type.kind = DeclaredKind::kDateTime;
  } else if (word == "TIME") {
    type.kind = DeclaredKind::kTime;
  } else if (word == "DECIMAL" || word == "NUMERIC") {
    type.kind = DeclaredKind::kDecimal;
  } else if (word == "UUID") {
    type.kind = DeclaredKind::kUuid;
  } else if (word == "JSON") {
    type.kind = DeclaredKind::kJson;
  }
  // "(p)" or "(p, s)" after the name, possibly after further words ("DOUBLE PRECISION(8)").
  // SQLite keeps whatever numbers a declaration holds; one outside 0 … 1000 (PostgreSQL's
  // largest NUMERIC scale) is no precision or scale, since results are formatted with that many
  // digits (DECIMAL(10, 2000000000) would read 10 as two billion zeros).
  const auto sane = [](const std::optional<std::int32_t>& n) {
    return n && *n >= 0 && *n <= kMaxDeclaredDigits;
  };
  pos = text.find('(', pos);
  if (pos != std::string_view::npos) {
    ++pos;
    const auto precision = read_int(text, pos);
    if (precision && pos < text.size() && (text[pos] == ')' || text[pos] == ',')) {
      if (sane(precision)) type.precision = precision;
      if (text[pos] == ',') {
        ++pos;
        const auto scale = read_int(text, pos);
        if (sane(scale) && pos < text.size() && text[pos] == ')') type.scale = scale;
      }
    }
  }
  return type;
}

void bind_value(sqlite3_stmt* statement, int index, const Value& value, std::string_view sql,
                bool copy) {
  const auto lifetime = copy ? SQLITE_TRANSIENT : SQLITE_STATIC;
  // Text made here (a date's ISO form) is a temporary: SQLite must always copy it.
  const auto bind_temporary = [&](const std::string& text) {
    return sqlite3_bind_text64(statement, index, text.data(), text.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
  };
  const auto bind_text = [&](std::string_view text) {
    return sqlite3_bind_text64(statement, index, text.data(), text.size(), lifetime, SQLITE_UTF8);
  };
  const int rc = std::visit(
      [&](const auto& v) -> int {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return sqlite3_bind_null(statement, index);
        } else if constexpr (std::is_same_v<T, bool>) {
          return sqlite3_bind_int64(statement, index, v ? 1 : 0);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return sqlite3_bind_int64(statement, index, v);
        } else if constexpr (std::is_same_v<T, double>) {
          if (std::isnan(v)) throw_nan(index, sql);
          return sqlite3_bind_double(statement, index, v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return bind_text(v);
        } else if constexpr (std::is_same_v<T, Bytes>) {
          // A null pointer would bind NULL; an empty BLOB is a zero-length zeroblob.
          if (v.empty()) return sqlite3_bind_zeroblob(statement, index, 0);
          return sqlite3_bind_blob64(statement, index, v.data(), v.size(), lifetime);
        } else if constexpr (std::is_same_v<T, Date> || std::is_same_v<T, Time> ||
                             std::is_same_v<T, DateTime>) {
          return bind_temporary(v.to_string());
        } else if constexpr (std::is_same_v<T, Decimal> || std::is_same_v<T, Json>) {
          return bind_text(v.text);
        } else if constexpr (std::is_same_v<T, Uuid>) {
          return bind_temporary(v.to_hex());
        } else {
          static_assert(sizeof(T) == 0, "bind_value: a Value kind is not handled");
        }
      },
      value.storage());
  if (rc != SQLITE_OK) throw_result(sqlite3_db_handle(statement), rc, sql);
}

void read_column(sqlite3_stmt* statement, int column, const DeclaredType& type, Value& out) {
  // One sqlite3_column_value, then the sqlite3_value_* readers: the column_* readers would each
  // enter the connection's mutex again and check for an out-of-memory on the way out. The value
  // is "unprotected" (https://sqlite.org/c3ref/column_blob.html), which matters only to a
  // connection shared between threads; ours is used by one thread at a time (opened with
  // SQLITE_OPEN_NOMUTEX, sqlite3_driver.hpp). Text before bytes, as the page asks.
  sqlite3_value* value = sqlite3_column_value(statement, column);
  switch (sqlite3_value_type(value)) {
  case SQLITE_NULL: out = Value(); return;
  case SQLITE_INTEGER: convert_integer(sqlite3_value_int64(value), type, out); return;
  case SQLITE_FLOAT: convert_float(sqlite3_value_double(value), type, out); return;
  case SQLITE_TEXT: {
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
    const auto size = static_cast<std::size_t>(sqlite3_value_bytes(value));
    convert_text(std::string_view(text == nullptr ? "" : text, size), type, out);
    return;
  }
  default: {  // SQLITE_BLOB
    const void* data = sqlite3_value_blob(value);
    const auto size = static_cast<std::size_t>(sqlite3_value_bytes(value));
    if (type.kind == DeclaredKind::kUuid && size == 16) {
      Uuid uuid;
      std::memcpy(uuid.bytes.data(), data, 16);
      out = Value(uuid);
      return;
    }
    Bytes bytes(size);
    if (size > 0) std::memcpy(bytes.data(), data, size);
    out = Value(std::move(bytes));
    return;
  }
  }
}

}  // namespace crucible::sqlite
