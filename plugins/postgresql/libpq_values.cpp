// Values at the libpq boundary (libpq_values.hpp).
#include "libpq_values.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>
#include <variant>

#include "crucible/errors.hpp"

namespace crucible::postgresql {

namespace {

constexpr int kTextFormat = 0;
constexpr int kBinaryFormat = 1;

bool fits_int4(std::int64_t v) noexcept {
  return v >= std::numeric_limits<std::int32_t>::min() &&
         v <= std::numeric_limits<std::int32_t>::max();
}

std::string double_text(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);  // shortest round trip
  return std::string(buffer, ec == std::errc{} ? end : buffer);
}

// bytea's hex text form ("\x0a0b"), for a Bytes value sent as text (mixed kinds in executemany).
std::string bytea_hex(const Bytes& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + bytes.size() * 2);
  for (const std::byte b : bytes) {
    const auto v = static_cast<unsigned>(b);
    out += kHex[v >> 4];
    out += kHex[v & 15];
  }
  return out;
}

[[noreturn]] void nul_in_text(std::string_view what, std::size_t param, std::size_t at,
                              std::string_view sql) {
  throw DataError(ErrorInfo{
      "22021", 0,
      "parameter " + std::to_string(param + 1) + " is " + std::string(what) +
          " holding a NUL character at byte " + std::to_string(at) +
          "; PostgreSQL text cannot store NUL (send it as Bytes to a bytea column instead)",
      std::string(sql)});
}

template <class T>
std::optional<T> parse_number(std::string_view text) noexcept {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Parses with T::parse; the server's text when the Value kind cannot hold it.
template <class T>
Value parse_or_text(std::string_view text) {
  try {
    return Value(T::parse(text));
  } catch (const ArgumentError&) {
    return Value(std::string(text));
  }
}

}  // namespace

TypeOid parameter_type(const Value& value) noexcept {
  switch (value.kind()) {
  case ValueKind::kNull: return oid::kUnknown;
  case ValueKind::kBool: return oid::kBool;
  case ValueKind::kInt:
    return fits_int4(std::get<std::int64_t>(value.storage())) ? oid::kInt4 : oid::kInt8;
  case ValueKind::kDouble: return oid::kFloat8;
  case ValueKind::kString: return oid::kUnknown;
  case ValueKind::kBytes: return oid::kBytea;
  case ValueKind::kDate: return oid::kDate;
  case ValueKind::kTime: return oid::kTime;
  case ValueKind::kDateTime:
    return std::get<DateTime>(value.storage()).utc_offset_seconds ? oid::kTimestamptz
                                                                  : oid::kTimestamp;
  case ValueKind::kDecimal: return oid::kNumeric;
  case ValueKind::kUuid: return oid::kUuid;
  case ValueKind::kJson: return oid::kJsonb;
  }
  return oid::kUnknown;
}

std::vector<TypeOid> unify_parameter_types(const ParamSets& sets) {
  std::size_t width = 0;
  for (std::size_t s = 0; s < sets.size(); ++s) width = std::max(width, sets[s].size());
  std::vector<TypeOid> types(width, oid::kUnknown);
  std::vector<bool> seen(width, false);
  std::vector<bool> mixed(width, false);
  for (std::size_t s = 0; s < sets.size(); ++s) {
    const std::span<const Value* const> set = sets[s];
    for (std::size_t i = 0; i < set.size(); ++i) {
      if (set[i]->is_null() || mixed[i]) continue;
      const TypeOid type = parameter_type(*set[i]);
      if (!seen[i]) {
        types[i] = type;
        seen[i] = true;
      } else if (types[i] != type) {
        const bool integers = (types[i] == oid::kInt4 || types[i] == oid::kInt8) &&
                              (type == oid::kInt4 || type == oid::kInt8);
        if (integers) {
          types[i] = oid::kInt8;
        } else {
          types[i] = oid::kUnknown;
          mixed[i] = true;
        }
      }
    }
  }
  return types;
}

void EncodedParams::encode(std::span<const Value> params, std::span<const TypeOid> param_types,
                           std::string_view sql) {
  encode_each(
      params.size(), [&](std::size_t i) -> const Value& { return params[i]; }, param_types, sql);
}

void EncodedParams::encode(std::span<const Value* const> params,
                           std::span<const TypeOid> param_types, std::string_view sql) {
  encode_each(
      params.size(), [&](std::size_t i) -> const Value& { return *params[i]; }, param_types, sql);
}

template <class At>
void EncodedParams::encode_each(std::size_t n, At at, std::span<const TypeOid> param_types,
                                std::string_view sql) {
  if (param_types.empty()) {
    types.resize(n);
    for (std::size_t i = 0; i < n; ++i) types[i] = parameter_type(at(i));
  } else {
    types.assign(param_types.begin(), param_types.end());
    types.resize(n, oid::kUnknown);
  }
  values.assign(n, nullptr);
  lengths.assign(n, 0);
  formats.assign(n, kTextFormat);
  text_.clear();
  text_.reserve(n);  // no reallocation below: values[] point into these strings
  std::vector<std::size_t> text_slot(n, static_cast<std::size_t>(-1));
  const auto keep = [&](std::size_t i, std::string text) {
    text_slot[i] = text_.size();
    text_.push_back(std::move(text));
  };
  for (std::size_t i = 0; i < n; ++i) {
    const Value& value = at(i);
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            values[i] = nullptr;
          } else if constexpr (std::is_same_v<T, bool>) {
            values[i] = v ? "t" : "f";
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            keep(i, std::to_string(v));
          } else if constexpr (std::is_same_v<T, double>) {
            keep(i, double_text(v));
          } else if constexpr (std::is_same_v<T, std::string>) {
            if (const auto nul = v.find('\0'); nul != std::string::npos) {
              nul_in_text("a string", i, nul, sql);
            }
            values[i] = v.c_str();
          } else if constexpr (std::is_same_v<T, Bytes>) {
            if (types[i] == oid::kBytea) {
              static constexpr char kEmpty = 0;
              values[i] = v.empty() ? &kEmpty : reinterpret_cast<const char*>(v.data());
              lengths[i] = static_cast<int>(v.size());
              formats[i] = kBinaryFormat;
            } else {
              keep(i, bytea_hex(v));
            }
          } else if constexpr (std::is_same_v<T, Decimal>) {
            values[i] = v.text.c_str();
          } else if constexpr (std::is_same_v<T, Json>) {
            if (const auto nul = v.text.find('\0'); nul != std::string::npos) {
              nul_in_text("JSON", i, nul, sql);
            }
            values[i] = v.text.c_str();
          } else {  // Date, Time, DateTime, Uuid
            keep(i, v.to_string());
          }
        },
        value.storage());
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (text_slot[i] != static_cast<std::size_t>(-1)) values[i] = text_[text_slot[i]].c_str();
  }
}

Value read_field(const char* text, int length, TypeOid type) {
  const std::string_view field(text, static_cast<std::size_t>(length));
  switch (type) {
  case oid::kBool: return Value(field == "t");
  case oid::kInt2:
  case oid::kInt4:
  case oid::kInt8:
  case oid::kOid:
    if (const auto v = parse_number<std::int64_t>(field)) return Value(*v);
    break;
  case oid::kFloat4:
  case oid::kFloat8:
    // from_chars reads "NaN", "Infinity" and "-Infinity" as strtod does.
    if (const auto v = parse_number<double>(field)) return Value(*v);
    break;
  case oid::kNumeric:
    if (field == "NaN" || field == "Infinity" || field == "-Infinity") {
      return Value(*parse_number<double>(field));
    }
    return Value(Decimal{std::string(field)});
  case oid::kBytea: {
    std::size_t size = 0;
    const std::unique_ptr<unsigned char, decltype(&PQfreemem)> raw(
        PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &size), &PQfreemem);
    if (!raw) throw std::bad_alloc();
    const auto* begin = reinterpret_cast<const std::byte*>(raw.get());
    return Value(Bytes(begin, begin + size));
  }
  case oid::kDate: return parse_or_text<Date>(field);
  case oid::kTime: return parse_or_text<Time>(field);
  case oid::kTimestamp:
  case oid::kTimestamptz: return parse_or_text<DateTime>(field);
  case oid::kUuid: return parse_or_text<Uuid>(field);
  case oid::kJson:
  case oid::kJsonb: return Value(Json{std::string(field)});
  default: break;
  }
  return Value(std::string(field));
}

void read_field_into(const char* text, int length, TypeOid type, Value& out) {
  switch (type) {
  case oid::kText:
  case oid::kVarchar:
  case oid::kBpchar:
  case oid::kName:
    out.assign_string(std::string_view(text, static_cast<std::size_t>(length)));
    return;
  default: out = read_field(text, length, type); return;
  }
}

std::string type_name(TypeOid type, int typmod) {
  const bool has_mod = typmod >= 0;
  switch (type) {
  case oid::kBool: return "boolean";
  case oid::kBytea: return "bytea";
  case oid::kChar: return "\"char\"";
  case oid::kName: return "name";
  case oid::kInt8: return "bigint";
  case oid::kInt2: return "smallint";
  case oid::kInt4: return "integer";
  case oid::kText: return "text";
  case oid::kOid: return "oid";
  case oid::kJson: return "json";
  case oid::kFloat4: return "real";
  case oid::kFloat8: return "double precision";
  case oid::kBpchar: return has_mod ? "character(" + std::to_string(typmod - 4) + ")" : "character";
  case oid::kVarchar:
    return has_mod ? "character varying(" + std::to_string(typmod - 4) + ")" : "character varying";
  case oid::kDate: return "date";
  case oid::kTime:
    return has_mod ? "time(" + std::to_string(typmod) + ") without time zone"
                   : "time without time zone";
  case oid::kTimestamp:
    return has_mod ? "timestamp(" + std::to_string(typmod) + ") without time zone"
                   : "timestamp without time zone";
  case oid::kTimestamptz:
    return has_mod ? "timestamp(" + std::to_string(typmod) + ") with time zone"
                   : "timestamp with time zone";
  case oid::kInterval: return "interval";
  case oid::kTimetz: return "time with time zone";
  case oid::kNumeric:
    if (const auto p = numeric_precision(type, typmod)) {
      return "numeric(" + std::to_string(*p) + "," + std::to_string(*numeric_scale(type, typmod)) +
             ")";
    }
    return "numeric";
  case oid::kUuid: return "uuid";
  case oid::kJsonb: return "jsonb";
  default: return "";
  }
}

// numeric's typmod is ((precision << 16) | scale) + VARHDRSZ (4); -1 when unconstrained.
std::optional<std::int32_t> numeric_precision(TypeOid type, int typmod) noexcept {
  if (type != oid::kNumeric || typmod < 4) return std::nullopt;
  return ((typmod - 4) >> 16) & 0xFFFF;
}

std::optional<std::int32_t> numeric_scale(TypeOid type, int typmod) noexcept {
  if (type != oid::kNumeric || typmod < 4) return std::nullopt;
  // The scale is an 11-bit signed field since PostgreSQL 15 (negative scales); sign-extend it.
  const int raw = (typmod - 4) & 0x7FF;
  return raw >= 0x400 ? raw - 0x800 : raw;
}

}  // namespace crucible::postgresql
