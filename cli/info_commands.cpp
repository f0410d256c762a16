// `marketsim validate` and `marketsim strategies`.
#include <fmt/format.h>

#include <fmt/ranges.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "cli/commands.hpp"
#include "cli/counted.hpp"
#include "cli/first_step_check.hpp"
#include "cli/memory_check.hpp"
#include "cli/warnings.hpp"
#include "models/experiment.hpp"
#include "models/scenario_load.hpp"
#include "models/strategy.hpp"
#include "models/summary.hpp"
#include "sim/parallel.hpp"
#include "sim/scenario_file.hpp"

namespace msim::cli {

int validate(const std::string& scenario, const std::vector<std::string>& overrides) {
  check_scenario_file(scenario);  // before the first read, which a fifo would block
  const Scenario sc = load_scenario_file(scenario, overrides);
  std::string plan;
  const Scenario* largest = &sc;  // the run that needs the most memory
  MemoryUse use;                  // how its runs are held
  const std::size_t threads = ThreadLimit::active();  // what `run` uses without --threads
  std::optional<Experiment> ex;
  if (sc.experiment.present) {
    // Every design point is loaded, so a bad sweep value is caught here too.
    ex = plan_experiment([&](const std::vector<std::string>& extra) {
      std::vector<std::string> all = overrides;
      all.insert(all.end(), extra.begin(), extra.end());
      return load_scenario_file(scenario, all);
    });
    use = experiment_use(sc, *ex, threads);
    largest = &neediest_run(sc, *ex, use);
    plan = fmt::format(
        "# Experiment: {} x {} = {}{}.\n", counted(ex->points.size(), "design point"),
        counted(sc.experiment.replications, "replication"), counted(ex->runs.size(), "run"),
        sc.experiment.branch_at > 0 ? fmt::format(", branched at step {}", sc.experiment.branch_at)
                                    : "");
  }
  print_warnings(sc, ex ? &*ex : nullptr);
  std::vector<StepMetrics> point_firsts;
  const StepMetrics first = check_first_steps(sc, ex ? &*ex : nullptr, &point_firsts);
  // The runs are the design points. A branched experiment's share week 1 with the scenario.
  std::vector<DesignPointFirstStep> points;
  if (ex && sc.experiment.branch_at == 0)
    for (const PlannedRun& run : ex->runs)
      if (run.plan.replication == 0 && run.plan.point < point_firsts.size())
        points.push_back(
            {fmt::format("{}", fmt::join(ex->points[run.plan.point].overrides(), ", ")),
             &run.scenario, point_firsts[run.plan.point]});
  if (sc.branch.present) {
    std::vector<std::string> changes;
    for (const auto& [path, value] : sc.branch.values) changes.push_back(path + "=" + value);
    plan =
        fmt::format("# Branch: from step {} on, {}.\n", sc.branch.step, fmt::join(changes, ", "));
  }
  const std::string scaled =
      sc.scale == 1.0 ? std::string()
                      : fmt::format(
                            " (the scenario's {} at scale {:g}; budgets, fixed costs and "
                            "reference volumes are scaled as they are used)",
                            sc.consumers_in_file, sc.scale);
  const MemoryNeed need = memory_need(*largest, use);
  const std::size_t copies = use.copies();
  std::string whose =
      fmt::format("{}{} consumers",
                  !ex                                                    ? ""
                  : largest->consumers == largest_run(sc, *ex).consumers ? "the largest run's "
                                                                         : "the neediest run's ",
                  largest->consumers);
  std::string held;  // why several populations are held at once
  if (copies > 1) {
    whose = fmt::format("{} copies of {}", copies, whose);
    std::vector<std::string> why;
    if (use.runs > 1)
      why.push_back(fmt::format(
          "runs of fewer than {} consumers go on up to one per thread ({} here; `run --threads` "
          "sets it)",
          ExperimentOptions{}.concurrent_below, threads));
    if (use.histories > 0) why.push_back("a branch keeps its history beside each variant");
    held = fmt::format(" Held at once: {}.", fmt::join(why, ", and "));
  }
  // The parts beside the consumers, when they count: what the runs record (an experiment's
  // runs keep theirs until each ends), the partial sums, and the rest.
  std::string total = fmt::format("{} with working memory", readable_bytes(need.bytes));
  if (need.recorded + need.partial_sums > std::max(0.25 * need.state, 16e6)) {
    std::vector<std::string> parts{fmt::format("{} population", readable_bytes(need.state))};
    std::vector<std::string> recorded;  // what it is
    if (need.series > 0.1 * need.recorded)
      recorded.push_back(
          fmt::format("the series each run keeps until it ends, {} steps of {:.0f} values",
                      largest->steps, need.step_values));
    if (need.recorded - need.series > 0.1 * need.recorded)
      recorded.push_back(
          use.kept ? fmt::format("each run's {}, kept until it ends", recorded_tables(*largest))
                   : fmt::format("the {} as it is sampled, made and written",
                                 recorded_tables(*largest)));
    if (need.recorded > 0)
      parts.push_back(fmt::format("{} recorded output ({})", readable_bytes(need.recorded),
                                  fmt::join(recorded, "; ")));
    const bool sums = need.partial_sums > 0.1 * need.bytes;
    if (sums) parts.push_back(fmt::format("{} partial sums", readable_bytes(need.partial_sums)));
    parts.push_back(fmt::format("{} other", readable_bytes(need.bytes - need.state - need.recorded -
                                                           (sums ? need.partial_sums : 0))));
    total = fmt::format("{} in all: {}", readable_bytes(need.bytes), fmt::join(parts, ", "));
  }
  const std::string memory = fmt::format(
      "# Memory: about {} for the state of {} ({:.0f} bytes per consumer), {}; {} available "
      "{}.{}\n",
      readable_bytes(need.state), whose, need.per_consumer, total, readable_bytes(need.available),
      need.available_source, held);
  fmt::print(
      "# {} is valid: {}{}, {}, {}, {}, {}.\n{}{}{}"
      "# Resolved with every default filled in:\n{}",
      scenario, counted(sc.consumers, "consumer"), scaled, counted(sc.segments.size(), "segment"),
      counted(sc.categories.size(), "category", "categories"), counted(sc.firms.size(), "firm"),
      counted(sc.steps, "step"), plan, memory, format_first_step(sc, first, points),
      resolved_yaml(sc));
  if (auto why = memory_shortfall(*largest, use, sc.experiment, scenario))
    fmt::print(stderr, "note: `marketsim run` would refuse this on this machine: {}\n", *why);
  if (sc.output.path.empty())
    fmt::print(stderr, "note: {}: an empty path; `marketsim run` needs -o FILE for it\n",
               sc.output.path_where);
  return 0;
}

int strategies() {
  // Columns as wide as their longest entry over every strategy, so all the tables line up.
  std::size_t key = 0, type = 0, value = 0;
  for (const auto& info : strategy_registry())
    for (const auto& p : info.params) {
      key = std::max(key, p.key.size());
      type = std::max(type, p.type.size());
      value = std::max(value, p.default_value.size());
    }
  for (const auto& info : strategy_registry()) {
    fmt::print("{}\n  {}\n", info.name, info.summary);
    for (const auto& p : info.params)
      fmt::print("    {:<{}}  {:<{}}  default {:<{}}  {}{}\n", p.key, key, p.type, type,
                 p.default_value, value, p.meaning,
                 p.unit.empty() ? "" : fmt::format(" [{}]", p.unit));
    for (const auto& d : info.diagnostics)
      fmt::print("    records /strategies/{}: {} [{}]\n", d.name, d.description, d.units);
    fmt::print("\n");
  }
  fmt::print(
      "Every firm also takes: {}. "
      "segmentation is known (the true segments, the default) or research (centres learned by "
      "k-means from a noisy sample, at a cost per study). See scenarios/README.md.\n",
      fmt::join(firm_keys(), ", "));
  return 0;
}

}  // namespace msim::cli
