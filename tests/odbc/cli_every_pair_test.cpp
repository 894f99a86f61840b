// The `crucible` program with every dialect+driver pair of the project (issue 5 item 6): the
// four plugins are listed with their dialects and drivers, and `crucible sql` runs a script and
// a query with a bound parameter on each pair, as a user runs it. The servers and the ODBC
// drivers are the real ones that scripts/with-pg, scripts/with-mariadb and scripts/with-odbc
// start and register.
#include <gtest/gtest.h>
#include <unistd.h>  // getpid

#include <cstdlib>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "../sqlite/cli_process.hpp"
#include "../sqlite/test_support.hpp"

using crucible::testing::ProcessResult;
using crucible::testing::run_process;
using crucible::testing::TempDir;

namespace {

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

ProcessResult cli(const std::vector<std::string>& args, const std::string& input = {}) {
  return run_process(CRUCIBLE_CLI, args, input);
}

/// One pair: its name and where its URL comes from.
struct Pair {
  std::string name;  ///< "postgresql+odbc"
  std::string env;   ///< the variable holding its URL, or "" for the SQLite file of the test
};

/// How GoogleTest prints a pair in its messages.
[[maybe_unused]] void PrintTo(const Pair& pair, std::ostream* os) { *os << pair.name; }

const TempDir& temp_dir() {
  static const TempDir dir;
  return dir;
}

/// The pair's URL, or nullopt when its server is not there (the test then fails, saying so).
std::optional<std::string> url_of(const Pair& pair) {
  if (pair.name == "sqlite+sqlite3") return temp_dir().sqlite_url("pairs.db");
  if (pair.name == "sqlite+odbc") {
    const auto driver = env("CRUCIBLE_SQLITE_ODBC_DRIVER");
    if (!driver) return std::nullopt;
    return "sqlite+odbc:///" + (temp_dir().path() / "pairs-odbc.db").string() +
           "?driver=" + *driver;
  }
  return env(pair.env.c_str());
}

class CliEveryPair : public ::testing::TestWithParam<Pair> {};

}  // namespace

TEST(CliEveryPlugin, PluginsListsTheFourPluginsWithTheirDialectsAndDrivers) {
  const ProcessResult r = cli({"plugins", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // name,version,path,dialects,drivers,error; one line per plugin.
  const std::map<std::string, std::vector<std::string>> expected{
      {"\r\nsqlite,", {"sqlite (default driver sqlite3)", ",sqlite3,"}},
      {"\r\npostgresql,", {"postgresql (default driver libpq)", ",libpq,"}},
      {"\r\nmysql,",
       {"mysql (default driver mariadbconnector)", "mariadb (default driver mariadbconnector)",
        ",mariadbconnector,"}},
      {"\r\nodbc,", {",odbc,"}},
  };
  for (const auto& [start, parts] : expected) {
    const auto at = r.out.find(start);
    ASSERT_NE(at, std::string::npos) << start << " missing from:\n" << r.out;
    const std::string line = r.out.substr(at + 2, r.out.find("\r\n", at + 2) - at - 2);
    for (const std::string& part : parts)
      EXPECT_NE(line.find(part), std::string::npos) << part << " missing from: " << line;
    EXPECT_EQ(line.back(), ',') << "the error column is empty: " << line;
  }
}

TEST_P(CliEveryPair, SqlRunsAScriptAndABoundQueryOnThePair) {
  const Pair& pair = GetParam();
  const auto url = url_of(pair);
  if (!url)
    FAIL() << pair.name << " has no URL: run the tests through scripts/test (or scripts/with-pg "
           << "scripts/with-mariadb scripts/with-odbc ctest …), which export " << pair.env;
  std::string table = "crucible_cli_pair_" + std::to_string(getpid());
  for (char c : pair.name) table += (c == '+') ? '_' : c;

  const ProcessResult created = cli(
      {"sql", *url, "--file", "-"},
      "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL);\n" +
          "INSERT INTO " + table + " (id, name) VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger');\n");
  ASSERT_EQ(created.exit_code, 0) << created.err;

  const ProcessResult query =
      cli({"sql", *url, "SELECT id, name FROM " + table + " WHERE name = :name", "--param",
           "name=Grace", "--format", "csv"});
  const ProcessResult dropped = cli({"sql", *url, "DROP TABLE " + table});
  ASSERT_EQ(query.exit_code, 0) << query.err;
  EXPECT_EQ(query.out, "id,name\r\n2,Grace\r\n");
  EXPECT_EQ(dropped.exit_code, 0) << dropped.err;
}

INSTANTIATE_TEST_SUITE_P(Pairs, CliEveryPair,
                         ::testing::Values(Pair{"sqlite+sqlite3", ""},
                                           Pair{"sqlite+odbc", "CRUCIBLE_SQLITE_ODBC_DRIVER"},
                                           Pair{"postgresql+libpq", "CRUCIBLE_POSTGRESQL_URL"},
                                           Pair{"postgresql+odbc", "CRUCIBLE_POSTGRESQL_ODBC_URL"},
                                           Pair{"mysql+mariadbconnector", "CRUCIBLE_MYSQL_URL"},
                                           Pair{"mariadb+mariadbconnector", "CRUCIBLE_MARIADB_URL"},
                                           Pair{"mysql+odbc", "CRUCIBLE_MYSQL_ODBC_URL"}),
                         [](const auto& info) {
                           std::string name;
                           for (char c : info.param.name) name += (c == '+') ? '_' : c;
                           return name;
                         });
