// examples/chinook.cpp, run as the README runs it on a private copy of Chinook: each section it
// prints must equal the same query written in SQL and run through the raw sqlite3 C API here.
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_process.hpp"

namespace {

using crucible::testing::ProcessResult;
using crucible::testing::run_process;
using crucible::testing::TempDir;

/// One result row as the C API reports it: each cell's text (NULL as "") and its double.
struct RawRow {
  std::vector<std::string> text;
  std::vector<double> number;
};

/// Runs sql on the database file at path with the raw C API. Fails the test on any error.
std::vector<RawRow> raw_query(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<RawRow> rows;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db) << "\n"
      << sql;
  int rc = SQLITE_DONE;
  while (stmt != nullptr && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    RawRow row;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const unsigned char* t = sqlite3_column_text(stmt, c);
      row.text.emplace_back(t == nullptr ? "" : reinterpret_cast<const char*>(t));
      row.number.push_back(sqlite3_column_double(stmt, c));
    }
    rows.push_back(std::move(row));
  }
  EXPECT_EQ(rc, SQLITE_DONE) << sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

/// The program's output split into sections: heading (without "== ") -> the lines under it.
std::map<std::string, std::string> sections_of(const std::string& out) {
  std::map<std::string, std::string> sections;
  std::string* current = nullptr;
  std::size_t pos = 0;
  while (pos < out.size()) {
    std::size_t end = out.find('\n', pos);
    if (end == std::string::npos) end = out.size();
    const std::string line = out.substr(pos, end - pos);
    pos = end + 1;
    if (line.rfind("== ", 0) == 0)
      current = &sections[line.substr(3)];
    else if (!line.empty() && current != nullptr)
      *current += line + "\n";
  }
  return sections;
}

/// Runs the chinook example once on a private copy of Chinook; every test reads its output.
class ChinookExample : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    db_ = dir_->path() / "chinook.sqlite";
    std::filesystem::copy_file(
        std::filesystem::path(CRUCIBLE_CHINOOK_DIR) / "Chinook_Sqlite.sqlite", db_);
    std::filesystem::permissions(db_, std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::add);
    result_ = run_process(CRUCIBLE_CHINOOK_EXAMPLE, {"sqlite:///" + db_.string()});
    sections_ = sections_of(result_.out);
  }
  static void TearDownTestSuite() { dir_.reset(); }
  void SetUp() override { ASSERT_EQ(result_.exit_code, 0) << result_.err << result_.out; }

  static inline std::unique_ptr<TempDir> dir_;
  static inline std::filesystem::path db_;
  static inline ProcessResult result_;
  static inline std::map<std::string, std::string> sections_;
};

TEST_F(ChinookExample, PrintsExactlyTheThreeSectionsAndNothingOnStderr) {
  EXPECT_EQ(sections_.size(), 3u) << result_.out;
  EXPECT_TRUE(result_.err.empty()) << result_.err;
}

TEST_F(ChinookExample, PrintsTheFiveArtistsWithTheMostTracksAsTheRawQueryFindsThem) {
  const auto rows = raw_query(db_, R"(
      SELECT ar.Name, count(t.TrackId) AS tracks
        FROM Artist ar
        JOIN Album al ON al.ArtistId = ar.ArtistId
        JOIN Track t ON t.AlbumId = al.AlbumId
       GROUP BY ar.ArtistId, ar.Name
       ORDER BY tracks DESC, ar.Name
       LIMIT 5)");
  ASSERT_EQ(rows.size(), 5u);
  std::string expected;
  for (const RawRow& r : rows) expected += r.text[0] + ": " + r.text[1] + " tracks\n";
  EXPECT_EQ(sections_["The 5 artists with the most tracks"], expected) << result_.out;
}

TEST_F(ChinookExample, PrintsRevenueByBillingCountryAsTheRawQueryFindsIt) {
  const auto rows = raw_query(db_, R"(
      SELECT BillingCountry, sum(Total) AS revenue
        FROM Invoice
       GROUP BY BillingCountry
       ORDER BY round(sum(Total), 2) DESC, BillingCountry)");
  ASSERT_EQ(rows.size(), 24u);
  std::string expected;
  for (const RawRow& r : rows) {
    char amount[32];
    std::snprintf(amount, sizeof amount, "%.2f", r.number[1]);
    expected += r.text[0] + ": " + amount + "\n";
  }
  EXPECT_EQ(sections_["Revenue by billing country"], expected) << result_.out;
}

TEST_F(ChinookExample, PrintsTheReportingChainOfTheRecursiveCteAsTheRawQueryFindsIt) {
  const auto rows = raw_query(db_, R"(
      WITH RECURSIVE chain(EmployeeId, name, Title, path, depth) AS (
        SELECT EmployeeId, FirstName || ' ' || LastName, Title, FirstName || ' ' || LastName, 0
          FROM Employee WHERE ReportsTo IS NULL
        UNION ALL
        SELECT e.EmployeeId, e.FirstName || ' ' || e.LastName, e.Title,
               chain.path || ' > ' || e.FirstName || ' ' || e.LastName, chain.depth + 1
          FROM Employee e JOIN chain ON e.ReportsTo = chain.EmployeeId)
      SELECT name, Title, depth FROM chain ORDER BY path)");
  ASSERT_EQ(rows.size(), 8u);
  std::string expected;
  for (const RawRow& r : rows)
    expected += std::string(2 * std::stoul(r.text[2]), ' ') + r.text[0] + ", " + r.text[1] + "\n";
  EXPECT_EQ(sections_["Reporting chain (recursive CTE)"], expected) << result_.out;
}

TEST(ChinookExampleErrors, WithoutAUrlPrintsUsageAndExitsTwo) {
  const ProcessResult r = run_process(CRUCIBLE_CHINOOK_EXAMPLE, {});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err.rfind("usage: chinook URL", 0), 0u) << r.err;
}

TEST(ChinookExampleErrors, OnADatabaseWithoutChinookSaysWhichTableIsMissingAndExitsOne) {
  TempDir dir;
  const ProcessResult r =
      run_process(CRUCIBLE_CHINOOK_EXAMPLE, {"sqlite:///" + (dir.path() / "empty.db").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err.rfind("chinook: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("Artist"), std::string::npos) << r.err;
}

}  // namespace
