// examples/orm_quickstart.cpp and examples/chinook_orm.cpp, run as the README runs them: the
// quick start prints the seeds' outputs, and chinook_orm's invoices and lines equal the same
// question asked in SQL through the raw sqlite3 C API here, in a fixed number of statements.
#include <sqlite3.h>

#include <filesystem>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "cli_process.hpp"

namespace {

using crucible::testing::ProcessResult;
using crucible::testing::run_process;
using crucible::testing::TempDir;

TEST(OrmQuickstartExample, PrintsTheSeedsOutputs) {
  const ProcessResult r = run_process(CRUCIBLE_ORM_QUICKSTART, {});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(r.out,
            "== Quick start\n"
            "1 Alice alice@example.com\n"
            "== Department and Employee\n"
            "Alice → Engineering\n"
            "== Author and Book, books loaded with selectinload\n"
            "Alice Smith: ['Django Mastery', 'Python Tricks']\n"
            "Bob Jones: ['SQLAlchemy in Action']\n"
            "(2 statements)\n");
}

TEST(OrmQuickstartExample, WorksOnAFileDatabaseAndRefusesABadUrl) {
  TempDir dir;
  const ProcessResult ok = run_process(CRUCIBLE_ORM_QUICKSTART, {"sqlite:///" + (dir.path() / "app.db").string()});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  const ProcessResult bad = run_process(CRUCIBLE_ORM_QUICKSTART, {"nosuchdb://x"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("orm_quickstart:"), std::string::npos) << bad.err;
}

/// What chinook_orm should print for customer id, computed with SQL through the C API.
std::string expected_invoices(const std::filesystem::path& db, int id) {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::ostringstream out;
  const auto query = [&](const std::string& sql, auto&& row) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(raw, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    while (sqlite3_step(stmt) == SQLITE_ROW) row(stmt);
    sqlite3_finalize(stmt);
  };
  const auto text = [](sqlite3_stmt* s, int c) {
    const unsigned char* t = sqlite3_column_text(s, c);
    return std::string(t ? reinterpret_cast<const char*>(t) : "");
  };
  const auto money = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    std::string s = buf;
    while (s.back() == '0' && s.find('.') != std::string::npos) s.pop_back();  // 3.90 -> 3.9
    if (s.back() == '.') s.pop_back();
    return s;
  };
  query("SELECT FirstName, LastName, Country FROM Customer WHERE CustomerId = " + std::to_string(id),
        [&](sqlite3_stmt* s) {
          out << "== Invoices of " << text(s, 0) << " " << text(s, 1) << " (" << text(s, 2) << ")\n";
        });
  int invoices = 0, lines = 0;
  query("SELECT InvoiceId, substr(InvoiceDate, 1, 10), Total FROM Invoice WHERE CustomerId = " +
            std::to_string(id) + " ORDER BY InvoiceDate, InvoiceId",
        [&](sqlite3_stmt* s) {
          ++invoices;
          const int invoice = sqlite3_column_int(s, 0);
          out << "Invoice " << invoice << ", " << text(s, 1) << ": " << money(sqlite3_column_double(s, 2)) << "\n";
          query("SELECT t.Name, l.Quantity, l.UnitPrice FROM InvoiceLine l JOIN Track t ON t.TrackId = "
                "l.TrackId WHERE l.InvoiceId = " + std::to_string(invoice) + " ORDER BY l.InvoiceLineId",
                [&](sqlite3_stmt* l) {
                  ++lines;
                  out << "  " << text(l, 0) << " × " << sqlite3_column_int(l, 1) << " @ "
                      << money(sqlite3_column_double(l, 2)) << "\n";
                });
        });
  sqlite3_close(raw);
  out << "(" << invoices << " invoices, " << lines << " lines, 3 statements)\n";
  return out.str();
}

class ChinookOrmExample : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.path() / "chinook.sqlite";
    std::filesystem::copy_file(std::filesystem::path(CRUCIBLE_CHINOOK_DIR) / "Chinook_Sqlite.sqlite", db_);
    std::filesystem::permissions(db_, std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::add);
  }
  TempDir dir_;
  std::filesystem::path db_;
};

TEST_F(ChinookOrmExample, InvoicesLinesAndTracksEqualTheSqlAnswerInThreeStatements) {
  for (int id : {1, 2, 59}) {
    const ProcessResult r = run_process(CRUCIBLE_CHINOOK_ORM_EXAMPLE, {"sqlite:///" + db_.string(), std::to_string(id)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, expected_invoices(db_, id)) << "customer " << id;
  }
}

TEST_F(ChinookOrmExample, AnUnknownCustomerIsAClearError) {
  const ProcessResult r = run_process(CRUCIBLE_CHINOOK_ORM_EXAMPLE, {"sqlite:///" + db_.string(), "9999"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no customer with id 9999"), std::string::npos) << r.err;
}

}  // namespace
