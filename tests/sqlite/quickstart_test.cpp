// examples/quickstart.cpp, run as the README runs it, on a temporary database.
#include <sqlite3.h>

#include <string>

#include <gtest/gtest.h>

#include "cli_process.hpp"

namespace {

using crucible::testing::ProcessResult;
using crucible::testing::run_process;
using crucible::testing::TempDir;

/// The rows of users as "name|email" lines, read with the raw sqlite3 C API.
std::string users_in(const std::string& path) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT name, email FROM users ORDER BY id", -1, &stmt, nullptr) ==
        SQLITE_OK) {
      while (sqlite3_step(stmt) == SQLITE_ROW)
        out += std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))) + "|" +
               reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)) + "\n";
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

TEST(Quickstart, PrintsAlicesEmailAndLeavesBothUsersInTheDatabase) {
  TempDir dir;
  const std::string path = (dir.path() / "app.db").string();
  const ProcessResult r = run_process(CRUCIBLE_QUICKSTART, {"sqlite:///" + path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "alice@example.com\n");
  EXPECT_EQ(users_in(path), "Alice|alice@example.com\nBob|bob@example.com\n");
}

TEST(Quickstart, RunsTwiceOnTheSameDatabase) {
  TempDir dir;
  const std::string url = "sqlite:///" + (dir.path() / "app.db").string();
  ASSERT_EQ(run_process(CRUCIBLE_QUICKSTART, {url}).exit_code, 0);
  const ProcessResult again = run_process(CRUCIBLE_QUICKSTART, {url});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "alice@example.com\n");
}

TEST(Quickstart, EchoLogsTheSqlWithoutChangingStdout) {
  TempDir dir;
  const ProcessResult r =
      run_process(CRUCIBLE_QUICKSTART, {"sqlite:///" + (dir.path() / "app.db").string(), "--echo"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "alice@example.com\n");
  EXPECT_NE(r.err.find("CREATE TABLE users"), std::string::npos) << r.err;
}

TEST(Quickstart, UnknownDialectPrintsOneLineAndExitsOne) {
  const ProcessResult r = run_process(CRUCIBLE_QUICKSTART, {"nosuchdialect:///app.db"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err.rfind("quickstart: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("nosuchdialect"), std::string::npos) << r.err;
}

}  // namespace
