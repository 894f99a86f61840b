// Every generic type round-tripped through a table crucible created on real SQLite: rows
// inserted through text() with typed values (the driver's binding) and through a Core insert
// (the dialect's bind processors), read back through a Core select (result processors) and
// through text() (the driver's reads by declared type); the storage forms SQLite holds checked
// with SQL of its own.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "crucible/crucible.hpp"

using namespace crucible;

namespace crucible {
// Readable failure messages (internal linkage: other test files may print these too).
[[maybe_unused]] static void PrintTo(const Value& value, std::ostream* os) {
  *os << kind_name(value.kind()) << " " << value.to_string();
}
}  // namespace crucible

namespace {

Bytes bytes_of(std::initializer_list<int> values) {
  Bytes out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

const Uuid kUuid = Uuid::parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
const Uuid kOtherUuid = Uuid::parse("ffffffff-0000-4000-8000-000000000001");

// The columns, in table order, after "id".
const std::vector<std::string> kColumns = {
    "c_bool",     "c_int",        "c_small",  "c_big",  "c_float", "c_double",
    "c_numeric",  "c_wide",       "c_string", "c_text", "c_date",  "c_time",
    "c_datetime", "c_datetimetz", "c_blob",   "c_uuid", "c_json",  "c_enum"};

// Rows of values for kColumns: extremes, ordinary values, nulls.
std::vector<std::vector<Value>> sample_rows() {
  const std::string long_text = std::string(5000, 'x') + "'\"\\ end";
  return {
      {true, std::numeric_limits<std::int64_t>::max(), 32767,
       std::numeric_limits<std::int64_t>::min(), 1.5, 1e-300, Decimal{"12345678.90"},
       Decimal{"123456789.123456"}, "Grüße, 世界 🎉", long_text, Date{2024, 2, 29},
       Time{23, 59, 58, 999999}, DateTime{Date{1999, 12, 31}, Time{23, 59, 59, 123456}, {}},
       DateTime{Date{2024, 2, 29}, Time{13, 5, 9, 1}, 5 * 3600 + 30 * 60},
       bytes_of({0x00, 0xff, 0x10, 0x00}), kUuid, Json{R"({"a": [1, 2.5, "x"], "b": null})"},
       "paid"},
      {false, std::numeric_limits<std::int64_t>::min(), -32768, 0, -0.25, 2.5e300, Decimal{"10.00"},
       Decimal{"-0.050000"}, "", "", Date{1, 1, 1}, Time{0, 0, 0, 0},
       DateTime{Date{2024, 1, 1}, Time{}, {}},
       DateTime{Date{2024, 1, 1}, Time{0, 0, 0, 500000}, -8 * 3600}, Bytes{}, kOtherUuid,
       Json{"42"}, "open"},
      std::vector<Value>(kColumns.size()),
  };
}

class TypesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    md_ = std::make_unique<MetaData>();
    table_ = std::make_unique<Table>(
        "every_type", *md_, Column{"id", Integer{}, primary_key}, Column{"c_bool", Boolean{}},
        Column{"c_int", Integer{}}, Column{"c_small", SmallInteger{}},
        Column{"c_big", BigInteger{}}, Column{"c_float", Float{}}, Column{"c_double", Double{}},
        Column{"c_numeric", Numeric{10, 2}}, Column{"c_wide", Numeric{18, 6}},
        Column{"c_string", String{50}}, Column{"c_text", Text{}}, Column{"c_date", types::Date{}},
        Column{"c_time", types::Time{}}, Column{"c_datetime", types::DateTime{}},
        Column{"c_datetimetz", types::DateTime{true}}, Column{"c_blob", LargeBinary{}},
        Column{"c_uuid", types::Uuid{}}, Column{"c_json", JSON{}},
        Column{"c_enum", Enum{{"open", "paid"}}});
    md_->create_all(engine_);
  }

  // Inserts row `values` with the given id through text() (the values bound as they are).
  void insert_with_text(Connection& conn, int id, const std::vector<Value>& values) {
    std::string sql = "INSERT INTO every_type (id";
    std::string binds = ":id";
    Params params{{"id", id}};
    for (std::size_t i = 0; i < kColumns.size(); ++i) {
      sql += ", " + kColumns[i];
      binds += ", :" + kColumns[i];
      params.set(kColumns[i], values[i]);
    }
    conn.execute(text(sql + ") VALUES (" + binds + ")"), params);
  }

  // Inserts the row through a Core insert, so each value passes the column type's processor.
  void insert_with_core(Connection& conn, int id, const std::vector<Value>& values) {
    sql::Assignments row{{"id", Expr(Value(id))}};
    for (std::size_t i = 0; i < kColumns.size(); ++i)
      row.emplace_back(kColumns[i], Expr(values[i]));
    conn.execute(insert(*table_).values(row));
  }

  Engine engine_ = create_engine("sqlite://");
  std::unique_ptr<MetaData> md_;
  std::unique_ptr<Table> table_;
};

// The values of row `id` read through a Core select, without the id.
std::vector<Value> core_row(Connection& conn, const Table& t, int id) {
  Row row = conn.execute(select(t).where(t.c("id") == id)).one();
  return std::vector<Value>(row.values().begin() + 1, row.values().end());
}

std::vector<Value> text_row(Connection& conn, int id) {
  Row row = conn.execute(text("SELECT * FROM every_type WHERE id = :id"), {{"id", id}}).one();
  return std::vector<Value>(row.values().begin() + 1, row.values().end());
}

// Compares column by column, naming the column that differs.
void expect_row(const std::vector<Value>& got, const std::vector<Value>& want,
                const std::string& how) {
  ASSERT_EQ(got.size(), want.size()) << how;
  for (std::size_t i = 0; i < want.size(); ++i)
    EXPECT_EQ(got[i], want[i]) << how << ": column " << kColumns[i];
}

}  // namespace

TEST_F(TypesTest, EveryTypeRoundTripsThroughTextInsertAndCoreSelect) {
  Connection conn = engine_.connect();
  const auto rows = sample_rows();
  for (std::size_t r = 0; r < rows.size(); ++r)
    insert_with_text(conn, static_cast<int>(r) + 1, rows[r]);
  for (std::size_t r = 0; r < rows.size(); ++r)
    expect_row(core_row(conn, *table_, static_cast<int>(r) + 1), rows[r],
               "row " + std::to_string(r + 1) + " read by a Core select");
}

TEST_F(TypesTest, EveryTypeRoundTripsThroughCoreInsertAndCoreSelect) {
  Connection conn = engine_.connect();
  const auto rows = sample_rows();
  for (std::size_t r = 0; r < rows.size(); ++r)
    insert_with_core(conn, static_cast<int>(r) + 1, rows[r]);
  for (std::size_t r = 0; r < rows.size(); ++r)
    expect_row(core_row(conn, *table_, static_cast<int>(r) + 1), rows[r],
               "row " + std::to_string(r + 1) + " read by a Core select");
}

TEST_F(TypesTest, TextQueriesReadTheSameKindsByDeclaredTypeExceptUuid) {
  Connection conn = engine_.connect();
  auto rows = sample_rows();
  for (std::size_t r = 0; r < rows.size(); ++r)
    insert_with_core(conn, static_cast<int>(r) + 1, rows[r]);
  // CHAR(32) says nothing of a UUID: text() gives the stored 32 hex digits, which a Core select
  // (knowing the column's type) turns back into a Uuid.
  const std::size_t uuid = 15;
  ASSERT_EQ(kColumns[uuid], "c_uuid");
  rows[0][uuid] = Value(kUuid.to_hex());
  rows[1][uuid] = Value(kOtherUuid.to_hex());
  for (std::size_t r = 0; r < rows.size(); ++r)
    expect_row(text_row(conn, static_cast<int>(r) + 1), rows[r],
               "row " + std::to_string(r + 1) + " read by text()");
}

TEST_F(TypesTest, SqliteHoldsTheStorageFormsOfSqlalchemy) {
  Connection conn = engine_.connect();
  insert_with_core(conn, 1, sample_rows()[0]);
  Row row = conn.execute(text("SELECT c_bool + 0, typeof(c_bool), c_uuid || '', length(c_uuid), "
                              "c_datetime || '', c_datetimetz || '', c_date || '', "
                              "c_time || '', typeof(c_json), typeof(c_numeric) "
                              "FROM every_type"))
                .one();
  EXPECT_EQ(row[0], Value(1));
  EXPECT_EQ(row[1], Value("integer"));
  EXPECT_EQ(row[2], Value("0f1e2d3c4b5a69788796a5b4c3d2e1f0"));
  EXPECT_EQ(row[3], Value(32));
  EXPECT_EQ(row[4], Value("1999-12-31 23:59:59.123456"));
  EXPECT_EQ(row[5], Value("2024-02-29 13:05:09.000001+05:30"));
  EXPECT_EQ(row[6], Value("2024-02-29"));
  EXPECT_EQ(row[7], Value("23:59:58.999999"));
  EXPECT_EQ(row[8], Value("text"));
  EXPECT_EQ(row[9], Value("real"));
}

TEST_F(TypesTest, ComparisonsBindTheirValueWithTheColumnsType) {
  Connection conn = engine_.connect();
  const auto rows = sample_rows();
  insert_with_core(conn, 1, rows[0]);
  insert_with_core(conn, 2, rows[1]);
  const Table& t = *table_;
  const auto ids = [&](const Expr& where) {
    std::vector<Value> out;
    for (const Row& r : conn.execute(select(t.c("id")).where(where).order_by({t.c("id")})))
      out.push_back(r[0]);
    return out;
  };
  EXPECT_EQ(ids(t.c("c_uuid") == Value(kUuid)), std::vector<Value>{1});
  EXPECT_EQ(ids(t.c("c_uuid") == kOtherUuid.to_string()), std::vector<Value>{2});  // dashed text
  EXPECT_EQ(ids(t.c("c_bool") == true), std::vector<Value>{1});
  EXPECT_EQ(ids(t.c("c_date") == Value(Date{2024, 2, 29})), std::vector<Value>{1});
  EXPECT_EQ(ids(t.c("c_numeric") > Value(Decimal{"100"})), std::vector<Value>{1});
  EXPECT_EQ(ids(t.c("c_numeric") == Value(Decimal{"10.00"})), std::vector<Value>{2});
}
