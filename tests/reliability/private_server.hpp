#pragma once
// A PostgreSQL or MariaDB server of one test's own, for faults that would disturb every other
// test on a shared server (a restart). Started by the tree's scripts/pg-start or
// scripts/mariadb-start in a directory of its own, restarted by scripts/pg-restart or
// scripts/mariadb-restart, and stopped, its directory removed, when the object goes.
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace crucible::testing {

class PrivateServer {
 public:
  /// Starts a server for backend ("postgresql" or "mariadb"). Throws std::runtime_error with
  /// the script's exit status when it does not start.
  explicit PrivateServer(const std::string& backend) : pg_(backend == "postgresql") {
    static std::atomic<int> counter{0};
    // Under /tmp, not in a mkdtemp directory: as root, PostgreSQL runs as the postgres user and
    // must reach the directory, which pg-start makes and gives to that user.
    dir_ = "/tmp/crucible-" + backend + "-private-" + std::to_string(::getpid()) + "-" +
           std::to_string(counter++);
    const std::string out = run(script(pg_ ? "pg-start" : "mariadb-start"));
    const std::string key = pg_ ? "CRUCIBLE_POSTGRESQL_URL=" : "CRUCIBLE_MYSQL_URL=";
    const std::size_t at = out.find(key);
    if (at == std::string::npos)
      throw std::runtime_error("no URL in the start script's output: " + out);
    url_ = out.substr(at + key.size(), out.find('\n', at) - at - key.size());
  }
  ~PrivateServer() {
    try {
      run(script(pg_ ? "pg-stop" : "mariadb-stop"));
    } catch (const std::exception&) {  // a stop that failed leaves a directory in /tmp, no more
    }
  }
  PrivateServer(const PrivateServer&) = delete;
  PrivateServer& operator=(const PrivateServer&) = delete;

  const std::string& url() const { return url_; }
  /// Restarts the server (same data, same port): every client connection is cut.
  void restart() { run(script(pg_ ? "pg-restart" : "mariadb-restart")); }

 private:
  std::string script(const char* name) const {
    return std::string(pg_ ? "CRUCIBLE_PG_DIR=" : "CRUCIBLE_MARIADB_DIR=") + dir_ + " " +
           CRUCIBLE_SOURCE_DIR + "/scripts/" + name;
  }
  // Runs command (the paths in it are ours: no quoting needed), returning its stdout; throws
  // when it fails.
  static std::string run(const std::string& command) {
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) throw std::runtime_error("popen failed for " + command);
    std::string out;
    std::array<char, 512> buffer{};
    while (std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr)
      out += buffer.data();
    const int status = ::pclose(pipe);
    if (status != 0)
      throw std::runtime_error(command + " failed with status " + std::to_string(status));
    return out;
  }

  bool pg_;
  std::string dir_;
  std::string url_;
};

}  // namespace crucible::testing
