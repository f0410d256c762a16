// Planning an experiment: load every design point up front and check what branching allows.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "models/branch.hpp"
#include "models/diagnostics.hpp"
#include "models/experiment.hpp"
#include "models/scenario_load.hpp"
#include "sim/error.hpp"

namespace fs = std::filesystem;

namespace msim {
namespace {

/// Where the design point's values were written, for messages.
std::string where_of(const ExperimentSpec& spec, const std::string& path) {
  for (const auto& k : spec.together)
    if (k.path == path) return k.where;
  for (const auto& k : spec.sweep)
    if (k.path == path) return k.where;
  for (const auto& r : spec.lhs_ranges)
    if (r.path == path) return r.where;
  return "experiment";
}

/// The index of the shock that `item` (a name, else an index) of `shocks.ITEM.FIELD` names, or
/// -1.
int shock_index(const Scenario& sc, const std::string& item) {
  for (std::size_t k = 0; k < sc.shocks.size(); ++k)
    if (sc.shocks[k].name == item) return static_cast<int>(k);
  const bool digits = !item.empty() && std::all_of(item.begin(), item.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
  return digits && std::stoul(item) < sc.shocks.size() ? static_cast<int>(std::stoul(item)) : -1;
}

/// A note for each varied key of a shock (other than `enabled`) that no design point applies:
/// disabled, or after the last step, in every one; its values then change nothing.
void note_idle_shock_keys(const ExperimentSpec& spec, const std::vector<std::string>& varied,
                          const std::vector<Scenario>& scenarios, std::vector<std::string>& out) {
  for (const std::string& key : varied) {
    if (key.rfind("shocks.", 0) != 0) continue;
    const std::size_t dot = key.find('.', 7);
    if (dot == std::string::npos || key.substr(dot + 1) == "enabled") continue;
    const std::string item = key.substr(7, dot - 7);
    const bool applied = std::any_of(scenarios.begin(), scenarios.end(), [&](const Scenario& sc) {
      const int k = shock_index(sc, item);
      return k >= 0 && sc.shocks[static_cast<std::size_t>(k)].enabled &&
             sc.shocks[static_cast<std::size_t>(k)].step < sc.steps;
    });
    if (!applied)
      out.push_back(fmt::format(
          "{}: the experiment varies {}, but shock '{}' is disabled (or comes after the last "
          "step) in every design point, so these values change nothing (design points that "
          "differ only in them run the same market); set its enabled: true, or vary "
          "shocks.{}.enabled too",
          where_of(spec, key), key, item, item));
  }
}

}  // namespace

std::string describe_point(const DesignPoint& p) {
  std::vector<std::string> parts;
  for (const auto& [path, value] : p.values) parts.push_back(path + "=" + value);
  return parts.empty() ? "no changes" : fmt::format("{}", fmt::join(parts, ", "));
}

std::string describe_run(const Experiment& ex, const PlannedRun& run) {
  return fmt::format("run {} (design point {}: {}; replication {}; seed {})", run.plan.id,
                     run.plan.point, describe_point(ex.points.at(run.plan.point)),
                     run.plan.replication, run.plan.seed);
}

Experiment plan_experiment(const ScenarioLoader& load) {
  Experiment ex;
  ex.base = load({});
  const ExperimentSpec& spec = ex.base.experiment;
  if (spec.branch_at >= ex.base.steps)  // steps shortened with --set below the branch point
    throw InputError(fmt::format(
        "{}: the branch at step {} is not before the end of the run (steps is {}, from --set); "
        "lower branch_at or raise steps",
        spec.branch_where, spec.branch_at, ex.base.steps));
  ex.points = design_points(spec, ex.base.seed);
  // In the order of each point's values (design_points()): together, sweep, Latin hypercube.
  for (const auto& k : spec.together) ex.varied.push_back(k.path);
  for (const auto& k : spec.sweep) ex.varied.push_back(k.path);
  for (const auto& r : spec.lhs_ranges) ex.varied.push_back(r.path);

  std::vector<Scenario> scenarios;
  for (std::size_t d = 0; d < ex.points.size(); ++d) {
    const DesignPoint& p = ex.points[d];
    try {
      scenarios.push_back(p.values.empty() ? ex.base : load(p.overrides()));
    } catch (const InputError& e) {
      // Point at the sweep or range key whose value failed, if the message names it. The
      // point's values reach the loader as --set assignments, which the user never typed.
      const auto [message, path] = name_values(e.what(), p.values);
      const std::string where =
          p.values.empty() ? "experiment" : where_of(spec, path.empty() ? p.values[0].first : path);
      throw InputError(fmt::format("{}: design point {} ({}) is not a valid scenario: {}", where,
                                   d, describe_point(p), message));
    }
    Scenario& sc = scenarios.back();
    // A value of the point where the design gives it ("FILE:LINE: key '...': value 5000").
    const auto at_value = [&](const std::string& path, const std::string& value) {
      return fmt::format("{}: value {}", where_of(spec, path), value);
    };
    // Not the --set that realised the point: its value where the design gives it.
    place_values(sc, p.values, at_value);
    if (spec.branch_at > 0 && !same_history(sc, ex.base, spec.branch_at)) {
      const auto [path, why] = history_culprit(load, ex.base, p.values, spec.branch_at);
      throw InputError(fmt::format(
          "{}: design point {} ({}) changes the shared history before the branch at step {}: "
          "{}; with experiment.branch_at, vary only {}",
          where_of(spec, path), d, describe_point(p), spec.branch_at, why, kBranchable));
    }
    if (spec.branch_at > 0) {
      const auto value_where = [&](const std::string& path) {
        for (const auto& [key, value] : p.values)
          if (key == path) return at_value(key, value);
        return std::string();
      };
      for (const std::string& note :
           replayed_shock_notes(ex.base, sc, spec.branch_at, value_where, spec.branch_where,
                                fmt::format("design point {}'s", d)))
        ex.notes.push_back(note);
    }
    sc.experiment = ExperimentSpec{};  // a run's /scenario reproduces that run on its own
  }
  note_idle_shock_keys(spec, ex.varied, scenarios, ex.notes);
  // A --set of a key that every design point sets anew: no run uses its value.
  for (const auto& [set_where, varied_where] : spec.set_and_varied)
    ex.notes.push_back(fmt::format(
        "{}: the experiment sets this key in every design point ({}), so no run uses the value "
        "this --set gives it; leave out the --set, or vary the key with it among the values",
        set_where, varied_where));
  // The summary's sensitivity table needs a degree of freedom: samples >= keys + 2.
  if (const std::size_t keys = spec.lhs_ranges.size();
      spec.lhs_samples > 0 && static_cast<std::size_t>(spec.lhs_samples) < keys + 2)
    ex.notes.push_back(fmt::format(
        "{}: value {}: the summary's sensitivity table (each result's partial rank correlation "
        "with each of the {} sampled key{}) needs at least {} samples; with {} it has none",
        spec.lhs_samples_where, spec.lhs_samples, keys, keys == 1 ? "" : "s", keys + 2,
        spec.lhs_samples));
  for (const RunPlan& plan : run_plans(spec, ex.points.size(), ex.base.seed)) {
    PlannedRun run{plan, scenarios[plan.point], {}};
    run.scenario.seed = plan.seed;
    // A run's /scenario names a file of its own: rerun as it stands, it must never overwrite the
    // experiment's file ("exp.h5" -> "exp-run-00003.h5").
    run.scenario.output.path = run_output_path(ex.base.output.path, plan.id);
    const DesignPoint& p = ex.points[plan.point];
    if (spec.branch_at > 0 && !p.values.empty()) {
      // The run on its own: the history's scenario, switching to the point's values at the
      // branch, so that its /scenario reproduces it with `marketsim run`.
      Scenario alone = ex.base;
      alone.seed = plan.seed;
      alone.output.path = run.scenario.output.path;
      alone.experiment = ExperimentSpec{};
      alone.branch = BranchSpec{true, spec.branch_at, p.values, "experiment.branch_at", {}};
      run.recorded_yaml = resolved_yaml(alone);
    }
    ex.runs.push_back(std::move(run));
  }
  // Every run records the diagnostics of the strategies any run uses, so that all the runs'
  // files have the same datasets (a design point may switch a firm's strategy).
  std::vector<std::string> used = diagnostics_used(ex.base);
  for (const Scenario& sc : scenarios)
    for (const std::string& name : diagnostics_used(sc))
      if (std::find(used.begin(), used.end(), name) == used.end()) used.push_back(name);
  ex.base.diagnostics = used;
  for (PlannedRun& run : ex.runs) run.scenario.diagnostics = used;
  return ex;
}

std::string run_output_path(const std::string& experiment_path, std::size_t id) {
  fs::path p(experiment_path.empty() ? "marketsim.h5" : experiment_path);
  if (p.extension() == ".h5") p.replace_extension();
  return fmt::format("{}-run-{:05d}.h5", p.string(), id);
}

}  // namespace msim
