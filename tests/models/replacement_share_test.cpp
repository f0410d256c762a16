// The firm-wide replacement share of a firm that sells a consumable beside a durable: consumables
// are never bought to replace a failed product, so the share is over the durable units, as the
// summary's durables table and summary.csv count it.
#include <string>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/scenario_load.hpp"

namespace {

const std::string kMixed = R"(
name: mixed
seed: 5
consumers: 3000
steps: 12
market: {outside_utility: -1.0, initial_awareness: 0.5}
categories:
  - {name: tea, kind: consumable, base_cost: 1.0}
  - {name: kettle, kind: durable, base_cost: 2.0, lifetime: {shape: 20, scale: 1}}
segments:
  - name: all
    share: 1
    ideal: {mean: [0, 0], sd: [0.5, 0.5]}
    purchase_rate: {tea: {mean: 1.0}, kettle: {mean: 0.4}}
firms:
  - {name: Maker, strategy: mass, budget_per_year: 20000}
)";

}  // namespace

TEST_CASE("market accounting: a firm's overall replacement share is over its durable units",
          "[accounting][durables]") {
  msim::Market market(msim::load_scenario_text(kMixed, "mixed.yaml"));
  double replaced = 0.0;
  for (int t = 0; t < 12; ++t) {
    market.step();
    const msim::StepMetrics& m = market.metrics();
    const double tea = m.units.by_category[0], kettles = m.units.by_category[1];
    INFO("step " << t << ": " << tea << " tea, " << kettles << " kettles, "
                 << m.replacements.firm[0] << " replacements");
    CHECK(m.replacements.by_category[0] == 0.0);
    CHECK(m.replacement_share.firm[0] ==
          Approx(kettles > 0 ? m.replacements.firm[0] / kettles : 0.0).epsilon(1e-12));
    CHECK(m.replacement_share.firm[0] == m.replacement_share.by_category[1]);
    replaced += m.replacements.firm[0];
    if (m.replacements.firm[0] > 0) REQUIRE(tea > 0);  // tea would dilute the share
  }
  REQUIRE(replaced > 50);  // kettles fail and are replaced every step or two
}
