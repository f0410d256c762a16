// scenarios/planning/README.md's answer for scenarios/planning/budget_stress_test.yaml: in the
// stress case (the budget cut and the entrant) VarietyCo loses about 3 points of share but earns
// slightly more; the entrant's share comes nearly all from VarietyCo; the cut alone costs little
// share and saves about 1,100 a year. The guide's figures are for the shipped 30 replications;
// the test runs the first 8 of them (the same seeds: replication r has the same seed whatever the
// count): 4 to 5 s on 2 cores shared with other work, where the guide's 120 runs take 10 to 25.
// Each margin is stated beside the value of the guide (30 replications) and the value measured
// on these 8 when the test was written.
#include <catch2/catch.hpp>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "tests/validation/experiment_runs.hpp"

namespace {

using msim::test::highest;
using msim::test::lowest;
using msim::test::mean;
using msim::test::median;
using msim::test::minus;
using msim::test::sd;

constexpr std::size_t kReplications = 8;

/// /experiment/runs of the stress test, each key result by design point and replication.
class StressRuns : public msim::test::ExperimentRuns {
 public:
  StressRuns() : ExperimentRuns(plan()) {}

  /// Design point `point` less design point 0, replication by replication (common random numbers).
  std::vector<double> change(const std::string& name, std::size_t point) const {
    return minus(values(name, point), values(name, 0));
  }

 private:
  static msim::Experiment plan() {
    msim::Experiment ex =
        msim::test::plan_shipped("planning/budget_stress_test.yaml",
                                 {"experiment.replications=" + std::to_string(kReplications)});
    REQUIRE(ex.points.size() == 4);
    REQUIRE(ex.varied ==
            std::vector<std::string>{"shocks.q3_cut.enabled", "shocks.niche_entry.enabled"});
    return ex;
  }
};

}  // namespace

TEST_CASE("planning stress test: the cut and the entrant cost VarietyCo share, not profit",
          "[validation][planning]") {
  const StressRuns runs;
  // Design points: 0 the plan, 1 the entrant alone, 2 the cut alone, 3 both (the stress case).
  const std::string share = "market_share:VarietyCo", profit = "profit_per_year:VarietyCo";

  // "VarietyCo keeps about 46.0% of the market instead of 49.2%" (medians). Measured on 8
  // replications: 48.9% and 45.7%; each replication's change -2.7 to -3.7 points (guide: -3.9 to
  // -2.7 in 90% of the 30).
  const double plan_share = median(runs.values(share, 0));
  const double stress_share = median(runs.values(share, 3));
  INFO("VarietyCo's median share: plan " << plan_share << ", stress case " << stress_share);
  CHECK(plan_share >= 0.47);
  CHECK(plan_share <= 0.52);
  CHECK(stress_share >= 0.44);
  CHECK(stress_share <= 0.48);
  const auto share_change = runs.change(share, 3);
  INFO("stress case's change in share, by replication: " << lowest(share_change) << " to "
                                                         << highest(share_change));
  CHECK(highest(share_change) <= -0.02);
  CHECK(lowest(share_change) >= -0.05);

  // "its profit per year is slightly higher: by 449 to 553 a year in 90% of the replications".
  // Measured on 8: +440 to +543 in every replication, median +505.
  const auto profit_change = runs.change(profit, 3);
  INFO("stress case's change in profit per year: " << lowest(profit_change) << " to "
                                                   << highest(profit_change) << ", median "
                                                   << median(profit_change));
  CHECK(lowest(profit_change) >= 250.0);
  CHECK(highest(profit_change) <= 800.0);
  // "These ranges are much narrower than the ranges of the profit itself (24.7k to 26.1k in the
  // baseline alone)": measured sd 32 for the change against 507 for the plan's profit.
  const double change_sd = sd(profit_change), profit_sd = sd(runs.values(profit, 0));
  INFO("sd of the change " << change_sd << ", of the plan's profit " << profit_sd);
  CHECK(change_sd <= 0.25 * profit_sd);

  // "The entrant takes about 3 points of share, nearly all from VarietyCo (design point 1, the
  // entrant alone, costs VarietyCo 3.0 points and about 540 a year)". Measured on 8: GreenBite
  // 3.3 points; VarietyCo -3.1, Tailor -0.3, MegaMeals +0.03 points; VarietyCo -547 a year.
  const double entrant = mean(runs.values("market_share:GreenBite", 1));
  const double variety = mean(runs.change(share, 1));
  const double others =
      mean(runs.change("market_share:Tailor", 1)) + mean(runs.change("market_share:MegaMeals", 1));
  const double entry_profit = mean(runs.change(profit, 1));
  INFO("entrant alone: GreenBite " << entrant << ", VarietyCo " << variety << ", Tailor and "
                                   << "MegaMeals " << others << "; VarietyCo's profit per year "
                                   << entry_profit);
  CHECK(entrant >= 0.02);
  CHECK(entrant <= 0.05);
  CHECK(-variety >= 0.75 * entrant);
  CHECK(-others <= 0.25 * entrant);
  CHECK(entry_profit <= -350.0);
  CHECK(entry_profit >= -750.0);
  // The entrant is out of the market unless its entry is switched on.
  CHECK(highest(runs.values("in_market:GreenBite", 0)) == 0.0);
  CHECK(lowest(runs.values("in_market:GreenBite", 3)) == 1.0);

  // "design point 2, the cut alone, costs it only 0.2 points and saves about 1,100 a year".
  // Measured on 8: -0.22 points (-0.09 to -0.36) and +1,054 a year (+1,024 to +1,065).
  const auto cut_share = runs.change(share, 2);
  const auto cut_profit = runs.change(profit, 2);
  INFO("cut alone: share " << mean(cut_share) << " (" << lowest(cut_share) << " to "
                           << highest(cut_share) << "), profit per year " << mean(cut_profit));
  CHECK(highest(cut_share) < 0.0);
  CHECK(lowest(cut_share) >= -0.01);
  CHECK(mean(cut_profit) >= 900.0);
  CHECK(mean(cut_profit) <= 1300.0);
}

namespace {

/// VarietyCo's change in market share and profit per year when the cut alone is switched on
/// (the entrant left out), by replication, with `overrides` applied to the whole market.
std::pair<std::vector<double>, std::vector<double>> cut_alone(
    const std::vector<std::string>& overrides) {
  std::vector<std::string> all = {"experiment.replications=" + std::to_string(kReplications),
                                  "experiment.sweep={shocks.q3_cut.enabled: [false, true]}",
                                  "shocks.niche_entry.enabled=false"};
  all.insert(all.end(), overrides.begin(), overrides.end());
  const msim::Experiment ex = msim::test::plan_shipped("planning/budget_stress_test.yaml", all);
  REQUIRE(ex.points.size() == 2);
  const msim::test::ExperimentRuns runs(ex);
  const auto change = [&](const std::string& name) {
    return minus(runs.values(name, 1), runs.values(name, 0));
  };
  return {change("market_share:VarietyCo"), change("profit_per_year:VarietyCo")};
}

}  // namespace

TEST_CASE(
    "planning stress test: the cut costs little share because advertising is saturated, "
    "not because customers are loyal",
    "[validation][planning]") {
  // The guide: at week 104 VarietyCo's goodwill averages 10.1 in the plan and 7.1 after the cut,
  // and 100% and 96.2% of households are at the goodwill cap (4), above which goodwill adds no
  // utility. Measured on 8 replications: without loyalty in the utility the cut still costs
  // 0.15 points (0.05 to 0.23) and saves 1,075 a year; with the cap at 40, so that the
  // advertising is not saturated, it costs 12.8 points (11.9 to 13.5) and 3,863 a year.
  const auto [share_unloyal, profit_unloyal] = cut_alone({"market.loyalty_weight=0"});
  INFO("no loyalty: share " << mean(share_unloyal) << " (" << lowest(share_unloyal) << " to "
                            << highest(share_unloyal) << "), profit per year "
                            << mean(profit_unloyal));
  CHECK(lowest(share_unloyal) >= -0.01);
  CHECK(mean(profit_unloyal) >= 900.0);
  const auto [share_open, profit_open] = cut_alone({"market.goodwill_cap=40"});
  INFO("cap 40: share " << mean(share_open) << " (" << lowest(share_open) << " to "
                        << highest(share_open) << "), profit per year " << mean(profit_open));
  CHECK(highest(share_open) <= -0.08);
  CHECK(mean(profit_open) <= -2000.0);
}
