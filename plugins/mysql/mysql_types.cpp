// MySQL's type compiler and the dialect's type hooks (mysql_types.hpp): CAST names, bind and
// result processors, and reflected type names.
#include "mysql_types.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "crucible/errors.hpp"
#include "mysql_compiler.hpp"
#include "mysql_dialect.hpp"

namespace crucible::mysql {

namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// Days since 1970-01-01 of a proleptic Gregorian date, and back (std::chrono's calendar).
std::int64_t days_from_civil(const Date& d) noexcept {
  using namespace std::chrono;
  return sys_days{year{d.year} / month{d.month} / day{d.day}}.time_since_epoch().count();
}

Date civil_from_days(std::int64_t z) noexcept {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{days{z}}};
  return Date{static_cast<int>(ymd.year()),
              static_cast<std::uint8_t>(static_cast<unsigned>(ymd.month())),
              static_cast<std::uint8_t>(static_cast<unsigned>(ymd.day()))};
}

// dt at UTC, without an offset: dt minus its offset.
DateTime to_utc(const DateTime& dt) {
  if (!dt.utc_offset_seconds || *dt.utc_offset_seconds == 0)
    return DateTime{dt.date, dt.time, std::nullopt};
  std::int64_t seconds = days_from_civil(dt.date) * 86400 + dt.time.hour * 3600 +
                         dt.time.minute * 60 + dt.time.second - *dt.utc_offset_seconds;
  std::int64_t days = seconds / 86400;
  seconds %= 86400;
  if (seconds < 0) {
    seconds += 86400;
    --days;
  }
  Time time{static_cast<std::uint8_t>(seconds / 3600), static_cast<std::uint8_t>(seconds / 60 % 60),
            static_cast<std::uint8_t>(seconds % 60), dt.time.microsecond};
  return DateTime{civil_from_days(days), time, std::nullopt};
}

bool native_uuid(const MysqlDialect& dialect) noexcept {
  return dialect.features().supports_native_uuid;
}

}  // namespace

// ---- type names -------------------------------------------------------------------------------

std::string MysqlTypeCompiler::process(const SqlType& type) const {
  switch (type.kind()) {
  case TypeKind::kFloat: return "FLOAT";
  case TypeKind::kDouble: return "DOUBLE";
  case TypeKind::kNumeric: {
    if (!type.precision()) return "DECIMAL(65, 30)";
    std::string out = "DECIMAL(" + std::to_string(*type.precision());
    if (type.scale()) out += ", " + std::to_string(*type.scale());
    return out + ")";
  }
  case TypeKind::kString:
    return type.length() ? "VARCHAR(" + std::to_string(*type.length()) + ")" : "LONGTEXT";
  case TypeKind::kText: return "LONGTEXT";
  case TypeKind::kBoolean: return "BOOL";
  case TypeKind::kTime: return "TIME(6)";
  case TypeKind::kDateTime: return "DATETIME(6)";
  case TypeKind::kLargeBinary: return "LONGBLOB";
  case TypeKind::kUuid: return native_uuid(dialect_) ? "UUID" : "CHAR(32)";
  case TypeKind::kJson: return "JSON";
  case TypeKind::kEnum: {
    if (type.enum_values().empty()) return TypeCompiler::process(type);
    std::string out = "ENUM(";
    const auto& values = type.enum_values();
    for (std::size_t i = 0; i < values.size(); ++i)
      out += (i != 0 ? ", " : "") + string_literal(values[i]);
    return out + ")";
  }
  default: return TypeCompiler::process(type);
  }
}

std::string cast_type_name(const MysqlDialect& dialect, const SqlType& type) {
  switch (type.kind()) {
  case TypeKind::kInteger:
  case TypeKind::kSmallInteger:
  case TypeKind::kBigInteger:
  case TypeKind::kBoolean: return "SIGNED";
  case TypeKind::kFloat:
  case TypeKind::kDouble: return "DOUBLE";
  case TypeKind::kNumeric: return dialect.type_compiler().process(type);
  case TypeKind::kString:
    return type.length() ? "CHAR(" + std::to_string(*type.length()) + ")" : "CHAR";
  case TypeKind::kText:
  case TypeKind::kEnum: return "CHAR";
  case TypeKind::kDate: return "DATE";
  case TypeKind::kTime: return "TIME(6)";
  case TypeKind::kDateTime: return "DATETIME(6)";
  case TypeKind::kLargeBinary: return "BINARY";
  case TypeKind::kUuid: return native_uuid(dialect) ? "CHAR(36)" : "CHAR(32)";
  case TypeKind::kJson: return dialect.is_mariadb() ? "CHAR" : "JSON";
  case TypeKind::kNull: break;
  }
  throw NotSupportedError(ErrorInfo{
      .driver_message = "wanted a SQL type to CAST to, found the untyped (NullType) type; give "
                        "cast() a type such as Integer{} or String{50}"});
}

// ---- bind and result processors ---------------------------------------------------------------

Value MysqlDialect::process_bind(const SqlType& type, Value value) const {
  // The generic step first turns convertible kinds into the type's own (a "2024-01-02" string
  // for a Date column becomes a Date); then the type's kind gets its storage form.
  value = Dialect::process_bind(type, std::move(value));
  const auto& v = value.storage();
  switch (type.kind()) {
  case TypeKind::kBoolean:
    if (const bool* b = std::get_if<bool>(&v)) return Value(std::int64_t{*b ? 1 : 0});
    return value;
  case TypeKind::kUuid:
    if (const Uuid* u = std::get_if<Uuid>(&v))
      return Value(features_.supports_native_uuid ? u->to_string() : u->to_hex());
    return value;
  case TypeKind::kJson:
    if (const Json* j = std::get_if<Json>(&v)) return Value(j->text);
    return value;
  case TypeKind::kDateTime:
    if (const DateTime* dt = std::get_if<DateTime>(&v); dt && type.timezone())
      return Value(to_utc(*dt));
    return value;
  default: return value;
  }
}

bool MysqlDialect::needs_bind_processing(const SqlType& type, ValueKind kind) const {
  switch (type.kind()) {
  case TypeKind::kBoolean: return kind == ValueKind::kBool || kind == ValueKind::kInt;
  case TypeKind::kUuid:
  case TypeKind::kJson: return kind != ValueKind::kNull;
  case TypeKind::kDateTime:
    return type.timezone() ? kind != ValueKind::kNull : Dialect::needs_bind_processing(type, kind);
  default: return Dialect::needs_bind_processing(type, kind);
  }
}

// ---- reflected type names ---------------------------------------------------------------------

SqlType MysqlDialect::reflect_type(std::string_view declared) const {
  const std::string name = upper(declared);
  const auto starts = [&](std::string_view prefix) { return name.rfind(prefix, 0) == 0; };
  const bool is_unsigned = name.find("UNSIGNED") != std::string::npos;
  // TINYINT(1) is how MySQL stores BOOL (and what SQLAlchemy reflects as Boolean); BIT(1) the
  // one-bit flag.
  if (starts("TINYINT(1)") || starts("BIT(1)") || name == "BIT") return Boolean{};
  if (starts("TINYINT")) return SmallInteger{};
  if (starts("SMALLINT")) return is_unsigned ? SqlType(Integer{}) : SqlType(SmallInteger{});
  if (starts("MEDIUMINT")) return Integer{};
  if (starts("INT") && !starts("INTERVAL"))
    return is_unsigned ? SqlType(BigInteger{}) : SqlType(Integer{});
  if (starts("BIGINT")) return BigInteger{};
  if (starts("YEAR")) return Integer{};
  if (starts("BIT")) return BigInteger{};
  if (starts("DOUBLE") || starts("REAL")) return Double{};
  if (starts("SET(")) return String{};
  if (starts("BINARY") || starts("VARBINARY")) return LargeBinary{};
  if (starts("INET4") || starts("INET6")) return String{};
  // The rest is common SQL (DECIMAL(p,s), VARCHAR(n), the TEXT and BLOB families, DATETIME(6),
  // TIMESTAMP, TIME, ENUM('a','b'), JSON, UUID, FLOAT); an UNSIGNED suffix is a word the base
  // ignores.
  return Dialect::reflect_type(declared);
}

}  // namespace crucible::mysql
