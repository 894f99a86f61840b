// ORM queries on every backend (issue 6, item 2): select<T>() with where/order_by/limit, joins
// along relationships (many-to-one, one-to-many, many-to-many), rows of entities and columns
// (add_columns, add_entity), session.scalar, autoflush before a query, and get<T>() by a
// composite primary key.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models.hpp"
#include "orm_fixture.hpp"

namespace crucible::testing {
namespace {

using models::Author;
using models::Book;
using models::BookTag;
using models::User;

class QueryTest : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (HasFatalFailure()) return;
    models::map_users(registry_);
    models::map_authors(registry_);
    metadata_.create_all(engine());
    orm::Session session{engine()};
    session.add_all(std::vector<User>{{.name = "Alice", .email = "alice@x"},
                                      {.name = "Bob", .email = "bob@x"},
                                      {.name = "Anna", .fullname = "Anna Smith", .email = "anna@x"},
                                      {.name = "Carl", .email = "carl@x"}});
    auto fiction = session.add(BookTag{.name = "fiction"});
    auto poetry = session.add(BookTag{.name = "poetry"});
    auto ursula = session.add(Author{.name = "Ursula"});
    auto terry = session.add(Author{.name = "Terry"});
    session.add(Author{.name = "Nobody"});
    auto b1 = session.add(Book{.title = "Earthsea"});
    auto b2 = session.add(Book{.title = "Lathe of Heaven"});
    auto b3 = session.add(Book{.title = "Mort"});
    b1->author = ursula;
    b2->author = ursula;
    b3->author = terry;
    b1->tags.push_back(fiction);
    b2->tags.push_back(fiction);
    b2->tags.push_back(poetry);
    b3->tags.push_back(fiction);
    session.commit();
    reset_statements();
  }

  static std::vector<std::string> titles(const std::vector<std::shared_ptr<Book>>& books) {
    std::vector<std::string> out;
    for (const auto& b : books) out.push_back(b->title);
    return out;
  }

  MetaData metadata_;
  orm::Registry registry_{metadata_};
};

TEST_P(QueryTest, WhereOrderByLimit_ReturnsTheMatchingObjectsInOrder) {
  orm::Session session{engine()};
  auto users = session
                   .scalars(select<User>()
                                .where(orm::col(&User::name).like("A%"))
                                .order_by({orm::col(&User::name).desc()}))
                   .all();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0]->name, "Anna");
  EXPECT_EQ(users[0]->fullname, "Anna Smith");
  EXPECT_EQ(users[1]->name, "Alice");
  auto page =
      session.scalars(select<User>().order_by({orm::col(&User::name)}).limit(2).offset(1)).all();
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0]->name, "Anna");
  EXPECT_EQ(page[1]->name, "Bob");
  EXPECT_EQ(page[0].get(), users[0].get());  // the identity map's object
  auto none = session.scalars(select<User>().where(orm::col(&User::email) == "nobody@x"));
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none.one_or_none(), nullptr);
  EXPECT_THROW(none.one(), NoResultFound);
  EXPECT_THROW(session.scalars(select<User>()).one(), MultipleResultsFound);
}

TEST_P(QueryTest, JoinManyToOne_FiltersBooksByTheirAuthorsName) {
  orm::Session session{engine()};
  auto books = session
                   .scalars(select<Book>()
                                .join(&Book::author)
                                .where(orm::col(&Author::name) == "Ursula")
                                .order_by({orm::col(&Book::title)}))
                   .all();
  EXPECT_EQ(titles(books), (std::vector<std::string>{"Earthsea", "Lathe of Heaven"}));
  EXPECT_EQ(statement_count(), 1u);
}

TEST_P(QueryTest, JoinOneToMany_FindsAuthorsByABookTitleAndOuterJoinKeepsAuthorsWithoutBooks) {
  orm::Session session{engine()};
  auto author =
      session.scalars(select<Author>().join(&Author::books).where(orm::col(&Book::title) == "Mort"))
          .one();
  EXPECT_EQ(author->name, "Terry");
  auto lonely =
      session
          .scalars(select<Author>().outerjoin(&Author::books).where(orm::col(&Book::id) == nullptr))
          .all();
  ASSERT_EQ(lonely.size(), 1u);
  EXPECT_EQ(lonely[0]->name, "Nobody");
}

TEST_P(QueryTest, JoinManyToMany_FollowsTheSecondaryTable) {
  orm::Session session{engine()};
  auto poetry =
      session.scalars(select<Book>().join(&Book::tags).where(orm::col(&BookTag::name) == "poetry"))
          .all();
  EXPECT_EQ(titles(poetry), std::vector<std::string>{"Lathe of Heaven"});
  auto fiction = session
                     .scalars(select<Book>()
                                  .join(&Book::tags)
                                  .where(orm::col(&BookTag::name) == "fiction")
                                  .order_by({orm::col(&Book::title)}))
                     .all();
  EXPECT_EQ(titles(fiction), (std::vector<std::string>{"Earthsea", "Lathe of Heaven", "Mort"}));
  // Two joins: the books of Ursula tagged fiction.
  auto both = session
                  .scalars(select<Book>()
                               .join(&Book::author)
                               .join(&Book::tags)
                               .where(orm::col(&Author::name) == "Ursula" &&
                                      orm::col(&BookTag::name) == "poetry"))
                  .all();
  EXPECT_EQ(titles(both), std::vector<std::string>{"Lathe of Heaven"});
}

TEST_P(QueryTest, Join_ThrowsArgumentErrorForAMemberThatIsNotARelationship) {
  EXPECT_THROW(select<Book>().join(&Book::title), ArgumentError);
}

TEST_P(QueryTest, AddColumns_RowsCarryTheEntityAndTheExtraColumns) {
  orm::Session session{engine()};
  auto result = session.execute(select<Book>()
                                    .add_columns({orm::col(&Author::name)})
                                    .join(&Book::author)
                                    .order_by({orm::col(&Book::title)}));
  ASSERT_EQ(result.size(), 3u);
  std::vector<std::pair<std::string, std::string>> got;
  for (const orm::Row& row : result)
    got.emplace_back(row.entity<Book>(0)->title, row.get<std::string>(0));
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::string>>{
                     {"Earthsea", "Ursula"}, {"Lathe of Heaven", "Ursula"}, {"Mort", "Terry"}}));
  EXPECT_THROW(result[0].entity<Author>(0), InvalidRequestError);
  EXPECT_EQ(statement_count(), 1u);
}

TEST_P(QueryTest, AddColumns_AnAggregatePerEntityWithGroupBy) {
  orm::Session session{engine()};
  auto result = session.execute(select<Author>()
                                    .add_columns({func::count(orm::col(&Book::id))})
                                    .outerjoin(&Author::books)
                                    .group_by({orm::col(&Author::id), orm::col(&Author::name)})
                                    .order_by({orm::col(&Author::name)}));
  ASSERT_EQ(result.size(), 3u);
  EXPECT_EQ(result[0].entity<Author>()->name, "Nobody");
  EXPECT_EQ(result[0].get<std::int64_t>(0), 0);
  EXPECT_EQ(result[1].entity<Author>()->name, "Terry");
  EXPECT_EQ(result[1].get<std::int64_t>(0), 1);
  EXPECT_EQ(result[2].entity<Author>()->name, "Ursula");
  EXPECT_EQ(result[2].get<std::int64_t>(0), 2);
}

TEST_P(QueryTest, AddEntity_RowsCarryTwoEntitiesSharedThroughTheIdentityMap) {
  orm::Session session{engine()};
  auto result = session.execute(
      select<Book>().add_entity<Author>().join(&Book::author).order_by({orm::col(&Book::title)}));
  ASSERT_EQ(result.size(), 3u);
  auto earthsea = result[0].entity<Book>(0);
  auto ursula = result[0].entity<Author>(1);
  EXPECT_EQ(earthsea->title, "Earthsea");
  EXPECT_EQ(ursula->name, "Ursula");
  EXPECT_EQ(result[1].entity<Author>(1).get(), ursula.get());  // one object per author
  EXPECT_EQ(result[2].entity<Author>(1)->name, "Terry");
  EXPECT_EQ(session.get<Author>(ursula->id).get(), ursula.get());
  EXPECT_THROW(result[0].entity<Book>(1), InvalidRequestError);
  EXPECT_THROW(result[0].entity<Book>(2), InvalidRequestError);
  EXPECT_EQ(statement_count(), 1u);
}

TEST_P(QueryTest, Scalar_GivesTheFirstObjectOrNull) {
  orm::Session session{engine()};
  auto bob = session.scalar(select<User>().where(orm::col(&User::email) == "bob@x"));
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(bob->name, "Bob");
  EXPECT_EQ(session.scalar(select<User>().where(orm::col(&User::email) == "zed@x")), nullptr);
  auto first = session.scalar(select<User>().order_by({orm::col(&User::name)}));
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->name, "Alice");
}

TEST_P(QueryTest, Autoflush_APendingObjectIsFoundByAQuery) {
  orm::Session session{engine()};
  auto dora = session.add(User{.name = "Dora", .email = "dora@x"});
  auto found = session.scalars(select<User>().where(orm::col(&User::name) == "Dora")).one();
  EXPECT_EQ(found.get(), dora.get());
  EXPECT_GT(dora->id, 0);
  ASSERT_EQ(statement_count(), 2u);
  EXPECT_EQ(statements()[0].rfind("INSERT", 0), 0u) << statements()[0];
  EXPECT_EQ(statements()[1].rfind("SELECT", 0), 0u) << statements()[1];
  // A changed member is flushed before the query that filters on it.
  dora->email = "d@x";
  EXPECT_EQ(session.scalars(select<User>().where(orm::col(&User::email) == "d@x")).one().get(),
            dora.get());
  session.rollback();
  orm::Session other{engine()};
  EXPECT_EQ(other.scalar(select<User>().where(orm::col(&User::name) == "Dora")), nullptr);
}

TEST_P(QueryTest, AutoflushOff_APendingObjectIsNotFoundUntilFlushed) {
  orm::Session session{engine(), {.autoflush = false}};
  session.add(User{.name = "Dora", .email = "dora@x"});
  EXPECT_EQ(session.scalar(select<User>().where(orm::col(&User::name) == "Dora")), nullptr);
  EXPECT_EQ(count("INSERT"), 0u);
  session.flush();
  EXPECT_NE(session.scalar(select<User>().where(orm::col(&User::name) == "Dora")), nullptr);
}

TEST_P(QueryTest, Statement_IsACoreSelectThatRunsOnAConnection) {
  auto conn = engine().connect();
  auto rows = conn.execute(select<User>().where(orm::col(&User::name) == "Bob").statement()).all();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].get<std::string>("email"), "bob@x");
}

// ---- get<T>() by a composite primary key: the association object PostTag
// -------------------------

class CompositeKeyTest : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (HasFatalFailure()) return;
    models::map_post_links(registry_);
    metadata_.create_all(engine());
  }
  MetaData metadata_;
  orm::Registry registry_{metadata_};
};

TEST_P(CompositeKeyTest, Get_ByCompositePrimaryKeyInKeyOrder) {
  using models::LinkedPost;
  using models::LinkedTag;
  using models::PostTag;
  {
    orm::Session session{engine()};
    auto post = session.add(LinkedPost{.title = "p"});
    auto t1 = session.add(LinkedTag{.name = "a"});
    auto t2 = session.add(LinkedTag{.name = "b"});
    session.flush();
    session.add(PostTag{.post_id = post->id, .tag_id = t1->id, .added_by = "ann"});
    session.add(PostTag{.post_id = post->id, .tag_id = t2->id, .added_by = "ben"});
    session.commit();
  }
  auto conn = engine().connect();
  const auto post_id = conn.execute(select(orm::col(&LinkedPost::id))).scalar().as<std::int64_t>();
  const auto tag_b =
      conn.execute(select(orm::col(&LinkedTag::id)).where(orm::col(&LinkedTag::name) == "b"))
          .scalar()
          .as<std::int64_t>();
  conn.close();
  orm::Session session{engine()};
  reset_statements();
  auto link = session.get<PostTag>({post_id, tag_b});
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->added_by, "ben");
  EXPECT_EQ(count("SELECT"), 1u);
  EXPECT_EQ(session.get<PostTag>({post_id, tag_b}).get(), link.get());  // from the identity map
  EXPECT_EQ(statement_count(), 1u);
  EXPECT_EQ(session.get<PostTag>({tag_b, post_id + 1000}), nullptr);
  EXPECT_THROW(session.get<PostTag>(post_id), ArgumentError);  // one value for a two-column key
  EXPECT_THROW(session.get<PostTag>({post_id, tag_b, 1}), ArgumentError);
}

CRUCIBLE_ORM_BACKENDS(QueryTest);
CRUCIBLE_ORM_BACKENDS(CompositeKeyTest);

}  // namespace
}  // namespace crucible::testing
