// The niche strategy: one target segment, a product at its centre with a quality bonus, a
// premium price and all media aimed at the segment. It should lead its segment and stay small.
#include "models/strategies/niche.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/simulation.hpp"
#include "sim/recorder.hpp"
#include "strategy_scenarios.hpp"

using msim::Market;
using msim::Scenario;

namespace {

// Budgets are per consumer comparable to the default scenario's.
const std::string kFirms =
    "firms:\n"
    "  - {name: Big, strategy: mass, budget_per_year: 60000, markup: 0.25}\n"
    "  - {name: Variety, strategy: differentiated, budget_per_year: 50000, "
    "variant_fixed_cost_per_year: 1000}\n"
    "  - {name: Silver, strategy: niche, target: senior, budget_per_year: 12000}\n"
    "  - {name: Tailor, strategy: one_to_one, budget_per_year: 30000, "
    "crm_fixed_cost_per_year: 2000}\n";

}  // namespace

TEST_CASE("niche: all media on the target segment, product at its centre at a premium",
          "[strategies][niche]") {
  const Scenario sc = msim::test::load_market(msim::test::market_text(kFirms));
  Market market(sc);
  const std::size_t j = 2;
  const int target = sc.segment_index("senior");
  for (int t = 0; t < 3; ++t) {
    market.step();
    const msim::FirmPlan& plan = market.plans()[j];
    const double budget = sc.firms[j].budget_per_year / 52.0;
    INFO("step " << t);
    CHECK(plan.mass_spend == 0.0);
    CHECK(plan.direct_spend == 0.0);
    CHECK(plan.targeting_precision == 0.9);
    for (std::size_t s = 0; s < sc.segments.size(); ++s)
      CHECK(plan.targeted_spend[s] ==
            (static_cast<int>(s) == target ? Approx(budget).epsilon(1e-12) : Approx(0.0)));
    REQUIRE(plan.products.size() == sc.categories.size());
    for (const auto& p : plan.products) {
      CHECK(p.position.isApprox(sc.segments[static_cast<std::size_t>(target)].ideal_mean, 1e-12));
      CHECK(p.quality == Approx(sc.firms[j].quality + 0.5));
      CHECK(p.markup == 0.6);
    }
    CHECK(market.metrics().marketing_spend.firm[j] == Approx(budget).epsilon(1e-12));
  }
}

TEST_CASE("niche: leads its target segment but is small overall (fixed seed)",
          "[strategies][niche]") {
  // 30,000 consumers over 26 weekly steps, seed 99; shares averaged over the last 8 steps.
  const Scenario sc = msim::test::load_market(msim::test::market_text(kFirms, 30000, 26));
  msim::MemoryRecorder rec;
  msim::run_simulation(sc, rec);
  const std::size_t F = sc.firms.size(), niche = 2;
  const auto target = static_cast<std::size_t>(sc.segment_index("senior"));
  const auto& seg_share = rec.series("/segments/market_share");
  const auto& share = rec.series("/market/market_share");
  std::vector<double> in_target(F, 0.0), overall(F, 0.0);
  const std::size_t T = seg_share.size(), window = 8;
  for (std::size_t t = T - window; t < T; ++t)
    for (std::size_t j = 0; j < F; ++j) {
      in_target[j] += seg_share[t][target * F + j] / static_cast<double>(window);
      overall[j] += share[t][j] / static_cast<double>(window);
    }
  for (std::size_t j = 0; j < F; ++j)
    UNSCOPED_INFO(sc.firms[j].name << ": " << in_target[j] << " of the target segment, "
                                   << overall[j] << " overall");
  // Leads its segment...
  for (std::size_t j = 0; j < F; ++j)
    if (j != niche) CHECK(in_target[niche] > in_target[j]);
  CHECK(in_target[niche] > 0.3);
  // ...but is the smallest firm overall, well below its share of the segment.
  for (std::size_t j = 0; j < F; ++j)
    if (j != niche) CHECK(overall[niche] < overall[j]);
  CHECK(overall[niche] < 0.2);
  CHECK(overall[niche] < 0.5 * in_target[niche]);
  // It sells almost nothing outside its target.
  const auto& seg_units = rec.series("/segments/units");
  double inside = 0, outside = 0;
  for (std::size_t t = 0; t < T; ++t)
    for (std::size_t s = 0; s < sc.segments.size(); ++s)
      (s == target ? inside : outside) += seg_units[t][s * F + niche];
  CHECK(outside < 0.25 * inside);
}

TEST_CASE("niche: parameters are documented and checked", "[strategies][niche]") {
  const msim::StrategyInfo info = msim::niche_strategy();
  CHECK(info.name == "niche");
  std::vector<std::string> keys;
  for (const auto& p : info.params) keys.push_back(p.key);
  for (const char* key : {"target", "targeting_precision", "quality_bonus", "markup"})
    CHECK(std::find(keys.begin(), keys.end(), key) != keys.end());
  REQUIRE_THROWS_WITH(
      msim::test::load_market(
          msim::test::market_text("firms:\n  - {name: N, strategy: niche, budget_per_year: 1, "
                                  "target: seniors}\n")),
      Catch::Contains("firms.N.target") && Catch::Contains("did you mean 'senior'"));
}
