// The `segmentation:` firm key (models/segmentation.cpp): defaults, the research map, and errors
// that name the file, line, key path, value and what was expected.
#include "models/segmentation.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/scenario_load.hpp"
#include "sim/error.hpp"

using Catch::Contains;

namespace {

// Line numbers matter: the tests below refer to them (the firm's segmentation is on line 11).
const std::string kBase = R"(name: segmentation test
consumers: 1000
steps: 2
categories: [{name: snacks}]
segments:
  - {name: a, share: 0.5, ideal: {mean: [0, 0], sd: [1, 1]}, purchase_rate: {snacks: {mean: 0.5}}}
  - {name: b, share: 0.5, ideal: {mean: [2, 0], sd: [1, 1]}, purchase_rate: {snacks: {mean: 0.5}}}
firms:
  - name: Acme
    strategy: differentiated
    segmentation: SEGMENTATION
    budget_per_year: 1000
)";

msim::Scenario load(const std::string& segmentation, const std::vector<std::string>& sets = {}) {
  std::string text = kBase;
  text.replace(text.find("SEGMENTATION"), 12, segmentation);
  return msim::load_scenario_text(text, "seg.yaml", sets);
}

}  // namespace

TEST_CASE("segmentation: known by default, research with documented defaults", "[segmentation]") {
  const msim::Segmentation known = load("known").firms[0].segmentation;
  CHECK(known.kind == msim::SegmentationKind::known);
  const msim::Segmentation r = load("research").firms[0].segmentation;
  CHECK(r.kind == msim::SegmentationKind::research);
  CHECK(r.sample_size == 2000);
  CHECK(r.noise_sd == 0.3);
  CHECK(r.clusters == 2);  // the number of segments
  CHECK(r.cost_per_study == 50000.0);
  CHECK(r.refresh_steps == 0);
  const msim::Segmentation m =
      load(
          "{kind: research, sample_size: 300, noise_sd: 0.5, clusters: 4, cost_per_study: 10, "
          "refresh_steps: 13}")
          .firms[0]
          .segmentation;
  CHECK(m.sample_size == 300);
  CHECK(m.noise_sd == 0.5);
  CHECK(m.clusters == 4);
  CHECK(m.cost_per_study == 10.0);
  CHECK(m.refresh_steps == 13);
  CHECK(load("{kind: known}").firms[0].segmentation.kind == msim::SegmentationKind::known);
}

TEST_CASE("segmentation: the resolved scenario loads back to the same study", "[segmentation]") {
  const msim::Scenario sc = load("{kind: research, sample_size: 300, noise_sd: 0.5}");
  const std::string yaml = msim::resolved_yaml(sc);
  CHECK_THAT(yaml, Contains("kind: research"));
  CHECK_THAT(yaml, Contains("clusters: 2"));
  const msim::Scenario again = msim::load_scenario_text(yaml, "resolved.yaml");
  CHECK(msim::resolved_yaml(again) == yaml);
  CHECK_THAT(msim::resolved_yaml(load("known")), Contains("segmentation: known"));
}

TEST_CASE("segmentation: bad input names file, line, key, value and expectation",
          "[segmentation]") {
  using msim::InputError;
  REQUIRE_THROWS_WITH(load("{kind: research, sample_size: 3, clusters: 4}"),
                      Contains("seg.yaml:11") && Contains("firms.Acme.segmentation.sample_size") &&
                          Contains("got \"3\"") && Contains("at least clusters (4)"));
  // A study of more than 100,000 takes seconds at every refresh (13 s with 64 clusters).
  REQUIRE_THROWS_WITH(load("{kind: research, sample_size: 200000}"),
                      Contains("seg.yaml:11") && Contains("firms.Acme.segmentation.sample_size") &&
                          Contains("in [1, 100000]"));
  REQUIRE_THROWS_WITH(load("{kind: research, noise_sd: -0.1}"),
                      Contains("seg.yaml:11") && Contains("firms.Acme.segmentation.noise_sd") &&
                          Contains("got \"-0.1\"") && Contains("in [0, 1000000]"));
  REQUIRE_THROWS_WITH(load("{kind: research, clusters: 0}"),
                      Contains("seg.yaml:11") && Contains("firms.Acme.segmentation.clusters") &&
                          Contains("got \"0\"") && Contains("[1, 64]"));
  REQUIRE_THROWS_WITH(load("reserch"), Contains("seg.yaml:11") &&
                                           Contains("firms.Acme.segmentation") &&
                                           Contains("got \"reserch\"") && Contains("known") &&
                                           Contains("did you mean 'research'"));
  REQUIRE_THROWS_WITH(load("{kind: clustering}"),
                      Contains("seg.yaml:11") && Contains("firms.Acme.segmentation.kind") &&
                          Contains("got \"clustering\"") && Contains("'research'"));
  REQUIRE_THROWS_WITH(
      load("{kind: known, noise_sd: 0.3}"),
      Contains("firms.Acme.segmentation.noise_sd") && Contains("applies only to kind: research"));
  REQUIRE_THROWS_WITH(load("{kind: research, noise: 0.3}"),
                      Contains("unknown key 'noise'") && Contains("did you mean 'noise_sd'"));
  REQUIRE_THROWS_WITH(load("{kind: research, nose: 0.3}"), Contains("unknown key 'nose'") &&
                                                               Contains("known keys: ") &&
                                                               Contains("noise_sd"));
  REQUIRE_THROWS_WITH(load("{kind: research, noize_sd: 0.3}"),
                      Contains("unknown key 'noize_sd'") && Contains("did you mean 'noise_sd'"));
  REQUIRE_THROWS_WITH(load("{kind: research, cost_per_study: -5}"),
                      Contains("firms.Acme.segmentation.cost_per_study") && Contains("got \"-5\""));
  REQUIRE_THROWS_WITH(load("[research]"),
                      Contains("firms.Acme.segmentation") && Contains("known, research, or a map"));
  // --set reaches the study's keys.
  REQUIRE_THROWS_WITH(load("{kind: research}", {"firms.Acme.segmentation.sample_size=1"}),
                      Contains("--set 'firms.Acme.segmentation.sample_size=1'") && Contains("at least clusters (2)"));
  CHECK(load("{kind: research}", {"firms.Acme.segmentation.noise_sd=0.9"})
            .firms[0]
            .segmentation.noise_sd == 0.9);
}
