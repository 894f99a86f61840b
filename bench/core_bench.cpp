// Core against a hand-written sqlite3 loop doing the same work, in one run (CONVENTIONS.md
// "Benchmarks"; the workloads of SQLAlchemy's examples/performance/bulk_inserts.py and
// large_resultsets.py):
//
//   insert   100,000 rows into an empty table in one transaction:
//            crucible: engine.begin + conn.execute(insert(t), vector<Params>) (an executemany);
//            raw:      BEGIN, one prepared INSERT, bind/step/reset per row, COMMIT.
//   insert+params  the same, with building the vector<Params> from the program's structs timed
//            too (what a program that holds its data in structs pays).
//   insert+returning  the insert with RETURNING id, every id read (what the ORM's flush does
//            to learn its new keys): multi-row INSERT … VALUES … RETURNING pages of 1,000
//            rows, compared with crucible's insert without RETURNING (its one executemany).
//   select   all 100,000 rows, reading every value into C++ (int64, std::string):
//            crucible: conn.execute(select(t)), row.get<T>(i) for each column;
//            raw:      BEGIN, prepare, step with sqlite3_column_*, COMMIT.
//   get      10,000 selects by primary key, each row read into C++ (SQLAlchemy's short_selects
//            "test_core"; what session.get costs below the ORM), on one connection:
//            crucible: conn.execute(select(t).where(t.c("id") == id)), the row's values read;
//            raw:      BEGIN, one prepared SELECT … WHERE id = ?, bind/step/reset per id, COMMIT.
//
// Both sides use a file database in a fresh temporary directory (one file each, the same table
// created by the same DDL, the same data) and the library's default settings. Repetitions are
// interleaved at random so that a busy moment of the machine does not fall on one side only.
// At the end the ratio crucible/raw of the fastest repetitions' times is printed per workload,
// with the targets of issue 3 (insert <= 1.10, select <= 1.3; get <= 1.3, issue 6 item 8).
//
//   core_bench [Google Benchmark flags, e.g. --benchmark_repetitions=9]
#include <sqlite3.h>
#include <stdlib.h>  // mkdtemp

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>
#include <crucible/crucible.hpp>

#include "bench_support.hpp"

using namespace crucible;
using crucible::bench::bench_main;
using crucible::bench::guarded;

namespace {

constexpr std::size_t kRows = 100'000;
constexpr std::size_t kLookups = 10'000;

/// One row of the program's data, as a program would hold it.
struct Customer {
  std::string name;
  std::string description;
  std::int64_t quantity{};
};

using crucible::bench::Checksum;

void check(int rc, int wanted, sqlite3* db, std::string_view what) {
  if (rc != wanted)
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db) + " (code " +
                             std::to_string(rc) + ")");
}

void exec(sqlite3* db, const char* sql) {
  check(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK, db, sql);
}

/// The raw side: the hand-written loop a C programmer would write.
void raw_insert(sqlite3* db, const std::string& table, const std::vector<Customer>& rows) {
  exec(db, "BEGIN");
  const std::string sql =
      "INSERT INTO " + table + " (name, description, quantity) VALUES (?, ?, ?)";
  sqlite3_stmt* stmt = nullptr;
  check(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK, db, sql);
  for (const Customer& c : rows) {
    sqlite3_bind_text(stmt, 1, c.name.data(), static_cast<int>(c.name.size()), SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, c.description.data(), static_cast<int>(c.description.size()),
                      SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 3, c.quantity);
    check(sqlite3_step(stmt), SQLITE_DONE, db, sql);
    sqlite3_reset(stmt);
  }
  sqlite3_finalize(stmt);
  exec(db, "COMMIT");
}

Checksum raw_select(sqlite3* db, const std::string& table) {
  exec(db, "BEGIN");
  const std::string sql = "SELECT id, name, description, quantity FROM " + table;
  sqlite3_stmt* stmt = nullptr;
  check(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK, db, sql);
  Checksum sum;
  int rc = 0;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const std::int64_t id = sqlite3_column_int64(stmt, 0);
    std::string name(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt, 1)));
    std::string description(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 2)),
                            static_cast<std::size_t>(sqlite3_column_bytes(stmt, 2)));
    const std::int64_t quantity = sqlite3_column_int64(stmt, 3);
    sum.add(id, name, description, quantity);
  }
  check(rc, SQLITE_DONE, db, sql);
  sqlite3_finalize(stmt);
  exec(db, "COMMIT");
  return sum;
}

// The ids the get workload looks up: spread over the table, each present.
std::vector<std::int64_t> lookup_ids() {
  std::vector<std::int64_t> ids;
  ids.reserve(kLookups);
  for (std::size_t i = 0; i < kLookups; ++i)
    ids.push_back(static_cast<std::int64_t>((i * 7919) % kRows) + 1);
  return ids;
}

Checksum raw_get(sqlite3* db, const std::string& table, const std::vector<std::int64_t>& ids) {
  // In one transaction, as crucible's connection reads (its implicit BEGIN): no file lock taken
  // and released per select.
  exec(db, "BEGIN");
  const std::string sql = "SELECT id, name, description, quantity FROM " + table + " WHERE id = ?";
  sqlite3_stmt* stmt = nullptr;
  check(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK, db, sql);
  Checksum sum;
  for (std::int64_t id : ids) {
    sqlite3_bind_int64(stmt, 1, id);
    check(sqlite3_step(stmt), SQLITE_ROW, db, sql);
    std::string name(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt, 1)));
    std::string description(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 2)),
                            static_cast<std::size_t>(sqlite3_column_bytes(stmt, 2)));
    sum.add(sqlite3_column_int64(stmt, 0), name, description, sqlite3_column_int64(stmt, 3));
    sqlite3_reset(stmt);
  }
  sqlite3_finalize(stmt);
  exec(db, "COMMIT");
  return sum;
}

std::vector<Params> to_params(const std::vector<Customer>& rows) {
  std::vector<Params> out;
  out.reserve(rows.size());
  for (const Customer& c : rows)
    out.push_back({{"name", c.name}, {"description", c.description}, {"quantity", c.quantity}});
  return out;
}

/// The crucible side.
void crucible_insert(const Engine& engine, const Table& table, const std::vector<Params>& rows) {
  engine.begin([&](Connection& conn) { conn.execute(insert(table), rows); });
}

/// The crucible side with RETURNING id; returns the sum of the ids read.
std::int64_t crucible_insert_returning(const Engine& engine, const Table& table,
                                       const std::vector<Params>& rows) {
  return engine.begin([&](Connection& conn) {
    std::int64_t sum = 0;
    std::size_t count = 0;
    for (const Row& row : conn.execute(insert(table).returning({table.c("id")}), rows)) {
      sum += row.get<std::int64_t>(0);
      ++count;
    }
    if (count != rows.size())
      throw std::runtime_error("RETURNING gave " + std::to_string(count) + " rows for " +
                               std::to_string(rows.size()) + " parameter sets");
    return sum;
  });
}

Checksum crucible_select(const Engine& engine, const Table& table) {
  auto conn = engine.connect();
  Checksum sum;
  for (const Row& row : conn.execute(select(table)))
    sum.add(row.get<std::int64_t>(0), row.get<std::string>(1), row.get<std::string>(2),
            row.get<std::int64_t>(3));
  return sum;
}

Checksum crucible_get(Connection& conn, const Table& table, const std::vector<std::int64_t>& ids) {
  Checksum sum;
  for (std::int64_t id : ids) {
    Result result = conn.execute(select(table).where(table.c("id") == id));
    const std::optional<Row> row = result.first();
    if (!row) throw std::runtime_error("no row with id " + std::to_string(id));
    sum.add(row->get<std::int64_t>(0), row->get<std::string>(1), row->get<std::string>(2),
            row->get<std::int64_t>(3));
  }
  return sum;
}

/// Everything the benchmarks share: the directory, the two databases, the tables, the data.
class World {
 public:
  World() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "crucible-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed for " + pattern);
    dir_ = pattern;

    data_.reserve(kRows);
    for (std::size_t i = 0; i < kRows; ++i)
      data_.push_back({"customer name " + std::to_string(i),
                       "customer description " + std::to_string(i) + " of the bulk insert test",
                       static_cast<std::int64_t>(i % 1000)});
    params_ = to_params(data_);
    ids_ = lookup_ids();

    // One definition for every table of both databases: the DDL is crucible's, the same for both.
    for (const char* name : {"customers", "customers_read"})
      tables_.emplace(name, Table{name, metadata_, Column{"id", Integer{}, primary_key},
                                  Column{"name", String{255}, nullable(false)},
                                  Column{"description", String{255}, nullable(false)},
                                  Column{"quantity", Integer{}, nullable(false)}});
    engine_.emplace(create_engine("sqlite:///" + (dir_ / "crucible.db").string()));
    metadata_.create_all(*engine_);
    {
      auto raw_engine = create_engine("sqlite:///" + (dir_ / "raw.db").string());
      metadata_.create_all(raw_engine);
    }
    check(sqlite3_open_v2((dir_ / "raw.db").c_str(), &raw_, SQLITE_OPEN_READWRITE, nullptr),
          SQLITE_OK, raw_, "open raw.db");

    // The select workload's rows, identical in both files.
    raw_insert(raw_, "customers_read", data_);
    crucible_insert(*engine_, table("customers_read"), params_);
  }
  ~World() {
    engine_.reset();
    sqlite3_close(raw_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  const Table& table(const std::string& name) const { return tables_.at(name); }
  const Engine& engine() const { return *engine_; }
  sqlite3* raw() const { return raw_; }
  const std::vector<Customer>& data() const { return data_; }
  const std::vector<Params>& params() const { return params_; }
  const std::vector<std::int64_t>& ids() const { return ids_; }

 private:
  std::filesystem::path dir_;
  std::vector<Customer> data_;
  std::vector<Params> params_;
  std::vector<std::int64_t> ids_;
  MetaData metadata_;
  std::map<std::string, Table> tables_;
  std::optional<Engine> engine_;
  sqlite3* raw_{nullptr};
};

std::unique_ptr<World> world;

// ---- the benchmarks ---------------------------------------------------------------------------
// Each runs its body through guarded() (bench_support.hpp): an exception ends that benchmark
// with its message instead of ending the program.

void insert_raw(benchmark::State& state) {
  guarded(state, [&] {
    for (auto _ : state) {
      state.PauseTiming();
      exec(world->raw(), "DELETE FROM customers");
      state.ResumeTiming();
      raw_insert(world->raw(), "customers", world->data());
    }
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kRows));
}

// Times insert(customers) per repetition, the table emptied (untimed) before each.
template <class Insert>
void time_crucible_inserts(benchmark::State& state, Insert insert_rows) {
  const Table& customers = world->table("customers");
  guarded(state, [&] {
    for (auto _ : state) {
      state.PauseTiming();
      world->engine().begin([&](Connection& conn) { conn.execute(delete_(customers)); });
      state.ResumeTiming();
      insert_rows(customers);
    }
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kRows));
}

void insert_crucible(benchmark::State& state) {
  time_crucible_inserts(state, [](const Table& customers) {
    crucible_insert(world->engine(), customers, world->params());
  });
}

void insert_crucible_building_params(benchmark::State& state) {
  time_crucible_inserts(state, [](const Table& customers) {
    crucible_insert(world->engine(), customers, to_params(world->data()));
  });
}

void insert_returning_crucible(benchmark::State& state) {
  time_crucible_inserts(state, [](const Table& customers) {
    benchmark::DoNotOptimize(
        crucible_insert_returning(world->engine(), customers, world->params()));
  });
}

void select_raw(benchmark::State& state) {
  guarded(state, [&] {
    Checksum sum;
    for (auto _ : state) {
      sum = raw_select(world->raw(), "customers_read");
      benchmark::DoNotOptimize(sum);
    }
    if (sum.rows != static_cast<std::int64_t>(kRows))
      state.SkipWithError(("the raw loop read " + std::to_string(sum.rows) + " rows").c_str());
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kRows));
}

void select_crucible(benchmark::State& state) {
  const Table& customers_read = world->table("customers_read");
  guarded(state, [&] {
    Checksum sum;
    for (auto _ : state) {
      sum = crucible_select(world->engine(), customers_read);
      benchmark::DoNotOptimize(sum);
    }
    if (!(sum == raw_select(world->raw(), "customers_read")))
      state.SkipWithError("crucible's select read other rows than the raw loop");
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kRows));
}

void get_raw(benchmark::State& state) {
  guarded(state, [&] {
    Checksum sum;
    for (auto _ : state) {
      sum = raw_get(world->raw(), "customers_read", world->ids());
      benchmark::DoNotOptimize(sum);
    }
    if (sum.rows != static_cast<std::int64_t>(kLookups))
      state.SkipWithError(("the raw loop read " + std::to_string(sum.rows) + " rows").c_str());
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kLookups));
}

void get_crucible(benchmark::State& state) {
  const Table& customers_read = world->table("customers_read");
  guarded(state, [&] {
    auto conn = world->engine().connect();
    Checksum sum;
    for (auto _ : state) {
      sum = crucible_get(conn, customers_read, world->ids());
      benchmark::DoNotOptimize(sum);
    }
    if (!(sum == raw_get(world->raw(), "customers_read", world->ids())))
      state.SkipWithError("crucible's selects read other rows than the raw loop");
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kLookups));
}

}  // namespace

int main(int argc, char** argv) {
  return bench_main(
      argc, argv, "core_bench", [] { world = std::make_unique<World>(); }, [] { world.reset(); },
      {{"insert/raw", insert_raw},
       {"insert/crucible", insert_crucible},
       {"insert+params/crucible", insert_crucible_building_params},
       {"insert+returning/crucible", insert_returning_crucible},
       {"select/raw", select_raw},
       {"select/crucible", select_crucible},
       {"get/raw", get_raw},
       {"get/crucible", get_crucible}},
      {{"insert 100000 rows", "insert/crucible", "insert/raw", 1.10},
       {"insert 100000 rows, building the Params", "insert+params/crucible", "insert/raw", 0},
       {"insert 100000 rows RETURNING id, vs crucible without RETURNING",
        "insert+returning/crucible", "insert/crucible", 0},
       {"select 100000 rows", "select/crucible", "select/raw", 1.3},
       {"10000 selects by primary key", "get/crucible", "get/raw", 1.3}});
}
