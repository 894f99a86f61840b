// The text forms of Value's kinds (value.hpp): Date, Time, DateTime, Decimal and Uuid.
//
// Text forms follow ISO 8601 (dates and times; years 0001-9999 as SQL:2016 Part 2, 4.6.2 allows)
// and RFC 4122 §3 (UUIDs). Parsing is strict: a date must exist in the proleptic Gregorian
// calendar, a time must be 00:00:00-23:59:59, and nothing may follow the value.
#include <Poco/UUID.h>

#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>

#include "crucible/errors.hpp"
#include "crucible/value.hpp"
#include "value_text.hpp"

namespace crucible {

namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// v as decimal digits, at least width of them.
std::string pad(long long v, std::size_t width) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return v < 0 ? "-" + digits : digits;
}

// Reads exactly n digits at text[pos] into out and advances pos; false when they are not there.
bool read_digits(std::string_view text, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > text.size()) return false;
  int value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_digit(text[pos + i])) return false;
    value = value * 10 + (text[pos + i] - '0');
  }
  out = value;
  pos += n;
  return true;
}

bool is_leap_year(int year) noexcept {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) noexcept {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

// The parsers below read one part at text[pos], advance pos, and return "" on success or what is
// wrong, so that each public parse() can name the whole text and the grammar in its message.

std::string parse_date_at(std::string_view text, std::size_t& pos, Date& out) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (!read_digits(text, pos, 4, year) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, month) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, day)) {
    return "not in the form YYYY-MM-DD";
  }
  if (year < 1) return "year 0000 is outside 0001-9999";
  if (month < 1 || month > 12) return "month " + pad(month, 2) + " is outside 01-12";
  if (day < 1 || day > days_in_month(year, month)) {
    return "day " + pad(day, 2) + " does not exist in " + pad(year, 4) + "-" + pad(month, 2) +
           ", which has " + std::to_string(days_in_month(year, month)) + " days";
  }
  out = Date{year, static_cast<std::uint8_t>(month), static_cast<std::uint8_t>(day)};
  return {};
}

std::string parse_time_at(std::string_view text, std::size_t& pos, Time& out) {
  int hour = 0;
  int minute = 0;
  int second = 0;
  std::uint32_t micro = 0;
  if (!read_digits(text, pos, 2, hour) || pos >= text.size() || text[pos++] != ':' ||
      !read_digits(text, pos, 2, minute)) {
    return "the time is not in the form HH:MM[:SS[.ffffff]]";
  }
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!read_digits(text, pos, 2, second)) return "the seconds are not two digits";
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      std::size_t count = 0;
      std::uint32_t scale = 100000;
      for (; pos < text.size() && is_digit(text[pos]); ++pos, ++count) {
        if (count < 6) micro += static_cast<std::uint32_t>(text[pos] - '0') * scale;
        scale /= 10;
      }
      if (count == 0 || count > 9) return "the fraction of a second needs 1 to 9 digits";
    }
  }
  if (hour > 23) return "hour " + pad(hour, 2) + " is outside 00-23";
  if (minute > 59) return "minute " + pad(minute, 2) + " is outside 00-59";
  if (second > 59) return "second " + pad(second, 2) + " is outside 00-59";
  out = Time{static_cast<std::uint8_t>(hour), static_cast<std::uint8_t>(minute),
             static_cast<std::uint8_t>(second), micro};
  return {};
}

// "Z", "+HH", "+HHMM" or "+HH:MM" (and '-'), hours 00-23, minutes 00-59.
std::string parse_offset_at(std::string_view text, std::size_t& pos, std::int32_t& out) {
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
    out = 0;
    return {};
  }
  if (text[pos] != '+' && text[pos] != '-') return "unexpected text after the time";
  const int sign = text[pos++] == '-' ? -1 : 1;
  int hours = 0;
  int minutes = 0;
  if (!read_digits(text, pos, 2, hours)) return "the UTC offset is not +HH, +HHMM or +HH:MM";
  if (pos < text.size()) {
    if (text[pos] == ':') ++pos;
    if (!read_digits(text, pos, 2, minutes)) return "the UTC offset is not +HH, +HHMM or +HH:MM";
  }
  if (hours > 23 || minutes > 59) return "the UTC offset is outside -23:59 to +23:59";
  out = sign * (hours * 3600 + minutes * 60);
  return {};
}

// Whole-text parsers: "" on success, else what is wrong (used by parse() and by as<T>()).
template <class T, class Part>
std::string parse_whole(std::string_view text, T& out, Part part, const char* trailing) {
  std::size_t pos = 0;
  std::string why = part(text, pos, out);
  if (why.empty() && pos != text.size()) why = trailing;
  return why;
}

}  // namespace

namespace detail {

// Appends byte as two lowercase hex digits.
void append_hex(std::string& out, unsigned byte) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += kHex[(byte >> 4) & 0x0F];
  out += kHex[byte & 0x0F];
}

// text in single quotes for a message, cut after 60 bytes (at a UTF-8 character boundary).
std::string quote(std::string_view text) {
  constexpr std::size_t kMax = 60;
  if (text.size() <= kMax) return "'" + std::string(text) + "'";
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return "'" + std::string(text.substr(0, cut)) + "...'";
}

std::string try_parse_date(std::string_view text, Date& out) {
  return parse_whole(text, out, parse_date_at, "unexpected text after the date");
}

std::string try_parse_time(std::string_view text, Time& out) {
  return parse_whole(text, out, parse_time_at, "unexpected text after the time");
}

// A date, then optionally 'T' or ' ', a time, and a UTC offset; a bare date is midnight.
std::string try_parse_datetime(std::string_view text, DateTime& out) {
  std::size_t pos = 0;
  out = DateTime{};
  std::string why = parse_date_at(text, pos, out.date);
  if (!why.empty() || pos == text.size()) return why;
  if (text[pos] != 'T' && text[pos] != ' ') {
    return "expected 'T' or ' ' between the date and the time";
  }
  ++pos;
  why = parse_time_at(text, pos, out.time);
  if (!why.empty() || pos == text.size()) return why;
  std::int32_t offset = 0;
  why = parse_offset_at(text, pos, offset);
  out.utc_offset_seconds = offset;
  if (why.empty() && pos != text.size()) why = "unexpected text after the UTC offset";
  return why;
}

// [+-]digits[.digits][(e|E)[+-]digits], the grammar Decimal::parse documents.
bool is_decimal_literal(std::string_view text) noexcept {
  std::size_t pos = 0;
  auto digits = [&] {
    const std::size_t start = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    return pos > start;
  };
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
  if (!digits()) return false;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    if (!digits()) return false;
  }
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
    if (!digits()) return false;
  }
  return pos == text.size();
}

}  // namespace detail

using detail::append_hex;
using detail::is_decimal_literal;
using detail::quote;
using detail::try_parse_date;
using detail::try_parse_datetime;
using detail::try_parse_time;

// ---- Date, Time, DateTime ----

std::string Date::to_string() const {
  return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2);
}

Date Date::parse(std::string_view text) {
  Date date;
  if (const std::string why = try_parse_date(text, date); !why.empty()) {
    throw ArgumentError("wanted a date YYYY-MM-DD (0001-9999), found " + quote(text) + ": " + why);
  }
  return date;
}

std::string Time::to_string() const {
  std::string out = pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2);
  if (microsecond != 0) out += "." + pad(microsecond, 6);
  return out;
}

Time Time::parse(std::string_view text) {
  Time time;
  if (const std::string why = try_parse_time(text, time); !why.empty()) {
    throw ArgumentError("wanted a time HH:MM[:SS[.fraction]], found " + quote(text) + ": " + why);
  }
  return time;
}

std::string DateTime::to_string() const {
  std::string out = date.to_string() + " " + time.to_string();
  if (utc_offset_seconds) {
    const std::int32_t offset = *utc_offset_seconds;
    const std::int32_t magnitude = offset < 0 ? -offset : offset;
    out += offset < 0 ? '-' : '+';
    out += pad(magnitude / 3600, 2) + ":" + pad(magnitude / 60 % 60, 2);
    if (magnitude % 60 != 0) out += ":" + pad(magnitude % 60, 2);  // historical offsets (LMT)
  }
  return out;
}

DateTime DateTime::parse(std::string_view text) {
  DateTime value;
  if (const std::string why = try_parse_datetime(text, value); !why.empty()) {
    throw ArgumentError(
        "wanted a datetime YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]][Z|+HH[:MM]]], found " +
        quote(text) + ": " + why);
  }
  return value;
}

// ---- Decimal, Uuid ----

int Decimal::scale() const noexcept {
  const std::string_view t = text;
  const std::size_t point = t.find('.');
  const std::size_t e = t.find_first_of("eE");
  int fraction = 0;
  if (point != std::string_view::npos && (e == std::string_view::npos || point < e))
    fraction = static_cast<int>((e == std::string_view::npos ? t.size() : e) - point - 1);
  int exponent = 0;
  if (e != std::string_view::npos) {
    std::string_view digits = t.substr(e + 1);
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
    std::from_chars(digits.data(), digits.data() + digits.size(), exponent);
  }
  return fraction > exponent ? fraction - exponent : 0;
}

Decimal Decimal::parse(std::string_view text) {
  if (!is_decimal_literal(text)) {
    throw ArgumentError("wanted a decimal literal [+-]digits[.digits][e[+-]digits], found " +
                        quote(text));
  }
  return Decimal{std::string(text)};
}

std::string Uuid::to_string() const {
  Poco::UUID uuid;
  uuid.copyFrom(reinterpret_cast<const char*>(bytes.data()));
  return uuid.toString();
}

std::string Uuid::to_hex() const {
  std::string out;
  for (std::uint8_t b : bytes) append_hex(out, b);
  return out;
}

// Braces are stripped; the dashed form (exactly 36 characters, dashes at 8, 13, 18 and 23) is
// read by Poco::UUID once every other character is checked to be hex (Poco would accept
// trailing text); 32 bare hex digits are read here.
Uuid Uuid::parse(std::string_view text) {
  std::string_view body = text;
  if (body.size() >= 2 && body.front() == '{' && body.back() == '}') {
    body = body.substr(1, body.size() - 2);
  }
  auto fail = [&]() -> Uuid {
    throw ArgumentError("wanted a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx or 32 hex digits, "
                        "optionally in braces), found " +
                        quote(text));
  };
  Uuid out;
  if (body.size() == 36) {
    for (std::size_t i = 0; i < body.size(); ++i) {
      const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? body[i] != '-' : hex_value(body[i]) < 0) return fail();
    }
    Poco::UUID uuid;
    if (!uuid.tryParse(std::string(body))) return fail();
    uuid.copyTo(reinterpret_cast<char*>(out.bytes.data()));
    return out;
  }
  if (body.size() != 32) return fail();
  for (std::size_t i = 0; i < 16; ++i) {
    const int high = hex_value(body[2 * i]);
    const int low = hex_value(body[2 * i + 1]);
    if (high < 0 || low < 0) return fail();
    out.bytes[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  return out;
}

}  // namespace crucible
