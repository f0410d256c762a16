// Two runs started at the same moment with the same output: one writes it, the other is
// refused (exit 2) and neither removes the other's file.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/cli/cli_harness.hpp"

#include "sim/hdf5_file.hpp"

using Catch::Contains;
namespace fs = std::filesystem;
using namespace cli_test;

namespace {

/// Starts `marketsim ARGS` in `dir`, stderr to `err`, once `gun` (a pipe's read end) is closed
/// by the parent, so that two of them start together. Returns its pid.
pid_t start(const TempDir& dir, const std::vector<std::string>& args, const fs::path& err,
            const int gun[2]) {
  return spawn(dir, args, err, [gun] {
    ::close(gun[1]);
    char byte = 0;
    while (::read(gun[0], &byte, 1) > 0) {
    }
  });
}

int exit_code(pid_t pid) {
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

/// Whether `err` is the refusal of the run that found the other writing the output, or that
/// found it finished by the other after this one had looked at it.
bool refused_as_busy(const std::string& err) {
  return err.find("another process is writing it") != std::string::npos ||
         err.find("is being written by another process") != std::string::npos ||
         err.find("since this run looked at it") != std::string::npos;
}

}  // namespace

TEST_CASE("cli: two runs with the same output at once: one writes it, the other exits 2",
          "[cli][output]") {
  TempDir dir;
  const std::vector<std::string> args{"run",     (kSource / "scenarios" / "tiny.yaml").string(),
                                      "-o",      "r.h5",
                                      "--quiet", "--force",
                                      "--set",   "steps=2",
                                      "--set",   "consumers=2000"};
  // Before the fix, about 1 pair in 20 lost both runs and the file, and most losers exited 1.
  constexpr int kPairs = 40;
  int refused = 0;
  for (int pair = 0; pair < kPairs; ++pair) {
    fs::remove(dir / "r.h5");
    int gun[2];
    REQUIRE(::pipe(gun) == 0);
    const pid_t a = start(dir, args, dir / "a.err", gun);
    const pid_t b = start(dir, args, dir / "b.err", gun);
    ::close(gun[0]);
    ::close(gun[1]);  // both go
    const int codes[] = {exit_code(a), exit_code(b)};
    const std::string errs[] = {slurp(dir / "a.err"), slurp(dir / "b.err")};
    INFO("pair " << pair << ": exit codes " << codes[0] << " and " << codes[1] << "\n"
                 << errs[0] << errs[1]);
    REQUIRE((codes[0] == 0 || codes[1] == 0));
    for (int k = 0; k < 2; ++k) {
      CHECK((codes[k] == 0 || codes[k] == 2));
      if (codes[k] == 2) {
        CHECK(refused_as_busy(errs[k]));
        ++refused;
      }
    }
    // The winner's file is whole, and nothing is left under the temporary name.
    REQUIRE(fs::exists(dir / "r.h5"));
    CHECK_FALSE(fs::exists(dir / "r.h5.partial"));
    const msim::Hdf5Reader reader((dir / "r.h5").string());
    CHECK(std::get<std::int64_t>(reader.attribute("complete")) == 1);
  }
  // Started together, most pairs meet (a run that starts after the other finished replaces its
  // file, with --force, and both exit 0).
  WARN(refused << " of " << kPairs << " pairs met: one run was refused");
  CHECK(refused > 0);
}
