// docs/upsert.md's "-- mysql" SQL, run on MariaDB (the page and the C++ of its examples:
// ../upsert_docs.hpp, which tests/postgresql/upsert_docs_test.cpp runs on SQLite and
// PostgreSQL). Each example compiles for the mysql dialect, initialized on the server, to the
// SQL the page shows (or is refused with NotSupportedError where the page shows none), and
// leaves the row as the page says it does on the other databases.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "../upsert_docs.hpp"
#include "crucible/crucible.hpp"
#include "mysql_fixture.hpp"

using namespace crucible;

namespace {

using namespace crucible::testing::upsert_docs;

class MysqlUpsertDocsTest : public crucible::testing::MysqlEngineFixture {
 protected:
  void SetUp() override {
    MysqlEngineFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    examples_ = parse_examples(read_file(std::string(CRUCIBLE_DOCS_DIR) + "/upsert.md"));
    engine().connect().close();  // initialize the dialect on the server
  }

  // Runs the example on a fresh items table holding one row; the rows after it.
  std::vector<std::vector<Value>> run(const std::string& name) {
    Inventory inv;
    inv.metadata.drop_all(engine());
    inv.metadata.create_all(engine());
    Connection conn = engine().connect();
    conn.execute(insert(inv.items).values({{"sku", "A-1"}, {"name", "Anvil"}, {"qty", 7}}));
    conn.execute(example(name, inv.items));
    std::vector<std::vector<Value>> rows;
    for (const Row& row : conn.execute(select(inv.items).order_by({inv.items.c("id")})))
      rows.push_back(row.values());
    conn.commit();
    return rows;
  }

  std::map<std::string, DocExample> examples_;
};

}  // namespace

TEST_F(MysqlUpsertDocsTest, ShownMysqlSqlIsWhatTheDialectCompiles) {
  ASSERT_GE(examples_.size(), 5u) << "expected the schema and four examples in docs/upsert.md";
  Inventory inv;
  for (const auto& [name, ex] : examples_) {
    if (name == "schema") continue;
    SCOPED_TRACE(name);
    const sql::Insert stmt = example(name, inv.items);
    const auto shown = ex.sql.find("mysql");
    if (shown == ex.sql.end()) {
      EXPECT_THROW((void)sql::compile(stmt, engine().dialect(), {}, ParamStyle::kQmark),
                   NotSupportedError)
          << "the page shows no mysql SQL, so the dialect must refuse it";
      continue;
    }
    EXPECT_EQ(sql::compile(stmt, engine().dialect(), {}, ParamStyle::kQmark)->sql, shown->second);
  }
}

TEST_F(MysqlUpsertDocsTest, EveryShownExampleDoesOnMariadbWhatThePageSays) {
  // What each example did to the row (id, sku, name, qty), starting from ("Anvil", 7): the
  // same as on SQLite and PostgreSQL.
  const auto update = run("update");
  ASSERT_EQ(update.size(), 1u);
  EXPECT_EQ(update.front()[3], Value(12));
  EXPECT_EQ(run("nothing").front()[3], Value(7));
  EXPECT_EQ(run("where").front()[3], Value(9));
}
