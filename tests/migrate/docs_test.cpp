// docs/migrations.md's walk-through, run: each `$ migrate_books …` line of its console block is
// run with the example program in a fresh directory on SQLite and its output compared with the
// lines under it (the revision id, the date and the directory made the document's); the
// drafted revision file is compared with the document's JSON. And the `crucible migrate`
// command without a MetaData.
#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "migrate_fixture.hpp"

namespace crucible::testing {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The body of the first ```lang block of markdown.
std::string code_block(const std::string& markdown, const std::string& lang) {
  const std::string fence = "```" + lang + "\n";
  const std::size_t start = markdown.find(fence);
  if (start == std::string::npos) return {};
  const std::size_t body = start + fence.size();
  return markdown.substr(body, markdown.find("```", body) - body);
}

// Splits a command line as a shell would for the words used here: blanks, "double quotes".
std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::string word;
  bool quoted = false, any = false;
  for (const char c : line) {
    if (c == '"') {
      quoted = !quoted;
      any = true;
    } else if (c == ' ' && !quoted) {
      if (any) out.push_back(word);
      word.clear();
      any = false;
    } else {
      word += c;
      any = true;
    }
  }
  if (any) out.push_back(word);
  return out;
}

struct ProgramRun {
  int status;
  std::string output;  ///< stdout and stderr
};

ProgramRun run_in(const std::filesystem::path& dir, const std::string& program,
                  const std::vector<std::string>& args) {
  std::string command = "cd '" + dir.string() + "' && '" + program + "'";
  for (const std::string& a : args) command += " '" + a + "'";
  command += " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string out;
  std::array<char, 4096> buffer{};
  while (const std::size_t n = fread(buffer.data(), 1, buffer.size(), pipe))
    out.append(buffer.data(), n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// The value after `key` up to the end of its line or the next quote.
std::string value_after(const std::string& text, const std::string& key) {
  const std::size_t at = text.find(key);
  if (at == std::string::npos) return {};
  const std::size_t start = at + key.size();
  return text.substr(start, text.find_first_of("\"\n", start) - start);
}

TEST(MigrateSqliteDocs, Walkthrough_RunsAsDocumented) {
  const std::string doc = read_file(std::filesystem::path(CRUCIBLE_DOCS_DIR) / "migrations.md");
  const std::string session = code_block(doc, "console");
  const std::string doc_json = code_block(doc, "json");
  ASSERT_FALSE(session.empty()) << "docs/migrations.md has no console block";
  ASSERT_FALSE(doc_json.empty()) << "docs/migrations.md has no json block";
  const std::string doc_id = value_after(doc_json, "\"id\": \"");
  const std::string doc_date = value_after(doc_json, "\"created\": \"");

  TempDir dir;
  const std::string project = std::filesystem::canonical(dir.path()).string();
  std::istringstream lines(session);
  std::string line, command, expected;
  std::string actual_id, actual_date;
  const auto check = [&] {
    if (command.empty()) return;
    std::vector<std::string> args = words(command);
    ASSERT_EQ(args.at(0), "migrate_books") << command;
    args.erase(args.begin());
    ProgramRun r = run_in(project, CRUCIBLE_MIGRATE_EXAMPLE, args);
    EXPECT_EQ(r.status, 0) << command << "\n" << r.output;
    if (actual_id.empty()) {
      const std::string file = value_after(r.output, "/migrations/versions/");
      if (!file.empty()) actual_id = file.substr(0, file.find('_'));
    }
    replace_all(r.output, project, "/project");
    replace_all(r.output, actual_id, doc_id);
    if (!actual_date.empty()) replace_all(r.output, actual_date, doc_date);
    EXPECT_EQ(r.output, expected) << "output of `" << command << "`";
  };
  while (std::getline(lines, line)) {
    if (line.rfind("$ ", 0) == 0) {
      check();
      command = line.substr(2);
      expected.clear();
      if (!actual_id.empty() && actual_date.empty()) {  // the revision exists from now on
        for (const auto& entry :
             std::filesystem::directory_iterator(dir.path() / "migrations" / "versions"))
          actual_date = value_after(read_file(entry.path()), "\"created\": \"");
      }
    } else {
      expected += line + "\n";
    }
  }
  check();

  ASSERT_FALSE(actual_id.empty());
  std::string drafted;
  for (const auto& entry :
       std::filesystem::directory_iterator(dir.path() / "migrations" / "versions"))
    drafted = read_file(entry.path());
  replace_all(drafted, actual_id, doc_id);
  replace_all(drafted, actual_date, doc_date);
  EXPECT_EQ(drafted, doc_json);
}

TEST(MigrateSqliteCli, CrucibleMigrate_RunsRevisionsButRefusesAutogenerate) {
  TempDir dir;
  const std::string project = std::filesystem::canonical(dir.path()).string();
  EXPECT_EQ(
      run_in(project, CRUCIBLE_CLI, {"migrate", "init", "m", "--url", "sqlite:///cli.db"}).status,
      0);
  const ProgramRun refused =
      run_in(project, CRUCIBLE_CLI, {"migrate", "revision", "--autogenerate", "-m", "x"});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.output.find("crucible::migrate::main"), std::string::npos) << refused.output;
  const ProgramRun made =
      run_in(project, CRUCIBLE_CLI, {"migrate", "revision", "-m", "empty step"});
  EXPECT_EQ(made.status, 0) << made.output;
  const ProgramRun up = run_in(project, CRUCIBLE_CLI, {"migrate", "upgrade", "head"});
  EXPECT_EQ(up.status, 0) << up.output;
  EXPECT_NE(up.output.find("Running upgrade  -> "), std::string::npos) << up.output;
  const ProgramRun current = run_in(project, CRUCIBLE_CLI, {"migrate", "current"});
  EXPECT_NE(current.output.find("(head)"), std::string::npos) << current.output;
  const ProgramRun bad = run_in(project, CRUCIBLE_CLI, {"migrate", "upgrade", "nosuchrev"});
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.output.find("no revision 'nosuchrev'"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace crucible::testing
