#pragma once
/// What is simulated: a plain description of the market, resolved and checked at load time.
#include <Eigen/Core>

#include "models/segmentation.hpp"
#include "sim/experiment.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace msim {

class Strategy;

/// Consumables are bought at every purchase occasion; a durable is owned until it fails.
enum class CategoryKind { consumable, durable };

struct Category {
  std::string name;
  CategoryKind kind = CategoryKind::consumable;
  double base_cost = 1.0;         ///< money per unit at reference volume
  /// Where base_cost is written (Config::where), for a message about the price it leads to;
  /// empty for a category made in code.
  std::string base_cost_where;
  double learning = 0.85;         ///< unit cost multiplier per doubling of cumulative volume
  double reference_volume = 1e5;  ///< units; cost is base_cost until this volume is reached
  /// Share of a product's hidden quality cut that each purchase of it reveals to the buyer.
  double quality_learning = 0.5;
  /// Unit cost is multiplied by (1 - quality_cut_saving)^cut for a quality cut of `cut`.
  double quality_cut_saving = 0.1;
  // Durables only [Bulow 1986; Waldman 1993].
  double lifetime_shape = 2.0;    ///< Weibull shape k of a product's lifetime
  double lifetime_scale = 260.0;  ///< steps; theta_ref, the durability unit costs refer to
  double reference_life = 130.0;  ///< steps; a failure at a younger age is early
  double durability_cost_elasticity = 0.5;  ///< eps: unit cost * (theta / theta_ref)^eps
  double backlash = 0.5;  ///< loyalty (0..1) lost to the maker per unit of relative shortfall
  double upgrade_threshold = 1.0;  ///< utility gain * novelty (0..1) needed to upgrade
  /// Utility per doubling of a maker's durability over lifetime_scale, as informed buyers (who
  /// read reviews and warranties) see it; 0: durability cannot be judged before buying.
  double durability_weight = 0.0;
  bool durable() const { return kind == CategoryKind::durable; }
};

/// Gamma-distributed purchase rate (occasions per step) for one category: mean M, shape K.
struct PurchaseRate {
  double mean = 0.0;
  double shape = 1.0;
};

struct Segment {
  std::string name;
  double share = 0.0;
  Eigen::VectorXd ideal_mean;           ///< [D]
  Eigen::MatrixXd ideal_cov;            ///< [D, D], positive semi-definite
  double price_sensitivity_mean = 1.0;  ///< lognormal, in utility per unit of money
  double price_sensitivity_sd = 0.2;
  std::vector<PurchaseRate> purchase_rate;  ///< [C]; mean 0 = never buys the category
  double privacy_opt_out = 0.1;             ///< probability of opting out of CRM
  double novelty_mean = 0.3;                ///< novelty seeking, 0..1 (normal, clipped)
  double novelty_sd = 0.15;
  double age_mean = 42.0, age_sd = 14.0;                       ///< years (normal, clipped 18..99)
  double income_median = 45.0, income_sigma = 0.5;             ///< thousands per year (lognormal)
  std::vector<double> region_weights;                          ///< [regions], sums to 1
  double company_size_median = 0.0, company_size_sigma = 1.0;  ///< employees; 0 = consumers
  std::vector<double> industry_weights;                        ///< [industries]; empty = none
};

/// Consumer behaviour and media parameters shared by the whole market (the `market:` block).
struct MarketParams {
  double distance_weight = 1.0;    ///< w: utility lost per squared distance to the ideal point
  double outside_utility = 0.0;    ///< u0: utility of not buying
  double loyalty_weight = 1.0;     ///< gamma
  double goodwill_weight = 0.3;    ///< eta
  double goodwill_cap = 4.0;       ///< g_cap
  double loyalty_smoothing = 0.8;  ///< rho
  double adstock_decay = 0.93;     ///< lambda, per step
  double initial_awareness =
      0.0;  ///< chance that a consumer is aware of a firm at step 0 (each pair drawn alone)
  double cpm_mass = 10.0;          ///< money per 1000 mass impressions
  double cpm_targeted = 27.0;      ///< money per 1000 targeted impressions
  double beta_mass = 1.0;          ///< goodwill per mass exposure
  double beta_targeted = 1.0;      ///< goodwill per targeted exposure
  double beta_direct = 2.0;        ///< goodwill per direct contact
  double wom_rate = 0.3;           ///< q
  double homophily = 0.5;          ///< h
  std::int64_t wom_window = 26;    ///< steps a purchase keeps a customer "recent"
  double wom_goodwill = 1.0;       ///< goodwill of hearing about a firm
  double negative_wom_rate = 0.3;  ///< q for stories of early failures (durables)
  double discount_rate_per_year = 0.1;  ///< i in customer lifetime value
};

/// A closed range [lo, hi] of a consumer attribute.
struct Range2 {
  double lo = -HUGE_VAL, hi = HUGE_VAL;
  bool contains(double v) const { return v >= lo && v <= hi; }
};

/// Whom a firm's targeted media aim at within each targeted segment: consumers whose attributes
/// all fall inside these ranges. Unset ranges accept everyone.
struct Audience {
  bool active = false;
  Range2 age, income, company_size, novelty;  ///< years; thousands per year; employees; 0..1
  std::vector<int> regions, industries;       ///< empty: any
  std::vector<double> ideal_centre;           ///< [D] psychographic: within `ideal_radius`
  double ideal_radius = HUGE_VAL;
  std::vector<Range2> purchase_rate;          ///< [C] behavioural: occasions per step
  Range2 loyalty{0.0, 1.0};                   ///< behavioural: loyalty to the firm, each step
  bool uses_loyalty() const { return loyalty.lo > 0.0 || loyalty.hi < 1.0; }
};

/// A firm's product generations: every `every_steps` steps its quality rises by `quality_gain`.
struct Innovation {
  std::int64_t every_steps = 0;  ///< 0: no new generations
  double quality_gain = 0.0;     ///< utility per generation
  /// The generation on sale at `step` (at most 255).
  int generation(std::int64_t step) const {
    return every_steps > 0 ? static_cast<int>(std::min<std::int64_t>(step / every_steps, 255)) : 0;
  }
};

/// One firm: who it is, what it may spend, and the strategy that decides its plan each step.
struct Firm {
  std::string name;
  std::string strategy;  ///< registered strategy name
  std::shared_ptr<const Strategy> prototype;
  Segmentation segmentation;         ///< the segments it acts on: true, or learned by research
  double budget_per_year = 0.0;      ///< marketing budget, money per year
  std::vector<int> categories;       ///< indices of the categories it sells
  std::vector<int> regions;          ///< indices of the regions it sells in
  double quality = 1.0;              ///< q_jc, utility
  double fixed_cost_per_year = 0.0;  ///< money per year
  std::vector<double> durability;    ///< [C] Weibull scale of its durables, steps (0: consumable)
  std::vector<double> quality_cut;   ///< [C] utility its real quality falls short of `quality`
  Innovation innovation;
  Audience audience;  ///< targeting rule for its targeted media
  /// Where its `price` and `markup` are written (Config::where; the firm's entry where a key is
  /// absent), for a message about a price too high; empty for a firm made in code.
  std::string price_where, markup_where;
  /// Where its `durability` is written (the firm's entry where absent), for a message about a
  /// unit cost too high; empty for a firm made in code.
  std::string durability_where;
};

/// What a shock changes.
enum class ShockKind { budget, fixed_cost, price, cost, cpm, recession, opt_out, enter, exit };
/// How a shock's value applies: multiply the current value, set it, or (price) set a markup.
enum class ShockOp { multiply, set, markup };
/// A media channel whose cost a `cpm` shock changes.
enum class Channel { mass, targeted, direct };

/// One scheduled change, applied at the start of `step`, before the firms plan.
struct Shock {
  std::string name;     ///< optional; lets --set address the shock by name
  bool enabled = true;  ///< a disabled shock is checked but never applied (for sweeps)
  std::int64_t step = 0;
  ShockKind kind = ShockKind::budget;
  ShockOp op = ShockOp::multiply;
  double value = 1.0;
  int firm = -1;  ///< budget, fixed_cost, price, cost, enter, exit
  Channel channel = Channel::mass;
  std::vector<int> categories;  ///< cost, recession: empty = all
  std::vector<int> segments;    ///< recession, opt_out: empty = all
};

struct OutputSpec {
  std::string path = "marketsim.h5";
  /// Where `path` was set ("FILE:LINE:COLUMN: key 'output.path'"), for messages about it.
  std::string path_where = "key 'output.path'";
  std::int64_t panel_size = 0;     ///< consumers in the purchase panel (/panel); 0 = none
  std::int64_t snapshot_size = 0;  ///< consumers in the final snapshot (/snapshot); 0 = none
};

struct Scenario {
  std::string name;
  std::string description;
  std::uint64_t seed = 42;
  std::int64_t consumers = 100000;  ///< simulated: the file's `consumers` x `scale`, rounded
  /// The market at this fraction of the file's size: `consumers`, and every total of money or
  /// volume (budgets, a firm's fixed costs, study costs, reference volumes) are multiplied by it
  /// where they are used, so per-consumer figures, shares and prices stay about the same. The
  /// Scenario keeps the file's totals; only `consumers` is the scaled count. A strategy's plan is
  /// in the simulated market's money: it scales the totals of its own parameters (FirmPlan).
  double scale = 1.0;
  std::int64_t consumers_in_file = 100000;  ///< the file's `consumers`, before `scale`
  /// Where `consumers` was set ("FILE:LINE:COLUMN: key 'consumers'"), for messages about it.
  std::string consumers_where = "key 'consumers'";
  /// Where each of `regions` and `industries` was first named (Config::where), for the loader's
  /// messages about a name one slip from another.
  std::vector<std::string> region_where, industry_where;
  /// The --set assignments (and seed=N for --seed) applied to the file, in order; recorded so
  /// that a reader knows the run is not the file as written.
  std::vector<std::string> overrides;
  std::int64_t steps = 104;
  std::int64_t steps_per_year = 52;
  int preference_dims = 2;
  std::vector<Category> categories;
  std::vector<Segment> segments;
  std::vector<std::string> regions;
  std::vector<std::string> industries;
  std::vector<Firm> firms;
  MarketParams market;
  std::vector<Shock> shocks;  ///< in file order
  ExperimentSpec experiment;
  BranchSpec branch;
  /// With a `branch:` block, the scenario the run switches to at branch.step (see
  /// models/branch.hpp); the scenario file loaders fill it in.
  std::shared_ptr<const Scenario> after_branch;
  OutputSpec output;
  /// Values that are allowed but look like mistakes (a markup of 50, a price multiplied by 15),
  /// each "FILE:LINE:COLUMN: key 'PATH': what it means and what was perhaps meant"; the
  /// program shows them as warnings.
  std::vector<std::string> notes;
  /// The strategies' diagnostics a run records (/strategies/<name>): unset, those of the
  /// strategies the firms use (and after_branch's); experiment planning sets the names used by
  /// any of its runs, so that every run's file has the same datasets. See models/diagnostics.hpp.
  std::optional<std::vector<std::string>> diagnostics;

  /// The share-weighted mean of the segments' ideal points.
  Eigen::VectorXd population_mean() const;
  int segment_index(const std::string& name) const;  ///< -1 when absent
  int category_index(const std::string& name) const;
  std::size_t durable_categories() const;
};

}  // namespace msim
