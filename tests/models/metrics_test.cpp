// The metric list (models/metrics.cpp): a ratio recorded as 0 where it is undefined says so in
// its description, which every dataset carries, so that a reader of the file does not average
// zeros that mean "no buyers" (an experiment's tables hold NaN there).
#include "models/metrics.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/scenario_load.hpp"

TEST_CASE("ratios recorded as 0 where undefined say so in their description", "[metrics]") {
  // Niche enters at step 8 of 10: before, it has no buyers and every ratio of it is undefined.
  msim::Market market(msim::load_scenario_file(
      std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml",
      {"consumers=2000", "steps=10", "shocks=[{step: 8, kind: enter, firm: Niche}]"}));
  REQUIRE(market.scenario().firms[2].name == "Niche");
  market.step();
  const msim::StepMetrics& m = market.metrics();
  REQUIRE(m.customers.firm[2] == 0.0);
  std::size_t checked = 0;
  for (const msim::MetricInfo& info : msim::firm_metrics()) {
    const std::string name = info.name;
    if (name != "market_share" && name != "value_share" && name != "customer_share" &&
        name != "loyalty" && name != "purchases_per_buyer" && name != "share_of_wallet" &&
        name != "roi")
      continue;
    ++checked;
    INFO(name << ": " << info.description);
    CHECK((m.*info.member).firm[2] == 0.0);  // the value recorded for "undefined"
    CHECK_THAT(info.description, Catch::Contains("; 0 ") && Catch::Contains("undefined"));
  }
  CHECK(checked == 7);
}
