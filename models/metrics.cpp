#include "models/metrics.hpp"

#include <algorithm>
#include <limits>

namespace msim {

const std::vector<MetricInfo>& firm_metrics() {
  static const std::vector<MetricInfo> list = {
      {"units", "units", "units sold in the step", &StepMetrics::units},
      {"revenue", "money", "sales revenue in the step", &StepMetrics::revenue},
      {"market_share", "fraction",
       "unit share of the step's category sales (overall: of all units sold); 0 in a step "
       "where nothing sold (undefined: summaries print n/a)",
       &StepMetrics::market_share},
      {"value_share", "fraction",
       "revenue share of the step's category sales; 0 in a step where nothing sold "
       "(undefined)",
       &StepMetrics::value_share},
      {"customer_share", "fraction",
       "share of category requirements: the firm's units over all the purchases, in each "
       "category, of the consumers who bought from it in that category, since step 0, or since "
       "the firm entered the market for one that entered by a shock (kept incrementally with "
       "integers); 0 while the firm has no buyers (undefined: summaries print n/a, an "
       "experiment's tables NaN)",
       &StepMetrics::customer_share},
      {"penetration", "fraction",
       "share of all consumers who have ever bought from the firm, cumulative since step 0 (it "
       "never falls); penetration within a period comes from the consumer panel",
       &StepMetrics::penetration},
      {"customers", "consumers", "consumers who have bought from the firm since step 0",
       &StepMetrics::customers},
      {"new_customers", "consumers", "consumers whose first purchase from the firm was this step",
       &StepMetrics::new_customers},
      {"awareness", "fraction",
       "share of all consumers aware of the firm (goodwill >= 1 or loyalty > 0) when they shop "
       "in the step; by category: the same firm-wide figure in each of the firm's categories "
       "(also after it exits), else 0",
       &StepMetrics::awareness},
      {"marketing_spend", "money",
       "money spent on mass, targeted and direct media; by category: allocated by revenue",
       &StepMetrics::marketing_spend},
      {"mass_spend", "money",
       "money spent on mass media (one channel of marketing_spend); by category: allocated by "
       "revenue",
       &StepMetrics::mass_spend},
      {"targeted_spend", "money",
       "money spent on media aimed at segments, all segments together (one channel of "
       "marketing_spend); by category: allocated by revenue",
       &StepMetrics::targeted_spend},
      {"direct_spend", "money",
       "money spent on direct contacts with profiled customers (one channel of marketing_spend); "
       "by category: allocated by revenue",
       &StepMetrics::direct_spend},
      {"fixed_cost", "money",
       "fixed costs of the step: the firm's fixed_cost_per_year and its strategy's (a "
       "differentiated firm's variant_fixed_cost_per_year for each variant, a one_to_one firm's "
       "crm_fixed_cost_per_year), a step's share of a year, and the market research studies of "
       "the step; 0 before the firm enters and after it exits; by category: allocated by revenue",
       &StepMetrics::fixed_cost},
      {"unit_cost", "money per unit",
       "average variable cost of the units sold (experience curve; customised units carry the "
       "customisation premium); when nothing sold (also before the firm enters and after it "
       "exits), the cost a unit would have; by category: 0 where the firm does not sell",
       &StepMetrics::unit_cost},
      {"price", "money per unit",
       "average price paid (list price when nothing sold); 0 while the firm offers nothing "
       "(before it enters, after it exits, and by category where it does not sell)",
       &StepMetrics::price},
      {"profit", "money",
       "revenue - variable cost - fixed costs - marketing spend - program rewards (loyalty_cost + "
       "referral_cost); firm-wide costs allocated to categories by revenue",
       &StepMetrics::profit},
      {"cumulative_profit", "money", "profit summed from step 0", &StepMetrics::cumulative_profit},
      {"roi", "ratio",
       "return on marketing: cumulative profit / cumulative marketing money (marketing spend "
       "plus loyalty and referral rewards); 0 while less than 0.01 has been spent (undefined: "
       "summaries print n/a)",
       &StepMetrics::roi},
      {"loyalty", "fraction",
       "mean loyalty L (0..1) to the firm among its customers (consumers who ever bought from "
       "it), at the end of the step, each consumer's rounded to 1/256 before the mean; 0 while "
       "the firm has no customers (undefined); by category: the same firm-wide figure",
       &StepMetrics::loyalty},
      {"purchases_per_buyer", "units per consumer",
       "units bought from the firm since step 0 per consumer who ever bought from it; 0 while "
       "the firm has no customers (undefined)",
       &StepMetrics::purchases_per_buyer},
      {"share_of_wallet", "fraction",
       "the firm's revenue over everything its customers spent in every category since they "
       "became its customers, the purchase that made them customers included (since step 0, "
       "integer cents; customer_share's base also counts a buyer's purchases before that one, "
       "so the two differ in period as well as in money against units); 0 while the firm has no "
       "customers (undefined); firm-wide",
       &StepMetrics::share_of_wallet},
      {"active_customers", "consumers",
       "customers who bought from the firm within market.wom_window steps, at the end of the "
       "step; firm-wide",
       &StepMetrics::active_customers},
      {"lost_customers", "consumers",
       "customers who lapsed in the step: their last purchase from the firm is now "
       "market.wom_window steps ago (the step of the purchase counting as 0), so it no longer "
       "counts as recent; none with a window of 254 steps or more; firm-wide. Lapses: summed over "
       "steps, a customer who comes back and lapses again counts each time",
       &StepMetrics::lost_customers},
      {"churn", "fraction per step",
       "lost customers / active customers at the end of the previous step; firm-wide",
       &StepMetrics::churn},
      {"retention", "fraction per step",
       "1 - lost customers / active customer-steps at risk: the steps from market.wom_window "
       "steps after the firm's first customer on, where a lapse can be seen; NaN before that, "
       "and with a window of 254 steps or more (no lapses counted); firm-wide",
       &StepMetrics::retention},
      {"clv", "money per customer",
       "customer lifetime value margin * r / (1 + i - r): margin = contribution (revenue - "
       "variable cost - program rewards) per active customer per year, since step 0; r = "
       "retention ^ steps_per_year (annual retention); i = market.discount_rate_per_year; "
       "NaN where retention is, and where r is 1 with i 0 (no customer lost, no discounting: an "
       "endless stream of margin); firm-wide",
       &StepMetrics::clv},
      {"loyalty_cost", "money",
       "loyalty-program rewards paid in the step (a reward on every n-th purchase)",
       &StepMetrics::loyalty_cost},
      {"referral_cost", "money", "referral rewards paid in the step (per referred first purchase)",
       &StepMetrics::referral_cost},
      {"referred_customers", "consumers",
       "customers the firm's referral program brought in (tagged, and bought from it), at the "
       "end of the step; firm-wide",
       &StepMetrics::referred_customers},
      {"referred_retention", "fraction per step",
       "retention (as `retention`) among referred customers only, from market.wom_window "
       "steps after the first referred customer; firm-wide",
       &StepMetrics::referred_retention},
      {"retention_offers", "units",
       "units sold to lapsing profiled customers at the retention-offer discount; firm-wide",
       &StepMetrics::retention_offers},
      {"failures", "units", "durables made by the firm that failed in the step (0 for consumables)",
       &StepMetrics::failures, true},
      {"early_failures", "units",
       "failures before the category's reference_life; each costs the owner's loyalty to the "
       "maker and feeds negative word of mouth",
       &StepMetrics::early_failures, true},
      {"mean_failure_age", "steps", "mean age of the products that failed in the step (0: none)",
       &StepMetrics::mean_failure_age, true},
      {"replacements", "units",
       "units bought to replace a failed product (of any maker) in the step",
       &StepMetrics::replacements, true},
      {"replacement_share", "fraction",
       "replacements / units sold in the step; overall: over the units sold in durable "
       "categories",
       &StepMetrics::replacement_share, true},
      {"upgrades", "units",
       "units bought by owners of a working product, tempted by a newer generation, in the step",
       &StepMetrics::upgrades, true},
      {"installed_base", "units", "working durables made by the firm, owned at the end of the step",
       &StepMetrics::installed_base, true},
      {"durability", "steps",
       "the Weibull scale of the lifetime of the durables the firm made in the step: its "
       "scenario's durability, or what its strategy chose (FirmPlan::durability); overall: the "
       "mean over its durable categories weighted by units sold (unweighted when it sold none); "
       "0 for consumables and where the firm offers nothing",
       &StepMetrics::durability, true},
  };
  return list;
}

const std::vector<SegmentMetricInfo>& segment_metrics() {
  static const std::vector<SegmentMetricInfo> list = {
      {"units", "units", "units sold to the segment in the step, all categories",
       &StepMetrics::segment_units},
      {"market_share", "fraction", "unit share of the segment's purchases in the step",
       &StepMetrics::segment_share},
      {"awareness", "fraction", "share of the segment aware of the firm when shopping in the step",
       &StepMetrics::segment_awareness},
      {"targeted_spend", "money",
       "targeted media money the firm aimed at the segment in the step (the part that spills "
       "over reaches everyone); summed over segments it is /market/targeted_spend",
       &StepMetrics::segment_targeted_spend},
  };
  return list;
}

StepMetrics zero_metrics(std::size_t F, std::size_t C, std::size_t S) {
  StepMetrics m;
  for (const auto& info : firm_metrics()) {
    (m.*info.member).firm.assign(F, 0.0);
    (m.*info.member).by_category.assign(C * F, 0.0);
  }
  for (const auto& info : segment_metrics()) (m.*info.member).assign(S * F, 0.0);
  m.saturation.assign(C, 0.0);
  // As the run records them while no lapse can be seen yet (market_accounting.cpp).
  const double undefined = std::numeric_limits<double>::quiet_NaN();
  for (FirmMetric* x : {&m.retention, &m.clv, &m.referred_retention}) {
    std::fill(x->firm.begin(), x->firm.end(), undefined);
    std::fill(x->by_category.begin(), x->by_category.end(), undefined);
  }
  return m;
}

}  // namespace msim
