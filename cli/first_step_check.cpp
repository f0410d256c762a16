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

void check_first_step(Scenario sc) {
  sc.consumers = std::min(sc.consumers, kConsumers);
  sc.output.panel_size = 0;
  sc.output.snapshot_size = 0;
  Market market(sc);
  market.step();
}

}  // namespace

void check_first_steps(const Scenario& sc, const Experiment* ex) {
  check_first_step(sc);
  if (ex == nullptr || sc.experiment.branch_at > 0) return;
  std::vector<bool> checked(ex->points.size(), false);  // one run of each design point
  for (const PlannedRun& run : ex->runs) {
    const std::size_t d = run.plan.point;
    if (checked[d]) continue;
    checked[d] = true;
    try {
      check_first_step(run.scenario);
    } catch (const InputError& e) {
      throw InputError(fmt::format("experiment design point {} ({}): {}", d,
                                   fmt::join(ex->points[d].overrides(), ", "), e.what()));
    }
  }
}

}  // namespace msim::cli
