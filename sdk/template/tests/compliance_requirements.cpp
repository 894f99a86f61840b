// What mydb cannot do, for the dialect compliance suite: each requirement the suite would test
// by the dialect's features (Requirements::from_dialect) or by its defaults
// (crucible/sdk/testing/requirements.hpp) that the database lacks, turned off with the reason.
// A case whose requirement is off is skipped, visibly; never turn one off to hide a bug.
// (mydb is SQLite here: its limits, from SQLite's manual.)
#include "crucible/sdk/testing/requirements.hpp"

void crucible::sdk::testing::configure_requirements(Requirements& r, const Dialect& /*dialect*/) {
  r.string_length_enforced = false;                      // VARCHAR(n) is TEXT (datatype3.html)
  r.precision_numerics_many_significant_digits = false;  // NUMERIC keeps REAL (datatype3.html)
  r.repeatable_read_snapshot = false;   // one writer, no snapshots across connections
  r.read_committed_visibility = false;  // (lockingv3.html, isolation.html)
  r.provoke_disconnect = nullptr;       // embedded: no server session to kill
  r.sqlstate = false;                   // result codes, not SQLSTATE (rescode.html)
  r.error_aborts_transaction = false;   // a failed statement leaves the transaction usable
  r.upsert_by_constraint_name = false;  // ON CONFLICT names columns only (lang_upsert.html)
}
