#pragma once
// What a database behind a dialect can do, as the compliance suite asks it (SQLAlchemy's
// sqlalchemy.testing.requirements.SuiteRequirements, whose properties a dialect's
// requirements.py overrides to open or close them).
//
// A suite case that needs a feature starts with CRUCIBLE_REQUIRE(feature): when the
// requirement is off the case is skipped VISIBLY (GTEST_SKIP, "requirement <feature> not
// supported by <dialect>"), never passed silently. The defaults come from the dialect's
// DialectFeatures (Requirements::from_dialect); each plugin's suite run overrides what its
// database cannot do (or can do beyond its flags) in one place, a function
//
//   void crucible::sdk::testing::configure_requirements(Requirements& r, const Dialect& d);
//
// defined in the file given as REQUIREMENTS to crucible_add_compliance_suite() (see
// sdk/cmake/crucible_add_compliance_suite.cmake). A driver serving another plugin's dialect
// (odbc) reuses that dialect's file and adds its own limits in a DRIVER_REQUIREMENTS file
// (configure_driver_requirements, run after it). A requirement turned off there is a
// statement about the DATABASE; a crucible bug is never hidden behind one.
#include <functional>
#include <string>

#include "crucible/dialect.hpp"
#include "crucible/engine.hpp"

namespace crucible::sdk::testing {

/// Feature flags of the database under test. Each is true when the suite may test it.
struct Requirements {
  // ---- from DialectFeatures ----------------------------------------------------------------
  /// INSERT … RETURNING (DialectFeatures::supports_returning).
  bool returning{false};
  /// UPDATE … RETURNING and DELETE … RETURNING (SQLAlchemy's update_returning and
  /// delete_returning); by default as returning. MariaDB has DELETE's without UPDATE's.
  bool update_returning{false};
  bool delete_returning{false};
  /// SAVEPOINT / ROLLBACK TO / RELEASE (DialectFeatures::supports_savepoints).
  bool savepoints{false};
  /// A native UUID column type (DialectFeatures::supports_native_uuid); Uuid round trips are
  /// tested either way, this gates what only a native type gives.
  bool native_uuid{false};
  /// A native BOOLEAN column type (DialectFeatures::supports_native_boolean).
  bool native_boolean{false};
  /// CREATE SEQUENCE and nextval (DialectFeatures::supports_sequences). No case uses it yet:
  /// the public API has no Sequence so far.
  bool sequences{false};
  /// CREATE/DROP TABLE inside a transaction that a ROLLBACK undoes
  /// (DialectFeatures::supports_transactional_ddl).
  bool ddl_in_transactions{false};
  /// The portable upsert, on_conflict_do_update/do_nothing (upsert_style != kNone).
  bool upsert{false};

  // ---- of the database, set by the plugin's requirements file ------------------------------
  /// ON CONFLICT ON CONSTRAINT name (an upsert naming the constraint, not the columns). No case
  /// uses it yet: the portable upsert has no constraint-name form in the public API so far.
  bool upsert_by_constraint_name{false};
  /// A do-nothing upsert that meets a conflict reports rowcount 0 (MySQL's ON DUPLICATE KEY
  /// UPDATE k = k counts the row it found as 1 under CLIENT_FOUND_ROWS). The row itself is
  /// checked either way.
  bool upsert_do_nothing_rowcount_zero{true};
  /// Window functions: row_number(), rank() … OVER (PARTITION BY … ORDER BY …).
  bool window_functions{true};
  /// INTERSECT and EXCEPT.
  bool intersect_except{true};
  /// FULL OUTER JOIN.
  bool full_outer_join{true};
  /// ORDER BY … NULLS FIRST / NULLS LAST.
  bool nulls_ordering{true};
  /// WITH RECURSIVE.
  bool recursive_cte{true};
  /// TIME keeps microseconds (SQLAlchemy's time_microseconds); Firebird 3 keeps 1/10000 s.
  bool time_microseconds{true};
  /// TIMESTAMP (without time zone) keeps microseconds (SQLAlchemy's datetime_microseconds).
  bool datetime_microseconds{true};
  /// A timezone-aware timestamp type (TIMESTAMP WITH TIME ZONE): the instant survives a round
  /// trip (the offset may come back normalised).
  bool timezone_aware_datetimes{true};
  /// NUMERIC keeps more significant digits than a double (SQLAlchemy's
  /// precision_numerics_many_significant_digits); SQLite's NUMERIC affinity stores REAL.
  bool precision_numerics_many_significant_digits{true};
  /// The database enforces VARCHAR(n)'s length (SQLite does not).
  bool string_length_enforced{true};
  /// REPEATABLE READ: a transaction keeps seeing the snapshot it began with while another
  /// connection commits.
  bool repeatable_read_snapshot{false};
  /// READ COMMITTED: a transaction sees rows another connection committed after it began, and
  /// the other connection can commit while it is open.
  bool read_committed_visibility{false};
  /// An error inside a transaction aborts it until ROLLBACK (TO SAVEPOINT): PostgreSQL's
  /// "current transaction is aborted" (25P02).
  bool error_aborts_transaction{false};
  /// The database reports SQLSTATE codes on its errors.
  bool sqlstate{false};

  /// Kills the session behind victim from outside (for the disconnect cases), e.g. PostgreSQL's
  /// pg_terminate_backend from a second connection of engine. Empty: disconnects cannot be
  /// provoked, and those cases are skipped as "requirement provoke_disconnect not supported".
  std::function<void(Connection& victim, const Engine& engine)> provoke_disconnect;

  /// The defaults for dialect: the flags of its DialectFeatures, the rest as declared above.
  static Requirements from_dialect(const Dialect& dialect);
};

/// The plugin's overrides, defined once per suite binary (the REQUIREMENTS file of
/// crucible_add_compliance_suite; sdk/testing/default_requirements.cpp when none is given).
/// requirements arrives holding Requirements::from_dialect(dialect).
void configure_requirements(Requirements& requirements, const Dialect& dialect);

/// What the pair's DRIVER cannot do beyond the dialect's own limits, for a driver that serves
/// dialects of other plugins (crucible_add_compliance_suite's DRIVER_REQUIREMENTS file, e.g. the
/// odbc driver's file for postgresql+odbc): called after configure_requirements, so the
/// dialect's requirements file is used as it is and the driver only turns requirements off.
/// sdk/testing/default_driver_requirements.cpp (changes nothing) when none is given.
void configure_driver_requirements(Requirements& requirements, const Dialect& dialect);

}  // namespace crucible::sdk::testing
