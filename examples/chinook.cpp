// A walk through the Chinook sample database with the expression language: the tables are
// reflected (nothing is declared), and every query is built from them, never written as text
// (the builders are in chinook_queries.cpp, shared with the PostgreSQL integration tests).
//
//   chinook URL          e.g. chinook sqlite:///chinook.sqlite
//                        or   chinook postgresql://user@host/chinook (Chinook_PostgreSql.sql's
//                             lower snake_case names are found by reflection)
//
// Prints three sections, each under a "== " heading:
//   - the 5 artists with the most tracks (Artist ⋈ Album ⋈ Track, count, group by, limit),
//   - revenue by billing country (sum of Invoice.Total per country, largest first),
//   - the employees' reporting chain, walked by a recursive common table expression.
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include <crucible/crucible.hpp>

#include "chinook_queries.hpp"

using namespace crucible;

namespace {

/// "<artist>: <n> tracks" for the 5 artists with the most tracks.
void print_top_artists(Connection& conn, const chinook::ChinookNames& names) {
  std::cout << "== The 5 artists with the most tracks\n";
  for (const Row& row : conn.execute(chinook::top_artists(names)))
    std::cout << row.get<std::string>(0) << ": " << row.get<std::int64_t>(1) << " tracks\n";
}

/// "<country>: <revenue>" with two decimals, largest first.
void print_revenue_by_country(Connection& conn, const chinook::ChinookNames& names) {
  std::cout << "== Revenue by billing country\n";
  for (const Row& row : conn.execute(chinook::revenue_by_country(names))) {
    // Total is NUMERIC(10,2): the value arrives exact (a Decimal) or as a double, by dialect.
    char amount[32];
    std::snprintf(amount, sizeof amount, "%.2f", row.get<double>(1));
    std::cout << row.get<std::string>(0) << ": " << amount << "\n";
  }
}

/// The reporting chain as an indented tree: "<indent><first> <last>, <title>", two spaces per
/// level.
void print_reporting_chain(Connection& conn, const chinook::ChinookNames& names) {
  std::cout << "== Reporting chain (recursive CTE)\n";
  for (const Row& row : conn.execute(chinook::reporting_chain(names))) {
    const auto depth = row.get<std::int64_t>(2);
    std::cout << std::string(static_cast<std::size_t>(2 * depth), ' ') << row.get<std::string>(0)
              << ", " << row.get<std::optional<std::string>>(1).value_or("") << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || std::string_view(argv[1]).starts_with("-")) {
    std::cerr << "usage: chinook URL   (e.g. chinook sqlite:///chinook.sqlite)\n";
    return 2;
  }
  try {
    auto engine = create_engine(argv[1]);
    MetaData metadata;
    metadata.reflect(engine);  // Artist, Album, Track, Invoice, Employee… as Table objects
    const chinook::ChinookNames names(metadata);

    auto conn = engine.connect();
    print_top_artists(conn, names);
    std::cout << "\n";
    print_revenue_by_country(conn, names);
    std::cout << "\n";
    print_reporting_chain(conn, names);
  } catch (const std::exception& e) {
    std::cerr << "chinook: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
