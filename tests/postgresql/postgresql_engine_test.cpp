// Engine, Connection and Transaction over the PostgreSQL plugin, with text() statements: values
// of every kind through :name binds (compiled to $n), transactions and savepoints, isolation
// levels, executemany, rowcount, and a killed backend recovered by the pool.
#include <optional>
#include <string>

#include "crucible/crucible.hpp"
#include "pg_fixture.hpp"

using namespace crucible;

namespace {

class PostgresqlEngineTest : public crucible::testing::PgFixture {
 protected:
  void SetUp() override {
    PgFixture::SetUp();
    if (HasFatalFailure()) return;
    engine_.emplace(create_engine(url()));
    engine_->begin([](Connection& conn) {
      conn.execute(text("CREATE TABLE users (id serial PRIMARY KEY, name varchar(50) NOT NULL "
                        "UNIQUE, balance numeric(12,2), active boolean DEFAULT true, "
                        "joined timestamptz, tag uuid, profile jsonb, avatar bytea)"));
    });
  }
  void TearDown() override {
    if (engine_) engine_->dispose();
    engine_.reset();
    PgFixture::TearDown();
  }
  std::int64_t count(Connection& conn) {
    return conn.execute(text("SELECT count(*) FROM users")).scalar().as<std::int64_t>();
  }
  Engine& engine() { return *engine_; }

  std::optional<Engine> engine_;
};

}  // namespace

TEST_F(PostgresqlEngineTest, CreateEngineLoadsThePluginByUrl) {
  EXPECT_EQ(engine().dialect().name(), "postgresql");
  EXPECT_EQ(engine().driver().name(), "libpq");
  const auto url = make_url(base_url_).with_drivername("postgresql+libpq");
  auto explicit_driver = create_engine(url);
  auto conn = explicit_driver.connect();
  EXPECT_EQ(conn.execute(text("SELECT 1 + 1")).scalar(), Value(std::int64_t{2}));
}

TEST_F(PostgresqlEngineTest, NamedBindsOfEveryKindRoundTrip) {
  const DateTime joined{Date{2024, 6, 1}, Time{12, 30, 0, 250000}, 0};
  const Uuid tag = Uuid::parse("123e4567-e89b-12d3-a456-426614174000");
  const Bytes avatar{std::byte{0}, std::byte{0xff}, std::byte{0}};
  engine().begin([&](Connection& conn) {
    conn.execute(text("INSERT INTO users (name, balance, active, joined, tag, profile, avatar) "
                      "VALUES (:name, :balance, :active, :joined, :tag, :profile, :avatar)"),
                 {{"name", "Zoë"},
                  {"balance", Decimal{"1234567890.12"}},
                  {"active", false},
                  {"joined", joined},
                  {"tag", tag},
                  {"profile", Json{R"({"langs": ["c++", "sql"]})"}},
                  {"avatar", avatar}});
  });
  auto conn = engine().connect();
  conn.exec_driver_sql("SET TIME ZONE 'UTC'");
  const Row row = conn.execute(text("SELECT name, balance, active, joined, tag, profile, avatar "
                                    "FROM users WHERE name = :name"),
                               {{"name", "Zoë"}})
                      .one();
  EXPECT_EQ(row.get<std::string>("name"), "Zoë");
  EXPECT_EQ(row["balance"], Value(Decimal{"1234567890.12"}));
  EXPECT_EQ(row["active"], Value(false));
  EXPECT_EQ(row["joined"], Value(joined));
  EXPECT_EQ(row["tag"], Value(tag));
  EXPECT_EQ(row["profile"], Value(Json{R"({"langs": ["c++", "sql"]})"}));
  EXPECT_EQ(row["avatar"], Value(avatar));
}

TEST_F(PostgresqlEngineTest, NullBindsStoreNull) {
  auto conn = engine().connect();
  conn.execute(text("INSERT INTO users (name, balance, joined) VALUES (:n, :b, :j)"),
               {{"n", "nobody"}, {"b", Value()}, {"j", Value()}});
  const Row row =
      conn.execute(text("SELECT balance IS NULL, joined IS NULL, active FROM users")).one();
  EXPECT_EQ(row[0], Value(true));
  EXPECT_EQ(row[1], Value(true));
  EXPECT_EQ(row[2], Value(true)) << "the column default applied";
}

TEST_F(PostgresqlEngineTest, SameNameTwiceIsOneParameter) {
  auto conn = engine().connect();
  EXPECT_EQ(conn.execute(text("SELECT :x + :x, :y"), {{"x", 20}, {"y", "two"}}).one().values(),
            (std::vector<Value>{std::int64_t{40}, "two"}));
}

TEST_F(PostgresqlEngineTest, PostgresqlCastSyntaxIsNotABind) {
  auto conn = engine().connect();
  EXPECT_EQ(conn.execute(text("SELECT 5::text || :v"), {{"v", "x"}}).scalar(), Value("5x"));
}

TEST_F(PostgresqlEngineTest, BeginRollsBackWhenTheBlockThrows) {
  EXPECT_THROW(engine().begin([](Connection& conn) {
    conn.execute(text("INSERT INTO users (name) VALUES ('Alice')"));
    throw std::runtime_error("stop");
  }),
               std::runtime_error);
  auto conn = engine().connect();
  EXPECT_EQ(count(conn), 0);
}

TEST_F(PostgresqlEngineTest, CommitIsVisibleToOtherConnectionsAndCloseRollsBack) {
  {
    auto conn = engine().connect();
    conn.execute(text("INSERT INTO users (name) VALUES ('kept')"));
    conn.commit();
    conn.execute(text("INSERT INTO users (name) VALUES ('dropped')"));
  }  // closed with a transaction open: rolled back
  auto reader = engine().connect();
  EXPECT_EQ(reader.execute(text("SELECT name FROM users")).scalars().all(),
            (std::vector<Value>{"kept"}));
}

TEST_F(PostgresqlEngineTest, RolledBackSavepointDiscardsOnlyItsRows) {
  {
    auto conn = engine().connect();
    Transaction outer = conn.begin();
    conn.execute(text("INSERT INTO users (name) VALUES ('outer')"));
    {
      Transaction nested = conn.begin_nested();
      conn.execute(text("INSERT INTO users (name) VALUES ('inner')"));
      nested.rollback();
    }
    Transaction kept = conn.begin_nested();
    conn.execute(text("INSERT INTO users (name) VALUES ('released')"));
    kept.commit();
    outer.commit();
  }
  auto conn = engine().connect();
  EXPECT_EQ(conn.execute(text("SELECT name FROM users ORDER BY name")).scalars().all(),
            (std::vector<Value>{"outer", "released"}));
}

TEST_F(PostgresqlEngineTest, SavepointRecoversFromAnErrorInsideTheTransaction) {
  auto conn = engine().connect();
  Transaction tx = conn.begin();
  conn.execute(text("INSERT INTO users (name) VALUES ('first')"));
  {
    Transaction nested = conn.begin_nested();
    EXPECT_THROW(conn.execute(text("INSERT INTO users (name) VALUES ('first')")), IntegrityError);
    nested.rollback();
  }
  conn.execute(text("INSERT INTO users (name) VALUES ('second')"));
  tx.commit();
  auto reader = engine().connect();
  EXPECT_EQ(count(reader), 2);
}

TEST_F(PostgresqlEngineTest, IsolationLevelOptionAppliesToEveryConnection) {
  auto serial = create_engine(url(), {.isolation_level = "SERIALIZABLE"});
  auto conn = serial.connect();
  EXPECT_EQ(conn.execute(text("SHOW transaction_isolation")).scalar(), Value("serializable"));
  auto autocommit = create_engine(url(), {.isolation_level = "AUTOCOMMIT"});
  auto writer = autocommit.connect();
  writer.execute(text("INSERT INTO users (name) VALUES ('auto')"));
  auto reader = engine().connect();
  EXPECT_EQ(count(reader), 1) << "AUTOCOMMIT made the insert durable without a commit";
  EXPECT_THROW(create_engine(url(), {.isolation_level = "SNAPSHOT"}).connect(), ArgumentError);
}

TEST_F(PostgresqlEngineTest, ExecutemanyThroughTheEngineInsertsEverySet) {
  std::vector<Params> sets;
  for (int i = 0; i < 200; ++i) {
    sets.push_back({{"name", "user" + std::to_string(i)}, {"balance", Decimal{"1.50"}}});
  }
  engine().begin([&](Connection& conn) {
    const Result result =
        conn.execute(text("INSERT INTO users (name, balance) VALUES (:name, :balance)"), sets);
    EXPECT_EQ(result.rowcount(), 200);
  });
  auto conn = engine().connect();
  EXPECT_EQ(conn.execute(text("SELECT sum(balance) FROM users")).scalar(),
            Value(Decimal{"300.00"}));
}

TEST_F(PostgresqlEngineTest, RowcountOfUpdateAndDelete) {
  auto conn = engine().connect();
  conn.execute(text("INSERT INTO users (name) VALUES ('a'), ('b'), ('c')"));
  EXPECT_EQ(conn.execute(text("UPDATE users SET active = false WHERE name <> :n"), {{"n", "a"}})
                .rowcount(),
            2);
  EXPECT_EQ(conn.execute(text("DELETE FROM users")).rowcount(), 3);
}

TEST_F(PostgresqlEngineTest, ReturningGivesGeneratedKeys) {
  auto conn = engine().connect();
  const auto ids = conn.execute(text("INSERT INTO users (name) VALUES ('a'), ('b') RETURNING id"))
                       .scalars()
                       .all();
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[1].as<std::int64_t>(), ids[0].as<std::int64_t>() + 1);
}

TEST_F(PostgresqlEngineTest, ErrorsReachTheProgramAsTheirPep249Classes) {
  auto conn = engine().connect();
  conn.execute(text("INSERT INTO users (name) VALUES ('a')"));
  try {
    conn.execute(text("INSERT INTO users (name) VALUES (:n)"), {{"n", "a"}});
    FAIL();
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.sqlstate(), "23505");
  }
  conn.rollback();
  try {
    conn.execute(text("SELECT FROM WHERE"));
    FAIL();
  } catch (const ProgrammingError& e) {
    EXPECT_EQ(e.sqlstate(), "42601");
  }
}

TEST_F(PostgresqlEngineTest, KilledBackendInvalidatesTheConnectionAndTheNextOneWorks) {
  auto engine = create_engine(url(), {.pool_size = 1, .max_overflow = 0});
  std::int64_t first_pid = 0;
  {
    auto conn = engine.connect();
    first_pid = conn.execute(text("SELECT pg_backend_pid()")).scalar().as<std::int64_t>();
    EXPECT_EQ(scalar(*admin_, "SELECT pg_terminate_backend($1, 10000)", {first_pid}), Value(true));
    try {
      conn.execute(text("SELECT 1"));
      FAIL() << "the backend was terminated";
    } catch (const OperationalError& e) {
      EXPECT_TRUE(engine.dialect().is_disconnect(e)) << e.what();
    }
  }
  auto conn = engine.connect();  // the dead one was discarded, not pooled
  const auto pid = conn.execute(text("SELECT pg_backend_pid()")).scalar().as<std::int64_t>();
  EXPECT_NE(pid, first_pid);
}

TEST_F(PostgresqlEngineTest, PrePingReplacesAConnectionKilledWhileInThePool) {
  auto engine = create_engine(url(), {.pool_size = 1, .max_overflow = 0, .pool_pre_ping = true});
  std::int64_t first_pid = 0;
  {
    auto conn = engine.connect();
    first_pid = conn.execute(text("SELECT pg_backend_pid()")).scalar().as<std::int64_t>();
  }  // back in the pool
  EXPECT_EQ(scalar(*admin_, "SELECT pg_terminate_backend($1, 10000)", {first_pid}), Value(true));
  auto conn = engine.connect();
  const auto pid = conn.execute(text("SELECT pg_backend_pid()")).scalar().as<std::int64_t>();
  EXPECT_NE(pid, first_pid) << "pre-ping found the pooled connection dead and made a new one";
}

TEST_F(PostgresqlEngineTest, WithoutPrePingAKilledPooledConnectionFailsOnceThenRecovers) {
  auto engine = create_engine(url(), {.pool_size = 1, .max_overflow = 0});
  std::int64_t first_pid = 0;
  {
    auto conn = engine.connect();
    first_pid = conn.execute(text("SELECT pg_backend_pid()")).scalar().as<std::int64_t>();
  }
  EXPECT_EQ(scalar(*admin_, "SELECT pg_terminate_backend($1, 10000)", {first_pid}), Value(true));
  {
    auto conn = engine.connect();
    EXPECT_THROW(conn.execute(text("SELECT 1")), OperationalError);
  }
  auto conn = engine.connect();
  EXPECT_EQ(conn.execute(text("SELECT 1")).scalar(), Value(std::int64_t{1}));
}

TEST_F(PostgresqlEngineTest, ExecutemanyInsertReturningGivesRowsInParameterOrder) {
  MetaData metadata;
  const Table users = Table::reflect("users", metadata, engine());
  std::vector<Params> sets;
  for (int i = 0; i < 500; ++i) {  // names that sort in another order than they are sent
    sets.push_back({{"name", "user" + std::to_string((i * 7) % 500)}, {"active", i % 3 == 0}});
  }
  engine().begin([&](Connection& conn) {
    Result result = conn.execute(
        insert(users).returning({users.c("id"), users.c("name"), users.c("active")}), sets);
    const std::vector<Row> rows = result.all();
    ASSERT_EQ(rows.size(), sets.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      EXPECT_EQ(rows[i].get<std::string>("name"), sets[i].at("name").as<std::string>()) << i;
      EXPECT_EQ(rows[i].get<bool>("active"), i % 3 == 0) << i;
      if (i > 0) {
        EXPECT_GT(rows[i].get<std::int64_t>("id"), rows[i - 1].get<std::int64_t>("id"));
      }
    }
    EXPECT_EQ(result.rowcount(), 500);
  });
}

TEST_F(PostgresqlEngineTest, ExecutemanyWithAFailingRowRaisesIntegrityErrorAndKeepsTheConnection) {
  MetaData metadata;
  const Table users = Table::reflect("users", metadata, engine());
  std::vector<Params> sets;
  for (int i = 0; i < 100; ++i) sets.push_back({{"name", "u" + std::to_string(i % 60)}});
  auto conn = engine().connect();
  try {
    conn.execute(insert(users), sets);
    FAIL() << "a duplicate name in set 60 must fail the executemany";
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.sqlstate(), "23505") << e.what();
  }
  conn.rollback();  // PostgreSQL aborted the transaction; nothing of it is kept
  EXPECT_EQ(count(conn), 0);
  conn.execute(insert(users), std::vector<Params>{{{"name", "a"}}, {{"name", "b"}}});
  conn.commit();
  EXPECT_EQ(count(conn), 2) << "the connection works after the failed pipeline";
}

TEST_F(PostgresqlEngineTest, ExecutemanyInsertGoesAsMultiRowPagesAndStoresEverySet) {
  // 2,500 sets: two full pages of 1,000 rows (one executemany of the 1,000-row INSERT) and a
  // last INSERT of 500 rows (SQLAlchemy's insertmanyvalues); every value lands in its own row.
  MetaData metadata;
  const Table users = Table::reflect("users", metadata, engine());
  std::vector<Params> sets;
  for (int i = 0; i < 2500; ++i) {
    sets.push_back({{"name", "user" + std::to_string(i)},
                    {"balance", Decimal{std::to_string(i) + ".25"}},
                    {"active", i % 2 == 0}});
  }
  const std::uint64_t misses_before = engine().compiled_cache().misses();
  engine().begin(
      [&](Connection& conn) { EXPECT_EQ(conn.execute(insert(users), sets).rowcount(), 2500); });
  // The single-row INSERT, then its 1,000-row and 500-row forms: three compilations.
  EXPECT_EQ(engine().compiled_cache().misses() - misses_before, 3u);
  auto conn = engine().connect();
  EXPECT_EQ(count(conn), 2500);
  const Row totals = conn.execute(text("SELECT sum(balance), count(*) FILTER (WHERE active), "
                                       "count(DISTINCT name) FROM users"))
                         .one();
  EXPECT_EQ(totals[0], Value(Decimal{"3124375.00"}));  // sum of i + 0.25 for i < 2500
  EXPECT_EQ(totals.get<std::int64_t>(1), 1250);
  EXPECT_EQ(totals.get<std::int64_t>(2), 2500);
  const Row last =
      conn.execute(text("SELECT balance, active FROM users WHERE name = 'user2499'")).one();
  EXPECT_EQ(last[0], Value(Decimal{"2499.25"}));
  EXPECT_FALSE(last.get<bool>(1));
}

TEST_F(PostgresqlEngineTest, ExecutemanyUpsertInPagesUpdatesOnlyTheConflictingRows) {
  MetaData metadata;
  const Table users = Table::reflect("users", metadata, engine());
  engine().begin([&](Connection& conn) {
    conn.execute(text("INSERT INTO users (name, balance) VALUES ('user5', 1), ('user1500', 2)"));
  });
  std::vector<Params> sets;
  for (int i = 0; i < 1200; ++i)
    sets.push_back({{"name", "user" + std::to_string(i)}, {"balance", Decimal{"9.00"}}});
  engine().begin([&](Connection& conn) {
    conn.execute(insert(users).on_conflict_do_nothing({"name"}), sets);
  });
  auto conn = engine().connect();
  EXPECT_EQ(count(conn), 1201);
  EXPECT_EQ(conn.execute(text("SELECT balance FROM users WHERE name = 'user5'")).scalar(),
            Value(Decimal{"1.00"}))
      << "DO NOTHING left the existing row alone";
}
