// The mysql dialect's DDL and types on a real MariaDB: create_all makes what mysql_ddl.hpp
// says (AUTO_INCREMENT, InnoDB, utf8mb4, native ENUM), and every generic type makes the round
// trip program -> server -> program exactly (mysql_types.hpp), through the expression language.
#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "crucible/crucible.hpp"
#include "mysql_fixture.hpp"

using namespace crucible;

namespace {

class MysqlSchemaTest : public crucible::testing::MysqlEngineFixture {};

// One value of each kind, and the type of the column it goes into.
struct Sample {
  const char* column;
  SqlType type;
  Value value;
};

Bytes all_bytes() {
  Bytes out;
  for (int i = 0; i < 256; ++i) out.push_back(static_cast<std::byte>(i));
  return out;
}

}  // namespace

TEST_F(MysqlSchemaTest, CreateAll_MakesInnodbUtf8mb4BinTablesWithAutoIncrement) {
  MetaData md;
  Table t{"things", md, Column{"id", Integer{}, primary_key}, Column{"name", String{20}}};
  md.create_all(engine());
  Connection c = engine().connect();
  const Row row = c.execute(text("SELECT ENGINE, TABLE_COLLATION FROM information_schema.TABLES "
                                 "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'things'"))
                      .one();
  EXPECT_EQ(row.values()[0], Value("InnoDB"));
  EXPECT_EQ(row.values()[1], Value("utf8mb4_bin"));
  // AUTO_INCREMENT numbers the rows.
  c.execute(insert(t), {{{"name", "a"}}, {{"name", "b"}}, {{"name", "c"}}});
  EXPECT_EQ(c.execute(select(t.c("id")).order_by({t.c("id")})).scalars().all_as<std::int64_t>(),
            (std::vector<std::int64_t>{1, 2, 3}));
  // Four-byte UTF-8 survives (MySQL's "utf8" would refuse it).
  c.execute(insert(t).values({{"name", "\xF0\x9F\x8E\xB8 guitar"}}));
  EXPECT_EQ(c.execute(select(t.c("name")).where(t.c("id") == 4)).scalar_one(),
            Value("\xF0\x9F\x8E\xB8 guitar"));
  c.close();  // its open transaction's metadata lock would make DROP TABLE wait
  md.drop_all(engine());
  EXPECT_FALSE(Inspector(engine()).has_table("things"));
}

TEST_F(MysqlSchemaTest, EveryGenericType_RoundTripsExactly) {
  const std::vector<Sample> samples{
      {"i", Integer{}, Value(std::int64_t{-2147483647})},
      {"si", SmallInteger{}, Value(std::int64_t{-32768})},
      {"bi", BigInteger{}, Value(std::int64_t{9223372036854775807})},
      {"f", Float{}, Value(1.5)},
      {"d", Double{}, Value(0.1)},
      {"n", Numeric{20, 4}, Value(Decimal{"1234567890123456.7891"})},
      {"nu", Numeric{}, Value(Decimal{"-12345678901234567890.123456789000000000000000000000"})},
      {"s", String{40}, Value(std::string("O'Brien \\ \"quoted\" caf\xC3\xA9"))},
      {"t", Text{}, Value(std::string(70000, 'x'))},  // beyond TEXT's 64 KiB
      {"b", Boolean{}, Value(true)},
      {"b0", Boolean{}, Value(false)},
      {"dt", types::Date{}, Value(Date{2024, 2, 29})},
      {"tm", types::Time{}, Value(Time{23, 59, 58, 123456})},
      {"ts", types::DateTime{}, Value(DateTime{Date{1999, 12, 31}, Time{23, 59, 59, 999999}})},
      {"bin", LargeBinary{}, Value(all_bytes())},
      {"u", types::Uuid{}, Value(Uuid::parse("0f8fad5b-d9cb-469f-a165-70867728950e"))},
      {"j", JSON{}, Value(Json{R"({"a": [1, 2.5, "x"], "b": null})"})},
      {"e", Enum({"draft", "published"}), Value(std::string("published"))},
  };
  const auto col = [&](std::size_t i) { return Column{samples.at(i).column, samples[i].type}; };
  MetaData md;
  Table t{"samples", md,      Column{"id", Integer{}, primary_key},
          col(0),    col(1),  col(2),
          col(3),    col(4),  col(5),
          col(6),    col(7),  col(8),
          col(9),    col(10), col(11),
          col(12),   col(13), col(14),
          col(15),   col(16), col(17)};
  ASSERT_EQ(samples.size(), 18u);
  md.create_all(engine());
  Connection c = engine().connect();
  Params row{{"id", 1}};
  for (const Sample& s : samples) row.set(s.column, s.value);
  c.execute(insert(t), row);
  std::vector<Expr> columns;
  for (const Sample& s : samples) columns.push_back(t.c(s.column));
  const std::vector<Value> got = c.execute(select(columns)).one().values();
  ASSERT_EQ(got.size(), samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i)
    EXPECT_EQ(got[i], samples[i].value) << samples[i].column << " " << samples[i].type.repr();
}

TEST_F(MysqlSchemaTest, TimezoneAwareDateTime_IsStoredAtUtc) {
  MetaData md;
  Table t{"events", md, Column{"id", Integer{}, primary_key}, Column{"at", types::DateTime(true)}};
  md.create_all(engine());
  Connection c = engine().connect();
  // 2024-03-01 01:30 at +02:00 is 2024-02-29 23:30 UTC; DATETIME keeps the wall time only.
  c.execute(insert(t).values(
      {{"id", 1}, {"at", DateTime{Date{2024, 3, 1}, Time{1, 30, 0, 250000}, 7200}}}));
  EXPECT_EQ(c.execute(select(t.c("at"))).scalar_one(),
            Value(DateTime{Date{2024, 2, 29}, Time{23, 30, 0, 250000}, std::nullopt}));
  EXPECT_EQ(c.execute(text("SELECT CAST(`at` AS CHAR) FROM events")).scalar_one(),
            Value("2024-02-29 23:30:00.250000"));
}

TEST_F(MysqlSchemaTest, Strings_CompareAndSortByCodePoint) {
  MetaData md;
  Table t{"names", md, Column{"id", Integer{}, primary_key}, Column{"name", String{20}}};
  md.create_all(engine());
  Connection c = engine().connect();
  c.execute(insert(t), {{{"id", 1}, {"name", "bob"}},
                        {{"id", 2}, {"name", "Dave"}},
                        {{"id", 3}, {"name", "alice"}},
                        {{"id", 4}, {"name", "\xC3\x89mile"}}});
  EXPECT_EQ(c.execute(select(t.c("name")).order_by({t.c("name")})).scalars().all_as<std::string>(),
            (std::vector<std::string>{"Dave", "alice", "bob", "\xC3\x89mile"}));
  EXPECT_EQ(c.execute(select(func::count()).select_from(t).where(t.c("name") == "BOB")).scalar(),
            Value(0));
  EXPECT_EQ(c.execute(select(t.c("id")).where(t.c("name").ilike("BOB"))).scalar_one(), Value(1));
}

TEST_F(MysqlSchemaTest, InsertWithoutValues_FillsEveryDefault) {
  MetaData md;
  Table t{"counters", md, Column{"id", Integer{}, primary_key},
          Column{"n", Integer{}, server_default("7")}};
  md.create_all(engine());
  Connection c = engine().connect();
  const Result r = c.execute(insert(t));
  ASSERT_TRUE(r.lastrowid().has_value());
  EXPECT_EQ(c.execute(select(t.c("n")).where(t.c("id") == *r.lastrowid())).scalar_one(), Value(7));
}

TEST_F(MysqlSchemaTest, NativeEnum_RefusesAValueOutsideIt) {
  MetaData md;
  Table t{"posts", md, Column{"id", Integer{}, primary_key},
          Column{"state", Enum({"draft", "done"})}};
  md.create_all(engine());
  Connection c = engine().connect();
  EXPECT_EQ(c.execute(text("SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE "
                           "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'posts' AND "
                           "COLUMN_NAME = 'state'"))
                .scalar_one(),
            Value("enum('draft','done')"));
  EXPECT_THROW(c.execute(insert(t).values({{"id", 1}, {"state", "lost"}})), DataError);
}

TEST_F(MysqlSchemaTest, DdlCommitsImplicitly_SoItIsNotTransactional) {
  EXPECT_FALSE(engine().dialect().features().supports_transactional_ddl);
  MetaData md;
  Table t{"kept", md, Column{"id", Integer{}, primary_key}};
  {
    Connection c = engine().connect();
    c.execute(text(engine().dialect().ddl_compiler()->create_table(t.data())));
    c.rollback();
  }
  EXPECT_TRUE(Inspector(engine()).has_table("kept"));
}
