// Value (value.hpp): construction, Value::to_string, and the conversions behind Value::as<T>().
// The kinds' own text forms (Date::parse, Uuid::to_string...) are in value_text.cpp.
//
// as<T>() converts only where nothing is lost, and otherwise throws DataError with an SQLSTATE of
// SQL:2016 Part 2, 24.1: 22018 (invalid character value for cast) for a kind that does not
// convert, 22003 (numeric value out of range) for a number that does not fit, 22007 (invalid
// datetime format) for text that is no date or time, 22004 (null value not allowed) for null.
#include "crucible/value.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "crucible/errors.hpp"
#include "value_text.hpp"

namespace crucible {

namespace {

using detail::append_hex;
using detail::is_decimal_literal;
using detail::quote;
using detail::try_parse_date;
using detail::try_parse_datetime;
using detail::try_parse_time;

constexpr const char* kCastFailure = "22018";
constexpr const char* kOutOfRange = "22003";
constexpr const char* kBadDatetime = "22007";
constexpr const char* kNullNotAllowed = "22004";

// The shortest text that reads back as the same double (std::to_chars without a format).
std::string shortest(double v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

// The value of a decimal literal when it is a whole number that fits in int64 ("12", "-3.00",
// "1.5e1"); otherwise false, and reason says why.
bool decimal_to_int64(std::string_view text, std::int64_t& out, std::string& reason) {
  if (!is_decimal_literal(text)) {
    reason = "not a decimal literal";
    return false;
  }
  const bool negative = text.front() == '-';
  if (text.front() == '+' || text.front() == '-') text.remove_prefix(1);
  const std::size_t e = text.find_first_of("eE");
  long long exponent = 0;
  if (e != std::string_view::npos) {
    std::string_view exp_text = text.substr(e + 1);
    const bool exp_negative = exp_text.front() == '-';
    if (exp_text.front() == '+' || exp_text.front() == '-') exp_text.remove_prefix(1);
    // Beyond 10^6 the answer no longer depends on the exact exponent: clamp it.
    exponent = exp_text.size() > 7 ? 10000000 : std::stoll(std::string(exp_text));
    if (exp_negative) exponent = -exponent;
    text = text.substr(0, e);
  }
  const std::size_t dot = text.find('.');
  std::string digits(text.substr(0, dot));
  long long point = static_cast<long long>(digits.size()) + exponent;  // digits before the point
  if (dot != std::string_view::npos) digits += text.substr(dot + 1);
  std::size_t lead = 0;
  while (lead < digits.size() && digits[lead] == '0') ++lead;
  digits.erase(0, lead);
  point -= static_cast<long long>(lead);
  if (digits.empty()) {
    out = 0;
    return true;
  }
  for (long long i = std::max(point, 0LL); i < static_cast<long long>(digits.size()); ++i) {
    if (digits[static_cast<std::size_t>(i)] != '0') {
      reason = "not a whole number";
      return false;
    }
  }
  if (point < 1 || point > 19) {  // point < 1 cannot happen here: digits[0] is not '0'
    reason = "out of range for int64";
    return false;
  }
  digits.resize(static_cast<std::size_t>(point), '0');
  std::uint64_t magnitude = 0;
  const auto res = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
  constexpr std::uint64_t kLimit = std::uint64_t{1} << 63;
  if (res.ec != std::errc() || magnitude > (negative ? kLimit : kLimit - 1)) {
    reason = "out of range for int64";
    return false;
  }
  out = negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
  return true;
}

// "kind value" for messages: "string 'abc'", "int64 42", "bytes of length 3", "null".
std::string describe(const Value& v) {
  switch (v.kind()) {
  case ValueKind::kNull: return "null";
  case ValueKind::kString: return "string " + quote(std::get<std::string>(v.storage()));
  case ValueKind::kJson: return "json " + quote(std::get<Json>(v.storage()).text);
  case ValueKind::kBytes:
    return "bytes of length " + std::to_string(std::get<Bytes>(v.storage()).size());
  default: return std::string(kind_name(v.kind())) + " " + v.to_string();
  }
}

// Throws the DataError of a refused conversion: "wanted int, found int64 4294967296 (out of
// range)".
[[noreturn]] void refuse(std::string_view wanted, const Value& v, const std::string& why = {},
                         const char* sqlstate = kCastFailure) {
  std::string message = "wanted " + std::string(wanted) + ", found " + describe(v);
  if (!why.empty()) message += " (" + why + ")";
  if (v.is_null()) sqlstate = kNullNotAllowed;
  throw DataError(ErrorInfo{.sqlstate = sqlstate, .driver_message = std::move(message)});
}

// bool, int64 and whole in-range doubles and decimals, as the integer type T.
template <class T>
T to_integral(const Value& v, std::string_view wanted) {
  using Limits = std::numeric_limits<T>;
  const auto range = [] {
    return "out of range " + std::to_string(Limits::min()) + " to " + std::to_string(Limits::max());
  };
  switch (v.kind()) {
  case ValueKind::kBool: return static_cast<T>(std::get<bool>(v.storage()) ? 1 : 0);
  case ValueKind::kInt: {
    const std::int64_t i = std::get<std::int64_t>(v.storage());
    if (!std::in_range<T>(i)) refuse(wanted, v, range(), kOutOfRange);
    return static_cast<T>(i);
  }
  case ValueKind::kDouble: {
    const double d = std::get<double>(v.storage());
    if (!std::isfinite(d) || d != std::trunc(d)) refuse(wanted, v, "not a whole number");
    // Limits::min() is 0 or -2^digits and 2^digits is one past the max: all exact as doubles.
    if (d < static_cast<double>(Limits::min()) || d >= std::ldexp(1.0, Limits::digits)) {
      refuse(wanted, v, range(), kOutOfRange);
    }
    return static_cast<T>(d);
  }
  case ValueKind::kDecimal: {
    std::int64_t i = 0;
    std::string reason;
    if (!decimal_to_int64(std::get<Decimal>(v.storage()).text, i, reason)) {
      refuse(wanted, v, reason, reason == "not a whole number" ? kCastFailure : kOutOfRange);
    }
    if (!std::in_range<T>(i)) refuse(wanted, v, range(), kOutOfRange);
    return static_cast<T>(i);
  }
  default: refuse(wanted, v);
  }
}

// double from double, int64 within ±2^53 (where every integer is exact) and decimal text.
double to_double(const Value& v, std::string_view wanted) {
  switch (v.kind()) {
  case ValueKind::kDouble: return std::get<double>(v.storage());
  case ValueKind::kInt: {
    const std::int64_t i = std::get<std::int64_t>(v.storage());
    if (i > (std::int64_t{1} << 53) || i < -(std::int64_t{1} << 53)) {
      refuse(wanted, v, "beyond 2^53 a double cannot hold every integer exactly", kOutOfRange);
    }
    return static_cast<double>(i);
  }
  case ValueKind::kDecimal: {
    std::string_view text = std::get<Decimal>(v.storage()).text;
    if (!is_decimal_literal(text)) refuse(wanted, v, "not a decimal literal");
    if (text.front() == '+') text.remove_prefix(1);  // from_chars takes no '+'
    double d = 0;
    const auto res = std::from_chars(text.data(), text.data() + text.size(), d);
    if (res.ec != std::errc()) refuse(wanted, v, "out of range for double", kOutOfRange);
    return d;
  }
  default: refuse(wanted, v);
  }
}

}  // namespace

std::string_view kind_name(ValueKind kind) noexcept {
  switch (kind) {
  case ValueKind::kNull: return "null";
  case ValueKind::kBool: return "bool";
  case ValueKind::kInt: return "int64";
  case ValueKind::kDouble: return "double";
  case ValueKind::kString: return "string";
  case ValueKind::kBytes: return "bytes";
  case ValueKind::kDate: return "date";
  case ValueKind::kTime: return "time";
  case ValueKind::kDateTime: return "datetime";
  case ValueKind::kDecimal: return "decimal";
  case ValueKind::kUuid: return "uuid";
  case ValueKind::kJson: return "json";
  }
  return "unknown";
}

// ---- Value ----

Value::Value(unsigned long v) : Value(static_cast<unsigned long long>(v)) {}

Value::Value(unsigned long long v) {
  if (v > static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max())) {
    throw ArgumentError(
        "wanted an integer that fits in int64 (at most 9223372036854775807), found " +
        std::to_string(v));
  }
  v_ = static_cast<std::int64_t>(v);
}

std::string Value::to_string() const {
  switch (kind()) {
  case ValueKind::kNull: return "NULL";
  case ValueKind::kBool: return std::get<bool>(v_) ? "true" : "false";
  case ValueKind::kInt: return std::to_string(std::get<std::int64_t>(v_));
  case ValueKind::kDouble: return shortest(std::get<double>(v_));
  case ValueKind::kString: return std::get<std::string>(v_);
  case ValueKind::kBytes: {
    std::string out = "x'";
    for (std::byte b : std::get<Bytes>(v_)) append_hex(out, std::to_integer<unsigned>(b));
    return out + "'";
  }
  case ValueKind::kDate: return std::get<Date>(v_).to_string();
  case ValueKind::kTime: return std::get<Time>(v_).to_string();
  case ValueKind::kDateTime: return std::get<DateTime>(v_).to_string();
  case ValueKind::kDecimal: return std::get<Decimal>(v_).text;
  case ValueKind::kUuid: return std::get<Uuid>(v_).to_string();
  case ValueKind::kJson: return std::get<Json>(v_).text;
  }
  return {};
}

bool Value::as_impl(bool*) const {
  if (kind() == ValueKind::kBool) return std::get<bool>(v_);
  if (kind() == ValueKind::kInt) {
    const std::int64_t i = std::get<std::int64_t>(v_);
    if (i == 0 || i == 1) return i == 1;
    refuse("bool", *this, "only 0 and 1 convert to bool");
  }
  refuse("bool", *this);
}

int Value::as_impl(int*) const { return to_integral<int>(*this, "int"); }
unsigned Value::as_impl(unsigned*) const { return to_integral<unsigned>(*this, "unsigned int"); }
long Value::as_impl(long*) const { return to_integral<long>(*this, "int64"); }
long long Value::as_impl(long long*) const { return to_integral<long long>(*this, "int64"); }

double Value::as_impl(double*) const { return to_double(*this, "double"); }

float Value::as_impl(float*) const {
  const double d = to_double(*this, "float");
  if (std::isfinite(d) && std::fabs(d) > std::numeric_limits<float>::max()) {
    refuse("float", *this, "out of range for float", kOutOfRange);
  }
  return static_cast<float>(d);
}

void Value::assign_string(std::string_view text) {
  if (auto* s = std::get_if<std::string>(&v_))
    s->assign(text);
  else
    v_.emplace<std::string>(text);
}

std::string Value::as_impl(std::string*) const {
  switch (kind()) {
  case ValueKind::kString: return std::get<std::string>(v_);
  case ValueKind::kDecimal:
  case ValueKind::kJson:
  case ValueKind::kDate:
  case ValueKind::kTime:
  case ValueKind::kDateTime:
  case ValueKind::kUuid: return to_string();
  default: refuse("string", *this);
  }
}

Bytes Value::as_impl(Bytes*) const {
  if (kind() != ValueKind::kBytes) refuse("bytes", *this);
  return std::get<Bytes>(v_);
}

Date Value::as_impl(Date*) const {
  if (kind() == ValueKind::kDate) return std::get<Date>(v_);
  if (kind() != ValueKind::kString) refuse("date", *this);
  Date date;
  const std::string why = try_parse_date(std::get<std::string>(v_), date);
  if (!why.empty()) refuse("date", *this, why, kBadDatetime);
  return date;
}

Time Value::as_impl(Time*) const {
  if (kind() == ValueKind::kTime) return std::get<Time>(v_);
  if (kind() != ValueKind::kString) refuse("time", *this);
  Time time;
  const std::string why = try_parse_time(std::get<std::string>(v_), time);
  if (!why.empty()) refuse("time", *this, why, kBadDatetime);
  return time;
}

DateTime Value::as_impl(DateTime*) const {
  switch (kind()) {
  case ValueKind::kDateTime: return std::get<DateTime>(v_);
  case ValueKind::kDate: return DateTime{std::get<Date>(v_), Time{}, std::nullopt};
  case ValueKind::kString: {
    DateTime value;
    const std::string why = try_parse_datetime(std::get<std::string>(v_), value);
    if (!why.empty()) refuse("datetime", *this, why, kBadDatetime);
    return value;
  }
  default: refuse("datetime", *this);
  }
}

Decimal Value::as_impl(Decimal*) const {
  switch (kind()) {
  case ValueKind::kDecimal: return std::get<Decimal>(v_);
  case ValueKind::kInt: return Decimal{std::to_string(std::get<std::int64_t>(v_))};
  case ValueKind::kDouble: {
    const double d = std::get<double>(v_);
    if (!std::isfinite(d)) refuse("decimal", *this, "not a finite number");
    return Decimal{shortest(d)};
  }
  case ValueKind::kString: {
    const std::string& text = std::get<std::string>(v_);
    if (!is_decimal_literal(text)) refuse("decimal", *this, "not a decimal literal");
    return Decimal{text};
  }
  default: refuse("decimal", *this);
  }
}

Uuid Value::as_impl(Uuid*) const {
  switch (kind()) {
  case ValueKind::kUuid: return std::get<Uuid>(v_);
  case ValueKind::kString: try { return Uuid::parse(std::get<std::string>(v_));
    } catch (const ArgumentError&) {
      refuse("uuid", *this, "not a UUID in hex, with or without dashes and braces");
    }
  case ValueKind::kBytes: {
    const Bytes& bytes = std::get<Bytes>(v_);
    if (bytes.size() != 16) refuse("uuid", *this, "a UUID is 16 bytes");
    Uuid out;
    for (std::size_t i = 0; i < 16; ++i) out.bytes[i] = std::to_integer<std::uint8_t>(bytes[i]);
    return out;
  }
  default: refuse("uuid", *this);
  }
}

Json Value::as_impl(Json*) const {
  if (kind() == ValueKind::kJson) return std::get<Json>(v_);
  if (kind() == ValueKind::kString) return Json{std::get<std::string>(v_)};
  refuse("json", *this);
}

}  // namespace crucible
