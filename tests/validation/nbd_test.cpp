// DESIGN.md §5.3 (NBD): a consumer's category purchase rate is Gamma(shape K, mean M) and its
// occasions per step are Poisson, so its category purchases over T steps are negative binomial
// with mean M*T and shape K [Goodhardt, Ehrenberg & Chatfield 1984]. Checked on the consumer
// panel (the whole population), where every occasion ends in a purchase.
//
// Set-up: one segment, one category (M = 0.4 per step, K = 0.8), T = 10 steps, one mass firm
// with heavy advertising (about 30 exposures per consumer per step, so everyone stays aware) and
// outside_utility -30 (the outside option's probability is about e^-30 per occasion).
//
// Checks (fixed seed): a chi-square goodness-of-fit test over the counts 0..B-1 and ">= B"
// (B the first count whose expected frequency drops below 5), parameters not fitted, at the
// 0.1% level; the mean within 4 standard errors of M*T; the variance M*T + (M*T)^2/K within 10%
// (about 4.5 of its standard errors at this kurtosis).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/recorder.hpp"

namespace {

constexpr double kM = 0.4, kK = 0.8;
constexpr int kT = 10;
constexpr std::size_t kN = 20000;

const char* const kNbdScenario = R"(
name: NBD validation
seed: 19840101
consumers: 20000
steps: 10
market: {initial_awareness: 1, outside_utility: -30, wom_rate: 0}
categories:
  - {name: tea, kind: consumable, base_cost: 1.0, reference_volume: 1.0e15}
segments:
  - name: everyone
    share: 1
    ideal: {mean: [0, 0], sd: [0.5, 0.5]}
    purchase_rate: {tea: {mean: 0.4, shape: 0.8}}
firms:
  - {name: Only, strategy: mass, budget_per_year: 312000}
output: {panel: {size: 20000}}
)";

/// P(n) of the negative binomial with mean m and shape k.
double nbd_pmf(int n, double m, double k) {
  return std::exp(std::lgamma(k + n) - std::lgamma(k) - std::lgamma(n + 1.0) +
                  k * std::log(k / (k + m)) + n * std::log(m / (k + m)));
}

/// The chi-square quantile by Wilson & Hilferty (1931); z is the normal quantile.
double chi2_quantile(double df, double z) {
  const double a = 2.0 / (9.0 * df);
  return df * std::pow(1.0 - a + z * std::sqrt(a), 3.0);
}

}  // namespace

TEST_CASE("nbd: category purchases over T steps are NBD(M*T, K)", "[validation][nbd]") {
  msim::MemoryRecorder rec;
  msim::run_simulation(msim::load_scenario_text(kNbdScenario, "nbd.yaml"), rec);
  const auto& consumer = std::get<std::vector<std::int64_t>>(rec.table("/panel/purchases").at(1));
  std::vector<int> purchases(kN, 0);
  for (std::int64_t i : consumer) ++purchases[static_cast<std::size_t>(i)];

  const double m = kM * kT;
  double sum = 0, sum2 = 0;
  for (int n : purchases) {
    sum += n;
    sum2 += static_cast<double>(n) * n;
  }
  const double mean = sum / kN, variance = (sum2 - sum * mean) / (kN - 1);
  const double theory_variance = m + m * m / kK;
  CHECK(std::abs(mean - m) < 4.0 * std::sqrt(theory_variance / kN));
  CHECK(variance == Approx(theory_variance).epsilon(0.10));

  int bins = 0;
  while (kN * nbd_pmf(bins, m, kK) >= 5.0) ++bins;
  std::vector<double> observed(static_cast<std::size_t>(bins) + 1, 0.0);
  for (int n : purchases) observed[static_cast<std::size_t>(std::min(n, bins))] += 1.0;
  double chi2 = 0.0, below = 0.0;
  for (int n = 0; n <= bins; ++n) {
    const double p = n < bins ? nbd_pmf(n, m, kK) : 1.0 - below;
    below += p;
    const double expected = kN * p;
    chi2 += (observed[static_cast<std::size_t>(n)] - expected) *
            (observed[static_cast<std::size_t>(n)] - expected) / expected;
  }
  const double df = bins;  // bins + 1 cells, nothing fitted
  INFO("mean " << mean << " (theory " << m << "), variance " << variance << " (theory "
               << theory_variance << "), chi-square " << chi2 << " on " << df << " df");
  CHECK(bins >= 12);
  CHECK(chi2 < chi2_quantile(df, 3.090));  // the 99.9% point
}
