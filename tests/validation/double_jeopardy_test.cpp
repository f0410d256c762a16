// DESIGN.md §5.4 (Double Jeopardy): in a stationary market, smaller brands have fewer buyers
// and their buyers buy them (slightly) less often [Ehrenberg, Goodhardt & Barwise 1990]. Read
// from the consumer panel (the whole population).
//
// Set-up: four mass brands that are the same in every way (product, quality, markup, no
// learning curve) except their advertising budget, 8:4:2:1. After a 26-step warm-up, over the
// next 26 steps: the brands' unit shares order as their budgets; each brand's penetration b is
// below the next larger one's; and its purchases per buyer w are at most 2% above the next
// larger one's (the "weakly lower" of Double Jeopardy), with the smallest brand's w below the
// largest's.
#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/recorder.hpp"

namespace {

constexpr std::int64_t kWarmUp = 26;
constexpr std::size_t kN = 30000, kBrands = 4;

const char* const kStationary = R"(
name: Double Jeopardy validation
seed: 1990
consumers: 30000
steps: 52
market: {outside_utility: -1}
categories:
  - {name: soap, kind: consumable, base_cost: 1.0, reference_volume: 1.0e15}
segments:
  - name: everyone
    share: 1
    ideal: {mean: [0, 0], sd: [0.7, 0.7]}
    purchase_rate: {soap: {mean: 0.5, shape: 1.0}}
firms:
  - {name: Big, strategy: mass, budget_per_year: 4000}
  - {name: Large, strategy: mass, budget_per_year: 2000}
  - {name: Medium, strategy: mass, budget_per_year: 1000}
  - {name: Small, strategy: mass, budget_per_year: 500}
output: {panel: {size: 30000}}
)";

}  // namespace

TEST_CASE("validation: Double Jeopardy, smaller brands have fewer and less frequent buyers",
          "[validation][double_jeopardy]") {
  msim::MemoryRecorder rec;
  msim::run_simulation(msim::load_scenario_text(kStationary, "dj.yaml"), rec);
  const msim::TableRows& p = rec.table("/panel/purchases");
  const auto& step = std::get<std::vector<std::int64_t>>(p.at(0));
  const auto& consumer = std::get<std::vector<std::int64_t>>(p.at(1));
  const auto& firm = std::get<std::vector<std::int64_t>>(p.at(3));
  std::vector<double> purchases(kBrands, 0.0);
  std::vector<std::set<std::int64_t>> buyers(kBrands);
  for (std::size_t r = 0; r < step.size(); ++r) {
    if (step[r] < kWarmUp) continue;
    const auto j = static_cast<std::size_t>(firm[r]);
    purchases[j] += 1.0;
    buyers[j].insert(consumer[r]);
  }
  std::vector<double> b(kBrands), w(kBrands);
  for (std::size_t j = 0; j < kBrands; ++j) {
    b[j] = static_cast<double>(buyers[j].size()) / kN;
    w[j] = purchases[j] / static_cast<double>(buyers[j].size());
    INFO("brand " << j);
    CHECK(buyers[j].size() > 300);
  }
  for (std::size_t j = 0; j + 1 < kBrands; ++j) {
    INFO("brand " << j << " against the smaller brand " << j + 1 << ": purchases " << purchases[j]
                  << " vs " << purchases[j + 1] << ", b " << b[j] << " vs " << b[j + 1] << ", w "
                  << w[j] << " vs " << w[j + 1]);
    CHECK(purchases[j + 1] < purchases[j]);
    CHECK(b[j + 1] < b[j]);
    CHECK(w[j + 1] <= w[j] * 1.02);
  }
  CHECK(w[kBrands - 1] < w[0]);
}
