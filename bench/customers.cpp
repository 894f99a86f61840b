// The client/server benchmarks' workload (customers.hpp).
#include "customers.hpp"

namespace crucible::bench {

Customers::Customers(std::size_t rows, std::size_t lookups) {
  data.reserve(rows);
  params.reserve(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    Customer c{static_cast<std::int64_t>(i + 1), "customer name " + std::to_string(i),
               "customer description " + std::to_string(i) + " of the bulk insert test",
               static_cast<std::int64_t>(i % 1000)};
    params.push_back(
        {{"id", c.id}, {"name", c.name}, {"description", c.description}, {"quantity", c.quantity}});
    written.add(c.id, c.name, c.description, c.quantity);
    data.push_back(std::move(c));
  }
  ids.reserve(lookups);
  for (std::size_t i = 0; i < lookups && rows > 0; ++i)  // 7919 is prime: spread, each id once
    ids.push_back(static_cast<std::int64_t>((i * 7919) % rows + 1));
}

Table customer_table(const std::string& name, MetaData& metadata) {
  return Table{name,
               metadata,
               Column{"id", Integer{}, primary_key, autoincrement(false)},
               Column{"name", String{255}, nullable(false)},
               Column{"description", String{255}, nullable(false)},
               Column{"quantity", Integer{}, nullable(false)}};
}

namespace {

void add_row(const Row& row, Checksum& sum) {
  sum.add(row.get<std::int64_t>(0), row.get<std::string>(1), row.get<std::string>(2),
          row.get<std::int64_t>(3));
}

}  // namespace

void crucible_insert(const Engine& engine, const Table& table, const std::vector<Params>& rows) {
  engine.begin([&](Connection& conn) { conn.execute(insert(table), rows); });
}

Checksum crucible_select(const Engine& engine, const Table& table) {
  auto conn = engine.connect();
  Checksum sum;
  for (const Row& row : conn.execute(select(table))) add_row(row, sum);
  return sum;
}

Checksum crucible_by_pk(const Engine& engine, const Table& table,
                        const std::vector<std::int64_t>& ids) {
  auto conn = engine.connect();
  Checksum sum;
  for (const std::int64_t id : ids)
    for (const Row& row : conn.execute(select(table).where(table.c("id") == id))) add_row(row, sum);
  return sum;
}

}  // namespace crucible::bench
