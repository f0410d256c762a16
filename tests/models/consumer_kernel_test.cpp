// The consumer kernel: its privacy rule (DESIGN.md §1: a consumer who opted out never gains a
// CRM profile, whatever the one-to-one firms do), and media that reach one segment only.
#include "models/consumer_kernel.hpp"

#include <cmath>
#include <cstddef>
#include <string>

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
