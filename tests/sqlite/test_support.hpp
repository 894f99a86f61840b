#pragma once
// Helpers shared by the SQLite integration tests: a temporary directory per test and a private
// copy of the Chinook database (the shared file is never opened for writing).
#include <filesystem>
#include <random>
#include <string>

namespace crucible::testing {

/// A fresh directory under the system temp dir, removed when the object goes.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("crucible-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  /// "sqlite:///<dir>/<name>": an absolute path, hence four slashes in all.
  std::string sqlite_url(const std::string& name) const {
    return "sqlite:///" + (path_ / name).string();
  }

 private:
  std::filesystem::path path_;
};

/// Copies Chinook_Sqlite.sqlite into dir and returns the copy's path.
inline std::filesystem::path copy_chinook(const TempDir& dir) {
  const std::filesystem::path source =
      std::filesystem::path(CRUCIBLE_CHINOOK_DIR) / "Chinook_Sqlite.sqlite";
  const std::filesystem::path target = dir.path() / "chinook.sqlite";
  std::filesystem::copy_file(source, target);
  return target;
}

}  // namespace crucible::testing
