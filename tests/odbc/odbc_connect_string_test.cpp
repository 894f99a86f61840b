// The ODBC connection string each URL form stands for (plugins/odbc/odbc_connect_string.hpp,
// after SQLAlchemy's connectors/pyodbc.py). No database: the strings are what the driver
// manager is handed; odbc_connect_test.cpp connects with them.
#include <gtest/gtest.h>

#include "crucible/errors.hpp"
#include "crucible/url.hpp"
#include "odbc_connect_string.hpp"

using namespace crucible;
using crucible::odbc::build_connection_string;
using crucible::odbc::quote_value;

namespace {

std::string text_of(std::string_view url, ConnectOptions options = {}) {
  return build_connection_string(make_url(url), options).text;
}

TEST(OdbcConnectString, HostForm_PostgresqlSpellsServerPortDatabaseUidPwdAndBooleansAsBits) {
  EXPECT_EQ(text_of("postgresql+odbc://scott:tiger@db.example:5433/shop?driver=PostgreSQL+Unicode"),
            "DRIVER={PostgreSQL Unicode};SERVER=db.example;PORT=5433;DATABASE=shop;UID=scott;"
            "PWD=tiger;BoolsAsChar=0;Protocol=7.4-0");
}

TEST(OdbcConnectString, HostForm_MysqlAsksForUtf8mb4) {
  EXPECT_EQ(text_of("mysql+odbc://root@127.0.0.1:3306/test?driver=MariaDB%20Unicode"),
            "DRIVER={MariaDB Unicode};SERVER=127.0.0.1;PORT=3306;DATABASE=test;UID=root;"
            "CHARSET=utf8mb4");
  EXPECT_EQ(text_of("mariadb+odbc://root@h/test?driver=X"),
            "DRIVER={X};SERVER=h;DATABASE=test;UID=root;CHARSET=utf8mb4");
}

TEST(OdbcConnectString, SqliteForm_NamesTheFileAsDatabase) {
  EXPECT_EQ(text_of("sqlite+odbc:///rel/app.db?driver=SQLite3"),
            "DRIVER={SQLite3};Database=rel/app.db");
  EXPECT_EQ(text_of("sqlite+odbc:////abs/app.db?driver=SQLite3"),
            "DRIVER={SQLite3};Database=/abs/app.db");
  EXPECT_EQ(text_of("sqlite+odbc://?driver=SQLite3"), "DRIVER={SQLite3};Database=:memory:");
}

TEST(OdbcConnectString, SqliteForm_RefusesAServer) {
  EXPECT_THROW(text_of("sqlite+odbc://host/app.db?driver=SQLite3"), ArgumentError);
}

TEST(OdbcConnectString, DsnForm_HostWithoutDatabaseIsTheDataSourceName) {
  EXPECT_EQ(text_of("postgresql+odbc://scott:tiger@my_dsn"),
            "DSN=my_dsn;UID=scott;PWD=tiger;BoolsAsChar=0;Protocol=7.4-0");
  EXPECT_EQ(text_of("mysql+odbc://@my_dsn"), "DSN=my_dsn;CHARSET=utf8mb4");
}

TEST(OdbcConnectString, OdbcConnect_IsUsedAsItIs) {
  EXPECT_EQ(text_of("postgresql+odbc:///?odbc_connect=DRIVER%3D%7BPostgreSQL+Unicode%7D%3B"
                    "SERVER%3Dh%3BPWD%3Dsecret"),
            "DRIVER={PostgreSQL Unicode};SERVER=h;PWD=secret");
  const auto target = build_connection_string(
      make_url("postgresql+odbc:///?odbc_connect=SERVER%3Dh%3BPWD%3Dsecret%3BUID%3Du"), {});
  EXPECT_EQ(target.redact("bad password secret for u"), "bad password *** for u");
}

TEST(OdbcConnectString, ParseConnectionString_ReadsBracedValuesWithSeparatorsAndDoubledBraces) {
  const auto items =
      crucible::odbc::parse_connection_string("DRIVER={A B}; pwd ={a;b}}c};UID=u;junk;Server=h");
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0], (std::pair<std::string, std::string>{"DRIVER", "A B"}));
  EXPECT_EQ(items[1], (std::pair<std::string, std::string>{"pwd", "a;b}c"}));
  EXPECT_EQ(items[2], (std::pair<std::string, std::string>{"UID", "u"}));
  EXPECT_EQ(items[3], (std::pair<std::string, std::string>{"Server", "h"}));
}

TEST(OdbcConnectString, EveryPasswordFormIsRedactedWhole) {
  // A braced PWD holding ';' and '}' inside ?odbc_connect=, any case of Password.
  const auto braced = build_connection_string(
      make_url("postgresql+odbc:///?odbc_connect=SERVER%3Dh%3BpWd%3D%7Bse%3Bcr%7D%7Det%7D"), {});
  EXPECT_EQ(braced.redact("PWD={se;cr}}et} or se;cr}et"), "PWD={***} or ***");
  const auto query = build_connection_string(
      make_url("postgresql+odbc://u@h/db?driver=D&PASSWORD=qsecret&Pwd=q2secret"), {});
  EXPECT_EQ(query.redact("qsecret q2secret"), "*** ***");
  const auto args = build_connection_string(make_url("postgresql+odbc://u@h/db?driver=D"),
                                            {{{"pwd", "asecret"}}});
  EXPECT_EQ(args.redact("x asecret"), "x ***");
}

TEST(OdbcConnectString, SafeRender_MasksOdbcConnectAndPasswordQueryValues) {
  const std::string shown = crucible::odbc::safe_render(
      make_url("postgresql+odbc://u:usecret@h/db?driver=D&odbc_connect=PWD%3Docsecret&pwd="
               "qsecret&Password=psecret"));
  for (const char* secret : {"usecret", "ocsecret", "qsecret", "psecret"}) {
    EXPECT_EQ(shown.find(secret), std::string::npos) << shown;
  }
  EXPECT_NE(shown.find("driver=D"), std::string::npos) << shown;
}

TEST(OdbcConnectString, ArgumentErrors_NeverCarryAPassword) {
  for (const char* url :
       {"postgresql+odbc://u@h/db?odbc_connect=PWD%3Docsecret",           // beside other parts
        "postgresql+odbc://u@h/db?odbc_connect=PWD%3D%7Boc%3Bsecret%7D",  // braced, beside parts
        "postgresql+odbc://u@h:5432/db?PWD=ocsecret",                     // no driver
        "postgresql+odbc://u@h:5432/db?password=ocsecret",                // no driver
        "sqlite+odbc://h/f.db?PWD=ocsecret"}) {                           // sqlite with a host
    try {
      build_connection_string(make_url(url), {});
      ADD_FAILURE() << url << " was accepted";
    } catch (const ArgumentError& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.find("secret"), std::string::npos) << message;
    }
  }
}

TEST(OdbcConnectString, OdbcConnect_BesideOtherPartsIsRefused) {
  EXPECT_THROW(text_of("postgresql+odbc://u@h/db?odbc_connect=DSN%3Dx"), ArgumentError);
}

TEST(OdbcConnectString, OtherQueryKeysAndConnectArgsBecomeAttributesAndMayOverrideDefaults) {
  ConnectOptions options;
  options.args["ConnSettings"] = "SET search_path TO a;SET x TO 1";
  EXPECT_EQ(text_of("postgresql+odbc://u@h/db?driver=D&sslmode=require&boolsaschar=1", options),
            "DRIVER={D};SERVER=h;DATABASE=db;UID=u;BoolsAsChar=1;Protocol=7.4-0;sslmode=require;"
            "ConnSettings={SET search_path TO a;SET x TO 1}");
}

TEST(OdbcConnectString, ValuesWithSeparatorsOrBracesAreBraced) {
  EXPECT_EQ(quote_value("plain"), "plain");
  EXPECT_EQ(quote_value("a;b"), "{a;b}");
  EXPECT_EQ(quote_value("x}y{"), "{x}}y{}");
  EXPECT_EQ(quote_value(" padded "), "{ padded }");
  EXPECT_EQ(text_of("postgresql+odbc://u:p%3Bw%7D@h/db?driver=D"),
            "DRIVER={D};SERVER=h;DATABASE=db;UID=u;PWD={p;w}}};BoolsAsChar=0;Protocol=7.4-0");
}

TEST(OdbcConnectString, NoDriverNoDsnIsRefusedSayingWhatToGive) {
  try {
    text_of("postgresql+odbc://u:secret@h:5432/db");
    FAIL() << "a URL without ?driver= was accepted";
  } catch (const ArgumentError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("?driver=NAME"), std::string::npos) << message;
    EXPECT_EQ(message.find("secret"), std::string::npos) << message;
  }
}

TEST(OdbcConnectString, ForbiddenKeywordCharactersAreRefused) {
  EXPECT_THROW(text_of("postgresql+odbc://u@h/db?driver=D&a%3Db=1"), ArgumentError);
}

}  // namespace
