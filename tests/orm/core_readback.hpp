#pragma once
// Reading back what an ORM test wrote with plain SQL on a connection of its own (not through any
// Session), so that tests assert what the database holds rather than the ORM's own state.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/crucible.hpp"

namespace crucible::testing {

/// The first column of the single row `sql` returns, as an integer (COUNT(*), an id).
inline std::int64_t scalar_int(const Engine& engine, std::string_view sql) {
  Connection conn = engine.connect();
  return conn.exec_driver_sql(sql).scalar_one().as<std::int64_t>();
}

/// The first column of every row `sql` returns, rendered as text ("NULL" for NULL), in row order.
inline std::vector<std::string> column_text(const Engine& engine, std::string_view sql) {
  Connection conn = engine.connect();
  std::vector<std::string> out;
  for (const Row& row : conn.exec_driver_sql(sql).all())
    out.push_back(row[0].is_null() ? std::string("NULL") : row[0].to_string());
  return out;
}

/// The index in statements of the first one starting with prefix ("INSERT INTO books"), or -1.
inline std::ptrdiff_t first_statement(const std::vector<std::string>& statements,
                                      std::string_view prefix) {
  for (std::size_t i = 0; i < statements.size(); ++i)
    if (statements[i].rfind(prefix, 0) == 0) return static_cast<std::ptrdiff_t>(i);
  return -1;
}

}  // namespace crucible::testing
