// The quick start: create a table, insert two users in a transaction, find one by name.
//
//   quickstart [URL] [--echo]       (URL defaults to sqlite:///app.db; --echo logs the SQL)
//
// The engine loads the SQLite plugin from its shared library because the URL says "sqlite".
// (Tables will be declared with MetaData/Table once the expression language lands; text() for now.)
#include <iostream>
#include <string>
#include <string_view>

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

    engine.begin([](Connection& conn) {  // the schema
      conn.execute(text("DROP TABLE IF EXISTS users"));
      conn.execute(text("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, "
                        "email VARCHAR(120) UNIQUE)"));
    });

    engine.begin([](Connection& conn) {  // commits when the block returns, rolls back if it throws
      conn.execute(text("INSERT INTO users (name, email) VALUES (:name, :email)"),
                   {{{"name", "Alice"}, {"email", "alice@example.com"}},
                    {{"name", "Bob"}, {"email", "bob@example.com"}}});
    });

    auto conn = engine.connect();
    Result result =
        conn.execute(text("SELECT email FROM users WHERE name = :name"), {{"name", "Alice"}});
    for (const Row& row : result) std::cout << row.get<std::string>("email") << "\n";
  } catch (const std::exception& e) {
    std::cerr << "quickstart: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
