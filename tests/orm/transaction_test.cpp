// Session transactions and the seeds' programs around them, on every backend (issue 6, items 2
// and 7): begin()/begin(fn), begin_nested (the savepoint example), the before_flush audit
// example, sessionmaker, the repository pattern and the rollback-per-test fixture. What was
// committed is read back in a second Session or with Core.
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "models.hpp"
#include "orm_fixture.hpp"

namespace crucible::testing {
namespace {

using models::Author;
using models::Book;
using models::Note;
using models::User;

class TransactionTest : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (HasFatalFailure()) return;
    models::map_users(registry_);
    models::map_authors(registry_);
    models::map_notes(registry_);
    metadata_.create_all(engine());
    reset_statements();
  }

  /// The rows of a mapped table, counted with Core on a connection of its own.
  std::int64_t rows_of(const orm::Mapper& mapper) {
    auto conn = engine().connect();
    return conn.execute(select(func::count()).select_from(mapper.table()))
        .scalar()
        .as<std::int64_t>();
  }
  std::vector<std::string> user_names() {
    orm::Session s{engine()};
    std::vector<std::string> out;
    for (const auto& u : s.scalars(select<User>().order_by({orm::col(&User::name)})))
      out.push_back(u->name);
    return out;
  }

  MetaData metadata_;
  orm::Registry registry_{metadata_};
};

TEST_P(TransactionTest, Begin_CommitsOnCommitAndRollsBackWhenDestroyedUncommitted) {
  orm::Session session{engine()};
  {
    auto tx = session.begin();
    EXPECT_TRUE(session.in_transaction());
    EXPECT_THROW(session.begin(), InvalidRequestError);
    session.add(User{.name = "Alice", .email = "a@x"});
    tx.commit();
    EXPECT_FALSE(tx.is_active());
    EXPECT_THROW(tx.commit(), InvalidRequestError);
  }
  EXPECT_FALSE(session.in_transaction());
  std::shared_ptr<User> bob;
  {
    auto tx = session.begin();
    bob = session.add(User{.name = "Bob", .email = "b@x"});
    session.flush();
    EXPECT_GT(bob->id, 0);
  }  // rolled back: Bob's INSERT is undone and Bob leaves the Session
  EXPECT_FALSE(session.contains(bob));
  EXPECT_EQ(bob->id, 0);
  EXPECT_EQ(user_names(), std::vector<std::string>{"Alice"});
}

TEST_P(TransactionTest, BeginFn_CommitsWhenItReturnsAndRollsBackAndRethrowsWhenItThrows) {
  orm::Session session{engine()};
  const std::int64_t id = session.begin([&] {
    auto alice = session.add(User{.name = "Alice", .email = "a@x"});
    session.flush();
    return alice->id;
  });
  EXPECT_GT(id, 0);
  EXPECT_FALSE(session.in_transaction());
  EXPECT_THROW(session.begin([&] {
    session.add(User{.name = "Bob", .email = "b@x"});
    session.flush();
    throw std::runtime_error("the block failed");
  }),
               std::runtime_error);
  EXPECT_FALSE(session.in_transaction());
  EXPECT_EQ(user_names(), std::vector<std::string>{"Alice"});
  EXPECT_EQ(session.get<User>(id)->name, "Alice");
}

// The seeds' savepoint example: a nested insert that violates a foreign key is rolled back to
// its SAVEPOINT while the outer transaction goes on and commits.
TEST_P(TransactionTest, BeginNested_FailingNestedInsertRolledBackWhileOuterTransactionCommits) {
  orm::Session session{engine()};
  std::shared_ptr<Book> bad;
  session.begin([&] {
    auto eve = session.add(Author{.name = "Eve"});
    EXPECT_THROW(session.begin_nested([&] {
      EXPECT_TRUE(session.in_nested_transaction());
      bad = session.add(Book{.title = "Bad Book", .author_id = 999});  // no such author
    }),
                 IntegrityError);
    EXPECT_FALSE(session.in_nested_transaction());
    EXPECT_TRUE(session.in_transaction());
    EXPECT_GT(eve->id, 0);  // begin_nested flushed Eve first
    session.add(Book{.title = "Good Book", .author_id = eve->id});
  });
  EXPECT_FALSE(session.contains(bad));
  orm::Session other{engine()};
  auto eve = other.scalars(select<Author>().where(orm::col(&Author::name) == "Eve")).one();
  ASSERT_EQ(eve->books.size(), 1u);
  EXPECT_EQ(eve->books[0]->title, "Good Book");
  EXPECT_EQ(rows_of(orm::mapper_of<Book>()), 1);
  EXPECT_GE(count("SAVEPOINT"), 1u);
  EXPECT_GE(count("ROLLBACK TO SAVEPOINT"), 1u);
}

TEST_P(TransactionTest, BeginNested_RollbackRestoresChangesMadeInTheSavepointOnly) {
  orm::Session session{engine()};
  auto alice = session.add(User{.name = "Alice", .email = "a@x"});
  session.commit();
  alice->name = "Alicia";
  auto tx = session.begin_nested();  // flushes Alicia first
  alice->email = "changed@x";
  auto carl = session.add(User{.name = "Carl", .email = "c@x"});
  session.flush();
  tx.rollback();
  EXPECT_EQ(alice->email, "a@x");
  EXPECT_EQ(alice->name, "Alicia");
  EXPECT_FALSE(session.contains(carl));
  auto nested = session.begin_nested();
  session.add(User{.name = "Dan", .email = "d@x"});
  nested.commit();  // RELEASE SAVEPOINT: Dan belongs to the outer transaction now
  session.commit();
  EXPECT_EQ(user_names(), (std::vector<std::string>{"Alicia", "Dan"}));
  orm::Session other{engine()};
  EXPECT_EQ(other.get<User>(alice->id)->email, "a@x");
}

/// Now, to the second (what every backend's DATETIME keeps).
DateTime now_utc() {
  using namespace std::chrono;
  const auto t = floor<seconds>(system_clock::now());
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  return DateTime{.date = {static_cast<std::int32_t>(static_cast<int>(ymd.year())),
                           static_cast<std::uint8_t>(static_cast<unsigned>(ymd.month())),
                           static_cast<std::uint8_t>(static_cast<unsigned>(ymd.day()))},
                  .time = {static_cast<std::uint8_t>(hms.hours().count()),
                           static_cast<std::uint8_t>(hms.minutes().count()),
                           static_cast<std::uint8_t>(hms.seconds().count()), 0},
                  .utc_offset_seconds = std::nullopt};
}

// The seeds' audit example: before_flush stamps updated_at on every dirty Note.
TEST_P(TransactionTest, BeforeFlush_StampsUpdatedAtOnDirtyObjectsInTheSameUpdate) {
  orm::Session session{engine()};
  const DateTime stamp = now_utc();
  int calls = 0;
  session.on_before_flush([&](orm::Session& s) {
    ++calls;
    for (const auto& note : s.dirty<Note>()) note->updated_at = stamp;
  });
  auto edited = session.add(Note{.body = "first"});
  auto untouched = session.add(Note{.body = "second"});
  session.commit();
  EXPECT_FALSE(edited->updated_at.has_value());  // new objects are not dirty
  reset_statements();
  edited->body = "first, edited";
  session.commit();
  EXPECT_EQ(calls, 2);  // one flush per commit, each running the hook once (SQLAlchemy's too)
  ASSERT_EQ(count("UPDATE"), 1u);
  std::string update;
  for (const auto& s : statements())
    if (s.rfind("UPDATE", 0) == 0) update = s;
  EXPECT_NE(update.find("updated_at"), std::string::npos) << update;
  orm::Session other{engine()};
  EXPECT_EQ(other.get<Note>(edited->id)->updated_at, stamp);
  EXPECT_EQ(other.get<Note>(edited->id)->body, "first, edited");
  EXPECT_FALSE(other.get<Note>(untouched->id)->updated_at.has_value());
}

TEST_P(TransactionTest, Sessionmaker_SessionsShareTheFactorysOptionsAndListeners) {
  auto SessionLocal = orm::sessionmaker(engine(), {.autoflush = false});
  int flushes = 0;
  SessionLocal.on_before_flush([&](orm::Session&) { ++flushes; });
  {
    orm::Session session = SessionLocal();
    EXPECT_FALSE(session.options().autoflush);
    session.add(User{.name = "Alice", .email = "a@x"});
    EXPECT_EQ(session.scalar(select<User>()), nullptr);  // no autoflush
    session.commit();
  }
  EXPECT_EQ(flushes, 1);
  orm::Session again = SessionLocal();
  EXPECT_EQ(again.scalars(select<User>()).size(), 1u);
  again.add(User{.name = "Bob", .email = "b@x"});
  again.commit();
  EXPECT_EQ(flushes, 2);
  EXPECT_EQ(user_names(), (std::vector<std::string>{"Alice", "Bob"}));
}

/// The seeds' repository pattern: a small class hides the Session behind named methods.
class UserRepo {
 public:
  explicit UserRepo(orm::Session& session) : s_(session) {}
  std::shared_ptr<User> get(std::int64_t user_id) { return s_.get<User>(user_id); }
  std::shared_ptr<User> by_email(const std::string& email) {
    return s_.scalar(select<User>().where(orm::col(&User::email) == email));
  }
  std::vector<std::shared_ptr<User>> search(const std::string& name_like, std::int64_t limit = 20) {
    return s_
        .scalars(select<User>()
                     .where(orm::col(&User::name).ilike("%" + name_like + "%"))
                     .order_by({orm::col(&User::name)})
                     .limit(limit))
        .all();
  }
  std::shared_ptr<User> create(User user) {
    auto u = s_.add(std::move(user));
    s_.flush();
    return u;
  }

 private:
  orm::Session& s_;
};

TEST_P(TransactionTest, RepositoryPattern_CreateFindAndSearchThroughTheSession) {
  {
    orm::Session s{engine()};
    UserRepo repo{s};
    auto user = repo.create(User{.name = "Alice", .email = "alice@example.com"});
    EXPECT_GT(user->id, 0);  // flushed by create()
    repo.create(User{.name = "Malik", .email = "malik@example.com"});
    repo.create(User{.name = "Bob", .email = "bob@example.com"});
    s.commit();
    EXPECT_EQ(repo.by_email("alice@example.com")->name, "Alice");
    EXPECT_EQ(repo.get(user->id).get(), user.get());
  }
  orm::Session s{engine()};
  UserRepo repo{s};
  EXPECT_EQ(repo.by_email("alice@example.com")->name, "Alice");
  EXPECT_EQ(repo.by_email("nobody@example.com"), nullptr);
  std::vector<std::string> found;
  for (const auto& u : repo.search("LI")) found.push_back(u->name);  // case-insensitive
  EXPECT_EQ(found, (std::vector<std::string>{"Alice", "Malik"}));
  EXPECT_EQ(repo.search("", 2).size(), 2u);
}

// The seeds' rollback-per-test fixture: a Session on a Connection inside an outer transaction
// commits into a SAVEPOINT; the outer rollback leaves nothing behind.
TEST_P(TransactionTest, RollbackPerTestFixture_SessionCommitsInsideAndOuterRollbackLeavesNothing) {
  const orm::Mapper& users = orm::mapper_of<User>();
  {
    auto conn = engine().connect();
    auto txn = conn.begin();
    {
      orm::Session session{conn};
      session.add(User{.name = "Alice", .email = "a@x"});
      session.commit();
      EXPECT_TRUE(conn.in_transaction());  // the outer transaction is the program's
      session.add(User{.name = "Bob", .email = "b@x"});
      session.flush();
      session.rollback();  // back to the state of the last commit: Alice stays
      EXPECT_EQ(session.scalars(select<User>()).size(), 1u);
      auto alice = session.scalars(select<User>()).one();
      alice->email = "alice@x";
      session.commit();
      session.close();
    }
    EXPECT_EQ(conn.execute(select(orm::col(&User::email)).select_from(users.table())).scalar(),
              Value("alice@x"));
    txn.rollback();
    EXPECT_EQ(
        conn.execute(select(func::count()).select_from(users.table())).scalar().as<std::int64_t>(),
        0);
    conn.close();
  }
  EXPECT_EQ(rows_of(users), 0);
}

CRUCIBLE_ORM_BACKENDS(TransactionTest);

}  // namespace
}  // namespace crucible::testing
