// What the odbc driver takes away from SQLite's requirements
// (plugins/sqlite/tests/compliance_requirements.cpp) for the sqlite+odbc pair.
#include "crucible/sdk/testing/requirements.hpp"

void crucible::sdk::testing::configure_driver_requirements(Requirements& r,
                                                           const Dialect& /*dialect*/) {
  // SQLite ODBC (sqlite3odbc.c) gives a result set only to statements it takes for queries, so
  // the rows of INSERT/UPDATE/DELETE … RETURNING never arrive; the odbc driver refuses such a
  // statement with NotSupportedError rather than lose them.
  r.returning = false;
  r.update_returning = false;
  r.delete_returning = false;
  // Also of SQLite ODBC, and needing no requirement: it reads every value through
  // sqlite3_column_text, so a REAL keeps the 15 significant digits of SQLite's text form (the
  // dialect's requirements already close precision_numerics_many_significant_digits).
}
