// The .partial file an earlier run left at the output's temporary name: a finished one (stopped
// between its last write and its rename) is never replaced, even with --force; an interrupted
// one says how far it got; a damaged one says it cannot be read.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <hdf5.h>
#include <catch2/catch.hpp>

#include "tests/cli/cli_harness.hpp"

using Catch::Contains;
namespace fs = std::filesystem;
using namespace cli_test;

namespace {

const std::string kTiny = quote((kSource / "scenarios" / "tiny.yaml").string());

/// Sets the root attribute `name` (int64) of the HDF5 file `path`, as a run that got so far would.
void set_attribute(const fs::path& path, const char* name, std::int64_t value) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(file >= 0);
  const hid_t attr = H5Aopen(file, name, H5P_DEFAULT);
  REQUIRE(attr >= 0);
  CHECK(H5Awrite(attr, H5T_NATIVE_INT64, &value) >= 0);
  H5Aclose(attr);
  H5Fclose(file);
}

/// `dir`/NAME, a finished run of tiny.yaml (`extra` added to its command line).
fs::path finished_run(const TempDir& dir, const std::string& name, const std::string& extra = "") {
  const Result r = marketsim(dir, "run " + kTiny + " -o " + name + " --quiet " + extra);
  INFO(r.err);
  REQUIRE(r.code == 0);
  return dir / name;
}

}  // namespace

TEST_CASE("cli: a finished run left under its partial name is kept, even with --force",
          "[cli][output]") {
  TempDir dir;
  fs::rename(finished_run(dir, "done.h5", "--set steps=3"), dir / "k.h5.partial");
  const std::string before = slurp(dir / "k.h5.partial");
  for (const char* force : {"", " --force"}) {
    const Result r = marketsim(dir, "run " + kTiny + " -o k.h5 --quiet" + force);
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("'k.h5.partial' is a finished run (3 of 3 steps, complete=1), "
                               "whose rename to 'k.h5' did not happen") &&
                          Contains("mv 'k.h5.partial' 'k.h5'") &&
                          Contains("refused even with --force"));
    CHECK_FALSE(fs::exists(dir / "k.h5"));
  }
  CHECK(slurp(dir / "k.h5.partial") == before);
  // With an output there, the advice says that the rename replaces it.
  std::ofstream(dir / "k.h5") << "an older result";
  const Result r = marketsim(dir, "run " + kTiny + " -o k.h5 --quiet --force");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("(which replaces the 'k.h5' there)"));
  CHECK(slurp(dir / "k.h5") == "an older result");
  CHECK(slurp(dir / "k.h5.partial") == before);
}

TEST_CASE("cli: a finished experiment left under its partial name is kept, even with --force",
          "[cli][output]") {
  TempDir dir;
  fs::rename(finished_run(dir, "done.h5",
                          "--set experiment.replications=2 --set steps=2 --set consumers=2000"),
             dir / "e.h5.partial");
  const Result r = marketsim(dir, "run " + kTiny +
                                      " -o e.h5 --quiet --force --set experiment.replications=2 "
                                      "--set steps=2 --set consumers=2000");
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("'e.h5.partial' is a finished experiment of 2 runs (complete=1)") &&
                        Contains("mv 'e.h5.partial' 'e.h5'"));
  CHECK(fs::exists(dir / "e.h5.partial"));
  CHECK_FALSE(fs::exists(dir / "e.h5"));
}

TEST_CASE("cli: an interrupted run's partial file says how far it got", "[cli][output]") {
  TempDir dir;
  const fs::path partial = dir / "k.h5.partial";
  fs::rename(finished_run(dir, "done.h5", "--set steps=5"), partial);
  set_attribute(partial, "complete", 0);
  set_attribute(partial, "steps_done", 2);
  const Result kept = marketsim(dir, "run " + kTiny + " -o k.h5 --quiet");
  CHECK(kept.code == 2);
  CHECK_THAT(kept.err, Contains("'k.h5.partial' exists, left by a run that was interrupted or "
                                "failed (its steps so far: 2 of 5 steps, complete=0)") &&
                           Contains("--force to replace it"));
  CHECK(fs::exists(partial));
  const Result replaced = marketsim(dir, "run " + kTiny + " -o k.h5 --quiet --force");
  CHECK(replaced.code == 0);
  CHECK(fs::exists(dir / "k.h5"));
  CHECK_FALSE(fs::exists(partial));
}

TEST_CASE("cli: a damaged partial file says it cannot be read, and --force replaces it",
          "[cli][output]") {
  TempDir dir;
  const fs::path partial = dir / "k.h5.partial";
  const std::string run = slurp(finished_run(dir, "done.h5"));
  std::ofstream(partial, std::ios::binary) << run.substr(0, 512);  // cut short
  const Result kept = marketsim(dir, "run " + kTiny + " -o k.h5 --quiet");
  CHECK(kept.code == 2);
  CHECK_THAT(kept.err, Contains("'k.h5.partial' exists, left by a run that was interrupted or "
                                "failed, perhaps, and cannot be read: ") &&
                           Contains("--force to replace it"));
  CHECK(slurp(partial) == run.substr(0, 512));
  const Result replaced = marketsim(dir, "run " + kTiny + " -o k.h5 --quiet --force");
  CHECK(replaced.code == 0);
  CHECK_FALSE(fs::exists(partial));
}
