// Values at the MariaDB Connector/C boundary (mariadb_values.hpp).
#include "mariadb_values.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <variant>

#include "crucible/errors.hpp"
#include "mariadb_errors.hpp"

namespace crucible::mysql {

namespace {

constexpr unsigned int kBinaryCharset = 63;    // the "binary" character set's number
constexpr unsigned long kInitialBuffer = 256;  // a variable-length column's first buffer
constexpr unsigned long kMaxInitialBuffer = 64 * 1024;

[[noreturn]] void bad_double(double v, std::size_t param, std::string_view sql) {
  throw DataError(
      ErrorInfo{"22003", 0,
                "parameter " + std::to_string(param + 1) + " is the double " +
                    (std::isnan(v) ? std::string("NaN") : std::string(v > 0 ? "+inf" : "-inf")) +
                    ", which MySQL and MariaDB cannot store (DOUBLE has no NaN or "
                    "infinity); send NULL instead",
                std::string(sql)});
}

void check_double(double v, std::size_t param, std::string_view sql) {
  if (!std::isfinite(v)) bad_double(v, param, sql);
}

MYSQL_TIME blank_time(enum_mysql_timestamp_type type) noexcept {
  MYSQL_TIME t;
  std::memset(&t, 0, sizeof t);
  t.time_type = type;
  return t;
}

void set_uuid_text(const Uuid& uuid, std::array<char, 36>& out) noexcept {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t o = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
    out[o++] = kHex[uuid.bytes[i] >> 4];
    out[o++] = kHex[uuid.bytes[i] & 15];
  }
}

// Where an empty value points: Connector/C takes a null buffer for NULL.
char kEmpty[1] = {'\0'};

// Points b at text [data, data + size) of type type (no copy).
void bind_text(MYSQL_BIND& b, enum_field_types type, const char* data, std::size_t size) noexcept {
  b.buffer_type = type;
  b.buffer = size == 0 ? kEmpty : const_cast<char*>(data);  // Connector/C only reads them
  b.buffer_length = static_cast<unsigned long>(size);
  b.length = nullptr;  // parameters: buffer_length is the length
}

template <class T>
std::optional<T> parse_number(std::string_view text) noexcept {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Parses with T::parse; the server's text when the Value kind cannot hold it (0000-00-00…).
template <class T>
void parse_or_text(std::string_view text, Value& out) {
  try {
    out = Value(T::parse(text));
  } catch (const ArgumentError&) {
    out.assign_string(text);
  }
}

std::string two(unsigned v) {
  std::string s = std::to_string(v);
  return s.size() < 2 ? "0" + s : s;
}

// MYSQL_TIME as the server would print it, for values the Value kinds cannot hold.
std::string time_text(const MYSQL_TIME& t) {
  std::string out;
  const auto clock = [&] {
    out += two(t.hour) + ":" + two(t.minute) + ":" + two(t.second);
    if (t.second_part != 0) {
      std::string frac = std::to_string(t.second_part);
      out += "." + std::string(6 - std::min<std::size_t>(6, frac.size()), '0') + frac;
    }
  };
  if (t.time_type == MYSQL_TIMESTAMP_TIME) {
    if (t.neg) out += "-";
    clock();
    return out;
  }
  std::string year = std::to_string(t.year);
  out = std::string(4 - std::min<std::size_t>(4, year.size()), '0') + year + "-" + two(t.month) +
        "-" + two(t.day);
  if (t.time_type == MYSQL_TIMESTAMP_DATETIME) {
    out += " ";
    clock();
  }
  return out;
}

bool valid_date(const MYSQL_TIME& t) noexcept {
  const std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(t.year)),
                                        std::chrono::month(t.month), std::chrono::day(t.day)};
  return t.year >= 1 && ymd.ok();
}

void read_time(const MYSQL_TIME& t, FieldKind kind, Value& out) {
  switch (kind) {
  case FieldKind::kDate:
    if (valid_date(t)) {
      out = Value(Date{static_cast<std::int32_t>(t.year), static_cast<std::uint8_t>(t.month),
                       static_cast<std::uint8_t>(t.day)});
      return;
    }
    break;
  case FieldKind::kTime:
    if (!t.neg && t.day == 0 && t.hour < 24) {
      out = Value(Time{static_cast<std::uint8_t>(t.hour), static_cast<std::uint8_t>(t.minute),
                       static_cast<std::uint8_t>(t.second),
                       static_cast<std::uint32_t>(t.second_part)});
      return;
    }
    if (t.day != 0) {  // Connector/C may split hours > 23 into days
      MYSQL_TIME hours = t;
      hours.hour += hours.day * 24;
      hours.day = 0;
      out = Value(time_text(hours));
      return;
    }
    break;
  default:
    if (valid_date(t)) {
      out = Value(DateTime{
          Date{static_cast<std::int32_t>(t.year), static_cast<std::uint8_t>(t.month),
               static_cast<std::uint8_t>(t.day)},
          Time{static_cast<std::uint8_t>(t.hour), static_cast<std::uint8_t>(t.minute),
               static_cast<std::uint8_t>(t.second), static_cast<std::uint32_t>(t.second_part)},
          std::nullopt});
      return;
    }
    break;
  }
  out = Value(time_text(t));
}

// BIT(n) bytes, big-endian, as int64.
std::int64_t bit_value(const char* data, unsigned long length) noexcept {
  std::uint64_t v = 0;
  for (unsigned long i = 0; i < length; ++i) v = (v << 8) | static_cast<unsigned char>(data[i]);
  return static_cast<std::int64_t>(v);
}

void read_unsigned(std::uint64_t v, Value& out) {
  if (v <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    out = Value(static_cast<std::int64_t>(v));
  } else {
    out = Value(Decimal{std::to_string(v)});
  }
}

// Fields read into a variable-length buffer (which may need a second fetch when long).
bool is_variable(FieldKind kind) noexcept {
  return kind == FieldKind::kDecimal || kind == FieldKind::kString || kind == FieldKind::kBytes ||
         kind == FieldKind::kJson || kind == FieldKind::kBit;
}

bool is_json(const MYSQL_FIELD& field) noexcept {
  if (field.type == MYSQL_TYPE_JSON) return true;
  MARIADB_CONST_STRING format{nullptr, 0};
  if (mariadb_field_attr(&format, &field, MARIADB_FIELD_ATTR_FORMAT_NAME) != 0) return false;
  return format.length == 4 && std::memcmp(format.str, "json", 4) == 0;
}

}  // namespace

// ---- parameters ------------------------------------------------------------------------------

MYSQL_TIME to_mysql_time(const Date& value) noexcept {
  MYSQL_TIME t = blank_time(MYSQL_TIMESTAMP_DATE);
  t.year = static_cast<unsigned>(value.year);
  t.month = value.month;
  t.day = value.day;
  return t;
}

MYSQL_TIME to_mysql_time(const Time& value) noexcept {
  MYSQL_TIME t = blank_time(MYSQL_TIMESTAMP_TIME);
  t.hour = value.hour;
  t.minute = value.minute;
  t.second = value.second;
  t.second_part = value.microsecond;
  return t;
}

MYSQL_TIME to_mysql_time(const DateTime& value) noexcept {
  using namespace std::chrono;
  MYSQL_TIME t = blank_time(MYSQL_TIMESTAMP_DATETIME);
  Date date = value.date;
  Time time = value.time;
  if (value.utc_offset_seconds && *value.utc_offset_seconds != 0) {
    // local = UTC + offset, so UTC = local - offset.
    const sys_days day{year(date.year) / month(date.month) / std::chrono::day(date.day)};
    const sys_seconds local = day + hours(time.hour) + minutes(time.minute) + seconds(time.second);
    const sys_seconds utc = local - seconds(*value.utc_offset_seconds);
    const sys_days utc_day = floor<days>(utc);
    const year_month_day ymd{utc_day};
    const hh_mm_ss<seconds> clock{utc - utc_day};
    date = Date{static_cast<int>(ymd.year()), static_cast<std::uint8_t>(unsigned(ymd.month())),
                static_cast<std::uint8_t>(unsigned(ymd.day()))};
    time.hour = static_cast<std::uint8_t>(clock.hours().count());
    time.minute = static_cast<std::uint8_t>(clock.minutes().count());
    time.second = static_cast<std::uint8_t>(clock.seconds().count());
  }
  t.year = static_cast<unsigned>(date.year);
  t.month = date.month;
  t.day = date.day;
  t.hour = time.hour;
  t.minute = time.minute;
  t.second = time.second;
  t.second_part = time.microsecond;
  return t;
}

template <class At>
void ParamBinds::bind_each(std::size_t n, At at, std::string_view sql) {
  binds_.assign(n, MYSQL_BIND{});
  if (times_.size() < n) {
    times_.resize(n);
    tinies_.resize(n);
    uuids_.resize(n);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Value& value = at(i);
    MYSQL_BIND& b = binds_[i];
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            b.buffer_type = MYSQL_TYPE_NULL;
          } else if constexpr (std::is_same_v<T, bool>) {
            tinies_[i] = v ? 1 : 0;
            b.buffer_type = MYSQL_TYPE_TINY;
            b.buffer = &tinies_[i];
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            b.buffer_type = MYSQL_TYPE_LONGLONG;
            b.buffer = const_cast<std::int64_t*>(&v);
          } else if constexpr (std::is_same_v<T, double>) {
            check_double(v, i, sql);
            b.buffer_type = MYSQL_TYPE_DOUBLE;
            b.buffer = const_cast<double*>(&v);
          } else if constexpr (std::is_same_v<T, std::string>) {
            bind_text(b, MYSQL_TYPE_STRING, v.data(), v.size());
          } else if constexpr (std::is_same_v<T, Bytes>) {
            bind_text(b, MYSQL_TYPE_BLOB, reinterpret_cast<const char*>(v.data()), v.size());
          } else if constexpr (std::is_same_v<T, Date> || std::is_same_v<T, Time> ||
                               std::is_same_v<T, DateTime>) {
            times_[i] = to_mysql_time(v);
            b.buffer_type = std::is_same_v<T, Date>   ? MYSQL_TYPE_DATE
                            : std::is_same_v<T, Time> ? MYSQL_TYPE_TIME
                                                      : MYSQL_TYPE_DATETIME;
            b.buffer = &times_[i];
          } else if constexpr (std::is_same_v<T, Decimal>) {
            bind_text(b, MYSQL_TYPE_NEWDECIMAL, v.text.data(), v.text.size());
          } else if constexpr (std::is_same_v<T, Uuid>) {
            set_uuid_text(v, uuids_[i]);
            bind_text(b, MYSQL_TYPE_STRING, uuids_[i].data(), uuids_[i].size());
          } else {
            static_assert(std::is_same_v<T, Json>);
            bind_text(b, MYSQL_TYPE_STRING, v.text.data(), v.text.size());
          }
        },
        value.storage());
  }
}

void ParamBinds::bind(std::span<const Value> params, std::string_view sql) {
  bind_each(
      params.size(), [&](std::size_t i) -> const Value& { return params[i]; }, sql);
}

void ParamBinds::bind(std::span<const Value* const> params, std::string_view sql) {
  bind_each(
      params.size(), [&](std::size_t i) -> const Value& { return *params[i]; }, sql);
}

// ---- bulk parameters -------------------------------------------------------------------------

bool BulkBinds::can_bind(const ParamSets& sets, std::size_t first, std::size_t width) {
  if (width == 0) return false;  // the bulk protocol wants parameters
  std::array<ValueKind, 64> small{};
  std::vector<ValueKind> large;
  ValueKind* kinds = small.data();
  if (width > small.size()) {
    large.assign(width, ValueKind::kNull);
    kinds = large.data();
  } else {
    small.fill(ValueKind::kNull);
  }
  for (std::size_t s = first; s < sets.size(); ++s) {
    const auto set = sets[s];
    if (set.size() != width) return false;
    for (std::size_t i = 0; i < width; ++i) {
      const ValueKind kind = set[i]->kind();
      if (kind == ValueKind::kNull) continue;
      if (kinds[i] == ValueKind::kNull) {
        kinds[i] = kind;
      } else if (kinds[i] != kind) {
        return false;
      }
    }
  }
  return true;
}

std::size_t BulkBinds::wire_size(std::span<const Value* const> set) noexcept {
  std::size_t size = 0;
  for (const Value* value : set) {
    size += 1 + 9;  // indicator, and a length prefix or a fixed-size value
    switch (value->kind()) {
    case ValueKind::kString: size += std::get<std::string>(value->storage()).size(); break;
    case ValueKind::kBytes: size += std::get<Bytes>(value->storage()).size(); break;
    case ValueKind::kDecimal: size += std::get<Decimal>(value->storage()).text.size(); break;
    case ValueKind::kJson: size += std::get<Json>(value->storage()).text.size(); break;
    case ValueKind::kUuid: size += 36; break;
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kDateTime: size += 12; break;
    default: break;
    }
  }
  return size;
}

void BulkBinds::bind(const ParamSets& sets, std::size_t first, std::size_t count,
                     std::string_view sql) {
  const std::size_t width = sets[first].size();
  binds_.assign(width, MYSQL_BIND{});
  columns_.resize(width);
  for (std::size_t i = 0; i < width; ++i) {
    Column& col = columns_[i];
    MYSQL_BIND& b = binds_[i];
    col.indicators.assign(count, STMT_INDICATOR_NONE);
    ValueKind kind = ValueKind::kNull;
    for (std::size_t r = 0; r < count && kind == ValueKind::kNull; ++r) {
      kind = sets[first + r][i]->kind();
    }
    const auto fill = [&](auto& array, auto&& convert) {
      array.resize(count);
      for (std::size_t r = 0; r < count; ++r) {
        const Value& value = *sets[first + r][i];
        if (value.is_null()) {
          col.indicators[r] = STMT_INDICATOR_NULL;
        } else {
          convert(value, r);
        }
      }
      b.buffer = array.data();
    };
    const auto fill_text = [&](enum_field_types type, auto&& text_of) {
      col.lengths.resize(count);
      b.buffer_type = type;
      b.length = col.lengths.data();
      fill(col.pointers, [&](const Value& value, std::size_t r) {
        const std::string_view text = text_of(value, r);
        col.pointers[r] = text.empty() ? kEmpty : const_cast<char*>(text.data());  // only read
        col.lengths[r] = static_cast<unsigned long>(text.size());
      });
    };
    switch (kind) {
    case ValueKind::kNull:
      b.buffer_type = MYSQL_TYPE_NULL;
      std::fill(col.indicators.begin(), col.indicators.end(), STMT_INDICATOR_NULL);
      break;
    case ValueKind::kBool:
      b.buffer_type = MYSQL_TYPE_TINY;
      fill(col.tinies, [&](const Value& v, std::size_t r) {
        col.tinies[r] = std::get<bool>(v.storage()) ? 1 : 0;
      });
      break;
    case ValueKind::kInt:
      b.buffer_type = MYSQL_TYPE_LONGLONG;
      fill(col.ints, [&](const Value& v, std::size_t r) {
        col.ints[r] = std::get<std::int64_t>(v.storage());
      });
      break;
    case ValueKind::kDouble:
      b.buffer_type = MYSQL_TYPE_DOUBLE;
      fill(col.doubles, [&](const Value& v, std::size_t r) {
        const double d = std::get<double>(v.storage());
        check_double(d, i, sql);
        col.doubles[r] = d;
      });
      break;
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kDateTime:
      b.buffer_type = kind == ValueKind::kDate   ? MYSQL_TYPE_DATE
                      : kind == ValueKind::kTime ? MYSQL_TYPE_TIME
                                                 : MYSQL_TYPE_DATETIME;
      fill(col.times, [&](const Value& v, std::size_t r) {
        std::visit(
            [&](const auto& x) {
              using T = std::decay_t<decltype(x)>;
              if constexpr (std::is_same_v<T, Date> || std::is_same_v<T, Time> ||
                            std::is_same_v<T, DateTime>) {
                col.times[r] = to_mysql_time(x);
              }
            },
            v.storage());
      });
      break;
    case ValueKind::kString:
      fill_text(MYSQL_TYPE_STRING, [](const Value& v, std::size_t) -> std::string_view {
        return std::get<std::string>(v.storage());
      });
      break;
    case ValueKind::kBytes:
      fill_text(MYSQL_TYPE_BLOB, [](const Value& v, std::size_t) {
        const Bytes& bytes = std::get<Bytes>(v.storage());
        return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      });
      break;
    case ValueKind::kDecimal:
      fill_text(MYSQL_TYPE_NEWDECIMAL, [](const Value& v, std::size_t) -> std::string_view {
        return std::get<Decimal>(v.storage()).text;
      });
      break;
    case ValueKind::kJson:
      fill_text(MYSQL_TYPE_STRING, [](const Value& v, std::size_t) -> std::string_view {
        return std::get<Json>(v.storage()).text;
      });
      break;
    case ValueKind::kUuid:
      col.uuids.resize(count);
      fill_text(MYSQL_TYPE_STRING, [&](const Value& v, std::size_t r) {
        set_uuid_text(std::get<Uuid>(v.storage()), col.uuids[r]);
        return std::string_view(col.uuids[r].data(), col.uuids[r].size());
      });
      break;
    }
    b.u.indicator = col.indicators.data();
  }
}

// ---- results ---------------------------------------------------------------------------------

FieldKind field_kind(const MYSQL_FIELD& field) noexcept {
  const bool is_unsigned = (field.flags & UNSIGNED_FLAG) != 0;
  switch (field.type) {
  case MYSQL_TYPE_NULL: return FieldKind::kNull;
  case MYSQL_TYPE_TINY:
  case MYSQL_TYPE_SHORT:
  case MYSQL_TYPE_INT24:
  case MYSQL_TYPE_LONG:
  case MYSQL_TYPE_YEAR: return FieldKind::kInt;
  case MYSQL_TYPE_LONGLONG: return is_unsigned ? FieldKind::kUnsignedInt : FieldKind::kInt;
  case MYSQL_TYPE_FLOAT:
  case MYSQL_TYPE_DOUBLE: return FieldKind::kDouble;
  case MYSQL_TYPE_DECIMAL:
  case MYSQL_TYPE_NEWDECIMAL: return FieldKind::kDecimal;
  case MYSQL_TYPE_DATE:
  case MYSQL_TYPE_NEWDATE: return FieldKind::kDate;
  case MYSQL_TYPE_TIME:
  case MYSQL_TYPE_TIME2: return FieldKind::kTime;
  case MYSQL_TYPE_DATETIME:
  case MYSQL_TYPE_DATETIME2:
  case MYSQL_TYPE_TIMESTAMP:
  case MYSQL_TYPE_TIMESTAMP2: return FieldKind::kDateTime;
  case MYSQL_TYPE_BIT: return FieldKind::kBit;
  case MYSQL_TYPE_JSON: return FieldKind::kJson;
  case MYSQL_TYPE_GEOMETRY: return FieldKind::kBytes;
  default:
    if (is_json(field)) return FieldKind::kJson;
    return field.charsetnr == kBinaryCharset ? FieldKind::kBytes : FieldKind::kString;
  }
}

ColumnDescription describe_field(const MYSQL_FIELD& field) {
  ColumnDescription d;
  d.name.assign(field.name, field.name_length);
  const bool binary = field.charsetnr == kBinaryCharset;
  std::string type;
  switch (field.type) {
  case MYSQL_TYPE_NULL: type = "NULL"; break;
  case MYSQL_TYPE_TINY: type = "TINYINT"; break;
  case MYSQL_TYPE_SHORT: type = "SMALLINT"; break;
  case MYSQL_TYPE_INT24: type = "MEDIUMINT"; break;
  case MYSQL_TYPE_LONG: type = "INT"; break;
  case MYSQL_TYPE_LONGLONG: type = "BIGINT"; break;
  case MYSQL_TYPE_YEAR: type = "YEAR"; break;
  case MYSQL_TYPE_FLOAT: type = "FLOAT"; break;
  case MYSQL_TYPE_DOUBLE: type = "DOUBLE"; break;
  case MYSQL_TYPE_DECIMAL:
  case MYSQL_TYPE_NEWDECIMAL: type = "DECIMAL"; break;
  case MYSQL_TYPE_DATE:
  case MYSQL_TYPE_NEWDATE: type = "DATE"; break;
  case MYSQL_TYPE_TIME:
  case MYSQL_TYPE_TIME2: type = "TIME"; break;
  case MYSQL_TYPE_DATETIME:
  case MYSQL_TYPE_DATETIME2: type = "DATETIME"; break;
  case MYSQL_TYPE_TIMESTAMP:
  case MYSQL_TYPE_TIMESTAMP2: type = "TIMESTAMP"; break;
  case MYSQL_TYPE_BIT: type = "BIT"; break;
  case MYSQL_TYPE_JSON: type = "JSON"; break;
  case MYSQL_TYPE_ENUM: type = "ENUM"; break;
  case MYSQL_TYPE_SET: type = "SET"; break;
  case MYSQL_TYPE_GEOMETRY: type = "GEOMETRY"; break;
  case MYSQL_TYPE_STRING:
    type = (field.flags & ENUM_FLAG) != 0  ? "ENUM"
           : (field.flags & SET_FLAG) != 0 ? "SET"
           : binary                        ? "BINARY"
                                           : "CHAR";
    break;
  case MYSQL_TYPE_VAR_STRING:
  case MYSQL_TYPE_VARCHAR: type = binary ? "VARBINARY" : "VARCHAR"; break;
  case MYSQL_TYPE_TINY_BLOB:
  case MYSQL_TYPE_MEDIUM_BLOB:
  case MYSQL_TYPE_LONG_BLOB:
  case MYSQL_TYPE_BLOB: type = binary ? "BLOB" : "TEXT"; break;
  default: break;
  }
  if (!type.empty() && field.type != MYSQL_TYPE_JSON && is_json(field)) type = "JSON";
  if ((field.flags & UNSIGNED_FLAG) != 0 && !type.empty()) type += " UNSIGNED";
  d.type_name = std::move(type);
  d.nullable = (field.flags & NOT_NULL_FLAG) == 0;
  if (field.type == MYSQL_TYPE_NEWDECIMAL || field.type == MYSQL_TYPE_DECIMAL) {
    // The display length counts the digits, a point when there is a scale, and a sign unless
    // the column is unsigned.
    const auto scale = static_cast<std::int32_t>(field.decimals);
    auto precision = static_cast<std::int32_t>(field.length) - (scale > 0 ? 1 : 0) -
                     ((field.flags & UNSIGNED_FLAG) != 0 ? 0 : 1);
    d.precision = std::max<std::int32_t>(precision, 1);
    d.scale = scale;
  }
  return d;
}

void read_text_field(const char* data, unsigned long length, const MYSQL_FIELD& field,
                     FieldKind kind, Value& out) {
  const std::string_view text(data, length);
  switch (kind) {
  case FieldKind::kNull: out = Value(); return;
  case FieldKind::kInt:
    if (const auto v = parse_number<std::int64_t>(text)) {
      out = Value(*v);
      return;
    }
    if ((field.flags & UNSIGNED_FLAG) == 0) break;
    [[fallthrough]];
  case FieldKind::kUnsignedInt:
    if (const auto v = parse_number<std::uint64_t>(text)) {
      read_unsigned(*v, out);
      return;
    }
    break;
  case FieldKind::kDouble:
    if (const auto v = parse_number<double>(text)) {
      out = Value(*v);
      return;
    }
    break;
  case FieldKind::kDecimal: out = Value(Decimal{std::string(text)}); return;
  case FieldKind::kDate: parse_or_text<Date>(text, out); return;
  case FieldKind::kTime: parse_or_text<Time>(text, out); return;
  case FieldKind::kDateTime: parse_or_text<DateTime>(text, out); return;
  case FieldKind::kBytes: {
    const auto* bytes = reinterpret_cast<const std::byte*>(data);
    out = Value(Bytes(bytes, bytes + length));
    return;
  }
  case FieldKind::kJson: out = Value(Json{std::string(text)}); return;
  case FieldKind::kBit: out = Value(bit_value(data, length)); return;
  case FieldKind::kString: break;
  }
  out.assign_string(text);
}

void ResultBinds::setup(MYSQL_STMT* stmt, const MYSQL_FIELD* fields, unsigned int count) {
  binds_.assign(count, MYSQL_BIND{});
  kinds_.resize(count);
  buffers_.resize(count);
  lengths_.assign(count, 0);
  nulls_.assign(count, 0);
  errors_.assign(count, 0);
  for (unsigned int i = 0; i < count; ++i) {
    const MYSQL_FIELD& field = fields[i];
    const FieldKind kind = field_kind(field);
    kinds_[i] = kind;
    MYSQL_BIND& b = binds_[i];
    std::vector<char>& buffer = buffers_[i];
    switch (kind) {
    case FieldKind::kNull:
    case FieldKind::kInt:
    case FieldKind::kUnsignedInt:
      b.buffer_type = MYSQL_TYPE_LONGLONG;
      b.is_unsigned = kind == FieldKind::kUnsignedInt || (field.flags & UNSIGNED_FLAG) != 0;
      buffer.resize(sizeof(std::int64_t));
      break;
    case FieldKind::kDouble:
      b.buffer_type = MYSQL_TYPE_DOUBLE;
      buffer.resize(sizeof(double));
      break;
    case FieldKind::kDate:
    case FieldKind::kTime:
    case FieldKind::kDateTime:
      b.buffer_type = kind == FieldKind::kDate   ? MYSQL_TYPE_DATE
                      : kind == FieldKind::kTime ? MYSQL_TYPE_TIME
                                                 : MYSQL_TYPE_DATETIME;
      buffer.resize(sizeof(MYSQL_TIME));
      break;
    default: {
      b.buffer_type = kind == FieldKind::kBytes || kind == FieldKind::kBit ? MYSQL_TYPE_BLOB
                                                                           : MYSQL_TYPE_STRING;
      const unsigned long declared = field.length == 0 ? kInitialBuffer : field.length;
      buffer.resize(std::max<std::size_t>(buffer.size(), std::min(declared, kMaxInitialBuffer)));
      break;
    }
    }
    b.buffer = buffer.data();
    b.buffer_length = static_cast<unsigned long>(buffer.size());
    b.length = &lengths_[i];
    b.is_null = &nulls_[i];
    b.error = &errors_[i];
  }
  if (count > 0 && mysql_stmt_bind_result(stmt, binds_.data()) != 0) {
    throw_statement_error(stmt, "");
  }
  rebind_ = false;
}

void ResultBinds::fetch_long(MYSQL_STMT* stmt, std::size_t i, std::string_view sql) {
  std::vector<char>& buffer = buffers_[i];
  const unsigned long have = binds_[i].buffer_length;
  const unsigned long total = lengths_[i];
  buffer.resize(total);
  MYSQL_BIND rest{};
  rest.buffer_type = binds_[i].buffer_type;
  rest.buffer = buffer.data() + have;
  rest.buffer_length = total - have;
  unsigned long got = 0;
  rest.length = &got;
  if (mysql_stmt_fetch_column(stmt, &rest, static_cast<unsigned int>(i), have) != 0) {
    throw_statement_error(stmt, sql);
  }
  // The grown buffer serves the rows after this one (rebound before the next fetch).
  binds_[i].buffer = buffer.data();
  binds_[i].buffer_length = total;
  rebind_ = true;
}

void ResultBinds::read(std::size_t i, Value& out) {
  const char* data = buffers_[i].data();
  switch (kinds_[i]) {
  case FieldKind::kNull: out = Value(); return;
  case FieldKind::kInt: {
    std::int64_t v;
    std::memcpy(&v, data, sizeof v);
    if (binds_[i].is_unsigned) {  // an unsigned INT etc. fits; only BIGINT UNSIGNED may not
      read_unsigned(static_cast<std::uint64_t>(v), out);
    } else {
      out = Value(v);
    }
    return;
  }
  case FieldKind::kUnsignedInt: {
    std::uint64_t v;
    std::memcpy(&v, data, sizeof v);
    read_unsigned(v, out);
    return;
  }
  case FieldKind::kDouble: {
    double v;
    std::memcpy(&v, data, sizeof v);
    out = Value(v);
    return;
  }
  case FieldKind::kDate:
  case FieldKind::kTime:
  case FieldKind::kDateTime: {
    MYSQL_TIME t;
    std::memcpy(&t, data, sizeof t);
    read_time(t, kinds_[i], out);
    return;
  }
  case FieldKind::kDecimal: out = Value(Decimal{std::string(data, lengths_[i])}); return;
  case FieldKind::kBytes: {
    const auto* bytes = reinterpret_cast<const std::byte*>(data);
    out = Value(Bytes(bytes, bytes + lengths_[i]));
    return;
  }
  case FieldKind::kJson: out = Value(Json{std::string(data, lengths_[i])}); return;
  case FieldKind::kBit: out = Value(bit_value(data, lengths_[i])); return;
  case FieldKind::kString: out.assign_string(std::string_view(data, lengths_[i])); return;
  }
}

void ResultBinds::read_row(MYSQL_STMT* stmt, std::vector<Value>& row, std::string_view sql) {
  const std::size_t n = kinds_.size();
  row.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (nulls_[i] != 0) {
      row[i] = Value();
      continue;
    }
    if (is_variable(kinds_[i]) && lengths_[i] > binds_[i].buffer_length) fetch_long(stmt, i, sql);
    read(i, row[i]);
  }
  if (rebind_) {
    if (mysql_stmt_bind_result(stmt, binds_.data()) != 0) throw_statement_error(stmt, sql);
    rebind_ = false;
  }
}

}  // namespace crucible::mysql
