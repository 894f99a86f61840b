#pragma once
// Value: the one runtime value that crosses the driver boundary.
//
// A driver converts its client library's types to and from these kinds at the boundary, so the
// framework never sees a client type (DESIGN.md, "The DBAPI contract"). The kinds follow PEP 249's
// type objects and SQL:2016's predefined types: null, boolean, 64-bit integer, double, UTF-8
// text, binary, DATE, TIME, TIMESTAMP (with an optional UTC offset), exact DECIMAL (as text),
// UUID and JSON (as text).
#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace crucible {

/// Binary data (PEP 249 Binary; SQL BLOB / BYTEA / VARBINARY).
using Bytes = std::vector<std::byte>;

/// A calendar date in the proleptic Gregorian calendar (SQL DATE). No validation beyond ranges
/// (month 1-12, day 1-31) is done here; parse() and the drivers check real dates.
struct Date {
  std::int32_t year{1970};
  std::uint8_t month{1};  ///< 1-12
  std::uint8_t day{1};    ///< 1-31
  friend auto operator<=>(const Date&, const Date&) = default;
  /// "YYYY-MM-DD" (ISO 8601).
  std::string to_string() const;
  /// Parses "YYYY-MM-DD"; throws ArgumentError naming the text when it is not a valid date.
  static Date parse(std::string_view text);
};

/// A time of day (SQL TIME without time zone), to the microsecond.
struct Time {
  std::uint8_t hour{};          ///< 0-23
  std::uint8_t minute{};        ///< 0-59
  std::uint8_t second{};        ///< 0-59 (60 is not accepted)
  std::uint32_t microsecond{};  ///< 0-999999
  friend auto operator<=>(const Time&, const Time&) = default;
  /// "HH:MM:SS", with ".ffffff" only when microsecond is not zero (ISO 8601).
  std::string to_string() const;
  /// Parses "HH:MM[:SS[.f…]]"; throws ArgumentError when it is not a valid time.
  static Time parse(std::string_view text);
};

/// A timestamp (SQL TIMESTAMP); with utc_offset_seconds it is TIMESTAMP WITH TIME ZONE at that
/// offset, without it a naive local timestamp.
struct DateTime {
  Date date;
  Time time;
  std::optional<std::int32_t> utc_offset_seconds;  ///< e.g. +3600 for +01:00
  friend bool operator==(const DateTime&, const DateTime&) = default;
  /// "YYYY-MM-DD HH:MM:SS[.ffffff][+HH:MM]" (ISO 8601 with a space, as SQLite and PostgreSQL
  /// print it).
  std::string to_string() const;
  /// Parses ISO 8601 with 'T' or ' ' between date and time, an optional fraction and an
  /// optional "Z"/"+HH[:MM]" offset. A bare date is midnight. Throws ArgumentError.
  static DateTime parse(std::string_view text);
};

/// An exact decimal number (SQL NUMERIC/DECIMAL) kept as its canonical text ("-12.50"), so no
/// digit is lost on the way between database and program.
struct Decimal {
  std::string text;
  friend bool operator==(const Decimal&, const Decimal&) = default;
  /// Checks that text is a decimal literal ([+-]digits[.digits][e[+-]digits]); throws
  /// ArgumentError otherwise.
  static Decimal parse(std::string_view text);
  /// The scale that keeps the value whole (SQL NUMERIC(p, s)'s s): the digits after the point
  /// less the exponent, at least 0 ("1.25" 2, "1075e-3" 3, "1.2e1" 0). Reads text as parse()
  /// accepts it; never throws.
  int scale() const noexcept;
};

/// A UUID (RFC 4122), 16 bytes in network order.
struct Uuid {
  std::array<std::uint8_t, 16> bytes{};
  friend auto operator<=>(const Uuid&, const Uuid&) = default;
  /// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (RFC 4122 §3).
  std::string to_string() const;
  /// 32 hex digits, no dashes (SQLAlchemy's CHAR(32) storage form).
  std::string to_hex() const;
  /// Accepts the dashed form, 32 bare hex digits, and either in braces; throws ArgumentError.
  static Uuid parse(std::string_view text);
};

/// A JSON document kept as its text (RFC 8259); the database or the program parses it.
struct Json {
  std::string text;
  friend bool operator==(const Json&, const Json&) = default;
};

/// The kinds a Value can hold, in the order of Value::Storage's alternatives.
enum class ValueKind : std::uint8_t {
  kNull,
  kBool,
  kInt,
  kDouble,
  kString,
  kBytes,
  kDate,
  kTime,
  kDateTime,
  kDecimal,
  kUuid,
  kJson
};

/// The name of a kind for messages: "null", "bool", "int64", "double", "string", "bytes",
/// "date", "time", "datetime", "decimal", "uuid", "json".
std::string_view kind_name(ValueKind kind) noexcept;

/// One SQL value. Cheap to move; copying copies strings and bytes.
///
/// Construction is implicit from the matching C++ types (integers of any width become int64,
/// const char* and std::string become string), so parameters read naturally:
/// `{{"name", "Alice"}, {"age", 42}}`. Reading is by as<T>(), which converts where no
/// information is lost (int64 0/1 to bool, an in-range int64 to int, int64 to double) and throws
/// DataError otherwise, naming the wanted and the found kind.
class Value {
 public:
  using Storage = std::variant<std::monostate, bool, std::int64_t, double, std::string, Bytes, Date,
                               Time, DateTime, Decimal, Uuid, Json>;

  Value() noexcept = default;
  Value(std::nullptr_t) noexcept {}
  Value(std::nullopt_t) noexcept {}
  Value(bool v) noexcept : v_(v) {}
  Value(int v) noexcept : v_(static_cast<std::int64_t>(v)) {}
  Value(unsigned v) noexcept : v_(static_cast<std::int64_t>(v)) {}
  Value(long v) noexcept : v_(static_cast<std::int64_t>(v)) {}
  Value(long long v) noexcept : v_(static_cast<std::int64_t>(v)) {}
  /// Throws ArgumentError when v does not fit in int64.
  Value(unsigned long v);
  /// Throws ArgumentError when v does not fit in int64.
  Value(unsigned long long v);
  Value(double v) noexcept : v_(v) {}
  Value(float v) noexcept : v_(static_cast<double>(v)) {}
  Value(const char* v) : v_(std::string(v)) {}
  Value(std::string v) noexcept : v_(std::move(v)) {}
  Value(std::string_view v) : v_(std::string(v)) {}
  Value(Bytes v) noexcept : v_(std::move(v)) {}
  Value(Date v) noexcept : v_(v) {}
  Value(Time v) noexcept : v_(v) {}
  Value(DateTime v) noexcept : v_(v) {}
  Value(Decimal v) noexcept : v_(std::move(v)) {}
  Value(Uuid v) noexcept : v_(v) {}
  Value(Json v) noexcept : v_(std::move(v)) {}
  template <class T>
  Value(const std::optional<T>& v) : Value(v ? Value(*v) : Value()) {}

  ValueKind kind() const noexcept { return static_cast<ValueKind>(v_.index()); }
  bool is_null() const noexcept { return v_.index() == 0; }
  const Storage& storage() const noexcept { return v_; }
  /// The string this value holds, for moving out of (the value then holds an empty string), or
  /// null when it holds another kind.
  std::string* mutable_string() noexcept { return std::get_if<std::string>(&v_); }
  /// Makes this the string `text`, reusing the string storage this value already has when it
  /// holds a string (a driver refilling a row in place allocates nothing for text that fits).
  void assign_string(std::string_view text);

  /// The value as T, converting only where nothing is lost; std::optional<T> maps null to
  /// nullopt. Supported T: bool, int, unsigned, long, long long, std::int64_t, double, float,
  /// std::string, Bytes, Date, Time, DateTime, Decimal, Uuid, Json, and std::optional of these.
  /// Throws DataError("wanted int64, found string 'abc'") when the kind does not convert, and
  /// for null unless T is an optional.
  template <class T>
  T as() const;

  /// The value as text for people: NULL as "NULL", bytes as hex "x'0a0b'", the rest as their
  /// to_string()/text. Never throws for a valid value.
  std::string to_string() const;

  friend bool operator==(const Value&, const Value&) = default;

 private:
  // One overload per supported T, selected by a null pointer tag; defined in value.cpp.
  bool as_impl(bool*) const;
  int as_impl(int*) const;
  unsigned as_impl(unsigned*) const;
  long as_impl(long*) const;
  long long as_impl(long long*) const;
  double as_impl(double*) const;
  float as_impl(float*) const;
  std::string as_impl(std::string*) const;
  Bytes as_impl(Bytes*) const;
  Date as_impl(Date*) const;
  Time as_impl(Time*) const;
  DateTime as_impl(DateTime*) const;
  Decimal as_impl(Decimal*) const;
  Uuid as_impl(Uuid*) const;
  Json as_impl(Json*) const;
  Value as_impl(Value*) const { return *this; }

  Storage v_;
};

namespace detail {
template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
}  // namespace detail

template <class T>
T Value::as() const {
  if constexpr (detail::IsOptional<T>::value) {
    if (is_null()) return std::nullopt;
    return as<typename T::value_type>();
  } else {
    return as_impl(static_cast<T*>(nullptr));
  }
}

}  // namespace crucible
