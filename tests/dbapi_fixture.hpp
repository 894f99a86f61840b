#pragma once
// What every server fixture of the integration tests (PostgreSQL, MySQL, ODBC) shares: the test's
// DBAPI connection and statements run on it or on another connection, straight through the
// DBAPI cursor (PEP 249), so that expected data never comes from crucible's Core.
#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "crucible/dbapi.hpp"
#include "crucible/value.hpp"

namespace crucible::testing {

/// Rows as a cursor's fetchall() gives them.
using Rows = std::vector<std::vector<Value>>;

/// Base is ::testing::Test or ::testing::TestWithParam<…>. The fixture owns its connection (so it
/// goes before the driver that made it) and names it by overriding connection().
template <class Base>
class DbapiFixture : public Base {
 protected:
  /// The test's own connection, which the one-argument helpers use.
  virtual DbapiConnection& connection() = 0;

  /// Every row sql gives with params bound, read through a cursor of conn.
  static Rows query(DbapiConnection& conn, std::string_view sql, std::vector<Value> params = {}) {
    const auto cursor = conn.cursor();
    cursor->execute(sql, params);
    return cursor->fetchall();
  }
  Rows query(std::string_view sql, std::vector<Value> params = {}) {
    return query(connection(), sql, std::move(params));
  }

  /// Runs sql and returns the cursor's rowcount.
  static std::int64_t exec(DbapiConnection& conn, std::string_view sql,
                           std::vector<Value> params = {}) {
    const auto cursor = conn.cursor();
    cursor->execute(sql, params);
    return cursor->rowcount();
  }
  std::int64_t exec(std::string_view sql, std::vector<Value> params = {}) {
    return exec(connection(), sql, std::move(params));
  }

  /// The single value of a one-row, one-column query (a failure is recorded otherwise).
  static Value scalar(DbapiConnection& conn, std::string_view sql, std::vector<Value> params = {}) {
    const Rows rows = query(conn, sql, std::move(params));
    EXPECT_EQ(rows.size(), 1u) << sql;
    EXPECT_EQ(rows.empty() ? 0u : rows.front().size(), 1u) << sql;
    return rows.empty() || rows.front().empty() ? Value() : rows.front().front();
  }
  Value scalar(std::string_view sql, std::vector<Value> params = {}) {
    return scalar(connection(), sql, std::move(params));
  }
};

}  // namespace crucible::testing
