// The Dialect defaults for types (dialect.hpp): the DDL and type compilers, the bind and
// result processors, and the mapping of reflected type names back to generic types.
//
// The processors follow SQLAlchemy's TypeEngine.bind_processor/result_processor: on the way in a
// value is turned into the kind its column's type stands for where that is unambiguous (an int
// bound for a Numeric column travels as a Decimal); on the way out a value is converted to the
// type's kind with Value::as, and a value that does not convert is handed back unchanged, so no
// datum is ever lost to a processor.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/dialect.hpp"
#include "crucible/errors.hpp"
#include "crucible/sql/compiler.hpp"
#include "crucible/types.hpp"
#include "crucible/value.hpp"
#include "value_text.hpp"

namespace crucible {

namespace {

// v as T when Value::as converts it, else v unchanged.
template <class T>
Value converted(Value v) {
  try {
    return Value(v.as<T>());
  } catch (const Error&) {
    return v;
  }
}

// A finite double with exactly scale digits after the point ("%.*f", as SQLAlchemy's Numeric
// result processor formats a float for a type with a scale); the shortest form without one.
std::string decimal_text(double value, std::optional<int> scale) {
  std::array<char, 400> buffer{};
  const auto [end, ec] = scale && *scale >= 0
                             ? std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                             std::chars_format::fixed, *scale)
                             : std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  if (ec != std::errc{}) {  // does not fit the buffer: the shortest form always does
    const auto [end2, ec2] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), ec2 == std::errc{} ? end2 : buffer.data());
  }
  return std::string(buffer.data(), end);
}

// A Numeric result as a Decimal: an integer gets the type's scale in zeros (a database that
// stores 10.00 as 10 gives back "10.00"), a float is formatted to the scale, decimal text is
// taken as it is.
Value numeric_result(const SqlType& type, Value v) {
  switch (v.kind()) {
  case ValueKind::kInt: {
    std::string text = std::to_string(std::get<std::int64_t>(v.storage()));
    if (type.scale() && *type.scale() > 0)
      text += "." + std::string(static_cast<std::size_t>(*type.scale()), '0');
    return Value(Decimal{std::move(text)});
  }
  case ValueKind::kDouble: {
    const double d = std::get<double>(v.storage());
    if (!std::isfinite(d)) return v;
    return Value(Decimal{decimal_text(d, type.scale())});
  }
  default: return converted<Decimal>(std::move(v));
  }
}

}  // namespace

std::unique_ptr<sql::DDLCompiler> Dialect::ddl_compiler() const {
  return std::make_unique<sql::DDLCompiler>(*this);
}

const sql::TypeCompiler& Dialect::type_compiler() const {
  static const sql::TypeCompiler kStandard;
  return kStandard;
}

Value Dialect::process_bind(const SqlType& type, Value value) const {
  if (value.is_null()) return value;
  const ValueKind kind = value.kind();
  switch (type.kind()) {
  case TypeKind::kInteger:
  case TypeKind::kSmallInteger:
  case TypeKind::kBigInteger:
    if (kind == ValueKind::kBool || kind == ValueKind::kDouble || kind == ValueKind::kDecimal)
      return converted<long long>(std::move(value));
    return value;
  case TypeKind::kFloat:
  case TypeKind::kDouble:
    if (kind == ValueKind::kInt || kind == ValueKind::kDecimal)
      return converted<double>(std::move(value));
    return value;
  case TypeKind::kNumeric:
    if (kind == ValueKind::kInt || kind == ValueKind::kDouble || kind == ValueKind::kString)
      return converted<Decimal>(std::move(value));
    return value;
  case TypeKind::kBoolean:
    return kind == ValueKind::kInt ? converted<bool>(std::move(value)) : value;
  case TypeKind::kDate:
    return kind == ValueKind::kString ? converted<Date>(std::move(value)) : value;
  case TypeKind::kTime:
    return kind == ValueKind::kString ? converted<Time>(std::move(value)) : value;
  case TypeKind::kDateTime:
    if (kind == ValueKind::kString || kind == ValueKind::kDate)
      return converted<DateTime>(std::move(value));
    return value;
  case TypeKind::kUuid:
    if (kind == ValueKind::kString || kind == ValueKind::kBytes)
      return converted<Uuid>(std::move(value));
    return value;
  case TypeKind::kJson:
    return kind == ValueKind::kString ? converted<Json>(std::move(value)) : value;
  default: return value;
  }
}

ValueKind natural_value_kind(TypeKind type) noexcept {
  switch (type) {
  case TypeKind::kNull: return ValueKind::kNull;
  case TypeKind::kInteger:
  case TypeKind::kSmallInteger:
  case TypeKind::kBigInteger: return ValueKind::kInt;
  case TypeKind::kFloat:
  case TypeKind::kDouble: return ValueKind::kDouble;
  case TypeKind::kNumeric: return ValueKind::kDecimal;
  case TypeKind::kString:
  case TypeKind::kText:
  case TypeKind::kEnum: return ValueKind::kString;
  case TypeKind::kBoolean: return ValueKind::kBool;
  case TypeKind::kDate: return ValueKind::kDate;
  case TypeKind::kTime: return ValueKind::kTime;
  case TypeKind::kDateTime: return ValueKind::kDateTime;
  case TypeKind::kLargeBinary: return ValueKind::kBytes;
  case TypeKind::kUuid: return ValueKind::kUuid;
  case TypeKind::kJson: return ValueKind::kJson;
  }
  return ValueKind::kNull;
}

bool Dialect::needs_bind_processing(const SqlType& type, ValueKind kind) const {
  // Mirrors process_bind above: true exactly where it converts.
  switch (type.kind()) {
  case TypeKind::kInteger:
  case TypeKind::kSmallInteger:
  case TypeKind::kBigInteger:
    return kind == ValueKind::kBool || kind == ValueKind::kDouble || kind == ValueKind::kDecimal;
  case TypeKind::kFloat:
  case TypeKind::kDouble: return kind == ValueKind::kInt || kind == ValueKind::kDecimal;
  case TypeKind::kNumeric:
    return kind == ValueKind::kInt || kind == ValueKind::kDouble || kind == ValueKind::kString;
  case TypeKind::kBoolean: return kind == ValueKind::kInt;
  case TypeKind::kDate:
  case TypeKind::kTime:
  case TypeKind::kJson: return kind == ValueKind::kString;
  case TypeKind::kDateTime: return kind == ValueKind::kString || kind == ValueKind::kDate;
  case TypeKind::kUuid: return kind == ValueKind::kString || kind == ValueKind::kBytes;
  default: return false;
  }
}

bool Dialect::needs_result_processing(const SqlType& type) const {
  return type.kind() != TypeKind::kNull;
}

Value Dialect::process_result(const SqlType& type, Value value) const {
  if (value.is_null()) return value;
  const ValueKind kind = value.kind();
  switch (type.kind()) {
  case TypeKind::kNull: return value;
  case TypeKind::kInteger:
  case TypeKind::kSmallInteger:
  case TypeKind::kBigInteger:
    return kind == ValueKind::kInt ? value : converted<long long>(std::move(value));
  case TypeKind::kFloat:
  case TypeKind::kDouble:
    return kind == ValueKind::kDouble ? value : converted<double>(std::move(value));
  case TypeKind::kNumeric:
    return kind == ValueKind::kDecimal ? value : numeric_result(type, std::move(value));
  case TypeKind::kString:
  case TypeKind::kText:
  case TypeKind::kEnum:
    return kind == ValueKind::kString ? value : converted<std::string>(std::move(value));
  case TypeKind::kBoolean:
    return kind == ValueKind::kBool ? value : converted<bool>(std::move(value));
  case TypeKind::kDate: return kind == ValueKind::kDate ? value : converted<Date>(std::move(value));
  case TypeKind::kTime: return kind == ValueKind::kTime ? value : converted<Time>(std::move(value));
  case TypeKind::kDateTime:
    return kind == ValueKind::kDateTime ? value : converted<DateTime>(std::move(value));
  case TypeKind::kLargeBinary: return value;
  case TypeKind::kUuid: return kind == ValueKind::kUuid ? value : converted<Uuid>(std::move(value));
  case TypeKind::kJson: return kind == ValueKind::kJson ? value : converted<Json>(std::move(value));
  }
  return value;
}

}  // namespace crucible
