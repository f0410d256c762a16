// What a strategy sees of its competitors (MarketView::offers): every firm's products and list
// prices of the last step, none at step 0, none for a firm out of the market, and never another
// firm's plan of the step being planned.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/market.hpp"
#include "models/scenario_load.hpp"
#include "models/strategy.hpp"
#include "sim/parallel.hpp"

namespace {

using Offers = std::vector<std::vector<msim::Offer>>;

/// Shared by every copy of the probe in a run: firm -> step -> the offers it saw.
using Log = std::map<int, std::map<std::int64_t, Offers>>;
Log* g_log = nullptr;

/// Probe firm j's product k at step t: everything moves with the step, so an offer of this step
/// is told apart from one of the last. Fixed prices in whole quarters: exact in cents.
Eigen::VectorXd probe_position(int j, std::int64_t t, int k) {
  Eigen::VectorXd x(2);
  x << 0.1 * static_cast<double>(t) + 0.5 * k, -0.2 * j;
  return x;
}
double probe_quality(std::int64_t t, int k) {
  return 1.0 + 0.125 * static_cast<double>(t) + k;
}
double probe_price(int j, std::int64_t t, int k) {
  return 2.0 + 0.25 * static_cast<double>(t) + 0.5 * j + k;
}

/// Records what it sees, then offers two products at fixed prices and spends on mass media.
class OffersProbe final : public msim::Strategy {
 public:
  std::unique_ptr<msim::Strategy> clone() const override {
    return std::make_unique<OffersProbe>(*this);
  }
  void plan(const msim::MarketView& view, msim::FirmPlan& plan) override {
    if (g_log != nullptr) (*g_log)[view.firm][view.step] = view.offers;
    for (int k = 0; k < 2; ++k) {
      msim::Product p;
      p.category = 0;
      p.position = probe_position(view.firm, view.step, k);
      p.quality = probe_quality(view.step, k);
      p.fixed_price = probe_price(view.firm, view.step, k);
      plan.products.push_back(p);
    }
    plan.mass_spend = view.budget;
  }
  void write_params(msim::YamlWriter&) const override {}
};

void register_probe() {
  static const bool once = [] {
    msim::register_strategy({"offers_probe_for_test", "a test strategy", {}, [](const auto&) {
                               return std::unique_ptr<msim::Strategy>(
                                   std::make_unique<OffersProbe>());
                             }});
    return true;
  }();
  (void)once;
}

// Mass (firm 1) prices cost-plus on a learning curve; ProbeA's prices rise by a fifth from
// step 3; Mass leaves at step 5.
const char* const kScenario = R"(
name: offers
seed: 31
consumers: 3000
steps: 8
categories:
  - {name: tea, kind: consumable, base_cost: 1.0, learning: 0.8, reference_volume: 100}
segments:
  - {name: a, share: 1, ideal: {mean: [0.2, 0], sd: [0.5, 0.5]}, purchase_rate: {tea: {mean: 0.6}}}
firms:
  - {name: ProbeA, strategy: offers_probe_for_test, budget_per_year: 20000}
  - {name: Mass, strategy: mass, budget_per_year: 20000, markup: 0.3, quality: 1.5}
  - {name: ProbeB, strategy: offers_probe_for_test, budget_per_year: 20000}
shocks:
  - {step: 3, kind: price, firm: ProbeA, multiply: 1.2}
  - {step: 5, kind: exit, firm: Mass}
)";

msim::Scenario scenario() {
  register_probe();
  return msim::load_scenario_text(kScenario, "offers.yaml");
}

bool same(const Offers& a, const Offers& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t j = 0; j < a.size(); ++j) {
    if (a[j].size() != b[j].size()) return false;
    for (std::size_t k = 0; k < a[j].size(); ++k) {
      const msim::Offer &x = a[j][k], &y = b[j][k];
      if (x.category != y.category || x.position != y.position || x.quality != y.quality ||
          x.price != y.price)
        return false;
    }
  }
  return true;
}

/// Each step's unit cost and average price paid by firm, as the metrics record them.
struct Seen {
  std::vector<std::vector<double>> unit_cost, price_paid;  ///< [t][F]
};

/// Runs the market from `m`'s step to `steps`, logging what the probes see into `log`.
Seen run_into(msim::Market& m, std::int64_t steps, Log& log) {
  Seen seen;
  g_log = &log;
  while (m.steps_done() < steps) {
    m.step();
    seen.unit_cost.push_back(m.metrics().unit_cost.firm);
    seen.price_paid.push_back(m.metrics().price.firm);
  }
  g_log = nullptr;
  return seen;
}

}  // namespace

TEST_CASE("a strategy sees every firm's offers of the last step, as the market listed them",
          "[strategy]") {
  const msim::Scenario sc = scenario();
  msim::Market market(sc);
  Log log;
  const Seen seen = run_into(market, 8, log);
  for (int firm : {0, 2}) {
    INFO("probe firm " << firm);
    REQUIRE(log.at(firm).size() == 8);
    // Step 0: nothing was offered yet.
    const Offers& first = log.at(firm).at(0);
    REQUIRE(first.size() == 3);
    for (const auto& list : first) CHECK(list.empty());
    for (std::int64_t t = 1; t < 8; ++t) {
      INFO("step " << t);
      const Offers& offers = log.at(firm).at(t);
      REQUIRE(offers.size() == 3);
      // The probes, ProbeB (firm 2, planning after ProbeA) included: step t - 1's products,
      // never ProbeA's plan of this step; prices after ProbeA's price shock at step 3.
      for (int j : {0, 2}) {
        const auto& list = offers[static_cast<std::size_t>(j)];
        REQUIRE(list.size() == 2);
        for (int k = 0; k < 2; ++k) {
          const msim::Offer& o = list[static_cast<std::size_t>(k)];
          double fixed = probe_price(j, t - 1, k);
          if (j == 0 && t - 1 >= 3) fixed *= 1.2;
          CHECK(o.category == 0);
          CHECK(o.position == probe_position(j, t - 1, k));
          CHECK(o.quality == probe_quality(t - 1, k));
          CHECK(o.price == static_cast<double>(std::llround(fixed * 100.0)) / 100.0);
        }
      }
      // Mass: cost-plus on last step's unit cost, what its buyers paid; none once it left.
      const auto& mass = offers[1];
      if (t - 1 >= 5) {
        CHECK(mass.empty());
        continue;
      }
      REQUIRE(mass.size() == 1);
      CHECK(mass[0].category == 0);
      CHECK(mass[0].position == sc.population_mean());
      CHECK(mass[0].quality == 1.5);
      const auto row = static_cast<std::size_t>(t - 1);
      CHECK(mass[0].price ==
            Approx(std::round(seen.unit_cost[row][1] * 1.3 * 100.0) / 100.0).margin(1e-9));
      CHECK(mass[0].price == Approx(seen.price_paid[row][1]).epsilon(1e-12));
    }
  }
  // The test has teeth: Mass's price moved down its learning curve, and it sold.
  CHECK(log.at(0).at(1)[1][0].price > log.at(0).at(5)[1][0].price);
  CHECK(market.metrics().units.firm[0] > 0);
  // After the run, the market's own offers() are the last step's: Mass is out.
  const Offers after = market.offers();
  REQUIRE(after.size() == 3);
  CHECK(after[1].empty());
  CHECK(after[2].size() == 2);
}

TEST_CASE("what a strategy sees of the offers is the same at any thread count and in a branch",
          "[strategy][determinism][branch]") {
  const msim::Scenario sc = scenario();
  Log one, two;
  {
    const msim::ThreadLimit limit(1);
    msim::Market market(sc);
    run_into(market, 8, one);
  }
  {
    const msim::ThreadLimit limit(2);
    msim::Market market(sc);
    run_into(market, 8, two);
  }
  // A market copied at step 4 (as experiment.branch_at does) sees what the original saw.
  msim::Market history(sc);
  Log before, after;
  run_into(history, 4, before);
  msim::Market copy = history;
  copy.branch(sc);
  run_into(copy, 8, after);
  for (int firm : {0, 2})
    for (std::int64_t t = 0; t < 8; ++t) {
      INFO("firm " << firm << ", step " << t);
      CHECK(same(one.at(firm).at(t), two.at(firm).at(t)));
      CHECK(same((t < 4 ? before : after).at(firm).at(t), one.at(firm).at(t)));
    }
  // The branch's first step saw offers (ProbeA's two, Mass's one, ProbeB's two).
  CHECK(after.at(2).at(4)[0].size() == 2);
  CHECK(after.at(2).at(4)[1].size() == 1);
}
