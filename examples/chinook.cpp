// A walk through the Chinook sample database with the expression language: the tables are
// reflected (nothing is declared), and every query is built from them, never written as text.
//
//   chinook URL          e.g. chinook sqlite:///chinook.sqlite
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

using namespace crucible;

namespace {

/// The 5 artists with the most tracks, ties broken by name: "<artist>: <n> tracks".
void top_artists(Connection& conn, const MetaData& metadata) {
  const Table artist = metadata.table("Artist");
  const Table album = metadata.table("Album");
  const Table track = metadata.table("Track");

  const Expr tracks = func::count(track.c("TrackId"));
  const Select stmt = select(artist.c("Name"), tracks.label("tracks"))
                          .select_from(artist.join(album).join(track))  // ON from foreign keys
                          .group_by({artist.c("ArtistId"), artist.c("Name")})
                          .order_by({tracks.desc(), artist.c("Name")})
                          .limit(5);

  std::cout << "== The 5 artists with the most tracks\n";
  for (const Row& row : conn.execute(stmt))
    std::cout << row.get<std::string>(0) << ": " << row.get<std::int64_t>(1) << " tracks\n";
}

/// Revenue per billing country, largest first (ties by country): "<country>: <revenue>" with
/// two decimals.
void revenue_by_country(Connection& conn, const MetaData& metadata) {
  const Table invoice = metadata.table("Invoice");

  const Expr revenue = func::sum(invoice.c("Total"));
  const Select stmt = select(invoice.c("BillingCountry"), revenue.label("revenue"))
                          .group_by({invoice.c("BillingCountry")})
                          .order_by({revenue.desc(), invoice.c("BillingCountry")});

  std::cout << "== Revenue by billing country\n";
  for (const Row& row : conn.execute(stmt)) {
    // Total is NUMERIC(10,2): the value arrives exact (a Decimal) or as a double, by dialect.
    char amount[32];
    std::snprintf(amount, sizeof amount, "%.2f", row.get<double>(1));
    std::cout << row.get<std::string>(0) << ": " << amount << "\n";
  }
}

/// The reporting chain from the general manager down, as an indented tree: a recursive CTE
/// starts at the employee who reports to nobody and adds, level by level, those who report to
/// someone already in it. Each line is "<indent><first> <last>, <title>", two spaces per level.
void reporting_chain(Connection& conn, const MetaData& metadata) {
  const Table employee = metadata.table("Employee");
  const auto full_name = [](const FromClause& e) {
    return e.c("FirstName").concat(" ").concat(e.c("LastName"));
  };

  // WITH RECURSIVE chain AS (the top of the tree UNION ALL the next level).
  const FromClause top =
      select(employee.c("EmployeeId"), full_name(employee).label("name"), employee.c("Title"),
             full_name(employee).label("path"), Expr(0).label("depth"))
          .where(employee.c("ReportsTo").is_null())
          .cte("chain", /*recursive=*/true);
  const FromClause report = employee.alias("report");
  const FromClause chain = top.union_all(
      select(report.c("EmployeeId"), full_name(report), report.c("Title"),
             top.c("path").concat(" > ").concat(full_name(report)), top.c("depth") + 1)
          .select_from(report.join(top, report.c("ReportsTo") == top.c("EmployeeId"))));

  // Ordering by the path ("Andrew Adams > Nancy Edwards > …") lists each manager before the
  // people who report to them.
  const Select stmt =
      select(chain.c("name"), chain.c("Title"), chain.c("depth")).order_by({chain.c("path")});

  std::cout << "== Reporting chain (recursive CTE)\n";
  for (const Row& row : conn.execute(stmt)) {
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

    auto conn = engine.connect();
    top_artists(conn, metadata);
    std::cout << "\n";
    revenue_by_country(conn, metadata);
    std::cout << "\n";
    reporting_chain(conn, metadata);
  } catch (const std::exception& e) {
    std::cerr << "chinook: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
