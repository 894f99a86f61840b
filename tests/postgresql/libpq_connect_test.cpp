// Connecting with the "libpq" driver: URL parts and query options reaching libpq, refused
// options, and connect errors that never show the password.
#include <string>

#include "pg_fixture.hpp"

using namespace crucible;

namespace {

class LibpqConnectTest : public crucible::testing::PgFixture {
 protected:
  // The server's URL with its password set to secret and its database or port replaced.
  std::string url_with(const std::string& secret, const std::string& database,
                       std::optional<std::uint16_t> port = std::nullopt) const {
    URL url = make_url(base_url_).with_password(secret).with_database(database);
    if (port) url = url.with_port(port);
    return url.render(/*hide_password=*/false);
  }
};

constexpr const char* kSecret = "Sup3r-S3cret-Pw";

}  // namespace

TEST_F(LibpqConnectTest, QueryOptionsReachLibpq) {
  auto conn = driver_->connect(
      make_url(url("&application_name=crucible-test&connect_timeout=5&sslmode=disable")), {});
  EXPECT_EQ(scalar(*conn, "SHOW application_name"), Value("crucible-test"));
  EXPECT_EQ(scalar(*conn, "SELECT current_schema()"), Value(schema_))
      << "options=-csearch_path=… reached the server";
  EXPECT_EQ(scalar(*conn, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"),
            Value(false));
}

TEST_F(LibpqConnectTest, ConnectArgsOverrideTheUrlQuery) {
  auto conn = driver_->connect(make_url(url("&application_name=from-url")),
                               ConnectOptions{{{"application_name", "from-args"}}});
  EXPECT_EQ(scalar(*conn, "SHOW application_name"), Value("from-args"));
}

TEST_F(LibpqConnectTest, FallbackApplicationNameIsCrucible) {
  EXPECT_EQ(scalar("SHOW application_name"), Value("crucible"));
}

TEST_F(LibpqConnectTest, SessionSpeaksUtf8AndIsoDates) {
  EXPECT_EQ(scalar("SHOW client_encoding"), Value("UTF8"));
  EXPECT_EQ(scalar("SHOW DateStyle").as<std::string>().rfind("ISO", 0), 0u);
}

TEST_F(LibpqConnectTest, NonIsoDateStyleIsMadeIso) {
  auto conn = driver_->connect(make_url(url("&options=-cDateStyle%3DSQL,DMY")), {});
  EXPECT_EQ(scalar(*conn, "SELECT DATE '2024-01-31'"), Value(Date{2024, 1, 31}));
}

TEST_F(LibpqConnectTest, UnknownOptionIsRefusedListingLibpqKeywords) {
  try {
    driver_->connect(make_url(url("&sslmdoe=require")), {});
    FAIL() << "a misspelt option must not be ignored";
  } catch (const ArgumentError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'sslmdoe'"), std::string::npos) << message;
    EXPECT_NE(message.find("sslmode"), std::string::npos) << message;
    EXPECT_NE(message.find("application_name"), std::string::npos) << message;
  }
  EXPECT_THROW(driver_->connect(make_url(base_url_), ConnectOptions{{{"timeout", "5"}}}),
               ArgumentError);
}

TEST_F(LibpqConnectTest, BadDriverOptionValuesAreArgumentErrors) {
  EXPECT_THROW(driver_->connect(make_url(url("&prepare_threshold=-1")), {}), ArgumentError);
  EXPECT_THROW(driver_->connect(make_url(url("&client_encoding=LATIN1")), {}), ArgumentError);
}

TEST_F(LibpqConnectTest, MissingDatabaseIsOperationalErrorWithoutThePassword) {
  try {
    driver_->connect(make_url(url_with(kSecret, "crucible_no_such_database")), {});
    FAIL() << "the database does not exist";
  } catch (const OperationalError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("crucible_no_such_database"), std::string::npos) << message;
    EXPECT_EQ(message.find(kSecret), std::string::npos) << message;
    EXPECT_NE(message.find("***"), std::string::npos) << "the URL is named, masked: " << message;
    EXPECT_TRUE(dialect_->is_disconnect(e));
  }
}

TEST_F(LibpqConnectTest, RefusedConnectionIsOperationalErrorWithoutThePassword) {
  // Port 1 on loopback: nothing listens there.
  try {
    driver_->connect(make_url(url_with(kSecret, "crucible_test", 1)), {});
    FAIL() << "nothing listens on port 1";
  } catch (const OperationalError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("127.0.0.1"), std::string::npos) << message;
    EXPECT_EQ(message.find(kSecret), std::string::npos) << message;
  }
}

TEST_F(LibpqConnectTest, PasswordInConnectArgsNeverShowsInErrors) {
  try {
    driver_->connect(make_url(url_with("", "crucible_no_such_database")),
                     ConnectOptions{{{"password", kSecret}}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find(kSecret), std::string::npos) << e.what();
  }
}
