// The application's migration program (what Alembic's env.py is to a SQLAlchemy project): it
// declares the application's MetaData and hands it to crucible's migration commands, so that
// `migrate_books revision --autogenerate -m "add books table"` can compare it with the
// database. docs/migrations.md walks through it; tests/migrate/docs_test.cpp runs that walk.
#include <crucible/crucible.hpp>
#include <crucible/migrate/commands.hpp>

int main(int argc, char** argv) {
  using namespace crucible;
  MetaData metadata;
  Table books{"books",
              metadata,
              Column{"id", Integer{}, primary_key},
              Column{"title", String{200}, nullable(false)},
              Column{"author", String{100}},
              Column{"published", Integer{}, indexed}};
  return migrate::main(argc, argv, metadata);
}
