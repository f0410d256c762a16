#include "cli/first_step_check.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "models/market.hpp"
#include "sim/error.hpp"

namespace msim::cli {
namespace {

/// The consumers the check synthesises. The firms' first prices do not depend on the
/// population's size (unit costs start at their base, before any volume), and with a hundred
/// consumers a design point's check takes about a millisecond (200 design points: 0.2 s).
constexpr std::int64_t kConsumers = 100;

StepMetrics check_first_step(Scenario sc) {
  sc.consumers = std::min(sc.consumers, kConsumers);
  sc.output.panel_size = 0;
  sc.output.snapshot_size = 0;
  Market market(sc);
  market.step();
  return market.metrics();
}

}  // namespace

StepMetrics check_first_steps(const Scenario& sc, const Experiment* ex,
                              std::vector<StepMetrics>* points) {
  StepMetrics first = check_first_step(sc);
  // What a branch switches to (a run's `branch:` block, or a branched experiment's design
  // point) is checked as if from step 0: its settings' first prices, before any volume has
  // brought unit costs down. A branch that only a learning curve's savings would keep under the
  // limit is refused here; one that a shock between step 0 and the branch would push past it is
  // caught at that step, as before.
  if (sc.after_branch) {
    try {
      check_first_step(*sc.after_branch);
    } catch (const InputError& e) {
      throw InputError(fmt::format("{} (from step {}: {}), its settings checked at step 0: {}",
                                   sc.branch.where, sc.branch.step,
                                   fmt::join(sc.branch.overrides(), ", "), e.what()));
    }
  }
  if (ex == nullptr) return first;
  std::vector<bool> checked(ex->points.size(), false);  // one run of each design point
  if (points) points->assign(ex->points.size(), StepMetrics{});
  for (const PlannedRun& run : ex->runs) {
    const std::size_t d = run.plan.point;
    if (checked[d]) continue;
    checked[d] = true;
    try {
      StepMetrics metrics = check_first_step(run.scenario);
      if (points) (*points)[d] = std::move(metrics);
    } catch (const InputError& e) {
      const std::int64_t branch = sc.experiment.branch_at;
      throw InputError(fmt::format(
          "experiment design point {} ({}){}: {}", d, fmt::join(ex->points[d].overrides(), ", "),
          branch > 0
              ? fmt::format(" from the branch at step {}, its settings checked at step 0", branch)
              : "",
          e.what()));
    }
  }
  return first;
}

}  // namespace msim::cli
