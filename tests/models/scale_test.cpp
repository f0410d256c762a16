// The scenario key `scale`: the market at a fraction of its size, with the same economics
// (models/scenario.hpp, applied where totals are used in models/market*.cpp).
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "models/strategy.hpp"
#include "sim/error.hpp"
#include "sim/recorder.hpp"

using Catch::Matchers::Contains;

namespace {

const std::string kTiny = std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml";

// A mid-run budget set as a total, a fixed cost of the firm's own and a research study: every
// kind of total the engine scales where it uses it.
const std::vector<std::string> kExtras = {
    "shocks=[{week: 7, kind: budget, firm: Mass, set: 60000}]",
    "firms.Mass.fixed_cost_per_year=3000",
    "firms.Diff.segmentation={kind: research, refresh_steps: 4, sample_size: 500, "
    "cost_per_study: 800}"};

/// Runs tiny.yaml with kExtras, then `overrides` (later assignments win).
msim::MemoryRecorder run(const std::vector<std::string>& more) {
  std::vector<std::string> overrides = kExtras;
  overrides.insert(overrides.end(), more.begin(), more.end());
  msim::MemoryRecorder rec;
  msim::run_simulation(msim::load_scenario_file(kTiny, overrides), rec);
  return rec;
}

/// Every value of `a` within a relative 1e-9 of `b`'s (money: the same sums, in another order).
void check_close(const msim::MemoryRecorder& a, const msim::MemoryRecorder& b,
                 const std::string& path) {
  const auto& x = a.series(path);
  const auto& y = b.series(path);
  REQUIRE(x.size() == y.size());
  for (std::size_t t = 0; t < x.size(); ++t)
    for (std::size_t k = 0; k < x[t].size(); ++k) {
      INFO(path << " step " << t << " item " << k << ": " << x[t][k] << " vs " << y[t][k]);
      CHECK(std::abs(x[t][k] - y[t][k]) <= 1e-9 * std::max(1.0, std::abs(y[t][k])));
    }
}

/// Sells nothing, and plans this step's budget (the simulated market's money) as a fixed cost.
class BudgetAsFixedCost final : public msim::Strategy {
 public:
  std::unique_ptr<msim::Strategy> clone() const override {
    return std::make_unique<BudgetAsFixedCost>(*this);
  }
  void plan(const msim::MarketView& view, msim::FirmPlan& plan) override {
    plan.fixed_cost = view.budget;
  }
  void write_params(msim::YamlWriter&) const override {}
};

}  // namespace

TEST_CASE("scale: half the market equals the file with every total halved by hand",
          "[scenario][scale]") {
  const auto scaled = run({"scale=0.5"});
  const auto by_hand =
      run({"consumers=10000", "categories.snacks.reference_volume=500",
           "categories.drinks.reference_volume=500", "firms.Mass.budget_per_year=20000",
           "firms.Diff.budget_per_year=15000", "firms.Diff.variant_fixed_cost_per_year=1000",
           "firms.Niche.budget_per_year=5000", "firms.OneToOne.budget_per_year=10000",
           "firms.OneToOne.crm_fixed_cost_per_year=2500", "shocks.0.set=30000",
           "firms.Mass.fixed_cost_per_year=1500", "firms.Diff.segmentation.cost_per_study=400"});
  // Counts are the same integers; money is the same up to the order of rounding.
  CHECK(scaled.series("/market/units") == by_hand.series("/market/units"));
  CHECK(scaled.series("/segments/units") == by_hand.series("/segments/units"));
  for (const char* path : {"/market/profit", "/market/cumulative_profit", "/market/marketing_spend",
                           "/market/unit_cost", "/market/roi"})
    check_close(scaled, by_hand, path);
  // The test has teeth: the file's market is another market.
  const auto full = run({});
  CHECK(full.series("/market/units") != scaled.series("/market/units"));
}

TEST_CASE("scale: a strategy plans in the simulated market's money, as its budget is",
          "[scenario][scale]") {
  // A firm that sells nothing and spends a step's budget as a fixed cost: its loss is its
  // budget, at any scale (the plan's fixed cost was scaled a second time).
  static const bool registered = [] {
    msim::register_strategy(
        {"budget_as_fixed_cost_for_test", "a test strategy", {}, [](const auto&) {
           return std::unique_ptr<msim::Strategy>(std::make_unique<BudgetAsFixedCost>());
         }});
    return true;
  }();
  (void)registered;
  const auto loss = [](const std::string& scale) {
    msim::MemoryRecorder rec;
    msim::run_simulation(
        msim::load_scenario_file(kTiny, {"steps=2", "scale=" + scale,
                                         "firms.Mass.strategy=budget_as_fixed_cost_for_test"}),
        rec);
    return -rec.series("/market/profit").at(1).at(0);
  };
  const double full = loss("1");
  CHECK(full == Approx(40000.0 / 52));
  CHECK(loss("0.5") == Approx(full * 0.5));
  CHECK(loss("0.1") == Approx(full * 0.1));
}

TEST_CASE("scale: checked, with the file's consumers kept for /scenario", "[scenario][scale]") {
  const msim::Scenario sc = msim::load_scenario_file(kTiny, {"scale=0.25"});
  CHECK(sc.consumers == 5000);
  CHECK(sc.consumers_in_file == 20000);
  const std::string yaml = msim::resolved_yaml(sc);
  CHECK_THAT(yaml, Contains("consumers: 20000\nscale: 0.25\n"));
  // The recorded scenario reruns the same market: scaled once, not twice.
  CHECK(msim::load_scenario_text(yaml, "again.yaml").consumers == 5000);
  // Without scale, /scenario is as it always was.
  CHECK_THAT(msim::resolved_yaml(msim::load_scenario_file(kTiny)),
             !Contains("scale:") && Contains("consumers: 20000\n"));

  CHECK_THROWS_WITH(msim::load_scenario_file(kTiny, {"scale=0"}),
                    Contains("key 'scale'") && Contains("0"));
  CHECK_THROWS_WITH(msim::load_scenario_file(kTiny, {"scale=1e-6"}),
                    Contains("key 'scale'") &&
                        Contains("a scale that leaves 1 to 4e9 consumers of the 20000 in the "
                                 "scenario (it gives 0)"));
  CHECK_THROWS_AS(msim::load_scenario_file(kTiny, {"scale=1e-6"}), msim::InputError);
  // A panel is a number of consumers: it must fit the scaled population.
  CHECK_THROWS_WITH(msim::load_scenario_file(kTiny, {"scale=0.1", "output.panel.size=5000"}),
                    Contains("output.panel.size") && Contains("(2000)"));
}

TEST_CASE("scale: a total of money stays within the limit in the market simulated",
          "[scenario][scale]") {
  // 1e15 a year is the file's limit; at scale 4 the market would spend 4e15.
  const auto refused = [](const std::vector<std::string>& overrides, const std::string& key,
                          const std::string& expected) {
    std::vector<std::string> all = overrides;
    all.push_back("scale=4");
    REQUIRE_THROWS_AS(msim::load_scenario_file(kTiny, all), msim::InputError);
    REQUIRE_THROWS_WITH(msim::load_scenario_file(kTiny, all),
                        Contains("key '" + key + "'") && Contains(expected));
    CHECK_NOTHROW(msim::load_scenario_file(kTiny, overrides));  // the file's market is fine
  };
  const std::string past =
      "expected at most 2.5e+14: the market is simulated at scale 4, where this total would be "
      "4e+15, past the limit of 1e+15";
  refused({"firms.Mass.budget_per_year=1e15"}, "firms.Mass.budget_per_year", past);
  refused({"firms.Mass.fixed_cost_per_year=1e15"}, "firms.Mass.fixed_cost_per_year", past);
  refused({"firms.Diff.variant_fixed_cost_per_year=1e15"}, "firms.Diff.variant_fixed_cost_per_year",
          past);
  refused({"firms.OneToOne.crm_fixed_cost_per_year=1e15"}, "firms.OneToOne.crm_fixed_cost_per_year",
          past);
  refused({"firms.Diff.segmentation={kind: research, cost_per_study: 1e15}"},
          "firms.Diff.segmentation.cost_per_study", past);
  refused({"shocks=[{step: 3, kind: budget, firm: Mass, set: 5e14}]"}, "shocks.0.set",
          "expected a value that keeps the budget_per_year of firm 'Mass' at most 2.5e+14 (at "
          "scale 4, 1e+15 in the simulated market): in step 3 it would take it from 40000 to "
          "5e+14");
  refused({"firms.Mass.budget_per_year=2e14",
           "shocks=[{step: 3, kind: fixed_cost, firm: Mass, set: 1e14}, "
           "{step: 5, kind: fixed_cost, firm: Mass, multiply: 3}]"},
          "shocks.1.multiply", "a factor that keeps the fixed_cost_per_year of firm 'Mass'");
}
