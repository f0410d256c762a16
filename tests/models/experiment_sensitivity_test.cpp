// The sensitivity of a Latin hypercube's results to its sampled keys: the table's rows against
// the partial rank correlations of the design points' means, groups of a crossed sweep, and an
// experiment whose sampled budget must show in its firm's share.
#include "models/experiment_sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/temp_dir.hpp"

#include "models/experiment.hpp"
#include "models/scenario_load.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/rank_correlation.hpp"
#include "sim/yaml_writer.hpp"

using Approx = Catch::Detail::Approx;
using Catch::Contains;

namespace {

/// The summary table's layout: design_point, the varied keys, metric, unit, firm, n, mean.
msim::ExperimentTable summary_of(const std::vector<double>& a, const std::vector<double>& b,
                                 const std::vector<double>& profit,
                                 const std::vector<double>& share) {
  msim::ExperimentTable t;
  t.columns = {
      "design_point", "shocks.cut.enabled", "market.a", "market.b", "metric", "unit", "firm", "n",
      "mean"};
  for (const std::string group : {"false", "true"})
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string point = std::to_string((group == "true" ? a.size() : 0) + i);
      const double shift = group == "true" ? 100 : 0;
      t.rows.push_back({point, group, msim::format_number(a[i]), msim::format_number(b[i]),
                        "profit_per_year", "money per year", "Acme", "2",
                        msim::format_number(profit[i] + shift)});
      // The share is undefined at the first design point of the second group.
      const bool undefined = group == "true" && i == 0;
      t.rows.push_back({point, group, msim::format_number(a[i]), msim::format_number(b[i]),
                        "market_share", "fraction", "Acme", "2",
                        undefined ? "" : msim::format_number(share[i])});
    }
  return t;
}

std::string cell(const msim::ExperimentTable& t, std::size_t row, const std::string& column) {
  const auto c = std::find(t.columns.begin(), t.columns.end(), column) - t.columns.begin();
  return t.rows.at(row).at(static_cast<std::size_t>(c));
}

}  // namespace

TEST_CASE("the sensitivity table holds each group's partial rank correlations of the means",
          "[sensitivity]") {
  const std::vector<double> a{0.1, 0.5, 0.9, 0.3, 0.7, 0.2, 0.8};
  const std::vector<double> b{5, 1, 3, 7, 2, 6, 4};
  const std::vector<double> profit{10, 31, 52, 18, 44, 9, 47};
  const std::vector<double> share{0.2, 0.1, 0.15, 0.3, 0.12, 0.25, 0.18};
  const auto t = msim::sensitivity_table(summary_of(a, b, profit, share), {"market.a", "market.b"});
  CHECK(t.columns == std::vector<std::string>{"shocks.cut.enabled", "metric", "firm", "key", "n",
                                              "prcc", "p_value"});
  // Two groups (the sweep's values) x two results x two keys.
  REQUIRE(t.rows.size() == 8);
  const auto full = msim::partial_rank_correlations({a, b}, profit);
  CHECK(cell(t, 0, "shocks.cut.enabled") == "false");
  CHECK(cell(t, 0, "metric") == "profit_per_year");
  CHECK(cell(t, 0, "key") == "market.a");
  CHECK(cell(t, 1, "key") == "market.b");
  CHECK(cell(t, 0, "n") == "7");
  CHECK(std::strtod(cell(t, 0, "prcc").c_str(), nullptr) == Approx(full[0].r).epsilon(1e-15));
  CHECK(std::strtod(cell(t, 1, "p_value").c_str(), nullptr) ==
        Approx(full[1].p_value).epsilon(1e-15));
  // The second group's profits are shifted: the same ranks, the same correlations.
  CHECK(cell(t, 4, "shocks.cut.enabled") == "true");
  CHECK(cell(t, 4, "prcc") == cell(t, 0, "prcc"));
  // Its undefined share leaves that design point out.
  CHECK(cell(t, 6, "metric") == "market_share");
  CHECK(cell(t, 6, "n") == "6");
  const auto rest = msim::partial_rank_correlations(
      {{a.begin() + 1, a.end()}, {b.begin() + 1, b.end()}}, {share.begin() + 1, share.end()});
  CHECK(std::strtod(cell(t, 7, "prcc").c_str(), nullptr) == Approx(rest[1].r).epsilon(1e-15));
  // Without sampled keys there is no table.
  CHECK(msim::sensitivity_table(summary_of(a, b, profit, share), {}).columns.empty());
}

TEST_CASE("a result that does not vary, or too few design points, has no correlation",
          "[sensitivity]") {
  const std::vector<double> a{0.1, 0.5, 0.9, 0.3};
  const std::vector<double> b{5, 1, 3, 7};
  const std::vector<double> flat{10, 10, 10, 10};
  const auto t = msim::sensitivity_table(summary_of(a, b, flat, {0.1, 0.2, 0.3, 0.4}),
                                         {"market.a", "market.b"});
  CHECK(cell(t, 0, "prcc").empty());
  CHECK(cell(t, 0, "p_value").empty());
  const auto summary = summary_of(a, b, flat, {0.1, 0.2, 0.3, 0.4});
  CHECK(msim::sampled_points(summary, {"market.a", "market.b"}) == 4);
  const std::string text = msim::format_sensitivity(t, {"market.a", "market.b"}, 2, 4);
  CHECK_THAT(text,
             Contains("with shocks.cut.enabled=false:\n") && Contains("(p=") && Contains("n/a"));
  // Three design points cannot hold two keys' correlations: no table (and no sensitivity.csv),
  // and the summary says how many it needs.
  const auto small = summary_of({0.1, 0.5, 0.9}, {5, 1, 3}, {1, 2, 3}, {0.1, 0.2, 0.3});
  const auto few = msim::sensitivity_table(small, {"market.a", "market.b"});
  CHECK(few.columns.empty());
  CHECK(msim::sampled_points(small, {"market.a", "market.b"}) == 3);
  CHECK(msim::format_sensitivity(few, {"market.a", "market.b"}, 1, 3) ==
        "\nSensitivity: a partial rank correlation with each of 2 sampled keys needs at least 4 "
        "design points; this design has 3.\n");
}

TEST_CASE("a sampled budget shows in its firm's share, and summarize prints the table",
          "[sensitivity]") {
  const std::string text = R"(name: sensitivity test
seed: 11
consumers: 3000
steps: 12
steps_per_year: 52
market: {outside_utility: -1.0}
categories:
  - {name: snacks, base_cost: 1.0, reference_volume: 1000}
segments:
  - name: young
    share: 0.5
    ideal: {mean: [0.5, 0.5], sd: [0.5, 0.5]}
    purchase_rate: {snacks: {mean: 0.6}}
  - name: senior
    share: 0.5
    ideal: {mean: [0.0, -1.0], sd: [0.3, 0.3]}
    purchase_rate: {snacks: {mean: 0.3}}
firms:
  - {name: Mass, strategy: mass, budget_per_year: 40000}
  - {name: Niche, strategy: niche, target: senior, budget_per_year: 10000}
experiment:
  replications: 2
  design:
    latin_hypercube:
      samples: 10
      ranges: {firms.Mass.budget_per_year: [20, 1000], firms.Niche.markup: [0.2, 0.6]}
)";
  msim::test::TempDir dir;
  const msim::Experiment ex = msim::plan_experiment([&](const std::vector<std::string>& extra) {
    return msim::load_scenario_text(text, "test.yaml", extra);
  });
  msim::run_experiment(ex, dir / "s.h5");
  CHECK(msim::sampled_keys(msim::Hdf5Reader(dir / "s.h5")) ==
        std::vector<std::string>{"firms.Mass.budget_per_year", "firms.Niche.markup"});
  const auto tables = msim::read_experiment_tables(dir / "s.h5");
  const auto& t = tables.sensitivity;
  // Budgets this small leave advertising far from the goodwill cap: more of it wins share. A
  // dearer niche product earns more per unit, and its firm's profit rises with its markup.
  const auto check_rises = [&](const std::string& metric, const std::string& firm,
                               const std::string& key) {
    INFO(metric << " of " << firm << " against " << key);
    std::size_t found = 0;
    for (std::size_t r = 0; r < t.rows.size(); ++r)
      if (cell(t, r, "metric") == metric && cell(t, r, "firm") == firm &&
          cell(t, r, "key") == key) {
        ++found;
        CHECK(cell(t, r, "n") == "10");
        CHECK(std::strtod(cell(t, r, "prcc").c_str(), nullptr) > 0.9);
        CHECK(std::strtod(cell(t, r, "p_value").c_str(), nullptr) < 0.001);
      }
    CHECK(found == 1);
  };
  check_rises("market_share", "Mass", "firms.Mass.budget_per_year");
  check_rises("profit_per_year", "Niche", "firms.Niche.markup");
  const std::string summary = msim::format_experiment_summary(dir / "s.h5");
  INFO(summary);
  CHECK_THAT(summary, Contains("Sensitivity to the sampled keys: the partial rank correlation") &&
                          Contains("over the 10 design points (each the mean of its 2 "
                                   "replications)") &&
                          Contains("(t-test, 7 degrees of freedom)") &&
                          Contains("\nMass             firms.Mass.budget_per_year   "));
  // The CSV tables: sensitivity.csv beside the others.
  const auto files = msim::experiment_csv_files(tables, (dir / "csv").string() + "/");
  CHECK(std::count_if(files.begin(), files.end(), [](const auto& f) {
          return f.second.size() > 15 &&
                 f.second.compare(f.second.size() - 15, 15, "sensitivity.csv") == 0;
        }) == 1);
}

TEST_CASE("a Latin hypercube too small for a sensitivity table is warned of at its samples key",
          "[sensitivity]") {
  const std::string base = R"(name: small design
seed: 3
consumers: 500
steps: 4
categories:
  - {name: snacks, base_cost: 1.0}
segments:
  - {name: all, share: 1, ideal: {mean: [0, 0], sd: [0.5, 0.5]}, purchase_rate: {snacks: {mean: 0.5}}}
firms:
  - {name: Mass, strategy: mass, budget_per_year: 1000}
experiment:
  design:
    latin_hypercube:
      samples: SAMPLES
      ranges: {firms.Mass.budget_per_year: [100, 1000], firms.Mass.markup: [0.2, 0.6]}
)";
  const auto notes = [&](const std::string& samples) {
    std::string text = base;
    text.replace(text.find("SAMPLES"), 7, samples);
    return msim::plan_experiment([&](const std::vector<std::string>& extra) {
             return msim::load_scenario_text(text, "small.yaml", extra);
           })
        .notes;
  };
  const auto three = notes("3");
  REQUIRE(three.size() == 1);
  CHECK_THAT(three[0], Contains("small.yaml:14:16:") &&
                           Contains("key 'experiment.design.latin_hypercube.samples': value 3") &&
                           Contains("with each of the 2 sampled keys) needs at least 4 samples"));
  CHECK(notes("4").empty());
}
