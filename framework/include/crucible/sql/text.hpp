#pragma once
// text(): a literal SQL statement with named bind parameters (SQLAlchemy's sqlalchemy.text).
//
//   text("SELECT * FROM users WHERE name = :name AND id > :min_id")
//
// ":name" (a colon, then letters, digits or '_', not preceded by ':' or a word character and not
// followed by ':') is a bind parameter; "::" (PostgreSQL's cast) and a colon inside a '…' or
// "…" literal or a comment are left alone; "\:" writes a literal colon. The statement is
// compiled to the driver's paramstyle when executed.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/sql/executable.hpp"

namespace crucible::sql {

/// A textual statement. Copies share one parsed form and its compiled cache.
class TextClause final : public Executable {
 public:
  /// Parses sql's bind parameters. Throws ArgumentError for an unterminated literal or comment.
  explicit TextClause(std::string_view sql);
  ~TextClause() override;

  /// The bind parameter names in order of first appearance.
  const std::vector<std::string>& bind_names() const noexcept;
  /// The text as written.
  const std::string& text() const noexcept;

  std::shared_ptr<const Compiled> compile(const CompileContext& ctx) const override;

  struct Parsed;

 private:
  std::shared_ptr<Parsed> parsed_;
};

}  // namespace crucible::sql

namespace crucible {
/// A TextClause for sql; see sql/text.hpp.
sql::TextClause text(std::string_view sql);
}  // namespace crucible
