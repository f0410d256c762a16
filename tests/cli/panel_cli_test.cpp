// `output.panel` on the command line: a panel larger than the population, or negative, is bad
// input (exit 2, the file, line, key, value and what was expected, nothing written); a good
// one writes /panel.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "tests/cli/cli_harness.hpp"

#include "sim/hdf5_file.hpp"

using Catch::Contains;
namespace fs = std::filesystem;

using namespace cli_test;

namespace {

const fs::path kTiny = kSource / "scenarios" / "tiny.yaml";

void require_nothing_written(const TempDir& dir) {
  CHECK_FALSE(fs::exists(dir / "out.h5"));
  CHECK_FALSE(fs::exists(dir / "out.h5.partial"));
  CHECK_FALSE(fs::exists(dir / "tiny.h5"));  // the scenario's own output.path
}

}  // namespace

TEST_CASE("cli: a panel larger than the population exits 2, naming file, line and key",
          "[cli][panel]") {
  TempDir dir;
  std::string text = slurp(kTiny);
  const std::string output = "output: {path: tiny.h5}";
  REQUIRE(text.find(output) != std::string::npos);
  text.replace(text.find(output), output.size(),
               "output:\n  path: tiny.h5\n  panel: {size: 20001}");
  std::ofstream(dir / "big.yaml") << text;
  for (const std::string cmd : {"run big.yaml -o out.h5 --quiet", "validate big.yaml"}) {
    INFO(cmd);
    const Result r = marketsim(dir, cmd);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("big.yaml:") && Contains("output.panel.size") && Contains("20001") &&
                          Contains("at most the number of consumers (20000)"));
    require_nothing_written(dir);
  }
}

TEST_CASE("cli: a bad --set output.panel.size exits 2 and writes nothing", "[cli][panel]") {
  TempDir dir;
  const std::string tiny = quote(kTiny.string());
  const Result negative =
      marketsim(dir, "run " + tiny + " -o out.h5 --quiet --set output.panel.size=-1");
  CHECK(negative.code == 2);
  CHECK_THAT(negative.err, Contains("output.panel.size") && Contains("-1"));
  require_nothing_written(dir);

  const Result above = marketsim(
      dir, "run " + tiny + " -o out.h5 --quiet --set consumers=500 --set output.panel.size=501");
  CHECK(above.code == 2);
  CHECK_THAT(above.err, Contains("output.panel.size") && Contains("501") &&
                            Contains("at most the number of consumers (500)"));
  require_nothing_written(dir);

  const Result fraction =
      marketsim(dir, "run " + tiny + " -o out.h5 --quiet --set output.panel.size=2.5");
  CHECK(fraction.code == 2);
  CHECK_THAT(fraction.err, Contains("output.panel.size"));
  require_nothing_written(dir);
}

TEST_CASE("cli: run --set output.panel.size=N writes /panel with N members", "[cli][panel]") {
  TempDir dir;
  const Result r =
      marketsim(dir, "run " + quote(kTiny.string()) +
                         " -o out.h5 --quiet --set steps=4 --set output.panel.size=800");
  REQUIRE(r.code == 0);
  const msim::Hdf5Reader in((dir / "out.h5").string());
  CHECK(std::get<std::int64_t>(in.attribute("size", "/panel")) == 800);
  CHECK(in.integers("/panel/members/consumer").size() == 800);
  const auto steps = in.integers("/panel/purchases/step");
  CHECK(steps.size() > 800);
  CHECK(in.table("/panel/purchases/price").values.size() == steps.size());
  CHECK(in.string_attribute("/panel/purchases/price", "units") == "money per unit");
  CHECK(in.table("/panel/members/ideal").shape == std::vector<std::size_t>{800, 2});
  CHECK(in.string_attribute("/panel/members/ideal", "units") == "preference space");
  CHECK_THAT(in.text("/scenario"), Contains("size: 800"));
}
