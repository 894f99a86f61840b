#pragma once
// Typed parameter markers for psqlODBC. psqlODBC sends every parameter to PostgreSQL untyped
// (its sqltype_to_bind_pgtype answers 0, "let the server decide"), so where the statement does
// not fix the type the server takes text: `SELECT ?` with 7 answers '7', and `n + 1` over such
// a column fails with "operator does not exist: text + unknown". The libpq driver sends a type
// OID per Value kind instead; for PostgreSQL the odbc driver gives the server the same types as
// casts written after the markers (`?::int8`), chosen exactly as the libpq driver chooses its
// OIDs (libpq_values.cpp, parameter_type): bool, int4 or int8 (by range), float8, bytea, date,
// time, timestamp or timestamptz (by the offset), numeric, uuid, jsonb; none for strings and
// nulls, whose type the server infers as with libpq.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/param_sets.hpp"
#include "crucible/value.hpp"

namespace crucible::odbc {

/// The PostgreSQL cast ("::int8") the libpq driver's OID for value amounts to, "" for none.
std::string_view postgresql_cast(const Value& value) noexcept;

/// The cast for column `column` of sets: the cast of its values when they agree (nulls aside;
/// int8 when any integer needs it), "" when they differ or are all null.
std::string_view postgresql_cast(const ParamSets& sets, std::size_t column) noexcept;

/// sql with casts[i] written after the i-th parameter marker. A marker is a '?' outside
/// '…' and E'…' strings, "…" identifiers, $tag$…$tag$ bodies and -- or /* */ comments, as the
/// ODBC drivers count them. Returns sql unchanged when every cast is empty.
std::string cast_markers(std::string_view sql, std::span<const std::string_view> casts);

}  // namespace crucible::odbc
