// The user guide's code (docs/guide.md), one function per section, run in order on one database.
// Every ```cpp block of the guide is a piece of this file (tests/sqlite/guide_test.cpp checks
// that, and runs the program comparing its output with what the guide says it prints).
//
//   guide [URL]        (URL defaults to sqlite://, an in-memory database)
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <crucible/crucible.hpp>
#include <crucible/inspection.hpp>

using namespace crucible;

namespace {

// ---- URLs and engines -----------------------------------------------------------------------
Engine engines(const std::string& where) {
  URL url = make_url("postgresql+libpq://scott:tiger@db.example.com:5432/shop?sslmode=require");
  std::cout << url.render()
            << "\n";  // postgresql+libpq://scott:***@db.example.com:5432/shop?sslmode=require
  std::cout << url.drivername() << " " << url.host() << " " << url.database() << "\n";

  auto engine = create_engine(where, {.pool_size = 5, .max_overflow = 10, .pool_pre_ping = true});
  return engine;
}

// ---- Schema ---------------------------------------------------------------------------------
struct Tables {
  MetaData metadata;
  Table users{"users", metadata, Column{"id", Integer{}, primary_key},
              Column{"name", String{50}, nullable(false)}, Column{"email", String{120}, unique}};
  Table orders{"orders",
               metadata,
               Column{"id", Integer{}, primary_key},
               Column{"user_id", Integer{}, ForeignKey{"users.id"}, nullable(false)},
               Column{"item", String{80}, nullable(false)},
               Column{"qty", Integer{}, nullable(false), server_default("1")},
               CheckConstraint{"qty > 0", "ck_orders_qty"}};
};

void schema(const Engine& engine, Tables& t) {
  t.metadata.create_all(engine);  // CREATE TABLE users, then orders (it refers to users)

  Inspector inspector(engine);
  for (const std::string& name : inspector.get_table_names()) std::cout << name << " ";
  std::cout << "\n";  // orders users
  for (const ReflectedColumn& c : inspector.get_columns("orders"))
    std::cout << c.name << (c.nullable ? "" : " NOT NULL") << "; ";
  std::cout << "\n";  // id NOT NULL; user_id NOT NULL; item NOT NULL; qty NOT NULL;

  MetaData reflected;
  Table orders = Table::reflect("orders", reflected, engine);
  std::cout << orders.data().foreign_keys.size() << " foreign key, to users: "
            << (reflected.contains("users") ? "reflected too" : "missing") << "\n";
}

// ---- Connections and transactions -----------------------------------------------------------
void transactions(const Engine& engine, const Tables& t) {
  {
    Connection conn = engine.connect();
    conn.execute(insert(t.users), {{"name", "alice"}, {"email", "alice@example.com"}});
    conn.commit();  // execute() began a transaction ("autobegin"); nothing commits by itself
  }

  engine.begin([&](Connection& conn) {  // commits when the block returns, rolls back if it throws
    conn.execute(insert(t.users),
                 std::vector<Params>{{{"name", "bob"}, {"email", "bob@example.com"}},
                                     {{"name", "carol"}, {"email", nullptr}}});
  });

  Connection conn = engine.connect();
  Transaction savepoint = conn.begin_nested();  // SAVEPOINT
  conn.execute(insert(t.users), {{"name", "mallory"}});
  savepoint.rollback();  // ROLLBACK TO SAVEPOINT: mallory is gone
  try {
    conn.execute(insert(t.users), {{"name", "dave"}, {"email", "alice@example.com"}});
  } catch (const IntegrityError&) {  // PEP 249's classes, each with sqlstate() and the SQL
    std::cout << "refused: duplicate email\n";
    conn.rollback();
  }
}

// ---- Queries --------------------------------------------------------------------------------
void queries(const Engine& engine, const Tables& t) {
  Connection conn = engine.connect();
  const Table& users = t.users;
  const Table& orders = t.orders;
  conn.execute(insert(orders), std::vector<Params>{{{"user_id", 1}, {"item", "pen"}, {"qty", 3}},
                                                   {{"user_id", 1}, {"item", "ink"}, {"qty", 1}},
                                                   {{"user_id", 2}, {"item", "pad"}, {"qty", 2}}});

  auto named = select(users.c("id"), users.c("name"))
                   .where(users.c("name").like("%o%") || users.c("id") == 1)
                   .order_by({users.c("name")})
                   .limit(10);
  for (const Row& row : conn.execute(named))
    std::cout << row.get<std::int64_t>("id") << ":" << row.get<std::string>("name") << " ";
  std::cout << "\n";  // 1:alice 2:bob 3:carol

  Expr total = func::sum(orders.c("qty"));
  auto per_user =
      select(users.c("name"), total.label("total"))
          .select_from(users.join(orders))  // ON orders.user_id = users.id, from the key
          .group_by({users.c("name")})
          .order_by({total.desc()});
  for (const Row& row : conn.execute(per_user))
    std::cout << row.get<std::string>("name") << "=" << row.get<std::int64_t>("total") << " ";
  std::cout << "\n";  // alice=4 bob=2

  FromClause busy = select(orders.c("user_id"))
                        .group_by({orders.c("user_id")})
                        .having(func::count(orders.c("id")) > 1)
                        .cte("busy");
  auto busy_names =
      select(users.c("name")).select_from(users.join(busy, users.c("id") == busy.c("user_id")));
  std::cout << conn.execute(busy_names).scalar_one().as<std::string>() << "\n";  // alice

  conn.execute(
      update(orders).values({{"qty", orders.c("qty") + 1}}).where(orders.c("item") == "ink"));
  conn.execute(delete_(orders).where(orders.c("item").in_({Value("pad")})));

  auto by_hand = text("SELECT item, qty FROM orders WHERE user_id = :uid ORDER BY item");
  for (const Row& row : conn.execute(by_hand, {{"uid", 1}}))
    std::cout << row.get<std::string>("item") << "x" << row.get<std::int64_t>("qty") << " ";
  std::cout << "\n";  // inkx2 penx3
  conn.commit();
}

// ---- Results --------------------------------------------------------------------------------
void results(const Engine& engine, const Tables& t) {
  Connection conn = engine.connect();
  const Table& users = t.users;

  Row alice =
      conn.execute(select(users).where(users.c("id") == 1)).one();  // exactly one, or throws
  std::cout << alice.get<std::string>("email") << "\n";             // alice@example.com

  std::optional<Row> nobody = conn.execute(select(users).where(users.c("id") == 99)).first();
  std::cout << (nobody ? "found" : "no row") << "\n";  // no row

  std::vector<Value> names =
      conn.execute(select(users.c("name")).order_by({users.c("id")})).scalars().all();
  std::cout << names.size() << " names, first " << names.front().as<std::string>() << "\n";

  for (const RowMapping& m :
       conn.execute(select(users).where(users.c("email").is_null())).mappings().all())
    std::cout << m.get<std::string>("name") << " has no email\n";  // carol has no email

  Result big = conn.execute(select(users).order_by({users.c("id")}));
  big.yield_per(2);  // rows fetched two at a time, for results too big to hold
  for (std::vector<Row> part = big.partition(); !part.empty(); part = big.partition())
    std::cout << part.size() << " ";
  std::cout << "\n";  // 2 1
}

// ---- Upsert ---------------------------------------------------------------------------------
void upsert(const Engine& engine, const Tables& t) {
  Connection conn = engine.connect();
  const Table& users = t.users;
  conn.execute(insert(users)
                   .values({{"id", 1}, {"name", "alice"}, {"email", "alice@new.example.com"}})
                   .on_conflict_do_update({"id"}, {{"email", excluded(users, "email")}}));
  conn.commit();
  std::cout << conn.execute(select(users.c("email")).where(users.c("id") == 1))
                   .scalar_one()
                   .as<std::string>()
            << "\n";  // alice@new.example.com
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Engine engine = engines(argc > 1 ? argv[1] : "sqlite://");
    Tables tables;
    schema(engine, tables);
    transactions(engine, tables);
    queries(engine, tables);
    results(engine, tables);
    upsert(engine, tables);
  } catch (const std::exception& e) {
    std::cerr << "guide: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
