// Experiment plans: grid and Latin hypercube counts, stratification, derived seeds, and errors
// in the experiment block that name the file, line and key.
#include "sim/experiment.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include <catch2/catch.hpp>

#include "sim/config.hpp"
#include "sim/error.hpp"

using Catch::Contains;

namespace {

msim::ExperimentSpec load(const std::string& block, std::int64_t steps = 52) {
  const msim::Config root = msim::Config::load_string("experiment:\n" + block, "test.yaml");
  return msim::load_experiment(root.child("experiment"), steps);
}

}  // namespace

TEST_CASE("a sweep is the cross product of its keys' values", "[experiment]") {
  const auto spec = load(
      "  replications: 3\n"
      "  sweep:\n"
      "    firms.A.budget_per_year: [1e5, 2e5]\n"
      "    market.wom_rate: [0.1, 0.2, 0.3]\n");
  const auto points = msim::design_points(spec, 1);
  REQUIRE(points.size() == 6);
  CHECK(points[0].overrides() ==
        std::vector<std::string>{"firms.A.budget_per_year=1e5", "market.wom_rate=0.1"});
  CHECK(points[5].overrides() ==
        std::vector<std::string>{"firms.A.budget_per_year=2e5", "market.wom_rate=0.3"});
  const auto runs = msim::run_plans(spec, points.size(), 42);
  REQUIRE(runs.size() == 18);
  for (const auto& r : runs) {
    CHECK(r.id == r.point * 3 + r.replication);
    CHECK(r.seed == msim::replication_seed(42, r.replication));  // the same in every point
  }
  CHECK(msim::design_points(load("  replications: 2\n"), 1).size() == 1);
}

TEST_CASE("a quoted sweep or branch value that a --set would not read as a string is refused",
          "[experiment]") {
  // Values apply as --set KEY=VALUE, without quotes: "2000" would be the number 2000.
  REQUIRE_THROWS_WITH(load("  sweep:\n    consumers: [1000, \"2000\"]\n"),
                      "test.yaml:3:23: key 'experiment.sweep.consumers.1': got the string "
                      "\"2000\" (quoted), but a value here applies as --set KEY=VALUE, without its "
                      "quotes, where it reads as a number: write it without quotes (a name reads "
                      "as a name either way)");
  REQUIRE_THROWS_WITH(load("  together:\n    shocks.cut.enabled: ['off', 'on']\n"),
                      Contains("key 'experiment.together.shocks.cut.enabled.0': got the string "
                               "\"off\" (quoted)") &&
                          Contains("where it reads as true or false"));
  // Quoted text that reads the same without quotes is taken as it is.
  const auto spec = load("  sweep:\n    firms.A.name: [\"Acme Co\", Beta]\n");
  const auto points = msim::design_points(spec, 1);
  REQUIRE(points.size() == 2);
  CHECK(points[0].overrides() == std::vector<std::string>{"firms.A.name=Acme Co"});

  const auto branch = [](const std::string& set) {
    const msim::Config root =
        msim::Config::load_string("branch:\n  step: 5\n  set: {" + set + "}\n", "b.yaml");
    return msim::load_branch(root.child("branch"), 52, false, {});
  };
  REQUIRE_THROWS_WITH(branch("firms.A.budget_per_year: \"3000\""),
                      Contains("b.yaml:3:34: key 'branch.set.firms.A.budget_per_year': got the "
                               "string \"3000\" (quoted), but a value here applies as --set"));
  CHECK(branch("firms.A.budget_per_year: 3000, firms.A.name: 'Acme Co'").overrides() ==
        std::vector<std::string>{"firms.A.budget_per_year=3000", "firms.A.name=Acme Co"});
}

TEST_CASE("a Latin hypercube puts one sample in each stratum of every range", "[experiment]") {
  const auto spec = load(
      "  sweep: {consumers: [1000, 2000]}\n"
      "  design:\n"
      "    latin_hypercube:\n"
      "      samples: 10\n"
      "      seed: 5\n"
      "      ranges: {firms.A.budget_per_year: [1e5, 3e5], market.wom_rate: [0, 1]}\n");
  const auto points = msim::design_points(spec, 1);
  REQUIRE(points.size() == 20);  // 2 sweep values x 10 samples
  const auto unit = msim::latin_hypercube(10, 2, 5);
  for (std::size_t d = 0; d < 2; ++d) {
    std::set<int> strata;
    for (const auto& row : unit) {
      CHECK(row[d] >= 0.0);
      CHECK(row[d] < 1.0);
      strata.insert(static_cast<int>(row[d] * 10));
    }
    CHECK(strata.size() == 10);
  }
  CHECK(msim::latin_hypercube(10, 2, 5) == unit);
  CHECK(msim::latin_hypercube(10, 2, 6) != unit);
  for (std::size_t k = 0; k < 10; ++k) {
    const double budget = std::stod(points[k].values[1].second);
    CHECK(budget == Catch::Detail::Approx(1e5 + unit[k][0] * 2e5));
  }
}

TEST_CASE("replication seeds: the base seed first, then distinct 63-bit seeds", "[experiment]") {
  CHECK(msim::replication_seed(42, 0) == 42);
  std::set<std::uint64_t> seen;
  for (std::size_t r = 0; r < 1000; ++r) {
    const std::uint64_t s = msim::replication_seed(42, r);
    CHECK(s < (1ull << 63));
    seen.insert(s);
  }
  CHECK(seen.size() == 1000);
  CHECK(msim::replication_seed(43, 1) != msim::replication_seed(42, 1));
}

TEST_CASE("bad experiment blocks are reported at their line", "[experiment]") {
  REQUIRE_THROWS_WITH(load("  replications: 0\n"),
                      Contains("test.yaml:2:") && Contains("experiment.replications"));
  REQUIRE_THROWS_WITH(load("  replicatons: 3\n"),
                      Contains("test.yaml:2:") && Contains("did you mean 'replications'"));
  REQUIRE_THROWS_WITH(load("  sweep: {seed: [1, 2]}\n"),
                      Contains("test.yaml:2:") && Contains("replications"));
  REQUIRE_THROWS_WITH(load("  sweep: {consumers: 5}\n"),
                      Contains("experiment.sweep.consumers") && Contains("list of values"));
  // Decimal commas would sweep four values, each valid for most keys.
  REQUIRE_THROWS_WITH(load("  sweep: {firms.A.markup: [0,85, 0,9]}\n"),
                      Contains("test.yaml:2:") &&
                          Contains("key 'experiment.sweep.firms.A.markup'") &&
                          Contains("got [0, 85, 0, 9]") && Contains("write [0.85, 0.9]"));
  CHECK(load("  sweep: {firms.A.markup: [0, 85, 0, 9]}\n").sweep.at(0).values.size() == 4);
  REQUIRE_THROWS_WITH(load("  branch_at: 52\n"),
                      Contains("experiment.branch_at") && Contains("steps is 52"));
  REQUIRE_THROWS_WITH(load("  branch_at: 10\n  warmup: 10\n"), Contains("not both"));
  REQUIRE_THROWS_WITH(
      load("  design: {latin_hypercube: {samples: 4, ranges: {market.wom_rate: [1, 0]}}}\n"),
      Contains("test.yaml:2:") && Contains("low <= high"));
  CHECK(load("  warmup: 10\n").branch_at == 10);
  // A plan past 100,000 runs is refused before its design points are made (three keys of a
  // thousand values each grew memory without bound).
  std::string thousand = "[0";
  for (int k = 1; k < 1000; ++k) thousand += ", " + std::to_string(k);
  thousand += "]";
  REQUIRE_THROWS_WITH(load("  sweep: {firms.A.markup: " + thousand + ", firms.B.markup: " +
                           thousand + ", market.wom_rate: " + thousand + "}\n"),
                      Contains("test.yaml:2:") &&
                          Contains("1000000000 design points x 1 replication = 1000000000 runs; "
                                   "an experiment has at most 100000 runs: vary fewer values"));
  REQUIRE_THROWS_WITH(load("  replications: 50001\n  sweep: {firms.A.markup: [0.1, 0.2]}\n"),
                      Contains("2 design points x 50001 replications = 100002 runs"));
  CHECK(load("  replications: 50000\n  sweep: {firms.A.markup: [0.1, 0.2]}\n").replications ==
        50000);
  // A key path split into maps in the file (a --set's are read as key paths), and a map as a
  // value, say how a sweep is written.
  REQUIRE_THROWS_WITH(load("  sweep: {firms: {A: {budget: [1, 2]}}}\n"),
                      Contains("experiment.sweep.firms") &&
                          Contains("a sweep's key is a whole key path written as one key") &&
                          Contains("--set 'experiment.sweep.firms.KEY=[1, 2]'"));
  REQUIRE_THROWS_WITH(load("  sweep: {firms.A.loyalty_program: [~, {every: 10, reward: 2}]}\n"),
                      Contains("experiment.sweep.firms.A.loyalty_program") &&
                          Contains("to vary a map, sweep one of its keys instead "
                                   "('firms.A.loyalty_program.KEY: [0, 2]', say)"));
}

TEST_CASE(
    "an experiment block of the wrong shape, and a key it may not vary, are refused at "
    "their line",
    "[experiment]") {
  REQUIRE_THROWS_WITH(load("  5\n"),
                      Contains("test.yaml:2:3: key 'experiment': got \"5\", expected a map with "
                               "replications, sweep, together, design or branch_at"));
  REQUIRE_THROWS_WITH(load("  sweep: [1, 2]\n"),
                      Contains("test.yaml:2:10: key 'experiment.sweep': got [1, 2], expected a map "
                               "from key path to a list of values, e.g. {consumers: [1e4, 2e4]}"));
  REQUIRE_THROWS_WITH(load("  together: 3\n"),
                      Contains("test.yaml:2:13: key 'experiment.together': got \"3\", expected a "
                               "map from key path to a list of values"));
  // The output and the experiment itself are the same in every run.
  REQUIRE_THROWS_WITH(load("  sweep: {output.path: [a.h5, b.h5]}\n"),
                      Contains("test.yaml:2:") &&
                          Contains("key 'experiment.sweep.output.path': 'output.path' cannot be "
                                   "varied inside an experiment"));
  REQUIRE_THROWS_WITH(
      load("  together: {experiment.replications: [1, 2], market.wom_rate: [0, 1]}\n"),
      Contains("key 'experiment.together.experiment.replications': "
               "'experiment.replications' cannot be varied inside an experiment"));
  REQUIRE_THROWS_WITH(
      load("  design: {latin_hypercube: {samples: 4, ranges: {output: [0, 1]}}}\n"),
      Contains("key 'experiment.design.latin_hypercube.ranges.output': 'output' cannot be varied "
               "inside an experiment"));
  // An empty map is no range either (a map is shown as {...}).
  for (const auto& [ranges, shown] : {std::pair{"[1, 2]", "[1, 2]"}, std::pair{"{}", "{...}"}})
    REQUIRE_THROWS_WITH(
        load(std::string("  design: {latin_hypercube: {samples: 4, ranges: ") + ranges + "}}\n"),
        Contains("test.yaml:2:50: key 'experiment.design.latin_hypercube.ranges': got " +
                 std::string(shown) + ", expected a map from key path to [low, high]"));
}

TEST_CASE("a list as a sweep value suggests a sub-key only when the key holds a map",
          "[experiment]") {
  const std::string document =
      "firms:\n"
      "  - {name: V, budget_per_year: 5, loyalty_program: {every: 10, reward: 2}}\n"
      "segments:\n"
      "  - {name: s, ideal: {mean: [0, 1]}}\n"
      "experiment:\n"
      "  sweep:\n";
  const auto sweep = [&](const std::string& line) {
    const msim::Config root = msim::Config::load_string(document + line, "d.yaml");
    return msim::load_experiment(root.child("experiment"), 52, false, &root);
  };
  // A budget is a single value: no budget_per_year.KEY to sweep.
  REQUIRE_THROWS_WITH(sweep("    firms.V.budget_per_year: [[1, 2], 3]\n"),
                      Contains("d.yaml:7:") &&
                          Contains("a sweep sets one value per design point, so each item of "
                                   "the list is one value of 'firms.V.budget_per_year'") &&
                          !Contains("KEY"));
  REQUIRE_THROWS_WITH(sweep("    firms.V.loyalty_program: [[1, 2], 3]\n"),
                      Contains("sweep one of its keys instead ('firms.V.loyalty_program.KEY"));
  REQUIRE_THROWS_WITH(sweep("    segments.s.ideal.mean: [[0, 1], [1, 1]]\n"),
                      Contains("'segments.s.ideal.mean' is a list, and a sweep varies one of its "
                               "items at a time ('segments.s.ideal.mean.0: [0, 2]', say)"));
  // Looking does not mark keys as read: an unknown key in the document is still one.
  const msim::Config root =
      msim::Config::load_string(document + "    firms.V.budget_per_year: [1, 2]\n", "d.yaml");
  msim::load_experiment(root.child("experiment"), 52, false, &root);
  CHECK(root.child("firms").items().at(0).known_keys().empty());
}

TEST_CASE("one key written by name and by index is varied in one place only", "[experiment]") {
  const std::string document =
      "firms:\n"
      "  - {name: Big, budget_per_year: 5, innovation: {every_steps: 4}}\n"
      "  - {budget_per_year: 6}\n"
      "experiment:\n";
  const auto plan = [&](const std::string& block) {
    const msim::Config root = msim::Config::load_string(document + block, "d.yaml");
    return msim::load_experiment(root.child("experiment"), 52, false, &root);
  };
  // Firm 0 is Big: design point 2 would be labelled budget 2 and run with 3.
  REQUIRE_THROWS_WITH(
      plan("  sweep:\n"
           "    firms.Big.budget_per_year: [1, 2]\n"
           "    firms.0.budget_per_year: [3, 4]\n"),
      Contains("d.yaml:7:") && Contains("key 'experiment.sweep.firms.0.budget_per_year'") &&
          Contains("'firms.0.budget_per_year' is the same key as 'firms.Big.budget_per_year' "
                   "(experiment.sweep.firms.Big.budget_per_year, d.yaml:6)") &&
          Contains("both address firms.Big.budget_per_year"));
  REQUIRE_THROWS_WITH(plan("  sweep: {firms.0.budget_per_year: [1, 2]}\n"
                           "  together: {firms.Big.budget_per_year: [3, 4]}\n"),
                      Contains("d.yaml:6:") && Contains("experiment.together.firms.Big") &&
                          Contains("(experiment.sweep.firms.0.budget_per_year, d.yaml:5)"));
  REQUIRE_THROWS_WITH(
      plan(
          "  sweep: {firms.Big.budget_per_year: [1, 2]}\n"
          "  design: {latin_hypercube: {samples: 4, ranges: {firms.0.budget_per_year: [0, 1]}}}\n"),
      Contains("d.yaml:6:") && Contains("the same key as 'firms.Big.budget_per_year'"));
  // An item without a name is named by its index either way; a key the document does not hold
  // yet is compared past the item.
  REQUIRE_THROWS_WITH(plan("  sweep: {firms.1.budget_per_year: [1, 2]}\n"
                           "  together: {firms.1.budget_per_year: [3, 4]}\n"),
                      Contains("'firms.1.budget_per_year' is already varied in experiment.sweep"));
  REQUIRE_THROWS_WITH(
      plan("  sweep: {firms.Big.price.fixed: [1, 2], firms.0.price.fixed: [3, 4]}\n"),
      Contains("both address firms.Big.price.fixed"));
  // One inside the other.
  REQUIRE_THROWS_WITH(
      plan("  sweep: {firms.Big.innovation.every_steps: [1, 2]}\n"
           "  design: {latin_hypercube: {samples: 4, ranges: {firms.0.innovation: [0, 1]}}}\n"),
      Contains("'firms.0.innovation' holds 'firms.Big.innovation.every_steps'"));
  // Different keys of one item, and one key of two items, are fine.
  CHECK(plan("  sweep: {firms.Big.budget_per_year: [1, 2], firms.0.innovation.every_steps: [1, 2], "
             "firms.1.budget_per_year: [1, 2]}\n")
            .sweep.size() == 3);
}

TEST_CASE("keys moved together take their values in step, crossed with the sweep", "[experiment]") {
  const auto spec = load(
      "  replications: 2\n"
      "  sweep:\n"
      "    market.wom_rate: [0.1, 0.2]\n"
      "  together:\n"
      "    segments.a.ideal.mean.0: [0, 1, 2]\n"
      "    segments.b.ideal.mean.1: [0, 1.5, 3]\n");
  const auto points = msim::design_points(spec, 1);
  // Three steps of the pair (slowest), each with both sweep values: 6 points, not 18.
  REQUIRE(points.size() == 6);
  CHECK(points[0].overrides() == std::vector<std::string>{"segments.a.ideal.mean.0=0",
                                                          "segments.b.ideal.mean.1=0",
                                                          "market.wom_rate=0.1"});
  CHECK(points[3].overrides() == std::vector<std::string>{"segments.a.ideal.mean.0=1",
                                                          "segments.b.ideal.mean.1=1.5",
                                                          "market.wom_rate=0.2"});
  CHECK(points[5].overrides() == std::vector<std::string>{"segments.a.ideal.mean.0=2",
                                                          "segments.b.ideal.mean.1=3",
                                                          "market.wom_rate=0.2"});
  CHECK(msim::run_plans(spec, points.size(), 42).size() == 12);
  // Alone, and with a Latin hypercube: one point per step, times the samples.
  CHECK(msim::design_points(load("  together: {a: [1, 2, 3], b: [4, 5, 6]}\n"), 1).size() == 3);
  CHECK(
      msim::design_points(load("  together: {a: [1, 2], b: [4, 5]}\n"
                               "  design: {latin_hypercube: {samples: 4, ranges: {c: [0, 1]}}}\n"),
                          1)
          .size() == 8);
}

TEST_CASE("bad keys moved together are reported at their line", "[experiment]") {
  REQUIRE_THROWS_WITH(load("  together: {a: [1, 2, 3], b: [4, 5]}\n"),
                      Contains("test.yaml:2:") && Contains("experiment.together.b") &&
                          Contains("3 values, as many as 'a' has"));
  REQUIRE_THROWS_WITH(load("  sweep: {a: [1, 2]}\n  together: {a: [1, 2], b: [3, 4]}\n"),
                      Contains("test.yaml:3:") && Contains("'a' is already varied"));
  REQUIRE_THROWS_WITH(load("  together: {a: [1, 2], b: [3, 4]}\n"
                           "  design: {latin_hypercube: {samples: 4, ranges: {b: [0, 1]}}}\n"),
                      Contains("test.yaml:3:") && Contains("'b' is already varied"));
  REQUIRE_THROWS_WITH(load("  together: {seed: [1, 2]}\n"), Contains("replications"));
  REQUIRE_THROWS_WITH(load("  together: {}\n"), Contains("at least one key path"));
  REQUIRE_THROWS_WITH(load("  together: {a: []}\n"), Contains("a non-empty list of values"));
  REQUIRE_THROWS_WITH(load("  together: {firms: {A: {budget: [1, 2]}}}\n"),
                      Contains("a key of experiment.together is a whole key path") &&
                          Contains("--set 'experiment.together.firms.KEY=[1, 2]'"));
}

TEST_CASE("a sweep value given twice gets a note: two design points would be the same",
          "[experiment]") {
  const auto notes = [](const std::string& block) {
    const msim::Config root = msim::Config::load_string("experiment: " + block + "\n", "t.yaml");
    msim::load_experiment(root.child("experiment"), 52);
    return root.notes();
  };
  CHECK(notes("{sweep: {a.b: [1, 2, 3]}}").empty());
  CHECK(notes("{together: {a.b: [1, 1], c: [2, 3]}}").empty());  // the pairs differ
  const auto twice = notes("{sweep: {a.b: [1000, 2000, 1e3], c: [x, y, x], d: [true, True]}}");
  REQUIRE(twice.size() == 3);
  CHECK_THAT(twice[0], Catch::Contains("key 'experiment.sweep.a.b'") &&
                           Catch::Contains("the value 1000 is given more than once (items 0 and "
                                           "2: 1000 and 1e3)"));
  CHECK_THAT(twice[1], Catch::Contains("the value x is given more than once (items 0 and 2)"));
  CHECK_THAT(twice[2], Catch::Contains("(items 0 and 1: true and True)"));
  // Moved together: the same design point where every key repeats at once.
  const auto together = notes("{together: {a.b: [1, 2, 1.0], c: [x, y, x]}}");
  REQUIRE(together.size() == 1);
  CHECK_THAT(together[0], Catch::Contains("key 'experiment.together'") &&
                              Catch::Contains("items 0 and 2 of every key are the same"));
}
