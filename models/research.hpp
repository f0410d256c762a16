#pragma once
/// Market research: k-means (k-means++ seeding, Lloyd iterations) on a sample of consumers'
/// ideal points observed with Gaussian noise, and the matching of the learned centres to the
/// named segments that strategies act on (DESIGN.md §1 Strategies).
#include <Eigen/Core>

#include <cstdint>
#include <vector>

#include "models/population.hpp"
#include "models/scenario.hpp"
#include "sim/rng.hpp"

namespace msim {

struct KMeansOptions {
  int max_iterations = 100;  ///< Lloyd iterations per start, at most
  double tolerance = 1e-6;   ///< stop when no centre moves more than this times the data's spread
  int starts = 4;            ///< k-means++ starts; the one with the least inertia is kept
};

struct KMeansResult {
  Eigen::MatrixXd centres;  ///< [k, D]
  std::vector<int> label;   ///< [n] the centre each point belongs to
  double inertia = 0.0;     ///< sum of squared distances of the points to their centres
  int iterations = 0;       ///< Lloyd iterations of the kept start
};

/// Clusters the rows of `points` ([n, D], n >= k >= 1) into k groups. Deterministic: the seeding
/// draws come from the stream (gen, a, b). Ties go to the lower centre index; an empty cluster
/// keeps its centre.
KMeansResult kmeans(const Eigen::MatrixXd& points, int k, const Philox& gen, std::uint32_t a,
                    std::uint32_t b, const KMeansOptions& options = {});

/// What one study found.
struct SegmentStudy {
  std::int64_t step = -1;                            ///< when it was done; -1 = never
  Eigen::MatrixXd clusters;                          ///< [k, D] learned centres
  std::vector<int> cluster_of_segment;               ///< [S] matched cluster; -1 = none sampled
  std::vector<std::vector<double>> segment_centres;  ///< [S][D] positions the firm acts on
};

/// Firm `firm`'s study at `step`: samples `sample_size` consumers (with replacement), observes
/// their ideal points with noise, runs k-means, and gives each segment the cluster that most of
/// its sampled members fell in (the mean of all observations when none was sampled). Draws are
/// keyed by (seed, purpose, firm, step), so a study never depends on threads.
SegmentStudy study_segments(const Scenario& sc, const Population& pop, int firm, std::int64_t step);

/// Whether a firm with this segmentation, whose last study is `last`, runs one at `step`.
bool study_due(const Segmentation& s, const SegmentStudy& last, std::int64_t step);

}  // namespace msim
