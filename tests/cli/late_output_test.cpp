// The output's name is checked when a run begins, and again by the rename that puts the finished
// file in place: a file that another program makes there while the run works is never replaced
// without --force, and with --force only the file that was there when the run began is.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/hdf5_file.hpp"
#include "tests/cli/cli_harness.hpp"

using Catch::Contains;
namespace fs = std::filesystem;
using namespace cli_test;

namespace {

/// Runs `marketsim ARGS` in `dir`, stops it (SIGSTOP) as soon as it writes its .partial file, runs
/// `meanwhile`, lets it go on and returns its exit code and stderr. The run must last long enough
/// for the stop to come before its rename (the test fails when it does not).
Result with_file_made_meanwhile(const TempDir& dir, const std::vector<std::string>& args,
                                const fs::path& partial, const std::function<void()>& meanwhile) {
  const fs::path err = dir / ".stderr";
  const pid_t pid = spawn(dir, args, err);
  using namespace std::chrono_literals;
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  // (Not the empty .partial file the checks before the run make and remove at once.)
  const auto begun = [&] {
    std::error_code ec;
    return fs::file_size(partial, ec) > 0 && !ec;
  };
  while (!begun() && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(1ms);
  ::kill(pid, SIGSTOP);
  const bool still_running = fs::exists(partial);
  if (still_running) meanwhile();
  ::kill(pid, SIGCONT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(still_running);
  REQUIRE(WIFEXITED(status));
  Result r{WEXITSTATUS(status), "", slurp(err)};
  fs::remove(err);
  return r;
}

const std::string kTinyPath = (kSource / "scenarios" / "tiny.yaml").string();
const std::string kTiny = quote(kTinyPath);

/// A run of about a second: 30 M consumer-steps on one thread.
std::vector<std::string> long_run(const std::string& out, bool force) {
  std::vector<std::string> args{"run",   kTinyPath,          "-o",    out,         "--quiet",
                                "--set", "consumers=100000", "--set", "steps=300", "--threads",
                                "1"};
  if (force) args.push_back("--force");
  return args;
}

}  // namespace

TEST_CASE("cli: a file made at the output while the run works is kept, and so is the run's",
          "[cli][output]") {
  TempDir dir;
  const Result r = with_file_made_meanwhile(dir, long_run("t.h5", false), dir / "t.h5.partial",
                                            [&] { std::ofstream(dir / "t.h5") << "the user's"; });
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Contains("'t.h5' appeared while the run was writing") &&
                        Contains("the finished output stays in 't.h5.partial'"));
  CHECK(slurp(dir / "t.h5") == "the user's");
  // The finished run, complete, is what summarize reads; a new run does not take it for a
  // leftover.
  CHECK(marketsim(dir, "summarize t.h5.partial").code == 0);
  const Result again = marketsim(dir, "run " + kTiny + " -o t.h5 --quiet --force");
  CHECK(again.code == 2);
  CHECK(fs::exists(dir / "t.h5.partial"));
}

TEST_CASE("cli: --force replaces the file that was there when the run began, not a newer one",
          "[cli][output]") {
  TempDir dir;
  REQUIRE(marketsim(dir, "run " + kTiny + " -o t.h5 --quiet").code == 0);
  const Result r = with_file_made_meanwhile(dir, long_run("t.h5", true), dir / "t.h5.partial", [&] {
    fs::remove(dir / "t.h5");
    std::ofstream(dir / "t.h5") << "the user's";
  });
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Contains("'t.h5' is not the file that was there when the run began"));
  CHECK(slurp(dir / "t.h5") == "the user's");
}

TEST_CASE("cli: --force replaces only an HDF5 file (or an empty one)", "[cli][output]") {
  TempDir dir;
  std::ofstream(dir / "budget.dat") << "a spreadsheet";
  const Result r = marketsim(dir, "run " + kTiny + " -o budget.dat --quiet --force");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("output 'budget.dat' already exists and is not an HDF5 file") &&
                        Contains("refused even with --force"));
  CHECK(slurp(dir / "budget.dat") == "a spreadsheet");
  CHECK_FALSE(fs::exists(dir / "budget.dat.partial"));

  std::ofstream(dir / "empty.h5").flush();
  CHECK(marketsim(dir, "run " + kTiny + " -o empty.h5 --quiet --force").code == 0);
  CHECK(msim::has_hdf5_signature((dir / "empty.h5").string()));
}
