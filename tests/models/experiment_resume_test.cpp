// --resume finds a finished run by what it is (its design point's resolved scenario, with its
// replication's seed), not by its number: a design point put between the others, or the design
// points reordered, keeps the runs that finished, in run files and in a completed experiment's
// file, and the result equals the new design run in one go; a design point dropped from the
// middle sets its runs aside; a failure while growing a completed experiment leaves it as it was.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/temp_dir.hpp"

#include "models/experiment.hpp"
#include "models/experiment_tables.hpp"
#include "models/scenario_load.hpp"
#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"
#include "tests/same_runs.hpp"

namespace fs = std::filesystem;

using msim::test::check_same_runs;
using msim::test::h5_files;
using msim::test::same_datasets;
using msim::test::slurp;
using msim::test::TempDir;

namespace {

const std::string kBase = R"(name: resume test
seed: 9
consumers: 2000
steps: 6
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
experiment:
  replications: 2
)";

/// The experiment that sweeps Niche's budget over `budgets` ("[5000, 10000]"), with `extra`
/// lines in its block.
msim::Experiment plan(const std::string& budgets, const std::string& extra = "") {
  const std::string text =
      kBase + extra + "  sweep: {firms.Niche.budget_per_year: " + budgets + "}\n";
  return msim::plan_experiment([&](const std::vector<std::string>& overrides) {
    return msim::load_scenario_text(text, "test.yaml", overrides);
  });
}

/// Runs `ex` into `out` one run at a time, stopped once 3 runs finished: runs 0, 1 and 2 (with
/// two design points, branched too: replication 0's variants, then replication 1's first).
void interrupted(const msim::Experiment& ex, const fs::path& out) {
  msim::ExperimentOptions killed;
  killed.concurrent_below = 0;
  killed.stop_after_runs = 3;
  REQUIRE_FALSE(msim::run_experiment(ex, out, killed).complete);
  REQUIRE(h5_files(out.string() + ".runs").size() == 3);
}

}  // namespace

TEST_CASE("resuming keeps the finished runs of design points put between the others or reordered",
          "[experiment][resume]") {
  // A branched run continues its replication's shared history, which no design point changes.
  const std::string branch = GENERATE(as<std::string>{}, "", "  branch_at: 3\n");
  INFO("experiment block: " << branch);
  TempDir dir;
  const msim::Experiment before = plan("[5000, 10000]", branch);
  const msim::Experiment between = plan("[5000, 7000, 10000]", branch);
  const msim::Experiment reordered = plan("[10000, 5000]", branch);
  msim::run_experiment(between, dir / "between.h5");
  msim::run_experiment(reordered, dir / "reordered.h5");
  msim::ExperimentOptions resume;
  resume.resume = true;

  // 5000 (replications 0 and 1) and 10000 (replication 0) finished: runs 0, 1 and 4 now.
  interrupted(before, dir / "e.h5");
  const auto inserted = msim::run_experiment(between, dir / "e.h5", resume);
  CHECK(inserted.complete);
  CHECK(inserted.skipped == 3);
  CHECK(inserted.ran == 3);
  CHECK(inserted.set_aside == 0);
  CHECK_FALSE(fs::exists(dir / "e.h5.runs"));
  check_same_runs(dir / "between.h5", dir / "e.h5");

  // The same runs are runs 2, 3 and 0 with the design points the other way round.
  interrupted(before, dir / "f.h5");
  const auto swapped = msim::run_experiment(reordered, dir / "f.h5", resume);
  CHECK(swapped.complete);
  CHECK(swapped.skipped == 3);
  CHECK(swapped.ran == 1);
  CHECK(swapped.set_aside == 0);
  check_same_runs(dir / "reordered.h5", dir / "f.h5");
}

TEST_CASE("growing a completed experiment takes its runs whatever their design point's number",
          "[experiment][resume]") {
  const std::string branch = GENERATE(as<std::string>{}, "", "  branch_at: 3\n");
  INFO("experiment block: " << branch);
  TempDir dir;
  const msim::Experiment between = plan("[5000, 7000, 10000]", branch);
  const msim::Experiment reordered = plan("[10000, 7000, 5000]", branch);
  msim::run_experiment(between, dir / "between.h5");
  msim::run_experiment(reordered, dir / "reordered.h5");
  REQUIRE(msim::run_experiment(plan("[5000, 10000]", branch), dir / "e.h5").complete);
  msim::ExperimentOptions resume;
  resume.resume = true;

  const auto inserted = msim::run_experiment(between, dir / "e.h5", resume);
  CHECK(inserted.complete);
  CHECK(inserted.reused == 4);
  CHECK(inserted.ran == 2);
  CHECK(inserted.earlier_file.empty());  // every run of the completed file is in the new one
  check_same_runs(dir / "between.h5", dir / "e.h5");

  const auto swapped = msim::run_experiment(reordered, dir / "e.h5", resume);
  CHECK(swapped.complete);
  CHECK(swapped.reused == 6);
  CHECK(swapped.ran == 0);
  CHECK(swapped.earlier_file.empty());
  CHECK_FALSE(fs::exists(dir / "e-earlier.h5"));
  check_same_runs(dir / "reordered.h5", dir / "e.h5");
}

TEST_CASE("resuming without a design point of the middle keeps its runs aside",
          "[experiment][resume]") {
  // Branched, a run of another design point is told by the values of its `branch:` block.
  const std::string branch = GENERATE(as<std::string>{}, "", "  branch_at: 3\n");
  INFO("experiment block: " << branch);
  TempDir dir;
  const msim::Experiment three = plan("[5000, 7000, 10000]", branch);
  const msim::Experiment two = plan("[5000, 10000]", branch);
  msim::run_experiment(two, dir / "two.h5");
  msim::run_experiment(three, dir / "three.h5");
  // Runs 0, 1 and 2 finished (branched: 0, 2 and 4, replication 0's): two of them this design
  // has, and 7000's replication 0 (run 2 in both) it does not.
  interrupted(three, dir / "e.h5");
  msim::ExperimentOptions resume;
  resume.resume = true;
  const auto dropped = msim::run_experiment(two, dir / "e.h5", resume);
  CHECK(dropped.complete);
  CHECK(dropped.skipped == 2);
  CHECK(dropped.ran == 2);
  check_same_runs(dir / "two.h5", dir / "e.h5");
  // 7000's run, under its number in the design that wrote it, which finishes from it.
  CHECK(dropped.set_aside == 1);
  CHECK(dropped.earlier == (dir / "e-earlier.h5").string());
  CHECK(h5_files(dir / "e-earlier.h5.runs") == std::vector<std::string>{"00002.h5"});
  const auto earlier = msim::run_experiment(three, dir / "e-earlier.h5", resume);
  CHECK(earlier.complete);
  CHECK(earlier.skipped == 1);
  CHECK(earlier.ran == 5);
  check_same_runs(dir / "three.h5", dir / "e-earlier.h5");

  // A design point's value changed: its runs are another design point's, kept aside alike.
  interrupted(two, dir / "f.h5");
  const auto changed = msim::run_experiment(plan("[5000, 12000]", branch), dir / "f.h5", resume);
  CHECK(changed.complete);
  CHECK(changed.skipped == 2);
  CHECK(changed.set_aside == 1);
}

TEST_CASE("resuming refuses a copy of a run file, which is taken for no run and not set aside",
          "[experiment][resume]") {
  TempDir dir;
  const msim::Experiment ex = plan("[5000, 10000]");
  msim::run_experiment(ex, dir / "whole.h5");
  interrupted(ex, dir / "e.h5");  // runs 0, 1 and 2
  const fs::path runs = dir / "e.h5.runs";
  msim::ExperimentOptions resume;
  resume.resume = true;
  // Run 0 under the name of run 3, which has not run, and under a name of no run.
  for (const std::string name : {"00003.h5", "mine.h5"}) {
    INFO(name);
    fs::copy_file(runs / "00000.h5", runs / name);
    const std::vector<std::string> before = h5_files(runs);
    const std::string copy = (runs / name).string(), original = (runs / "00000.h5").string();
    CHECK_THROWS_MATCHES(
        msim::run_experiment(ex, dir / "e.h5", resume), msim::InputError,
        Catch::Matchers::Message(
            "--resume: '" + copy + "' is a copy of '" + original +
            "' (the same bytes): both hold run 0 (design point 0, replication 0)" +
            (name == "00003.h5" ? ", although '00003.h5' has the name of run 3" : "") +
            ". A run is taken from one file only, so the copy is neither taken for " +
            (name == "00003.h5" ? "run 3" : "another run") +
            " nor set aside as a run of an earlier design, which it is not: remove the copy "
            "(nothing is lost: '" +
            original + "' holds the run) or move it out of '" + runs.string() +
            "', and run the same command again"));
    CHECK(h5_files(runs) == before);  // nothing moved
    CHECK_FALSE(fs::exists(dir / "e.h5"));
    CHECK_FALSE(fs::exists(dir / "e-earlier.h5.runs"));
    fs::remove(runs / name);
  }
  const auto done = msim::run_experiment(ex, dir / "e.h5", resume);
  CHECK(done.complete);
  CHECK(done.skipped == 3);
  CHECK(done.set_aside == 0);
  check_same_runs(dir / "whole.h5", dir / "e.h5");
}

TEST_CASE("growing a completed experiment that fails at the end leaves it as it was",
          "[experiment][resume]") {
  TempDir dir;
  REQUIRE(msim::run_experiment(plan("[5000, 10000]"), dir / "e.h5").complete);
  const std::string was = slurp(dir / "e.h5");
  // 10000's runs are not in this design: the completed file would be kept as e-earlier.h5. The
  // experiment's unfinished file goes while its runs run, so its rename into place fails.
  const msim::Experiment other = plan("[5000, 7000]");
  msim::ExperimentOptions resume;
  resume.resume = true;
  msim::ExperimentOptions failing = resume;
  failing.on_progress = [&](std::int64_t, std::int64_t) {
    std::error_code ec;
    fs::remove(dir / "e.h5.partial", ec);
  };
  REQUIRE_THROWS_AS(msim::run_experiment(other, dir / "e.h5", failing), msim::OutputError);
  CHECK(slurp(dir / "e.h5") == was);
  CHECK_FALSE(fs::exists(dir / "e-earlier.h5"));
  CHECK_FALSE(fs::exists(dir / "e.h5.partial"));
  // The runs that finished are kept for --resume, as after any failure, and it completes.
  CHECK(h5_files(dir / "e.h5.runs") == std::vector<std::string>{"00002.h5", "00003.h5"});
  const auto again = msim::run_experiment(other, dir / "e.h5", resume);
  CHECK(again.complete);
  CHECK(again.skipped == 4);
  CHECK(again.ran == 0);
  CHECK(again.earlier_file == (dir / "e-earlier.h5").string());
  CHECK(slurp(dir / "e-earlier.h5") == was);
}
