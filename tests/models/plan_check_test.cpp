// A strategy's plan is checked before the market acts on it: every fault stops the run with a
// message naming the strategy, the firm, the step and what was wrong.
#include "models/plan_check.hpp"

#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/scenario_load.hpp"
#include "sim/yaml_writer.hpp"

using Catch::Contains;

namespace {

const std::string kTiny = std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml";

/// A plan firm 0 of tiny.yaml may make: one product where it sells, media within its budget.
msim::FirmPlan good_plan(const msim::Scenario& sc) {
  msim::FirmPlan plan;
  plan.targeted_spend.assign(sc.segments.size(), 1.0);
  plan.mass_spend = 2.0;
  msim::Product p;
  p.category = sc.firms[0].categories.at(0);
  p.position = Eigen::VectorXd::Zero(sc.preference_dims);
  plan.products.push_back(p);
  return plan;
}

/// A strategy that plans a product without a position, as a hand-written one might.
class NoPosition final : public msim::Strategy {
 public:
  std::unique_ptr<msim::Strategy> clone() const override {
    return std::make_unique<NoPosition>(*this);
  }
  void plan(const msim::MarketView& view, msim::FirmPlan& plan) override {
    msim::Product p;
    p.category = view.self().categories.at(0);
    plan.products.push_back(p);
  }
  void write_params(msim::YamlWriter&) const override {}
};

}  // namespace

TEST_CASE("a good plan passes, and each fault is named", "[plan_check]") {
  const msim::Scenario sc = msim::load_scenario_file(kTiny);
  const auto check = [&](const msim::FirmPlan& plan) {
    msim::check_plan(plan, sc, 0, 10.0, 7, false);
  };
  CHECK_NOTHROW(check(good_plan(sc)));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto fails_with = [&](auto change, const std::string& what) {
    msim::FirmPlan plan = good_plan(sc);
    change(plan);
    REQUIRE_THROWS_AS(check(plan), std::logic_error);
    REQUIRE_THROWS_WITH(check(plan),
                        Contains("strategy 'mass' of firm 'Mass' at step 7: ") && Contains(what));
  };
  fails_with([](auto& p) { p.mass_spend = 20.0; }, "planned 23 of media money against a budget");
  fails_with([](auto& p) { p.mass_spend = -1.0; }, "mass_spend is -1");
  fails_with([&](auto& p) { p.targeted_spend[1] = nan; }, "targeted_spend[1]");
  fails_with([](auto& p) { p.targeted_spend.pop_back(); }, "one per segment is");
  fails_with([](auto& p) { p.products[0].position.resize(3); }, "position of 3 coordinates");
  fails_with([](auto& p) { p.products[0].position.resize(0); }, "position of 0 coordinates");
  fails_with([](auto& p) { p.products[0].category = 7; }, "product 0 is in category 7");
  fails_with([&](auto& p) { p.products[0].quality = nan; }, "quality nan");
  // Single-precision utilities would overflow: a quality of 4e38 won every choice.
  fails_with([](auto& p) { p.products[0].quality = 4e38; },
             "quality 4e+38, expected a number in [-1e+06, 1e+06]");
  fails_with([](auto& p) { p.products[0].markup = -1.0; }, "markup -1");
  fails_with([](auto& p) { p.products[0].fixed_price = -2.0; }, "fixed_price -2");
  fails_with([](auto& p) { p.targeting_precision = 1.5; }, "targeting_precision is 1.5");
  fails_with([](auto& p) { p.cost_per_contact = 0.0; }, "cost_per_contact is 0");
  fails_with([](auto& p) { p.custom_sigma0 = -1.0; },
             "custom_sigma0 is -1, expected a number >= 0");
  fails_with([&](auto& p) { p.custom_premium = nan; },
             "custom_premium is nan, expected a fraction of unit cost in [0, 100]");
  fails_with([](auto& p) { p.custom_premium = 101.0; }, "custom_premium is 101");
  fails_with([](auto& p) { p.fixed_cost = 2e15; }, "fixed_cost is 2e+15, above the limit of 1e+15");
  // The programs stay within what the kernel's one-byte counts follow: a retention offer after
  // 300 steps was made after 44 (300 mod 256).
  fails_with([](auto& p) { p.programs.retention_discount = 2.0; },
             "programs.retention_discount is 2, expected a number in [0, 1]");
  fails_with([](auto& p) { p.programs.loyalty_every = 201; },
             "programs.loyalty_every is 201, expected a number in [0, 200]");
  fails_with([&](auto& p) { p.programs.loyalty_reward = nan; }, "programs.loyalty_reward is nan");
  fails_with([](auto& p) { p.programs.referral_multiplier = 101.0; },
             "programs.referral_multiplier is 101");
  fails_with([](auto& p) { p.programs.referral_reward = -1.0; }, "programs.referral_reward is -1");
  // Durability is the scenario's (0) in consumable categories; empty means the scenario's.
  fails_with(
      [&](auto& p) {
        p.durability = sc.firms[0].durability;
        p.durability[0] = 50.0;
      },
      "durability[0] (snacks) is 50, but the category is a consumable: it must stay 0");
  fails_with([](auto& p) { p.durability = {1.0}; },
             "durability has 1 entries, one per category is 2");
  // Contacts and customised products need the profiles that only a CRM strategy keeps.
  fails_with(
      [](auto& p) {
        p.mass_spend = 1.0;
        p.direct_spend = 1.0;
      },
      "direct_spend is 1, but the strategy keeps no CRM profiles (its uses_crm() returns false)");
  fails_with([](auto& p) { p.customized = true; },
             "customized is true, but the strategy keeps no CRM profiles");
  // Referral tags and retention offers too (they were dropped without a word).
  fails_with([](auto& p) { p.programs.referral = true; },
             "programs.referral is true, but the strategy keeps no CRM profiles");
  fails_with([](auto& p) { p.programs.retention_after = 4; },
             "programs.retention_after is 4, but the strategy keeps no CRM profiles");
  msim::FirmPlan crm = good_plan(sc);
  crm.mass_spend = 1.0;
  crm.direct_spend = 1.0;
  crm.customized = true;
  crm.programs.referral = true;
  crm.programs.retention_after = 254;
  crm.programs.loyalty_every = 200;
  CHECK_NOTHROW(msim::check_plan(crm, sc, 0, 10.0, 7, true));
  crm.programs.retention_after = 300;
  REQUIRE_THROWS_WITH(msim::check_plan(crm, sc, 0, 10.0, 7, true),
                      Contains("programs.retention_after is 300, expected a number in [0, 254]"));
}

TEST_CASE("a market stops on a bad plan instead of acting on it", "[plan_check]") {
  msim::Scenario sc = msim::load_scenario_file(kTiny, {"consumers=500"});
  sc.firms[0].prototype = std::make_shared<NoPosition>();
  msim::Market market(sc);
  REQUIRE_THROWS_WITH(market.step(), Contains("firm 'Mass' at step 0: product 0 has a position "
                                              "of 0 coordinates; the preference space has 2"));
}
