// crucible on postgresql+libpq against hand-written libpq doing the same work, in one run
// (CONVENTIONS.md "Benchmarks"; issue 4 item 2; the workloads of SQLAlchemy's
// examples/performance/bulk_inserts.py, large_resultsets.py and short_selects.py):
//
//   insert  100,000 rows into an empty table in one transaction:
//           crucible:         engine.begin + conn.execute(insert(t), vector<Params>) (executemany)
//           raw prepared:     BEGIN, PQprepare once, PQexecPrepared per row, COMMIT
//           raw pipeline:     the same in libpq pipeline mode (PQsendQueryPrepared per row, one
//                             PQpipelineSync, then the results), the fastest way to run one
//                             statement many times (https://www.postgresql.org/docs/15/
//                             libpq-pipeline-mode.html)
//           raw COPY:         COPY … FROM STDIN in text format (PQputCopyData), the bulk loader
//   select  all 100,000 rows, reading every value into C++ (int64, std::string):
//           crucible:         conn.execute(select(t)), row.get<T>(i) for each column
//           raw:              BEGIN, PQexecPrepared (the whole result, text format, as the
//                             driver reads it), PQgetvalue + from_chars per field, COMMIT
//   by pk   10,000 selects of one row by primary key on one connection, a fresh execute each:
//           crucible:         conn.execute(select(t).where(t.c("id") == id)), built each time
//                             as a program does (the compiled cache and the driver's prepared
//                             statements make the repeats cheap)
//           raw:              BEGIN, PQexecPrepared of a statement prepared once, COMMIT
//
// The server is the one at $CRUCIBLE_POSTGRESQL_URL (scripts/bench-postgresql starts a
// throw-away one, runs this and stops it). Each side writes its own table, created by the same
// crucible DDL; the select workloads read one table both. Every workload checks a checksum of
// what was written or read (row count, sums of ids and quantities, text bytes) against the
// other side's, so both sides provably did the same work. Repetitions are interleaved at random
// and the ratios crucible/raw of the fastest repetitions are printed with the targets of issue 4:
// insert <= 1.10 x raw pipeline and <= 0.6 s, select <= 1.2, by pk <= 1.15.
//
//   postgresql_bench [Google Benchmark flags, e.g. --benchmark_repetitions=9
//                     --benchmark_filter=insert]
#include <libpq-fe.h>

#include <charconv>
#include <cstdint>
#include <cstdlib>
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
#include "customers.hpp"
#include "raw_libpq.hpp"

using namespace crucible;
using crucible::bench::guarded;

namespace {

constexpr std::size_t kRows = 100'000;
constexpr std::size_t kLookups = 10'000;

/// One row of the program's data, as a program would hold it.
using crucible::bench::Checksum;
using crucible::bench::crucible_by_pk;
using crucible::bench::crucible_insert;
using crucible::bench::crucible_select;
using crucible::bench::Customer;
using crucible::bench::Customers;
using namespace crucible::bench::raw_libpq;

// ---- the raw side: what a C programmer writes with libpq --------------------------------------

/// The parameters of one row as PQexecPrepared takes them (text format, ids as decimal text).
class RowParams {
 public:
  void set(const Customer& c) {
    id_ = std::to_string(c.id);
    quantity_ = std::to_string(c.quantity);
    values_ = {id_.c_str(), c.name.c_str(), c.description.c_str(), quantity_.c_str()};
  }
  const char* const* values() const { return values_.data(); }

 private:
  std::string id_;
  std::string quantity_;
  std::vector<const char*> values_;
};

void raw_insert_prepared(PGconn* conn, const std::vector<Customer>& rows) {
  exec(conn, "BEGIN");
  RowParams params;
  for (const Customer& c : rows) {
    params.set(c);
    expect(conn, PQexecPrepared(conn, "raw_insert", 4, params.values(), nullptr, nullptr, 0),
           PGRES_COMMAND_OK, "raw insert");
  }
  exec(conn, "COMMIT");
}

void raw_insert_pipeline(PGconn* conn, const std::vector<Customer>& rows) {
  exec(conn, "BEGIN");
  if (PQenterPipelineMode(conn) != 1) throw std::runtime_error(PQerrorMessage(conn));
  RowParams params;
  for (const Customer& c : rows) {
    params.set(c);
    if (PQsendQueryPrepared(conn, "raw_insert", 4, params.values(), nullptr, nullptr, 0) != 1)
      throw std::runtime_error(PQerrorMessage(conn));
  }
  if (PQpipelineSync(conn) != 1) throw std::runtime_error(PQerrorMessage(conn));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    expect(conn, PQgetResult(conn), PGRES_COMMAND_OK, "pipelined insert");
    if (PGresult* end = PQgetResult(conn)) {  // the NULL that ends each query's results
      PQclear(end);
      throw std::runtime_error("pipelined insert: more than one result for one query");
    }
  }
  expect(conn, PQgetResult(conn), PGRES_PIPELINE_SYNC, "pipeline sync");
  if (PQexitPipelineMode(conn) != 1) throw std::runtime_error(PQerrorMessage(conn));
  exec(conn, "COMMIT");
}

/// text with COPY's text-format escapes (backslash, tab, newline, carriage return).
void append_copy_text(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
    case '\\': out += "\\\\"; break;
    case '\t': out += "\\t"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    default: out += c;
    }
  }
}

void raw_insert_copy(PGconn* conn, const std::string& table, const std::vector<Customer>& rows) {
  exec(conn, "BEGIN");
  const std::string sql = "COPY " + table + " (id, name, description, quantity) FROM STDIN";
  expect(conn, PQexec(conn, sql.c_str()), PGRES_COPY_IN, sql);
  std::string buffer;
  buffer.reserve(1 << 16);
  for (const Customer& c : rows) {
    buffer += std::to_string(c.id);
    buffer += '\t';
    append_copy_text(buffer, c.name);
    buffer += '\t';
    append_copy_text(buffer, c.description);
    buffer += '\t';
    buffer += std::to_string(c.quantity);
    buffer += '\n';
    if (buffer.size() >= (1 << 16) - 512) {
      if (PQputCopyData(conn, buffer.data(), static_cast<int>(buffer.size())) != 1)
        throw std::runtime_error(PQerrorMessage(conn));
      buffer.clear();
    }
  }
  if (!buffer.empty() && PQputCopyData(conn, buffer.data(), static_cast<int>(buffer.size())) != 1)
    throw std::runtime_error(PQerrorMessage(conn));
  if (PQputCopyEnd(conn, nullptr) != 1) throw std::runtime_error(PQerrorMessage(conn));
  expect(conn, PQgetResult(conn), PGRES_COMMAND_OK, "COPY");
  while (PGresult* rest = PQgetResult(conn)) PQclear(rest);
  exec(conn, "COMMIT");
}

Checksum raw_select(PGconn* conn) {
  exec(conn, "BEGIN");
  Checksum sum;
  const RawResult result =
      expect(conn, PQexecPrepared(conn, "raw_select", 0, nullptr, nullptr, nullptr, 0),
             PGRES_TUPLES_OK, "raw select");
  add_rows(result.get(), sum);
  exec(conn, "COMMIT");
  return sum;
}

Checksum raw_by_pk(PGconn* conn, const std::vector<std::int64_t>& ids) {
  exec(conn, "BEGIN");
  Checksum sum;
  for (const std::int64_t id : ids) {
    const std::string text = std::to_string(id);
    const char* values[] = {text.c_str()};
    const RawResult result =
        expect(conn, PQexecPrepared(conn, "raw_by_pk", 1, values, nullptr, nullptr, 0),
               PGRES_TUPLES_OK, "raw select by pk");
    add_rows(result.get(), sum);
  }
  exec(conn, "COMMIT");
  return sum;
}

// ---- the crucible side ------------------------------------------------------------------------

// ---- the world --------------------------------------------------------------------------------

/// Everything the benchmarks share: the engine, the raw connection, the tables, the data.
class World {
 public:
  World() {
    const char* url = std::getenv("CRUCIBLE_POSTGRESQL_URL");
    if (url == nullptr || *url == '\0')
      throw std::runtime_error("CRUCIBLE_POSTGRESQL_URL is not set: run scripts/bench-postgresql, "
                               "or start a server with eval \"$(scripts/pg-start)\"");

    // One definition for every table; the DDL is crucible's. Ids are given by the program.
    for (const char* name : {"bench_crucible", "bench_raw", "bench_read"})
      tables_.emplace(name, crucible::bench::customer_table(name, metadata_));
    engine_.emplace(create_engine(url));
    metadata_.drop_all(*engine_);
    metadata_.create_all(*engine_);

    // libpq takes the same postgresql:// URI (https://www.postgresql.org/docs/15/
    // libpq-connect.html#LIBPQ-CONNSTRING).
    raw_ = connect(url);
    PGconn* conn = raw_.get();
    prepare(conn, "raw_insert",
            "INSERT INTO bench_raw (id, name, description, quantity) VALUES ($1, $2, $3, $4)", 4);
    prepare(conn, "raw_select", "SELECT id, name, description, quantity FROM bench_read", 0);
    prepare(conn, "raw_by_pk",
            "SELECT id, name, description, quantity FROM bench_read WHERE id = $1", 1);

    // The select workloads' rows, loaded once; ANALYZE so both sides get the same plans.
    raw_insert_copy(conn, "bench_read", customers_.data);
    exec(conn, "ANALYZE bench_read");
  }
  ~World() {
    raw_.reset();
    try {
      metadata_.drop_all(*engine_);
    } catch (const std::exception&) {  // the server is thrown away anyway
    }
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  const Table& table(const std::string& name) const { return tables_.at(name); }
  const Engine& engine() const { return *engine_; }
  PGconn* raw() const { return raw_.get(); }
  const std::vector<Customer>& data() const { return customers_.data; }
  const std::vector<Params>& params() const { return customers_.params; }
  const std::vector<std::int64_t>& ids() const { return customers_.ids; }
  /// The checksum of data(): what every insert must leave in its table.
  const Checksum& written() const { return customers_.written; }

  /// The checksum of what table holds now, read with raw libpq.
  Checksum contents(const std::string& table) const {
    const std::string sql = "SELECT id, name, description, quantity FROM " + table;
    const RawResult result =
        expect(raw(), PQexec(raw(), sql.c_str()), PGRES_TUPLES_OK, "read back " + table);
    Checksum sum;
    add_rows(result.get(), sum);
    return sum;
  }

 private:
  Customers customers_{kRows, kLookups};
  MetaData metadata_;
  std::map<std::string, Table> tables_;
  std::optional<Engine> engine_;
  std::unique_ptr<PGconn, ConnCloser> raw_;
};

std::unique_ptr<World> world;

// ---- the benchmarks ---------------------------------------------------------------------------
// Each runs its body through guarded() (bench_support.hpp): an exception ends that benchmark
// with its message instead of ending the program. Emptying the target table is not timed.

/// Fails the benchmark unless table holds exactly the rows of data().
void check_written(benchmark::State& state, const std::string& table) {
  const Checksum found = world->contents(table);
  if (!(found == world->written()))
    state.SkipWithError(
        (table + " holds " + found.to_string() + "; wanted " + world->written().to_string())
            .c_str());
}

template <class Insert>
void raw_insert_benchmark(benchmark::State& state, Insert&& insert_rows) {
  guarded(state, [&] {
    for (auto _ : state) {
      state.PauseTiming();
      exec(world->raw(), "TRUNCATE bench_raw");
      state.ResumeTiming();
      insert_rows();
    }
    check_written(state, "bench_raw");
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kRows));
}

void insert_raw_prepared(benchmark::State& state) {
  raw_insert_benchmark(state, [] { raw_insert_prepared(world->raw(), world->data()); });
}

void insert_raw_pipeline(benchmark::State& state) {
  raw_insert_benchmark(state, [] { raw_insert_pipeline(world->raw(), world->data()); });
}

void insert_raw_copy(benchmark::State& state) {
  raw_insert_benchmark(state, [] { raw_insert_copy(world->raw(), "bench_raw", world->data()); });
}

void insert_crucible(benchmark::State& state) {
  const Table& table = world->table("bench_crucible");
  guarded(state, [&] {
    for (auto _ : state) {
      state.PauseTiming();
      exec(world->raw(), "TRUNCATE bench_crucible");
      state.ResumeTiming();
      crucible_insert(world->engine(), table, world->params());
    }
    check_written(state, "bench_crucible");
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kRows));
}

void select_raw(benchmark::State& state) {
  guarded(state, [&] {
    Checksum sum;
    for (auto _ : state) {
      sum = raw_select(world->raw());
      benchmark::DoNotOptimize(sum);
    }
    if (!(sum == world->written()))
      state.SkipWithError(("the raw select read " + sum.to_string()).c_str());
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kRows));
}

void select_crucible(benchmark::State& state) {
  const Table& table = world->table("bench_read");
  guarded(state, [&] {
    Checksum sum;
    for (auto _ : state) {
      sum = crucible_select(world->engine(), table);
      benchmark::DoNotOptimize(sum);
    }
    if (!(sum == raw_select(world->raw())))
      state.SkipWithError(("crucible's select read " + sum.to_string() + ", raw libpq " +
                           raw_select(world->raw()).to_string())
                              .c_str());
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kRows));
}

void by_pk_raw(benchmark::State& state) {
  guarded(state, [&] {
    Checksum sum;
    for (auto _ : state) {
      sum = raw_by_pk(world->raw(), world->ids());
      benchmark::DoNotOptimize(sum);
    }
    if (sum.rows != static_cast<std::int64_t>(kLookups))
      state.SkipWithError(("the raw lookups read " + sum.to_string()).c_str());
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kLookups));
}

void by_pk_crucible(benchmark::State& state) {
  const Table& table = world->table("bench_read");
  guarded(state, [&] {
    Checksum sum;
    for (auto _ : state) {
      sum = crucible_by_pk(world->engine(), table, world->ids());
      benchmark::DoNotOptimize(sum);
    }
    if (!(sum == raw_by_pk(world->raw(), world->ids())))
      state.SkipWithError(("crucible's lookups read " + sum.to_string() + ", raw libpq " +
                           raw_by_pk(world->raw(), world->ids()).to_string())
                              .c_str());
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kLookups));
}

}  // namespace

int main(int argc, char** argv) {
  return crucible::bench::bench_main(
      argc, argv, "postgresql_bench", [] { world = std::make_unique<World>(); },
      [] { world.reset(); },
      {{"insert/raw-prepared", insert_raw_prepared},
       {"insert/raw-pipeline", insert_raw_pipeline},
       {"insert/raw-copy", insert_raw_copy},
       {"insert/crucible", insert_crucible},
       {"select/raw", select_raw},
       {"select/crucible", select_crucible},
       {"by-pk/raw", by_pk_raw},
       {"by-pk/crucible", by_pk_crucible}},
      {{"insert 100000 rows vs raw pipeline", "insert/crucible", "insert/raw-pipeline", 1.10, 600},
       {"insert 100000 rows vs raw prepared per row", "insert/crucible", "insert/raw-prepared"},
       {"insert 100000 rows vs raw COPY", "insert/crucible", "insert/raw-copy"},
       {"select 100000 rows", "select/crucible", "select/raw", 1.20},
       {"10000 selects by primary key", "by-pk/crucible", "by-pk/raw", 1.15}});
}
