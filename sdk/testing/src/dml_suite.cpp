// Compliance: INSERT, UPDATE, DELETE (SQLAlchemy's suite/test_insert.py, test_update_delete.py,
// test_rowcount.py): rowcount, executemany, multi-row VALUES, INSERT … SELECT and RETURNING,
// checked by the rows the database holds afterwards.
#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "items_fixture.hpp"

namespace crucible::sdk::testing {
namespace {

class ComplianceDml : public ItemsTest {};

// ---- INSERT ---------------------------------------------------------------------------------

TEST_F(ComplianceDml, InsertValues_StoresOneRowWithRowcountOne) {
  const Result r = conn().execute(insert(items_).values({{"id", 1}, {"name", "a"}, {"hits", 5}}));
  EXPECT_EQ(r.rowcount(), 1);
  EXPECT_EQ(rows(items_), (Rows{{1, "a", 5}}));
}

TEST_F(ComplianceDml, InsertWithParameters_TakesColumnsFromTheParameters) {
  conn().execute(insert(items_), {{"id", 4}, {"name", "d"}});
  EXPECT_EQ(rows(items_), (Rows{{4, "d", std::nullopt}}));
}

TEST_F(ComplianceDml, Executemany_InsertsEverySetAndSumsTheRowcount) {
  std::vector<Params> sets;
  for (int i = 1; i <= 250; ++i)
    sets.push_back(Params{{"id", i}, {"name", "n" + std::to_string(i)}, {"hits", i * 2}});
  const Result r = conn().execute(insert(items_), sets);
  EXPECT_EQ(r.rowcount(), 250);
  EXPECT_EQ(count_rows(items_), 250);
  EXPECT_EQ(scalar(select(func::sum(items_.c("hits")))).as<std::int64_t>(), 250 * 251);
}

TEST_F(ComplianceDml, ExecutemanyWithNulls_KeepsEachSetsValues) {
  conn().execute(insert(items_), std::vector<Params>{{{"id", 1}, {"name", "a"}, {"hits", nullptr}},
                                                     {{"id", 2}, {"name", "b"}, {"hits", 7}}});
  EXPECT_EQ(rows(items_), (Rows{{1, "a", std::nullopt}, {2, "b", 7}}));
}

TEST_F(ComplianceDml, MultiRowValues_InsertsEveryRow) {
  const Result r = conn().execute(insert(items_).values_rows(
      {{{"id", 1}, {"name", "a"}, {"hits", 1}}, {{"id", 2}, {"name", "b"}, {"hits", 2}}}));
  EXPECT_EQ(r.rowcount(), 2);
  EXPECT_EQ(rows(items_), (Rows{{1, "a", 1}, {2, "b", 2}}));
}

TEST_F(ComplianceDml, InsertFromSelect_CopiesTheSelectedRows) {
  seed();
  const Result r = conn().execute(insert(archive_).from_select(
      {"id", "name", "hits"},
      select(items_.c("id"), items_.c("name"), items_.c("hits")).where(items_.c("hits") >= 2)));
  EXPECT_EQ(r.rowcount(), 2);
  EXPECT_EQ(rows(archive_), (Rows{{2, "b", 2}, {3, "c", 3}}));
}

TEST_F(ComplianceDml, FailedExecutemany_InsideATransactionCanBeRolledBackWhole) {
  seed();
  conn().commit();
  EXPECT_THROW(conn().execute(insert(items_), std::vector<Params>{{{"id", 10}, {"name", "x"}},
                                                                  {{"id", 11}, {"name", "a"}}}),
               IntegrityError);
  conn().rollback();
  EXPECT_EQ(count_rows(items_), 3);
}

// ---- UPDATE ---------------------------------------------------------------------------------

TEST_F(ComplianceDml, Update_ChangesMatchedRowsAndCountsThem) {
  seed();
  const Result r =
      conn().execute(update(items_).where(items_.c("hits") >= 2).values({{"note", "big"}}));
  EXPECT_EQ(r.rowcount(), 2);
  EXPECT_EQ(column<std::optional<std::string>>(select(items_.c("note")).order_by({items_.c("id")})),
            (std::vector<std::optional<std::string>>{std::nullopt, "big", "big"}));
}

TEST_F(ComplianceDml, UpdateMatchingNothing_HasRowcountZero) {
  seed();
  EXPECT_EQ(
      conn().execute(update(items_).where(items_.c("id") == 99).values({{"hits", 0}})).rowcount(),
      0);
}

TEST_F(ComplianceDml, UpdateWithAnExpression_ComputesFromTheOldValue) {
  seed();
  conn().execute(update(items_).values({{"hits", items_.c("hits") * 10 + 1}}));
  EXPECT_EQ(rows(items_), (Rows{{1, "a", 11}, {2, "b", 21}, {3, "c", 31}}));
}

TEST_F(ComplianceDml, UpdateWithBindparams_RunsAsExecutemany) {
  seed();
  const auto stmt = update(items_)
                        .where(items_.c("id") == bindparam("target", Integer{}))
                        .values({{"hits", bindparam("new_hits", Integer{})}});
  const Result r = conn().execute(stmt, std::vector<Params>{{{"target", 1}, {"new_hits", 100}},
                                                            {{"target", 3}, {"new_hits", 300}}});
  EXPECT_EQ(r.rowcount(), 2);
  EXPECT_EQ(rows(items_), (Rows{{1, "a", 100}, {2, "b", 2}, {3, "c", 300}}));
}

TEST_F(ComplianceDml, UpdateToNull_StoresNull) {
  seed();
  conn().execute(update(items_).where(items_.c("id") == 2).values({{"hits", null()}}));
  EXPECT_EQ(rows(items_), (Rows{{1, "a", 1}, {2, "b", std::nullopt}, {3, "c", 3}}));
}

// ---- DELETE ---------------------------------------------------------------------------------

TEST_F(ComplianceDml, Delete_RemovesMatchedRowsAndCountsThem) {
  seed();
  const Result r = conn().execute(delete_(items_).where(items_.c("name").in_({"a", "c"})));
  EXPECT_EQ(r.rowcount(), 2);
  EXPECT_EQ(rows(items_), (Rows{{2, "b", 2}}));
}

TEST_F(ComplianceDml, DeleteWithoutWhere_EmptiesTheTable) {
  seed();
  EXPECT_EQ(conn().execute(delete_(items_)).rowcount(), 3);
  EXPECT_EQ(count_rows(items_), 0);
}

TEST_F(ComplianceDml, DeleteWithASubquery_RemovesTheRowsItNames) {
  seed();
  conn().execute(insert(archive_).values({{"id", 2}, {"name", "b"}}));
  conn().execute(delete_(items_).where(sql::in_(items_.c("id"), select(archive_.c("id")))));
  EXPECT_EQ(rows(items_), (Rows{{1, "a", 1}, {3, "c", 3}}));
}

// ---- RETURNING ------------------------------------------------------------------------------

TEST_F(ComplianceDml, InsertReturning_GivesTheInsertedRow) {
  CRUCIBLE_REQUIRE(returning);
  const Row r = conn()
                    .execute(insert(items_)
                                 .values({{"id", 7}, {"name", "g"}, {"hits", 3}})
                                 .returning({items_.c("id"), items_.c("hits") * 2}))
                    .one();
  EXPECT_EQ(r.get<std::int64_t>(0), 7);
  EXPECT_EQ(r.get<std::int64_t>(1), 6);
}

TEST_F(ComplianceDml, InsertReturningGeneratedKey_GivesTheNewId) {
  CRUCIBLE_REQUIRE(returning);
  const auto first =
      conn()
          .execute(insert(items_).values({{"name", "x"}}).returning({items_.c("id")}))
          .scalar_one()
          .as<std::int64_t>();
  const auto second =
      conn()
          .execute(insert(items_).values({{"name", "y"}}).returning({items_.c("id")}))
          .scalar_one()
          .as<std::int64_t>();
  EXPECT_LT(first, second);
  EXPECT_EQ(column<std::string>(select(items_.c("name")).where(items_.c("id") == second)),
            (std::vector<std::string>{"y"}));
}

TEST_F(ComplianceDml, MultiRowInsertReturning_GivesRowsInInputOrder) {
  CRUCIBLE_REQUIRE(returning);
  const auto names = conn()
                         .execute(insert(items_)
                                      .values_rows({{{"id", 3}, {"name", "c"}},
                                                    {{"id", 1}, {"name", "a"}},
                                                    {{"id", 2}, {"name", "b"}}})
                                      .returning({items_.c("name")}))
                         .scalars()
                         .all_as<std::string>();
  EXPECT_EQ(names, (std::vector<std::string>{"c", "a", "b"}));
}

TEST_F(ComplianceDml, ExecutemanyInsertReturning_GivesOneRowPerSetInSetOrder) {
  CRUCIBLE_REQUIRE(returning);
  const std::vector<std::string> names{"m", "b", "z", "a", "k"};
  std::vector<Params> sets;
  for (const std::string& n : names) sets.push_back({{"name", n}, {"hits", 1}});
  const std::vector<Row> rows =
      conn().execute(insert(items_).returning({items_.c("id"), items_.c("name")}), sets).all();
  ASSERT_EQ(rows.size(), names.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].get<std::string>(1), names[i]) << "row " << i;
    EXPECT_EQ(column<std::string>(
                  select(items_.c("name")).where(items_.c("id") == rows[i].get<std::int64_t>(0))),
              (std::vector<std::string>{names[i]}));
  }
}

TEST_F(ComplianceDml, ExecutemanyOfAParamTable_InsertsEveryRowAndSumsTheRowcount) {
  const std::vector<std::string> names{"id", "name", "hits"};
  ParamTable table(names);
  for (std::int64_t i = 1; i <= 3; ++i) {
    table.push_back(i);
    table.push_back("n" + std::to_string(i));
    table.push_back(i == 2 ? Value() : Value(i * 10));
  }
  const Result r = conn().execute(insert(items_), table);
  EXPECT_EQ(r.rowcount(), 3);
  EXPECT_EQ(rows(items_), (Rows{{1, "n1", 10}, {2, "n2", std::nullopt}, {3, "n3", 30}}));
}

TEST_F(ComplianceDml, ExecutemanyInsertReturningOfAParamTable_GivesOneRowPerRowAcrossPages) {
  CRUCIBLE_REQUIRE(returning);
  // More rows than one insertmanyvalues page holds on any dialect, so several pages run.
  constexpr std::int64_t kRows = 2500;
  const std::vector<std::string> names{"name", "hits"};
  ParamTable table(names);
  table.reserve(kRows);
  for (std::int64_t i = 0; i < kRows; ++i) {
    table.push_back("item " + std::to_string(i));
    table.push_back(i);
  }
  const std::vector<Row> got =
      conn().execute(insert(items_).returning({items_.c("id"), items_.c("hits")}), table).all();
  ASSERT_EQ(got.size(), static_cast<std::size_t>(kRows));
  for (std::int64_t i = 0; i < kRows; ++i)
    ASSERT_EQ(got[static_cast<std::size_t>(i)].get<std::int64_t>(1), i) << "row " << i;
  // Each returned id is the row the database holds with that row's values.
  const std::int64_t probe = got[kRows - 7].get<std::int64_t>(0);
  EXPECT_EQ(column<std::string>(select(items_.c("name")).where(items_.c("id") == probe)),
            (std::vector<std::string>{"item " + std::to_string(kRows - 7)}));
  EXPECT_EQ(count_rows(items_), kRows);
}

TEST_F(ComplianceDml, UpdateReturning_GivesTheNewValues) {
  CRUCIBLE_REQUIRE(update_returning);
  seed();
  std::vector<std::pair<std::int64_t, std::int64_t>> got;
  for (const Row& r : conn().execute(update(items_)
                                         .where(items_.c("id") >= 2)
                                         .values({{"hits", items_.c("hits") + 100}})
                                         .returning({items_.c("id"), items_.c("hits")})))
    got.emplace_back(r.get<std::int64_t>(0), r.get<std::int64_t>(1));
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::pair<std::int64_t, std::int64_t>>{{2, 102}, {3, 103}}));
}

TEST_F(ComplianceDml, DeleteReturning_GivesTheDeletedRows) {
  CRUCIBLE_REQUIRE(delete_returning);
  seed();
  auto names =
      conn()
          .execute(delete_(items_).where(items_.c("id") != 2).returning({items_.c("name")}))
          .scalars()
          .all_as<std::string>();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(count_rows(items_), 1);
}

}  // namespace
}  // namespace crucible::sdk::testing
