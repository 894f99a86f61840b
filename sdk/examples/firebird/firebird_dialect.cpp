// The "firebird" dialect (firebird_dialect.hpp): features, compilers, types, name normalisation.
#include "firebird_dialect.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

#include "crucible/errors.hpp"
#include "fbclient_errors.hpp"
#include "firebird_compiler.hpp"
#include "firebird_sql_text.hpp"
#include "firebird_types.hpp"

namespace crucible::firebird {

namespace {

const FirebirdTypeCompiler& type_compiler_instance() {
  static const FirebirdTypeCompiler instance;
  return instance;
}

const FirebirdIdentifierPreparer& preparer_instance() {
  static const FirebirdIdentifierPreparer instance;
  return instance;
}

}  // namespace

FirebirdDialect::FirebirdDialect() {
  features_.supports_returning = true;  // INSERT/UPDATE/DELETE/MERGE … RETURNING (one row)
  features_.supports_multivalues_insert = false;  // no VALUES (…), (…): emulated by the compiler
  features_.supports_native_boolean = true;       // BOOLEAN, Firebird 3.0
  features_.supports_native_uuid = false;         // CHAR(32) of hex digits
  features_.supports_savepoints = true;           // SAVEPOINT / RELEASE / ROLLBACK TO
  features_.supports_sequences = true;            // CREATE SEQUENCE (generators), NEXT VALUE FOR
  features_.supports_transactional_ddl = true;    // DDL commits with its transaction
  features_.use_insertmanyvalues = false;
  features_.max_identifier_length = 31;  // bytes, Language Reference 2.3
  features_.upsert_style = UpsertStyle::kMerge;
}

std::unique_ptr<sql::SQLCompiler>
FirebirdDialect::statement_compiler(ParamStyle style, sql::CompileOptions options) const {
  return std::make_unique<FirebirdCompiler>(*this, style, options);
}

std::unique_ptr<sql::DDLCompiler> FirebirdDialect::ddl_compiler() const {
  return std::make_unique<FirebirdDDLCompiler>(*this);
}

const sql::TypeCompiler& FirebirdDialect::type_compiler() const { return type_compiler_instance(); }

const sql::IdentifierPreparer& FirebirdDialect::identifier_preparer() const {
  return preparer_instance();
}

SqlType FirebirdDialect::reflect_type(std::string_view declared) const {
  const std::string u = upper(declared);
  if (u.starts_with("BLOB SUB_TYPE TEXT") || u.starts_with("BLOB SUB_TYPE 1")) return types::Text{};
  if (u.starts_with("BLOB")) return LargeBinary{};
  if (u.find("CHARACTER SET OCTETS") != std::string::npos) return LargeBinary{};
  if (u.starts_with("DOUBLE PRECISION")) return types::Double{};
  return Dialect::reflect_type(declared);
}

void FirebirdDialect::initialize(DbapiConnection& conn) {
  const std::string version = conn.server_version();  // "3.0.11"
  const int major = version.empty() ? 0 : std::atoi(version.c_str());
  if (major != 0 && major < 3)
    throw NotSupportedError(error_info("the firebird dialect needs Firebird 3.0 or later (BOOLEAN, "
                                       "identity columns, OFFSET/FETCH); the server is " +
                                       version));
}

std::vector<std::string> FirebirdDialect::isolation_levels() const {
  return {"AUTOCOMMIT", "READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE", "SNAPSHOT"};
}

bool FirebirdDialect::is_disconnect(const DBAPIError& error) const noexcept {
  return is_disconnect_code(error.driver_code());
}

std::string FirebirdDialect::normalize_name(std::string_view name) const {
  return firebird::normalize_name(name);
}

std::string normalize_name(std::string_view name) {
  std::string n(name);
  while (!n.empty() && n.back() == ' ') n.pop_back();
  if (n.empty()) return n;
  std::string lower = n;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // Upper case as Firebird folds an unquoted name, and written unquoted once lowered.
  if (upper(n) == n && lower != n && !preparer_instance().requires_quotes(lower)) return lower;
  return n;
}

std::string FirebirdDialect::denormalize_name(std::string_view name) const {
  const std::string n(name);
  std::string lower = n;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == n && !identifier_preparer().requires_quotes(n)) return upper(n);
  return n;
}

}  // namespace crucible::firebird
