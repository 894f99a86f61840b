// docs/upsert.md is run here. The page marks each example with <!-- example: NAME -->, followed
// by its C++ and, per dialect, a ```sql block whose first line is "-- sqlite" or
// "-- postgresql". This test:
//   * holds the same C++ (below, verbatim: the page's C++ block, blanks aside, must occur in
//     this file, so the two cannot drift apart),
//   * compiles each example for both dialects in their drivers' paramstyles and compares the
//     SQL with the page's block for that dialect; an example without a block for SQLite must be
//     refused there with NotSupportedError,
//   * runs each example on SQLite and on PostgreSQL, from the same starting row, and checks
//     that both databases end with the same rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "crucible/crucible.hpp"
#include "crucible/registry.hpp"
#include "pg_fixture.hpp"

using namespace crucible;

namespace {

// ---- the page -----------------------------------------------------------------------------

struct DocExample {
  std::string cpp;                         ///< the C++ block
  std::map<std::string, std::string> sql;  ///< dialect name -> SQL block (without its label)
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string trim(std::string s) {
  const auto blank = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!s.empty() && blank(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && blank(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

std::string without_blanks(const std::string& s) {
  std::string out;
  for (const char c : s)
    if (std::isspace(static_cast<unsigned char>(c)) == 0) out += c;
  return out;
}

// The examples of the page by name.
std::map<std::string, DocExample> parse_examples(const std::string& markdown) {
  std::map<std::string, DocExample> out;
  std::istringstream in(markdown);
  std::string line;
  std::string current;
  const std::string marker = "<!-- example: ";
  while (std::getline(in, line)) {
    if (line.rfind(marker, 0) == 0) {
      current = trim(line.substr(marker.size(), line.find("-->") - marker.size()));
      out[current];
      continue;
    }
    if (line.rfind("```", 0) != 0 || line.size() == 3) continue;
    const std::string lang = line.substr(3);
    std::string body;
    while (std::getline(in, line) && line.rfind("```", 0) != 0) body += line + "\n";
    if (current.empty()) continue;
    if (lang == "cpp") {
      out[current].cpp = body;
    } else if (lang == "sql") {
      const auto eol = body.find('\n');
      const std::string label = trim(body.substr(0, eol));
      if (label.rfind("-- ", 0) == 0) out[current].sql[label.substr(3)] = trim(body.substr(eol));
    }
  }
  return out;
}

// ---- the same C++ as the page -------------------------------------------------------------

struct Inventory {
  MetaData metadata;
  Table items{"items",
              metadata,
              Column{"id", Integer{}, primary_key},
              Column{"sku", String{20}, nullable(false)},
              Column{"name", String{80}},
              Column{"qty", Integer{}, nullable(false)},
              UniqueConstraint{{"sku"}, "uq_items_sku"}};
};

// The statement of the example called name.
sql::Insert example(const std::string& name, const Table& items) {
  if (name == "update") {
    auto stmt =
        insert(items)
            .values({{"sku", "A-1"}, {"name", "Anvil"}, {"qty", 5}})
            .on_conflict_do_update({"sku"}, {{"name", excluded(items, "name")},
                                             {"qty", items.c("qty") + excluded(items, "qty")}});
    return stmt;
  }
  if (name == "nothing") {
    auto stmt = insert(items)
                    .values({{"sku", "A-1"}, {"name", "Anvil"}, {"qty", 1}})
                    .on_conflict_do_nothing({"sku"});
    return stmt;
  }
  if (name == "where") {
    auto stmt = insert(items)
                    .values({{"sku", "A-1"}, {"name", "Anvil"}, {"qty", 9}})
                    .on_conflict_do_update({"sku"}, {{"qty", excluded(items, "qty")}},
                                           excluded(items, "qty") > items.c("qty"));
    return stmt;
  }
  if (name == "constraint") {
    auto stmt = insert(items)
                    .values({{"sku", "A-1"}, {"name", "Anvil Mk II"}, {"qty", 1}})
                    .on_conflict_do_update(ConflictTarget::constraint("uq_items_sku"),
                                           {{"name", excluded(items, "name")}});
    return stmt;
  }
  throw std::runtime_error("docs/upsert.md has an example '" + name + "' this test does not hold");
}

class UpsertDocsTest : public crucible::testing::PgFixture {
 protected:
  void SetUp() override {
    PgFixture::SetUp();
    if (HasFatalFailure()) return;
    examples_ = parse_examples(read_file(std::string(CRUCIBLE_DOCS_DIR) + "/upsert.md"));
    engines_.emplace("sqlite", create_engine("sqlite://"));
    engines_.emplace("postgresql", create_engine(url()));
  }
  void TearDown() override {
    for (auto& [name, engine] : engines_) engine.dispose();
    engines_.clear();
    PgFixture::TearDown();
  }

  // Runs the example on a fresh items table holding one row, and returns the rows after it.
  std::vector<std::vector<Value>> run(const std::string& dialect, const std::string& name) {
    Engine& engine = engines_.at(dialect);
    Inventory inv;
    inv.metadata.drop_all(engine);
    inv.metadata.create_all(engine);
    Connection conn = engine.connect();
    conn.execute(insert(inv.items).values({{"sku", "A-1"}, {"name", "Anvil"}, {"qty", 7}}));
    conn.execute(example(name, inv.items));
    std::vector<std::vector<Value>> rows;
    for (const Row& row : conn.execute(select(inv.items).order_by({inv.items.c("id")})))
      rows.push_back(row.values());
    conn.commit();
    return rows;
  }

  std::map<std::string, DocExample> examples_;
  std::map<std::string, Engine> engines_;
};

}  // namespace

TEST_F(UpsertDocsTest, EveryExampleOfThePageIsThisTestsCode) {
  ASSERT_GE(examples_.size(), 5u) << "expected the schema and four examples in docs/upsert.md";
  const std::string file =
      std::string(CRUCIBLE_DOCS_DIR) + "/../tests/postgresql/upsert_docs_test.cpp";
  const std::string source = without_blanks(read_file(file));
  for (const auto& [name, ex] : examples_) {
    SCOPED_TRACE(name);
    ASSERT_FALSE(ex.cpp.empty()) << "the example has no ```cpp block";
    // The page's C++ without its trailing conn.execute(stmt) line, which run() does.
    std::string cpp = ex.cpp;
    if (const auto at = cpp.find("conn.execute(stmt);"); at != std::string::npos) cpp.erase(at);
    EXPECT_NE(source.find(without_blanks(cpp)), std::string::npos)
        << "docs/upsert.md's C++ for '" << name << "' is not in " << file << ":\n"
        << cpp;
  }
}

TEST_F(UpsertDocsTest, ShownSqlIsWhatEachDialectCompiles) {
  Inventory inv;
  for (const auto& [name, ex] : examples_) {
    if (name == "schema") continue;
    SCOPED_TRACE(name);
    const sql::Insert stmt = example(name, inv.items);
    ASSERT_TRUE(ex.sql.count("postgresql")) << "no postgresql SQL shown for " << name;
    for (const char* dialect : {"sqlite", "postgresql"}) {
      const Engine& engine = engines_.at(dialect);
      const ParamStyle style = engine.driver().paramstyle();
      const auto shown = ex.sql.find(dialect);
      if (shown == ex.sql.end()) {
        EXPECT_THROW((void)sql::compile(stmt, engine.dialect(), {}, style), NotSupportedError)
            << "the page shows no " << dialect << " SQL, so the dialect must refuse it";
        continue;
      }
      EXPECT_EQ(sql::compile(stmt, engine.dialect(), {}, style)->sql, shown->second) << dialect;
    }
  }
}

TEST_F(UpsertDocsTest, EveryExampleRunsOnBothDatabasesWithTheSameResult) {
  for (const auto& [name, ex] : examples_) {
    if (name == "schema") continue;
    SCOPED_TRACE(name);
    const auto on_postgresql = run("postgresql", name);
    ASSERT_EQ(on_postgresql.size(), 1u);  // every example meets the existing row
    if (!ex.sql.count("sqlite")) continue;
    EXPECT_EQ(run("sqlite", name), on_postgresql);
  }
  // What each example did to the row (id, sku, name, qty), starting from ("Anvil", 7).
  EXPECT_EQ(run("postgresql", "update").front()[3], Value(12));
  EXPECT_EQ(run("postgresql", "nothing").front()[3], Value(7));
  EXPECT_EQ(run("postgresql", "where").front()[3], Value(9));
  EXPECT_EQ(run("postgresql", "constraint").front()[2], Value("Anvil Mk II"));
}
