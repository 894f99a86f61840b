#pragma once
// Autogenerate (Alembic's alembic.autogenerate.compare): the difference between an
// application's MetaData and what the Inspector reflects from a live database, as the
// operations of a draft revision.
//
// Detected: added and removed tables; added and removed columns; a column's type (compared
// through the dialect: the declared type and the reflected one are both written in the
// dialect's DDL, so VARCHAR(50) is String(50) and INTEGER is Integer, and a reflected type
// the dialect has no generic type for is never reported), nullability (not for primary key
// columns) and server default; added and removed indexes, unique constraints and foreign keys.
// Not decided: a column or table removed and another added with the same shape may be a
// rename; that is left as a comment for the author, as Alembic does. The connection's default
// schema is compared, and so is each schema the MetaData's tables name (Table(…, Schema{…}),
// as Alembic with include_schemas for those schemas); give the tables of the default schema no
// schema. The version table is left out. CHECK constraints are reflected (and kept by table
// rebuilds) but not compared, as Alembic does not compare them.
#include <string>
#include <vector>

#include "crucible/engine.hpp"
#include "crucible/migrate/operations.hpp"
#include "crucible/sql/schema.hpp"

namespace crucible::migrate {

/// What compare_metadata found.
struct Comparison {
  std::vector<Operation> upgrade;     ///< database -> metadata, in an order that runs
  std::vector<Operation> downgrade;   ///< metadata -> database (the inverse, reversed)
  std::vector<std::string> comments;  ///< for the author: possible renames, what cannot be undone
  std::vector<std::string> detected;  ///< one line per change ("added table 'books'")

  bool empty() const noexcept { return upgrade.empty(); }
};

/// Compares metadata with the database conn is connected to (reading through conn's
/// dialect's reflection, in conn's transaction). Throws what reflection throws.
Comparison compare_metadata(Connection& conn, const sql::MetaData& metadata);

/// Whether a column declared with `declared` is stored as the database reports `reflected`
/// (its declared type text), as dialect sees both. True when the dialect maps reflected to no
/// generic type (nothing can be said).
bool same_type(const Dialect& dialect, const SqlType& declared, const std::string& reflected);

/// Whether two server default texts mean the same default: compared without enclosing
/// parentheses, PostgreSQL-style casts ("'x'::character varying"), case and blanks; a reflected
/// "NULL" is no default.
bool same_server_default(const std::optional<std::string>& declared,
                         const std::optional<std::string>& reflected);

}  // namespace crucible::migrate
