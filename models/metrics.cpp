#include "models/metrics.hpp"

namespace msim {

const std::vector<MetricInfo>& firm_metrics() {
  static const std::vector<MetricInfo> list = {
      {"units", "units", "units sold in the step", &StepMetrics::units},
      {"revenue", "money", "sales revenue in the step", &StepMetrics::revenue},
      {"market_share", "fraction",
       "unit share of the step's category sales (overall: of all units sold)",
       &StepMetrics::market_share},
      {"value_share", "fraction", "revenue share of the step's category sales",
       &StepMetrics::value_share},
      {"customer_share", "fraction",
       "share of category requirements: the firm's units over all category purchases of its "
       "buyers, since step 0 (kept incrementally with integers)",
       &StepMetrics::customer_share},
      {"penetration", "fraction", "share of all consumers who have bought from the firm",
       &StepMetrics::penetration},
      {"customers", "consumers", "consumers who have bought from the firm since step 0",
       &StepMetrics::customers},
      {"new_customers", "consumers", "consumers whose first purchase from the firm was this step",
       &StepMetrics::new_customers},
      {"awareness", "fraction",
       "share of all consumers aware of the firm (goodwill >= 1 or loyalty > 0) when they shop "
       "in the step; by category: the firm's awareness where it sells, else 0",
       &StepMetrics::awareness},
      {"marketing_spend", "money",
       "money spent on mass, targeted and direct media; by category: allocated by revenue",
       &StepMetrics::marketing_spend},
      {"unit_cost", "money per unit",
       "average variable cost of the units sold (experience curve; customised units carry the "
       "customisation premium); cost of a unit when nothing sold",
       &StepMetrics::unit_cost},
      {"price", "money per unit", "average price paid (list price when nothing sold)",
       &StepMetrics::price},
      {"profit", "money",
       "revenue - variable cost - fixed costs - marketing spend; firm-wide costs allocated to "
       "categories by revenue",
       &StepMetrics::profit},
      {"cumulative_profit", "money", "profit summed from step 0", &StepMetrics::cumulative_profit},
      {"roi", "ratio", "return on marketing: cumulative profit / cumulative marketing spend",
       &StepMetrics::roi},
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
  };
  return list;
}

}  // namespace msim
