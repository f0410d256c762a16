// The adaptive strategy: targeted media split shifted towards the segments where money sells,
// and what a branched run keeps of that learning.
#include "models/strategies/adaptive.hpp"

#include <numeric>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/scenario_load.hpp"
#include "models/strategy.hpp"

namespace {

const std::string kScenario =
    std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/textbook/adaptive_ab.yaml";

/// A view of ZoomAde (firm 0) in which athletes buy ten times what the others buy per money.
msim::MarketView view_of(const msim::Scenario& sc, std::int64_t step) {
  msim::MarketView v{sc, 0, 0, 0.0, {}, {}, {}, {}, {}, {}, {}, 0.0, {}};
  v.step = step;
  v.firm = 0;
  v.budget = 100.0;
  const std::size_t S = sc.segments.size(), C = sc.categories.size(), F = sc.firms.size();
  v.segment_consumers.assign(S, 1000.0);
  v.segment_centres.assign(S, std::vector<double>(2, 0.0));
  v.population_mean = Eigen::VectorXd::Zero(2);
  v.market_share.assign(F, 0.0);
  v.awareness.assign(S, std::vector<double>(F, 0.0));
  v.unit_cost.assign(C, std::vector<double>(F, 1.0));
  v.price.assign(C, std::vector<double>(F, 0.0));
  v.segment_units = {100.0, 10.0, 10.0};
  return v;
}

/// Plans `steps` steps from `from` and returns the last plan's targeted spend.
std::vector<double> run(msim::Strategy& s, const msim::Scenario& sc, std::int64_t from,
                        std::int64_t steps) {
  msim::FirmPlan plan;
  for (std::int64_t t = from; t < from + steps; ++t) {
    plan = msim::FirmPlan{};
    plan.targeted_spend.assign(sc.segments.size(), 0.0);
    s.plan(view_of(sc, t), plan);
  }
  return plan.targeted_spend;
}

}  // namespace

TEST_CASE("adaptive: the split moves towards the segment that sells, the budget is spent",
          "[strategies][adaptive]") {
  const msim::Scenario sc = msim::load_scenario_file(kScenario);
  auto s = sc.firms[0].prototype->clone();
  const auto first = run(*s, sc, 0, 1);
  CHECK(first[0] == Approx(first[1]));  // an even split before the first review
  const auto later = run(*s, sc, 1, 12);
  CHECK(later[0] > 2 * later[1]);
  CHECK(later[1] == Approx(later[2]));
  CHECK(std::accumulate(later.begin(), later.end(), 0.0) == Approx(100.0));
}

TEST_CASE("adaptive: a branch that changes its parameters keeps what it learned",
          "[strategies][adaptive][branch]") {
  const msim::Scenario sc = msim::load_scenario_file(kScenario);
  const msim::Scenario dearer = msim::load_scenario_file(kScenario, {"firms.ZoomAde.markup=0.6"});
  auto history = sc.firms[0].prototype->clone();
  run(*history, sc, 0, 10);
  auto kept = history->clone();  // the run as it would go on unchanged
  auto fresh = dearer.firms[0].prototype->clone();
  auto taken_over = dearer.firms[0].prototype->clone();
  taken_over->continue_from(*history);
  const auto expected = run(*kept, sc, 10, 3);
  CHECK(run(*taken_over, dearer, 10, 3) == expected);
  CHECK(run(*fresh, dearer, 10, 3) != expected);  // without it, the split starts even again
  // Another strategy has nothing to take over: the fresh start stands.
  auto other = dearer.firms[1].prototype->clone();
  CHECK_NOTHROW(other->continue_from(*history));
}
