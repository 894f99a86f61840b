// Table, CSV and JSON writers of the `crucible` program (see output.hpp).
#include "output.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ostream>
#include <set>
#include <system_error>
#include <type_traits>
#include <variant>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/SharedPtr.h>

namespace crucible::cli {
namespace {

std::string hex(const Bytes& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::byte b : bytes) {
    const auto v = std::to_integer<unsigned>(b);
    out += kDigits[v >> 4];
    out += kDigits[v & 0xf];
  }
  return out;
}

/// The shortest text that reads back as x (std::to_chars), with ".0" added to a whole number so
/// that a double still reads as one ("2.0", as SQLite and Python print it).
std::string format_double(double x) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  std::string out(buf, ec == std::errc{} ? end : buf);
  if (std::isfinite(x) && out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

bool is_number(const Value& v) {
  return v.kind() == ValueKind::kInt || v.kind() == ValueKind::kDouble ||
         v.kind() == ValueKind::kDecimal;
}

/// text with control characters made visible, so that one row stays on one line.
std::string escape_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        static constexpr char kDigits[] = "0123456789abcdef";
        out += "\\x";
        out += kDigits[(static_cast<unsigned char>(c) >> 4) & 0xf];
        out += kDigits[static_cast<unsigned char>(c) & 0xf];
      } else {
        out += c;
      }
    }
  }
  return out;
}

/// The number of code points of UTF-8 text: bytes that are not continuation bytes (10xxxxxx).
std::size_t display_width(std::string_view text) {
  std::size_t n = 0;
  for (char c : text)
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++n;
  return n;
}

/// Writes line without its trailing spaces, then '\n'.
void write_line(std::ostream& out, std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out << line << '\n';
}

}  // namespace

std::string cell_text(const Value& value) {
  return std::visit(
      [&](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>)
          return "";
        else if constexpr (std::is_same_v<T, bool>)
          return v ? "true" : "false";
        else if constexpr (std::is_same_v<T, std::int64_t>)
          return std::to_string(v);
        else if constexpr (std::is_same_v<T, double>)
          return format_double(v);
        else if constexpr (std::is_same_v<T, std::string>)
          return v;
        else if constexpr (std::is_same_v<T, Bytes>)
          return hex(v);
        else if constexpr (std::is_same_v<T, Decimal> || std::is_same_v<T, Json>)
          return v.text;
        else
          return v.to_string();  // Date, Time, DateTime, Uuid
      },
      value.storage());
}

std::string csv_field(std::string_view field) {
  if (!field.empty() && field.find_first_of(",\"\r\n") == std::string_view::npos)
    return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string row_count_text(std::size_t n) {
  return "(" + std::to_string(n) + (n == 1 ? " row)" : " rows)");
}

void write_table(std::ostream& out, const Grid& grid, const TableStyle& style) {
  const std::size_t ncols = grid.columns.size();
  // Render every cell first: the widths depend on all of them.
  std::vector<std::vector<std::string>> cells;
  cells.reserve(grid.rows.size());
  std::vector<std::size_t> widths(ncols);
  for (std::size_t c = 0; c < ncols; ++c) widths[c] = display_width(grid.columns[c]);
  for (const auto& row : grid.rows) {
    auto& line = cells.emplace_back();
    for (std::size_t c = 0; c < ncols; ++c) {
      const Value* v = c < row.size() ? &row[c] : nullptr;
      line.push_back(!v || v->is_null() ? std::string(style.null_text)
                                        : escape_controls(cell_text(*v)));
      widths[c] = std::max(widths[c], display_width(line.back()));
    }
  }
  auto emit = [&](const std::vector<std::string>& texts, auto right_aligned) {
    std::string line;
    for (std::size_t c = 0; c < ncols; ++c) {
      const std::size_t fill = widths[c] - display_width(texts[c]);
      line += c == 0 ? " " : " | ";
      if (right_aligned(c)) line.append(fill, ' ');
      line += texts[c];
      if (!right_aligned(c)) line.append(fill, ' ');
    }
    write_line(out, std::move(line));
  };
  emit(grid.columns, [](std::size_t) { return false; });
  std::string sep;
  for (std::size_t c = 0; c < ncols; ++c) {
    if (c > 0) sep += '+';
    sep.append(widths[c] + 2, '-');
  }
  out << sep << '\n';
  for (std::size_t r = 0; r < cells.size(); ++r) {
    const auto& row = grid.rows[r];
    emit(cells[r], [&](std::size_t c) { return c < row.size() && is_number(row[c]); });
  }
  if (style.footer) out << row_count_text(grid.rows.size()) << '\n';
}

void write_csv(std::ostream& out, const Grid& grid) {
  auto record = [&](const auto& fields, auto text_of) {
    for (std::size_t c = 0; c < fields.size(); ++c) {
      if (c > 0) out << ',';
      out << text_of(fields[c]);
    }
    out << "\r\n";
  };
  record(grid.columns, [](const std::string& name) { return csv_field(name); });
  for (const auto& row : grid.rows)
    record(row,
           [](const Value& v) { return v.is_null() ? std::string() : csv_field(cell_text(v)); });
}

Poco::Dynamic::Var value_to_json(const Value& value) {
  switch (value.kind()) {
  case ValueKind::kNull: return {};
  case ValueKind::kBool: return std::get<bool>(value.storage());
  case ValueKind::kInt: return static_cast<Poco::Int64>(std::get<std::int64_t>(value.storage()));
  case ValueKind::kDouble: {
    const double x = std::get<double>(value.storage());
    if (std::isfinite(x)) return x;
    // JSON has no NaN or infinity (RFC 8259 §6): say it as text rather than emit bad JSON.
    return std::string(std::isnan(x) ? "NaN" : (x > 0 ? "Infinity" : "-Infinity"));
  }
  default: return cell_text(value);
  }
}

Poco::JSON::Array::Ptr grid_to_json(const Grid& grid) {
  // The keys once per result: a repeated column name gets the first free "_N" suffix.
  std::vector<std::string> keys;
  std::set<std::string> used;
  for (const std::string& name : grid.columns) {
    std::string key = name;
    for (int n = 2; used.count(key) > 0; ++n) key = name + "_" + std::to_string(n);
    used.insert(key);
    keys.push_back(std::move(key));
  }
  auto array = Poco::makeShared<Poco::JSON::Array>();
  for (const auto& row : grid.rows) {
    auto object = Poco::makeShared<Poco::JSON::Object>(Poco::JSON_PRESERVE_KEY_ORDER);
    for (std::size_t c = 0; c < keys.size(); ++c)
      object->set(keys[c], c < row.size() ? value_to_json(row[c]) : Poco::Dynamic::Var());
    array->add(object);
  }
  return array;
}

void write_json(std::ostream& out, const Poco::Dynamic::Var& doc) {
  Poco::JSON::Stringifier::stringify(doc, out, 2);
  out << '\n';
}

void write_grid(std::ostream& out, const Grid& grid, Format format) {
  switch (format) {
  case Format::kTable: write_table(out, grid); break;
  case Format::kCsv: write_csv(out, grid); break;
  case Format::kJson: write_json(out, grid_to_json(grid)); break;
  }
}

}  // namespace crucible::cli
