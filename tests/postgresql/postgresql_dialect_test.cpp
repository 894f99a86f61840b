// The "postgresql" dialect without a server: its features, identifier quoting, isolation level
// names, disconnect detection from the recorded connection status, and split_script on
// PostgreSQL's quoting (dollar quotes, E'' strings, nested comments, function bodies).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crucible/dialect.hpp"
#include "crucible/errors.hpp"
#include "crucible/registry.hpp"

using namespace crucible;

namespace {

class PostgresqlDialectTest : public ::testing::Test {
 protected:
  void SetUp() override { dialect_ = registry::load_dialect("postgresql"); }
  std::vector<std::string> split(std::string_view script) const {
    return dialect_->split_script(script);
  }
  registry::DialectPtr dialect_;
};

using Statements = std::vector<std::string>;

}  // namespace

TEST_F(PostgresqlDialectTest, FeaturesArePostgresqls) {
  const DialectFeatures& f = dialect_->features();
  EXPECT_TRUE(f.supports_returning);
  EXPECT_TRUE(f.supports_multivalues_insert);
  EXPECT_TRUE(f.supports_native_boolean);
  EXPECT_TRUE(f.supports_native_uuid);
  EXPECT_TRUE(f.supports_savepoints);
  EXPECT_TRUE(f.supports_sequences);
  EXPECT_TRUE(f.supports_transactional_ddl);
  EXPECT_EQ(f.max_identifier_length, 63u);
  EXPECT_EQ(f.upsert_style, UpsertStyle::kOnConflict);
  EXPECT_EQ(dialect_->default_driver(), "libpq");
}

TEST_F(PostgresqlDialectTest, QuotesReservedWordsMixedCaseAndOddNames) {
  EXPECT_EQ(dialect_->quote_identifier("users"), "users");
  EXPECT_EQ(dialect_->quote_identifier("user"), "\"user\"");
  EXPECT_EQ(dialect_->quote_identifier("lateral"), "\"lateral\"");
  EXPECT_EQ(dialect_->quote_identifier("Album"), "\"Album\"");
  EXPECT_EQ(dialect_->quote_identifier("a b"), "\"a b\"");
  EXPECT_EQ(dialect_->quote_identifier("say\"hi"), "\"say\"\"hi\"");
  EXPECT_EQ(dialect_->quote_identifier("name"), "name") << "non-reserved key words stay bare";
  EXPECT_EQ(dialect_->savepoint_sql("sa_savepoint_1"), "SAVEPOINT sa_savepoint_1");
}

TEST_F(PostgresqlDialectTest, IsolationLevelsIncludeAutocommit) {
  EXPECT_EQ(dialect_->isolation_levels(),
            (std::vector<std::string>{"SERIALIZABLE", "REPEATABLE READ", "READ COMMITTED",
                                      "READ UNCOMMITTED", "AUTOCOMMIT"}));
  EXPECT_EQ(dialect_->normalize_isolation_level("repeatable read"), "REPEATABLE READ");
  EXPECT_THROW(dialect_->normalize_isolation_level("snapshot"), ArgumentError);
}

TEST_F(PostgresqlDialectTest, DisconnectIsReadFromTheRecordedStatusNotTheMessage) {
  // driver_code 1 is libpq's CONNECTION_BAD, recorded by the driver after the failure.
  EXPECT_TRUE(dialect_->is_disconnect(OperationalError(ErrorInfo{"", 1, "anything", ""})));
  EXPECT_FALSE(dialect_->is_disconnect(
      OperationalError(ErrorInfo{"", 0, "server closed the connection unexpectedly", ""})))
      << "the message text alone decides nothing";
  EXPECT_TRUE(dialect_->is_disconnect(OperationalError(ErrorInfo{"57P01", 0, "x", ""})));
  EXPECT_TRUE(dialect_->is_disconnect(OperationalError(ErrorInfo{"08006", 0, "x", ""})));
  EXPECT_FALSE(dialect_->is_disconnect(ProgrammingError(ErrorInfo{"08P01", 0, "x", ""})));
  EXPECT_FALSE(dialect_->is_disconnect(IntegrityError(ErrorInfo{"23505", 0, "x", ""})));
  EXPECT_FALSE(dialect_->is_disconnect(OperationalError(ErrorInfo{"40001", 0, "x", ""})));
}

TEST_F(PostgresqlDialectTest, SplitScriptEndsStatementsAtSemicolons) {
  EXPECT_EQ(split("CREATE TABLE a (x int);\n\nINSERT INTO a VALUES (1) ;  SELECT 1"),
            (Statements{"CREATE TABLE a (x int)", "INSERT INTO a VALUES (1)", "SELECT 1"}));
  EXPECT_EQ(split(" ; ;\n -- only a comment\n;"), Statements{});
}

TEST_F(PostgresqlDialectTest, SplitScriptKeepsSemicolonsInsideStringsAndIdentifiers) {
  EXPECT_EQ(split("SELECT 'a;b', 'it''s;'; SELECT \"odd;name\" FROM t"),
            (Statements{"SELECT 'a;b', 'it''s;'", "SELECT \"odd;name\" FROM t"}));
}

TEST_F(PostgresqlDialectTest, SplitScriptUnderstandsEscapeStrings) {
  EXPECT_EQ(split(R"(SELECT E'it\'s; fine\\'; SELECT e'\\';)"),
            (Statements{R"(SELECT E'it\'s; fine\\')", R"(SELECT e'\\')"}));
  EXPECT_EQ(split(R"(SELECT 'back\'; SELECT 2)"), (Statements{R"(SELECT 'back\')", "SELECT 2"}))
      << "outside E'' a backslash is an ordinary character";
}

TEST_F(PostgresqlDialectTest, SplitScriptUnderstandsDollarQuotes) {
  const std::string function = "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\n"
                               "BEGIN\n  RETURN 1; -- ;\nEND;\n$$";
  const std::string tagged = "DO $body$ BEGIN RAISE NOTICE '$$;'; END $body$";
  EXPECT_EQ(split(function + ";\n" + tagged + ";\nSELECT $1::int, a$b FROM t;"),
            (Statements{function, tagged, "SELECT $1::int, a$b FROM t"}));
}

TEST_F(PostgresqlDialectTest, SplitScriptUnderstandsNestedCommentsAndParentheses) {
  EXPECT_EQ(split("/* outer /* inner; */ still; */ SELECT 1; SELECT 2"),
            (Statements{"/* outer /* inner; */ still; */ SELECT 1", "SELECT 2"}));
  EXPECT_EQ(split("CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO u VALUES (1); "
                  "INSERT INTO v VALUES (2)); SELECT 3"),
            (Statements{"CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO u VALUES (1); "
                        "INSERT INTO v VALUES (2))",
                        "SELECT 3"}));
}

TEST_F(PostgresqlDialectTest, SplitScriptKeepsSqlStandardFunctionBodiesWhole) {
  const std::string body = "CREATE OR REPLACE FUNCTION g(x int) RETURNS int LANGUAGE sql\n"
                           "BEGIN ATOMIC\n  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;\n"
                           "  SELECT x;\nEND";
  EXPECT_EQ(split(body + ";\nBEGIN;\nCOMMIT;"), (Statements{body, "BEGIN", "COMMIT"}));
}

TEST_F(PostgresqlDialectTest, SplitScriptRefusesUnterminatedQuotesNamingTheLine) {
  try {
    split("SELECT 1;\nSELECT $x$ never closed");
    FAIL();
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("dollar"), std::string::npos) << e.what();
  }
  EXPECT_THROW(split("SELECT 'open"), ArgumentError);
  EXPECT_THROW(split("SELECT E'open\\'"), ArgumentError);
  EXPECT_THROW(split("SELECT \"open"), ArgumentError);
  EXPECT_THROW(split("/* /* */ SELECT 1"), ArgumentError);
}

TEST_F(PostgresqlDialectTest, SplitScriptReturnsPsqlMetaCommandsAsClientCommands) {
  const Statements parts =
      split("DROP TABLE IF EXISTS a;\n\\c chinook;\n/* note */ \\set ON_ERROR_STOP on\n"
            "CREATE TABLE a (x text DEFAULT '\\c');\nSELECT E'\\\\'");
  EXPECT_EQ(parts, (Statements{"DROP TABLE IF EXISTS a", "\\c chinook;", "\\set ON_ERROR_STOP on",
                               "CREATE TABLE a (x text DEFAULT '\\c')", "SELECT E'\\\\'"}));
  EXPECT_TRUE(dialect_->is_client_command(parts[1]));
  EXPECT_TRUE(dialect_->is_client_command(parts[2]));
  EXPECT_FALSE(dialect_->is_client_command(parts[0]));
  EXPECT_FALSE(dialect_->is_client_command(parts[3])) << "a backslash in a literal is SQL";
}
