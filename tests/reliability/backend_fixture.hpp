#pragma once
// The fixture of the reliability tests (tests/reliability/*.cpp): each test runs on every
// database the tree has a plugin for, as in the ORM tests:
//   Sqlite/…      a database file of the test's own, in WAL mode, as SQLite advises for
//                 readers and writers at once (https://sqlite.org/wal.html) (label sqlite);
//   Postgresql/…  $CRUCIBLE_POSTGRESQL_URL (label postgresql);
//   Mariadb/…     $CRUCIBLE_MYSQL_URL (label mysql).
// A server test without its URL FAILS, saying how to start the server (nothing is skipped).
// Each test works in a table named after itself, dropped before and after.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <optional>
#include <string>

#include "../sqlite/test_support.hpp"
#include "crucible/crucible.hpp"

namespace crucible::testing {

/// The backend's name ("sqlite", "postgresql", "mariadb") as the test parameter.
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    table_ = "rel_" + test_name();
    url_ = backend_url(backend());
    if (url_.empty()) return;  // backend_url reported the failure
    admin_.emplace(create_engine(url_, {.poolclass = PoolClass::kNullPool}));
    // Without WAL, SQLite answers a writer that finds readers holding the file with "database
    // is locked" once its busy timeout runs out; WAL is kept by the file, for every connection.
    // (Set outside a transaction: SQLite refuses the change inside one.)
    if (backend() == "sqlite") {
      create_engine(url_, {.poolclass = PoolClass::kNullPool, .isolation_level = "AUTOCOMMIT"})
          .connect()
          .exec_driver_sql("PRAGMA journal_mode=WAL");
    }
    admin_exec("DROP TABLE IF EXISTS " + table_);
  }

  void TearDown() override {
    if (!admin_) return;
    try {
      admin_exec("DROP TABLE IF EXISTS " + table_);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "could not drop " << table_ << ": " << e.what();
    }
  }

  const std::string& backend() const { return GetParam(); }
  /// The database's URL: a file in the test's directory for SQLite, else the server's.
  const std::string& url() const { return url_; }
  /// The test's own table name.
  const std::string& table() const { return table_; }
  /// An engine of its own (no pool), for setting up and for counting from outside.
  Engine& admin() { return *admin_; }

  /// Runs sql (no parameters) on a connection of admin() and commits.
  void admin_exec(const std::string& sql) {
    auto conn = admin_->connect();
    conn.exec_driver_sql(sql);
    conn.commit();
  }
  /// The rows in table(), counted on a fresh connection.
  std::int64_t count_rows() {
    auto conn = admin_->connect();
    return conn.execute(text("SELECT count(*) FROM " + table_)).scalar().as<std::int64_t>();
  }

  /// A URL for backend, or "" after a test failure saying which variable is missing.
  std::string backend_url(const std::string& backend) {
    if (backend == "sqlite") return dir_.sqlite_url("reliability.db");
    const char* variable =
        backend == "postgresql" ? "CRUCIBLE_POSTGRESQL_URL" : "CRUCIBLE_MYSQL_URL";
    const char* value = std::getenv(variable);
    if (value == nullptr || *value == '\0') {
      ADD_FAILURE() << variable << " is not set: start a server with `eval \"$(scripts/"
                    << (backend == "postgresql" ? "pg" : "mariadb")
                    << "-start)\"` or run through scripts/with-"
                    << (backend == "postgresql" ? "pg" : "mariadb");
      return "";
    }
    return value;
  }

 private:
  static std::string test_name() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string out;
    for (char c : std::string(info->name()))
      out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
    if (out.size() > 50) out.resize(50);
    return out;
  }

  TempDir dir_;
  std::string url_;
  std::string table_;
  std::optional<Engine> admin_;
};

/// Runs the tests of a TEST_P suite on every backend.
#define CRUCIBLE_RELIABILITY_BACKENDS(Suite)                                                       \
  INSTANTIATE_TEST_SUITE_P(Sqlite, Suite, ::testing::Values(std::string("sqlite")));               \
  INSTANTIATE_TEST_SUITE_P(Postgresql, Suite, ::testing::Values(std::string("postgresql")));       \
  INSTANTIATE_TEST_SUITE_P(Mariadb, Suite, ::testing::Values(std::string("mariadb")))

/// Runs the tests of a TEST_P suite on the server backends only.
#define CRUCIBLE_RELIABILITY_SERVERS(Suite)                                                        \
  INSTANTIATE_TEST_SUITE_P(Postgresql, Suite, ::testing::Values(std::string("postgresql")));       \
  INSTANTIATE_TEST_SUITE_P(Mariadb, Suite, ::testing::Values(std::string("mariadb")))

}  // namespace crucible::testing
