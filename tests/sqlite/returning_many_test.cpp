// An executemany of INSERT … RETURNING on SQLite (>= 3.35): the cases of
// ../returning_many_cases.hpp, which PostgreSQL and MariaDB run too. SQLite's dialect leaves
// use_insertmanyvalues off; RETURNING pages are used regardless.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "../returning_many_cases.hpp"
#include "crucible/crucible.hpp"
#include "test_support.hpp"

using namespace crucible;
using crucible::testing::TempDir;
namespace cases = crucible::testing::returning_many;

namespace {

class SqliteReturningManyTest : public ::testing::Test {
 protected:
  void SetUp() override { engine_.emplace(create_engine(dir_.sqlite_url("returning.db"))); }
  Engine& engine() { return *engine_; }

  TempDir dir_;
  std::optional<Engine> engine_;
};

}  // namespace

TEST_F(SqliteReturningManyTest, ExecutemanyReturning_RowsComeBackOnePerSetInSetOrder) {
  cases::check_rows_come_back_in_set_order(engine());
}

TEST_F(SqliteReturningManyTest,
       ExecutemanyReturning_FailingRowInPageTwoRaisesIntegrityErrorAndRollbackLeavesNothing) {
  cases::check_failing_row_in_page_two_leaves_nothing(engine());
}

TEST_F(SqliteReturningManyTest,
       ExecutemanyReturning_BufferedResultStreamsAndClosesWithItsConnection) {
  cases::check_buffered_result_streams_and_closes(engine());
}

TEST_F(SqliteReturningManyTest, ExecutemanyReturning_WideRowsMakePagesWithinSqlitesParameterLimit) {
  // 151 columns: the framework's default limit (32767 / 151 = 217 rows) would make pages of
  // 32767 parameters, one over SQLite's default SQLITE_MAX_VARIABLE_NUMBER (32766; Debian
  // builds with 250000, so the limit is checked here by the pages sent, not by an error). The
  // dialect's 32766 makes pages of 216 rows: 500 rows are 216 + 216 + 68.
  std::string ddl = "CREATE TABLE wide (id INTEGER PRIMARY KEY";
  for (int i = 0; i < 151; ++i) ddl += ", c" + std::to_string(i) + " INTEGER";
  engine().begin([&](Connection& conn) { conn.execute(text(ddl + ")")); });
  MetaData metadata;
  const Table wide = Table::reflect("wide", metadata, engine());
  std::vector<Params> sets(500);
  for (std::size_t r = 0; r < sets.size(); ++r)
    for (int i = 0; i < 151; ++i)
      sets[r].set("c" + std::to_string(i), static_cast<std::int64_t>(r * 1000 + i));
  std::vector<std::size_t> page_parameters;
  engine().events().on_before_cursor_execute(
      [&](const CursorExecuteEvent& e) { page_parameters.push_back(e.parameters.size()); });
  auto conn = engine().connect();
  const std::vector<Row> rows =
      conn.execute(insert(wide).returning({wide.c("id"), wide.c("c150")}), sets).all();
  EXPECT_EQ(page_parameters, (std::vector<std::size_t>{216 * 151, 216 * 151, 68 * 151}));
  ASSERT_EQ(rows.size(), sets.size());
  for (std::size_t r = 0; r < rows.size(); ++r)
    EXPECT_EQ(rows[r].get<std::int64_t>(1), static_cast<std::int64_t>(r * 1000 + 150));
}

TEST_F(SqliteReturningManyTest, ExecutemanyReturningTheKeyAlone_OneExecutemanyWithLastrowids) {
  // The sqlite3 driver's cursor has LastrowidExecutemany: the INSERT goes without RETURNING as
  // one executemany, each set's key read from sqlite3_last_insert_rowid().
  std::vector<cases::DriverCall> calls;
  cases::check_key_only_rows_match_the_stored_keys(engine(), calls);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_TRUE(calls[0].executemany);
  EXPECT_EQ(calls[0].sets, cases::kRows);
  EXPECT_EQ(calls[0].statement, "INSERT INTO gadgets (code) VALUES (?)");
}
