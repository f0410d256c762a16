// Custom strategy: write a marketing strategy of your own, register it, and name it in YAML.
//
// A strategy runs once per firm and step: it reads a MarketView (last step's aggregates) and
// writes a FirmPlan (products, prices, media money), spending at most view.budget. "follower"
// sits at the largest segment's centre, aims all its media there, and prices just below the
// cheapest competitor's price of the last step.
#include <fmt/format.h>
#include <Eigen/Core>

#include <algorithm>
#include <memory>

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "models/strategy.hpp"
#include "sim/config.hpp"
#include "sim/yaml_writer.hpp"

namespace {

class Follower final : public msim::Strategy {
 public:
  Follower(double undercut, double markup) : undercut_(undercut), markup_(markup) {}
  std::unique_ptr<msim::Strategy> clone() const override {
    return std::make_unique<Follower>(*this);
  }

  void plan(const msim::MarketView& view, msim::FirmPlan& plan) override {
    const auto& sizes = view.segment_consumers;
    const auto largest =
        static_cast<std::size_t>(std::max_element(sizes.begin(), sizes.end()) - sizes.begin());
    const auto& centre = view.segment_centres[largest];
    for (int c : view.self().categories) {
      msim::Product p;
      p.category = c;
      p.position = Eigen::Map<const Eigen::VectorXd>(centre.data(),
                                                     static_cast<Eigen::Index>(centre.size()));
      p.quality = view.self().quality;
      p.markup = markup_;  // cost-plus until there is a competitor's price to follow (step 0)
      const auto cat = static_cast<std::size_t>(c);
      double lowest = 0.0;  // cheapest competitor last step; 0 = none yet
      for (std::size_t k = 0; k < view.price[cat].size(); ++k) {
        const double price = view.price[cat][k];
        if (static_cast<int>(k) != view.firm && price > 0 && (lowest == 0 || price < lowest))
          lowest = price;
      }
      // Undercut, but never below our own unit cost of the last step.
      if (lowest > 0)
        p.fixed_price = std::max(lowest * (1.0 - undercut_), view.unit_cost[cat][view.firm]);
      plan.products.push_back(p);
    }
    plan.targeted_spend[largest] = view.budget;  // the whole step's budget, never more
  }

  // The resolved parameters, as `marketsim validate` and the /scenario dataset show them.
  void write_params(msim::YamlWriter& out) const override {
    out.key("undercut").value(undercut_).key("markup").value(markup_);
  }

 private:
  double undercut_, markup_;
};

// Reads the keys beside `strategy: follower`; the loader rejects any other key in the entry.
std::unique_ptr<msim::Strategy> make_follower(const msim::StrategyContext& ctx) {
  return std::make_unique<Follower>(
      ctx.node.get_double("undercut", 0.05, msim::range::closed(0.0, 0.5)),
      ctx.node.get_double("markup", 0.3, msim::range::closed(0.0, 100.0)));
}

const char* const kScenario = R"(
name: Leader and follower
seed: 11
consumers: 20000
steps: 26
market: {outside_utility: -1.0}
categories:
  - {name: coffee, kind: consumable, base_cost: 2.0}
segments:
  - {name: commuters, share: 0.6, ideal: {mean: [0.5, 0.0], sd: [0.4, 0.4]},
     price_sensitivity: {mean: 0.8}, purchase_rate: {coffee: {mean: 0.8, shape: 1.5}}}
  - {name: connoisseurs, share: 0.4, ideal: {mean: [-1.0, 1.0], sd: [0.3, 0.3]},
     price_sensitivity: {mean: 0.4, sd: 0.1}, purchase_rate: {coffee: {mean: 0.5}}}
firms:
  - {name: Leader, strategy: mass, budget_per_year: 50000, markup: 0.3}
  - {name: Copycat, strategy: follower, budget_per_year: 30000, undercut: 0.05}
)";

}  // namespace

int main() {
  // Register before loading any scenario that names the strategy.
  msim::register_strategy(
      {"follower",
       "the largest segment's centre, priced just below the cheapest competitor",
       {{"undercut", "number in [0, 0.5]", "0.05", "fraction of price", "price cut"},
        {"markup", "number in [0, 100]", "0.3", "fraction of unit cost", "markup at step 0"}},
       make_follower});
  const msim::Scenario sc = msim::load_scenario_text(kScenario, "custom_strategy.yaml");
  msim::MemoryRecorder rec;
  const msim::RunReport report = msim::run_simulation(sc, rec);

  // The last step's numbers for each firm; rec.series(path)[step][firm].
  const auto last = [&](const char* path, std::size_t j) { return rec.series(path).back()[j]; };
  fmt::print("{} ({} steps)\n\n{:<8} {:<9} {:>7} {:>9} {:>6} {:>10}\n", sc.name, report.steps_done,
             "firm", "strategy", "market", "customer", "price", "cumulative");
  fmt::print("{:<8} {:<9} {:>7} {:>9} {:>6} {:>10}\n", "", "", "share", "share", "", "profit");
  for (std::size_t j = 0; j < sc.firms.size(); ++j)
    fmt::print("{:<8} {:<9} {:>6.1f}% {:>8.1f}% {:>6.2f} {:>10.0f}\n", sc.firms[j].name,
               sc.firms[j].strategy, 100 * last("/market/market_share", j),
               100 * last("/market/customer_share", j), last("/market/price", j),
               last("/market/cumulative_profit", j));
  fmt::print("\nCopycat prices 5% below Leader's last price and aims all media at commuters.\n");
  return 0;
}
