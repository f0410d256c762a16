#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <random>
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

TEST_CASE("a customised product's fit is chi-square with preference_dims degrees of freedom",
          "[choice]") {
  // The fit error is the squared norm of a D-dimensional standard normal: mean D, variance 2D,
  // and P(fit <= 1) = 0.683, 0.393, 0.199 and 0.090 for D = 1 to 4.
  const double below_one[] = {0.682689, 0.393469, 0.198748, 0.090204};
  std::mt19937 rng(17);
  const int n = 200000;
  for (std::size_t dims = 1; dims <= 4; ++dims) {
    double sum = 0, sum2 = 0, at_most_one = 0;
    for (int k = 0; k < n; ++k) {
      const msim::Words w = {static_cast<std::uint32_t>(rng()), static_cast<std::uint32_t>(rng()),
                             static_cast<std::uint32_t>(rng()), static_cast<std::uint32_t>(rng())};
      const double fit = msim::chi2_fit(w, dims);
      sum += fit;
      sum2 += fit * fit;
      at_most_one += fit <= 1.0 ? 1.0 : 0.0;
    }
    const double mean = sum / n, var = (sum2 - n * mean * mean) / (n - 1);
    const double d = static_cast<double>(dims), p = below_one[dims - 1];
    INFO("dims " << dims << ": mean " << mean << ", variance " << var << ", P(<= 1) "
                 << at_most_one / n);
    // Four standard errors: of the mean, sqrt(2D / n); of the variance, sqrt((8D^2 + 48D) / n).
    CHECK(mean == Approx(d).margin(4 * std::sqrt(2 * d / n)));
    CHECK(var == Approx(2 * d).margin(4 * std::sqrt((8 * d * d + 48 * d) / n)));
    CHECK(at_most_one / n == Approx(p).margin(4 * std::sqrt(p * (1 - p) / n)));
  }
}
