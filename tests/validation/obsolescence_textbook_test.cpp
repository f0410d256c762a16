// DESIGN.md §5.8 (textbook) for the durable-goods scenarios: scenarios/textbook/
// planned_obsolescence.yaml and innovation.yaml show the lessons their write-ups explain. Each
// test runs the shipped file at its shipped size and seed, with only `--set`-style overrides a
// teacher would use (planned_obsolescence: 100,000 households, 260 weeks, about 2.5 s a run;
// innovation: 50,000 consumers, 156 weeks, under 1 s a run).
//
// Margins: every figure is deterministic for a given seed and build, but the consumer kernel is
// tuned over time. Each margin sits well inside the measured gap yet far enough from zero that a
// scenario whose story no longer holds fails.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/market.hpp"
#include "models/population.hpp"
#include "models/scenario_load.hpp"

namespace {

namespace fs = std::filesystem;

msim::Scenario textbook(const std::string& file, const std::vector<std::string>& overrides) {
  return msim::load_scenario_file(
      (fs::path(MARKETSIM_SOURCE_DIR) / "scenarios" / "textbook" / file).string(), overrides);
}

std::size_t firm(const msim::Scenario& sc, const std::string& name) {
  for (std::size_t j = 0; j < sc.firms.size(); ++j)
    if (sc.firms[j].name == name) return j;
  FAIL("no firm " << name);
  return 0;
}

/// What the planned-obsolescence lessons look at, for one firm.
struct Obsolescence {
  double units_two_years = 0;  ///< units sold in steps 0..103
  double profit = 0;           ///< cumulative profit at the last step
  double loyalty = 0;          ///< last step
  double share = 0;            ///< market share at the last step
  double rival_share = 0;      ///< LongLife's market share at the last step
  double share_year = 0;       ///< share of the units sold in the last 52 steps
  double rival_share_year = 0; ///< LongLife's share of the units sold in the last 52 steps
};

Obsolescence planned_obsolescence(const std::vector<std::string>& overrides) {
  const msim::Scenario sc = textbook("planned_obsolescence.yaml", overrides);
  const std::size_t d = firm(sc, "Durabox"), l = firm(sc, "LongLife");
  msim::Market market(sc);
  Obsolescence o;
  double last_year = 0, last_year_d = 0, last_year_l = 0;
  for (std::int64_t t = 0; t < sc.steps; ++t) {
    market.step();
    const auto& units = market.metrics().units.firm;
    if (t < 104) o.units_two_years += units[d];
    if (t >= sc.steps - 52) {
      for (const double u : units) last_year += u;
      last_year_d += units[d];
      last_year_l += units[l];
    }
  }
  o.share_year = last_year_d / last_year;
  o.rival_share_year = last_year_l / last_year;
  const auto& m = market.metrics();
  o.profit = m.cumulative_profit.firm[d];
  o.loyalty = m.loyalty.firm[d];
  o.share = m.market_share.firm[d];
  o.rival_share = m.market_share.firm[l];
  return o;
}


}  // namespace

TEST_CASE("textbook planned_obsolescence: under a monopoly, a shorter life sells more and costs "
          "loyalty",
          "[validation][textbook][durables]") {
  const Obsolescence standard = planned_obsolescence({});
  const Obsolescence cut = planned_obsolescence({"firms.Durabox.durability=78"});
  INFO("durability 156 -> 78: units in two years " << standard.units_two_years << " -> "
                                                   << cut.units_two_years << ", cumulative profit "
                                                   << standard.profit << " -> " << cut.profit
                                                   << ", loyalty " << standard.loyalty << " -> "
                                                   << cut.loyalty);
  // Lesson: machines that wear out sooner bring owners back sooner. Measured 85,378 -> 93,743
  // units (+9.8%) in the first two years (few standard machines fail that early).
  CHECK(cut.units_two_years >= 1.05 * standard.units_two_years);
  // Lesson: with nowhere else to go, the owners come back and the cheaper machine pays.
  // Measured cumulative profit 18.2M -> 42.8M (x2.35).
  CHECK(cut.profit >= 1.5 * standard.profit);
  // Lesson: early failures cost loyalty. Measured 0.599 -> 0.516.
  CHECK(cut.loyalty <= standard.loyalty - 0.04);
}

TEST_CASE("textbook planned_obsolescence: against a rival that builds to last, the cut costs "
          "share and profit",
          "[validation][textbook][durables]") {
  const std::string rival = "shocks.rival_enters.enabled=true";
  const Obsolescence standard = planned_obsolescence({rival});
  const Obsolescence cut =
      planned_obsolescence({rival, "firms.Durabox.durability=78"});
  INFO("with LongLife, durability 156 -> 78: Durabox share " << standard.share << " -> "
                                                             << cut.share << ", profit "
                                                             << standard.profit << " -> "
                                                             << cut.profit << ", LongLife share "
                                                             << standard.rival_share << " -> "
                                                             << cut.rival_share
                                                             << "; shares of the last year's units: Durabox "
                                                             << standard.share_year << " -> " << cut.share_year
                                                             << ", LongLife " << standard.rival_share_year
                                                             << " -> " << cut.rival_share_year);
  // Lesson: owners of failed machines switch to the rival that builds to last. Measured last-step
  // share 32.3% -> 11.2% (LongLife 67.7% -> 88.8%); share of the last year's units 35.2% ->
  // 12.3%. The last step's share rests on a few hundred units (sd ~3 points), the last year's on
  // thousands, hence the tighter margin there.
  CHECK(cut.share <= standard.share - 0.10);
  CHECK(cut.share_year <= standard.share_year - 0.15);
  CHECK(cut.rival_share >= standard.rival_share + 0.10);
  CHECK(cut.rival_share_year >= standard.rival_share_year + 0.15);
  // Lesson: the cheaper machine no longer pays. Measured cumulative profit 5.21M -> 3.80M.
  CHECK(cut.profit <= 0.9 * standard.profit);
}

namespace {

/// What the innovation lessons look at. Upgrades are found in the population's ownership
/// columns: a product still working at step t (t < fails) replaced at step t; their total is
/// checked against the recorded /market/upgrades.
struct Innovation {
  std::vector<double> upgrades_by_segment;  ///< [S]
  std::vector<double> consumers_by_segment;  ///< [S]
  double upgrades = 0;           ///< all upgrades (recorded)
  double novo_upgrades = 0;      ///< upgrades sold by Novo (recorded)
  double novo_units = 0, steady_units = 0;
  double novo_replacements = 0;  ///< failed products replaced by Novo (recorded)
  double upgrade_age = 0;        ///< mean age of the working products upgraded
};

Innovation innovation(const std::vector<std::string>& overrides) {
  const msim::Scenario sc = textbook("innovation.yaml", overrides);
  const std::size_t novo = firm(sc, "Novo"), steady = firm(sc, "Steady");
  msim::Market market(sc);
  const msim::Population& pop = market.population();
  Innovation o;
  o.upgrades_by_segment.assign(sc.segments.size(), 0.0);
  o.consumers_by_segment.assign(sc.segments.size(), 0.0);
  for (std::size_t i = 0; i < pop.n; ++i) o.consumers_by_segment[pop.segment[i]] += 1.0;
  msim::ConsumerColumn<std::uint16_t> fails, bought;
  msim::ConsumerColumn<std::uint8_t> owner;
  double ages = 0.0;
  for (std::int64_t t = 0; t < sc.steps; ++t) {
    fails = pop.fails;
    bought = pop.bought;
    owner = pop.owner;
    market.step();
    const auto& m = market.metrics();
    for (const double u : m.upgrades.firm) o.upgrades += u;
    o.novo_upgrades += m.upgrades.firm[novo];
    o.novo_units += m.units.firm[novo];
    o.steady_units += m.units.firm[steady];
    o.novo_replacements += m.replacements.firm[novo];
    for (std::size_t i = 0; i < pop.n; ++i)
      if (owner[i] != msim::kNoOwner && t < fails[i] && pop.bought[i] == t) {
        o.upgrades_by_segment[pop.segment[i]] += 1.0;
        ages += static_cast<double>(t - bought[i]);
      }
  }
  double found = 0.0;
  for (const double u : o.upgrades_by_segment) found += u;
  REQUIRE(found == o.upgrades);
  o.upgrade_age = found > 0 ? ages / found : 0.0;
  return o;
}

}  // namespace

TEST_CASE("textbook innovation: upgrades come from novelty seekers and sell the innovator more",
          "[validation][textbook][durables]") {
  const Innovation base = innovation({});
  const Innovation flat = innovation({"firms.Novo.innovation.quality_gain=0"});
  const double collectors = base.upgrades_by_segment[0] / base.consumers_by_segment[0];
  const double mainstream = base.upgrades_by_segment[1] / base.consumers_by_segment[1];
  INFO("upgrades " << base.upgrades << " (Novo " << base.novo_upgrades << "): per collector "
                   << collectors << ", per mainstream consumer " << mainstream
                   << "; mean age of the upgraded products " << base.upgrade_age
                   << " weeks; units Novo " << base.novo_units << ", Steady "
                   << base.steady_units << "; without generations: Novo " << flat.novo_units
                   << ", Steady " << flat.steady_units << ", upgrades " << flat.upgrades);
  // Lesson: upgrades concentrate among novelty seekers. Measured 14,207 upgrades: 1.94 per
  // collector, 0.0007 per mainstream consumer (all but a handful by collectors).
  CHECK(base.upgrades >= 1000);
  CHECK(collectors >= 10.0 * mainstream);
  CHECK(base.upgrades_by_segment[0] >= 0.8 * base.upgrades);
  // Lesson: the innovator sells most of the upgrades. (Not all: the upgrade decision is made
  // against the newest generation on the market, then the purchase is an ordinary logit choice,
  // so some owners of an old Novo phone upgrade to a Steady phone of the same quality.)
  // Measured 11,174 of 14,207 (79%).
  CHECK(base.novo_upgrades >= 0.7 * base.upgrades);
  // Lesson: working products are replaced early, well before their expected life (Weibull
  // shape 2, scale 156: mean 138 weeks). Measured: upgraded phones were 41.6 weeks old.
  CHECK(base.upgrade_age <= 104.0);
  // Lesson: the innovator sells more units, and more than it would without new generations;
  // upgrades are a large part of the difference. Measured: Novo 49,836 units against Steady's
  // 27,044; without generations 31,925 against 31,948. Novo's 17,911 extra units include its
  // 11,174 upgrades (the rest are buyers won from Steady by the better phone).
  CHECK(base.novo_units >= 1.2 * base.steady_units);
  CHECK(base.novo_units >= flat.novo_units + 0.5 * base.novo_upgrades);
  // Without new generations nobody upgrades (the two phones are alike).
  CHECK(flat.upgrades == 0.0);

  // What to change (innovation.md): collectors who care less for novelty upgrade far less.
  // Measured 14,207 -> 4,407 upgrades with the collectors' novelty at 0.3 instead of 0.9.
  const Innovation tame = innovation({"segments.collectors.novelty_seeking.mean=0.3"});
  INFO("upgrades with the collectors' novelty at 0.3: " << tame.upgrades);
  CHECK(tame.upgrades <= 0.5 * base.upgrades);
}
