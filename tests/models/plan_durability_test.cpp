// A strategy may choose how long its durables last (FirmPlan::durability): the market then acts
// as it would with that durability in the scenario (unit costs, lifetimes, what informed buyers
// make of it), records the choice as /market/durability, and refuses a choice it cannot make.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/market.hpp"
#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "models/strategy.hpp"
#include "sim/parallel.hpp"
#include "sim/recorder.hpp"
#include "tests/plan_helpers.hpp"

using Catch::Contains;

namespace {

constexpr std::size_t kKettle = 1;  ///< the durable category of kScenario
double g_durability = 0.0;          ///< what the test strategy sets for kettles; 0: nothing
std::int64_t g_from_step = 0;       ///< the first step it sets it
/// [step] the durability of the rival's kettle and of its own, as view.offers shows them.
std::vector<std::pair<double, double>> g_seen;

/// Mass marketing that sets its kettles' durability from step g_from_step on.
class Lifetime final : public msim::Strategy {
 public:
  std::unique_ptr<msim::Strategy> clone() const override {
    return std::make_unique<Lifetime>(*this);
  }
  void plan(const msim::MarketView& view, msim::FirmPlan& plan) override {
    msim::test::offer_at_mean(view, plan);
    plan.mass_spend = view.budget;
    const auto kettle = [&](int firm) {
      for (const msim::Offer& o : view.offers.at(static_cast<std::size_t>(firm)))
        if (o.category == static_cast<int>(kKettle)) return o.durability;
      return -1.0;  // nothing offered (step 0)
    };
    g_seen.emplace_back(kettle(1), kettle(view.firm));
    if (g_durability != 0.0 && view.step >= g_from_step) plan.durability.at(kKettle) = g_durability;
  }
  void write_params(msim::YamlWriter&) const override {}
};

void register_lifetime() {
  static const bool once = [] {
    msim::register_strategy({"lifetime_for_test", "a test strategy", {}, [](const auto&) {
                               return std::unique_ptr<msim::Strategy>(std::make_unique<Lifetime>());
                             }});
    return true;
  }();
  (void)once;
}

// Informed buyers weigh durability (durability_weight), so the choice moves utilities as well as
// costs and lifetimes.
const char* const kScenario = R"(
name: durability choice
seed: 91
consumers: 4000
steps: 40
categories:
  - {name: tea, kind: consumable, base_cost: 1.0}
  - {name: kettle, kind: durable, base_cost: 2.0, lifetime: {shape: 2, scale: 60},
     durability_weight: 0.4}
segments:
  - {name: a, share: 1.0, ideal: {mean: [0, 0], sd: [0.5, 0.5]},
     purchase_rate: {tea: {mean: 0.5}, kettle: {mean: 0.05}}}
firms:
  - {name: Short, strategy: lifetime_for_test, budget_per_year: 20000}
  - {name: Plain, strategy: mass, budget_per_year: 20000}
)";

msim::MemoryRecorder run(double durability, std::int64_t from_step,
                         const std::vector<std::string>& overrides = {}) {
  register_lifetime();
  g_durability = durability;
  g_from_step = from_step;
  msim::MemoryRecorder rec;
  msim::RunOptions options;
  options.threads = 2;
  options.block_size = 512;
  msim::run_simulation(msim::load_scenario_text(kScenario, "durability.yaml", overrides), rec,
                       options);
  g_durability = 0.0;
  return rec;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

TEST_CASE("a strategy's durability acts as the scenario's durability would", "[strategy]") {
  const msim::MemoryRecorder chosen = run(20.0, 0);
  const msim::MemoryRecorder given = run(0.0, 0, {"firms.Short.durability=20"});
  const msim::MemoryRecorder standard = run(0.0, 0);
  REQUIRE(chosen.rows().size() == given.rows().size());
  std::size_t differ_from_standard = 0;
  for (std::size_t k = 0; k < chosen.rows().size(); ++k) {
    INFO(chosen.layout().series[k].path);
    for (std::size_t t = 0; t < chosen.rows()[k].size(); ++t) {
      CHECK(same_bits(chosen.rows()[k][t], given.rows()[k][t]));
      if (!same_bits(chosen.rows()[k][t], standard.rows()[k][t])) ++differ_from_standard;
    }
  }
  CHECK(differ_from_standard > 100);  // the choice changes the market (2,164 rows when written)
  // Shorter lives: cheaper kettles that fail sooner.
  const auto& cost = given.series("/market/by_category/unit_cost");
  const auto& plain_cost = standard.series("/market/by_category/unit_cost");
  CHECK(cost[0][kKettle * 2 + 0] ==
        Approx(plain_cost[0][kKettle * 2 + 0] * std::sqrt(20.0 / 60.0)).epsilon(1e-12));
  const auto& failures = given.series("/market/failures");
  const auto& plain_failures = standard.series("/market/failures");
  double short_lived = 0.0, long_lived = 0.0;
  for (std::size_t t = 0; t < failures.size(); ++t) {
    short_lived += failures[t][0];
    long_lived += plain_failures[t][0];
  }
  CHECK(short_lived > 2.0 * long_lived);  // measured: 925 against 173 when written
}

TEST_CASE("the durability a firm made is recorded every step, 0 for consumables", "[strategy]") {
  g_seen.clear();
  const msim::MemoryRecorder rec = run(25.0, 10);
  // Offers show last step's durability: the rival's 60, the strategy's own 25 from step 11.
  REQUIRE(g_seen.size() == 40);
  CHECK(g_seen[0] == std::pair{-1.0, -1.0});
  for (std::size_t t = 1; t < 40; ++t) {
    INFO("offers seen at step " << t);
    CHECK(g_seen[t].first == 60.0);
    CHECK(g_seen[t].second == (t <= 10 ? 60.0 : 25.0));
  }
  const auto& by_category = rec.series("/market/by_category/durability");
  const auto& firm = rec.series("/market/durability");
  REQUIRE(by_category.size() == 40);
  for (std::size_t t = 0; t < 40; ++t) {
    INFO("step " << t);
    const double shortened = t < 10 ? 60.0 : 25.0;
    CHECK(by_category[t][0] == 0.0);  // tea, both firms ([C, F], category-major)
    CHECK(by_category[t][1] == 0.0);
    CHECK(by_category[t][kKettle * 2 + 0] == shortened);
    CHECK(by_category[t][kKettle * 2 + 1] == 60.0);
    CHECK(firm[t][0] == shortened);  // its one durable category
    CHECK(firm[t][1] == 60.0);
  }
}

TEST_CASE("a durability the market cannot make stops the run, naming the fault", "[strategy]") {
  register_lifetime();
  const auto fails_with = [](double durability, const std::string& what) {
    msim::Scenario sc = msim::load_scenario_text(kScenario, "durability.yaml", {"consumers=300"});
    g_durability = durability;
    g_from_step = 0;
    msim::Market market(sc);
    CHECK_THROWS_WITH(market.step(), Contains("strategy 'lifetime_for_test' of firm 'Short' at "
                                              "step 0: ") &&
                                         Contains(what));
    g_durability = 0.0;
  };
  fails_with(0.5, "durability[1] (kettle) is 0.5, expected steps in [1, 65000]");
  fails_with(70000.0, "durability[1] (kettle) is 70000, expected steps in [1, 65000]");
  fails_with(std::nan(""), "durability[1] (kettle) is nan");
}
