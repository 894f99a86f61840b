#pragma once
// SQL functions (SQLAlchemy's sqlalchemy.func): func::count(x), func::lower(x),
// func::call("any_name", {args}). The result type follows the function (count is Integer,
// sum/min/max take their argument's type, lower/upper are String).
#include <string>
#include <vector>

#include "crucible/sql/elements.hpp"

namespace crucible::sql::func {

/// count(*) when expr is omitted.
Expr count();
Expr count(const Expr& expr);
Expr sum(const Expr& expr);
Expr avg(const Expr& expr);
Expr min(const Expr& expr);
Expr max(const Expr& expr);
Expr coalesce(std::vector<Expr> args);
Expr lower(const Expr& expr);
Expr upper(const Expr& expr);
/// Character length (SQL CHAR_LENGTH); dialects render their own name (length, char_length).
Expr length(const Expr& expr);
Expr row_number();
Expr rank();
Expr dense_rank();
Expr now();
/// Any function by name, rendered as name(args…); the name is written as is (not quoted).
Expr call(std::string name, std::vector<Expr> args = {}, SqlType type = {});

}  // namespace crucible::sql::func

namespace crucible {
namespace func = sql::func;
}
