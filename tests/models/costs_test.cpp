// Economies of scope (DESIGN.md §1 Costs): the customisation premium is divided by one plus
// the number of categories the firm sells in.
#include "models/costs.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/scenario_load.hpp"

using Catch::Detail::Approx;

TEST_CASE("unit cost: the customisation premium falls with the categories served", "[costs]") {
  double previous = msim::unit_cost(10.0, 0.85, 100.0, 0.0, 0.6, 0);
  CHECK(previous == Approx(16.0));  // no scope discount: the whole premium
  for (int scope = 1; scope <= 8; ++scope) {
    const double cost = msim::unit_cost(10.0, 0.85, 100.0, 0.0, 0.6, scope);
    INFO(scope << " categories");
    CHECK(cost == Approx(10.0 * (1.0 + 0.6 / (1.0 + scope))).epsilon(1e-12));
    CHECK(cost < previous);
    previous = cost;
  }
  // Without customisation, scope changes nothing.
  CHECK(msim::unit_cost(10.0, 0.85, 100.0, 0.0, 0.0, 1) ==
        msim::unit_cost(10.0, 0.85, 100.0, 0.0, 0.0, 5));
}

TEST_CASE("market: a one-to-one firm in more categories pays a smaller premium per unit",
          "[costs]") {
  // Firms without a budget sell nothing, so the recorded unit cost is that of a customised
  // unit: base * (1 + 0.6 / (1 + categories)).
  const std::string yaml = R"(
name: scope
consumers: 1000
steps: 1
categories:
  - {name: shirts, base_cost: 10.0, reference_volume: 1.0e9}
  - {name: trousers, base_cost: 12.0, reference_volume: 1.0e9}
  - {name: jackets, base_cost: 30.0, reference_volume: 1.0e9}
segments:
  - {name: all, share: 1, ideal: {mean: [0, 0], sd: [1, 1]}, purchase_rate: {shirts: {mean: 0.1}}}
firms:
  - {name: One, strategy: one_to_one, budget_per_year: 0, custom_premium: 0.6, categories: [shirts]}
  - {name: Two, strategy: one_to_one, budget_per_year: 0, custom_premium: 0.6, categories: [shirts, trousers]}
  - {name: Three, strategy: one_to_one, budget_per_year: 0, custom_premium: 0.6}
)";
  msim::Market m(msim::load_scenario_text(yaml, "scope.yaml"));
  m.step();
  const auto& cost = m.metrics().unit_cost.by_category;  // [C * F], category-major
  const std::size_t F = 3;
  REQUIRE(m.metrics().units.firm == std::vector<double>{0.0, 0.0, 0.0});
  CHECK(cost[0 * F + 0] == Approx(10.0 * (1.0 + 0.6 / 2.0)));
  CHECK(cost[0 * F + 1] == Approx(10.0 * (1.0 + 0.6 / 3.0)));
  CHECK(cost[0 * F + 2] == Approx(10.0 * (1.0 + 0.6 / 4.0)));
  CHECK(cost[2 * F + 2] == Approx(30.0 * (1.0 + 0.6 / 4.0)));
}
