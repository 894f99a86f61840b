#pragma once
// The migration tool's errors (Alembic's alembic.util.CommandError).
#include <string>

#include "crucible/errors.hpp"

namespace crucible::migrate {

/// A migration command cannot do what was asked: a bad revision file, an unknown or ambiguous
/// revision, two heads where one was wanted, a target that is not reachable. The message says
/// what was wanted and what was found (for a file: its path and the place in the JSON).
class CommandError : public Error {
 public:
  using Error::Error;
  ~CommandError() override;
};

/// One revision's upgrade or downgrade failed in the database. what() names the direction,
/// the revision id and message and carries the database's error text; the database's own
/// exception (a DBAPIError) is nested (std::throw_with_nested), so
/// std::rethrow_if_nested(e) gives it. The version table still names the last revision that
/// succeeded where the database has transactional DDL.
class MigrationStepError : public CommandError {
 public:
  MigrationStepError(std::string revision, const std::string& message);
  ~MigrationStepError() override;
  /// The id of the revision whose step failed.
  const std::string& revision() const noexcept { return revision_; }

 private:
  std::string revision_;
};

}  // namespace crucible::migrate
