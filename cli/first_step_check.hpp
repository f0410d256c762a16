#pragma once
/// The first step of a scenario, and of each design point of an experiment, run on a small
/// population before anything is written: what `run` would refuse there (a price past the limit
/// that keeps revenue exact, a strategy's own error) is refused before any run starts, and
/// `validate` refuses it too.
#include <optional>

#include "models/experiment.hpp"
#include "models/scenario.hpp"

namespace msim::cli {

/// Runs the first step of `sc`, and of each design point of `ex` when given (with
/// experiment.branch_at, the first step is the shared history's: the base scenario's).
/// @throws InputError as `run` would, naming the design point.
void check_first_steps(const Scenario& sc, const Experiment* ex = nullptr);

}  // namespace msim::cli
