#pragma once
// The fixture of the MySQL/MariaDB plugin's tests (tests/mysql/*.cpp): a real server, whose URL
// comes from $CRUCIBLE_MYSQL_URL (scripts/mariadb-start prints it; scripts/with-mariadb runs a
// command with it). Without it every test that needs the server is SKIPPED with a message saying
// how to start one.
//
// Each test gets a database of its own (MySQL's schema), named after the test, created at SetUp
// and dropped with everything in it at TearDown. url() names that database, so tests use
// unqualified table names and tests running in parallel processes (ctest -j) never meet.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "../dbapi_fixture.hpp"
#include "crucible/dbapi.hpp"
#include "crucible/engine.hpp"
#include "crucible/errors.hpp"
#include "crucible/registry.hpp"
#include "crucible/url.hpp"
#include "crucible/value.hpp"

namespace crucible {
/// How GoogleTest prints a Value in a failure message: its kind and its text.
[[maybe_unused]] inline void PrintTo(const Value& value, std::ostream* os) {
  *os << kind_name(value.kind()) << " " << value.to_string();
}
}  // namespace crucible

namespace crucible::testing {

/// What a test that needs a server says when there is none.
inline constexpr const char* kNoMysqlMessage =
    "CRUCIBLE_MYSQL_URL is not set, so there is no MariaDB/MySQL server to test against. "
    "Start the throw-away server with `eval \"$(scripts/mariadb-start)\"` (stop it with "
    "scripts/mariadb-stop), or run the tests through "
    "`scripts/with-mariadb ctest --test-dir BUILD -L mysql`.";

/// $CRUCIBLE_MYSQL_URL, or nullopt.
inline std::optional<std::string> mysql_url() {
  const char* url = std::getenv("CRUCIBLE_MYSQL_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

/// The mariadbconnector driver and a connection in a database of the test's own.
class MysqlFixture : public DbapiFixture<::testing::Test> {
 protected:
  DbapiConnection& connection() override { return *conn_; }
  void SetUp() override {
    const auto url = mysql_url();
    if (!url) FAIL() << kNoMysqlMessage;
    base_url_ = make_url(*url);
    driver_ = registry::load_driver("mariadbconnector");
    database_ = database_name();
    admin_ = driver_->connect(base_url_, {});
    admin_->set_autocommit(true);
    exec(*admin_, "DROP DATABASE IF EXISTS `" + database_ + "`");
    exec(*admin_, "CREATE DATABASE `" + database_ + "` CHARACTER SET utf8mb4");
    conn_ = connect();
  }

  void TearDown() override {
    if (conn_) conn_->close();
    if (admin_) {
      try {
        exec(*admin_, "DROP DATABASE IF EXISTS `" + database_ + "`");
      } catch (const Error& e) {
        ADD_FAILURE() << "could not drop the test database " << database_ << ": " << e.what();
      }
    }
  }

  /// "t_<suite>_<test>" in lower case, cut to 64 bytes with a hash for uniqueness.
  static std::string database_name() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string("t_") + info->test_suite_name() + "_" + info->name();
    std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a of the full name
    for (const char c : name) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    std::string out;
    for (const char c : name) {
      out += std::isalnum(static_cast<unsigned char>(c)) != 0
                 ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                 : '_';
    }
    const std::string suffix = "_" + std::to_string(hash % 1000000007ULL);
    return out.substr(0, 64 - suffix.size()) + suffix;
  }

  /// The server's URL naming the test's database.
  URL url() const { return base_url_.with_database(database_); }

  /// A new DBAPI connection to url().
  std::unique_ptr<DbapiConnection> connect(ConnectOptions options = {}) {
    return driver_->connect(url(), options);
  }

  URL base_url_{make_url("mysql://")};
  std::string database_;
  // Declared in this order so the connections go before the plugin objects that made them.
  registry::DriverPtr driver_;
  std::unique_ptr<DbapiConnection> admin_;  // autocommit, outside the test's database
  std::unique_ptr<DbapiConnection> conn_;
};

/// MysqlFixture with an Engine on url() (the test's database), disposed of before the database
/// goes. Needs the plugin's mysql/mariadb dialect.
class MysqlEngineFixture : public MysqlFixture {
 protected:
  void SetUp() override {
    MysqlFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    engine_.emplace(create_engine(url().render(/*hide_password=*/false)));
  }
  void TearDown() override {
    if (engine_) engine_->dispose();
    engine_.reset();
    MysqlFixture::TearDown();
  }
  Engine& engine() { return *engine_; }

  std::optional<Engine> engine_;
};

}  // namespace crucible::testing
