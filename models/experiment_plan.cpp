// Planning an experiment: load every design point up front and check what branching allows.
#include <fmt/format.h>

#include "models/experiment.hpp"
#include "models/scenario_load.hpp"
#include "sim/error.hpp"

namespace msim {
namespace {

/// The parts of a scenario that the shared history before step t depends on, as YAML: what may
/// differ after a branch (firm budgets, fixed costs, quality and strategy keys; media CPMs;
/// shocks from step t on; names, output and the experiment block) is blanked out.
std::string history_of(Scenario sc, const Scenario& base, std::int64_t t) {
  sc.name = base.name;
  sc.description = base.description;
  sc.seed = base.seed;
  sc.output = base.output;
  sc.experiment = ExperimentSpec{};
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

/// Where the design point's values were written, for messages.
std::string where_of(const ExperimentSpec& spec, const std::string& path) {
  for (const auto& k : spec.sweep)
    if (k.path == path) return k.where;
  for (const auto& r : spec.lhs_ranges)
    if (r.path == path) return r.where;
  return "experiment";
}

std::string describe_point(const DesignPoint& p) {
  std::vector<std::string> parts;
  for (const auto& [path, value] : p.values) parts.push_back(path + "=" + value);
  return parts.empty() ? "no changes" : fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

Experiment plan_experiment(const ScenarioLoader& load) {
  Experiment ex;
  ex.base = load({});
  const ExperimentSpec& spec = ex.base.experiment;
  if (spec.branch_at >= ex.base.steps)  // steps shortened with --set below the branch point
    throw InputError(fmt::format(
        "experiment.branch_at: the branch at step {} is not before the end of the run (steps is "
        "{}); lower branch_at or raise steps",
        spec.branch_at, ex.base.steps));
  ex.points = design_points(spec, ex.base.seed);
  for (const auto& k : spec.sweep) ex.varied.push_back(k.path);
  for (const auto& r : spec.lhs_ranges) ex.varied.push_back(r.path);

  const std::string base_history =
      spec.branch_at > 0 ? history_of(ex.base, ex.base, spec.branch_at) : "";
  std::vector<Scenario> scenarios;
  for (std::size_t d = 0; d < ex.points.size(); ++d) {
    const DesignPoint& p = ex.points[d];
    try {
      scenarios.push_back(p.values.empty() ? ex.base : load(p.overrides()));
    } catch (const InputError& e) {
      // Point at the sweep or range key whose value failed, if the message names it.
      // The point's values reach the loader as --set assignments, which the user never typed:
      // the message names them as the design point's.
      std::string where = p.values.empty() ? "experiment" : where_of(spec, p.values[0].first);
      std::string message = e.what();
      for (const auto& [path, value] : p.values) {
        const std::string assignment = "'" + path + "=" + value + "'";
        if (message.find(assignment) == std::string::npos) continue;
        where = where_of(spec, path);
        for (const std::string& as_set : {"--set " + assignment + ": ", "--set " + assignment})
          for (auto at = message.find(as_set); at != std::string::npos; at = message.find(as_set))
            message.replace(at, as_set.size(), as_set.back() == ' ' ? "" : assignment);
      }
      throw InputError(fmt::format("{}: design point {} ({}) is not a valid scenario: {}", where, d,
                                   describe_point(p), message));
    }
    Scenario& sc = scenarios.back();
    for (const auto& [path, value] : p.values)  // not the --set that realised the point
      if (path == "consumers") sc.consumers_where = where_of(spec, path);
    if (spec.branch_at > 0 && history_of(sc, ex.base, spec.branch_at) != base_history)
      throw InputError(fmt::format(
          "{}: design point {} ({}) changes the shared history before the branch at step {}; "
          "with experiment.branch_at, vary only firms' budget_per_year, fixed_cost_per_year, "
          "quality and strategy keys, market.cpm_mass and market.cpm_targeted, and shocks at or "
          "after step {}",
          where_of(spec, p.values.empty() ? "" : p.values[0].first), d, describe_point(p),
          spec.branch_at, spec.branch_at));
    sc.experiment = ExperimentSpec{};  // a run's /scenario reproduces that run on its own
  }
  for (const RunPlan& plan : run_plans(spec, ex.points.size(), ex.base.seed)) {
    PlannedRun run{plan, scenarios[plan.point]};
    run.scenario.seed = plan.seed;
    ex.runs.push_back(std::move(run));
  }
  return ex;
}

}  // namespace msim
