// The differentiated strategy: a product per chosen segment and category, targeted media split
// by segment size, and a fixed cost for every variant.
#include "models/strategies/differentiated.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "sim/error.hpp"
#include "strategy_scenarios.hpp"

using msim::Market;
using msim::Scenario;

namespace {

const std::string kFirms =
    "firms:\n"
    "  - {name: Diff, strategy: differentiated, budget_per_year: 52000, "
    "variant_fixed_cost_per_year: 5200}\n"
    "  - {name: DiffSub, strategy: differentiated, budget_per_year: 26000, "
    "segments: [senior, family], categories: [snacks], variant_fixed_cost_per_year: 1040, "
    "targeting_precision: 0.7, fixed_cost_per_year: 520}\n"
    "  - {name: Big, strategy: mass, budget_per_year: 30000}\n";

std::vector<double> segment_sizes(const Market& m) {
  std::vector<double> n(m.scenario().segments.size(), 0.0);
  for (auto s : m.population().segment) n[s] += 1;
  return n;
}

}  // namespace

TEST_CASE("differentiated: one product per served segment and category, at the centre",
          "[strategies][differentiated]") {
  const Scenario sc = msim::test::load_market(msim::test::market_text(kFirms));
  Market market(sc);
  market.step();
  market.step();
  const std::vector<std::vector<int>> served = {{0, 1, 2}, {2, 1}};
  for (std::size_t j = 0; j < 2; ++j) {
    const msim::FirmPlan& plan = market.plans()[j];
    const auto& cats = sc.firms[j].categories;
    INFO("firm " << sc.firms[j].name);
    REQUIRE(plan.products.size() == served[j].size() * cats.size());
    for (int s : served[j])
      for (int c : cats) {
        const auto& centre = sc.segments[static_cast<std::size_t>(s)].ideal_mean;
        const auto n = std::count_if(
            plan.products.begin(), plan.products.end(),
            [&](const auto& p) { return p.category == c && p.position.isApprox(centre, 1e-12); });
        INFO("segment " << s << ", category " << c);
        CHECK(n == 1);
      }
    for (const auto& p : plan.products)
      CHECK(std::find(cats.begin(), cats.end(), p.category) != cats.end());
  }
}

TEST_CASE("differentiated: targeted spend split by segment size, nothing on mass media",
          "[strategies][differentiated]") {
  const Scenario sc = msim::test::load_market(msim::test::market_text(kFirms));
  Market market(sc);
  const std::vector<double> n = segment_sizes(market);
  const std::vector<std::vector<int>> served = {{0, 1, 2}, {2, 1}};
  const std::vector<double> precision = {0.8, 0.7};
  for (int t = 0; t < 3; ++t) {
    market.step();
    for (std::size_t j = 0; j < 2; ++j) {
      const msim::FirmPlan& plan = market.plans()[j];
      const double budget = sc.firms[j].budget_per_year / 52.0;
      double served_n = 0;
      for (int s : served[j]) served_n += n[static_cast<std::size_t>(s)];
      INFO("step " << t << ", firm " << sc.firms[j].name);
      CHECK(plan.mass_spend == 0.0);
      CHECK(plan.direct_spend == 0.0);
      CHECK(plan.targeting_precision == precision[j]);
      REQUIRE(plan.targeted_spend.size() == sc.segments.size());
      for (std::size_t s = 0; s < sc.segments.size(); ++s) {
        const bool is_served =
            std::find(served[j].begin(), served[j].end(), static_cast<int>(s)) != served[j].end();
        INFO("segment " << sc.segments[s].name);
        CHECK(plan.targeted_spend[s] ==
              Approx(is_served ? budget * n[s] / served_n : 0.0).epsilon(1e-12));
      }
      CHECK(std::accumulate(plan.targeted_spend.begin(), plan.targeted_spend.end(), 0.0) ==
            Approx(budget).epsilon(1e-12));
      CHECK(market.metrics().marketing_spend.firm[j] == Approx(budget).epsilon(1e-12));
    }
  }
}

TEST_CASE("differentiated: a fixed cost per variant, charged in profit",
          "[strategies][differentiated]") {
  const Scenario sc = msim::test::load_market(msim::test::market_text(kFirms));
  Market market(sc);
  const std::vector<double> variants = {6, 2};  // 3 segments x 2 categories; 2 x 1
  const std::vector<double> variant_cost = {5200, 1040};
  for (int t = 0; t < 4; ++t) {
    market.step();
    const auto& m = market.metrics();
    for (std::size_t j = 0; j < 2; ++j) {
      const msim::FirmPlan& plan = market.plans()[j];
      INFO("step " << t << ", firm " << sc.firms[j].name);
      CHECK(plan.fixed_cost == Approx(variants[j] * variant_cost[j] / 52.0).epsilon(1e-12));
      const double fixed = sc.firms[j].fixed_cost_per_year / 52.0 + plan.fixed_cost;
      const double expected = m.revenue.firm[j] - m.units.firm[j] * m.unit_cost.firm[j] - fixed -
                              m.marketing_spend.firm[j];
      CHECK(m.profit.firm[j] == Approx(expected).margin(1e-6));
    }
  }
}

TEST_CASE("differentiated: served segments see equal targeted reach, others only spill",
          "[strategies][differentiated]") {
  // First step, no word of mouth, no initial awareness: a segment's awareness of DiffSub is
  // 1 - exp(-reach), reach = precision * 1000 * budget / (CPM * consumers served) + spill.
  const Scenario sc = msim::test::load_market(
      msim::test::market_text(kFirms, 40000),
      {"market={outside_utility: -1.0, wom_rate: 0.0, initial_awareness: 0.0, cpm_targeted: 27}"});
  Market market(sc);
  const std::vector<double> n = segment_sizes(market);
  market.step();
  const std::size_t F = sc.firms.size(), j = 1;
  const double budget = sc.firms[j].budget_per_year / 52.0, N = static_cast<double>(sc.consumers);
  const double impressions = 1000.0 * budget / 27.0;
  const double spill = 0.3 * impressions / N;
  const double served_reach = 0.7 * impressions / (n[1] + n[2]) + spill;
  for (std::size_t s = 0; s < sc.segments.size(); ++s) {
    const double reach = s == 0 ? spill : served_reach;
    const double p = 1.0 - std::exp(-reach);
    INFO("segment " << sc.segments[s].name << ": reach " << reach);
    CHECK(market.metrics().segment_awareness[s * F + j] ==
          Approx(p).margin(4 * std::sqrt(p * (1 - p) / n[s])));
  }
}

TEST_CASE("differentiated: parameters are documented and checked", "[strategies][differentiated]") {
  const msim::StrategyInfo info = msim::differentiated_strategy();
  CHECK(info.name == "differentiated");
  std::vector<std::string> keys;
  for (const auto& p : info.params) keys.push_back(p.key);
  for (const char* key : {"segments", "variant_fixed_cost_per_year", "targeting_precision"})
    CHECK(std::find(keys.begin(), keys.end(), key) != keys.end());
  REQUIRE_THROWS_WITH(msim::test::load_market(msim::test::market_text(
                          "firms:\n  - {name: D, strategy: differentiated, budget_per_year: 1, "
                          "targeting_precision: 1.5}\n")),
                      Catch::Contains("firms.D.targeting_precision"));
}

// Regression: a segment listed twice used to be accepted, giving two identical variants (two
// variant fixed costs) and, since the duplicated segment's spend was assigned rather than
// added, half the budget unspent.
TEST_CASE("differentiated: a segment listed twice is rejected at load",
          "[strategies][differentiated]") {
  const std::string text = msim::test::market_text(
      "firms:\n  - {name: D, strategy: differentiated, budget_per_year: 5200, "
      "segments: [family, family]}\n");
  REQUIRE_THROWS_AS(msim::test::load_market(text), msim::InputError);
  REQUIRE_THROWS_WITH(msim::test::load_market(text), Catch::Contains("firms.D.segments") &&
                                                         Catch::Contains("'family'") &&
                                                         Catch::Contains("twice"));
}
