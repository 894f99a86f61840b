// text(): bind parameters found once and rendered in every PEP 249 paramstyle.
#include <gtest/gtest.h>

#include "crucible/crucible.hpp"

using namespace crucible;

namespace {
// A dialect with nothing overridden: text() compilation does not depend on the dialect.
class PlainDialect final : public Dialect {
 public:
  std::string_view name() const noexcept override { return "plain"; }
  std::string_view default_driver() const noexcept override { return "none"; }
};
const PlainDialect kDialect;

std::string sql_for(std::string_view text_sql, ParamStyle style) {
  return sql::compile(text(text_sql), kDialect, {}, style)->sql;
}
}  // namespace

TEST(TextTest, RendersEveryParamstyle) {
  const char* q = "SELECT * FROM t WHERE a = :a AND b = :b OR a = :a";
  EXPECT_EQ(sql_for(q, ParamStyle::kQmark), "SELECT * FROM t WHERE a = ? AND b = ? OR a = ?");
  EXPECT_EQ(sql_for(q, ParamStyle::kFormat), "SELECT * FROM t WHERE a = %s AND b = %s OR a = %s");
  EXPECT_EQ(sql_for(q, ParamStyle::kNumeric), "SELECT * FROM t WHERE a = :1 AND b = :2 OR a = :1");
  EXPECT_EQ(sql_for(q, ParamStyle::kNumericDollar),
            "SELECT * FROM t WHERE a = $1 AND b = $2 OR a = $1");
  EXPECT_EQ(sql_for(q, ParamStyle::kNamed), q);
}

TEST(TextTest, BindOrderIsPerPlaceholderForQmarkAndPerNameForNumbered) {
  auto t = text("UPDATE t SET x = :x WHERE id = :id OR parent = :id");
  EXPECT_EQ(t.bind_names(), (std::vector<std::string>{"x", "id"}));
  EXPECT_EQ(sql::compile(t, kDialect, {}, ParamStyle::kQmark)->bind_names,
            (std::vector<std::string>{"x", "id", "id"}));
  EXPECT_EQ(sql::compile(t, kDialect, {}, ParamStyle::kNumericDollar)->bind_names,
            (std::vector<std::string>{"x", "id"}));
}

TEST(TextTest, ColonsInLiteralsCommentsCastsAndTimesAreNotBinds) {
  auto t =
      text("SELECT ':no', \"col:no\", x::text, '12:30' -- :no\n /* :no */ FROM t WHERE y = :yes");
  EXPECT_EQ(t.bind_names(), (std::vector<std::string>{"yes"}));
  EXPECT_EQ(sql::compile(t, kDialect, {}, ParamStyle::kQmark)->sql,
            "SELECT ':no', \"col:no\", x::text, '12:30' -- :no\n /* :no */ FROM t WHERE y = ?");
}

TEST(TextTest, BackslashColonIsALiteralColon) {
  EXPECT_EQ(sql_for("SELECT 'a' \\:b, :c", ParamStyle::kQmark), "SELECT 'a' :b, ?");
}

TEST(TextTest, FormatStyleDoublesLiteralPercent) {
  EXPECT_EQ(sql_for("SELECT 5 % 2, :x LIKE 'a%'", ParamStyle::kFormat),
            "SELECT 5 %% 2, %s LIKE 'a%%'");
}

TEST(TextTest, CompiledFormIsCachedPerParamstyle) {
  auto t = text("SELECT :a");
  auto first = sql::compile(t, kDialect, {}, ParamStyle::kQmark);
  EXPECT_EQ(first.get(), sql::compile(t, kDialect, {}, ParamStyle::kQmark).get());
  auto copy = t;  // copies share the cache
  EXPECT_EQ(first.get(), sql::compile(copy, kDialect, {}, ParamStyle::kQmark).get());
}

TEST(TextTest, UnterminatedLiteralIsAnArgumentErrorSayingWhere) {
  try {
    text("SELECT 'abc");
    FAIL() << "no error";
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("unterminated string literal"), std::string::npos)
        << e.what();
  }
}

TEST(SplitScriptTest, SplitsOnSemicolonsOutsideLiteralsAndComments) {
  auto parts = kDialect.split_script(
      "CREATE TABLE t (x TEXT);\n-- a comment; not a split\nINSERT INTO t VALUES ('a;b');;\n"
      "/* block; */ SELECT 1");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], "CREATE TABLE t (x TEXT)");
  EXPECT_EQ(parts[1], "-- a comment; not a split\nINSERT INTO t VALUES ('a;b')");
  EXPECT_EQ(parts[2], "/* block; */ SELECT 1");
}

TEST(SplitScriptTest, CommentOnlyPiecesAreDropped) {
  EXPECT_TRUE(kDialect.split_script("  -- nothing\n /* here */ ; ; ").empty());
}

TEST(ParamsTest, BraceFormsSelectOneSetOrMany) {
  Params one{{"name", "Alice"}, {"age", 42}};
  EXPECT_EQ(one.at("name").as<std::string>(), "Alice");
  EXPECT_EQ(one.at("age").as<int>(), 42);
  std::vector<Params> many{{{"name", "Alice"}}, {{"name", "Bob"}}};
  ASSERT_EQ(many.size(), 2u);
  EXPECT_EQ(many[1].at("name").as<std::string>(), "Bob");
}

TEST(ParamsTest, MissingNameListsTheNamesGiven) {
  Params p{{"a", 1}};
  try {
    p.at("b");
    FAIL();
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("'b'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("a"), std::string::npos);
  }
  EXPECT_THROW((Params{{"a", 1}, {"a", 2}}), ArgumentError);
}
