// What the sqlcipher driver cannot do beyond the "sqlite" dialect's own limits (that dialect's
// requirements file, installed with crucible, runs first): SQLCipher 3.4.1, Debian 12's, is
// built on SQLite 3.15.2, older than the SQLite the sqlite requirements were written for. What
// depends on DialectFeatures (RETURNING from 3.35, the ON CONFLICT upsert from 3.24) the dialect
// settles itself from the server version; these are the rest, with the release that added them
// (https://sqlite.org/changes.html).
#include "crucible/sdk/testing/requirements.hpp"

void crucible::sdk::testing::configure_driver_requirements(Requirements& r,
                                                           const Dialect& /*dialect*/) {
  r.window_functions = false;  // 3.25.0
  r.nulls_ordering = false;    // NULLS FIRST / LAST: 3.30.0
  r.full_outer_join = false;   // RIGHT and FULL OUTER JOIN: 3.39.0
}
