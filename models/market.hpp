#pragma once
/// How a market runs: firms decide in turn, then the consumer kernel runs over blocks in
/// parallel, then block partial sums are reduced in block order and turned into metrics.
#include <cstdint>
#include <memory>
#include <vector>

#include "models/diagnostics.hpp"
#include "models/kernel_tables.hpp"
#include "models/metrics.hpp"
#include "models/panel.hpp"
#include "models/population.hpp"
#include "models/research.hpp"
#include "models/scenario.hpp"
#include "models/shocks.hpp"
#include "models/strategy.hpp"
#include "sim/parallel.hpp"

namespace msim {

/// Wall-clock seconds spent in each phase of the steps so far.
struct PhaseTimes {
  double firms = 0.0;      ///< strategies, prices and the kernel's tables
  double consumers = 0.0;  ///< the consumer kernel over all blocks
  double reduction = 0.0;  ///< partial sums reduced in block order, accounting, metrics
};

struct EngineOptions {
  /// Consumers per block, 1 to kMaxBlockSize (models/limits.hpp); results do not depend on it.
  std::size_t block_size = 4096;
  /// The consumer kernel's paths that take two consumers per vector, where they apply; off, it
  /// takes one at a time. Results do not depend on it (tests compare the two).
  bool paired_consumers = true;
};

/// Firm-level running totals.
struct FirmLedger {
  std::vector<std::int64_t> cumulative_units;       ///< [C] experience-curve volume and the
                                                    ///< numerator of customer share
  std::vector<std::int64_t> scr_denominator;        ///< [C]
  std::vector<std::int64_t> customers_by_category;  ///< [C]
  std::int64_t customers = 0;
  std::vector<double> cumulative_profit_by_category;     ///< [C]
  /// Marketing money for ROI: marketing spend plus the programs' rewards.
  std::vector<double> cumulative_marketing_by_category;  ///< [C]
  double cumulative_profit = 0.0, cumulative_marketing = 0.0;
  // Relationship metrics, summed from step 0.
  double wallet_revenue = 0.0, wallet_spend = 0.0;  ///< share of wallet
  double active = 0.0;                ///< recent customers at the end of the last step
  double at_risk = 0.0, lost = 0.0;   ///< customer-steps at risk of lapsing, and lapses
  double referred_active = 0.0, referred_at_risk = 0.0, referred_lost = 0.0;
  /// The first step that ended with an active (referred) customer, -1 before: the steps from
  /// wom_window later on are the ones at risk, where a lapse can be seen.
  std::int64_t first_active = -1, first_referred = -1;
  double contribution = 0.0, customer_steps = 0.0;  ///< CLV's margin per customer and step
};

class Market {
 public:
  /// Synthesises the population. @throws InputError only through the scenario (already checked).
  Market(const Scenario& scenario, EngineOptions options = {});
  /// A deep copy: population, state, ledgers and clones of the strategies.
  Market(const Market&) = default;
  Market& operator=(const Market&) = delete;
  /// Continues this market's history under `variant` from the next step: its budgets, strategy
  /// parameters, media costs and later shocks apply from now on. The variant must share
  /// everything the history used (experiment planning checks it). Strategies whose parameters
  /// did not change keep their state.
  void branch(const Scenario& variant);
  /// Advances one step; afterwards metrics() describes it.
  void step();
  std::int64_t steps_done() const { return step_; }
  const StepMetrics& metrics() const { return metrics_; }
  const Population& population() const { return pop_; }
  /// The market's own copy of the scenario, as the shocks so far have changed it.
  const Scenario& scenario() const { return sc_; }
  /// Firm j's column in Population::crm, or -1 when the firm keeps no CRM profiles.
  int crm_column(std::size_t j) const { return tables_.crm_col[j]; }
  const ShockState& shock_state() const { return shocks_; }
  const std::vector<FirmPlan>& plans() const { return plans_; }
  /// [F] what each firm offered in the last step, with the prices it charged: what strategies
  /// read in MarketView::offers at the next step. Every list is empty before the first step.
  std::vector<std::vector<Offer>> offers() const;
  const PhaseTimes& phase_times() const { return times_; }
  /// [F] each firm's latest segmentation study (step -1 when it has none).
  const std::vector<SegmentStudy>& studies() const { return studies_; }
  /// The consumer panel's members, ascending (empty without output.panel).
  const std::vector<std::uint32_t>& panel_members() const { return panel_members_; }
  /// The last step's purchases by panel members, in consumer order (block order).
  const std::vector<PanelPurchase>& panel_purchases() const { return panel_step_; }

 private:
  void plan_firms();
  /// The price and cost shocks that have moved firm j's price in category c (a `fixed` price:
  /// the price shocks only), by key path, for check_prices' message ("" when none has).
  std::string price_shocks_so_far(std::size_t j, std::size_t c, bool fixed) const;
  /// @throws InputError when a product's price (after the scenario's shocks) is past
  /// kMaxUnitMoney (revenue in integer cents would overflow) or below kSmallestPrice (it would
  /// round to 0.00 cents).
  void check_prices(const FirmPlan& plan, std::size_t j) const;
  /// Throws InputError when firm j's unit cost in category c (its durability, customisation
  /// premium and cost shocks applied) is above kMaxUnitMoney, naming what raised it.
  void check_unit_cost(const FirmPlan& plan, std::size_t j, std::size_t c) const;
  void build_tables();
  void build_durable_tables();
  void build_program_tables();
  /// Flags the consumers each firm's audience picks out by static attributes.
  void mark_audiences();
  void account(const std::vector<std::int64_t>& sums);
  /// Share of wallet, customer flows, retention, CLV and referral metrics of firm j, given the
  /// step's contribution (revenue - variable cost - rewards).
  void relationship(std::size_t j, const std::vector<std::int64_t>& sums, double contribution);

  /// Applies the shocks of the step about to run (models/shocks.hpp).
  void apply_shocks();

  Scenario sc_;  ///< a copy: shocks edit it
  ShockState shocks_;
  EngineOptions options_;
  Population pop_;
  Blocks blocks_;
  PartialSums partials_;
  KernelTables tables_;
  std::vector<StrategyPtr> strategies_;  ///< copying the Market clones them
  /// The diagnostics the run records (scenario_diagnostics of the first scenario; a branch keeps
  /// them), and [F] each firm's among them (firm_diagnostics).
  std::vector<std::string> diagnostic_names_;
  std::vector<FirmDiagnostics> firm_diagnostics_;
  std::vector<FirmPlan> plans_;
  std::vector<SegmentStudy> studies_;  ///< [F]
  std::vector<FirmLedger> ledgers_;
  std::vector<std::vector<double>> unit_cost_;   ///< [F][C] this step, of a customised unit
  std::vector<std::vector<double>> plain_cost_;  ///< [F][C] this step, without customisation
  std::vector<std::vector<double>> list_price_;  ///< [F][C] base product price this step
  std::vector<double> segment_consumers_;        ///< [S]
  std::vector<std::int64_t> last_sums_;          ///< previous step's reduced partials
  /// [C*F] working durables owned at the end of the last step: the blocks' changes, summed.
  std::vector<std::int64_t> installed_;
  /// Early failures by [segment * F + firm] in each of the last wom_window steps (a ring), and
  /// their sum: the source of negative word of mouth.
  std::vector<std::vector<std::int64_t>> early_history_;
  std::vector<std::int64_t> early_window_;
  std::vector<std::uint8_t> audience_bit_;  ///< [F] Population::flags bit of its audience, or 0
  std::vector<double> audience_static_;     ///< [S*F] picked out by static attributes
  std::vector<std::uint32_t> panel_members_;
  std::vector<std::vector<PanelPurchase>> panel_blocks_;  ///< [block] this step's panel rows
  std::vector<PanelPurchase> panel_step_;                 ///< the blocks' rows in block order
  StepMetrics metrics_;
  StepMetrics last_metrics_;  ///< the last step's metrics, as strategies see them while planning
  Philox strategy_key_;       ///< (seed, purpose::strategy): MarketView::random()
  PhaseTimes times_;
  std::int64_t step_ = 0;
};

}  // namespace msim
