#pragma once
// PostgreSQL's statement compiler (SQLAlchemy's dialects/postgresql/base.py PGCompiler): the
// framework's standard SQL with what PostgreSQL 15 spells its own way.
//
//  * ILIKE and NOT ILIKE are native (functions-matching.html#FUNCTIONS-LIKE), not the standard
//    lower(x) LIKE lower(y).
//  * The upsert's conflict target may name a constraint: INSERT … ON CONFLICT ON CONSTRAINT
//    name (sql-insert.html#SQL-ON-CONFLICT); columns with an index predicate are the standard
//    form the base writes.
//  * next_value(seq) is nextval('seq') (functions-sequence.html), the sequence's name quoted as
//    an identifier inside the string literal, as SQLAlchemy's format_sequence does.
//  * Literals rendered for display (literal_binds) carry their type where an untyped string
//    would be taken as text: bytea as '\x…'::bytea (not the standard X'…', which PostgreSQL
//    reads as a bit string), DATE '…', TIME '…', TIMESTAMP [WITH TIME ZONE] '…', '…'::uuid and
//    '…'::jsonb (datatype-*.html). Strings are '…' with quotes doubled: standard_conforming_
//    strings is on (the default since 9.1), so a backslash is an ordinary character.
// The rest is standard SQL PostgreSQL reads as is: IS [NOT] DISTINCT FROM, TRUE/FALSE,
// LIMIT n OFFSET m (an OFFSET alone too), NULLS FIRST/LAST, RETURNING, $n placeholders,
// ON CONFLICT (cols) [WHERE …] DO UPDATE SET c = excluded.c [WHERE …] / DO NOTHING.
#include "crucible/sql/compiler.hpp"

namespace crucible::postgresql {

/// Compiles one statement for PostgreSQL; see the file comment for what differs. One object per
/// statement, not shared between threads (as every SQLCompiler).
class PostgresqlCompiler final : public sql::SQLCompiler {
 public:
  using SQLCompiler::SQLCompiler;

 protected:
  /// "a ILIKE b" / "a NOT ILIKE b".
  void visit_ilike(const sql::Element& e, bool negate) override;
  /// "nextval('[schema.]name')".
  void visit_next_value(const sql::Element& e) override;
  /// " ON CONSTRAINT name" for a target named by constraint, the base's " (cols) [WHERE …]"
  /// otherwise.
  void on_conflict_target(const sql::InsertNode& insert) override;
  /// Typed literals for bytea, dates and times, uuid and jsonb; the base's for the rest.
  void render_literal_value(const Value& value, const SqlType& type) override;
};

}  // namespace crucible::postgresql
