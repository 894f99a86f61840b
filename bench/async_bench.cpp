// The async layer against the blocking API with threads, in one run, on PostgreSQL (issue 9
// item 6): 10,000 primary-key SELECTs of the customer table issued by
//
//   coroutines/async  100 coroutines on one thread (one io_context), each borrowing a connection
//                     from an AsyncEngine, running its SELECT and giving the connection back,
//                     100 times;
//   threads/blocking  100 threads, each doing the same with the blocking Engine.
//
// Both engines have the same pool (pool_size 20, no overflow), so the database sees at most 20
// statements at once either way; what differs is how the client waits. Each side's rows are
// checked against the table's. The ratio printed is async/threads of the fastest repetitions'
// times (below 1: the coroutines are faster); it has no target.
//
// The server is the one at $CRUCIBLE_POSTGRESQL_URL (scripts/bench-postgresql starts a throw-away
// one with scripts/with-pg).
//
//   async_bench [Google Benchmark flags, e.g. --benchmark_repetitions=5]
#include <utility>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <crucible/asyncio.hpp>
#include <crucible/crucible.hpp>

#include "bench_support.hpp"
#include "customers.hpp"

using namespace crucible;
using crucible::bench::Checksum;

namespace {

namespace asio = boost::asio;

constexpr std::size_t kRows = 10'000;
constexpr std::size_t kLookups = 10'000;
constexpr std::size_t kWorkers = 100;  ///< coroutines on one side, threads on the other
constexpr int kPoolSize = 20;

void add_row(const Row& row, Checksum& sum) {
  sum.add(row.get<std::int64_t>(0), row.get<std::string>(1), row.get<std::string>(2),
          row.get<std::int64_t>(3));
}

class World {
 public:
  World() {
    const char* url = std::getenv("CRUCIBLE_POSTGRESQL_URL");
    if (url == nullptr || *url == '\0')
      throw std::runtime_error(
          "CRUCIBLE_POSTGRESQL_URL is not set: run through scripts/bench-postgresql or "
          "scripts/with-pg");
    EngineOptions options;
    options.pool_size = kPoolSize;
    options.max_overflow = 0;
    engine_.emplace(create_engine(url, options));
    async_.emplace(asyncio::create_async_engine(url, options));
    table_.emplace(bench::customer_table("async_customer", metadata_));
    auto conn = engine_->connect();
    conn.exec_driver_sql("DROP TABLE IF EXISTS async_customer");
    conn.commit();
    conn.close();
    metadata_.create_all(*engine_);
    bench::crucible_insert(*engine_, *table_, customers_.params);
    for (const std::int64_t id : customers_.ids) {
      const bench::Customer& c = customers_.data[static_cast<std::size_t>(id - 1)];
      expected_.add(c.id, c.name, c.description, c.quantity);
    }
    query_ = select(*table_).where(table_->c("id") == bindparam("id"));
  }

  /// 100 threads of blocking selects.
  Checksum threads() {
    std::vector<Checksum> sums(kWorkers);
    std::vector<std::thread> workers;
    std::mutex error_mutex;
    std::string error;
    for (std::size_t w = 0; w < kWorkers; ++w) {
      workers.emplace_back([&, w] {
        try {
          for (std::size_t i = w; i < customers_.ids.size(); i += kWorkers) {
            Connection conn = engine_->connect();
            for (const Row& row : conn.execute(*query_, {{"id", customers_.ids[i]}}))
              add_row(row, sums[w]);
            conn.close();
          }
        } catch (const std::exception& e) {
          std::lock_guard lock(error_mutex);
          error = e.what();
        }
      });
    }
    for (std::thread& t : workers) t.join();
    if (!error.empty()) throw std::runtime_error(error);
    return total(sums);
  }

  /// 100 coroutines of awaited selects on this thread.
  Checksum coroutines() {
    std::vector<Checksum> sums(kWorkers);
    std::string error;
    asio::io_context io;
    for (std::size_t w = 0; w < kWorkers; ++w) {
      asio::co_spawn(
          io,
          [this, w, &sums]() -> asyncio::awaitable<void> {
            for (std::size_t i = w; i < customers_.ids.size(); i += kWorkers) {
              asyncio::AsyncConnection conn = co_await async_->connect();
              Params params{{"id", customers_.ids[i]}};
              Result result = co_await conn.execute(*query_, std::move(params));
              for (const Row& row : result) add_row(row, sums[w]);
              co_await conn.close();
            }
          },
          [&error](std::exception_ptr e) {
            if (!e) return;
            try {
              std::rethrow_exception(e);
            } catch (const std::exception& x) {
              error = x.what();
            }
          });
    }
    io.run();
    if (!error.empty()) throw std::runtime_error(error);
    return total(sums);
  }

  const Checksum& expected() const noexcept { return expected_; }

 private:
  static Checksum total(const std::vector<Checksum>& sums) {
    Checksum out;
    for (const Checksum& s : sums) {
      out.ids += s.ids;
      out.quantities += s.quantities;
      out.text_bytes += s.text_bytes;
      out.rows += s.rows;
    }
    return out;
  }

  bench::Customers customers_{kRows, kLookups};
  MetaData metadata_;
  std::optional<Table> table_;
  std::optional<Engine> engine_;
  std::optional<asyncio::AsyncEngine> async_;
  Checksum expected_;
  std::optional<sql::Select> query_;
};

std::unique_ptr<World> world;

template <class F>
void timed(benchmark::State& state, F run) {
  crucible::bench::guarded(state, [&] {
    Checksum sum;
    for (auto _ : state) {
      sum = run();
      benchmark::DoNotOptimize(sum);
    }
    if (!(sum == world->expected()))
      state.SkipWithError(
          ("read " + sum.to_string() + ", the table holds " + world->expected().to_string())
              .c_str());
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kLookups));
}

void threads_blocking(benchmark::State& state) {
  timed(state, [] { return world->threads(); });
}
void coroutines_async(benchmark::State& state) {
  timed(state, [] { return world->coroutines(); });
}

}  // namespace

int main(int argc, char** argv) {
  return crucible::bench::bench_main(
      argc, argv, "async_bench", [] { world = std::make_unique<World>(); }, [] { world.reset(); },
      {{"pk_selects/threads", threads_blocking}, {"pk_selects/coroutines", coroutines_async}},
      {{"10000 pk selects: 100 coroutines on 1 thread vs 100 threads, pool 20",
        "pk_selects/coroutines", "pk_selects/threads", 0}});
}
