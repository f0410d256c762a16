// The one_to_one strategy's relationship programs (loyalty, referral, cross-selling, retention
// offers) and the relationship metrics (share of wallet, churn, retention, CLV), on the small
// two-category market of the strategy tests. Variants differ only in one key, so they share
// their random numbers and the comparisons are paired.
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "strategy_scenarios.hpp"

using msim::Market;
using msim::Scenario;
using msim::StepMetrics;

namespace {

// Tailor (firm 0) against a mass marketer. Low budgets keep awareness partial, so word of
// mouth (and with it referral) matters.
const std::string kFirms =
    "firms:\n"
    "  - {name: Tailor, strategy: one_to_one, budget_per_year: 6000, "
    "crm_fixed_cost_per_year: 1000}\n"
    "  - {name: Big, strategy: mass, budget_per_year: 6000}\n";
constexpr std::size_t kTailor = 0;

/// Every step's metrics of the market with these overrides.
std::vector<StepMetrics> run(const std::vector<std::string>& overrides, std::int64_t steps = 40,
                             std::optional<Market>* out = nullptr) {
  const Scenario sc =
      msim::test::load_market(msim::test::market_text(kFirms, 6000, steps), overrides);
  Market market(sc);
  std::vector<StepMetrics> series;
  for (std::int64_t t = 0; t < steps; ++t) {
    market.step();
    series.push_back(market.metrics());
  }
  if (out != nullptr) out->emplace(market);
  return series;
}

double total(const std::vector<StepMetrics>& s, msim::FirmMetric StepMetrics::*m,
             std::size_t j = kTailor) {
  double sum = 0;
  for (const auto& step : s) sum += (step.*m).firm[j];
  return sum;
}

}  // namespace

TEST_CASE("programs: a loyalty program pays whole rewards and wins repeat purchases",
          "[strategies][programs]") {
  const auto off = run({});
  const auto on = run({"firms.Tailor.loyalty_program={every: 4, reward: 1.5}"});
  const double cost = total(on, &StepMetrics::loyalty_cost);
  REQUIRE(cost > 0);
  CHECK(total(off, &StepMetrics::loyalty_cost) == 0);
  // Whole rewards only, and no more than one per `every` units sold.
  const double rewards = cost / 1.5;
  CHECK(rewards == Approx(std::round(rewards)).margin(1e-6));
  CHECK(rewards <= total(on, &StepMetrics::units) / 4.0);
  // Members count reward / every into the price: Tailor's share of its buyers' requirements
  // rises (paired runs; the effect is several points, far above noise).
  CHECK(on.back().customer_share.firm[kTailor] > off.back().customer_share.firm[kTailor] + 0.01);
  // By category, the cost is split by revenue and adds up to the firm's.
  for (const auto& step : on) {
    const double split = step.loyalty_cost.by_category[0 * 2 + kTailor] +
                         step.loyalty_cost.by_category[1 * 2 + kTailor];
    CHECK(split == Approx(step.loyalty_cost.firm[kTailor]).margin(1e-9));
  }
}

TEST_CASE("programs: referral tags referred customers, never opted-out ones, and pays per "
          "referred first purchase",
          "[strategies][programs]") {
  std::optional<Market> market;
  const auto off = run({});
  const auto on =
      run({"firms.Tailor.referral_program={multiplier: 3, reward: 2.0}"}, 40, &market);
  CHECK(total(off, &StepMetrics::referral_cost) == 0);
  CHECK(off.back().referred_customers.firm[kTailor] == 0);
  const double referred = on.back().referred_customers.firm[kTailor];
  const double paid = total(on, &StepMetrics::referral_cost) / 2.0;
  INFO("referred customers " << referred << ", referred first purchases " << paid);
  REQUIRE(referred > 50);
  CHECK(paid == Approx(std::round(paid)).margin(1e-6));
  CHECK(paid > 0);
  CHECK(paid <= referred + total(on, &StepMetrics::lost_customers));
  // More word of mouth brings more customers.
  CHECK(on.back().customers.firm[kTailor] > off.back().customers.firm[kTailor]);
  // Referred retention is a retention rate like the overall one.
  CHECK(on.back().referred_retention.firm[kTailor] > 0.5);
  CHECK(on.back().referred_retention.firm[kTailor] <= 1.0);
  // No opted-out consumer is tagged or profiled.
  const msim::Population& p = market->population();
  std::size_t tagged = 0;
  for (std::size_t i = 0; i < p.n; ++i) {
    const std::uint8_t b = p.crm[i * p.crm_firms];
    tagged += (b & msim::kReferred) != 0 ? 1 : 0;
    if ((p.flags[i] & msim::kOptOut) != 0) REQUIRE(b == 0);
  }
  CHECK(tagged >= static_cast<std::size_t>(referred));
}

TEST_CASE("programs: without cross-selling, profiles customise only where the customer bought",
          "[strategies][programs]") {
  const auto with = run({});
  const auto without = run({"firms.Tailor.cross_selling=false"});
  // Customised offers in the category a profiled customer has not bought yet are what
  // cross-selling adds: Tailor sells more across categories with it.
  const std::size_t F = 2;
  double drinks_with = 0, drinks_without = 0;
  for (const auto& s : with) drinks_with += s.units.by_category[1 * F + kTailor];
  for (const auto& s : without) drinks_without += s.units.by_category[1 * F + kTailor];
  INFO("drinks units with " << drinks_with << ", without " << drinks_without);
  CHECK(total(with, &StepMetrics::units) > total(without, &StepMetrics::units));
  CHECK(with.back().share_of_wallet.firm[kTailor] > without.back().share_of_wallet.firm[kTailor]);
}

TEST_CASE("programs: retention offers win back lapsing customers at a discount",
          "[strategies][programs]") {
  const std::vector<std::string> window = {"market.wom_window=8"};
  auto with_offers = window;
  with_offers.push_back("firms.Tailor.retention_offer={after_steps: 4, discount: 0.3}");
  const auto off = run(window, 60);
  const auto on = run(with_offers, 60);
  const double offers = total(on, &StepMetrics::retention_offers);
  INFO("units on retention offers " << offers);
  REQUIRE(offers > 0);
  CHECK(total(off, &StepMetrics::retention_offers) == 0);
  CHECK(total(on, &StepMetrics::lost_customers) < total(off, &StepMetrics::lost_customers));
  // Discounted units lower the average price paid.
  CHECK(total(on, &StepMetrics::revenue) / total(on, &StepMetrics::units) <
        total(off, &StepMetrics::revenue) / total(off, &StepMetrics::units));
}

TEST_CASE("relationship metrics: churn, retention and CLV follow their definitions",
          "[strategies][programs]") {
  const auto s = run({"market.wom_window=6", "market.discount_rate_per_year=0.08"}, 50);
  double at_risk = 0, lost = 0, contribution = 0, customer_steps = 0;
  std::size_t first = s.size();  // the first step that ended with an active customer
  for (std::size_t t = 0; t < s.size(); ++t) {
    for (std::size_t j = 0; j < 2; ++j) {
      const double share = s[t].share_of_wallet.firm[j];
      CHECK(share >= 0.0);
      CHECK(share <= 1.0);
    }
    const auto& m = s[t];
    const double active_before = t > 0 ? s[t - 1].active_customers.firm[kTailor] : 0.0;
    CHECK(m.churn.firm[kTailor] ==
          Approx(active_before > 0 ? m.lost_customers.firm[kTailor] / active_before : 0.0));
    // At risk from wom_window (6) steps after the first customer on: no lapse before that.
    if (t >= first + 6) at_risk += active_before;
    if (first == s.size() && m.active_customers.firm[kTailor] > 0) first = t;
    if (t < first + 6) {
      CHECK(m.lost_customers.firm[kTailor] == 0.0);
      CHECK(std::isnan(m.retention.firm[kTailor]));
      CHECK(std::isnan(m.clv.firm[kTailor]));
    } else {
      CHECK(m.retention.firm[kTailor] ==
            Approx(1.0 - (lost + m.lost_customers.firm[kTailor]) / at_risk));
    }
    lost += m.lost_customers.firm[kTailor];
    contribution += m.revenue.firm[kTailor] - m.unit_cost.firm[kTailor] * m.units.firm[kTailor] -
                    m.loyalty_cost.firm[kTailor] - m.referral_cost.firm[kTailor];
    customer_steps += m.active_customers.firm[kTailor];
  }
  REQUIRE(lost > 0);
  const double retention = 1.0 - lost / at_risk;
  CHECK(s.back().retention.firm[kTailor] == Approx(retention).epsilon(1e-12));
  // CLV = margin * r / (1 + i - r): yearly margin per active customer, yearly retention.
  const double margin = contribution / customer_steps * 52.0;
  const double r = std::pow(retention, 52.0);
  CHECK(s.back().clv.firm[kTailor] == Approx(margin * r / (1.08 - r)).epsilon(1e-9));
}

TEST_CASE("relationship metrics: a window of 254 steps counts every past customer, as 255 does",
          "[strategies][programs]") {
  // The steps since a purchase are kept in a byte up to 253: a window of 254 once counted a
  // customer lapsed in every step after its lapse (254 lapses over 300 steps, not 1).
  const auto at = [](const char* window) {
    return run({std::string("market.wom_window=") + window}, 300);
  };
  const auto w253 = at("253"), w254 = at("254"), w255 = at("255");
  CHECK(total(w254, &StepMetrics::lost_customers) == 0.0);
  CHECK(std::isnan(w254.back().retention.firm[kTailor]));
  for (std::size_t t = 0; t < w254.size(); ++t)
    CHECK(w254[t].active_customers.firm[kTailor] == w255[t].active_customers.firm[kTailor]);
  // With 253, a customer lapses once, 253 steps after its last purchase.
  const double lapsed = total(w253, &StepMetrics::lost_customers);
  INFO("lapses with a window of 253: " << lapsed);
  CHECK(lapsed > 0);
  CHECK(lapsed < w253.back().customers.firm[kTailor]);
}

TEST_CASE("programs: a privacy shock erases the profiles of those who opt out",
          "[strategies][programs]") {
  std::optional<Market> market;
  run({"firms.Tailor.referral_program={multiplier: 3, reward: 1}",
       "shocks=[{step: 20, kind: opt_out, fraction: 0.5}]"},
      25, &market);
  const msim::Population& p = market->population();
  std::size_t opted_out = 0, profiled = 0;
  for (std::size_t i = 0; i < p.n; ++i) {
    const std::uint8_t b = p.crm[i * p.crm_firms];
    if ((p.flags[i] & msim::kOptOut) != 0) {
      ++opted_out;
      REQUIRE(b == 0);  // no depth, no referral tag
    } else {
      profiled += (b & msim::kDepthMask) != 0 ? 1 : 0;
    }
  }
  // Half of those who had not opted out do so at step 20; profiles remain for the others.
  CHECK(opted_out > p.n / 2);
  CHECK(profiled > 100);
}

TEST_CASE(
    "relationship metrics: CLV is undefined, not infinite, when nobody lapses and nothing "
    "is discounted",
    "[strategies][programs]") {
  // A monopolist whose customers all buy every step never loses one: retention 1. With a
  // discount rate of 0, margin x r / (1 + i - r) divided by 0 (CLV printed "infB").
  const Scenario sc = msim::load_scenario_text(R"(
name: endless customers
seed: 1
consumers: 2000
steps: 12
market: {outside_utility: -100, initial_awareness: 1.0, wom_window: 3, discount_rate_per_year: 0}
categories:
  - {name: c, kind: consumable, base_cost: 1.0}
segments:
  - {name: all, share: 1, ideal: {mean: [0, 0], sd: [0.1, 0.1]},
     price_sensitivity: {mean: 1.0, sd: 0}, purchase_rate: {c: {mean: 8, shape: 1000}}}
firms:
  - {name: A, strategy: mass, budget_per_year: 1000, markup: 0.5}
)",
                                               "endless.yaml");
  Market market(sc);
  std::size_t retained = 0;
  for (int t = 0; t < 12; ++t) {
    market.step();
    const double retention = market.metrics().retention.firm[0];
    const double clv = market.metrics().clv.firm[0];
    INFO("step " << t << ": retention " << retention << ", CLV " << clv);
    CHECK_FALSE(std::isinf(clv));
    if (retention == 1.0) {
      ++retained;
      CHECK(std::isnan(clv));
    }
  }
  CHECK(retained >= 8);  // every step from the window's end on (9 when written)
}
