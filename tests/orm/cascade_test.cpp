// Cascades on every backend (SQLAlchemy's relationship(cascade=…)): save-update (adding or
// appending reaches the related objects), delete (deleting a parent deletes its children, loaded
// or not), delete-orphan (a child removed from its parent's collection is deleted, one moved to
// another parent is not), and without them the children's foreign keys set to NULL.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core_readback.hpp"
#include "models.hpp"
#include "orm_fixture.hpp"

namespace crucible::testing {
namespace {

using models::Order;
using models::OrderLine;

/// Order.lines mapped with the cascade of the derived suite; one order "A" with lines a1, a2 and
/// one order "B" with line b1, committed.
class CascadeFixture : public OrmTest {
 protected:
  explicit CascadeFixture(std::string_view cascade) : cascade_(cascade) {}
  void SetUp() override {
    OrmTest::SetUp();
    if (HasFatalFailure()) return;
    models::map_orders(registry_, cascade_);
    metadata_.create_all(engine());
    orm::Session s{engine()};
    auto a = s.add(Order{.customer = "A"});
    a->lines.push_back(std::make_shared<OrderLine>(OrderLine{.product = "a1"}));
    a->lines.push_back(std::make_shared<OrderLine>(OrderLine{.product = "a2"}));
    auto b = s.add(
        Order{.customer = "B", .lines = {std::make_shared<OrderLine>(OrderLine{.product = "b1"})}});
    s.commit();
    a_id_ = a->id;
    b_id_ = b->id;
    reset_statements();
  }
  /// "product:customer" of every line ("a1:NULL" when it belongs to no order), by product.
  std::vector<std::string> lines() {
    std::vector<std::string> out;
    Connection conn = engine().connect();
    for (const Row& row :
         conn.exec_driver_sql("SELECT l.product, o.customer FROM order_lines l LEFT "
                              "JOIN orders o ON o.id = l.order_id ORDER BY l.product")
             .all())
      out.push_back(row[0].to_string() + ":" + (row[1].is_null() ? "NULL" : row[1].to_string()));
    return out;
  }
  std::string_view cascade_;
  MetaData metadata_;
  orm::Registry registry_{metadata_};
  std::int64_t a_id_{0}, b_id_{0};
};

class CascadeAllDeleteOrphanTest : public CascadeFixture {
 protected:
  CascadeAllDeleteOrphanTest() : CascadeFixture("all, delete-orphan") {}
};
class CascadeAllTest : public CascadeFixture {
 protected:
  CascadeAllTest() : CascadeFixture("all") {}
};
class CascadeSaveUpdateTest : public CascadeFixture {
 protected:
  CascadeSaveUpdateTest() : CascadeFixture("save-update, merge") {}
};

// ---- save-update
// ---------------------------------------------------------------------------------

TEST_P(CascadeSaveUpdateTest, SaveUpdate_AddingParentInsertsTheChildrenItHolds) {
  EXPECT_EQ(lines(), (std::vector<std::string>{"a1:A", "a2:A", "b1:B"}));
}

TEST_P(CascadeSaveUpdateTest, SaveUpdate_ChildAppendedToPersistentParentIsAddedAndInserted) {
  orm::Session session{engine()};
  auto a = session.get<Order>(a_id_);
  auto line = std::make_shared<OrderLine>(OrderLine{.product = "a3"});
  a->lines.push_back(line);
  EXPECT_TRUE(session.contains(line));
  EXPECT_EQ(session.new_<OrderLine>().size(), 1u);
  session.commit();
  EXPECT_EQ(lines(), (std::vector<std::string>{"a1:A", "a2:A", "a3:A", "b1:B"}));
}

TEST_P(CascadeSaveUpdateTest, SaveUpdate_ParentAssignedToNewChildsRefIsAdded) {
  orm::Session session{engine()};
  auto line = session.add(OrderLine{.product = "c1"});
  auto c = std::make_shared<Order>(Order{.customer = "C"});
  line->order = c;
  EXPECT_TRUE(session.contains(c));
  session.commit();
  EXPECT_EQ(lines(), (std::vector<std::string>{"a1:A", "a2:A", "b1:B", "c1:C"}));
}

TEST_P(CascadeSaveUpdateTest, NoDeleteCascade_DeletingParentSetsChildrensForeignKeyToNull) {
  orm::Session session{engine()};
  session.delete_(session.get<Order>(a_id_));  // lines not loaded: loaded by the flush
  session.commit();
  EXPECT_EQ(lines(), (std::vector<std::string>{"a1:NULL", "a2:NULL", "b1:B"}));
  EXPECT_EQ(scalar_int(engine(), "SELECT COUNT(*) FROM orders"), 1);
}

TEST_P(CascadeSaveUpdateTest, NoDeleteOrphan_RemovedChildKeepsItsRowWithNullForeignKey) {
  orm::Session session{engine()};
  auto a = session.get<Order>(a_id_);
  a->lines.remove(a->lines[0]);
  session.commit();
  EXPECT_EQ(lines(), (std::vector<std::string>{"a1:NULL", "a2:A", "b1:B"}));
  EXPECT_EQ(count("DELETE"), 0u);
}

// ---- delete
// --------------------------------------------------------------------------------------

TEST_P(CascadeAllTest, Delete_DeletingParentDeletesItsUnloadedChildrenFirst) {
  orm::Session session{engine()};
  session.delete_(session.get<Order>(a_id_));
  session.commit();
  EXPECT_EQ(lines(), (std::vector<std::string>{"b1:B"}));
  EXPECT_EQ(column_text(engine(), "SELECT customer FROM orders"), std::vector<std::string>{"B"});
  const auto lines_at = first_statement(statements(), "DELETE FROM order_lines");
  const auto orders_at = first_statement(statements(), "DELETE FROM orders");
  ASSERT_GE(lines_at, 0);
  EXPECT_LT(lines_at, orders_at) << "children's rows go before the parent's";
}

TEST_P(CascadeAllTest, Delete_DeletingParentDeletesItsLoadedChildren) {
  orm::Session session{engine()};
  auto a = session.get<Order>(a_id_);
  ASSERT_EQ(a->lines.size(), 2u);
  auto a1 = a->lines[0];
  session.delete_(a);
  session.flush();
  EXPECT_EQ(session.deleted<OrderLine>().size(), 0u) << "deleted rows are gone, not pending";
  session.commit();
  EXPECT_FALSE(session.contains(a1));
  EXPECT_EQ(lines(), (std::vector<std::string>{"b1:B"}));
}

TEST_P(CascadeAllTest, Delete_WithoutDeleteOrphanRemovedChildKeepsItsRow) {
  orm::Session session{engine()};
  auto a = session.get<Order>(a_id_);
  a->lines.remove(a->lines[1]);
  session.commit();
  EXPECT_EQ(lines(), (std::vector<std::string>{"a1:A", "a2:NULL", "b1:B"}));
}

// ---- delete-orphan
// -------------------------------------------------------------------------------

TEST_P(CascadeAllDeleteOrphanTest, DeleteOrphan_ChildRemovedFromCollectionIsDeleted) {
  orm::Session session{engine()};
  auto a = session.get<Order>(a_id_);
  auto a1 = a->lines[0];
  a->lines.remove(a1);
  session.commit();
  EXPECT_EQ(lines(), (std::vector<std::string>{"a2:A", "b1:B"}));
  EXPECT_EQ(count("DELETE"), 1u);
}

TEST_P(CascadeAllDeleteOrphanTest, DeleteOrphan_ClearingTheCollectionDeletesEveryChild) {
  orm::Session session{engine()};
  auto a = session.get<Order>(a_id_);
  a->lines.clear();
  session.commit();
  EXPECT_EQ(lines(), (std::vector<std::string>{"b1:B"}));
  EXPECT_EQ(scalar_int(engine(), "SELECT COUNT(*) FROM orders"), 2);
}

TEST_P(CascadeAllDeleteOrphanTest, DeleteOrphan_ChildMovedToAnotherParentIsKeptNotDeleted) {
  orm::Session session{engine()};
  auto a = session.get<Order>(a_id_);
  auto b = session.get<Order>(b_id_);
  ASSERT_EQ(b->lines.size(), 1u);
  auto a1 = a->lines[0];
  b->lines.push_back(a1);  // out of a's loaded collection, into b's
  EXPECT_FALSE(a->lines.contains(a1.get()));
  session.commit();
  EXPECT_EQ(lines(), (std::vector<std::string>{"a1:B", "a2:A", "b1:B"}));
  EXPECT_EQ(count("DELETE"), 0u);
}

TEST_P(CascadeAllDeleteOrphanTest, DeleteOrphan_ChildMovedByItsRefIsKeptNotDeleted) {
  orm::Session session{engine()};
  auto a = session.get<Order>(a_id_);
  auto b = session.get<Order>(b_id_);
  auto a2 = a->lines[1];
  a2->order = b;
  EXPECT_FALSE(a->lines.contains(a2.get()));
  EXPECT_TRUE(b->lines.contains(a2.get()));
  session.commit();
  EXPECT_EQ(lines(), (std::vector<std::string>{"a1:A", "a2:B", "b1:B"}));
}

TEST_P(CascadeAllDeleteOrphanTest, DeleteOrphan_PendingChildRemovedBeforeFlushIsNeverInserted) {
  orm::Session session{engine()};
  auto a = session.get<Order>(a_id_);
  auto a3 = std::make_shared<OrderLine>(OrderLine{.product = "a3"});
  a->lines.push_back(a3);
  session.flush();
  a->lines.remove(a3);  // persistent by now: an orphan to delete
  auto a4 = std::make_shared<OrderLine>(OrderLine{.product = "a4"});
  a->lines.push_back(a4);
  a->lines.remove(a4);  // pending: it simply leaves
  session.commit();
  EXPECT_EQ(lines(), (std::vector<std::string>{"a1:A", "a2:A", "b1:B"}));
}

TEST_P(CascadeSaveUpdateTest, Mapping_UnknownCascadeWordOrDeleteOrphanWithoutDeleteIsRefused) {
  MetaData other;
  orm::Registry registry{other};
  try {
    registry.map<models::Node>("n")
        .column(&models::Node::id, "id", primary_key)
        .relationship(&models::Node::children, orm::cascade("save-update, explode"));
    ADD_FAILURE() << "an unknown cascade word was accepted";
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("'explode'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(orm::cascade("delete-orphan"), ArgumentError);
  const orm::Cascade all = orm::Cascade::parse("all, delete-orphan");
  EXPECT_TRUE(all.save_update && all.merge && all.delete_ && all.delete_orphan);
}

CRUCIBLE_ORM_BACKENDS(CascadeSaveUpdateTest);
CRUCIBLE_ORM_BACKENDS(CascadeAllTest);
CRUCIBLE_ORM_BACKENDS(CascadeAllDeleteOrphanTest);

}  // namespace
}  // namespace crucible::testing
