#pragma once
/// Runs that change key paths part-way: what a change at step t may touch (the history before
/// t must not depend on it), and the scenario a single run's `branch:` block switches to.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "models/scenario.hpp"

namespace msim {

/// Loads the scenario with extra "key=value" overrides after the user's own.
using ScenarioLoader = std::function<Scenario(const std::vector<std::string>& extra)>;

/// What a branch may change, for messages.
inline constexpr const char* kBranchable =
    "firms' budget_per_year, fixed_cost_per_year, quality and strategy keys, market.cpm_mass and "
    "market.cpm_targeted, and shocks at or after the branch";

/// Whether `variant` leaves unchanged everything the first `t` steps of `base` depend on.
bool same_history(const Scenario& variant, const Scenario& base, std::int64_t t);

/// What of the history before step `t` `variant` changes, for messages: the first shock before
/// t that it switches on or off, moves, adds, removes or changes ("switches off shock 'cut' at
/// week 27 (step 26), which applies before the branch"), or "" when what differs is not a shock.
std::string history_change(const Scenario& variant, const Scenario& base, std::int64_t t);

/// Of `values` (key path, value) applied to `base` after step `t`, the first whose value,
/// applied with the values before it, makes the history before t differ from base's, and how.
/// Returns its key path and "KEY=VALUE switches off shock 'cut' at week 27 (step 26), which
/// applies before the branch" (or "KEY=VALUE changes what the steps before the branch use").
std::pair<std::string, std::string> history_culprit(
    const ScenarioLoader& load, const Scenario& base,
    const std::vector<std::pair<std::string, std::string>>& values, std::int64_t t);

/// A loader's message about values applied as overrides, with each "--set 'K=V'" the user never
/// typed renamed to 'K=V'. Returns the message and the first key path it names (or "").
std::pair<std::string, std::string> name_values(
    std::string message, const std::vector<std::pair<std::string, std::string>>& values);

/// Names where a value was written in a note (Scenario::notes) or a place (a `*_where` field)
/// of a scenario loaded with `values` applied as overrides: either begins "--set 'K=V': key
/// 'K'", a --set the user never typed, which becomes "<written(K, V)>" (a key path beneath K
/// stays named). Other text is returned as it is.
std::string place_value(
    const std::string& text, const std::vector<std::pair<std::string, std::string>>& values,
    const std::function<std::string(const std::string&, const std::string&)>& written);

/// place_value() on every note and every place a later message names (a price's, a markup's,
/// a cost's, a region's, ...) of `sc`.
void place_values(
    Scenario& sc, const std::vector<std::pair<std::string, std::string>>& values,
    const std::function<std::string(const std::string&, const std::string&)>& written);

/// A note for each value that `variant`, the scenario from step `step` on, changes from `sc` and
/// that a shock before `step` sets or multiplies as well (a firm's budget, its fixed cost at
/// scale 1, a medium's price): the run replays those shocks on the variant (Market::branch), so
/// from `step` on the value is theirs, or the variant's times theirs. Each note is placed at
/// where_of(a key path that names the value), the first that is not "", else at `fallback`;
/// `whose` names the variant's value ("the branch's").
std::vector<std::string> replayed_shock_notes(
    const Scenario& sc, const Scenario& variant, std::int64_t step,
    const std::function<std::string(const std::string&)>& where_of, const std::string& fallback,
    const std::string& whose);

/// Loads the scenario that `sc.branch` switches to (the values applied to the same text) into
/// sc.after_branch, and checks that it changes nothing the steps before the branch use.
/// @throws InputError naming the branch block's key.
void resolve_branch(Scenario& sc, const ScenarioLoader& load);

}  // namespace msim
