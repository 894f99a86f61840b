#pragma once
// Internal to libcrucible: the text helpers value_text.cpp (the kinds' text forms) shares with
// value.cpp (Value's conversions), so that as<Date>() and Date::parse() read text the same way
// and report the same reasons. Not a public header.
#include <string>
#include <string_view>

#include "crucible/value.hpp"

namespace crucible::detail {

/// Appends byte (0-255) as two lowercase hex digits.
void append_hex(std::string& out, unsigned byte);

/// text in single quotes for a message, cut after 60 bytes at a UTF-8 character boundary.
std::string quote(std::string_view text);

/// Whole-text parsers behind Date::parse, Time::parse and DateTime::parse: they fill out and
/// return "" on success, or return what is wrong ("day 30 does not exist in 2023-02, which has
/// 28 days") without throwing.
std::string try_parse_date(std::string_view text, Date& out);
std::string try_parse_time(std::string_view text, Time& out);
std::string try_parse_datetime(std::string_view text, DateTime& out);

/// True when text is [+-]digits[.digits][(e|E)[+-]digits], the grammar of Decimal::parse.
bool is_decimal_literal(std::string_view text) noexcept;

}  // namespace crucible::detail
