#pragma once
/// What a run's consumers need in memory, against what this machine has: `run` refuses a run
/// that would not fit, and `validate` says so before anyone waits for it.
#include <cstddef>
#include <optional>
#include <string>

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

/// Why the run would not fit ("<where>: N consumers need about X GiB ..., but only Y GiB ...;
/// lower `consumers` (e.g. ...)"), or nothing when it fits.
std::optional<std::string> memory_shortfall(const Scenario& sc, std::size_t copies = 1);

}  // namespace msim::cli
