// Moving objects between the Session and the database outside it, on every backend (issue 6,
// item 2): refresh (reload what another connection changed), expunge (detach an object), merge
// (a detached copy copied onto the Session's object, loaded by key when absent, inserted when
// new, along merge cascades). What was written is read back with Core or a second Session.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models.hpp"
#include "orm_fixture.hpp"

namespace crucible::testing {
namespace {

using models::Author;
using models::Book;
using models::User;

class MergeRefreshTest : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (HasFatalFailure()) return;
    models::map_users(registry_);
    models::map_authors(registry_);
    metadata_.create_all(engine());
    orm::Session s{engine()};
    auto alice = s.add(User{.name = "Alice", .email = "alice@x"});
    s.add(User{.name = "Bob", .email = "bob@x"});
    auto ursula = s.add(Author{.name = "Ursula"});
    ursula->books.push_back(std::make_shared<Book>(Book{.title = "Earthsea"}));
    ursula->books.push_back(std::make_shared<Book>(Book{.title = "The Dispossessed"}));
    s.commit();
    alice_id_ = alice->id;
    ursula_id_ = ursula->id;
    s.close();
    reset_statements();
  }

  /// Runs a Core statement on a connection of its own and commits it.
  void core(const sql::Executable& stmt) {
    auto conn = engine().connect();
    conn.execute(stmt);
    conn.commit();
  }
  std::string email_in_db(std::int64_t id) {
    auto conn = engine().connect();
    return conn.execute(select(orm::col(&User::email)).where(orm::col(&User::id) == id))
        .scalar()
        .as<std::string>();
  }

  MetaData metadata_;
  orm::Registry registry_{metadata_};
  std::int64_t alice_id_{};
  std::int64_t ursula_id_{};
};

TEST_P(MergeRefreshTest, Refresh_ReloadsWhatAnotherConnectionChangedAfterAutoflushingLocalEdits) {
  orm::Session session{engine()};
  auto alice = session.get<User>(alice_id_);
  session.commit();  // the connection goes back to the pool
  const Table& users = orm::mapper_of<User>().table();
  core(update(users)
           .where(users.c("id") == alice_id_)
           .values({{"email", "new@x"}, {"fullname", "Alice A"}}));
  alice->name = "local edit";
  reset_statements();
  session.refresh(alice);  // as SQLAlchemy's: autoflush first, so the edit is written, not lost
  EXPECT_EQ(count("UPDATE"), 1u);
  EXPECT_EQ(alice->email, "new@x");
  EXPECT_EQ(alice->fullname, "Alice A");
  EXPECT_EQ(alice->name, "local edit");
  reset_statements();
  session.commit();  // clean after the refresh: nothing more to write
  EXPECT_EQ(count("UPDATE"), 0u);
  orm::Session other{engine()};
  EXPECT_EQ(other.get<User>(alice_id_)->name, "local edit");
}

TEST_P(MergeRefreshTest, Refresh_UnloadsRelationshipsSoTheNextAccessSeesNewRows) {
  orm::Session session{engine()};
  auto ursula = session.scalars(select<Author>().options(selectinload(&Author::books))).one();
  ASSERT_EQ(ursula->books.size(), 2u);
  session.commit();
  core(insert(orm::mapper_of<Book>().table())
           .values({{"title", "Always Coming Home"}, {"author_id", ursula_id_}}));
  session.refresh(ursula);
  EXPECT_FALSE(ursula->books.loaded());
  ASSERT_EQ(ursula->books.size(), 3u);
  EXPECT_EQ(ursula->books[0]->title, "Always Coming Home");  // order_by title
}

TEST_P(MergeRefreshTest, Refresh_ThrowsInvalidRequestErrorForPendingOrVanishedObjects) {
  orm::Session session{engine()};
  auto pending = session.add(User{.name = "Carl", .email = "carl@x"});
  EXPECT_THROW(session.refresh(pending), InvalidRequestError);
  auto bob = session.scalar(select<User>().where(orm::col(&User::name) == "Bob"));
  session.commit();
  const Table& users = orm::mapper_of<User>().table();
  core(delete_(users).where(users.c("id") == bob->id));
  EXPECT_THROW(session.refresh(bob), InvalidRequestError);
  orm::Session other{engine()};
  EXPECT_THROW(other.refresh(bob), InvalidRequestError);  // not this Session's object
}

TEST_P(MergeRefreshTest, Expunge_DetachedObjectsChangesAreNotFlushedAndGetLoadsANewObject) {
  orm::Session session{engine()};
  auto alice = session.get<User>(alice_id_);
  session.expunge(alice);
  EXPECT_FALSE(session.contains(alice));
  alice->email = "ignored@x";
  auto carl = session.add(User{.name = "Carl", .email = "carl@x"});
  session.expunge(carl);  // pending: becomes transient, never inserted
  session.commit();
  EXPECT_EQ(count("UPDATE"), 0u);
  EXPECT_EQ(count("INSERT"), 0u);
  EXPECT_EQ(email_in_db(alice_id_), "alice@x");
  auto again = session.get<User>(alice_id_);
  EXPECT_NE(again.get(), alice.get());
  EXPECT_EQ(again->email, "alice@x");
  EXPECT_THROW(session.expunge(alice), InvalidRequestError);  // not held any more
}

TEST_P(MergeRefreshTest, Merge_DetachedCopyIsCopiedOntoTheLoadedObject) {
  orm::Session session{engine()};
  auto alice = session.get<User>(alice_id_);
  reset_statements();
  User copy{.id = alice_id_, .name = "Alice", .fullname = "Alice Liddell", .email = "liddell@x"};
  auto merged = session.merge(copy);
  EXPECT_EQ(merged.get(), alice.get());  // the Session's object, not the copy
  EXPECT_EQ(alice->email, "liddell@x");
  EXPECT_EQ(statement_count(), 0u);  // it was in the identity map
  session.commit();
  EXPECT_EQ(count("UPDATE"), 1u);
  EXPECT_EQ(email_in_db(alice_id_), "liddell@x");
}

TEST_P(MergeRefreshTest, Merge_ObjectNotInTheSessionIsLoadedByKeyAndANewOneIsInserted) {
  orm::Session session{engine()};
  User copy{.id = alice_id_, .name = "Alice", .email = "merged@x"};
  auto merged = session.merge(copy);
  EXPECT_EQ(count("SELECT"), 1u);
  EXPECT_EQ(merged->email, "merged@x");
  EXPECT_EQ(session.get<User>(alice_id_).get(), merged.get());
  User fresh{.name = "Dora", .email = "dora@x"};
  auto dora = session.merge(fresh);
  EXPECT_NE(dora.get(), &fresh);
  EXPECT_EQ(session.new_<User>().size(), 1u);
  session.commit();
  EXPECT_GT(dora->id, 0);
  EXPECT_EQ(fresh.id, 0);  // the argument is left alone
  EXPECT_EQ(email_in_db(alice_id_), "merged@x");
  EXPECT_EQ(email_in_db(dora->id), "dora@x");
}

TEST_P(MergeRefreshTest, Merge_FollowsTheMergeCascadeIntoLoadedCollections) {
  std::shared_ptr<Author> detached;
  {
    orm::Session s{engine()};
    detached = s.scalars(select<Author>().options(selectinload(&Author::books))).one();
    s.close();
  }
  Author copy = *detached;  // a plain copy of the detached object: its books are the loaded ones
  copy.name = "Ursula K. Le Guin";
  copy.books.raw_mutable()[0]->title = "A Wizard of Earthsea";
  orm::Session session{engine()};
  auto merged = session.merge(copy);
  EXPECT_EQ(merged->name, "Ursula K. Le Guin");
  ASSERT_EQ(merged->books.size(), 2u);
  EXPECT_NE(merged->books[0].get(), copy.books.raw()[0].get());
  session.commit();
  orm::Session other{engine()};
  auto back = other.get<Author>(ursula_id_);
  EXPECT_EQ(back->name, "Ursula K. Le Guin");
  std::vector<std::string> titles;
  for (const auto& b : back->books) titles.push_back(b->title);
  EXPECT_EQ(titles, (std::vector<std::string>{"A Wizard of Earthsea", "The Dispossessed"}));
}

CRUCIBLE_ORM_BACKENDS(MergeRefreshTest);

}  // namespace
}  // namespace crucible::testing
