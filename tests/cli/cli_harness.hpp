#pragma once
// What the command-line tests share: a scratch directory, reading a file whole, and running the
// marketsim program with its exit code and output captured (or interrupting it).
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/temp_dir.hpp"

namespace cli_test {

using msim::test::slurp;
using msim::test::TempDir;

namespace fs = std::filesystem;

inline const fs::path kSource = MARKETSIM_SOURCE_DIR;
inline const std::string kBinary = MARKETSIM_BINARY;

/// Built with AddressSanitizer, whose runtime reserves terabytes of address space and so cannot
/// start under `ulimit -v`.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#else
inline constexpr bool kAddressSanitizer = false;
#endif

/// s in single quotes for the shell.
inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Result {
  int code = -1;
  std::string out, err;
};

/// Runs `marketsim ARGS` in `dir` with stdin closed; captures exit code, stdout and stderr.
/// `shell` is run first in the same shell (to set limits, say).
inline Result marketsim(const TempDir& dir, const std::string& args,
                        const std::string& shell = "") {
  const fs::path out = dir / ".stdout", err = dir / ".stderr";
  const std::string cmd = "cd " + quote(dir.path.string()) + " && " + shell +
                          (shell.empty() ? "" : "; ") + quote(kBinary) + " " + args +
                          " </dev/null >" + quote(out.string()) + " 2>" + quote(err.string());
  const int status = std::system(cmd.c_str());
  REQUIRE(status != -1);
  REQUIRE(WIFEXITED(status));
  Result r{WEXITSTATUS(status), slurp(out), slurp(err)};
  fs::remove(out);
  fs::remove(err);
  return r;
}

/// Starts `marketsim ARGS` in `dir`, stdin and stdout on /dev/null and stderr to `err`; in the
/// child, `before_exec` runs first (to ignore a signal, or wait for a start). Returns its pid.
inline pid_t spawn(const TempDir& dir, const std::vector<std::string>& args, const fs::path& err,
                   const std::function<void()>& before_exec = {}) {
  std::vector<char*> argv{const_cast<char*>("marketsim")};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (::chdir(dir.path.c_str()) != 0) ::_exit(99);
    const int devnull = ::open("/dev/null", O_RDWR);
    const int errfd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    ::dup2(errfd, 2);
    if (before_exec) before_exec();
    ::execv(kBinary.c_str(), argv.data());
    ::_exit(98);
  }
  return pid;
}

/// Starts `marketsim ARGS` in `dir` (spawn(); SIGHUP ignored, as nohup does, when `nohup`),
/// waits until `appears` exists, lets it run 300 ms more, and sends it
/// `signals` (SIGINT, as Ctrl-C would), 300 ms apart; returns its exit code and stderr. Fails
/// the test when it does not stop within 60 s.
inline Result interrupted(const TempDir& dir, const std::vector<std::string>& args,
                          const fs::path& appears, const std::vector<int>& signals = {SIGINT},
                          bool nohup = false) {
  const fs::path err = dir / ".stderr";
  const pid_t pid = spawn(dir, args, err, [nohup] {
    if (nohup) ::signal(SIGHUP, SIG_IGN);
  });
  using namespace std::chrono_literals;
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while (!fs::exists(appears) && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(10ms);
  for (const int signal : signals) {
    std::this_thread::sleep_for(300ms);
    ::kill(pid, signal);
  }
  int status = 0;
  pid_t done = 0;
  while ((done = ::waitpid(pid, &status, WNOHANG)) == 0 &&
         std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(10ms);
  if (done == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    FAIL("marketsim did not stop within 60 s of its signals");
  }
  REQUIRE(WIFEXITED(status));
  Result r{WEXITSTATUS(status), "", slurp(err)};
  fs::remove(err);
  return r;
}

}  // namespace cli_test
