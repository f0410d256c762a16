// scenarios/planning/price_war.yaml shows what scenarios/planning/price_war.md says: after the
// rival's 15% cut, holding Crema's price earns it the most; matching the cut wins the most share
// and costs the most; doubling the marketing budget buys almost nothing, since every household
// already knows Crema; a loyalty program buys share far more cheaply than a price cut; the war
// costs Crema share and profit, and the rival more profit; a recession leaves the answer as it is.
//
// The guide's figures are from 20 replications. To stay well under 30 s on 2 cores, these tests
// run the first 6 of them (`experiment.replications=6`: the same seeds, so the same runs as the
// first 6 of the shipped experiment) and compare means of the paired changes against holding
// (each test took about 5 s on 2 cores shared with other work).
// Each margin is well inside the value measured with those 6 replications when this was written
// (quoted beside it, with the guide's 20-replication figure), yet far enough from zero that the
// lesson itself is checked: a market in which it no longer holds fails.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "models/experiment.hpp"
#include "models/scenario_load.hpp"
#include "tests/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using msim::test::TempDir;

const std::string kScenario =
    (fs::path(MARKETSIM_SOURCE_DIR) / "scenarios" / "planning" / "price_war.yaml").string();

// The design points of the shipped sweep (the last key varies fastest).
constexpr int kHold = 0, kLoyalty = 1, kAdPush = 2, kMatch = 4, kMatchLoyalty = 5;

/// The tables of the shipped experiment run with `overrides` and 6 replications.
msim::ExperimentTables run(const TempDir& dir, const std::string& name,
                           std::vector<std::string> overrides = {}) {
  overrides.insert(overrides.begin(), "experiment.replications=6");
  const msim::Experiment ex = msim::plan_experiment([&](const std::vector<std::string>& extra) {
    std::vector<std::string> all = overrides;
    all.insert(all.end(), extra.begin(), extra.end());
    return msim::load_scenario_file(kScenario, all);
  });
  REQUIRE(ex.base.firms.at(0).name == "Crema");
  const msim::ExperimentReport report = msim::run_experiment(ex, dir.file(name));
  REQUIRE(report.complete);
  return msim::read_experiment_tables(dir.file(name));
}

std::size_t column(const msim::ExperimentTable& t, const std::string& name) {
  const auto it = std::find(t.columns.begin(), t.columns.end(), name);
  REQUIRE(it != t.columns.end());
  return static_cast<std::size_t>(it - t.columns.begin());
}

/// The mean of `metric` for `firm` in design point `point` of a summary or differences table.
double mean(const msim::ExperimentTable& t, int point, const std::string& metric,
            const std::string& firm) {
  const std::size_t dp = column(t, "design_point"), m = column(t, "metric"), f = column(t, "firm"),
                    value = column(t, "mean");
  for (const auto& row : t.rows)
    if (row[dp] == std::to_string(point) && row[m] == metric && row[f] == firm)
      return std::stod(row.at(value));
  FAIL("no row for design point " << point << ", " << metric << ", " << firm);
  return 0.0;
}

/// `result` of each replication's run in design point `point`, from the runs table.
std::map<std::string, double> by_replication(const msim::ExperimentTable& t, int point,
                                             const std::string& result) {
  const std::size_t dp = column(t, "design_point"), r = column(t, "replication"),
                    value = column(t, result);
  std::map<std::string, double> out;
  for (const auto& row : t.rows)
    if (row[dp] == std::to_string(point)) out[row[r]] = std::stod(row.at(value));
  return out;
}

/// The mean over replications of b - a, run by run (the same seed on both sides).
double paired_change(const std::map<std::string, double>& a,
                     const std::map<std::string, double>& b) {
  REQUIRE(a.size() == b.size());
  double sum = 0.0;
  for (const auto& [rep, value] : a) sum += b.at(rep) - value;
  return sum / static_cast<double>(a.size());
}

}  // namespace

TEST_CASE(
    "price war: holding earns the most, matching wins the most share, a loyalty program "
    "buys share cheaply, more advertising buys none",
    "[validation][planning]") {
  TempDir dir;
  const msim::ExperimentTables t = run(dir, "war.h5");
  const auto& d = t.differences;
  const auto profit = [&](int point) { return mean(d, point, "profit_per_year", "Crema"); };
  const auto share = [&](int point) { return mean(d, point, "market_share", "Crema"); };
  std::ostringstream changes;
  for (int point = 1; point < 8; ++point)
    changes << "\n  design point " << point << ": profit per year " << profit(point)
            << ", market share " << share(point);
  INFO("Crema's mean changes against holding:" << changes.str());

  // Best for profit: holding. Every response, alone or combined, earns Crema less. Measured
  // (mean of 6 replications; the guide's mean of 20 in brackets): loyalty program -158 (-200),
  // doubled budget -1,948 (-1,948), match -4,903 (-5,030); the combinations -2,118 to -8,817.
  CHECK(profit(kLoyalty) <= -80.0);
  CHECK(profit(kAdPush) <= -1400.0);
  CHECK(profit(kMatch) <= -3500.0);
  for (int point = 1; point < 8; ++point) CHECK(profit(point) < 0.0);

  // Best for share: matching the cut. Measured +12.7 points (+12.8); with the loyalty program as
  // well +15.2 (+15.4).
  CHECK(share(kMatch) >= 0.10);
  CHECK(share(kMatchLoyalty) >= share(kMatch) + 0.015);

  // Doubling the marketing budget: every household already knows Crema (awareness 100%), so the
  // money buys almost no share. Measured +0.15 points (+0.2).
  CHECK(share(kAdPush) <= 0.01);

  // The loyalty program wins share at a fraction of a price cut's cost per point. Measured
  // +2.2 points (+2.1) for 158 a year: 72 a point; matching, 4,903 for 12.7 points: 387 a point
  // (the guide: 94 and 394).
  CHECK(share(kLoyalty) >= 0.01);
  const double loyalty_per_point = -profit(kLoyalty) / (100.0 * share(kLoyalty));
  const double match_per_point = -profit(kMatch) / (100.0 * share(kMatch));
  INFO("cost of a point of share: loyalty program " << loyalty_per_point << ", match "
                                                    << match_per_point);
  CHECK(loyalty_per_point * 2.0 <= match_per_point);

  // Matching costs the rival too: ValueBean loses share and profit. Measured -11.0 points
  // (-11.0) and -1,481 a year (-1.5k).
  CHECK(mean(d, kMatch, "market_share", "ValueBean") <= -0.07);
  CHECK(mean(d, kMatch, "profit_per_year", "ValueBean") <= -1000.0);
}

TEST_CASE(
    "price war: the war costs Crema share and profit and the rival more profit, and a "
    "recession leaves the answer as it is",
    "[validation][planning]") {
  TempDir dir;
  // Holding (design point 0) and matching (1) only: 2 design points x 6 replications for each
  // of three markets.
  const std::string two = "experiment.sweep={shocks.match.enabled: [false, true]}";
  constexpr int matched = 1;
  const msim::ExperimentTables war = run(dir, "war.h5", {two});
  const msim::ExperimentTables peace =
      run(dir, "peace.h5", {two, "shocks.rival_cut.enabled=false"});
  const msim::ExperimentTables slump =
      run(dir, "recession.h5", {two, "shocks.recession.enabled=true"});

  // What the rival's cut costs each firm when Crema holds its price, run by run. Measured
  // Crema -6,202 a year (-6.1k) and -7.9 points (-7.8), ValueBean -11,275 a year (-11.2k) and
  // +9.0 points (+8.9).
  const auto cost = [&](const std::string& result) {
    return paired_change(by_replication(peace.runs, kHold, result),
                         by_replication(war.runs, kHold, result));
  };
  INFO("the war's cost, holding: Crema " << cost("profit_per_year:Crema") << " a year and "
                                         << cost("market_share:Crema") << " of share; ValueBean "
                                         << cost("profit_per_year:ValueBean") << " a year");
  CHECK(cost("profit_per_year:Crema") <= -5000.0);
  CHECK(cost("market_share:Crema") <= -0.06);
  CHECK(cost("market_share:ValueBean") >= 0.06);
  // The price cutter pays more for its cut than Crema does.
  CHECK(cost("profit_per_year:ValueBean") <= cost("profit_per_year:Crema"));

  // A recession (15% fewer purchase occasions) scales volumes, not choices: matching still wins
  // about the same share (measured +12.7 points without it and +13.1 with it; the guide's means:
  // +12.8 and +12.9) and still loses money (-4,240 a year; the guide: -4.3k).
  const double share_war = mean(war.differences, matched, "market_share", "Crema");
  const double share_slump = mean(slump.differences, matched, "market_share", "Crema");
  INFO("matching's share gain: " << share_war << " without a recession, " << share_slump
                                 << " with one");
  CHECK(std::abs(share_slump - share_war) <= 0.01);
  CHECK(mean(slump.differences, matched, "profit_per_year", "Crema") <= -3000.0);
  // Holding in a recession earns less than holding without one. Measured 37,756 against 43,441
  // a year (the guide's means: 38.0k and 43.8k).
  CHECK(mean(slump.summary, kHold, "profit_per_year", "Crema") <=
        0.95 * mean(war.summary, kHold, "profit_per_year", "Crema"));
}
