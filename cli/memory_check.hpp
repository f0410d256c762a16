#pragma once
/// What a run needs in memory, against what this machine has: `run` refuses a run that would
/// not fit, and `validate` says so before anyone waits for it.
#include <cstddef>
#include <optional>
#include <string>
#include <utility>

#include "models/experiment.hpp"
#include "models/scenario.hpp"

namespace msim::cli {

/// How runs are held in memory while they go on.
struct MemoryUse {
  std::size_t runs = 1;       ///< runs going on at once, each with its population
  std::size_t histories = 0;  ///< branched histories held beside them, each with its population
  /// Each run keeps what it records in memory until it ends (an experiment's runs); otherwise
  /// its rows stream to the file as they are made.
  bool kept = false;
  std::size_t block_size = 4096;  ///< consumers per parallel block (`run --block-size`)
  std::size_t copies() const { return runs + histories; }
};

struct MemoryNeed {
  double per_consumer = 0;  ///< bytes of consumer state per consumer
  double state = 0;         ///< the consumers' state of every population held at once
  /// What the runs record, held in memory: an experiment's runs keep their series and tables
  /// (once) until each ends; panel and snapshot rows are held while they are sampled and made,
  /// and a single run's rows while they wait for its writer (BackgroundRecorder's bound).
  double recorded = 0;
  double series = 0;        ///< of `recorded`: the series kept step by step (grows with steps)
  double step_values = 0;   ///< values in one step's rows of every series
  double partial_sums = 0;  ///< the blocks' partial sums (more with a smaller block size)
  double other = 0;         ///< the program, its libraries and thread pools, the file's buffers
  double bytes = 0;         ///< all of the above
  double available = 0;     ///< bytes a run may take now (memory_limit())
  std::string available_source = "on this machine";  ///< the limit that sets `available`
};

/// The memory a run of the scenario needs, held as `use` says. The bytes available are the least
/// of the machine's, the address-space limit's and the cgroup's (memory_limit()).
MemoryNeed memory_need(const Scenario& sc, const MemoryUse& use = {});

/// The run of an experiment with the most consumers (the scenario itself when it has no runs).
const Scenario& largest_run(const Scenario& sc, const Experiment& ex);

/// How an experiment holds its runs on `threads` threads: runs below
/// ExperimentOptions::concurrent_below consumers go on up to one per thread, a branched
/// experiment keeps a history beside each variant, and every run keeps its output until it ends.
MemoryUse experiment_use(const Scenario& sc, const Experiment& ex, std::size_t threads,
                         std::size_t block_size = 4096);

/// The run of an experiment that needs the most memory held as `use` says (the scenario itself
/// when it has no runs).
const Scenario& neediest_run(const Scenario& sc, const Experiment& ex, const MemoryUse& use);

/// "0.4 MB", "87 MB", "3.4 GiB": bytes for a reader.
std::string readable_bytes(double bytes);

/// A need beside the memory available, in the same unit (MB below 1 GiB, else GiB) and with
/// enough digits that the two differ where they do: ("140 MB", "118 MB"), ("3.45 GiB", "3.41 GiB").
std::pair<std::string, std::string> compared_bytes(double need, double available);

/// What the scenario records beside its series: "panel", "snapshot" or "panel and snapshot".
std::string recorded_tables(const Scenario& sc);

/// Why the run would not fit ("<where>: N consumers need about X GiB ..., but only Y GiB ...;
/// lower `consumers` (e.g. ...)"), or nothing when it fits. The advice follows the largest part:
/// the consumers, an experiment's recorded series (fewer runs at once, fewer steps, --part), the
/// panel or snapshot, or the partial sums (a larger --block-size). `design` is the experiment
/// that planned the run: when it varies `consumers` (or `scale`), the advice names its key,
/// whose values override --set. `source` names the scenario (its file) in messages about parts
/// that no key's place names.
std::optional<std::string> memory_shortfall(const Scenario& sc, const MemoryUse& use = {},
                                            const ExperimentSpec& design = {},
                                            const std::string& source = "");

}  // namespace msim::cli
