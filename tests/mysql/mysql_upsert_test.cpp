// The portable upsert on a real MariaDB: ON DUPLICATE KEY UPDATE changes only the listed
// columns, the do-nothing form leaves the row and, unlike INSERT IGNORE, still raises on
// unrelated errors; MySQL checks every unique key, so a conflict on another key than the named
// target updates too (documented in mysql_compiler.hpp); RETURNING and lastrowid give the row.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "crucible/crucible.hpp"
#include "mysql_fixture.hpp"

using namespace crucible;

namespace {

class MysqlUpsertTest : public crucible::testing::MysqlEngineFixture {
 protected:
  void SetUp() override {
    MysqlEngineFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    md_.create_all(engine());
    conn_.emplace(engine().connect());
    conn_->execute(insert(items_).values(
        {{"id", 1}, {"sku", "A-1"}, {"name", "Anvil"}, {"qty", 5}, {"note", "heavy"}}));
    conn_->commit();
  }
  void TearDown() override {
    conn_.reset();
    MysqlEngineFixture::TearDown();
  }

  // The row with id 1 as (sku, name, qty, note).
  std::vector<Value> row1() {
    return c()
        .execute(select(items_.c("sku"), items_.c("name"), items_.c("qty"), items_.c("note"))
                     .where(items_.c("id") == 1))
        .one()
        .values();
  }
  Value count() { return c().execute(select(func::count()).select_from(items_)).scalar(); }
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
               Column{"name", String{8}},
               Column{"qty", Integer{}, nullable(false)},
               Column{"note", Text{}},
               UniqueConstraint{{"sku"}, "uq_items_sku"}};
  std::optional<Connection> conn_;
};

}  // namespace

TEST_F(MysqlUpsertTest, UpsertOnDuplicateKey_UpdatesOnlyListedColumns) {
  c().execute(proposed("Hammer", 7, "light")
                  .on_conflict_do_update({"id"}, {{"qty", excluded(items_, "qty")}}));
  EXPECT_EQ(row1(), (std::vector<Value>{Value("A-1"), Value("Anvil"), Value(7), Value("heavy")}));
  // A row without a conflict is inserted whole.
  c().execute(insert(items_)
                  .values({{"id", 2}, {"sku", "B-2"}, {"name", "Bolt"}, {"qty", 1}})
                  .on_conflict_do_update({"id"}, {{"qty", excluded(items_, "qty")}}));
  EXPECT_EQ(count(), Value(2));
}

TEST_F(MysqlUpsertTest, UpsertOnDuplicateKey_SetMayComputeFromTheExistingRow) {
  c().execute(
      proposed("Anvil", 3, "x")
          .on_conflict_do_update(
              {"id"}, {{"qty", items_.c("qty") + excluded(items_, "qty")}, {"note", "restocked"}}));
  EXPECT_EQ(row1(),
            (std::vector<Value>{Value("A-1"), Value("Anvil"), Value(8), Value("restocked")}));
}

TEST_F(MysqlUpsertTest, UpsertOnDuplicateKey_AnyUniqueKeyConflicts) {
  // The target names id, but the new row's sku is row 1's: MySQL updates row 1 all the same.
  c().execute(insert(items_)
                  .values({{"id", 9}, {"sku", "A-1"}, {"name", "Other"}, {"qty", 2}})
                  .on_conflict_do_update({"id"}, {{"name", excluded(items_, "name")}}));
  EXPECT_EQ(count(), Value(1));
  EXPECT_EQ(row1()[1], Value("Other"));
}

TEST_F(MysqlUpsertTest, UpsertDoNothing_LeavesTheRow) {
  c().execute(proposed("Hammer", 7, "light").on_conflict_do_nothing({"id"}));
  EXPECT_EQ(row1(), (std::vector<Value>{Value("A-1"), Value("Anvil"), Value(5), Value("heavy")}));
  c().execute(
      insert(items_).values({{"id", 9}, {"sku", "A-1"}, {"qty", 1}}).on_conflict_do_nothing());
  EXPECT_EQ(count(), Value(1));
  c().execute(
      insert(items_).values({{"id", 2}, {"sku", "B-2"}, {"qty", 1}}).on_conflict_do_nothing());
  EXPECT_EQ(count(), Value(2));
}

TEST_F(MysqlUpsertTest, UpsertDoNothing_StillRaisesUnrelatedErrors) {
  // INSERT IGNORE would store '' / a cut string and warn; the no-op update lets them raise.
  EXPECT_THROW(c().execute(insert(items_)
                               .values({{"id", 3}, {"sku", Value()}, {"qty", 1}})
                               .on_conflict_do_nothing()),
               IntegrityError);  // 1048: column 'sku' cannot be null
  c().rollback();
  EXPECT_THROW(
      c().execute(insert(items_)
                      .values({{"id", 3}, {"sku", "C-3"}, {"name", "far too long"}, {"qty", 1}})
                      .on_conflict_do_nothing()),
      DataError);  // 1406: data too long for column 'name'
  c().rollback();
  EXPECT_EQ(count(), Value(1));
}

TEST_F(MysqlUpsertTest, UpsertReturning_GivesTheRowInsertedOrUpdated) {
  const auto stmt = insert(items_)
                        .values_rows({{{"id", 1}, {"sku", "A-1"}, {"qty", 50}},
                                      {{"id", 3}, {"sku", "C-3"}, {"qty", 30}}})
                        .on_conflict_do_update({"id"}, {{"qty", excluded(items_, "qty")}})
                        .returning({items_.c("id"), items_.c("qty")});
  const auto rows = c().execute(stmt).all();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].values(), (std::vector<Value>{Value(1), Value(50)}));
  EXPECT_EQ(rows[1].values(), (std::vector<Value>{Value(3), Value(30)}));
}

TEST_F(MysqlUpsertTest, Insert_GivesTheAutoIncrementKeyAsLastrowid) {
  MetaData md;
  Table notes{"notes", md, Column{"id", BigInteger{}, primary_key}, Column{"body", Text{}}};
  md.create_all(engine());
  const Result first = c().execute(insert(notes).values({{"body", "a"}}));
  const Result second = c().execute(insert(notes).values({{"body", "b"}}));
  ASSERT_TRUE(first.lastrowid().has_value());
  ASSERT_TRUE(second.lastrowid().has_value());
  EXPECT_LT(*first.lastrowid(), *second.lastrowid());
  EXPECT_EQ(
      c().execute(select(notes.c("body")).where(notes.c("id") == *second.lastrowid())).scalar_one(),
      Value("b"));
}
