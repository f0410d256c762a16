// Experiments end to end: planning, equal seeds give equal runs, counts of runs and table rows,
// results that do not depend on running concurrently, resume after an interrupted experiment,
// and branched variants that match full runs.
#include "models/experiment.hpp"

#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include <hdf5.h>
#include <tbb/global_control.h>
#include <catch2/catch.hpp>

#include "tests/temp_dir.hpp"

#include "models/experiment_tables.hpp"
#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/durable_file.hpp"
#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/program_hash.hpp"
#include "tests/same_bits.hpp"
#include "tests/same_runs.hpp"

using Catch::Contains;
using Catch::EndsWith;
using Catch::StartsWith;
namespace fs = std::filesystem;

using msim::test::check_same_runs;
using msim::test::h5_files;
using msim::test::same_datasets;
using msim::test::TempDir;

namespace {

// Line numbers matter: the experiment block starts on line 22.
const std::string kBase = R"(name: experiment test
seed: 5
consumers: 3000
steps: 8
steps_per_year: 52
market: {outside_utility: -1.0}
categories:
  - {name: snacks, base_cost: 1.0, reference_volume: 1000}
segments:
  - name: young
    share: 0.5
    ideal: {mean: [0.5, 0.5], sd: [0.5, 0.5]}
    purchase_rate: {snacks: {mean: 0.6}}
  - name: senior
    share: 0.5
    ideal: {mean: [0.0, -1.0], sd: [0.3, 0.3]}
    purchase_rate: {snacks: {mean: 0.3}}
firms:
  - {name: Mass, strategy: mass, budget_per_year: 40000}
  - {name: Niche, strategy: niche, target: senior, budget_per_year: 10000}
  - {name: Tailor, strategy: one_to_one, budget_per_year: 20000}
experiment:
)";

msim::Experiment plan(const std::string& block, const std::vector<std::string>& overrides = {}) {
  const std::string text = kBase + block;
  return msim::plan_experiment([&](const std::vector<std::string>& extra) {
    std::vector<std::string> all = overrides;
    all.insert(all.end(), extra.begin(), extra.end());
    return msim::load_scenario_text(text, "test.yaml", all);
  });
}

/// Every numeric dataset of run `id` under /runs/<id>/market and /segments.
std::vector<std::vector<double>> run_data(const msim::Hdf5Reader& in, const std::string& id) {
  std::vector<std::vector<double>> out;
  for (const std::string group : {"/market", "/market/by_category", "/segments"})
    for (const std::string& name : in.list("/runs/" + id + group))
      if (name != "by_category" && name != "name")
        out.push_back(in.table("/runs/" + id + group + "/" + name).values);
  return out;
}

}  // namespace

TEST_CASE("an experiment plans design points x replications with shared seeds", "[experiment]") {
  const msim::Experiment ex = plan(
      "  replications: 3\n"
      "  sweep: {firms.Mass.budget_per_year: [20000, 40000], market.wom_rate: [0.1, 0.3]}\n");
  CHECK(ex.points.size() == 4);
  REQUIRE(ex.runs.size() == 12);
  CHECK(ex.varied == std::vector<std::string>{"firms.Mass.budget_per_year", "market.wom_rate"});
  for (const auto& run : ex.runs) {
    CHECK(run.scenario.seed == msim::replication_seed(5, run.plan.replication));
    CHECK_FALSE(run.scenario.experiment.present);
  }
  CHECK(ex.runs[3 * 3].scenario.firms[0].budget_per_year == 40000);
  CHECK(ex.runs[3 * 3].scenario.market.wom_rate == 0.3);
  // --set still applies, underneath every design point.
  const msim::Experiment set = plan("  replications: 2\n", {"seed=9", "consumers=2000"});
  CHECK(set.runs[0].scenario.seed == 9);
  CHECK(set.runs[1].scenario.seed == msim::replication_seed(9, 1));
  CHECK(set.runs[1].scenario.consumers == 2000);
}

TEST_CASE("bad sweep values fail before anything runs, at the sweep key's line", "[experiment]") {
  REQUIRE_THROWS_WITH(plan("  sweep: {firms.Mass.budget_per_year: [1e4, lots]}\n"),
                      Contains("test.yaml:23:") &&
                          Contains("experiment.sweep.firms.Mass.budget_per_year") &&
                          Contains("lots") && Contains("design point 1"));
  // The point's value is named as the design point's, not as a --set the user never typed.
  REQUIRE_THROWS_WITH(plan("  sweep: {firms.Mass.budget_per_year: [1e4, lots]}\n"),
                      Contains("is not a valid scenario: key 'firms.Mass.budget_per_year': got") &&
                          !Contains("--set"));
  REQUIRE_THROWS_WITH(plan("  sweep: {segments.young.share: [0.5, 0.2]}\n"),
                      Contains("test.yaml:23:") && Contains("shares sum to 0.7") &&
                          Contains("(after 'segments.young.share=0.2')") && !Contains("--set"));
  REQUIRE_THROWS_WITH(plan("  sweep: {firms.Mas.budget_per_year: [1e4]}\n"),
                      Contains("test.yaml:23:") && Contains("did you mean 'Mass'"));
  REQUIRE_THROWS_WITH(plan("  branch_at: 4\n  sweep: {market.adstock_decay: [0.93, 0.9]}\n"),
                      Contains("shared history") && Contains("market.adstock_decay=0.9"));
  REQUIRE_THROWS_WITH(plan("  replications: 2\n  branch_at: 0\n"),
                      Contains("a step from 1 to 7 (steps is 8); leave the key out"));
  REQUIRE_THROWS_WITH(plan("  replications: 2\n  branch_at: 9\n"),
                      Contains("test.yaml:24:") && Contains("steps is 8"));
  // Steps cut below the branch with --set: still at the branch_at key's line.
  REQUIRE_THROWS_WITH(plan("  replications: 2\n  branch_at: 6\n", {"steps=5"}),
                      Contains("test.yaml:24:") && Contains("experiment.branch_at") &&
                          Contains("the branch at step 6") && Contains("steps is 5, from --set"));
}

TEST_CASE("a --set into a sweep, keys moved together or ranges adds its key path", "[experiment]") {
  // --set splits experiment.sweep.firms.Niche.budget_per_year at every dot into nested maps:
  // they are read back as the key path, beside the file's keys.
  const std::string sweep = "  sweep: {firms.Mass.budget_per_year: [20000, 40000]}\n";
  const msim::Experiment added =
      plan(sweep, {"experiment.sweep.firms.Niche.budget_per_year=[1000, 2000, 3000]"});
  CHECK(added.points.size() == 6);
  CHECK(added.varied ==
        std::vector<std::string>{"firms.Mass.budget_per_year", "firms.Niche.budget_per_year"});
  // The file's own key path: the --set's values, in the file's place.
  const msim::Experiment replaced =
      plan(sweep + "  together: {market.wom_rate: [0.1, 0.2]}\n",
           {"experiment.sweep.firms.Mass.budget_per_year=[1, 2, 3]",
            "experiment.together.firms.Niche.budget_per_year=[5000, 6000]"});
  CHECK(replaced.points.size() == 6);
  CHECK(replaced.varied == std::vector<std::string>{"market.wom_rate",
                                                    "firms.Niche.budget_per_year",
                                                    "firms.Mass.budget_per_year"});
  CHECK(replaced.runs.back().scenario.firms[0].budget_per_year == 3);
  CHECK(replaced.runs.back().scenario.firms[1].budget_per_year == 6000);
  // Keys moved together still need as many values each, named at the --set.
  REQUIRE_THROWS_WITH(
      plan("  together: {market.wom_rate: [0.1, 0.2]}\n",
           {"experiment.together.firms.Niche.budget_per_year=[1, 2, 3]"}),
      Contains("--set 'experiment.together.firms.Niche.budget_per_year=[1, 2, 3]'") &&
          Contains("expected 2 values, as many as 'market.wom_rate' has"));
  const msim::Experiment sampled =
      plan("  design: {latin_hypercube: {samples: 3, ranges: {market.wom_rate: [0.1, 0.3]}}}\n",
           {"experiment.design.latin_hypercube.ranges.firms.Mass.budget_per_year=[1000, 3000]"});
  CHECK(sampled.varied ==
        std::vector<std::string>{"market.wom_rate", "firms.Mass.budget_per_year"});
}

TEST_CASE("a design point that changes the history before the branch names the key that does",
          "[experiment][branch]") {
  // The budget (allowed) comes first; the shock switched off at week 3 (step 2), before the
  // branch at step 4, is what changes the history, on the next line.
  const std::vector<std::string> shock = {
      "shocks=[{name: cut, step: 2, kind: budget, firm: Mass, multiply: 0.5}]"};
  const std::string sweep =
      "  branch_at: 4\n  sweep:\n"
      "    firms.Mass.budget_per_year: [40000, 80000]\n"
      "    shocks.cut.enabled: [false, true]\n";
  REQUIRE_THROWS_WITH(
      plan(sweep, shock),
      Contains("test.yaml:26:") && Contains("key 'experiment.sweep.shocks.cut.enabled'") &&
          Contains("design point 0") &&
          Contains("shocks.cut.enabled=false switches off shock 'cut' at week 3 (step 2), which "
                   "applies before the branch") &&
          !Contains("test.yaml:25:"));
  // A shock moved before the branch is named with both weeks.
  const std::vector<std::string> late = {
      "shocks=[{name: cut, step: 5, kind: budget, firm: Mass, multiply: 0.5}]"};
  REQUIRE_THROWS_WITH(
      plan("  branch_at: 4\n  sweep:\n    firms.Mass.budget_per_year: [40000, 80000]\n"
           "    shocks.cut.step: [5, 1]\n",
           late),
      Contains("test.yaml:26:") &&
          Contains("shocks.cut.step=1 moves shock 'cut' from week 6 (step 5) to week 2 (step 1)"));
  // A shock before the branch that a design point makes stronger is named with its week.
  REQUIRE_THROWS_WITH(
      plan("  branch_at: 4\n  sweep:\n    firms.Mass.budget_per_year: [40000, 80000]\n"
           "    shocks.cut.multiply: [0.5, 0.8]\n",
           shock),
      Contains("test.yaml:26:") && Contains("key 'experiment.sweep.shocks.cut.multiply'") &&
          Contains("design point 1") &&
          Contains("shocks.cut.multiply=0.8 changes shock 'cut' at week 3 (step 2), which "
                   "applies before the branch"));
  // A shock that is switched off changes nothing before the branch, only when it would apply.
  REQUIRE_THROWS_WITH(
      plan("  branch_at: 4\n  sweep:\n    shocks.cut.multiply: [0.5, 0.8]\n",
           {shock.front(), "shocks.cut.enabled=false"}),
      Contains("shocks.cut.multiply=0.8 changes shock 'cut' at week 3 (step 2), which comes "
               "before the branch"));
  // A key no branch may change says that the steps before the branch use it.
  REQUIRE_THROWS_WITH(
      plan("  branch_at: 4\n  sweep:\n    firms.Mass.budget_per_year: [40000, 80000]\n"
           "    market.adstock_decay: [0.5, 0.9]\n"),
      Contains("test.yaml:26:") &&
          Contains("market.adstock_decay=0.5 changes what the steps before the branch use"));
}

TEST_CASE("an experiment writes every run and both tables, and equal seeds give equal runs",
          "[experiment]") {
  TempDir dir;
  // Two identical design points: a replication's runs in both must be identical.
  const msim::Experiment ex =
      plan("  replications: 2\n  sweep: {firms.Mass.quality: [1.0, 1.0, 1.5]}\n");
  const msim::ExperimentReport report = msim::run_experiment(ex, dir / "e.h5");
  CHECK(report.complete);
  CHECK(report.ran == 6);
  CHECK_FALSE(fs::exists(dir / "e.h5.runs"));
  const msim::Hdf5Reader in(dir / "e.h5");
  CHECK(in.list("/runs").size() == 6);
  CHECK(msim::test::same_bits(run_data(in, "00000"),
                              run_data(in, "00002")));  // point 0 and 1, replication 0
  CHECK(msim::test::same_bits(run_data(in, "00001"), run_data(in, "00003")));
  CHECK(run_data(in, "00000") != run_data(in, "00001"));  // another replication
  CHECK(run_data(in, "00000") != run_data(in, "00004"));  // another quality
  CHECK(in.strings("/runs/00003/firms/name") ==
        std::vector<std::string>{"Mass", "Niche", "Tailor"});
  CHECK(std::get<std::int64_t>(in.attribute("replication", "/runs/00003")) == 1);

  const auto tables = msim::read_experiment_tables(dir / "e.h5");
  CHECK(tables.runs.rows.size() == 6);
  CHECK(tables.runs.columns.size() == 4 + 1 + 8 * 3 + 3);  // ... and in_market per firm
  CHECK(tables.runs.columns[4] == "firms.Mass.quality");
  CHECK(tables.summary.rows.size() == 3 * 8 * 3);  // design points x key results x firms
  CHECK(tables.summary.columns == std::vector<std::string>{"design_point", "firms.Mass.quality",
                                                           "metric", "unit", "firm", "n",
                                                           "in_market", "mean", "sd", "ci95_low",
                                                           "ci95_high", "p5", "p50", "p95"});
  // Paired changes against design point 0: point 1 repeats point 0, so every change is 0.
  REQUIRE(tables.differences.rows.size() == 2 * 8 * 3);
  CHECK(tables.differences.columns == tables.summary.columns);
  for (const auto& row : tables.differences.rows)
    if (row[0] == "1") {
      CHECK(row[6] == "2");  // in the market in both runs
      for (std::size_t c = 7; c < row.size(); ++c) CHECK(row[c] == "0");
    }
  const auto csv = msim::write_experiment_csv(tables, dir / "tables");
  REQUIRE(csv.size() == 4);  // runs, summary, differences, columns
  std::ifstream runs_csv(csv[0]);
  std::string header;
  std::getline(runs_csv, header);
  CHECK(header.rfind("run,design_point,replication,seed,firms.Mass.quality,market_share:Mass", 0) ==
        0);
  CHECK(msim::format_experiment_summary(dir / "e.h5").find("design point 2") != std::string::npos);
}

TEST_CASE("keys moved together run the diagonal of their grid, bit for bit", "[experiment]") {
  TempDir dir;
  // The segments' centres moved together: the design points (0, 0) and (1, 1) of the grid of
  // both keys, each run with the same seeds, so the runs are the grid's diagonal runs.
  const msim::Experiment together = plan(
      "  replications: 2\n"
      "  together: {segments.young.ideal.mean.0: [0.5, 1.5], segments.senior.ideal.mean.1: "
      "[-1.0, 0.0]}\n");
  REQUIRE(together.points.size() == 2);
  CHECK(together.varied ==
        std::vector<std::string>{"segments.young.ideal.mean.0", "segments.senior.ideal.mean.1"});
  const msim::Experiment grid = plan(
      "  replications: 2\n"
      "  sweep: {segments.young.ideal.mean.0: [0.5, 1.5], segments.senior.ideal.mean.1: "
      "[-1.0, 0.0]}\n");
  REQUIRE(grid.points.size() == 4);
  msim::run_experiment(together, dir / "t.h5");
  msim::run_experiment(grid, dir / "g.h5");
  const msim::Hdf5Reader t(dir / "t.h5"), g(dir / "g.h5");
  // Together run p * 2 + r is grid point 3 * p (the diagonal) with replication r.
  for (const auto& [mine, its] : std::vector<std::pair<std::string, std::string>>{
           {"00000", "00000"}, {"00001", "00001"}, {"00002", "00006"}, {"00003", "00007"}})
    CHECK(msim::test::same_bits(run_data(t, mine), run_data(g, its)));
  CHECK(run_data(t, "00000") != run_data(t, "00002"));
  // Both keys are columns of the tables, with the values of each point.
  const auto tables = msim::read_experiment_tables(dir / "t.h5");
  CHECK(tables.summary.columns[1] == "segments.young.ideal.mean.0");
  CHECK(tables.summary.columns[2] == "segments.senior.ideal.mean.1");
  const auto& last = tables.summary.rows.back();
  CHECK(last[0] == "1");
  CHECK(last[1] == "1.5");
  CHECK(last[2] == "0");
}

TEST_CASE("varying a key of a shock that no design point applies is noted", "[experiment]") {
  const std::vector<std::string> shock = {
      "shocks=[{name: cut, step: 3, kind: budget, firm: Mass, multiply: 0.5, enabled: false}]"};
  const msim::Experiment idle = plan("  sweep: {shocks.cut.multiply: [1, 0.5]}\n", shock);
  REQUIRE(idle.notes.size() == 1);
  CHECK_THAT(idle.notes[0],
             Contains("test.yaml:23:") &&
                 Contains("varies shocks.cut.multiply, but shock 'cut' is disabled") &&
                 Contains("vary shocks.cut.enabled too"));
  // By index too, and after the last step as well as disabled.
  CHECK(plan("  sweep: {shocks.0.multiply: [1, 0.5]}\n", shock).notes.size() == 1);
  CHECK(plan("  sweep: {shocks.cut.multiply: [1, 0.5]}\n",
             {"shocks=[{name: cut, step: 6, kind: budget, firm: Mass, multiply: 0.5}]", "steps=5"})
            .notes.size() == 1);
  // Applied in some design point: nothing to say (the --set of the whole list gives the runs
  // the shock, not just the varied multiply, so it is not said to be unused either).
  CHECK(plan("  sweep: {shocks.cut.multiply: [1, 0.5], shocks.cut.enabled: [false, true]}\n", shock)
            .notes.empty());
  CHECK(plan("  sweep: {shocks.cut.multiply: [1, 0.5]}\n",
             {"shocks=[{name: cut, step: 3, kind: budget, firm: Mass, multiply: 0.5}]"})
            .notes.empty());
  // A later --set of the varied key itself, after one of the list around it, is used by no run.
  for (const std::string& key : {"shocks.0.multiply", "shocks.cut.multiply"}) {
    const msim::Experiment unused = plan("  sweep: {shocks.cut.multiply: [1, 0.5]}\n",
                                         {shock[0], "shocks.cut.enabled=true", key + "=0.7"});
    INFO(key);
    REQUIRE(unused.notes.size() == 1);
    CHECK_THAT(unused.notes[0],
               Contains("--set '" + key +
                        "=0.7': key 'shocks.cut.multiply': the experiment sets this key in every "
                        "design point (test.yaml:23:") &&
                   Contains("so no run uses the value this --set gives it"));
  }
}

TEST_CASE("a design point's value that looks like a slip is noted at its experiment key",
          "[experiment]") {
  // Every note of the runs' scenarios that mentions `text`.
  const auto notes_with = [](const msim::Experiment& ex, const std::string& text) {
    std::vector<std::string> out;
    for (const msim::PlannedRun& run : ex.runs)
      for (const std::string& note : run.scenario.notes)
        if (note.find(text) != std::string::npos &&
            std::find(out.begin(), out.end(), note) == out.end())
          out.push_back(note);
    return out;
  };
  // A percentage markup in the file's sweep: at the sweep key's line, never as a --set the user
  // did not type.
  const auto swept = notes_with(plan("  sweep:\n    firms.Mass.markup: [45, 0.5]\n"), "45");
  REQUIRE(swept.size() == 1);
  CHECK_THAT(swept[0], Contains("test.yaml:24:") &&
                           Contains("key 'experiment.sweep.firms.Mass.markup': value 45: a "
                                    "markup of 45") &&
                           !Contains("--set"));
  // Keys moved together and a Latin hypercube's ranges likewise.
  const auto together = notes_with(
      plan("  together: {firms.Mass.markup: [0.5, 30], firms.Niche.markup: [0.4, 0.3]}\n"),
      "markup of 30");
  REQUIRE(together.size() == 1);
  CHECK_THAT(together[0], Contains("test.yaml:23:") &&
                              Contains("key 'experiment.together.firms.Mass.markup': value 30") &&
                              !Contains("--set"));
  const auto sampled = notes_with(
      plan("  design: {latin_hypercube: {samples: 3, ranges: {firms.Mass.markup: [20, 40]}}}\n"),
      "a markup of");
  REQUIRE(sampled.size() == 3);
  for (const std::string& note : sampled)
    CHECK_THAT(note, Contains("test.yaml:23:") && Contains("firms.Mass.markup") &&
                         Contains(": value ") && !Contains("--set"));
  // A --set the user typed is still named as such.
  const auto typed = notes_with(
      plan("  sweep: {firms.Mass.budget_per_year: [1e4, 2e4]}\n", {"firms.Niche.markup=45"}),
      "markup of 45");
  REQUIRE(typed.size() == 1);
  CHECK_THAT(typed[0], Contains("--set 'firms.Niche.markup=45'"));
}

TEST_CASE("a design point's value is named at its experiment key in a run's later errors",
          "[experiment]") {
  // A price error in the run names where the markup, the price or the base cost was written:
  // the design point's, never a --set the user did not type.
  const msim::Experiment ex =
      plan("  sweep: {firms.Mass.markup: [0.3, 0.5], categories.snacks.base_cost: [1, 2]}\n",
           {"firms.Niche.markup=0.4"});
  for (const msim::PlannedRun& run : ex.runs) {
    const msim::Scenario& sc = run.scenario;
    CHECK_THAT(
        sc.firms[0].markup_where,
        StartsWith("test.yaml:23:") && EndsWith("key 'experiment.sweep.firms.Mass.markup': value " +
                                                ex.points[run.plan.point].values[0].second));
    CHECK_THAT(sc.categories[0].base_cost_where,
               StartsWith("test.yaml:23:") &&
                   Contains("key 'experiment.sweep.categories.snacks.base_cost': value "));
    CHECK(sc.firms[1].markup_where == "--set 'firms.Niche.markup=0.4': key 'firms.Niche.markup'");
  }
}

TEST_CASE("a shock before the branch that moves a design point's value is noted at the value",
          "[experiment][branch]") {
  // The runs replay the budget cut of step 2 on each design point's budget from the branch on:
  // the value a run uses is half the design point's, which the design's table does not show.
  const msim::Experiment ex =
      plan("  branch_at: 4\n  sweep: {firms.Mass.budget_per_year: [20000, 40000, 80000]}\n",
           {"shocks=[{name: cut, step: 2, kind: budget, firm: Mass, multiply: 0.5}]"});
  REQUIRE(ex.notes.size() == 2);  // not for design point 1: it keeps the file's budget
  CHECK(ex.notes[0] ==
        "test.yaml:24:39: key 'experiment.sweep.firms.Mass.budget_per_year': value 20000: shock "
        "'cut' (x 0.5) before the branch moves Mass's budget_per_year as well, and the run "
        "replays it on design point 0's value: from step 4 on it is 10000, not design point 0's "
        "20000");
  CHECK_THAT(ex.notes[1], Contains("value 80000: ") && Contains("it is 40000, not design point "
                                                                "2's 80000"));
  // Without a branch every run starts with its design point's value: nothing to note.
  CHECK(plan("  sweep: {firms.Mass.budget_per_year: [20000, 80000]}\n",
             {"shocks=[{name: cut, step: 2, kind: budget, firm: Mass, multiply: 0.5}]"})
            .notes.empty());
}

TEST_CASE("a firm that never enters is out of the market, by run and by design point",
          "[experiment]") {
  TempDir dir;
  const msim::Experiment ex =
      plan("  replications: 2\n  sweep: {shocks.entry.enabled: [false, true]}\n",
           {"shocks=[{name: entry, step: 5, kind: enter, firm: Niche}]"});
  msim::run_experiment(ex, dir / "e.h5");
  const auto tables = msim::read_experiment_tables(dir / "e.h5");
  const auto& cols = tables.runs.columns;
  const auto niche = static_cast<std::size_t>(
      std::find(cols.begin(), cols.end(), "in_market:Niche") - cols.begin());
  const auto mass = static_cast<std::size_t>(std::find(cols.begin(), cols.end(), "in_market:Mass") -
                                             cols.begin());
  REQUIRE(niche < cols.size());
  REQUIRE(mass < cols.size());
  std::vector<std::string> in_niche, in_mass;
  for (const auto& row : tables.runs.rows) {
    in_niche.push_back(row[niche]);
    in_mass.push_back(row[mass]);
  }
  CHECK(in_niche == std::vector<std::string>{"0", "0", "1", "1"});
  CHECK(in_mass == std::vector<std::string>{"1", "1", "1", "1"});
  // The summary counts the design point's runs with the firm in the market.
  for (const auto& row : tables.summary.rows)
    if (row[4] == "Niche") CHECK(row[6] == (row[0] == "0" ? "0" : "2"));
  // Its change against design point 0 is a number where its result is defined in both: it
  // entered in design point 1, and out of the market its share and profit are 0. Its customer
  // share (no buyers) and ROI (no spend) are undefined in design point 0: no change, n 0.
  for (const auto& row : tables.differences.rows)
    if (row[4] == "Niche") {
      INFO(row[2]);
      const bool undefined = row[2] == "customer_share" || row[2] == "roi";
      CHECK(row[5] == (undefined ? "0" : "2"));
      CHECK(row[7].empty() == undefined);
    }
  const std::string text = msim::format_experiment_summary(dir / "e.h5");
  INFO(text);
  CHECK_THAT(text, Contains("Niche            not in market in any run\n"));
  CHECK_THAT(text, Contains("\nShocks, each applied at the start of its step:\n  week 6: Niche "
                            "enters the market (entry), on or off by design point\n"));
  CHECK_THAT(text, !Contains("only some runs"));
  // Its entry in design point 1 is a change against design point 0, shown with numbers.
  const auto change = text.find("change vs 0:");
  REQUIRE(change != std::string::npos);
  CHECK(text.find("Niche ", change) != std::string::npos);
  CHECK(text.find("not in market", change) == std::string::npos);
}

TEST_CASE("the three tables agree on a firm that never entered: its results are 0, not missing",
          "[experiment]") {
  TempDir dir;
  const msim::Experiment ex =
      plan("  replications: 3\n  sweep: {shocks.entry.enabled: [false, true]}\n",
           {"shocks=[{name: entry, step: 5, kind: enter, firm: Niche}]",
            "firms.Niche.fixed_cost_per_year=500"});
  msim::run_experiment(ex, dir / "e.h5");
  const auto tables = msim::read_experiment_tables(dir / "e.h5");
  const auto& cols = tables.runs.columns;
  const auto column = [&](const std::string& name) {
    const auto at = std::find(cols.begin(), cols.end(), name);
    REQUIRE(at != cols.end());
    return static_cast<std::size_t>(at - cols.begin());
  };
  // Runs: out of the market, its share, profit, revenue and costs are 0 (it pays no fixed
  // cost); customer share (no buyers) and ROI (no spend) are undefined.
  for (const auto& row : tables.runs.rows) {
    if (row[1] != "0") continue;
    INFO("run " << row[0]);
    CHECK(row[column("in_market:Niche")] == "0");
    for (const char* metric : {"market_share", "cumulative_profit", "profit_per_year", "revenue",
                               "marketing_spend", "program_cost"})
      CHECK(row[column(std::string(metric) + ":Niche")] == "0");
    CHECK(row[column("customer_share:Niche")].empty());
    CHECK(row[column("roi:Niche")].empty());
  }
  // The summary and the differences describe those values: n counts every run where a value
  // is defined, whether or not the firm was in the market, so the change of the means is the
  // mean change, as a spreadsheet that subtracts summary rows finds it.
  const auto row_of = [](const msim::ExperimentTable& t, const std::string& point,
                         const std::string& metric) {
    for (const auto& row : t.rows)
      if (row[0] == point && row[2] == metric && row[4] == "Niche") return row;
    FAIL("no " << metric << " row for Niche in design point " << point);
    return std::vector<std::string>{};
  };
  for (const std::string& metric : msim::key_results()) {
    INFO(metric);
    const auto out = row_of(tables.summary, "0", metric);
    const auto in = row_of(tables.summary, "1", metric);
    const auto change = row_of(tables.differences, "1", metric);
    CHECK(out[6] == "0");  // in_market
    CHECK(in[6] == "3");
    const bool undefined = metric == "customer_share" || metric == "roi";
    CHECK(out[5] == (undefined ? "0" : "3"));  // n
    CHECK(change[5] == out[5]);
    if (undefined) {
      for (std::size_t c = 7; c < out.size(); ++c) CHECK(out[c].empty());
      CHECK(change[7].empty());
      continue;
    }
    for (std::size_t c = 7; c < out.size(); ++c) CHECK(out[c] == "0");  // mean, sd, CI, p5-p95
    REQUIRE_FALSE(change[7].empty());
    CHECK(std::stod(change[7]) == Approx(std::stod(in[7]) - std::stod(out[7])));
    if (metric == "market_share" || metric == "revenue") CHECK(std::stod(change[7]) > 0);
  }
  // The printed summary names it rather than print its zeros.
  const std::string text = msim::format_experiment_summary(dir / "e.h5");
  INFO(text);
  CHECK_THAT(text, Contains("Niche            not in market in any run\n"));
}

TEST_CASE("the experiment summary says which shocks a design point's keys change", "[experiment]") {
  TempDir dir;
  const std::string cut = "shocks=[{name: cut, step: 5, kind: budget, firm: Mass, multiply: 0.5}]";
  // A sweep of the shock's step: it may apply in every design point.
  msim::run_experiment(plan("  sweep: {shocks.cut.step: [2, 6]}\n", {cut}), dir / "a.h5");
  const std::string moved = msim::format_experiment_summary(dir / "a.h5");
  INFO(moved);
  CHECK_THAT(moved, Contains("(cut), its step varies by design point\n"));
  CHECK_THAT(moved, !Contains("Shocks not applied"));
  // A sweep of steps: the shock at step 5 applies only where the run is longer than 5 steps.
  msim::run_experiment(plan("  sweep: {steps: [4, 8]}\n", {cut}), dir / "b.h5");
  const std::string longer = msim::format_experiment_summary(dir / "b.h5");
  INFO(longer);
  CHECK_THAT(longer, Contains("(cut), only in the design points that run past it\n"));
  // A sweep of its factor names every design point's factor, not only the one written (0.5).
  msim::run_experiment(plan("  sweep: {shocks.cut.multiply: [1, 0.5, 0.25]}\n", {cut}),
                       dir / "c.h5");
  const std::string factors = msim::format_experiment_summary(dir / "c.h5");
  INFO(factors);
  CHECK_THAT(factors, Contains("Mass's budget x 1, 0.5 or 0.25 (cut), its multiply varies by "
                               "design point\n"));
  // So does a sweep of a value set, in the value's words and units.
  const std::string set = "shocks=[{name: cut, step: 5, kind: budget, firm: Mass, set: 20000}]";
  msim::run_experiment(plan("  sweep: {shocks.cut.set: [20000, 5000]}\n", {set}), dir / "d.h5");
  const std::string budgets = msim::format_experiment_summary(dir / "d.h5");
  INFO(budgets);
  CHECK_THAT(budgets, Contains("Mass's budget set to 20.0k or 5.0k per year (cut), its set "
                               "varies by design point\n"));
  // At a scale other than 1, the amounts the runs used: scale times the file's.
  msim::run_experiment(plan("  sweep: {shocks.cut.set: [20000, 5000]}\n", {set, "scale=0.5"}),
                       dir / "s.h5");
  const std::string scaled = msim::format_experiment_summary(dir / "s.h5");
  INFO(scaled);
  CHECK_THAT(scaled, Contains("Mass's budget set to 10.0k or 2.5k per year at scale 0.5 (cut), "
                              "its set varies by design point\n"));
  msim::run_experiment(plan("  sweep: {firms.Niche.markup: [0.4, 0.5]}\n", {set, "scale=0.5"}),
                       dir / "s1.h5");
  CHECK_THAT(msim::format_experiment_summary(dir / "s1.h5"),
             Contains("Mass's budget set to 10.0k per year at scale 0.5 (20.0k in the file) "
                      "(cut)\n"));
  msim::run_experiment(plan("  sweep: {scale: [1, 0.5]}\n", {set}), dir / "s2.h5");
  const std::string by_scale = msim::format_experiment_summary(dir / "s2.h5");
  INFO(by_scale);
  CHECK_THAT(by_scale, Contains("Mass's budget set to 20.0k per year or 10.0k per year at scale "
                                "0.5 (cut), times each design point's scale\n"));
  // And of the firm it strikes: each design point's firm.
  msim::run_experiment(plan("  sweep: {shocks.cut.firm: [Mass, Niche]}\n", {cut}), dir / "e.h5");
  const std::string firms = msim::format_experiment_summary(dir / "e.h5");
  INFO(firms);
  CHECK_THAT(firms, Contains("Mass's or Niche's budget x 0.5 (cut), its firm varies by design "
                             "point\n"));
  // Sampled factors (a Latin hypercube): the lowest and the highest, to four digits.
  msim::run_experiment(plan("  design: {latin_hypercube: {samples: 6, ranges: "
                            "{shocks.cut.multiply: [0.5, 0.9]}}}\n",
                            {cut}),
                       dir / "f.h5");
  const std::string sampled = msim::format_experiment_summary(dir / "f.h5");
  INFO(sampled);
  const std::string lead = "Mass's budget x between ";
  const auto at = sampled.find(lead);
  REQUIRE(at != std::string::npos);
  double low = 0, high = 0;
  REQUIRE(std::sscanf(sampled.c_str() + at + lead.size(), "%lf and %lf", &low, &high) == 2);
  CHECK(0.5 <= low);
  CHECK(low < 0.6);  // one sample in each sixth of the range
  CHECK(0.8 < high);
  CHECK(high <= 0.9);
  CHECK_THAT(sampled, Contains(" (cut), its multiply varies by design point\n"));
  // Its design points are samples, none a baseline: no change against design point 0, and the
  // summary says why, where a sweep explains its changes.
  CHECK(msim::read_experiment_tables(dir / "f.h5").differences.rows.empty());
  CHECK_THAT(sampled, Contains("samples of a Latin hypercube, none of them a baseline"));
  CHECK_THAT(sampled, !Contains("change vs 0"));
  CHECK_FALSE(msim::read_experiment_tables(dir / "d.h5").differences.rows.empty());
  CHECK_THAT(budgets, Contains("\"change vs 0\" compares each run"));
}

TEST_CASE("an undefined result (ROI without marketing spend) is left out, not counted as 0",
          "[experiment]") {
  TempDir dir;
  // Mass spends nothing in design point 0 (its fixed cost keeps it in the market): its ROI is
  // undefined there, as n/a in a single run's summary.
  msim::run_experiment(
      plan("  replications: 2\n  sweep: {firms.Mass.budget_per_year: [0, 40000]}\n",
           {"firms.Mass.fixed_cost_per_year=1000"}),
      dir / "e.h5");
  const auto tables = msim::read_experiment_tables(dir / "e.h5");
  const auto& cols = tables.runs.columns;
  const auto roi =
      static_cast<std::size_t>(std::find(cols.begin(), cols.end(), "roi:Mass") - cols.begin());
  const auto in = static_cast<std::size_t>(std::find(cols.begin(), cols.end(), "in_market:Mass") -
                                           cols.begin());
  REQUIRE(roi < cols.size());
  REQUIRE(in < cols.size());
  for (const auto& row : tables.runs.rows) {
    INFO("run " << row[0]);
    CHECK(row[in] == "1");
    CHECK(row[roi].empty() == (row[1] == "0"));  // no value in design point 0, not 0
  }
  const auto roi_row = [](const msim::ExperimentTable& t, const std::string& point) {
    for (const auto& row : t.rows)
      if (row[0] == point && row[2] == "roi" && row[4] == "Mass") return row;
    FAIL("no ROI row for Mass in design point " << point);
    return std::vector<std::string>{};
  };
  const auto none = roi_row(tables.summary, "0");
  CHECK(none[5] == "0");  // n: runs with a value
  CHECK(none[6] == "2");  // in the market in both
  CHECK(none[7].empty());
  const auto some = roi_row(tables.summary, "1");
  CHECK(some[5] == "2");
  CHECK_FALSE(some[7].empty());
  // No change against an undefined ROI (it was -0.22 against an invented 0).
  const auto change = roi_row(tables.differences, "1");
  CHECK(change[5] == "0");
  CHECK(change[7].empty());
  // Profit is defined in both design points, and so is its change.
  for (const auto& row : tables.differences.rows)
    if (row[2] == "cumulative_profit" && row[4] == "Mass") {
      CHECK(row[5] == "2");
      CHECK_FALSE(row[7].empty());
    }
}

TEST_CASE("the experiment summary shows a design point's long numbers to four digits",
          "[experiment]") {
  TempDir dir;
  msim::run_experiment(plan("  sweep: {market.wom_rate: [0.3, 0.123456789]}\n"), dir / "e.h5");
  const std::string text = msim::format_experiment_summary(dir / "e.h5");
  INFO(text);
  CHECK_THAT(text, Contains("design point 0: market.wom_rate=0.3\n") &&
                       Contains("design point 1: market.wom_rate=0.1235\n"));
  CHECK_THAT(text, !Contains("Shocks"));  // it has none
  CHECK_THAT(text, !Contains("scale"));   // at scale 1
}

TEST_CASE("revenue, marketing spend and program costs are key results, summed over the run",
          "[experiment]") {
  TempDir dir;
  // Tailor pays loyalty and referral rewards on top of its budget.
  msim::run_experiment(
      plan("  replications: 2\n  sweep: {firms.Mass.budget_per_year: [20000, 40000]}\n",
           {"firms.Tailor.loyalty_program={every: 2, reward: 0.3}",
            "firms.Tailor.referral_program={multiplier: 3, reward: 1.0}"}),
      dir / "e.h5");
  const auto tables = msim::read_experiment_tables(dir / "e.h5");
  const msim::Hdf5Reader in(dir / "e.h5");
  const auto& cols = tables.runs.columns;
  const auto cell = [&](std::size_t run, const std::string& column) {
    const auto c =
        static_cast<std::size_t>(std::find(cols.begin(), cols.end(), column) - cols.begin());
    REQUIRE(c < cols.size());
    return std::stod(tables.runs.rows[run][c]);
  };
  const std::vector<std::string> firms = {"Mass", "Niche", "Tailor"};
  for (std::size_t run = 0; run < 4; ++run) {
    const std::string group = "/runs/" + msim::run_name(run) + "/market/";
    // Each firm's sum over the run's steps, as the single-run summary sums its programs cost.
    const auto sums = [&](const std::string& metric) {
      const msim::Table t = in.table(group + metric);
      std::vector<double> out(3, 0.0);
      for (std::size_t k = 0; k < t.values.size(); ++k) out[k % 3] += t.values[k];
      return out;
    };
    const auto revenue = sums("revenue"), spend = sums("marketing_spend");
    const auto loyalty = sums("loyalty_cost"), referral = sums("referral_cost");
    for (std::size_t j = 0; j < 3; ++j) {
      INFO("run " << run << ", " << firms[j]);
      CHECK(cell(run, "revenue:" + firms[j]) == Approx(revenue[j]).epsilon(1e-12));
      CHECK(cell(run, "marketing_spend:" + firms[j]) == Approx(spend[j]).epsilon(1e-12));
      CHECK(cell(run, "program_cost:" + firms[j]) ==
            Approx(loyalty[j] + referral[j]).epsilon(1e-12));
    }
    CHECK(cell(run, "program_cost:Tailor") > 0);
    CHECK(cell(run, "program_cost:Mass") == 0);
  }
  // Mass spends its budget: twice as much in design point 1.
  CHECK(cell(2, "marketing_spend:Mass") == Approx(2 * cell(0, "marketing_spend:Mass")));
  // The summary has a row per key result and firm, each with its unit.
  const auto& sc = tables.summary.columns;
  const auto c_metric =
      static_cast<std::size_t>(std::find(sc.begin(), sc.end(), "metric") - sc.begin());
  REQUIRE(c_metric + 1 < sc.size());
  CHECK(sc[c_metric + 1] == "unit");
  std::map<std::string, std::string> units;
  for (const auto& row : tables.summary.rows) units[row[c_metric]] = row[c_metric + 1];
  CHECK(units == std::map<std::string, std::string>{{"market_share", "fraction"},
                                                    {"customer_share", "fraction"},
                                                    {"cumulative_profit", "money over the run"},
                                                    {"profit_per_year", "money per year"},
                                                    {"roi", "money per money of marketing"},
                                                    {"revenue", "money over the run"},
                                                    {"marketing_spend", "money over the run"},
                                                    {"program_cost", "money over the run"}});
  for (const auto& row : tables.differences.rows)
    CHECK(row[c_metric + 1] == units.at(row[c_metric]));
  CHECK(std::get<std::string>(in.attribute("units", "/experiment/runs/program_cost:Tailor")) ==
        "money over the run");
  // The CSV tables have the unit column too.
  const auto csv = msim::write_experiment_csv(tables, dir / "tables");
  REQUIRE(csv.size() == 4);  // runs, summary, differences, columns
  for (std::size_t k : {1, 2}) {
    std::ifstream file(csv[k]);
    std::string header, first;
    std::getline(file, header);
    std::getline(file, first);
    CHECK(header.rfind("design_point,firms.Mass.budget_per_year,metric,unit,firm,n,", 0) == 0);
    CHECK_THAT(first, Contains(",market_share,fraction,Mass,"));
  }
  const std::string text = msim::format_experiment_summary(dir / "e.h5");
  INFO(text);
  CHECK_THAT(text, Contains("program cost (loyalty and referral rewards, paid on top of the "
                            "marketing budget)"));
}

TEST_CASE("an experiment at a scale says so, and records it", "[experiment]") {
  TempDir dir;
  msim::run_experiment(plan("  replications: 2\n", {"scale=0.5"}), dir / "half.h5");
  const msim::Hdf5Reader half(dir / "half.h5");
  CHECK(std::get<double>(half.attribute("scale")) == 0.5);
  const std::string text = msim::format_experiment_summary(dir / "half.h5");
  INFO(text);
  // The words of a single run's summary (models/summary_format.cpp, scale_note).
  CHECK_THAT(text, Contains("\nThe market at scale 0.5: 0.5 times the scenario's consumers") &&
                       Contains("Money and unit totals are about 0.5 times the full market's"));
  msim::run_experiment(plan("  replications: 2\n"), dir / "full.h5");
  CHECK(std::get<double>(msim::Hdf5Reader(dir / "full.h5").attribute("scale")) == 1.0);
  CHECK_THAT(msim::format_experiment_summary(dir / "full.h5"), !Contains("scale"));
  // A sweep of the scale: no one value to give.
  msim::run_experiment(plan("  sweep: {scale: [0.5, 1]}\n"), dir / "swept.h5");
  CHECK(std::isnan(std::get<double>(msim::Hdf5Reader(dir / "swept.h5").attribute("scale"))));
  const std::string swept = msim::format_experiment_summary(dir / "swept.h5");
  INFO(swept);
  CHECK_THAT(swept, Contains("The market's scale varies by design point (scale= below)") &&
                        !Contains("The market at scale"));
  CHECK_THAT(swept, Contains("design point 0: scale=0.5\n"));
}

TEST_CASE("the experiment summary names the shocks that never fire, as a single run does",
          "[experiment]") {
  TempDir dir;
  // The file's 8 steps cut to 6 with --set: week 4's cut fires, week 8's does not; one is
  // off, and one a design point switches.
  msim::run_experiment(
      plan("  sweep: {shocks.entry.enabled: [false, true]}\n",
           {"steps=6",
            "shocks=[{name: early_cut, step: 3, kind: budget, firm: Mass, multiply: 0.5}, "
            "{name: late_cut, step: 7, kind: budget, firm: Mass, multiply: 0.5}, "
            "{name: off, step: 2, kind: budget, firm: Niche, multiply: 0.5, enabled: false}, "
            "{name: entry, step: 5, kind: enter, firm: Niche}]"}),
      dir / "e.h5");
  const std::string text = msim::format_experiment_summary(dir / "e.h5");
  INFO(text);
  CHECK_THAT(text, Contains("\nShocks, each applied at the start of its step:\n"
                            "  week 4: Mass's budget x 0.5 (early_cut)\n"
                            "  week 6: Niche enters the market (entry), on or off by design "
                            "point\n"
                            "Shocks not applied: late_cut (week 8, after the last step run); "
                            "off (disabled).\n"));
  CHECK_THAT(text, !Contains("week 8: Mass's budget"));
}

TEST_CASE("runs are the same whether they run concurrently or one by one", "[experiment]") {
  TempDir dir;
  const msim::Experiment ex = plan("  replications: 3\n");
  msim::ExperimentOptions one_by_one;
  one_by_one.concurrent_below = 0;
  msim::run_experiment(ex, dir / "a.h5");
  msim::run_experiment(ex, dir / "b.h5", one_by_one);
  const msim::Hdf5Reader a(dir / "a.h5"), b(dir / "b.h5");
  for (const std::string id : {"00000", "00001", "00002"})
    CHECK(msim::test::same_bits(run_data(a, id), run_data(b, id)));
}

TEST_CASE("an interrupted experiment keeps its finished runs and --resume completes it",
          "[experiment]") {
  // Branched runs record their scenario with a `branch:` block, which --resume must expect.
  const std::string branch = GENERATE(as<std::string>{}, "", "  branch_at: 3\n");
  INFO("experiment block: " << branch);
  TempDir dir;
  const msim::Experiment ex = plan("  replications: 2\n" + branch +
                                   "  sweep: {firms.Niche.budget_per_year: [5000, 10000]}\n");
  msim::run_experiment(ex, dir / "whole.h5");

  msim::ExperimentOptions killed;
  killed.concurrent_below = 0;  // one by one, so exactly two runs finish
  killed.stop_after_runs = 2;
  const auto first = msim::run_experiment(ex, dir / "e.h5", killed);
  CHECK_FALSE(first.complete);
  CHECK(first.ran == 2);
  CHECK_FALSE(fs::exists(dir / "e.h5"));
  CHECK_FALSE(fs::exists(dir / "e.h5.partial"));  // the run files are what is kept
  // Two run files (branched runs go by replication: runs 0 and 2 share a history).
  std::size_t kept = 0;
  for (const auto& entry : fs::directory_iterator(dir / "e.h5.runs"))
    kept += entry.path().extension() == ".h5" ? 1 : 0;
  CHECK(kept == 2);
  CHECK(fs::exists(dir / "e.h5.runs/00000.h5"));

  msim::ExperimentOptions resume;
  resume.resume = true;
  const auto second = msim::run_experiment(ex, dir / "e.h5", resume);
  CHECK(second.complete);
  CHECK(second.skipped == 2);
  CHECK(second.ran == 2);
  const msim::Hdf5Reader whole(dir / "whole.h5"), resumed(dir / "e.h5");
  for (const std::string id : {"00000", "00001", "00002", "00003"}) {
    CHECK(msim::test::same_bits(run_data(whole, id), run_data(resumed, id)));
    // Labelled alike, whether copied from a run file (0 and 1) or written from memory.
    const std::string units = "/runs/" + id + "/market/units";
    CHECK_FALSE(resumed.string_attribute(units, "units").empty());
    CHECK(resumed.string_attribute(units, "units") == whole.string_attribute(units, "units"));
    CHECK(resumed.strings("/runs/" + id + "/firms/name") ==
          whole.strings("/runs/" + id + "/firms/name"));
  }
  CHECK(msim::read_experiment_tables(dir / "whole.h5").runs.rows ==
        msim::read_experiment_tables(dir / "e.h5").runs.rows);

  // A changed scenario does not silently reuse old runs.
  msim::run_experiment(ex, dir / "f.h5", killed);
  const msim::Experiment other = plan(
      "  replications: 2\n" + branch + "  sweep: {firms.Niche.budget_per_year: [5000, 10000]}\n",
      {"firms.Mass.budget_per_year=41000"});
  REQUIRE_THROWS_WITH(msim::run_experiment(other, dir / "f.h5", resume),
                      Contains("of another scenario"));
}

namespace {

/// Deletes the root attribute `name` of the HDF5 file `file`, as an earlier version wrote it.
void delete_attribute(const fs::path& file, const char* name) {
  const hid_t f = H5Fopen(file.string().c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(f >= 0);
  REQUIRE(H5Adelete(f, name) >= 0);
  H5Fclose(f);
}

}  // namespace

TEST_CASE("resuming refuses the runs of another scenario, and keeps them", "[experiment]") {
  TempDir dir;
  const std::string sweep = "  sweep: {firms.Niche.budget_per_year: [5000, 10000]}\n";
  const msim::Experiment ex = plan("  replications: 2\n" + sweep);
  msim::ExperimentOptions first_part;  // runs 0 and 2: design point 0 and 1, replication 0
  first_part.parts = 2;
  REQUIRE(msim::run_experiment(ex, dir / "e.h5", first_part).complete);
  msim::ExperimentOptions resume;
  resume.resume = true;
  const auto refused = [&](const msim::Experiment& other, const std::string& what) {
    try {
      msim::run_experiment(other, dir / "e.h5", resume);
      FAIL("--resume did not refuse");
    } catch (const msim::InputError& e) {
      const std::string said = e.what();
      INFO(said);
      CHECK_FALSE(dynamic_cast<const msim::StepInputError*>(&e));  // complete, as it stands
      CHECK_THAT(said, Contains(what));
      CHECK_THAT(said, Contains("The 2 finished runs in '" + (dir / "e.h5.runs").string() +
                                "' belong to ") &&
                           Contains("are kept there") &&
                           Contains("use --force, which starts it from scratch and discards "
                                    "them; to finish the earlier "));
    }
    // Nothing moved.
    CHECK(fs::exists(dir / "e.h5.runs" / "00000.h5"));
    CHECK(fs::exists(dir / "e.h5.runs" / "00002.h5"));
    CHECK_FALSE(fs::exists(dir / "e.h5"));
  };
  // A key that no design point sets changed (the scenario file or an override), with a design
  // point put between the others: no run is this design's, and neither is one of its points.
  const std::string message = "--resume: '" + (dir / "e.h5.runs" / "00000.h5").string() +
                              "' holds run 0 (design point 0, replication 0) of another scenario";
  refused(plan("  replications: 3\n  sweep: {firms.Niche.budget_per_year: [5000, 7000, 10000]}\n",
               {"firms.Mass.budget_per_year=41000"}),
          message +
              ": the scenario file, an override, the seed or the keys the experiment varies "
              "changed since it was written (firms.Mass.budget_per_year: 40000 -> 41000)");
  // Another seed.
  refused(plan("  replications: 2\n" + sweep, {"seed=6"}), message);

  // A run file of an earlier version, without the design's sizes: found by what it is all the
  // same, and a design point put between the others keeps it.
  delete_attribute(dir / "e.h5.runs" / "00002.h5", "replications");
  delete_attribute(dir / "e.h5.runs" / "00002.h5", "design_points");
  const auto between = msim::run_experiment(
      plan("  replications: 2\n  sweep: {firms.Niche.budget_per_year: [5000, 7000, 10000]}\n"),
      dir / "e.h5", resume);
  CHECK(between.complete);
  CHECK(between.skipped == 2);
  CHECK(between.ran == 4);
  CHECK(between.set_aside == 0);
}

TEST_CASE("resuming with more replications keeps every finished run, as the new design runs them",
          "[experiment]") {
  // A run is its design point's scenario with its replication's seed; branched, its replication
  // also fixes the history it shares. Its number (design point x replications + replication) is
  // all that another number of replications changes.
  const std::string branch = GENERATE(as<std::string>{}, "", "  branch_at: 3\n");
  INFO("experiment block: " << branch);
  TempDir dir;
  const std::string sweep = "  sweep: {firms.Niche.budget_per_year: [5000, 10000]}\n";
  const msim::Experiment two = plan("  replications: 2\n" + branch + sweep);
  const msim::Experiment three = plan("  replications: 3\n" + branch + sweep);
  msim::run_experiment(three, dir / "whole.h5");

  msim::ExperimentOptions killed;
  killed.concurrent_below = 0;
  killed.stop_after_runs = 3;  // among them design point 1, replication 0: run 2, now run 3
  REQUIRE_FALSE(msim::run_experiment(two, dir / "e.h5", killed).complete);
  // A file under another name, as a kill while an earlier --resume renamed the files leaves it:
  // what it records tells its run.
  fs::rename(dir / "e.h5.runs" / "00000.h5", dir / "e.h5.runs" / "moved.h5");
  msim::ExperimentOptions resume;
  resume.resume = true;
  const auto more = msim::run_experiment(three, dir / "e.h5", resume);
  CHECK(more.complete);
  CHECK(more.skipped == 3);
  CHECK(more.ran == 3);
  CHECK(more.set_aside == 0);
  CHECK_FALSE(fs::exists(dir / "e.h5.runs"));
  check_same_runs(dir / "whole.h5", dir / "e.h5");
}

TEST_CASE("resuming with fewer replications or design points keeps the runs it does not use",
          "[experiment]") {
  TempDir dir;
  const std::string sweep = "  sweep: {firms.Niche.budget_per_year: [5000, 10000]}\n";
  const msim::Experiment two = plan("  replications: 2\n" + sweep);
  const msim::Experiment three = plan("  replications: 3\n" + sweep);
  msim::run_experiment(two, dir / "two.h5");
  msim::run_experiment(three, dir / "three.h5");

  msim::ExperimentOptions killed;
  killed.concurrent_below = 0;
  killed.stop_after_runs = 5;  // all but design point 1, replication 2
  REQUIRE_FALSE(msim::run_experiment(three, dir / "e.h5", killed).complete);
  msim::ExperimentOptions resume;
  resume.resume = true;
  const auto fewer = msim::run_experiment(two, dir / "e.h5", resume);
  CHECK(fewer.complete);
  CHECK(fewer.skipped == 4);
  CHECK(fewer.ran == 0);
  check_same_runs(dir / "two.h5", dir / "e.h5");
  // Design point 0's replication 2 (run 2 of the earlier design) is kept beside the output,
  // under its number there, in the runs directory of an output that finishes that design.
  CHECK_FALSE(fs::exists(dir / "e.h5.runs"));
  REQUIRE(fs::is_directory(dir / "e-earlier.h5.runs"));
  CHECK(h5_files(dir / "e-earlier.h5.runs") == std::vector<std::string>{"00002.h5"});
  CHECK(fewer.set_aside == 1);
  CHECK(fewer.earlier == (dir / "e-earlier.h5").string());
  const auto earlier = msim::run_experiment(three, dir / "e-earlier.h5", resume);
  CHECK(earlier.complete);
  CHECK(earlier.skipped == 1);
  CHECK(earlier.ran == 5);
  check_same_runs(dir / "three.h5", dir / "e-earlier.h5");

  // A design point dropped: its runs are kept, beside an output name that nothing has.
  REQUIRE_FALSE(msim::run_experiment(three, dir / "f.h5", killed).complete);
  std::ofstream(dir / "f-earlier.h5") << "a file of the user's";
  const auto dropped = msim::run_experiment(
      plan("  replications: 3\n  sweep: {firms.Niche.budget_per_year: [5000]}\n"), dir / "f.h5",
      resume);
  CHECK(dropped.complete);
  CHECK(dropped.skipped == 3);
  CHECK(dropped.set_aside == 2);
  CHECK(dropped.earlier == (dir / "f-earlier-2.h5").string());
  CHECK(h5_files(dir / "f-earlier-2.h5.runs") == std::vector<std::string>{"00003.h5", "00004.h5"});
  CHECK_FALSE(fs::exists(dir / "f.h5.runs"));
}

TEST_CASE("parts of a design with more replications use the runs an earlier design's part finished",
          "[experiment][parts]") {
  TempDir dir;
  const std::string sweep = "  sweep: {firms.Niche.budget_per_year: [5000, 10000]}\n";
  const msim::Experiment two = plan("  replications: 2\n" + sweep);
  const msim::Experiment three = plan("  replications: 3\n" + sweep);
  msim::run_experiment(three, dir / "whole.h5");
  const auto part = [&](const msim::Experiment& ex, std::size_t k) {
    msim::ExperimentOptions options;
    options.part = k;
    options.parts = 2;
    options.resume = true;
    return msim::run_experiment(ex, dir / "e.h5", options);
  };
  REQUIRE(part(two, 0).complete);  // runs 0 and 2: design points 0 and 1, replication 0
  // Part 1 of 2 now has runs 0, 2 and 4 (design point 0, replications 0 and 2; design point 1,
  // replication 1); part 2 has design point 1, replication 0 (run 3), which part 1 moves off
  // run 2's name.
  const auto one = part(three, 0);
  CHECK(one.skipped == 1);
  CHECK(one.ran == 2);
  const auto other = part(three, 1);
  CHECK(other.skipped == 1);
  CHECK(other.ran == 2);
  CHECK(other.in_directory == 6);
  CHECK(h5_files(dir / "e.h5.runs") == std::vector<std::string>{"00000.h5", "00001.h5", "00002.h5",
                                                                "00003.h5", "00004.h5",
                                                                "00005.h5"});
  msim::ExperimentOptions assemble;
  assemble.resume = true;
  const auto whole = msim::run_experiment(three, dir / "e.h5", assemble);
  CHECK(whole.complete);
  CHECK(whole.skipped == 6);
  CHECK(whole.ran == 0);
  check_same_runs(dir / "whole.h5", dir / "e.h5");
}

TEST_CASE("an experiment run in parts, apart, and then assembled equals the whole",
          "[experiment][parts]") {
  // Unbranched, a part takes every other run; branched, every other replication, whose design
  // points continue one history.
  const std::string branch = GENERATE(as<std::string>{}, "", "  branch_at: 3\n");
  INFO("experiment block: " << branch);
  TempDir dir;
  const msim::Experiment ex = plan("  replications: 3\n" + branch +
                                   "  sweep: {firms.Niche.budget_per_year: [5000, 10000]}\n");
  REQUIRE(ex.runs.size() == 6);
  CHECK(msim::part_units(ex) == (branch.empty() ? 6 : 3));
  msim::run_experiment(ex, dir / "whole.h5");

  const auto part = [&](std::size_t k, bool resume = true) {
    msim::ExperimentOptions options;
    options.part = k;
    options.parts = 2;
    options.resume = resume;
    return msim::run_experiment(ex, dir / "e.h5", options);
  };
  // Part 1 of 2: runs 0, 2, 4 (unbranched); replications 0 and 2, runs 0, 2, 3, 5 (branched).
  const std::vector<std::string> first =
      branch.empty() ? std::vector<std::string>{"00000", "00002", "00004"}
                     : std::vector<std::string>{"00000", "00002", "00003", "00005"};
  const auto one = part(0);
  CHECK(one.complete);
  CHECK(one.ran == first.size());
  CHECK(one.in_directory == first.size());
  std::vector<std::string> kept;
  for (const auto& entry : fs::directory_iterator(dir / "e.h5.runs"))
    kept.push_back(entry.path().filename().string());
  std::sort(kept.begin(), kept.end());
  std::vector<std::string> expected;
  for (const auto& id : first) expected.push_back(id + ".h5");
  CHECK(kept == expected);
  CHECK_FALSE(fs::exists(dir / "e.h5"));  // a part writes no experiment file
  CHECK_FALSE(fs::exists(dir / "e.h5.partial"));

  // Run again, a part keeps what it finished; with resume off (--force) it redoes it, and the
  // other part's runs are left alone either way.
  const auto again = part(0);
  CHECK(again.ran == 0);
  CHECK(again.skipped == first.size());
  const auto two = part(1);
  CHECK(two.complete);
  CHECK(two.ran == 6 - first.size());
  CHECK(two.in_directory == 6);
  const auto redone = part(0, false);
  CHECK(redone.ran == first.size());
  CHECK(redone.in_directory == 6);

  msim::ExperimentOptions assemble;
  assemble.resume = true;
  const auto whole = msim::run_experiment(ex, dir / "e.h5", assemble);
  CHECK(whole.complete);
  CHECK(whole.skipped == 6);
  CHECK(whole.ran == 0);
  CHECK_FALSE(fs::exists(dir / "e.h5.runs"));
  const msim::Hdf5Reader a(dir / "whole.h5"), b(dir / "e.h5");
  for (const auto& id : a.list("/runs"))
    CHECK(msim::test::same_bits(run_data(a, id), run_data(b, id)));
  CHECK(b.list("/runs") == a.list("/runs"));
  CHECK(msim::read_experiment_tables(dir / "whole.h5").runs.rows ==
        msim::read_experiment_tables(dir / "e.h5").runs.rows);
  CHECK(msim::read_experiment_tables(dir / "whole.h5").summary.rows ==
        msim::read_experiment_tables(dir / "e.h5").summary.rows);
}

namespace {

/// Sets the root string attribute `name` of the HDF5 file `file`, as another program would have
/// written it.
void set_string_attribute(const fs::path& file, const char* name, const std::string& value) {
  const hid_t f = H5Fopen(file.string().c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(f >= 0);
  if (H5Aexists(f, name) > 0) REQUIRE(H5Adelete(f, name) >= 0);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, value.size());
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t a = H5Acreate2(f, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  REQUIRE(a >= 0);
  REQUIRE(H5Awrite(a, type, value.c_str()) >= 0);
  H5Aclose(a);
  H5Sclose(space);
  H5Tclose(type);
  H5Fclose(f);
}

}  // namespace

TEST_CASE("resuming refuses runs that another build of marketsim wrote", "[experiment][parts]") {
  TempDir dir;
  const msim::Experiment ex = plan("  replications: 2\n");
  msim::ExperimentOptions part;
  part.parts = 2;  // run 0
  REQUIRE(msim::run_experiment(ex, dir / "e.h5", part).complete);
  const fs::path file = dir / "e.h5.runs" / "00000.h5";
  // Every file records the program that wrote it, beside its commit.
  REQUIRE(msim::program_hash().size() == 16);
  CHECK(std::get<std::string>(msim::Hdf5Reader(file.string()).attribute("program_hash")) ==
        msim::program_hash());
  msim::ExperimentOptions resume;
  resume.resume = true;
  const auto refused = [&](const std::string& why) {
    REQUIRE_THROWS_WITH(
        msim::run_experiment(ex, dir / "e.h5", resume),
        Contains(why) && Contains(file.string()) &&
            Contains("The finished run in '" + (dir / "e.h5.runs").string() + "' is kept there"));
    CHECK(fs::exists(file));
    CHECK_FALSE(fs::exists(dir / "e.h5"));
  };
  // The same commit, another build of it (a strategy of a program's own changed, say).
  set_string_attribute(file, "program_hash", "0123456789abcdef");
  refused(
      "written by another build of the program (program_hash 0123456789abcdef; this "
      "program's is " +
      msim::program_hash());
  // An earlier version, which recorded no program_hash.
  delete_attribute(file, "program_hash");
  refused(
      "written by another build of the program (an earlier version, which recorded no "
      "program_hash");
  // Another commit.
  set_string_attribute(file, "git_commit", "0123456789ab");
  refused("written by marketsim commit 0123456789ab");
  msim::run_experiment(ex, dir / "e.h5");  // --force: starts over
  CHECK(fs::exists(dir / "e.h5"));
  CHECK(
      std::get<std::string>(msim::Hdf5Reader((dir / "e.h5").string()).attribute("program_hash")) ==
      msim::program_hash());
}

TEST_CASE("a run file that another process is writing is left alone", "[experiment][parts]") {
  TempDir dir;
  const msim::Experiment ex = plan("  replications: 2\n");
  fs::create_directories(dir / "e.h5.runs");
  const fs::path busy = dir / "e.h5.runs" / "00001.h5.partial";
  // An HDF5 file held open, as a part writing run 1 holds it.
  msim::Hdf5Output writing(busy.string().substr(0, busy.string().size() - 8));
  REQUIRE(fs::exists(busy));
  msim::ExperimentOptions resume;
  resume.resume = true;
  REQUIRE_THROWS_WITH(msim::run_experiment(ex, dir / "e.h5", resume),
                      Contains("is being written by another process"));
  CHECK(fs::exists(busy));
  msim::ExperimentOptions other_part;  // part 1 of 2 owns run 0 only: it does not look at run 1
  other_part.parts = 2;
  CHECK(msim::run_experiment(ex, dir / "e.h5", other_part).complete);
  CHECK(fs::exists(busy));
}

TEST_CASE("an experiment that another process is running on the same output is left alone",
          "[experiment][parts]") {
  TempDir dir;
  const msim::Experiment ex = plan("  replications: 2\n");
  msim::ExperimentOptions first_part;  // part 1 of 2 finishes run 0 and keeps it
  first_part.parts = 2;
  REQUIRE(msim::run_experiment(ex, dir / "e.h5", first_part).complete);
  const fs::path kept = dir / "e.h5.runs" / "00000.h5";
  REQUIRE(fs::exists(kept));
  {
    msim::DirectoryLock whole;  // as a whole experiment's process holds it
    REQUIRE(whole.acquire((dir / "e.h5.runs").string(), false));
    REQUIRE_THROWS_AS(msim::run_experiment(ex, dir / "e.h5"), msim::ExperimentInUse);
    REQUIRE_THROWS_WITH(msim::run_experiment(ex, dir / "e.h5", first_part),
                        Contains("another process is running the whole experiment on it"));
    CHECK(fs::exists(kept));
  }
  {
    msim::DirectoryLock part;  // as part 2's process holds it
    REQUIRE(part.acquire((dir / "e.h5.runs").string(), true));
    // A --force of the whole would remove run 0: refused, with nothing touched.
    REQUIRE_THROWS_WITH(msim::run_experiment(ex, dir / "e.h5"),
                        Contains("another process is running this experiment, or a part of it"));
    CHECK(fs::exists(kept));
    msim::ExperimentOptions again = first_part;  // as `--part 1/2` without --force
    again.resume = true;
    CHECK(msim::run_experiment(ex, dir / "e.h5", again).skipped == 1);  // parts side by side
  }
  msim::ExperimentOptions resume;
  resume.resume = true;
  const msim::ExperimentReport done = msim::run_experiment(ex, dir / "e.h5", resume);
  CHECK(done.complete);
  CHECK(done.skipped == 1);
  CHECK_FALSE(fs::exists(dir / "e.h5.runs"));
}

TEST_CASE("the experiment's file is renamed into place only with every run in it", "[experiment]") {
  TempDir dir;
  const msim::Experiment ex = plan("  replications: 2\n");
  {
    msim::ExperimentFile file(ex, (dir / "e.h5").string(), 1);
    CHECK(fs::exists(dir / "e.h5.partial"));
    REQUIRE_THROWS_WITH(file.commit(), Contains("lacks run 0"));
  }
  CHECK_FALSE(fs::exists(dir / "e.h5"));
  CHECK_FALSE(fs::exists(dir / "e.h5.partial"));
}

TEST_CASE("branched variants equal full runs when they change nothing", "[experiment]") {
  TempDir dir;
  const std::string sweep = "  sweep: {firms.Mass.budget_per_year: [40000, 80000]}\n";
  const msim::Experiment full = plan("  replications: 2\n" + sweep);
  const msim::Experiment branched = plan("  replications: 2\n  branch_at: 3\n" + sweep);
  msim::run_experiment(full, dir / "full.h5");
  const auto report = msim::run_experiment(branched, dir / "branched.h5");
  CHECK(report.complete);
  const msim::Hdf5Reader a(dir / "full.h5"), b(dir / "branched.h5");
  // Design point 0 changes nothing: bit-identical to its full run.
  CHECK(msim::test::same_bits(run_data(a, "00000"), run_data(b, "00000")));
  CHECK(msim::test::same_bits(run_data(a, "00001"), run_data(b, "00001")));
  // Design point 1 doubles the budget only from the branch step on.
  const auto spend = b.table("/runs/00002/market/marketing_spend").values;  // [8, 3]
  const auto base = a.table("/runs/00000/market/marketing_spend").values;
  for (std::size_t t = 0; t < 8; ++t)
    CHECK(spend[t * 3] == Catch::Detail::Approx(t < 3 ? 40000.0 / 52 : 80000.0 / 52));
  for (std::size_t k = 0; k < 3 * 3; ++k) CHECK(spend[k] == base[k]);
  CHECK(std::get<std::int64_t>(b.attribute("branch_at", "/runs/00002")) == 3);
}

TEST_CASE("a branched run's /scenario reproduces it on its own", "[experiment][branch]") {
  TempDir dir;
  const msim::Experiment ex = plan(
      "  replications: 2\n  branch_at: 3\n  sweep: {firms.Mass.budget_per_year: [40000, 80000]}\n");
  REQUIRE(msim::run_experiment(ex, dir / "e.h5").complete);
  const msim::Hdf5Reader e(dir / "e.h5");
  for (const std::string id : {"00000", "00003"}) {  // the budget as it was; doubled at step 3
    INFO("run " << id);
    const std::string text = e.text("/runs/" + id + "/scenario");
    CHECK_THAT(text, Contains("branch:\n  step: 3\n"));
    const msim::Scenario alone = msim::load_scenario_text(text, "run.yaml");
    {
      auto recorder = msim::make_hdf5_recorder((dir / ("alone" + id + ".h5")).string());
      REQUIRE(msim::run_simulation(alone, *recorder).complete);
    }
    const msim::Hdf5Reader a(dir / ("alone" + id + ".h5"));
    for (const std::string group : {"/market", "/segments"})
      for (const std::string& name : e.list("/runs/" + id + group))
        if (name != "by_category" && name != "name")
          CHECK(msim::test::same_bits(a.table(group + "/" + name).values,
                                      e.table("/runs/" + id + group + "/" + name).values));
    CHECK(a.text("/scenario") == text);
    // Rerun as it stands, it writes a file of its own, never the experiment's.
    CHECK(alone.output.path == msim::run_output_path(ex.base.output.path, std::stoul(id)));
    CHECK(alone.output.path != ex.base.output.path);
  }
}

TEST_CASE("a run's recorded output.path is the experiment's with the run's number",
          "[experiment]") {
  CHECK(msim::run_output_path("out/exp2.h5", 15) == "out/exp2-run-00015.h5");
  CHECK(msim::run_output_path("results", 3) == "results-run-00003.h5");
  CHECK(msim::run_output_path("", 0) == "marketsim-run-00000.h5");
  const msim::Experiment ex = plan("  replications: 2\n");
  for (const auto& run : ex.runs) {
    const msim::Scenario again =
        msim::load_scenario_text(msim::resolved_yaml(run.scenario), "run.yaml");
    CHECK(again.output.path == msim::run_output_path(ex.base.output.path, run.plan.id));
  }
}

TEST_CASE("a sweep over steps and consumers runs each design point at its own size",
          "[experiment]") {
  TempDir dir;
  const msim::Experiment ex = plan("  sweep: {steps: [4, 6], consumers: [2000, 3000]}\n");
  REQUIRE(msim::run_experiment(ex, dir / "e.h5").complete);
  const msim::Hdf5Reader in(dir / "e.h5");
  CHECK(in.table("/runs/00000/step").values.size() == 4);
  CHECK(in.table("/runs/00003/step").values.size() == 6);
  CHECK(std::get<std::int64_t>(in.attribute("consumers", "/runs/00001")) == 3000);
}

TEST_CASE("every run of an experiment records its own panel, branched or not",
          "[experiment][panel]") {
  TempDir dir;
  const std::string sweep = "  sweep: {firms.Mass.budget_per_year: [40000, 80000]}\n";
  const msim::Experiment full = plan("  replications: 2\n" + sweep, {"output.panel.size=500"});
  const msim::Experiment branched =
      plan("  replications: 2\n  branch_at: 3\n" + sweep, {"output.panel.size=500"});
  REQUIRE(msim::run_experiment(full, dir / "full.h5").complete);
  REQUIRE(msim::run_experiment(branched, dir / "branched.h5").complete);
  const msim::Hdf5Reader a(dir / "full.h5"), b(dir / "branched.h5");
  const auto panel = [](const msim::Hdf5Reader& in, const std::string& id) {
    std::vector<std::vector<std::int64_t>> out;
    for (const char* path : {"members/consumer", "members/segment", "purchases/step",
                             "purchases/consumer", "purchases/category", "purchases/firm"})
      out.push_back(in.integers("/runs/" + id + "/panel/" + path));
    out.push_back({});
    for (double p : in.table("/runs/" + id + "/panel/purchases/price").values)
      out.back().push_back(std::llround(p * 100));
    return out;
  };
  for (const std::string id : {"00000", "00001", "00002", "00003"}) {
    INFO("run " << id);
    const auto p = panel(a, id);
    CHECK(std::get<std::int64_t>(a.attribute("size", "/runs/" + id + "/panel")) == 500);
    CHECK(p[0].size() == 500);
    REQUIRE(p[2].size() > 500);
    CHECK(p[2].front() == 0);
    CHECK(p[2].back() == 7);
    CHECK(panel(b, id)[0] == p[0]);  // the same members
  }
  // Design point 0 changes nothing: the branched runs' panels equal the full runs'.
  CHECK(panel(a, "00000") == panel(b, "00000"));
  CHECK(panel(a, "00001") == panel(b, "00001"));
  // Replications have different seeds, so different members.
  CHECK(panel(a, "00000")[0] != panel(a, "00001")[0]);
}

TEST_CASE("a firm without a budget is in the market in every run of an experiment",
          "[experiment]") {
  // Niche with no budget and no awareness sells nothing and spends nothing, but it is on the
  // shelf: in_market 1, as the single-run summary has it; out of the market only before an entry.
  TempDir dir;
  const msim::Experiment ex =
      plan("  sweep: {firms.Niche.budget_per_year: [0, 10000]}\n", {"market.initial_awareness=0"});
  REQUIRE(msim::run_experiment(ex, dir / "e.h5").complete);
  const msim::ExperimentTables tables = msim::read_experiment_tables(dir / "e.h5");
  const auto& cols = tables.runs.columns;
  const auto flag = std::find(cols.begin(), cols.end(), "in_market:Niche") - cols.begin();
  const auto units = std::find(cols.begin(), cols.end(), "market_share:Niche") - cols.begin();
  REQUIRE(static_cast<std::size_t>(flag) < cols.size());
  REQUIRE(tables.runs.rows.size() == 2);
  CHECK(tables.runs.rows[0][static_cast<std::size_t>(units)] == "0");  // sold nothing
  const auto profit = std::find(cols.begin(), cols.end(), "cumulative_profit:Niche") - cols.begin();
  CHECK(tables.runs.rows[0][static_cast<std::size_t>(profit)] == "0");  // and no fixed costs
  for (const auto& row : tables.runs.rows) CHECK(row[static_cast<std::size_t>(flag)] == "1");
  // The columns say so: what decides it is its entries and exits, not what it sold or spent.
  const msim::Hdf5Reader in((dir / "e.h5").string());
  for (const char* path : {"/experiment/runs/in_market:Niche", "/experiment/summary/in_market"}) {
    const std::string meaning = in.string_attribute(path, "description");
    INFO(meaning);
    CHECK_THAT(meaning, Contains("from the start or its entry, until any exit") &&
                            Contains("whatever it sold or spent") && !Contains("sold, spent"));
  }
  bool described = false;
  for (const auto& row : tables.columns.rows)
    if (row[0] == "in_market:Niche") {
      described = true;
      CHECK_THAT(row[4], Contains("from the start or its entry") && !Contains("sold, spent"));
    }
  CHECK(described);
}

TEST_CASE("an experiment refuses a runs directory that holds files of the user's, and loses none",
          "[experiment]") {
  TempDir dir;
  const msim::Experiment ex = plan("  replications: 2\n");
  fs::create_directories(dir / "e.h5.runs" / "sub");
  std::ofstream(dir / "e.h5.runs" / "notes.txt") << "notes";
  std::ofstream(dir / "e.h5.runs" / "sub" / "important.csv") << "deep";
  // Named as a run file, but not one: kept too.
  std::ofstream(dir / "e.h5.runs" / "00001.h5") << "not HDF5";
  for (const bool resume : {false, true}) {
    msim::ExperimentOptions options;
    options.resume = resume;
    INFO("resume: " << resume);
    REQUIRE_THROWS_WITH(
        msim::run_experiment(ex, dir / "e.h5", options),
        Contains("output '" + (dir / "e.h5").string() + "': '" + (dir / "e.h5.runs").string() +
                 "', where the experiment keeps its finished runs, holds 3 entries that are not "
                 "run files of marketsim: '00001.h5', 'notes.txt', 'sub' (a directory)") &&
            Contains("move them out of"));
    CHECK(fs::exists(dir / "e.h5.runs" / "notes.txt"));
    CHECK(fs::exists(dir / "e.h5.runs" / "sub" / "important.csv"));
    CHECK(fs::exists(dir / "e.h5.runs" / "00001.h5"));
    CHECK_FALSE(fs::exists(dir / "e.h5"));
    CHECK_FALSE(fs::exists(dir / "e.h5.partial"));
  }
  // Many of them: the first four by name, and how many more.
  for (const char* name : {"a.txt", "b.txt", "c.txt", "d.txt", "e.txt"})
    std::ofstream(dir / "e.h5.runs" / name) << name;
  REQUIRE_THROWS_WITH(
      msim::run_experiment(ex, dir / "e.h5"),
      Contains("holds 8 entries that are not run files of marketsim: '00001.h5', 'a.txt', "
               "'b.txt', 'c.txt', 4 more; it is refused"));
  CHECK(fs::exists(dir / "e.h5.runs" / "e.txt"));
  // A regular file where the directory would be.
  std::ofstream(dir / "w.h5.runs") << "mine";
  REQUIRE_THROWS_WITH(
      msim::run_experiment(ex, dir / "w.h5"),
      Contains("'" + (dir / "w.h5.runs").string() + "' is there and is not a directory"));
  CHECK(fs::is_regular_file(dir / "w.h5.runs"));
  CHECK_FALSE(fs::exists(dir / "w.h5"));
}

TEST_CASE("a completed experiment removes its run files alone, and the directory only when empty",
          "[experiment]") {
  TempDir dir;
  const msim::Experiment ex = plan("  replications: 2\n");
  msim::ExperimentOptions killed;
  killed.concurrent_below = 0;
  killed.stop_after_runs = 1;
  REQUIRE_FALSE(msim::run_experiment(ex, dir / "e.h5", killed).complete);
  std::ofstream(dir / "e.h5.runs" / "00001.h5.partial") << "cut short by a kill";
  // Only this program's files: they go, and so does the directory they leave empty.
  msim::ExperimentOptions resume;
  resume.resume = true;
  REQUIRE(msim::run_experiment(ex, dir / "e.h5", resume).complete);
  CHECK_FALSE(fs::exists(dir / "e.h5.runs"));
  // A file the user puts there once the experiment runs (after its check) stays, and so does
  // the directory that holds it.
  REQUIRE_FALSE(msim::run_experiment(ex, dir / "f.h5", killed).complete);
  std::ofstream(dir / "f.h5.runs" / "notes.txt") << "notes";
  msim::remove_run_files((dir / "f.h5.runs").string());
  CHECK(h5_files(dir / "f.h5.runs").empty());
  CHECK(fs::exists(dir / "f.h5.runs" / "notes.txt"));
}

TEST_CASE("resuming a completed experiment with more replications takes its runs from it",
          "[experiment]") {
  const std::string branch = GENERATE(as<std::string>{}, "", "  branch_at: 3\n");
  INFO("experiment block: " << branch);
  TempDir dir;
  const std::string sweep = "  sweep: {firms.Niche.budget_per_year: [5000, 10000]}\n";
  const msim::Experiment two = plan("  replications: 2\n" + branch + sweep);
  const msim::Experiment three = plan("  replications: 3\n" + branch + sweep);
  msim::run_experiment(three, dir / "three.h5");
  msim::run_experiment(two, dir / "two.h5");
  REQUIRE(msim::run_experiment(two, dir / "e.h5").complete);
  fs::copy_file(dir / "e.h5", dir / "before.h5");

  // Killed before it completes: the completed file is still there, as it was.
  msim::ExperimentOptions killed;
  killed.resume = true;
  killed.concurrent_below = 0;
  killed.stop_after_runs = 1;
  REQUIRE_FALSE(msim::run_experiment(three, dir / "e.h5", killed).complete);
  {
    const msim::Hdf5Reader e(dir / "e.h5"), before(dir / "before.h5");
    CHECK(same_datasets(e, before, "/runs"));
    CHECK(same_datasets(e, before, "/experiment"));
  }
  msim::ExperimentOptions resume;
  resume.resume = true;
  const auto more = msim::run_experiment(three, dir / "e.h5", resume);
  CHECK(more.complete);
  CHECK(more.reused == 4);
  CHECK(more.skipped == 5);  // and the run the killed one finished
  CHECK(more.ran == 1);
  CHECK(more.earlier_file.empty());  // every run of the completed file is in the new one
  CHECK_FALSE(fs::exists(dir / "e-earlier.h5"));
  CHECK_FALSE(fs::exists(dir / "e.h5.runs"));
  check_same_runs(dir / "three.h5", dir / "e.h5");
  {
    const msim::Hdf5Reader e(dir / "e.h5"), whole(dir / "three.h5");
    CHECK(same_datasets(e, whole, "/runs"));
    CHECK(same_datasets(e, whole, "/experiment"));
  }

  // Fewer replications: the runs it drops are in the earlier file, kept under another name.
  const auto fewer = msim::run_experiment(two, dir / "e.h5", resume);
  CHECK(fewer.complete);
  CHECK(fewer.reused == 4);
  CHECK(fewer.ran == 0);
  CHECK(fewer.not_reused == 2);
  CHECK(fewer.earlier_file == (dir / "e-earlier.h5").string());
  check_same_runs(dir / "two.h5", dir / "e.h5");
  check_same_runs(dir / "three.h5", dir / "e-earlier.h5");

  // Another scenario: its runs are run again, and the earlier file is kept.
  const auto other =
      msim::run_experiment(plan("  replications: 2\n" + branch +
                                "  sweep: {firms.Niche.budget_per_year: [5000, 7000]}\n"),
                           dir / "e.h5", resume);
  CHECK(other.complete);
  CHECK(other.reused == 2);  // design point 0
  CHECK(other.ran == 2);
  CHECK(other.not_reused == 2);
  CHECK(other.earlier_file == (dir / "e-earlier-2.h5").string());
  check_same_runs(dir / "two.h5", dir / "e-earlier-2.h5");
}

TEST_CASE("an experiment's market shares are NaN in a run whose last step sold nothing",
          "[experiment]") {
  TempDir dir;
  // Design point 1: a recession to nothing in the last step; design point 0: none.
  msim::run_experiment(plan("  sweep: {shocks.slump.multiply: [1, 0]}\n",
                            {"shocks=[{name: slump, step: 7, kind: recession, multiply: 1}]"}),
                       dir / "e.h5");
  const msim::Hdf5Reader in((dir / "e.h5").string());
  const std::vector<double> share = in.table("/experiment/runs/market_share:Mass").values;
  REQUIRE(share.size() == 2);
  CHECK(share[0] > 0.0);
  CHECK(std::isnan(share[1]));  // 0 of 0 units: undefined, as the single run's n/a
  // The profit of the slump's run is defined all the same.
  CHECK_FALSE(std::isnan(in.table("/experiment/runs/cumulative_profit:Mass").values[1]));
}

TEST_CASE("a run that fails keeps only finished runs: the runs beside it never lose their steps",
          "[experiment]") {
  // Design point 0's cost shock takes Mass's price past the limit at step 2, while other runs
  // are in the middle of their steps. Those stop or finish whole; none is kept with steps that
  // a cancelled parallel loop skipped (as runs beside the failing one were, before: TBB cancels
  // the loops nested in a parallel loop that an exception leaves).
  TempDir dir;
  const std::vector<std::string> big = {
      "consumers=20000", "steps=12", "categories.snacks.base_cost=1e6",
      "shocks=[{name: up, step: 2, kind: cost, firm: Mass, multiply: 1}]"};
  const msim::Experiment failing =
      plan("  replications: 3\n  sweep: {shocks.up.multiply: [1000, 1, 1, 1]}\n", big);
  const msim::Experiment fine =
      plan("  replications: 3\n  sweep: {shocks.up.multiply: [1, 1, 1, 1]}\n", big);
  msim::run_experiment(fine, dir / "fine.h5");
  const msim::Hdf5Reader reference(dir / "fine.h5");
  for (int attempt = 0; attempt < 3; ++attempt) {
    REQUIRE_THROWS_AS(msim::run_experiment(failing, dir / "e.h5"), msim::StepInputError);
    for (const std::string& file : h5_files(dir / "e.h5.runs")) {
      const std::string id = fs::path(file).stem().string();
      INFO("attempt " << attempt << ", run " << id);
      const msim::Hdf5Reader kept(dir / "e.h5.runs" / file);
      CHECK(std::get<std::int64_t>(kept.attribute("complete")) == 1);
      for (const std::string group : {"/market", "/market/by_category", "/segments"})
        for (const std::string& name : kept.list(group))
          if (name != "by_category" && name != "name")
            CHECK(
                msim::test::same_bits(kept.table(group + "/" + name).values,
                                      reference.table("/runs/" + id + group + "/" + name).values));
    }
    fs::remove_all(dir / "e.h5.runs");
  }
}

TEST_CASE("a failing experiment names the first failing run in the plan's order, on any threads",
          "[experiment]") {
  // Design points 1 and 3 take Mass's price past the limit: point 3 at its first step, point 1
  // at its tenth. On two threads point 3 fails first in time; the error names run 1 all the
  // same, as on one thread, and run 0, before it in the order, finished and was kept.
  TempDir dir;
  const msim::Experiment failing =
      plan("  together: {shocks.up.multiply: [1, 1000, 1, 1000], shocks.up.step: [2, 10, 2, 1]}\n",
           {"consumers=20000", "steps=12", "categories.snacks.base_cost=1e6",
            "shocks=[{name: up, step: 2, kind: cost, firm: Mass, multiply: 1}]"});
  for (const std::size_t threads : {std::size_t{1}, std::size_t{2}, std::size_t{2}}) {
    INFO(threads << " threads");
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    try {
      msim::run_experiment(failing, dir / "e.h5");
      FAIL("the experiment did not fail");
    } catch (const msim::StepInputError& e) {
      CHECK_THAT(e.what(), Catch::StartsWith("run 1 (design point 1"));
    }
    CHECK(fs::exists(dir / "e.h5.runs" / "00000.h5"));
    fs::remove_all(dir / "e.h5.runs");
  }
}
