// The money and ratios models/market_accounting.cpp records, against their definitions
// (DESIGN.md §1 "Costs and economics" and "What is recorded"; the descriptions in
// models/metrics.cpp), recomputed step by step from the other recorded figures: profit with
// every cost, ROI with the programs' rewards in its money (overall and by category), purchases
// per buyer since step 0, base products at the plain unit cost, the units-weighted durability
// and the replacement share.
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/metrics.hpp"
#include "models/scenario_load.hpp"

using Catch::Detail::Approx;

namespace {

// Tailor pays loyalty and referral rewards on top of its budget; fixed costs per step are
// Tailor (520 + 1040) / 52 = 30 and Big 2600 / 52 = 50.
const std::string kPrograms = R"(
name: accounting
seed: 11
consumers: 4000
steps: 20
steps_per_year: 52
market: {outside_utility: -1.0, initial_awareness: 0.05}
categories:
  - {name: snacks, base_cost: 1.0, reference_volume: 500}
  - {name: drinks, base_cost: 0.8, reference_volume: 500}
segments:
  - name: all
    share: 1
    ideal: {mean: [0, 0], sd: [0.5, 0.5]}
    purchase_rate: {snacks: {mean: 0.5}, drinks: {mean: 0.3}}
firms:
  - {name: Tailor, strategy: one_to_one, budget_per_year: 4000, fixed_cost_per_year: 520,
     crm_fixed_cost_per_year: 1040, loyalty_program: {every: 3, reward: 0.5},
     referral_program: {multiplier: 2, reward: 1.25}}
  - {name: Big, strategy: mass, budget_per_year: 8000, fixed_cost_per_year: 2600}
)";
constexpr std::size_t kFirms = 2, kCategories = 2;
const std::vector<double> kFixedPerStep = {30.0, 50.0};

/// Every step's metrics of the programs market with these overrides.
std::vector<msim::StepMetrics> run_programs(const std::vector<std::string>& overrides = {}) {
  msim::Market market(msim::load_scenario_text(kPrograms, "accounting.yaml", overrides));
  std::vector<msim::StepMetrics> out;
  for (int t = 0; t < 20; ++t) {
    market.step();
    out.push_back(market.metrics());
  }
  return out;
}

/// a == b within a relative 1e-9 (sums of money in another order).
bool close(double a, double b) {
  return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b));
}

}  // namespace

TEST_CASE("market accounting: profit subtracts variable and fixed costs, spend and rewards",
          "[accounting]") {
  const auto s = run_programs();
  double loyalty = 0.0, referral = 0.0;
  for (std::size_t t = 0; t < s.size(); ++t)
    for (std::size_t j = 0; j < kFirms; ++j) {
      INFO("step " << t << ", firm " << j);
      const msim::StepMetrics& m = s[t];
      const double expected = m.revenue.firm[j] - m.units.firm[j] * m.unit_cost.firm[j] -
                              kFixedPerStep[j] - m.marketing_spend.firm[j] -
                              m.loyalty_cost.firm[j] - m.referral_cost.firm[j];
      CHECK(close(m.profit.firm[j], expected));
      // The fixed costs are recorded too: the firm's, its strategy's (Tailor's CRM).
      CHECK(close(m.fixed_cost.firm[j], kFixedPerStep[j]));
      // By category, the firm-wide costs are allocated by revenue (evenly when nothing sold);
      // the rewards' split is recorded as loyalty_cost and referral_cost by category.
      for (std::size_t c = 0; c < kCategories; ++c) {
        const std::size_t k = c * kFirms + j;
        const double share = m.revenue.firm[j] > 0 ? m.revenue.by_category[k] / m.revenue.firm[j]
                                                   : 1.0 / static_cast<double>(kCategories);
        const double in_category = m.revenue.by_category[k] -
                                   m.units.by_category[k] * m.unit_cost.by_category[k] -
                                   kFixedPerStep[j] * share - m.marketing_spend.by_category[k] -
                                   m.loyalty_cost.by_category[k] - m.referral_cost.by_category[k];
        INFO("category " << c);
        CHECK(close(m.profit.by_category[k], in_category));
        CHECK(close(m.fixed_cost.by_category[k], kFixedPerStep[j] * share));
      }
      if (j == 0) {
        loyalty += m.loyalty_cost.firm[j];
        referral += m.referral_cost.firm[j];
      }
    }
  INFO("Tailor's rewards: loyalty " << loyalty << ", referral " << referral);
  REQUIRE(loyalty > 0);  // the rewards are there to be subtracted
  REQUIRE(referral > 0);
}

TEST_CASE(
    "market accounting: ROI's money is marketing spend plus the programs' rewards, "
    "overall and by category",
    "[accounting]") {
  const auto s = run_programs();
  std::vector<double> money(kFirms, 0.0), money_c(kCategories * kFirms, 0.0);
  std::vector<double> spend_only_c(kCategories * kFirms, 0.0);
  bool differs = false;  // rewards move ROI by category somewhere
  for (std::size_t t = 0; t < s.size(); ++t) {
    const msim::StepMetrics& m = s[t];
    for (std::size_t j = 0; j < kFirms; ++j) {
      INFO("step " << t << ", firm " << j);
      money[j] += m.marketing_spend.firm[j] + m.loyalty_cost.firm[j] + m.referral_cost.firm[j];
      REQUIRE(money[j] >= msim::kMinRoiSpend);
      CHECK(close(m.roi.firm[j], m.cumulative_profit.firm[j] / money[j]));
      for (std::size_t c = 0; c < kCategories; ++c) {
        const std::size_t k = c * kFirms + j;
        INFO("category " << c);
        money_c[k] += m.marketing_spend.by_category[k] + m.loyalty_cost.by_category[k] +
                      m.referral_cost.by_category[k];
        spend_only_c[k] += m.marketing_spend.by_category[k];
        REQUIRE(money_c[k] >= msim::kMinRoiSpend);
        const double roi = m.cumulative_profit.by_category[k] / money_c[k];
        CHECK(close(m.roi.by_category[k], roi));
        differs |= !close(roi, m.cumulative_profit.by_category[k] / spend_only_c[k]);
      }
    }
  }
  CHECK(differs);
}

TEST_CASE(
    "market accounting: purchases per buyer are units since step 0 per customer since "
    "step 0",
    "[accounting]") {
  const auto s = run_programs();
  std::vector<double> units(kFirms, 0.0), units_c(kCategories * kFirms, 0.0);
  for (std::size_t t = 0; t < s.size(); ++t) {
    const msim::StepMetrics& m = s[t];
    for (std::size_t j = 0; j < kFirms; ++j) {
      INFO("step " << t << ", firm " << j);
      units[j] += m.units.firm[j];
      REQUIRE(m.customers.firm[j] > 0);
      CHECK(m.purchases_per_buyer.firm[j] == Approx(units[j] / m.customers.firm[j]));
      for (std::size_t c = 0; c < kCategories; ++c) {
        const std::size_t k = c * kFirms + j;
        INFO("category " << c);
        units_c[k] += m.units.by_category[k];
        REQUIRE(m.customers.by_category[k] > 0);
        CHECK(m.purchases_per_buyer.by_category[k] ==
              Approx(units_c[k] / m.customers.by_category[k]));
      }
    }
  }
  // Repeat buying: more than one purchase per buyer by the end.
  CHECK(s.back().purchases_per_buyer.firm[0] > 1.5);
}

TEST_CASE(
    "market accounting: a one-to-one firm whose buyers all opted out sells base products at "
    "the plain unit cost",
    "[accounting]") {
  // Nobody can be profiled, so no offer is customised and no unit carries the premium, though
  // the list price is set on the customised cost. No experience curve: the plain cost is the
  // base cost.
  const auto s = run_programs({"segments.all.privacy_opt_out=1", "firms.Tailor.custom_premium=0.6",
                               "categories.snacks.reference_volume=1e12",
                               "categories.drinks.reference_volume=1e12"});
  const std::vector<double> base = {1.0, 0.8};
  double sold = 0.0;
  for (std::size_t t = 0; t < s.size(); ++t)
    for (std::size_t c = 0; c < kCategories; ++c) {
      INFO("step " << t << ", category " << c);
      const std::size_t k = c * kFirms + 0;
      sold += s[t].units.by_category[k];
      if (s[t].units.by_category[k] > 0)
        CHECK(s[t].unit_cost.by_category[k] == Approx(base[c]).epsilon(1e-12));
      // The price is on the customised cost: base * (1 + 0.6 / (1 + 2)) * (1 + markup 0.4).
      const double price = static_cast<double>(std::llround(base[c] * 1.2 * 1.4 * 100)) / 100;
      CHECK(s[t].price.by_category[k] == Approx(price).epsilon(1e-12));
    }
  REQUIRE(sold > 100);
}

namespace {

// Kettles last about a step (Weibull scale 1, shape 20: they fail at age 1 or 2), fridges 40.
const std::string kDurables = R"(
name: durables
seed: 5
consumers: 3000
steps: 12
market: {outside_utility: -1.0, initial_awareness: 0.5}
categories:
  - {name: kettle, kind: durable, base_cost: 2.0, lifetime: {shape: 20, scale: 1}}
  - {name: fridge, kind: durable, base_cost: 5.0, lifetime: {shape: 2, scale: 40}}
segments:
  - name: all
    share: 1
    ideal: {mean: [0, 0], sd: [0.5, 0.5]}
    purchase_rate: {kettle: {mean: 0.4}, fridge: {mean: 0.05}}
firms:
  - {name: Maker, strategy: mass, budget_per_year: 20000}
)";

}  // namespace

TEST_CASE(
    "market accounting: overall durability is the mean over durable categories weighted by "
    "units",
    "[accounting][durables]") {
  // Kettles last about a step (scale 1), fridges 40: the firm's figure is nearer the category
  // that sells more units, and the plain mean (20.5) while nothing sells.
  msim::Market market(msim::load_scenario_text(kDurables, "durables.yaml"));
  bool unequal = false;
  for (int t = 0; t < 12; ++t) {
    market.step();
    const msim::StepMetrics& m = market.metrics();
    const double kettles = m.units.by_category[0], fridges = m.units.by_category[1];
    INFO("step " << t << ": " << kettles << " kettles, " << fridges << " fridges");
    CHECK(m.durability.by_category[0] == 1.0);
    CHECK(m.durability.by_category[1] == 40.0);
    const double expected =
        kettles + fridges > 0 ? (kettles * 1.0 + fridges * 40.0) / (kettles + fridges) : 20.5;
    CHECK(m.durability.firm[0] == Approx(expected).epsilon(1e-12));
    unequal |= kettles > 0 && fridges > 0 && kettles != fridges;
  }
  REQUIRE(unequal);  // the weights matter
}

TEST_CASE(
    "market accounting: replacement share is replacements over the units sold, by category "
    "and overall",
    "[accounting][durables]") {
  msim::Market market(msim::load_scenario_text(kDurables, "durables.yaml"));
  double replaced = 0.0;
  for (int t = 0; t < 12; ++t) {
    market.step();
    const msim::StepMetrics& m = market.metrics();
    INFO("step " << t);
    for (std::size_t c = 0; c < 2; ++c) {
      INFO("category " << c << ": " << m.replacements.by_category[c] << " replacements of "
                       << m.units.by_category[c] << " units");
      const double units = m.units.by_category[c];
      CHECK(m.replacement_share.by_category[c] ==
            Approx(units > 0 ? m.replacements.by_category[c] / units : 0.0).epsilon(1e-12));
      replaced += c == 0 ? m.replacements.by_category[c] : 0.0;
    }
    const double units = m.units.firm[0];
    CHECK(m.replacements.firm[0] == m.replacements.by_category[0] + m.replacements.by_category[1]);
    CHECK(m.replacement_share.firm[0] ==
          Approx(units > 0 ? m.replacements.firm[0] / units : 0.0).epsilon(1e-12));
  }
  REQUIRE(replaced > 50);  // kettles fail and are replaced every step or two
}

TEST_CASE("market accounting: CLV's margin is after variable costs and the programs' rewards",
          "[accounting]") {
  // CLV = m * r / (1 + i - r) (models/market_accounting.cpp relationship(); DESIGN.md §1): m
  // the yearly margin per customer, (revenue - variable costs - rewards) since step 0 over the
  // active customer-steps, times the steps per year; r the recorded retention per step to the
  // power of the steps per year; i the yearly discount rate (default 0.1). A window of 4 steps,
  // so that lapses, and so retention, are seen within the run's 20.
  const auto s = run_programs({"market.wom_window=4"});
  std::vector<double> contribution(kFirms, 0.0), customer_steps(kFirms, 0.0);
  std::size_t defined = 0;
  for (std::size_t t = 0; t < s.size(); ++t) {
    const msim::StepMetrics& m = s[t];
    for (std::size_t j = 0; j < kFirms; ++j) {
      INFO("step " << t << ", firm " << j);
      contribution[j] += m.revenue.firm[j] - m.units.firm[j] * m.unit_cost.firm[j] -
                         m.loyalty_cost.firm[j] - m.referral_cost.firm[j];
      customer_steps[j] += m.active_customers.firm[j];
      const double retention = m.retention.firm[j];
      if (std::isnan(retention)) {
        CHECK(std::isnan(m.clv.firm[j]));
        continue;
      }
      const double margin = contribution[j] / customer_steps[j] * 52.0;
      const double r = std::pow(retention, 52.0);
      CHECK(close(m.clv.firm[j], margin * r / (1.0 + 0.1 - r)));
      ++defined;
    }
  }
  REQUIRE(defined > 20);  // CLV was checked, for both firms, in most steps
}
