// When the system refuses to write (a full disk, a file-size limit), marketsim says why, exits 1
// without calling it an internal error, removes the unfinished output, and does not crash on
// the way out.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/cli/cli_harness.hpp"

using Catch::Contains;
namespace fs = std::filesystem;
using namespace cli_test;

namespace {

const std::string kTiny = quote((kSource / "scenarios" / "tiny.yaml").string());

/// `marketsim ARGS` with files limited to `kib` KiB (sh counts 512-byte blocks). marketsim ignores
/// SIGXFSZ itself, so a write past the limit fails with EFBIG instead of killing the process
/// (which would leave the partial file behind).
Result limited(const TempDir& dir, int kib, const std::string& args) {
  return marketsim(dir, args, "ulimit -f " + std::to_string(kib * 2));
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
  // writes about 160 KB).
  const int kib = GENERATE(40, 100);
  INFO("file-size limit " << kib << " KiB");
  const Result r = limited(dir, kib, "run " + kTiny + " -o t.h5 --quiet");
  CHECK(r.code == 1);  // 139 was a crash in the HDF5 library's clean-up at exit
  CHECK_THAT(r.err, Contains("t.h5.partial") && Contains("(File too large)") &&
                        Contains("ulimit -f") && Contains("the unfinished file was removed") &&
                        Contains("any earlier 't.h5' is as it was") && !Contains("HDF5 error"));
  CHECK_THAT(r.err, !Contains("internal error"));
  CHECK(nothing_left(dir / "t.h5"));
  CHECK(nothing_left(dir / "t.h5.partial"));
}

/// A file system of `kib` KiB mounted at `dir`/small while it lives (root only; mounted()
/// says whether that worked).
struct SmallDisk {
  fs::path path;
  explicit SmallDisk(const TempDir& dir, int kib) : path(dir / "small") {
    fs::create_directory(path);
    ok = std::system(("mount -t tmpfs -o size=" + std::to_string(kib) + "k tmpfs " +
                      quote(path.string()) + " 2>/dev/null")
                         .c_str()) == 0;
  }
  ~SmallDisk() {
    if (ok) (void)std::system(("umount " + quote(path.string())).c_str());
  }
  void grow(int kib) const {
    REQUIRE(
        std::system(("mount -o remount,size=" + std::to_string(kib) + "k " + quote(path.string()))
                        .c_str()) == 0);
  }
  bool mounted() const { return ok; }
  bool ok = false;
};

TEST_CASE("cli: an output on a full disk exits 1 and removes what it began", "[cli][output]") {
  TempDir dir;
  const SmallDisk disk(dir, 64);  // the tiny market writes about 160 KB, a run file 110 KB
  if (!disk.mounted()) {
    WARN("cannot mount a small file system here (not root?): skipped");
    return;
  }
  Result r = marketsim(dir, "run " + kTiny + " -o small/t.h5 --quiet");
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Contains("No space left on device") && Contains("the disk is full") &&
                        !Contains("internal error"));
  CHECK(nothing_left(disk.path / "t.h5"));
  CHECK(nothing_left(disk.path / "t.h5.partial"));

  // An experiment that finishes no run on the full disk leaves no empty runs directory behind,
  // which would make the next attempt ask for --resume.
  std::ofstream(dir / "e.yaml") << slurp(kSource / "scenarios" / "tiny.yaml")
                                << "experiment: {replications: 2}\n";
  r = marketsim(dir, "run e.yaml -o small/e.h5 --quiet");
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Contains("No space left on device"));
  CHECK(nothing_left(disk.path / "e.h5.partial"));
  CHECK(nothing_left(disk.path / "e.h5.runs"));
  disk.grow(16384);
  CHECK(marketsim(dir, "run e.yaml -o small/e.h5 --quiet").code == 0);
}

TEST_CASE("cli: a partial output that is a link to a device is refused, not written through",
          "[cli][output]") {
  TempDir dir;
  fs::create_symlink("/dev/full", dir / "t.h5.partial");
  const Result r = marketsim(dir, "run " + kTiny + " -o t.h5 --quiet --force");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("'t.h5.partial' is there and is not a regular file"));
  CHECK(fs::is_symlink(dir / "t.h5.partial"));
  CHECK(nothing_left(dir / "t.h5"));
}

TEST_CASE("cli: an experiment that fills the disk keeps its finished runs for --resume",
          "[cli][output]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << slurp(kSource / "scenarios" / "tiny.yaml")
                                << "experiment: {replications: 3}\n";
  // Each run file (about 110 KB) holds a run without labels; the experiment's file, with the
  // labelled runs (about 170 KB each) and its tables (530 KB in all), is what breaks the limit,
  // as the second run goes in.
  const Result r = limited(dir, 250, "run e.yaml -o e.h5 --quiet --threads 1");
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

TEST_CASE("cli: a partial output another run is writing is refused and left alone",
          "[cli][output]") {
  TempDir dir;
  const fs::path partial = dir / "t.h5.partial";
  std::ofstream(partial) << "another run's rows";
  const int fd = ::open(partial.c_str(), O_RDONLY | O_CLOEXEC);  // held as HDF5 holds it
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX) == 0);
  for (const char* force : {"", " --force"}) {
    const Result r = marketsim(dir, "run " + kTiny + " -o t.h5 --quiet" + force);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("'t.h5.partial' is being written by another process"));
  }
  ::close(fd);
  CHECK(slurp(partial) == "another run's rows");
  CHECK(nothing_left(dir / "t.h5"));
}

TEST_CASE("cli: an interrupted run's partial file is replaced only with --force", "[cli][output]") {
  TempDir dir;
  const fs::path partial = dir / "t.h5.partial";
  std::ofstream(partial) << "an interrupted run's rows";
  const Result kept = marketsim(dir, "run " + kTiny + " -o t.h5 --quiet");
  CHECK(kept.code == 2);
  CHECK_THAT(kept.err, Contains("'t.h5.partial' exists, left by a run that was interrupted") &&
                           Contains("--force"));
  CHECK(slurp(partial) == "an interrupted run's rows");
  const Result replaced = marketsim(dir, "run " + kTiny + " -o t.h5 --quiet --force");
  CHECK(replaced.code == 0);
  CHECK(fs::is_regular_file(dir / "t.h5"));
  CHECK(nothing_left(partial));
}

TEST_CASE("cli: a scenario file named like the partial output is refused even with --force",
          "[cli][output]") {
  TempDir dir;
  fs::copy_file(kSource / "scenarios" / "tiny.yaml", dir / "plan.h5.partial");
  const std::string before = slurp(dir / "plan.h5.partial");
  const Result r = marketsim(dir, "run plan.h5.partial -o plan.h5 --quiet --force");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("which is the scenario file itself"));
  CHECK(slurp(dir / "plan.h5.partial") == before);
  CHECK(nothing_left(dir / "plan.h5"));
}

TEST_CASE("cli: an output that is not a regular file is refused even with --force",
          "[cli][output]") {
  TempDir dir;
  // A pipe stands for a device such as /dev/null, which the finished run's rename would replace.
  REQUIRE(::mkfifo((dir / "pipe").c_str(), 0666) == 0);
  const Result r = marketsim(dir, "run " + kTiny + " -o pipe --quiet --force");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("is not a regular file"));
  CHECK(fs::is_fifo(dir / "pipe"));
  CHECK(nothing_left(dir / "pipe.partial"));
}

TEST_CASE("cli: printed output that cannot be written exits 1 and says so", "[cli][output]") {
  if (!fs::exists("/dev/full")) {
    WARN("no /dev/full here: skipped");
    return;
  }
  TempDir dir;
  REQUIRE(marketsim(dir, "run " + kTiny + " -o t.h5 --quiet").code == 0);
  for (const std::string& command :
       {"validate " + kTiny, std::string("summarize t.h5"), std::string("strategies")}) {
    INFO(command);
    const fs::path err = dir / "err";
    const int status = std::system(("cd " + quote(dir.path.string()) + " && " + quote(kBinary) +
                                    " " + command + " >/dev/full 2>" + quote(err.string()))
                                       .c_str());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);  // it was 0 (or 1 as an internal error)
    CHECK_THAT(slurp(err), Contains("cannot write the standard output (No space left on device)") &&
                               !Contains("internal error"));
  }
}

TEST_CASE("cli: summarize --csv that the system refuses exits 1 and leaves the tables as they were",
          "[cli][output]") {
  TempDir dir;
  REQUIRE(marketsim(dir, "run " + kTiny + " -o t.h5 --quiet").code == 0);
  // The tables of a finished run as they were, and a limit that market.csv (about 11 KB) passes
  // while summary.csv and years.csv fit.
  REQUIRE(marketsim(dir, "summarize t.h5 --csv old/").code == 0);
  std::vector<std::string> before;
  for (const char* table : {"summary", "market", "categories", "years", "columns"})
    before.push_back(slurp(dir / "old" / (std::string(table) + ".csv")));
  for (const std::string target : {"new/", "old/"}) {
    INFO(target);
    const Result r = limited(dir, 8, "summarize t.h5 --csv " + target + " --force");
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Contains("error: cannot write '" + target +
                               "market.csv.partial' (File too "
                               "large)") &&
                          !Contains("internal error"));
    // No table is half written, and none replaces its old one unless all are written.
    for (const char* table : {"summary", "market", "categories", "years", "columns"}) {
      CHECK(nothing_left(dir / target / (std::string(table) + ".csv.partial")));
      if (target == "new/") CHECK(nothing_left(dir / target / (std::string(table) + ".csv")));
    }
  }
  std::vector<std::string> after;
  for (const char* table : {"summary", "market", "categories", "years", "columns"})
    after.push_back(slurp(dir / "old" / (std::string(table) + ".csv")));
  CHECK(after == before);
}

TEST_CASE("cli: summarize --csv on a full disk removes the directories it made", "[cli][output]") {
  TempDir dir;
  REQUIRE(marketsim(dir, "run " + kTiny + " -o good.h5 --quiet --set steps=4").code == 0);
  const SmallDisk disk(dir, 300);
  if (!disk.mounted()) {
    WARN("cannot mount a small file system here (not root?): skipped");
    return;
  }
  std::ofstream(disk.path / "filler", std::ios::binary) << std::string(290000, '\0');
  const std::string target = GENERATE(std::string("small/csv2/"), std::string("small/a/b/"));
  INFO(target);
  const Result r = marketsim(dir, "summarize good.h5 --csv " + target);
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Contains("No space left on device") && !Contains("internal error"));
  CHECK(nothing_left(disk.path / "csv2"));
  CHECK(nothing_left(disk.path / "a"));
  CHECK(fs::exists(disk.path / "filler"));
}
