// When the system refuses to write (a full disk, a file-size limit), marketsim says why, exits 1
// without calling it an internal error, removes the unfinished output, and does not crash on
// the way out.
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "tests/cli/cli_harness.hpp"

using Catch::Contains;
namespace fs = std::filesystem;
using namespace cli_test;

namespace {

const std::string kTiny = quote((kSource / "scenarios" / "tiny.yaml").string());

/// `marketsim ARGS` with files limited to `kib` KiB (sh counts 512-byte blocks); SIGXFSZ is
/// ignored, so a write past the limit fails with EFBIG instead of killing the process.
Result limited(const TempDir& dir, int kib, const std::string& args) {
  return marketsim(dir, args, "trap '' XFSZ; ulimit -f " + std::to_string(kib * 2));
}

bool nothing_left(const fs::path& p) {
  std::error_code ec;
  return fs::symlink_status(p, ec).type() == fs::file_type::not_found;
}

}  // namespace

TEST_CASE("cli: a run whose output fills the disk exits 1 and removes its partial file",
          "[cli][output]") {
  TempDir dir;
  // The file passes the check before the run and fails while it is written (the tiny market
  // writes about 850 KB).
  const int kib = GENERATE(100, 400);
  INFO("file-size limit " << kib << " KiB");
  const Result r = limited(dir, kib, "run " + kTiny + " -o t.h5 --quiet");
  CHECK(r.code == 1);  // 139 was a crash in the HDF5 library's clean-up at exit
  CHECK_THAT(r.err, Contains("t.h5.partial") && Contains("(File too large)") &&
                        Contains("the unfinished file was removed"));
  CHECK_THAT(r.err, !Contains("internal error"));
  CHECK(nothing_left(dir / "t.h5"));
  CHECK(nothing_left(dir / "t.h5.partial"));
}

TEST_CASE("cli: an output on a full device exits 1 and removes what it began", "[cli][output]") {
  if (!fs::exists("/dev/full")) {
    WARN("no /dev/full here: skipped");
    return;
  }
  TempDir dir;
  // The partial file is a link to a device on which every write fails with ENOSPC.
  fs::create_symlink("/dev/full", dir / "t.h5.partial");
  Result r = marketsim(dir, "run " + kTiny + " -o t.h5 --quiet");
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Contains("No space left on device") && !Contains("internal error"));
  CHECK(nothing_left(dir / "t.h5"));
  CHECK(nothing_left(dir / "t.h5.partial"));

  // An experiment whose file cannot be created leaves no empty runs directory behind, which
  // would make the next attempt ask for --resume.
  std::ofstream(dir / "e.yaml") << slurp(kSource / "scenarios" / "tiny.yaml")
                                << "experiment: {replications: 2}\n";
  fs::create_symlink("/dev/full", dir / "e.h5.partial");
  r = marketsim(dir, "run e.yaml -o e.h5 --quiet");
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Contains("No space left on device"));
  CHECK(nothing_left(dir / "e.h5.partial"));
  CHECK(nothing_left(dir / "e.h5.runs"));
  CHECK(marketsim(dir, "run e.yaml -o e.h5 --quiet").code == 0);
}

TEST_CASE("cli: an experiment that fills the disk keeps its finished runs for --resume",
          "[cli][output]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << slurp(kSource / "scenarios" / "tiny.yaml")
                                << "experiment: {replications: 3}\n";
  // Each run file (about 500 KB) holds a run without labels; the experiment's file, with the
  // labelled runs and its tables (2.6 MB), is what breaks the limit.
  const Result r = limited(dir, 1200, "run e.yaml -o e.h5 --quiet --threads 1");
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Contains("(File too large)") && !Contains("internal error"));
  CHECK_THAT(r.err,
             Contains("2 of 3 runs are finished and kept in 'e.h5.runs'") && Contains("--resume"));
  CHECK(nothing_left(dir / "e.h5"));
  CHECK(nothing_left(dir / "e.h5.partial"));
  const Result resumed = marketsim(dir, "run e.yaml -o e.h5 --quiet --resume");
  CHECK(resumed.code == 0);
  CHECK(fs::exists(dir / "e.h5"));
}
