#pragma once
// The sub-commands of the `crucible` program. Each writes its result to out and returns the
// exit status; errors are thrown (UsageError, crucible's exceptions) and reported by main.
#include <iosfwd>
#include <stdexcept>

#include "cli_args.hpp"

namespace crucible::cli {

/// Which statement of a script failed ("statement 3 of 5 (line 7)"). Thrown with
/// std::throw_with_nested, so the database's own exception is nested in it and decides the exit
/// status.
class StatementFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// `crucible plugins`: every plugin on the search path and registered in-process
/// (registry::list_available), and in the table format the directories searched.
int run_plugins(const Invocation& inv, std::ostream& out);

/// `crucible sql URL STATEMENT` and `crucible sql URL --file SCRIPT`: runs the statement, or
/// every statement of the script, in one transaction committed on success and rolled back
/// whole on any error. A failing script statement is reported as StatementFailed with the
/// database's exception nested in it.
int run_sql(const Invocation& inv, std::ostream& out);

/// `crucible inspect URL [TABLE]`: the tables and views with their column counts, or TABLE's
/// columns, foreign keys, indexes and unique constraints (through crucible::Inspector).
int run_inspect(const Invocation& inv, std::ostream& out);

}  // namespace crucible::cli
