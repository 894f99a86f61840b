#pragma once
// The columns an INSERT or UPDATE really writes, once the execution's parameters and the
// table's client-side defaults are taken into account. Shared by the statements' gather
// (dml.cpp) and the compiler (compiler_dml.cpp), so that the cache key and the SQL it stands for
// are always derived the same way.
//
// SQLAlchemy's rules (sqlalchemy/sql/crud.py, _get_crud_params): a statement without values()
// takes its columns from the keys of the first parameter set, in the table's column order; a
// column left out that has a Python-side default gets that default bound.
#include <string>
#include <utility>
#include <vector>

#include "crucible/params.hpp"
#include "crucible/sql/dml.hpp"

namespace crucible::sql::detail {

/// What an INSERT's column list and VALUES rows hold.
struct InsertShape {
  std::vector<std::string> columns;           ///< the column list, in order
  std::vector<std::vector<ElementPtr>> rows;  ///< VALUES rows, each parallel to columns
};

/// The column list and rows of an INSERT … VALUES: node's own (values()/values_rows()), or,
/// when it has none, one row of binds that take each value from the parameters by name — the
/// parameters' names in the order of the table's columns, or every column when params is null
/// (a display compile). Then every column not among those that has a client-side default,
/// bound to its default in every row. Empty for INSERT … SELECT. Throws ArgumentError naming
/// the table and its columns when a parameter names no column.
InsertShape insert_shape(const InsertNode& node, const Params* params);

/// The SET list of an UPDATE: node's own (values()), or, when it has none, binds that take
/// each value from the parameters by name for every parameter that names a column of the
/// table, in the table's column order (every column when params is null). Throws ArgumentError
/// naming the table and its columns when that leaves nothing to set.
std::vector<std::pair<std::string, ElementPtr>> update_set(const UpdateNode& node,
                                                           const Params* params);

/// A bind whose value comes from the execution's parameter called name, typed as type.
ElementPtr param_bind(const std::string& name, const SqlType& type);

}  // namespace crucible::sql::detail
