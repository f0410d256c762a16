// Turns a step's reduced integer tallies into money and metrics (sequential, firm level).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "models/limits.hpp"
#include "models/market.hpp"

namespace msim {
namespace {

void resize(FirmMetric& m, std::size_t F, std::size_t C) {
  m.firm.assign(F, 0.0);
  m.by_category.assign(C * F, 0.0);
}

}  // namespace

void Market::account(const std::vector<std::int64_t>& sums) {
  const std::size_t F = sc_.firms.size(), C = sc_.categories.size(), S = sc_.segments.size();
  const PartialLayout& lay = tables_.layout;
  const double N = static_cast<double>(pop_.n);
  const auto at = [&](std::size_t offset) { return static_cast<double>(sums[offset]); };
  StepMetrics& m = metrics_;
  for (const auto& info : firm_metrics()) resize(m.*info.member, F, C);

  std::vector<double> category_units(C, 0.0), category_revenue(C, 0.0);
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t j = 0; j < F; ++j) {
      category_units[c] += at(lay.units() + c * F + j);
      category_revenue[c] += at(lay.revenue_cents() + c * F + j) / 100.0;
    }
  const double all_units = std::accumulate(category_units.begin(), category_units.end(), 0.0);
  const double all_revenue = std::accumulate(category_revenue.begin(), category_revenue.end(), 0.0);

  for (std::size_t j = 0; j < F; ++j) {
    const Firm& firm = sc_.firms[j];
    const FirmPlan& plan = plans_[j];
    FirmLedger& led = ledgers_[j];
    const double spy = static_cast<double>(sc_.steps_per_year);
    const double targeted =
        std::accumulate(plan.targeted_spend.begin(), plan.targeted_spend.end(), 0.0);
    const double marketing = plan.mass_spend + targeted + plan.direct_spend;
    const double fixed = shocks_.firms[j].active
                             ? firm.fixed_cost_per_year / spy * sc_.scale + plan.fixed_cost
                             : 0.0;
    const double loyalty_cost = at(lay.loyalty_rewards() + j) * plan.programs.loyalty_reward;
    const double referral_cost = at(lay.referred_purchases() + j) * plan.programs.referral_reward;
    const double rewards = loyalty_cost + referral_cost;
    led.customers += sums[lay.new_firm() + j];
    const double aware = [&] {
      double a = 0.0;
      for (std::size_t s = 0; s < S; ++s) a += at(lay.aware() + s * F + j);
      return a;
    }() / N;

    // Firm-wide costs are allocated to categories by revenue (evenly when nothing sold).
    double revenue = 0.0, units = 0.0, variable = 0.0;
    for (int c : firm.categories)
      revenue += at(lay.revenue_cents() + static_cast<std::size_t>(c) * F + j) / 100.0;
    double listed_cost = 0.0;
    double cum_units = 0.0, scr_den = 0.0, failure_age = 0.0;
    double durable_units = 0.0, durable_steps = 0.0, lifetimes = 0.0, made = 0.0;
    double durables_sold = 0.0;  // units in durable categories: replacement_share's denominator
    for (int ci : firm.categories) {
      const auto c = static_cast<std::size_t>(ci);
      const std::size_t k = c * F + j;
      const double u = at(lay.units() + k), rev = at(lay.revenue_cents() + k) / 100.0;
      // Customised units carry the customisation premium; base products sold to consumers
      // without a profile do not.
      const double customised = at(lay.customised_units() + k);
      const double cat_variable =
          (u - customised) * plain_cost_[j][c] + customised * unit_cost_[j][c];
      const double cost = u > 0 ? cat_variable / u : unit_cost_[j][c];
      const double share =
          revenue > 0 ? rev / revenue : 1.0 / static_cast<double>(firm.categories.size());
      const double cat_marketing = marketing * share;
      const double cat_profit = rev - cat_variable - (fixed + marketing + rewards) * share;
      led.cumulative_units[c] += sums[lay.units() + k];
      led.scr_denominator[c] += sums[lay.scr_denominator() + k];
      led.customers_by_category[c] += sums[lay.new_category() + k];
      led.cumulative_profit_by_category[c] += cat_profit;
      // ROI's money: marketing spend and the programs' rewards (loyalty, referral).
      led.cumulative_marketing_by_category[c] += (marketing + rewards) * share;
      m.units.by_category[k] = u;
      m.revenue.by_category[k] = rev;
      m.market_share.by_category[k] = ratio(u, category_units[c]);
      m.value_share.by_category[k] = ratio(rev, category_revenue[c]);
      m.customer_share.by_category[k] = ratio(static_cast<double>(led.cumulative_units[c]),
                                              static_cast<double>(led.scr_denominator[c]));
      m.customers.by_category[k] = static_cast<double>(led.customers_by_category[c]);
      m.penetration.by_category[k] = m.customers.by_category[k] / N;
      m.new_customers.by_category[k] = at(lay.new_category() + k);
      m.awareness.by_category[k] = aware;
      m.marketing_spend.by_category[k] = cat_marketing;
      m.mass_spend.by_category[k] = plan.mass_spend * share;
      m.targeted_spend.by_category[k] = targeted * share;
      m.direct_spend.by_category[k] = plan.direct_spend * share;
      m.fixed_cost.by_category[k] = fixed * share;
      m.unit_cost.by_category[k] = cost;
      m.price.by_category[k] = u > 0 ? rev / u : list_price_[j][c];
      m.profit.by_category[k] = cat_profit;
      m.cumulative_profit.by_category[k] = led.cumulative_profit_by_category[c];
      m.roi.by_category[k] =
          roi_ratio(led.cumulative_profit_by_category[c], led.cumulative_marketing_by_category[c]);
      m.failures.by_category[k] = at(lay.failures() + k);
      m.early_failures.by_category[k] = at(lay.early_failures() + k);
      m.mean_failure_age.by_category[k] =
          ratio(at(lay.failure_age() + k), m.failures.by_category[k]);
      m.replacements.by_category[k] = at(lay.replacements() + k);
      m.replacement_share.by_category[k] = ratio(m.replacements.by_category[k], u);
      m.upgrades.by_category[k] = at(lay.upgrades() + k);
      m.installed_base.by_category[k] = at(lay.installed() + k);
      if (sc_.categories[c].durable()) durables_sold += u;
      const bool offered = std::any_of(plan.products.begin(), plan.products.end(),
                                       [&](const Product& p) { return p.category == ci; });
      if (sc_.categories[c].durable() && offered) {
        const double d = plan.durability[c];
        m.durability.by_category[k] = d;
        durable_units += u;
        durable_steps += u * d;
        lifetimes += d;
        made += 1.0;
      }
      m.purchases_per_buyer.by_category[k] =
          ratio(static_cast<double>(led.cumulative_units[c]),
                static_cast<double>(led.customers_by_category[c]));
      failure_age += at(lay.failure_age() + k);
      units += u;
      variable += cat_variable;
      listed_cost += cost;
      cum_units += static_cast<double>(led.cumulative_units[c]);
      scr_den += static_cast<double>(led.scr_denominator[c]);
    }
    const double profit = revenue - variable - fixed - marketing - rewards;
    led.cumulative_profit += profit;
    led.cumulative_marketing += marketing + rewards;
    const double n_cat = static_cast<double>(firm.categories.size());
    m.units.firm[j] = units;
    m.revenue.firm[j] = revenue;
    m.market_share.firm[j] = ratio(units, all_units);
    m.value_share.firm[j] = ratio(revenue, all_revenue);
    m.customer_share.firm[j] = ratio(cum_units, scr_den);
    m.customers.firm[j] = static_cast<double>(led.customers);
    m.penetration.firm[j] = static_cast<double>(led.customers) / N;
    m.new_customers.firm[j] = at(lay.new_firm() + j);
    m.awareness.firm[j] = aware;
    m.marketing_spend.firm[j] = marketing;
    m.mass_spend.firm[j] = plan.mass_spend;
    m.targeted_spend.firm[j] = targeted;
    m.direct_spend.firm[j] = plan.direct_spend;
    m.fixed_cost.firm[j] = fixed;
    m.unit_cost.firm[j] = units > 0 ? variable / units : listed_cost / n_cat;
    double listed_price = 0.0;
    for (int c : firm.categories) listed_price += list_price_[j][static_cast<std::size_t>(c)];
    m.price.firm[j] = units > 0 ? revenue / units : listed_price / n_cat;
    m.profit.firm[j] = profit;
    m.cumulative_profit.firm[j] = led.cumulative_profit;
    m.roi.firm[j] = roi_ratio(led.cumulative_profit, led.cumulative_marketing);
    m.loyalty.firm[j] = ratio(at(lay.loyalty() + j) / 256.0, static_cast<double>(led.customers));
    for (FirmMetric StepMetrics::*sum :
         {&StepMetrics::failures, &StepMetrics::early_failures, &StepMetrics::replacements,
          &StepMetrics::upgrades, &StepMetrics::installed_base})
      for (int c : firm.categories)
        (m.*sum).firm[j] += (m.*sum).by_category[static_cast<std::size_t>(c) * F + j];
    m.mean_failure_age.firm[j] = ratio(failure_age, m.failures.firm[j]);
    m.durability.firm[j] =
        durable_units > 0 ? durable_steps / durable_units : ratio(lifetimes, made);
    m.purchases_per_buyer.firm[j] = ratio(cum_units, static_cast<double>(led.customers));
    m.loyalty_cost.firm[j] = loyalty_cost;
    m.referral_cost.firm[j] = referral_cost;
    relationship(j, sums, revenue - variable - rewards);
    // Over durable units only: consumables are never replacements (as the summary counts it).
    m.replacement_share.firm[j] = ratio(m.replacements.firm[j], durables_sold);
    for (std::size_t c = 0; c < C; ++c) m.loyalty.by_category[c * F + j] = m.loyalty.firm[j];
  }

  m.durables = tables_.durables > 0;
  m.saturation.assign(C, 0.0);
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t j = 0; j < F; ++j) m.saturation[c] += at(lay.installed() + c * F + j) / N;
  // The negative word-of-mouth window moves on by one step.
  std::vector<std::int64_t>& oldest =
      early_history_[static_cast<std::size_t>(step_) % early_history_.size()];
  for (std::size_t k = 0; k < S * F; ++k) {
    const std::int64_t now = sums[lay.segment_early_failures() + k];
    early_window_[k] += now - oldest[k];
    oldest[k] = now;
  }

  m.segment_units.assign(S * F, 0.0);
  m.segment_share.assign(S * F, 0.0);
  m.segment_awareness.assign(S * F, 0.0);
  m.segment_targeted_spend.assign(S * F, 0.0);
  for (std::size_t s = 0; s < S; ++s) {
    double seg_total = 0.0;
    for (std::size_t j = 0; j < F; ++j) seg_total += at(lay.segment_units() + s * F + j);
    for (std::size_t j = 0; j < F; ++j) {
      m.segment_units[s * F + j] = at(lay.segment_units() + s * F + j);
      m.segment_share[s * F + j] = ratio(m.segment_units[s * F + j], seg_total);
      m.segment_awareness[s * F + j] = ratio(at(lay.aware() + s * F + j), segment_consumers_[s]);
      m.segment_targeted_spend[s * F + j] = plans_[j].targeted_spend[s];
    }
  }
}

void Market::relationship(std::size_t j, const std::vector<std::int64_t>& sums,
                          double contribution) {
  const std::size_t F = sc_.firms.size(), C = sc_.categories.size(), S = sc_.segments.size();
  const PartialLayout& lay = tables_.layout;
  const auto at = [&](std::size_t offset) { return static_cast<double>(sums[offset]); };
  FirmLedger& led = ledgers_[j];
  StepMetrics& m = metrics_;
  const auto firm_wide = [&](FirmMetric& metric, double value) {
    metric.firm[j] = value;
    for (std::size_t c = 0; c < C; ++c) metric.by_category[c * F + j] = value;
  };
  led.wallet_revenue += m.revenue.firm[j];
  led.wallet_spend += at(lay.wallet_cents() + j) / 100.0;
  double active = 0.0;
  for (std::size_t s = 0; s < S; ++s) active += at(lay.recent() + s * F + j);
  const double lost = at(lay.lost() + j);
  const double churn = ratio(lost, led.active);
  // A customer lapses wom_window steps after its last purchase, so a firm's first lapse can
  // come wom_window steps after the first step that ended with a customer; the customer-steps
  // before that are not at risk, and counting them made retention look better the shorter the
  // run (100% before any lapse could be seen) or the later the firm entered. A window of
  // kEveryPastCustomer steps or more counts no lapses: retention is undefined there (NaN).
  const std::int64_t window = sc_.market.wom_window;
  const auto seen = [&](std::int64_t first) {
    return window < kEveryPastCustomer && first >= 0 && step_ >= first + window;
  };
  if (seen(led.first_active)) led.at_risk += led.active;
  if (seen(led.first_referred)) led.referred_at_risk += led.referred_active;
  led.lost += lost;
  led.active = active;
  led.referred_lost += at(lay.referred_lost() + j);
  led.referred_active = at(lay.referred_recent() + j);
  if (led.first_active < 0 && led.active > 0) led.first_active = step_;
  if (led.first_referred < 0 && led.referred_active > 0) led.first_referred = step_;
  led.contribution += contribution;
  led.customer_steps += active;
  const double undefined = std::numeric_limits<double>::quiet_NaN();
  const double retention = led.at_risk > 0 ? 1.0 - led.lost / led.at_risk : undefined;
  // CLV = margin * r / (1 + i - r), with yearly margin per customer and yearly retention.
  const double spy = static_cast<double>(sc_.steps_per_year);
  const double margin = ratio(led.contribution, led.customer_steps) * spy;
  const double r = std::pow(retention, spy);
  const double i = sc_.market.discount_rate_per_year;
  firm_wide(m.share_of_wallet, ratio(led.wallet_revenue, led.wallet_spend));
  firm_wide(m.active_customers, active);
  firm_wide(m.lost_customers, lost);
  firm_wide(m.churn, churn);
  firm_wide(m.retention, retention);
  // Undefined with no discounting and no customer ever lost: an endless stream of margin.
  firm_wide(m.clv, 1.0 + i - r > 0 ? margin * r / (1.0 + i - r) : undefined);
  firm_wide(m.referred_customers, at(lay.referred() + j));
  firm_wide(m.referred_retention,
            led.referred_at_risk > 0 ? 1.0 - led.referred_lost / led.referred_at_risk : undefined);
  firm_wide(m.retention_offers, at(lay.retention_units() + j));
  for (std::size_t c = 0; c < C; ++c) {  // program costs are firm-wide; by category, by revenue
    const double share = ratio(m.revenue.by_category[c * F + j], m.revenue.firm[j]);
    m.loyalty_cost.by_category[c * F + j] = m.loyalty_cost.firm[j] * share;
    m.referral_cost.by_category[c * F + j] = m.referral_cost.firm[j] * share;
  }
}

}  // namespace msim
