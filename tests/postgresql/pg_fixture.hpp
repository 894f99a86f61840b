#pragma once
// The fixture of the PostgreSQL plugin's tests (tests/postgresql/*.cpp): a real server, whose
// URL comes from $CRUCIBLE_POSTGRESQL_URL (scripts/pg-start prints it). Without it every test
// that needs the server FAILS with a message saying how to start one; nothing is skipped.
//
// Each test gets a schema of its own, named after the test, created at SetUp and dropped (with
// everything in it) at TearDown. url() connects with that schema first on the search_path
// (libpq's "options" keyword through the URL query), so tests use unqualified table names and
// tests running in parallel processes (ctest -j) never meet.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../dbapi_fixture.hpp"
#include "crucible/dbapi.hpp"
#include "crucible/dialect.hpp"
#include "crucible/engine.hpp"
#include "crucible/errors.hpp"
#include "crucible/registry.hpp"
#include "crucible/url.hpp"
#include "crucible/value.hpp"

namespace crucible::testing {

/// What a test that needs a server says when there is none.
inline constexpr const char* kNoServerMessage =
    "CRUCIBLE_POSTGRESQL_URL is not set, so there is no PostgreSQL server to test against. Start "
    "the throw-away server with `eval \"$(scripts/pg-start)\"` (stop it with scripts/pg-stop), or "
    "run the tests through `scripts/with-pg ctest --test-dir BUILD -L postgresql`.";

/// $CRUCIBLE_POSTGRESQL_URL, or nullopt.
inline std::optional<std::string> postgresql_url() {
  const char* url = std::getenv("CRUCIBLE_POSTGRESQL_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

/// The plugin's driver and dialect and a connection in a schema of the test's own.
class PgFixture : public DbapiFixture<::testing::Test> {
 protected:
  DbapiConnection& connection() override { return *conn_; }
  void SetUp() override {
    const auto url = postgresql_url();
    if (!url) FAIL() << kNoServerMessage;
    base_url_ = *url;
    driver_ = registry::load_driver("libpq");
    dialect_ = registry::load_dialect("postgresql");
    schema_ = schema_name();
    admin_ = driver_->connect(make_url(base_url_), {});
    admin_->set_autocommit(true);
    exec(*admin_, "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    exec(*admin_, "CREATE SCHEMA " + schema_);
    conn_ = connect();
  }

  void TearDown() override {
    if (conn_) conn_->close();
    if (admin_) {
      try {
        exec(*admin_, "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
      } catch (const Error& e) {
        ADD_FAILURE() << "could not drop the test schema " << schema_ << ": " << e.what();
      }
    }
  }

  /// "crucible_<suite>_<test>" in lower case, cut to 63 bytes with a hash for uniqueness.
  static std::string schema_name() {
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
    return out.substr(0, 63 - suffix.size()) + suffix;
  }

  /// The server's URL with the test's schema first on the search_path, plus extra query text
  /// ("&application_name=x").
  std::string url(std::string_view extra_query = {}) const {
    const char separator = base_url_.find('?') == std::string::npos ? '?' : '&';
    return base_url_ + separator + "options=-csearch_path%3D" + schema_ + std::string(extra_query);
  }

  /// A new DBAPI connection to url(), prepared by the dialect as an Engine would.
  std::unique_ptr<DbapiConnection> connect(ConnectOptions options = {}) {
    auto conn = driver_->connect(make_url(url()), options);
    dialect_->on_connect(*conn);
    return conn;
  }

  std::string base_url_;
  std::string schema_;
  // Declared in this order so the connections go before the plugin objects that made them.
  registry::DriverPtr driver_;
  registry::DialectPtr dialect_;
  std::unique_ptr<DbapiConnection> admin_;  // autocommit, outside the test's schema
  std::unique_ptr<DbapiConnection> conn_;
};

/// PgFixture with an Engine on url() (the test's schema), disposed of before the schema goes.
class PgEngineFixture : public PgFixture {
 protected:
  void SetUp() override {
    PgFixture::SetUp();
    if (HasFatalFailure()) return;
    engine_.emplace(create_engine(url()));
  }
  void TearDown() override {
    if (engine_) engine_->dispose();
    engine_.reset();
    PgFixture::TearDown();
  }
  Engine& engine() { return *engine_; }

  std::optional<Engine> engine_;
};

}  // namespace crucible::testing
