// A firm with segmentation: research pays for each study in the step it is done, acts on the
// centres it learned, and the run records where each firm placed each segment.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/recorder.hpp"

using Catch::Detail::Approx;

namespace {

const std::string kMarket = R"(
name: market research
seed: 8
consumers: 20000
steps: 6
market: {outside_utility: -1}
categories: [{name: snacks, reference_volume: 1.0e9}]
segments:
  - {name: a, share: 0.5, ideal: {mean: [0, 0], sd: [0.4, 0.4]}, purchase_rate: {snacks: {mean: 0.5}}}
  - {name: b, share: 0.5, ideal: {mean: [2, 1], sd: [0.4, 0.4]}, purchase_rate: {snacks: {mean: 0.5}}}
firms:
  - {name: Known, strategy: differentiated, budget_per_year: 20000}
  - name: Study
    strategy: differentiated
    budget_per_year: 20000
    segmentation: {kind: research, sample_size: 50, noise_sd: 0.8, cost_per_study: 1234.5}
  - {name: Nich, strategy: niche, target: b, budget_per_year: 5000, segmentation: research}
)";

msim::Scenario scenario(const std::vector<std::string>& overrides = {}) {
  return msim::load_scenario_text(kMarket, "market_research.yaml", overrides);
}

}  // namespace

TEST_CASE("a research firm pays for its study: profit lower by exactly the cost",
          "[research][market]") {
  msim::Market paid(scenario());
  msim::Market free(scenario({"firms.Study.segmentation.cost_per_study=0"}));
  paid.step();
  free.step();
  const std::size_t study = 1;
  // All else equal (same sample, same centres, same sales), only the fixed cost differs.
  CHECK(paid.metrics().units.firm == free.metrics().units.firm);
  CHECK(paid.metrics().revenue.firm == free.metrics().revenue.firm);
  CHECK(free.metrics().profit.firm[study] - paid.metrics().profit.firm[study] ==
        Approx(1234.5).epsilon(1e-12));
  CHECK(paid.metrics().profit.firm[0] == free.metrics().profit.firm[0]);
  // Recorded among the step's fixed costs.
  CHECK(paid.metrics().fixed_cost.firm[study] - free.metrics().fixed_cost.firm[study] ==
        Approx(1234.5).epsilon(1e-12));
  // No refresh: later steps cost nothing more.
  paid.step();
  free.step();
  CHECK(free.metrics().profit.firm[study] == Approx(paid.metrics().profit.firm[study]));
}

TEST_CASE("a research firm studies again every refresh_steps, paying each time",
          "[research][market]") {
  msim::Market paid(scenario({"firms.Study.segmentation.refresh_steps=2"}));
  msim::Market free(scenario(
      {"firms.Study.segmentation.refresh_steps=2", "firms.Study.segmentation.cost_per_study=0"}));
  std::vector<double> centre_x;
  for (int t = 0; t < 5; ++t) {
    paid.step();
    free.step();
    INFO("step " << t);
    const double gap = free.metrics().profit.firm[1] - paid.metrics().profit.firm[1];
    CHECK(gap == Approx(t % 2 == 0 ? 1234.5 : 0.0).margin(1e-6));
    CHECK(paid.studies()[1].step == t - t % 2);
    centre_x.push_back(paid.studies()[1].segment_centres[0][0]);
  }
  // A new study draws a new sample, so what the firm learns changes; between studies it stays.
  CHECK(centre_x[0] == centre_x[1]);
  CHECK(centre_x[2] != centre_x[1]);
}

TEST_CASE("differentiated and niche research firms position at their learned centres",
          "[research][market]") {
  const msim::Scenario sc = scenario();
  msim::Market m(sc);
  m.step();
  const auto& known = m.studies()[0];
  CHECK(known.step == -1);  // known segments: no study
  const auto& learned = m.studies()[1].segment_centres;
  REQUIRE(learned.size() == 2);
  // With 50 noisy observations, the learned centres are near the truth but not on it.
  for (std::size_t s = 0; s < 2; ++s) {
    const Eigen::Map<const Eigen::VectorXd> c(learned[s].data(), 2);
    INFO("segment " << s << ": learned " << c.transpose());
    CHECK((c - sc.segments[s].ideal_mean).norm() > 1e-6);
    CHECK((c - sc.segments[s].ideal_mean).norm() < 0.6);
  }
  // Study's products sit at the learned centres, Known's at the true means.
  const auto& study_products = m.plans()[1].products;
  const auto& known_products = m.plans()[0].products;
  REQUIRE(study_products.size() == 2);
  for (std::size_t s = 0; s < 2; ++s) {
    for (int d = 0; d < 2; ++d) CHECK(study_products[s].position[d] == learned[s][d]);
    CHECK(known_products[s].position == sc.segments[s].ideal_mean);
  }
  // The niche firm targets segment b at its own learned centre for b.
  const auto& niche = m.studies()[2].segment_centres[1];
  REQUIRE(m.plans()[2].products.size() == 1);
  for (int d = 0; d < 2; ++d) CHECK(m.plans()[2].products[0].position[d] == niche[d]);
}

TEST_CASE("the run records where each firm placed each segment", "[research][market]") {
  const msim::Scenario sc = scenario();
  msim::MemoryRecorder rec;
  msim::run_simulation(sc, rec);
  msim::Market m(sc);
  m.step();
  const auto& rows = rec.series("/firms/segment_centres");
  REQUIRE(rows.size() == 6);
  const std::size_t S = 2, D = 2;
  REQUIRE(rows[0].size() == 3 * S * D);
  for (std::size_t t = 0; t < rows.size(); ++t)
    for (std::size_t s = 0; s < S; ++s)
      for (std::size_t d = 0; d < D; ++d) {
        INFO("step " << t << ", segment " << s << ", dimension " << d);
        CHECK(rows[t][(0 * S + s) * D + d] == sc.segments[s].ideal_mean[static_cast<int>(d)]);
        CHECK(rows[t][(1 * S + s) * D + d] == m.studies()[1].segment_centres[s][d]);
      }
}
