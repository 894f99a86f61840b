#pragma once
// Generic SQL types (SQLAlchemy's sqlalchemy.types "CamelCase" generic types).
//
// A type says what a column or expression holds, independent of any database; each dialect's
// TypeCompiler names it in DDL ("VARCHAR(50)", "TIMESTAMP WITH TIME ZONE") and its bind and
// result processors convert values on the way in and out (SQLite stores Boolean as 0/1, Uuid
// as CHAR(32), DateTime as ISO-8601 text).
//
// The types live in crucible::types. Those whose names do not clash with the Value kinds of
// value.hpp are also in crucible: Integer, SmallInteger, BigInteger, Float, Double, Numeric,
// String, Text, Boolean, LargeBinary, JSON, Enum; write types::Date, types::Time,
// types::DateTime and types::Uuid for the others.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace crucible {

/// The generic type families.
enum class TypeKind : std::uint8_t {
  kNull,  ///< unknown: the type of an untyped literal or bind
  kInteger,
  kSmallInteger,
  kBigInteger,
  kFloat,
  kDouble,
  kNumeric,
  kString,
  kText,
  kBoolean,
  kDate,
  kTime,
  kDateTime,
  kLargeBinary,
  kUuid,
  kJson,
  kEnum,
};

/// A generic type with its parameters. A small value type: copy freely.
class SqlType {
 public:
  SqlType() = default;
  explicit SqlType(TypeKind kind) : kind_(kind) {}

  TypeKind kind() const noexcept { return kind_; }
  /// String/Enum: the maximum length in characters, if any.
  std::optional<std::uint32_t> length() const noexcept { return length_; }
  /// Numeric: total digits and digits after the point, if given.
  std::optional<int> precision() const noexcept { return precision_; }
  std::optional<int> scale() const noexcept { return scale_; }
  /// DateTime/Time: WITH TIME ZONE.
  bool timezone() const noexcept { return timezone_; }
  /// Enum: the allowed values, in order, and the type's name (for databases with named enums).
  const std::vector<std::string>& enum_values() const noexcept { return enum_values_; }
  const std::string& enum_name() const noexcept { return enum_name_; }

  /// Whether values of this type are numbers (Integer… Numeric), for operator typing.
  bool is_numeric() const noexcept;
  /// The type as C++ source would write it: "String(50)", "Numeric(10, 2)".
  std::string repr() const;

  friend bool operator==(const SqlType&, const SqlType&) = default;

 protected:
  TypeKind kind_{TypeKind::kNull};
  std::optional<std::uint32_t> length_;
  std::optional<int> precision_;
  std::optional<int> scale_;
  bool timezone_{false};
  std::vector<std::string> enum_values_;
  std::string enum_name_;
};

namespace types {

struct Integer : SqlType {
  Integer() : SqlType(TypeKind::kInteger) {}
};
struct SmallInteger : SqlType {
  SmallInteger() : SqlType(TypeKind::kSmallInteger) {}
};
struct BigInteger : SqlType {
  BigInteger() : SqlType(TypeKind::kBigInteger) {}
};
/// A floating-point number (SQL REAL/FLOAT).
struct Float : SqlType {
  Float() : SqlType(TypeKind::kFloat) {}
};
/// A double-precision floating-point number (SQL DOUBLE PRECISION).
struct Double : SqlType {
  Double() : SqlType(TypeKind::kDouble) {}
};
/// An exact decimal (SQL NUMERIC(p, s)); values travel as crucible::Decimal.
struct Numeric : SqlType {
  explicit Numeric(std::optional<int> precision = std::nullopt,
                   std::optional<int> scale = std::nullopt)
      : SqlType(TypeKind::kNumeric) {
    precision_ = precision;
    scale_ = scale;
  }
};
/// Variable-length text with an optional maximum length (SQL VARCHAR(n)).
struct String : SqlType {
  explicit String(std::optional<std::uint32_t> length = std::nullopt) : SqlType(TypeKind::kString) {
    length_ = length;
  }
};
/// Unbounded text (TEXT / CLOB).
struct Text : SqlType {
  Text() : SqlType(TypeKind::kText) {}
};
struct Boolean : SqlType {
  Boolean() : SqlType(TypeKind::kBoolean) {}
};
struct Date : SqlType {
  Date() : SqlType(TypeKind::kDate) {}
};
struct Time : SqlType {
  explicit Time(bool timezone = false) : SqlType(TypeKind::kTime) { timezone_ = timezone; }
};
/// A timestamp; timezone=true is TIMESTAMP WITH TIME ZONE.
struct DateTime : SqlType {
  explicit DateTime(bool timezone = false) : SqlType(TypeKind::kDateTime) { timezone_ = timezone; }
};
/// Binary data (BLOB / BYTEA).
struct LargeBinary : SqlType {
  LargeBinary() : SqlType(TypeKind::kLargeBinary) {}
};
/// A UUID: native where the database has one, CHAR(32) hex elsewhere.
struct Uuid : SqlType {
  Uuid() : SqlType(TypeKind::kUuid) {}
};
/// A JSON document.
struct JSON : SqlType {
  JSON() : SqlType(TypeKind::kJson) {}
};
/// One of a fixed list of strings: a native ENUM where the database has one, else VARCHAR
/// sized to the longest value with a CHECK constraint.
struct Enum : SqlType {
  Enum(std::vector<std::string> values, std::string name = {}) : SqlType(TypeKind::kEnum) {
    enum_values_ = std::move(values);
    enum_name_ = std::move(name);
    std::uint32_t longest = 0;
    for (const auto& v : enum_values_)
      longest = std::max<std::uint32_t>(longest, static_cast<std::uint32_t>(v.size()));
    length_ = longest;
  }
};

}  // namespace types

using types::BigInteger;
using types::Boolean;
using types::Double;
using types::Enum;
using types::Float;
using types::Integer;
using types::JSON;
using types::LargeBinary;
using types::Numeric;
using types::SmallInteger;
using types::String;
using types::Text;

}  // namespace crucible
