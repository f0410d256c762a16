// Branching: the history check shared by experiments (experiment.branch_at) and single runs
// (the `branch:` block), and loading the scenario a single run switches to.
#include "models/branch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "models/scenario_load.hpp"
#include "sim/error.hpp"

namespace msim {
namespace {

/// The parts of a scenario that the history before step t depends on, as YAML: what may differ
/// after a branch (kBranchable; names, output, the experiment and branch blocks) is blanked out.
std::string history_of(Scenario sc, const Scenario& base, std::int64_t t) {
  sc.name = base.name;
  sc.description = base.description;
  sc.seed = base.seed;
  sc.output = base.output;
  sc.experiment = ExperimentSpec{};
  sc.branch = BranchSpec{};
  for (std::size_t j = 0; j < sc.firms.size(); ++j) {
    Firm& f = sc.firms[j];
    f.budget_per_year = 0.0;
    f.fixed_cost_per_year = 0.0;
    f.quality = 0.0;
    if (j < base.firms.size() && base.firms[j].strategy == f.strategy)
      f.prototype = base.firms[j].prototype;
  }
  sc.market.cpm_mass = base.market.cpm_mass;
  sc.market.cpm_targeted = base.market.cpm_targeted;
  std::erase_if(sc.shocks, [&](const Shock& s) { return s.step >= t; });
  return resolved_yaml(sc);
}

}  // namespace

bool same_history(const Scenario& variant, const Scenario& base, std::int64_t t) {
  return history_of(variant, base, t) == history_of(base, base, t);
}

std::pair<std::string, std::string> name_values(
    std::string message, const std::vector<std::pair<std::string, std::string>>& values) {
  std::string first;
  for (const auto& [path, value] : values) {
    const std::string assignment = "'" + path + "=" + value + "'";
    if (message.find(assignment) == std::string::npos) continue;
    if (first.empty()) first = path;
    for (const std::string& as_set : {"--set " + assignment + ": ", "--set " + assignment})
      for (auto at = message.find(as_set); at != std::string::npos; at = message.find(as_set))
        message.replace(at, as_set.size(), as_set.back() == ' ' ? "" : assignment);
  }
  return {message, first};
}

void resolve_branch(Scenario& sc, const ScenarioLoader& load) {
  if (!sc.branch.present) return;
  const BranchSpec& b = sc.branch;
  std::string changes;
  for (const auto& [path, value] : b.values)
    changes += fmt::format("{}{}={}", changes.empty() ? "" : ", ", path, value);
  if (sc.experiment.present)
    throw InputError(fmt::format(
        "{}: a scenario with an experiment: block branches with experiment.branch_at; give one "
        "or the other",
        b.where));
  if (b.step >= sc.steps)  // steps shortened with --set below the branch
    throw InputError(
        fmt::format("{}: the branch at step {} is not before the end of the run "
                    "(steps is {}); lower branch.step or raise steps",
                    b.where, b.step, sc.steps));
  Scenario variant;
  try {
    variant = load(b.overrides());
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: the scenario after the branch ({}) is not valid: {}", b.where,
                                 changes, name_values(e.what(), b.values).first));
  }
  if (!same_history(variant, sc, b.step))
    throw InputError(fmt::format(
        "{}: the branch ({}) changes what the steps before step {} use; a branch may change only "
        "{}",
        b.where, changes, b.step, kBranchable));
  sc.after_branch = std::make_shared<const Scenario>(std::move(variant));
}

}  // namespace msim
