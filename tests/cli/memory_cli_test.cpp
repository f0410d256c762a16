// The memory guard on the command line: `run` refuses an experiment whose recorded series would
// not fit (exit 2, what to lower, nothing written), and `validate` shows the parts of its
// estimate. MARKETSIM_TEST_AVAILABLE_BYTES pretends the machine has little memory, so nothing
// large is allocated.
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <string>

#include <catch2/catch.hpp>

#include "tests/cli/cli_harness.hpp"

#include "cli/memory_limits.hpp"

using Catch::Contains;
namespace fs = std::filesystem;

using namespace cli_test;

namespace {

const fs::path kTiny = kSource / "scenarios" / "tiny.yaml";
const std::string kLittleMemory = "export MARKETSIM_TEST_AVAILABLE_BYTES=300e6";

}  // namespace

TEST_CASE("cli: an experiment whose recorded series exceed memory is refused", "[cli]") {
  TempDir dir;
  // Two runs of 20,000 consumers (3.5 MB) at once, each keeping 60,000 steps of its series
  // (426 MB in all), against 300 MB.
  const std::string experiment = " --set steps=60000 --set experiment.replications=2";
  const Result r =
      marketsim(dir, "run " + quote(kTiny.string()) + " -o big.h5 --quiet --threads 2" + experiment,
                kLittleMemory);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains(kTiny.string() + ": the experiment needs about ") &&
                        Contains("MB of it for the series its runs record: each of the 2 runs "
                                 "going on at once keeps its 60000 steps of ") &&
                        Contains("but only 300 MB of memory is available") &&
                        Contains("run fewer at once (--threads 1 runs one at a time") &&
                        Contains("lower `steps` (now 60000; about ") && Contains("(--part K/N)"));
  CHECK_FALSE(fs::exists(dir / "big.h5"));
  CHECK_FALSE(fs::exists(dir / "big.h5.partial"));
  CHECK_FALSE(fs::exists(dir / "big.h5.runs"));
  // validate says so, and shows the recorded series beside the consumers.
  const Result v = marketsim(dir, "validate " + quote(kTiny.string()) + experiment, kLittleMemory);
  CHECK(v.code == 0);
  CHECK_THAT(v.out, Contains("MB in all: 3.5 MB population, ") &&
                        Contains(" recorded output (the series each run keeps until it ends, "
                                 "60000 steps of ") &&
                        Contains("300 MB available on this machine."));
  CHECK_THAT(v.err, Contains("note: `marketsim run` would refuse this on this machine: ") &&
                        Contains("for the series its runs record"));
  // With the memory there, the same experiment passes the guard: the refusal above is the
  // estimate's, not the steps'. (Checked by validate: running 60,000 steps would take long.)
  const Result fits = marketsim(dir, "validate " + quote(kTiny.string()) + experiment,
                                "export MARKETSIM_TEST_AVAILABLE_BYTES=20e9");
  CHECK(fits.code == 0);
  CHECK_THAT(fits.err, !Contains("would refuse"));
}

TEST_CASE("cli: run counts the partial sums of its block size", "[cli]") {
  TempDir dir;
  // 1 M consumers (87 MB) in blocks of 64: 15,625 rows of partial sums (24 MB); in blocks of
  // 4096, 245 rows. With 145 MB free, run refuses the first and runs the second.
  const std::string args =
      "run " + quote(kTiny.string()) + " -o out.h5 --quiet --set consumers=1000000 --set steps=1";
  const std::string free = "export MARKETSIM_TEST_AVAILABLE_BYTES=145e6";
  const Result fine = marketsim(dir, args + " --block-size 64", free);
  CHECK(fine.code == 2);
  CHECK_THAT(fine.err, Contains("1000000 consumers need about") &&
                           Contains("the partial sums of its 15625 blocks of 64 consumers"));
  CHECK_FALSE(fs::exists(dir / "out.h5"));
  const Result usual = marketsim(dir, args, free);
  CHECK(usual.code == 0);
  CHECK(fs::exists(dir / "out.h5"));
}

TEST_CASE("cli: run refuses a run past the address-space limit (ulimit -v), naming it", "[cli]") {
  TempDir dir;
  // 30 million consumers need a few GiB; the limit allows 1.9 GiB, which must be less than the
  // machine's other limits (MemAvailable, a cgroup's) for the message to name it.
  msim::cli::MemorySources without_ulimit;
  without_ulimit.address_space = std::numeric_limits<double>::infinity();
  if (kAddressSanitizer) {
    WARN("skipped: a sanitizer's runtime cannot start under ulimit -v");
    return;
  }
  if (std::getenv("MARKETSIM_TEST_AVAILABLE_BYTES") != nullptr ||
      msim::cli::memory_limit(without_ulimit).bytes < 3.0 * (1u << 30)) {
    WARN("skipped: under 3 GiB free, so ulimit -v would not be the limit named");
    return;
  }
  const Result r =
      marketsim(dir, "run " + quote(kTiny.string()) + " -o big.h5 --quiet --set consumers=30000000",
                "ulimit -v 2000000");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("consumers need about ") && !Contains("internal error") &&
                        !Contains("bad_alloc"));
  CHECK_THAT(r.err, Contains("under this process's address-space limit (ulimit -v: 1.9 GiB"));
  CHECK_FALSE(fs::exists(dir / "big.h5"));
  CHECK_FALSE(fs::exists(dir / "big.h5.partial"));
}
