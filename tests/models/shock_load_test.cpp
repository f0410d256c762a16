// Loading the shocks timeline: every mistake names the file, line, key path and value.
#include <string>

#include <catch2/catch.hpp>

#include "models/scenario_load.hpp"
#include "sim/error.hpp"

using Catch::Contains;

namespace {

// Line numbers matter: shocks start on line 17.
const std::string kBase = R"(name: shock load test
consumers: 1000
steps: 52
steps_per_year: 52
categories:
  - {name: snacks, base_cost: 1.0}
segments:
  - name: young
    share: 0.6
    ideal: {mean: [0.5, 0.5], sd: [0.5, 0.5]}
    purchase_rate: {snacks: {mean: 0.5}}
  - name: seniors
    share: 0.4
    ideal: {mean: [-0.5, 0.0], sd: [0.5, 0.5]}
    purchase_rate: {snacks: {mean: 0.4}}
firms: [{name: Acme, strategy: mass, budget_per_year: 1.0e6}, {name: Boutique, strategy: niche, target: seniors, budget_per_year: 1.0e5}]
shocks:
)";

msim::Scenario load(const std::string& shocks, const std::vector<std::string>& overrides = {}) {
  return msim::load_scenario_text(kBase + shocks, "test.yaml", overrides);
}

}  // namespace

TEST_CASE("a shocks timeline loads and round-trips through resolved YAML", "[shocks]") {
  const msim::Scenario sc = load(
      "  - {name: cut, week: 27, kind: budget, firm: Acme, multiply: 0.7}\n"
      "  - {step: 30, kind: enter, firm: Boutique}\n"
      "  - {step: 40, kind: recession, multiply: 0.8, segments: [young], categories: [snacks]}\n"
      "  - {step: 41, kind: opt_out, fraction: 0.2}\n"
      "  - {step: 42, kind: cpm, channel: direct, set: 0.9}\n"
      "  - {step: 43, kind: price, firm: Acme, markup: 0.5, enabled: false}\n"
      "  - {step: 44, kind: cost, firm: Acme, set: 0.8}\n"
      "  - {step: 45, kind: fixed_cost, firm: Acme, multiply: 1.5}\n"
      "  - {step: 50, kind: exit, firm: Boutique}\n");
  REQUIRE(sc.shocks.size() == 9);
  CHECK(sc.shocks[0].step == 26);  // week 27 is step 26
  CHECK(sc.shocks[0].name == "cut");
  CHECK(sc.shocks[1].firm == 1);
  CHECK(sc.shocks[2].segments == std::vector<int>{0});
  CHECK(sc.shocks[5].op == msim::ShockOp::markup);
  CHECK_FALSE(sc.shocks[5].enabled);
  const std::string yaml = msim::resolved_yaml(sc);
  CHECK(msim::resolved_yaml(msim::load_scenario_text(yaml, "resolved.yaml")) == yaml);
  // Every shock states whether it is on, so two runs' scenarios compare key by key.
  CHECK(yaml.find("enabled: true") != std::string::npos);
  CHECK(yaml.find("enabled: false") != std::string::npos);
  // Named shocks are addressed by name with --set.
  const msim::Scenario more =
      load("  - {name: cut, week: 27, kind: budget, firm: Acme, multiply: 0.7}\n",
           {"shocks.cut.multiply=0.5"});
  CHECK(more.shocks[0].value == 0.5);
}

TEST_CASE("a --set of step on a shock written with week retimes it, with a note", "[shocks]") {
  const std::string cut = "  - {name: cut, week: 27, kind: budget, firm: Acme, multiply: 0.7}\n";
  // The --set times the shock, as a branch's or a design point's value does (neither can
  // remove the file's week); the note names the file's line of the key it replaces.
  const msim::Scenario sc = load(cut, {"shocks.0.step=3"});
  CHECK(sc.shocks[0].step == 3);
  REQUIRE(sc.notes.size() == 1);
  CHECK(sc.notes[0] ==
        "--set 'shocks.0.step=3': key 'shocks.cut.step': times the shock by step instead of the "
        "file's week 27 (test.yaml:18:23)");
  const msim::Scenario by_week =
      load("  - {name: cut, step: 26, kind: budget, firm: Acme, multiply: 0.7}\n",
           {"shocks.cut.week=3"});
  CHECK(by_week.shocks[0].step == 2);
  REQUIRE(by_week.notes.size() == 1);
  CHECK_THAT(by_week.notes[0], Contains("--set 'shocks.cut.week=3'") &&
                                   Contains("instead of the file's step 26 (test.yaml:18:23)"));
  // The retimed shock is checked as one written so: a week past the run is refused.
  REQUIRE_THROWS_WITH(load(cut, {"shocks.cut.step=52"}),
                      Contains("--set 'shocks.cut.step=52'") && Contains("a step from 0 to 51"));
  // Clearing the other key, as earlier advice had it, still loads, without a note.
  const msim::Scenario cleared = load(cut, {"shocks.0.step=3", "shocks.cut.week=~"});
  CHECK(cleared.shocks[0].step == 3);
  CHECK(cleared.notes.empty());
  // Both in the file, or both from --set: at the week's line, as before.
  REQUIRE_THROWS_WITH(
      load("  - {name: cut, week: 27, step: 3, kind: budget, firm: Acme, multiply: 0.7}\n"),
      Contains("test.yaml:18:") && Contains("shocks.cut.week") &&
          Contains("give either step or week, not both"));
  REQUIRE_THROWS_WITH(load(cut, {"shocks.cut.step=3", "shocks.cut.week=5"}),
                      Contains("give either step or week, not both"));
}

TEST_CASE("bad shocks are reported at their line with the key path", "[shocks]") {
  using msim::InputError;
  REQUIRE_THROWS_WITH(
      load("  - {step: 3, kind: budget, firm: Acmee, multiply: 0.7}\n"),
      Contains("test.yaml:18:") && Contains("shocks.0.firm") && Contains("did you mean 'Acme'"));
  REQUIRE_THROWS_WITH(load("  - {step: 52, kind: budget, firm: Acme, multiply: 0.7}\n"),
                      Contains("test.yaml:18:") && Contains("shocks.0.step") &&
                          Contains("\"52\"") && Contains("steps is 52"));
  // A week too early and a week too late get the same message, with the run's weeks.
  for (const char* week : {"0", "53", "-4"})
    REQUIRE_THROWS_WITH(load(std::string("  - {week: ") + week + ", kind: exit, firm: Acme}\n"),
                        Contains("test.yaml:18:") && Contains("shocks.0.week") &&
                            Contains("a week from 1 to 52 (within the run: steps is 52)"));
  REQUIRE_THROWS_WITH(load("  - {step: 3, kind: budgets, firm: Acme, multiply: 0.7}\n"),
                      Contains("shocks.0.kind") && Contains("did you mean 'budget'"));
  REQUIRE_THROWS_WITH(load("  - {step: 3, kind: budget, firm: Acme, multiply: 0.7, set: 5}\n"),
                      Contains("test.yaml:18:") && Contains("only one of"));
  REQUIRE_THROWS_WITH(load("  - {step: 3, kind: budget, firm: Acme}\n"),
                      Contains("test.yaml:18:") && Contains("'multiply'"));
  REQUIRE_THROWS_WITH(load("  - {step: 3, kind: budget, firm: Acme, multipy: 0.7}\n"),
                      Contains("unknown key 'multipy'") && Contains("did you mean 'multiply'"));
  REQUIRE_THROWS_WITH(load("  - {step: 3, kind: recession, multiply: 0.7, segments: [yung]}\n"),
                      Contains("shocks.0.segments") && Contains("did you mean 'young'"));
  REQUIRE_THROWS_WITH(load("  - {step: 3, kind: opt_out, fraction: 1.5}\n"),
                      Contains("shocks.0.fraction") && Contains("\"1.5\""));
  REQUIRE_THROWS_WITH(load("  - {step: 3, kind: cpm, channel: radio, multiply: 2}\n"),
                      Contains("shocks.0.channel") && Contains("'mass'"));
  // Prices and costs move by at most 1000 times at a time and stay within a billion per unit.
  REQUIRE_THROWS_WITH(load("  - {step: 3, kind: price, firm: Acme, multiply: 1e-17}\n"),
                      Contains("shocks.0.multiply") && Contains("[0.001, 1000]"));
  REQUIRE_THROWS_WITH(load("  - {step: 3, kind: cost, firm: Acme, multiply: 1e4}\n"),
                      Contains("shocks.0.multiply") && Contains("[0.001, 1000]"));
  REQUIRE_THROWS_WITH(load("  - {step: 3, kind: price, firm: Acme, set: 1e10}\n"),
                      Contains("shocks.0.set") && Contains("(0, 1000000000]"));
  REQUIRE_THROWS_WITH(load("  - {step: 3, kind: cpm, channel: mass, set: 1e300}\n"),
                      Contains("shocks.0.set") && Contains("(0, 1000000000]"));
  REQUIRE_THROWS_WITH(
      load("  - {step: 9, kind: enter, firm: Acme}\n"
           "  - {step: 5, kind: exit, firm: Acme}\n"),
      Contains("test.yaml:19:") && Contains("firm 'Acme' exits in step 5 and enters in step 9"));
  REQUIRE_THROWS_WITH(load("  - {step: 9, kind: enter, firm: Acme}\n"
                           "  - {step: 12, kind: enter, firm: Acme}\n"),
                      Contains("test.yaml:19:") && Contains("already has an 'enter'"));
  REQUIRE_THROWS_WITH(
      msim::load_scenario_text(
          kBase.substr(0, kBase.find("steps_per_year")) + "steps_per_year: 12\n" +
              kBase.substr(kBase.find("categories:")) + "  - {week: 3, kind: exit, firm: Acme}\n",
          "test.yaml"),
      Contains("shocks.0.week") && Contains("steps_per_year: 52"));
}

TEST_CASE("a shock's lists name each item once, and shock names are unique", "[shocks]") {
  REQUIRE_THROWS_WITH(
      load("  - {step: 3, kind: recession, multiply: 0.8, segments: [young, young]}\n"),
      Contains("test.yaml:18:") &&
          Contains("key 'shocks.0.segments.1': segment 'young' is listed twice"));
  REQUIRE_THROWS_WITH(
      load("  - {step: 3, kind: recession, multiply: 0.8, categories: [snacks, snacks]}\n"),
      Contains("test.yaml:18:") &&
          Contains("key 'shocks.0.categories.1': category 'snacks' is listed twice"));
  // The second shock of the name is refused at its own line.
  REQUIRE_THROWS_WITH(
      load("  - {name: cut, step: 3, kind: budget, firm: Acme, multiply: 0.7}\n"
           "  - {name: cut, step: 9, kind: budget, firm: Boutique, multiply: 0.5}\n"),
      Contains("test.yaml:19:") &&
          Contains(
              "the name 'cut' is used twice in shocks: item 0 (test.yaml:18:5) has it already"));
  CHECK(load("  - {name: cut, step: 3, kind: budget, firm: Acme, multiply: 0.7}\n"
             "  - {name: cut2, step: 9, kind: budget, firm: Boutique, multiply: 0.5}\n")
            .shocks.size() == 2);
}

// young's snacks rates are exponential (shape 1) with mean 0.5: a share e^(-36 / F) of them lie
// above the stored limit of 18 once recessions have multiplied them by F, more than 1e-4 from
// F = 3.91 on.
TEST_CASE("recessions may not raise purchase rates past the stored limit", "[shocks]") {
  REQUIRE_NOTHROW(load("  - {step: 10, kind: recession, multiply: 3.5}\n"));
  REQUIRE_THROWS_WITH(
      load("  - {name: boom, step: 10, kind: recession, multiply: 4}\n"),
      Contains("test.yaml:18:") && Contains("key 'shocks.boom.multiply'") &&
          Contains("got 4, which raises the snacks purchase rates of segment 'young' to a mean of "
                   "2 (shape 1): a share 0.00012 of the segment's consumers would draw a purchase "
                   "rate above 18 occasions per step") &&
          Contains("expected a share of at most 0.0001 above 18"));
  // seniors' mean 0.4 takes x4: a share 1.3e-5 above 18.
  REQUIRE_NOTHROW(load("  - {step: 10, kind: recession, multiply: 4, segments: [seniors]}\n"));
  REQUIRE_NOTHROW(load("  - {step: 10, kind: recession, multiply: 10, enabled: false}\n"));
  // Recessions compound, in step order: the second of these takes young's rates x4.
  REQUIRE_THROWS_WITH(load("  - {step: 20, kind: recession, multiply: 2}\n"
                           "  - {step: 10, kind: recession, multiply: 2}\n"
                           "  - {step: 30, kind: recession, multiply: 0.5}\n"),
                      Contains("test.yaml:18:") && Contains("key 'shocks.0.multiply'") &&
                          Contains("to a mean of 2, x4 with the recessions before it (shape 1)"));
  REQUIRE_NOTHROW(
      load("  - {step: 20, kind: recession, multiply: 2}\n"
           "  - {step: 10, kind: recession, multiply: 0.5}\n"
           "  - {step: 30, kind: recession, multiply: 2}\n"));
  REQUIRE_THROWS_WITH(load("  - {step: 10, kind: recession, multiply: 2, categories: [snacks]}\n",
                           {"shocks.0.multiply=5"}),
                      Contains("--set 'shocks.0.multiply=5': key 'shocks.0.multiply'") &&
                          Contains("a share 0.00075"));
}

// Each shock's factor lies in its own range, but shocks compound: 49 budget shocks x1e6 took a
// budget of 1e15 to infinity (an internal error at the step), fixed costs to -inf profit.
TEST_CASE("shocks may not take a budget, cost or media price past its key's range", "[shocks]") {
  REQUIRE_NOTHROW(
      load("  - {step: 5, kind: budget, firm: Acme, multiply: 1e6}\n"
           "  - {step: 6, kind: budget, firm: Acme, multiply: 1e3}\n"));
  REQUIRE_THROWS_WITH(load("  - {step: 5, kind: budget, firm: Acme, multiply: 1e6}\n"
                           "  - {step: 6, kind: budget, firm: Acme, multiply: 1e4}\n"),
                      Contains("test.yaml:19:") &&
                          Contains("key 'shocks.1.multiply': got \"1e4\", expected a factor "
                                   "that keeps the budget_per_year of firm 'Acme' at "
                                   "most 1e+15: in step 6 it would take it from 1e+12 "
                                   "to 1e+16"));
  // By step, then in list order: the `set` at step 10 comes before the factor at step 20.
  REQUIRE_THROWS_WITH(load("  - {step: 20, kind: budget, firm: Acme, multiply: 1e4}\n"
                           "  - {step: 10, kind: budget, firm: Acme, set: 1e12}\n"),
                      Contains("test.yaml:18:") && Contains("key 'shocks.0.multiply'") &&
                          Contains("from 1e+12 to 1e+16"));
  REQUIRE_NOTHROW(
      load("  - {step: 10, kind: budget, firm: Acme, multiply: 1e4}\n"
           "  - {step: 20, kind: budget, firm: Acme, set: 1e12}\n"
           "  - {step: 20, kind: budget, firm: Acme, multiply: 1e3}\n"));
  // A disabled shock never applies; a --set (or a sweep) that enables it is checked.
  const std::string off =
      "  - {step: 5, kind: budget, firm: Acme, multiply: 1e6}\n"
      "  - {name: more, step: 6, kind: budget, firm: Acme, multiply: 1e4, "
      "enabled: false}\n";
  REQUIRE_NOTHROW(load(off));
  REQUIRE_THROWS_WITH(load(off, {"shocks.more.enabled=true"}),
                      Contains("test.yaml:19:") && Contains("key 'shocks.more.multiply'"));
  // A factor from --set is named as such.
  REQUIRE_THROWS_WITH(load("  - {step: 5, kind: budget, firm: Acme, multiply: 2}\n",
                           {"firms.Acme.budget_per_year=1e12", "shocks.0.multiply=1e4"}),
                      Contains("--set 'shocks.0.multiply=1e4': key 'shocks.0.multiply'") &&
                          Contains("in step 5 it would take it from 1e+12 to 1e+16"));
  // A fixed cost, in weeks where the shock gives a week.
  REQUIRE_THROWS_WITH(load("  - {week: 3, kind: fixed_cost, firm: Boutique, set: 1e15}\n"
                           "  - {week: 9, kind: fixed_cost, firm: Boutique, multiply: 1.5}\n"),
                      Contains("test.yaml:19:") &&
                          Contains("the fixed_cost_per_year of firm 'Boutique' at most 1e+15: in "
                                   "week 9 it would take it from 1e+15 to 1.5e+15"));
  // A firm's base cost per unit and the media prices stay within (0, 1e9], as their keys do.
  REQUIRE_NOTHROW(
      load("  - {step: 5, kind: cost, firm: Acme, multiply: 1000}\n"
           "  - {step: 5, kind: cost, firm: Acme, multiply: 1000}\n"
           "  - {step: 5, kind: cost, firm: Acme, multiply: 1000}\n"));
  REQUIRE_THROWS_WITH(load("  - {step: 5, kind: cost, firm: Acme, set: 2e8}\n"
                           "  - {step: 7, kind: cost, firm: Acme, multiply: 10}\n"),
                      Contains("test.yaml:19:") &&
                          Contains("the base cost per unit of firm 'Acme' in category 'snacks' "
                                   "within (0, 1e+09]: in step 7 it would take it from 2e+08 to "
                                   "2e+09"));
  std::string cuts;
  for (int k = 0; k < 110; ++k)
    cuts += "  - {step: 5, kind: cpm, channel: mass, multiply: 0.001}\n";
  REQUIRE_THROWS_WITH(load(cuts), Contains("key 'shocks.108.multiply'") &&
                                      Contains("market.cpm_mass within (0, 1e+09]") &&
                                      Contains("to 0"));
  REQUIRE_THROWS_WITH(load("  - {step: 5, kind: cpm, channel: targeted, multiply: 1000}\n"
                           "  - {step: 6, kind: cpm, channel: targeted, multiply: 1000}\n"
                           "  - {step: 7, kind: cpm, channel: targeted, multiply: 1000}\n"),
                      Contains("test.yaml:20:") &&
                          Contains("market.cpm_targeted within (0, 1e+09]: in step 7 it would "
                                   "take it from 2.7e+07 to 2.7e+10"));
  // The cost per direct contact is each plan's own until a `set` gives one to every plan.
  REQUIRE_NOTHROW(
      load("  - {step: 5, kind: cpm, channel: direct, multiply: 1000}\n"
           "  - {step: 6, kind: cpm, channel: direct, multiply: 1000}\n"));
  REQUIRE_THROWS_WITH(
      load("  - {step: 5, kind: cpm, channel: direct, set: 1e7}\n"
           "  - {step: 6, kind: cpm, channel: direct, multiply: 1000}\n"),
      Contains("test.yaml:19:") && Contains("the cost per direct contact within (0, 1e+09]"));
}

TEST_CASE("a percentage where a fraction is expected says which fraction to write", "[shocks]") {
  // A markup, a rate or a share written in percent: 30 would run (with only a warning) at 31
  // times the unit cost, so the error says 0.3.
  REQUIRE_THROWS_WITH(load("", {"firms.Acme.markup=30%"}),
                      Contains("key 'firms.Acme.markup': got \"30%\", expected a number in "
                               "[-0.99, 100] (written as a fraction, not a percentage: 0.3 for "
                               "30%)"));
  REQUIRE_THROWS_WITH(
      load("  - {week: 30, kind: price, firm: Acme, markup: 20%}\n"),
      Contains("test.yaml:18:") && Contains("shocks.0.markup") && Contains("0.2 for 20%"));
  REQUIRE_THROWS_WITH(load("", {"market.discount_rate_per_year=8%"}), Contains("0.08 for 8%"));
  REQUIRE_THROWS_WITH(load("", {"segments.young.privacy_opt_out=15%"}), Contains("0.15 for 15%"));
  // A factor is no fraction: 15% may mean a cut to 0.85, so no number is offered.
  REQUIRE_THROWS_WITH(load("  - {week: 30, kind: price, firm: Acme, multiply: 15%}\n"),
                      Contains("got \"15%\", expected a number in [0.001, 1000], without a "
                               "percent sign") &&
                          !Contains("0.15"));
}

TEST_CASE("shortening a run with --set keeps later shocks, which never fire", "[shocks]") {
  const msim::Scenario sc =
      load("  - {week: 40, kind: budget, firm: Acme, multiply: 0.7}\n", {"steps=5"});
  CHECK(sc.steps == 5);
  CHECK(sc.shocks[0].step == 39);
}

TEST_CASE("a shock past the scenario file's run is refused, whatever --set steps says",
          "[shocks]") {
  // The file runs 52 weeks: week 60 is past it, shortened, kept as long, or lengthened to 58.
  const std::string late = "  - {name: cut, week: 60, kind: budget, firm: Acme, multiply: 0.5}\n";
  for (const std::vector<std::string>& sets :
       {std::vector<std::string>{}, {"steps=20"}, {"steps=52"}, {"steps=58"}})
    REQUIRE_THROWS_WITH(load(late, sets), Contains("test.yaml:18:") &&
                                              Contains("shocks.cut.week") && Contains("\"60\""));
  REQUIRE_THROWS_WITH(load(late, {"steps=20"}),
                      Contains("a week from 1 to 52 (within the run: steps is 52 in the scenario "
                               "file, 20 with --set)"));
  REQUIRE_THROWS_WITH(load(late, {"steps=58"}), Contains("a week from 1 to 58"));
  REQUIRE_THROWS_WITH(load("  - {step: 64000, kind: exit, firm: Acme}\n", {"steps=10"}),
                      Contains("shocks.0.step") && Contains("a step from 0 to 51"));
  // Lengthened by --set, the run takes the shock; a second --set is measured against the file.
  CHECK(load(late, {"steps=60"}).shocks[0].step == 59);
  REQUIRE_THROWS_WITH(load(late, {"steps=70", "steps=30"}),
                      Contains("steps is 52 in the scenario file, 30 with --set"));
  // A file without steps runs the default 104 weeks.
  std::string no_steps = kBase;
  no_steps.erase(no_steps.find("steps: 52\n"), std::string("steps: 52\n").size());
  const auto bare = [&](const std::string& shocks, const std::vector<std::string>& sets) {
    return msim::load_scenario_text(no_steps + shocks, "test.yaml", sets);
  };
  CHECK(bare("  - {week: 100, kind: exit, firm: Acme}\n", {"steps=20"}).shocks[0].step == 99);
  REQUIRE_THROWS_WITH(bare("  - {week: 105, kind: exit, firm: Acme}\n", {"steps=20"}),
                      Contains("a week from 1 to 104 (within the run: steps is 104 in the "
                               "scenario file, 20 with --set)"));
}

TEST_CASE("the scenario file's steps count however the file writes them", "[shocks]") {
  // 1e2, 100.0 and +100 are 100 steps to the loader, and so to the shock check.
  for (const char* written : {"1e2", "100.0", "+100"}) {
    std::string text = kBase + "  - {name: late, step: 90, kind: exit, firm: Acme}\n";
    text.replace(text.find("steps: 52"), 9, std::string("steps: ") + written);
    INFO(written);
    const msim::Scenario sc = msim::load_scenario_text(text, "test.yaml", {"steps=20"});
    CHECK(sc.shocks[0].step == 90);
    CHECK(sc.notes.empty());  // a trial run's later shocks never fire, silently
  }
}

TEST_CASE("a shock that a --set puts after the run's end gets a note: it never fires", "[shocks]") {
  const msim::Scenario sc = load(
      "  - {name: cut, week: 10, kind: budget, firm: Acme, "
      "multiply: 0.5}\n",
      {"steps=20", "shocks.cut.week=30"});
  REQUIRE(sc.notes.size() == 1);
  CHECK_THAT(sc.notes[0], Contains("--set 'shocks.cut.week=30'") &&
                              Contains("this shock, in week 30, comes after the run's last week "
                                       "(20), so it never fires"));
  CHECK(load("  - {name: cut, week: 30, kind: budget, firm: Acme, multiply: 0.5}\n", {"steps=20"})
            .notes.empty());
}

TEST_CASE("a shock without its time asks for week or step", "[shocks]") {
  REQUIRE_THROWS_WITH(load("  - {name: cut, kind: budget, firm: Acme, multiply: 0.5}\n"),
                      Contains("test.yaml:18:") && Contains("shocks.cut") &&
                          Contains("a shock needs its time: 'week' (from 1) or 'step' (from 0)"));
}

TEST_CASE("a factor or markup that looks like a percentage is loaded, with a note", "[shocks]") {
  const msim::Scenario sc = load(
      "  - {week: 30, kind: price, firm: Acme, multiply: 15}\n"
      "  - {week: 31, kind: budget, firm: Boutique, multiply: 30}\n"
      "  - {week: 32, kind: price, firm: Boutique, markup: 20}\n"
      "  - {week: 33, kind: cost, firm: Acme, multiply: 3}\n"
      "  - {week: 34, kind: budget, firm: Acme, multiply: 10}\n",
      {"firms.Acme.markup=50"});
  REQUIRE(sc.shocks.size() == 5);
  REQUIRE(sc.notes.size() == 4);  // a cost x3 and a budget x10 are plausible: no note
  CHECK_THAT(sc.notes[0], Contains("--set 'firms.Acme.markup=50'") &&
                              Contains("a markup of 50 sets the price at 51 times the unit cost") &&
                              Contains("0.5 for 50%"));
  CHECK_THAT(sc.notes[1], Contains("test.yaml:18:") && Contains("shocks.0.multiply") &&
                              Contains("multiplies the price by 15") &&
                              Contains("to cut it by 15% multiply: 0.85"));
  CHECK_THAT(sc.notes[2], Contains("test.yaml:19:") && Contains("multiplies the budget by 30"));
  CHECK_THAT(sc.notes[3], Contains("shocks.2.markup") && Contains("a markup of 20"));
  CHECK(load("  - {week: 30, kind: price, firm: Acme, multiply: 0.85}\n").notes.empty());
  // A factor of 100 or more offers no cut (a cut of 100% or more is no price at all).
  const auto hundredfold = load("  - {week: 30, kind: price, firm: Acme, multiply: 150}\n").notes;
  REQUIRE(hundredfold.size() == 1);
  CHECK_THAT(hundredfold[0], Contains("to raise it by 150% write multiply: 2.5, so check"));
}

TEST_CASE("a markup below 0 sells below cost: loaded, with a note", "[shocks]") {
  const msim::Scenario sc = load("  - {week: 30, kind: price, firm: Boutique, markup: -0.2}\n",
                                 {"firms.Acme.markup=-0.6"});
  REQUIRE(sc.notes.size() == 2);
  CHECK_THAT(sc.notes[0], Contains("--set 'firms.Acme.markup=-0.6'") &&
                              Contains("a markup of -0.6 sets the price at 0.4 times the unit "
                                       "cost: every unit sold loses 60% of its cost"));
  CHECK_THAT(sc.notes[1], Contains("shocks.0.markup") && Contains("loses 20% of its cost"));
  CHECK(load("", {"firms.Acme.markup=0"}).notes.empty());
}

TEST_CASE(
    "an exit before an entry says so in weeks when the shocks were written in weeks, and "
    "that re-entry is not supported",
    "[shocks]") {
  // Week N is step N - 1: the user wrote weeks 3 and 6, not steps 2 and 5.
  REQUIRE_THROWS_WITH(load("  - {name: s, week: 3, kind: exit, firm: Acme}\n"
                           "  - {name: t, week: 6, kind: enter, firm: Acme}\n"),
                      Contains("test.yaml:18:21: key 'shocks.s.week': firm 'Acme' exits in week 3 "
                               "and enters in week 6") &&
                          Contains("a firm may exit only once and only after it enters") &&
                          Contains("re-entry after an exit is not supported") && !Contains("step"));
  // Written one in weeks and one in steps: the week's step too.
  REQUIRE_THROWS_WITH(load("  - {name: s, week: 3, kind: exit, firm: Acme}\n"
                           "  - {name: t, step: 5, kind: enter, firm: Acme}\n"),
                      Contains("exits in week 3 (step 2) and enters in step 5"));
  // An exit after the entry is the rule, and loads.
  CHECK(load("  - {week: 3, kind: enter, firm: Acme}\n"
             "  - {week: 6, kind: exit, firm: Acme}\n")
            .shocks.size() == 2);
}

TEST_CASE("a --set addressing a shock the scenario does not have says so", "[shocks]") {
  const std::string none = kBase.substr(0, kBase.find("shocks:"));
  // Without shocks, --set shocks.x.week=3 would make a map {x: {week: 3}}.
  REQUIRE_THROWS_WITH(
      msim::load_scenario_text(none, "test.yaml", {"shocks.x.week=3"}),
      Contains("--set 'shocks.x.week=3': key 'shocks': there is no shock named 'x': the scenario "
               "has no shocks") &&
          Contains("--set 'shocks=[{name: x, week: 3, kind: exit, firm: NAME}]'") &&
          !Contains("each with step, kind and values"));
  // With shocks, their names.
  REQUIRE_THROWS_WITH(load("  - {name: cut, week: 27, kind: budget, firm: Acme, multiply: 0.7}\n",
                           {"shocks.x.week=3"}),
                      Contains("no item named 'x' in 'shocks'") && Contains("cut"));
  // A map where the list goes: what a shock takes.
  REQUIRE_THROWS_WITH(
      msim::load_scenario_text(none + "shocks: {week: 3}\n", "test.yaml"),
      Contains("test.yaml:17:") && Contains("expected a list of shocks, each a map with week (or "
                                            "step), kind and what the kind takes"));
}

TEST_CASE("a cost shock in a category the firm does not sell is refused", "[shocks]") {
  // Boutique sells snacks only, once drinks are there.
  const std::vector<std::string> drinks{
      "categories=[{name: snacks, base_cost: 1.0}, {name: drinks, base_cost: 0.5}]",
      "firms.Boutique.categories=[snacks]"};
  REQUIRE_THROWS_WITH(
      load("  - {week: 3, kind: cost, firm: Boutique, multiply: 2, categories: [drinks]}\n",
           drinks),
      Contains("test.yaml:18:") && Contains("shocks.0.categories.0") &&
          Contains("firm 'Boutique' sells no category 'drinks', so its cost there would change "
                   "nothing; it sells snacks"));
  CHECK(load("  - {week: 3, kind: cost, firm: Acme, multiply: 2, categories: [drinks]}\n", drinks)
            .shocks.size() == 1);
}

TEST_CASE("a shock to a firm after it exits is loaded, with a note", "[shocks]") {
  const msim::Scenario sc = load(
      "  - {name: gone, week: 10, kind: exit, firm: Boutique}\n"
      "  - {name: late, week: 20, kind: budget, firm: Boutique, multiply: 2}\n"
      "  - {name: early, week: 5, kind: budget, firm: Boutique, multiply: 2}\n");
  REQUIRE(sc.notes.size() == 1);
  CHECK_THAT(sc.notes[0], Contains("test.yaml:19:") && Contains("shocks.late.week") &&
                              Contains("this shock to firm 'Boutique' comes in week 20, after it "
                                       "exits in week 10, so it changes nothing"));
}
