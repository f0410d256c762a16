// A Market can be copied mid-run and continued under a variant: a copy that changes nothing
// continues exactly as the original, bit for bit.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "tests/same_bits.hpp"

namespace {

const std::string kTiny = std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml";

std::vector<std::vector<std::vector<double>>> run_to_end(msim::Market& m, std::int64_t steps) {
  std::vector<std::vector<std::vector<double>>> rows;
  while (m.steps_done() < steps) {
    m.step();
    rows.push_back(msim::metric_rows(m.metrics()));
  }
  return rows;
}

/// A market of `sc` branched to `sc` itself after `at` steps goes on exactly as the full run.
void branch_is_the_full_run(const msim::Scenario& sc, int at) {
  msim::Market full(sc);
  const auto all = run_to_end(full, sc.steps);
  msim::Market copy(sc);
  for (int t = 0; t < at; ++t) copy.step();
  copy.branch(sc);
  const auto rest = run_to_end(copy, sc.steps);
  REQUIRE(rest.size() == all.size() - static_cast<std::size_t>(at));
  for (std::size_t t = 0; t < rest.size(); ++t)
    CHECK(msim::test::same_bits(rest[t], all[t + static_cast<std::size_t>(at)]));
}

}  // namespace

TEST_CASE("a copied market continues exactly like the original", "[branch]") {
  const msim::Scenario sc = msim::load_scenario_file(kTiny);
  msim::Market full(sc);
  auto all = run_to_end(full, sc.steps);

  msim::Market history(sc);
  for (int t = 0; t < 5; ++t) history.step();
  msim::Market copy = history;  // deep: population, ledgers and strategy clones
  copy.branch(sc);              // a variant that changes nothing
  const auto rest = run_to_end(copy, sc.steps);
  REQUIRE(rest.size() == all.size() - 5);
  for (std::size_t t = 0; t < rest.size(); ++t) CHECK(msim::test::same_bits(rest[t], all[t + 5]));
  // The history itself is untouched by its copy and still continues the same way.
  const auto rest_of_history = run_to_end(history, sc.steps);
  CHECK(msim::test::same_bits(rest_of_history, rest));
}

TEST_CASE("a branch replays the shocks before it in step order, as the run applied them",
          "[branch]") {
  // Listed out of step order: the run sets Mass's budget at step 1 and multiplies it at step 3
  // (1e6). The branch replayed them in list order (a budget of 1e5 after it), so a branch that
  // changed nothing was not its full run.
  const msim::Scenario sc = msim::load_scenario_file(
      kTiny, {"shocks=[{step: 3, kind: budget, firm: Mass, multiply: 10}, {step: 1, kind: budget, "
              "firm: Mass, set: 1e5}]"});
  branch_is_the_full_run(sc, 5);
}

TEST_CASE("a branch at the step of a shock applies the shock once", "[branch]") {
  // Branching after 5 steps, before step 5 runs: the step-5 shock is the continuation's to
  // apply, not the history's to replay. Replayed by the branch as well, Mass's budget was
  // doubled twice (80,000 a year instead of 40,000).
  const msim::Scenario sc = msim::load_scenario_file(
      kTiny, {"shocks=[{step: 5, kind: budget, firm: Mass, multiply: 2}]"});
  branch_is_the_full_run(sc, 5);
  msim::Market again(sc);
  for (int t = 0; t < 5; ++t) again.step();
  again.branch(sc);
  again.step();
  CHECK(again.metrics().marketing_spend.firm[0] == Catch::Detail::Approx(2 * 40000.0 / 52));
}

TEST_CASE("a branch applies the variant's budgets from the branch step", "[branch]") {
  const msim::Scenario sc = msim::load_scenario_file(kTiny);
  const msim::Scenario rich = msim::load_scenario_file(kTiny, {"firms.Mass.budget_per_year=80000"});
  msim::Market history(sc);
  for (int t = 0; t < 4; ++t) history.step();
  msim::Market variant = history;
  variant.branch(rich);
  variant.step();
  CHECK(variant.metrics().marketing_spend.firm[0] == Catch::Detail::Approx(80000.0 / 52));
  CHECK(variant.metrics().marketing_spend.firm[1] == Catch::Detail::Approx(30000.0 / 52));
  history.step();
  CHECK(history.metrics().marketing_spend.firm[0] == Catch::Detail::Approx(40000.0 / 52));
}

TEST_CASE("a branch that retunes a learning strategy keeps what it learned", "[branch]") {
  // A markup changed by far less than a cent leaves every price as it was: the branched run
  // must go on exactly as the history, the adaptive firm's learned media split included.
  const std::string path =
      std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/textbook/adaptive_ab.yaml";
  const msim::Scenario sc = msim::load_scenario_file(path, {"consumers=3000", "steps=30"});
  const msim::Scenario retuned = msim::load_scenario_file(
      path, {"consumers=3000", "steps=30", "firms.ZoomAde.markup=0.5000000001"});
  msim::Market full(sc);
  const auto all = run_to_end(full, sc.steps);
  msim::Market history(sc);
  for (int t = 0; t < 20; ++t) history.step();
  msim::Market variant = history;
  variant.branch(retuned);
  const auto rest = run_to_end(variant, sc.steps);
  REQUIRE(rest.size() == 10);
  for (std::size_t t = 0; t < rest.size(); ++t) CHECK(msim::test::same_bits(rest[t], all[t + 20]));
}
