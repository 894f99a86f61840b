#pragma once
// The migrations directory and its revision graph (Alembic's ScriptDirectory and
// RevisionMap): every revision file of DIR/versions, linked by down_revision.
//
// A head is a revision no other revision names as a parent; a base one that names none. Two
// heads mean the history has branched: commands that need one head ("upgrade head",
// "revision") refuse and ask for a merge revision (one whose down_revision lists both heads).
// Targets are revision ids or unique prefixes of them, "head", "heads", "base", and relative
// steps "+N" (upgrade) and "-N" (downgrade) counted from the current revision.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/migrate/revision.hpp"

namespace crucible::migrate {

/// The revisions of one migrations directory. Read once; immutable afterwards.
class ScriptDirectory {
 public:
  /// Reads every *.json file of directory/versions. Throws CommandError when the directory is
  /// missing, a file is bad (read_revision), two files share an id, or a down_revision names
  /// a revision no file holds.
  explicit ScriptDirectory(std::filesystem::path directory);

  /// The migrations directory and its versions subdirectory.
  const std::filesystem::path& directory() const noexcept { return directory_; }
  std::filesystem::path versions_directory() const { return directory_ / "versions"; }

  /// The revision whose id is id or starts with it. Throws CommandError for none ("no revision
  /// 'x'; the revisions are …") or several ("'a' is ambiguous: a1…, a2…").
  const Revision& get(std::string_view id) const;
  /// Every revision, parents before children (ties in id order).
  std::vector<const Revision*> walk() const;
  /// The heads and the bases, in id order.
  std::vector<std::string> heads() const;
  std::vector<std::string> bases() const;
  /// The one head. Throws CommandError naming the heads when there are several (merge them
  /// first), or when there is no revision.
  std::string single_head() const;

  /// The revisions an upgrade from current (the version table's ids) to target applies, in
  /// the order to apply them. Empty when target is already applied. Throws CommandError for an
  /// unknown target, "head" with several heads, a "+N" that passes a branch point or the head.
  std::vector<const Revision*> upgrade_plan(const std::vector<std::string>& current,
                                            std::string_view target) const;
  /// The revisions a downgrade from current to target ("base", "-N", an id) undoes, in the
  /// order to undo them. Throws CommandError for an unknown target, one that is not below
  /// current, a "-N" that passes a merge or the base.
  std::vector<const Revision*> downgrade_plan(const std::vector<std::string>& current,
                                              std::string_view target) const;

  /// The revisions applied when the version table holds heads (ids or unique prefixes): each
  /// and all their ancestors. Throws CommandError for an unknown id.
  std::set<std::string> applied(const std::vector<std::string>& heads) const;
  /// The ids id and all its ancestors.
  std::set<std::string> ancestors_and_self(const std::string& id) const;
  /// The heads of a set of applied revisions (those of them no other of them names as parent):
  /// what the version table holds once exactly `applied` is applied.
  std::vector<std::string> heads_of(const std::set<std::string>& applied) const;

 private:
  std::vector<const Revision*> ordered(const std::set<std::string>& ids) const;
  std::filesystem::path directory_;
  std::map<std::string, Revision> revisions_;
  std::map<std::string, std::vector<std::string>> children_;
};

}  // namespace crucible::migrate
