#pragma once
/// Global sensitivity of an experiment sampled by a Latin hypercube: how strongly each key
/// result moves with each sampled key, the other sampled keys held fixed (partial rank
/// correlation, sim/rank_correlation.hpp), over the design points' means.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "models/experiment.hpp"

namespace msim {

class Hdf5Reader;

/// The keys the experiment's design sampled (experiment.design.latin_hypercube.ranges in its
/// /experiment/scenario), in the file's order; none for a design without a Latin hypercube, or
/// a file whose scenario cannot be read (an older or hand-made one).
std::vector<std::string> sampled_keys(const Hdf5Reader& in);

/// The most design points of a group of the summary (design points alike in every varied key
/// that is not in `sampled`: a sweep crossed with the samples makes a group of each combination
/// of its values); 0 without sampled keys.
std::size_t sampled_points(const ExperimentTable& summary, const std::vector<std::string>& sampled);

/// One row per group, key result, firm and sampled key: the varied keys that were not sampled,
/// `metric`, `firm`, `key`, `n` (the group's design points with a defined mean), `prcc` (the
/// partial rank correlation of the result's design-point means with the key) and `p_value`
/// (its two-sided t-test against 0), both empty where undefined (a result that does not vary,
/// or fewer than keys + 2 design points where it is defined). No columns when `sampled` is
/// empty, or when no group has keys + 2 design points (sampled_points).
ExperimentTable sensitivity_table(const ExperimentTable& summary,
                                  const std::vector<std::string>& sampled);

/// The sensitivity of profit per year and market share, by firm and sampled key, as the
/// experiment's summary prints it after its design points; with fewer than keys + 2 design
/// points (`points`, sampled_points) a sentence saying how many it needs; "" without sampled
/// keys. `replications`: each design point's, for the heading.
std::string format_sensitivity(const ExperimentTable& sensitivity,
                               const std::vector<std::string>& sampled, std::int64_t replications,
                               std::size_t points);

}  // namespace msim
