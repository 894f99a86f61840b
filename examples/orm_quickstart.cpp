// The ORM quick start: the seeds' SQLAlchemy 2.0 ORM programs in C++ (plain structs mapped by
// member pointers, a Session, select<T>(), relationships and selectinload).
//
//   orm_quickstart [URL]     default sqlite:// (in memory); any database a plugin exists for
//
// Prints, each section under a "== " heading:
//   - the quick start: the user found by name after add() and commit();
//   - Department and Employee: "<employee> → <department>" for employees whose name starts with A;
//   - Author and Book: "<author>: ['<title>', …]", books eager-loaded with selectinload, and how
//     many statements that took.
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>

#include <crucible/crucible.hpp>

using namespace crucible;

namespace {

// ---- the models: plain structs ----------------------------------------------------------------
struct User {
  std::int64_t id{};  // 0 until the INSERT: the database numbers it
  std::string name;
  std::optional<std::string> fullname;  // std::optional: a NULLable column
  std::string email;
};

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

struct Book;
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
};

void map_models(orm::Registry& registry) {
  registry.map<User>("user_account")
      .column(&User::id, "id", Integer{}, primary_key)
      .column(&User::name, "name", String{30})
      .column(&User::fullname, "fullname", String{100})
      .column(&User::email, "email", String{120}, unique);
  registry.map<Department>("department")
      .column(&Department::id, "id", primary_key)
      .column(&Department::name, "name", String{50})
      .relationship(&Department::employees, "employees",
                    orm::back_populates(&Employee::department));
  registry.map<Employee>("employee")
      .column(&Employee::id, "id", primary_key)
      .column(&Employee::name, "name", String{100})
      .column(&Employee::dept_id, "dept_id", ForeignKey{"department.id"})
      .relationship(&Employee::department, "department",
                    orm::back_populates(&Department::employees));
  registry.map<Author>("authors")
      .column(&Author::id, "id", primary_key)
      .column(&Author::name, "name", String{100}, unique)
      .relationship(&Author::books, "books", orm::back_populates(&Book::author),
                    orm::order_by({"title"}));
  registry.map<Book>("books")
      .column(&Book::id, "id", primary_key)
      .column(&Book::title, "title", String{200})
      .column(&Book::author_id, "author_id", ForeignKey{"authors.id"})
      .relationship(&Book::author, "author", orm::back_populates(&Author::books));
}

void quick_start(const Engine& engine) {
  std::cout << "== Quick start\n";
  orm::Session session{engine};
  session.add(User{.name = "Alice", .email = "alice@example.com"});
  session.commit();
  auto user = session.scalars(select<User>().where(orm::col(&User::name) == "Alice")).one();
  std::cout << user->id << " " << user->name << " " << user->email << "\n";
}

void departments(const Engine& engine) {
  std::cout << "== Department and Employee\n";
  orm::Session session{engine};
  auto eng = session.add(Department{.id = 1, .name = "Engineering"});
  session.add_all(std::vector<Employee>{{.id = 1, .name = "Alice", .dept_id = 1},
                                        {.id = 2, .name = "Bob", .dept_id = 1}});
  session.commit();
  for (const auto& emp :
       session.scalars(select<Employee>().where(orm::col(&Employee::name).like("A%"))))
    std::cout << emp->name << " → " << emp->department->name << "\n";  // lazy: one SELECT
}

void authors(const Engine& engine) {
  std::cout << "== Author and Book, books loaded with selectinload\n";
  {
    orm::Session session{engine};
    auto alice = session.add(Author{.name = "Alice Smith"});
    auto bob = session.add(Author{.name = "Bob Jones"});
    // Appending to a collection sets the other side in memory (back_populates) and the
    // foreign key at flush.
    alice->books.push_back(session.add(Book{.title = "Python Tricks"}));
    alice->books.push_back(session.add(Book{.title = "Django Mastery"}));
    bob->books.push_back(session.add(Book{.title = "SQLAlchemy in Action"}));
    session.commit();
  }
  std::size_t statements = 0;
  auto listener = engine.events().on_before_cursor_execute(
      [&](const CursorExecuteEvent&) { ++statements; });
  orm::Session session{engine};
  auto stmt = select<Author>().order_by({orm::col(&Author::name)}).options(
      selectinload(&Author::books));
  for (const auto& author : session.scalars(stmt)) {
    std::cout << author->name << ": [";
    for (std::size_t i = 0; i < author->books.size(); ++i)
      std::cout << (i ? ", " : "") << "'" << author->books[i]->title << "'";
    std::cout << "]\n";
  }
  engine.events().remove(listener);
  std::cout << "(" << statements << " statements)\n";
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string url = argc > 1 ? argv[1] : "sqlite://";
    MetaData metadata;
    orm::Registry registry{metadata};
    map_models(registry);
    auto engine = create_engine(url);
    metadata.create_all(engine);
    quick_start(engine);
    departments(engine);
    authors(engine);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "orm_quickstart: " << e.what() << "\n";
    return 1;
  }
}
