// Chinook on MariaDB (issue 5 item 5): Chinook_MySql.sql is loaded by crucible's own program
// (`crucible sql URL --file -`) into a database of the test server, then the Chinook example's
// expression-language queries (examples/chinook_queries.hpp) run there over the native driver
// (mysql+mariadbconnector) and over ODBC (mysql+odbc, MariaDB's ODBC driver), and must give the
// same answers as on SQLite's Chinook (and so as on PostgreSQL's, which its own test compares
// with SQLite the same way).
//
// The script drops, creates and switches to (`USE`) a database called Chinook. MySQL runs
// CREATE DATABASE and USE as ordinary statements, so the script runs whole; the test only
// renames that database to one of the test process's own (crucible_chinook_<pid>), so test
// processes running in parallel never meet.
#include <gtest/gtest.h>
#include <unistd.h>  // getpid

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../chinook/chinook_answers.hpp"
#include "../sqlite/cli_process.hpp"
#include "../sqlite/test_support.hpp"
#include "crucible/crucible.hpp"

using namespace crucible;
using crucible::testing::ChinookDatabase;
using crucible::testing::ProcessResult;
using crucible::testing::run_process;
using crucible::testing::TempDir;

namespace {

constexpr const char* kNoServerMessage =
    "CRUCIBLE_MYSQL_URL (and, for the ODBC half, CRUCIBLE_MYSQL_ODBC_URL) is not set, so there is "
    "no MariaDB server to test against. Run the tests through `scripts/with-pg "
    "scripts/with-mariadb scripts/with-odbc ctest --test-dir BUILD -L mysql` (scripts/test does).";

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

/// Chinook_MySql.sql with its database `Chinook` renamed to `database` (in the DROP DATABASE,
/// CREATE DATABASE and USE lines, the only ones that name it).
std::string chinook_script_into(const std::string& database) {
  const std::filesystem::path file =
      std::filesystem::path(CRUCIBLE_CHINOOK_DIR) / "Chinook_MySql.sql";
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::string out;
  std::string line;
  int renamed = 0;
  while (std::getline(in, line)) {
    if (line.starts_with("DROP DATABASE") || line.starts_with("CREATE DATABASE") ||
        line.starts_with("USE ")) {
      const auto at = line.find("`Chinook`");
      if (at == std::string::npos) throw std::runtime_error("unexpected line: " + line);
      line.replace(at, 9, "`" + database + "`");
      ++renamed;
    }
    out += line;
    out += '\n';
  }
  if (renamed != 3) throw std::runtime_error("expected 3 lines naming `Chinook`, found " +
                                             std::to_string(renamed));
  return out;
}

/// Loads Chinook once per test process; each test reads it over one driver.
class ChinookOnMariadb : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    const auto url = env("CRUCIBLE_MYSQL_URL");
    if (!url) return;  // every test fails with kNoServerMessage
    native_url_ = *url;
    database_ = "crucible_chinook_" + std::to_string(getpid());
    load_ = run_process(CRUCIBLE_CLI, {"sql", native_url_, "--file", "-"},
                        chinook_script_into(database_));
    dir_ = std::make_unique<TempDir>();
    sqlite_url_ = "sqlite:///" + crucible::testing::copy_chinook(*dir_).string();
  }

  static void TearDownTestSuite() {
    if (database_.empty()) return;
    try {
      Engine engine = create_engine(native_url_);
      auto conn = engine.connect();
      conn.exec_driver_sql("DROP DATABASE IF EXISTS `" + database_ + "`");
    } catch (const Error& e) {
      ADD_FAILURE() << "could not drop the database " << database_ << ": " << e.what();
    }
    dir_.reset();
  }

  /// The URL of the driver under test, in the Chinook database.
  static std::optional<std::string> url_for(const std::string& driver) {
    const auto base = env(driver == "odbc" ? "CRUCIBLE_MYSQL_ODBC_URL" : "CRUCIBLE_MYSQL_URL");
    if (!base) return std::nullopt;
    return make_url(*base).with_database(database_).render(/*hide_password=*/false);
  }

  void SetUp() override {
    const auto url = url_for(GetParam());
    if (native_url_.empty() || !url) FAIL() << kNoServerMessage;
    ASSERT_EQ(load_.exit_code, 0) << "crucible sql --file failed to load Chinook:\n" << load_.err;
    mariadb_.emplace(*url);
    sqlite_.emplace(sqlite_url_);
  }

  static inline std::string native_url_;
  static inline std::string database_;
  static inline std::string sqlite_url_;
  static inline std::unique_ptr<TempDir> dir_;
  static inline ProcessResult load_;

  std::optional<ChinookDatabase> mariadb_;
  std::optional<ChinookDatabase> sqlite_;
};

}  // namespace

TEST_P(ChinookOnMariadb, CliLoadsTheWholeScriptIntoItsOwnDatabase) {
  EXPECT_EQ(load_.err.find("skipped"), std::string::npos) << "no line is a client command:\n"
                                                           << load_.err;
  auto conn = mariadb_->engine.connect();
  EXPECT_EQ(conn.exec_driver_sql("SELECT DATABASE()").scalar_one().as<std::string>(), database_);
}

TEST_P(ChinookOnMariadb, EveryTableHoldsAsManyRowsAsOnSqlite) {
  const std::vector<std::string> on_mariadb = chinook_row_counts(*mariadb_);
  EXPECT_EQ(on_mariadb, chinook_row_counts(*sqlite_));
  EXPECT_EQ(on_mariadb.front(), "Artist: 275");
}

TEST_P(ChinookOnMariadb, TopFiveArtistsByTracksAreTheSameAsOnSqlite) {
  const std::vector<std::string> mariadb = chinook_top_artists(*mariadb_);
  EXPECT_EQ(mariadb, chinook_top_artists(*sqlite_));
  ASSERT_EQ(mariadb.size(), 5u);
  EXPECT_EQ(mariadb.front(), "Iron Maiden: 213");
}

TEST_P(ChinookOnMariadb, RevenueByBillingCountryIsTheSameAsOnSqliteAndExact) {
  const std::vector<std::string> mariadb = chinook_revenue_by_country(*mariadb_);
  EXPECT_EQ(mariadb, chinook_revenue_by_country(*sqlite_));
  EXPECT_EQ(mariadb.size(), 24u);

  // MariaDB's SUM of a NUMERIC(10,2) is an exact DECIMAL: it arrives as a Decimal, not a double.
  const Row first = chinook_top_revenue_row(*mariadb_);
  EXPECT_EQ(first[1].kind(), ValueKind::kDecimal);
  EXPECT_EQ(first[0].as<std::string>() + " " + first[1].to_string(), "USA 523.06");
}

TEST_P(ChinookOnMariadb, RecursiveReportingChainIsTheSameAsOnSqlite) {
  const std::vector<std::string> mariadb = chinook_reporting_chain(*mariadb_);
  EXPECT_EQ(mariadb, chinook_reporting_chain(*sqlite_));
  ASSERT_EQ(mariadb.size(), 8u);
  EXPECT_EQ(mariadb.front(), "Andrew Adams, General Manager");
}

TEST_P(ChinookOnMariadb, TheExampleProgramPrintsTheSameAsOnSqlite) {
  const ProcessResult on_mariadb = run_process(CRUCIBLE_CHINOOK_EXAMPLE, {*url_for(GetParam())});
  const ProcessResult on_sqlite = run_process(CRUCIBLE_CHINOOK_EXAMPLE, {sqlite_url_});
  ASSERT_EQ(on_mariadb.exit_code, 0) << on_mariadb.err;
  ASSERT_EQ(on_sqlite.exit_code, 0) << on_sqlite.err;
  EXPECT_EQ(on_mariadb.out, on_sqlite.out);
  EXPECT_NE(on_mariadb.out.find("== Reporting chain"), std::string::npos) << on_mariadb.out;
}

INSTANTIATE_TEST_SUITE_P(NativeAndOdbc, ChinookOnMariadb,
                         ::testing::Values(std::string("mariadbconnector"), std::string("odbc")),
                         [](const auto& info) { return info.param; });
