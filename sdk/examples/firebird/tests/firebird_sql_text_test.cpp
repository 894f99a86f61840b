// The scanners that read back the SQL the firebird compiler wrote (firebird_sql_text.hpp), on
// text alone: no database, no plugin loaded.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../firebird_sql_text.hpp"

namespace {

using namespace crucible::firebird;

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  top_level_words(text, [&](const std::string& w, std::size_t) {
    words.push_back(w);
    return true;
  });
  return words;
}

TEST(FirebirdSqlText, TopLevelWords_SkipCommentsLiteralsNamesAndParentheses) {
  EXPECT_EQ(words_of("SELECT a -- FROM x\n, b /* FROM y */, 'FROM' , \"FROM\" , (c FROM d) FROM t"),
            (std::vector<std::string>{"SELECT", "A", "B", "FROM", "T"}));
  // A comment that is never closed runs to the end.
  EXPECT_EQ(words_of("SELECT a /* FROM t"), (std::vector<std::string>{"SELECT", "A"}));
  EXPECT_EQ(words_of("SELECT a -- FROM t"), (std::vector<std::string>{"SELECT", "A"}));
}

TEST(FirebirdSqlText, MatchingParen_IgnoresParenthesesInCommentsAndQuotes) {
  const std::string text = "(a, ')', \"x)\", /* ) */ -- )\n b)";
  EXPECT_EQ(matching_paren(text, 0), text.size() - 1);
  EXPECT_EQ(matching_paren("(a -- )", 0), std::string_view::npos);
}

TEST(FirebirdSqlText, SplitTopLevel_KeepsQuotedCommasAndCommentedCommas) {
  EXPECT_EQ(split_top_level("\"a,b\", \"c)\" /* , */, f(d, e), -- x, y\n g"),
            (std::vector<std::string>{"\"a,b\"", "\"c)\" /* , */", "f(d, e)", "-- x, y\n g"}));
}

TEST(FirebirdSqlText, Unquote_UndoublesQuotes) {
  EXPECT_EQ(unquote("\"a,\"\"b\""), "a,\"b");
  EXPECT_EQ(unquote("plain"), "plain");
}

TEST(FirebirdSqlText, SkipComment_GivesTheOffsetPastIt) {
  EXPECT_EQ(skip_comment("a -- b\nc", 2), 7u);
  EXPECT_EQ(skip_comment("a /* b */c", 2), 9u);
  EXPECT_EQ(skip_comment("a - b", 2), 2u);
  EXPECT_EQ(skip_comment("a / b", 2), 2u);
}

TEST(FirebirdSqlText, EndsInLineComment_OnlyWhenAnOpenDashDashCommentEndsTheText) {
  EXPECT_TRUE(ends_in_line_comment("SELECT 1 -- one"));
  EXPECT_FALSE(ends_in_line_comment("SELECT 1 -- one\n"));
  EXPECT_FALSE(ends_in_line_comment("SELECT '--'"));
  EXPECT_FALSE(ends_in_line_comment("SELECT \"--\""));
  EXPECT_FALSE(ends_in_line_comment("SELECT 1 /* -- */"));
  EXPECT_FALSE(ends_in_line_comment("SELECT 1 - 2"));
}

}  // namespace
