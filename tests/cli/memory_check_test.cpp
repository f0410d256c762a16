// The memory estimate's view of an experiment (cli/memory_check.hpp): which run is the largest
// and how many of its populations are held at once, for explicit thread counts.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cli/memory_check.hpp"
#include "models/experiment.hpp"
#include "models/scenario_load.hpp"

namespace {

const std::string kTiny = std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml";

/// tiny.yaml with `overrides`, its experiment planned.
struct Planned {
  msim::Scenario base;
  msim::Experiment ex;
};
Planned plan(const std::vector<std::string>& overrides) {
  const auto load = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> all = overrides;
    all.insert(all.end(), extra.begin(), extra.end());
    return msim::load_scenario_file(kTiny, all);
  };
  return {load({}), msim::plan_experiment(load)};
}

}  // namespace

TEST_CASE("memory check: the largest run is one the experiment runs", "[cli]") {
  // A sweep of `consumers` never runs the base population of 300,000.
  const Planned p = plan({"consumers=300000", "experiment.replications=2",
                          "experiment.sweep={consumers: [1000, 2000]}"});
  REQUIRE(p.ex.runs.size() == 4);
  CHECK(msim::cli::largest_run(p.base, p.ex).consumers == 2000);
  // Runs of 2,000 go on up to one per thread, at most as many as there are runs.
  CHECK(msim::cli::experiment_copies(p.base, p.ex, 1) == 1);
  CHECK(msim::cli::experiment_copies(p.base, p.ex, 2) == 2);
  CHECK(msim::cli::experiment_copies(p.base, p.ex, 16) == 4);
}

TEST_CASE("memory check: large runs go one at a time, and a branch doubles them", "[cli]") {
  const Planned big = plan({"consumers=300000", "experiment.replications=3"});
  CHECK(msim::cli::largest_run(big.base, big.ex).consumers == 300000);
  CHECK(msim::cli::experiment_copies(big.base, big.ex, 8) == 1);
  const Planned branched = plan({"experiment.replications=3", "experiment.branch_at=2",
                                 "experiment.sweep={market.cpm_mass: [5.0, 10.0]}"});
  CHECK(msim::cli::experiment_copies(branched.base, branched.ex, 1) == 2);
  CHECK(msim::cli::experiment_copies(branched.base, branched.ex, 4) == 8);
}

TEST_CASE("memory check: a run too large for memory because of a sweep names the sweep's key",
          "[cli]") {
  // --set consumers=N cannot shrink a swept population: the sweep's values override it.
  const Planned p = plan({"experiment.sweep={consumers: [1000, 3000000000]}"});
  const auto why =
      msim::cli::memory_shortfall(msim::cli::largest_run(p.base, p.ex), 1, p.base.experiment);
  REQUIRE(why);
  CHECK_THAT(*why, Catch::StartsWith("--set 'experiment.sweep={consumers: [1000, 3000000000]}': "
                                     "key 'experiment.sweep.consumers': 3000000000 consumers") &&
                       Catch::Contains("lower the largest value of experiment.sweep.consumers to "
                                       "at most ") &&
                       Catch::Contains("--set consumers=... would not change it") &&
                       !Catch::Contains("(e.g. --set consumers="));
  // A single run of that size: --set consumers is the way.
  const msim::Scenario alone = msim::load_scenario_file(kTiny, {"consumers=3000000000"});
  const auto single = msim::cli::memory_shortfall(alone, 1, alone.experiment);
  REQUIRE(single);
  CHECK_THAT(*single, Catch::Contains("lower `consumers` (e.g. --set consumers="));
}
