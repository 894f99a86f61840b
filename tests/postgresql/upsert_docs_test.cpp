// docs/upsert.md is run here on SQLite and PostgreSQL (the page and the C++ of its examples:
// ../upsert_docs.hpp). This test:
//   * checks that the page's C++ is the C++ the tests run,
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

#include "../upsert_docs.hpp"
#include "crucible/crucible.hpp"
#include "crucible/registry.hpp"
#include "pg_fixture.hpp"

using namespace crucible;

namespace {

using namespace crucible::testing::upsert_docs;

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
  const std::string file = source_path();
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
