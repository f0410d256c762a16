// Every shipped scenario (every *.yaml under scenarios/, found at test time) loads, round-trips
// through resolved YAML, and runs a few steps with finite metrics and some sales.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/recorder.hpp"
#include "tests/undefined_metrics.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kScenarios = fs::path(MARKETSIM_SOURCE_DIR) / "scenarios";

/// Paths of the shipped scenarios relative to scenarios/, sorted.
std::vector<std::string> shipped() {
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(kScenarios))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml")
      out.push_back(fs::relative(entry.path(), kScenarios).generic_string());
  std::sort(out.begin(), out.end());
  return out;
}

// Small and short, so every scenario stays fast on a 2-core CI machine.
const std::vector<std::string> kFast = {"steps=5", "consumers=20000"};

}  // namespace

TEST_CASE("scenarios/ holds the default and tiny scenarios", "[scenarios]") {
  const auto files = shipped();
  CHECK(std::find(files.begin(), files.end(), "default.yaml") != files.end());
  CHECK(std::find(files.begin(), files.end(), "tiny.yaml") != files.end());
}

TEST_CASE("every shipped scenario loads and round-trips through resolved YAML", "[scenarios]") {
  const std::string file = GENERATE(from_range(shipped()));
  INFO("scenarios/" << file);
  const msim::Scenario sc = msim::load_scenario_file((kScenarios / file).string());
  CHECK_FALSE(sc.firms.empty());
  const std::string yaml = msim::resolved_yaml(sc);
  CHECK(msim::resolved_yaml(msim::load_scenario_text(yaml, file + " (resolved)")) == yaml);
}

TEST_CASE("every shipped scenario runs 5 steps with finite metrics and some sales", "[scenarios]") {
  const std::string file = GENERATE(from_range(shipped()));
  INFO("scenarios/" << file);
  const msim::Scenario sc = msim::load_scenario_file((kScenarios / file).string(), kFast);
  REQUIRE(sc.steps == 5);
  // A file written at a `scale` simulates 20,000 x scale consumers (consumers_in_file is 20,000).
  REQUIRE(sc.consumers_in_file == 20000);
  REQUIRE(sc.consumers == std::llround(20000 * sc.scale));
  msim::MemoryRecorder rec;
  const msim::RunReport report = msim::run_simulation(sc, rec);
  CHECK(report.complete);
  CHECK(report.steps_done == 5);
  CHECK(rec.complete());

  std::size_t non_finite = 0;
  for (std::size_t k = 0; k < rec.layout().series.size(); ++k) {
    REQUIRE(rec.rows()[k].size() == 5);
    const std::string& path = rec.layout().series[k].path;
    INFO(path);
    for (const auto& row : rec.rows()[k])
      for (double v : row) {
        non_finite +=
            std::isfinite(v) || (std::isnan(v) && msim::test::undefined_until_seen(path)) ? 0 : 1;
      }
  }
  CHECK(non_finite == 0);

  double units = 0.0;
  for (const auto& row : rec.series("/market/units"))
    for (double u : row) units += u;
  INFO("units sold in 5 steps: " << units);
  CHECK(units > 0);
  for (const auto& row : rec.series("/market/market_share"))
    for (double s : row) {
      CHECK(s >= 0.0);
      CHECK(s <= 1.0);
    }
}
