#pragma once
// SQLite's statement compiler (SQLAlchemy's dialects/sqlite/base.py SQLiteCompiler): the
// framework's standard SQL with what SQLite spells differently (https://sqlite.org/lang.html).
//
//  * OFFSET needs a LIMIT: an offset alone is "LIMIT -1 OFFSET n" (lang_select.html#limitoffset).
//  * IS [NOT] DISTINCT FROM is SQLite's IS NOT / IS, which compare NULLs as values
//    (lang_expr.html#isisnot).
//  * The standard char_length() is length(), which counts characters (lang_corefunc.html#length).
// Booleans are 1/0 (the dialect has no native boolean, which the base compiler consults), ||
// concatenates, and ILIKE is the base's lower(x) LIKE lower(y), as in SQLAlchemy.
#include <string>

#include "crucible/sql/compiler.hpp"

namespace crucible::sqlite {

/// Compiles one statement for SQLite; see the file comment for what differs.
class SqliteCompiler final : public sql::SQLCompiler {
 public:
  using SQLCompiler::SQLCompiler;

 protected:
  /// "\n LIMIT n [OFFSET m]", with LIMIT -1 when only an offset is set.
  void limit_offset(const sql::SelectNode& select) override;
  /// "a IS NOT b" for IS DISTINCT FROM, "a IS b" for IS NOT DISTINCT FROM.
  void visit_is_distinct_from(const sql::Element& e, bool negate) override;
  /// length for the standard char_length; the base's names otherwise.
  std::string function_name(const sql::Element& e) const override;
};

}  // namespace crucible::sqlite
