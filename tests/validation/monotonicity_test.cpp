// DESIGN.md §5.7 (monotonicity): more budget never lowers awareness, all else fixed. Runs that
// differ only in a budget share their random numbers (common random numbers, DESIGN.md §2), so
// the comparison is made per step, exactly (no tolerance): awareness is a count of consumers
// divided by N, and the higher-budget run's count must be >= the lower-budget run's at every
// step.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/recorder.hpp"

namespace {

// Two segments with different tastes, default word of mouth, loyalty and goodwill; a 26-week
// run. With N = 20000 and cpm_mass 10, a budget of B per year is B / 52 per step, i.e. a mean of
// B / 10400 exposures per consumer per step: the budgets below double from 100 (0.01 exposures,
// ~6-15% awareness after 26 weeks) to 3200 (0.31 exposures, ~99%), where awareness is far from
// saturated, and end with 52000 (5 exposures, everyone aware from step 1).
const char* const kBase = R"(
name: monotonicity
seed: 2718
consumers: 20000
steps: 26
steps_per_year: 52
market: {outside_utility: -0.5}
categories:
  - {name: cereal, kind: consumable, base_cost: 1.0}
segments:
  - name: young
    share: 0.6
    ideal: {mean: [0.5, 0.2], sd: [0.6, 0.4]}
    price_sensitivity: {mean: 1.0, sd: 0.3}
    purchase_rate: {cereal: {mean: 0.4, shape: 0.8}}
  - name: old
    share: 0.4
    ideal: {mean: [-0.5, -0.3], sd: [0.4, 0.4]}
    price_sensitivity: {mean: 1.4, sd: 0.3}
    purchase_rate: {cereal: {mean: 0.6, shape: 1.5}}
)";

const std::vector<double> kBudgets = {0, 100, 200, 400, 800, 1600, 3200, 52000};

struct Series {
  std::vector<std::vector<double>> firm;     // /market/awareness [T][F]
  std::vector<std::vector<double>> segment;  // /segments/awareness [T][S*F]
};

Series run(const std::string& yaml, const std::vector<std::string>& overrides) {
  const msim::Scenario sc = msim::load_scenario_text(yaml, "monotonicity.yaml", overrides);
  msim::MemoryRecorder rec;
  msim::run_simulation(sc, rec);
  return {rec.series("/market/awareness"), rec.series("/segments/awareness")};
}

/// Runs `yaml` with firm `name`'s budget set to each of kBudgets and checks that its awareness
/// (overall and in every segment) never falls as the budget rises, at any step.
void check_monotone(const std::string& yaml, const std::string& name, std::size_t firm,
                    std::size_t firms, std::size_t segments) {
  std::vector<Series> runs;
  for (double b : kBudgets)
    runs.push_back(run(yaml, {fmt::format("firms.{}.budget_per_year={}", name, b)}));
  for (std::size_t r = 1; r < runs.size(); ++r) {
    const Series& lo = runs[r - 1];
    const Series& hi = runs[r];
    for (std::size_t t = 0; t < lo.firm.size(); ++t) {
      INFO(fmt::format("firm {}: budget {} vs {} at step {}: awareness {:.5f} vs {:.5f}", name,
                       kBudgets[r - 1], kBudgets[r], t, lo.firm[t][firm], hi.firm[t][firm]));
      CHECK(hi.firm[t][firm] >= lo.firm[t][firm]);
      for (std::size_t s = 0; s < segments; ++s) {
        INFO(fmt::format("segment {}: {:.5f} vs {:.5f}", s, lo.segment[t][s * firms + firm],
                         hi.segment[t][s * firms + firm]));
        CHECK(hi.segment[t][s * firms + firm] >= lo.segment[t][s * firms + firm]);
      }
    }
  }
  // The test has teeth: the largest budget gives clearly more awareness than none.
  CHECK(runs.back().firm.back()[firm] > runs.front().firm.back()[firm] + 0.1);
}

}  // namespace

TEST_CASE("monotonicity: one firm's awareness never falls as its budget rises",
          "[validation][monotonicity]") {
  const std::string yaml = std::string(kBase) + R"(
firms:
  - {name: Solo, strategy: mass, budget_per_year: 0, quality: 1.5}
)";
  check_monotone(yaml, "Solo", 0, 1, 2);
}

TEST_CASE("monotonicity: with a competitor, raising a firm's budget never lowers its awareness",
          "[validation][monotonicity]") {
  // Firm order matters to the logit sampler (lanes::sample, models/kernel_lanes.hpp), so raise the
  // budget of the first firm and, separately, of the second.
  const std::string yaml = std::string(kBase) + R"(
firms:
  - {name: First, strategy: mass, budget_per_year: 10400, quality: 1.5, position: [0.5, 0.2]}
  - {name: Second, strategy: mass, budget_per_year: 10400, quality: 1.5, position: [-0.5, -0.3]}
)";
  SECTION("first firm's budget varies") {
    check_monotone(yaml, "First", 0, 2, 2);
  }
  SECTION("second firm's budget varies") {
    check_monotone(yaml, "Second", 1, 2, 2);
  }
}

TEST_CASE("monotonicity: each of the four strategies' awareness never falls as its budget rises",
          "[validation][monotonicity]") {
  // The firm whose budget varies follows the strategy; its rival is mass marketing with a fixed
  // budget. Differentiated and niche firms aim targeted media at segments, one-to-one spends on
  // direct contacts to the customers it knows and on media to find them.
  const std::string strategy =
      GENERATE(as<std::string>{}, "mass", "differentiated", "niche", "one_to_one");
  const std::string yaml =
      std::string(kBase) + fmt::format(R"(
firms:
  - {{name: Varied, strategy: {}, budget_per_year: 0, quality: 1.5{}}}
  - {{name: Rival, strategy: mass, budget_per_year: 10400, quality: 1.5, position: [0, 0]}}
)",
                                       strategy, strategy == "niche" ? ", target: old" : "");
  INFO("strategy " << strategy);
  check_monotone(yaml, "Varied", 0, 2, 2);
}
