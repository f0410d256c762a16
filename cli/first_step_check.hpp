#pragma once
/// The first step of a scenario, and of each design point of an experiment, run on a small
/// population before anything is written: what `run` would refuse there (a price past the limit
/// that keeps revenue exact, a strategy's own error) is refused before any run starts, and
/// `validate` refuses it too.
#include <optional>
#include <vector>

#include "models/experiment.hpp"
#include "models/metrics.hpp"
#include "models/scenario.hpp"

namespace msim::cli {

/// Runs the first step of `sc`, of the scenario its `branch:` block switches to, and of each
/// design point of `ex` when given (a branched experiment's too, as if from step 0). Returns
/// the metrics of `sc`'s first step (on a small population: its money and units are not the
/// run's, but its prices and marketing spend are).
/// With `points`, each design point's first-step metrics go there, by design point.
/// @throws InputError as `run` would, naming the design point or the branch.
StepMetrics check_first_steps(const Scenario& sc, const Experiment* ex = nullptr,
                              std::vector<StepMetrics>* points = nullptr);

}  // namespace msim::cli
