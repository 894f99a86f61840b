// The "sqlite" dialect's reflection hooks on real SQLite: a schema made here (composite keys,
// foreign keys with actions, unique constraints, indexes, a view) and a copy of Chinook.
#include <sqlite3.h>

#include <algorithm>
#include <set>

#include "sqlite_fixture.hpp"

using namespace crucible;
using crucible::testing::Rows;
using crucible::testing::TempDir;

// ReflectedColumn{name, type, nullable, default_, autoincrement, comment}

namespace {

class SqliteReflectionTest : public crucible::testing::SqliteFixture {
 protected:
  void SetUp() override {
    SqliteFixture::SetUp();
    for (const char* sql :
         {"CREATE TABLE author (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, "
          "email TEXT UNIQUE, born DATE DEFAULT '1900-01-01')",
          "CREATE TABLE book (author_id INTEGER NOT NULL, seq INTEGER NOT NULL, "
          "title TEXT NOT NULL DEFAULT 'untitled', isbn CHAR(13), "
          "CONSTRAINT pk_book PRIMARY KEY (seq, author_id), "
          "CONSTRAINT fk_book_author FOREIGN KEY (author_id) REFERENCES author (id) "
          "ON DELETE CASCADE, "
          "CONSTRAINT uq_book_isbn UNIQUE (isbn))",
          "CREATE TABLE review (id INTEGER PRIMARY KEY AUTOINCREMENT, book_author INTEGER, "
          "book_seq INTEGER, stars INTEGER, "
          "FOREIGN KEY (book_seq, book_author) REFERENCES book (seq, author_id) "
          "ON UPDATE CASCADE ON DELETE SET NULL)",
          "CREATE TABLE \"odd \"\"name\"\" \" (\"weird col\" TEXT PRIMARY KEY)",
          "CREATE INDEX ix_book_title ON book (title)",
          "CREATE UNIQUE INDEX ux_review_stars ON review (stars, id)",
          "CREATE INDEX ix_review_expr ON review (stars * 2)",
          "CREATE VIEW author_names AS SELECT name FROM author"}) {
      exec(sql);
    }
    conn_->commit();
  }
};

TEST_F(SqliteReflectionTest, TableNamesAreSortedWithoutInternalTables) {
  // AUTOINCREMENT made sqlite_sequence, which is SQLite's own.
  EXPECT_EQ(scalar("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'"), Value(1));
  EXPECT_EQ(dialect_->get_table_names(*conn_, std::nullopt),
            (std::vector<std::string>{"author", "book", "odd \"name\" ", "review"}));
  EXPECT_EQ(dialect_->get_table_names(*conn_, "main"),
            dialect_->get_table_names(*conn_, std::nullopt));
  EXPECT_EQ(dialect_->get_view_names(*conn_, std::nullopt),
            (std::vector<std::string>{"author_names"}));
}

TEST_F(SqliteReflectionTest, SchemaNamesAreMainAndTheAttachedDatabases) {
  exec("ATTACH DATABASE ':memory:' AS aux");
  exec("CREATE TABLE aux.extra (id INTEGER PRIMARY KEY)");
  const std::vector<std::string> names = dialect_->get_schema_names(*conn_);
  EXPECT_NE(std::find(names.begin(), names.end(), "main"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "aux"), names.end());
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(dialect_->get_table_names(*conn_, "aux"), (std::vector<std::string>{"extra"}));
}

TEST_F(SqliteReflectionTest, HasTableFindsTablesAndViewsCaseInsensitively) {
  EXPECT_TRUE(dialect_->has_table(*conn_, "book", std::nullopt));
  EXPECT_TRUE(dialect_->has_table(*conn_, "BOOK", std::nullopt));
  EXPECT_TRUE(dialect_->has_table(*conn_, "author_names", std::nullopt));
  EXPECT_TRUE(dialect_->has_table(*conn_, "odd \"name\" ", std::nullopt));
  EXPECT_FALSE(dialect_->has_table(*conn_, "nobody", std::nullopt));
  EXPECT_FALSE(dialect_->has_table(*conn_, "book", std::string("temp")));
}

TEST_F(SqliteReflectionTest, ColumnsCarryTypeNullabilityDefaultAndAutoincrement) {
  const auto columns = dialect_->get_columns(*conn_, "author", std::nullopt);
  ASSERT_EQ(columns.size(), 4u);
  EXPECT_EQ(columns[0], (ReflectedColumn{"id", "INTEGER", false, std::nullopt, true, {}}));
  EXPECT_EQ(columns[1], (ReflectedColumn{"name", "VARCHAR(50)", false, std::nullopt, false, {}}));
  EXPECT_EQ(columns[2], (ReflectedColumn{"email", "TEXT", true, std::nullopt, false, {}}));
  EXPECT_EQ(columns[3], (ReflectedColumn{"born", "DATE", true, "'1900-01-01'", false, {}}));
  const auto book = dialect_->get_columns(*conn_, "book", std::nullopt);
  ASSERT_EQ(book.size(), 4u);
  EXPECT_FALSE(book[0].autoincrement);  // part of a composite key: no rowid alias
  EXPECT_EQ(book[2].default_, "'untitled'");
  EXPECT_TRUE(dialect_->get_columns(*conn_, "review", std::nullopt)[0].autoincrement);
  EXPECT_FALSE(dialect_->get_columns(*conn_, "odd \"name\" ", std::nullopt)[0].autoincrement);
  EXPECT_EQ(dialect_->get_columns(*conn_, "author_names", std::nullopt).size(), 1u);
}

TEST_F(SqliteReflectionTest, MissingTableIsNoSuchTableError) {
  EXPECT_THROW(dialect_->get_columns(*conn_, "nobody", std::nullopt), NoSuchTableError);
  EXPECT_THROW(dialect_->get_pk_constraint(*conn_, "nobody", std::nullopt), NoSuchTableError);
  EXPECT_TRUE(dialect_->get_foreign_keys(*conn_, "nobody", std::nullopt).empty());
  EXPECT_TRUE(dialect_->get_indexes(*conn_, "nobody", std::nullopt).empty());
  EXPECT_TRUE(dialect_->get_unique_constraints(*conn_, "nobody", std::nullopt).empty());
}

TEST_F(SqliteReflectionTest, PrimaryKeyColumnsComeInKeyOrderWithTheirName) {
  EXPECT_EQ(dialect_->get_pk_constraint(*conn_, "book", std::nullopt),
            (ReflectedPrimaryKey{"pk_book", {"seq", "author_id"}}));
  EXPECT_EQ(dialect_->get_pk_constraint(*conn_, "author", std::nullopt),
            (ReflectedPrimaryKey{std::nullopt, {"id"}}));
  EXPECT_EQ(dialect_->get_pk_constraint(*conn_, "odd \"name\" ", std::nullopt),
            (ReflectedPrimaryKey{std::nullopt, {"weird col"}}));
  EXPECT_TRUE(dialect_->get_pk_constraint(*conn_, "author_names", std::nullopt)
                  .constrained_columns.empty());
}

TEST_F(SqliteReflectionTest, ForeignKeysAreGroupedWithTheirActions) {
  EXPECT_EQ(dialect_->get_foreign_keys(*conn_, "book", std::nullopt),
            (std::vector<ReflectedForeignKey>{{"fk_book_author",
                                               {"author_id"},
                                               std::nullopt,
                                               "author",
                                               {"id"},
                                               std::nullopt,
                                               "CASCADE"}}));
  EXPECT_EQ(dialect_->get_foreign_keys(*conn_, "review", std::nullopt),
            (std::vector<ReflectedForeignKey>{{std::nullopt,
                                               {"book_seq", "book_author"},
                                               std::nullopt,
                                               "book",
                                               {"seq", "author_id"},
                                               "CASCADE",
                                               "SET NULL"}}));
  EXPECT_TRUE(dialect_->get_foreign_keys(*conn_, "author", std::nullopt).empty());
}

TEST_F(SqliteReflectionTest, ForeignKeyWithoutColumnsRefersToTheParentsPrimaryKey) {
  exec("CREATE TABLE note (book_seq INTEGER, book_author INTEGER, "
       "FOREIGN KEY (book_seq, book_author) REFERENCES book)");
  const auto keys = dialect_->get_foreign_keys(*conn_, "note", std::nullopt);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].referred_columns, (std::vector<std::string>{"seq", "author_id"}));
}

TEST_F(SqliteReflectionTest, IndexesLeaveOutSqlitesAutoindexes) {
  EXPECT_EQ(dialect_->get_indexes(*conn_, "book", std::nullopt),
            (std::vector<ReflectedIndex>{{"ix_book_title", {"title"}, false}}));
  EXPECT_EQ(dialect_->get_indexes(*conn_, "review", std::nullopt),
            (std::vector<ReflectedIndex>{{"ix_review_expr", {""}, false},
                                         {"ux_review_stars", {"stars", "id"}, true}}));
  EXPECT_TRUE(dialect_->get_indexes(*conn_, "author", std::nullopt).empty());
}

TEST_F(SqliteReflectionTest, UniqueConstraintsComeFromTheAutoindexes) {
  EXPECT_EQ(dialect_->get_unique_constraints(*conn_, "book", std::nullopt),
            (std::vector<ReflectedUniqueConstraint>{{"uq_book_isbn", {"isbn"}}}));
  EXPECT_EQ(dialect_->get_unique_constraints(*conn_, "author", std::nullopt),
            (std::vector<ReflectedUniqueConstraint>{{std::nullopt, {"email"}}}));
  // A UNIQUE index is an index, not a constraint.
  EXPECT_TRUE(dialect_->get_unique_constraints(*conn_, "review", std::nullopt).empty());
}

TEST_F(SqliteReflectionTest, WorksInsideATransactionAndKeepsIt) {
  exec("INSERT INTO author (name) VALUES ('Ann')");
  ASSERT_TRUE(conn_->in_transaction());
  exec("CREATE TABLE fresh (n INTEGER)");  // transactional DDL, not yet committed
  EXPECT_TRUE(dialect_->has_table(*conn_, "fresh", std::nullopt));
  EXPECT_EQ(dialect_->get_columns(*conn_, "fresh", std::nullopt).size(), 1u);
  EXPECT_TRUE(conn_->in_transaction());
  conn_->rollback();
  EXPECT_FALSE(dialect_->has_table(*conn_, "fresh", std::nullopt));
  EXPECT_EQ(scalar("SELECT count(*) FROM author"), Value(0));
}

TEST_F(SqliteReflectionTest, WorksInAutocommitMode) {
  conn_->set_autocommit(true);
  EXPECT_EQ(dialect_->get_table_names(*conn_, std::nullopt).size(), 4u);
  EXPECT_FALSE(conn_->in_transaction());
}

TEST_F(SqliteReflectionTest, TempAndAttachedSchemasAreSeparate) {
  conn_->set_autocommit(true);  // ATTACH cannot run inside a transaction
  exec("CREATE TEMP TABLE scratch (n INTEGER PRIMARY KEY)");
  TempDir dir;
  exec("ATTACH DATABASE ? AS other", {(dir.path() / "other.db").string()});
  exec("CREATE TABLE other.elsewhere (k TEXT, CONSTRAINT uq_k UNIQUE (k))");
  EXPECT_EQ(dialect_->get_table_names(*conn_, std::string("temp")),
            (std::vector<std::string>{"scratch"}));
  EXPECT_EQ(dialect_->get_table_names(*conn_, std::string("other")),
            (std::vector<std::string>{"elsewhere"}));
  EXPECT_TRUE(dialect_->has_table(*conn_, "scratch", std::nullopt));
  EXPECT_FALSE(dialect_->has_table(*conn_, "scratch", std::string("main")));
  EXPECT_EQ(dialect_->get_unique_constraints(*conn_, "elsewhere", std::string("other")),
            (std::vector<ReflectedUniqueConstraint>{{"uq_k", {"k"}}}));
  exec("DETACH DATABASE other");
}

class SqliteReflectionChinookTest : public crucible::testing::SqliteFixture {
 protected:
  void SetUp() override {
    SqliteFixture::SetUp();
    path_ = crucible::testing::copy_chinook(dir_);
    chinook_ = connect("sqlite:///" + path_.string());
  }
  TempDir dir_;
  std::filesystem::path path_;
  std::unique_ptr<DbapiConnection> chinook_;
};

TEST_F(SqliteReflectionChinookTest, HasElevenTables) {
  EXPECT_EQ(
      dialect_->get_table_names(*chinook_, std::nullopt),
      (std::vector<std::string>{"Album", "Artist", "Customer", "Employee", "Genre", "Invoice",
                                "InvoiceLine", "MediaType", "Playlist", "PlaylistTrack", "Track"}));
  EXPECT_TRUE(dialect_->get_view_names(*chinook_, std::nullopt).empty());
}

TEST_F(SqliteReflectionChinookTest, TrackColumnsKeysAndIndexes) {
  const auto columns = dialect_->get_columns(*chinook_, "Track", std::nullopt);
  ASSERT_EQ(columns.size(), 9u);
  EXPECT_EQ(columns[0].name, "TrackId");
  EXPECT_TRUE(columns[0].autoincrement);
  EXPECT_EQ(columns[1], (ReflectedColumn{"Name", "NVARCHAR(200)", false, std::nullopt, false, {}}));
  EXPECT_EQ(columns[8].type, "NUMERIC(10,2)");
  EXPECT_EQ(dialect_->get_pk_constraint(*chinook_, "Track", std::nullopt),
            (ReflectedPrimaryKey{"PK_Track", {"TrackId"}}));

  const auto keys = dialect_->get_foreign_keys(*chinook_, "Track", std::nullopt);
  std::set<std::string> referred;
  for (const auto& key : keys) {
    EXPECT_EQ(key.constrained_columns, key.referred_columns);
    EXPECT_FALSE(key.on_delete.has_value());
    referred.insert(key.referred_table);
  }
  EXPECT_EQ(referred, (std::set<std::string>{"Album", "Genre", "MediaType"}));
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0].constrained_columns, std::vector<std::string>{"AlbumId"});  // as declared

  EXPECT_EQ(dialect_->get_indexes(*chinook_, "Track", std::nullopt),
            (std::vector<ReflectedIndex>{{"IFK_TrackAlbumId", {"AlbumId"}, false},
                                         {"IFK_TrackGenreId", {"GenreId"}, false},
                                         {"IFK_TrackMediaTypeId", {"MediaTypeId"}, false}}));
}

TEST_F(SqliteReflectionChinookTest, PlaylistTrackHasACompositeKeyAndNoAutoindexInItsIndexes) {
  EXPECT_EQ(dialect_->get_pk_constraint(*chinook_, "PlaylistTrack", std::nullopt),
            (ReflectedPrimaryKey{"PK_PlaylistTrack", {"PlaylistId", "TrackId"}}));
  const auto indexes = dialect_->get_indexes(*chinook_, "PlaylistTrack", std::nullopt);
  ASSERT_EQ(indexes.size(), 2u);
  for (const auto& index : indexes) EXPECT_EQ(index.name.rfind("IFK_", 0), 0u) << index.name;
  EXPECT_FALSE(dialect_->get_columns(*chinook_, "PlaylistTrack", std::nullopt)[0].autoincrement);
  EXPECT_EQ(dialect_->get_foreign_keys(*chinook_, "Employee", std::nullopt).at(0).referred_table,
            "Employee");  // ReportsTo refers to its own table
}

TEST_F(SqliteReflectionChinookTest, ValuesMatchTheRawCApi) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "SELECT count(*), sum(UnitPrice * 100) FROM Track", -1, &stmt,
                               nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  const std::int64_t count = sqlite3_column_int64(stmt, 0);
  const double cents = sqlite3_column_double(stmt, 1);
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
  EXPECT_EQ(scalar(*chinook_, "SELECT count(*) FROM Track"), Value(count));
  EXPECT_EQ(scalar(*chinook_, "SELECT sum(UnitPrice * 100) FROM Track"), Value(cents));
  EXPECT_EQ(scalar(*chinook_, "SELECT UnitPrice FROM Track WHERE TrackId = 1"),
            Value(Decimal{"0.99"}));
  EXPECT_EQ(scalar(*chinook_, "SELECT InvoiceDate FROM Invoice WHERE InvoiceId = 1"),
            Value(DateTime{{2021, 1, 1}, {0, 0, 0, 0}, std::nullopt}));
}

}  // namespace
