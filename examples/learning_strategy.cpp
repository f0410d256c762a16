// Learning strategy: a strategy that learns from its own results and randomises, yet reruns
// bit for bit. "price_explorer" is an epsilon-greedy bandit over markups: each step it credits
// last step's profit (view.last()) to the markup it charged, then charges the best markup so
// far, or with chance epsilon a random one (view.random(), the firm's own random stream). It
// records the markup it charged and whether it explored as its own diagnostics
// (StrategyInfo::diagnostics), which a run writes to /strategies/markup and /strategies/explored.
#include <fmt/format.h>

#include <array>
#include <cstring>
#include <memory>
#include <vector>

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "models/strategy.hpp"
#include "sim/config.hpp"
#include "sim/parallel.hpp"
#include "sim/recorder.hpp"
#include "sim/yaml_writer.hpp"

namespace {

constexpr std::array<double, 5> kMarkups = {0.1, 0.2, 0.4, 0.8, 1.6};

class PriceExplorer final : public msim::Strategy {
 public:
  explicit PriceExplorer(double epsilon) : epsilon_(epsilon) {}
  std::unique_ptr<msim::Strategy> clone() const override {
    return std::make_unique<PriceExplorer>(*this);
  }

  void plan(const msim::MarketView& view, msim::FirmPlan& plan) override {
    if (view.step > 0) {  // what last step's markup earned, as /market/profit recorded it
      profit_[arm_] += view.last().profit.firm[static_cast<std::size_t>(view.firm)];
      ++tried_[arm_];
    }
    msim::Stream rng = view.random();  // this firm's draws for this step
    std::size_t best = 0;
    for (std::size_t k = 0; k < kMarkups.size(); ++k) {
      if (tried_[k] == 0) {  // every markup once, in order, before choosing
        best = k;
        break;
      }
      if (mean(k) > mean(best)) best = k;
    }
    const bool explore = tried_[best] > 0 && rng.uniform() < epsilon_;
    arm_ = explore ? static_cast<std::size_t>(rng.uniform() * kMarkups.size()) : best;
    plan.record("markup", kMarkups[arm_]);  // declared in main(); /strategies/markup
    plan.record("explored", explore ? 1.0 : 0.0);
    for (int c : view.self().categories) {
      msim::Product p;
      p.category = c;
      p.position = view.population_mean;
      p.quality = view.self().quality;
      p.markup = kMarkups[arm_];
      plan.products.push_back(p);
    }
    plan.mass_spend = view.budget;
  }

  void write_params(msim::YamlWriter& out) const override { out.key("epsilon").value(epsilon_); }

 private:
  double mean(std::size_t k) const { return tried_[k] > 0 ? profit_[k] / tried_[k] : 0.0; }

  double epsilon_;
  std::array<double, kMarkups.size()> profit_{};
  std::array<int, kMarkups.size()> tried_{};
  std::size_t arm_ = 0;
};

const char* const kScenario = R"(
name: A price explorer against a fixed markup
seed: 5
consumers: 20000
steps: 104
market: {outside_utility: -0.5}
categories:
  - {name: juice, kind: consumable, base_cost: 1.0, reference_volume: 1.0e9}
segments:
  - {name: everyone, share: 1, ideal: {mean: [0, 0], sd: [0.6, 0.6]},
     price_sensitivity: {mean: 1.0, sd: 0.3}, purchase_rate: {juice: {mean: 0.7}}}
firms:
  - {name: Explorer, strategy: price_explorer, budget_per_year: 20000, epsilon: 0.1}
  - {name: Fixed, strategy: mass, budget_per_year: 20000, markup: 0.3}
)";

/// Runs the scenario in memory with at most `threads` threads (0: all).
msim::MemoryRecorder run(std::size_t threads) {
  const msim::ThreadLimit limit(threads);
  msim::MemoryRecorder rec;
  msim::run_simulation(msim::load_scenario_text(kScenario, "learning_strategy.yaml"), rec);
  return rec;
}

/// Whether two recorded series are identical bit for bit (NaN, where a firm recorded nothing,
/// equals NaN; `==` on doubles would say it does not).
bool identical(const std::vector<std::vector<double>>& a,
               const std::vector<std::vector<double>>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t t = 0; t < a.size(); ++t)
    if (a[t].size() != b[t].size() ||
        std::memcmp(a[t].data(), b[t].data(), a[t].size() * sizeof(double)) != 0)
      return false;
  return true;
}

}  // namespace

int main() {
  msim::register_strategy(
      {"price_explorer",
       "epsilon-greedy over markups, learning from its own profit",
       {{"epsilon", "number in [0, 1]", "0.1", "probability", "chance of a random markup"}},
       [](const msim::StrategyContext& ctx) {
         return std::unique_ptr<msim::Strategy>(std::make_unique<PriceExplorer>(
             ctx.node.get_double("epsilon", 0.1, msim::range::closed(0.0, 1.0))));
       },
       {{"markup", "fraction", "the markup the explorer charged"},
        {"explored", "flag", "1 when the markup was a random pick, 0 when the best so far"}}});
  const msim::MemoryRecorder one = run(1), all = run(0);

  // The markups the explorer charged, as it recorded them (/strategies/markup; NaN for Fixed).
  const auto& markup = all.series("/strategies/markup");
  const auto& explored = all.series("/strategies/explored");
  std::array<int, kMarkups.size()> weeks{};
  std::array<double, kMarkups.size()> profit{};
  const auto& step_profit = all.series("/market/profit");
  int explorations = 0;
  for (std::size_t t = 0; t < markup.size(); ++t) {
    explorations += explored[t][0] > 0 ? 1 : 0;
    for (std::size_t k = 0; k < kMarkups.size(); ++k)
      if (markup[t][0] == kMarkups[k]) {
        ++weeks[k];
        profit[k] += step_profit[t][0];
      }
  }
  fmt::print("{}: {} weeks, {} of them exploring\n\nmarkup  weeks charged  mean weekly profit\n",
             "Explorer", markup.size(), explorations);
  for (std::size_t k = 0; k < kMarkups.size(); ++k)
    fmt::print("{:>6.1f} {:>14} {:>19.0f}\n", kMarkups[k], weeks[k],
               weeks[k] > 0 ? profit[k] / weeks[k] : 0.0);
  std::array<std::array<double, 2>, 2> by_year{};  // [year][firm]
  for (std::size_t t = 0; t < step_profit.size(); ++t)
    for (std::size_t j = 0; j < 2; ++j) by_year[t < 52 ? 0 : 1][j] += step_profit[t][j];
  fmt::print("\nprofit     first year  second year\nExplorer {:>12.0f} {:>12.0f}\n", by_year[0][0],
             by_year[1][0]);
  fmt::print("Fixed    {:>12.0f} {:>12.0f}   (mass, markup 0.3)\n", by_year[0][1], by_year[1][1]);
  const auto& share = all.series("/market/market_share");
  fmt::print("Explorer's market share: {:.1f}% in week 26, {:.1f}% in week 104\n\n",
             100 * share[25][0], 100 * share.back()[0]);
  bool same = true;
  for (const char* path : {"/market/profit", "/market/price", "/strategies/markup"})
    same = same && identical(one.series(path), all.series(path));
  fmt::print("the run at 1 thread and at all threads: {}\n", same ? "identical" : "DIFFERENT");
  return same ? 0 : 1;
}
