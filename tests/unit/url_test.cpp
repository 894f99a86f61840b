// make_url(), URL and mask_password() (url.hpp): SQLAlchemy's URL grammar, its SQLite forms,
// percent-decoding, render() round trips, and errors that say what is wrong without a password.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "crucible/errors.hpp"
#include "crucible/url.hpp"

namespace crucible {
namespace {

// ---- good URLs: one row per case, every field checked ----

struct GoodUrl {
  std::string text;
  std::string drivername;
  std::string backend;
  std::string driver;
  std::string username;
  std::optional<std::string> password;
  std::string host;
  std::optional<std::uint16_t> port;
  std::string database;
  URL::Query query;
};

void PrintTo(const GoodUrl& c, std::ostream* os) { *os << c.text; }

class UrlGoodTest : public ::testing::TestWithParam<GoodUrl> {};

TEST_P(UrlGoodTest, ParsesEveryPart) {
  const GoodUrl& c = GetParam();
  const URL url = make_url(c.text);
  EXPECT_EQ(url.drivername(), c.drivername);
  EXPECT_EQ(url.get_backend_name(), c.backend);
  EXPECT_EQ(url.get_driver_name(), c.driver);
  EXPECT_EQ(url.username(), c.username);
  EXPECT_EQ(url.password(), c.password);
  EXPECT_EQ(url.host(), c.host);
  EXPECT_EQ(url.port(), c.port);
  EXPECT_EQ(url.database(), c.database);
  EXPECT_EQ(url.query(), c.query);
}

TEST_P(UrlGoodTest, RenderWithPasswordParsesBackEqual) {
  const URL url = make_url(GetParam().text);
  EXPECT_EQ(make_url(url.render(false)), url) << url.render(false);
}

TEST_P(UrlGoodTest, RenderHidesPassword) {
  const URL url = make_url(GetParam().text);
  const std::string shown = url.render();
  if (url.password()) {
    EXPECT_NE(shown.find(":***@"), std::string::npos) << shown;
    // Only the password changed: put it back and the URL is whole again.
    EXPECT_EQ(make_url(shown).password(), "***") << shown;
    EXPECT_EQ(make_url(shown).with_password(url.password()), url) << shown;
  } else {
    EXPECT_EQ(shown, url.render(false));
  }
}

const std::nullopt_t kNone = std::nullopt;

INSTANTIATE_TEST_SUITE_P(
    UrlGrammar, UrlGoodTest,
    ::testing::Values(
        GoodUrl{"postgresql://scott:tiger@localhost:5432/test",
                "postgresql",
                "postgresql",
                "",
                "scott",
                "tiger",
                "localhost",
                5432,
                "test",
                {}},
        GoodUrl{"postgresql+psycopg2://scott:tiger@db.example.com/test",
                "postgresql+psycopg2",
                "postgresql",
                "psycopg2",
                "scott",
                "tiger",
                "db.example.com",
                kNone,
                "test",
                {}},
        GoodUrl{"postgresql+odbc://",
                "postgresql+odbc",
                "postgresql",
                "odbc",
                "",
                kNone,
                "",
                kNone,
                "",
                {}},
        GoodUrl{"postgresql+odbc://scott:tiger@mydsn",
                "postgresql+odbc",
                "postgresql",
                "odbc",
                "scott",
                "tiger",
                "mydsn",
                kNone,
                "",
                {}},
        GoodUrl{"mssql+pyodbc://u:p@dsn?driver=ODBC+Driver+18+for+SQL+Server",
                "mssql+pyodbc",
                "mssql",
                "pyodbc",
                "u",
                "p",
                "dsn",
                kNone,
                "",
                {{"driver", "ODBC Driver 18 for SQL Server"}}},
        GoodUrl{"postgresql://u:p@[::1]:5433/db",
                "postgresql",
                "postgresql",
                "",
                "u",
                "p",
                "::1",
                5433,
                "db",
                {}},
        GoodUrl{"postgresql://[2001:db8::1]/db",
                "postgresql",
                "postgresql",
                "",
                "",
                kNone,
                "2001:db8::1",
                kNone,
                "db",
                {}},
        GoodUrl{"postgresql://[fe80::1%25eth0]:5432/db",
                "postgresql",
                "postgresql",
                "",
                "",
                kNone,
                "fe80::1%eth0",
                5432,
                "db",
                {}},
        GoodUrl{"mysql://h/db?a=1&a=2&b=3",
                "mysql",
                "mysql",
                "",
                "",
                kNone,
                "h",
                kNone,
                "db",
                {{"a", "1"}, {"a", "2"}, {"b", "3"}}},
        GoodUrl{
            "mysql://u:p@ss@host/db", "mysql", "mysql", "", "u", "p@ss", "host", kNone, "db", {}},
        GoodUrl{
            "mysql://u:p%40ss@host/db", "mysql", "mysql", "", "u", "p@ss", "host", kNone, "db", {}},
        GoodUrl{"mysql://u:@h/db", "mysql", "mysql", "", "u", "", "h", kNone, "db", {}},
        GoodUrl{"mysql://u@h/db", "mysql", "mysql", "", "u", kNone, "h", kNone, "db", {}},
        GoodUrl{"mysql://h/db", "mysql", "mysql", "", "", kNone, "h", kNone, "db", {}},
        GoodUrl{"mysql://u:p:q@h", "mysql", "mysql", "", "u", "p:q", "h", kNone, "", {}},
        GoodUrl{"mysql://:pw@h", "mysql", "mysql", "", "", "pw", "h", kNone, "", {}},
        GoodUrl{"pg://h:0/db", "pg", "pg", "", "", kNone, "h", 0, "db", {}},
        GoodUrl{"pg://h:65535/db", "pg", "pg", "", "", kNone, "h", 65535, "db", {}},
        GoodUrl{"pg://:5432/db", "pg", "pg", "", "", kNone, "", 5432, "db", {}},
        GoodUrl{"sqlite://", "sqlite", "sqlite", "", "", kNone, "", kNone, "", {}},
        GoodUrl{"sqlite:///:memory:", "sqlite", "sqlite", "", "", kNone, "", kNone, ":memory:", {}},
        GoodUrl{"sqlite:///rel.db", "sqlite", "sqlite", "", "", kNone, "", kNone, "rel.db", {}},
        GoodUrl{"sqlite:////abs/path.db",
                "sqlite",
                "sqlite",
                "",
                "",
                kNone,
                "",
                kNone,
                "/abs/path.db",
                {}},
        GoodUrl{"sqlite+pysqlite:///dir/sub/x.db?mode=ro&uri=true",
                "sqlite+pysqlite",
                "sqlite",
                "pysqlite",
                "",
                kNone,
                "",
                kNone,
                "dir/sub/x.db",
                {{"mode", "ro"}, {"uri", "true"}}},
        GoodUrl{"pg://user%20name:pa%3Ass%2Fw%3F@my%2Dhost/my%20db%3F",
                "pg",
                "pg",
                "",
                "user name",
                "pa:ss/w?",
                "my-host",
                kNone,
                "my db?",
                {}},
        GoodUrl{"pg://h/db?k%20ey=v%2Bal+ue&x=a%26b%3Dc",
                "pg",
                "pg",
                "",
                "",
                kNone,
                "h",
                kNone,
                "db",
                {{"k ey", "v+al ue"}, {"x", "a&b=c"}}},
        GoodUrl{"pg://h/db?a+b=c+d", "pg", "pg", "", "", kNone, "h", kNone, "db", {{"a+b", "c d"}}},
        GoodUrl{"pg://h/db?flag&&a=&b=2&",
                "pg",
                "pg",
                "",
                "",
                kNone,
                "h",
                kNone,
                "db",
                {{"flag", ""}, {"a", ""}, {"b", "2"}}},
        GoodUrl{"pg://h?sslmode=require",
                "pg",
                "pg",
                "",
                "",
                kNone,
                "h",
                kNone,
                "",
                {{"sslmode", "require"}}},
        GoodUrl{"pg://j%C3%BCrgen:p%C3%A4ss@h/d%C3%B6b",
                "pg",
                "pg",
                "",
                "j\xC3\xBCrgen",
                "p\xC3\xA4ss",
                "h",
                kNone,
                "d\xC3\xB6"
                "b",
                {}},
        GoodUrl{"pg://h/", "pg", "pg", "", "", kNone, "h", kNone, "", {}},
        GoodUrl{"Dialect_2+Driver_3://h/db",
                "Dialect_2+Driver_3",
                "Dialect_2",
                "Driver_3",
                "",
                kNone,
                "h",
                kNone,
                "db",
                {}},
        GoodUrl{"pg://h/db@x:y", "pg", "pg", "", "", kNone, "h", kNone, "db@x:y", {}}));

// ---- bad URLs: ArgumentError quoting the masked URL and saying what is wrong ----

struct BadUrl {
  std::string text;
  std::string expected_fragment;   // part of the reason
  std::string forbidden_fragment;  // a password (piece) that must not appear; "" for none
};

void PrintTo(const BadUrl& c, std::ostream* os) { *os << c.text; }

class UrlBadTest : public ::testing::TestWithParam<BadUrl> {};

TEST_P(UrlBadTest, ThrowsArgumentErrorSayingWhatIsWrong) {
  const BadUrl& c = GetParam();
  try {
    make_url(c.text);
    FAIL() << "make_url accepted " << c.text;
  } catch (const ArgumentError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind("Could not parse URL '" + mask_password(c.text) + "': ", 0), 0u)
        << message;
    EXPECT_NE(message.find(c.expected_fragment), std::string::npos) << message;
    if (!c.forbidden_fragment.empty()) {
      EXPECT_EQ(message.find(c.forbidden_fragment), std::string::npos) << message;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    UrlGrammar, UrlBadTest,
    ::testing::Values(
        BadUrl{"postgresql://scott:tiger@localhost:abc/test", "the port 'abc' is not a number",
               "tiger"},
        BadUrl{"pg://h:65536/db", "the port '65536' is not a number from 0 to 65535", ""},
        BadUrl{"pg://h:99999999999999999999999/db", "is not a number from 0 to 65535", ""},
        BadUrl{"pg://h:-1/db", "the port '-1'", ""},
        BadUrl{"pg://h:/db", "the port after ':' is empty", ""},
        BadUrl{"pg://[::1]:x1/db", "the port 'x1'", ""},
        BadUrl{"postgresql:/scott:secret@h/db", "no '://'", "secret"},
        BadUrl{"localhost:5432/db", "no '://'", ""}, BadUrl{"", "no '://'", ""},
        BadUrl{"://h/db", "the dialect name before '://' is empty", ""},
        BadUrl{"a+b+c://", "more than one '+'", ""},
        BadUrl{"+drv://h", "no dialect before '+'", ""},
        BadUrl{"pg+://h", "no driver after '+'", ""}, BadUrl{"pg sql://h", "contains ' '", ""},
        BadUrl{"pg-sql://h", "contains '-'", ""},
        BadUrl{"pg://u:secret@[::1/db", "has no closing ']'", "secret"},
        BadUrl{"pg://[]:5432/db", "the IPv6 host between '[' and ']' is empty", ""},
        BadUrl{"pg://[::1]x/db", "unexpected 'x' after the IPv6 host's ']'", ""},
        BadUrl{"pg://h/d%zzb", "bad percent-escape '%zz'", ""},
        BadUrl{"pg://h/db%4", "bad percent-escape '%4'", ""},
        BadUrl{"pg://h/db?a=b%", "the query value 'b%' has a bad percent-escape '%'", ""},
        BadUrl{"pg://h/db?a%g1=b", "the query key 'a%g1' has a bad percent-escape", ""},
        BadUrl{"pg://us%zer@h/db", "the username 'us%zer' has a bad percent-escape", ""},
        BadUrl{"pg://h%zz/db", "the host 'h%zz' has a bad percent-escape", ""},
        BadUrl{"pg://u:se%zzcret@h/db", "the password has a bad percent-escape", "cret"},
        BadUrl{"pg://u:sec/ret@h/db", "percent-encode the '/'", "sec"},
        BadUrl{"pg://u:1234/sec%zzret@h/db", "has a bad percent-escape", "sec"},
        BadUrl{"pg://h/db?=v", "a query parameter has no name", ""}));

TEST(UrlTest, PortErrorMessageIsExact) {
  try {
    make_url("postgresql://scott:tiger@localhost:abc/test");
    FAIL();
  } catch (const ArgumentError& e) {
    EXPECT_STREQ(e.what(),
                 "Could not parse URL 'postgresql://scott:***@localhost:abc/test': the port 'abc' "
                 "is not a number from 0 to 65535");
  }
}

// ---- render ----

TEST(UrlTest, RenderHidesPasswordByDefaultAndShowsItOnRequest) {
  const URL url = make_url("postgresql://scott:tiger@localhost:5432/test?x=1");
  EXPECT_EQ(url.render(), "postgresql://scott:***@localhost:5432/test?x=1");
  EXPECT_EQ(url.render(true), "postgresql://scott:***@localhost:5432/test?x=1");
  EXPECT_EQ(url.render(false), "postgresql://scott:tiger@localhost:5432/test?x=1");
}

TEST(UrlTest, RenderHidesQueryValuesThatMayCarryAPassword) {
  // A raw connection string in the query (a driver's odbc_connect), or a key naming a password.
  const URL url = make_url(
      "mysql+odbc:///?odbc_connect=DRIVER%3D%7BMariaDB%7D%3BSERVER%3Dh%3BPWD%3D%7Bs%3Bcr3t%7D"
      "&Password=hunter2&PWD=x9&sslpassword=k3y&client_secret=z&keep=PWDLESS&charset=utf8mb4");
  const std::string shown = url.render();
  EXPECT_EQ(shown, "mysql+odbc://?odbc_connect=***&Password=***&PWD=***&sslpassword=***"
                   "&client_secret=***&keep=PWDLESS&charset=utf8mb4");
  for (const char* secret : {"cr3t", "hunter2", "x9", "k3y"})
    EXPECT_EQ(shown.find(secret), std::string::npos) << secret << " in " << shown;
  EXPECT_EQ(make_url(url.render(false)), url) << "render(false) still shows everything";
}

TEST(UrlTest, RenderMasksAnEmptyPasswordToo) {
  EXPECT_EQ(make_url("pg://u:@h/db").render(), "pg://u:***@h/db");
  EXPECT_EQ(make_url("pg://u:@h/db").render(false), "pg://u:@h/db");
}

TEST(UrlTest, RenderKeepsTheSqliteFormsReadable) {
  for (const char* text :
       {"sqlite://", "sqlite:///:memory:", "sqlite:///rel.db", "sqlite:////abs/path.db"}) {
    EXPECT_EQ(make_url(text).render(false), text);
  }
}

TEST(UrlTest, RenderBracketsIpv6Hosts) {
  EXPECT_EQ(make_url("pg://u:p@[::1]:5433/db").render(), "pg://u:***@[::1]:5433/db");
  EXPECT_EQ(URL().with_drivername("pg").with_host("2001:db8::1").render(), "pg://[2001:db8::1]");
}

TEST(UrlTest, RenderPercentEncodesReservedCharacters) {
  const URL url = make_url("pg://h/db").with_username("a@b").with_password("p@ss:w/rd");
  EXPECT_EQ(url.render(false), "pg://a%40b:p%40ss%3Aw%2Frd@h/db");
  EXPECT_EQ(make_url("mssql+pyodbc://u:p@dsn?driver=ODBC+Driver+18").render(false),
            "mssql+pyodbc://u:p@dsn?driver=ODBC%20Driver%2018");
}

// Every part carrying characters that are special somewhere in the grammar survives
// render(false) and make_url.
TEST(UrlTest, RenderRoundTripsSpecialCharactersInEveryPart) {
  const std::vector<std::string> nasty = {"",
                                          "plain",
                                          "a@b",
                                          "a:b",
                                          "a/b",
                                          "a?b",
                                          "a&b",
                                          "a=b",
                                          "a+b",
                                          "a%b",
                                          "%41",
                                          "a b",
                                          " lead",
                                          "trail ",
                                          "#frag",
                                          "[x]",
                                          "\xC3\xA9t\xC3\xA9",
                                          "\xE2\x82\xAC 5",
                                          "p@ss:w/rd?&=+% x",
                                          "***",
                                          "a;b",
                                          "~_-.",
                                          "'\"\\`",
                                          "@",
                                          ":",
                                          "/"};
  for (const std::string& s : nasty) {
    URL url = URL()
                  .with_drivername("dialect+driver")
                  .with_username(s)
                  .with_password(s)
                  .with_host("host")
                  .with_port(5432)
                  .with_database(s)
                  .with_query({{"k" + s, s}, {"k" + s, s + "2"}, {"plain", s}});
    EXPECT_EQ(make_url(url.render(false)), url) << url.render(false);
    URL host_url = URL().with_drivername("d").with_host(s.empty() ? "h" : "h" + s);
    EXPECT_EQ(make_url(host_url.render(false)), host_url) << host_url.render(false);
    URL no_user = URL().with_drivername("d").with_password(s).with_database("/" + s);
    EXPECT_EQ(make_url(no_user.render(false)), no_user) << no_user.render(false);
  }
}

// ---- accessors and with_* ----

TEST(UrlTest, QueryValueGivesTheLastAndQueryValuesGivesAllInOrder) {
  const URL url = make_url("pg://h/db?a=1&b=x&a=2");
  EXPECT_EQ(url.query_value("a"), "2");
  EXPECT_EQ(url.query_values("a"), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(url.query_value("b"), "x");
  EXPECT_EQ(url.query_value("missing"), std::nullopt);
  EXPECT_TRUE(url.query_values("missing").empty());
}

TEST(UrlTest, WithMethodsReturnModifiedCopiesAndLeaveTheOriginal) {
  const URL url = make_url("pg+drv://u:p@h:1/db?a=1");
  const URL changed = url.with_drivername("other")
                          .with_username("v")
                          .with_password(std::nullopt)
                          .with_host("g")
                          .with_port(std::nullopt)
                          .with_database("d2")
                          .with_query({{"b", "2"}});
  EXPECT_EQ(changed.render(false), "other://v@g/d2?b=2");
  EXPECT_EQ(changed.get_driver_name(), "");
  EXPECT_EQ(url.render(false), "pg+drv://u:p@h:1/db?a=1");
  EXPECT_NE(url, changed);
  EXPECT_EQ(url, make_url("pg+drv://u:p@h:1/db?a=1"));
}

TEST(UrlTest, EmptyAndAbsentPasswordsDiffer) {
  EXPECT_NE(make_url("pg://u:@h"), make_url("pg://u@h"));
  EXPECT_EQ(make_url("pg://u:@h").password(), std::optional<std::string>(""));
}

// ---- mask_password ----

TEST(UrlTest, MaskPasswordHidesOnlyThePassword) {
  EXPECT_EQ(mask_password("pg://scott:tiger@h:5432/db?x=1"), "pg://scott:***@h:5432/db?x=1");
  EXPECT_EQ(mask_password("pg://scott:ti@ger@h/db"), "pg://scott:***@h/db");
  EXPECT_EQ(mask_password("pg://scott:ti:ger@h/db"), "pg://scott:***@h/db");
  EXPECT_EQ(mask_password("pg://scott@h/db"), "pg://scott@h/db");
  EXPECT_EQ(mask_password("pg://h:5432/db"), "pg://h:5432/db");
  EXPECT_EQ(mask_password("pg://u:@h/db"), "pg://u:@h/db");
  EXPECT_EQ(mask_password("sqlite:///x@y.db"), "sqlite:///x@y.db");
}

TEST(UrlTest, MaskPasswordHidesTheQueryValuesRenderHides) {
  // A URL that does not parse (a bad escape) still never shows a passphrase in the message.
  EXPECT_EQ(mask_password("sqlite+sqlcipher:///s.db?key=t0p%zz&mode=rw&Passphrase=p2"),
            "sqlite+sqlcipher:///s.db?key=***&mode=rw&Passphrase=***");
  EXPECT_EQ(mask_password("pg://u:p@h/db?sslpassword=k&x=1"),
            "pg://u:***@h/db?sslpassword=***&x=1");
  EXPECT_EQ(mask_password("pg://h/db?keys=1&monkey=2"), "pg://h/db?keys=1&monkey=2");
}

TEST(UrlTest, RenderHidesSqlcipherKeyAndPassphrase) {
  const URL url = make_url("sqlite+sqlcipher:///secret.db?key=t0p%20s3cret&kdf_iter=64000");
  EXPECT_EQ(url.render(), "sqlite+sqlcipher:///secret.db?key=***&kdf_iter=64000");
  EXPECT_EQ(make_url("x:///?cipher_passphrase=abc").render(), "x://?cipher_passphrase=***");
  EXPECT_EQ(make_url(url.render(false)), url);
}

TEST(UrlTest, MaskPasswordHidesPasswordsHoldingRawSlashOrQuestionMark) {
  EXPECT_EQ(mask_password("pg://u:pa/ss@h/db"), "pg://u:***@h/db");
  EXPECT_EQ(mask_password("pg://u:pa?ss@h/db"), "pg://u:***@h/db");
}

TEST(UrlTest, MaskPasswordHidesPasswordsOfTextWithoutScheme) {
  EXPECT_EQ(mask_password("u:secret@h/db"), "u:***@h/db");
  EXPECT_EQ(mask_password("pg:/u:secret@h/db").find("secret"), std::string::npos);
}

// Every short string over the grammar's special characters: mask_password never throws,
// make_url throws nothing but ArgumentError, and what it accepts renders back to an equal URL.
TEST(UrlTest, ShortStringsNeverCrashAndAcceptedOnesRoundTrip) {
  const std::string alphabet = ":/@?[]%&=+a1";
  std::vector<std::string> tails = {""};
  for (int length = 1; length <= 4; ++length) {
    std::vector<std::string> longer;
    for (const std::string& t : tails) {
      if (t.size() + 1 != static_cast<std::size_t>(length)) continue;
      for (char c : alphabet) longer.push_back(t + c);
    }
    tails.insert(tails.end(), longer.begin(), longer.end());
  }
  int accepted = 0;
  for (const std::string& tail : tails) {
    for (const std::string& text : {"d://" + tail, "d+r://u:" + tail + "@h/x", tail}) {
      EXPECT_NO_THROW(mask_password(text));
      try {
        const URL url = make_url(text);
        ++accepted;
        EXPECT_EQ(make_url(url.render(false)), url) << text << " -> " << url.render(false);
      } catch (const ArgumentError&) {
      } catch (...) {
        ADD_FAILURE() << "non-ArgumentError exception for " << text;
      }
    }
  }
  EXPECT_GT(accepted, 1000);
}

// Whatever else is wrong with a URL, a password never shows in the error.
TEST(UrlTest, ErrorsNeverShowThePassword) {
  const std::vector<std::string> tails = {":abc/db", ":/db",  ":99999", "[::1",   "[]",
                                          "/d%zz",   "?a=%",  "?=1",    "%zz",    ":1/x?%",
                                          "[::1]x",  "h:1:2", "h/%",    "h?%g0=1"};
  for (const std::string password : {"S3cretPW", "S3cret/PW", "S3cret?PW", "S3c@ret"}) {
    for (const std::string& tail : tails) {
      const std::string text = "pg://user:" + password + "@" + tail;
      try {
        make_url(text);
      } catch (const ArgumentError& e) {
        EXPECT_EQ(std::string(e.what()).find("S3c"), std::string::npos) << e.what();
      }
    }
  }
}

}  // namespace
}  // namespace crucible
