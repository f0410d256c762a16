#include "cli/first_step_check.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdint>

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
  for (std::size_t d = 0; d < ex->points.size(); ++d) {
    const auto run = std::find_if(ex->runs.begin(), ex->runs.end(),
                                  [&](const PlannedRun& r) { return r.plan.point == d; });
    if (run == ex->runs.end()) continue;
    try {
      check_first_step(run->scenario);
    } catch (const InputError& e) {
      throw InputError(fmt::format("experiment design point {} ({}): {}", d,
                                   fmt::join(ex->points[d].overrides(), ", "), e.what()));
    }
  }
}

}  // namespace msim::cli
