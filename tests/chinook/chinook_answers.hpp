#pragma once
// The Chinook example's answers, as text, from any database holding Chinook: the integration
// tests of each server (PostgreSQL, MariaDB, over each driver) load Chinook there with the
// crucible program and compare these answers with SQLite's Chinook.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "chinook_queries.hpp"
#include "crucible/crucible.hpp"

namespace crucible::testing {

/// Chinook's eleven tables, in the original spelling.
inline const std::vector<std::string>& chinook_table_names() {
  static const std::vector<std::string> names{"Artist",    "Album",    "Track",         "Genre",
                                              "MediaType", "Playlist", "PlaylistTrack", "Employee",
                                              "Customer",  "Invoice",  "InvoiceLine"};
  return names;
}

/// "%.2f" of a number however it arrived (Decimal where NUMERIC is exact, double on SQLite).
inline std::string two_decimals(const Value& v) {
  char text[48];
  std::snprintf(text, sizeof text, "%.2f", v.as<double>());
  return text;
}

/// One database's Chinook: an engine and its reflected metadata.
struct ChinookDatabase {
  explicit ChinookDatabase(const std::string& url) : engine(create_engine(url)) {
    metadata.reflect(engine);
  }
  Engine engine;
  MetaData metadata;
};

/// "Table: rows" for every Chinook table.
inline std::vector<std::string> chinook_row_counts(const ChinookDatabase& db) {
  const chinook::ChinookNames names(db.metadata);
  auto conn = db.engine.connect();
  std::vector<std::string> lines;
  for (const std::string& name : chinook_table_names()) {
    const std::int64_t rows = conn.execute(select(func::count()).select_from(names.table(name)))
                                  .scalar_one()
                                  .as<std::int64_t>();
    lines.push_back(name + ": " + std::to_string(rows));
  }
  return lines;
}

/// chinook::top_artists as "name: tracks" lines.
inline std::vector<std::string> chinook_top_artists(const ChinookDatabase& db) {
  auto conn = db.engine.connect();
  std::vector<std::string> lines;
  for (const Row& row : conn.execute(chinook::top_artists(chinook::ChinookNames(db.metadata))))
    lines.push_back(row.get<std::string>(0) + ": " + std::to_string(row.get<std::int64_t>(1)));
  return lines;
}

/// chinook::revenue_by_country as "country: revenue" lines (revenue to the cent).
inline std::vector<std::string> chinook_revenue_by_country(const ChinookDatabase& db) {
  auto conn = db.engine.connect();
  std::vector<std::string> lines;
  for (const Row& row :
       conn.execute(chinook::revenue_by_country(chinook::ChinookNames(db.metadata))))
    lines.push_back(row.get<std::string>(0) + ": " + two_decimals(row[1]));
  return lines;
}

/// chinook::reporting_chain as "name, title" lines indented two spaces per level.
inline std::vector<std::string> chinook_reporting_chain(const ChinookDatabase& db) {
  auto conn = db.engine.connect();
  std::vector<std::string> lines;
  for (const Row& row : conn.execute(chinook::reporting_chain(chinook::ChinookNames(db.metadata))))
    lines.push_back(std::string(static_cast<std::size_t>(2 * row.get<std::int64_t>(2)), ' ') +
                    row.get<std::string>(0) + ", " +
                    row.get<std::optional<std::string>>(1).value_or(""));
  return lines;
}

/// The first row of chinook::revenue_by_country as it arrived: exactness is the point.
inline Row chinook_top_revenue_row(const ChinookDatabase& db) {
  auto conn = db.engine.connect();
  return conn.execute(chinook::revenue_by_country(chinook::ChinookNames(db.metadata)))
      .first()
      .value();
}

}  // namespace crucible::testing
