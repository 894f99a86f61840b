#pragma once
// A revision: one versioned step of a schema's history (Alembic's Script / revision file),
// stored as a JSON file a reviewer can read:
//
//   {
//     "id": "3a4b5c6d7e8f",
//     "down_revision": null,                 // the parent id, a list of ids for a merge
//     "message": "add books table",
//     "created": "2026-11-23T20:41:07Z",
//     "upgrade":   [{"op": "create_table", "table": "books", "columns": [
//                      {"name": "id", "type": "Integer", "primary_key": true},
//                      {"name": "title", "type": "String(200)", "nullable": false}]}],
//     "downgrade": [{"op": "drop_table", "table": "books"}],
//     "comments":  []                        // autogenerate's notes for the author
//   }
//
// The operations and their fields are listed in docs/migrations.md; types are written as
// SqlType::repr() writes them ("Integer", "String(50)", "Numeric(10, 2)", "DateTime(true)"), an
// Enum as {"enum": ["a", "b"], "name": "status"}. Files are read and written with Poco::JSON.
#include <filesystem>
#include <string>
#include <vector>

#include "crucible/migrate/operations.hpp"

namespace crucible::migrate {

/// One revision file's content.
struct Revision {
  std::string id;                           ///< hex, unique in the directory
  std::vector<std::string> down_revisions;  ///< empty for a base, two or more for a merge
  std::string message;
  std::string created;  ///< ISO 8601 UTC, informational
  std::vector<Operation> upgrade;
  std::vector<Operation> downgrade;
  std::vector<std::string> comments;  ///< notes for the author (possible renames…)
  std::filesystem::path path;         ///< the file it was read from or written to
};

/// Reads a revision file. Throws CommandError naming the file, the place in the JSON
/// ("upgrade[2].columns[0].type") and what was wanted and found, for a file that cannot be
/// read, is not JSON, or holds something else than a revision.
Revision read_revision(const std::filesystem::path& file);

/// Writes revision into directory as "<id>_<message slug>.json" (the file is created; an
/// existing one is an error) and returns its path. Throws CommandError when it cannot be written.
std::filesystem::path write_revision(const Revision& revision,
                                     const std::filesystem::path& directory);

/// The revision as its file's JSON text (what write_revision writes).
std::string revision_json(const Revision& revision);

/// A new random 12-hex-digit revision id (Alembic's rev_id()).
std::string new_revision_id();

/// The current UTC time in ISO 8601 ("2026-11-23T20:41:07Z").
std::string utc_timestamp();

/// A type written as in a revision file ("String(50)") back to a SqlType. Throws ArgumentError
/// naming the text for an unknown type name or bad parameters.
SqlType parse_type(const std::string& text);

}  // namespace crucible::migrate
