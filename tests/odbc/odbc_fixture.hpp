#pragma once
// The fixture of the ODBC driver's tests (tests/odbc/*.cpp): the "odbc" driver against Debian's
// three ODBC drivers, registered in a test-local odbcinst.ini by scripts/with-odbc, which also
// exports the URLs read here:
//   postgresql  $CRUCIBLE_POSTGRESQL_ODBC_URL (psqlODBC, the server of scripts/with-pg)
//   mysql       $CRUCIBLE_MYSQL_ODBC_URL      (MariaDB Connector/ODBC, scripts/with-mariadb)
//   sqlite      $CRUCIBLE_SQLITE_ODBC_DRIVER  (SQLite ODBC) on a file of the test's own
// Without the variable a test FAILS saying how to run it; nothing is skipped.
//
// Tables are named odbc_<something> and dropped before use, so these tests and the compliance
// suites (which share the servers) never meet.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../dbapi_fixture.hpp"
#include "crucible/dbapi.hpp"
#include "crucible/errors.hpp"
#include "crucible/registry.hpp"
#include "crucible/url.hpp"
#include "crucible/value.hpp"

namespace crucible::testing {

/// One database behind an ODBC driver.
enum class Target { kPostgresql, kMysql, kSqlite };

inline std::string target_name(Target target) {
  switch (target) {
  case Target::kPostgresql: return "postgresql";
  case Target::kMysql: return "mysql";
  case Target::kSqlite: return "sqlite";
  }
  return {};
}

/// For INSTANTIATE_TEST_SUITE_P: the test name suffix.
inline std::string target_param_name(const ::testing::TestParamInfo<Target>& info) {
  return target_name(info.param);
}

/// The value of an environment variable, or nullopt when unset or empty.
inline std::optional<std::string> environment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

/// What a test that needs variable says when it is missing.
inline std::string missing(const char* variable) {
  return std::string(variable) +
         " is not set. Run the ODBC tests through the scripts that start the servers and "
         "register the ODBC drivers: `scripts/with-pg scripts/with-mariadb scripts/with-odbc "
         "ctest --test-dir build -L odbc`.";
}

/// The driver, a connection to the target database, and helpers.
class OdbcFixture : public DbapiFixture<::testing::TestWithParam<Target>> {
 protected:
  DbapiConnection& connection() override { return *conn_; }
  void SetUp() override {
    driver_ = registry::load_driver("odbc");
    const auto url = target_url(GetParam());
    if (!url) FAIL() << missing(variable_of(GetParam()));
    url_ = *url;
    conn_ = driver_->connect(make_url(url_), {});
  }

  void TearDown() override {
    if (conn_) conn_->close();
    if (!sqlite_file_.empty()) std::remove(sqlite_file_.c_str());
  }

  static const char* variable_of(Target target) {
    switch (target) {
    case Target::kPostgresql: return "CRUCIBLE_POSTGRESQL_ODBC_URL";
    case Target::kMysql: return "CRUCIBLE_MYSQL_ODBC_URL";
    case Target::kSqlite: return "CRUCIBLE_SQLITE_ODBC_DRIVER";
    }
    return "";
  }

  /// The URL of target: the exported one, or for SQLite a file of this test's own.
  std::optional<std::string> target_url(Target target) {
    const auto value = environment(variable_of(target));
    if (!value) return std::nullopt;
    if (target != Target::kSqlite) return value;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    sqlite_file_ = ::testing::TempDir() + "crucible_odbc_" + name + ".db";
    std::remove(sqlite_file_.c_str());
    return "sqlite+odbc:///" + sqlite_file_ + "?driver=" + *value;
  }

  bool is(Target target) const { return GetParam() == target; }

  /// A second connection to the same database.
  std::unique_ptr<DbapiConnection> connect_again() { return driver_->connect(make_url(url_), {}); }

  /// Drops table when it exists and creates it with columns (committed).
  void create_table(std::string_view table, std::string_view columns) {
    exec("DROP TABLE IF EXISTS " + std::string(table));
    exec("CREATE TABLE " + std::string(table) + " (" + std::string(columns) + ")");
    conn_->commit();
  }

  std::string url_;
  std::string sqlite_file_;
  // Declared in this order so the connection goes before the plugin object that made it.
  registry::DriverPtr driver_;
  std::unique_ptr<DbapiConnection> conn_;
};

}  // namespace crucible::testing
