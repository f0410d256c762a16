// Shocks take effect at the start of their step, and not before: budgets, prices, costs, media
// costs, entry and exit, recessions and opt-out (the latter identical at any thread count).
#include "models/shocks.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/population.hpp"
#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/parallel.hpp"
#include "sim/recorder.hpp"
#include "tests/same_bits.hpp"

using Approx = Catch::Detail::Approx;

namespace {

const std::string kMarket = R"(name: shocks test
seed: 11
consumers: 4000
steps: 10
steps_per_year: 52
market: {outside_utility: -1.0, initial_awareness: 0.5}
categories:
  - {name: snacks, base_cost: 1.0, reference_volume: 1.0e9}
  - {name: drinks, base_cost: 0.5, reference_volume: 1.0e9}
segments:
  - name: young
    share: 0.5
    ideal: {mean: [0.5, 0.5], sd: [0.5, 0.5]}
    purchase_rate: {snacks: {mean: 0.6}, drinks: {mean: 0.4}}
    privacy_opt_out: 0.0
  - name: senior
    share: 0.5
    ideal: {mean: [0.0, -1.0], sd: [0.3, 0.3]}
    purchase_rate: {snacks: {mean: 0.3}, drinks: {mean: 0.2}}
    privacy_opt_out: 0.0
firms:
  - {name: Mass, strategy: mass, budget_per_year: 52000, fixed_cost_per_year: 5200}
  - {name: Niche, strategy: niche, target: senior, budget_per_year: 26000, fixed_cost_per_year: 5200}
  - {name: Tailor, strategy: one_to_one, budget_per_year: 26000}
)";

msim::Scenario with_shocks(const std::string& shocks) {
  return msim::load_scenario_text(kMarket + "shocks:\n" + shocks, "shocks.yaml");
}

/// Runs the scenario and returns the [step][firm] rows of /market/<metric>.
std::vector<std::vector<double>> series(const msim::Scenario& sc, const std::string& metric) {
  msim::MemoryRecorder rec;
  msim::run_simulation(sc, rec);
  return rec.series("/market/" + metric);
}

}  // namespace

TEST_CASE("a budget shock changes marketing spend exactly from its step", "[shocks]") {
  const auto base = series(msim::load_scenario_text(kMarket, "base.yaml"), "marketing_spend");
  const auto cut = series(with_shocks("  - {week: 5, kind: budget, firm: Mass, multiply: 0.7}\n"),
                          "marketing_spend");
  for (std::size_t t = 0; t < 10; ++t) {
    INFO("step " << t);
    CHECK(base[t][0] == Approx(1000.0));
    CHECK(cut[t][0] == Approx(t < 4 ? 1000.0 : 700.0));  // week 5 is step 4
    CHECK(cut[t][1] == base[t][1]);
  }
  const auto set = series(with_shocks("  - {step: 3, kind: budget, firm: Niche, set: 5200}\n"),
                          "marketing_spend");
  CHECK(set[2][1] == Approx(500.0));
  CHECK(set[3][1] == Approx(100.0));
}

TEST_CASE("before its step a shock changes nothing at all", "[shocks]") {
  const msim::Scenario base = msim::load_scenario_text(kMarket, "base.yaml");
  const msim::Scenario shocked = with_shocks(
      "  - {step: 6, kind: budget, firm: Mass, multiply: 2}\n"
      "  - {step: 6, kind: recession, multiply: 0.5}\n"
      "  - {step: 6, kind: opt_out, fraction: 0.9}\n"
      "  - {step: 6, kind: price, firm: Tailor, set: 9}\n");
  msim::MemoryRecorder a, b;
  msim::run_simulation(base, a);
  msim::run_simulation(shocked, b);
  for (std::size_t k = 0; k < a.rows().size(); ++k)
    for (std::size_t t = 0; t < 10; ++t) {
      INFO(a.layout().series[k].path << " step " << t);
      if (t < 6) {
        CHECK(msim::test::same_bits(a.rows()[k][t], b.rows()[k][t]));
      }
    }
  CHECK(a.series("/market/units")[6] != b.series("/market/units")[6]);
}

TEST_CASE("price and cost shocks scale price and unit cost from their step", "[shocks]") {
  const msim::Scenario sc = with_shocks(
      "  - {step: 4, kind: price, firm: Mass, multiply: 1.25}\n"
      "  - {step: 4, kind: cost, firm: Niche, multiply: 2}\n"
      "  - {step: 6, kind: price, firm: Niche, markup: 1.0}\n"
      "  - {step: 5, kind: price, firm: Tailor, set: 3.5}\n"
      "  - {step: 7, kind: cost, firm: Niche, set: 3.0, categories: [snacks]}\n");
  msim::MemoryRecorder rec;
  msim::run_simulation(sc, rec);
  const auto price = rec.series("/market/by_category/price");  // [t][c * F + j]
  const auto cost = rec.series("/market/by_category/unit_cost");
  const std::size_t F = 3;
  // Mass: cost-plus at markup 0.2 on a constant unit cost (the volume never reaches Q_ref).
  CHECK(price[3][0] == Approx(1.2).epsilon(0.01));
  CHECK(price[4][0] == Approx(1.5).epsilon(0.01));
  // Niche: unit cost doubles at step 4 (so does its cost-plus price); markup 1.0 from step 6.
  CHECK(cost[3][1] == Approx(1.0));
  CHECK(cost[4][1] == Approx(2.0));
  CHECK(price[5][1] == Approx(2.0 * 1.6).epsilon(0.01));
  CHECK(price[6][1] == Approx(2.0 * 2.0).epsilon(0.01));
  // Tailor: a fixed price of 3.5 in both categories from step 5.
  CHECK(price[4][2] != Approx(3.5));
  CHECK(price[5][2] == Approx(3.5));
  CHECK(price[5][F + 2] == Approx(3.5));
  // Niche's own base cost in snacks becomes 3.0 at step 7; drinks keep twice their 0.5.
  CHECK(cost[6][1] == Approx(2.0));
  CHECK(cost[7][1] == Approx(3.0));
  CHECK(cost[7][F + 1] == Approx(1.0));
}

TEST_CASE("a firm that enters later or exits has no products, spend or costs", "[shocks]") {
  const msim::Scenario sc = with_shocks(
      "  - {step: 4, kind: enter, firm: Niche}\n"
      "  - {step: 7, kind: exit, firm: Mass}\n");
  msim::MemoryRecorder rec;
  msim::run_simulation(sc, rec);
  const auto units = rec.series("/market/units");
  const auto spend = rec.series("/market/marketing_spend");
  const auto profit = rec.series("/market/profit");
  for (std::size_t t = 0; t < 10; ++t) {
    INFO("step " << t);
    if (t < 4) {
      CHECK(units[t][1] == 0.0);
      CHECK(spend[t][1] == 0.0);
      CHECK(profit[t][1] == 0.0);  // not even its fixed cost
    } else {
      CHECK(spend[t][1] == Approx(500.0));
    }
    if (t >= 7) {
      CHECK(units[t][0] == 0.0);
      CHECK(spend[t][0] == 0.0);
      CHECK(profit[t][0] == 0.0);
    } else {
      CHECK(units[t][0] > 0.0);
    }
  }
  CHECK(units[9][1] > 0.0);
}

TEST_CASE("a CPM shock changes the market's media cost from its step", "[shocks]") {
  const msim::Scenario sc = with_shocks(
      "  - {step: 2, kind: cpm, channel: mass, multiply: 3}\n"
      "  - {step: 2, kind: cpm, channel: targeted, set: 40}\n"
      "  - {step: 2, kind: cpm, channel: direct, multiply: 2}\n");
  msim::Market market(sc);
  market.step();
  market.step();
  CHECK(market.scenario().market.cpm_mass == Approx(10.0));
  market.step();
  CHECK(market.scenario().market.cpm_mass == Approx(30.0));
  CHECK(market.scenario().market.cpm_targeted == Approx(40.0));
  CHECK(market.plans()[2].cost_per_contact == Approx(1.0));  // one_to_one's default is 0.5
  // Dearer media buy fewer exposures: the mass marketer's goodwill falls behind.
  const auto goodwill = [](const msim::Scenario& scenario) {
    msim::Market m(scenario);
    for (int t = 0; t < 6; ++t) m.step();
    double total = 0;
    for (std::size_t i = 0; i < m.population().n; ++i) total += m.population().goodwill[i * 3];
    return total;
  };
  CHECK(goodwill(with_shocks("  - {step: 2, kind: cpm, channel: mass, multiply: 100}\n")) <
        0.8 * goodwill(msim::load_scenario_text(kMarket, "base.yaml")));
}

TEST_CASE("a recession scales purchase rates of the named segments and categories", "[shocks]") {
  const msim::Scenario sc = with_shocks(
      "  - {step: 3, kind: recession, multiply: 0.5, segments: [young], "
      "categories: [snacks]}\n");
  msim::Market market(sc);
  const msim::Population before = market.population();
  for (int t = 0; t < 3; ++t) market.step();
  CHECK(market.population().no_occasion == before.no_occasion);
  market.step();
  const msim::Population& after = market.population();
  const std::size_t C = 2;
  for (std::size_t i = 0; i < after.n; ++i)
    for (std::size_t c = 0; c < C; ++c) {
      const std::uint32_t none = before.no_occasion[i * C + c];
      const std::uint32_t expected =
          after.segment[i] == 0 && c == 0
              ? msim::no_occasion_threshold(msim::occasion_rate(none) * 0.5)
              : none;
      REQUIRE(after.no_occasion[i * C + c] == expected);
    }
  CHECK(market.scenario().segments[0].purchase_rate[0].mean == Approx(0.3));
  CHECK(market.scenario().segments[0].purchase_rate[1].mean == Approx(0.4));
}

TEST_CASE("an opt-out shock picks the same consumers at any thread count", "[shocks]") {
  const msim::Scenario sc =
      with_shocks("  - {step: 2, kind: opt_out, fraction: 0.3, segments: [senior]}\n");
  msim::ConsumerColumn<std::uint8_t> flags[2];
  for (std::size_t threads : {1, 2}) {
    msim::ThreadLimit limit(threads);
    msim::Market market(sc, msim::EngineOptions{threads == 1 ? 4096u : 256u});
    for (int t = 0; t < 3; ++t) market.step();
    flags[threads - 1] = market.population().flags;
  }
  CHECK(flags[0] == flags[1]);
  msim::Market market(sc);
  double young = 0, senior = 0, senior_out = 0, young_out = 0;
  const auto& pop = market.population();
  for (int t = 0; t < 3; ++t) market.step();
  for (std::size_t i = 0; i < pop.n; ++i) {
    const bool out = (pop.flags[i] & msim::kOptOut) != 0;
    (pop.segment[i] == 0 ? young : senior) += 1;
    (pop.segment[i] == 0 ? young_out : senior_out) += out ? 1 : 0;
  }
  CHECK(young_out == 0);
  CHECK(senior_out / senior == Approx(0.3).margin(0.04));
}

TEST_CASE("a disabled shock is checked but never applied", "[shocks]") {
  const auto base = series(msim::load_scenario_text(kMarket, "base.yaml"), "marketing_spend");
  const auto off = series(
      with_shocks("  - {step: 1, kind: budget, firm: Mass, multiply: 0.5, enabled: false}\n"),
      "marketing_spend");
  CHECK(off == base);
}

TEST_CASE("a disabled entry keeps the entrant out for the whole run", "[shocks]") {
  const auto units =
      series(with_shocks("  - {step: 4, kind: enter, firm: Niche, enabled: false}\n"), "units");
  for (const auto& row : units) CHECK(row[1] == 0.0);
  const auto exit_off =
      series(with_shocks("  - {step: 4, kind: exit, firm: Niche, enabled: false}\n"), "units");
  CHECK(exit_off == series(msim::load_scenario_text(kMarket, "base.yaml"), "units"));
}

TEST_CASE("a firm is in the market in a run by its entries and exits as they apply", "[shocks]") {
  const auto move = [](msim::ShockKind kind, std::int64_t step, bool enabled = true, int firm = 0) {
    msim::Shock s;
    s.kind = kind;
    s.step = step;
    s.enabled = enabled;
    s.firm = firm;
    return s;
  };
  using msim::in_market_in_run;
  using K = msim::ShockKind;
  CHECK(in_market_in_run({}, 0, 10));                                // no moves: in from the start
  CHECK(in_market_in_run({move(K::budget, 0)}, 0, 10));              // other shocks do not count
  CHECK_FALSE(in_market_in_run({move(K::enter, 3, false)}, 0, 10));  // an entry switched off
  CHECK(in_market_in_run({move(K::enter, 3)}, 0, 10));               // it enters at step 3
  CHECK_FALSE(in_market_in_run({move(K::enter, 10)}, 0, 10));        // after the last step
  CHECK(in_market_in_run({move(K::enter, 0)}, 0, 1));                // from step 0
  CHECK_FALSE(in_market_in_run({move(K::exit, 0)}, 0, 10));          // out at the start
  CHECK(in_market_in_run({move(K::exit, 4)}, 0, 10));                // in for steps 0 to 3
  CHECK(in_market_in_run({move(K::exit, 0, true, 1)}, 0, 10));       // another firm's exit
  // In and out at the same step, in file order as the market applies them: never in.
  CHECK_FALSE(in_market_in_run({move(K::enter, 5), move(K::exit, 5)}, 0, 10));
  CHECK(in_market_in_run({move(K::exit, 5), move(K::enter, 5)}, 0, 10));  // out before it enters
  // Out at step 0, back in at step 6: in, when the run reaches step 6.
  CHECK(in_market_in_run({move(K::exit, 0), move(K::enter, 6)}, 0, 10));
  CHECK_FALSE(in_market_in_run({move(K::exit, 0), move(K::enter, 6)}, 0, 6));
}
