#pragma once
// The fixture of the SQLite plugin's own tests (sqlite_*_test.cpp): the "sqlite3" driver and the
// "sqlite" dialect loaded from libcrucible-sqlite.so by the registry, as a program gets them,
// and small helpers to run SQL through the DBAPI.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/dbapi.hpp"
#include "crucible/dialect.hpp"
#include "crucible/errors.hpp"
#include "crucible/registry.hpp"
#include "crucible/url.hpp"
#include "crucible/value.hpp"
#include "test_support.hpp"

namespace crucible::testing {

using Rows = std::vector<std::vector<Value>>;

class SqliteFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    driver_ = registry::load_driver("sqlite3");
    dialect_ = registry::load_dialect("sqlite");
    conn_ = connect("sqlite://");
  }

  /// A new connection to url, prepared by the dialect (foreign keys on) as an Engine would.
  std::unique_ptr<DbapiConnection> connect(std::string_view url, ConnectOptions options = {}) {
    auto conn = driver_->connect(make_url(url), options);
    dialect_->on_connect(*conn);
    return conn;
  }

  static Rows query(DbapiConnection& conn, std::string_view sql, std::vector<Value> params = {}) {
    const auto cursor = conn.cursor();
    cursor->execute(sql, params);
    return cursor->fetchall();
  }
  Rows query(std::string_view sql, std::vector<Value> params = {}) {
    return query(*conn_, sql, std::move(params));
  }

  /// Runs sql and returns the cursor's rowcount.
  static std::int64_t exec(DbapiConnection& conn, std::string_view sql,
                           std::vector<Value> params = {}) {
    const auto cursor = conn.cursor();
    cursor->execute(sql, params);
    return cursor->rowcount();
  }
  std::int64_t exec(std::string_view sql, std::vector<Value> params = {}) {
    return exec(*conn_, sql, std::move(params));
  }

  /// The single value of a one-row, one-column query.
  Value scalar(DbapiConnection& conn, std::string_view sql, std::vector<Value> params = {}) {
    const Rows rows = query(conn, sql, std::move(params));
    EXPECT_EQ(rows.size(), 1u) << sql;
    EXPECT_EQ(rows.empty() ? 0u : rows.front().size(), 1u) << sql;
    return rows.empty() || rows.front().empty() ? Value() : rows.front().front();
  }
  Value scalar(std::string_view sql, std::vector<Value> params = {}) {
    return scalar(*conn_, sql, std::move(params));
  }

  // Declared in this order so the connection goes before the plugin objects that made it.
  registry::DriverPtr driver_;
  registry::DialectPtr dialect_;
  std::unique_ptr<DbapiConnection> conn_;
};

}  // namespace crucible::testing
