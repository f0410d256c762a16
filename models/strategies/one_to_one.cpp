#include "models/strategies/one_to_one.hpp"

#include <fmt/format.h>

#include "models/population.hpp"

#include "models/limits.hpp"
#include "models/strategies/common.hpp"
#include "sim/config.hpp"
#include "sim/yaml_writer.hpp"

namespace msim {
namespace {

struct OneToOneParams {
  Pricing pricing;
  double sigma0 = 1.0;
  double cost_per_contact = 0.5;
  double direct_share = 0.6;
  double custom_premium = 0.15;
  double crm_fixed_cost_per_year = 100000.0;
  Programs programs;
};

void read_programs(const Config& node, Programs& p) {
  if (auto n = node.find("loyalty_program")) {
    // A one-byte purchase count follows periods up to kMaxLoyaltyEvery (next_count()).
    p.loyalty_every = n->get_int("every", range::closed(1, kMaxLoyaltyEvery));
    p.loyalty_reward = n->get_double("reward", range::closed(0, 1e9));
    n->finish();
  }
  if (auto n = node.find("referral_program")) {
    p.referral = true;
    p.referral_multiplier = n->get_double("multiplier", 2.0, range::closed(1, 100));
    p.referral_reward = n->get_double("reward", range::closed(0, 1e9));
    n->finish();
  }
  p.cross_selling = node.get_bool("cross_selling", p.cross_selling);
  if (auto n = node.find("retention_offer")) {
    p.retention_after = n->get_int("after_steps", range::closed(1, 254));
    p.retention_discount = n->get_double("discount", {0.0, 1.0, true, false});
    n->finish();
  }
}

void write_programs(YamlWriter& out, const Programs& p) {
  if (p.loyalty_every > 0)
    out.key("loyalty_program").begin_map().key("every").value(p.loyalty_every)
        .key("reward").value(p.loyalty_reward).end_map();
  if (p.referral)
    out.key("referral_program").begin_map().key("multiplier").value(p.referral_multiplier)
        .key("reward").value(p.referral_reward).end_map();
  out.key("cross_selling").value(p.cross_selling);
  if (p.retention_after > 0)
    out.key("retention_offer").begin_map().key("after_steps").value(p.retention_after)
        .key("discount").value(p.retention_discount).end_map();
}

class OneToOne final : public Strategy {
 public:
  explicit OneToOne(OneToOneParams p) : p_(p) {}
  std::unique_ptr<Strategy> clone() const override { return std::make_unique<OneToOne>(*this); }
  bool uses_crm() const override { return true; }

  void plan(const MarketView& view, FirmPlan& plan) override {
    p_.pricing.add_products(view, view.population_mean, plan);
    plan.customized = true;
    plan.custom_sigma0 = p_.sigma0;
    plan.custom_premium = p_.custom_premium;
    plan.cost_per_contact = p_.cost_per_contact;
    // Direct contacts need known customers; money that could not reach one goes to acquisition.
    // A contact costs what the `cpm` shocks of channel `direct` have made of cost_per_contact.
    const double reachable = view.crm_profiles * view.contact_cost(p_.cost_per_contact);
    plan.direct_spend = std::min(view.budget * p_.direct_share, reachable);
    plan.mass_spend = view.budget - plan.direct_spend;
    plan.fixed_cost = p_.crm_fixed_cost_per_year * view.scenario.scale /
                      static_cast<double>(view.scenario.steps_per_year);
    plan.programs = p_.programs;
  }

  void write_params(YamlWriter& out) const override {
    p_.pricing.write(out);
    out.key("sigma0").value(p_.sigma0);
    out.key("cost_per_contact").value(p_.cost_per_contact);
    out.key("direct_share").value(p_.direct_share);
    out.key("custom_premium").value(p_.custom_premium);
    out.key("crm_fixed_cost_per_year").value(p_.crm_fixed_cost_per_year);
    write_programs(out, p_.programs);
  }

 private:
  OneToOneParams p_;
};

/// A loyalty program whose reward per purchase (reward / every) is at least the price it lowers
/// gives members the goods: noted at the reward, with the lowest price in the firm's categories
/// (its fixed price, else each category's base_cost x (1 + markup)).
void note_free_goods(const StrategyContext& ctx, const OneToOneParams& p) {
  const Programs& pr = p.programs;
  if (pr.loyalty_every == 0 || pr.loyalty_reward == 0.0) return;
  const double discount = pr.loyalty_reward / static_cast<double>(pr.loyalty_every);
  const Category* cheapest = nullptr;
  for (const int c : ctx.firm.categories) {
    const Category& cat = ctx.scenario.categories[static_cast<std::size_t>(c)];
    if (!cheapest || cat.base_cost < cheapest->base_cost) cheapest = &cat;
  }
  const bool fixed = p.pricing.price > 0.0;
  if (!fixed && !cheapest) return;
  const double price = fixed ? p.pricing.price : cheapest->base_cost * (1.0 + p.pricing.markup);
  if (discount < price) return;
  ctx.node.child("loyalty_program")
      .child("reward")
      .note(fmt::format(
          "a reward of {:g} for {} lowers a member's price by {:g} per unit, not less than {}: "
          "members would pay nothing, and the firm would pay out more than it takes; the reward is "
          "paid once in `every` purchases (one purchase in ten free is a reward of one price with "
          "every: 10), so check that this is meant",
          pr.loyalty_reward,
          pr.loyalty_every == 1 ? std::string("every purchase")
                                : fmt::format("one purchase in {}", pr.loyalty_every),
          discount,
          fixed ? fmt::format("its fixed price of {:g}", price)
                : fmt::format("its price of {:.4g} for {} at the category's base_cost ({:g} x (1 + "
                              "markup {:g}))",
                              price, cheapest->name, cheapest->base_cost, p.pricing.markup)));
}

std::unique_ptr<Strategy> make(const StrategyContext& ctx) {
  OneToOneParams p;
  p.pricing = Pricing::read(ctx.node, 0.4);
  p.sigma0 = ctx.node.get_double("sigma0", p.sigma0, spread_range());
  p.cost_per_contact =
      ctx.node.get_double("cost_per_contact", p.cost_per_contact, positive_unit_money_range());
  p.direct_share = ctx.node.get_double("direct_share", p.direct_share, range::unit());
  p.custom_premium = ctx.node.get_double("custom_premium", p.custom_premium,
                                         range::fraction(range::closed(0, 100)));
  if (p.custom_premium > 1.0)
    ctx.node.child("custom_premium")
        .note(large_fraction("a customisation premium", p.custom_premium, "of the unit cost"));
  p.crm_fixed_cost_per_year = scaled_money(ctx.node, "crm_fixed_cost_per_year",
                                           p.crm_fixed_cost_per_year, ctx.scenario.scale);
  read_programs(ctx.node, p.programs);
  note_free_goods(ctx, p);
  return std::make_unique<OneToOne>(p);
}

}  // namespace

StrategyInfo one_to_one_strategy() {
  auto params = pricing_docs("0.4");
  params.push_back({"sigma0", "number", "1.0", "preference-space distance",
                    "sd of the customisation error with an empty profile; shrinks as "
                    "sigma0/sqrt(1+k) with k contacts and purchases"});
  params.push_back({"cost_per_contact", "number", "0.5", "money per contact",
                    "cost of one two-way direct (CRM) contact"});
  params.push_back({"direct_share", "number in [0,1]", "0.6", "fraction of budget",
                    "budget for direct contacts to known customers; the rest buys mass media "
                    "for acquisition"});
  params.push_back({"custom_premium", "number", "0.15", "fraction of unit cost",
                    "customisation premium, divided by (1 + categories served)"});
  params.push_back({"crm_fixed_cost_per_year", "number", "100000", "money per year",
                    "fixed cost of running the CRM"});
  params.push_back({"loyalty_program", "map {every, reward}", "none", "purchases; money",
                    "frequent-buyer program: a reward on every n-th purchase from the firm in a "
                    "category; members (past buyers) see the price lowered by reward / every"});
  params.push_back({"referral_program", "map {multiplier, reward}", "none", "factor; money",
                    "word of mouth from the firm's recent customers is multiplied (default 2); "
                    "a reward is paid for each referred first purchase; referred consumers who "
                    "did not opt out are tagged"});
  params.push_back({"cross_selling", "bool", "true", "",
                    "profiles customise offers in every category the firm sells; false: only in "
                    "categories the customer already bought from it"});
  params.push_back({"retention_offer", "map {after_steps, discount}", "none", "steps; fraction",
                    "a profiled customer whose last purchase from the firm is after_steps or more "
                    "steps ago (a purchase in the previous step: 1) is offered the price less the "
                    "discount"});
  return {"one_to_one",
          "customised products from CRM profiles; direct two-way contacts with known customers "
          "who did not opt out; aims at share of customer",
          params,
          make,
          {},
          false};
}

}  // namespace msim
