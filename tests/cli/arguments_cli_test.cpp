// Tests for the command line's own arguments: options the commands share, an option given
// before its command, and an option given without its value.
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "tests/cli/cli_harness.hpp"

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
  const Result word = marketsim(dir, "validate " + tiny + " --seed five");
  CHECK(word.code == 2);
  CHECK_THAT(word.err, StartsWith("error: validate: --seed: got 'five', expected a whole number "
                                  "from 0 to 2^63 - 1"));
  CHECK(fs::is_empty(dir.path));
}
