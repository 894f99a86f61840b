// mydb+mydriver as a user meets it: the plugin found by URL, and its journal_mode argument.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "crucible/crucible.hpp"

namespace {

std::string database(const std::string& name) {
  const auto path =
      std::filesystem::path(MYDB_TEST_DIR) / (name + "-" + std::to_string(getpid()) + ".db");
  std::filesystem::remove(path);
  return path.string();
}

TEST(MyDriver, JournalMode_IsSetOnEveryConnection) {
  auto engine =
      crucible::create_engine("mydb+mydriver:///" + database("wal") + "?journal_mode=WAL");
  auto conn = engine.connect();
  EXPECT_EQ(conn.execute(crucible::text("PRAGMA journal_mode")).scalar().as<std::string>(), "wal");
}

TEST(MyDriver, UnknownJournalMode_IsAnArgumentErrorListingTheModes) {
  auto engine = crucible::create_engine("mydb:///" + database("bad") + "?journal_mode=fast");
  try {
    engine.connect();
    FAIL() << "connected with journal_mode=fast";
  } catch (const crucible::ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("wants delete, truncate, persist, memory, wal or off"),
              std::string::npos)
        << e.what();
  }
}

TEST(MyDriver, DialectName_IsMydbAndItsDefaultDriverIsMydriver) {
  auto engine = crucible::create_engine("mydb:///" + database("names"));
  EXPECT_EQ(engine.dialect().name(), "mydb");
  EXPECT_EQ(engine.dialect().default_driver(), "mydriver");
}

}  // namespace
