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

namespace {

// Bytes value takes in a bulk packet (an estimate from above).
std::size_t wire_bytes(const Value& value) noexcept {
  constexpr std::size_t kOverhead = 1 + 9;  // indicator, and a length prefix or a fixed value
  switch (value.kind()) {
  case ValueKind::kString: return kOverhead + std::get<std::string>(value.storage()).size();
  case ValueKind::kBytes: return kOverhead + std::get<Bytes>(value.storage()).size();
  case ValueKind::kDecimal: return kOverhead + std::get<Decimal>(value.storage()).text.size();
  case ValueKind::kJson: return kOverhead + std::get<Json>(value.storage()).text.size();
  case ValueKind::kUuid: return kOverhead + 36;
  case ValueKind::kDate:
  case ValueKind::kTime:
  case ValueKind::kDateTime: return kOverhead + 12;
  default: return kOverhead;
  }
}

}  // namespace

bool BulkBinds::plan(const ParamSets& sets, std::size_t first, std::size_t width,
                     std::vector<std::size_t>& wire_sizes) {
  wire_sizes.clear();
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
  wire_sizes.reserve(sets.size() - first);
  for (std::size_t s = first; s < sets.size(); ++s) {
    const auto set = sets[s];
    if (set.size() != width) return false;
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < width; ++i) {
      const Value& value = *set[i];
      const ValueKind kind = value.kind();
      bytes += wire_bytes(value);
      if (kind == ValueKind::kNull) continue;
      if (kinds[i] == ValueKind::kNull) {
        kinds[i] = kind;
      } else if (kinds[i] != kind) {
        return false;
      }
    }
    wire_sizes.push_back(bytes);
  }
  return true;
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

}  // namespace crucible::mysql
