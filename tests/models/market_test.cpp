// The market's checks on what firms charge: a price past the limit that keeps revenue exact in
// integer cents is the scenario's error (exit code 2), and price cuts that stack never make a
// strategy look faulty.
#include "models/market.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/limits.hpp"
#include "models/scenario_load.hpp"
#include "sim/error.hpp"

using Catch::Contains;

namespace {

msim::Scenario tiny(std::vector<std::string> overrides) {
  overrides.push_back("consumers=2000");
  return msim::load_scenario_file(std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml",
                                  overrides);
}

}  // namespace

TEST_CASE("market: a price past the limit stops the run and names the firm, step and cause",
          "[market]") {
  // Each key is in range; together, at step 2, Mass's snacks cost 1e9 and sell at 1.2e9.
  msim::Market market(tiny({"categories.snacks.base_cost=1e6", "firms.Mass.markup=0.2",
                            "shocks=[{step: 2, kind: cost, firm: Mass, multiply: 1000}]"}));
  market.step();
  market.step();
  CHECK(market.metrics().price.firm[0] > 0);
  REQUIRE_THROWS_AS(market.step(), msim::InputError);
  msim::Market again(tiny({"categories.snacks.base_cost=1e6", "firms.Mass.markup=0.2",
                           "shocks=[{step: 2, kind: cost, firm: Mass, multiply: 1000}]"}));
  again.step();
  again.step();
  REQUIRE_THROWS_WITH(again.step(),
                      Contains("at step 2, firm 'Mass' would sell snacks at 1.2e+09") &&
                          Contains("unit cost 1e+09 with markup 0.2") &&
                          Contains("above the limit of 1e+09") &&
                          Contains("; the shocks that moved it: shocks.0 (step 2, cost multiply "
                                   "1000)"));
  // Only the shocks that still shape the price are named: a set price replaces the raise before
  // it, and a markup the set price; then the cost counts again.
  msim::Market later(tiny({"categories.snacks.base_cost=1e6", "firms.Mass.markup=0.2",
                           "shocks=[{name: up, step: 1, kind: price, firm: Mass, multiply: 2}, "
                           "{name: fix, step: 2, kind: price, firm: Mass, set: 5}, "
                           "{name: back, step: 3, kind: price, firm: Mass, markup: 0.5}, "
                           "{name: dear, step: 4, kind: cost, firm: Mass, multiply: 1000}]"}));
  for (int t = 0; t < 4; ++t) later.step();
  REQUIRE_THROWS_WITH(later.step(),
                      Contains("; the shocks that moved it: shocks.back (step 3, price markup "
                               "0.5), shocks.dear (step 4, cost multiply 1000)"));
  // Just under the limit is fine.
  msim::Market under(tiny({"categories.snacks.base_cost=1e6", "firms.Mass.markup=0",
                           "shocks=[{step: 2, kind: cost, firm: Mass, multiply: 1000}]"}));
  for (int t = 0; t < 4; ++t) under.step();
  CHECK(under.metrics().unit_cost.firm[0] <= msim::kMaxUnitMoney);
}

TEST_CASE("market: a unit cost past the limit stops the run, even at a fixed price", "[market]") {
  // Durabox sells at a fixed price of 420, but a durability 416 times the lifetime scale, at
  // an elasticity of 5, would make each washer cost some 1.3e13 times the base cost.
  const std::string file =
      std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/textbook/planned_obsolescence.yaml";
  const std::vector<std::string> dear = {"consumers=2000",
                                         "categories.washer.durability_cost_elasticity=5",
                                         "firms.Durabox.durability=65000"};
  msim::Market market(msim::load_scenario_file(file, dear));
  REQUIRE_THROWS_AS(market.step(), msim::InputError);
  msim::Market again(msim::load_scenario_file(file, dear));
  REQUIRE_THROWS_WITH(again.step(),
                      Contains("key 'firms.Durabox.durability': at step 0, firm 'Durabox' would "
                               "make washer at a unit cost of") &&
                          Contains("above the limit of 1e+09") &&
                          Contains("for a durability of 6.5e+04 steps against the lifetime "
                                   "scale of 156 (durability_cost_elasticity 5)"));
  // The category's own lifetime at the same elasticity costs the base cost.
  msim::Market plain(msim::load_scenario_file(
      file, {"consumers=2000", "categories.washer.durability_cost_elasticity=5"}));
  for (int t = 0; t < 3; ++t) REQUIRE_NOTHROW(plain.step());
}

TEST_CASE("market: a price cut below half a cent stops the run and names the shocks", "[market]") {
  // Prices are whole cents: one that rounds to 0.00 would give the goods away.
  msim::Market market(
      tiny({"shocks=[{name: slash, step: 1, kind: price, firm: Mass, "
            "multiply: 0.001}]"}));
  market.step();
  REQUIRE_THROWS_WITH(market.step(), Contains("at step 1, firm 'Mass' would sell snacks at") &&
                                         Contains("below the smallest price of 0.005") &&
                                         Contains("round to 0.00") &&
                                         Contains("raise the category's base_cost") &&
                                         Contains("shocks.slash (step 1, price multiply 0.001)"));
  // Cost-plus on a tiny cost: at step 0.
  msim::Market cheap(tiny({"categories.snacks.base_cost=0.001"}));
  REQUIRE_THROWS_WITH(cheap.step(), Contains("at step 0") && Contains("unit cost 0.001"));
  // A cut to a few cents is a price.
  msim::Market cut(tiny({"shocks=[{step: 1, kind: price, firm: Mass, multiply: 0.02}]"}));
  for (int t = 0; t < 3; ++t) REQUIRE_NOTHROW(cut.step());
  CHECK(cut.metrics().price.firm[0] > 0.0);
}

TEST_CASE("market: a block size the kernel's unchecked sums cannot hold is refused", "[market]") {
  const msim::Scenario sc = tiny({});
  REQUIRE_THROWS_WITH(msim::Market(sc, msim::EngineOptions{0}),
                      Contains("block_size 0 is not a number of consumers from 1 to 16384"));
  REQUIRE_THROWS_AS(msim::Market(sc, msim::EngineOptions{msim::kMaxBlockSize + 1}),
                    std::invalid_argument);
  // The largest block holds the whole population here, and gives the results of many blocks.
  msim::Market one(sc, msim::EngineOptions{msim::kMaxBlockSize});
  msim::Market many(sc, msim::EngineOptions{256});
  for (int step = 0; step < 3; ++step) {
    one.step();
    many.step();
  }
  CHECK(one.metrics().units.firm == many.metrics().units.firm);
  CHECK(one.metrics().revenue.firm == many.metrics().revenue.firm);
}
