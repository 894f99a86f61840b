// Engine level: the same Core statements (schema, executemany inserts, selects with filters,
// grouping and ordering, UPDATE/DELETE rowcounts, the portable upsert, RETURNING, reflection)
// on postgresql+libpq and on postgresql+odbc give equal results: the dialect compiles the same
// SQL for both, and only the paramstyle and the wire differ.
#include <optional>
#include <string>
#include <vector>

#include "crucible/crucible.hpp"
#include "odbc_fixture.hpp"

using namespace crucible;
using crucible::testing::environment;
using crucible::testing::missing;

namespace {

// Everything a workload observed, in order: each statement's rows and rowcounts.
struct Observed {
  std::vector<std::vector<Value>> rows;
  std::vector<std::int64_t> counts;
};

// Runs the workload on engine with a table of its own name and returns what it saw.
Observed run_workload(Engine& engine) {
  MetaData metadata;
  Table items{"odbc_engine_items",
              metadata,
              Column{"id", Integer{}, primary_key},
              Column{"name", String{40}, nullable(false)},
              Column{"grp", Integer{}},
              Column{"price", Numeric{12, 2}},
              Column{"active", Boolean{}},
              Column{"seen", types::DateTime{}},
              Column{"tag", types::Uuid{}},
              Column{"doc", JSON{}},
              Column{"blob", LargeBinary{}}};
  metadata.drop_all(engine);
  metadata.create_all(engine);
  Observed seen;
  const auto keep = [&seen](Result result) {
    seen.counts.push_back(result.rowcount());
    if (!result.keys().empty()) {
      for (const Row& row : result.all()) {
        std::vector<Value> values;
        for (std::size_t i = 0; i < row.size(); ++i) values.push_back(row[i]);
        seen.rows.push_back(std::move(values));
      }
    }
  };
  engine.begin([&](Connection& conn) {
    std::vector<Params> rows;
    for (int i = 1; i <= 50; ++i) {
      rows.push_back({{"id", i},
                      {"name", "item " + std::to_string(i) + " \xE2\x9C\x93"},
                      {"grp", i % 4},
                      {"price", Decimal{std::to_string(i) + ".25"}},
                      {"active", i % 3 == 0},
                      {"seen", DateTime{{2024, 1, static_cast<std::uint8_t>(1 + i % 28)},
                                        {10, 20, 30, static_cast<std::uint32_t>(i * 1000)},
                                        std::nullopt}},
                      {"tag", Uuid::parse("00000000-0000-0000-0000-0000000000" +
                                          std::string(i < 10 ? "0" : "") + std::to_string(i))},
                      {"doc", Json{"{\"n\": " + std::to_string(i) + "}"}},
                      {"blob", Bytes{std::byte{0}, static_cast<std::byte>(i)}}});
    }
    keep(conn.execute(insert(items), rows));
  });
  Connection conn = engine.connect();
  keep(conn.execute(select(items).where(items.c("grp") == 1).order_by({items.c("id")})));
  keep(conn.execute(select(items.c("grp"), func::count(), func::sum(items.c("price")))
                        .group_by({items.c("grp")})
                        .order_by({items.c("grp")})));
  keep(conn.execute(
      select(items.c("name")).where(items.c("active") == true).order_by({items.c("id").desc()})));
  keep(conn.execute(update(items).where(items.c("grp") == 2).values({{"name", "two"}})));
  keep(conn.execute(delete_(items).where(items.c("id") > 45)));
  keep(conn.execute(delete_(items).where(items.c("id") > 1000)));
  keep(conn.execute(insert(items)
                        .values({{"id", 1}, {"name", "upserted"}, {"grp", 9}})
                        .on_conflict_do_update({"id"}, {{"name", excluded(items, "name")}})));
  keep(conn.execute(insert(items)
                        .values({{"id", 100}, {"name", "returned"}, {"price", Decimal{"0.01"}}})
                        .returning({items.c("id"), items.c("name"), items.c("price")})));
  keep(conn.execute(select(items).order_by({items.c("id")})));
  conn.commit();
  Inspector inspector(conn);
  for (const ReflectedColumn& column : inspector.get_columns("odbc_engine_items")) {
    seen.rows.push_back({Value(column.name), Value(column.type), Value(column.nullable)});
  }
  metadata.drop_all(engine);
  return seen;
}

TEST(OdbcEngineTest, CoreStatements_GiveTheSameResultsOnLibpqAndOdbc) {
  const auto libpq_url = environment("CRUCIBLE_POSTGRESQL_URL");
  const auto odbc_url = environment("CRUCIBLE_POSTGRESQL_ODBC_URL");
  if (!libpq_url) FAIL() << missing("CRUCIBLE_POSTGRESQL_URL");
  if (!odbc_url) FAIL() << missing("CRUCIBLE_POSTGRESQL_ODBC_URL");
  Engine libpq = create_engine(*libpq_url);
  Engine odbc = create_engine(*odbc_url);
  EXPECT_EQ(odbc.driver().name(), "odbc");
  EXPECT_EQ(odbc.dialect().name(), "postgresql");
  const Observed native = run_workload(libpq);
  const Observed through_odbc = run_workload(odbc);
  EXPECT_EQ(native.counts, through_odbc.counts);
  ASSERT_EQ(native.rows.size(), through_odbc.rows.size());
  for (std::size_t i = 0; i < native.rows.size(); ++i) {
    ASSERT_EQ(native.rows[i].size(), through_odbc.rows[i].size()) << "row " << i;
    for (std::size_t j = 0; j < native.rows[i].size(); ++j) {
      EXPECT_EQ(native.rows[i][j], through_odbc.rows[i][j])
          << "row " << i << " column " << j << ": libpq " << native.rows[i][j].to_string()
          << ", odbc " << through_odbc.rows[i][j].to_string();
    }
  }
  EXPECT_GT(native.rows.size(), 60u);
  libpq.dispose();
  odbc.dispose();
}

}  // namespace
