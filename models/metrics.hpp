#pragma once
/// What a step produces: firm-level metrics overall and by category, and segment metrics.
/// The metric list below is the one place that names them, for the recorder and the summary.
#include <cstddef>
#include <string>
#include <vector>

namespace msim {

/// A metric for every firm overall ([F]) and by category ([C*F], category-major).
struct FirmMetric {
  std::vector<double> firm;
  std::vector<double> by_category;
};

struct StepMetrics {
  FirmMetric units, revenue, market_share, value_share, customer_share, penetration, customers,
      new_customers, awareness, marketing_spend, mass_spend, targeted_spend, direct_spend,
      fixed_cost, unit_cost, price, profit, cumulative_profit, roi, loyalty, failures,
      early_failures, mean_failure_age, replacements, replacement_share, upgrades, installed_base,
      purchases_per_buyer, share_of_wallet, active_customers, lost_customers, churn, retention, clv,
      loyalty_cost, referral_cost, referred_customers, referred_retention, retention_offers,
      durability;
  // By segment and firm, segment-major: segment s, firm j at [s * F + j].
  std::vector<double> segment_units, segment_share, segment_awareness;  ///< [S*F]
  std::vector<double> segment_targeted_spend;                           ///< [S*F]
  std::vector<double> saturation;       ///< [C] share of consumers owning a working product
  bool durables = false;                ///< the market has durable categories (their metrics count)
  std::vector<double> segment_centres;  ///< [F*S*D] where each firm placed each segment
  /// [K*F] the strategies' own diagnostics, those of the strategies the run uses, in the order
  /// scenario_diagnostics() gives them (models/diagnostics.hpp):
  /// diagnostic k of firm j at [k * F + j], NaN where the firm's strategy recorded none and at
  /// step 0.
  std::vector<double> diagnostics;
};

/// A step's metrics with every vector sized for F firms, C categories and S segments and all
/// values 0 but retention, clv and referred_retention, NaN as the run records them before a
/// lapse can be seen (what strategies see as the last step at step 0).
StepMetrics zero_metrics(std::size_t F, std::size_t C, std::size_t S);

/// num / den, or 0 when den is 0 (a share of nothing, a return on no spend).
inline double ratio(double num, double den) {
  return den > 0 ? num / den : 0.0;
}

/// Below this cumulative marketing money (one cent) ROI is undefined: recorded as 0, printed
/// n/a. Over a spend of a fraction of a cent it would be a meaningless +-1e10.
inline constexpr double kMinRoiSpend = 0.01;

/// Return on marketing: cumulative profit / cumulative marketing money (spend and program
/// rewards), 0 while undefined.
inline double roi_ratio(double profit, double spend) {
  return spend >= kMinRoiSpend ? profit / spend : 0.0;
}

struct MetricInfo {
  const char* name;
  const char* units;
  const char* description;
  FirmMetric StepMetrics::*member;
  bool durables_only = false;  ///< recorded only for markets with durable categories
};

/// The firm metrics, in recording order.
const std::vector<MetricInfo>& firm_metrics();

struct SegmentMetricInfo {
  const char* name;
  const char* units;
  const char* description;
  std::vector<double> StepMetrics::*member;
};

const std::vector<SegmentMetricInfo>& segment_metrics();

}  // namespace msim
