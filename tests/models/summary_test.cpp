// The summary read back from a run file: figures that are undefined print as n/a (durables-only
// firms' lapses, a firm that never entered, ROI without spending, referral figures without a
// program), and the shocks that fired are listed in plain words.
#include "models/summary.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/hdf5_file.hpp"
#include "tests/temp_dir.hpp"

using Catch::Contains;
using msim::test::TempDir;

namespace {

// Durabox sells only washers (durable); Soapy and Quiet only soap; LongLife never enters (its
// entry is disabled); Quiet spends nothing on marketing.
const std::string kMixed = R"(name: Mixed
seed: 3
consumers: 4000
steps: 30
steps_per_year: 52
market: {initial_awareness: 0.5}
categories:
  - {name: washer, kind: durable, base_cost: 300, reference_volume: 1.0e6,
     lifetime: {shape: 2.0, scale: 60}}
  - {name: soap, kind: consumable, base_cost: 1.0, reference_volume: 1.0e6}
segments:
  - name: all
    share: 1.0
    ideal: {mean: [0, 0], sd: [0.5, 0.5]}
    price_sensitivity: {mean: 0.004, sd: 0.001}
    purchase_rate: {washer: {mean: 0.05, shape: 2.0}, soap: {mean: 0.5, shape: 1.0}}
firms:
  - {name: Durabox, strategy: mass, budget_per_year: 20000, categories: [washer], price: 420}
  - {name: LongLife, strategy: mass, budget_per_year: 20000, categories: [washer], price: 420}
  - {name: Soapy, strategy: mass, budget_per_year: 20000, categories: [soap]}
  - {name: Quiet, strategy: mass, budget_per_year: 0, categories: [soap]}
)";

/// Runs `sc` into `path` and reads its summary back.
msim::Summary run_and_summarize(const msim::Scenario& sc, const std::string& path) {
  auto rec = msim::make_hdf5_recorder(path);
  msim::run_simulation(sc, *rec);
  rec.reset();
  return msim::summarize_file(path);
}

/// The line of `text` after the line starting with `section` that starts with `firm` and a space.
std::string row(const std::string& text, const std::string& section, const std::string& firm) {
  std::istringstream in(text.substr(text.find(section)));
  for (std::string line; std::getline(in, line);)
    if (line.rfind(firm + " ", 0) == 0) return line;
  return "";
}

/// A summary of a finished weekly year with these firms, for tests of the summary's wording.
msim::Summary weekly_summary(const std::string& scenario, std::vector<msim::SummaryRow> rows) {
  msim::Summary s;
  s.scenario = scenario;
  s.steps = s.steps_done = 52;
  s.steps_per_year = 52;
  s.rows = std::move(rows);
  return s;
}

/// The cells of a fixed-width line, split at spaces.
std::vector<std::string> cells(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string cell; in >> cell;) out.push_back(cell);
  return out;
}

}  // namespace

TEST_CASE("summary: undefined figures are n/a, not zeros", "[summary]") {
  TempDir dir;
  const msim::Summary s = run_and_summarize(
      msim::load_scenario_text(
          kMixed + "shocks:\n  - {name: rival_enters, kind: enter, firm: LongLife, step: 0, "
                   "enabled: false}\n",
          "mixed.yaml"),
      dir.file("mixed.h5"));
  REQUIRE(s.rows.size() == 4);
  REQUIRE(s.relationships.size() == 4);
  const std::string text = msim::format_summary(s);
  INFO(text);
  // Durables only: lapses say nothing, so lost customers, retention and CLV are n/a.
  CHECK(s.relationships[0].durables_only);
  CHECK_FALSE(s.relationships[2].durables_only);
  const auto durabox = cells(row(text, "Customer relationships", "Durabox"));
  REQUIRE(durabox.size() == 8);
  CHECK(durabox[4] == "n/a");  // lost customers
  CHECK(durabox[5] == "n/a");  // retention
  CHECK(durabox[6] == "n/a");  // CLV
  CHECK(durabox[3] != "n/a");  // active customers are still counted
  CHECK_THAT(text, Contains("n/a for Durabox, which sells only durable goods"));
  const auto soapy = cells(row(text, "Customer relationships", "Soapy"));
  REQUIRE(soapy.size() == 8);
  CHECK_THAT(soapy[5], Contains("%"));
  CHECK(soapy[6] != "n/a");
  // Never in the market: marked, not zeros.
  CHECK_FALSE(s.rows[1].in_market);
  CHECK(s.rows[0].in_market);
  CHECK_THAT(row(text, "firm", "LongLife"), Contains("not in market"));
  CHECK_THAT(row(text, "Customer relationships", "LongLife"), Contains("not in market"));
  CHECK_THAT(row(text, "Durable goods", "LongLife"), Contains("not in market"));
  CHECK_THAT(text, !Contains("0.00%"));
  // A weekly market gives the age at failure in weeks, as the note under the table says.
  CHECK_THAT(row(text, "Durable goods", "Durabox"), Contains(" weeks ") && !Contains("steps"));
  CHECK_THAT(text, Contains("the mean age at failure is in weeks"));
  // No marketing spend: ROI is undefined (the file records 0).
  CHECK_FALSE(s.rows[3].roi_defined);
  CHECK(s.rows[3].roi == 0.0);
  CHECK(cells(row(text, "firm", "Quiet")).back() == "n/a");
  CHECK(cells(row(text, "firm", "Soapy")).back() != "n/a");
  CHECK_THAT(text, Contains("ROI is n/a for Quiet"));
  // What ROI is, so that a return of 4,000% does not read as a return on the marketing alone.
  CHECK_THAT(
      text,
      Contains(
          "ROI is the cumulative profit per unit of marketing money spent (marketing spend and "
          "loyalty and referral rewards): the "
          "whole business's profit, not only what the marketing added"));
}

TEST_CASE("summary: ROI over a marketing spend of less than a cent is n/a, not +-1e10",
          "[summary]") {
  TempDir dir;
  const msim::Summary s = run_and_summarize(
      msim::load_scenario_text(kMixed, "mixed.yaml", {"firms.Soapy.budget_per_year=1e-6"}),
      dir.file("mixed.h5"));
  const std::string text = msim::format_summary(s);
  INFO(text);
  REQUIRE(s.rows.size() == 4);
  const msim::SummaryRow& soapy = s.rows[2];
  REQUIRE(soapy.firm == "Soapy");
  CHECK(soapy.in_market);
  CHECK_FALSE(soapy.roi_defined);
  CHECK(soapy.roi == 0.0);  // recorded as 0 while undefined
  CHECK(cells(row(text, "firm", "Soapy")).back() == "n/a");
  CHECK_THAT(
      text, Contains("ROI is n/a for Soapy and Quiet: with no marketing money spent (under 0.01)"));
}

TEST_CASE("summary: referral figures are blank for firms without a referral program", "[summary]") {
  TempDir dir;
  const msim::Summary s =
      run_and_summarize(msim::load_scenario_file(std::string(MARKETSIM_SOURCE_DIR) +
                                                     "/scenarios/textbook/loyalty_referral.yaml",
                                                 {"consumers=10000", "steps=20"}),
                        dir.file("lr.h5"));
  const std::string text = msim::format_summary(s);
  INFO(text);
  REQUIRE(s.relationships.size() == 3);
  CHECK_FALSE(s.relationships[0].referral_program);  // BeanCo
  CHECK(s.relationships[1].referral_program);        // ClubRoast
  CHECK_FALSE(s.relationships[2].referral_program);  // PlainRoast
  REQUIRE(s.relationships[1].referred > 0);
  CHECK(cells(row(text, "Customer relationships", "ClubRoast")).size() == 10);
  CHECK(cells(row(text, "Customer relationships", "BeanCo")).size() == 8);
  CHECK(cells(row(text, "Customer relationships", "PlainRoast")).size() == 8);
  CHECK_THAT(text, Contains("blank for firms without a referral program"));
  // With the programs off (multiplying by 1, paying nothing) customers are still tagged, but no
  // firm has a program: no referral columns, all blank, under the table.
  const msim::Summary off = run_and_summarize(
      msim::load_scenario_file(
          std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/textbook/loyalty_referral.yaml",
          {"consumers=10000", "steps=20", "firms.ClubRoast.referral_program.multiplier=1",
           "firms.ClubRoast.referral_program.reward=0"}),
      dir.file("off.h5"));
  const std::string off_text = msim::format_summary(off);
  INFO(off_text);
  REQUIRE(off.relationships[1].referred > 0);
  CHECK_FALSE(off.relationships[1].referral_program);
  CHECK(cells(row(off_text, "Customer relationships", "ClubRoast")).size() == 8);
  CHECK_THAT(off_text, !Contains("referred") && !Contains("blank for firms without"));
}

TEST_CASE("summary: the shocks that fired are listed in plain words", "[summary]") {
  TempDir dir;
  const std::string shocks = R"(shocks:
  - {name: q3_cut, week: 3, kind: budget, firm: Soapy, multiply: 0.7}
  - {week: 4, kind: budget, firm: Quiet, set: 12000}
  - {week: 5, kind: fixed_cost, firm: Soapy, set: 1000}
  - {week: 5, kind: price, firm: Soapy, multiply: 1.1}
  - {week: 6, kind: price, firm: Quiet, set: 4.5}
  - {week: 7, kind: price, firm: Quiet, markup: 0.3}
  - {week: 8, kind: cost, firm: Soapy, multiply: 0.9, categories: [soap]}
  - {week: 9, kind: cpm, channel: mass, multiply: 1.5}
  - {week: 9, kind: cpm, channel: direct, set: 0.05}
  - {week: 10, kind: recession, multiply: 0.85, segments: [all]}
  - {week: 11, kind: opt_out, fraction: 0.2}
  - {week: 12, kind: enter, firm: LongLife}
  - {week: 13, kind: exit, firm: Durabox}
  - {name: off, week: 14, kind: exit, firm: Soapy, enabled: false}
  - {name: late, week: 30, kind: exit, firm: Quiet}
)";
  const msim::Summary s = run_and_summarize(
      msim::load_scenario_text(kMixed + shocks, "mixed.yaml", {"steps=20"}), dir.file("s.h5"));
  CHECK(s.shocks == std::vector<std::string>{
                        "week 3: Soapy's budget x 0.7 (q3_cut)",
                        "week 4: Quiet's budget set to 12.0k per year",
                        "week 5: Soapy's fixed cost set to 1.0k per year",
                        "week 5: Soapy's price x 1.1",
                        "week 6: Quiet's price set to 4.5 per unit",
                        "week 7: Quiet's price back to cost plus a 30.0% markup",
                        "week 8: Soapy's unit cost x 0.9 in category soap",
                        "week 9: mass media's cost per 1000 impressions x 1.5",
                        "week 9: cost per direct contact set to 0.05",
                        "week 10: recession: purchase occasions x 0.85 in segment all",
                        "week 11: 20.0% of the consumers who still allowed CRM opt out",
                        "week 12: LongLife enters the market",
                        "week 13: Durabox leaves the market",
                    });
  CHECK(s.shocks_not_applied ==
        std::vector<std::string>{"off (disabled)", "late (week 30, after the last step run)"});
  const std::string text = msim::format_summary(s);
  CHECK_THAT(text, Contains("Shocks, each applied at the start of its step:\n"
                            "  week 3: Soapy's budget x 0.7 (q3_cut)\n"));
  CHECK_THAT(text, Contains("Shocks not applied: off (disabled); late (week 30, after the last "
                            "step run).\n"));
  // The shocks come after the summary table, before the relationships.
  CHECK(text.find("Shocks,") > text.find("ROI"));
  CHECK(text.find("Shocks,") < text.find("Customer relationships"));
  // A shock a branch switches on fired, though the scenario as written has it disabled.
  const msim::Summary branched = run_and_summarize(
      msim::load_scenario_text(
          kMixed + shocks + "branch: {step: 2, set: {shocks.off.enabled: true}}\n", "mixed.yaml",
          {"steps=20"}),
      dir.file("b.h5"));
  CHECK(branched.shocks.back() == "week 14: Soapy leaves the market (off)");
  CHECK(branched.shocks_not_applied ==
        std::vector<std::string>{"late (week 30, after the last step run)"});
  // Without shocks, nothing is said about them.
  const msim::Summary none =
      run_and_summarize(msim::load_scenario_text(kMixed, "mixed.yaml"), dir.file("n.h5"));
  CHECK(none.shocks.empty());
  CHECK_THAT(msim::format_summary(none), !Contains("Shocks"));
}

TEST_CASE("summary: at a scale other than 1, a budget or fixed cost a shock sets is the run's",
          "[summary]") {
  // A shock's `set` is the full market's money, as the firms' own budgets and fixed costs are:
  // the run spends scale times it.
  TempDir dir;
  const std::string shocks = R"(shocks:
  - {name: q3_cut, week: 3, kind: budget, firm: Soapy, multiply: 0.7}
  - {name: boost, week: 4, kind: budget, firm: Quiet, set: 12000}
  - {week: 5, kind: fixed_cost, firm: Soapy, set: 1000}
  - {week: 6, kind: price, firm: Quiet, set: 4.5}
)";
  const std::string path = dir.file("s.h5");
  const msim::Summary s = run_and_summarize(
      msim::load_scenario_text(kMixed + shocks, "mixed.yaml", {"steps=10", "scale=0.5"}), path);
  CHECK(s.shocks == std::vector<std::string>{
                        "week 3: Soapy's budget x 0.7 (q3_cut)",
                        "week 4: Quiet's budget set to 6.0k per year at scale 0.5 (12.0k in the "
                        "file) (boost)",
                        "week 5: Soapy's fixed cost set to 500 per year at scale 0.5 (1.0k in the "
                        "file)",
                        "week 6: Quiet's price set to 4.5 per unit",  // a price is not scaled
                    });
  // What the run spent: 6000 a year from week 4 on.
  const msim::Hdf5Reader in(path);
  const msim::Table spend = in.table("/market/marketing_spend");
  REQUIRE(spend.shape == std::vector<std::size_t>{10, 4});
  CHECK(spend.values[9 * 4 + 3] == Approx(6000.0 / 52));
  // At scale 1 as before: the file's amount is the run's.
  const msim::Summary full = run_and_summarize(
      msim::load_scenario_text(kMixed + shocks, "mixed.yaml", {"steps=10"}), dir.file("f.h5"));
  CHECK(full.shocks[1] == "week 4: Quiet's budget set to 12.0k per year (boost)");
}

TEST_CASE("summary: the reading names a leader only when it leads, and a lone firm as alone",
          "[summary]") {
  msim::Summary s = weekly_summary("level", {{"A", "mass", 0.502, 0.70, 0.5, 1.0, 1000.0, 1.0},
                                             {"B", "niche", 0.498, 0.60, 0.5, 1.0, 995.0, 1.0},
                                             {"C", "mass", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, false}});
  std::string text = msim::format_summary(s);
  INFO(text);
  CHECK_THAT(text, Contains("In the last week, A (mass) and B (niche) sold about as many units: "
                            "50.2% and 49.8% of the market."));
  CHECK_THAT(text, Contains("A (mass) won the largest share of its own buyers' category "
                            "purchases: 70.0%."));
  CHECK_THAT(text, Contains("Over the run, A (mass) and B (niche) earned about the same: 1.0k and "
                            "995."));
  // Past the margins (half a point of share, 1% of profit): a leader.
  s.rows[1].market_share = 0.49;
  s.rows[1].profit = 980.0;
  text = msim::format_summary(s);
  CHECK_THAT(text,
             Contains("In the last week, A (mass) sold the most units: 50.2% of the market."));
  CHECK_THAT(text, Contains("Over the run, A (mass) earned the most: 1.0k."));
  // A gap that chance alone gives in the last week's units is level: 1 point of 20,000 units
  // (twice its standard error is 1.41 points), not of 200,000 (0.45 points).
  s.rows[0].market_share = 0.505;
  s.rows[1].market_share = 0.495;
  s.units_last_step = 20000;
  CHECK_THAT(msim::format_summary(s), Contains("A (mass) and B (niche) sold about as many units: "
                                               "50.5% and 49.5% of the market."));
  s.units_last_step = 200000;
  CHECK_THAT(msim::format_summary(s),
             Contains("In the last week, A (mass) sold the most units: 50.5% of the market."));
  CHECK(msim::shares_level(0.505, 0.495, 20000));
  CHECK(!msim::shares_level(0.505, 0.495, 200000));
  CHECK(msim::shares_level(0.504, 0.4991, 0));  // unknown units: half a point alone
  CHECK(!msim::shares_level(0.506, 0.4991, 0));
  CHECK(!msim::shares_level(0.9, 0.1, 10));  // 80 points apart: a leader, even of 10 units
  s.units_last_step = 0;
  s.rows[1].market_share = 0.49;
  // Every firm lost money: the one that lost the least did not "earn the most".
  s.rows[0].profit = -3500.0;
  s.rows[1].profit = -9000.0;
  text = msim::format_summary(s);
  CHECK_THAT(text,
             Contains("Over the run, every firm lost money; A (mass) lost the least: -3.5k.") &&
                 !Contains("earned"));
  // Nobody sold anything in the last step (every firm left, say): no leader, not "about as many".
  msim::Summary empty = s;
  empty.rows[0].market_share = empty.rows[1].market_share = 0.0;
  empty.rows[0].customer_share = empty.rows[1].customer_share = std::nan("");
  empty.sold_last_step = false;
  text = msim::format_summary(empty);
  CHECK_THAT(text, Contains("In the last week, no firm sold anything.\nOver the run, every firm "
                            "lost money") &&
                       !Contains("about as many") && !Contains("own buyers"));
  // Its market shares are undefined (0 of 0 units): n/a, not 0.0%.
  const std::string row = text.substr(text.find("\nA "), 56);
  CHECK_THAT(row, Contains(" n/a ") && !Contains("0.0%"));
  // One firm in the market (C never entered): no contest to describe.
  s.rows[1].in_market = false;
  text = msim::format_summary(s);
  CHECK_THAT(text, Contains("A (mass) is the only firm in the market.") &&
                       !Contains("sold the most") && !Contains("earned the most"));
}

TEST_CASE("summary: a firm nobody bought from is not ranked on customer share, nor given loyalty",
          "[summary]") {
  // B sold in no step: its recorded customer share (0) and loyalty (0) are undefined. Ranked
  // with them, A's 0.3% and B's "0.0%" read as "about the same".
  msim::Summary s = weekly_summary("no buyers", {{"A", "mass", 1.0, 0.003, 0.5, 1.0, 1000.0, 1.0},
                                                 {"B", "mass", 0.0, 0.0, 0.0, 0.3, -50.0, 0.0}});
  s.rows[1].sold = false;
  s.durables = {{"A"}, {"B"}};
  s.durables[0].loyalty = 0.25;
  s.durable_categories = {"washer"};
  s.saturation = {0.1};
  const std::string text = msim::format_summary(s);
  INFO(text);
  CHECK_THAT(text, Contains("A (mass) won the largest share of its own buyers' category "
                            "purchases: 0.3%.") &&
                       !Contains("about the same share"));
  CHECK(cells(row(text, "Durable goods", "A")).back() == "0.25");
  CHECK(cells(row(text, "Durable goods", "B")).back() == "n/a");
  // Nobody bought from either: no sentence on customer share at all.
  s.rows[0].sold = false;
  CHECK_THAT(msim::format_summary(s), !Contains("own buyers"));
}

TEST_CASE("summary: the leader of each segment is named, with ties and empty segments",
          "[summary]") {
  msim::Summary s =
      weekly_summary("segments", {{"Big", "mass", 0.6, 0.5, 0.5, 1.0, 1000.0, 1.0},
                                  {"Green", "niche", 0.3, 0.8, 0.1, 0.2, 500.0, 1.0},
                                  {"Gone", "mass", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, false}});
  s.segments = {"mainstream", "vegan", "level", "empty"};
  s.segment_window = 13;
  // [segment][firm]: Gone never entered, so its (impossible) 0.9 in "level" must not count.
  s.segment_share = {0.7,  0.2,   0.0,  //
                     0.1,  0.776, 0.0,  //
                     0.45, 0.448, 0.9,  //
                     0.0,  0.0,   0.0};
  std::string text = msim::format_summary(s);
  INFO(text);
  CHECK_THAT(text, Contains("By segment, the largest share of the units bought over the last 13 "
                            "weeks: mainstream, Big (mass) with 70.0%; vegan, Green (niche) with "
                            "77.6%; level, Big (mass) and Green (niche) level with 45.0% and "
                            "44.8%; empty, no units bought.\n"));
  // Of the few units a small segment bought, 7 points can be chance (twice the gap's standard
  // error of 100 units is 15 points); of 10,000 it is not.
  s.segment_units = {100, 10000, 5000, 0};
  text = msim::format_summary(s);
  CHECK_THAT(text, Contains("mainstream, Big (mass) with 70.0%") &&
                       Contains("vegan, Green (niche) with 77.6%"));
  s.segment_share[1] = 0.63;  // mainstream: 70% and 63% of 100 units
  text = msim::format_summary(s);
  CHECK_THAT(text, Contains("mainstream, Big (mass) and Green (niche) level with 70.0% and 63.0%"));
  s.segment_units[0] = 10000;
  CHECK_THAT(msim::format_summary(s), Contains("mainstream, Big (mass) with 70.0%"));
  // One segment: the market's own leader says it all.
  s.segments = {"all"};
  s.segment_share = {0.6, 0.3, 0.0};
  CHECK_THAT(msim::format_summary(s), !Contains("By segment"));
}

TEST_CASE("summary: segment shares are shares of the units bought over the last 13 steps",
          "[summary]") {
  // From week 10 on, west buys nothing (a recession of factor 0): its weeks without purchases
  // must not count as 0% for every firm. North buys nothing in the window at all.
  TempDir dir;
  const msim::Scenario sc = msim::load_scenario_text(R"(name: Three segments
seed: 5
consumers: 3000
steps: 20
categories:
  - {name: tea, kind: consumable, base_cost: 1.0}
segments:
  - {name: east, share: 0.4, ideal: {mean: [1, 0], sd: [0.3, 0.3]}, purchase_rate: {tea: {mean: 0.6}}}
  - {name: west, share: 0.4, ideal: {mean: [-1, 0], sd: [0.3, 0.3]}, purchase_rate: {tea: {mean: 0.6}}}
  - {name: north, share: 0.2, ideal: {mean: [0, 1], sd: [0.3, 0.3]}, purchase_rate: {tea: {mean: 0.6}}}
firms:
  - {name: Everyone, strategy: mass, budget_per_year: 20000}
  - {name: WestOnly, strategy: niche, target: west, budget_per_year: 20000}
shocks:
  - {step: 10, kind: recession, multiply: 0, segments: [west]}
  - {step: 3, kind: recession, multiply: 0, segments: [north]}
)",
                                                     "three.yaml");
  const msim::Summary s = run_and_summarize(sc, dir.file("three.h5"));
  REQUIRE(s.segments == std::vector<std::string>{"east", "west", "north"});
  CHECK(s.segment_window == 13);
  const msim::Table t = msim::Hdf5Reader(dir.file("three.h5")).table("/segments/units");
  REQUIRE(t.shape == std::vector<std::size_t>{20, 3, 2});
  for (std::size_t g = 0; g < 2; ++g) {
    double units[2] = {0, 0};
    for (std::size_t step = 7; step < 20; ++step)
      for (std::size_t j = 0; j < 2; ++j) units[j] += t.values[step * 6 + g * 2 + j];
    REQUIRE(units[0] + units[1] > 0);
    for (std::size_t j = 0; j < 2; ++j)
      CHECK(s.segment_share[g * 2 + j] == Approx(units[j] / (units[0] + units[1])).epsilon(1e-12));
  }
  // West's shares add up to 1 although it bought in only 3 of the 13 weeks.
  CHECK(s.segment_share[2] + s.segment_share[3] == Approx(1.0));
  CHECK(s.segment_share[1 * 2 + 1] > 0.5);  // the niche firm leads its segment
  CHECK(s.segment_share[4] == 0.0);
  CHECK(s.segment_share[5] == 0.0);
  const std::string text = msim::format_summary(s);
  INFO(text);
  CHECK_THAT(text, Contains("By segment, the largest share of the units bought over the last 13 "
                            "weeks: east, Everyone (mass)") &&
                       Contains(fmt::format("west, WestOnly (niche) with {:.1f}%;",
                                            100.0 * s.segment_share[3])) &&
                       Contains("north, no units bought."));
}

TEST_CASE("summary: the durables table counts the durable categories, and only their sellers",
          "[summary]") {
  // Soapy sells soap and washers, Durabox washers, Quiet only soap; LongLife, a washer maker,
  // never enters.
  TempDir dir;
  const msim::Summary s = run_and_summarize(
      msim::load_scenario_text(
          kMixed + "shocks:\n  - {name: rival_enters, kind: enter, firm: LongLife, step: 0, "
                   "enabled: false}\n",
          "mixed.yaml", {"firms.Soapy.categories=[soap, washer]", "steps=60"}),
      dir.file("mixed.h5"));
  const std::string text = msim::format_summary(s);
  INFO(text);
  std::vector<std::string> listed;
  for (const auto& d : s.durables) listed.push_back(d.firm);
  CHECK(listed == std::vector<std::string>{"Durabox", "LongLife", "Soapy"});
  CHECK(row(text, "Durable goods", "Quiet").empty());
  CHECK_THAT(row(text, "Durable goods", "LongLife"), Contains("not in market"));
  // Soapy's units and replacements are its washers', not its soap's.
  const msim::Hdf5Reader r(dir.file("mixed.h5"));
  const msim::Table units = r.table("/market/by_category/units");        // [T, C, F]
  const msim::Table repl = r.table("/market/by_category/replacements");  // washer is category 0
  const msim::Table all = r.table("/market/units");
  REQUIRE(units.shape == std::vector<std::size_t>{60, 2, 4});
  double washers = 0, replaced = 0, total = 0;
  for (std::size_t step = 0; step < 60; ++step) {
    washers += units.values[step * 8 + 0 * 4 + 2];
    replaced += repl.values[step * 8 + 0 * 4 + 2];
    total += all.values[step * 4 + 2];
  }
  const msim::DurablesRow& soapy = s.durables[2];
  REQUIRE(washers > 0);
  REQUIRE(replaced > 0);
  CHECK(total > 10 * washers);  // soap is most of what it sells
  CHECK(soapy.units == washers);
  CHECK(soapy.replacements == replaced);
  const auto cells_of_soapy = cells(row(text, "Durable goods", "Soapy"));
  REQUIRE(cells_of_soapy.size() == 10);
  CHECK(cells_of_soapy[1] == fmt::format("{:.0f}", washers));
  CHECK(cells_of_soapy[6] == fmt::format("{:.1f}%", 100.0 * replaced / washers));
  CHECK_THAT(text, Contains("Durable goods, over the run, in the durable category (washer):") &&
                       Contains("count the durable categories only"));
}

TEST_CASE("summary: the early share counts failures from the first step one can be on time",
          "[summary]") {
  // Washers have a reference life of 30 weeks (half the lifetime's scale, 60): before week 31 no
  // washer can have reached it, so every failure there is early by definition.
  TempDir dir;
  const msim::Summary s = run_and_summarize(
      msim::load_scenario_text(kMixed, "mixed.yaml", {"steps=60"}), dir.file("mixed.h5"));
  const std::string text = msim::format_summary(s);
  INFO(text);
  CHECK(s.early_from == 30);
  const msim::Hdf5Reader r(dir.file("mixed.h5"));
  const msim::Table fail = r.table("/market/by_category/failures");  // [T, C, F], washer first
  const msim::Table early = r.table("/market/by_category/early_failures");
  double before = 0, early_before = 0, after = 0, early_after = 0;
  for (std::size_t step = 0; step < 60; ++step) {
    (step < 30 ? before : after) += fail.values[step * 8 + 0];  // Durabox
    (step < 30 ? early_before : early_after) += early.values[step * 8 + 0];
  }
  REQUIRE(before > 0);
  REQUIRE(after > 0);
  CHECK(early_before == before);  // all early, as they must be
  const msim::DurablesRow& durabox = s.durables[0];
  CHECK(durabox.failures == before + after);
  CHECK(durabox.failures_judged == after);
  CHECK(durabox.early_judged == early_after);
  CHECK(cells(row(text, "Durable goods", "Durabox"))[3] ==
        fmt::format("{:.1f}%", 100.0 * early_after / after));
  CHECK_THAT(text, Contains("as a share of the failures from week 31 on (before it no product "
                            "can have reached the reference life, so every failure would be "
                            "early)"));
  // A run that ends before it has no share to give.
  const msim::Summary short_run = run_and_summarize(
      msim::load_scenario_text(kMixed, "mixed.yaml", {"steps=20"}), dir.file("short.h5"));
  CHECK(cells(row(msim::format_summary(short_run), "Durable goods", "Durabox"))[3] == "n/a");
  // It still names the first step a failure can be on time, not the step after the run's end.
  CHECK(short_run.early_from == 30);
  CHECK_THAT(msim::format_summary(short_run),
             Contains("from week 31 on (before it no product can have reached the reference "
                      "life, so every failure would be early: this run ends before it)"));
}

TEST_CASE("summary: the early share counts each durable category from its own first step",
          "[summary]") {
  // Soap made a durable with a reference life of 5 weeks beside washers' 30: a soap failure from
  // week 6 on can be on time, a washer's only from week 31; each counts from its own step.
  TempDir dir;
  const msim::Summary s = run_and_summarize(
      msim::load_scenario_text(kMixed, "mixed.yaml",
                               {"steps=60", "categories.soap.kind=durable",
                                "categories.soap.lifetime={shape: 1.5, scale: 10}"}),
      dir.file("two.h5"));
  const std::string text = msim::format_summary(s);
  INFO(text);
  REQUIRE(s.durable_categories == std::vector<std::string>{"washer", "soap"});
  CHECK(s.early_from_by_category == std::vector<std::int64_t>{30, 5});
  CHECK(s.early_from == 5);
  const msim::Hdf5Reader r(dir.file("two.h5"));
  const msim::Table fail = r.table("/market/by_category/failures");  // [T, C, F]
  const msim::Table early = r.table("/market/by_category/early_failures");
  for (std::size_t j = 0; j < 4; ++j) {
    double judged = 0, early_judged = 0;
    for (std::size_t step = 0; step < 60; ++step)
      for (std::size_t c = 0; c < 2; ++c)
        if (step >= (c == 0 ? 30u : 5u)) {
          judged += fail.values[step * 8 + c * 4 + j];
          early_judged += early.values[step * 8 + c * 4 + j];
        }
    const auto row =
        std::find_if(s.durables.begin(), s.durables.end(),
                     [&](const msim::DurablesRow& d) { return d.firm == s.rows[j].firm; });
    REQUIRE(row != s.durables.end());
    CHECK(row->failures_judged == judged);
    CHECK(row->early_judged == early_judged);
  }
  CHECK_THAT(text, Contains("as a share of the failures in washer from week 31 on, in soap from "
                            "week 6 on (before it no product of the category can have reached "
                            "its reference life, so every failure would be early)"));
}

TEST_CASE("summary: a firm without a budget is in the market, one that never entered is not",
          "[summary]") {
  // Quiet spends nothing and nobody knows it: it sells nothing, but it is on the shelf.
  TempDir dir;
  const msim::Summary s = run_and_summarize(
      msim::load_scenario_text(
          kMixed + "shocks:\n  - {name: rival_enters, kind: enter, firm: LongLife, step: 0, "
                   "enabled: false}\n",
          "mixed.yaml", {"market.initial_awareness=0"}),
      dir.file("mixed.h5"));
  const std::string text = msim::format_summary(s);
  INFO(text);
  REQUIRE(s.rows[3].firm == "Quiet");
  CHECK(s.rows[3].in_market);
  CHECK_FALSE(s.rows[3].sold);
  const auto quiet = cells(row(text, "firm", "Quiet"));
  REQUIRE(quiet.size() == 9);
  CHECK(quiet[2] == "0.0%");  // market share
  CHECK(quiet[3] == "n/a");   // customer share: no buyers
  CHECK_THAT(row(text, "firm", "LongLife"), Contains("not in market"));
  CHECK_FALSE(s.rows[1].in_market);
  // Its entry switched on at step 5: in the market.
  const msim::Summary entered = run_and_summarize(
      msim::load_scenario_text(
          kMixed + "shocks:\n  - {name: rival_enters, kind: enter, firm: LongLife, step: 5}\n",
          "mixed.yaml"),
      dir.file("entered.h5"));
  CHECK(entered.rows[1].in_market);
}

TEST_CASE("summary: a branched run says when, and a firm has a referral program before or after it",
          "[summary]") {
  // ClubRoast's program is off (multiplying by 1, paying nothing) until a branch switches it on
  // at step 10: the relationships table, read from the trunk's /scenario and its branch: block,
  // has the referral columns for ClubRoast. Switched off at the branch instead, it had one.
  TempDir dir;
  const std::string file =
      std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/textbook/loyalty_referral.yaml";
  const std::string off = "firms.ClubRoast.referral_program.multiplier=1";
  const std::string unpaid = "firms.ClubRoast.referral_program.reward=0";
  const msim::Summary on = run_and_summarize(
      msim::load_scenario_file(
          file, {"consumers=10000", "steps=20", off, unpaid,
                 "branch={step: 10, set: {firms.ClubRoast.referral_program.multiplier: 3, "
                 "firms.ClubRoast.referral_program.reward: 0.5}}"}),
      dir.file("on.h5"));
  const std::string text = msim::format_summary(on);
  INFO(text);
  REQUIRE(on.relationships.size() == 3);
  CHECK_FALSE(on.relationships[0].referral_program);  // BeanCo
  CHECK(on.relationships[1].referral_program);        // ClubRoast
  CHECK_FALSE(on.relationships[2].referral_program);  // PlainRoast
  REQUIRE(on.relationships[1].referred > 0);
  CHECK(cells(row(text, "Customer relationships", "ClubRoast")).size() == 10);
  // The summary says when the branch's changes apply.
  CHECK_THAT(text, Contains("\nBranched at week 11 (step 10): from then on, "
                            "firms.ClubRoast.referral_program.multiplier=3, "
                            "firms.ClubRoast.referral_program.reward=0.5\n"));
  const msim::Summary ended =
      run_and_summarize(msim::load_scenario_file(
                            file, {"consumers=10000", "steps=20",
                                   "branch={step: 10, set: {firms.ClubRoast.referral_program."
                                   "multiplier: 1, firms.ClubRoast.referral_program.reward: 0}}"}),
                        dir.file("ended.h5"));
  CHECK(ended.relationships[1].referral_program);
  CHECK(cells(row(msim::format_summary(ended), "Customer relationships", "ClubRoast")).size() ==
        10);
}

TEST_CASE("summary: CLV is n/a, with the reason, where nobody lapses and nothing is discounted",
          "[summary]") {
  msim::Summary s = weekly_summary("endless", {{"A", "mass"}});
  s.rows[0].in_market = true;
  s.rows[0].market_share = 1.0;
  msim::RelationshipRow r;
  r.firm = "A";
  r.share_of_wallet = 1.0;
  r.active = 2000;
  r.retention = 1.0;
  r.clv = std::numeric_limits<double>::quiet_NaN();  // margin x 1 / (1 + 0 - 1)
  s.relationships.push_back(r);
  s.discount_rate = 0.0;
  const std::string text = msim::format_summary(s);
  INFO(text);
  const auto a = cells(row(text, "Customer relationships", "A"));
  REQUIRE(a.size() == 8);
  CHECK(a[5] == "100.00%");  // retention
  CHECK(a[6] == "n/a");      // CLV; it printed "nan"
  CHECK_THAT(text, Contains("CLV is n/a for A: with no customer lost (r = 1) and no discounting"));
}

TEST_CASE("summary: the header says a run shorter than a year in its own period", "[summary]") {
  using Catch::StartsWith;
  msim::Summary s = weekly_summary("Short", {});
  CHECK_THAT(msim::format_summary(s), StartsWith("Short: 0 consumers, 52 of 52 steps (1.0 years)"));
  s.steps = s.steps_done = 1;
  CHECK_THAT(msim::format_summary(s), StartsWith("Short: 0 consumers, 1 of 1 steps (1 week)"));
  s.steps = s.steps_done = 10;
  CHECK_THAT(msim::format_summary(s), StartsWith("Short: 0 consumers, 10 of 10 steps (10 weeks)"));
  s.steps_per_year = 1000;  // steps without a name: years, with digits enough
  CHECK_THAT(msim::format_summary(s),
             StartsWith("Short: 0 consumers, 10 of 10 steps (0.01 years)"));
}
