#pragma once
// MySQL's and MariaDB's statement compiler (SQLAlchemy's dialects/mysql/base.py MySQLCompiler):
// the framework's standard SQL with what MySQL 8.0 and MariaDB 10.11 spell their own way.
//
//  * `||` is OR in MySQL's default sql_mode (no PIPES_AS_CONCAT): string concatenation is
//    concat(a, b, …), a chain of || flattened into one call (manual 12.8 "String Functions").
//  * `/` of two integer expressions is DIV, the integer division the other dialects do
//    (MySQL's `/` gives a DECIMAL: 45 / 4 = 11.2500, 45 DIV 4 = 11).
//  * IS [NOT] DISTINCT FROM is the null-safe equality: NOT (a <=> b) / a <=> b.
//  * TRUE and FALSE are written as such (MySQL's aliases for 1 and 0).
//  * CAST(x AS t) with the names CAST accepts (SIGNED, CHAR(n), DECIMAL(p, s), DOUBLE, DATE,
//    DATETIME(6), TIME(6), BINARY, JSON; see cast_type_name in mysql_types.hpp).
//  * LIMIT n, LIMIT n OFFSET m, and an OFFSET alone as LIMIT 18446744073709551615 OFFSET m (the
//    manual's own idiom, 13.2.13 "SELECT Statement": MySQL has no OFFSET without LIMIT).
//  * ORDER BY … NULLS FIRST / NULLS LAST (which MySQL lacks) as a leading "x IS NULL DESC|ASC"
//    term; MySQL sorts NULL first ascending and last descending by itself.
//  * No FULL OUTER JOIN: NotSupportedError. INTERSECT and EXCEPT only where the server has them
//    (MariaDB >= 10.3, MySQL >= 8.0.31), NotSupportedError elsewhere.
//  * RETURNING: INSERT … RETURNING where the dialect says supports_returning (MariaDB >= 10.5),
//    DELETE … RETURNING on MariaDB, UPDATE … RETURNING nowhere (NotSupportedError naming which).
//  * INSERT with no values is INSERT INTO t () VALUES () (MySQL has no DEFAULT VALUES).
//  * The portable upsert is ON DUPLICATE KEY UPDATE c = VALUES(c) on MariaDB and MySQL < 8.0.20
//    and INSERT … VALUES (…) AS new ON DUPLICATE KEY UPDATE c = new.c on MySQL >= 8.0.20, where
//    VALUES() is deprecated (an INSERT … SELECT keeps VALUES(), since the row alias belongs to
//    VALUES). MySQL checks every unique key of the table, so a conflict target of columns is
//    accepted and ignored; a target with an index predicate or a constraint name is refused
//    with NotSupportedError. A WHERE on the update makes each assignment c = IF(where, value,
//    c) (the row stays as it was where the condition fails); as MySQL sets the columns one
//    after the other, the assignments to columns the condition reads go last, and a condition
//    reading more than one of the assigned columns is refused. on_conflict_do_nothing is ON
//    DUPLICATE KEY UPDATE k = k (k the first conflict column, else the first primary key column): a
//    no-op update, NOT INSERT IGNORE, which would also turn unrelated errors (a NULL in a NOT NULL
//    column, a truncated value, a foreign key) into warnings and insert something else.
//  * Literals rendered for display (literal_binds): strings with backslashes doubled as well as
//    quotes (MySQL reads \ as an escape in '…' unless sql_mode has NO_BACKSLASH_ESCAPES).
// ILIKE stays the standard lower(x) LIKE lower(y) (MySQL has no ILIKE; its default collations
// compare case-insensitively anyway).
#include <string>
#include <string_view>

#include "crucible/sql/compiler.hpp"

namespace crucible::mysql {

class MysqlDialect;

/// text as a MySQL string literal: in single quotes, with ' doubled and \ doubled (MySQL 8.0
/// manual 9.1.1 "String Literals", for the default sql_mode). For DDL and display-only literals.
std::string string_literal(std::string_view text);

/// Compiles one statement for MySQL/MariaDB; see the file comment. One object per statement, not
/// shared between threads (as every SQLCompiler).
class MysqlCompiler final : public sql::SQLCompiler {
 public:
  MysqlCompiler(const MysqlDialect& dialect, ParamStyle style, sql::CompileOptions options);

 protected:
  /// CONCAT() for ||; the base's for the rest.
  void visit_binary(const sql::Element& e) override;
  /// NOT (a <=> b) / a <=> b.
  void visit_is_distinct_from(const sql::Element& e, bool negate) override;
  /// TRUE / FALSE.
  void visit_true(const sql::Element& e) override;
  void visit_false(const sql::Element& e) override;
  /// CAST(x AS <name CAST accepts>).
  void visit_cast(const sql::Element& e) override;
  /// NULLS FIRST/LAST as a leading IS NULL term.
  void visit_order_by(const sql::Element& e) override;
  /// NotSupportedError for FULL OUTER JOIN; the base's for the rest.
  void visit_from(const sql::FromNode& from, bool as_from_item) override;
  /// NotSupportedError for INTERSECT/EXCEPT where the server has none; the base's otherwise.
  void visit_select(const sql::SelectNode& select, bool nested) override;
  /// LIMIT n [OFFSET m], or LIMIT 18446744073709551615 OFFSET m.
  void limit_offset(const sql::SelectNode& select) override;
  /// The base's INSERT, with "() VALUES ()" for "DEFAULT VALUES".
  void visit_insert(const sql::InsertNode& insert, const Params* params) override;
  /// NotSupportedError for UPDATE … RETURNING; the base's otherwise.
  void visit_update(const sql::UpdateNode& update, const Params* params) override;
  /// DELETE, with RETURNING where the server has it.
  void visit_delete(const sql::DeleteNode& del) override;
  /// " AS new" before the base's ON DUPLICATE KEY UPDATE where the row alias is used.
  void visit_upsert(const sql::InsertNode& insert) override;
  /// new.c under the row alias, VALUES(c) otherwise.
  void visit_excluded(const sql::Element& e) override;
  /// ON DUPLICATE KEY UPDATE c = IF(where, value, c), … for an update with a WHERE.
  void conditional_update(const sql::InsertNode& insert);
  /// RETURNING for the statements the server has it for (see the file comment).
  void returning_clause(const std::vector<sql::ElementPtr>& columns) override;
  /// Strings with MySQL's escapes; the base's for the rest.
  void render_literal_value(const Value& value, const SqlType& type) override;

 private:
  const MysqlDialect& mysql_;
  bool in_delete_{false};  ///< compiling a DELETE (whose RETURNING MariaDB has since 10.0)
  bool row_alias_{false};  ///< the upsert being written uses the row alias "new"
};

}  // namespace crucible::mysql
