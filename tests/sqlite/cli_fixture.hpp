#pragma once
// What the tests of the `crucible` program share: a fixture that runs it against a temporary
// database (or a temporary copy of Chinook), and independent witnesses of its results: the raw
// sqlite3 C API and a CSV writer of the test's own.
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "cli_process.hpp"

namespace crucible::testing {

namespace fs = std::filesystem;

using Cell = std::optional<std::string>;  // nullopt for NULL
using Rows = std::vector<std::vector<Cell>>;

/// A database opened with the raw sqlite3 C API: the independent witness of what the CLI did.
class RawSqlite {
 public:
  explicit RawSqlite(const fs::path& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
      std::string message = sqlite3_errmsg(db_);
      sqlite3_close(db_);
      throw std::runtime_error("sqlite3_open: " + message);
    }
  }
  RawSqlite(const RawSqlite&) = delete;
  RawSqlite& operator=(const RawSqlite&) = delete;
  ~RawSqlite() { sqlite3_close(db_); }

  void exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "?";
      sqlite3_free(error);
      throw std::runtime_error("sqlite3_exec: " + message);
    }
  }

  /// The column names and rows of sql, each value as sqlite3_column_text gives it.
  Rows query(const std::string& sql, std::vector<std::string>* columns = nullptr) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("sqlite3_prepare_v2: ") + sqlite3_errmsg(db_));
    const int n = sqlite3_column_count(stmt);
    if (columns != nullptr)
      for (int c = 0; c < n; ++c) columns->emplace_back(sqlite3_column_name(stmt, c));
    Rows rows;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      auto& row = rows.emplace_back();
      for (int c = 0; c < n; ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_NULL)
          row.emplace_back();
        else
          row.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, c)));
      }
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
      throw std::runtime_error(std::string("sqlite3_step: ") + sqlite3_errmsg(db_));
    return rows;
  }

  bool has_table(const std::string& name) {
    return !query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'")
                .empty();
  }

 private:
  sqlite3* db_{nullptr};
};

/// RFC 4180 CSV of columns and rows, written here independently of the CLI: CRLF line ends,
/// a field quoted when it holds , " CR or LF (quotes doubled) or is the empty string; NULL empty.
inline std::string to_csv(const std::vector<std::string>& columns, const Rows& rows) {
  auto field = [](const std::string& text) {
    if (!text.empty() && text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  std::string out;
  for (std::size_t c = 0; c < columns.size(); ++c) out += (c ? "," : "") + field(columns[c]);
  out += "\r\n";
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c)
      out += (c ? "," : "") + (row[c] ? field(*row[c]) : "");
    out += "\r\n";
  }
  return out;
}

inline Poco::Dynamic::Var parse_json(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text);
}

inline std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

/// Every CLI error is one line on stderr: "crucible: error: <reason>\n".
inline void expect_one_error_line(const ProcessResult& r) {
  EXPECT_EQ(r.err.rfind("crucible: error: ", 0), 0u) << r.err;
  EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

class CliFixture : public ::testing::Test {
 protected:
  ProcessResult cli(const std::vector<std::string>& args, const std::string& input = {},
                    const std::vector<std::pair<std::string, std::string>>& env = {}) {
    return run_process(CRUCIBLE_CLI, args, input, env);
  }
  fs::path db_path() const { return dir_.path() / "test.db"; }
  /// "sqlite:////tmp/…/test.db": an absolute path after "sqlite:///".
  std::string url() const { return "sqlite:///" + db_path().string(); }
  /// A private copy of Chinook (the shared file is never opened for writing).
  fs::path chinook() {
    const fs::path copy = dir_.path() / "Chinook_Sqlite.sqlite";
    if (!fs::exists(copy))
      fs::copy_file(fs::path(CRUCIBLE_CHINOOK_DIR) / "Chinook_Sqlite.sqlite", copy);
    return copy;
  }
  std::string chinook_url() { return "sqlite:///" + chinook().string(); }
  /// Writes text to a file in the temporary directory and returns its path.
  std::string write_file(const std::string& name, const std::string& text) {
    const fs::path path = dir_.path() / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  TempDir dir_;
};

}  // namespace crucible::testing
