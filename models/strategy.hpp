#pragma once
/// The strategy extension point: once per step, each firm's strategy reads a MarketView and
/// writes a FirmPlan. Strategies run sequentially, outside the consumer kernel.
#include <Eigen/Core>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "models/metrics.hpp"
#include "models/scenario.hpp"
#include "sim/rng.hpp"

namespace msim {

class Config;
class YamlWriter;

/// One product a firm offers in one category.
struct Product {
  int category = 0;
  Eigen::VectorXd position;  ///< [D] location in preference space
  double quality = 1.0;      ///< q_jc
  double markup = 0.3;       ///< cost-plus markup; price = unit cost * (1 + markup)
  double fixed_price = 0.0;  ///< > 0 overrides the markup
};

/// Relationship-marketing programs a firm runs this step (one_to_one; all off by default).
struct Programs {
  std::int64_t loyalty_every = 0;    ///< a reward on every n-th purchase in a category; 0: none
  double loyalty_reward = 0.0;       ///< money per reward
  double referral_multiplier = 1.0;  ///< word of mouth from the firm's recent customers x this
  double referral_reward = 0.0;      ///< money per referred first purchase
  bool referral = false;             ///< a referral program runs: referred consumers are tagged
  bool cross_selling = true;  ///< profiles customise offers in every category the firm sells,
                              ///< not only in those the customer bought from it
  std::int64_t retention_after = 0;  ///< steps since the last purchase that make a profiled
                                     ///< customer lapsing and earn it a retention offer; 0: none
  double retention_discount = 0.0;   ///< fraction off the price of a retention offer
};

/// What a firm does this step. Money is per step, in the market the run simulates, as
/// MarketView::budget and last() are: at a scenario `scale` other than 1, that market is `scale`
/// times the file's, so a total a strategy reads from its own parameters (a fixed cost per year,
/// a spending cap) is multiplied by view.scenario.scale. Money per unit or per contact (prices,
/// rewards, cost_per_contact) does not scale.
struct FirmPlan {
  std::vector<Product> products;       ///< variants; consumers are offered the nearest one
  double mass_spend = 0.0;             ///< money on mass media
  std::vector<double> targeted_spend;  ///< [S] money on media aimed at each segment
  double targeting_precision = 0.8;    ///< share of targeted impressions that land on the segment
  double direct_spend = 0.0;           ///< money on CRM contacts
  double cost_per_contact = 0.5;       ///< money per direct contact
  bool customized = false;             ///< one-to-one: products customised from the CRM profile
  double custom_sigma0 = 1.0;          ///< fit error sd with an empty profile
  double custom_premium = 0.0;         ///< unit-cost premium of customisation (before scope)
  double fixed_cost = 0.0;  ///< money this step, on top of the firm's own fixed cost (scaled)
  /// [C] how long the firm's durables last, by category: the Weibull scale of the lifetime, in
  /// steps, of a product bought this step (it keeps the failure step drawn then). The engine
  /// sets it to the firm's scenario `durability` before plan() (0 in consumable categories). A
  /// strategy may change it in the durable categories the firm sells, within [1, 65000] steps:
  /// shorter is planned obsolescence, cheaper units (by the category's
  /// durability_cost_elasticity) that fail sooner. Recorded as /market/durability.
  std::vector<double> durability;
  Programs programs;
  /// This step's values of the strategy's diagnostics, in the order StrategyInfo::diagnostics
  /// declares them (and diagnostic_names lists them). The engine sizes it and fills it with NaN
  /// (nothing recorded) before plan(). Set values with record(name, value), which checks the
  /// name; indexing by hand is faster but unchecked (use .at(k)). Do not resize it.
  std::vector<double> diagnostics;
  std::vector<std::string> diagnostic_names;  ///< the declared names, set by the engine

  /// Records `value` as this step's diagnostic `name` (/strategies/<name>, this firm's column).
  /// @throws std::invalid_argument when the strategy did not declare `name`.
  void record(std::string_view name, double value);
};

/// One product a firm offered in a step, as the market listed it: what every firm (and every
/// consumer) could see. MarketView::offers holds last step's.
struct Offer {
  int category = 0;
  Eigen::VectorXd position;  ///< [D] Product::position (customised products fit closer)
  /// Product::quality as the firm set it. Consumers' utility also counts the firm's innovation
  /// (a scenario setting) and durability (below), less what a quality cut taught its buyers.
  double quality = 0.0;
  /// The list price per unit the engine charged, in whole cents: the fixed price or cost-plus on
  /// that step's unit cost, after price shocks (loyalty rewards and retention discounts lower it
  /// for some consumers).
  double price = 0.0;
  /// In a durable category, the Weibull scale in steps of the lifetime of the firm's products
  /// that step (FirmPlan::durability); 0 in a consumable category.
  double durability = 0.0;
};

/// What a strategy may read: the scenario, its own firm, and last step's aggregates and offers.
struct MarketView {
  const Scenario& scenario;
  std::int64_t step = 0;
  int firm = 0;
  /// Marketing money available this step: the firm's budget_per_year per step, times the
  /// scenario's `scale` (the money of the market the run simulates).
  double budget = 0.0;
  std::vector<double> segment_consumers;             ///< [S]
  std::vector<std::vector<double>> segment_centres;  ///< [S][D] positions the firm acts on
  Eigen::VectorXd population_mean;                   ///< [D]
  // Last step (zeros at step 0):
  std::vector<double> market_share;            ///< [F] unit share over all categories
  std::vector<std::vector<double>> awareness;  ///< [S][F] share of the segment aware
  std::vector<std::vector<double>> unit_cost;  ///< [C][F]
  /// [C][F] list price of the firm's first product in the category (last().price is the
  /// average price paid); 0 when the firm offered none there.
  std::vector<std::vector<double>> price;
  double crm_profiles = 0.0;                   ///< consumers with a profile at this firm
  std::vector<double> segment_units;           ///< [S] this firm's units sold in each segment
  /// [F] what each firm, this one included, offered last step: its products in the order its
  /// plan listed them, with their list prices. Empty for every firm at step 0 (nothing was
  /// offered yet), and for a firm that was out of the market (shocks: enter, exit) last step.
  /// Firms plan in turn, but no firm sees another's plan of this step. Set by the engine (a
  /// view a test builds has it empty: size it [F] for a strategy that reads it).
  std::vector<std::vector<Offer>> offers = {};
  /// What `cpm` shocks of channel `direct` have done to the cost of a direct contact so far: a
  /// cost that replaces every plan's (0: none) and a factor on it. The engine applies them to
  /// FirmPlan::cost_per_contact after plan(); contact_cost() says what a contact will cost.
  double contact_cost_set = 0.0;
  double contact_cost_factor = 1.0;
  /// Every metric of the last step, the values recorded under /market and /segments at step - 1
  /// (at step 0 all zeros, but NaN for retention, clv and referred_retention, which are
  /// undefined until a lapse can be seen, as the run records them): for example
  /// `last().profit.firm[j]`, or `last().units.by_category[c * F + j]`. Set by the engine; see
  /// last().
  const StepMetrics* last_metrics = nullptr;
  /// The key of the strategies' own random numbers (seed, purpose::strategy). Set by the engine.
  const Philox* strategy_key = nullptr;
  /// The diagnostics the run records, in the order of the rows k of last().diagnostics
  /// ([k * F + j]). Set by the engine; read them with last_diagnostic().
  const std::vector<std::string>* diagnostic_names = nullptr;

  const Firm& self() const { return scenario.firms[static_cast<std::size_t>(firm)]; }
  /// What one direct contact costs this step for a plan whose cost_per_contact is `own`: `own`
  /// after the `cpm` shocks of channel `direct` so far, as the engine will charge it. Plan
  /// direct_spend with it, or a shock that lowers the cost makes the firm pay for more contacts
  /// than its profiles can take.
  double contact_cost(double own) const {
    return (contact_cost_set > 0 ? contact_cost_set : own) * contact_cost_factor;
  }
  /// F, S and C: the sizes that index last()'s vectors ([F], [C * F], [S * F]).
  std::size_t firms() const { return scenario.firms.size(); }
  std::size_t segments() const { return scenario.segments.size(); }
  std::size_t categories() const { return scenario.categories.size(); }
  /// Last step's share of segment `s`'s units that firm `j` (this firm when j < 0) sold:
  /// last().segment_share[s * F + j]. @throws std::logic_error as last() does.
  double segment_share(std::size_t s, int j = -1) const {
    return last().segment_share.at(s * firms() + static_cast<std::size_t>(j < 0 ? firm : j));
  }
  /// Last step's metrics (see last_metrics). @throws std::logic_error for a view the engine
  /// did not make (in a test that builds its own MarketView, set last_metrics).
  const StepMetrics& last() const {
    if (last_metrics == nullptr) throw std::logic_error("MarketView::last(): no metrics were set");
    return *last_metrics;
  }
  /// Last step's value of the diagnostic `name` for firm `j` (this firm when j < 0), the value
  /// recorded at step - 1 under /strategies/<name>: NaN at step 0 and where the firm's strategy
  /// recorded none. @throws std::invalid_argument when the run records no diagnostic of that
  /// name (it names those it records), std::logic_error for a view the engine did not make.
  double last_diagnostic(std::string_view name, int j = -1) const;
  /// A stream of random numbers of this firm's own for this step: a pure function of the run's
  /// seed, the firm and the step, so a randomised strategy reruns bit for bit, at any thread
  /// count, and design points of an experiment share it (common random numbers). Draw with
  /// uniform(), normal() or gamma(shape). Each call of random() starts the step's stream afresh,
  /// so take one Stream per step and pass it to helpers; it refers to the engine's key, so do
  /// not keep it after plan() returns. The stream is keyed by the firm's place in the list of
  /// firms: reordering the firms in the YAML changes the draws.
  /// @throws std::logic_error for a view the engine did not make.
  Stream random() const {
    if (strategy_key == nullptr)
      throw std::logic_error("MarketView::random(): no random key was set");
    return Stream(*strategy_key, static_cast<std::uint32_t>(firm),
                  static_cast<std::uint32_t>(step));
  }
};

/// Documentation of one strategy parameter, for `marketsim strategies` and the scenario README.
struct ParamDoc {
  std::string key, type, default_value, unit, meaning;
};

/// A value a strategy records about its own workings every step (an estimate, an arm, a
/// threshold), declared in StrategyInfo::diagnostics and written to /strategies/<name> [T, F].
struct DiagnosticDoc {
  std::string name;  ///< letters, digits and underscores, not starting with a digit
  std::string units;
  std::string description;
};

/// What a strategy's plan() adds to the firm's `quality` in every product it offers, and the
/// key of the firm's entry that sets it (niche: quality_bonus).
struct AddedQuality {
  double value = 0.0;
  std::string key;  ///< "" when the strategy adds nothing
};

/// A marketing strategy. Parameters are read from the firm's YAML entry at load time.
class Strategy {
 public:
  virtual ~Strategy() = default;
  /// A copy of this strategy as it is now, its state included (what it learned so far), as
  /// `std::make_unique<T>(*this)` gives. Each run gets its own copy of the firm's prototype, and
  /// an experiment's branch_at copies the history's market, strategies and all, for every design
  /// point: a clone() that starts afresh would wipe what the strategy learned, so that a design
  /// point that changes nothing would no longer be bit-identical to its full run.
  virtual std::unique_ptr<Strategy> clone() const = 0;
  /// Writes this step's plan. The plan comes in default-initialised, with targeted_spend sized
  /// and durability set to the scenario's.
  virtual void plan(const MarketView& view, FirmPlan& plan) = 0;
  /// Writes the resolved parameters (keys beside `strategy:` in the firm entry): every key the
  /// factory read, at every level (in a map parameter too), as the factory reads all of it back
  /// (the loader checks both), so that the recorded /scenario reruns the run.
  virtual void write_params(YamlWriter& out) const = 0;
  /// Whether the firm keeps CRM profiles (memory is reserved only for such firms). A plan with
  /// direct_spend or customized needs them: without, check_plan stops the run.
  virtual bool uses_crm() const { return false; }
  /// The quality plan() adds to the firm's `quality` (Product::quality is their sum). The loader
  /// refuses, at that key or the firm's, a sum that leaves a product quality's range; without
  /// it, check_plan stops the run as the strategy's fault.
  virtual AddedQuality added_quality() const { return {}; }
  /// A branched run: `this` is a fresh strategy with the design point's parameters, taking over
  /// from `before`, the strategy that ran the shared history (possibly of another type, when the
  /// design point changes the firm's strategy). Take what `before` learned, not its parameters,
  /// so that the design point's treatment is the new parameters alone. A strategy that keeps
  /// state from step to step should override this; the default keeps nothing (a fresh start).
  virtual void continue_from(const Strategy& before) { (void)before; }
};

/// Owns a strategy; copying it clones the strategy (so a Market can be copied to branch runs).
class StrategyPtr {
 public:
  StrategyPtr(std::unique_ptr<Strategy> p) : p_(std::move(p)) {}  // NOLINT: implicit on purpose
  StrategyPtr(const StrategyPtr& other) : p_(other.p_ ? other.p_->clone() : nullptr) {}
  StrategyPtr& operator=(const StrategyPtr& other) {
    if (this != &other) p_ = other.p_ ? other.p_->clone() : nullptr;
    return *this;
  }
  StrategyPtr(StrategyPtr&&) noexcept = default;
  StrategyPtr& operator=(StrategyPtr&&) noexcept = default;
  Strategy* operator->() const { return p_.get(); }
  Strategy& operator*() const { return *p_; }

 private:
  std::unique_ptr<Strategy> p_;
};

/// Where a strategy's parameters come from: its firm node, with the scenario resolved so far.
struct StrategyContext {
  const Config& node;
  const Scenario& scenario;
  const Firm& firm;
};

struct StrategyInfo {
  std::string name;
  std::string summary;
  std::vector<ParamDoc> params;
  /// Reads the firm's entry (ctx.node) and makes the strategy, reading every one of `params`; a
  /// key it never asks for is unknown, in a map it looks into too. What it refuses is bad input:
  /// ctx.node.child(key).fail_expected(...) names the key; any other exception, the entry.
  std::unique_ptr<Strategy> (*make)(const StrategyContext& ctx);
  /// What plan() records in FirmPlan::diagnostics, in that order. Strategies that declare the
  /// same name share its dataset (their units and descriptions must agree), each firm in its own
  /// column. A run records the diagnostics of the strategies its scenario uses, NaN in the
  /// columns of firms whose strategy does not declare the name or leaves it unset in a step.
  std::vector<DiagnosticDoc> diagnostics = {};
  /// Whether the strategy acts on segments: buys targeted media (which a firm's `audience`
  /// aims) or reads the segment centres (which `segmentation: research` learns). false (mass,
  /// one_to_one): an audience or a study would change nothing but the studies' cost, and the
  /// scenario refuses them.
  bool uses_segments = true;
};

/// The keys every firm entry takes, whatever its strategy (name, strategy, budget_per_year, ...).
/// The scenario reads and writes them itself, so a strategy's parameters may not use them.
const std::vector<std::string>& firm_keys();

/// Every registered strategy, in registry order (filled in strategies/registry.cpp).
const std::vector<StrategyInfo>& strategy_registry();
/// Adds a strategy of the caller's own (call it from main, before loading scenarios).
/// @throws std::invalid_argument when the name is taken, a parameter's key is a firm key
/// (firm_keys()) or documented twice, or a diagnostic's name is not an
/// identifier, repeats, or has other units or another description than another strategy's
/// diagnostic of that name (a shared name must mean the same quantity).
void register_strategy(StrategyInfo info);
/// The diagnostics of every registered strategy, each name once, in registry order. A run
/// records those of the strategies its scenario uses (models/diagnostics.hpp).
std::vector<DiagnosticDoc> recorded_diagnostics();
/// The named strategy's info. @throws InputError listing the registered names.
const StrategyInfo& find_strategy(const std::string& name);

}  // namespace msim
