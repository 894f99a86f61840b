// What MySQL and MariaDB (the "mysql" and "mariadb" dialects over the "mariadbconnector" driver)
// can do beyond their DialectFeatures, for the dialect compliance suite (sdk/testing). The
// dialect arrives initialized (the suite connects first), so what depends on the server's
// version is asked of the dialect's own compiler: a construct it refuses with
// NotSupportedError is one the server does not have.
#include <string>

#include "crucible/crucible.hpp"
#include "crucible/sdk/testing/requirements.hpp"

namespace {

// Whether the dialect compiles stmt (false: NotSupportedError, i.e. the server lacks it).
bool compiles(const crucible::sql::Executable& stmt, const crucible::Dialect& dialect) {
  try {
    (void)crucible::sql::compile(stmt, dialect);
    return true;
  } catch (const crucible::NotSupportedError&) {
    return false;
  }
}

}  // namespace

void crucible::sdk::testing::configure_requirements(Requirements& r, const Dialect& dialect) {
  MetaData metadata;
  Table probe{"probe", metadata, Column{"id", Integer{}, primary_key}};
  // MariaDB has DELETE … RETURNING (10.0+) but no UPDATE … RETURNING; MySQL has neither.
  r.update_returning = false;
  r.delete_returning = compiles(delete_(probe).returning({probe.c("id")}), dialect);
  // INTERSECT / EXCEPT: MariaDB 10.3+, MySQL 8.0.31+.
  r.intersect_except = compiles(intersect({select(probe.c("id")), select(probe.c("id"))}), dialect);
  // MySQL joins only INNER, LEFT and RIGHT (MySQL 8.0 manual 13.2.13.2 "JOIN Clause").
  r.full_outer_join = false;
  // The dialect writes NULLS FIRST/LAST as an IS NULL sort term (mysql_compiler.hpp);
  // window functions and WITH RECURSIVE are in MySQL 8.0 and MariaDB 10.2.
  r.nulls_ordering = true;
  r.window_functions = true;
  r.recursive_cte = true;
  // MySQL has no timezone-aware type: DATETIME keeps no offset (DateTime(timezone=true) is
  // stored at UTC and read back as a naive UTC wall time, mysql_types.hpp), and TIMESTAMP
  // converts through the session's time_zone without keeping one either.
  r.timezone_aware_datetimes = false;
  // DECIMAL is exact to 65 digits; strict sql_mode (the default of MySQL 5.7+ and MariaDB
  // 10.2.4+) refuses a string longer than its VARCHAR(n).
  r.precision_numerics_many_significant_digits = true;
  r.string_length_enforced = true;
  // InnoDB's consistent reads: REPEATABLE READ keeps the first read's snapshot, READ COMMITTED
  // takes one per statement (MySQL 8.0 manual 15.7.2.3 "Consistent Nonlocking Reads").
  r.repeatable_read_snapshot = true;
  r.read_committed_visibility = true;
  // An error rolls back only the statement; the transaction goes on (manual 15.21.5 "InnoDB
  // Error Handling").
  r.error_aborts_transaction = false;
  // Errors carry SQLSTATEs (mysql_sqlstate()), but only the standard's classes: every integrity
  // violation is 23000 (a duplicate key is error 1062, SQLSTATE 23000), never PostgreSQL's
  // 23505 the sqlstate case checks for (MySQL 8.0 Error Reference, ER_DUP_ENTRY).
  r.sqlstate = false;
  // A do-nothing upsert is ON DUPLICATE KEY UPDATE k = k: with CLIENT_FOUND_ROWS (which the
  // driver sets, so that an UPDATE's rowcount counts the rows it matched, as PEP 249 and
  // SQLAlchemy expect) the server counts the existing row as 1 (manual 13.2.7.2).
  r.upsert_do_nothing_rowcount_zero = false;
  // A second connection ends the victim's session with KILL CONNECTION <id> (manual 13.7.8.4
  // "KILL Statement"); the victim's next statement meets a closed connection (2006/2013, or
  // MariaDB's 1927). The id is the server's integer, written as a literal (KILL takes none as
  // a parameter).
  r.provoke_disconnect = [](Connection& victim, const Engine& engine) {
    const std::int64_t id =
        victim.execute(text("SELECT CONNECTION_ID()")).scalar_one().as<std::int64_t>();
    Connection killer = engine.connect();
    killer.execute(text("KILL CONNECTION " + std::to_string(id)));
    killer.commit();
  };
}
