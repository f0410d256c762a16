// `marketsim validate` and `marketsim strategies`.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "models/experiment.hpp"
#include "models/scenario_load.hpp"
#include "models/strategy.hpp"

namespace msim::cli {

int validate(const std::string& scenario, const std::vector<std::string>& overrides) {
  const Scenario sc = load_scenario_file(scenario, overrides);
  std::string plan;
  if (sc.experiment.present) {
    // Every design point is loaded, so a bad sweep value is caught here too.
    const Experiment ex = plan_experiment([&](const std::vector<std::string>& extra) {
      std::vector<std::string> all = overrides;
      all.insert(all.end(), extra.begin(), extra.end());
      return load_scenario_file(scenario, all);
    });
    plan = fmt::format("# Experiment: {} design points x {} replications = {} runs{}.\n",
                       ex.points.size(), sc.experiment.replications, ex.runs.size(),
                       sc.experiment.branch_at > 0
                           ? fmt::format(", branched at step {}", sc.experiment.branch_at)
                           : "");
  }
  fmt::print(
      "# {} is valid: {} consumers, {} segments, {} categories, {} firms, {} steps.\n{}"
      "# Resolved with every default filled in:\n{}",
      scenario, sc.consumers, sc.segments.size(), sc.categories.size(), sc.firms.size(), sc.steps,
      plan, resolved_yaml(sc));
  return 0;
}

int strategies() {
  for (const auto& info : strategy_registry()) {
    fmt::print("{}\n  {}\n", info.name, info.summary);
    for (const auto& p : info.params)
      fmt::print("    {:<28} {:<22} default {:<16} {}{}\n", p.key, p.type, p.default_value,
                 p.meaning, p.unit.empty() ? "" : fmt::format(" [{}]", p.unit));
    fmt::print("\n");
  }
  fmt::print(
      "Every firm also takes: name, strategy, budget_per_year, categories, regions, "
      "quality, fixed_cost_per_year, and segmentation: known (the true segments, the "
      "default) or research (centres learned by k-means from a noisy sample, at a cost per "
      "study) (see scenarios/README.md).\n");
  return 0;
}

}  // namespace msim::cli
