// marketsim with experiments and shocks: exit codes, error text with file and line, nothing
// written on bad input, summarize --csv, and --resume after an interrupted experiment.
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "tests/cli/cli_harness.hpp"

#include "models/experiment.hpp"
#include "models/experiment_tables.hpp"
#include "models/scenario_load.hpp"
#include "sim/experiment.hpp"
#include "sim/hdf5_file.hpp"
#include "tests/same_bits.hpp"

using Catch::Contains;
namespace fs = std::filesystem;

using namespace cli_test;

namespace {

/// tiny.yaml, 6 steps, with an experiment block (and `extra` at the end).
std::string experiment_yaml(const std::string& extra = "") {
  std::string text = slurp(kSource / "scenarios" / "tiny.yaml");
  text.replace(text.find("steps: 12"), 9, "steps: 6");
  return text +
         "experiment:\n  replications: 2\n  sweep: {firms.Mass.budget_per_year: [20000, "
         "40000]}\n" +
         extra;
}

std::vector<std::vector<double>> all_runs(const fs::path& file) {
  const msim::Hdf5Reader in(file.string());
  std::vector<std::vector<double>> out;
  for (const auto& id : in.list("/runs"))
    for (const auto& name : in.list("/runs/" + id + "/market"))
      if (name != "by_category") out.push_back(in.table("/runs/" + id + "/market/" + name).values);
  return out;
}

/// The number N that `text` gives after `before` ("interrupted: N of ...").
std::size_t count_after(const std::string& text, const std::string& before) {
  const auto at = text.find(before);
  REQUIRE(at != std::string::npos);
  return std::stoul(text.substr(at + before.size()));
}

}  // namespace

TEST_CASE("cli: an experiment's summary counts in the singular and prints no signed zero",
          "[cli]") {
  TempDir dir;
  std::string text = slurp(kSource / "scenarios" / "tiny.yaml");
  text.replace(text.find("steps: 12"), 9, "steps: 4");
  // Design point 1 is design point 0 again: every change is exactly zero.
  std::ofstream(dir / "e.yaml") << text
                                << "experiment: {replications: 1, sweep: {firms.Mass.markup: "
                                   "[0.2, 0.2]}}\n";
  const Result run = marketsim(dir, "run e.yaml -o e.h5");
  INFO(run.out << run.err);
  REQUIRE(run.code == 0);
  CHECK_THAT(run.out, Contains("2 design points x 1 replication = 2 runs"));
  const std::string changes = run.out.substr(run.out.find("change vs 0"));
  CHECK_THAT(changes, Contains(" 0.0 ") && Contains(" 0 "));
  for (const char* zero : {"-0.0", "+0.0", " -0 ", " +0 "}) CHECK_THAT(changes, !Contains(zero));
}

TEST_CASE("cli: an experiment's file and summary say what --set and --seed changed", "[cli]") {
  TempDir dir;
  const std::string cmd = "run " + quote((kSource / "scenarios" / "tiny.yaml").string()) +
                          " -o e.h5 --set experiment.replications=2 --set consumers=3000 "
                          "--set steps=4 --seed 99";
  const Result run = marketsim(dir, cmd);
  INFO(run.out << run.err);
  REQUIRE(run.code == 0);
  const std::string line =
      "Changed from the scenario file on the command line: experiment.replications=2, "
      "consumers=3000, "
      "steps=4, seed=99\n";
  CHECK_THAT(run.out, Contains(line));
  const Result summary = marketsim(dir, "summarize e.h5");
  CHECK_THAT(summary.out, Contains(line));
  const msim::Hdf5Reader in((dir / "e.h5").string());
  CHECK(std::get<std::string>(in.attribute("overrides")) ==
        "experiment.replications=2\nconsumers=3000\nsteps=4\nseed=99");
}

TEST_CASE("cli: a --set of a key the experiment varies is noted and marked unused in the summary",
          "[cli]") {
  TempDir dir;
  std::string text = slurp(kSource / "scenarios" / "tiny.yaml");
  text.replace(text.find("steps: 12"), 9, "steps: 2");
  text.replace(text.find("consumers: 20000"), 16, "consumers: 2000");
  std::ofstream(dir / "e.yaml") << text;
  // Written by index or by name, the key is the one the sweep sets in every design point.
  const std::string set =
      GENERATE(as<std::string>{}, "firms.Mass.budget_per_year=7", "firms.0.budget_per_year=7");
  const Result run =
      marketsim(dir,
                "run e.yaml -o e.h5 --set 'experiment.sweep={firms.Mass.budget_per_year: [1, 2]}' "
                "--set " +
                    set + " --set consumers=3000");
  INFO(run.out << run.err);
  REQUIRE(run.code == 0);
  CHECK_THAT(run.err,
             Contains(fmt::format("warning: --set '{}': key 'firms.Mass.budget_per_year': the "
                                  "experiment sets this key in every design point (--set "
                                  "'experiment.sweep=",
                                  set)) &&
                 Contains("so no run uses the value this --set gives it"));
  // consumers=3000 was used; the budget was not.
  const std::string line = fmt::format(
      "Changed from the scenario file on the command line: "
      "experiment.sweep={{firms.Mass.budget_per_year: "
      "[1, 2]}}, {} (not used: the design points set it), consumers=3000\n",
      set);
  CHECK_THAT(run.out, Contains(line));
  CHECK_THAT(marketsim(dir, "summarize e.h5").out, Contains(line));
  // Without the sweep the --set is used, and nothing is said.
  const Result alone = marketsim(dir, "run e.yaml -o f.h5 --set " + set);
  CHECK_THAT(alone.err, !Contains("every design point"));
}

TEST_CASE("cli: an experiment runs, summarizes and writes CSV tables", "[cli]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << experiment_yaml();
  const Result run = marketsim(dir, "run e.yaml -o e.h5");
  INFO(run.err);
  REQUIRE(run.code == 0);
  CHECK_THAT(run.out, Contains("2 design points x 2 replications = 4 runs"));
  CHECK_THAT(run.out, Contains("design point 1: firms.Mass.budget_per_year=40000"));
  CHECK_FALSE(fs::exists(dir / "e.h5.runs"));
  const Result summary = marketsim(dir, "summarize e.h5 --csv out/");
  CHECK(summary.code == 0);
  CHECK_THAT(summary.out, Contains("p95   mean ± 95% CI"));
  CHECK(fs::exists(dir / "out" / "runs.csv"));
  CHECK(fs::exists(dir / "out" / "summary.csv"));
  CHECK(fs::exists(dir / "out" / "differences.csv"));  // two design points
  // Seeds are 63-bit integers: the CSV must give them exactly, so a replication can be rerun.
  const std::uint64_t seed1 = msim::replication_seed(7, 1);  // tiny.yaml has seed 7
  INFO("replication 1's seed " << seed1);
  std::string cell = ",";
  cell += std::to_string(seed1);
  cell += ",";
  CHECK_THAT(slurp(dir / "out" / "runs.csv"), Contains(cell));
  CHECK(marketsim(dir, "summarize e.h5 --csv tables").code == 0);
  CHECK(fs::exists(dir / "tables-summary.csv"));
  CHECK_THAT(slurp(dir / "tables-summary.csv"),
             Contains("design_point,firms.Mass.budget_per_year,metric,unit,firm,n,in_market,"
                      "mean"));
  const Result validate = marketsim(dir, "validate e.yaml");
  CHECK(validate.code == 0);
  CHECK_THAT(validate.out, Contains("Experiment: 2 design points x 2 replications = 4 runs"));
  CHECK_THAT(run.out, !Contains("Branched at step"));  // no branch_at: nothing to explain
  // Two replications: p5 and p95 are nearly the two runs, and the summary says so.
  CHECK_THAT(run.out, Contains("With 2 replications, p5 and p95 lie close to the lowest and "
                               "highest run"));
}

TEST_CASE("cli: a branched experiment's summary says the design points apply from the branch",
          "[cli]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << experiment_yaml("  branch_at: 3\n");
  const Result run = marketsim(dir, "run e.yaml -o e.h5");
  INFO(run.err);
  REQUIRE(run.code == 0);
  CHECK_THAT(run.out, Contains("Branched at step 3: every run shares the base scenario's history "
                               "before step 3, and a design point's values (the value above) "
                               "apply from step 3 on"));
  CHECK_THAT(marketsim(dir, "summarize e.h5").out, Contains("Branched at step 3: every run"));
}

TEST_CASE("cli: a scaled experiment cut short says so, and names the shocks it never reached",
          "[cli]") {
  TempDir dir;
  // The budget stress test's shocks are in weeks 27 and 60: 20 steps reach neither.
  const fs::path stress = kSource / "scenarios" / "planning" / "budget_stress_test.yaml";
  const Result run = marketsim(dir, "run " + quote(stress.string()) +
                                        " -o s.h5 --set steps=20 --set scale=0.1"
                                        " --set experiment.branch_at=10"
                                        " --set experiment.replications=2");
  INFO(run.out << run.err);
  REQUIRE(run.code == 0);
  const std::string scale =
      "The market at scale 0.1: 0.1 times the scenario's consumers, budgets, fixed costs and "
      "reference volumes. Money and unit totals are about 0.1 times the full market's";
  const std::string shocks =
      "\nShocks not applied: q3_cut (week 27, after the last step run); niche_entry (week 60, "
      "after the last step run).\n";
  CHECK_THAT(run.out, Contains(scale) && Contains(shocks) && !Contains("Shocks, each applied"));
  const Result summary = marketsim(dir, "summarize s.h5 --csv t/");
  INFO(summary.err);
  REQUIRE(summary.code == 0);
  CHECK_THAT(summary.out, Contains(scale) && Contains(shocks));
  CHECK(std::get<double>(msim::Hdf5Reader((dir / "s.h5").string()).attribute("scale")) == 0.1);
  CHECK_THAT(slurp(dir / "t" / "summary.csv"),
             Contains(",metric,unit,firm,") && Contains(",profit_per_year,money per year,"));
}

TEST_CASE("cli: summarize --csv refuses a target it cannot write before writing any", "[cli]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << experiment_yaml();
  REQUIRE(marketsim(dir, "run e.yaml -o e.h5 --quiet").code == 0);
  REQUIRE(marketsim(dir, "run " + quote((kSource / "scenarios" / "tiny.yaml").string()) +
                             " -o single.h5 --quiet")
              .code == 0);
  const auto refused = [&](const std::string& csv, const std::string& why) {
    INFO("--csv " << csv);
    const Result r = marketsim(dir, "summarize e.h5 --csv " + csv);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains(why) && !Contains("internal error"));
    CHECK(r.out.empty());
  };
  // A directory part that is a file, as the directory or above the prefix.
  refused("single.h5/", "--csv 'single.h5/': 'single.h5' is not a directory");
  refused("single.h5/pre", "--csv 'single.h5/pre': 'single.h5' is not a directory");
  refused("single.h5/sub/", "'single.h5' is not a directory");
  // A prefix in a missing directory: the reason, and the directory is not made.
  refused("nodir/pre", "--csv 'nodir/pre': the directory 'nodir' does not exist");
  CHECK_FALSE(fs::exists(dir / "nodir"));
  // A directory that refuses new files (even to root): the OS gives the reason.
  if (fs::is_directory("/proc")) {
    refused("/proc/pre", "cannot write '/proc/pre-runs.csv' (");
    refused("/proc/new/", "cannot create the directory '/proc/new' (");
  }
  // One of the files cannot be written: none is.
  fs::create_directories(dir / "out" / "summary.csv");
  refused("out/", "'out/summary.csv' is a directory");
  CHECK_FALSE(fs::exists(dir / "out" / "runs.csv"));
  CHECK_FALSE(fs::exists(dir / "out" / "differences.csv"));
  // An empty path, for an experiment and for a single run.
  refused("''", "--csv: an empty path was given");
  const Result single = marketsim(dir, "summarize single.h5 --csv ''");
  CHECK(single.code == 2);
  CHECK_THAT(single.err, Contains("an empty path was given"));
  // A directory that is missing is still made, however deep.
  const Result deep = marketsim(dir, "summarize e.h5 --csv new/deeper/");
  CHECK(deep.code == 0);
  CHECK_THAT(deep.out, Contains("wrote new/deeper/runs.csv"));
  CHECK(fs::exists(dir / "new" / "deeper" / "differences.csv"));
}

TEST_CASE("cli: bad shocks and experiments exit 2 with file and line, writing nothing", "[cli]") {
  TempDir dir;
  std::ofstream(dir / "bad_sweep.yaml")
      << experiment_yaml().replace(experiment_yaml().find("[20000, 40000]"), 14, "[20000, much]");
  const Result sweep = marketsim(dir, "run bad_sweep.yaml -o e.h5");
  CHECK(sweep.code == 2);
  CHECK_THAT(sweep.err, Contains("bad_sweep.yaml:39:") &&
                            Contains("experiment.sweep.firms.Mass.budget_per_year") &&
                            Contains("much"));
  std::ofstream(dir / "bad_shock.yaml")
      << slurp(kSource / "scenarios" / "tiny.yaml")
      << "shocks:\n  - {step: 3, kind: budget, firm: Mas, multiply: 0.7}\n";
  const Result shock = marketsim(dir, "run bad_shock.yaml -o s.h5");
  CHECK(shock.code == 2);
  CHECK_THAT(shock.err, Contains("bad_shock.yaml:38:") && Contains("shocks.0.firm") &&
                            Contains("did you mean 'Mass'"));
  std::ofstream(dir / "late_shock.yaml") << slurp(kSource / "scenarios" / "tiny.yaml")
                                         << "shocks:\n  - {step: 12, kind: exit, firm: Mass}\n";
  const Result late = marketsim(dir, "run late_shock.yaml -o s.h5");
  CHECK(late.code == 2);
  CHECK_THAT(late.err, Contains("late_shock.yaml:38:") && Contains("shocks.0.step"));
  const Result resume =
      marketsim(dir, "run " + (kSource / "scenarios" / "tiny.yaml").string() + " -o t.h5 --resume");
  CHECK(resume.code == 2);
  CHECK_THAT(resume.err, Contains("no experiment"));
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(dir.path))
    if (entry.path().extension() != ".yaml") left.push_back(entry.path().filename().string());
  CHECK(left.empty());
}

TEST_CASE("cli: shocks that take a budget past its limit exit 2 before any run, writing nothing",
          "[cli]") {
  // Before, a budget of 1e15 shocked x1e6 was an internal error at step 1 (exit 1, with a
  // .partial file left), and 49 such shocks on a fixed cost ran to -inf profit with exit 0.
  TempDir dir;
  std::string tiny = slurp(kSource / "scenarios" / "tiny.yaml");
  const std::string mass = "budget_per_year: 40000}";
  REQUIRE(tiny.find(mass) != std::string::npos);
  std::ofstream(dir / "shocked.yaml")
      << std::string(tiny).replace(tiny.find(mass), mass.size(), "budget_per_year: 1e15}")
      << "shocks:\n  - {step: 1, kind: budget, firm: Mass, multiply: 1e6}\n";
  const Result run = marketsim(dir, "run shocked.yaml -o b.h5 --set consumers=2000 --set steps=4");
  CHECK(run.code == 2);
  CHECK_THAT(run.err, Contains("shocked.yaml:38:") && Contains("key 'shocks.0.multiply'") &&
                          Contains("at most 1e+15: in step 1 it would take it from 1e+15 to "
                                   "1e+21"));
  CHECK_FALSE(fs::exists(dir / "b.h5"));
  CHECK_FALSE(fs::exists(dir / "b.h5.partial"));
  // An experiment is refused before any run when one design point takes it past the limit: a
  // design point is loaded as its own scenario, its shocks replayed with its values.
  std::ofstream(dir / "swept.yaml")
      << experiment_yaml().replace(
             experiment_yaml().find("firms.Mass.budget_per_year: [20000, 40000]"), 42,
             "firms.Mass.budget_per_year: [20000, 1e10], shocks.boom.multiply: [2, 1e6]")
      << "shocks:\n  - {name: boom, step: 2, kind: budget, firm: Mass, multiply: 2}\n";
  const Result swept = marketsim(dir, "run swept.yaml -o e.h5");
  CHECK(swept.code == 2);
  CHECK_THAT(
      swept.err,
      Contains("design point 3 (firms.Mass.budget_per_year=1e10, shocks.boom.multiply=1e6)") &&
          Contains("in step 2 it would take it from 1e+10 to 1e+16"));
  CHECK(marketsim(dir, "validate swept.yaml").code == 2);
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(dir.path))
    if (entry.path().extension() != ".yaml") left.push_back(entry.path().filename().string());
  CHECK(left.empty());
}

TEST_CASE("cli: a price past the limit in a first step is refused before any run, and by validate",
          "[cli]") {
  TempDir dir;
  // Design point 1's unit cost times Mass's markup is 2.1e9 per unit, past the 1e9 limit at
  // step 0. Before, `run` wrote design point 0's runs and then failed; `validate` passed it.
  std::string text = experiment_yaml();
  const std::string sweep = "firms.Mass.budget_per_year: [20000, 40000]";
  REQUIRE(text.find(sweep) != std::string::npos);
  text.replace(text.find(sweep), sweep.size(), "categories.snacks.base_cost: [1, 1e8]");
  std::ofstream(dir / "priced.yaml") << text;
  const std::string sets = " --set firms.Mass.markup=20";
  const Result run = marketsim(dir, "run priced.yaml -o e.h5" + sets);
  CHECK(run.code == 2);
  CHECK_THAT(run.err, Contains("experiment design point 1 (categories.snacks.base_cost=1e8)") &&
                          Contains("at step 0, firm 'Mass' would sell snacks at 2.1e+09"));
  CHECK_FALSE(fs::exists(dir / "e.h5"));
  CHECK_FALSE(fs::exists(dir / "e.h5.runs"));
  CHECK_FALSE(fs::exists(dir / "e.h5.partial"));
  const Result validate = marketsim(dir, "validate priced.yaml" + sets);
  CHECK(validate.code == 2);
  CHECK_THAT(validate.err, Contains("experiment design point 1"));
  // A single run's first step too, and a valid scenario still passes.
  const std::string tiny = (kSource / "scenarios" / "tiny.yaml").string();
  const Result single =
      marketsim(dir, "validate " + tiny + " --set categories.snacks.base_cost=1e8" + sets);
  CHECK(single.code == 2);
  CHECK_THAT(single.err, Contains("at step 0, firm 'Mass' would sell snacks"));
  CHECK(marketsim(dir, "validate " + tiny).code == 0);

  // A branched experiment's design points, and a run's `branch:` block, are checked with their
  // settings at step 0 too (before, both passed validate, and run wrote design point 0's runs).
  // With a unit cost of 2e7, Mass's markup of 60 asks 1.22e9 per unit.
  const std::string costly = " --set categories.snacks.base_cost=2e7";
  std::ofstream(dir / "branched.yaml")
      << slurp(tiny)
      << "experiment: {replications: 1, sweep: {firms.Mass.markup: [0.2, 60]}, branch_at: 2}\n";
  const Result branched = marketsim(dir, "run branched.yaml -o b.h5" + costly);
  CHECK(branched.code == 2);
  CHECK_THAT(branched.err, Contains("experiment design point 1 (firms.Mass.markup=60) from the "
                                    "branch at step 2, its settings checked at step 0") &&
                               Contains("would sell snacks at 1.22e+09"));
  CHECK_FALSE(fs::exists(dir / "b.h5.runs"));
  CHECK(marketsim(dir, "validate branched.yaml" + costly).code == 2);
  CHECK(marketsim(dir, "validate branched.yaml").code == 0);
  std::ofstream(dir / "switch.yaml")
      << slurp(tiny) << "branch: {step: 3, set: {firms.Mass.markup: 60}}\n";
  const Result switched = marketsim(dir, "validate switch.yaml" + costly);
  CHECK(switched.code == 2);
  CHECK_THAT(switched.err, Contains("key 'branch' (from step 3: firms.Mass.markup=60)") &&
                               Contains("would sell snacks at 1.22e+09"));
  CHECK(marketsim(dir, "validate switch.yaml").code == 0);
}

TEST_CASE("cli: --resume finishes an interrupted experiment with identical runs", "[cli]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << experiment_yaml();
  REQUIRE(marketsim(dir, "run e.yaml -o whole.h5 --quiet").code == 0);

  // An experiment killed after two finished runs: the runs of part 1 of 2 stand in for them
  // (written by this program: --resume refuses another's, such as this test's own).
  const auto killed = [&](const std::string& options = "") {
    REQUIRE(marketsim(dir, "run e.yaml -o e.h5 --quiet --part 1/2" + options).code == 0);
  };
  killed();
  std::ofstream(dir / "e.h5.runs" / "00001.h5.partial") << "a run cut short by the kill";

  const Result again = marketsim(dir, "run e.yaml -o e.h5 --quiet");
  CHECK(again.code == 2);
  CHECK_THAT(again.err, Contains("--resume"));
  const Result resumed = marketsim(dir, "run e.yaml -o e.h5 --resume");
  INFO(resumed.err);
  REQUIRE(resumed.code == 0);
  CHECK_THAT(resumed.out, Contains("4 runs (2 finished earlier, 2 now)"));
  CHECK_FALSE(fs::exists(dir / "e.h5.runs"));
  CHECK(msim::test::same_bits(all_runs(dir / "e.h5"), all_runs(dir / "whole.h5")));

  // Interrupted again, now over an existing e.h5 (a --force rerun): --resume alone must not
  // replace it, and says what will.
  killed(" --force");  // (a part writes no e.h5)
  const std::string before = slurp(dir / "e.h5");
  const Result kept = marketsim(dir, "run e.yaml -o e.h5 --resume");
  CHECK(kept.code == 2);
  CHECK_THAT(kept.err, Contains("add --force to --resume"));
  CHECK(slurp(dir / "e.h5") == before);
  const Result replaced = marketsim(dir, "run e.yaml -o e.h5 --resume --force --quiet");
  CHECK(replaced.code == 0);
  CHECK(msim::test::same_bits(all_runs(dir / "e.h5"), all_runs(dir / "whole.h5")));
}

TEST_CASE("cli: after a killed experiment, run says how many finished runs --resume continues from",
          "[cli]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << experiment_yaml();
  // An experiment killed after two finished runs: the runs of part 1 of 2 stand in for them.
  REQUIRE(marketsim(dir, "run e.yaml -o e.h5 --quiet --part 1/2").code == 0);
  // A kill (unlike Ctrl-C) leaves the experiment's unfinished file beside its finished runs.
  std::ofstream(dir / "e.h5.partial") << "the experiment's file, cut short by the kill";
  const auto advised = [&](const Result& r) {
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("'e.h5.runs' holds the 2 finished runs of an experiment that was "
                               "interrupted or failed") &&
                          Contains("--resume to continue from them") &&
                          Contains("--force to start over, which discards them"));
    CHECK(fs::exists(dir / "e.h5.runs" / "00000.h5"));
    CHECK(fs::exists(dir / "e.h5.runs" / "00002.h5"));
  };
  advised(marketsim(dir, "run e.yaml -o e.h5 --quiet"));
  fs::remove(dir / "e.h5.partial");  // as Ctrl-C leaves it
  advised(marketsim(dir, "run e.yaml -o e.h5 --quiet"));

  // Killed while a --force rerun was replacing an existing e.h5: "already exists" says so too.
  // (--force replaces only an HDF5 file: a run file of the experiment stands in for it.)
  fs::copy_file(dir / "e.h5.runs" / "00000.h5", dir / "e.h5");
  const std::string earlier = slurp(dir / "e.h5");
  std::ofstream(dir / "e.h5.partial") << "the experiment's file, cut short by the kill";
  const Result over = marketsim(dir, "run e.yaml -o e.h5 --quiet");
  INFO(over.err);
  CHECK(over.code == 2);
  CHECK_THAT(over.err, Contains("'e.h5' already exists, and 'e.h5.runs' holds the 2 finished "
                                "runs") &&
                           Contains("--resume --force to continue from them") &&
                           Contains("which discards them"));
  CHECK(slurp(dir / "e.h5") == earlier);

  const Result resumed = marketsim(dir, "run e.yaml -o e.h5 --resume --force");
  INFO(resumed.err);
  CHECK(resumed.code == 0);
  CHECK_THAT(resumed.out, Contains("4 runs (2 finished earlier, 2 now)"));
}

TEST_CASE("cli: --resume keeps the runs of design points put between the others", "[cli]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << experiment_yaml();
  // A design point put between the others.
  std::string between = experiment_yaml();
  between.replace(between.find("[20000, 40000]"), 14, "[20000, 30000, 40000]");
  std::ofstream(dir / "between.yaml") << between;
  REQUIRE(marketsim(dir, "run between.yaml -o whole.h5 --quiet").code == 0);
  REQUIRE(marketsim(dir, "run e.yaml -o e.h5 --quiet --part 1/2").code == 0);  // runs 0 and 2

  // The scenario changed (an override of a key that no design point sets): refused, and kept.
  const Result r = marketsim(dir, "run between.yaml -o e.h5 --quiet --resume --set seed=8");
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK_THAT(r.err,
             Contains("--resume: 'e.h5.runs/00000.h5' holds run 0 (design point 0, replication 0) "
                      "of another scenario: the scenario file, an override, the seed or the keys "
                      "the experiment varies changed since it was written") &&
                 Contains("The 2 finished runs in 'e.h5.runs' belong to that earlier scenario and "
                          "are kept there") &&
                 Contains("use --force, which starts it from scratch and discards them") &&
                 Contains("run it as it was, with --resume"));
  CHECK(fs::exists(dir / "e.h5.runs" / "00000.h5"));
  CHECK(fs::exists(dir / "e.h5.runs" / "00002.h5"));
  CHECK_FALSE(fs::exists(dir / "e.h5"));

  // 40000's replication 0 (run 2) is run 4 of the new design.
  const Result resumed = marketsim(dir, "run between.yaml -o e.h5 --resume");
  INFO(resumed.err);
  CHECK(resumed.code == 0);
  CHECK_THAT(resumed.out, Contains("6 runs (2 finished earlier, 4 now)"));
  CHECK_THAT(resumed.err, !Contains("earlier design"));
  CHECK_FALSE(fs::exists(dir / "e.h5.runs"));
  CHECK(msim::test::same_bits(all_runs(dir / "e.h5"), all_runs(dir / "whole.h5")));
  CHECK(msim::read_experiment_tables((dir / "e.h5").string()).runs.rows ==
        msim::read_experiment_tables((dir / "whole.h5").string()).runs.rows);

  // Growing a completed experiment alike: its runs are taken from it, and only the new ones run.
  REQUIRE(marketsim(dir, "run e.yaml -o f.h5 --quiet").code == 0);
  const Result grown = marketsim(dir, "run between.yaml -o f.h5 --resume --force");
  INFO(grown.err);
  CHECK(grown.code == 0);
  CHECK_THAT(grown.out, Contains("wrote f.h5: 6 runs (4 finished earlier, 4 of them taken from "
                                 "the earlier 'f.h5', 2 now)"));
  CHECK(msim::test::same_bits(all_runs(dir / "f.h5"), all_runs(dir / "whole.h5")));
  CHECK_FALSE(fs::exists(dir / "f-earlier.h5"));
}

TEST_CASE("cli: --resume with more replications keeps the finished runs", "[cli]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << experiment_yaml();
  const std::string three = " --set experiment.replications=3";
  REQUIRE(marketsim(dir, "run e.yaml -o whole.h5 --quiet" + three).code == 0);
  // Interrupted with 2 replications: runs 0 and 2 finished (design point 1's replication 0 is
  // run 3 with 3 replications).
  REQUIRE(marketsim(dir, "run e.yaml -o e.h5 --quiet --part 1/2").code == 0);
  const Result more = marketsim(dir, "run e.yaml -o e.h5 --resume" + three);
  INFO(more.err);
  REQUIRE(more.code == 0);
  CHECK_THAT(more.out, Contains("6 runs (2 finished earlier, 4 now)"));
  CHECK_FALSE(fs::exists(dir / "e.h5.runs"));
  CHECK(msim::test::same_bits(all_runs(dir / "e.h5"), all_runs(dir / "whole.h5")));
  CHECK(msim::read_experiment_tables((dir / "e.h5").string()).runs.rows ==
        msim::read_experiment_tables((dir / "whole.h5").string()).runs.rows);
  // Every run, those finished earlier (without the --set) too, records this command line.
  const msim::Hdf5Reader grown((dir / "e.h5").string()), whole((dir / "whole.h5").string());
  for (const char* run : {"/runs/00000", "/runs/00002", "/runs/00005"}) {
    INFO(run);
    const auto overrides = std::get<std::string>(grown.attribute("overrides", run));
    CHECK_THAT(overrides, Contains("experiment.replications=3"));
    CHECK(overrides == std::get<std::string>(whole.attribute("overrides", run)));
  }
}

TEST_CASE("cli: --resume with fewer replications keeps the runs it does not use, and says where",
          "[cli]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << experiment_yaml();
  const std::string three = " --set experiment.replications=3";
  REQUIRE(marketsim(dir, "run e.yaml -o whole.h5 --quiet").code == 0);
  REQUIRE(marketsim(dir, "run e.yaml -o whole3.h5 --quiet" + three).code == 0);
  // Every run of 3 replications finished, but not the experiment's file.
  REQUIRE(marketsim(dir, "run e.yaml -o e.h5 --quiet --part 1/1" + three).code == 0);
  const Result fewer = marketsim(dir, "run e.yaml -o e.h5 --resume --quiet");
  INFO(fewer.err);
  REQUIRE(fewer.code == 0);
  CHECK_THAT(fewer.err,
             Contains("marketsim: 2 finished runs of an earlier design (design points or "
                      "replications this one does not have) are kept in 'e-earlier.h5.runs': run "
                      "that design with -o e-earlier.h5 --resume to finish it from them, or "
                      "remove the directory if you do not need them"));
  CHECK(msim::test::same_bits(all_runs(dir / "e.h5"), all_runs(dir / "whole.h5")));
  CHECK_FALSE(fs::exists(dir / "e.h5.runs"));
  CHECK(fs::exists(dir / "e-earlier.h5.runs" / "00002.h5"));
  CHECK(fs::exists(dir / "e-earlier.h5.runs" / "00005.h5"));

  // Nothing later discards them unasked.
  const Result plain = marketsim(dir, "run e.yaml -o e-earlier.h5 --quiet" + three);
  INFO(plain.err);
  CHECK(plain.code == 2);
  CHECK_THAT(plain.err, Contains("'e-earlier.h5.runs' holds the 2 finished runs") &&
                            Contains("use --resume to continue from them"));
  CHECK(marketsim(dir, "run e.yaml -o e.h5 --quiet").code == 2);  // e.h5 exists
  REQUIRE(marketsim(dir, "run e.yaml -o e.h5 --quiet --force").code == 0);
  CHECK(fs::exists(dir / "e-earlier.h5.runs" / "00002.h5"));
  // As it says, the earlier design finishes from them.
  const Result earlier = marketsim(dir, "run e.yaml -o e-earlier.h5 --resume" + three);
  INFO(earlier.err);
  REQUIRE(earlier.code == 0);
  CHECK_THAT(earlier.out, Contains("6 runs (2 finished earlier, 4 now)"));
  CHECK_THAT(earlier.err, !Contains("earlier design"));
  CHECK(msim::test::same_bits(all_runs(dir / "e-earlier.h5"), all_runs(dir / "whole3.h5")));
  CHECK_FALSE(fs::exists(dir / "e-earlier.h5.runs"));
}

TEST_CASE(
    "cli: --resume names a copy of a run file under another run's name, and takes it for none",
    "[cli][parts]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << experiment_yaml();
  REQUIRE(marketsim(dir, "run e.yaml -o whole.h5 --quiet").code == 0);
  REQUIRE(marketsim(dir, "run e.yaml -o d.h5 --quiet --part 1/2").code == 0);  // runs 0 and 2
  fs::copy_file(dir / "d.h5.runs" / "00000.h5", dir / "d.h5.runs" / "00001.h5");
  const Result copied = marketsim(dir, "run e.yaml -o d.h5 --resume --quiet");
  CHECK(copied.code == 2);
  CHECK_THAT(
      copied.err,
      Contains("error: --resume: 'd.h5.runs/00001.h5' is a copy of 'd.h5.runs/00000.h5' "
               "(the same bytes): both hold run 0 (design point 0, replication 0), "
               "although '00001.h5' has the name of run 1") &&
          Contains("remove the copy (nothing is lost: 'd.h5.runs/00000.h5' holds the run)") &&
          !Contains("earlier design ("));
  CHECK_FALSE(fs::exists(dir / "d.h5"));
  CHECK_FALSE(fs::exists(dir / "d-earlier.h5.runs"));
  CHECK(fs::exists(dir / "d.h5.runs" / "00001.h5"));
  fs::remove(dir / "d.h5.runs" / "00001.h5");
  const Result resumed = marketsim(dir, "run e.yaml -o d.h5 --resume --quiet");
  INFO(resumed.err);
  REQUIRE(resumed.code == 0);
  CHECK(resumed.err.empty());
  CHECK(msim::test::same_bits(all_runs(dir / "d.h5"), all_runs(dir / "whole.h5")));
}

TEST_CASE("cli: summarize says when a finished experiment's runs directory is left over",
          "[cli][parts]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << experiment_yaml();
  REQUIRE(marketsim(dir, "run e.yaml -o e.h5 --quiet").code == 0);
  CHECK_THAT(marketsim(dir, "summarize e.h5").out, !Contains("e.h5.runs"));
  // Its runs, as a kill after the file's rename and before the directory's removal leaves them.
  fs::rename(dir / "e.h5", dir / "kept.h5");
  REQUIRE(marketsim(dir, "run e.yaml -o e.h5 --quiet --part 1/1").code == 0);
  fs::rename(dir / "kept.h5", dir / "e.h5");
  const Result r = marketsim(dir, "summarize e.h5");
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Contains("\nLeft over: 'e.h5.runs' (4 files, ") &&
                        Contains(" is still beside 'e.h5', which is finished: every run in it is "
                                 "also in 'e.h5', so nothing is lost when it is removed.") &&
                        Contains("Remove the directory.\n"));
  CHECK(fs::exists(dir / "e.h5.runs"));  // told, not removed
  // --resume on it says the same, where it says to add --force.
  const Result resume = marketsim(dir, "run e.yaml -o e.h5 --quiet --resume");
  CHECK(resume.code == 2);
  CHECK_THAT(resume.err, Contains("add --force to --resume") &&
                             Contains("\nLeft over: 'e.h5.runs' (4 files, ") &&
                             Contains("Remove the directory."));
  CHECK(fs::exists(dir / "e.h5.runs"));
}

TEST_CASE("cli: --resume refuses the runs another build of the program wrote", "[cli][parts]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << experiment_yaml();
  // Another build of the same commit: the same program with a byte more, which still runs.
  const fs::path other = dir / "other_marketsim";
  fs::copy_file(kBinary, other);
  std::ofstream(other, std::ios::app) << 'x';
  REQUIRE(marketsim(dir, "run e.yaml -o e.h5 --quiet --part 1/2").code == 0);  // runs 0 and 2
  const std::string resume = " run e.yaml -o e.h5 --quiet --resume </dev/null >out.txt 2>err.txt";
  const int status = std::system(
      ("cd " + quote(dir.path.string()) + " && " + quote(other.string()) + resume).c_str());
  REQUIRE(WIFEXITED(status));
  const std::string err = slurp(dir / "err.txt");
  INFO(err);
  CHECK(WEXITSTATUS(status) == 2);
  CHECK_THAT(err, Contains("--resume: 'e.h5.runs/00000.h5' holds run 0 written by another build "
                           "of the program (program_hash ") &&
                      Contains("The 2 finished runs in 'e.h5.runs' are kept there: resume with "
                               "the program that wrote them, or use --force"));
  CHECK(fs::exists(dir / "e.h5.runs" / "00000.h5"));
  CHECK(fs::exists(dir / "e.h5.runs" / "00002.h5"));
  CHECK_FALSE(fs::exists(dir / "e.h5"));
  // The program that wrote them finishes the experiment.
  const Result resumed = marketsim(dir, "run e.yaml -o e.h5 --resume");
  INFO(resumed.err);
  CHECK(resumed.code == 0);
  CHECK_THAT(resumed.out, Contains("4 runs (2 finished earlier, 2 now)"));
}

TEST_CASE(
    "cli: summarize on a killed experiment's partial file says what it is and how to "
    "finish it",
    "[cli]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << experiment_yaml();
  REQUIRE(marketsim(dir, "run e.yaml -o e.h5 --quiet --part 1/2").code == 0);  // runs 0 and 2
  const msim::Experiment ex = msim::plan_experiment([&](const std::vector<std::string>& extra) {
    return msim::load_scenario_file((dir / "e.yaml").string(), extra);
  });
  // The experiment's file as a kill leaves it, run 0 in it: a process that ends without
  // closing it (the file is flushed as each run goes in).
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    msim::ExperimentFile file(ex, (dir / "e.h5").string(), 1);
    file.add(ex.runs[0], msim::run_file((dir / "e.h5.runs").string(), 0));
    std::_Exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(fs::exists(dir / "e.h5.partial"));

  const Result r = marketsim(dir, "summarize e.h5.partial");
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("'e.h5.partial' is the unfinished file of an experiment ('Tiny "
                             "market') that was interrupted or failed, not one to summarize: 2 of "
                             "its 4 runs are finished and kept in 'e.h5.runs'") &&
                        Contains("with --resume added (marketsim run SCENARIO -o e.h5 --resume)") &&
                        !Contains("not a marketsim run"));
  CHECK(r.out.empty());
  // Without its runs directory, nothing can be resumed.
  fs::rename(dir / "e.h5.runs", dir / "elsewhere");
  const Result lost = marketsim(dir, "summarize e.h5.partial");
  CHECK(lost.code == 2);
  CHECK_THAT(lost.err, Contains("1 of its 4 runs had been written into it when it stopped, but "
                                "'e.h5.runs', where the finished runs are kept for --resume, is "
                                "not there"));
  fs::rename(dir / "elsewhere", dir / "e.h5.runs");
  // As it says, --resume finishes it.
  const Result resumed = marketsim(dir, "run e.yaml -o e.h5 --quiet --resume");
  INFO(resumed.err);
  CHECK(resumed.code == 0);
  CHECK(marketsim(dir, "summarize e.h5").code == 0);
}

TEST_CASE("cli: --part runs an experiment in processes of its own, and --resume assembles it",
          "[cli][parts]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << experiment_yaml();
  REQUIRE(marketsim(dir, "run e.yaml -o whole.h5 --quiet").code == 0);

  // Two parts at once, two processes writing into one runs directory.
  const std::string part = quote(kBinary) + " run e.yaml -o e.h5 --threads 1 --part ";
  const std::string both = "cd " + quote(dir.path.string()) + " && (" + part +
                           "1/2 >one.txt 2>&1 & " + part +
                           "2/2 >two.txt 2>&1; a=$?; wait $!; b=$?; exit $((a + b)))";
  REQUIRE(std::system(both.c_str()) == 0);
  const std::string one = slurp(dir / "one.txt"), two = slurp(dir / "two.txt");
  INFO(one << two);
  CHECK_THAT(one, Contains("part 1 of 2: 2 runs (0 finished earlier, 2 now) in 'e.h5.runs'"));
  CHECK_THAT(two, Contains("part 2 of 2: 2 runs (0 finished earlier, 2 now) in 'e.h5.runs'"));
  CHECK_THAT(one + two, Contains("All are there: run the same command without --part and with "
                                 "--resume to write 'e.h5'"));
  CHECK_FALSE(fs::exists(dir / "e.h5"));
  CHECK_FALSE(fs::exists(dir / "e.h5.partial"));

  const Result assembled = marketsim(dir, "run e.yaml -o e.h5 --resume");
  INFO(assembled.err);
  REQUIRE(assembled.code == 0);
  CHECK_THAT(assembled.out, Contains("4 runs (4 finished earlier, 0 now)"));
  CHECK_FALSE(fs::exists(dir / "e.h5.runs"));
  CHECK(msim::test::same_bits(all_runs(dir / "e.h5"), all_runs(dir / "whole.h5")));
  CHECK(msim::read_experiment_tables((dir / "e.h5").string()).summary.rows ==
        msim::read_experiment_tables((dir / "whole.h5").string()).summary.rows);

  // A finished experiment is not run again in parts without --force.
  const Result done = marketsim(dir, "run e.yaml -o e.h5 --part 1/2");
  CHECK(done.code == 2);
  CHECK_THAT(done.err, Contains("already exists"));
}

TEST_CASE("cli: a bad --part exits 2, naming the value and what was expected", "[cli][parts]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << experiment_yaml();
  std::ofstream(dir / "b.yaml") << experiment_yaml("  branch_at: 3\n");
  const auto refused = [&](const std::string& args, const std::string& message) {
    const Result r = marketsim(dir, args);
    INFO(args << "\n" << r.err);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains(message));
    CHECK_FALSE(fs::exists(dir / "e.h5.runs"));
    CHECK_FALSE(fs::exists(dir / "e.h5"));
  };
  refused("run e.yaml -o e.h5 --part 2", "got '2', expected K/N, part K of N parts");
  refused("run e.yaml -o e.h5 --part a/b", "got 'a/b', expected K/N");
  refused("run e.yaml -o e.h5 --part 1/0", "got '1/0', expected K/N");
  refused("run e.yaml -o e.h5 --part 0/2", "got '0/2', but K must be from 1 to N (2)");
  refused("run e.yaml -o e.h5 --part 3/2", "got '3/2', but K must be from 1 to N (2)");
  refused("run e.yaml -o e.h5 --part 1/5",
          "--part 1/5: the experiment has 4 runs, so it splits into at most 4 parts");
  refused("run b.yaml -o e.h5 --part 1/3",
          "--part 1/3: the experiment has 2 replications (a branched experiment is split by "
          "replication");
  const std::string plain = (kSource / "scenarios" / "tiny.yaml").string();
  refused("run " + quote(plain) + " -o e.h5 --part 1/2",
          "--part 1/2 splits an experiment's runs among processes, but this scenario has no "
          "experiment: block");
}

TEST_CASE("cli: an experiment interrupted before any run finished keeps nothing", "[cli]") {
  TempDir dir;
  std::string text = experiment_yaml();
  text.replace(text.find("steps: 6"), 8, "steps: 60000");  // far more than the test waits for
  std::ofstream(dir / "e.yaml") << text;
  const Result r = interrupted(dir, {"run", "e.yaml", "-o", "e.h5", "--quiet"}, dir / "e.h5.runs");
  CHECK(r.code == 130);
  CHECK_THAT(r.err, Contains("interrupted before any of the 4 runs finished"));
  // An empty runs directory would make the next run ask for --resume.
  CHECK_FALSE(fs::exists(dir / "e.h5.runs"));
  CHECK_FALSE(fs::exists(dir / "e.h5.partial"));
  CHECK_FALSE(fs::exists(dir / "e.h5"));
}

TEST_CASE("cli: Ctrl-C in an experiment keeps its finished runs, and --resume finishes them alike",
          "[cli]") {
  TempDir dir;
  // 60 short runs on one thread, one after another: Ctrl-C comes soon after the first finished.
  std::string text = experiment_yaml();
  text.replace(text.find("replications: 2"), 15, "replications: 30");
  std::ofstream(dir / "e.yaml") << text;
  const Result r = interrupted(dir, {"run", "e.yaml", "-o", "e.h5", "--threads", "1"},
                               dir / "e.h5.runs" / "00000.h5");
  INFO(r.err);
  CHECK(r.code == 130);
  CHECK_THAT(r.err, Contains(" of 60 runs are finished and kept in 'e.h5.runs'; run the same "
                             "command with --resume added to finish the rest\n"));
  const std::size_t kept = count_after(r.err, "interrupted: ");
  CHECK(kept >= 1);
  CHECK(kept < 60);
  CHECK_FALSE(fs::exists(dir / "e.h5"));
  CHECK_FALSE(fs::exists(dir / "e.h5.partial"));

  const Result resumed = marketsim(dir, "run e.yaml -o e.h5 --resume --threads 1");
  INFO(resumed.err);
  REQUIRE(resumed.code == 0);
  CHECK_THAT(resumed.out,
             Contains(fmt::format("60 runs ({} finished earlier, {} now)", kept, 60 - kept)));
  CHECK_FALSE(fs::exists(dir / "e.h5.runs"));
  REQUIRE(marketsim(dir, "run e.yaml -o whole.h5 --quiet").code == 0);
  CHECK(msim::test::same_bits(all_runs(dir / "e.h5"), all_runs(dir / "whole.h5")));
}

TEST_CASE("cli: Ctrl-C in a part keeps its finished runs, and the same command finishes them",
          "[cli][parts]") {
  TempDir dir;
  std::string text = experiment_yaml();
  text.replace(text.find("replications: 2"), 15, "replications: 30");
  std::ofstream(dir / "e.yaml") << text;
  const std::vector<std::string> part = {"run",       "e.yaml", "-o",     "e.h5",
                                         "--threads", "1",      "--part", "1/2"};
  const Result r = interrupted(dir, part, dir / "e.h5.runs" / "00000.h5");
  INFO(r.err);
  CHECK(r.code == 130);
  CHECK_THAT(r.err, Contains(" of the 30 runs of part 1 of 2 are finished and kept in "
                             "'e.h5.runs'; run the same command again to finish the rest\n"));
  const std::size_t kept = count_after(r.err, "interrupted: ");
  CHECK(kept >= 1);
  CHECK(kept < 30);
  const Result again = marketsim(dir, "run e.yaml -o e.h5 --threads 1 --part 1/2");
  INFO(again.err);
  CHECK(again.code == 0);
  CHECK_THAT(again.out, Contains(fmt::format("part 1 of 2: 30 runs ({} finished earlier, {} now) "
                                             "in 'e.h5.runs'; 30 of the experiment's 60 runs "
                                             "are there.",
                                             kept, 30 - kept)));
  // Not all are there: what to do once every part has finished.
  CHECK_THAT(again.out, Contains("When every part has finished, run the same command without "
                                 "--part and with --resume to write 'e.h5' from the runs there "
                                 "(it runs any that are missing)."));
  CHECK_FALSE(fs::exists(dir / "e.h5"));
}

TEST_CASE(
    "cli: an experiment's partial file left with no finished run is replaced only with "
    "--force",
    "[cli]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << experiment_yaml();
  std::ofstream(dir / "e.h5.partial") << "an experiment killed before its first run finished";
  const Result r = marketsim(dir, "run e.yaml -o e.h5 --quiet");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("error: output 'e.h5': 'e.h5.partial' exists, left by an experiment "
                             "that was interrupted or failed before any of its runs finished "
                             "(complete=0, nothing to resume); move or remove it, or use --force "
                             "to replace it"));
  CHECK(slurp(dir / "e.h5.partial") == "an experiment killed before its first run finished");
  CHECK_FALSE(fs::exists(dir / "e.h5"));
  CHECK_FALSE(fs::exists(dir / "e.h5.runs"));
  CHECK(marketsim(dir, "run e.yaml -o e.h5 --quiet --force").code == 0);
  CHECK_FALSE(fs::exists(dir / "e.h5.partial"));
  CHECK(fs::exists(dir / "e.h5"));
}

TEST_CASE("cli: bad input found at a later step of a later run keeps the runs before it", "[cli]") {
  TempDir dir;
  // Design point 1 switches on a shock that multiplies Mass's price of 6e6 by 1000 at step 3;
  // on one thread, the two runs of design point 0 finish first.
  std::ofstream(dir / "e.yaml") << experiment_yaml(
      "shocks: [{name: hike, step: 3, kind: price, firm: Mass, multiply: 1000}]\n");
  const Result r = marketsim(
      dir,
      "run e.yaml -o e.h5 --quiet --threads 1 --set categories.snacks.base_cost=5e6 --set "
      "'experiment.sweep={shocks.hike.enabled: [false, true]}'");
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("(design point 1: shocks.hike.enabled=true; replication 0; seed ") &&
                        Contains("at step 3, firm 'Mass' would sell snacks") &&
                        Contains("\n2 of 4 runs are finished and kept in 'e.h5.runs'; --resume "
                                 "continues only the same scenario, so once the scenario is "
                                 "fixed, run it with --force to start over"));
  CHECK_THAT(r.err, !Contains("internal error"));
  CHECK(fs::exists(dir / "e.h5.runs" / "00000.h5"));
  CHECK(fs::exists(dir / "e.h5.runs" / "00001.h5"));
  CHECK_FALSE(fs::exists(dir / "e.h5"));
  CHECK_FALSE(fs::exists(dir / "e.h5.partial"));
}

TEST_CASE("cli: a price past the limit at a later step names the run and the shock", "[cli]") {
  TempDir dir;
  // A price shock at step 3 multiplies Mass's price of 6e6 by 1000; the first step passes.
  std::ofstream(dir / "e.yaml") << experiment_yaml(
      "shocks: [{name: hike, step: 3, kind: price, firm: Mass, multiply: 1000}]\n");
  const Result r =
      marketsim(dir, "run e.yaml -o e.h5 --quiet --set categories.snacks.base_cost=5e6");
  CHECK(r.code == 2);
  // The run, with all it takes to rerun it alone: its design point's values and its seed.
  CHECK_THAT(r.err, Contains("(design point ") && Contains(": firms.Mass.budget_per_year=") &&
                        Contains("; replication ") && Contains("; seed ") &&
                        Contains("at step 3, firm 'Mass' would sell snacks") &&
                        Contains("after price shocks that multiply the firm's prices by 1000"));
  // The markup as the firm set it (mass's default), not as the shock scaled it (1200.2).
  CHECK_THAT(r.err, Contains("with markup 0.2, after price shocks"));
  CHECK_FALSE(fs::exists(dir / "e.h5"));
}

TEST_CASE("cli: an experiment refuses a runs directory holding the user's files, and keeps them",
          "[cli]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << experiment_yaml();
  fs::create_directories(dir / "z.h5.runs" / "sub");
  std::ofstream(dir / "z.h5.runs" / "notes.txt") << "notes";
  std::ofstream(dir / "z.h5.runs" / "sub" / "important.csv") << "deep";
  for (const std::string flags : {"", " --force", " --resume", " --resume --force"}) {
    INFO(flags);
    const Result r = marketsim(dir, "run e.yaml -o z.h5 --quiet" + flags);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("output 'z.h5': 'z.h5.runs', where the experiment keeps its "
                               "finished runs, holds 2 entries that are not run files of "
                               "marketsim: 'notes.txt', 'sub' (a directory)") &&
                          Contains("move them out of 'z.h5.runs', or choose another -o"));
    CHECK(slurp(dir / "z.h5.runs" / "notes.txt") == "notes");
    CHECK(slurp(dir / "z.h5.runs" / "sub" / "important.csv") == "deep");
    CHECK_FALSE(fs::exists(dir / "z.h5"));
    CHECK_FALSE(fs::exists(dir / "z.h5.partial"));
  }
  fs::remove_all(dir / "z.h5.runs" / "sub");
  CHECK_THAT(marketsim(dir, "run e.yaml -o z.h5 --quiet").err,
             Contains("holds an entry that is not a run file of marketsim: 'notes.txt'; it is "
                      "refused") &&
                 Contains("move it out of 'z.h5.runs'"));
  std::ofstream(dir / "w.h5.runs") << "mine";
  const Result file = marketsim(dir, "run e.yaml -o w.h5 --quiet");
  CHECK(file.code == 2);
  CHECK_THAT(file.err, Contains("output 'w.h5': 'w.h5.runs' is there and is not a directory"));
  CHECK(slurp(dir / "w.h5.runs") == "mine");
  CHECK_FALSE(fs::exists(dir / "w.h5"));
  // Once out of the way, the experiment runs, and leaves no directory behind.
  fs::remove(dir / "w.h5.runs");
  CHECK(marketsim(dir, "run e.yaml -o w.h5 --quiet").code == 0);
  CHECK(fs::exists(dir / "w.h5"));
  CHECK_FALSE(fs::exists(dir / "w.h5.runs"));
}

TEST_CASE("cli: more replications for a completed experiment run only the new runs", "[cli]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << experiment_yaml();
  REQUIRE(marketsim(dir, "run e.yaml -o e.h5 --quiet").code == 0);
  REQUIRE(marketsim(dir, "run e.yaml -o whole.h5 --quiet --set experiment.replications=3").code ==
          0);
  // The completed file is replaced only with --force.
  const Result refused =
      marketsim(dir, "run e.yaml -o e.h5 --resume --set experiment.replications=3");
  CHECK(refused.code == 2);
  CHECK_THAT(refused.err, Contains("output 'e.h5' is a completed experiment; add --force to "
                                   "--resume to replace it"));
  const Result more =
      marketsim(dir, "run e.yaml -o e.h5 --resume --force --set experiment.replications=3");
  INFO(more.err);
  CHECK(more.code == 0);
  CHECK_THAT(more.out, Contains("wrote e.h5: 6 runs (4 finished earlier, 4 of them taken from "
                                "the earlier 'e.h5', 2 now)"));
  CHECK(msim::test::same_bits(all_runs(dir / "e.h5"), all_runs(dir / "whole.h5")));
  CHECK_FALSE(fs::exists(dir / "e-earlier.h5"));
  // Fewer: the runs dropped stay in the earlier file, which is kept, and the command says so.
  const Result fewer =
      marketsim(dir, "run e.yaml -o e.h5 --resume --force --quiet --set experiment.replications=1");
  CHECK(fewer.code == 0);
  CHECK_THAT(fewer.err, Contains("the earlier 'e.h5' held 4 runs that this design does not have") &&
                            Contains("it is kept as 'e-earlier.h5'"));
  CHECK(msim::test::same_bits(all_runs(dir / "e-earlier.h5"), all_runs(dir / "whole.h5")));
}

TEST_CASE("cli: a damaged run file in the runs directory is named as damaged, with what to do",
          "[cli]") {
  TempDir dir;
  std::ofstream(dir / "e.yaml") << experiment_yaml();
  REQUIRE(marketsim(dir, "run e.yaml -o e.h5 --quiet --part 1/2").code == 0);
  const fs::path run = dir / "e.h5.runs" / "00000.h5";
  REQUIRE(fs::exists(run));
  fs::resize_file(run, fs::file_size(run) / 2);  // cut short, as a full disk or a copy would
  Result r = marketsim(dir, "run e.yaml -o e.h5 --quiet --resume");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("'e.h5.runs/00000.h5', a finished run of the experiment kept in "
                             "'e.h5.runs', is damaged and cannot be read: it is an HDF5 file "
                             "cut short") &&
                        Contains("remove it, and the same command runs that run again") &&
                        !Contains("not a run file of marketsim"));
  CHECK_FALSE(fs::exists(dir / "e.h5"));
  // Emptied (0 bytes), it is still one of the experiment's by its name.
  fs::resize_file(run, 0);
  r = marketsim(dir, "run e.yaml -o e.h5 --quiet --resume");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("'e.h5.runs/00000.h5', a finished run of the experiment") &&
                        Contains("is damaged"));
  // Removed, as the message says, the run is run again.
  fs::remove(run);
  r = marketsim(dir, "run e.yaml -o e.h5 --quiet --resume");
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(fs::exists(dir / "e.h5"));
}
