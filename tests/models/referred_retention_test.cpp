// Relationship metrics against the consumers' own records (models/kernel_records.hpp tallies,
// models/market_accounting.cpp relationship()): after each step, a consumer's `since` byte for a
// firm is 0 (never bought) or 1 + the steps since its last purchase, and its CRM byte carries the
// referral tag. Active customers bought within wom_window steps; a customer lapses in the step
// its since reaches wom_window + 1. Referred retention is 1 - referred lapses / referred
// customer-steps at risk, from wom_window steps after the step that first ended with an active
// referred customer (as `retention`, among referred customers only).
#include <cmath>
#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/population.hpp"
#include "models/scenario_load.hpp"

TEST_CASE(
    "relationship metrics: referred customers, their lapses and retention follow the "
    "consumers' records",
    "[relationship]") {
  const std::string text = R"(
name: referred retention
seed: 21
consumers: 4000
steps: 40
market: {outside_utility: -1.0, initial_awareness: 0.05, wom_window: 4}
categories:
  - {name: snacks, base_cost: 1.0, reference_volume: 500}
segments:
  - name: all
    share: 1
    ideal: {mean: [0, 0], sd: [0.8, 0.8]}
    purchase_rate: {snacks: {mean: 0.3}}
firms:
  - {name: Tailor, strategy: one_to_one, budget_per_year: 6000, crm_fixed_cost_per_year: 1000,
     referral_program: {multiplier: 3, reward: 1.0}}
  - {name: Big, strategy: mass, budget_per_year: 6000}
)";
  msim::Market market(msim::load_scenario_text(text, "referred.yaml"));
  const msim::Population& p = market.population();
  REQUIRE(p.crm_firms == 1);
  const std::uint32_t window = 4;
  double at_risk = 0.0, lost = 0.0, active_before = 0.0, lapses = 0.0;
  int first = -1;
  for (int t = 0; t < 40; ++t) {
    market.step();
    const msim::StepMetrics& m = market.metrics();
    double referred = 0.0, recent = 0.0, lapsed = 0.0, all_recent = 0.0, all_lapsed = 0.0;
    for (std::size_t i = 0; i < p.n; ++i) {
      const std::uint32_t since = p.since[i * p.lanes + 0];
      const bool now = since != 0 && since <= window, gone = since == window + 1;
      all_recent += now ? 1 : 0;
      all_lapsed += gone ? 1 : 0;
      if ((p.crm[i * p.crm_firms] & msim::kReferred) == 0) continue;
      referred += since != 0 ? 1 : 0;
      recent += now ? 1 : 0;
      lapsed += gone ? 1 : 0;
    }
    INFO("step " << t << ": " << referred << " referred customers, " << recent << " active, "
                 << lapsed << " lapsed");
    CHECK(m.active_customers.firm[0] == all_recent);
    CHECK(m.lost_customers.firm[0] == all_lapsed);
    CHECK(m.referred_customers.firm[0] == referred);
    if (first >= 0 && t >= first + static_cast<int>(window)) at_risk += active_before;
    lost += lapsed;
    lapses += lapsed;
    active_before = recent;
    if (first < 0 && recent > 0) first = t;
    if (at_risk > 0)
      CHECK(m.referred_retention.firm[0] == Approx(1.0 - lost / at_risk).epsilon(1e-12));
    else
      CHECK(std::isnan(m.referred_retention.firm[0]));
  }
  INFO("referred lapses over the run: " << lapses << ", customer-steps at risk " << at_risk);
  REQUIRE(lapses > 10);
  CHECK(market.metrics().referred_retention.firm[0] < 1.0);
}
