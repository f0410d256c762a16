// DESIGN.md §5.6 (learning curve): doubling cumulative volume cuts unit cost to `learning`
// times its value [Wright 1936]; until the reference volume is reached the cost is base_cost.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/costs.hpp"
#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/recorder.hpp"

namespace {

bool rel_close(double a, double b, double rel) {
  return std::abs(a - b) <= rel * std::max(std::abs(a), std::abs(b));
}

}  // namespace

TEST_CASE("learning curve: unit_cost() falls to `learning` times per doubling of volume",
          "[validation][learning]") {
  // Pure function; tolerance 1e-12 relative (only pow/log2 rounding).
  for (double learning : {0.7, 0.8, 0.85, 0.95}) {
    for (double base : {0.5, 1.2, 400.0}) {
      const double ref = 1000.0;
      INFO("learning " << learning << ", base " << base);
      // Below and at the reference volume the cost is base_cost.
      CHECK(msim::unit_cost(base, learning, ref, 0.0, 0.0, 1) == base);
      CHECK(msim::unit_cost(base, learning, ref, 0.5 * ref, 0.0, 1) == base);
      CHECK(rel_close(msim::unit_cost(base, learning, ref, ref, 0.0, 1), base, 1e-12));
      for (double q : {ref, 1.7 * ref, 3.0 * ref, 1e4 * ref}) {
        const double c1 = msim::unit_cost(base, learning, ref, q, 0.0, 1);
        const double c2 = msim::unit_cost(base, learning, ref, 2.0 * q, 0.0, 1);
        const double c4 = msim::unit_cost(base, learning, ref, 4.0 * q, 0.0, 1);
        INFO("volume " << q);
        CHECK(rel_close(c2, learning * c1, 1e-12));             // doubling
        CHECK(rel_close(c4, learning * learning * c1, 1e-12));  // two doublings
        CHECK(rel_close(c1, c2 / learning, 1e-12));             // halving (above ref)
      }
      // n doublings above the reference: base * learning^n.
      for (int n = 0; n <= 20; ++n)
        CHECK(rel_close(msim::unit_cost(base, learning, ref, std::ldexp(ref, n), 0.0, 1),
                        base * std::pow(learning, n), 1e-12));
    }
  }
  // The customisation premium multiplies, and economies of scope shrink it.
  CHECK(rel_close(msim::unit_cost(2.0, 0.85, 100.0, 400.0, 0.5, 1),
                  2.0 * 0.85 * 0.85 * (1.0 + 0.5 / 2.0), 1e-12));
  CHECK(rel_close(msim::unit_cost(2.0, 0.85, 100.0, 400.0, 0.5, 3),
                  2.0 * 0.85 * 0.85 * (1.0 + 0.5 / 4.0), 1e-12));
}

TEST_CASE("learning curve: recorded unit costs follow base * (Q/Qref)^log2(learning)",
          "[validation][learning]") {
  // Two firms, two categories with different learning rates. Heavy advertising makes most
  // consumers aware within a step or two, so thousands of units are sold every step and
  // cumulative volume passes the reference within a few steps.
  const std::string yaml = R"(
name: learning curve
seed: 99
consumers: 20000
steps: 30
market: {outside_utility: -1}
categories:
  - {name: chips, kind: consumable, base_cost: 1.0, learning: 0.8, reference_volume: 2000}
  - {name: soda, kind: consumable, base_cost: 0.6, learning: 0.9, reference_volume: 5000}
segments:
  - name: everyone
    share: 1
    ideal: {mean: [0, 0], sd: [0.5, 0.5]}
    purchase_rate: {chips: {mean: 0.5, shape: 1.5}, soda: {mean: 0.3, shape: 1.0}}
firms:
  - {name: Big, strategy: mass, budget_per_year: 50000, markup: 0.3}
  - {name: Small, strategy: mass, budget_per_year: 5000, markup: 0.1, position: [0.8, 0.8]}
)";
  const msim::Scenario sc = msim::load_scenario_text(yaml, "learning.yaml");
  msim::MemoryRecorder rec;
  msim::run_simulation(sc, rec);
  const auto& units = rec.series("/market/by_category/units");
  const auto& cost = rec.series("/market/by_category/unit_cost");
  const auto& price = rec.series("/market/by_category/price");
  const std::size_t F = sc.firms.size(), C = sc.categories.size();
  REQUIRE(units.size() == static_cast<std::size_t>(sc.steps));

  for (std::size_t c = 0; c < C; ++c) {
    const msim::Category& cat = sc.categories[c];
    for (std::size_t j = 0; j < F; ++j) {
      const std::size_t k = c * F + j;  // by_category rows are category-major [C*F]
      double Q = 0.0;                   // cumulative units before the step
      double previous_cost = cat.base_cost;
      for (std::size_t t = 0; t < units.size(); ++t) {
        const double expected =
            cat.base_cost * std::pow(std::max(Q, cat.reference_volume) / cat.reference_volume,
                                     std::log2(cat.learning));
        INFO(fmt::format("category {}, firm {}, step {}: Q {} cost {:.12g} expected {:.12g}",
                         cat.name, sc.firms[j].name, t, Q, cost[t][k], expected));
        // Tolerance: 1e-9 relative.
        CHECK(rel_close(cost[t][k], expected, 1e-9));
        // Cost never rises; it strictly falls once volume has passed the reference and grows.
        CHECK(cost[t][k] <= previous_cost);
        if (Q > cat.reference_volume && t > 0 && units[t - 1][k] > 0)
          CHECK(cost[t][k] < previous_cost);
        // Cost-plus price (rounded to cents) follows the cost down.
        const double markup = j == 0 ? 0.3 : 0.1;
        const double list_price =
            static_cast<double>(std::llround(cost[t][k] * (1.0 + markup) * 100.0)) / 100.0;
        if (units[t][k] > 0) CHECK(rel_close(price[t][k], list_price, 1e-9));
        previous_cost = cost[t][k];
        Q += units[t][k];
      }
      // The run must actually move down the curve: at least three doublings for Big.
      if (j == 0) CHECK(Q >= 8.0 * cat.reference_volume);
      CHECK(Q > cat.reference_volume);
    }
  }
  // In a run, doubling a firm's cumulative volume between two steps cuts its cost to
  // learning^(log2 of the volume ratio): check one ratio spanning the whole run for Big/chips.
  {
    const std::size_t k = 0;
    double Q = 0.0;
    std::vector<double> cum;
    for (const auto& row : units) {
      cum.push_back(Q);
      Q += row[k];
    }
    const std::size_t t1 = 5, t2 = units.size() - 1;
    REQUIRE(cum[t1] > sc.categories[0].reference_volume);
    CHECK(rel_close(cost[t2][k] / cost[t1][k],
                    std::pow(sc.categories[0].learning, std::log2(cum[t2] / cum[t1])), 1e-9));
  }
}
