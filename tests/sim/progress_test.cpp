// The progress line: drawn on stderr only when it is a terminal, at most every 0.2 s (the last
// count always), cleared at the end; and durations as the messages write them.
#include "sim/progress.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include <catch2/catch.hpp>

#include "tests/temp_dir.hpp"

using Catch::Contains;
using Catch::EndsWith;
using Catch::StartsWith;

namespace {

/// For its scope, stderr (file descriptor 2) is the other end of a pseudo-terminal, whose
/// output read() returns.
class TerminalStderr {
 public:
  TerminalStderr() {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY);
    REQUIRE(master_ >= 0);
    REQUIRE(::grantpt(master_) == 0);
    REQUIRE(::unlockpt(master_) == 0);
    const int terminal = ::open(::ptsname(master_), O_RDWR | O_NOCTTY);
    REQUIRE(terminal >= 0);
    std::fflush(stderr);
    saved_ = ::dup(STDERR_FILENO);
    ::dup2(terminal, STDERR_FILENO);
    ::close(terminal);
    ::fcntl(master_, F_SETFL, ::fcntl(master_, F_GETFL) | O_NONBLOCK);
  }
  ~TerminalStderr() {
    restore();
    ::close(master_);
  }
  TerminalStderr(const TerminalStderr&) = delete;
  TerminalStderr& operator=(const TerminalStderr&) = delete;

  /// Everything written to stderr so far (stderr is given back first).
  std::string read() {
    restore();
    std::string out;
    char buffer[4096];
    for (ssize_t n = 0; (n = ::read(master_, buffer, sizeof buffer)) > 0;)
      out.append(buffer, static_cast<std::size_t>(n));
    return out;
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    saved_ = -1;
  }
  int master_ = -1, saved_ = -1;
};

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("progress: on a terminal, a bar with the count, the share and an ETA, then cleared",
          "[progress]") {
  TerminalStderr tty;
  double seconds = 0;
  {
    msim::Progress progress("simulating", 4, true);
    progress.update(0);
    // Redrawn at most every 0.2 s: a burst of updates draws once or so, not 20 times. (Few
    // enough that, drawn every time, they fit in the terminal's buffer, which is read at the end.)
    const auto start = std::chrono::steady_clock::now();
    for (int k = 0; k < 20; ++k) progress.update(1);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress.update(4);  // the last count is always drawn
    progress.finish();
  }
  const std::string out = tty.read();
  INFO(out);
  CHECK_THAT(out, StartsWith("\rsimulating [" + std::string(30, '.') + "] 0/4   0%  elapsed ") &&
                      Contains(" s  ETA --   \r"));
  CHECK_THAT(out, Contains("\rsimulating [" + std::string(30, '#') + "] 4/4 100%  elapsed ") &&
                      Contains("ETA 0.0 s   "));
  CHECK(count(out, "1/4") <= 1 + static_cast<std::size_t>(seconds / 0.2));
  // finish() blanks the line and returns to its start; the destructor draws nothing more.
  CHECK_THAT(out, EndsWith("   \r" + std::string(100, ' ') + "\r"));
  CHECK(count(out, "\r" + std::string(100, ' ')) == 1);
}

TEST_CASE("progress: nothing is drawn when disabled (--quiet) or stderr is not a terminal",
          "[progress]") {
  {
    TerminalStderr tty;
    {
      msim::Progress quiet("simulating", 4, false);
      quiet.update(2);
    }
    CHECK(tty.read().empty());
  }
  // stderr into a file: enabled or not, nothing is drawn there.
  msim::test::TempDir dir;
  const std::string file = dir.file("stderr.txt");
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  REQUIRE(fd >= 0);
  ::dup2(fd, STDERR_FILENO);
  ::close(fd);
  {
    msim::Progress progress("simulating", 4, true);
    progress.update(2);
    progress.update(4);
  }
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  CHECK(msim::test::slurp(file).empty());
}

TEST_CASE("format_duration: tenths of a second below a minute, then minutes, then hours",
          "[progress]") {
  CHECK(msim::format_duration(0.0) == "0.0 s");
  CHECK(msim::format_duration(3.24) == "3.2 s");
  CHECK(msim::format_duration(59.9) == "59.9 s");
  CHECK(msim::format_duration(60.0) == "1 min 00 s");
  CHECK(msim::format_duration(65.4) == "1 min 05 s");
  CHECK(msim::format_duration(3599.4) == "59 min 59 s");
  CHECK(msim::format_duration(3599.6) == "1 h 00 min");  // rounded to the second first
  CHECK(msim::format_duration(7325.0) == "2 h 02 min");
  CHECK(msim::format_duration(100.0 * 3600.0) == "100 h 00 min");
}
