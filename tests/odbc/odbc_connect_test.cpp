// Connecting through the "odbc" driver by each URL form against the real servers: the host form
// (every other test file), the DSN form with an odbc.ini data source (scripts/with-odbc writes
// crucible_postgresql and crucible_mysql), ?odbc_connect=, and the errors of a refused
// connection, which never carry the password.
#include <Poco/URI.h>

#include "odbc_fixture.hpp"

using namespace crucible;
using crucible::testing::environment;
using crucible::testing::missing;

namespace {

class OdbcConnectTest : public ::testing::Test {
 protected:
  void SetUp() override { driver_ = registry::load_driver("odbc"); }

  static Value select_one(DbapiConnection& conn) {
    const auto cursor = conn.cursor();
    cursor->execute("SELECT 1", {});
    return cursor->fetchall().at(0).at(0);
  }

  registry::DriverPtr driver_;
};

TEST_F(OdbcConnectTest, DsnForm_ConnectsToTheDataSourceOfOdbcIni) {
  const auto dsn = environment("CRUCIBLE_POSTGRESQL_ODBC_DSN");
  if (!dsn) FAIL() << missing("CRUCIBLE_POSTGRESQL_ODBC_DSN");
  const auto conn = driver_->connect(make_url("postgresql+odbc://postgres@" + *dsn), {});
  EXPECT_EQ(select_one(*conn).as<std::int64_t>(), 1);
}

TEST_F(OdbcConnectTest, DsnForm_ConnectsToMariadb) {
  const auto dsn = environment("CRUCIBLE_MYSQL_ODBC_DSN");
  if (!dsn) FAIL() << missing("CRUCIBLE_MYSQL_ODBC_DSN");
  const auto conn = driver_->connect(make_url("mysql+odbc://root@" + *dsn), {});
  EXPECT_EQ(select_one(*conn).as<std::int64_t>(), 1);
}

TEST_F(OdbcConnectTest, OdbcConnect_ConnectsWithTheRawConnectionString) {
  const auto url = environment("CRUCIBLE_POSTGRESQL_ODBC_URL");
  if (!url) FAIL() << missing("CRUCIBLE_POSTGRESQL_ODBC_URL");
  const URL parsed = make_url(*url);
  const std::string raw = "DRIVER={" + parsed.query_value("driver").value_or("") +
                          "};SERVER=" + parsed.host() +
                          ";PORT=" + std::to_string(parsed.port().value_or(5432)) +
                          ";DATABASE=" + parsed.database() + ";UID=" + parsed.username();
  std::string encoded;
  Poco::URI::encode(raw, "=;{}+&/?:@ ", encoded);
  const auto conn = driver_->connect(make_url("postgresql+odbc:///?odbc_connect=" + encoded), {});
  EXPECT_EQ(select_one(*conn).as<std::int64_t>(), 1);
}

TEST_F(OdbcConnectTest, SqliteForm_CreatesAndOpensTheFile) {
  const auto driver = environment("CRUCIBLE_SQLITE_ODBC_DRIVER");
  if (!driver) FAIL() << missing("CRUCIBLE_SQLITE_ODBC_DRIVER");
  const std::string file = ::testing::TempDir() + "crucible_odbc_connect_form.db";
  std::remove(file.c_str());
  {
    const auto conn =
        driver_->connect(make_url("sqlite+odbc:///" + file + "?driver=" + *driver), {});
    EXPECT_EQ(select_one(*conn).as<std::int64_t>(), 1);
  }
  EXPECT_EQ(std::remove(file.c_str()), 0) << "the database file was not created";
}

TEST_F(OdbcConnectTest, UnknownOdbcDriver_IsInterfaceErrorNamingIt) {
  try {
    driver_->connect(make_url("postgresql+odbc://u:topsecret@127.0.0.1:1/db?driver=NoSuchDriver"),
                     {});
    FAIL() << "an unknown ODBC driver connected";
  } catch (const InterfaceError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("NoSuchDriver"), std::string::npos) << message;
    EXPECT_EQ(message.find("topsecret"), std::string::npos) << message;
    EXPECT_NE(message.find("postgresql+odbc://u:***@127.0.0.1:1/db"), std::string::npos) << message;
  }
}

TEST_F(OdbcConnectTest, RefusedConnection_IsOperationalErrorWithoutThePassword) {
  const auto url = environment("CRUCIBLE_POSTGRESQL_ODBC_URL");
  if (!url) FAIL() << missing("CRUCIBLE_POSTGRESQL_ODBC_URL");
  const URL parsed = make_url(*url);
  // A port nothing listens on (the server's port + 1 is not PostgreSQL's).
  const URL refused = parsed.with_port(static_cast<std::uint16_t>(parsed.port().value_or(5432) + 1))
                          .with_password("topsecret");
  try {
    driver_->connect(refused, {});
    FAIL() << "a connection to a closed port succeeded";
  } catch (const OperationalError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find("topsecret"), std::string::npos) << message;
    EXPECT_NE(message.find("connecting to postgresql+odbc://"), std::string::npos) << message;
  }
}

TEST_F(OdbcConnectTest, RefusedConnection_NoFormOfPasswordReachesTheMessage) {
  const auto url = environment("CRUCIBLE_POSTGRESQL_ODBC_URL");
  if (!url) FAIL() << missing("CRUCIBLE_POSTGRESQL_ODBC_URL");
  const URL parsed = make_url(*url);
  const std::string port = std::to_string(parsed.port().value_or(5432) + 1);  // nothing listens
  const std::string raw =
      "DRIVER={PostgreSQL Unicode};SERVER=" + parsed.host() + ";PORT=" + port + ";UID=u;";
  const auto encoded = [](const std::string& text) {
    std::string out;
    Poco::URI::encode(text, "=;{}&+ ", out);
    return out;
  };
  const std::string host_form =
      "postgresql+odbc://u@" + parsed.host() + ":" + port + "/db?driver=PostgreSQL+Unicode";
  const std::vector<std::pair<std::string, ConnectOptions>> forms = {
      {"postgresql+odbc:///?odbc_connect=" + encoded(raw + "PWD=topsecret"), {}},
      {"postgresql+odbc:///?odbc_connect=" + encoded(raw + "Password={top;secret}"), {}},
      {host_form + "&PWD=topsecret", {}},
      {host_form + "&password=topsecret", {}},
      {host_form, ConnectOptions{{{"PWD", "topsecret"}}}},
  };
  for (const auto& [form, options] : forms) {
    try {
      driver_->connect(make_url(form), options);
      ADD_FAILURE() << "a connection to a closed port succeeded: " << form;
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.find("secret"), std::string::npos) << message;
      EXPECT_EQ(message.find("top;"), std::string::npos) << message;
    }
  }
}

}  // namespace
