// `crucible sql`: one statement or a script, its formats, binds and transactions, run as a user
// runs it on a temporary SQLite database. Expected data comes from the raw sqlite3 C API.
#include <set>
#include <string>
#include <vector>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include "cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using namespace crucible::testing;
using Poco::JSON::Array;
using Poco::JSON::Object;

// ---- crucible sql URL STATEMENT ----------------------------------------------------------------

class CliSql : public CliFixture {
 protected:
  void SetUp() override {
    RawSqlite db(db_path());
    db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);"
            "INSERT INTO users VALUES (1, 'Alice', 'alice@example.com'), (2, 'Bob', NULL);");
  }
};

TEST_F(CliSql, TablePrintsAlignedColumnsHeaderSeparatorAndRowCount) {
  const ProcessResult r = cli({"sql", url(), "SELECT id, name, email FROM users ORDER BY id"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, " id | name  | email\n"
                   "----+-------+-------------------\n"
                   "  1 | Alice | alice@example.com\n"
                   "  2 | Bob   | NULL\n"
                   "(2 rows)\n");
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST_F(CliSql, TableOfNoRowsPrintsHeaderAndZeroRows) {
  const ProcessResult r = cli({"sql", url(), "SELECT name FROM users WHERE id > 100"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, " name\n------\n(0 rows)\n");
}

TEST_F(CliSql, CsvQuotesCommaQuoteAndNewlineAndLeavesNullEmpty) {
  const ProcessResult r = cli({"sql", url(),
                               "SELECT 'Smith, John' AS a, 'say \"hi\"' AS b, NULL AS c, '' AS d, "
                               "'line1' || char(10) || 'line2' AS e, 42 AS f",
                               "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "a,b,c,d,e,f\r\n"
                   "\"Smith, John\",\"say \"\"hi\"\"\",,\"\",\"line1\nline2\",42\r\n");
}

TEST_F(CliSql, JsonIsArrayOfObjectsWithNumbersNullsStringsAndHexBytes) {
  const ProcessResult r = cli({"sql", url(),
                               "SELECT id, name, email, 2.5 AS ratio, X'00ff10' AS blob, "
                               "'h\xc3\xa9' AS accent FROM users ORDER BY id",
                               "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = parse_json(r.out).extract<Array::Ptr>();
  ASSERT_EQ(rows->size(), 2u);
  const auto alice = rows->getObject(0);
  EXPECT_TRUE(alice->get("id").isInteger());
  EXPECT_EQ(alice->getValue<Poco::Int64>("id"), 1);
  EXPECT_EQ(alice->getValue<std::string>("name"), "Alice");
  EXPECT_EQ(alice->getValue<std::string>("email"), "alice@example.com");
  EXPECT_TRUE(alice->get("ratio").isNumeric());
  EXPECT_DOUBLE_EQ(alice->getValue<double>("ratio"), 2.5);
  EXPECT_EQ(alice->getValue<std::string>("blob"), "00ff10");
  EXPECT_EQ(alice->getValue<std::string>("accent"), "h\xc3\xa9");
  std::vector<std::string> keys;
  alice->getNames(keys);
  EXPECT_EQ(keys.size(), 6u);
  EXPECT_TRUE(rows->getObject(1)->isNull("email"));
  EXPECT_EQ(rows->getObject(1)->getValue<Poco::Int64>("id"), 2);
}

TEST_F(CliSql, JsonKeepsBothValuesOfARepeatedColumnName) {
  const ProcessResult r = cli({"sql", url(), "SELECT 1 AS x, 2 AS x", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto row = parse_json(r.out).extract<Array::Ptr>()->getObject(0);
  EXPECT_EQ(row->getValue<Poco::Int64>("x"), 1);
  EXPECT_EQ(row->getValue<Poco::Int64>("x_2"), 2);
}

TEST_F(CliSql, StringParamBindsByName) {
  const ProcessResult r = cli({"sql", url(), "SELECT email FROM users WHERE name = :name",
                               "--param", "name=Alice", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "email\r\nalice@example.com\r\n");
}

TEST_F(CliSql, TypedParamsBindIntFloatNullAndString) {
  const ProcessResult r =
      cli({"sql", url(),
           "SELECT typeof(:i) AS ti, :i + 1 AS i1, typeof(:f) AS tf, :f * 2 AS f2, "
           "typeof(:n) AS tn, typeof(:s) AS ts, :s AS s, :big AS big",
           "--param", "i:int=41", "--param", "f:float=1.25", "--param", "n:null", "--param", "s=42",
           "--param=big:int=9223372036854775807", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto row = parse_json(r.out).extract<Array::Ptr>()->getObject(0);
  EXPECT_EQ(row->getValue<std::string>("ti"), "integer");
  EXPECT_EQ(row->getValue<Poco::Int64>("i1"), 42);
  EXPECT_EQ(row->getValue<std::string>("tf"), "real");
  EXPECT_DOUBLE_EQ(row->getValue<double>("f2"), 2.5);
  EXPECT_EQ(row->getValue<std::string>("tn"), "null");
  EXPECT_EQ(row->getValue<std::string>("ts"), "text");
  EXPECT_EQ(row->getValue<std::string>("s"), "42");
  EXPECT_EQ(row->getValue<Poco::Int64>("big"), INT64_MAX);
}

TEST_F(CliSql, StringTypedParamKeepsDigitsAsText) {
  const ProcessResult r =
      cli({"sql", url(), "SELECT typeof(:s) AS t", "--param", "s:str=007", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "t\r\ntext\r\n");
}

TEST_F(CliSql, InsertCommitsAndPrintsRowsAffected) {
  const ProcessResult r =
      cli({"sql", url(), "INSERT INTO users (name) VALUES ('Carol'), ('Dave')"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "2 rows affected\n");
  RawSqlite db(db_path());
  EXPECT_EQ(db.query("SELECT count(*) FROM users")[0][0], "4");
}

TEST_F(CliSql, UpdateInJsonPrintsRowcountObject) {
  const ProcessResult r =
      cli({"sql", url(), "UPDATE users SET email = :e WHERE id = :id", "--param",
           "e=bob@example.com", "--param", "id:int=2", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(parse_json(r.out).extract<Object::Ptr>()->getValue<Poco::Int64>("rowcount"), 1);
  RawSqlite db(db_path());
  EXPECT_EQ(db.query("SELECT email FROM users WHERE id = 2")[0][0], "bob@example.com");
}

TEST_F(CliSql, DeleteInCsvPrintsNothing) {
  const ProcessResult r = cli({"sql", url(), "DELETE FROM users WHERE id = 1", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  RawSqlite db(db_path());
  EXPECT_EQ(db.query("SELECT count(*) FROM users")[0][0], "1");
}

TEST_F(CliSql, SeveralOrNoStatementsWithoutFileAreUsageErrors) {
  for (const char* statement :
       {"DELETE FROM users; DELETE FROM users", "", "  -- only a comment"}) {
    const ProcessResult r = cli({"sql", url(), statement});
    EXPECT_EQ(r.exit_code, 2) << statement;
    expect_one_error_line(r);
  }
  RawSqlite db(db_path());
  EXPECT_EQ(db.query("SELECT count(*) FROM users")[0][0], "2");
  const ProcessResult trailing =
      cli({"sql", url(), "SELECT count(*) AS n FROM users;", "--format", "csv"});
  ASSERT_EQ(trailing.exit_code, 0) << trailing.err;
  EXPECT_EQ(trailing.out, "n\r\n2\r\n");
}

TEST_F(CliSql, ConstraintViolationExitsOneAndKeepsTheRow) {
  const ProcessResult r = cli({"sql", url(), "INSERT INTO users (id, name) VALUES (1, 'Again')"});
  EXPECT_EQ(r.exit_code, 1);
  expect_one_error_line(r);
  RawSqlite db(db_path());
  EXPECT_EQ(db.query("SELECT name FROM users WHERE id = 1")[0][0], "Alice");
}

TEST_F(CliSql, UnknownParamTypeIsUsageError) {
  const ProcessResult r = cli({"sql", url(), "SELECT :d", "--param", "d:date=2024-01-01"});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("date"), std::string::npos) << r.err;
}

TEST_F(CliSql, MalformedParamsAreUsageErrors) {
  for (const char* param : {"noequals", "i:int=abc", "i:int=99999999999999999999", "f:float=x",
                            "n:null=1", "=v", "bad-name=1"}) {
    const ProcessResult r = cli({"sql", url(), "SELECT 1", "--param", param});
    EXPECT_EQ(r.exit_code, 2) << param;
    expect_one_error_line(r);
  }
}

TEST_F(CliSql, MissingAndUnusedParamsAreUsageErrors) {
  const ProcessResult missing = cli({"sql", url(), "SELECT :a, :b", "--param", "a=1"});
  EXPECT_EQ(missing.exit_code, 2);
  expect_one_error_line(missing);
  EXPECT_NE(missing.err.find(":b"), std::string::npos) << missing.err;

  const ProcessResult unused =
      cli({"sql", url(), "SELECT :a", "--param", "a=1", "--param", "typo=2"});
  EXPECT_EQ(unused.exit_code, 2);
  expect_one_error_line(unused);
  EXPECT_NE(unused.err.find("typo"), std::string::npos) << unused.err;
}

// ---- crucible sql URL --file SCRIPT ------------------------------------------------------------

class CliSqlScript : public CliFixture {};

TEST_F(CliSqlScript, PrintsRowsOfLastSelectAndCommitsEverything) {
  const std::string script =
      write_file("s.sql", "CREATE TABLE t (x INTEGER, label TEXT);\n"
                          "INSERT INTO t VALUES (1, 'one'); -- a comment; with a semicolon\n"
                          "SELECT 'not last' AS ignored;\n"
                          "INSERT INTO t VALUES (2, 'two;three');\n"
                          "SELECT x, label FROM t ORDER BY x;\n"
                          "UPDATE t SET x = x;\n");
  const ProcessResult r = cli({"sql", url(), "--file", script, "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "x,label\r\n1,one\r\n2,two;three\r\n");
  RawSqlite db(db_path());
  EXPECT_EQ(db.query("SELECT count(*) FROM t")[0][0], "2");
}

TEST_F(CliSqlScript, WithoutRowsPrintsTotalRowsAffected) {
  const std::string script = write_file("s.sql", "CREATE TABLE t (x INTEGER);\n"
                                                 "INSERT INTO t VALUES (1), (2), (3);\n"
                                                 "UPDATE t SET x = x + 1 WHERE x < 3;\n");
  const ProcessResult table = cli({"sql", url(), "--file", script});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out, "5 rows affected\n");
  RawSqlite db(db_path());
  EXPECT_EQ(db.query("SELECT group_concat(x) FROM (SELECT x FROM t ORDER BY x)")[0][0], "2,3,3");
}

TEST_F(CliSqlScript, FailureInThirdStatementLeavesNothingOfTheFirstTwo) {
  {
    RawSqlite db(db_path());
    db.exec("CREATE TABLE kept (x INTEGER); INSERT INTO kept VALUES (7);");
  }
  const std::string script = write_file("s.sql", "CREATE TABLE t1 (x INTEGER);\n"
                                                 "DELETE FROM kept;\n"
                                                 "INSERT INTO no_such_table VALUES (1);\n"
                                                 "INSERT INTO t1 VALUES (2);\n");
  const ProcessResult r = cli({"sql", url(), "--file", script});
  EXPECT_EQ(r.exit_code, 1);
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("statement 3 of 4"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no_such_table"), std::string::npos) << r.err;
  RawSqlite db(db_path());
  EXPECT_FALSE(db.has_table("t1"));
  EXPECT_EQ(db.query("SELECT x FROM kept")[0][0], "7");
}

TEST_F(CliSqlScript, ReadsStandardInputAndBindsParamsPerStatement) {
  const ProcessResult r =
      cli({"sql", url(), "--file", "-", "--param", "v:int=5", "--format", "json"},
          "CREATE TABLE t (x INTEGER);\n"
          "INSERT INTO t VALUES (:v);\n"
          "SELECT x * 2 AS doubled FROM t WHERE x = :v;\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = parse_json(r.out).extract<Array::Ptr>();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->getObject(0)->getValue<Poco::Int64>("doubled"), 10);
}

TEST_F(CliSqlScript, MissingScriptFileIsUsageError) {
  const ProcessResult r = cli({"sql", url(), "--file", (dir_.path() / "absent.sql").string()});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("absent.sql"), std::string::npos) << r.err;
}

}  // namespace
