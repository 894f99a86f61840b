// Loader strategies on every backend (issue 6, item 6): lazy loading through the Session,
// selectinload (chunks of 500 parents, many-to-one from the identity map), joinedload (parents
// de-duplicated), raiseload, chained options and per-relationship defaults. SQL is counted
// through the Engine's cursor-execute events; what was loaded is checked against the rows the
// test wrote with Core.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models.hpp"
#include "orm_fixture.hpp"

namespace crucible::testing {
namespace {

using models::Author;
using models::Book;
using models::BookTag;

std::string author_name(std::int64_t a) { return "author " + std::to_string(1000 + a); }
std::string book_title(std::int64_t a, std::int64_t b) {
  return "book " + std::to_string(1000 + a) + "/" + std::to_string(b);
}

class LoaderTest : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (HasFatalFailure()) return;
    models::map_authors(registry_);
    metadata_.create_all(engine());
    reset_statements();
  }

  /// Writes `authors` authors with `books` books each through Core on the mapped tables (ids
  /// 1…authors; book b of author a has id a*100+b), and tags each book "odd" or "even" by the
  /// parity of b, and "all". Counts are reset afterwards.
  void seed(std::int64_t authors, std::int64_t books) {
    auto conn = engine().connect();
    std::vector<Params> a_rows, b_rows, t_rows;
    for (std::int64_t a = 1; a <= authors; ++a) {
      a_rows.push_back({{"id", a}, {"name", author_name(a)}});
      for (std::int64_t b = 1; b <= books; ++b) {
        const std::int64_t id = a * 100 + b;
        b_rows.push_back({{"id", id}, {"title", book_title(a, b)}, {"author_id", a}});
        t_rows.push_back({{"book_id", id}, {"tag_id", b % 2 == 0 ? 2 : 1}});
        t_rows.push_back({{"book_id", id}, {"tag_id", 3}});
      }
    }
    conn.execute(insert(orm::mapper_of<Author>().table()), a_rows);
    conn.execute(insert(orm::mapper_of<BookTag>().table()), {{{"id", 1}, {"name", "odd"}},
                                                             {{"id", 2}, {"name", "even"}},
                                                             {{"id", 3}, {"name", "all"}}});
    if (!b_rows.empty()) {
      conn.execute(insert(orm::mapper_of<Book>().table()), b_rows);
      conn.execute(insert(metadata_.table("book_tag")), t_rows);
    }
    conn.commit();
    reset_statements();
  }

  /// Checks that every author has exactly its seeded books, in title order, each pointing back.
  static void expect_books(const std::vector<std::shared_ptr<Author>>& authors,
                           std::int64_t books) {
    for (const auto& author : authors) {
      ASSERT_EQ(author->books.size(), static_cast<std::size_t>(books)) << author->name;
      for (std::int64_t b = 1; b <= books; ++b) {
        const auto& book = author->books[static_cast<std::size_t>(b - 1)];
        EXPECT_EQ(book->title, book_title(author->id, b));
        EXPECT_EQ(book->author_id, author->id);
      }
    }
  }

  MetaData metadata_;
  orm::Registry registry_{metadata_};
};

TEST_P(LoaderTest, Lazy_FirstAccessIssuesOneSelectThroughTheSession) {
  seed(3, 3);
  orm::Session session{engine()};
  auto authors = session.scalars(select<Author>().order_by({orm::col(&Author::id)})).all();
  ASSERT_EQ(authors.size(), 3u);
  EXPECT_EQ(statement_count(), 1u);
  EXPECT_FALSE(authors[1]->books.loaded());
  ASSERT_EQ(authors[1]->books.size(), 3u);
  EXPECT_EQ(count("SELECT"), 2u);
  EXPECT_EQ(authors[1]->books[0]->title, book_title(2, 1));
  EXPECT_EQ(authors[1]->books[2]->title, book_title(2, 3));
  // Loaded now: reading again, and the other side from the identity map, costs nothing.
  EXPECT_EQ(authors[1]->books[0]->author.get(), authors[1]);
  EXPECT_EQ(statement_count(), 2u);
  EXPECT_FALSE(authors[0]->books.loaded());
}

TEST_P(LoaderTest, Selectinload_HundredAuthorsWithBooksInTwoStatements) {
  seed(100, 3);
  orm::Session session{engine()};
  auto authors = session.scalars(select<Author>().options(selectinload(&Author::books))).all();
  ASSERT_EQ(authors.size(), 100u);
  EXPECT_EQ(statement_count(), 2u);
  expect_books(authors, 3);
  // Book.author finds its author in the identity map: still no further SQL.
  for (const auto& a : authors)
    for (const auto& b : a->books) EXPECT_EQ(b->author.get(), a);
  EXPECT_EQ(statement_count(), 2u);
}

TEST_P(LoaderTest, Joinedload_HundredAuthorsWithBooksInOneStatementEachAuthorOnce) {
  seed(100, 3);
  orm::Session session{engine()};
  auto authors = session
                     .scalars(select<Author>()
                                  .options(joinedload(&Author::books))
                                  .order_by({orm::col(&Author::id)}))
                     .all();
  EXPECT_EQ(statement_count(), 1u);
  ASSERT_EQ(authors.size(), 100u);  // 300 joined rows, one object per author
  for (std::size_t i = 0; i < authors.size(); ++i)
    EXPECT_EQ(authors[i]->id, static_cast<std::int64_t>(i + 1));
  expect_books(authors, 3);
  EXPECT_EQ(statement_count(), 1u);
}

TEST_P(LoaderTest, Joinedload_AuthorsWithoutBooksComeBackWithEmptyLoadedCollections) {
  seed(2, 0);
  orm::Session session{engine()};
  auto authors = session.scalars(select<Author>().options(joinedload(&Author::books))).all();
  ASSERT_EQ(authors.size(), 2u);
  for (const auto& a : authors) {
    EXPECT_TRUE(a->books.loaded());
    EXPECT_TRUE(a->books.empty());
  }
  EXPECT_EQ(statement_count(), 1u);
}

TEST_P(LoaderTest, Joinedload_ManyToOneLoadsEachBooksAuthorInTheSameSelect) {
  seed(4, 2);
  orm::Session session{engine()};
  auto books = session.scalars(select<Book>().options(joinedload(&Book::author))).all();
  ASSERT_EQ(books.size(), 8u);
  for (const auto& b : books) {
    ASSERT_TRUE(b->author.loaded());
    EXPECT_EQ(b->author->id, b->author_id);
    EXPECT_EQ(b->author->name, author_name(b->author_id));
  }
  EXPECT_EQ(statement_count(), 1u);
}

TEST_P(LoaderTest, Raiseload_LazyAccessThrowsInvalidRequestErrorAndSendsNoSql) {
  seed(2, 2);
  orm::Session session{engine()};
  auto author =
      session
          .scalars(
              select<Author>().where(orm::col(&Author::id) == 1).options(raiseload(&Author::books)))
          .one();
  reset_statements();
  EXPECT_THROW(author->books.size(), InvalidRequestError);
  EXPECT_THROW(author->books.push_back(std::make_shared<Book>()), InvalidRequestError);
  EXPECT_EQ(statement_count(), 0u);
  try {
    (void)author->books.empty();
    FAIL() << "raiseload did not throw";
  } catch (const InvalidRequestError& e) {
    EXPECT_NE(std::string(e.what()).find("Author.books"), std::string::npos) << e.what();
  }
}

TEST_P(LoaderTest, ChainedSelectinload_BooksThenTheirTagsInThreeStatements) {
  seed(10, 3);
  orm::Session session{engine()};
  auto authors =
      session
          .scalars(select<Author>().options(selectinload(&Author::books).selectinload(&Book::tags)))
          .all();
  ASSERT_EQ(authors.size(), 10u);
  EXPECT_EQ(statement_count(), 3u);
  expect_books(authors, 3);
  for (const auto& a : authors)
    for (std::size_t b = 0; b < a->books.size(); ++b) {
      const auto& tags = a->books[b]->tags;
      ASSERT_TRUE(tags.loaded());
      ASSERT_EQ(tags.size(), 2u);
      EXPECT_EQ(tags[0]->name, "all");  // order_by name
      EXPECT_EQ(tags[1]->name, (b + 1) % 2 == 0 ? "even" : "odd");
    }
  EXPECT_EQ(statement_count(), 3u);
}

TEST_P(LoaderTest, ChainedJoinedloadThenSelectinload_TwoStatements) {
  seed(10, 3);
  orm::Session session{engine()};
  auto authors =
      session
          .scalars(select<Author>().options(joinedload(&Author::books).selectinload(&Book::tags)))
          .all();
  ASSERT_EQ(authors.size(), 10u);
  EXPECT_EQ(statement_count(), 2u);
  expect_books(authors, 3);
  for (const auto& a : authors)
    for (const auto& b : a->books) {
      ASSERT_TRUE(b->tags.loaded());
      EXPECT_EQ(b->tags.size(), 2u);
    }
  EXPECT_EQ(statement_count(), 2u);
}

TEST_P(LoaderTest, RelationshipDefault_SelectinFromTheMappingAppliesWithoutOptions) {
  MetaData metadata;
  orm::Registry registry{metadata};
  models::map_authors(registry, orm::Lazy::kSelectin);  // replaces the fixture's mapping
  seed(100, 3);
  orm::Session session{engine()};
  auto authors = session.scalars(select<Author>()).all();
  ASSERT_EQ(authors.size(), 100u);
  EXPECT_EQ(statement_count(), 2u);
  expect_books(authors, 3);
  EXPECT_EQ(statement_count(), 2u);
  // A query's option still wins over the mapping's default.
  orm::Session other{engine()};
  reset_statements();
  auto lazy = other.scalars(select<Author>().options(lazyload(&Author::books))).all();
  EXPECT_EQ(statement_count(), 1u);
  EXPECT_FALSE(lazy.front()->books.loaded());
}

TEST_P(LoaderTest, Selectinload_OverFiveHundredParentsSendsOneInPerChunkOfFiveHundred) {
  seed(1201, 1);
  orm::Session session{engine()};
  auto authors = session.scalars(select<Author>().options(selectinload(&Author::books))).all();
  ASSERT_EQ(authors.size(), 1201u);
  EXPECT_EQ(statement_count(), 4u);  // the authors, then 500 + 500 + 201
  expect_books(authors, 1);
  EXPECT_EQ(statement_count(), 4u);
}

TEST_P(LoaderTest, SelectinloadManyToOne_TargetsAlreadyInTheIdentityMapCostNoSql) {
  seed(5, 2);
  orm::Session session{engine()};
  auto authors = session.scalars(select<Author>()).all();
  ASSERT_EQ(authors.size(), 5u);
  std::map<std::int64_t, std::shared_ptr<Author>> by_id;
  for (const auto& a : authors) by_id[a->id] = a;
  reset_statements();
  auto books = session.scalars(select<Book>().options(selectinload(&Book::author))).all();
  ASSERT_EQ(books.size(), 10u);
  EXPECT_EQ(statement_count(), 1u);  // only the books' SELECT
  for (const auto& b : books) {
    ASSERT_TRUE(b->author.loaded());
    EXPECT_EQ(b->author->id, b->author_id);
    EXPECT_EQ(b->author.get(), by_id.at(b->author_id));  // the very object loaded before
  }
  // Without them in the Session, the same query needs the IN query.
  orm::Session fresh{engine()};
  reset_statements();
  auto again = fresh.scalars(select<Book>().options(selectinload(&Book::author))).all();
  EXPECT_EQ(statement_count(), 2u);
  for (const auto& b : again) EXPECT_EQ(b->author->name, author_name(b->author_id));
}

TEST_P(LoaderTest, LazyAccessAfterSessionClosed_ThrowsDetachedInstanceError) {
  seed(1, 2);
  std::shared_ptr<Author> author;
  {
    orm::Session session{engine()};
    author = session.get<Author>(1);
    ASSERT_NE(author, nullptr);
    session.close();
    reset_statements();
    EXPECT_THROW(author->books.size(), DetachedInstanceError);
  }
  EXPECT_THROW(author->books.size(), DetachedInstanceError);  // the Session is gone too
  EXPECT_EQ(statement_count(), 0u);
  // What was loaded before closing stays readable.
  orm::Session session{engine()};
  auto loaded = session.scalars(select<Author>().options(selectinload(&Author::books))).one();
  session.close();
  ASSERT_EQ(loaded->books.size(), 2u);
  EXPECT_EQ(loaded->books[1]->title, book_title(1, 2));
}

TEST_P(LoaderTest, LazyAccessAfterExpunge_ThrowsDetachedInstanceError) {
  seed(1, 1);
  orm::Session session{engine()};
  auto author = session.get<Author>(1);
  session.expunge(author);
  EXPECT_FALSE(session.contains(author));
  EXPECT_THROW(author->books.size(), DetachedInstanceError);
}

TEST_P(LoaderTest, LazyManyToMany_LoadsTheTagsOfOneBookThroughTheSecondaryTable) {
  seed(1, 2);
  orm::Session session{engine()};
  auto book = session.get<Book>(102);
  reset_statements();
  ASSERT_EQ(book->tags.size(), 2u);
  EXPECT_EQ(count("SELECT"), 1u);
  EXPECT_EQ(book->tags[0]->name, "all");
  EXPECT_EQ(book->tags[1]->name, "even");
}

CRUCIBLE_ORM_BACKENDS(LoaderTest);

}  // namespace
}  // namespace crucible::testing
