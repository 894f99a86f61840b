// Relationships on every backend: many-to-one, one-to-many, many-to-many through a secondary
// table and the association object, back_populates keeping both sides in step in memory, and
// the foreign keys (or association rows) the flush writes from them. The seeds' Department and
// Employee, Author and Book, Post and Tag, and PostTag programs print what the seeds print.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "core_readback.hpp"
#include "models.hpp"
#include "orm_fixture.hpp"

namespace crucible::testing {
namespace {

using models::Author;
using models::Book;
using models::Department;
using models::Employee;
using models::Post;
using models::Tag;

class RelationshipTest : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (HasFatalFailure()) return;
    models::map_departments(registry_);
    models::map_authors(registry_);
    models::map_posts(registry_);
    metadata_.create_all(engine());
    reset_statements();
  }
  /// Alice with two books and Bob with none, committed; returns their ids.
  std::pair<std::int64_t, std::int64_t> alice_and_bob() {
    orm::Session s{engine()};
    auto alice = s.add(Author{.name = "Alice"});
    auto bob = s.add(Author{.name = "Bob"});
    alice->books.push_back(std::make_shared<Book>(Book{.title = "B1"}));
    alice->books.push_back(std::make_shared<Book>(Book{.title = "B2"}));
    s.commit();
    reset_statements();
    return {alice->id, bob->id};
  }
  std::int64_t author_of(const std::string& title) {
    return scalar_int(engine(), "SELECT author_id FROM books WHERE title = '" + title + "'");
  }
  MetaData metadata_;
  orm::Registry registry_{metadata_};
};

TEST_P(RelationshipTest, Seeds_DepartmentAndEmployee_PrintsAliceArrowEngineering) {
  // The seeds' program, in one Session: the employees are given dept_id, not a department.
  orm::Session session{engine()};
  auto eng = std::make_shared<Department>(Department{.id = 1, .name = "Engineering"});
  session.add(eng);
  session.add_all(std::vector<Employee>{{.id = 1, .name = "Alice", .dept_id = 1},
                                        {.id = 2, .name = "Bob", .dept_id = 1}});
  session.commit();
  const auto stmt = select<Employee>().where(orm::col(&Employee::name).like("A%"));
  std::ostringstream out;
  for (const auto& emp : session.scalars(stmt))
    out << emp->name << " → " << emp->department->name << "\n";
  EXPECT_EQ(out.str(), "Alice → Engineering\n");
  // In a new Session the department is loaded on first access: one SELECT more.
  orm::Session fresh{engine()};
  reset_statements();
  auto alice = fresh.scalars(stmt).one();
  EXPECT_EQ(count("SELECT"), 1u);
  EXPECT_EQ(alice->department->name, "Engineering");
  EXPECT_EQ(count("SELECT"), 2u);
}

TEST_P(RelationshipTest, Seeds_AuthorAndBook_SelectinloadPrintsEachAuthorsTitles) {
  {
    orm::Session s{engine()};
    auto alice = s.add(Author{.name = "Alice Smith"});
    auto bob = s.add(Author{.name = "Bob Jones"});
    s.add(Book{.title = "Python Tricks", .author = alice});
    s.add(Book{.title = "Django Mastery", .author = alice});
    s.add(Book{.title = "SQLAlchemy in Action", .author = bob});
    s.commit();
  }
  orm::Session session{engine()};
  reset_statements();
  std::ostringstream out;
  for (const auto& author : session.scalars(select<Author>()
                                                .options(orm::selectinload(&Author::books))
                                                .order_by({orm::col(&Author::name)}))) {
    out << author->name << ": [";
    for (std::size_t i = 0; i < author->books.size(); ++i)
      out << (i ? ", " : "") << "'" << author->books[i]->title << "'";
    out << "]\n";
  }
  EXPECT_EQ(out.str(), "Alice Smith: ['Django Mastery', 'Python Tricks']\n"
                       "Bob Jones: ['SQLAlchemy in Action']\n");
  EXPECT_EQ(count("SELECT"), 2u);
}

TEST_P(RelationshipTest, OneToMany_BookAppendedToAuthorBooksGetsAuthorIdAtFlush) {
  orm::Session session{engine()};
  auto alice = session.add(Author{.name = "Alice"});
  session.commit();
  auto book = std::make_shared<Book>(Book{.title = "New"});
  alice->books.push_back(book);
  EXPECT_TRUE(session.contains(book)) << "save-update cascade on append";
  EXPECT_EQ(book->author.get(), alice) << "back_populates sets the Ref in memory";
  EXPECT_EQ(book->author_id, 0) << "the foreign key waits for the flush";
  session.flush();
  EXPECT_EQ(book->author_id, alice->id);
  session.commit();
  EXPECT_EQ(author_of("New"), alice->id);
}

TEST_P(RelationshipTest, Get_BookOnlyAppendedToALoadedCollection_FlushesItsCascadeAndFindsIt) {
  // The book reaches the Session by the save-update cascade, found at flush: get() of its key
  // finds no row, flushes, and returns that object.
  const auto [alice_id, bob_id] = alice_and_bob();
  orm::Session session{engine()};
  auto bob = session.get<Author>(bob_id);
  ASSERT_TRUE(bob);
  auto book = std::make_shared<Book>(Book{.id = 900, .title = "Cascaded"});
  bob->books.push_back(book);
  auto found = session.get<Book>(900);
  EXPECT_EQ(found.get(), book.get());
  EXPECT_EQ(book->author_id, bob_id);
  static_cast<void>(alice_id);
}

TEST_P(RelationshipTest, ManyToOne_AssigningRefSetsForeignKeyAndMovesBookBetweenLoadedCollections) {
  auto [alice_id, bob_id] = alice_and_bob();
  orm::Session session{engine()};
  auto alice = session.get<Author>(alice_id);
  auto bob = session.get<Author>(bob_id);
  ASSERT_EQ(alice->books.size(), 2u);
  ASSERT_EQ(bob->books.size(), 0u);
  auto b1 = alice->books[0];
  b1->author = bob;
  EXPECT_FALSE(alice->books.contains(b1.get())) << "out of the old parent's loaded collection";
  EXPECT_TRUE(bob->books.contains(b1.get())) << "into the new parent's loaded collection";
  session.commit();
  EXPECT_EQ(author_of("B1"), bob_id);
  EXPECT_EQ(author_of("B2"), alice_id);
  EXPECT_EQ(count("UPDATE"), 1u);
  EXPECT_EQ(count("DELETE"), 0u);
}

TEST_P(RelationshipTest, ManyToOne_AssigningUnloadedRefNeedsNoLoadAndSetsForeignKey) {
  auto [alice_id, bob_id] = alice_and_bob();
  orm::Session session{engine()};
  auto b2 = session.scalars(select<Book>().where(orm::col(&Book::title) == "B2")).one();
  auto bob = session.get<Author>(bob_id);
  reset_statements();
  b2->author = bob;  // b2->author was never loaded: no SELECT for the old value
  EXPECT_EQ(statement_count(), 0u);
  session.commit();
  EXPECT_EQ(author_of("B2"), bob_id);
  EXPECT_EQ(author_of("B1"), alice_id);
}

TEST_P(RelationshipTest, BackPopulates_PushBackOntoNewParentMovesChildOutOfOldParent) {
  auto [alice_id, bob_id] = alice_and_bob();
  orm::Session session{engine()};
  auto alice = session.get<Author>(alice_id);
  auto bob = session.get<Author>(bob_id);
  auto b2 = alice->books[1];
  ASSERT_EQ(b2->author.get(), alice);
  bob->books.push_back(b2);  // re-parenting through the collection
  EXPECT_EQ(b2->author.get(), bob);
  EXPECT_EQ(alice->books.size(), 1u);
  EXPECT_FALSE(alice->books.contains(b2.get()));
  session.commit();
  EXPECT_EQ(author_of("B2"), bob_id);
  EXPECT_EQ(scalar_int(engine(), "SELECT COUNT(*) FROM books"), 2);
}

TEST_P(RelationshipTest, BackPopulates_RemoveFromCollectionClearsTheChildsRef) {
  auto [alice_id, bob_id] = alice_and_bob();
  orm::Session session{engine()};
  auto alice = session.get<Author>(alice_id);
  auto b1 = alice->books[0];
  ASSERT_TRUE(b1->author);
  EXPECT_TRUE(alice->books.remove(b1));
  EXPECT_FALSE(b1->author) << "the many-to-one side follows the removal";
  (void)bob_id;
}

TEST_P(RelationshipTest, BackPopulates_RefAssignmentOnNewObjectsFillsTheCollection) {
  orm::Session session{engine()};
  auto alice = session.add(Author{.name = "Alice"});
  auto book = session.add(Book{.title = "T"});
  book->author = alice;
  ASSERT_EQ(alice->books.size(), 1u);
  EXPECT_EQ(alice->books[0], book);
  session.commit();
  EXPECT_EQ(author_of("T"), alice->id);
}

TEST_P(RelationshipTest, Seeds_PostAndTag_ManyToManyAfterRefresh) {
  orm::Session s{engine()};
  auto py = std::make_shared<Tag>(Tag{.name = "python"});
  auto web = std::make_shared<Tag>(Tag{.name = "web"});
  auto p = s.add(Post{.title = "FastAPI tour", .tags = {py, web}});
  s.commit();
  s.refresh(p);
  std::ostringstream out;
  out << p->title << " [";
  for (std::size_t i = 0; i < p->tags.size(); ++i)
    out << (i ? ", " : "") << "'" << p->tags[i]->name << "'";
  out << "]";
  EXPECT_EQ(out.str(), "FastAPI tour ['python', 'web']");
  EXPECT_EQ(scalar_int(engine(), "SELECT COUNT(*) FROM post_tag"), 2);
}

TEST_P(RelationshipTest, ManyToMany_RemovingTagDeletesOnlyTheAssociationRow) {
  std::int64_t post_id = 0;
  {
    orm::Session s{engine()};
    auto p = s.add(Post{.title = "P",
                        .tags = {std::make_shared<Tag>(Tag{.name = "a"}),
                                 std::make_shared<Tag>(Tag{.name = "b"})}});
    s.commit();
    post_id = p->id;
  }
  orm::Session session{engine()};
  auto post = session.get<Post>(post_id);
  ASSERT_EQ(post->tags.size(), 2u);
  auto a = post->tags[0];
  reset_statements();
  post->tags.remove(a);
  session.commit();
  EXPECT_EQ(count("DELETE"), 1u);
  EXPECT_EQ(column_text(engine(), "SELECT t.name FROM post_tag pt JOIN tag t ON t.id = pt.tag_id"),
            std::vector<std::string>{"b"});
  EXPECT_EQ(column_text(engine(), "SELECT name FROM tag ORDER BY name"),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(scalar_int(engine(), "SELECT COUNT(*) FROM post"), 1);
}

TEST_P(RelationshipTest, ManyToMany_DeletingPostDeletesItsAssociationRowsButNotTheTags) {
  std::int64_t post_id = 0;
  {
    orm::Session s{engine()};
    auto shared = std::make_shared<Tag>(Tag{.name = "shared"});
    auto p = s.add(Post{.title = "P", .tags = {shared, std::make_shared<Tag>(Tag{.name = "own"})}});
    s.add(Post{.title = "Q", .tags = {shared}});
    s.commit();
    post_id = p->id;
  }
  orm::Session session{engine()};
  session.delete_(session.get<Post>(post_id));  // its tags never loaded
  session.commit();
  EXPECT_EQ(
      column_text(engine(), "SELECT p.title FROM post_tag pt JOIN post p ON p.id = pt.post_id"),
      std::vector<std::string>{"Q"});
  EXPECT_EQ(scalar_int(engine(), "SELECT COUNT(*) FROM tag"), 2);
}

TEST_P(RelationshipTest, ManyToMany_BothSidesWithBackPopulatesProduceOneAssociationRow) {
  std::int64_t post_id = 0, tag_id = 0;
  {
    orm::Session s{engine()};
    auto p = s.add(Post{.title = "P"});
    auto t = s.add(Tag{.name = "t"});
    s.commit();
    post_id = p->id;
    tag_id = t->id;
  }
  orm::Session session{engine()};
  auto post = session.get<Post>(post_id);
  auto tag = session.get<Tag>(tag_id);
  ASSERT_TRUE(tag->posts.empty());  // loaded, so back_populates can keep it in step
  post->tags.push_back(tag);
  ASSERT_EQ(tag->posts.size(), 1u);
  EXPECT_EQ(tag->posts[0], post);
  reset_statements();
  session.commit();
  EXPECT_EQ(count("INSERT"), 1u);
  EXPECT_EQ(scalar_int(engine(), "SELECT COUNT(*) FROM post_tag"), 1);
  // And from the other side, with both collections loaded: still one row.
  orm::Session again{engine()};
  auto p2 = again.add(Post{.title = "P2"});
  auto t2 = again.get<Tag>(tag_id);
  ASSERT_EQ(t2->posts.size(), 1u);
  t2->posts.push_back(p2);
  EXPECT_TRUE(p2->tags.contains(t2.get()));
  again.commit();
  EXPECT_EQ(scalar_int(engine(), "SELECT COUNT(*) FROM post_tag"), 2);
}

CRUCIBLE_ORM_BACKENDS(RelationshipTest);

// ---- the association object ---------------------------------------------------------------------

class AssociationObjectTest : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (HasFatalFailure()) return;
    models::map_post_links(registry_);
    metadata_.create_all(engine());
    reset_statements();
  }
  MetaData metadata_;
  orm::Registry registry_{metadata_};
};

using models::LinkedPost;
using models::LinkedTag;
using models::PostTag;

TEST_P(AssociationObjectTest, Seeds_PostTagLink_PrintsPostTagAndWhoAddedIt) {
  orm::Session s{engine()};
  auto py = std::make_shared<LinkedTag>(LinkedTag{.name = "python"});
  auto link = std::make_shared<PostTag>(PostTag{.added_by = "alice", .tag = py});
  auto p = s.add(LinkedPost{.title = "async/await", .tag_links = {link}});
  s.commit();
  std::ostringstream out;
  for (const auto& l : p->tag_links)
    out << l->post->title << " ← " << l->tag->name << " (by " << *l->added_by << ")\n";
  EXPECT_EQ(out.str(), "async/await ← python (by alice)\n");
  EXPECT_EQ(link->post_id, p->id);
  EXPECT_EQ(link->tag_id, py->id);
  EXPECT_TRUE(link->added_at.has_value()) << "the server default is read back after the INSERT";
  EXPECT_EQ(column_text(engine(), "SELECT added_by FROM post_tag"),
            std::vector<std::string>{"alice"});
  EXPECT_EQ(scalar_int(engine(), "SELECT COUNT(*) FROM post_tag WHERE added_at IS NOT NULL"), 1);
}

TEST_P(AssociationObjectTest, LoadedLinks_ReachPostAndTagThroughTheirRefs) {
  {
    orm::Session s{engine()};
    auto py = std::make_shared<LinkedTag>(LinkedTag{.name = "python"});
    auto web = std::make_shared<LinkedTag>(LinkedTag{.name = "web"});
    s.add(LinkedPost{
        .title = "A",
        .tag_links = {std::make_shared<PostTag>(PostTag{.added_by = "alice", .tag = py}),
                      std::make_shared<PostTag>(PostTag{.added_by = "bob", .tag = web})}});
    s.commit();
  }
  orm::Session session{engine()};
  auto web = session.scalars(select<LinkedTag>().where(orm::col(&LinkedTag::name) == "web")).one();
  ASSERT_EQ(web->post_links.size(), 1u);
  const auto& link = web->post_links[0];
  EXPECT_EQ(link->post->title, "A");
  EXPECT_EQ(link->added_by, "bob");
  EXPECT_EQ(link->post->tag_links.size(), 2u);
}

CRUCIBLE_ORM_BACKENDS(AssociationObjectTest);

}  // namespace
}  // namespace crucible::testing
