// What a strategy reads (models/strategy.hpp): last step's metrics, equal to what the run
// records, and a random stream of the firm's own that reruns bit for bit.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "models/strategy.hpp"
#include "sim/parallel.hpp"
#include "sim/recorder.hpp"
#include "tests/plan_helpers.hpp"

namespace {

/// What one firm's strategy saw at one step.
struct Seen {
  std::vector<double> profit, customer_share, units_by_category, segment_units;
  std::vector<double> retention, clv, referred_retention;  ///< NaN while undefined
  std::vector<double> my_segment_share;  ///< view.segment_share(s), this firm's, by segment
  std::size_t firms = 0, segments = 0, categories = 0;
  std::vector<double> draws;  ///< three uniforms, then the first again from a fresh stream
};

/// Shared by every copy of the probe in a run: firm -> step -> what it saw.
using Log = std::map<int, std::map<std::int64_t, Seen>>;
Log* g_log = nullptr;

/// Mass marketing with a random share of the budget: the draws change what the firm does, so a
/// rerun that drew differently would record different series.
class ViewProbe final : public msim::Strategy {
 public:
  std::unique_ptr<msim::Strategy> clone() const override {
    return std::make_unique<ViewProbe>(*this);
  }
  void plan(const msim::MarketView& view, msim::FirmPlan& plan) override {
    Seen seen;
    const msim::StepMetrics& last = view.last();
    seen.profit = last.profit.firm;
    seen.customer_share = last.customer_share.firm;
    seen.units_by_category = last.units.by_category;
    seen.segment_units = last.segment_units;
    seen.retention = last.retention.firm;
    seen.clv = last.clv.firm;
    seen.referred_retention = last.referred_retention.firm;
    seen.firms = view.firms();
    seen.segments = view.segments();
    seen.categories = view.categories();
    for (std::size_t s = 0; s < view.segments(); ++s)
      seen.my_segment_share.push_back(view.segment_share(s));
    msim::Stream rng = view.random();
    for (int k = 0; k < 3; ++k) seen.draws.push_back(rng.uniform());
    seen.draws.push_back(view.random().uniform());
    if (g_log != nullptr) (*g_log)[view.firm][view.step] = seen;
    msim::test::offer_at_mean(view, plan);
    plan.mass_spend = view.budget * (0.5 + 0.5 * seen.draws[0]);
  }
  void write_params(msim::YamlWriter&) const override {}
};

void register_probe() {
  static const bool once = [] {
    msim::register_strategy({"view_probe_for_test", "a test strategy", {}, [](const auto&) {
                               return std::unique_ptr<msim::Strategy>(
                                   std::make_unique<ViewProbe>());
                             }});
    return true;
  }();
  (void)once;
}

const char* const kScenario = R"(
name: strategy view
seed: 77
consumers: 6000
steps: 8
categories:
  - {name: tea, kind: consumable, base_cost: 1.0}
  - {name: kettle, kind: durable, base_cost: 1.0, lifetime: {shape: 2, scale: 30}}
segments:
  - {name: a, share: 0.5, ideal: {mean: [0.3, 0], sd: [0.5, 0.5]},
     purchase_rate: {tea: {mean: 0.6}, kettle: {mean: 0.1}}}
  - {name: b, share: 0.5, ideal: {mean: [-0.3, 0], sd: [0.5, 0.5]},
     purchase_rate: {tea: {mean: 0.4}, kettle: {mean: 0.1}}}
firms:
  - {name: ProbeA, strategy: view_probe_for_test, budget_per_year: 20000}
  - {name: Plain, strategy: mass, budget_per_year: 20000}
  - {name: ProbeB, strategy: view_probe_for_test, budget_per_year: 20000}
)";

struct Run {
  Log log;
  msim::MemoryRecorder rec;
};

std::unique_ptr<Run> run(std::size_t threads, const std::vector<std::string>& overrides = {}) {
  register_probe();
  auto r = std::make_unique<Run>();
  g_log = &r->log;
  {
    msim::ThreadLimit limit(threads);
    msim::RunOptions options;
    options.threads = threads;
    options.block_size = 512;
    msim::run_simulation(msim::load_scenario_text(kScenario, "view.yaml", overrides), r->rec,
                         options);
  }
  g_log = nullptr;
  return r;
}

}  // namespace

TEST_CASE("a strategy reads last step's metrics as the run records them, zeros at step 0",
          "[strategy]") {
  const auto r = run(2);
  const auto& profit = r->rec.series("/market/profit");
  const auto& customer_share = r->rec.series("/market/customer_share");
  const auto& by_category = r->rec.series("/market/by_category/units");
  const auto& segment_units = r->rec.series("/segments/units");
  const auto& segment_share = r->rec.series("/segments/market_share");
  REQUIRE(profit.size() == 8);
  for (double x : r->rec.series("/market/retention").at(0)) CHECK(std::isnan(x));
  for (int firm : {0, 2}) {
    const auto& seen = r->log.at(firm);
    REQUIRE(seen.size() == 8);
    for (const auto& v : {seen.at(0).profit, seen.at(0).customer_share,
                          seen.at(0).units_by_category, seen.at(0).segment_units}) {
      REQUIRE(!v.empty());
      for (double x : v) CHECK(x == 0.0);
    }
    // Undefined until a lapse can be seen, as /market records them: not a 0 that looks measured.
    for (const auto& v : {seen.at(0).retention, seen.at(0).clv, seen.at(0).referred_retention}) {
      REQUIRE(v.size() == 3);
      for (double x : v) CHECK(std::isnan(x));
    }
    for (std::int64_t t = 1; t < 8; ++t) {
      INFO("firm " << firm << ", step " << t);
      const Seen& s = seen.at(t);
      const auto row = static_cast<std::size_t>(t - 1);
      CHECK(s.profit == profit[row]);
      CHECK(s.customer_share == customer_share[row]);
      CHECK(s.units_by_category == by_category[row]);
      CHECK(s.segment_units == segment_units[row]);
      // The sizes and the segment share, by the view's accessors ([s * F + j], this firm).
      CHECK(s.firms == 3);
      CHECK(s.segments == 2);
      CHECK(s.categories == 2);
      for (std::size_t seg = 0; seg < 2; ++seg)
        CHECK(s.my_segment_share[seg] ==
              segment_share[row][seg * 3 + static_cast<std::size_t>(firm)]);
    }
  }
  // The test has teeth: the firms sold something in both categories.
  CHECK(by_category[6][0 * 3 + 0] > 0);
  CHECK(by_category[6][1 * 3 + 0] > 0);
}

TEST_CASE("a strategy's random stream is its own, per step, and reruns bit for bit",
          "[strategy][determinism]") {
  const auto one = run(1);
  const auto two = run(2);
  const auto& a = one->log.at(0);
  const auto& b = one->log.at(2);
  for (std::int64_t t = 0; t < 8; ++t) {
    INFO("step " << t);
    // A fresh stream starts again where the step's stream started.
    CHECK(a.at(t).draws[3] == a.at(t).draws[0]);
    // Draws within a step, across steps and across firms differ.
    CHECK(a.at(t).draws[0] != a.at(t).draws[1]);
    CHECK(a.at(t).draws[0] != b.at(t).draws[0]);
    if (t > 0) CHECK(a.at(t).draws[0] != a.at(t - 1).draws[0]);
    for (double u : a.at(t).draws) {
      CHECK(u > 0.0);
      CHECK(u < 1.0);
    }
    // The same at 1 and 2 threads, and so is what the firm did with them.
    CHECK(one->log.at(0).at(t).draws == two->log.at(0).at(t).draws);
    CHECK(one->log.at(2).at(t).draws == two->log.at(2).at(t).draws);
  }
  CHECK(one->rec.series("/market/mass_spend") == two->rec.series("/market/mass_spend"));
  CHECK(one->rec.series("/market/units") == two->rec.series("/market/units"));
  // Another seed, other draws.
  const auto other = run(2, {"seed=78"});
  CHECK(other->log.at(0).at(3).draws[0] != a.at(3).draws[0]);
  CHECK(other->rec.series("/market/mass_spend") != one->rec.series("/market/mass_spend"));
}

TEST_CASE("a MarketView the engine did not make says what is missing", "[strategy]") {
  register_probe();
  const msim::Scenario sc = msim::load_scenario_text(kScenario, "view.yaml");
  msim::MarketView view{sc, 0, 0, 0.0, {}, {}, {}, {}, {}, {}, {}, 0.0, {}};
  CHECK_THROWS_WITH(view.last(), Catch::Contains("no metrics were set"));
  CHECK_THROWS_WITH(view.random(), Catch::Contains("no random key was set"));
}

TEST_CASE("an exception from a strategy's plan() names the strategy, the firm and the step",
          "[strategy]") {
  class Throws final : public msim::Strategy {
   public:
    std::unique_ptr<msim::Strategy> clone() const override {
      return std::make_unique<Throws>(*this);
    }
    void plan(const msim::MarketView& view, msim::FirmPlan&) override {
      if (view.step == 2) throw std::domain_error("posterior went NaN");
    }
    void write_params(msim::YamlWriter&) const override {}
  };
  static const bool once = [] {
    msim::register_strategy({"throws_for_test", "a test strategy", {}, [](const auto&) {
                               return std::unique_ptr<msim::Strategy>(std::make_unique<Throws>());
                             }});
    return true;
  }();
  (void)once;
  register_probe();
  const msim::Scenario sc =
      msim::load_scenario_text(kScenario, "view.yaml", {"firms.Plain.strategy=throws_for_test"});
  msim::MemoryRecorder rec;
  CHECK_THROWS_WITH(msim::run_simulation(sc, rec),
                    "strategy 'throws_for_test' of firm 'Plain' at step 2: plan() threw: "
                    "posterior went NaN");
}
