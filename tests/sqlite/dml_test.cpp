// INSERT, UPDATE, DELETE, RETURNING and the portable upsert executed on real SQLite through an
// Engine, each checked by the rows the database returns afterwards.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "crucible/crucible.hpp"
#include "test_support.hpp"

using namespace crucible;
using crucible::testing::TempDir;

namespace {

// (id, name, email) of every user, by id.
using UserRows = std::vector<std::tuple<std::int64_t, std::string, std::optional<std::string>>>;

class DmlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_.emplace(create_engine(dir_.sqlite_url("dml.db")));
    engine_->begin([](Connection& conn) {
      conn.execute(text("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, "
                        "email VARCHAR(120) UNIQUE)"));
      conn.execute(text("CREATE TABLE archive (id INTEGER PRIMARY KEY, name VARCHAR(50))"));
      conn.execute(text("CREATE TABLE counters (id INTEGER PRIMARY KEY, label VARCHAR(20), "
                        "hits INTEGER NOT NULL, note VARCHAR(20))"));
    });
    conn_.emplace(engine_->connect());
  }
  void TearDown() override { conn_.reset(); }

  Connection& conn() { return *conn_; }

  UserRows users() {
    UserRows out;
    for (const Row& row : conn().execute(text("SELECT id, name, email FROM users ORDER BY id")))
      out.emplace_back(row.get<std::int64_t>(0), row.get<std::string>(1),
                       row.get<std::optional<std::string>>(2));
    return out;
  }
  std::int64_t count(std::string_view table) {
    return conn()
        .execute(text("SELECT count(*) FROM " + std::string(table)))
        .scalar()
        .as<std::int64_t>();
  }

  TempDir dir_;
  std::optional<Engine> engine_;
  std::optional<Connection> conn_;
  MetaData metadata_;
  Table users_{"users", metadata_, Column{"id", Integer{}, primary_key},
               Column{"name", String{50}, nullable(false)}, Column{"email", String{120}, unique}};
  Table archive_{"archive", metadata_, Column{"id", Integer{}, primary_key},
                 Column{"name", String{50}}};
  Table counters_{"counters",
                  metadata_,
                  Column{"id", Integer{}, primary_key},
                  Column{"label", String{20}},
                  Column{"hits", Integer{}, default_(0)},
                  Column{"note", String{20}}};
};

}  // namespace

// ---- INSERT ---------------------------------------------------------------------------------

TEST_F(DmlTest, InsertValues_StoresOneRow) {
  const Result r = conn().execute(insert(users_).values({{"name", "Alice"}, {"email", "a@x"}}));
  EXPECT_EQ(r.rowcount(), 1);
  EXPECT_EQ(users(), (UserRows{{1, "Alice", "a@x"}}));
}

TEST_F(DmlTest, InsertWithParamSets_RunsAsExecutemanyForEverySet) {
  const Result r =
      conn().execute(insert(users_), std::vector<Params>{{{"name", "A"}, {"email", "a@x"}},
                                                         {{"name", "B"}, {"email", "b@x"}},
                                                         {{"name", "C"}, {"email", nullptr}}});
  EXPECT_EQ(r.rowcount(), 3);
  EXPECT_EQ(users(), (UserRows{{1, "A", "a@x"}, {2, "B", "b@x"}, {3, "C", std::nullopt}}));
}

TEST_F(DmlTest, ParamTableWhoseColumnsAreNotThePlaceholdersInOrder_IsBoundByName) {
  // The statement names email before name, the table has them the other way round: each row
  // is collected by name rather than bound as a slice of the table.
  const auto stmt = insert(users_)
                        .values({{"email", bindparam("e")}, {"name", bindparam("n")}})
                        .returning({users_.c("name")});
  const std::vector<std::string> names{"n", "e"};
  ParamTable table(names);
  for (const char* n : {"Ann", "Bob", "Cyd"}) {
    table.push_back(n);
    table.push_back(std::string(n) + "@x");
  }
  EXPECT_EQ(conn().execute(stmt, table).scalars().all_as<std::string>(),
            (std::vector<std::string>{"Ann", "Bob", "Cyd"}));
  EXPECT_EQ(users(), (UserRows{{1, "Ann", "Ann@x"}, {2, "Bob", "Bob@x"}, {3, "Cyd", "Cyd@x"}}));
}

TEST_F(DmlTest, ParamTableWithValuesTheDialectConverts_StoresTheConvertedValues) {
  // SQLite keeps a Uuid as 32 hex digits (the dialect's bind processor converts it): a page
  // of such values goes through the processor, and reads back as the Uuids sent.
  Table tokens{"tokens", metadata_, Column{"id", Integer{}, primary_key}, Column{"token", types::Uuid{}}};
  tokens.create(*engine_);
  const std::vector<std::string> names{"token"};
  ParamTable table(names);
  std::vector<crucible::Uuid> made;
  for (const char* hex :
       {"0f8fad5b-d9cb-469f-a165-70867728950e", "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "a8098c1a-f86e-11da-bd1a-00112444be1e"}) {
    made.push_back(crucible::Uuid::parse(hex));
    table.push_back(made.back());
  }
  conn().execute(insert(tokens).returning({tokens.c("id")}), table);
  std::vector<crucible::Uuid> stored;
  for (const Row& row : conn().execute(select(tokens.c("token")).order_by({tokens.c("id")})))
    stored.push_back(row.get<crucible::Uuid>(0));
  EXPECT_EQ(stored, made);
  EXPECT_EQ(conn()
                .execute(text("SELECT length(token) FROM tokens WHERE id = 1"))
                .scalar()
                .as<std::int64_t>(),
            32);
}

TEST_F(DmlTest, ParamTableWithoutACompleteRow_IsRefusedWithTheCountsFound) {
  const std::vector<std::string> names{"name", "email"};
  ParamTable table(names);
  table.push_back("only a name");
  try {
    conn().execute(insert(users_), table);
    FAIL() << "an incomplete row was executed";
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("2 values, found 1"), std::string::npos) << e.what();
  }
  EXPECT_EQ(count("users"), 0);
}

TEST_F(DmlTest, InsertWithOneParamSet_TakesOnlyTheColumnsNamed) {
  conn().execute(insert(users_), {{"name", "Solo"}});
  EXPECT_EQ(users(), (UserRows{{1, "Solo", std::nullopt}}));
}

TEST_F(DmlTest, InsertValuesRows_StoresEveryRowInOneStatement) {
  const Result r = conn().execute(insert(users_).values_rows(
      {{{"name", "A"}, {"email", "a@x"}}, {{"name", "B"}, {"email", "b@x"}}}));
  EXPECT_EQ(r.rowcount(), 2);
  EXPECT_EQ(users(), (UserRows{{1, "A", "a@x"}, {2, "B", "b@x"}}));
}

TEST_F(DmlTest, InsertFromSelect_CopiesTheSelectedRows) {
  conn().execute(insert(users_),
                 std::vector<Params>{{{"name", "A"}}, {{"name", "B"}}, {{"name", "C"}}});
  const Result r = conn().execute(insert(archive_).from_select(
      {"id", "name"}, select(users_.c("id"), users_.c("name")).where(users_.c("id") >= 2)));
  EXPECT_EQ(r.rowcount(), 2);
  std::vector<std::string> names;
  for (const Row& row : conn().execute(text("SELECT id, name FROM archive ORDER BY id")))
    names.push_back(std::to_string(row.get<std::int64_t>(0)) + ":" + row.get<std::string>(1));
  EXPECT_EQ(names, (std::vector<std::string>{"2:B", "3:C"}));
}

TEST_F(DmlTest, InsertFromSelectOfACte_CopiesTheCtesRows) {
  conn().execute(insert(users_),
                 std::vector<Params>{{{"name", "A"}}, {{"name", "B"}}, {{"name", "C"}}});
  const auto late = select(users_.c("id"), users_.c("name")).where(users_.c("id") > 1).cte("late");
  conn().execute(insert(archive_).from_select({"id", "name"},
                                              select(late.c("id"), func::lower(late.c("name")))));
  std::vector<std::string> names;
  for (const Row& row : conn().execute(text("SELECT name FROM archive ORDER BY id")))
    names.push_back(row.get<std::string>(0));
  EXPECT_EQ(names, (std::vector<std::string>{"b", "c"}));
}

TEST_F(DmlTest, InsertReturning_GivesTheGeneratedIds) {
  conn().execute(insert(users_).values({{"name", "First"}}));
  const std::vector<Row> rows = conn()
                                    .execute(insert(users_)
                                                 .values_rows({{{"name", "A"}}, {{"name", "B"}}})
                                                 .returning({users_.c("id"), users_.c("name")}))
                                    .all();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].get<std::int64_t>("id"), 2);
  EXPECT_EQ(rows[0].get<std::string>("name"), "A");
  EXPECT_EQ(rows[1].get<std::int64_t>("id"), 3);
  EXPECT_EQ(rows[1].get<std::string>("name"), "B");
}

TEST_F(DmlTest, InsertColumnDefault_AppliedWhenTheColumnIsLeftOut) {
  conn().execute(insert(counters_).values({{"label", "by values"}}));
  conn().execute(insert(counters_), {{"label", "by params"}});
  conn().execute(insert(counters_).values({{"label", "given"}, {"hits", 5}}));
  std::vector<std::string> got;
  for (const Row& row : conn().execute(text("SELECT label, hits FROM counters ORDER BY id")))
    got.push_back(row.get<std::string>(0) + "=" + std::to_string(row.get<std::int64_t>(1)));
  EXPECT_EQ(got, (std::vector<std::string>{"by values=0", "by params=0", "given=5"}));
}

// ---- UPDATE and DELETE ----------------------------------------------------------------------

class DmlPopulatedTest : public DmlTest {
 protected:
  void SetUp() override {
    DmlTest::SetUp();
    conn().execute(insert(users_), std::vector<Params>{{{"name", "Alice"}, {"email", "alice@x"}},
                                                       {{"name", "Bob"}, {"email", "bob@x"}},
                                                       {{"name", "Carol"}, {"email", "carol@x"}}});
  }
};

TEST_F(DmlPopulatedTest, UpdateWhere_ChangesOnlyMatchingRows) {
  const Result r =
      conn().execute(update(users_).where(users_.c("id") >= 2).values({{"email", null()}}));
  EXPECT_EQ(r.rowcount(), 2);
  EXPECT_EQ(
      users(),
      (UserRows{{1, "Alice", "alice@x"}, {2, "Bob", std::nullopt}, {3, "Carol", std::nullopt}}));
}

TEST_F(DmlPopulatedTest, UpdateWhereTwice_BothCriteriaMustHold) {
  const Result r = conn().execute(update(users_)
                                      .values({{"name", "Z"}})
                                      .where(users_.c("id") >= 2)
                                      .where(users_.c("email") == "carol@x"));
  EXPECT_EQ(r.rowcount(), 1);
  EXPECT_EQ(std::get<1>(users()[2]), "Z");
  EXPECT_EQ(std::get<1>(users()[1]), "Bob");
}

TEST_F(DmlPopulatedTest, UpdateWithParamSets_SetsTheNamedColumnsPerSet) {
  const auto stmt = update(users_).where(users_.c("id") == bindparam("target", Integer{}));
  const Result r = conn().execute(stmt, std::vector<Params>{{{"target", 1}, {"email", "a@new"}},
                                                            {{"target", 3}, {"email", "c@new"}}});
  EXPECT_EQ(r.rowcount(), 2);
  EXPECT_EQ(users(), (UserRows{{1, "Alice", "a@new"}, {2, "Bob", "bob@x"}, {3, "Carol", "c@new"}}));
}

TEST_F(DmlPopulatedTest, UpdateReturning_GivesTheChangedRows) {
  const std::vector<Row> rows = conn()
                                    .execute(update(users_)
                                                 .values({{"name", func::upper(users_.c("name"))}})
                                                 .where(users_.c("id") <= 2)
                                                 .returning({users_.c("id"), users_.c("name")}))
                                    .all();
  ASSERT_EQ(rows.size(), 2u);
  std::vector<std::string> got;
  for (const Row& row : rows)
    got.push_back(std::to_string(row.get<std::int64_t>(0)) + ":" + row.get<std::string>(1));
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"1:ALICE", "2:BOB"}));
}

TEST_F(DmlPopulatedTest, UpdateFromCorrelatedSubquery_TakesEachRowsOwnValue) {
  conn().execute(text("INSERT INTO archive (id, name) VALUES (1, 'Alicia'), (3, 'Caroline')"));
  const auto archived = select(archive_.c("name")).where(archive_.c("id") == users_.c("id"));
  const Result r = conn().execute(
      update(users_)
          .values({{"name", archived.scalar_subquery()}})
          .where(exists(select(archive_.c("id")).where(archive_.c("id") == users_.c("id")))));
  EXPECT_EQ(r.rowcount(), 2);
  EXPECT_EQ(users(),
            (UserRows{{1, "Alicia", "alice@x"}, {2, "Bob", "bob@x"}, {3, "Caroline", "carol@x"}}));
}

TEST_F(DmlPopulatedTest, DeleteWhereCorrelatedExists_RemovesOnlyRowsWithAMatch) {
  conn().execute(text("INSERT INTO archive (id, name) VALUES (2, 'x')"));
  const Result r = conn().execute(delete_(users_).where(
      exists(select(archive_.c("id")).where(archive_.c("id") == users_.c("id")))));
  EXPECT_EQ(r.rowcount(), 1);
  EXPECT_EQ(users(), (UserRows{{1, "Alice", "alice@x"}, {3, "Carol", "carol@x"}}));
}

TEST_F(DmlPopulatedTest, UpdateAndDeleteWithACte_UseTheCtesRows) {
  conn().execute(text("INSERT INTO archive (id, name) VALUES (1, 'x'), (3, 'y')"));
  const auto archived = select(archive_.c("id")).where(archive_.c("id") > 1).cte("archived");
  const Result u = conn().execute(update(users_)
                                      .where(sql::in_(users_.c("id"), select(archived.c("id"))))
                                      .values({{"email", null()}}));
  EXPECT_EQ(u.rowcount(), 1);
  EXPECT_EQ(users(), (UserRows{{1, "Alice", "alice@x"}, {2, "Bob", "bob@x"}, {3, "Carol", {}}}));
  const Result d =
      conn().execute(delete_(users_).where(sql::in_(users_.c("id"), select(archived.c("id")))));
  EXPECT_EQ(d.rowcount(), 1);
  EXPECT_EQ(users(), (UserRows{{1, "Alice", "alice@x"}, {2, "Bob", "bob@x"}}));
}

TEST_F(DmlPopulatedTest, InsertFromSelectWithUpsert_UpdatesTheConflictingRows) {
  conn().execute(text("INSERT INTO archive (id, name) VALUES (1, 'old'), (9, 'other')"));
  const Result r =
      conn().execute(insert(archive_)
                         .from_select({"id", "name"}, select(users_.c("id"), users_.c("name")))
                         .on_conflict_do_update({"id"}, {{"name", excluded(archive_, "name")}}));
  std::vector<std::pair<std::int64_t, std::string>> rows;
  for (const Row& row : conn().execute(select(archive_).order_by({archive_.c("id")})))
    rows.emplace_back(row.get<std::int64_t>(0), row.get<std::string>(1));
  EXPECT_EQ(rows, (std::vector<std::pair<std::int64_t, std::string>>{
                      {1, "Alice"}, {2, "Bob"}, {3, "Carol"}, {9, "other"}}));
}

TEST_F(DmlPopulatedTest, DeleteWhere_RemovesOnlyMatchingRows) {
  const Result r = conn().execute(delete_(users_).where(users_.c("name").like("%o%")));
  EXPECT_EQ(r.rowcount(), 2);
  EXPECT_EQ(users(), (UserRows{{1, "Alice", "alice@x"}}));
}

TEST_F(DmlPopulatedTest, DeleteReturning_GivesTheDeletedRows) {
  const std::vector<Row> rows =
      conn()
          .execute(delete_(users_).where(users_.c("id") == 2).returning({users_.c("email")}))
          .all();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].get<std::string>(0), "bob@x");
  EXPECT_EQ(count("users"), 2);
}

TEST_F(DmlPopulatedTest, DeleteWithoutWhere_RemovesEveryRow) {
  EXPECT_EQ(conn().execute(delete_(users_)).rowcount(), 3);
  EXPECT_EQ(count("users"), 0);
}

// ---- the upsert -----------------------------------------------------------------------------

class UpsertTest : public DmlTest {
 protected:
  void SetUp() override {
    DmlTest::SetUp();
    conn().execute(
        insert(counters_).values({{"id", 1}, {"label", "old"}, {"hits", 10}, {"note", "keep me"}}));
  }
  // (label, hits, note) of counter id.
  std::string counter(std::int64_t id) {
    const Row row =
        conn()
            .execute(text("SELECT label, hits, note FROM counters WHERE id = :id"), {{"id", id}})
            .one();
    return row.get<std::string>(0) + "|" + std::to_string(row.get<std::int64_t>(1)) + "|" +
           row.get<std::optional<std::string>>(2).value_or("NULL");
  }
};

TEST_F(UpsertTest, OnConflictDoUpdate_ChangesOnlyTheListedColumns) {
  conn().execute(insert(counters_)
                     .values({{"id", 1}, {"label", "new"}, {"hits", 1}, {"note", "proposed"}})
                     .on_conflict_do_update({"id"}, {{"label", excluded(counters_, "label")}}));
  EXPECT_EQ(counter(1), "new|10|keep me");
  EXPECT_EQ(count("counters"), 1);
}

TEST_F(UpsertTest, OnConflictDoUpdate_InsertsWhenThereIsNoConflict) {
  conn().execute(insert(counters_)
                     .values({{"id", 2}, {"label", "fresh"}, {"hits", 3}})
                     .on_conflict_do_update({"id"}, {{"label", excluded(counters_, "label")}}));
  EXPECT_EQ(counter(1), "old|10|keep me");
  EXPECT_EQ(counter(2), "fresh|3|NULL");
}

TEST_F(UpsertTest, OnConflictDoUpdate_CanCombineTheOldAndTheProposedValues) {
  const auto bump = insert(counters_)
                        .values({{"id", 1}, {"label", "x"}, {"hits", 5}})
                        .on_conflict_do_update(
                            {"id"}, {{"hits", counters_.c("hits") + excluded(counters_, "hits")}});
  conn().execute(bump);
  conn().execute(bump);
  EXPECT_EQ(counter(1), "old|20|keep me");
}

TEST_F(UpsertTest, OnConflictDoUpdate_WhereFalseLeavesTheRow) {
  const auto stmt = [&](std::int64_t limit) {
    return insert(counters_)
        .values({{"id", 1}, {"label", "new"}, {"hits", 1}})
        .on_conflict_do_update({"id"}, {{"label", excluded(counters_, "label")}},
                               counters_.c("hits") < limit);
  };
  EXPECT_EQ(conn().execute(stmt(5)).rowcount(), 0);
  EXPECT_EQ(counter(1), "old|10|keep me");
  EXPECT_EQ(conn().execute(stmt(50)).rowcount(), 1);
  EXPECT_EQ(counter(1), "new|10|keep me");
}

TEST_F(UpsertTest, OnConflictDoNothing_LeavesTheRowAndInsertsNewOnes) {
  const Result r = conn().execute(insert(counters_)
                                      .values_rows({{{"id", 1}, {"label", "dup"}, {"hits", 99}},
                                                    {{"id", 2}, {"label", "new"}, {"hits", 2}}})
                                      .on_conflict_do_nothing({"id"}));
  EXPECT_EQ(r.rowcount(), 1);
  EXPECT_EQ(counter(1), "old|10|keep me");
  EXPECT_EQ(counter(2), "new|2|NULL");
}

TEST_F(UpsertTest, OnConflictDoUpdate_AsExecutemanyWithParams) {
  const auto stmt = insert(counters_).on_conflict_do_update(
      {"id"}, {{"hits", counters_.c("hits") + excluded(counters_, "hits")}});
  conn().execute(stmt, std::vector<Params>{{{"id", 1}, {"label", "a"}, {"hits", 1}},
                                           {{"id", 2}, {"label", "b"}, {"hits", 2}},
                                           {{"id", 2}, {"label", "b"}, {"hits", 3}}});
  EXPECT_EQ(counter(1), "old|11|keep me");
  EXPECT_EQ(counter(2), "b|5|NULL");
}

TEST_F(UpsertTest, OnConflictDoUpdate_ReturningGivesTheRowAsWritten) {
  const Row row =
      conn()
          .execute(insert(counters_)
                       .values({{"id", 1}, {"label", "x"}, {"hits", 1}})
                       .on_conflict_do_update({"id"}, {{"hits", counters_.c("hits") + 100}})
                       .returning({counters_.c("id"), counters_.c("hits")}))
          .one();
  EXPECT_EQ(row.get<std::int64_t>(0), 1);
  EXPECT_EQ(row.get<std::int64_t>(1), 110);
}

// ---- the cache ------------------------------------------------------------------------------

TEST_F(DmlTest, SameShapedInsert_IsCompiledOnce) {
  sql::CompiledCache& cache = engine_->compiled_cache();
  const auto misses = cache.misses();
  for (int i = 0; i < 3; ++i)
    conn().execute(insert(users_).values({{"name", "U" + std::to_string(i)}}));
  EXPECT_EQ(cache.misses() - misses, 1u);
  EXPECT_EQ(count("users"), 3);
}
