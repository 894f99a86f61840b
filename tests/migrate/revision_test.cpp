// Revision files and the revision graph, without a database (ctest label unit): JSON round
// trips, errors that name the file and the place, heads, branches, merges and targets.
#include <fstream>
#include <string>
#include <vector>

#include "migrate_fixture.hpp"

namespace crucible::testing {
namespace {

using namespace crucible::migrate;

void write_text(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
}

Revision revision(std::string id, std::vector<std::string> parents) {
  Revision r;
  r.id = std::move(id);
  r.down_revisions = std::move(parents);
  r.message = "message of " + r.id;
  r.created = "2026-11-23T20:00:00Z";
  return r;
}

std::vector<std::string> ids(const std::vector<const Revision*>& plan) {
  std::vector<std::string> out;
  for (const Revision* r : plan) out.push_back(r->id);
  return out;
}

TEST(MigrateUnitRevisionFile, EveryOperation_RoundTripsThroughTheJsonFile) {
  TempDir dir;
  Revision r = revision("abc123", {"p1", "p2"});
  sql::TableData t;
  t.name = "books";
  sql::ColumnData id{"id", Integer{}};
  id.primary_key = true;
  sql::ColumnData title{"title", String{200}};
  title.nullable = false;
  title.server_default = "'untitled'";
  sql::ColumnData status{"status", Enum({"draft", "published"}, "book_status")};
  t.columns = {id,
               title,
               status,
               sql::ColumnData{"price", Numeric{10, 2}},
               sql::ColumnData{"at", types::DateTime(true)},
               sql::ColumnData{"author_id", Integer{}}};
  t.primary_key = {"id"};
  t.uniques = {sql::UniqueConstraint{{"title"}, "uq_books_title"}};
  t.checks = {sql::CheckConstraint{"price > 0", "ck_price"}};
  t.foreign_keys = {sql::ForeignKeyData{{"author_id"},
                                        std::nullopt,
                                        "authors",
                                        {"id"},
                                        sql::ForeignKeyOptions{"fk_author", "CASCADE", {}}}};
  t.indexes = {sql::Index{"ix_books_at", {"at"}, false}};
  AlterColumn alter{"books", std::nullopt, "title"};
  alter.type = Text{};
  alter.nullable = true;
  alter.server_default = std::optional<std::string>();
  alter.new_name = "name";
  alter.existing_type = String{200};
  alter.existing_nullable = false;
  sql::ColumnData isbn{"isbn", String{13}};
  isbn.foreign_key = sql::ForeignKey{"codes.isbn", {}};
  r.upgrade = {
      CreateTable{t},
      AddColumn{"books", "lib", isbn},
      DropColumn{"books", std::nullopt, "isbn"},
      alter,
      RenameTable{"books", std::nullopt, "volumes"},
      CreateIndex{"books", std::nullopt, sql::Index{"ix_t", {"title", "id"}, true}},
      DropIndex{"books", std::nullopt, "ix_t"},
      CreateUniqueConstraint{"books", std::nullopt, sql::UniqueConstraint{{"a"}, "uq_a"}},
      CreateForeignKey{
          "books", std::nullopt,
          sql::ForeignKeyData{
              {"a"}, std::nullopt, "x", {"b"}, sql::ForeignKeyOptions{"fk_a", {}, "CASCADE"}}},
      DropConstraint{"books", std::nullopt, "fk_a", sql::ConstraintKind::kForeignKey},
      ExecuteSql{"UPDATE books SET title = 'x'"}};
  r.downgrade = {DropTable{"books", std::nullopt}};
  r.comments = {"a note"};
  const std::filesystem::path file = write_revision(r, dir.path());
  EXPECT_EQ(file.filename().string(), "abc123_message_of_abc123.json");
  const Revision back = read_revision(file);
  EXPECT_EQ(revision_json(back), revision_json(r));
  ASSERT_EQ(back.upgrade.size(), r.upgrade.size());
  const auto& table = std::get<CreateTable>(back.upgrade[0]).table;
  EXPECT_EQ(table.columns[2].type, SqlType(Enum({"draft", "published"}, "book_status")));
  EXPECT_EQ(table.columns[3].type, SqlType(Numeric{10, 2}));
  EXPECT_EQ(table.foreign_keys.size(), 1u);
  EXPECT_EQ(std::get<AlterColumn>(back.upgrade[3]).server_default,
            std::optional<std::optional<std::string>>(std::optional<std::string>()));
  EXPECT_EQ(back.down_revisions, (std::vector<std::string>{"p1", "p2"}));
}

TEST(MigrateUnitRevisionFile, BadValue_NamesTheFileThePlaceAndWhatWasWanted) {
  TempDir dir;
  const auto file = dir.path() / "x.json";
  write_text(file, R"json({"id": "x1", "upgrade": [{"op": "create_table", "table": "t",
                 "columns": [{"name": "id", "type": 5}]}]})json");
  try {
    read_revision(file);
    FAIL() << "read a bad file";
  } catch (const CommandError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(file.string()), std::string::npos) << what;
    EXPECT_NE(what.find("upgrade[0].columns[0].type"), std::string::npos) << what;
    EXPECT_NE(what.find("the number 5"), std::string::npos) << what;
  }
  write_text(file, R"json({"id": "x1", "upgrade": [{"op": "explode", "table": "t"}]})json");
  EXPECT_THROW(read_revision(file), CommandError);
  write_text(file, "{not json");
  EXPECT_THROW(read_revision(file), CommandError);
  write_text(file, R"json({"id": "x1", "upgrade": [{"op": "add_column", "table": "t",
                 "column": {"name": "c", "type": "String(fifty)"}}]})json");
  try {
    read_revision(file);
    FAIL() << "read a bad type";
  } catch (const CommandError& e) {
    EXPECT_NE(std::string(e.what()).find("upgrade[0].column.type"), std::string::npos) << e.what();
  }
}

TEST(MigrateUnitGraph, TwoHeads_HeadIsRefusedUntilMerged) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "versions");
  for (const Revision& r :
       {revision("aaa1", {}), revision("bbb1", {"aaa1"}), revision("bbb2", {"aaa1"})})
    write_revision(r, dir.path() / "versions");
  {
    const ScriptDirectory scripts(dir.path());
    EXPECT_EQ(scripts.heads(), (std::vector<std::string>{"bbb1", "bbb2"}));
    try {
      scripts.upgrade_plan({}, "head");
      FAIL() << "upgraded to one of two heads";
    } catch (const CommandError& e) {
      EXPECT_NE(std::string(e.what()).find("multiple heads"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("merge"), std::string::npos) << e.what();
    }
    EXPECT_EQ(ids(scripts.upgrade_plan({}, "heads")),
              (std::vector<std::string>{"aaa1", "bbb1", "bbb2"}));
    EXPECT_THROW(scripts.get("bbb"), CommandError);  // ambiguous prefix
    EXPECT_EQ(scripts.get("bbb2").id, "bbb2");
    EXPECT_EQ(scripts.get("aa").id, "aaa1");                           // unique prefix
    EXPECT_THROW(scripts.upgrade_plan({"aaa1"}, "+1"), CommandError);  // a branch point
  }
  write_revision(revision("ccc1", {"bbb1", "bbb2"}), dir.path() / "versions");
  const ScriptDirectory scripts(dir.path());
  EXPECT_EQ(scripts.single_head(), "ccc1");
  EXPECT_EQ(ids(scripts.upgrade_plan({"bbb1"}, "head")),
            (std::vector<std::string>{"bbb2", "ccc1"}));
  EXPECT_EQ(scripts.heads_of({"aaa1", "bbb1", "bbb2"}), (std::vector<std::string>{"bbb1", "bbb2"}));
  EXPECT_THROW(scripts.downgrade_plan({"ccc1"}, "-1"), CommandError);  // -1 from a merge
  EXPECT_EQ(ids(scripts.downgrade_plan({"ccc1"}, "aaa1")),
            (std::vector<std::string>{"ccc1", "bbb2", "bbb1"}));
  EXPECT_EQ(ids(scripts.downgrade_plan({"ccc1"}, "base")).back(), "aaa1");
}

TEST(MigrateUnitGraph, RelativeTargets_StepAlongALinearHistory) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "versions");
  for (const Revision& r : {revision("r1", {}), revision("r2", {"r1"}), revision("r3", {"r2"})})
    write_revision(r, dir.path() / "versions");
  const ScriptDirectory scripts(dir.path());
  EXPECT_EQ(ids(scripts.upgrade_plan({}, "+2")), (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ(ids(scripts.upgrade_plan({"r2"}, "+1")), std::vector<std::string>{"r3"});
  EXPECT_THROW(scripts.upgrade_plan({"r2"}, "+2"), CommandError);  // past the head
  EXPECT_EQ(ids(scripts.downgrade_plan({"r3"}, "-1")), std::vector<std::string>{"r3"});
  EXPECT_EQ(ids(scripts.downgrade_plan({"r3"}, "-3")),
            (std::vector<std::string>{"r3", "r2", "r1"}));
  EXPECT_THROW(scripts.downgrade_plan({"r3"}, "-4"), CommandError);
  EXPECT_TRUE(scripts.upgrade_plan({"r3"}, "head").empty());
  EXPECT_THROW(scripts.downgrade_plan({"r1"}, "r3"), CommandError);  // not below the current
}

TEST(MigrateUnitGraph, DownRevisionToAMissingFile_IsAnError) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "versions");
  write_revision(revision("r2", {"gone"}), dir.path() / "versions");
  try {
    ScriptDirectory scripts(dir.path());
    FAIL() << "accepted a dangling down_revision";
  } catch (const CommandError& e) {
    EXPECT_NE(std::string(e.what()).find("gone"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace crucible::testing
