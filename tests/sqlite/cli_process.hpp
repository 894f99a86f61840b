#pragma once
// Running a program of the build (the `crucible` CLI, the quickstart) from a test: fork/exec
// with stdout and stderr captured separately, and the exit status; or a server program left
// running while the test talks to it (RunningProcess). POSIX only.
#include "test_support.hpp"  // TempDir
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace crucible::testing {

/// What a finished program left behind.
struct ProcessResult {
  int exit_code{-1};  ///< the exit status, or -signal when a signal ended it
  std::string out;    ///< everything written to stdout
  std::string err;    ///< everything written to stderr
};

/// In a forked child: sets env on top of the inherited environment ({name, value}; an empty value
/// unsets the variable) and becomes program with args; exit status 127 when it cannot.
[[noreturn]] inline void
exec_in_child(const std::string& program, const std::vector<std::string>& args,
              const std::vector<std::pair<std::string, std::string>>& env) {
  for (const auto& [name, value] : env) {
    if (value.empty())
      unsetenv(name.c_str());
    else
      setenv(name.c_str(), value.c_str(), 1);
  }
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execv(program.c_str(), argv.data());
  _exit(127);
}

/// Runs program with args (argv[1..]), feeding stdin_text to its standard input, with the
/// environment variables env set on top of the test's own ({name, value}; an empty value unsets
/// the variable). Waits for it to end. Throws std::runtime_error when it cannot be started.
inline ProcessResult run_process(const std::string& program, const std::vector<std::string>& args,
                                 const std::string& stdin_text = {},
                                 const std::vector<std::pair<std::string, std::string>>& env = {}) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0 || pipe(err_pipe) != 0)
    throw std::runtime_error("pipe() failed");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork() failed");
  if (pid == 0) {  // the child (the test is single-threaded, so setenv is safe here)
    dup2(in_pipe[0], STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
      close(fd);
    exec_in_child(program, args, env);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);

  ProcessResult result;
  std::size_t written = 0;
  int in_fd = in_pipe[1];
  if (stdin_text.empty()) {
    close(in_fd);
    in_fd = -1;
  } else {
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
    std::signal(SIGPIPE, SIG_IGN);  // a child that exits early must not kill the test
  }
  std::array<pollfd, 3> fds{pollfd{out_pipe[0], POLLIN, 0}, pollfd{err_pipe[0], POLLIN, 0},
                            pollfd{in_fd, POLLOUT, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      char buf[8192];
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
      }
    }
    if (fds[2].fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      const ssize_t n = write(fds[2].fd, stdin_text.data() + written, stdin_text.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n < 0 && errno != EAGAIN && errno != EINTR) written = stdin_text.size();
      if (written == stdin_text.size()) {
        close(fds[2].fd);
        fds[2].fd = -1;
      }
    }
  }
  if (fds[2].fd >= 0) close(fds[2].fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  return result;
}

/// A program of the build started and left running (a server): its standard output is read line
/// by line through read_line(), its standard error is the test's. stop() ends it with SIGTERM and
/// gives its exit status; the destructor kills it (SIGKILL) if it still runs.
class RunningProcess {
 public:
  /// Starts program with args. Throws std::runtime_error when it cannot be started.
  RunningProcess(const std::string& program, const std::vector<std::string>& args) {
    int out_pipe[2];
    if (pipe(out_pipe) != 0) throw std::runtime_error("pipe() failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork() failed");
    if (pid_ == 0) {
      dup2(out_pipe[1], STDOUT_FILENO);
      close(out_pipe[0]);
      close(out_pipe[1]);
      exec_in_child(program, args, {});
    }
    close(out_pipe[1]);
    out_ = out_pipe[0];
  }
  RunningProcess(const RunningProcess&) = delete;
  RunningProcess& operator=(const RunningProcess&) = delete;
  ~RunningProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      wait_for_exit();
    }
    if (out_ >= 0) close(out_);
  }

  /// The next line the program writes to stdout, without its newline. Throws std::runtime_error
  /// when none comes within timeout_ms milliseconds, or the program closed its stdout first.
  std::string read_line(int timeout_ms) {
    for (;;) {
      const auto newline = pending_.find('\n');
      if (newline != std::string::npos) {
        std::string line = pending_.substr(0, newline);
        pending_.erase(0, newline + 1);
        return line;
      }
      pollfd fd{out_, POLLIN, 0};
      const int ready = poll(&fd, 1, timeout_ms);
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0)
        throw std::runtime_error("no line on the program's stdout within " +
                                 std::to_string(timeout_ms) + " ms (so far: '" + pending_ + "')");
      char buf[4096];
      const ssize_t n = read(out_, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        throw std::runtime_error("the program closed its stdout before a whole line (so far: '" +
                                 pending_ + "')");
      pending_.append(buf, static_cast<std::size_t>(n));
    }
  }

  /// Whether the program was started and not stopped (it may have exited by itself).
  bool running() const noexcept { return pid_ > 0; }

  /// Sends SIGTERM and waits for the program to end: its exit status, or -signal.
  int stop() {
    if (pid_ <= 0) throw std::runtime_error("the program was stopped already");
    kill(pid_, SIGTERM);
    return wait_for_exit();
  }

 private:
  int wait_for_exit() {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }

  pid_t pid_{-1};
  int out_{-1};
  std::string pending_;  ///< read, not yet returned
};

}  // namespace crucible::testing
