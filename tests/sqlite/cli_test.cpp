// The `crucible` program's plugins and inspect commands, Chinook queries, exit statuses and
// password hygiene, run as a user runs it (the sql command's own tests are in cli_sql_test.cpp).
// Expected data comes from the raw sqlite3 C API, never from crucible itself.
#include <set>
#include <string>
#include <vector>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include "cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using namespace crucible::testing;
using Poco::JSON::Array;
using Poco::JSON::Object;

// ---- crucible plugins --------------------------------------------------------------------------

class CliPlugins : public CliFixture {};

TEST_F(CliPlugins, JsonListsSqlitePluginWithItsDialectDriverAndFile) {
  const ProcessResult r = cli({"plugins", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto plugins = parse_json(r.out).extract<Array::Ptr>();
  Object::Ptr sqlite;
  for (std::size_t i = 0; i < plugins->size(); ++i)
    if (plugins->getObject(i)->getValue<std::string>("name") == "sqlite")
      sqlite = plugins->getObject(i);
  ASSERT_FALSE(sqlite.isNull()) << r.out;
  EXPECT_EQ(fs::path(sqlite->getValue<std::string>("path")).filename(), "libcrucible-sqlite.so");
  EXPECT_TRUE(sqlite->isNull("error"));
  EXPECT_FALSE(sqlite->getValue<std::string>("version").empty());
  const auto dialects = sqlite->getArray("dialects");
  ASSERT_EQ(dialects->size(), 1u);
  EXPECT_EQ(dialects->getObject(0)->getValue<std::string>("name"), "sqlite");
  EXPECT_EQ(dialects->getObject(0)->getValue<std::string>("default_driver"), "sqlite3");
  const auto drivers = sqlite->getArray("drivers");
  ASSERT_EQ(drivers->size(), 1u);
  EXPECT_EQ(drivers->getElement<std::string>(0), "sqlite3");
}

TEST_F(CliPlugins, TableAndCsvNameTheSqlitePlugin) {
  const ProcessResult table = cli({"plugins"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("sqlite (default driver sqlite3)"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("libcrucible-sqlite.so"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("Search path"), std::string::npos) << table.out;

  const ProcessResult csv = cli({"plugins", "--format=csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("name,version,path,dialects,drivers,error\r\n", 0), 0u) << csv.out;
  EXPECT_NE(csv.out.find("\r\nsqlite,"), std::string::npos) << csv.out;
}

TEST_F(CliPlugins, FileThatIsNoPluginIsListedWithItsErrorAndExitIsZero) {
  const fs::path plugin_dir = dir_.path() / "plugins";
  fs::create_directories(plugin_dir);
  std::ofstream(plugin_dir / "libcrucible-broken.so") << "this is not a shared library\n";
  const ProcessResult r =
      cli({"plugins", "--format", "json"}, {}, {{"CRUCIBLE_PLUGIN_PATH", plugin_dir.string()}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto plugins = parse_json(r.out).extract<Array::Ptr>();
  bool found_broken = false, found_sqlite = false;
  for (std::size_t i = 0; i < plugins->size(); ++i) {
    const auto plugin = plugins->getObject(i);
    const std::string path = plugin->isNull("path") ? "" : plugin->getValue<std::string>("path");
    if (fs::path(path).filename() == "libcrucible-broken.so") {
      found_broken = true;
      ASSERT_FALSE(plugin->isNull("error"));
      EXPECT_FALSE(plugin->getValue<std::string>("error").empty());
    }
    if (plugin->getValue<std::string>("name") == "sqlite") found_sqlite = true;
  }
  EXPECT_TRUE(found_broken) << r.out;
  EXPECT_TRUE(found_sqlite) << r.out;  // the build tree is still searched
}

// ---- crucible inspect --------------------------------------------------------------------------

class CliInspect : public CliFixture {};

TEST_F(CliInspect, JsonListsChinooksElevenTablesWithColumnCounts) {
  const ProcessResult r = cli({"inspect", chinook_url(), "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto items = parse_json(r.out).extract<Array::Ptr>();
  std::set<std::string> names;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const auto item = items->getObject(i);
    names.insert(item->getValue<std::string>("name"));
    EXPECT_EQ(item->getValue<std::string>("kind"), "table");
    if (item->getValue<std::string>("name") == "Track") {
      EXPECT_EQ(item->getValue<Poco::Int64>("columns"), 9);
    }
    if (item->getValue<std::string>("name") == "Artist") {
      EXPECT_EQ(item->getValue<Poco::Int64>("columns"), 2);
    }
  }
  EXPECT_EQ(names, (std::set<std::string>{"Album", "Artist", "Customer", "Employee", "Genre",
                                          "Invoice", "InvoiceLine", "MediaType", "Playlist",
                                          "PlaylistTrack", "Track"}));
}

TEST_F(CliInspect, TableListsTablesAndCountsThem) {
  const ProcessResult r = cli({"inspect", chinook_url()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("PlaylistTrack"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(11 rows)"), std::string::npos) << r.out;
}

TEST_F(CliInspect, JsonDescribesTrackColumnsKeysAndIndexes) {
  const ProcessResult r = cli({"inspect", chinook_url(), "Track", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto table = parse_json(r.out).extract<Object::Ptr>();
  EXPECT_EQ(table->getValue<std::string>("name"), "Track");
  const auto columns = table->getArray("columns");
  std::vector<std::string> names;
  for (std::size_t i = 0; i < columns->size(); ++i)
    names.push_back(columns->getObject(i)->getValue<std::string>("name"));
  EXPECT_EQ(names, (std::vector<std::string>{"TrackId", "Name", "AlbumId", "MediaTypeId", "GenreId",
                                             "Composer", "Milliseconds", "Bytes", "UnitPrice"}));
  const auto track_id = columns->getObject(0);
  EXPECT_EQ(track_id->getValue<std::string>("type"), "INTEGER");
  EXPECT_EQ(track_id->getValue<Poco::Int64>("primary_key"), 1);
  const auto name = columns->getObject(1);
  EXPECT_EQ(name->getValue<std::string>("type"), "NVARCHAR(200)");
  EXPECT_FALSE(name->getValue<bool>("nullable"));
  EXPECT_TRUE(name->isNull("primary_key"));
  EXPECT_TRUE(columns->getObject(2)->getValue<bool>("nullable"));  // AlbumId
  EXPECT_EQ(columns->getObject(8)->getValue<std::string>("type"), "NUMERIC(10,2)");

  const auto pk = table->getObject("primary_key");
  ASSERT_EQ(pk->getArray("columns")->size(), 1u);
  EXPECT_EQ(pk->getArray("columns")->getElement<std::string>(0), "TrackId");

  std::set<std::string> referred;
  const auto fks = table->getArray("foreign_keys");
  for (std::size_t i = 0; i < fks->size(); ++i) {
    const auto fk = fks->getObject(i);
    referred.insert(fk->getArray("columns")->getElement<std::string>(0) + "->" +
                    fk->getValue<std::string>("referred_table") + "." +
                    fk->getArray("referred_columns")->getElement<std::string>(0));
  }
  EXPECT_EQ(referred, (std::set<std::string>{"AlbumId->Album.AlbumId", "GenreId->Genre.GenreId",
                                             "MediaTypeId->MediaType.MediaTypeId"}));
  std::set<std::string> indexes;
  const auto index_array = table->getArray("indexes");
  for (std::size_t i = 0; i < index_array->size(); ++i)
    indexes.insert(index_array->getObject(i)->getValue<std::string>("name"));
  EXPECT_EQ(indexes, (std::set<std::string>{"IFK_TrackAlbumId", "IFK_TrackGenreId",
                                            "IFK_TrackMediaTypeId"}));
  EXPECT_EQ(table->getArray("unique_constraints")->size(), 0u);
}

TEST_F(CliInspect, TableFormatPrintsSectionsAndCsvPrintsColumns) {
  const ProcessResult table = cli({"inspect", chinook_url(), "Track"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  for (const char* expected : {"Columns", "Foreign keys", "Indexes", "Unique constraints",
                               "NVARCHAR(200)", "MediaType (MediaTypeId)", "IFK_TrackGenreId"})
    EXPECT_NE(table.out.find(expected), std::string::npos) << expected << "\n" << table.out;

  const ProcessResult csv = cli({"inspect", chinook_url(), "Track", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("name,type,nullable,default,primary_key\r\nTrackId,INTEGER,false,,1\r\n"
                          "Name,NVARCHAR(200),false,,\r\n",
                          0),
            0u)
      << csv.out;
  EXPECT_EQ(count_lines(csv.out), 10u);
}

TEST_F(CliInspect, TableNameMatchesCaseInsensitively) {
  const ProcessResult r = cli({"inspect", chinook_url(), "artist", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(parse_json(r.out).extract<Object::Ptr>()->getValue<std::string>("name"), "Artist");
}

TEST_F(CliInspect, UnknownTableExitsOneNamingIt) {
  const ProcessResult r = cli({"inspect", chinook_url(), "NoSuchTable"});
  EXPECT_EQ(r.exit_code, 1);
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("NoSuchTable"), std::string::npos) << r.err;
}

TEST_F(CliInspect, SharedChinookFileIsNotModified) {
  const fs::path shared = fs::path(CRUCIBLE_CHINOOK_DIR) / "Chinook_Sqlite.sqlite";
  const auto before = fs::last_write_time(shared);
  const auto size_before = fs::file_size(shared);
  ASSERT_EQ(cli({"inspect", chinook_url(), "Track"}).exit_code, 0);
  EXPECT_EQ(fs::last_write_time(shared), before);
  EXPECT_EQ(fs::file_size(shared), size_before);
}

// ---- Chinook through `crucible sql`, checked against the raw C API -----------------------------

class CliChinook : public CliFixture {};

TEST_F(CliChinook, TopFiveArtistsByTracksCsvEqualsRawSqlite) {
  const std::string sql =
      "SELECT ar.Name AS artist, COUNT(*) AS tracks FROM Track t "
      "JOIN Album al ON al.AlbumId = t.AlbumId JOIN Artist ar ON ar.ArtistId = al.ArtistId "
      "GROUP BY ar.ArtistId ORDER BY tracks DESC, ar.Name LIMIT 5";
  const ProcessResult r = cli({"sql", chinook_url(), sql, "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  RawSqlite db(chinook());
  std::vector<std::string> columns;
  const Rows rows = db.query(sql, &columns);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(r.out, to_csv(columns, rows));
  EXPECT_EQ(r.out.substr(0, r.out.find("\r\n", 15)), "artist,tracks\r\nIron Maiden,213");
}

TEST_F(CliChinook, TracksWithCommasQuotesAndNullsCsvEqualsRawSqlite) {
  const std::string sql =
      "SELECT TrackId, Name, Composer, UnitPrice, Milliseconds / 1000.0 AS seconds FROM Track "
      "WHERE Composer LIKE '%,%' OR Composer IS NULL OR Name LIKE '%\"%' ORDER BY TrackId LIMIT "
      "200";
  const ProcessResult r = cli({"sql", chinook_url(), sql, "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  RawSqlite db(chinook());
  std::vector<std::string> columns;
  const Rows rows = db.query(sql, &columns);
  ASSERT_EQ(rows.size(), 200u);
  EXPECT_EQ(r.out, to_csv(columns, rows));
}

TEST_F(CliChinook, ParamQueryJsonMatchesRawSqlite) {
  const ProcessResult r =
      cli({"sql", chinook_url(), "SELECT Title FROM Album WHERE ArtistId = :artist ORDER BY Title",
           "--param", "artist:int=90", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  RawSqlite db(chinook());
  const Rows expected = db.query("SELECT Title FROM Album WHERE ArtistId = 90 ORDER BY Title");
  const auto rows = parse_json(r.out).extract<Array::Ptr>();
  ASSERT_EQ(rows->size(), expected.size());
  ASSERT_GT(rows->size(), 10u);  // Iron Maiden
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ(rows->getObject(i)->getValue<std::string>("Title"), *expected[i][0]);
}

// ---- exit statuses and messages ----------------------------------------------------------------

class CliExitStatus : public CliFixture {};

TEST_F(CliExitStatus, BadSqlIsDatabaseErrorOne) {
  const ProcessResult r = cli({"sql", url(), "SELEC 1"});
  EXPECT_EQ(r.exit_code, 1);
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("SELEC"), std::string::npos) << r.err;
}

TEST_F(CliExitStatus, UnknownDialectIsTwoAndNamesIt) {
  const ProcessResult r = cli({"sql", "nosuchdialect:///x.db", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("nosuchdialect"), std::string::npos) << r.err;
}

TEST_F(CliExitStatus, BadUrlIsTwo) {
  for (const char* bad : {"not a url", "sqlite:/missing-slashes.db", "sqlite+a+b:///x.db",
                          "postgresql://host:99999/db"}) {
    const ProcessResult r = cli({"sql", bad, "SELECT 1"});
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
    expect_one_error_line(r);
  }
}

TEST_F(CliExitStatus, MissingOrWrongArgumentsAreTwo) {
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"sql"},
      {"sql", url()},
      {"inspect"},
      {"frobnicate"},
      {"plugins", "extra"},
      {"sql", url(), "SELECT 1", "--format", "xml"},
      {"sql", url(), "SELECT 1", "--format"},
      {"sql", url(), "SELECT 1", "--bogus"},
      {"sql", url(), "SELECT 1", "--file", "x.sql"},
      {"inspect", url(), "t", "extra"},
      {"inspect", url(), "--param", "a=1"},
  };
  for (const auto& args : cases) {
    const ProcessResult r = cli(args);
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_EQ(r.exit_code, 2) << joined << "-> " << r.err;
    expect_one_error_line(r);
  }
}

TEST_F(CliExitStatus, HelpAndVersionExitZero) {
  const ProcessResult help = cli({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("crucible sql URL STATEMENT"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("crucible inspect URL"), std::string::npos) << help.out;
  const ProcessResult sql_help = cli({"sql", "-h"});
  EXPECT_EQ(sql_help.exit_code, 0);
  EXPECT_NE(sql_help.out.find("--param"), std::string::npos) << sql_help.out;
  const ProcessResult version = cli({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("crucible ", 0), 0u) << version.out;
}

// ---- passwords ---------------------------------------------------------------------------------

class CliSecrets : public CliFixture {
 protected:
  static void expect_no_secret(const ProcessResult& r, const std::string& secret) {
    EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
  }
};

TEST_F(CliSecrets, PasswordOfUnknownDialectUrlIsNeverPrinted) {
  const ProcessResult r =
      cli({"sql", "nosuchdialect://scott:Tr0ub4dorXYZ@db.example.com/app", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r);
  expect_no_secret(r, "Tr0ub4dorXYZ");
}

TEST_F(CliSecrets, PasswordOfUnparsableUrlIsNeverPrinted) {
  const ProcessResult r =
      cli({"inspect", "nosuchdialect://scott:Tr0ub4dorXYZ@db.example.com:notaport/app"});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r);
  expect_no_secret(r, "Tr0ub4dorXYZ");
}

TEST_F(CliSecrets, PercentEncodedPasswordIsNeverPrintedEncodedOrDecoded) {
  const ProcessResult r =
      cli({"sql", "nosuchdialect://scott:p%40ss%3AXYZword@host/app", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 2);
  expect_no_secret(r, "p%40ss%3AXYZword");
  expect_no_secret(r, "p@ss:XYZword");
  expect_no_secret(r, "XYZword");
}

TEST_F(CliSecrets, PasswordInSqliteUrlIsNeverPrintedByInspectOrErrors) {
  const std::string secret_url = "sqlite://scott:Tr0ub4dorXYZ@/" + chinook().string();
  for (const std::vector<std::string>& args : {std::vector<std::string>{"inspect", secret_url},
                                               {"inspect", secret_url, "Track"},
                                               {"inspect", secret_url, "NoSuchTable"},
                                               {"sql", secret_url, "SELEC 1"},
                                               {"sql", secret_url, "SELECT :x"}}) {
    const ProcessResult r = cli(args);
    expect_no_secret(r, "Tr0ub4dorXYZ");
  }
}

}  // namespace
