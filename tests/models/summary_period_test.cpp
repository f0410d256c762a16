// The summaries name the run's own period where they mean its steps: "In the last week" for a
// weekly run, "month" for a monthly one, "step" for a count of steps a year without a name; in
// a single run's summary and in an experiment's note on market share. A step is numbered as the
// time axes number it ("month 7" is step 6), in the shocks' lines and the early failures' note.
#include <filesystem>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "models/experiment.hpp"
#include "models/experiment_report.hpp"
#include "models/scenario_load.hpp"
#include "models/summary.hpp"
#include "tests/temp_dir.hpp"

using Catch::Contains;
using msim::test::TempDir;

namespace {

/// A finished run of `steps_per_year` steps a year with two firms, a customer-relationship
/// table, a durable and two segments: every note that names the period.
msim::Summary summary_of(std::int64_t steps_per_year) {
  msim::Summary s;
  s.scenario = "periods";
  s.steps = s.steps_done = 26;
  s.steps_per_year = steps_per_year;
  s.rows = {{"A", "mass", 0.6, 0.7, 0.5, 1.0, 1000.0, 1.0},
            {"B", "niche", 0.4, 0.6, 0.5, 1.0, 500.0, 1.0}};
  s.segments = {"north", "south"};
  s.segment_window = 13;
  s.segment_share = {0.7, 0.3, 0.2, 0.8};
  s.wom_window = 4;
  s.discount_rate = 0.1;
  s.relationships = {{"A", 0.5, 2.0, 100, 10, 0.9, 50.0, 0.0, 0, 0, true, false},
                     {"B", 0.5, 2.0, 100, 10, 0.8, 40.0, 0.0, 0, 0, true, false}};
  s.durable_categories = {"washer"};
  s.saturation = {0.5};
  msim::DurablesRow d;
  d.firm = "A";
  d.units = d.failures = d.failures_judged = 10;
  d.mean_failure_age = 7;
  s.durables = {d};
  return s;
}

}  // namespace

TEST_CASE("summary: each count of steps a year has its period's word", "[summary]") {
  // The segment leaders' window: a quarter of a year, at least a step; 13 when unknown.
  for (const auto& [per_year, window] : std::vector<std::pair<std::int64_t, std::int64_t>>{
           {52, 13}, {12, 3}, {4, 1}, {1, 1}, {365, 91}, {10, 3}, {0, 13}})
    CHECK(msim::segment_window(per_year) == window);
  CHECK(msim::period_word(52) == "week");
  CHECK(msim::period_word(12) == "month");
  CHECK(msim::period_word(4) == "quarter");
  CHECK(msim::period_word(1) == "year");
  CHECK(msim::period_word(365) == "day");
  for (std::int64_t other : {0, 2, 10, 26, 360}) CHECK(msim::period_word(other) == "step");
}

TEST_CASE("summary: the sentences under the table say the run's period", "[summary]") {
  for (const auto& [steps_per_year, word] : std::vector<std::pair<std::int64_t, std::string>>{
           {52, "week"}, {12, "month"}, {10, "step"}}) {
    const std::string text = msim::format_summary(summary_of(steps_per_year));
    INFO(text);
    CHECK_THAT(text, Contains("\nIn the last " + word +
                              ", A (mass) sold the most units: 60.0% of the market."));
    CHECK_THAT(text,
               Contains("By segment, the largest share of the units bought over the last 13 " +
                        word + "s: north, A (mass) with 70.0%;"));
    CHECK_THAT(text, Contains("\nMarket share is the last " + word + "'s unit share;"));
    CHECK_THAT(text, Contains("within the word-of-mouth window (the last 4 " + word +
                              "s); lost customers") &&
                         Contains("Retention is per " + word + ". CLV"));
    CHECK_THAT(text, Contains("7 " + word + "s") &&
                         Contains("the mean age at failure is in " + word + "s.") &&
                         Contains("installed base and loyalty are the last " + word + "'s."));
    if (word != "step") CHECK_THAT(text, !Contains("last step"));
  }
  // Nobody sold anything: the sentence that says so names the period too.
  msim::Summary none = summary_of(12);
  none.rows[0].market_share = none.rows[1].market_share = 0.0;
  CHECK_THAT(msim::format_summary(none), Contains("In the last month, no firm sold anything.\n"));
}

TEST_CASE("experiment summary: market share is the last period's, unless the period varies",
          "[summary]") {
  TempDir dir;
  const std::string base = R"(name: monthly
seed: 5
consumers: 1000
steps: 3
steps_per_year: 12
categories:
  - {name: snacks, base_cost: 1.0, reference_volume: 1000}
segments:
  - {name: all, share: 1.0, ideal: {mean: [0, 0], sd: [0.5, 0.5]}, purchase_rate: {snacks: {mean: 0.5}}}
firms:
  - {name: Mass, strategy: mass, budget_per_year: 40000}
  - {name: Niche, strategy: niche, target: all, budget_per_year: 10000}
experiment:
)";
  const auto summary = [&](const std::string& sweep, const std::string& file) {
    const msim::Experiment ex = msim::plan_experiment([&](const std::vector<std::string>& extra) {
      return msim::load_scenario_text(base + sweep, "monthly.yaml", extra);
    });
    REQUIRE(msim::run_experiment(ex, dir / file).complete);
    return msim::format_experiment_summary(dir / file);
  };
  const std::string monthly =
      summary("  sweep: {firms.Mass.budget_per_year: [20000, 40000]}\n", "monthly.h5");
  INFO(monthly);
  CHECK_THAT(monthly, Contains("market share is the last month's unit share."));
  // Design points of another period each: only "step" is right for all of them.
  const std::string mixed = summary("  sweep: {steps_per_year: [12, 52]}\n", "mixed.h5");
  INFO(mixed);
  CHECK_THAT(mixed, Contains("market share is the last step's unit share."));
}

TEST_CASE("summary: a step in the run's period is numbered as the time axes number it",
          "[summary]") {
  CHECK(msim::period_point(52, 26) == "week 27");
  CHECK(msim::period_point(12, 6) == "month 7");
  CHECK(msim::period_point(4, 0) == "quarter 1");
  CHECK(msim::period_point(1, 2) == "year 3");
  CHECK(msim::period_point(365, 9) == "day 10");
  // Steps without a name keep the program's numbering, from 0.
  CHECK(msim::period_point(10, 26) == "step 26");
  CHECK(msim::period_point(0, 26) == "step 26");
}

TEST_CASE("summary: shocks and the first on-time failure are named in the run's period",
          "[summary]") {
  const std::string yaml = R"(name: shocked
shocks:
  - {name: cut, step: 6, kind: budget, firm: A, multiply: 0.7}
  - {name: late, step: 30, kind: enter, firm: B}
)";
  for (const auto& [steps_per_year, cut, late] :
       std::vector<std::tuple<std::int64_t, std::string, std::string>>{
           {52, "week 7", "week 31"},
           {12, "month 7", "month 31"},
           {4, "quarter 7", "quarter 31"},
           {10, "step 6", "step 30"}}) {
    std::vector<std::string> applied, not_applied;
    msim::sort_shocks(msim::scenario_shocks(yaml, steps_per_year), 26, applied, not_applied);
    CHECK(applied == std::vector<std::string>{cut + ": A's budget x 0.7 (cut)"});
    CHECK(not_applied == std::vector<std::string>{"late (" + late + ", after the last step run)"});
  }
  // Listed in the order they apply, by step and in file order within one: not the file's.
  std::vector<std::string> applied, not_applied;
  msim::sort_shocks(msim::scenario_shocks(R"(shocks:
  - {name: cut, step: 6, kind: budget, firm: A, multiply: 0.7}
  - {name: off, step: 1, kind: budget, firm: A, multiply: 0.5, enabled: false}
  - {name: war, step: 2, kind: price, firm: B, multiply: 0.8}
  - {name: more, step: 6, kind: budget, firm: B, multiply: 2}
  - {name: early, step: 0, kind: enter, firm: C}
)",
                                          52),
                    26, applied, not_applied);
  CHECK(applied == std::vector<std::string>{
                       "week 1: C enters the market (early)", "week 3: B's price x 0.8 (war)",
                       "week 7: A's budget x 0.7 (cut)", "week 7: B's budget x 2 (more)"});
  CHECK(not_applied == std::vector<std::string>{"off (disabled)"});
  msim::Summary s = summary_of(12);
  s.early_from = 20;
  const std::string text = msim::format_summary(s);
  INFO(text);
  CHECK_THAT(text, Contains("as a share of the failures from month 21 on (before it no product"));
}

namespace {

/// The lines of the table under the line `heading` of `text`, its header included, up to the
/// blank line after it.
std::vector<std::string> table_lines(const std::string& text, const std::string& heading) {
  std::vector<std::string> lines;
  std::size_t at = text.find(heading + "\n");
  if (at == std::string::npos) return lines;
  at += heading.size() + 1;
  for (std::size_t end; (end = text.find('\n', at)) != std::string::npos && end > at; at = end + 1)
    lines.push_back(text.substr(at, end - at));
  return lines;
}

}  // namespace

TEST_CASE("summary: retention is per the run's period, in a column wide enough for its word",
          "[summary]") {
  for (const auto& [steps_per_year, word] : std::vector<std::pair<std::int64_t, std::string>>{
           {52, "week"}, {12, "month"}, {4, "quarter"}, {1, "year"}, {365, "day"}, {10, "step"}}) {
    const std::string text = msim::format_summary(summary_of(steps_per_year));
    INFO(text);
    const auto lines = table_lines(text, "Customer relationships:");
    REQUIRE(lines.size() == 4);
    CHECK_THAT(lines[1], Contains(" per " + word + " "));
    if (word != "step") CHECK_THAT(lines[1], !Contains("per step"));
    // Every line ends at the same column: "per quarter" pushes none out of line.
    for (const std::string& line : lines) CHECK(line.size() == lines.front().size());
  }
}

TEST_CASE("summary: the durables table's mean age keeps its columns in line in any period",
          "[summary]") {
  for (const auto& [steps_per_year, word] : std::vector<std::pair<std::int64_t, std::string>>{
           {52, "week"}, {12, "month"}, {4, "quarter"}, {1, "year"}, {365, "day"}, {10, "step"}}) {
    msim::Summary s = summary_of(steps_per_year);
    s.durables[0].mean_failure_age = 40;  // "40 quarters": wider than "at failure"
    const std::string text = msim::format_summary(s);
    INFO(text);
    const auto lines =
        table_lines(text, "Durable goods, over the run, in the durable category (washer):");
    REQUIRE(lines.size() == 3);
    CHECK_THAT(lines[2], Contains(" 40 " + word + "s "));
    for (const std::string& line : lines) CHECK(line.size() == lines.front().size());
  }
}
