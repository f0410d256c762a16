#pragma once
/// Shocks at run time: what the `shocks:` timeline has changed so far, and how it is applied.
///
/// A shock applies at the start of its step, before the firms plan. Budgets, fixed costs and
/// media costs are edited in the market's own scenario copy; prices, unit costs, contact costs
/// and entry/exit are kept in a ShockState that the market consults when firms plan; recessions
/// and opt-out edit the population's columns.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/scenario.hpp"

namespace msim {

class Config;
class YamlWriter;
struct FirmPlan;
struct Population;

/// What the shocks so far have done to one firm.
struct FirmShockState {
  bool active = true;               ///< false before an `enter` and from an `exit`
  double price_factor = 1.0;        ///< multiplies the strategy's price
  double fixed_price = 0.0;         ///< > 0: price per unit replaces the strategy's price
  double markup = -1.0;             ///< >= -0.99 after a `markup` shock: replaces the markup
  std::vector<double> cost_factor;  ///< [C] multiplies the unit cost
};

struct ShockState {
  std::vector<FirmShockState> firms;  ///< [F]
  double contact_cost_factor = 1.0;   ///< multiplies every plan's cost per direct contact
  double contact_cost = 0.0;          ///< > 0: replaces every plan's cost per direct contact
};

/// The state before any shock: firms with an `enter` shock are inactive (for good when that
/// shock is disabled: switching an entry off means the entrant never comes).
ShockState initial_shock_state(const Scenario& sc);

/// Whether firm `firm` is in the market (active) in at least one of the first `steps` steps of a
/// run with these shocks: out from the start when it has an `enter` shock (initial_shock_state),
/// then in and out as its enabled entries and exits apply, in step order (apply_shock). A firm
/// that nobody heard of or that spends nothing is still in the market.
bool in_market_in_run(const std::vector<Shock>& shocks, int firm, std::int64_t steps);

/// Applies the firm- and media-level part of `shock` to the scenario copy and the state.
void apply_shock(const Shock& shock, Scenario& sc, ShockState& state);

/// Applies the consumer-level part (recession, opt_out) of the shocks of step `step` to the
/// population, in parallel over blocks; each consumer's result depends only on (seed, consumer,
/// step), never on threads.
void apply_population_shocks(const Scenario& sc, std::int64_t step, Population& pop,
                             std::size_t block_size);

/// Price, contact-cost and activity adjustments to a plan a strategy wrote.
void adjust_plan(const ShockState& state, std::size_t firm, FirmPlan& plan);

/// Reads the `shocks:` list. A shock's time must fall within sc.steps or, where --set shortened
/// the run, within the scenario file's own `file_steps` (such a shock is kept and never fires).
/// @throws InputError naming file, line, key path and value.
std::vector<Shock> load_shocks(const Config& list, const Scenario& sc, std::int64_t file_steps);

/// Writes the shocks as a resolved `shocks:` list (nothing when there are none).
void write_shocks(YamlWriter& out, const Scenario& sc);

}  // namespace msim
