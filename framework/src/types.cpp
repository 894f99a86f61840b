// SqlType (types.hpp): the generic types' predicates and their display form.
#include "crucible/types.hpp"

#include <string>

namespace crucible {

bool SqlType::is_numeric() const noexcept {
  switch (kind_) {
  case TypeKind::kInteger:
  case TypeKind::kSmallInteger:
  case TypeKind::kBigInteger:
  case TypeKind::kFloat:
  case TypeKind::kDouble:
  case TypeKind::kNumeric: return true;
  default: return false;
  }
}

namespace {

// A string as a C++ literal: "a\"b".
std::string cpp_literal(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string SqlType::repr() const {
  const auto flag = [](bool timezone) { return timezone ? std::string("(true)") : std::string(); };
  switch (kind_) {
  case TypeKind::kNull: return "NullType";
  case TypeKind::kInteger: return "Integer";
  case TypeKind::kSmallInteger: return "SmallInteger";
  case TypeKind::kBigInteger: return "BigInteger";
  case TypeKind::kFloat: return "Float";
  case TypeKind::kDouble: return "Double";
  case TypeKind::kNumeric: {
    if (!precision_ && !scale_) return "Numeric";
    std::string out = "Numeric(" + (precision_ ? std::to_string(*precision_) : "std::nullopt");
    if (scale_) out += ", " + std::to_string(*scale_);
    return out + ")";
  }
  case TypeKind::kString: return length_ ? "String(" + std::to_string(*length_) + ")" : "String";
  case TypeKind::kText: return "Text";
  case TypeKind::kBoolean: return "Boolean";
  case TypeKind::kDate: return "Date";
  case TypeKind::kTime: return "Time" + flag(timezone_);
  case TypeKind::kDateTime: return "DateTime" + flag(timezone_);
  case TypeKind::kLargeBinary: return "LargeBinary";
  case TypeKind::kUuid: return "Uuid";
  case TypeKind::kJson: return "JSON";
  case TypeKind::kEnum: {
    std::string out = "Enum({";
    for (std::size_t i = 0; i < enum_values_.size(); ++i)
      out += (i ? ", " : "") + cpp_literal(enum_values_[i]);
    out += "}";
    if (!enum_name_.empty()) out += ", " + cpp_literal(enum_name_);
    return out + ")";
  }
  }
  return "NullType";
}

}  // namespace crucible
