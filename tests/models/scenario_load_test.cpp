// Tests for scenario loading: every error names the file, line and key path (with a "did you
// mean" where one helps), --set overrides apply by key path, and resolved YAML round-trips.
#include "models/scenario_load.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "models/strategy.hpp"
#include "sim/config.hpp"
#include "sim/error.hpp"
#include "sim/yaml_writer.hpp"

using Catch::Contains;
using msim::InputError;
using msim::Scenario;

namespace {

// Line numbers matter: the tests below refer to them.
const std::string kBase = R"(name: load test
seed: 3
consumers: 1000
steps: 3
firms:
  - name: Acme
    budget_per_year: 1.0e6
    strategy: mass
    markup: 0.3
  - name: Boutique
    strategy: niche
    target: seniors
    budget_per_year: 2.0e5
  - name: Variety
    strategy: differentiated
    segments: [young, seniors]
    budget_per_year: 3.0e5
  - {name: Tailor, strategy: one_to_one, budget_per_year: 4.0e5}
categories:
  - {name: snacks, base_cost: 1.0}
  - {name: drinks, base_cost: 0.8}
segments:
  - name: young
    share: 0.6
    ideal: {mean: [0.5, 0.5], sd: [0.5, 0.5]}
    purchase_rate: {snacks: {mean: 0.5, shape: 1.0}, drinks: {mean: 0.3}}
  - name: seniors
    share: 0.4
    ideal: {mean: [-0.5, 0.0], cov: [[0.25, 0.05], [0.05, 0.25]]}
    purchase_rate:
      snacks: {mean: 0.4, shape: 2.0}
    privacy_opt_out: 0.3
output: {path: out.h5}
)";

/// kBase with the one occurrence of `from` replaced by `to` (which must keep the line count).
std::string edit(const std::string& from, const std::string& to) {
  const auto at = kBase.find(from);
  REQUIRE(at != std::string::npos);
  REQUIRE(kBase.find(from, at + 1) == std::string::npos);
  std::string out = kBase;
  out.replace(at, from.size(), to);
  return out;
}

Scenario load(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return msim::load_scenario_text(text, "test.yaml", overrides);
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::filesystem::path kSource = MARKETSIM_SOURCE_DIR;

}  // namespace

TEST_CASE("the base scenario loads", "[scenario]") {
  const Scenario sc = load(kBase);
  CHECK(sc.name == "load test");
  CHECK(sc.consumers == 1000);
  REQUIRE(sc.firms.size() == 4);
  CHECK(sc.firms[0].budget_per_year == 1e6);
  CHECK(sc.firms[1].strategy == "niche");
  REQUIRE(sc.segments.size() == 2);
  CHECK(sc.segments[1].ideal_cov(0, 1) == 0.05);
  CHECK(sc.segments[0].purchase_rate[1].mean == 0.3);
  CHECK(sc.segments[0].purchase_rate[1].shape == 1.0);  // default shape
  CHECK(sc.segments[1].purchase_rate[1].mean == 0.0);   // category not listed: never buys
  CHECK(sc.output.path == "out.h5");
}

TEST_CASE("a name used twice in a list names the item that has it already", "[scenario]") {
  REQUIRE_THROWS_WITH(
      load(edit("  - {name: Tailor,", "  - {name: Acme,")),
      "test.yaml:18:5: key 'firms.Acme': the name 'Acme' is used twice in firms: item 0 "
      "(test.yaml:6:5) has it already; give each item a name of its own");
}

TEST_CASE("a niche firm that sells in none of its target's regions gets a note", "[scenario]") {
  const auto notes = [](const std::vector<std::string>& sets) {
    return msim::load_scenario_text(kBase, "test.yaml", sets).notes;
  };
  const std::vector<std::string> regions = {"segments.young.regions={north: 1}",
                                            "segments.seniors.regions={south: 1}"};
  auto apart = regions;
  apart.push_back("firms.Boutique.regions=[north]");
  const auto found = notes(apart);
  REQUIRE(found.size() == 1);
  CHECK_THAT(found[0],
             Contains("test.yaml:12:") && Contains("key 'firms.Boutique.target'") &&
                 Contains("firm 'Boutique' sells only in north, and segment 'seniors' lives only "
                          "in south, so the targeted media it aims at the segment reach no one "
                          "who can buy from it"));
  // Where it sells in one of them, or everywhere, nothing is said.
  auto shared = regions;
  shared.push_back("firms.Boutique.regions=[north, south]");
  CHECK(notes(shared).empty());
  CHECK(notes(regions).empty());
}

TEST_CASE("a loyalty reward that gives members the goods gets a note", "[scenario]") {
  const auto notes = [](const std::vector<std::string>& sets) {
    return msim::load_scenario_text(kBase, "test.yaml", sets).notes;
  };
  // Tailor sells snacks (base cost 1) and drinks (0.8) at the default markup of 0.4: 1.12 for
  // drinks. 12 for one purchase in 10 takes 1.2 off every purchase.
  const auto cost_plus = notes({"firms.Tailor.loyalty_program={every: 10, reward: 12}"});
  REQUIRE(cost_plus.size() == 1);
  CHECK_THAT(cost_plus[0],
             Contains("key 'firms.Tailor.loyalty_program.reward'") &&
                 Contains("a reward of 12 for one purchase in 10 lowers a member's price by 1.2 "
                          "per unit, not less than its price of 1.12 for drinks at the category's "
                          "base_cost (0.8 x (1 + markup 0.4)): members would pay nothing"));
  const auto fixed =
      notes({"firms.Tailor.loyalty_program={every: 1, reward: 3}", "firms.Tailor.price=2.5"});
  REQUIRE(fixed.size() == 1);
  CHECK_THAT(fixed[0], Contains("a reward of 3 for every purchase lowers a member's price by 3 "
                                "per unit, not less than its fixed price of 2.5"));
  // A tenth purchase free, or anything less, is not noted.
  CHECK(notes({"firms.Tailor.loyalty_program={every: 10, reward: 1.1}"}).empty());
  CHECK(notes({"firms.Tailor.loyalty_program={every: 1, reward: 2.4}", "firms.Tailor.price=2.5"})
            .empty());
}

TEST_CASE("innovation past its last generation is refused with the numbers", "[scenario]") {
  const std::string every1 = "firms.Acme.innovation={every_steps: 1, quality_gain: 0.01}";
  // 299 generations by step 299; 255 are modelled.
  REQUIRE_THROWS_WITH(load(kBase, {"steps=300", every1}),
                      Contains("--set 'firms.Acme.innovation={every_steps: 1, quality_gain: "
                               "0.01}': key 'firms.Acme.innovation.every_steps'") &&
                          Contains("a new generation every 1 step over 300 steps (steps from "
                                   "--set) asks for 299 generations by the last step, but at "
                                   "most 255 are modelled (the quality would stop rising at step "
                                   "255); give every_steps of at least 2, or run fewer steps"));
  REQUIRE_NOTHROW(load(kBase, {"steps=256", every1}));  // generation 255 at step 255
  REQUIRE_THROWS_WITH(load(kBase, {"steps=257", every1}), Contains("asks for 256 generations"));
  // At the file's line when the file gives it.
  std::string text = edit("    markup: 0.3",
                          "    markup: 0.3\n    innovation: {every_steps: 3, quality_gain: 0.1}");
  text.replace(text.find("steps: 3"), 8, "steps: 800");
  REQUIRE_THROWS_WITH(load(text), Contains("test.yaml:10:") &&
                                      Contains("a new generation every 3 steps over 800 steps "
                                               "asks for 266 generations") &&
                                      Contains("at step 765") &&
                                      Contains("every_steps of at least 4"));
  REQUIRE_NOTHROW(load(text, {"firms.Acme.innovation.every_steps=4"}));
}

TEST_CASE("range errors carry file, line and key path", "[scenario]") {
  REQUIRE_THROWS_AS(load(edit("budget_per_year: 1.0e6", "budget_per_year: -5")), InputError);
  REQUIRE_THROWS_WITH(load(edit("budget_per_year: 1.0e6", "budget_per_year: -5")),
                      Contains("test.yaml:7:") && Contains("firms.Acme.budget_per_year") &&
                          Contains("\"-5\"") && Contains("in [0, 1000000000000000]"));
  REQUIRE_THROWS_WITH(load(edit("consumers: 1000", "consumers: -5")),
                      Contains("test.yaml:3:") && Contains("'consumers'") && Contains("\"-5\""));
  REQUIRE_THROWS_WITH(load(edit("consumers: 1000", "consumers: 0")),
                      Contains("test.yaml:3:") && Contains("'consumers'"));
  REQUIRE_THROWS_WITH(load(edit("consumers: 1000", "consumers: 2.5")),
                      Contains("test.yaml:3:") && Contains("expected an integer"));
  REQUIRE_THROWS_WITH(load(edit("privacy_opt_out: 0.3", "privacy_opt_out: 1.3")),
                      Contains("test.yaml:32:") && Contains("segments.seniors.privacy_opt_out"));
}

TEST_CASE("magnitudes beyond any market are refused: money, prices, coordinates, spreads",
          "[scenario]") {
  // Each broke something: an integer-cents overflow, an infinite fixed cost, a k-means crash,
  // a covariance of inf in /scenario.
  using Case = std::tuple<std::string, std::string, std::string>;  // key, bad value, range
  const auto [key, value, range] = GENERATE(
      Case{"firms.Boutique.price", "9.3e16", "[0, 1000000000]"},
      Case{"categories.snacks.base_cost", "1e300", "(0, 1000000000]"},
      Case{"firms.Acme.fixed_cost_per_year", "1e308", "[0, 1000000000000000]"},
      Case{"firms.Variety.variant_fixed_cost_per_year", "1e308", "[0, 1000000000000000]"},
      Case{"firms.Tailor.crm_fixed_cost_per_year", "1e308", "[0, 1000000000000000]"},
      Case{"firms.Tailor.custom_premium", "1e10", "[0, 100]"},
      Case{"firms.Tailor.cost_per_contact", "1e10", "(0, 1000000000]"},
      Case{"firms.Tailor.sigma0", "1e154", "[0, 1000000]"},
      Case{"firms.Acme.position", "[1e7, 0]", "[-1000000, 1000000]"},
      Case{"firms.Variety.segmentation", "{kind: research, noise_sd: 1e154}", "[0, 1000000]"},
      Case{"segments.young.ideal.sd", "[1.4e154, 0.5]", "[0, 1000000]"},
      Case{"segments.young.ideal.mean", "[0, -1e7]", "[-1000000, 1000000]"},
      Case{"market.cpm_mass", "1e300", "(0, 1000000000]"},
      // Utilities are summed in single precision: 1e38 gave every sale to one firm.
      Case{"market.goodwill_weight", "1e38", "[-1000000, 1000000]"},
      Case{"market.loyalty_weight", "-1e38", "[-1000000, 1000000]"},
      Case{"market.outside_utility", "1e30", "[-1000000, 1000000]"},
      Case{"market.distance_weight", "1e38", "[0, 1000000]"},
      Case{"firms.Acme.quality", "4e38", "[-1000000, 1000000]"},
      Case{"firms.Boutique.quality_bonus", "-4e38", "[-1000000, 1000000]"},
      // A price sensitivity of 1e300 was infinite in every consumer.
      Case{"segments.young.price_sensitivity.mean", "1e300", "(0, 1000000]"});
  INFO(key << "=" << value);
  REQUIRE_THROWS_WITH(load(kBase, {key + "=" + value}),
                      Contains("key '" + key) && Contains("expected a number in " + range));
  REQUIRE_NOTHROW(load(kBase, {key + "=" +
                               (value[0] == '{'   ? "{kind: research, noise_sd: 1e5}"
                                : value[0] == '[' ? "[1e5, 0]"
                                                  : "1")}));
}

TEST_CASE("a misspelt required key is reported with a did-you-mean", "[scenario]") {
  REQUIRE_THROWS_WITH(load(edit("budget_per_year: 1.0e6", "budjet_per_year: 1.0e6")),
                      Contains("test.yaml:") && Contains("firms.Acme") &&
                          Contains("budjet_per_year") &&
                          Contains("did you mean 'budget_per_year'?"));
}

// DESIGN.md §4: errors name the line of the bad key, also when the misspelt key is a required
// one (line 7, not the firm's first line), at the key's column as an unknown optional key is.
TEST_CASE("a misspelt required key is reported at its own line", "[scenario]") {
  REQUIRE_THROWS_WITH(load(edit("budget_per_year: 1.0e6", "budjet_per_year: 1.0e6")),
                      Contains("test.yaml:7:5: key 'firms.Acme.budjet_per_year'"));
  REQUIRE_THROWS_WITH(load(edit("consumers: 1000", "consumer: 1000")),
                      Contains("test.yaml:3:1: key 'consumer': unknown key 'consumer' (did you "
                               "mean 'consumers'?)"));
}

TEST_CASE("an unknown optional key is reported at its line with a did-you-mean", "[scenario]") {
  REQUIRE_THROWS_WITH(load(edit("markup: 0.3", "markupp: 0.3")),
                      Contains("test.yaml:9:") && Contains("firms.Acme.markupp") &&
                          Contains("unknown key 'markupp'") && Contains("did you mean 'markup'?"));
  REQUIRE_THROWS_WITH(load(edit("seed: 3", "sede: 3")), Contains("test.yaml:2:") &&
                                                            Contains("unknown key 'sede'") &&
                                                            Contains("did you mean 'seed'?"));
  REQUIRE_THROWS_WITH(load(edit("privacy_opt_out: 0.3", "privacy_optout: 0.3")),
                      Contains("test.yaml:32:") && Contains("segments.seniors.privacy_optout") &&
                          Contains("did you mean 'privacy_opt_out'?"));
  // A key that belongs to another strategy is not this one's, and the message says whose it is.
  REQUIRE_THROWS_WITH(load(edit("markup: 0.3", "target: young")),
                      Contains("test.yaml:9:") && Contains("'target' is a parameter of strategy "
                                                           "'niche', not of 'mass'"));
}

TEST_CASE("segment shares must sum to 1", "[scenario]") {
  REQUIRE_THROWS_WITH(load(edit("share: 0.6", "share: 0.5")),
                      Contains("test.yaml:23:") && Contains("'segments'") &&
                          Contains("sum to 0.9") && Contains("expected 1"));
  REQUIRE_THROWS_WITH(load(edit("share: 0.6", "share: 0.7")),
                      Contains("sum to 1.1 (young 0.7 + seniors 0.4), 0.1 more than 1; expected "
                               "1 (within 1e-06)"));
  // A sum a little off 1 is written with digits enough to show it, and by how much.
  REQUIRE_THROWS_WITH(load(edit("share: 0.6", "share: 0.600002")),
                      Contains("sum to 1.000002 (young 0.600002 + seniors 0.4), 2e-06 more than "
                               "1; expected 1"));
  REQUIRE_THROWS_WITH(load(edit("share: 0.6", "share: 0.5999971")),
                      Contains("sum to 0.9999971 (young 0.5999971 + seniors 0.4), 2.9e-06 less "
                               "than 1"));
  REQUIRE_NOTHROW(load(edit("share: 0.6", "share: 0.6000005")));
  REQUIRE_THROWS_WITH(load(edit("share: 0.6", "share: -0.6")),
                      Contains("test.yaml:24:") && Contains("segments.young.share"));
}

TEST_CASE("an unknown strategy lists the registered ones and suggests the nearest", "[scenario]") {
  REQUIRE_THROWS_WITH(load(edit("strategy: mass", "strategy: mas ")),
                      Contains("test.yaml:8:") && Contains("firms.Acme.strategy") &&
                          Contains("unknown strategy 'mas'") && Contains("did you mean 'mass'?") &&
                          Contains("one_to_one") && Contains("niche"));
  REQUIRE_THROWS_WITH(load(edit("strategy: differentiated", "strategy: diferentiated")),
                      Contains("test.yaml:15:") && Contains("did you mean 'differentiated'?"));
  // A name no registered strategy is near: perhaps a strategy of the user's own, which only
  // the program that registers it knows.
  REQUIRE_THROWS_WITH(load(edit("strategy: mass", "strategy: hotelling")),
                      Contains("unknown strategy 'hotelling'") &&
                          Contains("known only to the program that registers it"));
}

TEST_CASE("a niche target must name a segment", "[scenario]") {
  REQUIRE_THROWS_WITH(load(edit("target: seniors", "target: senior ")),
                      Contains("test.yaml:12:") && Contains("firms.Boutique.target") &&
                          Contains("\"senior\"") && Contains("did you mean 'seniors'?"));
  REQUIRE_THROWS_WITH(load(edit("target: seniors", "target: nobody ")),
                      Contains("test.yaml:12:") && Contains("'young'") && Contains("'seniors'"));
  REQUIRE_THROWS_WITH(load(edit("    target: seniors\n", "    quality: 1.0\n")),
                      Contains("test.yaml:10:") && Contains("firms.Boutique") &&
                          Contains("missing required key 'target'"));
}

TEST_CASE("differentiated segments must name segments", "[scenario]") {
  REQUIRE_THROWS_WITH(load(edit("segments: [young, seniors]", "segments: [young, senoirs]")),
                      Contains("test.yaml:16:") && Contains("firms.Variety.segments") &&
                          Contains("\"senoirs\"") && Contains("did you mean 'seniors'?"));
  REQUIRE_THROWS_WITH(load(edit("segments: [young, seniors]", "segments: []")),
                      Contains("test.yaml:16:") && Contains("firms.Variety.segments"));
  const Scenario sc = load(edit("segments: [young, seniors]", "segments: [seniors]"));
  CHECK(sc.firms[2].strategy == "differentiated");
}

TEST_CASE("purchase_rate keys must name categories", "[scenario]") {
  REQUIRE_THROWS_WITH(
      load(edit("{snacks: {mean: 0.5, shape: 1.0}", "{snaks: {mean: 0.5, shape: 1.0}")),
      Contains("test.yaml:26:") && Contains("segments.young.purchase_rate.snaks") &&
          Contains("unknown category 'snaks'") && Contains("did you mean 'snacks'?"));
  REQUIRE_THROWS_WITH(
      load(edit("drinks: {mean: 0.3}", "drinks: {mean: -0.3}")),
      Contains("test.yaml:26:") && Contains("segments.young.purchase_rate.drinks.mean"));
  REQUIRE_THROWS_WITH(
      load(edit("shape: 2.0", "shape: 0.0")),
      Contains("test.yaml:31:") && Contains("segments.seniors.purchase_rate.snacks.shape"));
}

TEST_CASE("a snapshot's size in words and a per-category key's slip say what was meant",
          "[scenario]") {
  REQUIRE_THROWS_WITH(load(kBase, {"output.snapshot={size: All}"}),
                      Contains("key 'output.snapshot.size': got \"All\", expected an integer >= 0 "
                               "(a number of consumers), or all, in lower case"));
  REQUIRE_THROWS_WITH(load(kBase, {"firms.Variety.quality_cut={snacks: 1, drinkz: 2}"}),
                      Contains("key 'firms.Variety.quality_cut.drinkz': the firm sells no "
                               "category 'drinkz' (did you mean 'drinks'?); it sells snacks, "
                               "drinks"));
}

TEST_CASE("spreads that leave a float's range and rate shapes below 0.01 are refused",
          "[scenario]") {
  // A price sensitivity's sd of 1e160 with mean 1 made half a segment's weights NaN; a shape of
  // 1e-310 was an internal error (the share above 18 did not converge), one of 1e-10 put all
  // of a segment's purchases into rates above what is stored.
  REQUIRE_THROWS_WITH(load(kBase, {"segments.young.price_sensitivity={mean: 1, sd: 101}"}),
                      Contains("key 'segments.young.price_sensitivity.sd'") &&
                          Contains("got \"101\", expected at most 100 times the mean (1)"));
  REQUIRE_NOTHROW(load(kBase, {"segments.young.price_sensitivity={mean: 1, sd: 100}"}));
  // The limit's end is included however the doubles round: 1e-4 lies above 100 * 1e-6 (and 57
  // above 100 * 0.57). Just past it is refused, with the mean in full, not the limit it rounds to.
  for (const auto& [mean, sd] : {std::pair{"1e-6", "1e-4"}, std::pair{"0.57", "57"},
                                 std::pair{"0.29", "29"}, std::pair{"1e-300", "1e-298"}})
    REQUIRE_NOTHROW(load(kBase, {fmt::format("segments.young.price_sensitivity.mean={}", mean),
                                 fmt::format("segments.young.price_sensitivity.sd={}", sd)}));
  REQUIRE_THROWS_WITH(load(kBase, {"segments.young.price_sensitivity.mean=1e-6",
                                   "segments.young.price_sensitivity.sd=1.000001e-4"}),
                      Contains("got \"1.000001e-4\", expected at most 100 times the mean "
                               "(1e-06)"));
  for (const char* shape : {"1e-310", "1e-10", "0.009"})
    REQUIRE_THROWS_WITH(load(edit("shape: 2.0", std::string("shape: ") + shape)),
                        Contains("test.yaml:31:") &&
                            Contains("segments.seniors.purchase_rate.snacks.shape") &&
                            Contains("expected a number >= 0.01"));
}

// A consumer's rate r is kept as exp(-r) * 2^32 in 32 bits: faithfully (within 0.05%) up to 18
// occasions per step, and not at all above 22.87. A segment whose Gamma distribution puts more
// than 1e-4 of its consumers above 18 is refused; at most 1e-4 are let through.
TEST_CASE("purchase rates stay where a consumer's rate is kept faithfully", "[scenario]") {
  const std::string key = "segments.young.purchase_rate.drinks.mean";
  REQUIRE_THROWS_WITH(
      load(edit("drinks: {mean: 0.3}", "drinks: {mean: 30, shape: 100}")),
      Contains("test.yaml:26:") && Contains(key) && Contains("expected a number in [0, 18]"));
  // Exponential rates (shape 1): e^(-18 / 2) = 1.2e-4 of them above 18 at mean 2, 7.7e-5 at 1.9.
  REQUIRE_THROWS_WITH(
      load(edit("drinks: {mean: 0.3}", "drinks: {mean: 2}")),
      Contains("test.yaml:26:") && Contains(key) && Contains("got 2 with shape 1 (the default)") &&
          Contains("a share 0.00012 of the segment's consumers would draw a purchase rate above "
                   "18 occasions per step") &&
          Contains("expected a share of at most 0.0001 above 18"));
  CHECK(
      load(edit("drinks: {mean: 0.3}", "drinks: {mean: 1.9}")).segments[0].purchase_rate[1].mean ==
      1.9);
  // A narrow spread allows a mean close to 18; at 18 itself half the consumers are above it.
  CHECK_NOTHROW(load(edit("drinks: {mean: 0.3}", "drinks: {mean: 17, shape: 1e5}")));
  REQUIRE_THROWS_WITH(load(edit("drinks: {mean: 0.3}", "drinks: {mean: 18, shape: 1e9}")),
                      Contains(key) && Contains("got 18 with shape 1e+09: a share 0.5"));
  CHECK_NOTHROW(load(edit("drinks: {mean: 0.3}", "drinks: {mean: 3, shape: 2}")));  // 8e-5
  REQUIRE_THROWS_WITH(load(kBase, {"segments.young.purchase_rate.drinks={mean: 3, shape: 1.5}"}),
                      Contains("--set 'segments.young.purchase_rate.drinks={mean: 3, shape: "
                               "1.5}': key '" +
                               key + "'") &&
                          Contains("a share 0.00044"));
}

TEST_CASE("ideal means must have preference_dims numbers", "[scenario]") {
  REQUIRE_THROWS_WITH(load(edit("mean: [0.5, 0.5]", "mean: [0.5, 0.5, 0.5]")),
                      Contains("test.yaml:25:") && Contains("segments.young.ideal.mean") &&
                          Contains("2 numbers (preference_dims)"));
  REQUIRE_THROWS_WITH(
      load(edit("steps: 3", "preference_dims: 3")),
      Contains("test.yaml:25:") && Contains("segments.young.ideal.mean") && Contains("3 numbers"));
  REQUIRE_THROWS_WITH(load(edit("sd: [0.5, 0.5]", "sd: [0.5]")),
                      Contains("test.yaml:25:") && Contains("segments.young.ideal.sd"));
  REQUIRE_THROWS_WITH(load(edit("sd: [0.5, 0.5]", "sd: [0.5, -0.5]")),
                      Contains("test.yaml:25:") && Contains("segments.young.ideal.sd"));
}

TEST_CASE("a covariance must be symmetric and positive semi-definite", "[scenario]") {
  REQUIRE_THROWS_WITH(
      load(edit("cov: [[0.25, 0.05], [0.05, 0.25]]", "cov: [[0.25, 0.50], [0.50, 0.25]]")),
      Contains("test.yaml:29:") && Contains("segments.seniors.ideal.cov") &&
          Contains("positive semi-definite"));
  REQUIRE_THROWS_WITH(
      load(edit("cov: [[0.25, 0.05], [0.05, 0.25]]", "cov: [[0.25, 0.05], [0.00, 0.25]]")),
      Contains("test.yaml:29:") && Contains("symmetric"));
  REQUIRE_THROWS_WITH(
      load(edit("cov: [[0.25, 0.05], [0.05, 0.25]]", "cov: [[-0.25, 0.0], [0.0, 0.25]]")),
      Contains("test.yaml:29:") && Contains("positive semi-definite"));
  REQUIRE_THROWS_WITH(load(edit("cov: [[0.25, 0.05], [0.05, 0.25]]", "cov: [[0.25, 0.05]]")),
                      Contains("test.yaml:29:") && Contains("segments.seniors.ideal.cov"));
  // Singular but PSD is fine (a segment on a line).
  const Scenario sc =
      load(edit("cov: [[0.25, 0.05], [0.05, 0.25]]", "cov: [[0.25, 0.25], [0.25, 0.25]]"));
  CHECK(sc.segments[1].ideal_cov(0, 1) == 0.25);
}

TEST_CASE("names must be unique and lists must name known items", "[scenario]") {
  REQUIRE_THROWS_WITH(
      load(edit("- name: Boutique", "- name: Acme    ")),
      Contains("test.yaml:10:") && Contains("firm") && Contains("'Acme'") && Contains("twice"));
  REQUIRE_THROWS_WITH(load(edit("- name: seniors", "- name: young  ")),
                      Contains("test.yaml:27:") && Contains("'young'") && Contains("twice"));
  REQUIRE_THROWS_WITH(
      load(edit("strategy: one_to_one, budget_per_year: 4.0e5}",
                "strategy: one_to_one, budget_per_year: 4.0e5, categories: [snacks, snacks]}")),
      Contains("test.yaml:18:") && Contains("firms.Tailor.categories") && Contains("twice"));
  REQUIRE_THROWS_WITH(
      load(edit("strategy: one_to_one, budget_per_year: 4.0e5}",
                "strategy: one_to_one, budget_per_year: 4.0e5, categories: [snaks]}")),
      Contains("test.yaml:18:") && Contains("unknown category 'snaks'") &&
          Contains("did you mean 'snacks'?"));
  REQUIRE_THROWS_WITH(load(edit("strategy: one_to_one, budget_per_year: 4.0e5}",
                                "strategy: one_to_one, budget_per_year: 4.0e5, regions: [north]}")),
                      Contains("test.yaml:18:") && Contains("unknown region 'north'"));
  REQUIRE_THROWS_WITH(load(edit("steps: 3", "steps: 0")),
                      Contains("test.yaml:4:") && Contains("'steps'"));
  REQUIRE_THROWS_WITH(load(edit("seed: 3", "seed: -3")),
                      Contains("test.yaml:2:") && Contains("'seed'"));
  REQUIRE_THROWS_WITH(load(kBase, {"segments=[]"}),
                      Contains("'segments'") && Contains("expected a non-empty list of segments"));
}

TEST_CASE("names are one line of printable text", "[scenario]") {
  REQUIRE_THROWS_WITH(
      load(edit("  - name: Acme\n", "  - name: ''\n")),
      Contains("test.yaml:6:") && Contains("firms.0.name") && Contains("a name: not empty"));
  REQUIRE_THROWS_WITH(load(edit("  - name: young\n", "  - name: \"yo\\0ung\"\n")),
                      Contains("test.yaml:23:") && Contains("control character \\x00"));
  REQUIRE_THROWS_WITH(load(edit("  - {name: snacks, base_cost: 1.0}", "  - {name: \"sn\\nacks\"}")),
                      Contains("test.yaml:20:") && Contains("a name: UTF-8 text on one line"));
}

// --set firms.Mass.Co.budget_per_year=5 would look for a firm named 'Mass': such a name could
// never be addressed, by --set, a sweep or a shock's key path.
TEST_CASE("names that key paths address may not contain a dot", "[scenario]") {
  REQUIRE_THROWS_WITH(load(edit("  - name: Acme\n", "  - name: A.cme\n")),
                      Contains("test.yaml:6:11: key 'firms.A.cme.name': got \"A.cme\": names may "
                               "not contain '.': they are used in key paths such as "
                               "firms.NAME.budget_per_year") &&
                          Contains("write A_cme"));
  REQUIRE_THROWS_WITH(load(edit("  - name: young\n", "  - name: yo.ung\n")),
                      Contains("test.yaml:23:") && Contains("segments.NAME.share"));
  REQUIRE_THROWS_WITH(load(edit("{name: snacks, base_cost: 1.0}", "{name: sn.acks, base_cost: 1}")),
                      Contains("test.yaml:20:") && Contains("names may not contain '.'"));
  REQUIRE_THROWS_WITH(load(edit("    privacy_opt_out: 0.3\n", "    regions: {n.orth: 1}\n")),
                      Contains("test.yaml:32:") &&
                          Contains("region name 'n.orth': names may not contain '.'") &&
                          Contains("segments.seniors.regions.NAME"));
  REQUIRE_THROWS_WITH(load(kBase, {"shocks=[{name: q3.cut, step: 1, kind: exit, firm: Acme}]"}),
                      Contains("names may not contain '.'") && Contains("shocks.NAME.enabled"));
  // The scenario's own name is no key path's part.
  CHECK(load(edit("name: load test", "name: load.test v1.2")).name == "load.test v1.2");
}

TEST_CASE("errors that a --set caused elsewhere in the file name that --set", "[scenario]") {
  // A niche firm switched to mass leaves its `target` behind.
  REQUIRE_THROWS_WITH(load(kBase, {"firms.Boutique.strategy=mass"}),
                      Contains("test.yaml:12:5: key 'firms.Boutique.target': 'target' is a "
                               "parameter of strategy 'niche', not of 'mass'") &&
                          Contains("(after --set 'firms.Boutique.strategy=mass')"));
  // A key no strategy takes is unknown, with the same note.
  REQUIRE_THROWS_WITH(load(edit("target: seniors", "targe: seniors"),
                           {"firms.Boutique.strategy=mass", "firms.Boutique.targe=x"}),
                      Contains("unknown key 'targe'"));
  // A segment renamed: the firms that name it no longer find it.
  REQUIRE_THROWS_WITH(load(kBase, {"segments.seniors.name=elders"}),
                      Contains("test.yaml:12:") && Contains("'seniors'") &&
                          Contains("(after --set 'segments.seniors.name=elders', which renamed "
                                   "'seniors' in 'segments' to 'elders')"));
  // A category renamed: the keys that name it (purchase rates, a firm's quality cuts) no longer
  // find it.
  const std::string note =
      "(after --set 'categories.snacks.name=crisps', which renamed 'snacks' in 'categories' to "
      "'crisps')";
  REQUIRE_THROWS_WITH(load(kBase, {"categories.snacks.name=crisps"}),
                      Contains("key 'segments.young.purchase_rate.snacks': unknown category "
                               "'snacks'") &&
                          Contains(note));
  REQUIRE_THROWS_WITH(
      load(edit("    markup: 0.3", "    quality_cut: {snacks: 1}"),
           {"categories.snacks.name=crisps", "segments.young.purchase_rate={drinks: {mean: 1}}",
            "segments.seniors.purchase_rate={drinks: {mean: 1}}"}),
      Contains("key 'firms.Acme.quality_cut.snacks': the firm sells no category 'snacks'") &&
          Contains(note));
}

TEST_CASE("an empty output path from --set is refused as one from the file is", "[scenario]") {
  // `--set output.path=` sets nothing (null): it must not fall back to the default file name.
  const Scenario set = load(kBase, {"output.path="});
  CHECK(set.output.path.empty());
  CHECK(set.output.path_where == "--set 'output.path=': key 'output.path'");
  CHECK(load(edit("output: {path: out.h5}", "output: {path: \"\"}")).output.path.empty());
  CHECK(load(edit("output: {path: out.h5}", "output: {path: }")).output.path.empty());
}

// A key given twice in one map would otherwise resolve silently to its first value.
TEST_CASE("a key given twice is rejected at the second occurrence", "[scenario]") {
  const std::string twice = edit("seed: 3\n", "seed: 3\nseed: 4\n");
  Scenario sc;
  CHECK_THROWS_WITH(sc = load(twice), Contains("test.yaml:3:") && Contains("seed"));
  const std::string budget = edit("    markup: 0.3\n", "    budget_per_year: 5.0e6\n");
  CHECK_THROWS_WITH(sc = load(budget),
                    Contains("test.yaml:9:") && Contains("firms.Acme.budget_per_year"));
}

TEST_CASE("region names one letter from a known one are typos", "[scenario]") {
  const std::string text = edit("    privacy_opt_out: 0.3\n", "    regions: {nort: 1.0}\n") + "";
  // young declares north and south; seniors' "nort" is one letter away from north.
  std::string with_regions = text;
  const std::string young =
      "purchase_rate: {snacks: {mean: 0.5, shape: 1.0}, drinks: {mean: 0.3}}\n";
  with_regions.replace(with_regions.find(young), young.size(),
                       young + "    regions: {north: 0.6, south: 0.4}\n");
  // Line 32 moved to 33 with the inserted line.
  // Either spelling may be the slip: both places are named.
  REQUIRE_THROWS_WITH(load(with_regions),
                      Contains("test.yaml:33:") && Contains("segments.seniors.regions.nort") &&
                          Contains("another segment names 'north' (test.yaml:27:") &&
                          Contains("key 'segments.young.regions.north'): one of the two is a "
                                   "slip; spell the region the same in both"));
  // A genuinely new region is fine.
  std::string fine = with_regions;
  fine.replace(fine.find("{nort: 1.0}"), 11, "{east: 1.0}");
  const Scenario sc = load(fine);
  CHECK(sc.regions == std::vector<std::string>{"north", "south", "east"});
  CHECK(sc.segments[1].region_weights == std::vector<double>{0.0, 0.0, 1.0});
  CHECK(sc.segments[0].region_weights == std::vector<double>{0.6, 0.4, 0.0});
}

// Within one map, a name that is another with a letter added, dropped or swapped, or in
// another case, is a typo too.
TEST_CASE("a region name one slip from another in the same map is a typo", "[scenario]") {
  const std::string key = "segments.young.regions={north: 0.6, nort: 0.4}";
  REQUIRE_THROWS_WITH(
      load(kBase, {key}),
      "--set '" + key +
          "': key 'segments.young.regions.nort': 'nort' is a new region name, but this map also "
          "names 'north' (did you mean 'north'?); two region names may not differ only by a "
          "letter added, dropped or swapped, or by case");
  for (const char* map :
       {"{south: 0.5, souht: 0.5}", "{north: 0.5, North: 0.5}", "{east: 0.5, eeast: 0.5}"}) {
    INFO(map);
    CHECK_THROWS_WITH(load(kBase, {std::string("segments.young.regions=") + map}),
                      Contains("this map also names") && Contains("did you mean"));
  }
  CHECK_THROWS_WITH(
      load(kBase, {"segments.young.industries={retail: 0.5, retial: 0.5}"}),
      Contains("'retial' is a new industry name") && Contains("did you mean 'retail'?"));
  // Across segments too: seniors' souht after young's south.
  CHECK_THROWS_WITH(load(kBase, {"segments.young.regions={north: 0.5, south: 0.5}",
                                 "segments.seniors.regions={souht: 1}"}),
                    Contains("another segment names 'south' (--set "
                             "'segments.young.regions={north: 0.5, south: 0.5}'"));
  // A letter changed, or a number added, makes another name.
  for (const char* map : {"{north: 0.5, south: 0.5}", "{east: 0.5, west: 0.5}",
                          "{zone: 0.3, zone2: 0.3, zone12: 0.4}", "{b2b: 0.5, b2c: 0.5}"}) {
    INFO(map);
    CHECK_NOTHROW(load(kBase, {std::string("segments.young.regions=") + map}));
  }
}

// The near-miss check across segments is stricter than within a map, so numbered regions or
// industries (zone1, zone2) can be declared together.
TEST_CASE("region and industry names that differ by one character can be declared together",
          "[scenario]") {
  const std::string young =
      "purchase_rate: {snacks: {mean: 0.5, shape: 1.0}, drinks: {mean: 0.3}}\n";
  std::string text = kBase;
  text.replace(
      text.find(young), young.size(),
      young + "    regions: {zone1: 0.5, zone2: 0.5}\n    industries: {b2b: 0.5, b2c: 0.5}\n");
  Scenario sc;
  REQUIRE_NOTHROW(sc = load(text));
  CHECK(sc.regions == std::vector<std::string>{"zone1", "zone2"});
  CHECK(sc.industries == std::vector<std::string>{"b2b", "b2c"});
}

TEST_CASE("durable categories: lifetimes, and keys only where they apply", "[scenario]") {
  const std::string durable =
      "{name: drinks, base_cost: 0.8, kind: durable, lifetime: {shape: 1.5, scale: 200}}";
  const Scenario sc = load(edit("{name: drinks, base_cost: 0.8}", durable),
                           {"firms.Acme.durability=150", "firms.Acme.quality_cut.snacks=0.5"});
  const int drinks = sc.category_index("drinks"), snacks = sc.category_index("snacks");
  REQUIRE(sc.categories[drinks].durable());
  CHECK(sc.categories[drinks].lifetime_shape == 1.5);
  CHECK(sc.categories[drinks].reference_life == 100.0);  // half the scale by default
  CHECK(sc.firms[0].durability[drinks] == 150.0);
  CHECK(sc.firms[0].durability[snacks] == 0.0);
  CHECK(sc.firms[0].quality_cut[snacks] == 0.5);
  CHECK(sc.firms[1].durability[drinks] == 200.0);  // the category's scale by default
  // The resolved scenario loads back to the same settings.
  const Scenario again = msim::load_scenario_text(msim::resolved_yaml(sc), "resolved.yaml");
  CHECK(again.firms[0].durability == sc.firms[0].durability);
  CHECK(again.categories[drinks].lifetime_scale == 200.0);

  // A durable needs a lifetime, at its line.
  REQUIRE_THROWS_WITH(
      load(edit("{name: drinks, base_cost: 0.8}", "{name: drinks, base_cost: 0.8, kind: durable}")),
      Contains("test.yaml:21:") && Contains("categories.drinks") && Contains("lifetime"));
  // Durable keys on a consumable, durability for a firm with no durables.
  REQUIRE_THROWS_WITH(
      load(edit("{name: drinks, base_cost: 0.8}", "{name: drinks, backlash: 0.2}")),
      Contains("categories.drinks.backlash") && Contains("only to durable"));
  REQUIRE_THROWS_WITH(load(kBase, {"firms.Acme.durability=100"}),
                      Contains("firms.Acme.durability") && Contains("no durable category"));
  REQUIRE_THROWS_WITH(
      load(edit("{name: drinks, base_cost: 0.8}", durable), {"firms.Acme.durability=0.5"}),
      Contains("firms.Acme.durability") && Contains("0.5"));
}

// Each key within its own range, a niche firm's quality plus its quality_bonus came to 1000000.4,
// an internal error at step 0 (a fault in the strategy's plan()). Innovations, a durable's
// durability and a quality cut move the quality buyers weigh the same way.
TEST_CASE("a firm's products' quality, with what its strategy and settings add, stays in range",
          "[scenario]") {
  REQUIRE_THROWS_WITH(
      load(kBase, {"firms.Boutique.quality=999999.9"}),
      Contains("--set 'firms.Boutique.quality=999999.9': key 'firms.Boutique.quality': got "
               "\"999999.9\", expected a value that keeps the quality of the firm's products "
               "within [-1e+06, 1e+06]: quality 999999.9 + quality_bonus 0.5 (the default) = "
               "1000000.4"));
  REQUIRE_NOTHROW(load(kBase, {"firms.Boutique.quality=999999.5"}));  // 1e6 exactly
  REQUIRE_NOTHROW(load(kBase, {"firms.Acme.quality=1e6", "firms.Tailor.quality=-1e6"}));
  REQUIRE_THROWS_WITH(
      load(kBase, {"firms.Boutique.quality=-1e6", "firms.Boutique.quality_bonus=-1"}),
      Contains("key 'firms.Boutique.quality_bonus': got \"-1\"") && Contains("= -1000001"));
  // At the bonus, where the entry gives one, on its line.
  std::string text = kBase;
  text.replace(text.find("    target: seniors"), 19,
               "    target: seniors\n    quality_bonus: 0.25\n    quality: 999999.8");
  REQUIRE_THROWS_WITH(load(text), Contains("test.yaml:13:") &&
                                      Contains("key 'firms.Boutique.quality_bonus'") &&
                                      Contains("quality 999999.8 + quality_bonus 0.25 = "));
  // Innovation adds its gain in every generation up to the run's last step (2 of 3 here).
  const std::string innovation = "firms.Acme.innovation={every_steps: 1, quality_gain: 0.6}";
  REQUIRE_THROWS_WITH(load(kBase, {"firms.Acme.quality=999999", innovation}),
                      Contains("key 'firms.Acme.innovation.quality_gain'") &&
                          Contains("in category 'snacks', quality 999999 + innovation 1.2 (2 "
                                   "generations of 0.6 by step 2)"));
  REQUIRE_NOTHROW(load(kBase, {"firms.Acme.quality=999999", innovation, "steps=2"}));
  // A quality cut, once buyers have learnt it, takes away from the quality they weigh.
  REQUIRE_THROWS_WITH(
      load(kBase, {"firms.Acme.quality=-999999.5", "firms.Acme.quality_cut={drinks: 1}"}),
      Contains("key 'firms.Acme.quality_cut.drinks'") &&
          Contains("in category 'drinks', quality -999999.5 - quality_cut 1 (once "
                   "buyers learn it) = -1000000.5"));
  REQUIRE_NOTHROW(
      load(kBase, {"firms.Acme.quality=-999999.5", "firms.Acme.quality_cut={drinks: 0.5}"}));
  // And a durable's durability, as informed buyers judge it: 100 x log2(51200 / 200) = 800.
  const std::string durable =
      "{name: drinks, base_cost: 0.8, kind: durable, durability_weight: 100, lifetime: {shape: "
      "1.5, scale: 200}}";
  REQUIRE_THROWS_WITH(load(edit("{name: drinks, base_cost: 0.8}", durable),
                           {"firms.Acme.quality=999500", "firms.Acme.durability=51200"}),
                      Contains("key 'firms.Acme.durability'") &&
                          Contains("in category 'drinks', quality 999500 + durability term 800 "
                                   "(durability_weight x log2(durability / scale)) = 1000300"));
}

TEST_CASE("a firm's per-category setting names a category it sells, of the kind it applies to",
          "[scenario]") {
  REQUIRE_THROWS_WITH(
      load(edit("    markup: 0.3", "    quality_cut: {pasta: 0.5}")),
      Contains("test.yaml:9:") && Contains("key 'firms.Acme.quality_cut.pasta': the firm sells no "
                                           "category 'pasta'"));
  REQUIRE_THROWS_WITH(
      load(kBase, {"firms.Acme.categories=[snacks]", "firms.Acme.quality_cut={drinks: 0.5}"}),
      Contains("key 'firms.Acme.quality_cut.drinks': the firm sells no category 'drinks'"));
  // durability is for durables only: a consumable named in its map is refused.
  const std::string durable =
      "{name: drinks, base_cost: 0.8, kind: durable, lifetime: {shape: 1.5, scale: 200}}";
  REQUIRE_THROWS_WITH(
      load(edit("{name: drinks, base_cost: 0.8}", durable), {"firms.Acme.durability={snacks: 50}"}),
      Contains("key 'firms.Acme.durability.snacks': category 'snacks' is not "
               "durable"));
  const Scenario sc =
      load(edit("{name: drinks, base_cost: 0.8}", durable), {"firms.Acme.durability={drinks: 50}"});
  CHECK(sc.firms[0].durability[static_cast<std::size_t>(sc.category_index("drinks"))] == 50.0);
}

TEST_CASE("a covariance row of the wrong length is refused at the row", "[scenario]") {
  REQUIRE_THROWS_WITH(
      load(edit("cov: [[0.25, 0.05], [0.05, 0.25]]", "cov: [[0.25, 0.05], [0.05]]")),
      Contains("test.yaml:29:") &&
          Contains("key 'segments.seniors.ideal.cov.1': got [0.05], expected a "
                   "row of 2 numbers"));
}

TEST_CASE("a scenario file that is not a map of keys says what a scenario is", "[scenario]") {
  const std::string expected =
      "expected a scenario: a map with consumers, categories, segments and firms";
  REQUIRE_THROWS_WITH(load("- a\n- b\n"),
                      Contains("test.yaml:1:1: top level: got [a, b], " + expected));
  REQUIRE_THROWS_WITH(load("42\n"), Contains("test.yaml:1:1: top level: got \"42\", " + expected));
}

TEST_CASE("at most 6 firms may have an audience, and a scenario at most 64 regions", "[scenario]") {
  // Seven firms that buy targeted media, each aiming at an audience: the seventh is refused at
  // its audience.
  std::string seven = kBase;
  const std::string tailor = "  - {name: Tailor, strategy: one_to_one, budget_per_year: 4.0e5}\n";
  std::string more;
  for (int k = 3; k <= 7; ++k)
    more += fmt::format("  - {{name: M{}, strategy: differentiated, budget_per_year: 1.0e5}}\n", k);
  seven.replace(seven.find(tailor), tailor.size(), tailor + more);
  std::vector<std::string> audiences;
  for (const char* firm : {"Boutique", "Variety", "M3", "M4", "M5", "M6"})
    audiences.push_back(std::string("firms.") + firm + ".audience={age: [18, 40]}");
  CHECK(load(seven, audiences).firms.size() == 9);
  audiences.push_back("firms.M7.audience={age: [18, 40]}");
  REQUIRE_THROWS_WITH(load(seven, audiences),
                      Contains("key 'firms.M7.audience': at most 6 firms may have an audience"));

  // 64 region names load; a 65th is refused at its key. (Names two edits apart: r1x1, r10x10.)
  const auto regions = [](int n) {
    std::string map = "segments.young.regions={";
    for (int r = 0; r < n; ++r)
      map += (r == 0 ? "" : ", ") + fmt::format("r{}x{}: {}", r, r, 1.0 / n);
    return map + "}";
  };
  CHECK(load(kBase, {regions(64)}).regions.size() == 64);
  REQUIRE_THROWS_WITH(load(kBase, {regions(65)}),
                      Contains("key 'segments.young.regions.r64x64': more than 64 names, expected "
                               "at most 64"));
}

TEST_CASE("overrides (--set) apply by key path with list items named", "[scenario]") {
  const Scenario sc = load(kBase, {"firms.Acme.budget_per_year=2e6", "consumers=200",
                                   "segments.seniors.privacy_opt_out=0.5"});
  CHECK(sc.firms[0].budget_per_year == 2e6);
  CHECK(sc.firms[1].budget_per_year == 2e5);
  CHECK(sc.consumers == 200);
  CHECK(sc.segments[1].privacy_opt_out == 0.5);
  // A strategy parameter set from the command line.
  const Scenario niche = load(kBase, {"firms.Boutique.target=young"});
  CHECK(msim::resolved_yaml(niche).find("target: young") != std::string::npos);

  REQUIRE_THROWS_WITH(load(kBase, {"consumers=-5"}), Contains("--set 'consumers=-5'") &&
                                                         Contains("consumers") &&
                                                         Contains("\"-5\""));
  REQUIRE_THROWS_WITH(
      load(kBase, {"firms.Acme.budget_per_year=-1"}),
      Contains("--set 'firms.Acme.budget_per_year=-1'") && Contains("firms.Acme.budget_per_year"));
  REQUIRE_THROWS_WITH(load(kBase, {"firms.Acm.budget_per_year=1"}),
                      Contains("no item named 'Acm'") && Contains("did you mean 'Acme'?"));
  // A key that --set creates is reported at the --set, not at a line of the file.
  REQUIRE_THROWS_WITH(load(kBase, {"firms.Acme.budjet_per_year=1"}),
                      Contains("--set 'firms.Acme.budjet_per_year=1'") &&
                          Contains("unknown key 'budjet_per_year'") &&
                          Contains("did you mean 'budget_per_year'?"));
  REQUIRE_THROWS_WITH(load(kBase, {"firms.Acme.budjet=1"}),
                      Contains("--set 'firms.Acme.budjet=1'") && Contains("unknown key 'budjet'") &&
                          Contains("known keys:"));
  REQUIRE_THROWS_WITH(load(kBase, {"market.wom_rate=-1"}),
                      Contains("--set 'market.wom_rate=-1'") && Contains("market.wom_rate"));
  REQUIRE_THROWS_WITH(load(kBase, {"consumers"}), Contains("expected key.path=value"));
}

TEST_CASE("resolved YAML round-trips exactly", "[scenario]") {
  std::vector<std::pair<std::string, std::string>> sources = {{"base", kBase}};
  sources.emplace_back("tiny", read_file(kSource / "scenarios/tiny.yaml"));
  sources.emplace_back("default", msim::default_scenario_text());
  sources.emplace_back("overridden",
                       kBase + "market: {adstock_decay: 0.9, wom_rate: 0.123456789}\n");
  for (const auto& [name, text] : sources) {
    INFO("scenario: " << name);
    const Scenario first = msim::load_scenario_text(text, name);
    const std::string yaml1 = msim::resolved_yaml(first);
    const Scenario second = msim::load_scenario_text(yaml1, name + " (resolved)");
    const std::string yaml2 = msim::resolved_yaml(second);
    CHECK(yaml1 == yaml2);
    // The resolved scenario is the same scenario.
    CHECK(second.name == first.name);
    CHECK(second.description == first.description);
    CHECK(second.seed == first.seed);
    CHECK(second.consumers == first.consumers);
    CHECK(second.steps == first.steps);
    CHECK(second.regions == first.regions);
    REQUIRE(second.segments.size() == first.segments.size());
    for (std::size_t s = 0; s < first.segments.size(); ++s) {
      CHECK(second.segments[s].share == first.segments[s].share);
      CHECK(second.segments[s].ideal_mean == first.segments[s].ideal_mean);
      CHECK(second.segments[s].ideal_cov == first.segments[s].ideal_cov);
      CHECK(second.segments[s].region_weights == first.segments[s].region_weights);
    }
    REQUIRE(second.firms.size() == first.firms.size());
    for (std::size_t j = 0; j < first.firms.size(); ++j) {
      CHECK(second.firms[j].budget_per_year == first.firms[j].budget_per_year);
      CHECK(second.firms[j].categories == first.firms[j].categories);
      CHECK(second.firms[j].regions == first.firms[j].regions);
    }
  }
}

TEST_CASE("the embedded default scenario is scenarios/default.yaml and loads", "[scenario]") {
  const std::string file = read_file(kSource / "scenarios/default.yaml");
  CHECK(msim::default_scenario_text() == file);
  const Scenario sc = msim::load_scenario_text(msim::default_scenario_text(), "default");
  CHECK(sc.firms.size() >= 1);
  CHECK(sc.segments.size() >= 1);
  std::vector<std::string> strategies;
  for (const auto& f : sc.firms) strategies.push_back(f.strategy);
  // The four strategies of the mission, one firm each (adaptive is a behaviour on top of them).
  for (const std::string name : {"mass", "differentiated", "niche", "one_to_one"}) {
    INFO("the default scenario uses every mission strategy: " << name);
    CHECK(std::find(strategies.begin(), strategies.end(), name) != strategies.end());
  }
}

TEST_CASE("load_scenario_file names the file in errors", "[scenario]") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("marketsim_load_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "bad.yaml";
  {
    std::ofstream out(path);
    out << edit("budget_per_year: 1.0e6", "budget_per_year: abc");
  }
  REQUIRE_THROWS_WITH(msim::load_scenario_file(path.string()),
                      Contains(path.string() + ":7:") && Contains("firms.Acme.budget_per_year"));
  REQUIRE_THROWS_WITH(msim::load_scenario_file((dir / "missing.yaml").string()),
                      Contains("missing.yaml"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a run's HDF5 file given as the scenario is named as such", "[scenario]") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("marketsim_h5_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "good.h5").string();
  // The HDF5 signature, then binary content as in a run's file.
  std::ofstream(path, std::ios::binary) << std::string("\x89HDF\r\n\x1a\n\0\0\0\0\x08\x08", 14);
  REQUIRE_THROWS_WITH(msim::load_scenario_file(path),
                      "'" + path +
                          "' is an HDF5 file, not a scenario; to read it: marketsim "
                          "summarize " +
                          path);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a strategy that reads a key it does not write back is refused at load", "[scenario]") {
  // /scenario must rerun the run, so every parameter given to a strategy must come back from
  // write_params(); one left out is a fault in the strategy's code (std::logic_error).
  class Forgetful final : public msim::Strategy {
   public:
    explicit Forgetful(double alpha) : alpha_(alpha) {}
    std::unique_ptr<msim::Strategy> clone() const override {
      return std::make_unique<Forgetful>(*this);
    }
    void plan(const msim::MarketView&, msim::FirmPlan&) override {}
    void write_params(msim::YamlWriter& out) const override { out.key("beta").value(2.0); }
    double alpha_;
  };
  static const bool once = [] {
    msim::register_strategy({"forgetful_for_test", "a test strategy", {}, [](const auto& ctx) {
                               ctx.node.get_double("beta", 2.0);
                               return std::unique_ptr<msim::Strategy>(
                                   std::make_unique<Forgetful>(ctx.node.get_double("alpha", 1.0)));
                             }});
    return true;
  }();
  (void)once;
  const std::string tiny = std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml";
  CHECK_THROWS_AS(msim::load_scenario_file(
                      tiny, {"firms.Mass.strategy=forgetful_for_test", "firms.Mass.alpha=3"}),
                  std::logic_error);
  CHECK_THROWS_WITH(
      msim::load_scenario_file(tiny,
                               {"firms.Mass.strategy=forgetful_for_test", "firms.Mass.alpha=3"}),
      Contains("strategy 'forgetful_for_test' of firm 'Mass' reads alpha but its write_params() "
               "does not write it"));
  // Not given, alpha takes its default again on a rerun: nothing is lost.
  CHECK_NOTHROW(msim::load_scenario_file(tiny, {"firms.Mass.strategy=forgetful_for_test"}));
  // Written back, a key given is fine.
  CHECK_NOTHROW(msim::load_scenario_file(
      tiny, {"firms.Mass.strategy=forgetful_for_test", "firms.Mass.beta=5"}));
  // Given as null, a key reads as absent: its default again, nothing lost (found by fuzzing:
  // loyalty_program: null was an internal error).
  CHECK_NOTHROW(msim::load_scenario_file(
      tiny, {"firms.Mass.strategy=forgetful_for_test", "firms.Mass.alpha=~"}));
  CHECK_NOTHROW(msim::load_scenario_file(
      std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/textbook/loyalty_referral.yaml",
      {"firms.ClubRoast.loyalty_program=~", "firms.ClubRoast.referral_program=~"}));
}

TEST_CASE("a strategy's parameters are its own, and what its factory refuses is bad input",
          "[scenario]") {
  // Documents `limit` (read), and with `unread` as well a parameter it never reads; writes
  // `limit`, and `quality` as well when asked to: a firm key, which the scenario writes itself.
  class Picky final : public msim::Strategy {
   public:
    Picky(double limit, bool echo) : limit_(limit), echo_(echo) {}
    std::unique_ptr<msim::Strategy> clone() const override {
      return std::make_unique<Picky>(*this);
    }
    void plan(const msim::MarketView&, msim::FirmPlan&) override {}
    void write_params(msim::YamlWriter& out) const override {
      out.key("limit").value(limit_);
      if (echo_) out.key("quality").value(1.0);
    }
    double limit_;
    bool echo_;
  };
  static const auto make = [](const msim::StrategyContext& ctx, bool echo) {
    const double limit = ctx.node.get_double("limit", 1.0);
    if (limit < 0) throw std::invalid_argument("limit must be at least 0");
    return std::unique_ptr<msim::Strategy>(std::make_unique<Picky>(limit, echo));
  };
  static const bool once = [&] {
    const msim::ParamDoc limit{"limit", "number", "1", "", "a limit"};
    msim::register_strategy({"picky_for_test", "a test strategy", {limit}, [](const auto& ctx) {
                               return make(ctx, false);
                             }});
    msim::register_strategy({"unread_for_test",
                             "a test strategy",
                             {limit, {"unread", "number", "0", "", "never read"}},
                             [](const auto& ctx) { return make(ctx, false); }});
    msim::register_strategy(
        {"echo_for_test", "a test strategy", {}, [](const auto& ctx) { return make(ctx, true); }});
    return true;
  }();
  (void)once;
  // A parameter may not be a key every firm takes.
  CHECK_THROWS_WITH(
      msim::register_strategy({"clash_for_test",
                               "a test strategy",
                               {{"quality", "number", "1", "", "clashes"}},
                               [](const auto& ctx) { return make(ctx, false); }}),
      Contains("strategy 'clash_for_test': parameter 'quality' is a key every firm takes"));
  const std::string tiny = std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml";
  const std::string picky = "firms.Mass.strategy=picky_for_test";
  CHECK_NOTHROW(msim::load_scenario_file(tiny, {picky, "firms.Mass.limit=2"}));
  // The factory's refusal is the scenario's bad input, at the firm's line.
  CHECK_THROWS_AS(msim::load_scenario_file(tiny, {picky, "firms.Mass.limit=-1"}), InputError);
  CHECK_THROWS_WITH(
      msim::load_scenario_file(tiny, {picky, "firms.Mass.limit=-1"}),
      Contains("tiny.yaml:") && Contains("key 'firms.Mass'") &&
          Contains("strategy 'picky_for_test' refused the firm's settings: limit must be at "
                   "least 0"));
  // Writing a firm key would give it twice in /scenario: a fault in the strategy's code.
  CHECK_THROWS_AS(msim::load_scenario_file(tiny, {"firms.Mass.strategy=echo_for_test"}),
                  std::logic_error);
  CHECK_THROWS_WITH(msim::load_scenario_file(tiny, {"firms.Mass.strategy=echo_for_test"}),
                    Contains("strategy 'echo_for_test' of firm 'Mass' writes quality in "
                             "write_params(), a key every firm takes"));
  // A parameter it documents but did not read is a fault in its code, not an unknown key, and
  // found whether the firm's entry gives it or not.
  const std::string unread = "firms.Mass.strategy=unread_for_test";
  for (const std::vector<std::string>& set :
       {std::vector<std::string>{unread},
        std::vector<std::string>{unread, "firms.Mass.unread=1"}}) {
    CHECK_THROWS_AS(msim::load_scenario_file(tiny, set), std::logic_error);
    CHECK_THROWS_WITH(msim::load_scenario_file(tiny, set),
                      Contains("strategy 'unread_for_test' of firm 'Mass' documents the parameter "
                               "'unread' but its factory does not read it"));
  }
  // Another strategy's parameter says whose it is, not the nearest firm key.
  CHECK_THROWS_AS(msim::load_scenario_file(tiny, {"firms.Mass.crm_fixed_cost_per_year=100"}),
                  InputError);
  CHECK_THROWS_WITH(
      msim::load_scenario_file(tiny, {"firms.Mass.crm_fixed_cost_per_year=100"}),
      Contains("key 'firms.Mass.crm_fixed_cost_per_year': 'crm_fixed_cost_per_year' is a "
               "parameter of strategy 'one_to_one', not of 'mass', this firm's strategy (its "
               "parameters: markup, price, position)") &&
          !Contains("did you mean"));
  // A key no strategy takes still gets the nearest key.
  CHECK_THROWS_WITH(msim::load_scenario_file(tiny, {"firms.Mass.markupp=0.1"}),
                    Contains("did you mean 'markup'"));
}

TEST_CASE("market keys that goodwill's steps of 1/256 change by much get a note", "[scenario]") {
  const auto notes = [](const std::vector<std::string>& sets) {
    return msim::load_scenario_text(kBase, "test.yaml", sets).notes;
  };
  CHECK(notes({}).empty());
  CHECK(notes({"market.beta_mass=0.5", "market.adstock_decay=0.95"}).empty());
  const auto zero = notes({"market.beta_targeted=0.001"});
  REQUIRE(zero.size() == 1);
  CHECK_THAT(zero[0], Contains("key 'market.beta_targeted'") &&
                          Contains("beta_targeted 0.001 is kept as 0") &&
                          Contains("an exposure of this channel alone adds nothing"));
  const auto off = notes({"market.beta_direct=0.01"});
  REQUIRE(off.size() == 1);
  CHECK_THAT(off[0], Contains("beta_direct 0.01 is kept as 0.01172") && Contains("+17%"));
  // Exact decay takes ceil(ln 0.1 / ln 0.99) = 230 steps; rounded down, 143.
  const auto slow = notes({"market.adstock_decay=0.99"});
  REQUIRE(slow.size() == 1);
  CHECK_THAT(slow[0], Contains("key 'market.adstock_decay'") &&
                          Contains("falls below 0.1 after 143 steps instead of 230"));
}

TEST_CASE("a yearly discount rate or a customisation premium above 1 gets a note", "[scenario]") {
  const std::string tiny = std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml";
  const auto notes = [&](const std::vector<std::string>& sets) {
    return msim::load_scenario_file(tiny, sets).notes;
  };
  CHECK(notes({"market.discount_rate_per_year=0.8"}).empty());
  const auto rate = notes({"market.discount_rate_per_year=10"});
  REQUIRE(rate.size() == 1);
  CHECK_THAT(rate[0], Contains("key 'market.discount_rate_per_year'") &&
                          Contains("a yearly discount rate of 10 is 1000% a year") &&
                          Contains("0.1 for 10%"));
  const auto premium = notes({"firms.OneToOne.custom_premium=15"});
  REQUIRE(premium.size() == 1);
  CHECK_THAT(premium[0], Contains("key 'firms.OneToOne.custom_premium'") &&
                             Contains("a customisation premium of 15 is 1500% of the unit cost"));
}
