// What the odbc driver takes away from SQLite's requirements
// (plugins/sqlite/tests/compliance_requirements.cpp) for the sqlite+odbc pair. SQLite ODBC
// reads every value through sqlite3_column_text, so a REAL keeps the 15 significant digits of
// SQLite's text form; the SQLite dialect's requirements already say as much for NUMERIC
// (precision_numerics_many_significant_digits off), and no suite case needs more of a Float.
#include "crucible/sdk/testing/requirements.hpp"

void crucible::sdk::testing::configure_driver_requirements(Requirements& /*r*/,
                                                           const Dialect& /*dialect*/) {}
