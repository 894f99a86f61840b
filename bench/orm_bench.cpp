// The ORM against hand-written sqlite3 loops doing the same work, in one run, on in-memory
// databases (CONVENTIONS.md "Benchmarks"; the workloads of SQLAlchemy's examples/performance,
// issue 6 item 8):
//
//   add_all+commit  100,000 new Customer objects: session.add_all(vector<Customer>) and
//                   session.commit() (one flush: the INSERTs and the generated ids written back
//                   into the objects); raw: BEGIN, one prepared INSERT, bind/step/reset and
//                   sqlite3_last_insert_rowid() into each struct, COMMIT.
//                   (SQLAlchemy 2.0 publishes 3.55 s for this on SQLite.)
//   load            100,000 objects: session.scalars(select<Customer>()) into shared_ptrs;
//                   raw: prepare, step, sqlite3_column_* into a vector of structs.
//   get             10,000 session.get<Customer>(id) of distinct ids on one fresh Session
//                   (SQLAlchemy's short_selects "test_orm_query_classic_style": one Session,
//                   n random ids); raw: one prepared SELECT … WHERE id = ?, bind/step/reset,
//                   the row into a struct.
//   get_session_each the same lookups, each on a Session of its own (opened, get, closed):
//                   stricter than the workload, its ratio printed without a target.
//
// crucible uses "sqlite://" (an in-memory database behind a StaticPool); the raw side opens its
// own ":memory:" database with the same DDL (crucible's). Repetitions are interleaved at random;
// the ratio crucible/raw of the fastest repetitions is printed with issue 6's target (<= 2).
//
//   orm_bench [Google Benchmark flags, e.g. --benchmark_repetitions=9]
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>
#include <crucible/crucible.hpp>

#include "bench_support.hpp"
#include "orm_workloads.hpp"

using namespace crucible;
using crucible::bench::bench_main;
using crucible::bench::Checksum;
using crucible::bench::compared;
using crucible::bench::guarded;

namespace {

constexpr std::size_t kRows = 100'000;
constexpr std::size_t kLookups = 10'000;

/// The mapped struct (and the raw side's row).
struct Customer {
  std::int64_t id{};
  std::string name;
  std::string description;
  std::int64_t quantity{};
};

void check(int rc, int wanted, sqlite3* db, std::string_view what) {
  if (rc != wanted)
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db) + " (code " +
                             std::to_string(rc) + ")");
}

void exec(sqlite3* db, const std::string& sql) {
  check(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK, db, sql);
}

std::string column_text(sqlite3_stmt* stmt, int i) {
  return {reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)),
          static_cast<std::size_t>(sqlite3_column_bytes(stmt, i))};
}

/// Both databases, the mapping, the data.
class World {
 public:
  World() {
    crucible::bench::map_customer<Customer>(registry_, "customer");
    engine_.emplace(create_engine("sqlite://"));
    read_engine_.emplace(create_engine("sqlite://"));
    check(sqlite3_open(":memory:", &raw_), SQLITE_OK, raw_, "open :memory:");
    check(sqlite3_open(":memory:", &raw_read_), SQLITE_OK, raw_read_, "open :memory:");
    ddl_ = engine_->dialect().ddl_compiler()->create_table(mapped_table().data());
    for (std::size_t i = 0; i < kRows; ++i)
      data_.push_back({0, "customer name " + std::to_string(i),
                       "customer description " + std::to_string(i) + " of the bulk insert test",
                       static_cast<std::int64_t>(i % 1000)});
    for (std::size_t i = 0; i < kLookups; ++i)
      ids_.push_back(static_cast<std::int64_t>((i * 7919) % kRows) + 1);
    // The load and get workloads read these rows (both sides the same), in databases of their
    // own; the add_all workloads write to empty tables of the other two.
    exec(raw_read_, ddl_);
    mapped_table().create(*read_engine_);
    std::swap(raw_, raw_read_);
    std::swap(engine_, read_engine_);
    raw_add_all();
    orm_add_all();
    std::swap(raw_, raw_read_);
    std::swap(engine_, read_engine_);
    reset_tables();
  }
  ~World() {
    engine_.reset();
    read_engine_.reset();
    sqlite3_close(raw_);
    sqlite3_close(raw_read_);
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  const Table& mapped_table() const { return orm::mapper_of<Customer>().table(); }

  /// Empty tables on both sides (outside the timed part).
  void reset_tables() {
    exec(raw_, "DROP TABLE IF EXISTS customer");
    exec(raw_, ddl_);
    mapped_table().drop(*engine_);
    mapped_table().create(*engine_);
  }

  // ---- the raw side -------------------------------------------------------------------------
  Checksum raw_add_all() {
    std::vector<Customer> rows = data_;
    exec(raw_, "BEGIN");
    const std::string sql = "INSERT INTO customer (name, description, quantity) VALUES (?, ?, ?)";
    sqlite3_stmt* stmt = nullptr;
    check(sqlite3_prepare_v2(raw_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK, raw_, sql);
    Checksum sum;
    for (Customer& c : rows) {
      sqlite3_bind_text(stmt, 1, c.name.data(), static_cast<int>(c.name.size()), SQLITE_STATIC);
      sqlite3_bind_text(stmt, 2, c.description.data(), static_cast<int>(c.description.size()),
                        SQLITE_STATIC);
      sqlite3_bind_int64(stmt, 3, c.quantity);
      check(sqlite3_step(stmt), SQLITE_DONE, raw_, sql);
      sqlite3_reset(stmt);
      c.id = sqlite3_last_insert_rowid(raw_);
      sum.add(c.id, c.name, c.description, c.quantity);
    }
    sqlite3_finalize(stmt);
    exec(raw_, "COMMIT");
    return sum;
  }

  Checksum raw_load() {
    const std::string sql = "SELECT id, name, description, quantity FROM customer";
    sqlite3_stmt* stmt = nullptr;
    check(sqlite3_prepare_v2(raw_read_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK, raw_read_,
          sql);
    std::vector<Customer> out;
    int rc = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
      out.push_back({sqlite3_column_int64(stmt, 0), column_text(stmt, 1), column_text(stmt, 2),
                     sqlite3_column_int64(stmt, 3)});
    check(rc, SQLITE_DONE, raw_read_, sql);
    sqlite3_finalize(stmt);
    Checksum sum;
    for (const Customer& c : out) sum.add(c.id, c.name, c.description, c.quantity);
    return sum;
  }

  Checksum raw_get() {
    const std::string sql = "SELECT id, name, description, quantity FROM customer WHERE id = ?";
    sqlite3_stmt* stmt = nullptr;
    check(sqlite3_prepare_v2(raw_read_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK, raw_read_,
          sql);
    Checksum sum;
    for (std::int64_t id : ids_) {
      sqlite3_bind_int64(stmt, 1, id);
      check(sqlite3_step(stmt), SQLITE_ROW, raw_read_, sql);
      Customer c{sqlite3_column_int64(stmt, 0), column_text(stmt, 1), column_text(stmt, 2),
                 sqlite3_column_int64(stmt, 3)};
      sqlite3_reset(stmt);
      sum.add(c.id, c.name, c.description, c.quantity);
    }
    sqlite3_finalize(stmt);
    return sum;
  }

  // ---- the ORM side -------------------------------------------------------------------------
  Checksum orm_add_all() { return crucible::bench::orm_add_all(*engine_, data_); }
  Checksum orm_load() { return crucible::bench::orm_load<Customer>(*read_engine_); }
  Checksum orm_get() { return crucible::bench::orm_get<Customer>(*read_engine_, ids_); }
  Checksum orm_get_session_each() {
    return crucible::bench::orm_get_session_each<Customer>(*read_engine_, ids_);
  }

 private:
  MetaData metadata_;
  orm::Registry registry_{metadata_};
  std::optional<Engine> engine_;       ///< add_all's database
  std::optional<Engine> read_engine_;  ///< load's and get's database
  sqlite3* raw_{nullptr};
  sqlite3* raw_read_{nullptr};
  std::string ddl_;
  std::vector<Customer> data_;
  std::vector<std::int64_t> ids_;
};

std::unique_ptr<World> world;

void reset_tables() { world->reset_tables(); }
void add_all_raw(benchmark::State& state) {
  crucible::bench::timed_insert(
      state, reset_tables, [] { return world->raw_add_all(); }, kRows);
}
void add_all_orm(benchmark::State& state) {
  crucible::bench::timed_insert(
      state, reset_tables, [] { return world->orm_add_all(); }, kRows);
}

using Reads = crucible::bench::ReadBenchmarks<World, &world, kRows, kLookups>;

}  // namespace

int main(int argc, char** argv) {
  return bench_main(
      argc, argv, "orm_bench", [] { world = std::make_unique<World>(); }, [] { world.reset(); },
      {{"add_all/raw", add_all_raw},
       {"add_all/orm", add_all_orm},
       {"load/raw", Reads::load_raw},
       {"load/orm", Reads::load_orm},
       {"get/raw", Reads::get_raw},
       {"get/orm", Reads::get_orm},
       {"get_session_each/orm", Reads::get_session_each_orm}},
      {{"add_all + commit of 100000 new objects", "add_all/orm", "add_all/raw", 2.0},
       {"load 100000 objects", "load/orm", "load/raw", 2.0},
       {"10000 session.get on a fresh Session", "get/orm", "get/raw", 2.0},
       {"10000 session.get, a Session each", "get_session_each/orm", "get/raw", 0}});
}
