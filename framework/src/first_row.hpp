#pragma once
// The first row of a query, read without a Result: the Core's part of the ORM's get by primary
// key (SQLAlchemy's Session.get loads one row by identity). Private to libcrucible.
#include <span>
#include <vector>

#include "crucible/engine.hpp"
#include "crucible/sql/executable.hpp"
#include "crucible/value.hpp"

namespace crucible::detail {

/// Runs stmt on conn with `values` as its named bind parameters by position (the n-th named
/// parameter of the compiled statement takes values[n]; the statement's own bound values are
/// its own) and reads its first row into row (resized to the column count), processed by the
/// dialect's result processors as a Result would; the statement's further rows are let go.
/// Returns false, row unspecified, when there is no row. Compiling (through the engine's
/// cache), autobegin, the cursor-execute events, the echo log and error handling are those of
/// Connection::execute; what it saves is the Result, its column metadata and a Params.
/// Throws ArgumentError when values are fewer than the named parameters, and what
/// Connection::execute throws.
bool execute_first_row(Connection& conn, const sql::Executable& stmt, std::span<const Value> values,
                       std::vector<Value>& row);

}  // namespace crucible::detail
