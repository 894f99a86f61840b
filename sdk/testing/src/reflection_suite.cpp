// Compliance: reflection (SQLAlchemy's suite/test_reflection.py ComponentReflectionTest): what
// the Inspector reads back about tables crucible created: names, columns with types,
// nullability and defaults, primary, foreign and unique keys, indexes, views; and Table and
// MetaData reflection that yields tables the expression language can query.
#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "crucible/sdk/testing/compliance.hpp"

namespace crucible::sdk::testing {
namespace {

using Strings = std::vector<std::string>;

// A type kind by name ("Integer()"), so that a failure says which kinds differ.
std::string kind_name_of(TypeKind kind) { return SqlType(kind).repr(); }

class ComplianceReflection : public ComplianceTablesTest {
 protected:
  Inspector inspector() { return Inspector(engine()); }
  const ReflectedColumn& column_named(const std::vector<ReflectedColumn>& columns,
                                      const std::string& n) {
    const auto it = std::find_if(columns.begin(), columns.end(),
                                 [&](const ReflectedColumn& c) { return c.name == n; });
    if (it == columns.end()) throw std::runtime_error("no reflected column " + n);
    return *it;
  }

  // Creates t, reflects column and expects the dialect to read its type back as kind.
  void expect_reflected_kind(const Table& t, const std::string& column, TypeKind kind) {
    create_tables();
    const auto columns = inspector().get_columns(t.name());
    const std::string& declared = column_named(columns, column).type;
    EXPECT_EQ(kind_name_of(engine().dialect().reflect_type(declared).kind()), kind_name_of(kind))
        << column << " reflected as '" << declared << "'";
  }

  Table users_{name("users"),
               metadata_,
               Column{"id", Integer{}, primary_key},
               Column{"name", String{30}, nullable(false)},
               Column{"score", Numeric{10, 2}},
               Column{"joined", types::Date{}},
               Column{"seen", types::DateTime{}},
               Column{"bio", Text{}},
               Column{"avatar", LargeBinary{}},
               Column{"rank", BigInteger{}},
               Column{"status", String{10}, server_default("'new'")},
               Column{"email", String{60}, unique},
               Index{name("ix_users_name_rank"), {"name", "rank"}}};
  Table posts_{name("posts"), metadata_, Column{"id", Integer{}, primary_key},
               Column{"user_id", Integer{},
                      ForeignKey{name("users") + ".id",
                                 {.name = name("fk_posts_user"), .ondelete = "CASCADE"}}},
               Column{"title", String{50}, indexed}};
  Table pairs_{name("pairs"),
               metadata_,
               Column{"a", Integer{}},
               Column{"b", Integer{}},
               Column{"label", String{10}},
               PrimaryKeyConstraint{{"b", "a"}},
               UniqueConstraint{{"label", "a"}, name("uq_pairs_label_a")}};
  Table pair_refs_{name("pair_refs"),
                   metadata_,
                   Column{"id", Integer{}, primary_key},
                   Column{"ra", Integer{}},
                   Column{"rb", Integer{}},
                   ForeignKeyConstraint{{"rb", "ra"}, name("pairs"), {"b", "a"}}};
};

TEST_F(ComplianceReflection, TableNames_ListTheCreatedTablesSorted) {
  Strings mine;
  for (const std::string& t : inspector().get_table_names())
    if (t.rfind(prefix(), 0) == 0) mine.push_back(t);
  EXPECT_EQ(mine, (Strings{name("pair_refs"), name("pairs"), name("posts"), name("users")}));
}

TEST_F(ComplianceReflection, HasTable_IsTrueOnlyForExistingTables) {
  EXPECT_TRUE(inspector().has_table(name("users")));
  EXPECT_FALSE(inspector().has_table(name("nobody")));
}

TEST_F(ComplianceReflection, Columns_ComeInTableOrder) {
  Strings names;
  for (const ReflectedColumn& c : inspector().get_columns(name("users"))) names.push_back(c.name);
  EXPECT_EQ(names, (Strings{"id", "name", "score", "joined", "seen", "bio", "avatar", "rank",
                            "status", "email"}));
}

TEST_F(ComplianceReflection, ColumnTypes_ReflectToTheirGenericKinds) {
  const auto columns = inspector().get_columns(name("users"));
  const std::vector<std::pair<std::string, TypeKind>> expected{
      {"id", TypeKind::kInteger},         {"name", TypeKind::kString},
      {"score", TypeKind::kNumeric},      {"joined", TypeKind::kDate},
      {"seen", TypeKind::kDateTime},      {"bio", TypeKind::kText},
      {"avatar", TypeKind::kLargeBinary}, {"rank", TypeKind::kBigInteger}};
  for (const auto& [column, kind] : expected) {
    const ReflectedColumn& c = column_named(columns, column);
    const SqlType t = engine().dialect().reflect_type(c.type);
    EXPECT_EQ(kind_name_of(t.kind()), kind_name_of(kind))
        << column << " reflected as '" << c.type << "', read back as " << t.repr();
  }
}

TEST_F(ComplianceReflection, NativeUuidColumn_ReflectsAsUuid) {
  CRUCIBLE_REQUIRE(native_uuid);
  Table t{name("ids"), metadata_, Column{"id", types::Uuid{}, primary_key}};
  expect_reflected_kind(t, "id", TypeKind::kUuid);
}

TEST_F(ComplianceReflection, NativeBooleanColumn_ReflectsAsBoolean) {
  CRUCIBLE_REQUIRE(native_boolean);
  Table t{name("bools"), metadata_, Column{"id", Integer{}, primary_key},
          Column{"flag", Boolean{}}};
  expect_reflected_kind(t, "flag", TypeKind::kBoolean);
}

TEST_F(ComplianceReflection, StringLengthAndNumericScale_AreReflected) {
  const auto columns = inspector().get_columns(name("users"));
  const SqlType name_type = engine().dialect().reflect_type(column_named(columns, "name").type);
  EXPECT_EQ(name_type.length(), std::optional<std::uint32_t>(30)) << name_type.repr();
  const SqlType score = engine().dialect().reflect_type(column_named(columns, "score").type);
  EXPECT_EQ(score.precision(), std::optional<int>(10)) << score.repr();
  EXPECT_EQ(score.scale(), std::optional<int>(2)) << score.repr();
}

TEST_F(ComplianceReflection, Nullability_IsReflected) {
  const auto columns = inspector().get_columns(name("users"));
  EXPECT_FALSE(column_named(columns, "id").nullable);
  EXPECT_FALSE(column_named(columns, "name").nullable);
  EXPECT_TRUE(column_named(columns, "bio").nullable);
}

TEST_F(ComplianceReflection, ServerDefault_IsReflected) {
  const auto columns = inspector().get_columns(name("users"));
  const auto& status = column_named(columns, "status");
  ASSERT_TRUE(status.default_.has_value());
  EXPECT_NE(status.default_->find("'new'"), std::string::npos) << *status.default_;
  EXPECT_FALSE(column_named(columns, "bio").default_.has_value());
}

TEST_F(ComplianceReflection, IntegerPrimaryKey_IsReflectedAsAutoincrement) {
  const auto columns = inspector().get_columns(name("users"));
  EXPECT_TRUE(column_named(columns, "id").autoincrement);
  EXPECT_FALSE(column_named(columns, "rank").autoincrement);
}

TEST_F(ComplianceReflection, PrimaryKey_IsReflected) {
  EXPECT_EQ(inspector().get_pk_constraint(name("users")).constrained_columns, (Strings{"id"}));
}

TEST_F(ComplianceReflection, CompositePrimaryKey_KeepsKeyOrder) {
  EXPECT_EQ(inspector().get_pk_constraint(name("pairs")).constrained_columns, (Strings{"b", "a"}));
}

TEST_F(ComplianceReflection, ForeignKey_NamesTheReferredTableColumnsAndAction) {
  const auto fks = inspector().get_foreign_keys(name("posts"));
  ASSERT_EQ(fks.size(), 1u);
  EXPECT_EQ(fks[0].constrained_columns, (Strings{"user_id"}));
  EXPECT_EQ(fks[0].referred_table, name("users"));
  EXPECT_EQ(fks[0].referred_columns, (Strings{"id"}));
  EXPECT_EQ(fks[0].on_delete, std::optional<std::string>("CASCADE"));
}

TEST_F(ComplianceReflection, CompositeForeignKey_PairsColumnsInOrder) {
  const auto fks = inspector().get_foreign_keys(name("pair_refs"));
  ASSERT_EQ(fks.size(), 1u);
  EXPECT_EQ(fks[0].constrained_columns, (Strings{"rb", "ra"}));
  EXPECT_EQ(fks[0].referred_table, name("pairs"));
  EXPECT_EQ(fks[0].referred_columns, (Strings{"b", "a"}));
}

TEST_F(ComplianceReflection, Indexes_ListNamesColumnsAndUniqueness) {
  auto indexes = inspector().get_indexes(name("users"));
  std::vector<std::pair<std::string, Strings>> got;
  for (const ReflectedIndex& ix : indexes) {
    EXPECT_FALSE(ix.unique) << ix.name;
    got.emplace_back(ix.name, ix.column_names);
  }
  EXPECT_EQ(got, (std::vector<std::pair<std::string, Strings>>{
                     {name("ix_users_name_rank"), {"name", "rank"}}}));
}

TEST_F(ComplianceReflection, IndexedColumn_IsReflectedAsAnIndex) {
  const auto indexes = inspector().get_indexes(name("posts"));
  ASSERT_EQ(indexes.size(), 1u);
  EXPECT_EQ(indexes[0].column_names, (Strings{"title"}));
}

TEST_F(ComplianceReflection, UniqueConstraints_AreReflectedWithTheirColumns) {
  std::vector<Strings> got;
  for (const auto& uq : inspector().get_unique_constraints(name("pairs")))
    got.push_back(uq.column_names);
  EXPECT_EQ(got, (std::vector<Strings>{{"label", "a"}}));
  std::vector<Strings> users;
  for (const auto& uq : inspector().get_unique_constraints(name("users")))
    users.push_back(uq.column_names);
  EXPECT_EQ(users, (std::vector<Strings>{{"email"}}));
}

TEST_F(ComplianceReflection, Views_AreListedApartFromTables) {
  conn().execute(
      text("CREATE VIEW " + quoted("v_names") + " AS SELECT name FROM " + quoted("users")));
  conn().commit();
  Strings views;
  for (const std::string& v : inspector().get_view_names())
    if (v.rfind(prefix(), 0) == 0) views.push_back(v);
  EXPECT_EQ(views, (Strings{name("v_names")}));
  const auto tables = inspector().get_table_names();
  EXPECT_EQ(std::count(tables.begin(), tables.end(), name("v_names")), 0);
}

TEST_F(ComplianceReflection, MissingTable_IsNoSuchTableError) {
  EXPECT_THROW(inspector().get_columns(name("nobody")), NoSuchTableError);
  EXPECT_THROW(inspector().get_pk_constraint(name("nobody")), NoSuchTableError);
}

TEST_F(ComplianceReflection, ReflectedTable_IsQueriedWithTheExpressionLanguage) {
  MetaData reflected;
  const Table users = Table::reflect(name("users"), reflected, engine());
  conn().execute(insert(users).values({{"id", 1}, {"name", "Ann"}, {"score", Decimal{"9.50"}}}));
  const Row r = conn()
                    .execute(select(users.c("name"), users.c("score"), users.c("status"))
                                 .where(users.c("id") == 1))
                    .one();
  EXPECT_EQ(r.get<std::string>(0), "Ann");
  EXPECT_EQ(r.get<Decimal>(1), Decimal{"9.50"});
  EXPECT_EQ(r.get<std::string>(2), "new");
}

TEST_F(ComplianceReflection, ReflectedForeignKey_IsEnoughToJoin) {
  // Table by table: MetaData::reflect would read the whole database, which other runs sharing
  // the server change meanwhile.
  MetaData reflected;
  Table::reflect(name("users"), reflected, engine());
  const Table posts = Table::reflect(name("posts"), reflected, engine());
  ASSERT_EQ(posts.data().foreign_keys.size(), 1u);
  EXPECT_EQ(posts.data().foreign_keys[0].referred_table, name("users"));
  const Table users = reflected.table(name("users"));
  conn().execute(insert(users).values({{"id", 1}, {"name", "Ann"}}));
  conn().execute(insert(posts).values({{"id", 1}, {"user_id", 1}, {"title", "hello"}}));
  EXPECT_EQ(scalar(select(users.c("name")).select_from(users.join(posts))).as<std::string>(),
            "Ann");
}

}  // namespace
}  // namespace crucible::sdk::testing
