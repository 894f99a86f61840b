// Compliance: DDL. Tables made by create_all/create and dropped by drop_all/drop, constraints
// the database then enforces, indexes, reserved-word and unicode identifiers, DDL inside a
// transaction (SQLAlchemy's suite/test_ddl.py and test_dialect.py identifier cases).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "crucible/sdk/testing/compliance.hpp"

namespace crucible::sdk::testing {
namespace {

class ComplianceDdl : public ComplianceTest {
 protected:
  bool exists(const std::string& table) { return Inspector(engine()).has_table(table); }
  // The column names of table as the database reports them, in table order.
  std::vector<std::string> reflected_columns(const std::string& table) {
    std::vector<std::string> names;
    for (const ReflectedColumn& c : Inspector(engine()).get_columns(table)) names.push_back(c.name);
    return names;
  }

  Table parent_{name("parent"), metadata_, Column{"id", Integer{}, primary_key},
                Column{"code", String{10}, unique}, Column{"label", String{40}, nullable(false)}};
  Table child_{
      name("child"),
      metadata_,
      Column{"id", Integer{}, primary_key},
      Column{"parent_id", Integer{}, ForeignKey{name("parent") + ".id", {.ondelete = "CASCADE"}}},
      Column{"qty", Integer{}, server_default("7")},
      CheckConstraint{"qty > 0", name("qty_positive")}};
};

TEST_F(ComplianceDdl, CreateAll_CreatesEveryTable) {
  create_tables();
  EXPECT_TRUE(exists(name("parent")));
  EXPECT_TRUE(exists(name("child")));
}

TEST_F(ComplianceDdl, CreateAllCheckfirst_LeavesExistingTablesAndTheirRows) {
  create_tables();
  conn().execute(insert(parent_).values({{"id", 1}, {"code", "a"}, {"label", "kept"}}));
  conn().commit();
  create_tables();  // checkfirst: nothing is created again
  EXPECT_EQ(count_rows(parent_), 1);
}

TEST_F(ComplianceDdl, CreateWithoutCheckfirst_RefusesAnExistingTable) {
  parent_.create(engine());
  EXPECT_THROW(parent_.create(engine(), /*checkfirst=*/false), ProgrammingError);  // PEP 249
  EXPECT_TRUE(exists(name("parent")));
}

TEST_F(ComplianceDdl, DropAll_DropsChildrenBeforeParents) {
  create_tables();
  conn().execute(insert(parent_).values({{"id", 1}, {"code", "a"}, {"label", "p"}}));
  conn().execute(insert(child_).values({{"id", 1}, {"parent_id", 1}}));
  conn().commit();
  conn().close();
  metadata_.drop_all(engine());
  EXPECT_FALSE(exists(name("parent")));
  EXPECT_FALSE(exists(name("child")));
}

TEST_F(ComplianceDdl, DropOneTable_LeavesTheOthers) {
  create_tables();
  child_.drop(engine());
  EXPECT_FALSE(exists(name("child")));
  EXPECT_TRUE(exists(name("parent")));
}

TEST_F(ComplianceDdl, NotNullColumn_RefusesNull) {
  create_tables();
  EXPECT_THROW(
      conn().execute(insert(parent_).values({{"id", 1}, {"code", "a"}, {"label", null()}})),
      IntegrityError);
}

TEST_F(ComplianceDdl, UniqueColumn_RefusesADuplicateButAllowsSeveralNulls) {
  create_tables();
  conn().execute(insert(parent_).values({{"id", 1}, {"code", null()}, {"label", "x"}}));
  conn().execute(insert(parent_).values({{"id", 2}, {"code", null()}, {"label", "y"}}));
  conn().execute(insert(parent_).values({{"id", 3}, {"code", "a"}, {"label", "z"}}));
  EXPECT_THROW(conn().execute(insert(parent_).values({{"id", 4}, {"code", "a"}, {"label", "w"}})),
               IntegrityError);
}

TEST_F(ComplianceDdl, PrimaryKey_RefusesADuplicate) {
  create_tables();
  conn().execute(insert(parent_).values({{"id", 1}, {"code", "a"}, {"label", "x"}}));
  EXPECT_THROW(conn().execute(insert(parent_).values({{"id", 1}, {"code", "b"}, {"label", "y"}})),
               IntegrityError);
}

TEST_F(ComplianceDdl, CompositePrimaryKey_RefusesOnlyTheSamePair) {
  Table pair{name("pair"), metadata_, Column{"a", Integer{}}, Column{"b", Integer{}},
             PrimaryKeyConstraint{{"a", "b"}}};
  create_tables();
  conn().execute(insert(pair).values({{"a", 1}, {"b", 1}}));
  conn().execute(insert(pair).values({{"a", 1}, {"b", 2}}));
  EXPECT_THROW(conn().execute(insert(pair).values({{"a", 1}, {"b", 2}})), IntegrityError);
}

TEST_F(ComplianceDdl, CompositeUniqueConstraint_RefusesOnlyTheSamePair) {
  Table pair{name("upair"),
             metadata_,
             Column{"id", Integer{}, primary_key},
             Column{"a", Integer{}},
             Column{"b", Integer{}},
             UniqueConstraint{{"a", "b"}, name("upair_ab")}};
  create_tables();
  conn().execute(insert(pair).values({{"id", 1}, {"a", 1}, {"b", 1}}));
  conn().execute(insert(pair).values({{"id", 2}, {"a", 1}, {"b", 2}}));
  EXPECT_THROW(conn().execute(insert(pair).values({{"id", 3}, {"a", 1}, {"b", 2}})),
               IntegrityError);
}

TEST_F(ComplianceDdl, ForeignKey_RefusesAnOrphan) {
  create_tables();
  EXPECT_THROW(conn().execute(insert(child_).values({{"id", 1}, {"parent_id", 42}})),
               IntegrityError);
}

TEST_F(ComplianceDdl, ForeignKeyOnDeleteCascade_DeletesTheChildren) {
  create_tables();
  conn().execute(insert(parent_).values({{"id", 1}, {"code", "a"}, {"label", "p"}}));
  conn().execute(insert(child_),
                 std::vector<Params>{{{"id", 1}, {"parent_id", 1}}, {{"id", 2}, {"parent_id", 1}}});
  conn().execute(delete_(parent_).where(parent_.c("id") == 1));
  EXPECT_EQ(count_rows(child_), 0);
}

TEST_F(ComplianceDdl, ForeignKeyOnDeleteSetNull_ClearsTheReference) {
  Table owner{name("owner"), metadata_, Column{"id", Integer{}, primary_key}};
  Table pet{
      name("pet"), metadata_, Column{"id", Integer{}, primary_key},
      Column{"owner_id", Integer{}, ForeignKey{name("owner") + ".id", {.ondelete = "SET NULL"}}}};
  create_tables();
  conn().execute(insert(owner).values({{"id", 1}}));
  conn().execute(insert(pet).values({{"id", 1}, {"owner_id", 1}}));
  conn().execute(delete_(owner));
  EXPECT_EQ(column<std::optional<std::int64_t>>(select(pet.c("owner_id"))),
            (std::vector<std::optional<std::int64_t>>{std::nullopt}));
}

TEST_F(ComplianceDdl, CheckConstraint_RefusesAViolatingRow) {
  create_tables();
  conn().execute(insert(parent_).values({{"id", 1}, {"code", "a"}, {"label", "p"}}));
  EXPECT_THROW(conn().execute(insert(child_).values({{"id", 1}, {"parent_id", 1}, {"qty", 0}})),
               IntegrityError);
}

TEST_F(ComplianceDdl, ServerDefault_FillsAnOmittedColumn) {
  create_tables();
  conn().execute(insert(parent_).values({{"id", 1}, {"code", "a"}, {"label", "p"}}));
  conn().execute(insert(child_).values({{"id", 1}, {"parent_id", 1}}));
  EXPECT_EQ(scalar(select(child_.c("qty"))).as<std::int64_t>(), 7);
}

TEST_F(ComplianceDdl, ClientDefault_IsBoundForAnOmittedColumn) {
  Table t{name("client_default"), metadata_, Column{"id", Integer{}, primary_key},
          Column{"status", String{10}, default_("draft")}};
  create_tables();
  conn().execute(insert(t).values({{"id", 1}}));
  conn().execute(insert(t), std::vector<Params>{{{"id", 2}}, {{"id", 3}}});
  conn().execute(insert(t).values({{"id", 4}, {"status", "sent"}}));
  EXPECT_EQ(column<std::string>(select(t.c("status")).order_by({t.c("id")})),
            (std::vector<std::string>{"draft", "draft", "draft", "sent"}));
}

TEST_F(ComplianceDdl, AutoincrementPrimaryKey_NumbersRowsInInsertOrder) {
  Table t{name("auto"), metadata_, Column{"id", Integer{}, primary_key}, Column{"v", String{10}}};
  create_tables();
  conn().execute(insert(t), std::vector<Params>{{{"v", "a"}}, {{"v", "b"}}, {{"v", "c"}}});
  const auto ids = column<std::int64_t>(select(t.c("id")).order_by({t.c("v")}));
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_LT(ids[0], ids[1]);
  EXPECT_LT(ids[1], ids[2]);
}

TEST_F(ComplianceDdl, IndexedColumn_GetsAnIndexTheDatabaseReports) {
  Table t{name("indexed"), metadata_, Column{"id", Integer{}, primary_key},
          Column{"email", String{60}, indexed}, Index{name("ix_pair"), {"id", "email"}}};
  create_tables();
  std::vector<std::vector<std::string>> columns;
  for (const ReflectedIndex& ix : Inspector(engine()).get_indexes(name("indexed")))
    columns.push_back(ix.column_names);
  std::sort(columns.begin(), columns.end());
  EXPECT_EQ(columns, (std::vector<std::vector<std::string>>{{"email"}, {"id", "email"}}));
}

TEST_F(ComplianceDdl, UniqueIndex_RefusesADuplicate) {
  Table t{name("uindex"), metadata_, Column{"id", Integer{}, primary_key},
          Column{"email", String{60}}, Index{name("ix_email"), {"email"}, /*unique=*/true}};
  create_tables();
  conn().execute(insert(t).values({{"id", 1}, {"email", "a@x"}}));
  EXPECT_THROW(conn().execute(insert(t).values({{"id", 2}, {"email", "a@x"}})), IntegrityError);
}

TEST_F(ComplianceDdl, ReservedWordColumns_AreQuotedAndUsable) {
  Table t{name("reserved"),
          metadata_,
          Column{"select", Integer{}, primary_key},
          Column{"from", String{10}},
          Column{"order", Integer{}},
          Column{"group", String{10}},
          Column{"user", String{10}}};
  create_tables();
  conn().execute(insert(t).values(
      {{"select", 1}, {"from", "here"}, {"order", 2}, {"group", "g"}, {"user", "u"}}));
  const Row row = conn()
                      .execute(select(t.c("from"), t.c("order"), t.c("group"), t.c("user"))
                                   .where(t.c("select") == 1)
                                   .order_by({t.c("order")}))
                      .one();
  EXPECT_EQ(row.get<std::string>("from"), "here");
  EXPECT_EQ(row.get<std::int64_t>("order"), 2);
  EXPECT_EQ(row.get<std::string>("group"), "g");
  EXPECT_EQ(row.get<std::string>("user"), "u");
}

TEST_F(ComplianceDdl, MixedCaseAndSpacedNames_KeepTheirSpelling) {
  Table t{name("Mixed Case"), metadata_, Column{"Id", Integer{}, primary_key},
          Column{"Display Name", String{20}}};
  create_tables();
  conn().execute(insert(t).values({{"Id", 1}, {"Display Name", "x"}}));
  EXPECT_EQ(scalar(select(t.c("Display Name"))).as<std::string>(), "x");
  EXPECT_TRUE(exists(name("Mixed Case")));
  EXPECT_EQ(reflected_columns(name("Mixed Case")),
            (std::vector<std::string>{"Id", "Display Name"}));
}

TEST_F(ComplianceDdl, UnicodeIdentifiers_AreUsableAndReflected) {
  Table t{name("données"), metadata_, Column{"clé", Integer{}, primary_key},
          Column{"名前", String{20}}};
  create_tables();
  conn().execute(insert(t).values({{"clé", 1}, {"名前", "値"}}));
  EXPECT_EQ(scalar(select(t.c("名前")).where(t.c("clé") == 1)).as<std::string>(), "値");
  EXPECT_TRUE(exists(name("données")));
  EXPECT_EQ(reflected_columns(name("données")), (std::vector<std::string>{"clé", "名前"}));
}

TEST_F(ComplianceDdl, DdlInARolledBackTransaction_LeavesNoTable) {
  CRUCIBLE_REQUIRE(ddl_in_transactions);
  conn().execute(text("CREATE TABLE " + quoted("tx_ddl") + " (id INTEGER PRIMARY KEY)"));
  conn().rollback();
  EXPECT_FALSE(exists(name("tx_ddl")));
}

TEST_F(ComplianceDdl, TextCreateTable_IsVisibleToOtherConnectionsAfterCommit) {
  conn().execute(text("CREATE TABLE " + quoted("plain") + " (id INTEGER PRIMARY KEY, n INTEGER)"));
  conn().commit();
  Connection other = engine().connect();
  EXPECT_EQ(other.execute(text("SELECT count(*) FROM " + quoted("plain"))).scalar_one(), Value(0));
}

}  // namespace
}  // namespace crucible::sdk::testing
