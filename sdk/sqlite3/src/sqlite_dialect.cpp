// The "sqlite" dialect (sqlite_dialect.hpp); reflection is in sqlite_reflection.cpp.
#include "crucible/sdk/sqlite3/sqlite_dialect.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>
#include <optional>
#include <string_view>

#include "crucible/dbapi.hpp"
#include "crucible/errors.hpp"
#include "crucible/sdk/sqlite3/sqlite3_errors.hpp"
#include "crucible/sdk/sqlite3/sqlite3_statement.hpp"
#include "crucible/sdk/sqlite3/sqlite_compiler.hpp"
#include "crucible/url.hpp"

namespace crucible::sqlite {

namespace {

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool truthy(std::string_view text) {
  std::string value(text);
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return value == "true" || value == "1" || value == "yes" || value == "on";
}

/// "3.40.1" -> 3040001 (SQLITE_VERSION_NUMBER's form); nullopt when text does not start with
/// three dot-separated numbers.
std::optional<int> version_number(std::string_view text) {
  int parts[3] = {0, 0, 0};
  const char* at = text.data();
  const char* const end = text.data() + text.size();
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      if (at == end || *at != '.') return std::nullopt;
      ++at;
    }
    const auto [next, ec] = std::from_chars(at, end, parts[i]);
    if (ec != std::errc{} || parts[i] < 0 || parts[i] > 999) return std::nullopt;
    at = next;
  }
  return parts[0] * 1000000 + parts[1] * 1000 + parts[2];
}

}  // namespace

SqliteDialect::SqliteDialect() { apply_version(sqlite3_libversion_number()); }

void SqliteDialect::initialize(DbapiConnection& conn) {
  if (const std::optional<int> version = version_number(conn.server_version())) {
    apply_version(*version);
  }
}

void SqliteDialect::apply_version(int version) {
  sqlite_version_ = version;
  features_.supports_returning = version >= 3035000;
  features_.supports_multivalues_insert = true;
  features_.supports_native_boolean = false;
  features_.supports_native_uuid = false;
  features_.supports_savepoints = true;
  features_.supports_sequences = false;
  features_.supports_transactional_ddl = true;
  // ALTER TABLE does ADD COLUMN, RENAME TO and RENAME COLUMN only ("ALTER TABLE", sqlite.org/
  // lang_altertable.html); other changes rebuild the table (section 7 of that page).
  features_.alter_requires_table_rebuild = true;
  features_.max_identifier_length = 9999;  // SQLite has no limit; SQLAlchemy's default
  features_.upsert_style = version >= 3024000 ? UpsertStyle::kOnConflict : UpsertStyle::kNone;
  // Multi-row INSERT pages (an executemany with RETURNING; use_insertmanyvalues stays off, as
  // SQLite has no round trip to save): at most SQLITE_MAX_VARIABLE_NUMBER parameters, 32766
  // since SQLite 3.32 and 999 before ("Limits In SQLite", item 9).
  features_.insertmanyvalues_page_size = 1000;
  features_.insertmanyvalues_max_parameters = version >= 3032000 ? 32766 : 999;
}

std::unique_ptr<sql::SQLCompiler>
SqliteDialect::statement_compiler(ParamStyle style, sql::CompileOptions options) const {
  return std::make_unique<SqliteCompiler>(*this, style, options);
}

std::vector<std::string> SqliteDialect::split_script(std::string_view script) const {
  if (script.find('\0') != std::string_view::npos) {
    throw ArgumentError("the SQL script contains a NUL character at byte " +
                        std::to_string(script.find('\0')) + "; SQLite would stop reading there");
  }
  std::vector<std::string> statements;
  const auto add = [&](std::string_view text) {
    text = trim(text);
    if (!text.empty() && text.back() == ';') text.remove_suffix(1);
    text = trim(text);
    if (skip_blank(text, 0, true) < text.size()) statements.emplace_back(text);
  };
  std::size_t start = 0;
  std::string candidate;
  for (std::size_t i = script.find(';'); i != std::string_view::npos; i = script.find(';', i + 1)) {
    // A ';' ends a statement only where sqlite3_complete says the text so far is complete:
    // not inside a literal, identifier, comment or trigger body.
    candidate.assign(script.substr(start, i + 1 - start));
    if (sqlite3_complete(candidate.c_str()) != 0) {
      add(candidate);
      start = i + 1;
    }
  }
  const std::string_view tail = script.substr(start);
  if (skip_blank(tail, 0, true) < tail.size()) {
    candidate.assign(tail);
    candidate += "\n;";
    if (sqlite3_complete(candidate.c_str()) == 0) {
      std::string excerpt(trim(tail).substr(0, 60));
      throw ArgumentError("the SQL script ends inside a string literal, quoted identifier, comment "
                          "or trigger body (BEGIN without END): '" +
                          excerpt + "…'");
    }
    add(tail);
  }
  return statements;
}

PoolClass SqliteDialect::default_pool_class(const URL& url) const {
  const std::string& database = url.database();
  if (database.empty() || database == ":memory:") return PoolClass::kStaticPool;
  // A "file:" URI names an in-memory database with the name ":memory:" or mode=memory, in the
  // URI itself or, with uri=true, in the URL query passed on to it. (Debian's libsqlite3 is
  // built with SQLITE_USE_URI, so "file:" names are URIs even without uri=true.)
  if (database.rfind("file:", 0) == 0) {
    const auto uri_flag = url.query_value("uri");
    const auto mode = url.query_value("mode");
    const bool memory = database.rfind("file::memory:", 0) == 0 ||
                        database.find("mode=memory") != std::string::npos ||
                        (uri_flag && truthy(*uri_flag) && mode && *mode == "memory");
    if (memory) return PoolClass::kStaticPool;
  }
  return PoolClass::kQueuePool;
}

void SqliteDialect::on_connect(DbapiConnection& conn) const {
  const bool was_autocommit = conn.autocommit();
  conn.set_autocommit(true);
  try {
    const std::unique_ptr<Cursor> cursor = conn.cursor();
    cursor->execute("PRAGMA foreign_keys = ON", {});
  } catch (...) {
    conn.set_autocommit(was_autocommit);
    throw;
  }
  conn.set_autocommit(was_autocommit);
}

namespace {
// Runs one PRAGMA on conn outside any transaction (PRAGMA foreign_keys is a no-op inside one).
void run_pragma_outside_transaction(DbapiConnection& conn, const std::string& pragma) {
  const bool was_autocommit = conn.autocommit();
  conn.set_autocommit(true);
  try {
    conn.cursor()->execute(pragma, {});
  } catch (...) {
    conn.set_autocommit(was_autocommit);
    throw;
  }
  conn.set_autocommit(was_autocommit);
}
}  // namespace

void SqliteDialect::before_table_rebuild(DbapiConnection& conn) const {
  // lang_altertable.html §7 step 1: foreign keys off, so that dropping the old table neither
  // cascades nor fails on the rows that refer to it.
  run_pragma_outside_transaction(conn, "PRAGMA foreign_keys = OFF");
}

void SqliteDialect::after_table_rebuild(DbapiConnection& conn) const {
  run_pragma_outside_transaction(conn, "PRAGMA foreign_keys = ON");
}

std::vector<std::string> SqliteDialect::foreign_key_violations(DbapiConnection& conn,
                                                               std::string_view table) const {
  // lang_altertable.html §7 step 10; pragma.html#pragma_foreign_key_check: one row per
  // violation (table, rowid, parent, fkid).
  const std::unique_ptr<Cursor> cursor = conn.cursor();
  cursor->execute("PRAGMA foreign_key_check(" + quote_identifier(table) + ")", {});
  std::vector<std::string> out;
  while (auto row = cursor->fetchone()) {
    const std::vector<Value>& r = *row;
    out.push_back("row " + (r.at(1).is_null() ? std::string("?") : r.at(1).as<std::string>()) +
                  " of " + r.at(0).as<std::string>() + " refers to " + r.at(2).as<std::string>() +
                  ", which has no such row");
  }
  return out;
}

std::vector<std::string> SqliteDialect::isolation_levels() const {
  return {"SERIALIZABLE", "READ UNCOMMITTED", "AUTOCOMMIT"};
}

bool SqliteDialect::is_disconnect(const DBAPIError& error) const noexcept {
  return dynamic_cast<const InterfaceError*>(&error) != nullptr &&
         error.driver_message().find(kClosedDatabaseMessage) != std::string::npos;
}

}  // namespace crucible::sqlite
