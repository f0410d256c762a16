#include <catch2/catch.hpp>

#include <vector>

#include "models/choice.hpp"
#include "models/market.hpp"
#include "models/scenario_load.hpp"

TEST_CASE("sample_logit picks by cumulative exp-utility", "[choice]") {
  const float ev[] = {1.0f, 2.0f, 1.0f};
  // total 5 with outside 1: [0, 0.2) outside, [0.2, 0.4) first, [0.4, 0.8) second, rest third
  CHECK(msim::sample_logit(ev, 3, 1.0, 0.1) == -1);
  CHECK(msim::sample_logit(ev, 3, 1.0, 0.3) == 0);
  CHECK(msim::sample_logit(ev, 3, 1.0, 0.5) == 1);
  CHECK(msim::sample_logit(ev, 3, 1.0, 0.9) == 2);
  CHECK(msim::sample_logit(ev, 0, 1.0, 0.9) == -1);
}

TEST_CASE("choice keeps price differences when utilities are far from zero", "[choice]") {
  // Laptop-like prices: price * sensitivity is about 500 utility units, far below where a plain
  // exp underflows. The cheaper firm must still win, and buying must beat an outside option
  // that is worse still.
  const std::string text = R"(
name: expensive goods
seed: 5
consumers: 20000
steps: 2
market: {outside_utility: -600, initial_awareness: 1.0, wom_rate: 0}
categories: [{name: laptop, kind: consumable, base_cost: 500, reference_volume: 1e12}]
segments:
  - {name: all, share: 1.0, ideal: {mean: [0, 0], sd: [0, 0]},
     price_sensitivity: {mean: 1.0, sd: 0}, purchase_rate: {laptop: {mean: 0.5}}}
firms:
  - {name: Cheap, strategy: mass, budget_per_year: 0, price: 500}
  - {name: Dear, strategy: mass, budget_per_year: 0, price: 501}
)";
  const msim::Scenario sc = msim::load_scenario_text(text, "expensive.yaml");
  msim::Market market(sc);
  market.step();
  const auto& units = market.metrics().units.firm;
  INFO("Cheap " << units[0] << ", Dear " << units[1]);
  REQUIRE(units[0] + units[1] > 0);
  // P(Cheap) / P(Dear) = e^1: Cheap's share of purchases is e / (1 + e) = 0.731.
  const double share = units[0] / (units[0] + units[1]);
  const double n = units[0] + units[1];
  CHECK(share == Approx(0.7311).margin(4 * std::sqrt(0.7311 * 0.2689 / n)));
}
