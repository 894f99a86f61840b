// Typed parameter markers for psqlODBC (odbc_markers.hpp).
#include "odbc_markers.hpp"

#include <cctype>
#include <limits>

namespace crucible::odbc {

namespace {

bool fits_int4(std::int64_t v) noexcept {
  return v >= std::numeric_limits<std::int32_t>::min() &&
         v <= std::numeric_limits<std::int32_t>::max();
}

}  // namespace

std::string_view postgresql_cast(const Value& value) noexcept {
  switch (value.kind()) {
  case ValueKind::kNull:
  case ValueKind::kString: return {};
  case ValueKind::kBool: return "::bool";
  case ValueKind::kInt:
    return fits_int4(std::get<std::int64_t>(value.storage())) ? "::int4" : "::int8";
  case ValueKind::kDouble: return "::float8";
  case ValueKind::kBytes: return "::bytea";
  case ValueKind::kDate: return "::date";
  case ValueKind::kTime: return "::time";
  case ValueKind::kDateTime:
    return std::get<DateTime>(value.storage()).utc_offset_seconds ? "::timestamptz" : "::timestamp";
  case ValueKind::kDecimal: return "::numeric";
  case ValueKind::kUuid: return "::uuid";
  case ValueKind::kJson: return "::jsonb";
  }
  return {};
}

std::string_view postgresql_cast(const ParamSets& sets, std::size_t column) noexcept {
  std::string_view cast;
  bool seen = false;
  for (std::size_t set = 0; set < sets.size(); ++set) {
    const Value& value = *sets[set][column];
    if (value.is_null()) continue;
    std::string_view here = postgresql_cast(value);
    if (seen && here != cast) {
      if ((here == "::int4" && cast == "::int8") || (here == "::int8" && cast == "::int4")) {
        cast = "::int8";
        continue;
      }
      return {};
    }
    cast = here;
    seen = true;
  }
  return cast;
}

std::string cast_markers(std::string_view sql, std::span<const std::string_view> casts) {
  bool any = false;
  for (const auto cast : casts) any = any || !cast.empty();
  if (!any) return std::string(sql);
  std::string out;
  out.reserve(sql.size() + 8 * casts.size());
  std::size_t marker = 0;
  std::size_t i = 0;
  const auto copy_until = [&](std::size_t end) {
    out.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {  // '…' ('' inside; E'…' with \' too) or "…" ("" inside)
      const bool escapes = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e');
      std::size_t j = i + 1;
      while (j < sql.size()) {
        if (escapes && sql[j] == '\\') {
          j += 2;
        } else if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            j += 2;
          } else {
            break;
          }
        } else {
          ++j;
        }
      }
      copy_until(std::min(j + 1, sql.size()));
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const std::size_t end = sql.find('\n', i);
      copy_until(end == std::string_view::npos ? sql.size() : end);
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      const std::size_t end = sql.find("*/", i + 2);
      copy_until(end == std::string_view::npos ? sql.size() : end + 2);
    } else if (c == '$') {  // $tag$ … $tag$ (a tag is empty or an identifier)
      std::size_t j = i + 1;
      while (j < sql.size() &&
             (std::isalnum(static_cast<unsigned char>(sql[j])) != 0 || sql[j] == '_')) {
        ++j;
      }
      if (j < sql.size() && sql[j] == '$' &&
          (j == i + 1 || std::isdigit(static_cast<unsigned char>(sql[i + 1])) == 0)) {
        const std::string_view tag = sql.substr(i, j - i + 1);
        const std::size_t end = sql.find(tag, j + 1);
        copy_until(end == std::string_view::npos ? sql.size() : end + tag.size());
      } else {
        copy_until(i + 1);
      }
    } else if (c == '?') {
      copy_until(i + 1);
      if (marker < casts.size()) out.append(casts[marker]);
      ++marker;
    } else {
      copy_until(i + 1);
    }
  }
  return out;
}

}  // namespace crucible::odbc
