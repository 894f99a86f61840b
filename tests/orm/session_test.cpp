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

TEST_P(SessionTest, Get_RowInTheDatabase_IsReadWithoutFlushingPendingChangesFirst) {
  // get() asks the database before the autoflush: a changed object elsewhere in the Session
  // costs this get() no UPDATE (and no comparison of every object), and is flushed later.
  {
    orm::Session s{engine()};
    s.add(User{.id = 1, .name = "Alice", .email = "a@x"});
    s.add(User{.id = 2, .name = "Bob", .email = "b@x"});
    s.commit();
  }
  orm::Session session{engine()};
  auto alice = session.get<User>(1);
  alice->email = "alice@x";
  reset_statements();
  auto bob = session.get<User>(2);
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->name, "Bob");
  EXPECT_EQ(count("SELECT"), 1u);
  EXPECT_EQ(count("UPDATE"), 0u);
  session.commit();
  EXPECT_EQ(count("UPDATE"), 1u);
  orm::Session other{engine()};
  EXPECT_EQ(other.get<User>(1)->email, "alice@x");
}

TEST_P(SessionTest, Get_KeyOnlyPendingInTheSession_FlushesAndFindsThePendingObject) {
  orm::Session session{engine()};
  auto carol = session.add(User{.id = 50, .name = "Carol", .email = "c@x"});
  reset_statements();
  auto found = session.get<User>(50);  // no row yet: autoflush, then the identity map has it
  EXPECT_EQ(found.get(), carol.get());
  EXPECT_EQ(count("INSERT"), 1u);
  EXPECT_EQ(count("SELECT"), 1u);  // the one that found nothing
}

TEST_P(SessionTest, Get_PrimaryKeyChangedInMemoryToTheKey_FlushesAndFindsThatObject) {
  {
    orm::Session s{engine()};
    s.add(User{.id = 1, .name = "Alice", .email = "a@x"});
    s.commit();
  }
  orm::Session session{engine()};
  auto alice = session.get<User>(1);
  alice->id = 70;
  auto found = session.get<User>(70);
  EXPECT_EQ(found.get(), alice.get());
  EXPECT_EQ(session.get<User>(1), nullptr);  // re-keyed by the flush
}

TEST_P(SessionTest, Get_AbsentKeyWithNothingPending_OneSelectAndNoFlush) {
  orm::Session session{engine()};
  session.add(User{.id = 1, .name = "Alice", .email = "a@x"});
  session.commit();
  reset_statements();
  EXPECT_EQ(session.get<User>(99), nullptr);
  EXPECT_EQ(statement_count(), 1u);  // the SELECT; the clean flush after it wrote nothing
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

// A member of each kind a snapshot keeps its own way: scalars in place, texts in the Session's
// memory, the other kinds (and a flushed INSERT's texts) as values.
struct Specimen {
  std::int64_t id{};
  bool flag{};
  double ratio{};
  std::string note;
  std::optional<std::string> remark;
  std::optional<std::int64_t> tally;
  Date day;
  DateTime at;
  Decimal price;
  Bytes blob;
  Uuid uid;
};

Specimen specimen(int i) {
  return Specimen{.flag = i % 2 == 0,
                  .ratio = 0.25 * i,
                  .note = "a note longer than the short string buffer, number " + std::to_string(i),
                  .remark = i % 3 == 0 ? std::nullopt : std::optional<std::string>("remark"),
                  .tally = i % 2 == 0 ? std::optional<std::int64_t>(i) : std::nullopt,
                  .day = Date{2020, 1, static_cast<std::uint8_t>(1 + i % 28)},
                  .at = DateTime{Date{2021, 2, 3}, Time{4, 5, static_cast<std::uint8_t>(i % 60), 0},
                                 std::nullopt},
                  .price = Decimal{std::to_string(i) + ".25"},
                  .blob = Bytes{std::byte{1}, std::byte{static_cast<unsigned char>(i)}},
                  .uid = Uuid{{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                               static_cast<std::uint8_t>(i)}}};
}

class SnapshotKindsTest : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (HasFatalFailure()) return;
    registry_.map<Specimen>("specimen")
        .column(&Specimen::id, "id", primary_key)
        .column(&Specimen::flag, "flag")
        .column(&Specimen::ratio, "ratio")
        .column(&Specimen::note, "note", String{200})
        .column(&Specimen::remark, "remark", String{200})
        .column(&Specimen::tally, "tally")
        .column(&Specimen::day, "day")
        .column(&Specimen::at, "at")
        .column(&Specimen::price, "price", Numeric{12, 2})
        .column(&Specimen::blob, "blob")
        .column(&Specimen::uid, "uid");
    metadata_.create_all(engine());
    reset_statements();
  }
  /// Changes member `which` (0-9) of s.
  static void change(Specimen& s, int which) {
    switch (which) {
    case 0: s.flag = !s.flag; break;
    case 1: s.ratio += 1.0; break;
    case 2: s.note += " (changed)"; break;
    case 3: s.remark = s.remark ? std::nullopt : std::optional<std::string>("now set"); break;
    case 4: s.tally = s.tally ? std::nullopt : std::optional<std::int64_t>(99); break;
    case 5: s.day.day = static_cast<std::uint8_t>(s.day.day % 28 + 1); break;
    case 6: s.at.time.hour = static_cast<std::uint8_t>((s.at.time.hour + 1) % 24); break;
    case 7: s.price = Decimal{"7777.77"}; break;
    case 8: s.blob.push_back(std::byte{42}); break;
    default: s.uid.bytes[0] = 0xee; break;
    }
  }
  /// Changes member i of objects[i] (i < 10), flushes: ten UPDATEs, one column each; nothing
  /// after. Then rolls back and checks each object equals its copy in before.
  void check_changes_and_rollback(orm::Session& session,
                                  const std::vector<std::shared_ptr<Specimen>>& objects,
                                  const std::vector<Specimen>& before) {
    reset_statements();
    session.flush();
    EXPECT_EQ(statement_count(), 0u) << "nothing changed";
    for (int i = 0; i < 10; ++i) change(*objects[static_cast<std::size_t>(i)], i);
    session.flush();
    EXPECT_EQ(count("UPDATE"), 10u);
    reset_statements();
    session.flush();
    EXPECT_EQ(statement_count(), 0u) << "the snapshots took the flushed values";
    session.rollback();
    for (std::size_t i = 0; i < 10; ++i) {
      const Specimen& now = *objects[i];
      const Specimen& was = before[i];
      EXPECT_EQ(now.flag, was.flag) << i;
      EXPECT_EQ(now.ratio, was.ratio) << i;
      EXPECT_EQ(now.note, was.note) << i;
      EXPECT_EQ(now.remark, was.remark) << i;
      EXPECT_EQ(now.tally, was.tally) << i;
      EXPECT_EQ(now.day, was.day) << i;
      EXPECT_EQ(now.at, was.at) << i;
      EXPECT_EQ(now.price, was.price) << i;
      EXPECT_EQ(now.blob, was.blob) << i;
      EXPECT_EQ(now.uid, was.uid) << i;
    }
  }
  MetaData metadata_;
  orm::Registry registry_{metadata_};
};

TEST_P(SnapshotKindsTest, Loaded_EachKindIsDirtyCheckedAndRestored) {
  {
    orm::Session s{engine()};
    for (int i = 0; i < 10; ++i) s.add(specimen(i));
    s.commit();
  }
  orm::Session session{engine()};
  auto objects = session.scalars(select<Specimen>().order_by({orm::col(&Specimen::id)})).all();
  ASSERT_EQ(objects.size(), 10u);
  std::vector<Specimen> before;
  for (const auto& o : objects) before.push_back(*o);
  session.connection();  // the rollback below ends this transaction, as the loads saw it
  check_changes_and_rollback(session, objects, before);
}

TEST_P(SnapshotKindsTest, Flushed_EachKindIsDirtyCheckedAndRestored) {
  orm::Session session{engine()};
  std::vector<Specimen> batch;
  for (int i = 0; i < 10; ++i) batch.push_back(specimen(i));
  auto objects = session.add_all(batch);
  session.commit();
  std::vector<Specimen> before;
  for (const auto& o : objects) before.push_back(*o);
  check_changes_and_rollback(session, objects, before);
}

CRUCIBLE_ORM_BACKENDS(SnapshotKindsTest);

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
