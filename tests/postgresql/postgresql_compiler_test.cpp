// The postgresql dialect's SQL language without a server: the statement compiler, the type
// compiler and the DDL compiler (postgresql_compiler.hpp, postgresql_types.hpp,
// postgresql_ddl.hpp), for every construct PostgreSQL spells differently from the framework's
// standard SQL. What the server makes of that SQL is checked in postgresql_schema_test.cpp and
// postgresql_upsert_test.cpp.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "crucible/crucible.hpp"
#include "crucible/registry.hpp"
#include "crucible/sql/compiler.hpp"

using namespace crucible;

namespace {

class PostgresqlCompilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pg_ = registry::load_dialect("postgresql");
    sqlite_ = registry::load_dialect("sqlite");
  }

  // The SQL as the libpq driver gets it ($n placeholders).
  std::string sql(const sql::Executable& stmt) const {
    return sql::compile(stmt, *pg_, {}, ParamStyle::kNumericDollar)->sql;
  }
  // The SQL with the values inline, for display.
  std::string literal_sql(const sql::Executable& stmt) const {
    return sql::compile(stmt, *pg_, {.literal_binds = true}, ParamStyle::kNumericDollar)->sql;
  }
  std::string where(const Expr& criterion) const {
    const std::string text = sql(select(users_.c("id")).where(criterion));
    const auto at = text.find("WHERE ");
    return at == std::string::npos ? text : text.substr(at + 6);
  }
  std::string create(const Table& table) const {
    return pg_->ddl_compiler()->create_table(table.data());
  }
  std::string type_name(const SqlType& type) const { return pg_->type_compiler().process(type); }

  registry::DialectPtr pg_;
  registry::DialectPtr sqlite_;
  MetaData metadata_;
  Table users_{"users",
               metadata_,
               Column{"id", Integer{}, primary_key},
               Column{"name", String{50}, nullable(false)},
               Column{"email", String{120}},
               Column{"active", Boolean{}},
               UniqueConstraint{{"email"}, "uq_users_email"}};
};

// ---- expressions ------------------------------------------------------------------------------

TEST_F(PostgresqlCompilerTest, Ilike_IsNativeIlike) {
  EXPECT_EQ(where(users_.c("name").ilike("al%")), "users.name ILIKE $1");
  EXPECT_EQ(where(!users_.c("name").ilike("al%")), "users.name NOT ILIKE $1");
  EXPECT_EQ(where(users_.c("name").ilike("a%") && users_.c("email").ilike("%@x")),
            "users.name ILIKE $1 AND users.email ILIKE $2");
  // The standard spelling stays with the dialects that have no ILIKE.
  EXPECT_EQ(
      sql::compile(select(users_.c("id")).where(users_.c("name").ilike("al%")), *sqlite_)->sql,
      "SELECT users.id \nFROM users \nWHERE lower(users.name) LIKE lower(:name_1)");
}

TEST_F(PostgresqlCompilerTest, IsDistinctFrom_IsTheStandardForm) {
  EXPECT_EQ(where(users_.c("email").is_distinct_from(users_.c("name"))),
            "users.email IS DISTINCT FROM users.name");
  EXPECT_EQ(where(users_.c("email").is_not_distinct_from("x") || users_.c("active")),
            "users.email IS NOT DISTINCT FROM $1 OR users.active");
}

TEST_F(PostgresqlCompilerTest, BooleansAndLimitOffset_AreStandard) {
  EXPECT_EQ(where(users_.c("active") == true), "users.active = $1");
  EXPECT_EQ(literal_sql(select(users_.c("id")).where(users_.c("active") == true).offset(5)),
            "SELECT users.id \nFROM users \nWHERE users.active = TRUE\n OFFSET 5");
  EXPECT_EQ(sql(select(true_())), "SELECT TRUE");
}

TEST_F(PostgresqlCompilerTest, SetOperation_PartsWithTheirOwnLimitAreParenthesized) {
  const auto first = select(users_.c("id")).order_by({users_.c("id")}).limit(1);
  const auto plain = select(users_.c("id")).where(users_.c("id") > 5);
  EXPECT_EQ(sql(union_all({first, plain})),
            "(SELECT users.id \nFROM users ORDER BY users.id\n LIMIT $1) UNION ALL SELECT "
            "users.id \nFROM users \nWHERE users.id > $2");
}

TEST_F(PostgresqlCompilerTest, Cast_UsesPostgresqlTypeNames) {
  EXPECT_EQ(sql(select(cast(users_.c("email"), JSON{}), cast(users_.c("name"), types::Uuid{}))),
            "SELECT CAST(users.email AS JSONB), CAST(users.name AS UUID) \nFROM users");
}

TEST_F(PostgresqlCompilerTest, LiteralBinds_CarryTheirPostgresqlTypes) {
  const auto stmt = select(
      literal(Bytes{std::byte{0x00}, std::byte{0xAB}}), literal(Date{2024, 1, 2}),
      literal(Time{12, 30, 5}), literal(DateTime{Date{2024, 1, 2}, Time{3, 4, 5}}),
      literal(DateTime{Date{2024, 1, 2}, Time{3, 4, 5}, 3600}),
      literal(Uuid::parse("123e4567-e89b-12d3-a456-426614174000")), literal(Json{R"({"a": 1})"}),
      literal("O'Brien \\n"), literal(true), literal(Decimal{"10.50"}));
  EXPECT_EQ(
      literal_sql(stmt),
      "SELECT '\\x00ab'::bytea, DATE '2024-01-02', TIME '12:30:05', "
      "TIMESTAMP '2024-01-02 03:04:05', TIMESTAMP WITH TIME ZONE '2024-01-02 03:04:05+01:00', "
      "'123e4567-e89b-12d3-a456-426614174000'::uuid, '{\"a\": 1}'::jsonb, "
      "'O''Brien \\n', TRUE, 10.50");
}

// ---- sequences --------------------------------------------------------------------------------

TEST_F(PostgresqlCompilerTest, NextValue_IsNextvalOfTheQuotedName) {
  EXPECT_EQ(sql(select(next_value(Sequence{"order_seq"}))), "SELECT nextval('order_seq')");
  EXPECT_EQ(sql(select(next_value(Sequence{.name = "Order Seq", .schema = "sales"}))),
            "SELECT nextval('sales.\"Order Seq\"')");
  EXPECT_EQ(sql(select(next_value(Sequence{"it's"}))), "SELECT nextval('\"it''s\"')");
}

TEST_F(PostgresqlCompilerTest, SequenceDefault_FillsTheColumnLeftOut) {
  MetaData md;
  Table orders{"orders", md, Column{"id", Integer{}, Sequence{"orders_id_seq"}, primary_key},
               Column{"item", String{20}}};
  EXPECT_EQ(sql(insert(orders).values({{"item", "pen"}})),
            "INSERT INTO orders (item, id) VALUES ($1, nextval('orders_id_seq'))");
  EXPECT_EQ(sql(insert(orders).values({{"id", 7}, {"item", "pen"}})),
            "INSERT INTO orders (id, item) VALUES ($1, $2)");
  // A dialect without sequences leaves the column to number itself.
  EXPECT_EQ(
      sql::compile(insert(orders).values({{"item", "pen"}}), *sqlite_, {}, ParamStyle::kQmark)->sql,
      "INSERT INTO orders (item) VALUES (?)");
}

// ---- the upsert -------------------------------------------------------------------------------

TEST_F(PostgresqlCompilerTest, Upsert_ByColumnsWithExcludedAndWhere) {
  const auto stmt =
      insert(users_)
          .values({{"id", 1}, {"name", "Al"}, {"email", "al@x"}})
          .on_conflict_do_update(
              {"id"}, {{"name", excluded(users_, "name")}, {"email", excluded(users_, "email")}},
              users_.c("active") == true);
  EXPECT_EQ(sql(stmt), "INSERT INTO users (id, name, email) VALUES ($1, $2, $3) ON CONFLICT (id) "
                       "DO UPDATE SET name = excluded.name, email = excluded.email WHERE "
                       "users.active = $4");
}

TEST_F(PostgresqlCompilerTest, Upsert_ByConstraintName) {
  const auto row = insert(users_).values({{"id", 1}, {"name", "Al"}, {"email", "al@x"}});
  EXPECT_EQ(sql(row.on_conflict_do_update(ConflictTarget::constraint("uq_users_email"),
                                          {{"name", excluded(users_, "name")}})),
            "INSERT INTO users (id, name, email) VALUES ($1, $2, $3) ON CONFLICT ON CONSTRAINT "
            "uq_users_email DO UPDATE SET name = excluded.name");
  EXPECT_EQ(sql(row.on_conflict_do_nothing(ConflictTarget::constraint("Users PK"))),
            "INSERT INTO users (id, name, email) VALUES ($1, $2, $3) ON CONFLICT ON CONSTRAINT "
            "\"Users PK\" DO NOTHING");
}

TEST_F(PostgresqlCompilerTest, Upsert_PartialIndexTargetWritesItsPredicateUnqualified) {
  const auto stmt =
      insert(users_)
          .values({{"id", 1}, {"name", "Al"}, {"email", "al@x"}})
          .on_conflict_do_update(ConflictTarget({"email"}, users_.c("active") == true),
                                 {{"name", excluded(users_, "name")}});
  EXPECT_EQ(sql(stmt), "INSERT INTO users (id, name, email) VALUES ($1, $2, $3) ON CONFLICT "
                       "(email) WHERE active = $4 DO UPDATE SET name = excluded.name");
  EXPECT_EQ(sql(insert(users_).values({{"id", 1}, {"name", "Al"}}).on_conflict_do_nothing()),
            "INSERT INTO users (id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING");
}

TEST_F(PostgresqlCompilerTest, Upsert_TargetsOfDifferentShapesHaveDifferentCacheKeys) {
  const auto row = insert(users_).values({{"id", 1}, {"name", "Al"}});
  const auto key = [](const sql::Executable& stmt) {
    sql::CacheKey k;
    stmt.gather(k, nullptr);
    return k.key;
  };
  const auto set = Assignments{{"name", excluded(users_, "name")}};
  EXPECT_NE(key(row.on_conflict_do_update({"email"}, set)),
            key(row.on_conflict_do_update(ConflictTarget::constraint("email"), set)));
  EXPECT_NE(key(row.on_conflict_do_update({"email"}, set)),
            key(row.on_conflict_do_update(ConflictTarget({"email"}, users_.c("active")), set)));
}

// ---- types and DDL ----------------------------------------------------------------------------

TEST_F(PostgresqlCompilerTest, TypeCompiler_NamesPostgresqlTypes) {
  EXPECT_EQ(type_name(Integer{}), "INTEGER");
  EXPECT_EQ(type_name(SmallInteger{}), "SMALLINT");
  EXPECT_EQ(type_name(BigInteger{}), "BIGINT");
  EXPECT_EQ(type_name(Float{}), "REAL");
  EXPECT_EQ(type_name(Double{}), "DOUBLE PRECISION");
  EXPECT_EQ(type_name(Numeric(12, 4)), "NUMERIC(12, 4)");
  EXPECT_EQ(type_name(String(40)), "VARCHAR(40)");
  EXPECT_EQ(type_name(String()), "VARCHAR");
  EXPECT_EQ(type_name(Text{}), "TEXT");
  EXPECT_EQ(type_name(Boolean{}), "BOOLEAN");
  EXPECT_EQ(type_name(types::Date{}), "DATE");
  EXPECT_EQ(type_name(types::Time{}), "TIME");
  EXPECT_EQ(type_name(types::DateTime{}), "TIMESTAMP");
  EXPECT_EQ(type_name(types::DateTime(true)), "TIMESTAMP WITH TIME ZONE");
  EXPECT_EQ(type_name(LargeBinary{}), "BYTEA");
  EXPECT_EQ(type_name(types::Uuid{}), "UUID");
  EXPECT_EQ(type_name(JSON{}), "JSONB");
  EXPECT_EQ(type_name(Enum({"a", "bb"}, "mood")), "mood");
  EXPECT_EQ(type_name(Enum({"a", "bb"}, "Mood")), "\"Mood\"");
  EXPECT_EQ(type_name(Enum({"a", "bb"})), "VARCHAR(2)");
  EXPECT_THROW((void)type_name(SqlType()), NotSupportedError);
}

TEST_F(PostgresqlCompilerTest, Ddl_LoneIntegerPrimaryKeyIsAnIdentityColumn) {
  MetaData md;
  Table a{"a", md, Column{"id", Integer{}, primary_key}, Column{"n", Text{}}};
  Table b{"b", md, Column{"id", BigInteger{}, primary_key}};
  Table c{"c", md, Column{"id", SmallInteger{}, primary_key}};
  EXPECT_EQ(create(a), "CREATE TABLE a (\n\tid INTEGER GENERATED BY DEFAULT AS IDENTITY NOT NULL,"
                       "\n\tn TEXT,\n\tPRIMARY KEY (id)\n)");
  EXPECT_EQ(create(b), "CREATE TABLE b (\n\tid BIGINT GENERATED BY DEFAULT AS IDENTITY NOT NULL,"
                       "\n\tPRIMARY KEY (id)\n)");
  EXPECT_EQ(create(c), "CREATE TABLE c (\n\tid SMALLINT GENERATED BY DEFAULT AS IDENTITY NOT "
                       "NULL,\n\tPRIMARY KEY (id)\n)");
}

TEST_F(PostgresqlCompilerTest, Ddl_NoIdentityWhereSomethingElseFillsTheKey) {
  MetaData md;
  Table parent{"parent", md, Column{"id", Integer{}, primary_key}};
  Table composite{"composite", md, Column{"a", Integer{}, primary_key},
                  Column{"b", Integer{}, primary_key}};
  Table off{"off", md, Column{"id", Integer{}, primary_key, autoincrement(false)}};
  Table served{"served", md, Column{"id", Integer{}, primary_key, server_default("42")}};
  Table seq{"seq", md, Column{"id", Integer{}, primary_key, Sequence{"seq_id"}}};
  Table child{"child", md, Column{"id", Integer{}, primary_key, ForeignKey{"parent.id"}}};
  Table text_key{"text_key", md, Column{"code", String{5}, primary_key}};
  for (const Table* t : {&composite, &off, &served, &seq, &child, &text_key})
    EXPECT_EQ(create(*t).find("IDENTITY"), std::string::npos) << create(*t);
  EXPECT_EQ(create(served), "CREATE TABLE served (\n\tid INTEGER DEFAULT 42 NOT NULL,\n\tPRIMARY "
                            "KEY (id)\n)");
  // autoincrement(true) picks one column of a composite key, as SQLAlchemy's.
  Table chosen{"chosen", md, Column{"a", Integer{}, primary_key, autoincrement(true)},
               Column{"b", Integer{}, primary_key}};
  EXPECT_EQ(create(chosen), "CREATE TABLE chosen (\n\ta INTEGER GENERATED BY DEFAULT AS IDENTITY "
                            "NOT NULL,\n\tb INTEGER NOT NULL,\n\tPRIMARY KEY (a, b)\n)");
}

TEST_F(PostgresqlCompilerTest, Ddl_NamedEnumIsANativeTypeWithoutCheck) {
  MetaData md;
  Table posts{"posts", md, Column{"id", Integer{}, primary_key},
              Column{"status", Enum({"draft", "it's live"}, "post_status")},
              Column{"kind", Enum({"a", "bb"})}};
  EXPECT_EQ(create(posts), "CREATE TABLE posts (\n\tid INTEGER GENERATED BY DEFAULT AS IDENTITY "
                           "NOT NULL,\n\tstatus post_status,\n\tkind VARCHAR(2),\n\tPRIMARY KEY "
                           "(id),\n\tCHECK (kind IN ('a', 'bb'))\n)");
  const auto ddl = pg_->ddl_compiler();
  const SqlType status = posts.data().columns[1].type;
  EXPECT_TRUE(ddl->creates_type(status));
  EXPECT_FALSE(ddl->creates_type(posts.data().columns[2].type));
  EXPECT_EQ(ddl->create_type(status), "CREATE TYPE post_status AS ENUM ('draft', 'it''s live')");
  EXPECT_EQ(ddl->drop_type(status), "DROP TYPE post_status");
  EXPECT_THROW((void)ddl->create_type(Integer{}), NotSupportedError);
}

TEST_F(PostgresqlCompilerTest, Ddl_SequencesAndServerDefaults) {
  const auto ddl = pg_->ddl_compiler();
  EXPECT_EQ(ddl->create_sequence(Sequence{"s"}), "CREATE SEQUENCE s");
  EXPECT_EQ(ddl->create_sequence(
                Sequence{.name = "Order", .start = 100, .increment = 10, .schema = "sales"}),
            "CREATE SEQUENCE sales.\"Order\" INCREMENT BY 10 START WITH 100");
  EXPECT_EQ(ddl->drop_sequence(Sequence{.name = "s", .schema = "sales"}), "DROP SEQUENCE sales.s");
  MetaData md;
  Table t{"t", md, Column{"id", Integer{}, primary_key},
          Column{"created", types::DateTime(true), server_default("now()"), nullable(false)}};
  EXPECT_EQ(create(t), "CREATE TABLE t (\n\tid INTEGER GENERATED BY DEFAULT AS IDENTITY NOT "
                       "NULL,\n\tcreated TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,\n\t"
                       "PRIMARY KEY (id)\n)");
}

}  // namespace
