// crucible on mysql+mariadbconnector against hand-written MariaDB Connector/C doing the same
// work, in one run (CONVENTIONS.md "Benchmarks"; issue 5 item 1; the workloads of SQLAlchemy's
// examples/performance/bulk_inserts.py, large_resultsets.py and short_selects.py):
//
//   insert  100,000 rows into an empty table in one transaction:
//           crucible:         engine.begin + conn.execute(insert(t), vector<Params>): the
//                             dialect's insertmanyvalues (multi-row VALUES pages) through the
//                             driver's executemany
//           raw prepared:     one single-row INSERT prepared once, mysql_stmt_execute per row
//           raw multi-row:    INSERT … VALUES (?,?,?,?),… of 1000 rows prepared once and executed
//                             per page of 1000 rows: what insertmanyvalues does, by hand
//           raw array:        the single-row INSERT with MariaDB's array binding
//                             (STMT_ATTR_ARRAY_SIZE, column-wise arrays), 10,000 rows per
//                             COM_STMT_BULK_EXECUTE: the bulk loader of Connector/C
//   select  all 100,000 rows, reading every value into C++ (int64, std::string):
//           crucible:         conn.execute(select(t)), row.get<T>(i) for each column
//           raw:              a prepared SELECT, mysql_stmt_store_result, mysql_stmt_fetch into
//                             bound buffers, a std::string made of each text field
//   by pk   10,000 selects of one row by primary key on one connection:
//           crucible:         conn.execute(select(t).where(t.c("id") == id)), built each time
//           raw:              a statement prepared once, executed per id
//
// The server is the one at $CRUCIBLE_MYSQL_URL (scripts/bench-mysql starts a throw-away MariaDB,
// runs this and stops it). Each side writes its own table, created by the same crucible DDL;
// the select workloads read one table both. Every workload checks a checksum of what was
// written or read against the other side's, so both sides provably did the same work. The
// ratios crucible/raw of the fastest repetitions are printed with the target of issue 5: insert
// <= 1.10 x the raw variant doing the same thing (multi-row VALUES).
//
//   mysql_bench [Google Benchmark flags, e.g. --benchmark_repetitions=9 --benchmark_filter=insert]
#include <mysql.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
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

using namespace crucible;
using crucible::bench::guarded;

namespace {

constexpr std::size_t kRows = 100'000;
constexpr std::size_t kLookups = 10'000;
constexpr std::size_t kPage = 1000;         // rows per multi-row INSERT (the dialect's page size)
constexpr std::size_t kArrayRows = 10'000;  // rows per array-bound execution

/// One row of the program's data, as a program would hold it.
using crucible::bench::Checksum;
using crucible::bench::crucible_by_pk;
using crucible::bench::crucible_select;
using crucible::bench::Customer;
using crucible::bench::Customers;

// ---- the raw side: what a C programmer writes with Connector/C --------------------------------

[[noreturn]] void fail(MYSQL* conn, std::string_view what) {
  throw std::runtime_error(std::string(what) + ": " + mysql_error(conn));
}
[[noreturn]] void fail(MYSQL_STMT* stmt, std::string_view what) {
  throw std::runtime_error(std::string(what) + ": " + mysql_stmt_error(stmt));
}

void exec(MYSQL* conn, const std::string& sql) {
  if (mysql_real_query(conn, sql.data(), sql.size()) != 0) fail(conn, sql);
  if (MYSQL_RES* result = mysql_store_result(conn)) mysql_free_result(result);
}

struct StmtCloser {
  void operator()(MYSQL_STMT* stmt) const noexcept { mysql_stmt_close(stmt); }
};
using RawStmt = std::unique_ptr<MYSQL_STMT, StmtCloser>;

RawStmt prepare(MYSQL* conn, const std::string& sql) {
  RawStmt stmt(mysql_stmt_init(conn));
  if (!stmt) fail(conn, "mysql_stmt_init");
  if (mysql_stmt_prepare(stmt.get(), sql.data(), sql.size()) != 0) fail(stmt.get(), sql);
  return stmt;
}

std::string insert_sql(const std::string& table, std::size_t rows) {
  std::string sql = "INSERT INTO " + table + " (id, name, description, quantity) VALUES ";
  for (std::size_t i = 0; i < rows; ++i) sql += i == 0 ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)";
  return sql;
}

/// Binds row c to binds[0..3] (pointing into c: the rows outlive the execution).
void bind_row(const Customer& c, MYSQL_BIND* binds) {
  binds[0].buffer_type = MYSQL_TYPE_LONGLONG;
  binds[0].buffer = const_cast<std::int64_t*>(&c.id);
  binds[1].buffer_type = MYSQL_TYPE_STRING;
  binds[1].buffer = const_cast<char*>(c.name.data());
  binds[1].buffer_length = static_cast<unsigned long>(c.name.size());
  binds[2].buffer_type = MYSQL_TYPE_STRING;
  binds[2].buffer = const_cast<char*>(c.description.data());
  binds[2].buffer_length = static_cast<unsigned long>(c.description.size());
  binds[3].buffer_type = MYSQL_TYPE_LONGLONG;
  binds[3].buffer = const_cast<std::int64_t*>(&c.quantity);
}

void raw_insert_prepared(MYSQL* conn, MYSQL_STMT* stmt, const std::vector<Customer>& rows) {
  MYSQL_BIND binds[4];
  for (const Customer& c : rows) {
    std::memset(binds, 0, sizeof binds);
    bind_row(c, binds);
    if (mysql_stmt_bind_param(stmt, binds) != 0 || mysql_stmt_execute(stmt) != 0)
      fail(stmt, "raw insert");
  }
  if (mysql_commit(conn) != 0) fail(conn, "COMMIT");
}

void raw_insert_multirow(MYSQL* conn, MYSQL_STMT* page, MYSQL_STMT* rest,
                         const std::vector<Customer>& rows) {
  std::vector<MYSQL_BIND> binds;
  for (std::size_t first = 0; first < rows.size(); first += kPage) {
    const std::size_t n = std::min(kPage, rows.size() - first);
    MYSQL_STMT* stmt = n == kPage ? page : rest;
    binds.assign(n * 4, MYSQL_BIND{});
    for (std::size_t r = 0; r < n; ++r) bind_row(rows[first + r], &binds[r * 4]);
    if (mysql_stmt_bind_param(stmt, binds.data()) != 0 || mysql_stmt_execute(stmt) != 0)
      fail(stmt, "raw multi-row insert");
  }
  if (mysql_commit(conn) != 0) fail(conn, "COMMIT");
}

void raw_insert_array(MYSQL* conn, MYSQL_STMT* stmt, const std::vector<Customer>& rows) {
  std::vector<std::int64_t> ids, quantities;
  std::vector<char*> names, descriptions;
  std::vector<unsigned long> name_lengths, description_lengths;
  for (std::size_t first = 0; first < rows.size(); first += kArrayRows) {
    const std::size_t n = std::min(kArrayRows, rows.size() - first);
    ids.resize(n);
    quantities.resize(n);
    names.resize(n);
    descriptions.resize(n);
    name_lengths.resize(n);
    description_lengths.resize(n);
    for (std::size_t r = 0; r < n; ++r) {
      const Customer& c = rows[first + r];
      ids[r] = c.id;
      quantities[r] = c.quantity;
      names[r] = const_cast<char*>(c.name.data());
      name_lengths[r] = static_cast<unsigned long>(c.name.size());
      descriptions[r] = const_cast<char*>(c.description.data());
      description_lengths[r] = static_cast<unsigned long>(c.description.size());
    }
    MYSQL_BIND binds[4];
    std::memset(binds, 0, sizeof binds);
    binds[0].buffer_type = MYSQL_TYPE_LONGLONG;
    binds[0].buffer = ids.data();
    binds[1].buffer_type = MYSQL_TYPE_STRING;
    binds[1].buffer = names.data();
    binds[1].length = name_lengths.data();
    binds[2].buffer_type = MYSQL_TYPE_STRING;
    binds[2].buffer = descriptions.data();
    binds[2].length = description_lengths.data();
    binds[3].buffer_type = MYSQL_TYPE_LONGLONG;
    binds[3].buffer = quantities.data();
    auto size = static_cast<unsigned int>(n);
    if (mysql_stmt_attr_set(stmt, STMT_ATTR_ARRAY_SIZE, &size) != 0 ||
        mysql_stmt_bind_param(stmt, binds) != 0 || mysql_stmt_execute(stmt) != 0)
      fail(stmt, "raw array insert");
  }
  if (mysql_commit(conn) != 0) fail(conn, "COMMIT");
}

/// Result buffers of (id, name, description, quantity) and the rows fetched into a checksum.
class RawRows {
 public:
  RawRows() {
    std::memset(binds_, 0, sizeof binds_);
    binds_[0].buffer_type = MYSQL_TYPE_LONGLONG;
    binds_[0].buffer = &id_;
    binds_[1].buffer_type = MYSQL_TYPE_STRING;
    binds_[1].buffer = name_;
    binds_[1].buffer_length = sizeof name_;
    binds_[1].length = &name_length_;
    binds_[2].buffer_type = MYSQL_TYPE_STRING;
    binds_[2].buffer = description_;
    binds_[2].buffer_length = sizeof description_;
    binds_[2].length = &description_length_;
    binds_[3].buffer_type = MYSQL_TYPE_LONGLONG;
    binds_[3].buffer = &quantity_;
  }
  /// Executes stmt (parameters already bound) and adds its rows to sum.
  void run(MYSQL_STMT* stmt, Checksum& sum) {
    if (mysql_stmt_execute(stmt) != 0 || mysql_stmt_store_result(stmt) != 0 ||
        mysql_stmt_bind_result(stmt, binds_) != 0)
      fail(stmt, "raw select");
    int rc = 0;
    while ((rc = mysql_stmt_fetch(stmt)) == 0) {
      const std::string name(name_, name_length_);
      const std::string description(description_, description_length_);
      sum.add(id_, name, description, quantity_);
    }
    if (rc != MYSQL_NO_DATA) fail(stmt, "raw fetch");
    mysql_stmt_free_result(stmt);
  }

 private:
  MYSQL_BIND binds_[4];
  std::int64_t id_{};
  std::int64_t quantity_{};
  char name_[1024];
  char description_[1024];
  unsigned long name_length_{};
  unsigned long description_length_{};
};

Checksum raw_select(MYSQL* conn, MYSQL_STMT* stmt) {
  Checksum sum;
  RawRows rows;
  rows.run(stmt, sum);
  if (mysql_commit(conn) != 0) fail(conn, "COMMIT");
  return sum;
}

Checksum raw_by_pk(MYSQL* conn, MYSQL_STMT* stmt, const std::vector<std::int64_t>& ids) {
  Checksum sum;
  RawRows rows;
  std::int64_t id = 0;
  MYSQL_BIND param;
  std::memset(&param, 0, sizeof param);
  param.buffer_type = MYSQL_TYPE_LONGLONG;
  param.buffer = &id;
  for (const std::int64_t wanted : ids) {
    id = wanted;
    if (mysql_stmt_bind_param(stmt, &param) != 0) fail(stmt, "bind by pk");
    rows.run(stmt, sum);
  }
  if (mysql_commit(conn) != 0) fail(conn, "COMMIT");
  return sum;
}

// ---- the crucible side ------------------------------------------------------------------------

// ---- the world --------------------------------------------------------------------------------

struct ConnCloser {
  void operator()(MYSQL* conn) const noexcept { mysql_close(conn); }
};

/// Everything the benchmarks share: the engine, the raw connection and its statements, the
/// tables, the data.
class World {
 public:
  World() {
    const char* url = std::getenv("CRUCIBLE_MYSQL_URL");
    if (url == nullptr || *url == '\0')
      throw std::runtime_error("CRUCIBLE_MYSQL_URL is not set: run scripts/bench-mysql, or start "
                               "a server with eval \"$(scripts/mariadb-start)\"");

    // One definition for every table; the DDL is crucible's. Ids are given by the program.
    for (const char* name : {"bench_crucible", "bench_raw", "bench_read"})
      tables_.emplace(name, crucible::bench::customer_table(name, metadata_));
    engine_.emplace(create_engine(url));
    metadata_.drop_all(*engine_);
    metadata_.create_all(*engine_);

    // The raw connection: the same server, user and database, the same session settings as the
    // driver (utf8mb4, autocommit off).
    const URL parsed = make_url(url);
    raw_.reset(mysql_init(nullptr));
    mysql_optionsv(raw_.get(), MYSQL_SET_CHARSET_NAME, "utf8mb4");
    const std::optional<std::string>& password = parsed.password();
    if (mysql_real_connect(raw_.get(), parsed.host().empty() ? "localhost" : parsed.host().c_str(),
                           parsed.username().empty() ? nullptr : parsed.username().c_str(),
                           password ? password->c_str() : nullptr, parsed.database().c_str(),
                           parsed.port().value_or(0), nullptr, CLIENT_FOUND_ROWS) == nullptr)
      fail(raw_.get(), "raw connection");
    if (mysql_autocommit(raw_.get(), 0) != 0) fail(raw_.get(), "autocommit off");
    insert_one_ = prepare(raw(), insert_sql("bench_raw", 1));
    insert_array_ = prepare(raw(), insert_sql("bench_raw", 1));
    insert_page_ = prepare(raw(), insert_sql("bench_raw", kPage));
    if (const std::size_t rest = kRows % kPage; rest != 0)
      insert_rest_ = prepare(raw(), insert_sql("bench_raw", rest));
    select_ = prepare(raw(), "SELECT id, name, description, quantity FROM bench_read");
    by_pk_ = prepare(raw(), "SELECT id, name, description, quantity FROM bench_read WHERE id = ?");

    // The select workloads' rows, loaded once; ANALYZE so both sides get the same plans.
    RawStmt load = prepare(raw(), insert_sql("bench_read", 1));
    raw_insert_array(raw(), load.get(), customers_.data);
    exec(raw(), "ANALYZE TABLE bench_read");
  }
  ~World() {
    insert_one_.reset();
    insert_array_.reset();
    insert_page_.reset();
    insert_rest_.reset();
    select_.reset();
    by_pk_.reset();
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
  MYSQL* raw() const { return raw_.get(); }
  MYSQL_STMT* insert_one() const { return insert_one_.get(); }
  MYSQL_STMT* insert_array() const { return insert_array_.get(); }
  MYSQL_STMT* insert_page() const { return insert_page_.get(); }
  MYSQL_STMT* insert_rest() const { return insert_rest_.get(); }
  MYSQL_STMT* select_all() const { return select_.get(); }
  MYSQL_STMT* by_pk() const { return by_pk_.get(); }
  const std::vector<Customer>& data() const { return customers_.data; }
  const std::vector<Params>& params() const { return customers_.params; }
  const std::vector<std::int64_t>& ids() const { return customers_.ids; }
  /// The checksum of data(): what every insert must leave in its table.
  const Checksum& written() const { return customers_.written; }

  /// The checksum of what table holds now, read with raw Connector/C.
  Checksum contents(const std::string& table) const {
    const RawStmt stmt = prepare(raw(), "SELECT id, name, description, quantity FROM " + table);
    Checksum sum;
    RawRows rows;
    rows.run(stmt.get(), sum);
    if (mysql_commit(raw()) != 0) fail(raw(), "COMMIT");
    return sum;
  }

 private:
  Customers customers_{kRows, kLookups};
  MetaData metadata_;
  std::map<std::string, Table> tables_;
  std::optional<Engine> engine_;
  std::unique_ptr<MYSQL, ConnCloser> raw_;
  RawStmt insert_one_, insert_array_, insert_page_, insert_rest_, select_, by_pk_;
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
void insert_benchmark(benchmark::State& state, const std::string& table, Insert&& insert_rows) {
  guarded(state, [&] {
    for (auto _ : state) {
      state.PauseTiming();
      exec(world->raw(), "TRUNCATE " + table);
      state.ResumeTiming();
      insert_rows();
    }
    check_written(state, table);
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kRows));
}

void insert_raw_prepared(benchmark::State& state) {
  insert_benchmark(state, "bench_raw",
                   [] { raw_insert_prepared(world->raw(), world->insert_one(), world->data()); });
}

void insert_raw_multirow(benchmark::State& state) {
  insert_benchmark(state, "bench_raw", [] {
    raw_insert_multirow(world->raw(), world->insert_page(), world->insert_rest(), world->data());
  });
}

void insert_raw_array(benchmark::State& state) {
  insert_benchmark(state, "bench_raw",
                   [] { raw_insert_array(world->raw(), world->insert_array(), world->data()); });
}

void insert_crucible(benchmark::State& state) {
  const Table& table = world->table("bench_crucible");
  insert_benchmark(state, "bench_crucible", [&] {
    world->engine().begin([&](Connection& conn) { conn.execute(insert(table), world->params()); });
  });
}

void select_raw(benchmark::State& state) {
  guarded(state, [&] {
    Checksum sum;
    for (auto _ : state) {
      sum = raw_select(world->raw(), world->select_all());
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
    if (!(sum == world->written()))
      state.SkipWithError(("crucible's select read " + sum.to_string()).c_str());
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kRows));
}

void by_pk_raw(benchmark::State& state) {
  guarded(state, [&] {
    Checksum sum;
    for (auto _ : state) {
      sum = raw_by_pk(world->raw(), world->by_pk(), world->ids());
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
    const Checksum raw = raw_by_pk(world->raw(), world->by_pk(), world->ids());
    if (!(sum == raw))
      state.SkipWithError(
          ("crucible's lookups read " + sum.to_string() + ", raw " + raw.to_string()).c_str());
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kLookups));
}

}  // namespace

int main(int argc, char** argv) {
  return crucible::bench::bench_main(
      argc, argv, "mysql_bench", [] { world = std::make_unique<World>(); }, [] { world.reset(); },
      {{"insert/raw-prepared", insert_raw_prepared},
       {"insert/raw-multirow", insert_raw_multirow},
       {"insert/raw-array", insert_raw_array},
       {"insert/crucible", insert_crucible},
       {"select/raw", select_raw},
       {"select/crucible", select_crucible},
       {"by-pk/raw", by_pk_raw},
       {"by-pk/crucible", by_pk_crucible}},
      {{"insert 100000 rows vs raw multi-row VALUES", "insert/crucible", "insert/raw-multirow",
        1.10},
       {"insert 100000 rows vs raw array binding", "insert/crucible", "insert/raw-array"},
       {"insert 100000 rows vs raw prepared per row", "insert/crucible", "insert/raw-prepared"},
       {"select 100000 rows", "select/crucible", "select/raw", 1.20},
       {"10000 selects by primary key", "by-pk/crucible", "by-pk/raw", 1.15}});
}
