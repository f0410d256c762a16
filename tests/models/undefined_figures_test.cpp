// A run's figures that are undefined though the file records 0 (models/undefined_figures.cpp):
// found by each figure's definition, and left empty in market.csv while the file keeps its 0.
#include "models/undefined_figures.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/experiment_report.hpp"
#include "models/metrics.hpp"
#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/hdf5_file.hpp"
#include "tests/temp_dir.hpp"

using Catch::Contains;
using msim::test::TempDir;

namespace {

/// Runs tiny.yaml with `overrides` into `path`.
void run_tiny(const std::string& path, const std::vector<std::string>& overrides) {
  const msim::Scenario sc = msim::load_scenario_file(
      std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml", overrides);
  auto rec = msim::make_hdf5_recorder(path);
  msim::run_simulation(sc, *rec);
}

/// Runs the scenario at `scenario` (under the source directory) with `overrides` into `path`.
void run_file(const std::string& scenario, const std::string& path,
              const std::vector<std::string>& overrides) {
  const msim::Scenario sc =
      msim::load_scenario_file(std::string(MARKETSIM_SOURCE_DIR) + "/" + scenario, overrides);
  auto rec = msim::make_hdf5_recorder(path);
  msim::run_simulation(sc, *rec);
}

/// The table `name` ("market", "categories") of a run's CSV tables.
msim::ExperimentTable csv_table(const std::string& path, const std::string& name = "market") {
  for (auto& [table_name, table] : msim::run_csv_output(path))
    if (table_name == name) return table;
  FAIL("no table " << name);
  return {};
}

std::size_t column(const msim::ExperimentTable& t, const std::string& name) {
  const auto at = std::find(t.columns.begin(), t.columns.end(), name);
  REQUIRE(at != t.columns.end());
  return static_cast<std::size_t>(at - t.columns.begin());
}

}  // namespace

TEST_CASE("undefined figures: market.csv leaves empty what the file records as 0 while undefined",
          "[undefined_figures]") {
  TempDir dir;
  // Mass spends nothing, so nobody hears of it and nobody buys from it; from step 3 on a
  // recession leaves nobody buying anything.
  const std::string path = dir.file("run.h5");
  run_tiny(path, {"consumers=3000", "steps=5", "firms.Mass.budget_per_year=0",
                  "shocks=[{name: slump, step: 3, kind: recession, multiply: 0}]"});
  const msim::Hdf5Reader in(path);
  const std::size_t F = 4, T = 5;
  REQUIRE(in.strings("/firms/name").front() == "Mass");
  const msim::ExperimentTable market = csv_table(path);
  REQUIRE(market.rows.size() == T * F);
  const auto cell = [&](const std::string& metric, std::size_t step, std::size_t firm) {
    return market.rows[step * F + firm][column(market, metric)];
  };
  const auto recorded = [&](const std::string& metric, std::size_t step, std::size_t firm) {
    return in.table("/market/" + metric).values[step * F + firm];
  };
  for (std::size_t step = 0; step < T; ++step) {
    INFO("step " << step);
    // Nobody ever bought from Mass: its figures per buyer are undefined, recorded as 0.
    for (const char* metric :
         {"customer_share", "share_of_wallet", "purchases_per_buyer", "loyalty", "roi"}) {
      INFO(metric);
      CHECK(cell(metric, step, 0).empty());
      CHECK(recorded(metric, step, 0) == 0.0);     // the file is as the model wrote it
      CHECK_FALSE(cell(metric, step, 1).empty());  // Diff, which sold from step 0 on
    }
    // Its units and penetration are 0, and said so: defined.
    CHECK(cell("units", step, 0) == "0");
    CHECK(cell("penetration", step, 0) == "0");
    // Retention is NaN in the file before a lapse can be seen: empty as before.
    CHECK(cell("retention", step, 1).empty());
  }
  // Market and value shares: Mass's 0 of a market that sold is a share; none in a step where
  // nothing sold.
  CHECK(cell("market_share", 0, 0) == "0");
  CHECK(cell("value_share", 0, 0) == "0");
  CHECK_FALSE(cell("market_share", 0, 1).empty());
  for (std::size_t firm = 0; firm < F; ++firm) {
    CHECK(cell("market_share", 4, firm).empty());
    CHECK(cell("value_share", 4, firm).empty());
    CHECK(recorded("market_share", 4, firm) == 0.0);
    // Churn over the active customers at the end of the step before: none before step 0.
    CHECK(cell("churn", 0, firm).empty());
  }
  CHECK_FALSE(cell("churn", 1, 1).empty());  // Diff had active customers after step 0
  CHECK(cell("churn", 1, 0).empty());        // Mass never had an active customer
  // What an empty cell means, in columns.csv.
  for (auto& [name, table] : msim::run_csv_output(path)) {
    if (name != "columns") continue;
    const auto row = std::find_if(table.rows.begin(), table.rows.end(), [](const auto& r) {
      return r[0] == "market" && r[1] == "customer_share";
    });
    REQUIRE(row != table.rows.end());
    CHECK_THAT((*row)[3], Contains("in this table an empty cell where it is undefined: nobody "
                                   "had bought from the firm yet"));
  }
}

TEST_CASE("undefined figures: ROI is undefined until 0.01 of marketing money has been spent",
          "[undefined_figures]") {
  TempDir dir;
  // Diff's budget spends a fraction of a cent over the run: ROI would be a meaningless +-1e10.
  const std::string path = dir.file("run.h5");
  run_tiny(path, {"consumers=2000", "steps=3", "firms.Diff.budget_per_year=1e-6"});
  const msim::Hdf5Reader in(path);
  const std::vector<char> roi = msim::undefined_cells(in, "roi", 4);
  REQUIRE(roi.size() == 3 * 4);
  for (std::size_t step = 0; step < 3; ++step) {
    CHECK(roi[step * 4 + 1] == 1);  // Diff
    CHECK(roi[step * 4 + 0] == 0);  // Mass spends its budget
  }
  CHECK(in.table("/market/roi").values[2 * 4 + 1] == 0.0);
  // A metric without a rule has its cells as recorded; so has a file without the series.
  CHECK(msim::undefined_cells(in, "units", 4).empty());
  CHECK(msim::undefined_cells(in, "mean_failure_age", 4).empty());  // no durables recorded
  CHECK(msim::undefined_when("units").empty());
  CHECK(msim::undefined_when("roi") ==
        "less than 0.01 of marketing money (spend and program rewards) was spent since step 0");
}

TEST_CASE(
    "undefined figures: a durable's age at failure and replacement share need failures and "
    "units",
    "[undefined_figures]") {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  run_file("scenarios/textbook/planned_obsolescence.yaml", path, {"consumers=3000", "steps=30"});
  const msim::Hdf5Reader in(path);
  const msim::ExperimentTable market = csv_table(path);
  const std::vector<double> failures = in.table("/market/failures").values;
  const std::vector<double> units = in.table("/market/units").values;  // washers, all durable
  const std::size_t age = column(market, "mean_failure_age");
  const std::size_t share = column(market, "replacement_share");
  std::size_t without_failures = 0, with_failures = 0;
  for (std::size_t k = 0; k < market.rows.size(); ++k) {
    INFO("row " << k);
    CHECK(market.rows[k][age].empty() == !(failures[k] > 0));
    CHECK(market.rows[k][share].empty() == !(units[k] > 0));
    (failures[k] > 0 ? with_failures : without_failures) += 1;
  }
  CHECK(without_failures > 0);  // no washer fails in the first weeks
  CHECK(with_failures > 0);
}

TEST_CASE("undefined figures: every metric the model records as 0 while undefined has a rule",
          "[undefined_figures]") {
  // A metric whose description says its 0 is undefined (and is not NaN in the file) needs a rule
  // here, or market.csv would show that 0 as a figure.
  for (const msim::MetricInfo& info : msim::firm_metrics()) {
    const std::string description = info.description;
    if (description.find("(undefined") == std::string::npos) continue;
    INFO(info.name << ": " << description);
    CHECK_FALSE(msim::undefined_when(info.name).empty());
  }
}

TEST_CASE(
    "undefined figures: categories.csv has each category's figures, undefined by its own sales",
    "[undefined_figures]") {
  TempDir dir;
  // The default market's two categories; from step 3 on nobody buys desserts, and Tailor sells
  // none.
  const std::string path = dir.file("run.h5");
  run_file("scenarios/default.yaml", path,
           {"consumers=3000", "steps=5", "firms.Tailor.categories=[frozen_dinners]",
            "shocks=[{name: slump, step: 3, kind: recession, categories: [desserts], multiply: "
            "0}]"});
  const msim::Hdf5Reader in(path);
  const std::size_t F = 4, C = 2, T = 5;
  REQUIRE(in.strings("/categories/name") == std::vector<std::string>{"frozen_dinners", "desserts"});
  const msim::ExperimentTable market = csv_table(path);
  const msim::ExperimentTable categories = csv_table(path, "categories");
  REQUIRE(categories.rows.size() == T * C * F);
  CHECK(std::vector<std::string>(categories.columns.begin(), categories.columns.begin() + 4) ==
        std::vector<std::string>{"step", "week", "category", "firm"});
  const msim::Table units = in.table("/market/by_category/units");
  const msim::Table share = in.table("/market/by_category/market_share");
  for (std::size_t step = 0; step < T; ++step)
    for (std::size_t j = 0; j < F; ++j) {
      INFO("step " << step << ", firm " << j);
      double sum = 0;
      for (std::size_t c = 0; c < C; ++c) {
        const std::vector<std::string>& row = categories.rows[(step * C + c) * F + j];
        const std::size_t k = (step * C + c) * F + j;
        CHECK(row[0] == std::to_string(step));
        CHECK(row[2] == (c == 0 ? "frozen_dinners" : "desserts"));
        CHECK(row[3] == market.rows[step * F + j][2]);
        CHECK(std::stod(row[column(categories, "units")]) == units.values[k]);
        sum += units.values[k];
        // The desserts' shares are undefined once nobody buys them; the dinners' are not.
        const std::string& cell = row[column(categories, "market_share")];
        CHECK(cell.empty() == (c == 1 && step >= 3));
        if (!cell.empty()) CHECK(std::stod(cell) == share.values[k]);
        // Customer share is the category's: undefined for Tailor's desserts, which it never
        // sold. Loyalty and share of wallet are the firm's, defined where the firm's are.
        CHECK(row[column(categories, "customer_share")].empty() ==
              (j == 3 && c == 1
                   ? true
                   : market.rows[step * F + j][column(market, "customer_share")].empty()));
        for (const char* firm_wide : {"loyalty", "share_of_wallet"})
          CHECK(row[column(categories, firm_wide)].empty() ==
                market.rows[step * F + j][column(market, firm_wide)].empty());
      }
      CHECK(std::stod(market.rows[step * F + j][column(market, "units")]) == sum);
    }
}

TEST_CASE("undefined figures: categories.csv gives each durable category's ownership",
          "[undefined_figures]") {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  run_file("scenarios/textbook/planned_obsolescence.yaml", path, {"consumers=3000", "steps=4"});
  const msim::Hdf5Reader in(path);
  const msim::ExperimentTable categories = csv_table(path, "categories");
  const std::vector<double> saturation = in.table("/market/saturation").values;  // [T, 1]
  const std::size_t F = in.strings("/firms/name").size();
  REQUIRE(categories.rows.size() == 4 * F);
  for (std::size_t k = 0; k < categories.rows.size(); ++k)
    CHECK(std::stod(categories.rows[k][column(categories, "saturation")]) == saturation[k / F]);
  CHECK(saturation.back() > 0);
}
