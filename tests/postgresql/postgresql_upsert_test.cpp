// The portable upsert on a real PostgreSQL 15: ON CONFLICT (cols) DO UPDATE changes only the
// listed columns, DO NOTHING leaves the row, a WHERE on the update skips rows that fail it, the
// target may be a constraint's name or a partial unique index (its columns and predicate), and
// RETURNING gives the row inserted or updated.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "crucible/crucible.hpp"
#include "pg_fixture.hpp"

using namespace crucible;

namespace {

class PostgresqlUpsertTest : public crucible::testing::PgEngineFixture {
 protected:
  void SetUp() override {
    PgEngineFixture::SetUp();
    if (HasFatalFailure()) return;
    md_.create_all(*engine_);
    conn_.emplace(engine_->connect());
    conn_->execute(insert(items_).values(
        {{"id", 1}, {"sku", "A-1"}, {"name", "Anvil"}, {"qty", 5}, {"note", "heavy"}}));
    conn_->commit();
  }
  void TearDown() override {
    conn_.reset();
    PgEngineFixture::TearDown();
  }

  // The row with id 1 as (sku, name, qty, note).
  std::vector<Value> row1() {
    const Row row =
        c().execute(select(items_.c("sku"), items_.c("name"), items_.c("qty"), items_.c("note"))
                        .where(items_.c("id") == 1))
            .one();
    return row.values();
  }
  Connection& c() { return *conn_; }
  sql::Insert proposed(const char* name, int qty, const char* note) {
    return insert(items_).values(
        {{"id", 1}, {"sku", "A-1"}, {"name", name}, {"qty", qty}, {"note", note}});
  }

  MetaData md_;
  Table items_{"items",
               md_,
               Column{"id", Integer{}, primary_key},
               Column{"sku", String{20}, nullable(false)},
               Column{"name", String{80}},
               Column{"qty", Integer{}, nullable(false)},
               Column{"note", Text{}},
               UniqueConstraint{{"sku"}, "uq_items_sku"}};
  std::optional<Connection> conn_;
};

}  // namespace

TEST_F(PostgresqlUpsertTest, UpsertOnConflict_UpdatesOnlyListedColumns) {
  const Result r =
      c().execute(proposed("Hammer", 7, "light")
                      .on_conflict_do_update({"id"}, {{"qty", excluded(items_, "qty")}}));
  EXPECT_EQ(r.rowcount(), 1);
  EXPECT_EQ(row1(), (std::vector<Value>{Value("A-1"), Value("Anvil"), Value(7), Value("heavy")}));
  // A row without a conflict is inserted whole.
  c().execute(insert(items_)
                  .values({{"id", 2}, {"sku", "B-2"}, {"name", "Bolt"}, {"qty", 1}})
                  .on_conflict_do_update({"id"}, {{"qty", excluded(items_, "qty")}}));
  EXPECT_EQ(c().execute(select(func::count()).select_from(items_)).scalar(), Value(2));
}

TEST_F(PostgresqlUpsertTest, UpsertOnConflict_SetMayComputeFromTheExistingRow) {
  c().execute(
      proposed("Anvil", 3, "x")
          .on_conflict_do_update(
              {"id"}, {{"qty", items_.c("qty") + excluded(items_, "qty")}, {"note", "restocked"}}));
  EXPECT_EQ(row1(),
            (std::vector<Value>{Value("A-1"), Value("Anvil"), Value(8), Value("restocked")}));
}

TEST_F(PostgresqlUpsertTest, UpsertDoNothing_LeavesTheRow) {
  const Result r = c().execute(proposed("Hammer", 7, "light").on_conflict_do_nothing({"id"}));
  EXPECT_EQ(r.rowcount(), 0);
  EXPECT_EQ(row1(), (std::vector<Value>{Value("A-1"), Value("Anvil"), Value(5), Value("heavy")}));
  // Without a target it covers any unique constraint: here the sku's.
  const Result any = c().execute(
      insert(items_).values({{"id", 9}, {"sku", "A-1"}, {"qty", 1}}).on_conflict_do_nothing());
  EXPECT_EQ(any.rowcount(), 0);
  EXPECT_EQ(c().execute(select(func::count()).select_from(items_)).scalar(), Value(1));
}

TEST_F(PostgresqlUpsertTest, UpsertWithWhere_UpdatesOnlyRowsMeetingIt) {
  const auto raise_only = [&](int qty) {
    return c()
        .execute(proposed("Anvil", qty, "n")
                     .on_conflict_do_update({"id"}, {{"qty", excluded(items_, "qty")}},
                                            items_.c("qty") < excluded(items_, "qty")))
        .rowcount();
  };
  EXPECT_EQ(raise_only(3), 0);  // 5 < 3 is false: the row stays
  EXPECT_EQ(row1()[2], Value(5));
  EXPECT_EQ(raise_only(9), 1);
  EXPECT_EQ(row1()[2], Value(9));
}

TEST_F(PostgresqlUpsertTest, UpsertByConstraintName_UsesThatConstraint) {
  // Another id, the same sku: only the sku's constraint conflicts.
  const auto stmt = insert(items_)
                        .values({{"id", 5}, {"sku", "A-1"}, {"name", "Anvil II"}, {"qty", 2}})
                        .on_conflict_do_update(ConflictTarget::constraint("uq_items_sku"),
                                               {{"name", excluded(items_, "name")}})
                        .returning({items_.c("id"), items_.c("name")});
  const Row row = c().execute(stmt).one();
  EXPECT_EQ(row.values(), (std::vector<Value>{Value(1), Value("Anvil II")}));
  EXPECT_EQ(row1(),
            (std::vector<Value>{Value("A-1"), Value("Anvil II"), Value(5), Value("heavy")}));
  // A conflict on another constraint (the primary key) is not handled and raises.
  EXPECT_THROW(c().execute(insert(items_)
                               .values({{"id", 1}, {"sku", "Z-9"}, {"qty", 1}})
                               .on_conflict_do_nothing(ConflictTarget::constraint("uq_items_sku"))),
               IntegrityError);
  c().rollback();
  // A constraint that does not exist is the server's error, with its SQLSTATE (42704).
  try {
    c().execute(proposed("x", 1, "y").on_conflict_do_nothing(ConflictTarget::constraint("nope")));
    FAIL() << "expected ProgrammingError";
  } catch (const DBAPIError& e) {
    EXPECT_EQ(e.sqlstate(), "42704") << e.what();
  }
}

TEST_F(PostgresqlUpsertTest, UpsertOnPartialIndex_NamesItsColumnsAndPredicate) {
  MetaData md;
  Table codes{"codes",
              md,
              Column{"id", Integer{}, primary_key},
              Column{"code", String{10}, nullable(false)},
              Column{"active", Boolean{}, nullable(false)},
              Column{"hits", Integer{}}};
  md.create_all(*engine_);
  c().execute(text("CREATE UNIQUE INDEX uq_codes_active ON codes (code) WHERE active"));
  const auto hit = [&](int id, bool active) {
    return insert(codes)
        .values({{"id", id}, {"code", "X"}, {"active", active}, {"hits", 1}})
        .on_conflict_do_update(ConflictTarget({"code"}, codes.c("active")),
                               {{"hits", codes.c("hits") + 1}});
  };
  c().execute(hit(1, true));
  c().execute(hit(2, true));   // conflicts with the active X: counted
  c().execute(hit(3, false));  // outside the index: a row of its own
  c().execute(hit(4, false));
  const auto rows =
      c().execute(select(codes.c("id"), codes.c("hits")).order_by({codes.c("id")})).all();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].values(), (std::vector<Value>{Value(1), Value(2)}));
  EXPECT_EQ(rows[1].values(), (std::vector<Value>{Value(3), Value(1)}));
  EXPECT_EQ(rows[2].values(), (std::vector<Value>{Value(4), Value(1)}));
}

TEST_F(PostgresqlUpsertTest, UpsertReturning_GivesTheRowInsertedOrUpdated) {
  const auto stmt = insert(items_)
                        .values_rows({{{"id", 1}, {"sku", "A-1"}, {"qty", 50}},
                                      {{"id", 3}, {"sku", "C-3"}, {"qty", 30}}})
                        .on_conflict_do_update({"id"}, {{"qty", excluded(items_, "qty")}})
                        .returning({items_.c("id"), items_.c("name"), items_.c("qty")});
  const auto rows = c().execute(stmt).all();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].values(), (std::vector<Value>{Value(1), Value("Anvil"), Value(50)}));
  EXPECT_EQ(rows[1].values(), (std::vector<Value>{Value(3), Value(), Value(30)}));
}
