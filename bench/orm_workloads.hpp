#pragma once
// The ORM benchmarks' common parts (orm_bench for SQLite, orm_postgresql_bench): the ORM side of
// the three workloads of issue 6 item 8, written once for any mapped customer struct, and the
// benchmark bodies that time one side and check it against the other.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <crucible/crucible.hpp>

#include "bench_support.hpp"

namespace crucible::bench {

/// Maps T (members id, name, description, quantity) to table: id the primary key the database
/// generates, the two texts VARCHAR(255).
template <class T>
void map_customer(orm::Registry& registry, const std::string& table) {
  registry.map<T>(table)
      .column(&T::id, "id", primary_key)
      .column(&T::name, "name", String{255})
      .column(&T::description, "description", String{255})
      .column(&T::quantity, "quantity");
}

/// session.add_all(rows) and session.commit() on a new Session; the checksum of the objects
/// afterwards (their generated ids included).
template <class T>
Checksum orm_add_all(const Engine& engine, const std::vector<T>& rows) {
  orm::Session session{engine};
  auto objects = session.add_all(rows);
  session.commit();
  Checksum sum;
  for (const auto& c : objects) sum.add(c->id, c->name, c->description, c->quantity);
  return sum;
}

/// Every T, loaded by one Session: session.scalars(select<T>()).all().
template <class T>
Checksum orm_load(const Engine& engine) {
  orm::Session session{engine};
  auto objects = session.scalars(select<T>()).all();
  Checksum sum;
  for (const auto& c : objects) sum.add(c->id, c->name, c->description, c->quantity);
  return sum;
}

/// session.get<T>(id) for each id on one fresh Session (its identity map empty at the start, the
/// ids distinct, so every get is a SELECT): SQLAlchemy's examples/performance/short_selects.py
/// "test_orm_query_classic_style", which opens one Session and looks n random ids up in it.
/// Throws when one is missing.
template <class T>
Checksum orm_get(const Engine& engine, const std::vector<std::int64_t>& ids) {
  Checksum sum;
  orm::Session session{engine};
  for (const std::int64_t id : ids) {
    auto c = session.get<T>(id);
    if (!c) throw std::runtime_error("session.get found no row with id " + std::to_string(id));
    sum.add(c->id, c->name, c->description, c->quantity);
  }
  return sum;
}

/// session.get<T>(id) for each id, each on a Session of its own (a request per lookup: the
/// Session's transaction begins, the SELECT runs, the Session closes and rolls back). Stricter
/// than orm_get, which is the workload; reported beside it. Throws when one is missing.
template <class T>
Checksum orm_get_session_each(const Engine& engine, const std::vector<std::int64_t>& ids) {
  Checksum sum;
  for (const std::int64_t id : ids) {
    orm::Session session{engine};
    auto c = session.get<T>(id);
    if (!c) throw std::runtime_error("session.get found no row with id " + std::to_string(id));
    sum.add(c->id, c->name, c->description, c->quantity);
  }
  return sum;
}

/// Times empty_tables() (untimed) then body() per iteration; items per iteration = rows.
template <class Reset, class Body>
void timed_insert(benchmark::State& state, Reset empty_tables, Body body, std::size_t rows) {
  guarded(state, [&] {
    for (auto _ : state) {
      state.PauseTiming();
      empty_tables();
      state.ResumeTiming();
      benchmark::DoNotOptimize(body());
    }
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows));
}

/// Times mine() per iteration, then fails the benchmark unless its checksum equals raw()'s.
template <class F, class G>
void compared(benchmark::State& state, F mine, G raw, std::size_t items) {
  guarded(state, [&] {
    Checksum sum;
    for (auto _ : state) {
      sum = mine();
      benchmark::DoNotOptimize(sum);
    }
    if (!(sum == raw()))
      state.SkipWithError(("the two sides read other rows: " + sum.to_string()).c_str());
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(items));
}

/// The load and get benchmarks of a program whose World (in *world) has raw_load, orm_load,
/// raw_get, orm_get and orm_get_session_each: each side timed, the ORM's checked against raw's.
template <class World, std::unique_ptr<World>* world, std::size_t rows, std::size_t lookups>
struct ReadBenchmarks {
  static void load_raw(benchmark::State& state) {
    compared(
        state, [] { return (*world)->raw_load(); }, [] { return (*world)->raw_load(); }, rows);
  }
  static void load_orm(benchmark::State& state) {
    compared(
        state, [] { return (*world)->orm_load(); }, [] { return (*world)->raw_load(); }, rows);
  }
  static void get_raw(benchmark::State& state) {
    compared(
        state, [] { return (*world)->raw_get(); }, [] { return (*world)->raw_get(); }, lookups);
  }
  static void get_orm(benchmark::State& state) {
    compared(
        state, [] { return (*world)->orm_get(); }, [] { return (*world)->raw_get(); }, lookups);
  }
  static void get_session_each_orm(benchmark::State& state) {
    compared(
        state, [] { return (*world)->orm_get_session_each(); },
        [] { return (*world)->raw_get(); }, lookups);
  }
};

}  // namespace crucible::bench
