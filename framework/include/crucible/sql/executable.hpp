#pragma once
// Executable: anything Connection::execute runs (SQLAlchemy's Executable), and Compiled: the
// SQL text and bind order it compiles to for one dialect and paramstyle.
#include <memory>
#include <string>
#include <vector>

#include "crucible/dbapi.hpp"

namespace crucible {
class Dialect;
}

namespace crucible::sql {

/// A statement compiled for one dialect and one paramstyle.
struct Compiled {
  std::string sql;  ///< the text sent to the driver, placeholders in the driver's paramstyle
  /// The parameter name behind each positional value the driver takes, in order: one per
  /// placeholder for qmark and format, one per distinct name (numbered in order of first use)
  /// for numeric, numeric_dollar and named.
  std::vector<std::string> bind_names;
  ParamStyle paramstyle{ParamStyle::kQmark};
};

/// A statement that can be executed.
class Executable {
 public:
  virtual ~Executable();
  /// The compiled form for dialect and style. Implementations cache it, so the same object
  /// executed again does not compile again. Thread-safe.
  virtual std::shared_ptr<const Compiled> compile(const Dialect& dialect,
                                                  ParamStyle style) const = 0;
};

}  // namespace crucible::sql
