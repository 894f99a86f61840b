// Chinook through crucible checked against the same SQL run through the raw sqlite3 C API: the
// rows, their order and every cell must agree.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstring>

#include "crucible/crucible.hpp"
#include "test_support.hpp"

using namespace crucible;
using crucible::testing::TempDir;

namespace {

// One cell as the C API reports it.
struct RawCell {
  int type;
  std::int64_t i{};
  double d{};
  std::string text;
};

std::vector<std::vector<RawCell>> raw_query(const std::filesystem::path& db,
                                            const std::string& sql) {
  sqlite3* handle = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(handle, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(handle);
  std::vector<std::vector<RawCell>> rows;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<RawCell> row;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      RawCell cell{sqlite3_column_type(stmt, c)};
      cell.i = sqlite3_column_int64(stmt, c);
      cell.d = sqlite3_column_double(stmt, c);
      if (const unsigned char* t = sqlite3_column_text(stmt, c))
        cell.text.assign(reinterpret_cast<const char*>(t),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt, c)));
      row.push_back(std::move(cell));
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(handle);
  return rows;
}

// Whether crucible's value holds the same datum as the raw cell (the driver may have typed it
// by the column's declared type: a DATETIME text becomes a DateTime, a NUMERIC real a Decimal).
void expect_same(const Value& v, const RawCell& raw, const std::string& where) {
  switch (raw.type) {
  case SQLITE_NULL: EXPECT_TRUE(v.is_null()) << where; break;
  case SQLITE_INTEGER: EXPECT_EQ(v.as<std::int64_t>(), raw.i) << where; break;
  case SQLITE_FLOAT: EXPECT_EQ(v.as<double>(), raw.d) << where; break;
  default: EXPECT_EQ(v.as<std::string>(), raw.text) << where; break;
  }
}

class ChinookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = crucible::testing::copy_chinook(dir_);
    engine_.emplace(create_engine("sqlite:///" + db_.string()));
  }
  void expect_matches_raw(const std::string& sql, std::size_t expected_rows) {
    auto raw = raw_query(db_, sql);
    auto conn = engine_->connect();
    auto rows = conn.execute(text(sql)).all();
    ASSERT_EQ(rows.size(), raw.size()) << sql;
    ASSERT_EQ(rows.size(), expected_rows) << sql;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      ASSERT_EQ(rows[r].size(), raw[r].size());
      for (std::size_t c = 0; c < raw[r].size(); ++c)
        expect_same(rows[r][c], raw[r][c],
                    "row " + std::to_string(r) + " column " + std::to_string(c));
    }
  }
  TempDir dir_;
  std::filesystem::path db_;
  std::optional<Engine> engine_;
};

}  // namespace

TEST_F(ChinookTest, TopFiveArtistsByTrackCountMatchTheCApi) {
  expect_matches_raw("SELECT ar.Name, count(t.TrackId) AS tracks FROM Artist ar JOIN Album al ON "
                     "al.ArtistId = ar.ArtistId "
                     "JOIN Track t ON t.AlbumId = al.AlbumId GROUP BY ar.ArtistId ORDER BY tracks "
                     "DESC, ar.Name LIMIT 5",
                     5);
  auto conn = engine_->connect();
  auto top =
      conn.execute(text("SELECT ar.Name FROM Artist ar JOIN Album al ON al.ArtistId = ar.ArtistId "
                        "JOIN Track t ON t.AlbumId = al.AlbumId GROUP BY ar.ArtistId "
                        "ORDER BY count(*) DESC LIMIT 1"))
          .scalar_one();
  EXPECT_EQ(top.as<std::string>(), "Iron Maiden");
}

TEST_F(ChinookTest, RevenueByBillingCountryMatchesTheCApi) {
  expect_matches_raw(
      "SELECT BillingCountry, sum(Total) AS revenue, count(*) AS invoices FROM Invoice "
      "GROUP BY BillingCountry ORDER BY revenue DESC, BillingCountry",
      24);
}

TEST_F(ChinookTest, RecursiveCteOfTheReportingChainMatchesTheCApi) {
  expect_matches_raw(
      "WITH RECURSIVE chain(EmployeeId, Name, Depth) AS ("
      " SELECT EmployeeId, FirstName || ' ' || LastName, 0 FROM Employee WHERE ReportsTo IS NULL"
      " UNION ALL SELECT e.EmployeeId, e.FirstName || ' ' || e.LastName, c.Depth + 1"
      " FROM Employee e JOIN chain c ON e.ReportsTo = c.EmployeeId)"
      " SELECT * FROM chain ORDER BY Depth, EmployeeId",
      8);
}

TEST_F(ChinookTest, EveryCellOfInvoiceAndTrackMatchesTheCApi) {
  expect_matches_raw("SELECT * FROM Invoice ORDER BY InvoiceId", 412);
  expect_matches_raw("SELECT * FROM Track ORDER BY TrackId", 3503);
}

TEST_F(ChinookTest, BoundParametersSelectTheSameRowsAsLiterals) {
  auto conn = engine_->connect();
  auto rows = conn.execute(text("SELECT Name FROM Track WHERE GenreId = :genre AND Milliseconds > "
                                ":ms ORDER BY TrackId"),
                           {{"genre", 1}, {"ms", 400000}})
                  .scalars()
                  .all_as<std::string>();
  auto raw = raw_query(
      db_, "SELECT Name FROM Track WHERE GenreId = 1 AND Milliseconds > 400000 ORDER BY TrackId");
  ASSERT_EQ(rows.size(), raw.size());
  ASSERT_FALSE(rows.empty());
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i], raw[i][0].text);
}

TEST_F(ChinookTest, TheSharedFileIsNeverModified) {
  const auto shared = std::filesystem::path(CRUCIBLE_CHINOOK_DIR) / "Chinook_Sqlite.sqlite";
  const auto before = std::filesystem::last_write_time(shared);
  engine_->begin([](Connection& conn) { conn.execute(text("DELETE FROM InvoiceLine")); });
  EXPECT_EQ(std::filesystem::last_write_time(shared), before);
  EXPECT_EQ(raw_query(shared, "SELECT count(*) FROM InvoiceLine")[0][0].i, 2240);
}
