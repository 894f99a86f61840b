// What SQLite (the "sqlite" dialect over the "sqlite3" driver) can do beyond or short of its
// DialectFeatures, for the dialect compliance suite (sdk/testing). Each line off is a limit of
// SQLite itself, with the page of its manual that says so.
#include "crucible/sdk/testing/requirements.hpp"

void crucible::sdk::testing::configure_requirements(Requirements& r, const Dialect& /*dialect*/) {
  // Type affinity: VARCHAR(n) is TEXT, its length is not enforced (datatype3.html §3.1).
  r.string_length_enforced = false;
  // NUMERIC affinity keeps a value as INTEGER or REAL: 15-17 significant digits (datatype3.html
  // §3); SQLAlchemy's sqlite requirements close precision_numerics_many_significant_digits too.
  r.precision_numerics_many_significant_digits = false;
  // One writer at a time and no MVCC snapshots across connections in rollback-journal mode:
  // a reader's open transaction blocks a writer's commit (lockingv3.html), so neither
  // READ COMMITTED nor REPEATABLE READ behaviour can be shown (isolation.html).
  r.repeatable_read_snapshot = false;
  r.read_committed_visibility = false;
  // An embedded library: there is no server session to kill from another connection.
  r.provoke_disconnect = nullptr;
  // No SQLSTATE: errors carry SQLite's result codes (rescode.html).
  r.sqlstate = false;
  // A failed statement does not abort the transaction (lang_transaction.html).
  r.error_aborts_transaction = false;
  // No ON CONFLICT ON CONSTRAINT: the target is a column list (lang_upsert.html).
  r.upsert_by_constraint_name = false;
  // SQLite 3.39 has FULL OUTER JOIN, 3.30 NULLS FIRST/LAST, 3.25 window functions; Debian 12
  // ships 3.40, so the defaults (on) stand.
}
