// Mapping structs to tables (issue 6, item 1). On every backend: std::optional members as
// nullable columns, client defaults and server defaults written back at flush, a composite
// primary key, mapping onto an existing and onto a reflected Table, and the mapped Table used
// from Core. Without a database (the Sqlite/ instance only): the mapper's configuration errors,
// naming the struct and the column or relationship.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models.hpp"
#include "orm_fixture.hpp"

namespace crucible::testing {
namespace {

using models::Enrollment;
using models::Ticket;
using models::User;

class MappingTest : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (HasFatalFailure()) return;
    models::map_users(registry_);
    models::map_enrollments(registry_);
    models::map_tickets(registry_);
    metadata_.create_all(engine());
    reset_statements();
  }
  MetaData metadata_;
  orm::Registry registry_{metadata_};
};

TEST_P(MappingTest, OptionalMember_IsANullableColumnAndPlainMembersAreNotNull) {
  const auto& table = orm::mapper_of<User>().table();
  EXPECT_TRUE(table.data().find("fullname")->is_nullable());
  EXPECT_FALSE(table.data().find("name")->is_nullable());
  orm::Session session{engine()};
  auto plain = session.add(User{.name = "Ann", .email = "ann@x"});
  auto full = session.add(User{.name = "Ben", .fullname = "Ben Bell", .email = "ben@x"});
  session.commit();
  auto conn = engine().connect();
  auto nulls =
      conn.execute(select(orm::col(&User::name)).where(orm::col(&User::fullname).is_null())).all();
  ASSERT_EQ(nulls.size(), 1u);
  EXPECT_EQ(nulls[0].get<std::string>(0), "Ann");
  // The database enforces NOT NULL on a column of a plain member.
  EXPECT_THROW(conn.execute(insert(table).values({{"name", nullptr}, {"email", "z@x"}})),
               IntegrityError);
  conn.rollback();
  conn.close();
  orm::Session other{engine()};
  EXPECT_FALSE(other.get<User>(plain->id)->fullname.has_value());
  EXPECT_EQ(other.get<User>(full->id)->fullname, "Ben Bell");
  // Setting an optional member to nullopt writes NULL.
  auto ben = other.get<User>(full->id);
  ben->fullname.reset();
  other.commit();
  orm::Session third{engine()};
  EXPECT_FALSE(third.get<User>(full->id)->fullname.has_value());
}

TEST_P(MappingTest, Defaults_ClientAndServerDefaultsAreWrittenBackIntoTheObject) {
  orm::Session session{engine()};
  auto t = session.add(Ticket{.title = "broken"});
  auto given = session.add(Ticket{.title = "given", .priority = 1, .status = "closed"});
  session.flush();
  EXPECT_GT(t->id, 0);
  EXPECT_EQ(t->priority, 3);              // default_(3), sent by the ORM
  EXPECT_EQ(t->status, "open");           // the server's DEFAULT, read back
  ASSERT_TRUE(t->opened_at.has_value());  // CURRENT_TIMESTAMP, read back
  EXPECT_GE(t->opened_at->date.year, 2024);
  EXPECT_EQ(given->priority, 1);
  EXPECT_EQ(given->status, "closed");
  session.commit();
  orm::Session other{engine()};
  auto back = other.get<Ticket>(t->id);
  EXPECT_EQ(back->priority, 3);
  EXPECT_EQ(back->status, "open");
  EXPECT_EQ(back->opened_at, t->opened_at);
  EXPECT_EQ(other.get<Ticket>(given->id)->status, "closed");
  // Nothing changed by the read-back: the loaded objects are clean.
  reset_statements();
  other.flush();
  session.flush();
  EXPECT_EQ(statement_count(), 0u);
}

TEST_P(MappingTest, CompositePrimaryKey_IdentifiesObjectsByBothColumns) {
  const auto& pk = orm::mapper_of<Enrollment>().table().data().primary_key;
  EXPECT_EQ(pk, (std::vector<std::string>{"student_id", "course_id"}));
  {
    orm::Session session{engine()};
    session.add_all(std::vector<Enrollment>{{.student_id = 1, .course_id = 10, .grade = "A"},
                                            {.student_id = 1, .course_id = 11, .grade = "B"},
                                            {.student_id = 2, .course_id = 10, .grade = "C"}});
    session.commit();
  }
  orm::Session session{engine()};
  auto e = session.get<Enrollment>({1, 11});
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->grade, "B");
  e->grade = "A";
  session.commit();
  orm::Session other{engine()};
  EXPECT_EQ(other.get<Enrollment>({1, 11})->grade, "A");
  EXPECT_EQ(other.get<Enrollment>({1, 10})->grade, "A");
  EXPECT_EQ(other.get<Enrollment>({2, 10})->grade, "C");
  EXPECT_EQ(other.get<Enrollment>({2, 11}), nullptr);
  // The database rejects a second row with the same pair.
  other.add(Enrollment{.student_id = 2, .course_id = 10, .grade = "D"});
  EXPECT_THROW(other.flush(), IntegrityError);
}

struct Gadget {
  std::int64_t id{};
  std::string label;
  std::optional<double> weight;
};

TEST_P(MappingTest, MapOntoExistingTable_UsesTheTablesColumnsAndTypes) {
  MetaData md;
  Table gadgets{"gadget",
                md,
                Column{"id", Integer{}, primary_key},
                Column{"label", String{40}},
                Column{"weight", Double{}, nullable(true)},
                Column{"unmapped", String{10}, nullable(true)}};
  md.create_all(engine());
  orm::Registry registry{md};
  registry.map<Gadget>(gadgets)
      .column(&Gadget::id, "id")
      .column(&Gadget::label, "label")
      .column(&Gadget::weight, "weight");
  EXPECT_EQ(orm::mapper_of<Gadget>().table().data().name, "gadget");
  orm::Session session{engine()};
  auto g = session.add(Gadget{.label = "sprocket", .weight = 1.5});
  session.commit();
  auto conn = engine().connect();
  auto row = conn.execute(select(gadgets.c("label"), gadgets.c("weight"), gadgets.c("unmapped"))
                              .where(gadgets.c("id") == g->id))
                 .one();
  EXPECT_EQ(row.get<std::string>(0), "sprocket");
  EXPECT_DOUBLE_EQ(row.get<double>(1), 1.5);
  EXPECT_TRUE(row[2].is_null());
}

TEST_P(MappingTest, MapOntoReflectedTable_LoadsAndWritesItsRows) {
  {
    MetaData md;
    Table widgets{"widget", md, Column{"id", Integer{}, primary_key}, Column{"name", String{40}},
                  Column{"weight", Double{}, nullable(true)}};
    md.create_all(engine());
    auto conn = engine().connect();
    conn.execute(insert(widgets),
                 {{{"name", "cog"}, {"weight", 2.0}}, {{"name", "nut"}, {"weight", nullptr}}});
    conn.commit();
  }
  MetaData reflected;
  Table widget = Table::reflect("widget", reflected, engine());
  orm::Registry registry{reflected};
  registry.map<Gadget>(widget)
      .column(&Gadget::id, "id")
      .column(&Gadget::label, "name")
      .column(&Gadget::weight, "weight");
  orm::Session session{engine()};
  auto all = session.scalars(select<Gadget>().order_by({orm::col(&Gadget::label)})).all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]->label, "cog");
  EXPECT_EQ(all[0]->weight, 2.0);
  EXPECT_EQ(all[1]->label, "nut");
  EXPECT_FALSE(all[1]->weight.has_value());
  all[1]->weight = 0.25;
  auto bolt = session.add(Gadget{.label = "bolt"});
  session.commit();
  EXPECT_GT(bolt->id, 0);  // the reflected key is still the database's to number
  auto conn = engine().connect();
  EXPECT_EQ(conn.execute(select(widget.c("weight")).where(widget.c("name") == "nut")).scalar(),
            Value(0.25));
  EXPECT_EQ(conn.execute(select(func::count()).select_from(widget)).scalar().as<std::int64_t>(), 3);
}

TEST_P(MappingTest, MappedTableFromCore_RowsInsertedWithCoreAreLoadedAsObjects) {
  const Table& users = orm::mapper_of<User>().table();
  {
    auto conn = engine().connect();
    conn.execute(insert(users), {{{"name", "core1"}, {"fullname", nullptr}, {"email", "c1@x"}},
                                 {{"name", "core2"}, {"fullname", "Core Two"}, {"email", "c2@x"}}});
    conn.commit();
  }
  orm::Session session{engine()};
  auto two = session.scalars(select<User>().where(orm::col(&User::name) == "core2")).one();
  EXPECT_EQ(two->fullname, "Core Two");
  session.add(User{.name = "orm", .email = "o@x"});
  session.commit();
  auto conn = engine().connect();
  EXPECT_EQ(conn.execute(select(func::count()).select_from(users)).scalar().as<std::int64_t>(), 3);
  conn.execute(update(users).where(users.c("name") == "orm").values({{"email", "orm@x"}}));
  conn.commit();
  session.refresh(session.scalars(select<User>().where(orm::col(&User::name) == "orm")).one());
  EXPECT_EQ(session.scalar(select<User>().where(orm::col(&User::name) == "orm"))->email, "orm@x");
}

CRUCIBLE_ORM_BACKENDS(MappingTest);

// ---- configuration errors: no database
// -----------------------------------------------------------

struct Unmapped {
  std::int64_t id{};
};
struct NoKey {
  std::int64_t id{};
  std::string name;
};
struct Mismatch {
  std::int64_t id{};
  std::string name;
  std::int64_t count{};
  Value anything;
};
struct Owner;
struct Orphan {
  std::int64_t id{};
  orm::Ref<Unmapped> thing;
  orm::Collection<Owner> owners;
};
struct Owner {
  std::int64_t id{};
  orm::Ref<Orphan> orphan;  // no foreign key between the tables
};

/// Checks that fn throws E whose message holds every one of parts.
template <class E, class F>
void expect_error(F&& fn, std::vector<std::string> parts) {
  try {
    fn();
    ADD_FAILURE() << "nothing was thrown";
  } catch (const E& e) {
    for (const auto& p : parts)
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
  }
}

/// Runs once, as Sqlite/…, so that the sqlite label picks it up; needs no database.
class MapperErrorTest : public ::testing::TestWithParam<std::string> {
 protected:
  MetaData metadata_;
  orm::Registry registry_{metadata_};
};

TEST_P(MapperErrorTest, UnmappedType_ThrowsUnmappedClassErrorNamingTheType) {
  expect_error<UnmappedClassError>([] { (void)orm::mapper_of<Unmapped>(); }, {"Unmapped"});
  expect_error<UnmappedClassError>([] { (void)select<Unmapped>(); }, {"Unmapped"});
  expect_error<UnmappedClassError>([] { (void)orm::col(&Unmapped::id); }, {"Unmapped"});
}

TEST_P(MapperErrorTest, RelationshipToUnmappedType_ThrowsAtConfigureNamingTheRelationship) {
  registry_.map<Orphan>("orphan")
      .column(&Orphan::id, "id", primary_key)
      .relationship(&Orphan::thing, "thing");
  expect_error<UnmappedClassError>([&] { registry_.configure(); }, {"Orphan.thing", "Unmapped"});
}

TEST_P(MapperErrorTest, NoPrimaryKey_ThrowsArgumentErrorNamingTheTypeAndTable) {
  registry_.map<NoKey>("nokey").column(&NoKey::id, "id").column(&NoKey::name, "name", String{10});
  expect_error<ArgumentError>([&] { registry_.configure(); }, {"NoKey", "nokey", "primary key"});
  expect_error<ArgumentError>([] { (void)orm::mapper_of<NoKey>(); }, {"NoKey"});
}

TEST_P(MapperErrorTest, MemberColumnTypeMismatch_ThrowsArgumentErrorNamingTypeAndColumn) {
  auto builder = registry_.map<Mismatch>("mismatch");
  builder.column(&Mismatch::id, "id", primary_key);
  expect_error<ArgumentError>([&] { builder.column(&Mismatch::name, "name", Integer{}); },
                              {"Mismatch", "'name'", "cannot hold"});
  expect_error<ArgumentError>([&] { builder.column(&Mismatch::count, "count", String{10}); },
                              {"Mismatch", "'count'", "cannot hold"});
  // A Value member implies no type.
  expect_error<ArgumentError>([&] { builder.column(&Mismatch::anything, "anything"); },
                              {"Mismatch", "'anything'"});
  expect_error<ArgumentError>([&] { builder.column(&Mismatch::id, "id2"); },
                              {"Mismatch", "already"});
}

TEST_P(MapperErrorTest, ExistingTable_ColumnMissingOrOfAnotherTypeThrowsArgumentError) {
  Table t{"existing", metadata_, Column{"id", Integer{}, primary_key}, Column{"name", String{10}}};
  auto builder = registry_.map<NoKey>(t);
  expect_error<ArgumentError>([&] { builder.column(&NoKey::name, "title"); },
                              {"NoKey", "'title'", "existing"});
  expect_error<ArgumentError>([&] { builder.column(&NoKey::id, "name"); }, {"NoKey", "'name'"});
  expect_error<ArgumentError>([&] { builder.column(&NoKey::name, "name", Integer{}); },
                              {"NoKey", "'name'"});
}

TEST_P(MapperErrorTest, RelationshipWithoutForeignKey_ThrowsArgumentErrorNamingTheRelationship) {
  registry_.map<Orphan>("orphan")
      .column(&Orphan::id, "id", primary_key)
      .relationship(&Orphan::owners, "owners");
  registry_.map<Owner>("owner")
      .column(&Owner::id, "id", primary_key)
      .relationship(&Owner::orphan, "orphan");
  expect_error<ArgumentError>([&] { registry_.configure(); }, {"Orphan.owners", "foreign key"});
}

TEST_P(MapperErrorTest, BackPopulatesOfANonRelationship_ThrowsArgumentError) {
  registry_.map<models::Department>("department")
      .column(&models::Department::id, "id", primary_key)
      .column(&models::Department::name, "name", String{50})
      .relationship(&models::Department::employees, "employees",
                    orm::back_populates(&models::Employee::name));  // not a relationship
  registry_.map<models::Employee>("employee")
      .column(&models::Employee::id, "id", primary_key)
      .column(&models::Employee::name, "name", String{100})
      .column(&models::Employee::dept_id, "dept_id", ForeignKey{"department.id"})
      .relationship(&models::Employee::department, "department");
  expect_error<ArgumentError>([&] { registry_.configure(); },
                              {"Department.employees", "back_populates"});
}

TEST_P(MapperErrorTest, ColumnOfAnUnmappedMember_AndUnknownCascadeWordThrowArgumentError) {
  registry_.map<NoKey>("nokey").column(&NoKey::id, "id", primary_key);
  expect_error<ArgumentError>([] { (void)orm::col(&NoKey::name); }, {"NoKey"});
  expect_error<ArgumentError>([] { (void)orm::cascade("save-update, explode"); }, {"explode"});
  expect_error<ArgumentError>([] { (void)orm::cascade("delete-orphan"); }, {"delete-orphan"});
}

INSTANTIATE_TEST_SUITE_P(Sqlite, MapperErrorTest, ::testing::Values(std::string("sqlite")));

}  // namespace
}  // namespace crucible::testing
