// A program that links libsqlite3 itself puts its sqlite3_* functions in the global symbol
// scope, ahead of the SQLCipher the sqlcipher plugin depends on: the driver must then refuse,
// saying why, before any file is opened, instead of opening an encrypted database with plain
// SQLite.
#include <gtest/gtest.h>
#include <sqlite3.h>  // libsqlite3's (this program links it)
#include <unistd.h>

#include <filesystem>
#include <string>

#include "crucible/crucible.hpp"

TEST(SqlcipherWithGlobalLibsqlite3, Connect_IsRefusedNamingTheLibraryThatTookTheCalls) {
  ASSERT_NE(sqlite3_libversion(), nullptr);  // a real reference: libsqlite3 stays linked
  const auto path =
      std::filesystem::path(SQLCIPHER_TEST_DIR) / ("global-" + std::to_string(getpid()) + ".db");
  try {
    auto engine = crucible::create_engine("sqlite+sqlcipher:///" + path.string() + "?key=k3y");
    engine.connect();
    FAIL() << "connected although libsqlite3 takes the sqlite3_* calls";
  } catch (const crucible::InterfaceError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("libsqlite3"), std::string::npos) << message;
    EXPECT_NE(message.find("global symbol scope"), std::string::npos) << message;
  }
  EXPECT_FALSE(std::filesystem::exists(path)) << "a database file was created anyway";
}
