#pragma once
// The seeds' models (../shared/seeds/001…: the cheat sheet's quick start, Department and
// Employee, Author and Book, Post and Tag, the PostTag association object), as plain structs
// mapped by member pointers. Each map_* function maps one group into a Registry.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crucible/crucible.hpp"

namespace crucible::testing::models {

// ---- quick start ---------------------------------------------------------------------------------
struct User {
  std::int64_t id{};
  std::string name;
  std::optional<std::string> fullname;
  std::string email;
};

inline void map_users(orm::Registry& r) {
  r.map<User>("user_account")
      .column(&User::id, "id", primary_key)
      .column(&User::name, "name", String{30})
      .column(&User::fullname, "fullname", String{100})
      .column(&User::email, "email", String{120}, unique);
}

// ---- Department and Employee ---------------------------------------------------------------------
struct Employee;
struct Department {
  std::int64_t id{};
  std::string name;
  orm::Collection<Employee> employees;
};
struct Employee {
  std::int64_t id{};
  std::string name;
  std::int64_t dept_id{};
  orm::Ref<Department> department;
};

inline void map_departments(orm::Registry& r) {
  r.map<Department>("department")
      .column(&Department::id, "id", primary_key)
      .column(&Department::name, "name", String{50})
      .relationship(&Department::employees, "employees", orm::back_populates(&Employee::department));
  r.map<Employee>("employee")
      .column(&Employee::id, "id", primary_key)
      .column(&Employee::name, "name", String{100})
      .column(&Employee::dept_id, "dept_id", ForeignKey{"department.id"})
      .relationship(&Employee::department, "department", orm::back_populates(&Department::employees));
}

// ---- Author, Book and Tag (books have tags, many-to-many) ----------------------------------------
struct Book;
struct BookTag;
struct Author {
  std::int64_t id{};
  std::string name;
  orm::Collection<Book> books;
};
struct Book {
  std::int64_t id{};
  std::string title;
  std::int64_t author_id{};
  orm::Ref<Author> author;
  orm::Collection<BookTag> tags;
};
struct BookTag {
  std::int64_t id{};
  std::string name;
  orm::Collection<Book> books;
};

/// Maps Author, Book and BookTag; `books_lazy` is Author.books' default loader strategy.
inline void map_authors(orm::Registry& r, orm::Lazy books_lazy = orm::Lazy::kSelect) {
  Table book_tag{"book_tag", r.metadata(),
                 Column{"book_id", Integer{}, ForeignKey{"books.id"}, primary_key},
                 Column{"tag_id", Integer{}, ForeignKey{"book_tags.id"}, primary_key}};
  r.map<Author>("authors")
      .column(&Author::id, "id", primary_key)
      .column(&Author::name, "name", String{100}, unique)
      .relationship(&Author::books, "books", orm::back_populates(&Book::author),
                    orm::lazy(books_lazy), orm::order_by({"title"}));
  r.map<Book>("books")
      .column(&Book::id, "id", primary_key)
      .column(&Book::title, "title", String{200})
      .column(&Book::author_id, "author_id", ForeignKey{"authors.id"})
      .relationship(&Book::author, "author", orm::back_populates(&Author::books))
      .relationship(&Book::tags, "tags", orm::secondary(book_tag), orm::back_populates(&BookTag::books),
                    orm::order_by({"name"}));
  r.map<BookTag>("book_tags")
      .column(&BookTag::id, "id", primary_key)
      .column(&BookTag::name, "name", String{50}, unique)
      .relationship(&BookTag::books, "books", orm::secondary(book_tag), orm::back_populates(&Book::tags));
}

// ---- Post and Tag, many-to-many through post_tag --------------------------------------------------
struct Tag;
struct Post {
  std::int64_t id{};
  std::string title;
  orm::Collection<Tag> tags;
};
struct Tag {
  std::int64_t id{};
  std::string name;
  orm::Collection<Post> posts;
};

inline void map_posts(orm::Registry& r) {
  Table post_tag{"post_tag", r.metadata(), Column{"post_id", Integer{}, ForeignKey{"post.id"}, primary_key},
                 Column{"tag_id", Integer{}, ForeignKey{"tag.id"}, primary_key}};
  r.map<Post>("post")
      .column(&Post::id, "id", primary_key)
      .column(&Post::title, "title", String{200})
      .relationship(&Post::tags, "tags", orm::secondary(post_tag), orm::back_populates(&Tag::posts),
                    orm::order_by({"name"}));
  r.map<Tag>("tag")
      .column(&Tag::id, "id", primary_key)
      .column(&Tag::name, "name", String{50}, unique)
      .relationship(&Tag::posts, "posts", orm::secondary(post_tag), orm::back_populates(&Post::tags));
}

// ---- the association object: PostTag with columns of its own ------------------------------------
struct LinkedTag;
struct PostTag;
struct LinkedPost {
  std::int64_t id{};
  std::string title;
  orm::Collection<PostTag> tag_links;
};
struct LinkedTag {
  std::int64_t id{};
  std::string name;
  orm::Collection<PostTag> post_links;
};
struct PostTag {
  std::int64_t post_id{};
  std::int64_t tag_id{};
  std::optional<DateTime> added_at;  // server default CURRENT_TIMESTAMP, read back after INSERT
  std::optional<std::string> added_by;
  orm::Ref<LinkedPost> post;
  orm::Ref<LinkedTag> tag;
};

inline void map_post_links(orm::Registry& r) {
  r.map<LinkedPost>("post")
      .column(&LinkedPost::id, "id", primary_key)
      .column(&LinkedPost::title, "title", String{200})
      .relationship(&LinkedPost::tag_links, "tag_links", orm::back_populates(&PostTag::post),
                    orm::cascade("all, delete-orphan"));
  r.map<LinkedTag>("tag")
      .column(&LinkedTag::id, "id", primary_key)
      .column(&LinkedTag::name, "name", String{50}, unique)
      .relationship(&LinkedTag::post_links, "post_links", orm::back_populates(&PostTag::tag));
  r.map<PostTag>("post_tag")
      .column(&PostTag::post_id, "post_id", ForeignKey{"post.id"}, primary_key)
      .column(&PostTag::tag_id, "tag_id", ForeignKey{"tag.id"}, primary_key)
      .column(&PostTag::added_at, "added_at", types::DateTime{}, server_default("CURRENT_TIMESTAMP"))
      .column(&PostTag::added_by, "added_by", String{80})
      .relationship(&PostTag::post, "post", orm::back_populates(&LinkedPost::tag_links))
      .relationship(&PostTag::tag, "tag", orm::back_populates(&LinkedTag::post_links));
}

// ---- Order and OrderLine: a one-to-many whose cascade a test chooses ----------------------------
struct OrderLine;
struct Order {
  std::int64_t id{};
  std::string customer;
  orm::Collection<OrderLine> lines;
};
struct OrderLine {
  std::int64_t id{};
  std::optional<std::int64_t> order_id;  // NULL once detached from its order (no delete-orphan)
  std::string product;
  orm::Ref<Order> order;
};

/// Maps Order and OrderLine; `lines_cascade` is Order.lines' cascade in SQLAlchemy's words.
inline void map_orders(orm::Registry& r, std::string_view lines_cascade = "all, delete-orphan") {
  r.map<Order>("orders")
      .column(&Order::id, "id", primary_key)
      .column(&Order::customer, "customer", String{50})
      .relationship(&Order::lines, "lines", orm::back_populates(&OrderLine::order),
                    orm::cascade(lines_cascade), orm::order_by({"id"}));
  r.map<OrderLine>("order_lines")
      .column(&OrderLine::id, "id", primary_key)
      .column(&OrderLine::order_id, "order_id", ForeignKey{"orders.id"})
      .column(&OrderLine::product, "product", String{50})
      .relationship(&OrderLine::order, "order", orm::back_populates(&Order::lines));
}

// ---- Node: a self-referential tree (parent Ref and children Collection of the same mapper) -----
struct Node {
  std::int64_t id{};
  std::string name;
  std::optional<std::int64_t> parent_id;
  orm::Ref<Node> parent;
  orm::Collection<Node> children;
};

inline void map_nodes(orm::Registry& r) {
  r.map<Node>("node")
      .column(&Node::id, "id", primary_key)
      .column(&Node::name, "name", String{50}, unique)
      .column(&Node::parent_id, "parent_id", ForeignKey{"node.id"})
      .relationship(&Node::parent, "parent", orm::back_populates(&Node::children))
      .relationship(&Node::children, "children", orm::back_populates(&Node::parent),
                    orm::cascade("all, delete-orphan"), orm::order_by({"name"}));
}

// ---- Ping and Pong: two mappers whose foreign keys refer to each other (a cycle) ---------------
struct Pong;
struct Ping {
  std::int64_t id{};
  std::optional<std::int64_t> pong_id;
  orm::Ref<Pong> pong;
};
struct Pong {
  std::int64_t id{};
  std::optional<std::int64_t> ping_id;
  orm::Ref<Ping> ping;
};

inline void map_ping_pong(orm::Registry& r) {
  r.map<Ping>("ping")
      .column(&Ping::id, "id", primary_key)
      .column(&Ping::pong_id, "pong_id", ForeignKey{"pong.id"})
      .relationship(&Ping::pong, "pong");
  r.map<Pong>("pong")
      .column(&Pong::id, "id", primary_key)
      .column(&Pong::ping_id, "ping_id", ForeignKey{"ping.id"})
      .relationship(&Pong::ping, "ping");
}

// ---- mapping, query and transaction tests: a composite key, defaults, an audited row ------------
/// A composite primary key that the program gives (no autoincrement).
struct Enrollment {
  std::int64_t student_id{};
  std::int64_t course_id{};
  std::string grade;
};

inline void map_enrollments(orm::Registry& r) {
  r.map<Enrollment>("enrollment")
      .column(&Enrollment::student_id, "student_id", primary_key)
      .column(&Enrollment::course_id, "course_id", primary_key)
      .column(&Enrollment::grade, "grade", String{2});
}

/// Client-side defaults (default_) and server defaults, written back into the object at flush.
struct Ticket {
  std::int64_t id{};
  std::string title;
  std::optional<std::int64_t> priority;  // default_(3): the ORM sends 3 when unset
  std::optional<std::string> status;     // server_default 'open': read back after the INSERT
  std::optional<DateTime> opened_at;     // server_default CURRENT_TIMESTAMP, read back too
};

inline void map_tickets(orm::Registry& r) {
  r.map<Ticket>("ticket")
      .column(&Ticket::id, "id", primary_key)
      .column(&Ticket::title, "title", String{100})
      .column(&Ticket::priority, "priority", default_(3))
      .column(&Ticket::status, "status", String{20}, server_default("'open'"))
      .column(&Ticket::opened_at, "opened_at", types::DateTime{},
              server_default("CURRENT_TIMESTAMP"));
}

/// The seeds' audit example: before_flush stamps updated_at on the dirty notes.
struct Note {
  std::int64_t id{};
  std::string body;
  std::optional<DateTime> updated_at;
};

inline void map_notes(orm::Registry& r) {
  r.map<Note>("note")
      .column(&Note::id, "id", primary_key)
      .column(&Note::body, "body", String{200})
      .column(&Note::updated_at, "updated_at", types::DateTime{});
}

}  // namespace crucible::testing::models
