// Tests for the command line's own arguments: options the commands share, an option given
// before its command, and an option given without its value.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/cli/cli_harness.hpp"

#include "sim/hdf5_file.hpp"

using Catch::Contains;
using Catch::StartsWith;
namespace fs = std::filesystem;

using namespace cli_test;

namespace {

const fs::path kTiny = kSource / "scenarios" / "tiny.yaml";

}  // namespace

TEST_CASE("cli: validate takes --seed S as --set seed=S, as run does", "[cli]") {
  TempDir dir;
  const std::string tiny = quote(kTiny.string());
  const Result seed = marketsim(dir, "validate " + tiny + " --seed 5");
  CHECK(seed.code == 0);
  CHECK_THAT(seed.out, Contains("\nseed: 5\n"));
  const Result set = marketsim(dir, "validate " + tiny + " --set seed=5");
  CHECK(set.code == 0);
  CHECK(seed.out == set.out);
  // The same checks as run's: another seed beside it, or a seed that is not one, is refused.
  const Result both = marketsim(dir, "validate " + tiny + " --seed 5 --set seed=6");
  CHECK(both.code == 2);
  CHECK_THAT(both.err, Contains("--seed 5 and --set 'seed=6' both set the seed, to different "
                                "values; give one of them"));
  CHECK(both.out.empty());
  CHECK(marketsim(dir, "validate " + tiny + " --seed 5 --set seed=5.0").code == 0);
  // Past 2^53, two seeds that are the same double are still two seeds.
  const Result large =
      marketsim(dir, "validate " + tiny + " --seed 9007199254740993 --set seed=9007199254740992");
  CHECK(large.code == 2);
  CHECK_THAT(large.err, Contains("both set the seed, to different values"));
  const Result word = marketsim(dir, "validate " + tiny + " --seed five");
  CHECK(word.code == 2);
  CHECK_THAT(word.err, StartsWith("error: validate: --seed: got 'five', expected a whole number "
                                  "from 0 to 2^63 - 1"));
  CHECK(fs::is_empty(dir.path));
}

TEST_CASE("cli: an option of a command given before the command says where it goes", "[cli]") {
  TempDir dir;
  const std::string tiny = quote(kTiny.string());
  const Result threads = marketsim(dir, "--threads 1 run " + tiny + " -o out.h5 --quiet");
  CHECK(threads.code == 2);
  CHECK(threads.err ==
        "error: '--threads' is an option of run, not of marketsim itself: give it after the "
        "command, as in marketsim run ... --threads 1 (marketsim run --help lists its options)\n");
  // An option two commands have is named as the command given has it; a flag has no value.
  const Result set = marketsim(dir, "--set=seed=5 validate " + tiny);
  CHECK(set.code == 2);
  CHECK_THAT(set.err, Contains("'--set' is an option of validate, not of marketsim itself: give "
                               "it after the command, as in marketsim validate ... --set=seed=5"));
  CHECK(set.out.empty());
  const Result quiet = marketsim(dir, "-q run " + tiny + " -o out.h5");
  CHECK(quiet.code == 2);
  CHECK_THAT(quiet.err, Contains("'-q' is an option of run, not of marketsim itself: give it "
                                 "after the command, as in marketsim run ... -q (marketsim run"));
  // A flag takes no value: the word after it is not shown as one.
  const Result flag = marketsim(dir, "--force x.h5 summarize");
  CHECK(flag.code == 2);
  CHECK_THAT(flag.err, Contains("as in marketsim summarize ... --force (marketsim summarize"));
  // Without a command: every command that has it.
  const Result force = marketsim(dir, "--force");
  CHECK(force.code == 2);
  CHECK_THAT(force.err, Contains("'--force' is an option of run and summarize, not of marketsim "
                                 "itself: give it after the command, as in marketsim run ... "
                                 "--force"));
  // An option no command has is still named as not an option.
  const Result unknown = marketsim(dir, "--frobnicate run");
  CHECK(unknown.code == 2);
  CHECK_THAT(unknown.err, Contains("error: '--frobnicate' is not an option of marketsim or of any "
                                   "of its commands; marketsim's own are --help and --version, "
                                   "and a command's go after it (marketsim run --help lists "
                                   "them)") &&
                              !Contains("run: the following"));
  CHECK(fs::is_empty(dir.path));
}

TEST_CASE("cli: an option without its value says what it expects, in words", "[cli]") {
  TempDir dir;
  const std::string tiny = quote(kTiny.string());
  // Every option that takes a value, given last without one.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"run " + tiny + " -o",
       "run: --output (-o) needs a value: expected the HDF5 file to write, such as -o out.h5"},
      {"run " + tiny + " --output", "run: --output (-o) needs a value: expected the HDF5 file"},
      {"run " + tiny + " --threads",
       "run: --threads needs a value: expected a number of worker threads, a whole number "
       "from 1 to 1024"},
      {"run " + tiny + " --seed",
       "run: --seed needs a value: expected a whole number from 0 to 2^63 - 1"},
      {"run " + tiny + " --set",
       "run: --set needs a value: expected key.path=value, such as --set consumers=200000"},
      {"run " + tiny + " --part",
       "run: --part needs a value: expected K/N, part K of N parts, such as 2/4"},
      {"run " + tiny + " --block-size",
       "run: --block-size needs a value: expected a number of consumers, a whole number from "
       "64 to 16384"},
      {"validate " + tiny + " --set", "validate: --set needs a value: expected key.path=value"},
      {"validate " + tiny + " --seed",
       "validate: --seed needs a value: expected a whole number from 0 to 2^63 - 1"},
      {"summarize tiny.h5 --csv",
       "summarize: --csv needs a value: expected where to write the tables: a directory DIR/"},
      // Given twice, each time with a value: not a missing value.
      {"run " + tiny + " -o a.h5 -o b.h5",
       "run: --output (-o) was given more than once: give it once, as the HDF5 file to write"},
      {"summarize tiny.h5 --csv a/ --csv b/",
       "summarize: --csv was given more than once: give it once"},
      // A required argument not given at all.
      {"validate", "validate: no scenario was given: expected a scenario YAML file"},
      {"summarize",
       "summarize: no file was given: expected an HDF5 file written by marketsim "
       "run"},
  };
  for (const auto& [args, message] : cases) {
    INFO("marketsim " << args);
    const Result r = marketsim(dir, args);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, StartsWith("error: " + message));
    CHECK_THAT(r.err, Contains(" --help lists its options)\n") && !Contains("required") &&
                          !Contains("TEXT") && !Contains("INT"));
    CHECK(r.out.empty());
  }
  CHECK(fs::is_empty(dir.path));
}

TEST_CASE("cli: --seed S beside the same --set seed=S is recorded once", "[cli]") {
  TempDir dir;
  const std::string run = "run " + quote(kTiny.string()) + " --set steps=2 --set consumers=500";
  const auto overrides = [&](const std::string& file) {
    const msim::Hdf5Reader r((dir / file).string());
    CHECK(std::get<std::int64_t>(r.attribute("seed")) == 9);
    return std::get<std::string>(r.attribute("overrides"));
  };
  const Result both = marketsim(dir, run + " -o both.h5 --seed 9 --set seed=9");
  REQUIRE(both.code == 0);
  CHECK(overrides("both.h5") == "steps=2\nconsumers=500\nseed=9");
  CHECK_THAT(both.out, Contains("Changed from the scenario file on the command line: steps=2, "
                                "consumers=500, seed=9\n"));
  // --seed alone is recorded as the --set it is the same as; a --set seed= written otherwise
  // is kept as written, with --seed's beside it, which the file reruns the same.
  REQUIRE(marketsim(dir, run + " -o seed.h5 --quiet --seed 9").code == 0);
  CHECK(overrides("seed.h5") == "steps=2\nconsumers=500\nseed=9");
  REQUIRE(marketsim(dir, run + " -o real.h5 --quiet --seed 9 --set seed=9.0").code == 0);
  CHECK(overrides("real.h5") == "steps=2\nconsumers=500\nseed=9.0\nseed=9");
}
