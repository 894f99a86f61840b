// The quick start: declare a table, create it, insert two users in a transaction, find one by
// name (SQLAlchemy's Core tutorial, in C++).
//
//   quickstart [URL] [--echo]       (URL defaults to sqlite:///app.db; --echo logs the SQL)
//
// The engine loads the SQLite plugin from its shared library because the URL says "sqlite".
// The program runs again on the same database: it drops the table first.
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <crucible/crucible.hpp>

using namespace crucible;

int main(int argc, char** argv) {
  std::string url = "sqlite:///app.db";
  bool echo = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--echo")
      echo = true;
    else
      url = arg;
  }

  try {
    auto engine = create_engine(url, {.echo = echo});

    MetaData metadata;
    Table users{"users", metadata, Column{"id", Integer{}, primary_key},
                Column{"name", String{50}, nullable(false)}, Column{"email", String{120}, unique}};
    metadata.drop_all(engine);  // DROP TABLE for the tables that exist, then CREATE TABLE
    metadata.create_all(engine);

    engine.begin([&](Connection& conn) {  // commits when the block returns, rolls back if it throws
      conn.execute(insert(users),         // several parameter sets: one executemany
                   std::vector<Params>{{{"name", "Alice"}, {"email", "alice@example.com"}},
                                       {{"name", "Bob"}, {"email", "bob@example.com"}}});
    });

    auto conn = engine.connect();
    for (const Row& row : conn.execute(select(users.c("email")).where(users.c("name") == "Alice")))
      std::cout << row.get<std::string>("email") << "\n";
  } catch (const std::exception& e) {
    std::cerr << "quickstart: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
