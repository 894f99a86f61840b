// Passwords never reach logs, error messages or the CLI's output (issue 8, item 6), on PostgreSQL
// and MariaDB: a URL carrying a test password is used for real (on MariaDB by a user that needs
// it), with echo on, failing statements, a failing connect and the crucible program's sql and
// inspect commands; every text they produce is searched for the password, plain and
// percent-encoded, and it is in none of them.
#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>
#include <Poco/StreamChannel.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "../sqlite/cli_process.hpp"
#include "backend_fixture.hpp"

using namespace crucible;

namespace {

constexpr const char* kPassword = "Pw-9f3k;s3cr3t@x";
constexpr const char* kPasswordEncoded = "Pw-9f3k%3Bs3cr3t%40x";  // as the URL carries it

class SecretsTest : public crucible::testing::BackendTest {
 protected:
  /// Every text produced, with where it came from.
  void collect(const std::string& where, const std::string& text) {
    texts_.push_back({where, text});
  }
  void expect_no_password() {
    for (const auto& [where, text] : texts_) {
      EXPECT_EQ(text.find(kPassword), std::string::npos)
          << where << " shows the password: " << text;
      EXPECT_EQ(text.find(kPasswordEncoded), std::string::npos)
          << where << " shows the password, percent-encoded: " << text;
    }
  }
  std::vector<std::pair<std::string, std::string>> texts_;
};

}  // namespace

TEST_P(SecretsTest, PasswordInTheUrl_ReachesNoLogErrorOrCliOutput) {
  ASSERT_FALSE(url().empty());
  URL with_password = make_url(url());
  if (backend() == "mariadb") {  // a user that needs the password, so that it is really used
    admin_exec("DROP USER IF EXISTS 'crucible_pw'@'127.0.0.1'");
    admin_exec(std::string("CREATE USER 'crucible_pw'@'127.0.0.1' IDENTIFIED BY '") + kPassword +
               "'");
    admin_exec("GRANT ALL ON `" + with_password.database() + "`.* TO 'crucible_pw'@'127.0.0.1'");
    with_password = with_password.with_username("crucible_pw");
  }  // PostgreSQL's test server trusts loopback: the password travels and is not checked
  with_password = with_password.with_password(kPassword);
  const std::string url_text = with_password.render(false);
  ASSERT_NE(url_text.find(kPasswordEncoded), std::string::npos) << "the test's URL carries it";

  std::ostringstream log;
  Poco::AutoPtr<Poco::StreamChannel> channel(new Poco::StreamChannel(log));
  Poco::Logger::get("crucible.engine").setChannel(channel);
  {
    Engine engine = create_engine(url_text, {.echo = true});
    collect("URL::render()", engine.url().render());
    auto conn = engine.connect();
    EXPECT_EQ(conn.execute(text("SELECT 1")).scalar().as<std::int64_t>(), 1)
        << "connected with the password";
    try {
      conn.execute(text("SELECT * FROM crucible_no_such_table WHERE x = :x"), {{"x", 1}});
      ADD_FAILURE() << "a statement on a missing table succeeded";
    } catch (const Error& e) {
      collect("a failed statement's error", e.what());
    }
  }
  try {  // a connect that fails: nothing listens on port 1
    create_engine(with_password.with_port(1).render(false)).connect();
    ADD_FAILURE() << "connected to port 1";
  } catch (const Error& e) {
    collect("a failed connect's error", e.what());
  }
  if (backend() == "mariadb") {
    try {  // the wrong password
      create_engine(with_password.with_password(std::string(kPassword) + "-wrong").render(false))
          .connect();
      ADD_FAILURE() << "connected with a wrong password";
    } catch (const Error& e) {
      collect("a refused login's error", e.what());
    }
  }
  Poco::Logger::get("crucible.engine").setChannel(nullptr);
  collect("the echo log", log.str());
  EXPECT_NE(log.str().find("SELECT 1"), std::string::npos) << "the echo log was captured";

  using crucible::testing::run_process;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"sql", url_text, "SELECT 1"},
        std::vector<std::string>{"sql", url_text, "SELECT * FROM crucible_no_such_table"},
        std::vector<std::string>{"sql", with_password.with_port(1).render(false), "SELECT 1"},
        std::vector<std::string>{"inspect", url_text}}) {
    const auto result = run_process(CRUCIBLE_CLI, args);
    collect("crucible " + args[0] + " " + args.back() + " (stdout)", result.out);
    collect("crucible " + args[0] + " " + args.back() + " (stderr)", result.err);
  }
  expect_no_password();
  if (backend() == "mariadb") admin_exec("DROP USER IF EXISTS 'crucible_pw'@'127.0.0.1'");
}

CRUCIBLE_RELIABILITY_SERVERS(SecretsTest);
