// What Firebird 3 (or this plugin) cannot do, for the dialect compliance suite: each
// requirement the suite takes from the dialect's features (Requirements::from_dialect) or its
// defaults (crucible/sdk/testing/requirements.hpp) that Firebird 3.0 lacks, turned off with the
// reason and the manual's page (Firebird 3.0 Language Reference, "LR" below). A case whose
// requirement is off is skipped, visibly; none is turned off to hide a bug.
#include <stdlib.h>  // setenv (POSIX)

#include <cstdint>

#include "crucible/crucible.hpp"
#include "crucible/sdk/testing/requirements.hpp"

namespace {

// The embedded engine keeps its lock and trace files in $FIREBIRD_LOCK (Firebird 3 README
// "environment variables"; /tmp/firebird by default, shared by every user of the machine): this
// suite's go to its build tree. Set before main, so before the plugin and libfbclient load; a
// FIREBIRD_LOCK the caller set is kept.
const bool kLockDirSet = setenv("FIREBIRD_LOCK", FIREBIRD_TEST_LOCK_DIR, 0) == 0;

}  // namespace

void crucible::sdk::testing::configure_requirements(Requirements& r, const Dialect& /*dialect*/) {
  // RETURNING in UPDATE and DELETE returns one row: a statement that changes several rows fails
  // with "multiple rows in singleton select" (LR 6.2 and 6.3, "RETURNING": "the statement must
  // not affect more than one row"). INSERT … RETURNING of one row works, and stays on.
  r.update_returning = false;
  r.delete_returning = false;
  // No INTERSECT or EXCEPT in Firebird 3 (LR 6.1.8: UNION is the only set operation).
  r.intersect_except = false;
  // No TIME/TIMESTAMP WITH TIME ZONE before Firebird 4 (LR 3.4 "Date and Time Types").
  r.timezone_aware_datetimes = false;
  // TIME and TIMESTAMP keep 1/10000 s ("Date and Time Types", 3.4): 123456 µs is read as 123400.
  r.time_microseconds = false;
  r.datetime_microseconds = false;
  // NUMERIC/DECIMAL keep at most 18 digits in Firebird 3 (LR 3.3 "Fixed-Point Data Types");
  // the suite's case wants 38.
  r.precision_numerics_many_significant_digits = false;
  // sqlstate stays off (the default): a unique or primary key violation is the generic 23000
  // (GDS 335544665 isc_unique_key_violation), not the 23505 the suite's case expects (LR
  // appendix B, "SQLSTATE codes").
  // SNAPSHOT keeps the transaction's snapshot; READ COMMITTED sees other commits (LR 10.1.1).
  r.repeatable_read_snapshot = true;
  r.read_committed_visibility = true;
  // An administrator ends an attachment by deleting its row of the monitoring table
  // MON$ATTACHMENTS (Language Reference, appendix E "Monitoring Tables"; Firebird 2.1+); the
  // victim's next call then fails with isc_att_shutdown, as after a server-side disconnect.
  r.provoke_disconnect = [](Connection& victim, const Engine& engine) {
    const auto id = victim.execute(text("SELECT CURRENT_CONNECTION FROM RDB$DATABASE"))
                        .scalar_one()
                        .as<std::int64_t>();
    Connection admin = engine.connect();
    admin.execute(text("DELETE FROM MON$ATTACHMENTS WHERE MON$ATTACHMENT_ID = :id"), {{"id", id}});
    admin.commit();
  };
}
