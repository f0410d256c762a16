// The one_to_one strategy under `cpm` shocks of channel `direct`: it plans its contacts at the
// cost per contact the shocks give, so that it never pays for more contacts than it has
// profiles, and spends what its profiles cannot take on mass media.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "strategy_scenarios.hpp"

namespace {

double profiles(const msim::Population& p, int col) {
  double n = 0;
  for (std::size_t i = 0; i < p.n; ++i)
    n += (p.crm[i * p.crm_firms + static_cast<std::size_t>(col)] & msim::kDepthMask) > 0 ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("one_to_one: contacts paid for never outnumber the profiles after a direct cpm shock",
          "[strategies][one_to_one][shocks]") {
  // A budget that profiles cap for the whole run: 0.6 x 2e6 / 52 = 23077 of direct money a
  // step, against a few thousand profiles. Contacts get 4 times cheaper at step 3, and cost 2.0
  // from step 8.
  const std::string text = msim::test::market_text(
                               "firms:\n"
                               "  - {name: Tailor, strategy: one_to_one, budget_per_year: 2.0e6, "
                               "crm_fixed_cost_per_year: 2000}\n"
                               "  - {name: Big, strategy: mass, budget_per_year: 40000}\n",
                               4000, 12) +
                           "shocks:\n"
                           "  - {step: 3, kind: cpm, channel: direct, multiply: 0.25}\n"
                           "  - {step: 8, kind: cpm, channel: direct, set: 2.0}\n";
  const msim::Scenario sc = msim::test::load_market(text);
  msim::Market market(sc);
  const double budget = 2.0e6 / 52.0;
  for (int t = 0; t < 12; ++t) {
    const double known = profiles(market.population(), market.crm_column(0));
    market.step();
    const msim::FirmPlan& plan = market.plans()[0];
    const double cost = t < 3 ? 0.5 : t < 8 ? 0.125 : 2.0;
    INFO("step " << t << ": " << known << " profiles, direct spend " << plan.direct_spend << " at "
                 << plan.cost_per_contact << " a contact");
    REQUIRE(plan.cost_per_contact == Approx(cost).epsilon(1e-12));
    REQUIRE(known * cost < budget * 0.6);  // the profiles cap the direct money
    // One contact for every profile, paid at the cost in force; the rest buys mass media.
    CHECK(plan.direct_spend / plan.cost_per_contact == Approx(known).epsilon(1e-12));
    CHECK(plan.mass_spend + plan.direct_spend == Approx(budget).epsilon(1e-12));
    CHECK(market.metrics().direct_spend.firm[0] == plan.direct_spend);
  }
}
