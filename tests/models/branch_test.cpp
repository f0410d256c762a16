// A single run's `branch:` block: the scenario it switches to, what it may change, and a run
// that equals a market copied at the branch step and continued under the variant.
#include "models/branch.hpp"
#include "tests/same_bits.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/error.hpp"

using Catch::Contains;

namespace {

// Line numbers matter: the branch block starts on line 18.
const std::string kBase = R"(name: branch test
seed: 5
consumers: 2000
steps: 8
market: {outside_utility: -1.0}
categories:
  - {name: snacks, base_cost: 1.0, reference_volume: 1000}
segments:
  - name: young
    share: 0.5
    ideal: {mean: [0.5, 0.5], sd: [0.5, 0.5]}
    purchase_rate: {snacks: {mean: 0.6}}
  - {name: senior, share: 0.5, ideal: {mean: [0.0, -1.0], sd: [0.3, 0.3]},
     purchase_rate: {snacks: {mean: 0.3}}}
firms:
  - {name: Mass, strategy: mass, budget_per_year: 40000}
  - {name: Niche, strategy: niche, target: senior, budget_per_year: 10000}
)";

msim::Scenario load(const std::string& branch, const std::vector<std::string>& overrides = {}) {
  return msim::load_scenario_text(kBase + branch, "test.yaml", overrides);
}

}  // namespace

TEST_CASE("a branch block loads the scenario it switches to", "[branch]") {
  const msim::Scenario sc = load(
      "branch:\n  step: 3\n  set: {firms.Mass.budget_per_year: 80000, firms.Niche.quality: 1.5}\n");
  REQUIRE(sc.branch.present);
  CHECK(sc.branch.step == 3);
  REQUIRE(sc.after_branch);
  CHECK(sc.firms[0].budget_per_year == 40000);
  CHECK(sc.after_branch->firms[0].budget_per_year == 80000);
  CHECK(sc.after_branch->firms[1].quality == 1.5);
  // The resolved scenario keeps the block, and loads back to the same thing.
  const std::string yaml = msim::resolved_yaml(sc);
  CHECK_THAT(yaml, Contains("branch:\n  step: 3\n  set:\n    firms.Mass.budget_per_year: 80000"));
  CHECK(msim::resolved_yaml(msim::load_scenario_text(yaml, "resolved.yaml")) == yaml);
  CHECK_FALSE(load("").branch.present);
}

TEST_CASE("a value of the branch block that looks like a slip, or is bad, is named where written",
          "[branch]") {
  const msim::Scenario sc = load("branch: {step: 3, set: {firms.Mass.markup: 45}}\n");
  REQUIRE(sc.after_branch);
  REQUIRE(sc.after_branch->notes.size() == 1);
  CHECK_THAT(sc.after_branch->notes[0],
             Contains("test.yaml:18:44: key 'branch.set.firms.Mass.markup': "
                      "firms.Mass.markup=45: a markup of 45") &&
                 !Contains("--set"));
  // An error, at its value's line and column, not at the block's start.
  CHECK_THROWS_WITH(load("branch:\n  step: 3\n  set:\n    firms.Mass.budget_per_year: -5\n"),
                    Contains("test.yaml:21:33: key 'branch.set.firms.Mass.budget_per_year': the "
                             "scenario after the branch (firms.Mass.budget_per_year=-5) is not "
                             "valid: key 'firms.Mass.budget_per_year': got \"-5\""));
}

TEST_CASE("a branched run equals the market copied at the branch and continued", "[branch]") {
  const msim::Scenario sc = load("branch: {step: 3, set: {firms.Mass.budget_per_year: 80000}}\n");
  msim::MemoryRecorder rec;
  REQUIRE(msim::run_simulation(sc, rec).complete);

  msim::Market m(sc);
  std::vector<std::vector<std::vector<double>>> rows;
  for (int t = 0; t < 8; ++t) {
    if (t == 3) m.branch(*sc.after_branch);
    m.step();
    rows.push_back(msim::metric_rows(m.metrics()));
  }
  for (std::size_t k = 0; k < rec.rows().size(); ++k)
    for (std::size_t t = 0; t < 8; ++t) CHECK(msim::test::same_bits(rec.rows()[k][t], rows[t][k]));
  const auto& spend = rec.series("/market/marketing_spend");
  CHECK(spend[2][0] == Approx(40000.0 / 52));
  CHECK(spend[3][0] == Approx(80000.0 / 52));
}

TEST_CASE("a bad branch block is reported at its line, before anything runs", "[branch]") {
  using msim::InputError;
  REQUIRE_THROWS_WITH(
      load("branch: {step: 8, set: {firms.Mass.budget_per_year: 1}}\n"),
      Contains("test.yaml:18:") && Contains("branch.step") && Contains("from 1 to 7"));
  REQUIRE_THROWS_WITH(load("branch: {step: 3, set: {}}\n"),
                      Contains("test.yaml:18:") && Contains("key 'branch.set': the map is empty: "
                                                            "nothing changes at the branch"));
  REQUIRE_THROWS_WITH(load("branch: {step: 3, set: 4}\n"),
                      Contains("key 'branch.set': got \"4\", expected a map from key path"));
  REQUIRE_THROWS_WITH(load("branch: {step: 3, set: {seed: 4}}\n"),
                      Contains("'seed' cannot change part-way through a run"));
  REQUIRE_THROWS_WITH(load("branch: {step: 3, set: {consumers: 4000}}\n"),
                      Contains("'consumers' cannot change"));
  REQUIRE_THROWS_WITH(load("branch: {step: 3, set: {steps: 6}}\n"),
                      Contains("'steps' cannot change"));
  REQUIRE_THROWS_WITH(load("branch: {step: 3, set: {output.path: x.h5}}\n"),
                      Contains("'output.path' cannot change"));
  // A bad value is named as the branch's, not as a --set the user never typed.
  REQUIRE_THROWS_WITH(load("branch: {step: 3, set: {firms.Mass.budget_per_year: lots}}\n"),
                      Contains("test.yaml:18:") && Contains("after the branch") &&
                          Contains("key 'firms.Mass.budget_per_year': got \"lots\"") &&
                          !Contains("--set"));
  REQUIRE_THROWS_WITH(
      load("branch: {step: 3, set: {market.adstock_decay: 0.5}}\n"),
      Contains("market.adstock_decay=0.5 changes what the steps before the branch use (the "
               "branch is at step 3)") &&
          Contains("budget_per_year"));
  // Among allowed keys, the one that changes the history is named, at its own place.
  REQUIRE_THROWS_WITH(
      load("branch:\n  step: 3\n  set:\n    firms.Mass.budget_per_year: 1\n"
           "    market.adstock_decay: 0.5\n"),
      Contains("test.yaml:22:27: key 'branch.set.market.adstock_decay': market.adstock_decay=0.5 "
               "changes what the steps before the branch use"));
  // A shock before the branch switched off: named, with its step.
  REQUIRE_THROWS_WITH(
      load("branch: {step: 3, set: {shocks.cut.enabled: false}}\n",
           {"shocks=[{name: cut, step: 1, kind: budget, firm: Mass, multiply: 0.5}]"}),
      Contains("test.yaml:18:45: key 'branch.set.shocks.cut.enabled': ") &&
          Contains("shocks.cut.enabled=false switches off shock 'cut' at week 2 (step 1), which "
                   "applies before the branch (the branch is at step 3);"));
  // In the run's period (a monthly run: month 2), or in steps where they are no named period.
  REQUIRE_THROWS_WITH(
      load("branch: {step: 3, set: {shocks.cut.enabled: false}}\n",
           {"steps_per_year=12",
            "shocks=[{name: cut, step: 1, kind: budget, firm: Mass, "
            "multiply: 0.5}]"}),
      Contains("shocks.cut.enabled=false switches off shock 'cut' at month 2 (step 1), which "
               "applies before"));
  REQUIRE_THROWS_WITH(load("branch: {step: 3, set: {shocks.cut.enabled: false}}\n",
                           {"steps_per_year=10",
                            "shocks=[{name: cut, step: 1, kind: budget, firm: Mass, "
                            "multiply: 0.5}]"}),
                      Contains("switches off shock 'cut' at step 1, which applies before"));
  REQUIRE_THROWS_WITH(load("branch: {step: 3, set: {firms.Mass.budget_per_year: 1}}\n"
                           "experiment: {replications: 2}\n"),
                      Contains("experiment.branch_at"));
  REQUIRE_THROWS_WITH(
      load("branch: {step: 6, set: {firms.Mass.budget_per_year: 1}}\n", {"steps=5"}),
      Contains("not before the end of the run"));
}

TEST_CASE(
    "an entry at or after the branch may move or switch, but not change the firm it keeps out",
    "[branch]") {
  // An entry keeps its firm out of the market from the start until it fires (a disabled one for
  // good): the steps before the branch see which firm, not when it enters.
  const std::string entry = "shocks=[{name: in, step: 6, kind: enter, firm: Niche}]";
  for (const std::string fine : {"shocks.in.step: 7", "shocks.in.enabled: false"}) {
    INFO(fine);
    const msim::Scenario sc = load("branch: {step: 3, set: {" + fine + "}}\n", {entry});
    REQUIRE(sc.after_branch);
  }
  REQUIRE_THROWS_WITH(
      load("branch: {step: 3, set: {shocks.in.firm: Mass}}\n", {entry}),
      Contains("shocks.in.firm=Mass makes shock 'in' keep 'Mass' out of the market until week 7 "
               "(step 6) instead of 'Niche'"));
  // An exit that becomes an entry keeps its firm out before the branch too.
  REQUIRE_THROWS_WITH(
      load("branch: {step: 3, set: {shocks.out.kind: enter}}\n",
           {"shocks=[{name: out, step: 6, kind: exit, firm: Mass}]"}),
      Contains("shocks.out.kind=enter makes shock 'out' keep 'Mass' out of the market until week "
               "7 (step 6) instead of no firm"));
}

TEST_CASE("a branch that times a shock by week is written by step, and loads again", "[branch]") {
  // The resolved scenario writes every shock by its step: a branch's week would give the shock
  // both, which does not load, and readers of the file look for the step.
  const msim::Scenario sc = load("branch: {step: 3, set: {shocks.cut.week: 7}}\n",
                                 {"steps_per_year=52",
                                  "shocks=[{name: cut, week: 5, kind: budget, firm: Mass, "
                                  "multiply: 0.5}]"});
  REQUIRE(sc.after_branch);
  CHECK(sc.after_branch->shocks.at(0).step == 6);
  const std::string text = msim::resolved_yaml(sc);
  INFO(text);
  CHECK_THAT(text, Contains("shocks.cut.step: 6") && !Contains("shocks.cut.week"));
  const msim::Scenario again = msim::load_scenario_text(text, "resolved.yaml");
  REQUIRE(again.after_branch);
  CHECK(again.after_branch->shocks.at(0).step == 6);
  CHECK(again.shocks.at(0).step == 4);
}

TEST_CASE("a branch that times by step a shock the file times by week retimes it", "[branch]") {
  // A branch cannot clear the file's week (it holds no null): its step replaces it, noted at
  // the branch's value with the file's line of the week.
  const msim::Scenario sc = load(
      "shocks: [{name: cut, week: 5, kind: budget, firm: Mass, multiply: 0.5}]\n"
      "branch: {step: 3, set: {shocks.cut.step: 6}}\n",
      {"steps_per_year=52"});
  REQUIRE(sc.after_branch);
  CHECK(sc.shocks.at(0).step == 4);
  CHECK(sc.after_branch->shocks.at(0).step == 6);
  const std::vector<std::string>& notes = sc.after_branch->notes;
  REQUIRE(notes.size() == 1);
  CHECK_THAT(notes[0], Contains("test.yaml:19:") && Contains("shocks.cut.step=6") &&
                           Contains("times the shock by step instead of the file's week 5 "
                                    "(test.yaml:18:"));
}

TEST_CASE("a branch's value is named where the branch gives it in a run's later errors",
          "[branch]") {
  // A price error after the branch names the markup the branch set, not a --set never typed.
  const msim::Scenario sc =
      load("branch: {step: 3, set: {firms.Mass.markup: 0.6}}\n", {"firms.Niche.markup=0.4"});
  REQUIRE(sc.after_branch);
  CHECK(sc.after_branch->firms[0].markup_where ==
        "test.yaml:18:44: key 'branch.set.firms.Mass.markup': firms.Mass.markup=0.6");
  CHECK(sc.after_branch->firms[1].markup_where ==
        "--set 'firms.Niche.markup=0.4': key 'firms.Niche.markup'");
  CHECK(sc.firms[0].markup_where == "test.yaml:16:5: key 'firms.Mass'");
}

TEST_CASE("a --set of a key the branch sets anew is noted: its value holds only before the branch",
          "[branch]") {
  const std::string branch = "branch: {step: 3, set: {firms.Mass.budget_per_year: 1000}}\n";
  const msim::Scenario set = load(branch, {"firms.Mass.budget_per_year=5000"});
  REQUIRE(set.notes.size() == 1);
  CHECK_THAT(set.notes[0],
             Contains("--set 'firms.Mass.budget_per_year=5000': key 'firms.Mass.budget_per_year': "
                      "the branch sets this key anew from step 3 on (test.yaml:18:") &&
                 Contains("so this value holds only before the branch"));
  // Not for the branch's own values, nor for a --set of the firm whole, which gives the steps
  // before the branch its other keys as well.
  CHECK(load(branch).notes.empty());
  CHECK(load(branch, {"firms.Mass={name: Mass, strategy: mass, budget_per_year: 5000}"})
            .notes.empty());
}

TEST_CASE("a shock before the branch that moves a value the branch changes is noted", "[branch]") {
  // The run replays the shocks before the branch on the branch's scenario: a budget doubled at
  // step 1 doubles the branch's budget too, and one set at step 1 leaves the branch's unused.
  const msim::Scenario doubled =
      load("branch: {step: 3, set: {firms.Mass.budget_per_year: 5000}}\n",
           {"shocks=[{name: boost, step: 1, kind: budget, firm: Mass, multiply: 2}]"});
  REQUIRE(doubled.notes.size() == 1);
  CHECK_THAT(doubled.notes[0],
             Contains("test.yaml:18:") && Contains("key 'branch.set.firms.Mass.budget_per_year'") &&
                 Contains("shock 'boost' (x 2) before the branch moves Mass's budget_per_year as "
                          "well, and the run replays it on the branch's value: from step 3 on it "
                          "is 10000, not the branch's 5000"));
  const msim::Scenario fixed =
      load("branch: {step: 3, set: {firms.0.budget_per_year: 80000}}\n",
           {"shocks=[{name: fix, step: 1, kind: budget, firm: Mass, set: 20000}]"});
  REQUIRE(fixed.notes.size() == 1);
  CHECK_THAT(fixed.notes[0], Contains("key 'branch.set.firms.0.budget_per_year'") &&
                                 Contains("'fix' (set to 20000)") &&
                                 Contains("it is 20000, not the branch's 80000"));
  // A shock of another firm, or one after the branch, is not noted.
  CHECK(load("branch: {step: 3, set: {firms.Mass.budget_per_year: 5000}}\n",
             {"shocks=[{name: b, step: 1, kind: budget, firm: Niche, multiply: 2}, "
              "{name: c, step: 4, kind: budget, firm: Mass, multiply: 2}]"})
            .notes.empty());
}

TEST_CASE("a --set into branch.set adds its key path, or gives one the block has its value",
          "[branch]") {
  // --set splits branch.set.firms.Niche.budget_per_year at every dot into nested maps: they are
  // read back as the key path, beside the block's own.
  const std::string block = "branch: {step: 3, set: {firms.Mass.budget_per_year: 1}}\n";
  const msim::Scenario added = load(block, {"branch.set.firms.Niche.budget_per_year=2000"});
  REQUIRE(added.after_branch);
  CHECK(added.branch.values ==
        std::vector<std::pair<std::string, std::string>>{{"firms.Mass.budget_per_year", "1"},
                                                         {"firms.Niche.budget_per_year", "2000"}});
  CHECK(added.after_branch->firms[1].budget_per_year == 2000);
  // The block's own key path given by --set: its value, in the block's place.
  const msim::Scenario replaced =
      load(block, {"branch.set.firms.Mass.budget_per_year=7", "branch.set.market.cpm_mass=20"});
  CHECK(replaced.branch.values ==
        std::vector<std::pair<std::string, std::string>>{{"firms.Mass.budget_per_year", "7"},
                                                         {"market.cpm_mass", "20"}});
  CHECK(replaced.after_branch->firms[0].budget_per_year == 7);
  // The resolved scenario writes the key paths whole, and loads back the same.
  const std::string yaml = msim::resolved_yaml(added);
  CHECK_THAT(yaml, Contains("    firms.Niche.budget_per_year: 2000"));
  CHECK(msim::resolved_yaml(msim::load_scenario_text(yaml, "resolved.yaml")) == yaml);
  // A map written in the block itself is not read as a key path.
  REQUIRE_THROWS_WITH(load("branch: {step: 3, set: {firms.Mass: {budget_per_year: 1}}}\n"),
                      Contains("expected a single value (a number or a word)"));
}
