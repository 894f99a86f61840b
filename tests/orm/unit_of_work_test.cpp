// The unit of work's order and batching on every backend: INSERTs and UPDATEs parents first,
// DELETEs children first (shown by the statements sent and by the foreign keys the database
// enforces), a self-referential mapper writing parents before children, a cycle of mappers
// refused by name, the INSERTs of one mapper in one statement, and generated keys and server
// defaults written back into the objects.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core_readback.hpp"
#include "models.hpp"
#include "orm_fixture.hpp"

namespace crucible::testing {
namespace {

using models::Author;
using models::Book;
using models::Node;

class UnitOfWorkTest : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (HasFatalFailure()) return;
    models::map_authors(registry_);
    models::map_nodes(registry_);
    models::map_post_links(registry_);
    metadata_.create_all(engine());
    reset_statements();
  }
  std::ptrdiff_t at(std::string_view prefix) const { return first_statement(statements(), prefix); }
  /// "name<parent name>" of every node, by name ("root<>" for a root).
  std::vector<std::string> tree() {
    std::vector<std::string> out;
    Connection conn = engine().connect();
    for (const Row& row : conn.exec_driver_sql("SELECT n.name, p.name FROM node n LEFT JOIN node p "
                                               "ON p.id = n.parent_id ORDER BY n.name")
                              .all())
      out.push_back(row[0].to_string() + "<" + (row[1].is_null() ? "" : row[1].to_string()) + ">");
    return out;
  }
  MetaData metadata_;
  orm::Registry registry_{metadata_};
};

TEST_P(UnitOfWorkTest, Insert_ParentRowGoesBeforeTheChildThatRefersToIt) {
  orm::Session session{engine()};
  // The child is added first; the parent only through its Ref.
  auto book =
      session.add(Book{.title = "T", .author = std::make_shared<Author>(Author{.name = "A"})});
  session.commit();
  ASSERT_GE(at("INSERT INTO authors"), 0);
  EXPECT_LT(at("INSERT INTO authors"), at("INSERT INTO books"));
  EXPECT_GT(book->author->id, 0);
  EXPECT_EQ(book->author_id, book->author->id);
  EXPECT_EQ(scalar_int(engine(), "SELECT author_id FROM books"), book->author->id);
}

TEST_P(UnitOfWorkTest, Insert_NewBooksOfOneMapperAreOneStatementAndGetTheirKeys) {
  orm::Session session{engine()};
  auto author = session.add(Author{.name = "A"});
  for (int i = 0; i < 50; ++i)
    author->books.push_back(std::make_shared<Book>(Book{.title = "book " + std::to_string(i)}));
  session.flush();
  EXPECT_EQ(count("INSERT INTO books"), 1u) << "50 new Books in one multi-row INSERT … RETURNING";
  EXPECT_EQ(count("INSERT INTO authors"), 1u);
  std::vector<std::int64_t> ids;
  for (const auto& b : author->books.items()) {
    EXPECT_EQ(b->author_id, author->id);
    ids.push_back(b->id);
  }
  session.commit();
  // Each object got the key of its own row.
  for (const auto& b : author->books.items())
    EXPECT_EQ(scalar_int(engine(), "SELECT id FROM books WHERE title = '" + b->title + "'"), b->id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end()) << "distinct keys";
}

TEST_P(UnitOfWorkTest, Insert_ServerDefaultIsReadBackIntoTheObject) {
  orm::Session session{engine()};
  auto post = session.add(models::LinkedPost{.title = "P"});
  auto tag = session.add(models::LinkedTag{.name = "t"});
  auto link = std::make_shared<models::PostTag>(models::PostTag{.added_by = "me", .tag = tag});
  post->tag_links.push_back(link);
  EXPECT_FALSE(link->added_at.has_value());
  session.commit();
  ASSERT_TRUE(link->added_at.has_value());
  orm::Session other{engine()};
  auto again = other.get<models::PostTag>({post->id, tag->id});
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->added_at, link->added_at);
}

TEST_P(UnitOfWorkTest, Update_NewParentIsInsertedBeforeTheChildUpdatedToReferToIt) {
  std::int64_t book_id = 0;
  {
    orm::Session s{engine()};
    auto b = s.add(Book{.title = "T", .author = std::make_shared<Author>(Author{.name = "Old"})});
    s.commit();
    book_id = b->id;
  }
  orm::Session session{engine()};
  auto book = session.get<Book>(book_id);
  reset_statements();
  book->author = std::make_shared<Author>(Author{.name = "New"});
  session.commit();
  ASSERT_GE(at("UPDATE books"), 0);
  EXPECT_LT(at("INSERT INTO authors"), at("UPDATE books"));
  EXPECT_EQ(
      column_text(engine(), "SELECT a.name FROM books b JOIN authors a ON a.id = b.author_id"),
      std::vector<std::string>{"New"});
}

TEST_P(UnitOfWorkTest, Delete_ChildRowsGoBeforeTheParentRowInOneFlush) {
  std::int64_t author_id = 0;
  {
    orm::Session s{engine()};
    auto a = s.add(Author{.name = "A"});
    a->books.push_back(std::make_shared<Book>(Book{.title = "T1"}));
    a->books.push_back(std::make_shared<Book>(Book{.title = "T2"}));
    s.commit();
    author_id = a->id;
  }
  orm::Session session{engine()};
  auto author = session.get<Author>(author_id);
  const auto books = author->books.items();
  // Author.books has no delete cascade: the program deletes the books itself, parent first.
  session.delete_(author);
  for (const auto& b : books) session.delete_(b);
  reset_statements();
  session.commit();  // the database's foreign key refuses the other order
  ASSERT_GE(at("DELETE FROM books"), 0);
  EXPECT_LT(at("DELETE FROM books"), at("DELETE FROM authors"));
  EXPECT_EQ(scalar_int(engine(), "SELECT COUNT(*) FROM books"), 0);
  EXPECT_EQ(scalar_int(engine(), "SELECT COUNT(*) FROM authors"), 0);
}

TEST_P(UnitOfWorkTest, SelfReferential_TreeAddedLeafFirstInsertsParentsFirst) {
  orm::Session session{engine()};
  auto root = std::make_shared<Node>(Node{.name = "root"});
  auto mid = std::make_shared<Node>(Node{.name = "mid", .parent = root});
  auto leaf = session.add(Node{.name = "leaf", .parent = mid});  // added first; reaches the rest
  session.add(Node{.name = "other", .parent = root});
  session.commit();
  EXPECT_EQ(tree(), (std::vector<std::string>{"leaf<mid>", "mid<root>", "other<root>", "root<>"}));
  EXPECT_EQ(*leaf->parent_id, mid->id);
  EXPECT_EQ(*mid->parent_id, root->id);
  EXPECT_FALSE(root->parent_id.has_value());
}

TEST_P(UnitOfWorkTest, SelfReferential_ChildrenAppendedToNewParentGetItsKey) {
  orm::Session session{engine()};
  auto root = session.add(Node{.name = "root"});
  auto a = std::make_shared<Node>(Node{.name = "a"});
  root->children.push_back(a);
  a->children.push_back(std::make_shared<Node>(Node{.name = "a1"}));
  session.commit();
  EXPECT_EQ(tree(), (std::vector<std::string>{"a<root>", "a1<a>", "root<>"}));
}

TEST_P(UnitOfWorkTest, SelfReferential_DeletingATreeDeletesChildrenBeforeParents) {
  std::int64_t root_id = 0;
  {
    orm::Session s{engine()};
    auto root = s.add(Node{.name = "root"});
    auto a = std::make_shared<Node>(Node{.name = "a"});
    root->children.push_back(a);
    a->children.push_back(std::make_shared<Node>(Node{.name = "a1"}));
    root->children.push_back(std::make_shared<Node>(Node{.name = "b"}));
    s.add(Node{.name = "keep"});
    s.commit();
    root_id = root->id;
  }
  orm::Session session{engine()};
  session.delete_(session.get<Node>(root_id));  // children: all, delete-orphan
  session.commit();
  EXPECT_EQ(tree(), std::vector<std::string>{"keep<>"});
}

TEST_P(UnitOfWorkTest, SelfReferential_MovingASubtreeUpdatesOnlyItsParentKey) {
  std::int64_t a1_id = 0, b_id = 0;
  {
    orm::Session s{engine()};
    auto root = s.add(Node{.name = "root"});
    auto a = std::make_shared<Node>(Node{.name = "a"});
    auto b = std::make_shared<Node>(Node{.name = "b"});
    root->children = std::vector<std::shared_ptr<Node>>{a, b};
    auto a1 = std::make_shared<Node>(Node{.name = "a1"});
    a->children.push_back(a1);
    s.commit();
    a1_id = a1->id;
    b_id = b->id;
  }
  orm::Session session{engine()};
  auto a1 = session.get<Node>(a1_id);
  reset_statements();
  a1->parent = session.get<Node>(b_id);
  session.commit();
  EXPECT_EQ(count("UPDATE"), 1u);
  EXPECT_EQ(count("DELETE"), 0u);
  EXPECT_EQ(tree(), (std::vector<std::string>{"a<root>", "a1<b>", "b<root>", "root<>"}));
}

TEST_P(UnitOfWorkTest, Cycle_MappersReferringToEachOtherAreReportedByName) {
  MetaData cyclic;
  orm::Registry registry{cyclic};
  models::map_ping_pong(registry);
  orm::Session session{engine()};
  session.add(models::Ping{.pong = std::make_shared<models::Pong>()});
  reset_statements();
  try {
    session.flush();
    ADD_FAILURE() << "a cycle of mappers was flushed";
  } catch (const CircularDependencyError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("Ping"), std::string::npos) << what;
    EXPECT_NE(what.find("Pong"), std::string::npos) << what;
  }
  EXPECT_EQ(count("INSERT"), 0u) << "nothing is written before the order is known";
}

CRUCIBLE_ORM_BACKENDS(UnitOfWorkTest);

}  // namespace
}  // namespace crucible::testing
