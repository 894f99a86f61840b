// The Chinook example's queries (chinook_queries.hpp).
#include "chinook_queries.hpp"

#include <cctype>

using namespace crucible;

namespace chinook {

ChinookNames::ChinookNames(const MetaData& metadata)
    : metadata_(&metadata), snake_case_(!metadata.contains("Artist")) {
  if (snake_case_ && !metadata.contains("artist"))
    throw ArgumentError("the database holds no Chinook: neither a table Artist (Chinook's own "
                        "spelling) nor artist (Chinook_PostgreSql.sql's) was reflected");
}

std::string ChinookNames::spell(std::string_view name) const {
  if (!snake_case_) return std::string(name);
  // CamelCase to snake_case: an underscore before each capital that follows a lower-case
  // letter or a digit ("ReportsTo" -> "reports_to", "MediaTypeId" -> "media_type_id").
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (i > 0 && std::isupper(c) != 0) {
      const auto before = static_cast<unsigned char>(name[i - 1]);
      if (std::islower(before) != 0 || std::isdigit(before) != 0) out += '_';
    }
    out += static_cast<char>(std::tolower(c));
  }
  return out;
}

Table ChinookNames::table(std::string_view name) const { return metadata_->table(spell(name)); }

Expr ChinookNames::c(const FromClause& from, std::string_view name) const {
  return from.c(spell(name));
}

Select top_artists(const ChinookNames& names) {
  const Table artist = names.table("Artist");
  const Table album = names.table("Album");
  const Table track = names.table("Track");

  const Expr tracks = func::count(names.c(track, "TrackId"));
  return select(names.c(artist, "Name").label("name"), tracks.label("tracks"))
      .select_from(artist.join(album).join(track))  // ON from the foreign keys
      .group_by({names.c(artist, "ArtistId"), names.c(artist, "Name")})
      .order_by({tracks.desc(), names.c(artist, "Name")})
      .limit(5);
}

Select revenue_by_country(const ChinookNames& names) {
  const Table invoice = names.table("Invoice");

  const Expr revenue = func::sum(names.c(invoice, "Total"));
  const Expr country = names.c(invoice, "BillingCountry");
  // Ordered by the sum rounded to cents: where NUMERIC is summed in floating point (SQLite),
  // equal revenues would otherwise be ordered by rounding noise instead of by country.
  return select(country.label("country"), revenue.label("revenue"))
      .group_by({country})
      .order_by({func::call("round", {revenue, Expr(2)}).desc(), country});
}

Select reporting_chain(const ChinookNames& names) {
  const Table employee = names.table("Employee");
  const auto full_name = [&](const FromClause& e) {
    return names.c(e, "FirstName").concat(" ").concat(names.c(e, "LastName"));
  };

  // WITH RECURSIVE chain AS (the top of the tree UNION ALL the next level). The path grows
  // with each level, and MySQL/MariaDB give a recursive CTE's columns the types of its first
  // member ("Data too long for column 'path'" otherwise), so the path is cast to a string long
  // enough for the deepest chain, as MySQL's manual advises; in both members, because
  // PostgreSQL wants the two members' types to agree.
  const FromClause top =
      select(names.c(employee, "EmployeeId").label("id"), full_name(employee).label("name"),
             names.c(employee, "Title").label("title"),
             cast(full_name(employee), String{1000}).label("path"),
             Expr(0).label("depth"))
          .where(names.c(employee, "ReportsTo").is_null())
          .cte("chain", /*recursive=*/true);
  const FromClause report = employee.alias("report");
  const FromClause chain = top.union_all(
      select(names.c(report, "EmployeeId"), full_name(report), names.c(report, "Title"),
             cast(top.c("path").concat(" > ").concat(full_name(report)), String{1000}),
             top.c("depth") + 1)
          .select_from(report.join(top, names.c(report, "ReportsTo") == top.c("id"))));

  // Ordering by the path ("Andrew Adams > Nancy Edwards > …") lists each manager before the
  // people who report to them.
  return select(chain.c("name"), chain.c("title"), chain.c("depth")).order_by({chain.c("path")});
}

}  // namespace chinook
