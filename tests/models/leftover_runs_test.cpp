// A runs directory beside a completed experiment's file: a leftover (every run there is in the
// file, as after a kill between the file's rename and the directory's removal), or the runs of a
// later run of the experiment that the file does not hold.
#include "models/leftover_runs.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/experiment.hpp"
#include "models/scenario_load.hpp"
#include "tests/same_runs.hpp"
#include "tests/temp_dir.hpp"

using Catch::Contains;
using msim::test::h5_files;
using msim::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kScenario = R"(name: leftover test
seed: 9
consumers: 1000
steps: 4
steps_per_year: 52
categories:
  - {name: snacks, base_cost: 1.0, reference_volume: 1000}
segments:
  - name: all
    share: 1.0
    ideal: {mean: [0.0, 0.0], sd: [0.5, 0.5]}
    purchase_rate: {snacks: {mean: 0.5}}
firms:
  - {name: Mass, strategy: mass, budget_per_year: 40000}
experiment:
  replications: 2
  sweep: {firms.Mass.budget_per_year: [20000, 40000]}
)";

msim::Experiment plan(const std::string& seed = "9") {
  return msim::plan_experiment([&](const std::vector<std::string>& overrides) {
    std::vector<std::string> all = overrides;
    all.push_back("seed=" + seed);
    return msim::load_scenario_text(kScenario, "leftover.yaml", all);
  });
}

/// Every run of `ex` into the runs directory of `out`, as a part (1 of 1) writes them: a part
/// leaves `out` as it is.
void runs_into(const msim::Experiment& ex, const fs::path& out) {
  msim::ExperimentOptions part;
  part.part = 0;
  part.parts = 1;
  REQUIRE(msim::run_experiment(ex, out, part).complete);
}

}  // namespace

TEST_CASE("leftover runs: a runs directory whose runs are all in the finished file is a leftover",
          "[experiment][leftover]") {
  TempDir dir;
  const msim::Experiment ex = plan();
  const fs::path out = dir / "e.h5";
  REQUIRE(msim::run_experiment(ex, out).complete);
  CHECK_FALSE(msim::runs_beside(out.string()));  // removed when the file was written
  CHECK_FALSE(msim::runs_beside(dir.file("missing.h5")));

  runs_into(ex, out);  // as a kill after the rename would leave them
  REQUIRE(h5_files(dir / "e.h5.runs").size() == 4);
  const auto beside = msim::runs_beside(out.string());
  REQUIRE(beside);
  CHECK(beside->dir == out.string() + ".runs");
  CHECK(beside->entries == 4);
  CHECK(beside->bytes > 0);
  CHECK(beside->redundant);
  const std::string note = msim::runs_beside_note(*beside, out.string());
  CHECK_THAT(note, Contains("Left over: '" + beside->dir + "' (4 files, ") &&
                       Contains("is still beside '" + out.string() +
                                "', which is finished: every "
                                "run in it is also in '" +
                                out.string() +
                                "', so nothing is lost "
                                "when it is removed") &&
                       Contains("Remove the directory.\n"));
  // The summary says it last.
  const std::string summary = msim::format_experiment_summary(out.string());
  CHECK(summary.size() > note.size());
  CHECK(summary.substr(summary.size() - note.size()) == note);

  // A run file of another seed, under a run's name: not in the file, so not a leftover.
  const fs::path other = dir / "other.h5";
  runs_into(plan("10"), other);
  fs::copy_file(dir / "other.h5.runs" / "00001.h5", dir / "e.h5.runs" / "00001.h5",
                fs::copy_options::overwrite_existing);
  const auto mixed = msim::runs_beside(out.string());
  REQUIRE(mixed);
  CHECK_FALSE(mixed->redundant);
  CHECK_THAT(msim::runs_beside_note(*mixed, out.string()),
             Contains("Beside '" + out.string() + "', which is finished, '" + mixed->dir +
                      "' (4 files, ") &&
                 Contains("holds runs that '" + out.string() + "' does not") &&
                 Contains("--resume --force continues it"));
  // Nor with a run that is still being written, or anything that is not a run file.
  runs_into(ex, dir / "f.h5");
  fs::rename(dir / "f.h5.runs", dir / "f-runs");
  REQUIRE(msim::run_experiment(ex, dir / "f.h5").complete);
  fs::rename(dir / "f-runs", dir / "f.h5.runs");
  REQUIRE(msim::runs_beside(dir.file("f.h5"))->redundant);
  std::ofstream(dir / "f.h5.runs" / "00002.h5.partial") << "cut";
  CHECK_FALSE(msim::runs_beside(dir.file("f.h5"))->redundant);
  CHECK(msim::runs_beside(dir.file("f.h5"))->entries == 5);
}
