// Regressions found in review: each test states the behaviour a SQLAlchemy user expects, on
// every backend (lazy collections iterated by begin/end, de-duplicated eager loads, joinedload
// under LIMIT, rollback of key changes and of delete+re-insert, merge of a bare object, stale
// transaction handles, the graph freed with its Session, self-referential collections).
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "core_readback.hpp"
#include "models.hpp"
#include "orm_fixture.hpp"

namespace crucible::testing {
namespace {

using models::Author;
using models::Book;
using models::BookTag;
using models::Order;
using models::OrderLine;
using models::User;

struct Cat {
  std::int64_t id{};
  std::string name;
  std::optional<std::int64_t> parent_id;
  orm::Collection<Cat> kittens;
};

class RegressionTest : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (HasFatalFailure()) return;
    models::map_users(registry_);
    models::map_authors(registry_);
    models::map_orders(registry_);
    registry_.map<Cat>("cat")
        .column(&Cat::id, "id", primary_key)
        .column(&Cat::name, "name", String{50})
        .column(&Cat::parent_id, "parent_id", ForeignKey{"cat.id"})
        .relationship(&Cat::kittens, "kittens");
    metadata_.create_all(engine());
    orm::Session s{engine()};
    auto alice = s.add(Author{.name = "Alice"});
    auto t1 = s.add(BookTag{.name = "t1"});
    auto t2 = s.add(BookTag{.name = "t2"});
    auto b1 = std::make_shared<Book>(Book{.title = "B1"});
    auto b2 = std::make_shared<Book>(Book{.title = "B2"});
    alice->books.push_back(b1);
    alice->books.push_back(b2);
    b1->tags.push_back(t1);
    b1->tags.push_back(t2);
    auto o = s.add(Order{.customer = "c"});
    o->lines.push_back(std::make_shared<OrderLine>(OrderLine{.product = "p1"}));
    o->lines.push_back(std::make_shared<OrderLine>(OrderLine{.product = "p2"}));
    s.commit();
    alice_id_ = alice->id;
    order_id_ = o->id;
  }
  MetaData metadata_;
  orm::Registry registry_{metadata_};
  std::int64_t alice_id_{}, order_id_{};
};

TEST_P(RegressionTest, Collection_RangeFromBeginEndOfUnloadedCollection) {
  orm::Session s{engine()};
  auto a = s.get<Author>(alice_id_);
  std::vector<std::shared_ptr<Book>> v(a->books.begin(), a->books.end());
  EXPECT_EQ(v.size(), 2u);
}

TEST_P(RegressionTest, Collection_EndTakenBeforeBegin) {
  orm::Session s{engine()};
  auto a = s.get<Author>(alice_id_);
  auto e = a->books.end();
  auto b = a->books.begin();
  EXPECT_EQ(std::distance(b, e), 2);
}

TEST_P(RegressionTest, SelectinThenJoined_NoDuplicateBooks) {
  orm::Session s{engine()};
  auto a = s.scalars(select<Author>().options(
                         orm::selectinload(&Author::books).joinedload(&Book::tags)))
               .one();
  EXPECT_EQ(a->books.raw().size(), 2u);
}

TEST_P(RegressionTest, JoinedloadWithScalar_LoadsWholeCollection) {
  orm::Session s{engine()};
  auto a = s.scalar(select<Author>().options(orm::joinedload(&Author::books)));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->books.raw().size(), 2u);
}

TEST_P(RegressionTest, PrimaryKeyChangeRolledBack_IdentityMapFindsObjectByOldKey) {
  orm::Session s{engine()};
  auto u = s.add(User{.id = 1, .name = "u", .email = "u@x"});
  s.commit();
  u->id = 50;
  s.flush();
  s.rollback();
  EXPECT_EQ(u->id, 1);
  auto again = s.get<User>(1);
  EXPECT_EQ(again.get(), u.get());
  u->name = "renamed";
  EXPECT_NO_THROW(s.commit());
  EXPECT_EQ(column_text(engine(), "SELECT name FROM user_account WHERE id = 1"),
            std::vector<std::string>{"renamed"});
}

TEST_P(RegressionTest, DeleteThenReinsertSameKeyRolledBack_IdentityMapConsistent) {
  orm::Session s{engine()};
  auto u = s.add(User{.id = 7, .name = "u", .email = "u@x"});
  s.commit();
  s.delete_(u);
  s.flush();
  auto v = s.add(User{.id = 7, .name = "v", .email = "v@x"});
  s.flush();
  s.rollback();
  auto again = s.get<User>(7);
  EXPECT_EQ(again.get(), u.get());
}

TEST_P(RegressionTest, MergeOfBareObject_KeepsChildrenInDatabase) {
  orm::Session s{engine()};
  s.merge(Order{.id = order_id_, .customer = "renamed"});
  s.commit();
  EXPECT_EQ(scalar_int(engine(), "SELECT COUNT(*) FROM order_lines"), 2);
}

TEST_P(RegressionTest, StaleTransactionHandle_DoesNotRollBackALaterTransaction) {
  orm::Session s{engine()};
  {
    auto tx = s.begin();
    s.add(User{.name = "a", .email = "a@x"});
    s.commit();
    s.add(User{.name = "b", .email = "b@x"});
    s.flush();
  }
  s.commit();
  EXPECT_EQ(scalar_int(engine(), "SELECT COUNT(*) FROM user_account"), 2);
}

TEST_P(RegressionTest, ClosedSession_FreesBidirectionalGraph) {
  std::weak_ptr<Author> weak;
  {
    orm::Session s{engine()};
    auto a = s.get<Author>(alice_id_);
    for (const auto& b : a->books.items()) (void)b->author.get();
    weak = a;
  }
  EXPECT_TRUE(weak.expired());
}

TEST_P(RegressionTest, SelfReferentialCollectionWithoutRef_SetsChildForeignKey) {
  orm::Session s{engine()};
  auto p = s.add(Cat{.name = "p"});
  p->kittens.push_back(std::make_shared<Cat>(Cat{.name = "k1"}));
  s.commit();
  EXPECT_EQ(column_text(engine(), "SELECT parent_id FROM cat WHERE name = 'k1'"),
            std::vector<std::string>{std::to_string(p->id)});
}

TEST_P(RegressionTest, RemovedItemExpungedAndDropped_ItsAssociationRowIsStillDeleted) {
  // The flush learns what left a collection from the relationship's snapshot: an item removed,
  // expunged and dropped by the program must still be readable there (SQLAlchemy's committed
  // state holds it), and a new object taking its freed address must not pass for it.
  orm::Session s{engine()};
  auto b1 = s.scalars(select<Book>().where(orm::col(&Book::title) == "B1")).one();
  ASSERT_EQ(b1->tags.size(), 2u);
  std::shared_ptr<BookTag> t2 = b1->tags.items()[1];
  ASSERT_EQ(t2->name, "t2");
  ASSERT_TRUE(b1->tags.remove(t2));
  s.expunge(t2);
  t2.reset();
  b1->tags.push_back(std::make_shared<BookTag>(BookTag{.name = "t3"}));
  s.commit();
  EXPECT_EQ(column_text(engine(), "SELECT t.name FROM book_tag bt JOIN book_tags t ON t.id = bt.tag_id "
                                  "JOIN books b ON b.id = bt.book_id WHERE b.title = 'B1' ORDER BY t.name"),
            (std::vector<std::string>{"t1", "t3"}));
}
// Found by LeakSanitizer on examples/orm_quickstart: after a commit (expire_on_commit) the
// parent's collection and the children's Refs still held each other, unloaded, and the closing
// Session did not break that cycle, so the objects outlived every reference of the program.
TEST_P(RegressionTest, BackPopulatesPairExpiredByCommit_IsFreedOnceTheProgramLetsGo) {
  std::weak_ptr<Author> author;
  std::weak_ptr<Book> book;
  {
    orm::Session s{engine()};
    auto a = s.add(Author{.name = "Cyclic"});
    auto b = s.add(Book{.title = "Loop"});
    a->books.push_back(b);
    ASSERT_EQ(b->author.raw(), a) << "back_populates set the Ref in memory";
    s.commit();
    author = a;
    book = b;
  }
  EXPECT_TRUE(author.expired()) << "the author outlived the Session and the program's references";
  EXPECT_TRUE(book.expired()) << "the book outlived the Session and the program's references";
}

CRUCIBLE_ORM_BACKENDS(RegressionTest);

}  // namespace
}  // namespace crucible::testing
