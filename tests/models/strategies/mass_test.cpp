// The mass strategy: one product per category for everyone, the whole budget on mass media.
#include "models/strategies/mass.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "strategy_scenarios.hpp"

using msim::Market;
using msim::Scenario;

namespace {

const std::string kFirms =
    "firms:\n"
    "  - {name: Big, strategy: mass, budget_per_year: 52000, markup: 0.25}\n"
    "  - {name: Placed, strategy: mass, budget_per_year: 5200, position: [1.0, -1.0], "
    "price: 2.5, categories: [drinks]}\n"
    "  - {name: Nichy, strategy: niche, target: senior, budget_per_year: 10000}\n";

}  // namespace

TEST_CASE("mass: the whole budget goes to mass media, one product per category at the mean",
          "[strategies][mass]") {
  const Scenario sc = msim::test::load_market(msim::test::market_text(kFirms));
  Market market(sc);
  for (int t = 0; t < 3; ++t) {
    market.step();
    INFO("step " << t);
    for (std::size_t j : {std::size_t{0}, std::size_t{1}}) {
      const msim::FirmPlan& plan = market.plans()[j];
      const double budget = sc.firms[j].budget_per_year / 52.0;
      INFO("firm " << sc.firms[j].name);
      CHECK(plan.mass_spend == Approx(budget).epsilon(1e-12));
      CHECK(std::accumulate(plan.targeted_spend.begin(), plan.targeted_spend.end(), 0.0) == 0.0);
      CHECK(plan.direct_spend == 0.0);
      CHECK_FALSE(plan.customized);
      REQUIRE(plan.products.size() == sc.firms[j].categories.size());
      for (std::size_t k = 0; k < plan.products.size(); ++k)
        CHECK(plan.products[k].category == sc.firms[j].categories[k]);
      // Recorded spend is exactly the budget: nothing depends on chance.
      CHECK(market.metrics().marketing_spend.firm[j] == Approx(budget).epsilon(1e-12));
    }
    const Eigen::VectorXd mean = sc.population_mean();
    for (const auto& p : market.plans()[0].products) {
      CHECK(p.position.isApprox(mean, 1e-12));
      CHECK(p.markup == 0.25);
      CHECK(p.fixed_price == 0.0);
      CHECK(p.quality == sc.firms[0].quality);
    }
    for (const auto& p : market.plans()[1].products) {
      CHECK(p.position[0] == 1.0);
      CHECK(p.position[1] == -1.0);
      CHECK(p.fixed_price == 2.5);
    }
  }
}

TEST_CASE("mass: prices are cost plus markup in cents, or the fixed price", "[strategies][mass]") {
  const Scenario sc = msim::test::load_market(msim::test::market_text(kFirms, 8000));
  Market market(sc);
  const std::size_t F = sc.firms.size();
  for (int t = 0; t < 5; ++t) {
    market.step();
    const auto& m = market.metrics();
    for (std::size_t c = 0; c < sc.categories.size(); ++c) {
      const std::size_t k = c * F + 0;
      const double expected =
          static_cast<double>(std::llround(m.unit_cost.by_category[k] * 1.25 * 100.0)) / 100.0;
      INFO("step " << t << ", category " << c);
      CHECK(m.price.by_category[k] == Approx(expected).epsilon(1e-12));
    }
    const std::size_t drinks = 1 * F + 1;
    CHECK(m.price.by_category[drinks] == Approx(2.5).epsilon(1e-12));
  }
}

TEST_CASE("mass: first-step awareness is 1 - exp(-reach) in every segment", "[strategies][mass]") {
  // No word of mouth and no initial awareness: awareness comes only from Poisson exposures with
  // mean 1000 * spend / CPM / N, the same in every segment.
  const Scenario sc = msim::test::load_market(
      msim::test::market_text(kFirms, 40000),
      {"market={outside_utility: -1.0, wom_rate: 0.0, initial_awareness: 0.0, cpm_mass: 10}"});
  Market market(sc);
  market.step();
  const std::size_t F = sc.firms.size();
  const double N = static_cast<double>(sc.consumers);
  for (std::size_t j : {std::size_t{0}, std::size_t{1}}) {
    const double reach = 1000.0 * sc.firms[j].budget_per_year / 52.0 / 10.0 / N;
    const double expected = 1.0 - std::exp(-reach);
    INFO("firm " << sc.firms[j].name << ": reach " << reach);
    CHECK(market.metrics().awareness.firm[j] ==
          Approx(expected).margin(4 * std::sqrt(expected * (1 - expected) / N)));
    for (std::size_t s = 0; s < sc.segments.size(); ++s) {
      double n_s = 0;
      for (auto seg : market.population().segment) n_s += seg == s ? 1 : 0;
      INFO("segment " << sc.segments[s].name);
      CHECK(market.metrics().segment_awareness[s * F + j] ==
            Approx(expected).margin(4 * std::sqrt(expected * (1 - expected) / n_s)));
    }
  }
}

TEST_CASE("mass: the strategy lists its parameters", "[strategies][mass]") {
  const msim::StrategyInfo info = msim::mass_strategy();
  CHECK(info.name == "mass");
  std::vector<std::string> keys;
  for (const auto& p : info.params) keys.push_back(p.key);
  CHECK(std::find(keys.begin(), keys.end(), "markup") != keys.end());
  CHECK(std::find(keys.begin(), keys.end(), "position") != keys.end());
  REQUIRE_THROWS_WITH(
      msim::test::load_market(msim::test::market_text(
          "firms:\n  - {name: Big, strategy: mass, budget_per_year: 1, position: [1, 2, 3]}\n")),
      Catch::Contains("firms.Big.position") && Catch::Contains("2 numbers"));
}

TEST_CASE("pricing: a fixed price under half a cent, or beside a markup, is refused",
          "[strategies][mass]") {
  using Catch::Contains;
  const auto firms = [](const std::string& keys) {
    return msim::test::market_text(
        "firms:\n  - {name: Big, strategy: mass, budget_per_year: "
        "52000" +
        keys + "}\n");
  };
  REQUIRE_THROWS_WITH(msim::test::load_market(firms(", price: 0.004")),
                      Contains("key 'firms.Big.price'") &&
                          Contains("a price of 0.004 rounds to 0.00") &&
                          Contains("expected at least 0.005, or 0 for cost-plus pricing"));
  REQUIRE_THROWS_WITH(msim::test::load_market(firms(", price: 2.5, markup: 0.3")),
                      Contains("key 'firms.Big.markup'") &&
                          Contains("also has a fixed price (2.5)") &&
                          Contains("give either price (a fixed price) or markup"));
  // Half a cent rounds to a cent; a markup with price 0 (cost-plus) is the usual pair.
  CHECK(msim::test::load_market(firms(", price: 0.005")).firms[0].budget_per_year == 52000);
  CHECK_NOTHROW(msim::test::load_market(firms(", price: 0, markup: 0.3")));
}
