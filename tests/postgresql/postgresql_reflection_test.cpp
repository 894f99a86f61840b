// Reflection of the "postgresql" dialect on a schema the test creates: tables, views, columns
// with their declared types, defaults, nullability and autoincrement, primary keys in key
// order, foreign keys with their actions, indexes, unique constraints, and missing tables.
#include <algorithm>
#include <string>

#include "crucible/crucible.hpp"
#include "pg_fixture.hpp"

using namespace crucible;

namespace {

class PostgresqlReflectionTest : public crucible::testing::PgFixture {
 protected:
  void SetUp() override {
    PgFixture::SetUp();
    if (HasFatalFailure()) return;
    exec("CREATE TABLE parent (a integer, b varchar(10), label text DEFAULT 'none' NOT NULL, "
         "CONSTRAINT parent_pk PRIMARY KEY (b, a))");
    exec("CREATE TABLE artist (id serial PRIMARY KEY, name varchar(120) NOT NULL, "
         "born date, rating numeric(4,1) DEFAULT 0.0, "
         "CONSTRAINT artist_name_uq UNIQUE (name))");
    exec("COMMENT ON COLUMN artist.born IS 'day of birth'");
    exec("CREATE TABLE album (album_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
         "artist_id integer NOT NULL REFERENCES artist (id) ON DELETE CASCADE, "
         "title text, released timestamptz DEFAULT now(), "
         "pa integer, pb varchar(10), "
         "title_len integer GENERATED ALWAYS AS (length(title)) STORED, "
         "CONSTRAINT album_parent_fk FOREIGN KEY (pb, pa) REFERENCES parent (b, a) "
         "ON UPDATE SET NULL, "
         "CONSTRAINT album_title_artist_uq UNIQUE (title, artist_id))");
    exec("CREATE INDEX album_title_idx ON album (title)");
    exec("CREATE UNIQUE INDEX album_lower_title_idx ON album (lower(title), artist_id)");
    exec("CREATE VIEW album_titles AS SELECT title FROM album");
    conn_->commit();
  }
};

const ReflectedColumn& column(const std::vector<ReflectedColumn>& columns,
                              const std::string& name) {
  const auto it = std::find_if(columns.begin(), columns.end(),
                               [&](const ReflectedColumn& c) { return c.name == name; });
  if (it == columns.end()) throw std::runtime_error("no column " + name);
  return *it;
}

}  // namespace

TEST_F(PostgresqlReflectionTest, TableAndViewNamesOfTheCurrentSchema) {
  EXPECT_EQ(dialect_->get_table_names(*conn_, std::nullopt),
            (std::vector<std::string>{"album", "artist", "parent"}));
  EXPECT_EQ(dialect_->get_view_names(*conn_, std::nullopt),
            (std::vector<std::string>{"album_titles"}));
  EXPECT_EQ(dialect_->get_table_names(*conn_, schema_),
            dialect_->get_table_names(*conn_, std::nullopt));
  EXPECT_TRUE(dialect_->get_table_names(*conn_, std::string("crucible_no_such_schema")).empty());
}

TEST_F(PostgresqlReflectionTest, SchemaNamesListTheUsersSchemasSortedWithoutTheSystems) {
  const std::string other = "crucible_schema_names_other";  // under the 63-byte name limit
  exec("CREATE SCHEMA IF NOT EXISTS " + other);
  const std::vector<std::string> names = dialect_->get_schema_names(*conn_);
  const auto has = [&](const std::string& n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  EXPECT_TRUE(has("public"));
  EXPECT_TRUE(has(schema_));
  EXPECT_TRUE(has(other));
  EXPECT_FALSE(has("pg_catalog"));
  EXPECT_FALSE(has("pg_toast"));
  EXPECT_FALSE(has("information_schema"));
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  exec("DROP SCHEMA " + other);
}

TEST_F(PostgresqlReflectionTest, HasTableSeesTablesAndViewsOnly) {
  EXPECT_TRUE(dialect_->has_table(*conn_, "album", std::nullopt));
  EXPECT_TRUE(dialect_->has_table(*conn_, "album_titles", std::nullopt));
  EXPECT_TRUE(dialect_->has_table(*conn_, "album", schema_));
  EXPECT_FALSE(dialect_->has_table(*conn_, "ALBUM", std::nullopt)) << "names are exact";
  EXPECT_FALSE(dialect_->has_table(*conn_, "album_title_idx", std::nullopt)) << "an index";
  EXPECT_FALSE(dialect_->has_table(*conn_, "album", std::string("public")));
}

TEST_F(PostgresqlReflectionTest, ColumnsHaveDeclaredTypesDefaultsAndNullability) {
  const auto columns = dialect_->get_columns(*conn_, "artist", std::nullopt);
  ASSERT_EQ(columns.size(), 4u);
  EXPECT_EQ(columns[0].name, "id");
  EXPECT_EQ(columns[0].type, "integer");
  EXPECT_FALSE(columns[0].nullable);
  EXPECT_TRUE(columns[0].autoincrement) << "serial";
  ASSERT_TRUE(columns[0].default_.has_value());
  EXPECT_EQ(*columns[0].default_, "nextval('artist_id_seq'::regclass)");
  EXPECT_EQ(columns[1].type, "character varying(120)");
  EXPECT_FALSE(columns[1].nullable);
  EXPECT_FALSE(columns[1].default_.has_value());
  EXPECT_EQ(columns[2].type, "date");
  EXPECT_TRUE(columns[2].nullable);
  EXPECT_EQ(columns[2].comment, std::optional<std::string>("day of birth"));
  EXPECT_EQ(columns[3].type, "numeric(4,1)");
  EXPECT_EQ(columns[3].default_, std::optional<std::string>("0.0"));
  EXPECT_FALSE(columns[3].autoincrement);
}

TEST_F(PostgresqlReflectionTest, IdentityIsAutoincrementAndGeneratedColumnHasNoDefault) {
  const auto columns = dialect_->get_columns(*conn_, "album", std::nullopt);
  const auto& id = column(columns, "album_id");
  EXPECT_EQ(id.type, "bigint");
  EXPECT_TRUE(id.autoincrement);
  EXPECT_FALSE(id.default_.has_value());
  EXPECT_FALSE(column(columns, "artist_id").autoincrement);
  EXPECT_EQ(column(columns, "released").type, "timestamp with time zone");
  EXPECT_EQ(column(columns, "released").default_, std::optional<std::string>("now()"));
  EXPECT_FALSE(column(columns, "title_len").default_.has_value());
  EXPECT_EQ(column(dialect_->get_columns(*conn_, "parent", std::nullopt), "label").default_,
            std::optional<std::string>("'none'::text"));
}

TEST_F(PostgresqlReflectionTest, ViewColumnsAreReflected) {
  const auto columns = dialect_->get_columns(*conn_, "album_titles", std::nullopt);
  ASSERT_EQ(columns.size(), 1u);
  EXPECT_EQ(columns[0].name, "title");
  EXPECT_EQ(columns[0].type, "text");
}

TEST_F(PostgresqlReflectionTest, PrimaryKeyIsInKeyOrderWithItsName) {
  const auto pk = dialect_->get_pk_constraint(*conn_, "parent", std::nullopt);
  EXPECT_EQ(pk.name, std::optional<std::string>("parent_pk"));
  EXPECT_EQ(pk.constrained_columns, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(dialect_->get_pk_constraint(*conn_, "album", std::nullopt).constrained_columns,
            (std::vector<std::string>{"album_id"}));
  EXPECT_TRUE(dialect_->get_pk_constraint(*conn_, "album_titles", std::nullopt)
                  .constrained_columns.empty());
}

TEST_F(PostgresqlReflectionTest, ForeignKeysWithColumnsInOrderAndTheirActions) {
  const auto keys = dialect_->get_foreign_keys(*conn_, "album", std::nullopt);
  ASSERT_EQ(keys.size(), 2u);
  const ReflectedForeignKey composite{"album_parent_fk", {"pb", "pa"}, std::nullopt, "parent",
                                      {"b", "a"},        "SET NULL",   std::nullopt};
  const ReflectedForeignKey simple{
      "album_artist_id_fkey", {"artist_id"}, std::nullopt, "artist", {"id"},
      std::nullopt,           "CASCADE"};
  EXPECT_EQ(keys[0], simple);
  EXPECT_EQ(keys[1], composite);
  const auto qualified = dialect_->get_foreign_keys(*conn_, "album", schema_);
  ASSERT_EQ(qualified.size(), 2u);
  EXPECT_EQ(qualified[0].referred_schema, std::optional<std::string>(schema_))
      << "asked with a schema, the referred schema is named";
}

TEST_F(PostgresqlReflectionTest, ForeignKeyToAnotherSchemaNamesIt) {
  const std::string other = schema_.substr(0, 50) + "_other";
  exec(*admin_, "DROP SCHEMA IF EXISTS " + other + " CASCADE");
  exec(*admin_, "CREATE SCHEMA " + other);
  exec(*admin_, "CREATE TABLE " + other + ".genre (id integer PRIMARY KEY)");
  exec("CREATE TABLE track (genre_id integer REFERENCES " + other + ".genre (id))");
  const auto keys = dialect_->get_foreign_keys(*conn_, "track", std::nullopt);
  conn_->commit();  // releases the lock the foreign key holds on genre
  exec(*admin_, "DROP SCHEMA " + other + " CASCADE");
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].referred_schema, std::optional<std::string>(other));
  EXPECT_EQ(keys[0].referred_table, "genre");
}

TEST_F(PostgresqlReflectionTest, IndexesLeaveOutThoseOfConstraints) {
  const auto indexes = dialect_->get_indexes(*conn_, "album", std::nullopt);
  ASSERT_EQ(indexes.size(), 2u);
  EXPECT_EQ(indexes[0], (ReflectedIndex{"album_lower_title_idx", {"", "artist_id"}, true}))
      << "an expression part is reported as \"\"";
  EXPECT_EQ(indexes[1], (ReflectedIndex{"album_title_idx", {"title"}, false}));
  EXPECT_TRUE(dialect_->get_indexes(*conn_, "artist", std::nullopt).empty())
      << "the primary key's and the unique constraint's indexes are not listed";
}

TEST_F(PostgresqlReflectionTest, UniqueConstraintsWithColumnsInOrder) {
  EXPECT_EQ(
      dialect_->get_unique_constraints(*conn_, "album", std::nullopt),
      (std::vector<ReflectedUniqueConstraint>{{"album_title_artist_uq", {"title", "artist_id"}}}));
  EXPECT_EQ(dialect_->get_unique_constraints(*conn_, "artist", std::nullopt),
            (std::vector<ReflectedUniqueConstraint>{{"artist_name_uq", {"name"}}}));
}

TEST_F(PostgresqlReflectionTest, MissingTableRaisesNoSuchTableError) {
  EXPECT_THROW(dialect_->get_columns(*conn_, "nothing_here", std::nullopt), NoSuchTableError);
  EXPECT_THROW(dialect_->get_pk_constraint(*conn_, "nothing_here", std::nullopt), NoSuchTableError);
  EXPECT_TRUE(dialect_->get_foreign_keys(*conn_, "nothing_here", std::nullopt).empty());
  EXPECT_TRUE(dialect_->get_indexes(*conn_, "nothing_here", std::nullopt).empty());
  EXPECT_TRUE(dialect_->get_unique_constraints(*conn_, "nothing_here", std::nullopt).empty());
}

TEST_F(PostgresqlReflectionTest, InspectorReadsThroughTheEngine) {
  auto engine = create_engine(url());
  const Inspector inspector(engine);
  EXPECT_EQ(inspector.get_table_names(), (std::vector<std::string>{"album", "artist", "parent"}));
  EXPECT_EQ(inspector.get_pk_constraint("parent").constrained_columns,
            (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(inspector.get_columns("album").size(), 7u);
  EXPECT_THROW(inspector.get_columns("nothing_here"), NoSuchTableError);
}

TEST_F(PostgresqlReflectionTest, ReflectionSeesTheConnectionsOwnOpenTransaction) {
  // Reflection runs on the connection it is given, inside its transaction.
  exec("CREATE TABLE temp_in_tx (x integer)");
  EXPECT_TRUE(dialect_->has_table(*conn_, "temp_in_tx", std::nullopt))
      << "a table created in the open transaction is visible to it";
  conn_->rollback();
  EXPECT_FALSE(dialect_->has_table(*conn_, "temp_in_tx", std::nullopt));
}
