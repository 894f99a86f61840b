// The Dialect base class (dialect.hpp): standard SQL defaults every dialect starts from.
#include "crucible/dialect.hpp"

#include <algorithm>
#include <cctype>

#include "crucible/dbapi.hpp"
#include "crucible/errors.hpp"
#include "crucible/sql/compiler.hpp"
#include "sql_lexer.hpp"

namespace crucible {

namespace {
std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

[[noreturn]] void no_reflection(const Dialect& d, std::string_view what) {
  throw NotSupportedError(ErrorInfo{.driver_message = "the dialect '" + std::string(d.name()) +
                                                      "' does not implement reflection (" +
                                                      std::string(what) + ")"});
}
}  // namespace

Dialect::~Dialect() = default;

const DialectFeatures& Dialect::features() const noexcept {
  static const DialectFeatures kStandard{};
  return kStandard;
}

std::unique_ptr<sql::SQLCompiler> Dialect::statement_compiler(ParamStyle style,
                                                              sql::CompileOptions options) const {
  return std::make_unique<sql::SQLCompiler>(*this, style, options);
}

const sql::IdentifierPreparer& Dialect::identifier_preparer() const {
  static const sql::IdentifierPreparer kStandard;
  return kStandard;
}

std::string Dialect::quote_identifier(std::string_view name) const {
  return identifier_preparer().quote(name);
}

bool Dialect::is_client_command(std::string_view /*statement*/) const { return false; }

std::vector<std::string> Dialect::split_script(std::string_view script) const {
  // Statements end at ';' in code. Comments stay with the statement they are in, but a piece
  // made only of comments and blanks is not a statement.
  std::vector<std::string> out;
  std::string current;
  bool has_code = false;
  for (const detail::SqlSpan& span : detail::lex_sql(script)) {
    std::string_view piece = script.substr(span.begin, span.end - span.begin);
    if (span.kind != detail::SqlSpanKind::kCode) {
      current += piece;
      has_code = has_code || span.kind == detail::SqlSpanKind::kLiteral;
      continue;
    }
    std::size_t start = 0;
    for (std::size_t semi; (semi = piece.find(';', start)) != std::string_view::npos;
         start = semi + 1) {
      std::string_view part = piece.substr(start, semi - start);
      current += part;
      has_code = has_code || !blank(part);
      if (has_code) out.push_back(std::move(current));
      current.clear();
      has_code = false;
    }
    std::string_view rest = piece.substr(start);
    current += rest;
    has_code = has_code || !blank(rest);
  }
  if (has_code) out.push_back(std::move(current));
  for (std::string& s : out) {  // trim surrounding blanks
    auto first = s.find_first_not_of(" \t\r\n");
    auto last = s.find_last_not_of(" \t\r\n");
    s = s.substr(first, last - first + 1);
  }
  return out;
}

PoolClass Dialect::default_pool_class(const URL& /*url*/) const { return PoolClass::kQueuePool; }

void Dialect::initialize(DbapiConnection& /*conn*/) {}

void Dialect::on_connect(DbapiConnection& /*conn*/) const {}

std::vector<std::string> Dialect::isolation_levels() const {
  return {"SERIALIZABLE", "REPEATABLE READ", "READ COMMITTED", "READ UNCOMMITTED", "AUTOCOMMIT"};
}

std::string Dialect::normalize_isolation_level(std::string_view level) const {
  std::string wanted = upper(level);
  const std::vector<std::string> levels = isolation_levels();
  if (std::find(levels.begin(), levels.end(), wanted) != levels.end()) return wanted;
  std::string known;
  for (const auto& l : levels) known += (known.empty() ? "" : ", ") + l;
  throw ArgumentError("isolation level '" + std::string(level) + "' is not one the " +
                      std::string(name()) + " dialect accepts; use one of: " + known);
}

void Dialect::set_isolation_level(DbapiConnection& conn, std::string_view level) const {
  const std::string wanted = normalize_isolation_level(level);
  if (wanted == "AUTOCOMMIT") {
    conn.set_autocommit(true);
  } else {
    conn.set_autocommit(false);
    conn.set_isolation_level(wanted);
  }
}

bool Dialect::do_ping(DbapiConnection& conn) const noexcept { return conn.ping(); }

bool Dialect::is_disconnect(const DBAPIError& /*error*/) const noexcept { return false; }

std::string Dialect::savepoint_sql(std::string_view name) const {
  return "SAVEPOINT " + quote_identifier(name);
}
std::string Dialect::release_savepoint_sql(std::string_view name) const {
  return "RELEASE SAVEPOINT " + quote_identifier(name);
}
std::string Dialect::rollback_to_savepoint_sql(std::string_view name) const {
  return "ROLLBACK TO SAVEPOINT " + quote_identifier(name);
}

void Dialect::before_table_rebuild(DbapiConnection& /*conn*/) const {}
void Dialect::after_table_rebuild(DbapiConnection& /*conn*/) const {}
std::vector<std::string> Dialect::foreign_key_violations(DbapiConnection& /*conn*/,
                                                         std::string_view /*table*/) const {
  return {};
}

std::vector<std::string> Dialect::get_schema_names(DbapiConnection&) const {
  no_reflection(*this, "get_schema_names");
}
std::vector<std::string> Dialect::get_table_names(DbapiConnection&,
                                                  const std::optional<std::string>&) const {
  no_reflection(*this, "get_table_names");
}
std::vector<std::string> Dialect::get_view_names(DbapiConnection&,
                                                 const std::optional<std::string>&) const {
  no_reflection(*this, "get_view_names");
}
bool Dialect::has_table(DbapiConnection&, std::string_view,
                        const std::optional<std::string>&) const {
  no_reflection(*this, "has_table");
}
bool Dialect::has_sequence(DbapiConnection&, std::string_view,
                           const std::optional<std::string>&) const {
  no_reflection(*this, "has_sequence");
}
bool Dialect::has_type(DbapiConnection&, std::string_view,
                       const std::optional<std::string>&) const {
  no_reflection(*this, "has_type");
}
std::vector<ReflectedColumn> Dialect::get_columns(DbapiConnection&, std::string_view,
                                                  const std::optional<std::string>&) const {
  no_reflection(*this, "get_columns");
}
ReflectedPrimaryKey Dialect::get_pk_constraint(DbapiConnection&, std::string_view,
                                               const std::optional<std::string>&) const {
  no_reflection(*this, "get_pk_constraint");
}
std::vector<ReflectedForeignKey>
Dialect::get_foreign_keys(DbapiConnection&, std::string_view,
                          const std::optional<std::string>&) const {
  no_reflection(*this, "get_foreign_keys");
}
std::vector<ReflectedIndex> Dialect::get_indexes(DbapiConnection&, std::string_view,
                                                 const std::optional<std::string>&) const {
  no_reflection(*this, "get_indexes");
}
std::vector<ReflectedUniqueConstraint>
Dialect::get_unique_constraints(DbapiConnection&, std::string_view,
                                const std::optional<std::string>&) const {
  no_reflection(*this, "get_unique_constraints");
}

std::vector<ReflectedCheckConstraint>
Dialect::get_check_constraints(DbapiConnection&, std::string_view,
                               const std::optional<std::string>&) const {
  return {};
}

}  // namespace crucible
