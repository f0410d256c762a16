// scenarios/research/segmentation_research.yaml shows what its README says: a firm that learned
// the segments from a small, noisy study sells less than one that knows them, a big precise
// study closes the gap, and the study's price is a fixed cost in week 0 and nothing else.
// Margins are well inside the gaps measured at the time of writing (quoted beside them).
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/recorder.hpp"

namespace {

namespace fs = std::filesystem;

/// The last row of /market/<metric> and the sum of /market/units, for KnownCo (0), SurveyCo (1).
struct Result {
  std::vector<double> share, profit, units;
};

Result run(const std::vector<std::string>& overrides = {}) {
  const msim::Scenario sc = msim::load_scenario_file(
      (fs::path(MARKETSIM_SOURCE_DIR) / "scenarios" / "research" / "segmentation_research.yaml")
          .string(),
      overrides);
  REQUIRE(sc.firms[1].name == "SurveyCo");
  msim::MemoryRecorder rec;
  msim::run_simulation(sc, rec);
  Result r{rec.series("/market/market_share").back(),
           rec.series("/market/cumulative_profit").back(),
           {0.0, 0.0}};
  for (const auto& row : rec.series("/market/units"))
    for (std::size_t j = 0; j < 2; ++j) r.units[j] += row[j];
  return r;
}

}  // namespace

TEST_CASE("research scenario: a small noisy study costs share, a big precise one does not",
          "[validation][research]") {
  const Result base = run();
  INFO("shipped: KnownCo " << base.share[0] << ", SurveyCo " << base.share[1]);
  // Measured 61.8% against 38.2%, and 347.5k against 211.1k.
  CHECK(base.share[0] >= base.share[1] + 0.12);
  CHECK(base.profit[0] >= base.profit[1] + 60000.0);

  const Result big = run({"firms.SurveyCo.segmentation.sample_size=2000",
                          "firms.SurveyCo.segmentation.noise_sd=0.2"});
  INFO("big study: KnownCo " << big.share[0] << ", SurveyCo " << big.share[1]);
  // Measured 50.3% against 49.7%.
  CHECK(std::abs(big.share[0] - big.share[1]) <= 0.04);

  // The study's price is a fixed cost in week 0: free, it leaves sales alone and adds 5,000.
  const Result free = run({"firms.SurveyCo.segmentation.cost_per_study=0"});
  CHECK(free.units == base.units);
  CHECK(free.profit[1] - base.profit[1] == Approx(5000.0).epsilon(1e-9));
  CHECK(free.profit[0] == base.profit[0]);
}
