#pragma once
// Helpers shared by the SQLite integration tests: a temporary directory per test and a private
// copy of the Chinook database (the shared file is never opened for writing).
#include <filesystem>
#include <stdexcept>
#include <stdlib.h>  // mkdtemp (POSIX)
#include <string>

namespace crucible::testing {

/// A fresh directory under the system temp dir (mkdtemp: unique, created atomically), removed
/// with everything in it when the object goes.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "crucible-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
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
