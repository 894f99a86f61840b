#pragma once
// SQLite's statement compiler (SQLAlchemy's dialects/sqlite/base.py SQLiteCompiler): the
// framework's standard SQL with what SQLite spells differently (https://sqlite.org/lang.html).
//
//  * OFFSET needs a LIMIT: an offset alone is "LIMIT -1 OFFSET n" (lang_select.html#limitoffset).
//  * IS [NOT] DISTINCT FROM is SQLite's IS NOT / IS, which compare NULLs as values
//    (lang_expr.html#isisnot).
//  * The standard char_length() is length(), which counts characters (lang_corefunc.html#length).
//  * A compound SELECT's members cannot be parenthesised (lang_select.html#compound): a member
//    with its own ORDER BY/LIMIT/OFFSET, or itself a compound, is read from a subquery instead,
//    "SELECT * FROM (…)", which keeps its meaning.
//  * INSERT … SELECT with an upsert: the SELECT needs a WHERE clause, or SQLite's parser takes
//    ON CONFLICT for a join's ON (lang_upsert.html, "Parsing Ambiguity"); one without gets
//    "SELECT * FROM (…) WHERE true".
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
  /// The SELECT, wrapped as "SELECT * FROM (…) WHERE true" when an upsert follows and it has no
  /// WHERE of its own.
  void visit_insert_select(const sql::InsertNode& insert) override;
  /// "SELECT * FROM (member)" where the base would write "(member)".
  void visit_compound_member(const sql::SelectNode& part) override;
  /// length for the standard char_length; the base's names otherwise.
  std::string function_name(const sql::Element& e) const override;
};

}  // namespace crucible::sqlite
