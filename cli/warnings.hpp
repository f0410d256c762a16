#pragma once
/// Values a scenario is allowed to hold but that look like slips (Scenario::notes: a markup of
/// 50 for 50%, a price multiplied by 15 for a 15% cut), shown as warnings by `run` and
/// `validate`, which still go on (exit code 0).
#include "models/experiment.hpp"
#include "models/scenario.hpp"

namespace msim::cli {

/// Prints the notes of `sc`, of the scenario its `branch:` block switches to, and of every
/// design point of `ex` when given, each once, as "warning: ..." lines on stderr.
void print_warnings(const Scenario& sc, const Experiment* ex = nullptr);

}  // namespace msim::cli
