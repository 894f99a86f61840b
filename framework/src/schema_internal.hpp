#pragma once
// Internal to libcrucible: rules schema.cpp (definition time) and ddl.cpp (render time) share.
// Not a public header.
#include <string>
#include <string_view>

namespace crucible::sql::detail {

/// A foreign key's ON DELETE / ON UPDATE action in canonical form ("CASCADE", "SET NULL",
/// "SET DEFAULT", "RESTRICT", "NO ACTION"), from any case and spacing. Throws ArgumentError
/// naming `where` (e.g. "the foreign key of posts.user_id") for anything else, so no SQL can be
/// smuggled into DDL through it (as SQLAlchemy's validation of ondelete/onupdate).
std::string foreign_key_action(std::string_view action, std::string_view where);

}  // namespace crucible::sql::detail
