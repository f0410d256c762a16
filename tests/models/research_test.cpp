// Market research (models/research.hpp): k-means recovers well-separated clusters, is
// deterministic for a seed, and a noisier or smaller sample lands farther from the truth.
#include "models/research.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/scenario_load.hpp"

namespace {

/// Three Gaussian clusters (sd 1 per dimension) whose centres are 10 sd apart.
struct Blobs {
  Eigen::MatrixXd points;
  std::vector<int> truth;
  Eigen::MatrixXd centres{{0.0, 0.0}, {10.0, 0.0}, {5.0, 8.660254037844386}};
};

Blobs blobs(int per_cluster, std::uint64_t seed) {
  Blobs b;
  b.points.resize(3 * per_cluster, 2);
  const msim::Philox gen(seed, 99);
  msim::Stream rng(gen, 0, 0);
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < per_cluster; ++i) {
      const int r = c * per_cluster + i;
      b.points(r, 0) = b.centres(c, 0) + rng.normal();
      b.points(r, 1) = b.centres(c, 1) + rng.normal();
      b.truth.push_back(c);
    }
  return b;
}

/// The learned centre nearest each true centre.
std::vector<int> nearest_learned(const Eigen::MatrixXd& learned, const Eigen::MatrixXd& truth) {
  std::vector<int> out;
  for (Eigen::Index t = 0; t < truth.rows(); ++t) {
    Eigen::Index best = 0;
    (learned.rowwise() - truth.row(t)).rowwise().squaredNorm().minCoeff(&best);
    out.push_back(static_cast<int>(best));
  }
  return out;
}

// Three segments 3 apart with sd 0.5 in each dimension: separable, but noise of sd 1 blurs them.
const std::string kMarket = R"(
name: research test
seed: 5
consumers: 30000
steps: 1
categories: [{name: snacks}]
segments:
  - {name: a, share: 0.4, ideal: {mean: [0, 0], sd: [0.5, 0.5]}, purchase_rate: {snacks: {mean: 0.5}}}
  - {name: b, share: 0.35, ideal: {mean: [3, 0], sd: [0.5, 0.5]}, purchase_rate: {snacks: {mean: 0.5}}}
  - {name: c, share: 0.25, ideal: {mean: [1.5, 2.6], sd: [0.5, 0.5]}, purchase_rate: {snacks: {mean: 0.5}}}
firms:
  - {name: R, strategy: differentiated, budget_per_year: 1000, segmentation: research}
)";

/// Mean distance from the learned segment centres to the true segment means, over `studies`
/// studies (different steps draw different samples).
double mean_error(const msim::Scenario& sc, const msim::Population& pop, int studies) {
  double total = 0.0;
  int n = 0;
  for (int t = 0; t < studies; ++t) {
    const msim::SegmentStudy st = msim::study_segments(sc, pop, 0, t);
    for (std::size_t s = 0; s < sc.segments.size(); ++s) {
      const auto& c = st.segment_centres[s];
      total += (Eigen::Map<const Eigen::VectorXd>(c.data(), 2) - sc.segments[s].ideal_mean).norm();
      ++n;
    }
  }
  return total / n;
}

}  // namespace

TEST_CASE("k-means recovers three Gaussian clusters 10 sd apart", "[research]") {
  const Blobs b = blobs(1000, 11);
  const msim::Philox gen(3, 7);
  const msim::KMeansResult km = msim::kmeans(b.points, 3, gen, 0, 0);
  REQUIRE(km.centres.rows() == 3);
  const std::vector<int> match = nearest_learned(km.centres, b.centres);
  // Each true cluster has its own learned centre, within 0.15 of the truth (the standard error
  // of a mean of 1000 points is 0.03 per dimension).
  CHECK(match[0] != match[1]);
  CHECK(match[1] != match[2]);
  CHECK(match[0] != match[2]);
  for (int c = 0; c < 3; ++c) {
    INFO("cluster " << c << ": learned " << km.centres.row(match[c]));
    CHECK((km.centres.row(match[c]) - b.centres.row(c)).norm() < 0.15);
  }
  int right = 0;
  for (std::size_t i = 0; i < b.truth.size(); ++i)
    if (km.label[i] == match[static_cast<std::size_t>(b.truth[i])]) ++right;
  const double accuracy = static_cast<double>(right) / static_cast<double>(b.truth.size());
  INFO("assignment accuracy " << accuracy << ", iterations " << km.iterations);
  CHECK(accuracy > 0.98);
  CHECK(km.iterations < 100);
}

TEST_CASE("k-means is deterministic for a seed", "[research]") {
  const Blobs b = blobs(500, 12);
  const msim::KMeansResult x = msim::kmeans(b.points, 3, msim::Philox(9, 7), 4, 2);
  const msim::KMeansResult y = msim::kmeans(b.points, 3, msim::Philox(9, 7), 4, 2);
  CHECK(x.centres == y.centres);
  CHECK(x.label == y.label);
  CHECK(x.inertia == y.inertia);
  // Another seed may number the clusters differently but finds the same ones.
  const msim::KMeansResult z = msim::kmeans(b.points, 3, msim::Philox(10, 7), 4, 2);
  const std::vector<int> mx = nearest_learned(x.centres, b.centres);
  const std::vector<int> mz = nearest_learned(z.centres, b.centres);
  for (int c = 0; c < 3; ++c) CHECK((x.centres.row(mx[c]) - z.centres.row(mz[c])).norm() < 1e-9);
}

TEST_CASE("k-means handles k = 1 and duplicate points", "[research]") {
  const Blobs b = blobs(100, 13);
  const msim::KMeansResult one = msim::kmeans(b.points, 1, msim::Philox(1, 7), 0, 0);
  CHECK((one.centres.row(0) - b.points.colwise().mean()).norm() < 1e-9);
  const Eigen::MatrixXd same = Eigen::MatrixXd::Constant(10, 2, 1.5);
  const msim::KMeansResult dup = msim::kmeans(same, 3, msim::Philox(1, 7), 0, 0);
  CHECK(dup.inertia == 0.0);
  CHECK(dup.centres.allFinite());
}

TEST_CASE("a study matches learned clusters to segments and is deterministic", "[research]") {
  const msim::Scenario sc = msim::load_scenario_text(kMarket, "research.yaml");
  const msim::Population pop = msim::synthesize(sc, {}, 4096);
  const msim::SegmentStudy a = msim::study_segments(sc, pop, 0, 0);
  const msim::SegmentStudy b = msim::study_segments(sc, pop, 0, 0);
  CHECK(a.segment_centres == b.segment_centres);
  CHECK(a.step == 0);
  REQUIRE(a.cluster_of_segment.size() == 3);
  // With the default sample (2000) and noise (0.3), each segment has its own cluster, within
  // 0.1 of its mean.
  CHECK(a.cluster_of_segment[0] != a.cluster_of_segment[1]);
  CHECK(a.cluster_of_segment[1] != a.cluster_of_segment[2]);
  CHECK(a.cluster_of_segment[0] != a.cluster_of_segment[2]);
  for (std::size_t s = 0; s < 3; ++s) {
    const auto& c = a.segment_centres[s];
    INFO("segment " << s << ": " << c[0] << ", " << c[1]);
    CHECK((Eigen::Map<const Eigen::VectorXd>(c.data(), 2) - sc.segments[s].ideal_mean).norm() <
          0.1);
  }
  // Another step draws another sample.
  CHECK(msim::study_segments(sc, pop, 0, 1).segment_centres != a.segment_centres);
}

TEST_CASE("more noise or a smaller sample puts the learned centres farther from the truth",
          "[research]") {
  const msim::Scenario base = msim::load_scenario_text(kMarket, "research.yaml");
  const msim::Population pop = msim::synthesize(base, {}, 4096);
  const auto error = [&](std::int64_t sample, double noise) {
    msim::Scenario sc = base;
    sc.firms[0].segmentation.sample_size = sample;
    sc.firms[0].segmentation.noise_sd = noise;
    return mean_error(sc, pop, 20);  // averaged over 20 studies with fixed seeds
  };
  const double clean = error(2000, 0.1), noisy = error(2000, 1.0);
  const double big = error(5000, 0.3), small = error(100, 0.3);
  INFO("mean error: noise 0.1 " << clean << ", noise 1.0 " << noisy << "; sample 5000 " << big
                                << ", sample 100 " << small);
  // Measured 0.026 against 0.154 (noise) and 0.019 against 0.132 (sample); the checks ask for
  // a factor of 2.
  CHECK(noisy > 2.0 * clean);
  CHECK(small > 2.0 * big);
  CHECK(clean < 0.05);
}

TEST_CASE("a study is due at the first step and every refresh_steps after", "[research]") {
  msim::Segmentation s;
  msim::SegmentStudy last;
  CHECK_FALSE(msim::study_due(s, last, 0));  // known segments: never
  s.kind = msim::SegmentationKind::research;
  CHECK(msim::study_due(s, last, 0));
  CHECK(msim::study_due(s, last, 7));  // a firm that enters later studies when it enters
  last.step = 0;
  CHECK_FALSE(msim::study_due(s, last, 1));
  CHECK_FALSE(msim::study_due(s, last, 500));
  s.refresh_steps = 4;
  CHECK_FALSE(msim::study_due(s, last, 3));
  CHECK(msim::study_due(s, last, 4));
}
