#pragma once
// The Chinook example's queries, built with the expression language from reflected tables, for
// any copy of Chinook: the example program (chinook.cpp) prints them, and the PostgreSQL
// integration tests run them on SQLite's and PostgreSQL's Chinook and compare the answers.
//
// The Chinook scripts spell names differently per database: Chinook_Sqlite.sql keeps the
// original CamelCase (Artist.ArtistId, InvoiceLine), Chinook_PostgreSql.sql uses lower
// snake_case (artist.artist_id, invoice_line). ChinookNames reads which spelling a reflected
// MetaData holds, and the query builders ask it for every table and column.
#include <string>
#include <string_view>

#include <crucible/crucible.hpp>

namespace chinook {

/// The tables and columns of one reflected Chinook database under the original names.
class ChinookNames {
 public:
  /// Reads the spelling from metadata, which must hold a reflected Chinook: "Artist" means the
  /// original CamelCase, "artist" lower snake_case. Throws crucible::ArgumentError when it holds
  /// neither. metadata must outlive this object.
  explicit ChinookNames(const crucible::MetaData& metadata);

  /// The table called name in Chinook's original spelling ("InvoiceLine"). Throws ArgumentError
  /// listing the tables when the database lacks it.
  crucible::Table table(std::string_view name) const;
  /// The column called name in Chinook's original spelling ("ArtistId") of from (a table or an
  /// alias of one). Throws ArgumentError naming from's columns when it lacks it.
  crucible::Expr c(const crucible::FromClause& from, std::string_view name) const;
  /// name as this database spells it: unchanged, or "ArtistId" -> "artist_id".
  std::string spell(std::string_view name) const;

 private:
  const crucible::MetaData* metadata_;
  bool snake_case_;
};

/// The 5 artists with the most tracks, ties broken by name: (name, tracks). Artist ⋈ Album ⋈
/// Track with the ON clauses from the foreign keys, count, group by, order by, limit.
crucible::Select top_artists(const ChinookNames& names);

/// Revenue per billing country, largest first (to the cent), ties by country: (country,
/// revenue). revenue is
/// sum(Invoice.Total), NUMERIC(10,2): exact (a Decimal) where the dialect reads NUMERIC exactly.
crucible::Select revenue_by_country(const ChinookNames& names);

/// The employees' reporting chain as a tree, by a recursive common table expression: it starts
/// at the employee who reports to nobody and adds, level by level, those who report to someone
/// already in it. Rows (name, title, depth) ordered by the path of names from the top, so each
/// manager comes before the people who report to them.
crucible::Select reporting_chain(const ChinookNames& names);

}  // namespace chinook
