// The sqlcipher driver as a user meets it: files encrypted on disk, unreadable without the key
// and refused with a clear error under a wrong one, the key never printed (errors, URL::render,
// the `crucible` program), and SQLCipher living in one process with crucible's own sqlite plugin
// (libsqlite3) and with a program that links libsqlite3 itself (this one does).
#include <gtest/gtest.h>
#include <sqlite3.h>  // libsqlite3's, linked by this program: sqlite3_libversion() below
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "crucible/crucible.hpp"

namespace {

namespace fs = std::filesystem;
using crucible::Connection;
using crucible::create_engine;
using crucible::text;

constexpr const char* kKey = "Tr0ub4dor&3-correct-horse";  // '&' percent-encoded in URLs
constexpr const char* kKeyInUrl = "Tr0ub4dor%263-correct-horse";
constexpr const char* kRowText = "launch codes 0000";

class SqlcipherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::path(SQLCIPHER_TEST_DIR) /
            (std::string(info->name()) + "-" + std::to_string(getpid()) + ".db");
    fs::remove(path_);
  }
  void TearDown() override { fs::remove(path_); }

  std::string url(const std::string& key_in_url = kKeyInUrl) const {
    return "sqlite+sqlcipher:///" + path_.string() + "?key=" + key_in_url;
  }
  /// Creates the encrypted file holding one row with kRowText.
  void create_encrypted() const {
    auto engine = create_engine(url());
    engine.begin([](Connection& conn) {
      conn.execute(text("CREATE TABLE secrets (id INTEGER PRIMARY KEY, body TEXT)"));
      conn.execute(text("INSERT INTO secrets (body) VALUES (:body)"), {{"body", kRowText}});
    });
  }
  std::string file_bytes() const {
    std::ifstream in(path_, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  fs::path path_;
};

/// The message of what f throws as E; fails the test when it throws nothing or something else.
template <class E, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wanted " << typeid(E).name() << ", got " << typeid(e).name() << ": "
                  << e.what();
    return e.what();
  }
  ADD_FAILURE() << "nothing was thrown";
  return {};
}

/// Runs the installed `crucible` program with args (shell words), stdout and stderr together.
std::string run_cli(const std::string& args, int* status) {
  const std::string command = std::string(CRUCIBLE_CLI) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer{};
  for (std::size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) {
    out.append(buffer.data(), n);
  }
  *status = pclose(pipe);
  return out;
}

TEST_F(SqlcipherTest, RoundTrip_WithTheKeyReadsWhatWasWritten) {
  create_encrypted();
  auto engine = create_engine(url());
  auto conn = engine.connect();
  EXPECT_EQ(conn.execute(text("SELECT body FROM secrets")).scalar().as<std::string>(), kRowText);
}

TEST_F(SqlcipherTest, EncryptedFile_IsUnreadableWithoutTheKey) {
  create_encrypted();
  // On disk: no SQLite header and no plaintext of the row.
  const std::string bytes = file_bytes();
  ASSERT_FALSE(bytes.empty());
  EXPECT_NE(bytes.rfind("SQLite format 3", 0), 0U) << "the file has a plaintext SQLite header";
  EXPECT_EQ(bytes.find(kRowText), std::string::npos) << "the row is on disk in plaintext";

  // crucible's own sqlite plugin (libsqlite3) cannot read it: SQLITE_NOTADB.
  auto plain = create_engine("sqlite:///" + path_.string());
  const std::string message = message_of<crucible::DatabaseError>([&] {
    auto conn = plain.connect();
    conn.execute(text("SELECT body FROM secrets")).all();
  });
  EXPECT_NE(message.find("not a database"), std::string::npos) << message;

  // Nor can the sqlcipher driver without a key: it asks for one.
  const std::string no_key = message_of<crucible::ArgumentError>(
      [&] { create_engine("sqlite+sqlcipher:///" + path_.string()).connect(); });
  EXPECT_NE(no_key.find("'key'"), std::string::npos) << no_key;
}

TEST_F(SqlcipherTest, WrongKey_IsAClearErrorNamingTheFileButNotTheKey) {
  create_encrypted();
  const std::string wrong = "not-the-Key-42";
  const std::string message =
      message_of<crucible::DatabaseError>([&] { create_engine(url(wrong)).connect(); });
  EXPECT_NE(message.find("with the key given"), std::string::npos) << message;
  EXPECT_NE(message.find(path_.string()), std::string::npos) << message;
  EXPECT_EQ(message.find(wrong), std::string::npos) << message;
}

TEST_F(SqlcipherTest, Key_IsNeverPrinted_ByRenderErrorsOrTheCli) {
  create_encrypted();
  const crucible::URL parsed = crucible::make_url(url());
  EXPECT_EQ(parsed.query_value("key").value_or(""), kKey);
  EXPECT_EQ(parsed.render().find("Tr0ub4dor"), std::string::npos) << parsed.render();
  EXPECT_NE(parsed.render().find("key=***"), std::string::npos) << parsed.render();

  // An error of a statement on the encrypted database.
  auto engine = create_engine(url());
  auto conn = engine.connect();
  const std::string bad_sql = message_of<crucible::ProgrammingError>(
      [&] { conn.execute(text("SELECT * FROM no_such_table")).all(); });
  EXPECT_EQ(bad_sql.find("Tr0ub4dor"), std::string::npos) << bad_sql;

  // The `crucible` program: a query, a failing statement, a wrong key and inspect.
  int status = 0;
  const std::string quoted = "'" + url() + "'";
  std::string out = run_cli("sql " + quoted + " 'SELECT body FROM secrets'", &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find(kRowText), std::string::npos) << out;
  EXPECT_EQ(out.find("Tr0ub4dor"), std::string::npos) << out;
  out = run_cli("sql " + quoted + " 'SELECT * FROM no_such_table'", &status);
  EXPECT_NE(status, 0) << out;
  EXPECT_EQ(out.find("Tr0ub4dor"), std::string::npos) << out;
  out = run_cli("inspect " + quoted, &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("secrets"), std::string::npos) << out;
  EXPECT_EQ(out.find("Tr0ub4dor"), std::string::npos) << out;
  out = run_cli("sql 'sqlite+sqlcipher:///" + path_.string() + "?key=Wr0ngTr0ub4dor' 'SELECT 1'",
                &status);
  EXPECT_NE(status, 0) << out;
  EXPECT_NE(out.find("with the key given"), std::string::npos) << out;
  EXPECT_EQ(out.find("Tr0ub4dor"), std::string::npos) << out;
}

TEST_F(SqlcipherTest, BothSqlitePlugins_InOneProcess_EachRunOnItsOwnLibrary) {
  // crucible's sqlite plugin runs on libsqlite3 (Debian 12: 3.40), sqlcipher on SQLCipher's
  // SQLite (3.15): both loaded, each statement reaches its own library.
  auto plain = create_engine("sqlite://");
  auto encrypted = create_engine(url());
  auto plain_conn = plain.connect();
  auto encrypted_conn = encrypted.connect();
  const std::string libsqlite3 =
      plain_conn.execute(text("SELECT sqlite_version()")).scalar().as<std::string>();
  const std::string cipher_sqlite =
      encrypted_conn.execute(text("SELECT sqlite_version()")).scalar().as<std::string>();
  EXPECT_NE(cipher_sqlite, libsqlite3) << "both plugins ran on one SQLite library";
  // Only SQLCipher knows PRAGMA cipher_version (libsqlite3 ignores unknown pragmas).
  const auto cipher = encrypted_conn.execute(text("PRAGMA cipher_version")).all();
  ASSERT_EQ(cipher.size(), 1U);
  EXPECT_FALSE(cipher[0].get<std::string>(0).empty());
  // Work on both, interleaved.
  plain_conn.execute(text("CREATE TABLE t (x INTEGER)"));
  plain_conn.execute(text("INSERT INTO t VALUES (1)"));
  encrypted_conn.execute(text("CREATE TABLE t (x INTEGER)"));
  encrypted_conn.execute(text("INSERT INTO t VALUES (2)"));
  EXPECT_EQ(plain_conn.execute(text("SELECT x FROM t")).scalar().as<std::int64_t>(), 1);
  EXPECT_EQ(encrypted_conn.execute(text("SELECT x FROM t")).scalar().as<std::int64_t>(), 2);
  encrypted_conn.commit();
  const std::string bytes = file_bytes();
  EXPECT_NE(bytes.rfind("SQLite format 3", 0), 0U);
}

TEST_F(SqlcipherTest, Plugins_ListsTheSqlcipherDriverFromThePluginPath) {
  int status = 0;
  const std::string out = run_cli("plugins", &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("sqlcipher"), std::string::npos) << out;
  EXPECT_NE(out.find("sqlite3"), std::string::npos) << out;
}

}  // namespace
