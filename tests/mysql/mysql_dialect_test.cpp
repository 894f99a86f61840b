// The mysql and mariadb dialects' own behaviour (mysql_dialect.hpp): the script splitter (with
// the whole of Chinook_MySql.sql run on the server and compared with SQLite's Chinook), what
// initialize() learns from the real server, and the isolation levels as the server reports
// them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "crucible/crucible.hpp"
#include "crucible/registry.hpp"
#include "mysql_fixture.hpp"

using namespace crucible;

namespace {

using Strings = std::vector<std::string>;

Strings split(std::string_view script) {
  return registry::load_dialect("mysql")->split_script(script);
}

// ---- the script splitter (no server) ----------------------------------------------------------

TEST(MysqlSplitScript, Semicolons_EndStatementsOutsideQuotesAndComments) {
  EXPECT_EQ(split("SELECT 1; SELECT 'a;b', \"c;d\", `e;f`;\nSELECT 2"),
            (Strings{"SELECT 1", "SELECT 'a;b', \"c;d\", `e;f`", "SELECT 2"}));
}

TEST(MysqlSplitScript, BackslashEscapes_DoNotEndAString) {
  EXPECT_EQ(split(R"(INSERT INTO t VALUES ('it\'s; \\', "x\";y"); SELECT 3)"),
            (Strings{R"(INSERT INTO t VALUES ('it\'s; \\', "x\";y"))", "SELECT 3"}));
  EXPECT_EQ(split("SELECT 'a''b;c'; SELECT `x``;y`"),
            (Strings{"SELECT 'a''b;c'", "SELECT `x``;y`"}));
}

TEST(MysqlSplitScript, Comments_HashDashDashAndBlock) {
  EXPECT_EQ(split("# one; two\nSELECT 1; -- three; four\n/* five; */ SELECT 2 /* six; */;"),
            (Strings{"SELECT 1", "SELECT 2 /* six; */"}));
  // "--" without a blank after it is two minus signs, not a comment.
  EXPECT_EQ(split("SELECT 5--1; SELECT 6"), (Strings{"SELECT 5--1", "SELECT 6"}));
  // Statements holding only comments are dropped; executable comments are kept.
  EXPECT_EQ(split("/* nothing */; -- none\n;/*!40101 SET NAMES utf8mb4 */;"),
            (Strings{"/*!40101 SET NAMES utf8mb4 */"}));
}

TEST(MysqlSplitScript, Delimiter_ChangesTheTerminatorForRoutineBodies) {
  EXPECT_EQ(split("DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END//\n"
                  "DELIMITER ;\nCALL p();"),
            (Strings{"CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END", "CALL p()"}));
}

TEST(MysqlSplitScript, UnterminatedQuote_NamesItsLine) {
  try {
    split("SELECT 1;\nSELECT 'oops;\n");
    FAIL() << "expected ArgumentError";
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(split("SELECT `x"), ArgumentError);
  EXPECT_THROW(split("SELECT 1 /* x"), ArgumentError);
}

// ---- on the server ----------------------------------------------------------------------------

class MysqlDialectTest : public crucible::testing::MysqlEngineFixture {};

TEST_F(MysqlDialectTest, Initialize_TakesAMariadbServerAsMariadb) {
  // The URL says mysql; the server is MariaDB 10.11, so the dialect behaves as MariaDB.
  engine().connect().close();
  const Dialect& d = engine().dialect();
  EXPECT_EQ(d.name(), "mysql");
  EXPECT_TRUE(d.features().supports_returning);    // INSERT … RETURNING, MariaDB 10.5+
  EXPECT_TRUE(d.features().supports_native_uuid);  // UUID, MariaDB 10.7+
  const std::string version =
      engine().connect().execute(text("SELECT VERSION()")).scalar_one().as<std::string>();
  EXPECT_NE(version.find("MariaDB"), std::string::npos) << version;
}

TEST_F(MysqlDialectTest, IsolationLevels_AreSetOnTheSession) {
  for (const std::string level :
       {"READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"}) {
    Engine e = create_engine(url().render(false), {.isolation_level = level});
    Connection c = e.connect();
    std::string got = c.execute(text("SELECT @@tx_isolation")).scalar_one().as<std::string>();
    std::replace(got.begin(), got.end(), '-', ' ');
    EXPECT_EQ(got, level);
    c.close();
    e.dispose();
  }
}

TEST_F(MysqlDialectTest, SplitScript_RunsChinookLikeSqlite) {
  std::ifstream in(std::filesystem::path(CRUCIBLE_CHINOOK_DIR) / "Chinook_MySql.sql",
                   std::ios::binary);
  ASSERT_TRUE(in) << "cannot read Chinook_MySql.sql in " << CRUCIBLE_CHINOOK_DIR;
  std::stringstream script;
  script << in.rdbuf();
  const Strings statements = engine().dialect().split_script(script.str());
  // The script makes and enters a database of its own; the test's database stands in for it.
  Connection c = engine().connect();
  std::size_t run = 0;
  for (const std::string& statement : statements) {
    if (statement.starts_with("DROP DATABASE") || statement.starts_with("CREATE DATABASE") ||
        statement.starts_with("USE "))
      continue;
    c.execute(text(statement));
    ++run;
  }
  c.commit();
  EXPECT_GT(run, 11u);  // at least the tables
  Engine sqlite = create_engine(
      "sqlite:///" +
      (std::filesystem::path(CRUCIBLE_CHINOOK_DIR) / "Chinook_Sqlite.sqlite").string());
  Connection lite = sqlite.connect();
  const Strings tables = Inspector(lite).get_table_names();
  ASSERT_FALSE(tables.empty());
  EXPECT_EQ(Inspector(c).get_table_names(), tables);
  for (const std::string& table : tables) {
    const std::string count = "SELECT COUNT(*) FROM " + table;
    EXPECT_EQ(c.execute(text(count)).scalar_one(), lite.execute(text(count)).scalar_one()) << table;
  }
  // Non-ASCII text arrives as SQLite has it (utf8mb4 on the way in and out).
  const std::string composer = "SELECT Composer FROM Track WHERE TrackId = 3485";
  EXPECT_EQ(c.execute(text(composer)).scalar_one(), lite.execute(text(composer)).scalar_one());
}

}  // namespace
