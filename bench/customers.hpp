#pragma once
// The client/server benchmarks' workload (postgresql_bench, mysql_bench): customers with ids
// 1..n written by both sides, their crucible Params, ids to look up, and the table they go to.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <crucible/crucible.hpp>

#include "bench_support.hpp"

namespace crucible::bench {

/// One row of the benchmark table.
struct Customer {
  std::int64_t id{};
  std::string name;
  std::string description;
  std::int64_t quantity{};
};

/// rows customers (id i+1, "customer name i", a ~50-byte description, quantity i % 1000), the
/// same as Params for crucible, lookups ids spread over the table (each once while lookups <=
/// rows), and the Checksum of what writing them all gives.
struct Customers {
  Customers(std::size_t rows, std::size_t lookups);
  std::vector<Customer> data;
  std::vector<Params> params;
  std::vector<std::int64_t> ids;
  Checksum written;
};

/// The benchmark table called name in metadata: id INTEGER primary key given by the program (no
/// autoincrement), name and description VARCHAR(255) NOT NULL, quantity INTEGER NOT NULL. The
/// DDL is crucible's, the same for both sides.
Table customer_table(const std::string& name, MetaData& metadata);

/// crucible's side of the workloads, the same for every database: an executemany INSERT of rows
/// in one transaction (engine.begin), a SELECT of the whole table and one SELECT by primary key
/// per id, each giving the Checksum of the rows read. Throw what the engine throws.
void crucible_insert(const Engine& engine, const Table& table, const std::vector<Params>& rows);
Checksum crucible_select(const Engine& engine, const Table& table);
Checksum crucible_by_pk(const Engine& engine, const Table& table,
                        const std::vector<std::int64_t>& ids);

}  // namespace crucible::bench
