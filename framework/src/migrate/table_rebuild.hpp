#pragma once
// Internal to libcrucible: Alembic's batch mode ("move and copy"), for dialects whose ALTER
// TABLE cannot make a change (DialectFeatures::alter_requires_table_rebuild). Not public.
#include <vector>

#include "crucible/engine.hpp"
#include "crucible/migrate/operations.hpp"

namespace crucible::migrate::detail {

/// Rebuilds one table with ops (each one with needs_table_rebuild true, all on that table)
/// applied, in conn's open transaction: reflects the table, applies the changes to its
/// definition, CREATE TABLE _crucible_tmp_<name> with the new definition, INSERT … SELECT the
/// rows (CAST to a changed type), DROP TABLE the old one, rename the new one, CREATE its
/// indexes; then asks the dialect for foreign key violations in it (sqlite.org/
/// lang_altertable.html §7). Throws CommandError when an operation names a column or
/// constraint the table does not have, or a violation is found; the database's errors as they are.
void rebuild_table(Connection& conn, const std::vector<const Operation*>& ops);

}  // namespace crucible::migrate::detail
