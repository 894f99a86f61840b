// Compliance: transactions and savepoints (SQLAlchemy's suite/test_dialect.py
// AutocommitIsolationTest, IsolationLevelTest and the savepoint cases of test/engine/
// test_transaction.py). What a rollback discards must really be gone, as a second connection
// reading the table sees it.
#include <string>
#include <vector>

#include "crucible/sdk/testing/compliance.hpp"

namespace crucible::sdk::testing {
namespace {

class ComplianceTransactions : public ComplianceTablesTest {
 protected:
  void add(Connection& c, int id) { c.execute(insert(t_).values({{"id", id}})); }
  // The ids a fresh connection sees (what is committed).
  std::vector<std::int64_t> committed_ids() {
    Connection other = engine().connect();
    return other.execute(select(t_.c("id")).order_by({t_.c("id")}))
        .scalars()
        .all_as<std::int64_t>();
  }
  std::vector<std::int64_t> ids(Connection& c) {
    return c.execute(select(t_.c("id")).order_by({t_.c("id")})).scalars().all_as<std::int64_t>();
  }

  Table t_{name("tx"), metadata_, Column{"id", Integer{}, primary_key}};
};

TEST_F(ComplianceTransactions, Commit_MakesRowsVisibleToOtherConnections) {
  add(conn(), 1);
  conn().commit();
  EXPECT_EQ(committed_ids(), (std::vector<std::int64_t>{1}));
}

TEST_F(ComplianceTransactions, Rollback_DiscardsTheRows) {
  add(conn(), 1);
  EXPECT_EQ(ids(conn()), (std::vector<std::int64_t>{1}));  // visible inside
  conn().rollback();
  EXPECT_TRUE(ids(conn()).empty());
  EXPECT_TRUE(committed_ids().empty());
}

TEST_F(ComplianceTransactions, ClosingWithoutCommit_DiscardsTheRows) {
  {
    Connection c = engine().connect();
    add(c, 1);
  }
  EXPECT_TRUE(committed_ids().empty());
}

TEST_F(ComplianceTransactions, EngineBegin_CommitsWhenTheBlockReturns) {
  engine().begin([&](Connection& c) { add(c, 1); });
  EXPECT_EQ(committed_ids(), (std::vector<std::int64_t>{1}));
}

TEST_F(ComplianceTransactions, EngineBegin_RollsBackWhenTheBlockThrows) {
  EXPECT_THROW(engine().begin([&](Connection& c) {
    add(c, 1);
    add(c, 1);  // duplicate key
  }),
               IntegrityError);
  EXPECT_TRUE(committed_ids().empty());
}

TEST_F(ComplianceTransactions, AbandonedTransaction_RollsBack) {
  {
    Transaction tx = conn().begin();
    add(conn(), 1);
  }
  EXPECT_FALSE(conn().in_transaction());
  EXPECT_TRUE(committed_ids().empty());
}

TEST_F(ComplianceTransactions, UncommittedRows_AreInvisibleToOtherConnections) {
  CRUCIBLE_REQUIRE(read_committed_visibility);
  add(conn(), 1);
  EXPECT_TRUE(committed_ids().empty());
  conn().commit();
  EXPECT_EQ(committed_ids(), (std::vector<std::int64_t>{1}));
}

TEST_F(ComplianceTransactions, SavepointRollback_DiscardsOnlyTheInnerWork) {
  CRUCIBLE_REQUIRE(savepoints);
  Transaction outer = conn().begin();
  add(conn(), 1);
  {
    Transaction inner = conn().begin_nested();
    add(conn(), 2);
    EXPECT_TRUE(conn().in_nested_transaction());
    inner.rollback();
  }
  add(conn(), 3);
  outer.commit();
  EXPECT_EQ(committed_ids(), (std::vector<std::int64_t>{1, 3}));
}

TEST_F(ComplianceTransactions, SavepointRelease_KeepsTheInnerWork) {
  CRUCIBLE_REQUIRE(savepoints);
  Transaction outer = conn().begin();
  add(conn(), 1);
  Transaction inner = conn().begin_nested();
  add(conn(), 2);
  inner.commit();
  outer.commit();
  EXPECT_EQ(committed_ids(), (std::vector<std::int64_t>{1, 2}));
}

TEST_F(ComplianceTransactions, OuterRollback_DiscardsReleasedSavepoints) {
  CRUCIBLE_REQUIRE(savepoints);
  Transaction outer = conn().begin();
  Transaction inner = conn().begin_nested();
  add(conn(), 1);
  inner.commit();
  outer.rollback();
  EXPECT_TRUE(committed_ids().empty());
}

TEST_F(ComplianceTransactions, NestedSavepoints_RollBackToTheRightLevel) {
  CRUCIBLE_REQUIRE(savepoints);
  Transaction outer = conn().begin();
  add(conn(), 1);
  Transaction sp1 = conn().begin_nested();
  add(conn(), 2);
  Transaction sp2 = conn().begin_nested();
  add(conn(), 3);
  sp2.rollback();
  EXPECT_EQ(ids(conn()), (std::vector<std::int64_t>{1, 2}));
  sp1.rollback();
  EXPECT_EQ(ids(conn()), (std::vector<std::int64_t>{1}));
  outer.commit();
  EXPECT_EQ(committed_ids(), (std::vector<std::int64_t>{1}));
}

TEST_F(ComplianceTransactions, SavepointAfterAnError_LetsTheTransactionGoOn) {
  CRUCIBLE_REQUIRE(savepoints);
  Transaction outer = conn().begin();
  add(conn(), 1);
  {
    Transaction sp = conn().begin_nested();
    EXPECT_THROW(add(conn(), 1), IntegrityError);
    sp.rollback();
  }
  add(conn(), 2);
  outer.commit();
  EXPECT_EQ(committed_ids(), (std::vector<std::int64_t>{1, 2}));
}

TEST_F(ComplianceTransactions, ErrorInATransaction_AbortsItUntilRollback) {
  CRUCIBLE_REQUIRE(error_aborts_transaction);
  add(conn(), 1);
  EXPECT_THROW(add(conn(), 1), IntegrityError);
  EXPECT_THROW(add(conn(), 2), DatabaseError);  // e.g. 25P02, in failed SQL transaction
  conn().rollback();
  add(conn(), 2);
  conn().commit();
  EXPECT_EQ(committed_ids(), (std::vector<std::int64_t>{2}));
}

TEST_F(ComplianceTransactions, AutocommitIsolation_CommitsEachStatement) {
  Engine autocommit = create_engine(engine().url(), {.isolation_level = "AUTOCOMMIT"});
  {
    Connection c = autocommit.connect();
    add(c, 1);
    EXPECT_TRUE(committed_ids() == (std::vector<std::int64_t>{1}));
    c.rollback();  // nothing to undo
  }
  EXPECT_EQ(committed_ids(), (std::vector<std::int64_t>{1}));
}

TEST_F(ComplianceTransactions, EveryListedIsolationLevel_IsAcceptedAndWorks) {
  for (const std::string& level : engine().dialect().isolation_levels()) {
    Engine e = create_engine(engine().url(), {.isolation_level = level});
    Connection c = e.connect();
    EXPECT_NO_THROW(c.execute(select(func::count()).select_from(t_)).scalar_one()) << level;
    c.rollback();
  }
}

TEST_F(ComplianceTransactions, UnknownIsolationLevel_IsRefusedWithTheAcceptedOnes) {
  try {
    Engine e = create_engine(engine().url(), {.isolation_level = "SOMETIMES"});
    Connection c = e.connect();
    FAIL() << "an unknown isolation level was accepted";
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("SOMETIMES"), std::string::npos) << e.what();
  }
}

TEST_F(ComplianceTransactions, RepeatableRead_KeepsItsSnapshot) {
  CRUCIBLE_REQUIRE(repeatable_read_snapshot);
  Engine rr = create_engine(engine().url(), {.isolation_level = "REPEATABLE READ"});
  Connection reader = rr.connect();
  EXPECT_TRUE(ids(reader).empty());  // the snapshot is taken
  engine().begin([&](Connection& writer) { add(writer, 1); });
  EXPECT_TRUE(ids(reader).empty());
  reader.rollback();
  EXPECT_EQ(ids(reader), (std::vector<std::int64_t>{1}));
}

TEST_F(ComplianceTransactions, ReadCommitted_SeesRowsCommittedMeanwhile) {
  CRUCIBLE_REQUIRE(read_committed_visibility);
  Engine rc = create_engine(engine().url(), {.isolation_level = "READ COMMITTED"});
  Connection reader = rc.connect();
  EXPECT_TRUE(ids(reader).empty());
  engine().begin([&](Connection& writer) { add(writer, 1); });
  EXPECT_EQ(ids(reader), (std::vector<std::int64_t>{1}));
}

TEST_F(ComplianceTransactions, InTransaction_FollowsAutobeginAndCommit) {
  EXPECT_FALSE(conn().in_transaction());
  add(conn(), 1);
  EXPECT_TRUE(conn().in_transaction());
  conn().commit();
  EXPECT_FALSE(conn().in_transaction());
}

}  // namespace
}  // namespace crucible::sdk::testing
