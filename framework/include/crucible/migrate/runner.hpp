#pragma once
// Running revisions against a database (Alembic's MigrationContext and its command layer's
// upgrade/downgrade/stamp): the version table, one transaction per revision, table rebuilds
// where the dialect's ALTER TABLE cannot make a change, and the offline (--sql) script.
//
// The version table crucible_version(version_num VARCHAR(32) PRIMARY KEY) holds the current
// head(s), as alembic_version does: one row, or one per branch head. Each revision runs in its
// own transaction, and the version rows are rewritten in that same transaction, so on a
// database with transactional DDL (DialectFeatures::supports_transactional_ddl) a revision
// that fails leaves schema and version table at the last revision that succeeded. On one
// without it (MySQL, MariaDB) the statements before the failing one stay, as they do with
// Alembic; the version table still names the last revision that succeeded.
//
// A create_table or add_column whose column has a type the dialect creates apart from tables
// (PostgreSQL's named Enum) creates that type first when it does not exist yet, as create_all
// does; dropping the table leaves the type, as Table::drop does.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/engine.hpp"
#include "crucible/migrate/script_directory.hpp"

namespace crucible::migrate {

/// The name of the version table.
inline constexpr std::string_view kVersionTable = "crucible_version";

/// Receives one line per revision run ("Running upgrade  -> 3a4b5c6d7e8f, add books table").
using MigrationLog = std::function<void(const std::string&)>;

/// Runs a directory's revisions against one database. Not thread-safe; one at a time per database.
class MigrationContext {
 public:
  /// Connects through engine when a command runs; scripts must outlive the context.
  MigrationContext(Engine engine, const ScriptDirectory& scripts, MigrationLog log = {});
  /// Refused at compile time: a temporary ScriptDirectory would not outlive the context.
  MigrationContext(Engine engine, ScriptDirectory&& scripts, MigrationLog log = {}) = delete;

  /// The version table's rows (the applied heads), sorted; empty when the table does not exist
  /// or is empty (nothing applied).
  std::vector<std::string> current_heads() const;
  /// Applies the revisions from the current ones up to target ("head", "heads", "+N", an id or
  /// unique prefix), each in its own transaction. Returns the revisions applied. Throws
  /// CommandError for a bad target (before anything runs) and MigrationStepError, with the
  /// database's error nested, when a revision fails.
  std::vector<std::string> upgrade(std::string_view target);
  /// Undoes revisions down to target ("base", "-N", an id), newest first; as upgrade otherwise.
  std::vector<std::string> downgrade(std::string_view target);
  /// Sets the version table to target ("base" empties it, "head", "heads" or ids) without
  /// running any revision (Alembic's stamp).
  void stamp(std::string_view target);

 private:
  /// Runs plan's upgrades (or downgrades) in order; returns the ids run.
  std::vector<std::string> run(const std::vector<const Revision*>& plan, bool upgrading);
  Engine engine_;
  const ScriptDirectory& scripts_;
  MigrationLog log_;
};

/// The SQL script of an upgrade (or, with upgrading false, a downgrade) as `--sql` prints it
/// (Alembic's offline mode): the version table's CREATE, then per revision its statements and
/// the version rows' update, between BEGIN and COMMIT where the dialect has transactional DDL.
/// range is "TARGET" (from base for an upgrade) or "FROM:TO". Nothing connects; every
/// alter_column must carry its existing_* fields, and operations that need a table rebuild
/// on dialect throw NotSupportedError.
std::string offline_sql(const Dialect& dialect, const ScriptDirectory& scripts,
                        std::string_view range, bool upgrading);

}  // namespace crucible::migrate
