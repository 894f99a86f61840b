// PostgreSQL's statement compiler (postgresql_compiler.hpp).
#include "postgresql_compiler.hpp"

#include <memory>
#include <string>

#include "crucible/dialect.hpp"
#include "postgresql_dialect.hpp"

namespace crucible::postgresql {

void PostgresqlCompiler::visit_ilike(const sql::Element& e, bool negate) {
  binary_operator(e, negate ? "NOT ILIKE" : "ILIKE");
}

void PostgresqlCompiler::visit_next_value(const sql::Element& e) {
  std::string name;
  if (!e.value.is_null()) name = quote(e.value.to_string()) + ".";
  name += quote(e.text);
  out_ += "nextval(" + sql::string_literal(name) + ")";
}

void PostgresqlCompiler::on_conflict_target(const sql::InsertNode& insert) {
  if (insert.conflict_constraint.empty()) return SQLCompiler::on_conflict_target(insert);
  out_ += " ON CONSTRAINT " + quote(insert.conflict_constraint);
}

void PostgresqlCompiler::render_literal_value(const Value& value, const SqlType& type) {
  const Value v = type.kind() == TypeKind::kNull ? value : dialect_.process_bind(type, value);
  switch (v.kind()) {
  case ValueKind::kBytes: {  // bytea's hex input format (datatype-binary.html)
    static constexpr char kHex[] = "0123456789abcdef";
    std::string text = "'\\x";
    for (const std::byte b : v.as<Bytes>()) {
      text += kHex[static_cast<unsigned>(b) >> 4];
      text += kHex[static_cast<unsigned>(b) & 0xF];
    }
    out_ += text + "'::bytea";
    return;
  }
  case ValueKind::kDate: out_ += "DATE " + sql::string_literal(v.to_string()); return;
  case ValueKind::kTime: out_ += "TIME " + sql::string_literal(v.to_string()); return;
  case ValueKind::kDateTime:
    out_ += v.as<DateTime>().utc_offset_seconds ? "TIMESTAMP WITH TIME ZONE " : "TIMESTAMP ";
    out_ += sql::string_literal(v.to_string());
    return;
  case ValueKind::kUuid: out_ += sql::string_literal(v.to_string()) + "::uuid"; return;
  case ValueKind::kJson: out_ += sql::string_literal(v.as<Json>().text) + "::jsonb"; return;
  default: SQLCompiler::render_literal_value(v, type); return;
  }
}

std::unique_ptr<sql::SQLCompiler>
PostgresqlDialect::statement_compiler(ParamStyle style, sql::CompileOptions options) const {
  return std::make_unique<PostgresqlCompiler>(*this, style, options);
}

}  // namespace crucible::postgresql
