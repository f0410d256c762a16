// Market research on segments: a noisy sample of consumers, k-means on it, and the matching of
// the learned clusters to the named segments.
#include "models/research.hpp"

#include <algorithm>
#include <cmath>

#include "models/random_purposes.hpp"

namespace msim {
namespace {

/// A uniform index in [0, n) from 32 random bits (n < 2^32).
Eigen::Index uniform_index(Stream& rng, std::uint64_t n) {
  return static_cast<Eigen::Index>((static_cast<std::uint64_t>(rng.bits()) * n) >> 32);
}

/// Squared distances of every point to one centre: [n].
Eigen::VectorXd distances_to(const Eigen::MatrixXd& points, const Eigen::RowVectorXd& centre) {
  return (points.rowwise() - centre).rowwise().squaredNorm();
}

/// k-means++ [Arthur & Vassilvitskii 2007]: each new centre is a point drawn with probability
/// proportional to its squared distance to the nearest centre so far.
Eigen::MatrixXd seed_centres(const Eigen::MatrixXd& points, int k, Stream& rng) {
  const auto n = static_cast<std::uint64_t>(points.rows());
  Eigen::MatrixXd centres(k, points.cols());
  centres.row(0) = points.row(uniform_index(rng, n));
  Eigen::VectorXd nearest = distances_to(points, centres.row(0));
  for (int c = 1; c < k; ++c) {
    const double total = nearest.sum();
    Eigen::Index pick = uniform_index(rng, n);  // every point sits on a centre: any will do
    if (total > 0) {
      const double u = rng.uniform() * total;
      double cumulative = 0.0;
      pick = points.rows() - 1;
      for (Eigen::Index i = 0; i < points.rows(); ++i) {
        cumulative += nearest[i];
        if (nearest[i] > 0 && cumulative >= u) {
          pick = i;
          break;
        }
      }
    }
    centres.row(c) = points.row(pick);
    nearest = nearest.cwiseMin(distances_to(points, centres.row(c)));
  }
  return centres;
}

/// Labels each point with its nearest centre (ties: the lower index); returns the inertia.
/// Memory is O(n), whatever k.
double assign(const Eigen::MatrixXd& points, const Eigen::MatrixXd& centres,
              std::vector<int>& label) {
  Eigen::VectorXd best = distances_to(points, centres.row(0));
  std::fill(label.begin(), label.end(), 0);
  for (Eigen::Index c = 1; c < centres.rows(); ++c) {
    const Eigen::VectorXd d = distances_to(points, centres.row(c));
    for (Eigen::Index i = 0; i < points.rows(); ++i)
      if (d[i] < best[i]) {
        best[i] = d[i];
        label[static_cast<std::size_t>(i)] = static_cast<int>(c);
      }
  }
  return best.sum();
}

/// Lloyd iterations from `centres` until no label changes, no centre moves more than `stop`,
/// or the iteration cap; returns the iterations done.
int lloyd(const Eigen::MatrixXd& points, Eigen::MatrixXd& centres, std::vector<int>& label,
          int max_iterations, double stop) {
  std::vector<int> previous(label.size(), -1);
  for (int it = 1; it <= max_iterations; ++it) {
    assign(points, centres, label);
    if (label == previous) return it;
    Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(centres.rows(), centres.cols());
    Eigen::VectorXd counts = Eigen::VectorXd::Zero(centres.rows());
    for (Eigen::Index i = 0; i < points.rows(); ++i) {
      const int c = label[static_cast<std::size_t>(i)];
      sums.row(c) += points.row(i);
      counts[c] += 1.0;
    }
    double shift = 0.0;
    for (Eigen::Index c = 0; c < centres.rows(); ++c) {
      if (counts[c] == 0) continue;  // an empty cluster keeps its centre
      const Eigen::RowVectorXd moved = sums.row(c) / counts[c];
      shift = std::max(shift, (moved - centres.row(c)).norm());
      centres.row(c) = moved;
    }
    previous = label;
    if (shift <= stop) return it;
  }
  return max_iterations;
}

}  // namespace

KMeansResult kmeans(const Eigen::MatrixXd& points, int k, const Philox& gen, std::uint32_t a,
                    std::uint32_t b, const KMeansOptions& options) {
  Stream rng(gen, a, b);
  const double spread =
      std::sqrt((points.rowwise() - points.colwise().mean()).rowwise().squaredNorm().mean());
  const double stop = options.tolerance * spread;
  KMeansResult best;
  std::vector<int> label(static_cast<std::size_t>(points.rows()), 0);
  for (int start = 0; start < options.starts; ++start) {
    Eigen::MatrixXd centres = seed_centres(points, k, rng);
    const int iterations = lloyd(points, centres, label, options.max_iterations, stop);
    const double inertia = assign(points, centres, label);
    if (start == 0 || inertia < best.inertia) {  // the first start even when not finite
      best.centres = centres;
      best.label = label;
      best.inertia = inertia;
      best.iterations = iterations;
    }
  }
  return best;
}

SegmentStudy study_segments(const Scenario& sc, const Population& pop, int firm,
                            std::int64_t step) {
  const Segmentation& seg = sc.firms[static_cast<std::size_t>(firm)].segmentation;
  const auto D = static_cast<Eigen::Index>(pop.dims);
  const std::size_t S = sc.segments.size();
  const auto a = static_cast<std::uint32_t>(firm), b = static_cast<std::uint32_t>(step);

  // The sample: consumers drawn with replacement, each ideal point observed with noise.
  const Philox sample_gen(sc.seed, purpose::research_sample);
  Stream draw(sample_gen, a, b);
  Eigen::MatrixXd observed(seg.sample_size, D);
  std::vector<std::size_t> segment_of(static_cast<std::size_t>(seg.sample_size));
  for (Eigen::Index r = 0; r < observed.rows(); ++r) {
    const auto i = static_cast<std::size_t>(uniform_index(draw, pop.n));
    segment_of[static_cast<std::size_t>(r)] = pop.segment[i];
    for (Eigen::Index d = 0; d < D; ++d)
      observed(r, d) = static_cast<double>(pop.ideal[i * pop.dims + static_cast<std::size_t>(d)]) +
                       seg.noise_sd * draw.normal();
  }
  const KMeansResult km =
      kmeans(observed, seg.clusters, Philox(sc.seed, purpose::research_seeding), a, b);

  // Each segment gets the cluster that most of its sampled members fell in.
  SegmentStudy out;
  out.step = step;
  out.clusters = km.centres;
  std::vector<std::vector<int>> votes(S, std::vector<int>(static_cast<std::size_t>(seg.clusters)));
  for (std::size_t r = 0; r < segment_of.size(); ++r)
    ++votes[segment_of[r]][static_cast<std::size_t>(km.label[r])];
  const Eigen::RowVectorXd overall = observed.colwise().mean();
  for (std::size_t s = 0; s < S; ++s) {
    int pick = -1, most = 0;
    for (int c = 0; c < seg.clusters; ++c)
      if (votes[s][static_cast<std::size_t>(c)] > most) {
        most = votes[s][static_cast<std::size_t>(c)];
        pick = c;
      }
    const Eigen::RowVectorXd centre =
        pick >= 0 ? Eigen::RowVectorXd(km.centres.row(pick)) : overall;
    out.cluster_of_segment.push_back(pick);
    out.segment_centres.emplace_back(centre.data(), centre.data() + centre.size());
  }
  return out;
}

bool study_due(const Segmentation& s, const SegmentStudy& last, std::int64_t step) {
  if (s.kind != SegmentationKind::research) return false;
  return last.step < 0 || (s.refresh_steps > 0 && step - last.step >= s.refresh_steps);
}

}  // namespace msim
