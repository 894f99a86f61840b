#pragma once
// The fixture of the ORM tests (tests/orm/*.cpp): every test runs on each database the tree has
// a plugin for, through one Engine in a namespace of the test's own:
//   Sqlite/…      an in-memory SQLite database (label sqlite; ctest names start with "orm.");
//   Postgresql/…  a schema of its own on $CRUCIBLE_POSTGRESQL_URL (label postgresql);
//   Mariadb/…     a database of its own on $CRUCIBLE_MYSQL_URL (label mysql).
// A server test without its URL FAILS, saying how to start the server (nothing is skipped).
// The fixture counts the statements the Engine sends through its cursor-execute events, so a
// test can assert how many SELECTs a loader strategy issues.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crucible/crucible.hpp"
#include "crucible/events.hpp"

namespace crucible::testing {

/// The backend's name ("sqlite", "postgresql", "mariadb") as the test parameter.
class OrmTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string& backend = GetParam();
    name_ = test_name();
    if (backend == "sqlite") {
      engine_.emplace(create_engine("sqlite://"));
    } else if (backend == "postgresql") {
      const char* url = std::getenv("CRUCIBLE_POSTGRESQL_URL");
      if (url == nullptr || *url == '\0')
        FAIL() << "CRUCIBLE_POSTGRESQL_URL is not set: start a server with `eval \"$(scripts/pg-start)\"` "
                  "or run through scripts/with-pg";
      admin_.emplace(create_engine(url));
      admin_exec("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
      admin_exec("CREATE SCHEMA " + name_);
      const std::string base(url);
      engine_.emplace(create_engine(base + (base.find('?') == std::string::npos ? "?" : "&") +
                                    "options=-csearch_path%3D" + name_));
    } else if (backend == "mariadb") {
      const char* url = std::getenv("CRUCIBLE_MYSQL_URL");
      if (url == nullptr || *url == '\0')
        FAIL() << "CRUCIBLE_MYSQL_URL is not set: start a server with `eval \"$(scripts/mariadb-start)\"` "
                  "or run through scripts/with-mariadb";
      admin_.emplace(create_engine(url));
      admin_exec("DROP DATABASE IF EXISTS `" + name_ + "`");
      admin_exec("CREATE DATABASE `" + name_ + "` CHARACTER SET utf8mb4");
      engine_.emplace(create_engine(make_url(url).with_database(name_)));
    } else {
      FAIL() << "unknown backend " << backend;
    }
    listener_ = engine_->events().on_before_cursor_execute(
        [this](const CursorExecuteEvent& e) { statements_.emplace_back(e.statement); });
  }

  void TearDown() override {
    if (engine_) {
      engine_->events().remove(listener_);
      engine_->dispose();
    }
    engine_.reset();
    if (admin_) {
      try {
        if (GetParam() == "postgresql") admin_exec("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
        else admin_exec("DROP DATABASE IF EXISTS `" + name_ + "`");
      } catch (const std::exception& e) {
        ADD_FAILURE() << "could not drop the test namespace " << name_ << ": " << e.what();
      }
      admin_->dispose();
    }
  }

  Engine& engine() { return *engine_; }
  const std::string& backend() const { return GetParam(); }
  /// The statements sent since the test began (or since reset_statements()).
  const std::vector<std::string>& statements() const { return statements_; }
  std::size_t statement_count() const { return statements_.size(); }
  void reset_statements() { statements_.clear(); }
  /// The statements sent that start with word ("SELECT", "INSERT"…).
  std::size_t count(std::string_view word) const {
    std::size_t n = 0;
    for (const std::string& s : statements_)
      if (s.rfind(word, 0) == 0) ++n;
    return n;
  }

 private:
  void admin_exec(const std::string& sql) {
    auto conn = admin_->connect();
    conn.exec_driver_sql(sql);
    conn.commit();
  }
  static std::string test_name() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string out = "orm_";
    for (char c : std::string(info->name()))
      out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
    if (out.size() > 60) out.resize(60);
    return out;
  }

  std::string name_;
  std::optional<Engine> admin_;
  std::optional<Engine> engine_;
  ListenerId listener_{};
  std::vector<std::string> statements_;
};

/// Runs the tests of a TEST_P suite on every backend.
#define CRUCIBLE_ORM_BACKENDS(Suite)                                                        \
  INSTANTIATE_TEST_SUITE_P(Sqlite, Suite, ::testing::Values(std::string("sqlite")));        \
  INSTANTIATE_TEST_SUITE_P(Postgresql, Suite, ::testing::Values(std::string("postgresql"))); \
  INSTANTIATE_TEST_SUITE_P(Mariadb, Suite, ::testing::Values(std::string("mariadb")))

}  // namespace crucible::testing
