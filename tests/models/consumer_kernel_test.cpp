// The consumer kernel's privacy rule (DESIGN.md §1): a consumer who opted out never gains a CRM
// profile, whatever the one-to-one firms do.
#include "models/consumer_kernel.hpp"

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
