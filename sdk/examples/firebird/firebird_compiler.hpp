#pragma once
// Firebird 3's statement compiler (SQLAlchemy's FBCompiler): the framework's standard SQL with
// what Firebird 3.0 spells its own way (Firebird 3.0 Language Reference, chapter 6 "DML
// Statements"):
//
//  * OFFSET n ROWS / FETCH FIRST m ROWS ONLY for offset()/limit() (6.1.7, SQL:2008 form).
//  * A SELECT with no FROM reads the one-row table RDB$DATABASE (Firebird requires a FROM).
//  * A parameter whose type Firebird cannot infer (a bare ? in a select list, a CASE result, the
//    source row of a MERGE, the rows of an emulated multi-row VALUES) is written CAST(? AS t),
//    t from the bind's type or, when that is unknown, from its value's kind.
//  * a % b is MOD(a, b); length() is CHAR_LENGTH() (characters, not bytes); avg() of an integer
//    expression averages it as DOUBLE PRECISION (Firebird's AVG of integers is an integer).
//  * values_rows(): INSERT INTO t (cols) SELECT … FROM RDB$DATABASE UNION ALL SELECT … (Firebird
//    has no multi-row VALUES); with RETURNING, which gives one row per statement in 3.0, an
//    EXECUTE BLOCK (p1 t = ?, …) RETURNS (…) AS BEGIN INSERT … RETURNING … INTO …; SUSPEND; …
//    END, whose rows come back in input order (Language Reference 7.9).
//  * The portable upsert: UPDATE OR INSERT INTO t (cols) VALUES (…) MATCHING (k) (6.5) when it
//    means exactly what was asked (a do-update on columns k, every other proposed column set to
//    its proposed value, no WHERE); otherwise MERGE INTO t USING (SELECT … FROM RDB$DATABASE)
//    AS excluded (cols) ON t.k = excluded.k [OR … for each unique key of a target-less do-nothing]
//    [WHEN MATCHED [AND where] THEN UPDATE SET …] WHEN NOT MATCHED THEN INSERT (cols) VALUES
//    (excluded.…) (6.4); excluded(t, "c") is the source row's column, excluded.c.
#include <cstddef>
#include <string>

#include "crucible/sql/compiler.hpp"

namespace crucible::firebird {

class FirebirdDialect;

/// Whether e is a bound value or a literal with nothing around it (whose type Firebird cannot
/// infer where it stands alone).
bool is_bare_bind(const sql::Element& e);

/// Compiles one statement for Firebird 3; see the file comment. One object per statement, not
/// shared between threads (as every SQLCompiler).
class FirebirdCompiler final : public sql::SQLCompiler {
 public:
  /// A compiler for one statement in style (Firebird's DSQL takes qmark).
  FirebirdCompiler(const FirebirdDialect& dialect, ParamStyle style, sql::CompileOptions options);

 protected:
  /// CAST(? AS t) while cast_binds_ is set; the base's placeholder otherwise.
  void visit_bind(const sql::Element& e) override;
  /// As visit_bind, for a literal value.
  void visit_literal(const sql::Element& e) override;
  /// A bind or literal labelled in a select list is cast (Firebird cannot type "? AS x").
  void visit_label(const sql::Element& e) override;
  /// CASE with its THEN/ELSE binds cast.
  void visit_case(const sql::Element& e) override;
  /// MOD(a, b) for %; the operands' binds of + - * / and || cast.
  void visit_binary(const sql::Element& e) override;
  /// AVG(CAST(x AS DOUBLE PRECISION)) for an integer x; the base's for the rest.
  void visit_function(const sql::Element& e) override;
  /// char_length for length.
  std::string function_name(const sql::Element& e) const override;
  /// The base's SELECT, with FROM RDB$DATABASE added where it has no FROM, and a UNION's
  /// ORDER BY by column positions.
  void visit_select(const sql::SelectNode& select, bool nested) override;
  /// OFFSET n ROWS FETCH FIRST m ROWS ONLY.
  void limit_offset(const sql::SelectNode& select) override;
  /// values_rows() as INSERT … SELECT … UNION ALL; upserts as UPDATE OR INSERT or MERGE (the
  /// base writes the INSERT, visit_upsert rewrites it). Throws NotSupportedError for
  /// values_rows() of more than 200 rows or 64 KB of SQL (Firebird 3's 255 contexts and
  /// statement size; use executemany), or an upsert of several rows.
  void visit_insert(const sql::InsertNode& insert, const Params* params) override;
  /// Rewrites the INSERT just written into UPDATE OR INSERT or MERGE (see the file comment).
  /// Throws NotSupportedError for an upsert from a SELECT, of DEFAULT VALUES, or naming a
  /// constraint or an index predicate, which Firebird's MERGE has no words for.
  void visit_upsert(const sql::InsertNode& insert) override;
  /// excluded.c: the MERGE source row's column.
  void visit_excluded(const sql::Element& e) override;

 private:
  /// The type a bind is cast to: its own, else its value's kind's (VARCHAR(8191) for text); in
  /// + - * / a bind with a value always its value's kind (BIGINT, DOUBLE PRECISION,
  /// NUMERIC(18, s) with s from the Decimal's text). Throws NotSupportedError for a Decimal of
  /// more than 18 digits.
  std::string bind_type_name(const sql::Element& e) const;
  /// values_rows() without RETURNING, as INSERT … SELECT … FROM RDB$DATABASE UNION ALL ….
  void insert_rows_union(const sql::InsertNode& insert);
  /// values_rows() with RETURNING, as a selectable EXECUTE BLOCK.
  void insert_rows_returning(const sql::InsertNode& insert);
  /// Writes CAST(<placeholder> AS <type>) for a bind or literal.
  void cast_bind(const sql::Element& e);
  /// Visits e, casting it when it is a bare bind or literal.
  void visit_typed(const sql::Element& e);
  /// The 1-based position of a UNION's ORDER BY item in its first member's columns, or 0.
  static std::size_t compound_position(const sql::SelectNode& select, const sql::Element& item);
  /// The INSERT INTO name as the base writes it.
  std::string table_text(const sql::InsertNode& insert) const;

  bool cast_binds_{false};
  bool wide_strings_{false};     ///< cast text binds as VARCHAR(8191) (|| operands)
  bool arithmetic_{false};       ///< in + - * /: a bind with a value is cast to its own kind
  std::size_t insert_begin_{0};  ///< where visit_insert began writing
};

}  // namespace crucible::firebird
