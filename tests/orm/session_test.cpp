// The Session's basics on every backend: the seeds' quick start, identity map, dirty checking,
// get, delete, rollback.
#include <gtest/gtest.h>

#include "models.hpp"
#include "orm_fixture.hpp"

namespace crucible::testing {
namespace {

using models::User;

class SessionTest : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (HasFatalFailure()) return;
    models::map_users(registry_);
    metadata_.create_all(engine());
    reset_statements();
  }
  MetaData metadata_;
  orm::Registry registry_{metadata_};
};

TEST_P(SessionTest, QuickStart_AddCommitSelect) {
  orm::Session session{engine()};
  auto alice = session.add(User{.name = "Alice", .email = "alice@example.com"});
  session.add(User{.name = "Bob", .email = "bob@example.com"});
  EXPECT_EQ(alice->id, 0);
  session.commit();
  EXPECT_GT(alice->id, 0);
  orm::Session other{engine()};
  auto user = other.scalars(select<User>().where(orm::col(&User::name) == "Alice")).one();
  EXPECT_EQ(user->email, "alice@example.com");
  EXPECT_EQ(user->id, alice->id);
  EXPECT_FALSE(user->fullname.has_value());
}

TEST_P(SessionTest, IdentityMap_OneObjectPerPrimaryKeyWhicheverQueryLoadedIt) {
  {
    orm::Session s{engine()};
    s.add(User{.name = "Alice", .email = "a@x"});
    s.commit();
  }
  orm::Session session{engine()};
  auto a = session.scalars(select<User>()).one();
  auto b = session.get<User>(a->id);
  auto c = session.scalars(select<User>().where(orm::col(&User::email) == "a@x")).one();
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(a.get(), c.get());
}

TEST_P(SessionTest, Get_FromIdentityMapIssuesNoSql) {
  orm::Session session{engine()};
  auto alice = session.add(User{.name = "Alice", .email = "a@x"});
  session.flush();
  reset_statements();
  auto again = session.get<User>(alice->id);
  EXPECT_EQ(again.get(), alice.get());
  EXPECT_EQ(statement_count(), 0u);
  EXPECT_EQ(session.get<User>(alice->id + 1000), nullptr);
  EXPECT_EQ(count("SELECT"), 1u);
}

TEST_P(SessionTest, Flush_UpdatesOnlyChangedColumnsAndUnchangedObjectsCostNoSql) {
  orm::Session session{engine()};
  auto alice = session.add(User{.name = "Alice", .email = "a@x"});
  session.add(User{.name = "Bob", .email = "b@x"});
  session.commit();
  reset_statements();
  session.flush();
  EXPECT_EQ(statement_count(), 0u);
  alice->email = "alice@x";
  session.commit();
  ASSERT_EQ(count("UPDATE"), 1u);
  std::string update;
  for (const auto& s : statements())
    if (s.rfind("UPDATE", 0) == 0) update = s;
  EXPECT_NE(update.find("email"), std::string::npos) << update;
  EXPECT_EQ(update.find("name"), std::string::npos) << update;
  orm::Session other{engine()};
  EXPECT_EQ(other.get<User>(alice->id)->email, "alice@x");
}

TEST_P(SessionTest, Delete_RemovesTheRow) {
  orm::Session session{engine()};
  auto alice = session.add(User{.name = "Alice", .email = "a@x"});
  session.commit();
  session.delete_(alice);
  session.commit();
  orm::Session other{engine()};
  EXPECT_EQ(other.get<User>(alice->id), nullptr);
  EXPECT_FALSE(session.contains(alice));
}

TEST_P(SessionTest, FailedFlush_RollsBackAndSessionIsUsableAfterRollback) {
  orm::Session session{engine()};
  session.add(User{.name = "A", .email = "dup@x"});
  session.add(User{.name = "B", .email = "dup@x"});
  EXPECT_THROW(session.commit(), IntegrityError);
  EXPECT_THROW(session.scalars(select<User>()), PendingRollbackError);
  session.rollback();
  EXPECT_TRUE(session.new_<User>().empty());
  EXPECT_EQ(session.scalars(select<User>()).size(), 0u);
  session.add(User{.name = "C", .email = "c@x"});
  session.commit();
  orm::Session other{engine()};
  EXPECT_EQ(other.scalars(select<User>()).size(), 1u);
}

TEST_P(SessionTest, Rollback_RestoresChangedMembersAndExpungesNewObjects) {
  orm::Session session{engine()};
  auto alice = session.add(User{.name = "Alice", .email = "a@x"});
  session.commit();
  alice->name = "Changed";
  auto bob = session.add(User{.name = "Bob", .email = "b@x"});
  session.flush();
  EXPECT_GT(bob->id, 0);
  session.rollback();
  EXPECT_EQ(alice->name, "Alice");
  EXPECT_FALSE(session.contains(bob));
  EXPECT_EQ(bob->id, 0);
  EXPECT_TRUE(session.contains(alice));
}

// A Session that holds more than its first 32 objects keeps their states and snapshots (texts
// included) in an arena of its own: dirty checking, the UPDATE's columns and a rollback's
// restore must see the texts as loaded, past that point as before it.
TEST_P(SessionTest, ManyObjects_TextsAreDirtyCheckedAndRestoredPastTheFirstStates) {
  constexpr int kUsers = 100;
  {
    orm::Session s{engine()};
    for (int i = 0; i < kUsers; ++i) {
      User u{.name = "user " + std::to_string(i), .email = "u" + std::to_string(i) + "@example.com"};
      if (i % 2 == 0) u.fullname = "Full Name Of User Number " + std::to_string(i);  // > 15 chars
      s.add(std::move(u));
    }
    s.commit();
  }
  orm::Session session{engine()};
  auto users = session.scalars(select<User>().order_by({orm::col(&User::id)})).all();
  ASSERT_EQ(users.size(), static_cast<std::size_t>(kUsers));
  reset_statements();
  session.flush();
  EXPECT_EQ(statement_count(), 0u) << "nothing changed";
  // The same text again is no change; another text, or a fullname taken away, is.
  users[90]->name = "user 90";
  users[91]->email = "changed-91@example.com";
  users[92]->fullname.reset();
  users[93]->fullname = "Now Has A Full Name, Ninety-Three";
  session.flush();
  // 91's email; 92's and 93's fullname in one executemany (the same columns changed).
  ASSERT_EQ(count("UPDATE"), 2u);
  for (const auto& sql : statements()) {
    if (sql.rfind("UPDATE", 0) != 0) continue;
    EXPECT_EQ(sql.find("name,"), std::string::npos) << sql;
  }
  reset_statements();
  session.flush();
  EXPECT_EQ(statement_count(), 0u) << "the snapshots took the flushed values";
  session.rollback();
  EXPECT_EQ(users[91]->email, "u91@example.com");
  EXPECT_EQ(users[92]->fullname, std::optional<std::string>("Full Name Of User Number 92"));
  EXPECT_FALSE(users[93]->fullname.has_value());
  orm::Session other{engine()};
  EXPECT_EQ(other.get<User>(users[91]->id)->email, "u91@example.com");
  EXPECT_EQ(other.get<User>(users[92]->id)->fullname,
            std::optional<std::string>("Full Name Of User Number 92"));
}

TEST_P(SessionTest, ManyObjects_AddAllThenChangeTextsUpdatesOnlyThose) {
  orm::Session session{engine()};
  std::vector<User> batch;
  for (int i = 0; i < 80; ++i)
    batch.push_back(User{.name = "n" + std::to_string(i),
                         .fullname = "A Fairly Long Full Name " + std::to_string(i),
                         .email = "batch" + std::to_string(i) + "@example.com"});
  auto users = session.add_all(std::move(batch));
  session.commit();
  reset_statements();
  users[70]->fullname = "A Fairly Long Full Name 70";  // the same text
  users[71]->fullname = "Another Long Full Name, Seventy-One";
  session.commit();
  ASSERT_EQ(count("UPDATE"), 1u);
  orm::Session other{engine()};
  EXPECT_EQ(other.get<User>(users[71]->id)->fullname,
            std::optional<std::string>("Another Long Full Name, Seventy-One"));
  EXPECT_EQ(other.get<User>(users[70]->id)->fullname,
            std::optional<std::string>("A Fairly Long Full Name 70"));
}

CRUCIBLE_ORM_BACKENDS(SessionTest);

}  // namespace
}  // namespace crucible::testing
