#pragma once
// The dialect compliance suite's fixture (SQLAlchemy's sqlalchemy.testing.fixtures.TablesTest
// with its config.db): every suite case runs against the database of the URL the suite run was
// given, through the public API only (crucible/crucible.hpp), so an out-of-tree plugin runs the
// very same cases.
//
// The URL: the variable named by $CRUCIBLE_COMPLIANCE_URL_FROM when that is set
// (crucible_add_compliance_suite(URL_FROM_ENV …) sets it, e.g. to CRUCIBLE_POSTGRESQL_URL, which
// scripts/with-pg exports), else $CRUCIBLE_COMPLIANCE_URL. When neither gives a URL every
// case FAILS saying so: a suite run that was asked for never skips for want of a database.
//
// Isolation: each case works on tables whose names start with a prefix of its own (name("x")
// gives "<prefix>_x"), made from the case's name and the process id, so the suite can share a
// server with other tests and with itself; at TearDown every table and view with the prefix is
// dropped, whatever the case created or left behind.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/crucible.hpp"
#include "crucible/sdk/testing/requirements.hpp"

namespace crucible::sdk::testing {

/// The URL of the database under test; nullopt when the run was given none.
std::optional<std::string> compliance_url();

/// The message of a case that finds no URL: which variables were read and how to set them.
std::string no_url_message();

/// The requirements of the dialect under test, computed once per process (from_dialect, then
/// configure_requirements). Valid after the first ComplianceTest::SetUp.
const Requirements& requirements();

/// Base of every suite case. A case that needs a feature begins with CRUCIBLE_REQUIRE(feature).
class ComplianceTest : public ::testing::Test {
 protected:
  /// Computes the prefix, so derived fixtures may name their tables in member initialisers.
  ComplianceTest();
  /// Makes the engine for compliance_url() (FAILs when there is none) and, once per process,
  /// the requirements.
  void SetUp() override;
  /// Closes the connection, then drops every table and view whose name has the prefix.
  void TearDown() override;

  /// The engine under test.
  const Engine& engine() const { return *engine_; }
  /// A connection of the case, opened on first use and kept until TearDown.
  Connection& conn();
  /// The dialect's name, for messages ("sqlite").
  std::string dialect_name() const;

  /// "<prefix>_<base>": the name of the case's table (or index, constraint, view) called base.
  std::string name(std::string_view base) const;
  /// The case's prefix ("cs1a2b3c4d"); every object the case creates starts with it.
  const std::string& prefix() const noexcept { return prefix_; }
  /// name(base) quoted for the dialect, for text() statements.
  std::string quoted(std::string_view base) const;

  /// Creates every table of metadata_ (checkfirst), committing.
  void create_tables() { metadata_.create_all(*engine_); }

  /// The first column of every row of stmt, each as T (std::optional<T> for nullable ones).
  template <class T>
  std::vector<T> column(const sql::Executable& stmt, const Params& params = {}) {
    std::vector<T> out;
    for (const Row& row : conn().execute(stmt, params)) out.push_back(row.get<T>(0));
    return out;
  }
  /// The single value of a one-row, one-column statement.
  Value scalar(const sql::Executable& stmt, const Params& params = {}) {
    return conn().execute(stmt, params).scalar_one();
  }
  /// count(*) of table t, read on connection c (default: the case's connection).
  std::int64_t count_rows(const Table& t, Connection* c = nullptr);

  MetaData metadata_;

 private:
  std::optional<Engine> engine_;
  std::optional<Connection> conn_;
  std::string prefix_;
};

/// A ComplianceTest whose tables (those the derived fixture declares in metadata_) are created
/// at SetUp, after which insert_data() runs and is committed (SQLAlchemy's TablesTest with its
/// define_tables/insert_data).
class ComplianceTablesTest : public ComplianceTest {
 protected:
  void SetUp() override;
  /// The fixture's rows; default none. Runs on conn(), committed after it returns.
  virtual void insert_data() {}
};

namespace detail {
inline bool enabled(bool flag) noexcept { return flag; }
template <class F>
bool enabled(const std::function<F>& hook) noexcept {
  return static_cast<bool>(hook);
}
}  // namespace detail

}  // namespace crucible::sdk::testing

/// Skips the current case visibly unless the database under test has `feature` (a member of
/// Requirements): "requirement <feature> not supported by <dialect>". Use in a ComplianceTest.
#define CRUCIBLE_REQUIRE(feature)                                                                  \
  do {                                                                                             \
    if (!::crucible::sdk::testing::detail::enabled(                                                \
            ::crucible::sdk::testing::requirements().feature))                                     \
      GTEST_SKIP() << "requirement " #feature " not supported by " << dialect_name();              \
  } while (false)
