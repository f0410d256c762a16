#pragma once
/// Experiments as data: replications, a sweep grid, keys moved together and a Latin hypercube
/// design over key paths.
/// A run plan is (design point, replication, seed, overrides); an experiment is a list of them.
/// This file knows nothing about marketing: values are YAML text applied as --set overrides.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace msim {

class Config;

/// One swept or sampled key path: its values as YAML scalars, and where it was written.
struct SweepKey {
  std::string path;
  std::vector<std::string> values;
  std::string where;  ///< "FILE:LINE:COLUMN: key 'experiment.sweep.PATH'"
};

/// A key path sampled by the Latin hypercube over [lo, hi].
struct RangeKey {
  std::string path;
  double lo = 0.0, hi = 0.0;
  std::string where;
};

/// The most runs an experiment may have (design points times replications): each run is a
/// group of the file, and the plan is made in memory before the first run.
inline constexpr std::size_t kMaxExperimentRuns = 100000;

/// The `experiment:` block.
struct ExperimentSpec {
  bool present = false;
  std::int64_t replications = 1;
  std::vector<SweepKey> sweep;   ///< grid: the cross product of every key's values
  /// Keys moved together: value i of every key makes one point (lists of one length), crossed
  /// with the sweep grid as its slowest dimension.
  std::vector<SweepKey> together;
  std::int64_t lhs_samples = 0;  ///< 0: no Latin hypercube design
  std::string lhs_samples_where;  ///< Config::where() of experiment.design.latin_hypercube.samples
  bool lhs_seed_given = false;
  std::uint64_t lhs_seed = 0;  ///< default: the scenario's seed
  std::vector<RangeKey> lhs_ranges;
  std::int64_t branch_at = 0;  ///< 0: no branching; else the step where variants start
  std::string branch_where;    ///< Config::where() of branch_at, for messages
  /// Varied keys whose value in the document a --set gave, which no design point uses: where
  /// the --set's value is ("--set 'K=V': key 'PATH'") and where the key is varied. Not written
  /// back (write_experiment()).
  struct SetAndVaried {
    std::string set_where, varied_where;
  };
  std::vector<SetAndVaried> set_and_varied;
};

/// One design point: the key paths it sets, with their values as YAML text.
struct DesignPoint {
  std::vector<std::pair<std::string, std::string>> values;
  /// "key=value" overrides that realise the point.
  std::vector<std::string> overrides() const;
};

/// A single run that changes key paths part-way: the `branch:` block. Steps before `step` run
/// with the scenario as written, the rest with `values` applied (as an experiment's design point
/// does after experiment.branch_at), so a branched run can be reproduced on its own.
struct BranchSpec {
  bool present = false;
  std::int64_t step = 0;  ///< the first step run with the values
  std::vector<std::pair<std::string, std::string>> values;  ///< key path -> value (YAML text)
  std::string where;  ///< "FILE:LINE:COLUMN: key 'branch'"
  /// Where each of `values` is written: "FILE:LINE:COLUMN: key 'branch.set.PATH'".
  std::vector<std::string> value_where;
  /// Where the value of key path `path` is written; `where` when it is not one of `values`.
  const std::string& where_of(const std::string& path) const;
  /// "key=value" overrides that realise the values.
  std::vector<std::string> overrides() const;
};

struct RunPlan {
  std::size_t id = 0, point = 0, replication = 0;
  std::uint64_t seed = 0;
};

/// `path` with each list item named as `document` names it (by its name, else its index), so
/// that "list.0.key" and "list.A.key" read alike when item 0 is named A; segments past what the
/// document holds are kept as written. Without a document, `path` itself.
std::string canonical_key_path(const Config* document, const std::string& path);

/// Reads the block. `steps` bounds branch_at unless the horizon came from --set
/// (`steps_from_set`; planning then checks it). `document`, the whole document, tells what the
/// varied key paths hold, for messages, and how its lists name their items: two keys that
/// address one value (by name and by index, say), or one inside the other, are refused.
/// @throws InputError naming file, line and key.
ExperimentSpec load_experiment(const Config& node, std::int64_t steps, bool steps_from_set = false,
                               const Config* document = nullptr);
/// Writes the block back as resolved YAML (nothing when absent).
class YamlWriter;
void write_experiment(YamlWriter& out, const ExperimentSpec& spec);

/// Reads the `branch:` block: `step` (1 .. steps - 1) and `set`, a map from key path to value.
/// `fixed` names the keys that cannot change part-way through a run (with their sub-keys), as
/// well as `branch`, `output` and `experiment`, which never can. `document`, the whole
/// document, where given, tells which keys a --set also gave (noted: that value holds only
/// before the branch).
/// @throws InputError naming file, line and key.
BranchSpec load_branch(const Config& node, std::int64_t steps, bool steps_from_set,
                       const std::vector<std::string>& fixed, const Config* document = nullptr);
/// Writes the block back as resolved YAML (nothing when absent).
void write_branch(YamlWriter& out, const BranchSpec& spec);

/// The design points: the keys moved together (slowest), times the sweep grid (last key varying
/// fastest), times the Latin hypercube samples when there is a design; one empty point when
/// there is none of these.
std::vector<DesignPoint> design_points(const ExperimentSpec& spec, std::uint64_t scenario_seed);

/// Every run: design point major, replication minor; id = point * replications + replication.
std::vector<RunPlan> run_plans(const ExperimentSpec& spec, std::size_t points,
                               std::uint64_t base_seed);

/// The seed of replication r: the base seed itself for r = 0, else 63 bits of
/// Philox4x32-10 keyed by (base seed, 0x5EED) at counter (r, 0, 0, base seed >> 32). Every design
/// point uses the same seeds, so design points are compared on common random numbers.
std::uint64_t replication_seed(std::uint64_t base_seed, std::size_t replication);

/// A Latin hypercube: samples x dims values in [0, 1); along every dimension each of the
/// `samples` strata [k/samples, (k+1)/samples) holds exactly one value. Deterministic in `seed`.
std::vector<std::vector<double>> latin_hypercube(std::size_t samples, std::size_t dims,
                                                 std::uint64_t seed);

}  // namespace msim
