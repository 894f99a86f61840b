// Result fields at the MariaDB Connector/C boundary (mariadb_results.hpp).
#include "mariadb_results.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <limits>

#include "crucible/errors.hpp"
#include "mariadb_errors.hpp"

namespace crucible::mysql {

namespace {

constexpr unsigned int kBinaryCharset = 63;    // the "binary" character set's number
constexpr unsigned long kInitialBuffer = 256;  // a variable-length column's first buffer
constexpr unsigned long kMaxInitialBuffer = 64 * 1024;

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

// A UUID column's text as Uuid (its text if it does not parse).
void read_uuid(std::string_view text, Value& out) {
  try {
    out = Value(Uuid::parse(text));
  } catch (const ArgumentError&) {
    out.assign_string(text);
  }
}

// Fields read into a variable-length buffer (which may need a second fetch when long).
bool is_variable(FieldKind kind) noexcept {
  return kind == FieldKind::kDecimal || kind == FieldKind::kString || kind == FieldKind::kBytes ||
         kind == FieldKind::kJson || kind == FieldKind::kBit || kind == FieldKind::kUuid;
}

// Whether MariaDB's extended metadata (10.5+) names field's format or data type name: the
// format "json" for a JSON column (LONGTEXT underneath), the data type "uuid" for the UUID type.
bool has_format(const MYSQL_FIELD& field, std::string_view name) noexcept {
  for (const auto attr : {MARIADB_FIELD_ATTR_FORMAT_NAME, MARIADB_FIELD_ATTR_DATA_TYPE_NAME}) {
    MARIADB_CONST_STRING text{nullptr, 0};
    if (mariadb_field_attr(&text, &field, attr) == 0 && text.str != nullptr &&
        std::string_view(text.str, text.length) == name) {
      return true;
    }
  }
  return false;
}

bool is_json(const MYSQL_FIELD& field) noexcept {
  return field.type == MYSQL_TYPE_JSON || has_format(field, "json");
}
}  // namespace

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
    if (has_format(field, "uuid")) return FieldKind::kUuid;
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
  if (has_format(field, "uuid")) type = "UUID";
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
  case FieldKind::kUuid: read_uuid(text, out); return;
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
  retired_.clear();
}

void ResultBinds::fetch_long(MYSQL_STMT* stmt, std::size_t i, std::string_view sql) {
  const unsigned long have = binds_[i].buffer_length;
  const unsigned long total = lengths_[i];
  // A buffer that takes the whole field, and serves the rows after this one once rebind_grown
  // has given it to Connector/C. Until then Connector/C's copy of the binds still points at the
  // old buffer, so that one is kept (retired_) rather than freed, also when something below
  // throws and the rebind is put off.
  std::vector<char> grown(total);
  std::memcpy(grown.data(), buffers_[i].data(), have);
  retired_.emplace_back();
  retired_.back().swap(buffers_[i]);
  buffers_[i] = std::move(grown);
  binds_[i].buffer = buffers_[i].data();
  binds_[i].buffer_length = total;
  rebind_ = true;
  MYSQL_BIND rest{};
  rest.buffer_type = binds_[i].buffer_type;
  rest.buffer = buffers_[i].data() + have;
  rest.buffer_length = total - have;
  unsigned long got = 0;
  rest.length = &got;
  if (mysql_stmt_fetch_column(stmt, &rest, static_cast<unsigned int>(i), have) != 0) {
    throw_statement_error(stmt, sql);
  }
}

void ResultBinds::rebind_grown(MYSQL_STMT* stmt, std::string_view sql) {
  if (!rebind_) return;
  if (mysql_stmt_bind_result(stmt, binds_.data()) != 0) throw_statement_error(stmt, sql);
  rebind_ = false;
  retired_.clear();  // Connector/C points at the grown buffers now
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
  case FieldKind::kUuid: read_uuid(std::string_view(data, lengths_[i]), out); return;
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
}

}  // namespace crucible::mysql
