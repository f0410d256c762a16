// The consumer kernel: its privacy rule (DESIGN.md §1: a consumer who opted out never gains a
// CRM profile, whatever the one-to-one firms do), media that reach one segment only, and the
// installed base of durables kept from its changes.
#include "models/consumer_kernel.hpp"

#include <cmath>
#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/scenario_load.hpp"

TEST_CASE("consumer kernel: opted-out consumers never gain a CRM profile", "[kernel][crm]") {
  const msim::Scenario sc =
      msim::load_scenario_file(std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml",
                               {"consumers=8000", "segments.young.privacy_opt_out=0.3",
                                "segments.family.privacy_opt_out=0.3"});
  msim::Market market(sc);
  const msim::Population& pop = market.population();
  REQUIRE(pop.crm_firms == 1);
  for (int t = 0; t < 40; ++t) {
    market.step();
    std::size_t opted_out = 0, profiled = 0, opted_out_profiled = 0;
    for (std::size_t i = 0; i < pop.n; ++i) {
      const bool out = (pop.flags[i] & msim::kOptOut) != 0;
      const bool known = pop.crm[i] > 0;
      opted_out += out ? 1 : 0;
      profiled += known ? 1 : 0;
      opted_out_profiled += out && known ? 1 : 0;
    }
    INFO("step " << t);
    REQUIRE(opted_out > 1000);
    REQUIRE(opted_out_profiled == 0);
    if (t == 39) REQUIRE(profiled > 1000);  // the firm does build profiles of the others
  }
}

namespace {

/// The share of the targeted segment aware of a niche firm after its first step, when its
/// media reach that segment alone, listed first or second.
double niche_awareness_after_one_step(bool target_first) {
  const std::string alike =
      ", share: 0.5, ideal: {mean: [0, 0], sd: [0.5, 0.5]}, "
      "purchase_rate: {staples: {mean: 0.5, shape: 1.0}}}";
  const std::string a = "{name: a" + alike, b = "{name: b" + alike;
  const std::string text =
      "name: one segment reached\nseed: 5\nconsumers: 40000\nsteps: 2\n"
      "categories: [{name: staples, kind: consumable}]\n"
      "segments: [" +
      (target_first ? b + ", " + a : a + ", " + b) +
      "]\n"
      "firms: [{name: N, strategy: niche, target: b, targeting_precision: "
      "1.0, budget_per_year: 1.5e4}]\n";
  msim::Market market(msim::load_scenario_text(text, "<test>", {}));
  market.step();
  const std::size_t b_index = target_first ? 0 : 1;
  return market.metrics().segment_awareness[b_index];  // one firm: [S * 1]
}

}  // namespace

// Media exposures are drawn for a group of firms when they reach any segment, not only the
// first: a niche firm whose media reach the second segment alone once read words never drawn.
TEST_CASE("consumer kernel: exposures are drawn when media reach only a later segment",
          "[kernel][media]") {
  const double first = niche_awareness_after_one_step(true);
  const double second = niche_awareness_after_one_step(false);
  INFO("targeted segment listed first: " << first << ", second: " << second);
  REQUIRE(first > 0.05);
  REQUIRE(first < 0.95);  // not saturated, so the comparison means something
  // 20,000 consumers in the segment: a binomial sd of at most 0.0036 each.
  REQUIRE(std::abs(first - second) < 0.02);
}

namespace {

/// Runs a shipped scenario and, after every step, counts each firm's working durables from the
/// consumers' ownership state: the kernel keeps the installed base from its changes (purchases,
/// upgrades, failures), and the count must match. Returns the upgrades and failures seen.
std::pair<double, double> installed_base_matches_owners(const std::string& scenario, int steps) {
  const msim::Scenario sc = msim::load_scenario_file(
      std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/textbook/" + scenario,
      {"consumers=10000", "steps=" + std::to_string(steps)});
  msim::Market market(sc);
  const msim::Population& pop = market.population();
  const std::size_t F = sc.firms.size(), C = sc.categories.size();
  REQUIRE(pop.durables >= 1);
  double upgrades = 0.0, failures = 0.0;
  for (int t = 0; t < steps; ++t) {
    market.step();
    const msim::StepMetrics& m = market.metrics();
    std::size_t d = 0;
    for (std::size_t c = 0; c < C; ++c) {
      if (!sc.categories[c].durable()) continue;
      std::vector<double> working(F, 0.0);
      for (std::size_t i = 0; i < pop.n; ++i) {
        const std::size_t cell = i * pop.durables + d;
        if (pop.owner[cell] != msim::kNoOwner && static_cast<int>(pop.fails[cell]) > t)
          working[pop.owner[cell] - 1u] += 1.0;
      }
      for (std::size_t j = 0; j < F; ++j) {
        INFO(scenario << ", step " << t << ", category " << c << ", firm " << j);
        REQUIRE(m.installed_base.by_category[c * F + j] == working[j]);
        upgrades += m.upgrades.by_category[c * F + j];
        failures += m.failures.by_category[c * F + j];
      }
      ++d;
    }
  }
  return {upgrades, failures};
}

}  // namespace

TEST_CASE("consumer kernel: the installed base is the working durables the consumers own",
          "[kernel][durables]") {
  // Upgrades to a newer generation (from step 52) replace working products; failures end them.
  const auto [upgrades, failures] = installed_base_matches_owners("innovation.yaml", 120);
  CHECK(upgrades > 0.0);
  CHECK(failures > 0.0);
  // Planned obsolescence: early failures and replacements.
  CHECK(installed_base_matches_owners("planned_obsolescence.yaml", 80).second > 0.0);
}

// Where the build has AVX-512, the kernel takes two consumers per vector in its advertising and
// its word of mouth (EngineOptions::paired_consumers); it must leave every consumer as one at a
// time does.
namespace {

/// What a comparison saw: early failures over the run, and consumers tagged by a referral
/// program at its end.
struct PairsSaw {
  double early_failures = 0.0;
  std::size_t referred = 0;
};

/// Runs the scenario paired and one consumer at a time for `steps` steps, comparing every
/// consumer's goodwill, recency, loyalty and CRM profiles and the units sold after each step.
PairsSaw require_pairs_alike(const std::string& file, const std::vector<std::string>& sets,
                             int steps) {
  PairsSaw saw;
  const msim::Scenario sc =
      msim::load_scenario_file(std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/" + file, sets);
  msim::Market paired(sc), single(sc, msim::EngineOptions{4096, false});
  const msim::Population &a = paired.population(), &b = single.population();
  REQUIRE(a.lanes == 8);
  for (int t = 0; t < steps; ++t) {
    paired.step();
    single.step();
    INFO(file << ", step " << t);
    REQUIRE(a.goodwill == b.goodwill);
    REQUIRE(a.since == b.since);
    REQUIRE(a.loyalty == b.loyalty);
    REQUIRE(a.crm == b.crm);
    REQUIRE(paired.metrics().units.firm == single.metrics().units.firm);
    for (double f : paired.metrics().early_failures.firm) saw.early_failures += f;
  }
  // The goodwill compared is alive: the first firm has many consumers aware of it.
  std::size_t aware = 0;
  for (std::size_t i = 0; i < a.n; ++i) aware += a.goodwill[i * a.lanes] >= 256 ? 1 : 0;
  INFO(file);
  CHECK(aware > a.n / 10);
  for (std::uint8_t profile : a.crm) saw.referred += (profile & msim::kReferred) != 0 ? 1 : 0;
  return saw;
}

}  // namespace

TEST_CASE("consumer kernel: two consumers per vector give the bits of one at a time",
          "[kernel][pairs]") {
  if (!msim::paired_consumers_built())
    WARN("this build has no paired paths (no AVX-512): both runs take one consumer at a time");
  // Odd numbers of consumers: whole chunks of pairs, and a last chunk with one left over.
  SECTION("media in and beyond the bucket tables, and in one segment alone") {
    // With 12,345 consumers VarietyCo's media (2.5e6 a year) average over 40 exposures a step,
    // which are inverted directly, MegaMeals's a few, which take the bucket tables and their
    // scans, and the niche firm's media reach one segment alone.
    require_pairs_alike("default.yaml", {"consumers=12345", "firms.MegaMeals.budget_per_year=2e4"},
                        20);
  }
  SECTION("stories of early failures") {
    const PairsSaw saw = require_pairs_alike("textbook/planned_obsolescence.yaml",
                                             {"consumers=9999", "firms.Durabox.durability=30"}, 60);
    CHECK(saw.early_failures > 100);
  }
  SECTION("a referral program") {
    const PairsSaw saw =
        require_pairs_alike("textbook/loyalty_referral.yaml", {"consumers=10001"}, 30);
    CHECK(saw.referred > 100);
  }
}

namespace {

/// MyCuppa's units over 20 weeks of the textbook market of mass against one-to-one marketing
/// (20,000 households), with `idle` firms that never advertise listed before it: with six, the
/// one-to-one firm is in the second group of eight firm lanes.
double one_to_one_units(int idle) {
  std::ifstream in(std::string(MARKETSIM_SOURCE_DIR) +
                   "/scenarios/textbook/mass_vs_one_to_one.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const std::size_t at = yaml.find("  - {name: MyCuppa");
  REQUIRE(at != std::string::npos);
  for (int k = 0; k < idle; ++k)
    yaml.insert(at, "  - {name: Idle" + std::to_string(k) +
                        ", strategy: mass, budget_per_year: 0, markup: 0.3}\n");
  msim::Market market(msim::load_scenario_text(yaml, "<test>", {"consumers=20000", "steps=20"}));
  const std::size_t j = static_cast<std::size_t>(2 + idle);
  REQUIRE(market.scenario().firms[j].name == "MyCuppa");
  double units = 0.0, idle_units = 0.0;
  for (int t = 0; t < 20; ++t) {
    market.step();
    units += market.metrics().units.firm[j];
    for (int k = 0; k < idle; ++k) idle_units += market.metrics().units.firm[2 + k];
  }
  CHECK(idle_units == 0.0);
  return units;
}

}  // namespace

TEST_CASE("consumer kernel: a one-to-one firm in the second group of eight lanes customises",
          "[kernel][crm]") {
  // The same firm, in lane 2 or in lane 8 (other random words, so only statistically alike):
  // its customised offers, made group by group, must work in either.
  const double first = one_to_one_units(0), second = one_to_one_units(6);
  INFO("units in lane 2: " << first << ", in lane 8: " << second);
  REQUIRE(first > 10000);
  CHECK(std::abs(second / first - 1.0) < 0.05);
}

// DESIGN.md §1: after a choice, loyalty is smoothed for every firm of the choice (L <- rho L), and
// a consumer is aware of a firm while L > 0; so a past buyer never forgets the firm. Firm A has no
// media and no word of mouth: only its buyers' loyalty keeps them aware of it. Each consumer makes
// about two choices a step, so by step 60 the first buyers have made some 120 (loyalty rounded
// down reached 0 after 39 at rho = 0.8, and A's awareness fell to a seventh of its penetration).
TEST_CASE("consumer kernel: a past buyer's loyalty stays above 0, and the buyer aware",
          "[kernel][loyalty]") {
  const std::string yaml = R"(name: loyalty lasts
seed: 3
consumers: 20000
steps: 60
market: {initial_awareness: 1, wom_rate: 0, outside_utility: 0}
categories:
  - {name: goods, base_cost: 1.0}
segments:
  - name: s
    share: 1
    ideal: {mean: [0, 0], sd: [0.3, 0.3]}
    price_sensitivity: {mean: 1.0, sd: 0}
    purchase_rate: {goods: {mean: 2.0, shape: 50}}
firms:
  - {name: A, strategy: mass, budget_per_year: 0, quality: 1.0}
  - {name: B, strategy: mass, budget_per_year: 52000, quality: 2.5}
)";
  // The default, and smoothings within a 16-bit step of 1 and of 0.
  const std::string rho = GENERATE(as<std::string>{}, "0.8", "0.99999", "5e-6");
  INFO("loyalty_smoothing " << rho);
  msim::Market market(
      msim::load_scenario_text(yaml, "<test>", {"market.loyalty_smoothing=" + rho}));
  const msim::Population& pop = market.population();
  for (int t = 0; t < 60; ++t) {
    market.step();
    std::size_t buyers = 0, forgot = 0;
    for (std::size_t i = 0; i < pop.n; ++i) {
      if (pop.count[i * pop.lanes] == 0) continue;  // never bought from A
      ++buyers;
      forgot += pop.loyalty[i * pop.lanes] == 0 ? 1 : 0;
    }
    INFO("step " << t);
    REQUIRE(buyers > 1000);
    REQUIRE(forgot == 0);
    // Everyone who ever bought from A is aware of it: awareness at least penetration.
    REQUIRE(market.metrics().awareness.firm[0] >= market.metrics().penetration.firm[0]);
  }
}

// Loyalty is smoothed over the firms the consumer could have chosen: those that sell in the
// occasion's category and region (scenarios/README.md, the step's item 8). Firm D sells only
// drinks, S only snacks. The drinks' occasions and choices take their own random words, so a
// consumer's loyalty to D must come out the same, bit for bit, whether or not it also shops for
// snacks (before the rule, each snack occasion smoothed D's loyalty too: a drinks brand lost its
// loyal buyers' loyalty at every snack bought).
TEST_CASE("consumer kernel: a choice in one category leaves loyalty to a firm outside it alone",
          "[kernel][loyalty]") {
  const std::string yaml = R"(name: loyalty by category
seed: 5
consumers: 5000
steps: 20
market: {initial_awareness: 1, outside_utility: 0}
categories:
  - {name: drinks, base_cost: 1.0}
  - {name: snacks, base_cost: 1.0}
segments:
  - name: s
    share: 1
    ideal: {mean: [0, 0], sd: [0.3, 0.3]}
    price_sensitivity: {mean: 1.0, sd: 0}
    purchase_rate: {drinks: {mean: 0.5, shape: 50}, snacks: {mean: 3.0, shape: 50}}
firms:
  - {name: D, strategy: mass, budget_per_year: 5200, categories: [drinks]}
  - {name: S, strategy: mass, budget_per_year: 5200, categories: [snacks]}
)";
  const auto loyalty_to = [&](const std::string& snacks_rate, std::size_t firm) {
    // (Firm D is lane 0.)
    msim::Market market(msim::load_scenario_text(
        yaml, "<test>", {"segments.s.purchase_rate.snacks.mean=" + snacks_rate}));
    for (int t = 0; t < 20; ++t) market.step();
    const msim::Population& pop = market.population();
    std::vector<std::uint16_t> L(pop.n);
    for (std::size_t i = 0; i < pop.n; ++i) L[i] = pop.loyalty[i * pop.lanes + firm];
    return L;
  };
  const std::vector<std::uint16_t> with = loyalty_to("3.0", 0), without = loyalty_to("0", 0);
  std::size_t loyal = 0, moved = 0;
  for (std::size_t i = 0; i < with.size(); ++i) {
    loyal += without[i] > 0 ? 1 : 0;
    moved += with[i] != without[i] ? 1 : 0;
  }
  INFO(loyal << " consumers loyal to D; " << moved << " of them moved by snack occasions");
  REQUIRE(loyal > 1000);
  CHECK(moved == 0);
}
