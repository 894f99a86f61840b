// Compliance: the portable upsert (DESIGN.md "One portable upsert"; SQLAlchemy's
// postgresql/sqlite insert().on_conflict_do_update / do_nothing): the same call on every dialect
// that has one, checked by the rows the database holds afterwards.
#include <string>
#include <vector>

#include "items_fixture.hpp"

namespace crucible::sdk::testing {
namespace {

class ComplianceUpsert : public ItemsTest {};

TEST_F(ComplianceUpsert, OnConflict_UpdatesTheExistingRow) {
  CRUCIBLE_REQUIRE(upsert);
  seed();
  conn().execute(insert(items_)
                     .values({{"id", 2}, {"name", "b2"}, {"hits", 20}})
                     .on_conflict_do_update({"id"}, {{"name", excluded(items_, "name")},
                                                     {"hits", excluded(items_, "hits")}}));
  EXPECT_EQ(rows(items_), (Rows{{1, "a", 1}, {2, "b2", 20}, {3, "c", 3}}));
}

TEST_F(ComplianceUpsert, OnConflict_InsertsWhenThereIsNoConflict) {
  CRUCIBLE_REQUIRE(upsert);
  seed();
  conn().execute(insert(items_)
                     .values({{"id", 4}, {"name", "d"}, {"hits", 4}})
                     .on_conflict_do_update({"id"}, {{"hits", excluded(items_, "hits")}}));
  EXPECT_EQ(count_rows(items_), 4);
  EXPECT_EQ(rows(items_).back(), (Rows::value_type{4, "d", 4}));
}

TEST_F(ComplianceUpsert, OnConflict_UpdatesOnlyListedColumns) {
  CRUCIBLE_REQUIRE(upsert);
  seed();
  conn().execute(update(items_).where(items_.c("id") == 1).values({{"note", "keep me"}}));
  conn().execute(insert(items_)
                     .values({{"id", 1}, {"name", "changed?"}, {"hits", 50}, {"note", "lost?"}})
                     .on_conflict_do_update({"id"}, {{"hits", excluded(items_, "hits")}}));
  const Row r = conn()
                    .execute(select(items_.c("name"), items_.c("hits"), items_.c("note"))
                                 .where(items_.c("id") == 1))
                    .one();
  EXPECT_EQ(r.get<std::string>(0), "a");
  EXPECT_EQ(r.get<std::int64_t>(1), 50);
  EXPECT_EQ(r.get<std::string>(2), "keep me");
}

TEST_F(ComplianceUpsert, OnConflict_CanCombineOldAndProposedValues) {
  CRUCIBLE_REQUIRE(upsert);
  seed();
  conn().execute(
      insert(items_)
          .values({{"id", 3}, {"name", "c"}, {"hits", 10}})
          .on_conflict_do_update({"id"}, {{"hits", items_.c("hits") + excluded(items_, "hits")}}));
  EXPECT_EQ(rows(items_).back(), (Rows::value_type{3, "c", 13}));
}

TEST_F(ComplianceUpsert, OnConflictWithWhere_SkipsRowsTheConditionRejects) {
  CRUCIBLE_REQUIRE(upsert);
  seed();
  const auto stmt = [&](int id, int hits) {
    return insert(items_)
        .values({{"id", id}, {"name", "n" + std::to_string(id)}, {"hits", hits}})
        .on_conflict_do_update({"id"}, {{"hits", excluded(items_, "hits")}},
                               items_.c("hits") < excluded(items_, "hits"));
  };
  conn().execute(stmt(1, 0));   // 0 < 1: not applied
  conn().execute(stmt(2, 99));  // 2 < 99: applied
  EXPECT_EQ(rows(items_), (Rows{{1, "a", 1}, {2, "b", 99}, {3, "c", 3}}));
}

TEST_F(ComplianceUpsert, OnUniqueColumn_UsesThatConstraint) {
  CRUCIBLE_REQUIRE(upsert);
  seed();
  conn().execute(insert(items_)
                     .values({{"id", 10}, {"name", "b"}, {"hits", 7}})
                     .on_conflict_do_update({"name"}, {{"hits", excluded(items_, "hits")}}));
  EXPECT_EQ(rows(items_), (Rows{{1, "a", 1}, {2, "b", 7}, {3, "c", 3}}));
}

TEST_F(ComplianceUpsert, DoNothing_LeavesTheExistingRow) {
  CRUCIBLE_REQUIRE(upsert);
  seed();
  const Result r = conn().execute(insert(items_)
                                      .values({{"id", 1}, {"name", "zzz"}, {"hits", 100}})
                                      .on_conflict_do_nothing({"id"}));
  if (requirements().upsert_do_nothing_rowcount_zero) {
    EXPECT_EQ(r.rowcount(), 0);
  }
  EXPECT_EQ(rows(items_), (Rows{{1, "a", 1}, {2, "b", 2}, {3, "c", 3}}));
}

TEST_F(ComplianceUpsert, DoNothing_InsertsANewRow) {
  CRUCIBLE_REQUIRE(upsert);
  seed();
  const Result r = conn().execute(insert(items_)
                                      .values({{"id", 4}, {"name", "d"}, {"hits", 4}})
                                      .on_conflict_do_nothing({"id"}));
  EXPECT_EQ(r.rowcount(), 1);
  EXPECT_EQ(count_rows(items_), 4);
}

TEST_F(ComplianceUpsert, DoNothingWithoutTarget_IgnoresAnyConflict) {
  CRUCIBLE_REQUIRE(upsert);
  seed();
  conn().execute(insert(items_).values({{"id", 9}, {"name", "a"}}).on_conflict_do_nothing());
  conn().execute(insert(items_).values({{"id", 1}, {"name", "q"}}).on_conflict_do_nothing());
  EXPECT_EQ(rows(items_), (Rows{{1, "a", 1}, {2, "b", 2}, {3, "c", 3}}));
}

TEST_F(ComplianceUpsert, Executemany_AppliesEachSet) {
  CRUCIBLE_REQUIRE(upsert);
  seed();
  const auto stmt =
      insert(items_).on_conflict_do_update({"id"}, {{"hits", excluded(items_, "hits")}});
  conn().execute(stmt, std::vector<Params>{{{"id", 1}, {"name", "a"}, {"hits", 10}},
                                           {{"id", 5}, {"name", "e"}, {"hits", 50}}});
  EXPECT_EQ(rows(items_), (Rows{{1, "a", 10}, {2, "b", 2}, {3, "c", 3}, {5, "e", 50}}));
}

TEST_F(ComplianceUpsert, Returning_GivesTheResultingRow) {
  CRUCIBLE_REQUIRE(upsert);
  CRUCIBLE_REQUIRE(returning);
  seed();
  const Row r =
      conn()
          .execute(insert(items_)
                       .values({{"id", 2}, {"name", "b"}, {"hits", 40}})
                       .on_conflict_do_update({"id"}, {{"hits", excluded(items_, "hits")}})
                       .returning({items_.c("id"), items_.c("hits")}))
          .one();
  EXPECT_EQ(r.get<std::int64_t>(0), 2);
  EXPECT_EQ(r.get<std::int64_t>(1), 40);
}

}  // namespace
}  // namespace crucible::sdk::testing
