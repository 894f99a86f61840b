// Hostile input (issue 8, item 6), on SQLite, PostgreSQL and MariaDB. Values with quotes,
// semicolons, comments, placeholders of every paramstyle, NUL bytes and bytes that are not
// UTF-8 are stored and read back verbatim, or refused with an error that says why; identifiers
// made of the same are quoted, never executed; after all of it the table holds exactly the rows
// inserted (nothing was dropped or added by the input). Every byte value survives a binary column.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "backend_fixture.hpp"

using namespace crucible;
using namespace std::string_literals;

namespace {

/// Strings that would be code if they reached the SQL text.
const std::vector<std::string>& hostile_strings() {
  static const std::vector<std::string> all{
      "Robert'); DROP TABLE students;--",    "' OR '1'='1",        "\"; DELETE FROM t; --",
      "/* comment */ SELECT 1; -- and more", "a\\' b\\\\ c\\",     ":name ? %s %(x)s $1 :1",
      "`backtick` [bracket] ${x}",           "line\nbreak\r\ttab", "unicode: ünïcødé 日本語 🚀",
  };
  return all;
}

class HostileInputTest : public crucible::testing::BackendTest {};

}  // namespace

TEST_P(HostileInputTest, HostileStrings_AreStoredAndReadBackVerbatim) {
  ASSERT_FALSE(url().empty());
  MetaData metadata;
  Table t(table(), metadata, Column{"id", Integer{}, primary_key},
          Column{"s", Text{}, nullable(false)});
  metadata.create_all(admin());
  Engine engine = create_engine(url());
  const auto& strings = hostile_strings();
  engine.begin([&](Connection& conn) {
    for (std::size_t i = 0; i < strings.size(); ++i)
      conn.execute(insert(t).values({{"id", static_cast<int>(i)}, {"s", strings[i]}}));
  });
  auto conn = engine.connect();
  for (std::size_t i = 0; i < strings.size(); ++i) {
    EXPECT_EQ(conn.execute(select(t.c("s")).where(t.c("id") == static_cast<int>(i)))
                  .scalar()
                  .as<std::string>(),
              strings[i]);
    // And found by equality: the value compared is the value stored.
    EXPECT_EQ(conn.execute(select(t.c("id")).where(t.c("s") == strings[i])).scalar().as<int>(),
              static_cast<int>(i))
        << strings[i];
  }
  // text() with the same strings as parameters: values, never statement text.
  for (const std::string& s : strings)
    EXPECT_EQ(conn.execute(text("SELECT count(*) FROM " + table() + " WHERE s = :s"), {{"s", s}})
                  .scalar()
                  .as<std::int64_t>(),
              1)
        << s;
  EXPECT_EQ(count_rows(), static_cast<std::int64_t>(strings.size()));
}

TEST_P(HostileInputTest, NulAndNonUtf8Text_IsKeptVerbatimOrRefusedSayingWhy) {
  ASSERT_FALSE(url().empty());
  MetaData metadata;
  Table t(table(), metadata, Column{"id", Integer{}, primary_key}, Column{"s", Text{}});
  metadata.create_all(admin());
  Engine engine = create_engine(url());
  const std::vector<std::pair<std::string, std::string>> cases{
      {"nul", "before\0after; DROP TABLE x"s},
      {"non-utf8", "\xff\xfe\xc3\x28 latin-1: caf\xe9"s},
  };
  int id = 0;
  for (const auto& [what, value] : cases) {
    ++id;
    try {
      engine.begin([&](Connection& conn) {
        conn.execute(insert(t).values({{"id", id}, {"s", value}}));
      });
    } catch (const DBAPIError& e) {
      // Refused: by the driver (PostgreSQL's text cannot hold NUL) or by the server (a UTF-8
      // column refuses other bytes): a DataError or a DatabaseError that names the problem.
      const std::string message = e.what();
      RecordProperty("refused_" + what, message);  // in the XML report (--gtest_output=xml)
      EXPECT_TRUE(
          message.find("NUL") != std::string::npos || message.find("0x00") != std::string::npos ||
          message.find("UTF8") != std::string::npos || message.find("UTF-8") != std::string::npos ||
          message.find("Incorrect string value") != std::string::npos ||
          message.find("invalid byte sequence") != std::string::npos)
          << what << " refused without saying why: " << message;
      continue;
    }
    auto conn = engine.connect();
    const Value back = conn.execute(select(t.c("s")).where(t.c("id") == id)).scalar();
    EXPECT_EQ(back.as<std::string>(), value) << what << " was stored but not kept verbatim";
    RecordProperty("kept_" + what, "verbatim");
  }
  EXPECT_LE(count_rows(), 2);
}

TEST_P(HostileInputTest, EveryByteValue_SurvivesABinaryColumn) {
  ASSERT_FALSE(url().empty());
  MetaData metadata;
  Table t(table(), metadata, Column{"id", Integer{}, primary_key}, Column{"b", LargeBinary{}});
  metadata.create_all(admin());
  Bytes all(256 * 2);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::byte>(i % 256);
  Engine engine = create_engine(url());
  engine.begin([&](Connection& conn) { conn.execute(insert(t).values({{"id", 1}, {"b", all}})); });
  auto conn = engine.connect();
  EXPECT_EQ(conn.execute(select(t.c("b"))).scalar().as<Bytes>(), all);
}

TEST_P(HostileInputTest, HostileIdentifiers_AreQuotedNotExecuted) {
  ASSERT_FALSE(url().empty());
  // MySQL/MariaDB names are at most 64 characters and may not end with a space.
  const std::string name = "'\";DROP TABLE " + table() + "--";
  ASSERT_LE(name.size(), 64U);
  const std::vector<std::string> columns{"c'1; --", "c\"2 /* x */", "c`3`", "select", "c;4 :p ?"};
  MetaData metadata;
  Table t(name, metadata, Column{"id", Integer{}, primary_key}, Column{columns[0], String{20}},
          Column{columns[1], String{20}}, Column{columns[2], String{20}},
          Column{columns[3], String{20}}, Column{columns[4], String{20}});
  admin_exec("CREATE TABLE " + table() + " (id INTEGER PRIMARY KEY)");  // what the name attacks
  metadata.drop_all(admin());  // left by an earlier run that stopped half-way
  metadata.create_all(admin());
  Engine engine = create_engine(url());
  Params row{{"id", 1}};
  for (const std::string& c : columns) row.set(c, "v:" + c);
  engine.begin([&](Connection& conn) { conn.execute(insert(t), row); });
  auto conn = engine.connect();
  for (const std::string& c : columns)
    EXPECT_EQ(conn.execute(select(t.c(c))).scalar().as<std::string>(), "v:" + c) << c;
  // The reflected table has exactly those names.
  std::vector<std::string> seen;
  for (const ReflectedColumn& c : Inspector(admin()).get_columns(name)) seen.push_back(c.name);
  EXPECT_EQ(seen, (std::vector<std::string>{"id", columns[0], columns[1], columns[2], columns[3],
                                            columns[4]}));
  EXPECT_EQ(count_rows(), 0) << "the table the name attacks is still there, untouched";
  conn.close();  // its transaction holds the table: DROP would wait for it
  metadata.drop_all(admin());
}

TEST_P(HostileInputTest, IdentifierWithANulByte_IsRefusedSayingSo) {
  ASSERT_FALSE(url().empty());
  MetaData metadata;
  Table t("t\0; DROP TABLE "s + table(), metadata, Column{"id", Integer{}, primary_key});
  admin_exec("CREATE TABLE " + table() + " (id INTEGER PRIMARY KEY)");
  try {
    metadata.create_all(admin());
    ADD_FAILURE() << "a table name holding a NUL byte was created";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("NUL"), std::string::npos) << e.what();
  }
  EXPECT_EQ(count_rows(), 0) << "the table the name attacks is still there";
}

CRUCIBLE_RELIABILITY_BACKENDS(HostileInputTest);
