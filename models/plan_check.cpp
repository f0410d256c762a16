// A strategy's plan checked against the scenario before the market acts on it.
#include "models/plan_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "models/limits.hpp"
#include "models/population.hpp"
#include "models/scenario_load.hpp"

namespace msim {
namespace {

bool finite_at_least(double x, double lo) {
  return std::isfinite(x) && x >= lo;
}

}  // namespace

void check_plan(const FirmPlan& plan, const Scenario& sc, std::size_t firm, double budget,
                std::int64_t step, bool keeps_crm) {
  const Firm& f = sc.firms[firm];
  const auto fail = [&](const std::string& what) {
    throw std::logic_error(
        fmt::format("strategy '{}' of firm '{}' at step {}: {} (a fault in the "
                    "strategy's plan(), not in the scenario)",
                    f.strategy, f.name, step, what));
  };
  const std::size_t S = sc.segments.size();
  if (plan.targeted_spend.size() != S)
    fail(fmt::format("targeted_spend has {} entries, one per segment is {}",
                     plan.targeted_spend.size(), S));
  const auto check_money = [&](const char* name, double x) {
    if (!finite_at_least(x, 0.0)) fail(fmt::format("{} is {}, expected money >= 0", name, x));
  };
  check_money("mass_spend", plan.mass_spend);
  check_money("direct_spend", plan.direct_spend);
  check_money("fixed_cost", plan.fixed_cost);
  if (plan.fixed_cost > kMaxMoney)
    fail(
        fmt::format("fixed_cost is {:g}, above the limit of {:g} money that keeps the accounts "
                    "exact",
                    plan.fixed_cost, kMaxMoney));
  for (std::size_t s = 0; s < S; ++s)
    if (!finite_at_least(plan.targeted_spend[s], 0.0))
      fail(fmt::format("targeted_spend[{}] ({}) is {}, expected money >= 0", s, sc.segments[s].name,
                       plan.targeted_spend[s]));
  const double spend = plan.mass_spend + plan.direct_spend +
                       std::accumulate(plan.targeted_spend.begin(), plan.targeted_spend.end(), 0.0);
  if (!(spend <= budget * (1.0 + 1e-9) + 1e-9))
    fail(fmt::format("planned {} of media money against a budget of {}", spend, budget));
  if (!(plan.targeting_precision >= 0.0 && plan.targeting_precision <= 1.0))
    fail(fmt::format("targeting_precision is {}, expected a number in [0, 1]",
                     plan.targeting_precision));
  if (!(std::isfinite(plan.cost_per_contact) && plan.cost_per_contact > 0.0))
    fail(fmt::format("cost_per_contact is {}, expected money > 0", plan.cost_per_contact));
  if (!finite_at_least(plan.custom_sigma0, 0.0))
    fail(fmt::format("custom_sigma0 is {}, expected a number >= 0", plan.custom_sigma0));
  if (!(plan.custom_premium >= 0.0 && plan.custom_premium <= 100.0))
    fail(fmt::format("custom_premium is {}, expected a fraction of unit cost in [0, 100]",
                     plan.custom_premium));
  // Contacts go to the customers a firm's profiles know; customising starts from a profile.
  const char* no_crm = "but the strategy keeps no CRM profiles (its uses_crm() returns false)";
  if (!keeps_crm && plan.direct_spend > 0.0)
    fail(
        fmt::format("direct_spend is {}, {}: direct contacts reach only customers in a firm's "
                    "profiles, so the money would buy nothing",
                    plan.direct_spend, no_crm));
  if (!keeps_crm && plan.customized)
    fail(
        fmt::format("customized is true, {}: products are customised from a customer's profile, "
                    "so the premium would buy nothing",
                    no_crm));
  // The programs, in the ranges the kernel's one-byte counts and the one_to_one strategy's
  // keys keep (loyalty_program.every, retention_offer.after_steps, the rewards and multiplier).
  const Programs& pr = plan.programs;
  const auto check_program = [&](const char* name, double x, double lo, double hi) {
    if (!(x >= lo && x <= hi))
      fail(fmt::format("programs.{} is {:g}, expected a number in [{:g}, {:g}]", name, x, lo, hi));
  };
  check_program("loyalty_every", static_cast<double>(pr.loyalty_every), 0, kMaxLoyaltyEvery);
  check_program("loyalty_reward", pr.loyalty_reward, 0, kMaxUnitMoney);
  check_program("referral_multiplier", pr.referral_multiplier, 0, 100);
  check_program("referral_reward", pr.referral_reward, 0, kMaxUnitMoney);
  check_program("retention_after", static_cast<double>(pr.retention_after), 0, 254);
  check_program("retention_discount", pr.retention_discount, 0, 1);
  // Referred customers are tagged, and lapsing ones found, in the firm's profiles.
  if (!keeps_crm && pr.referral)
    fail(
        fmt::format("programs.referral is true, {}: referred customers are tagged in a firm's "
                    "profiles, so the program would find none",
                    no_crm));
  if (!keeps_crm && pr.retention_after > 0)
    fail(
        fmt::format("programs.retention_after is {}, {}: lapsing customers are found in a "
                    "firm's profiles, so no offer would be made",
                    pr.retention_after, no_crm));

  // Durability: the scenario's (the engine's default), or in a durable category the firm
  // sells, any lifetime scale a scenario could give; empty: the scenario's.
  if (!plan.durability.empty()) {
    const std::size_t C = sc.categories.size();
    if (plan.durability.size() != C)
      fail(fmt::format("durability has {} entries, one per category is {}", plan.durability.size(),
                       C));
    for (std::size_t c = 0; c < C; ++c) {
      const double x = plan.durability[c];
      if (x == f.durability[c]) continue;
      const Category& cat = sc.categories[c];
      const bool sells = std::find(f.categories.begin(), f.categories.end(), static_cast<int>(c)) !=
                         f.categories.end();
      if (!cat.durable() || !sells)
        fail(fmt::format("durability[{}] ({}) is {}, but {}: it must stay {}", c, cat.name, x,
                         cat.durable() ? "the firm does not sell in that category"
                                       : "the category is a consumable",
                         f.durability[c]));
      if (!(x >= 1.0 && x <= kMaxLifetime))
        fail(fmt::format("durability[{}] ({}) is {}, expected steps in [1, {}]", c, cat.name, x,
                         kMaxLifetime));
    }
  }

  const auto D = static_cast<Eigen::Index>(sc.preference_dims);
  for (std::size_t k = 0; k < plan.products.size(); ++k) {
    const Product& p = plan.products[k];
    const std::string which = fmt::format("product {}", k);
    if (std::find(f.categories.begin(), f.categories.end(), p.category) == f.categories.end()) {
      std::string sold;
      for (int c : f.categories)
        sold += fmt::format("{}{} ({})", sold.empty() ? "" : ", ", c,
                            sc.categories[static_cast<std::size_t>(c)].name);
      fail(fmt::format("{} is in category {}, but the firm sells only in {}", which, p.category,
                       sold));
    }
    if (p.position.size() != D)
      fail(
          fmt::format("{} has a position of {} coordinates; the preference space has {} "
                      "(preference_dims)",
                      which, p.position.size(), D));
    if (!p.position.allFinite()) fail(fmt::format("{} has a position that is not finite", which));
    if (!(std::abs(p.quality) <= kMaxUtility))
      fail(fmt::format("{} has quality {}, expected a number in [-{:g}, {:g}]", which, p.quality,
                       kMaxUtility, kMaxUtility));
    if (!(std::isfinite(p.markup) && p.markup > -1.0))
      fail(fmt::format("{} has markup {}, expected a number > -1", which, p.markup));
    if (!finite_at_least(p.fixed_price, 0.0))
      fail(fmt::format("{} has fixed_price {}, expected money >= 0 (0: cost plus markup)", which,
                       p.fixed_price));
  }
}

}  // namespace msim
