#pragma once
// Small markets for the strategy tests: three segments, two categories, two regions, and the
// strategy under test beside one firm of every other registered strategy.
#include <cstdint>
#include <string>
#include <vector>

#include "models/scenario_load.hpp"
#include "models/strategy.hpp"

namespace msim::test {

/// Strategy parameters a firm needs beyond the common keys (YAML flow-map entries, with a
/// leading ", "). `variant` 0 is the first firm of a strategy, 1 a second, differently set one.
inline std::string strategy_extras(const std::string& strategy, int variant) {
  if (strategy == "niche") return variant == 0 ? ", target: senior" : ", target: young";
  if (strategy == "differentiated")
    return variant == 0 ? "" : ", segments: [family, senior], variant_fixed_cost_per_year: 500";
  if (strategy == "mass") return variant == 0 ? "" : ", position: [-0.5, 0.0], markup: 0.1";
  if (strategy == "one_to_one")
    return variant == 0 ? "" : ", direct_share: 1.0, cost_per_contact: 0.2, custom_premium: 0.3";
  return "";  // a strategy registered later: its defaults
}

/// The firms block: two firms of `strategy` (the second sells one category in one region) and
/// one of each other registered strategy.
inline std::string firms_block(const std::string& strategy) {
  std::string out = "firms:\n";
  out += "  - {name: TestA, strategy: " + strategy + ", budget_per_year: 40000" +
         strategy_extras(strategy, 0) + "}\n";
  out += "  - {name: TestB, strategy: " + strategy +
         ", budget_per_year: 15000, categories: [snacks], regions: [south], "
         "fixed_cost_per_year: 1000" +
         strategy_extras(strategy, 1) + "}\n";
  for (const auto& info : strategy_registry()) {
    if (info.name == strategy) continue;
    out += "  - {name: Other_" + info.name + ", strategy: " + info.name +
           ", budget_per_year: 25000" + strategy_extras(info.name, 0) + "}\n";
  }
  return out;
}

/// A market of `consumers` over `steps` weekly steps with the given firms block.
inline std::string market_text(const std::string& firms, std::int64_t consumers = 4000,
                               std::int64_t steps = 15) {
  return "name: strategy test market\n"
         "seed: 99\n"
         "consumers: " +
         std::to_string(consumers) +
         "\n"
         "steps: " +
         std::to_string(steps) +
         "\n"
         "steps_per_year: 52\n"
         "market: {outside_utility: -1.0, initial_awareness: 0.05}\n"
         "categories:\n"
         "  - {name: snacks, base_cost: 1.0, reference_volume: 500}\n"
         "  - {name: drinks, base_cost: 0.8, reference_volume: 500}\n"
         "segments:\n"
         "  - name: young\n"
         "    share: 0.5\n"
         "    ideal: {mean: [0.8, 0.6], sd: [0.4, 0.4]}\n"
         "    price_sensitivity: {mean: 1.0, sd: 0.2}\n"
         "    purchase_rate: {snacks: {mean: 0.6, shape: 1.0}, drinks: {mean: 0.4, shape: 1.0}}\n"
         "    regions: {north: 0.6, south: 0.4}\n"
         "  - name: family\n"
         "    share: 0.3\n"
         "    ideal: {mean: [-0.6, 0.0], cov: [[0.25, 0.05], [0.05, 0.25]]}\n"
         "    price_sensitivity: {mean: 1.2, sd: 0.2}\n"
         "    purchase_rate: {snacks: {mean: 0.8, shape: 1.2}}\n"
         "    regions: {north: 0.5, south: 0.5}\n"
         "  - name: senior\n"
         "    share: 0.2\n"
         "    ideal: {mean: [0.0, -1.2], sd: [0.3, 0.3]}\n"
         "    price_sensitivity: {mean: 0.8, sd: 0.2}\n"
         "    purchase_rate: {snacks: {mean: 0.3, shape: 0.8}, drinks: {mean: 0.5, shape: 1.0}}\n"
         "    privacy_opt_out: 0.4\n" +
         firms;
}

inline Scenario load_market(const std::string& text,
                            const std::vector<std::string>& overrides = {}) {
  return load_scenario_text(text, "strategy-test.yaml", overrides);
}

}  // namespace msim::test
