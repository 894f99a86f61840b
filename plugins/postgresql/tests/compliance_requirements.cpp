// What PostgreSQL (the "postgresql" dialect over the "libpq" driver) can do beyond its
// DialectFeatures, for the dialect compliance suite (sdk/testing).
#include <string>

#include "crucible/crucible.hpp"
#include "crucible/sdk/testing/requirements.hpp"

void crucible::sdk::testing::configure_requirements(Requirements& r, const Dialect& /*dialect*/) {
  // MVCC: REPEATABLE READ keeps the transaction's snapshot, READ COMMITTED takes a new one per
  // statement (PostgreSQL manual, "Transaction Isolation", 13.2).
  r.repeatable_read_snapshot = true;
  r.read_committed_visibility = true;
  // An error aborts the transaction until ROLLBACK (TO SAVEPOINT): SQLSTATE 25P02.
  r.error_aborts_transaction = true;
  r.sqlstate = true;
  // INSERT … ON CONFLICT ON CONSTRAINT name (manual, INSERT, "ON CONFLICT Clause").
  r.upsert_by_constraint_name = true;
  // A second connection ends the victim's backend with pg_terminate_backend (manual 9.27.2,
  // "Server Signaling Functions"); with a timeout it returns once the
  // backend is gone, so the victim's next statement meets a closed connection.
  r.provoke_disconnect = [](Connection& victim, const Engine& engine) {
    const Value pid = victim.execute(text("SELECT pg_backend_pid()")).scalar_one();
    Connection killer = engine.connect();
    killer.execute(text("SELECT pg_terminate_backend(CAST(:pid AS INTEGER), 5000)"),
                   {{"pid", pid}});
    killer.commit();
  };
}
