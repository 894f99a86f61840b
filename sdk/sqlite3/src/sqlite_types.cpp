// SQLite's type compiler, DDL compiler and the dialect's type hooks (sqlite_types.hpp): bind and
// result processors and the reflected-type fallback by affinity.
#include "crucible/sdk/sqlite3/sqlite_types.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <memory>
#include <string>
#include <string_view>

#include "crucible/errors.hpp"
#include "crucible/sdk/sqlite3/sqlite_dialect.hpp"

namespace crucible::sqlite {

namespace {

bool is_integer_kind(TypeKind kind) noexcept {
  return kind == TypeKind::kInteger || kind == TypeKind::kSmallInteger ||
         kind == TypeKind::kBigInteger;
}

// The shortest text that reads back as the same double: valid JSON for a finite value.
std::string shortest_text(double value) {
  std::array<char, 64> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return ec == std::errc{} ? std::string(buffer.data(), end) : std::to_string(value);
}

}  // namespace

// ---- type and DDL compilers -------------------------------------------------------------------

std::string SqliteTypeCompiler::process(const SqlType& type) const {
  switch (type.kind()) {
  case TypeKind::kFloat: return "FLOAT";
  case TypeKind::kDouble: return "DOUBLE";
  // SQLite keeps no time zone: an offset, when the value has one, is part of the ISO text.
  case TypeKind::kTime: return "TIME";
  case TypeKind::kDateTime: return "DATETIME";
  default: return TypeCompiler::process(type);
  }
}

std::string SqliteDDLCompiler::column_specification(const sql::TableData& table,
                                                    const sql::ColumnData& column) const {
  const bool rowid_alias =
      table.primary_key.size() == 1 && table.primary_key.front() == column.name &&
      is_integer_kind(column.type.kind()) && column.autoincrement.value_or(true);
  if (!rowid_alias || column.type.kind() == TypeKind::kInteger)
    return DDLCompiler::column_specification(table, column);
  sql::ColumnData as_integer = column;
  as_integer.type = Integer{};
  return DDLCompiler::column_specification(table, as_integer);
}

std::string SqliteDDLCompiler::create_index(const sql::TableData& table,
                                            const sql::Index& index) const {
  // CREATE INDEX schema.name ON table (…): the schema goes on the index, never on the table
  // (https://sqlite.org/lang_createindex.html).
  std::string out = index.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
  if (table.schema) out += dialect_.quote_identifier(*table.schema) + ".";
  out +=
      dialect_.quote_identifier(index.name) + " ON " + dialect_.quote_identifier(table.name) + " (";
  for (std::size_t i = 0; i < index.columns.size(); ++i)
    out += (i ? ", " : "") + dialect_.quote_identifier(index.columns[i]);
  return out + ")";
}

// ---- the dialect's type hooks -----------------------------------------------------------------

std::unique_ptr<sql::DDLCompiler> SqliteDialect::ddl_compiler() const {
  return std::make_unique<SqliteDDLCompiler>(*this);
}

const sql::TypeCompiler& SqliteDialect::type_compiler() const {
  static const SqliteTypeCompiler kCompiler;
  return kCompiler;
}

Value SqliteDialect::process_bind(const SqlType& type, Value value) const {
  // The generic step first turns convertible kinds into the type's own (a "2024-01-02" string
  // for a Date column becomes a Date); then the type's kind gets its storage form.
  value = Dialect::process_bind(type, std::move(value));
  const auto& v = value.storage();
  switch (type.kind()) {
  case TypeKind::kBoolean:
    if (const bool* b = std::get_if<bool>(&v)) return Value(std::int64_t{*b ? 1 : 0});
    return value;
  case TypeKind::kDate:
    if (const Date* d = std::get_if<Date>(&v)) return Value(d->to_string());
    return value;
  case TypeKind::kTime:
    if (const Time* t = std::get_if<Time>(&v)) return Value(t->to_string());
    return value;
  case TypeKind::kDateTime:
    if (const DateTime* dt = std::get_if<DateTime>(&v)) return Value(dt->to_string());
    return value;
  case TypeKind::kUuid:
    if (const Uuid* u = std::get_if<Uuid>(&v)) return Value(u->to_hex());
    return value;
  case TypeKind::kJson:
    if (const Json* j = std::get_if<Json>(&v)) return Value(j->text);
    return value;
  default: return value;
  }
}

bool SqliteDialect::needs_bind_processing(const SqlType& type, ValueKind kind) const {
  switch (type.kind()) {
  case TypeKind::kBoolean:
  case TypeKind::kDate:
  case TypeKind::kTime:
  case TypeKind::kDateTime:
  case TypeKind::kUuid:
  case TypeKind::kJson: return kind != ValueKind::kNull;
  default: return Dialect::needs_bind_processing(type, kind);
  }
}

bool SqliteDialect::needs_result_processing(const SqlType& type) const {
  // Integers, text and blobs come out of SQLite as int64, string and bytes already.
  switch (type.kind()) {
  case TypeKind::kFloat:
  case TypeKind::kDouble:
  case TypeKind::kNumeric:
  case TypeKind::kBoolean:
  case TypeKind::kDate:
  case TypeKind::kTime:
  case TypeKind::kDateTime:
  case TypeKind::kUuid:
  case TypeKind::kJson: return true;
  default: return false;
  }
}

Value SqliteDialect::process_result(const SqlType& type, Value value) const {
  switch (type.kind()) {
  case TypeKind::kDate:
    // A DATETIME text or value at midnight read for a Date: its date (nothing is lost).
    if (value.kind() == ValueKind::kString || value.kind() == ValueKind::kDateTime) {
      value = Dialect::process_result(type, std::move(value));
      if (value.kind() == ValueKind::kDate) return value;
      try {
        const DateTime dt = value.as<DateTime>();
        if (dt.time == Time{} && !dt.utc_offset_seconds) return Value(dt.date);
      } catch (const Error&) {
      }
    }
    return value;
  case TypeKind::kJson:
    // NUMERIC affinity stores the documents "42" and "1.5" as numbers.
    if (const auto* i = std::get_if<std::int64_t>(&value.storage()))
      return Value(Json{std::to_string(*i)});
    if (const auto* d = std::get_if<double>(&value.storage()); d && std::isfinite(*d))
      return Value(Json{shortest_text(*d)});
    return Dialect::process_result(type, std::move(value));
  default: return Dialect::process_result(type, std::move(value));
  }
}

SqlType SqliteDialect::reflect_type(std::string_view declared) const {
  SqlType type = Dialect::reflect_type(declared);
  if (type.kind() != TypeKind::kNull) return type;
  // Any other name: its affinity (https://sqlite.org/datatype3.html §3.1), as SQLAlchemy's
  // _resolve_type_affinity. No declared type at all stays untyped.
  std::string upper(declared);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  const auto has = [&](std::string_view part) { return upper.find(part) != std::string::npos; };
  if (has("INT")) return Integer{};
  if (has("CHAR") || has("CLOB") || has("TEXT")) return Text{};
  if (has("BLOB") || upper.find_first_not_of(" \t\r\n") == std::string::npos) return SqlType();
  if (has("REAL") || has("FLOA") || has("DOUB")) return Float{};
  return Numeric{};
}

}  // namespace crucible::sqlite
