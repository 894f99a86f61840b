// The revision graph (migrate/script_directory.hpp), after Alembic's RevisionMap.
#include "crucible/migrate/script_directory.hpp"

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

#include "crucible/migrate/command_error.hpp"
#include "join.hpp"

namespace crucible::migrate {

namespace {

// N of "+N" / "-N", or 0 when text is not of that form with sign.
int relative_steps(std::string_view text, char sign) {
  if (text.size() < 2 || text[0] != sign) return 0;
  int n = 0;
  const auto [end, error] = std::from_chars(text.data() + 1, text.data() + text.size(), n);
  if (error != std::errc() || end != text.data() + text.size() || n <= 0)
    throw CommandError("wanted a relative target such as " + std::string(1, sign) + "1, found \"" +
                       std::string(text) + "\"");
  return n;
}

}  // namespace

ScriptDirectory::ScriptDirectory(std::filesystem::path directory)
    : directory_(std::move(directory)) {
  const std::filesystem::path versions = versions_directory();
  if (!std::filesystem::is_directory(versions))
    throw CommandError("wanted a migrations directory with a versions/ directory in it, found "
                       "no " +
                       versions.string() +
                       " (create one with `crucible migrate init "
                       "DIR`)");
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(versions))
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    Revision r = read_revision(file);
    const auto [at, inserted] = revisions_.emplace(r.id, r);
    if (!inserted)
      throw CommandError("revision id " + r.id + " is used by two files, " +
                         at->second.path.string() + " and " + file.string() +
                         "; wanted unique ids");
  }
  for (const auto& [id, r] : revisions_) {
    children_[id];
    for (const std::string& parent : r.down_revisions) {
      if (!revisions_.contains(parent))
        throw CommandError(r.path.string() + ": down_revision names " + parent +
                           ", which no file in " + versions.string() + " holds");
      children_[parent].push_back(id);
    }
  }
}

const Revision& ScriptDirectory::get(std::string_view id) const {
  if (const auto exact = revisions_.find(std::string(id)); exact != revisions_.end())
    return exact->second;
  std::vector<std::string> matches;
  for (const auto& [rid, r] : revisions_)
    if (!id.empty() && rid.starts_with(id)) matches.push_back(rid);
  if (matches.size() == 1) return revisions_.at(matches.front());
  if (matches.empty()) {
    std::vector<std::string> all;
    for (const auto& [rid, r] : revisions_) all.push_back(rid);
    throw CommandError("no revision '" + std::string(id) + "' in " + versions_directory().string() +
                       "; the revisions are " + detail::join(all, "none"));
  }
  throw CommandError("revision '" + std::string(id) + "' is ambiguous: it begins " +
                     detail::join(matches, "none") + "; give more of the id");
}

std::vector<const Revision*> ScriptDirectory::ordered(const std::set<std::string>& ids) const {
  // Kahn's algorithm over the subset, ready revisions taken in id order.
  std::vector<const Revision*> out;
  std::set<std::string> done;
  std::set<std::string> left = ids;
  while (!left.empty()) {
    bool progressed = false;
    for (auto it = left.begin(); it != left.end();) {
      const Revision& r = revisions_.at(*it);
      const bool ready =
          std::all_of(r.down_revisions.begin(), r.down_revisions.end(),
                      [&](const std::string& p) { return !ids.contains(p) || done.contains(p); });
      if (ready) {
        out.push_back(&r);
        done.insert(*it);
        it = left.erase(it);
        progressed = true;
      } else {
        ++it;
      }
    }
    if (!progressed)
      throw CommandError("the revisions " + detail::join({left.begin(), left.end()}) +
                         " form a cycle through their down_revision; wanted a history");
  }
  return out;
}

std::vector<const Revision*> ScriptDirectory::walk() const {
  std::set<std::string> all;
  for (const auto& [id, r] : revisions_) all.insert(id);
  return ordered(all);
}

std::vector<std::string> ScriptDirectory::heads() const {
  std::vector<std::string> out;
  for (const auto& [id, kids] : children_)
    if (kids.empty()) out.push_back(id);
  return out;
}

std::vector<std::string> ScriptDirectory::bases() const {
  std::vector<std::string> out;
  for (const auto& [id, r] : revisions_)
    if (r.down_revisions.empty()) out.push_back(id);
  return out;
}

std::string ScriptDirectory::single_head() const {
  const std::vector<std::string> all = heads();
  if (all.empty())
    throw CommandError("no revisions in " + versions_directory().string() +
                       "; create one with `crucible migrate revision -m MESSAGE`");
  if (all.size() > 1)
    throw CommandError("multiple heads are present (" + detail::join(all, "none") +
                       "): the history has branched; merge them with `crucible migrate merge -m "
                       "MESSAGE` (a revision whose down_revision lists both), or name one");
  return all.front();
}

std::set<std::string> ScriptDirectory::ancestors_and_self(const std::string& id) const {
  std::set<std::string> out;
  std::vector<std::string> todo{id};
  while (!todo.empty()) {
    std::string next = std::move(todo.back());
    todo.pop_back();
    if (!out.insert(next).second) continue;
    for (const std::string& p : revisions_.at(next).down_revisions) todo.push_back(p);
  }
  return out;
}

std::set<std::string> ScriptDirectory::applied(const std::vector<std::string>& heads) const {
  std::set<std::string> out;
  for (const std::string& id : heads) {
    const std::set<std::string> a = ancestors_and_self(get(id).id);
    out.insert(a.begin(), a.end());
  }
  return out;
}

std::vector<std::string> ScriptDirectory::heads_of(const std::set<std::string>& applied) const {
  std::set<std::string> parents;
  for (const std::string& id : applied)
    for (const std::string& p : revisions_.at(id).down_revisions) parents.insert(p);
  std::vector<std::string> out;
  for (const std::string& id : applied)
    if (!parents.contains(id)) out.push_back(id);
  return out;
}

std::vector<const Revision*> ScriptDirectory::upgrade_plan(const std::vector<std::string>& current,
                                                           std::string_view target) const {
  const std::set<std::string> applied = this->applied(current);
  std::set<std::string> wanted;
  if (const int steps = relative_steps(target, '+'); steps > 0) {
    // Step up one child at a time from the current revision (or the base).
    if (current.size() > 1)
      throw CommandError("a relative upgrade needs one current revision, found " +
                         detail::join(current, "none"));
    std::string at = current.empty() ? std::string() : get(current.front()).id;
    for (int i = 0; i < steps; ++i) {
      const std::vector<std::string> next = at.empty() ? bases() : children_.at(at);
      if (next.empty())
        throw CommandError("cannot upgrade " + std::string(target) + ": only " + std::to_string(i) +
                           " revision(s) lie above " +
                           (current.empty() ? std::string("base") : current.front()));
      if (next.size() > 1)
        throw CommandError("cannot upgrade " + std::string(target) + ": the history branches at " +
                           (at.empty() ? std::string("base") : at) + " into " +
                           detail::join(next, "none") + "; name the revision to upgrade to");
      at = next.front();
    }
    wanted = ancestors_and_self(at);
  } else if (target == "heads") {
    for (const std::string& h : heads()) {
      const std::set<std::string> a = ancestors_and_self(h);
      wanted.insert(a.begin(), a.end());
    }
  } else {
    const std::string id = target == "head" ? single_head() : get(target).id;
    wanted = ancestors_and_self(id);
  }
  std::set<std::string> todo;
  for (const std::string& id : wanted)
    if (!applied.contains(id)) todo.insert(id);
  return ordered(todo);
}

std::vector<const Revision*>
ScriptDirectory::downgrade_plan(const std::vector<std::string>& current,
                                std::string_view target) const {
  const std::set<std::string> applied = this->applied(current);
  std::set<std::string> keep;
  if (const int steps = relative_steps(target, '-'); steps > 0) {
    if (current.size() != 1)
      throw CommandError("a relative downgrade needs one current revision, found " +
                         detail::join(current, "none"));
    std::string at = get(current.front()).id;
    for (int i = 0; i < steps; ++i) {
      if (at.empty())
        throw CommandError("cannot downgrade " + std::string(target) + ": only " +
                           std::to_string(i) + " revision(s) lie below " + current.front());
      const std::vector<std::string>& parents = revisions_.at(at).down_revisions;
      if (parents.size() > 1)
        throw CommandError("cannot downgrade " + std::string(target) + ": " + at + " merges " +
                           detail::join(parents, "none") + "; name the revision to downgrade to");
      at = parents.empty() ? std::string() : parents.front();
    }
    if (!at.empty()) keep = ancestors_and_self(at);
  } else if (target != "base") {
    const std::string id = get(target).id;
    if (!applied.contains(id))
      throw CommandError("cannot downgrade to " + id + ": it is not applied (current: " +
                         detail::join(current, "none") + "); use upgrade");
    keep = ancestors_and_self(id);
  }
  std::set<std::string> undo;
  for (const std::string& id : applied)
    if (!keep.contains(id)) undo.insert(id);
  std::vector<const Revision*> out = ordered(undo);
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace crucible::migrate
