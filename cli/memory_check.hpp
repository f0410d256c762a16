#pragma once
/// What a run's consumers need in memory, against what this machine has: `run` refuses a run
/// that would not fit, and `validate` says so before anyone waits for it.
#include <cstddef>
#include <optional>
#include <string>

#include "models/experiment.hpp"
#include "models/scenario.hpp"

namespace msim::cli {

struct MemoryNeed {
  double per_consumer = 0;  ///< bytes of consumer state per consumer
  double state = 0;         ///< the consumers' state of `copies` populations
  double bytes = 0;         ///< that state plus working memory
  double available = 0;     ///< bytes available on this machine now
};

/// The memory `copies` populations of the scenario's consumers need (concurrent runs of an
/// experiment, or a branch's history beside its variant).
MemoryNeed memory_need(const Scenario& sc, std::size_t copies = 1);

/// The run of an experiment with the most consumers (the scenario itself when it has no runs).
const Scenario& largest_run(const Scenario& sc, const Experiment& ex);

/// How many populations of the largest run an experiment holds at once on `threads` threads:
/// runs below ExperimentOptions::concurrent_below consumers go on up to one per thread, and a
/// branched experiment keeps the history beside each variant.
std::size_t experiment_copies(const Scenario& sc, const Experiment& ex, std::size_t threads);

/// Why the run would not fit ("<where>: N consumers need about X GiB ..., but only Y GiB ...;
/// lower `consumers` (e.g. ...)"), or nothing when it fits. `design` is the experiment that
/// planned the run: when it varies `consumers` (or `scale`), the advice names its key, whose
/// values override --set.
std::optional<std::string> memory_shortfall(const Scenario& sc, std::size_t copies = 1,
                                            const ExperimentSpec& design = {});

}  // namespace msim::cli
