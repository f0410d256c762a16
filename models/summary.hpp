#pragma once
/// The end-of-run summary, read back from a run's HDF5 file (summarize_file) and printed
/// (format_summary), and the pieces other reports share: the shocks in plain words
/// (scenario_shocks, sort_shocks, format_shocks), the note on a scaled market (scale_note) and
/// `validate`'s lines on the first step (format_first_step).
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "models/metrics.hpp"
#include "models/scenario.hpp"

namespace msim {

class Hdf5Reader;

struct SummaryRow {
  std::string firm, strategy;
  double market_share = 0, customer_share = 0, penetration = 0, awareness = 0;
  double profit = 0, roi = 0;  ///< cumulative profit (money) and return on marketing
  /// false: out of the market for the whole run (an entry that did not come, or an exit at
  /// step 0); in files without a readable /scenario, sold nothing and spent nothing.
  bool in_market = true;
  bool roi_defined = true;     ///< false: no marketing spend, so ROI is undefined (the file has 0)
  bool sold = true;            ///< false: nobody bought from it, so customer share is undefined
};

/// Durable goods over the whole run, per firm that sells a durable, counting the durable
/// categories only (loyalty is firm-wide); present when the market has durables.
struct DurablesRow {
  std::string firm;
  double units = 0, failures = 0, early_failures = 0, mean_failure_age = 0;
  double replacements = 0, upgrades = 0, installed_base = 0, loyalty = 0;
  /// Failures and early failures from Summary::early_from on (the early share's terms).
  double failures_judged = 0, early_judged = 0;
};

/// Customer relationships per firm: the last step's figures, and program costs over the run.
struct RelationshipRow {
  std::string firm;
  double share_of_wallet = 0, purchases_per_buyer = 0, active = 0, lost = 0, retention = 0;
  double clv = 0, program_cost = 0, referred = 0, referred_retention = 0;
  bool buyers = true;  ///< false: nobody bought from the firm, so ratios per buyer are undefined
  /// Every category the firm sold in is durable: owners lapse `wom_window` steps after buying,
  /// because a working product is not bought again until it fails or is upgraded, so lost
  /// customers, retention and CLV are undefined.
  bool durables_only = false;
  bool referral_program = true;  ///< false: the firm has none (from the file's /scenario)

  bool lost_defined() const { return !durables_only; }
  /// And CLV. NaN in the file: no lapse could be seen yet (see Market::relationship).
  bool retention_defined() const { return buyers && !durables_only && !std::isnan(retention); }
  bool referred_retention_defined() const {
    return referral_program && referred > 0 && !durables_only && !std::isnan(referred_retention);
  }
};

struct Summary {
  std::string scenario;
  /// What --set changed in the scenario file, "key.path=value" each (files of older versions:
  /// none).
  std::vector<std::string> overrides;
  std::int64_t consumers = 0, steps = 0, steps_per_year = 0, steps_done = 0;
  double scale = 1.0;  ///< the scenario's `scale` (files of older versions: 1)
  bool complete = false;
  /// Some firm sold in the last step: else no market share is defined (summaries print n/a).
  bool sold_last_step = true;
  /// The units all firms sold in the last step (0 when the file does not say): the sample the
  /// last step's market shares are shares of, for shares_level.
  double units_last_step = 0.0;
  double wall_seconds = 0.0;
  std::vector<SummaryRow> rows;
  std::vector<RelationshipRow> relationships;    ///< empty for files without these metrics
  std::vector<DurablesRow> durables;  ///< the firms that sell a durable; empty without durables
  std::vector<std::string> durable_categories;   ///< names, with saturation at the last step
  std::vector<double> saturation;
  /// For each of durable_categories, the first step in which a failure in it can be on time:
  /// products are bought from step 0 on, so none reaches the category's reference life R before
  /// step ceil(R), or the first step with an on-time failure in it when that is earlier; 0 when
  /// the file does not tell. The early share counts each category's failures from its step on
  /// (as analysis's obsolescence figure does).
  std::vector<std::int64_t> early_from_by_category;
  /// The earliest of early_from_by_category (0 without durables).
  std::int64_t early_from = 0;
  /// Segment names and each firm's share of the units each segment bought over the last
  /// segment_window steps (a quarter of a year, as analysis/plot.py's segment heatmap):
  /// sums of /segments/units, [S * F] (segment-major), all 0 for a segment that bought nothing;
  /// empty for files without /segments/units.
  std::vector<std::string> segments;
  std::vector<double> segment_share;
  std::vector<double> segment_units;  ///< [S]: the units each segment bought over the window
  std::int64_t segment_window = 0;
  /// From /scenario, for the notes: market.wom_window (0: unknown) and the yearly discount rate
  /// of CLV (negative: unknown).
  std::int64_t wom_window = 0;
  double discount_rate = -1.0;
  /// From /scenario's branch: block: its first step (-1: no branch) and its changes ("K=V").
  std::int64_t branch_step = -1;
  std::vector<std::string> branch_changes;
  /// The enabled shocks that fired, in plain words: "week 27: VarietyCo's budget x 0.7 (q3_cut)".
  std::vector<std::string> shocks;
  /// The shocks that did not fire: "rival_enters (disabled)", "shock 2 (step 80, after the end)".
  std::vector<std::string> shocks_not_applied;

  /// The years simulated so far (0 when steps_per_year is unknown).
  double years() const {
    return steps_per_year > 0
               ? static_cast<double>(steps_done) / static_cast<double>(steps_per_year)
               : 0.0;
  }
};

/// One shock of a resolved scenario, in plain words.
struct ShockLine {
  std::string when;    ///< "week 27" (52 steps a year), "month 27" (12), ...: period_point
  std::string label;   ///< its name, else "shocks.<index>"
  std::string change;  ///< "VarietyCo's budget x 0.7"
  std::int64_t step = 0;
  bool enabled = true;
  bool named = false;
  std::string note;  ///< added to its line when applied ("on or off by design point"), or ""
};

/// The shocks of a resolved scenario's YAML, in order. @throws InputError when it cannot be read.
std::vector<ShockLine> scenario_shocks(const std::string& yaml, std::int64_t steps_per_year,
                                       const std::vector<std::string>& changes = {});

/// Sorts `shocks` for a run of `steps_done` steps into those applied, in plain words ("week 27:
/// VarietyCo's budget x 0.7 (q3_cut)"), and those not ("q3_cut (disabled)", "rival_cut (week
/// 30, after the last step run)").
void sort_shocks(const std::vector<ShockLine>& shocks, std::int64_t steps_done,
                 std::vector<std::string>& applied, std::vector<std::string>& not_applied);

/// sort_shocks' lists as the summary prints them, after a blank line; "" when both are empty.
std::string format_shocks(const std::vector<std::string>& applied,
                          const std::vector<std::string>& not_applied);

/// The steps over which the summary names each segment's leader: a quarter of a year of
/// `steps_per_year` steps, rounded to the nearest (13 weeks, 3 months, 91 days), at least one
/// step (a quarterly or yearly run: the last step); 13 when the file does not say (0).
/// analysis/summary.py's segment_window() says the same.
std::int64_t segment_window(std::int64_t steps_per_year);

/// Whether two firms' shares `a` and `b` of the same `units` units are level in the summary's
/// sentences ("sold about as many units"): less than half a percentage point apart, or apart by
/// less than chance alone moves them, twice the standard error of the gap between two shares of
/// `units` independent purchases, sqrt((a + b - (a - b)^2) / units). (A tie of 50.5% and 49.5%
/// in a week of 20,000 units is chance: the gap's standard error is 0.7 points.) `units` 0:
/// unknown, half a point alone. analysis/summary.py's shares_level says the same.
bool shares_level(double a, double b, double units);

/// The run's period in the summary's words, for `steps_per_year` steps a year: "week" (52),
/// "month" (12), "quarter" (4), "year" (1), "day" (365), else "step" (and for 0: unknown).
/// analysis/summary.py's period() says the same.
std::string period_word(std::int64_t steps_per_year);

/// Step `step` in the run's period, numbered as the time axes number it: a named period from 1
/// ("week 27" is step 26 of a weekly run, "month 27" of a monthly one), bare steps from 0
/// ("step 26"). analysis/periods.py's time_point says the same.
std::string period_point(std::int64_t steps_per_year, std::int64_t step);

/// The note on a market at `scale` (money and unit totals about `scale` times the full
/// market's), one line; "" at scale 1. NaN: the scale varies by design point (a sweep of it).
std::string scale_note(double scale);

/// An experiment's design point for format_first_step: its label ("firms.A.markup=0.5"), its
/// scenario and its first step's metrics.
struct DesignPointFirstStep {
  std::string label;
  const Scenario* scenario = nullptr;
  StepMetrics first;
};

/// Each firm's budget and what the scenario's first step spent and charged (`first`, the
/// metrics of that step), as '#' lines for `validate`: a budget given per week where a year's
/// is expected shows as a year's budget a fiftieth of the intended one, beside its prices. With
/// `points` (an experiment's design points, which the runs are), a firm whose line differs
/// between them gets a line for each (at most kFirstStepPoints, then how many more).
std::string format_first_step(const Scenario& sc, const StepMetrics& first,
                              const std::vector<DesignPointFirstStep>& points = {});
inline constexpr std::size_t kFirstStepPoints = 12;

/// Reads /market/* at the last recorded step. @throws InputError when the file is not a run.
Summary summarize_file(const std::string& path);

/// The --set assignments (with --seed's) a file records in its root attribute `overrides`, one
/// "key.path=value" a line; none where it records none.
std::vector<std::string> recorded_overrides(const Hdf5Reader& r);
/// "Changed from the scenario file on the command line: A, B\n", or "" when there are none.
std::string overrides_line(const std::vector<std::string>& overrides);

/// "Branched at week 21 (step 20): from then on, K=V, ...\n" for a run with a branch: block;
/// "" without one.
std::string branch_line(std::int64_t steps_per_year, std::int64_t step,
                        const std::vector<std::string>& changes);

/// A fixed-width table with one row per firm, then two plain-language sentences, the shocks that
/// fired, the customer-relationship table and, for markets with durables, a table on failures,
/// replacements and ownership. Undefined figures print as n/a (see the flags of each row).
std::string format_summary(const Summary& s);

}  // namespace msim
