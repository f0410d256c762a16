// Files read back as CSV tables and as the experiment summary: undefined statistics (NaN) are
// empty cells and n/a, never "nan"; file names for a --csv target; CSV files are written whole
// through a temporary file; a single run's summary and market tables.
#include "models/experiment_report.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "models/summary.hpp"
#include "models/year_table.hpp"
#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"
#include "tests/csv_cells.hpp"
#include "tests/temp_dir.hpp"

using Catch::Contains;
namespace fs = std::filesystem;
using msim::test::csv_rows;
using msim::test::digits_and_decimals;
using msim::test::slurp;
using msim::test::TempDir;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

/// An experiment file of one design point with `n` replications, written by hand; with one
/// replication its sd and confidence bounds are NaN (undefined for n = 1). `in_market` >= 0:
/// the summary's in_market column (files of older versions have none). Every statistic of
/// profit per year is `profit`, and every one of market share `share` (NaN: no run sold
/// anything in its last step).
void write_design_point(const std::string& path, std::int64_t n = 1, std::int64_t in_market = -1,
                        double profit = 1234.5, double share = 0.25) {
  msim::Hdf5Output out(path);
  for (const char* name : {"runs", "design_points", "replications"})
    out.set_attribute("/", name, std::string(name) == "design_points" ? std::int64_t{1} : n);
  out.set_attribute("/", "branch_at", std::int64_t{0});
  out.set_attribute("/", "scenario_name", std::string("One replication"));
  const std::vector<std::string> runs = {"run", "design_point", "replication", "seed",
                                         "profit_per_year:Acme"};
  out.write_column("/experiment/columns/runs", runs, "");
  for (std::size_t c = 0; c + 1 < runs.size(); ++c)
    out.write_column("/experiment/runs/" + runs[c], std::vector<std::int64_t>{0}, "", "");
  out.write_column("/experiment/runs/profit_per_year:Acme", std::vector<double>{profit}, "", "");
  std::vector<std::string> summary = {"design_point", "metric",    "firm", "n",   "mean", "sd",
                                      "ci95_low",     "ci95_high", "p5",   "p50", "p95"};
  if (in_market >= 0) {
    summary.insert(summary.begin() + 4, "in_market");
    out.write_column("/experiment/summary/in_market",
                     std::vector<std::int64_t>{in_market, in_market}, "", "");
  }
  out.write_column("/experiment/columns/summary", summary, "");
  out.write_column("/experiment/summary/design_point", std::vector<std::int64_t>{0, 0}, "", "");
  out.write_column("/experiment/summary/metric",
                   std::vector<std::string>{"profit_per_year", "market_share"}, "");
  out.write_column("/experiment/summary/firm", std::vector<std::string>{"Acme", "Acme"}, "");
  out.write_column("/experiment/summary/n", std::vector<std::int64_t>{n, n}, "", "");
  for (const char* c : {"mean", "p5", "p50", "p95"})
    out.write_column(std::string("/experiment/summary/") + c, std::vector<double>{profit, share},
                     "", "");
  const double spread = n > 1 ? 0.0 : kNaN;
  for (const char* c : {"sd", "ci95_low", "ci95_high"})
    out.write_column(std::string("/experiment/summary/") + c,
                     std::vector<double>{n > 1 && c[0] == 'c' ? profit : spread,
                                         std::isnan(share)      ? kNaN
                                         : n > 1 && c[0] == 'c' ? share
                                                                : spread},
                     "", "");
  out.commit();
}

}  // namespace

TEST_CASE("experiment report: undefined statistics are empty CSV cells and n/a, never nan",
          "[experiment_report]") {
  TempDir dir;
  write_design_point(dir.file("one.h5"));
  const msim::ExperimentTables t = msim::read_experiment_tables(dir.file("one.h5"));
  REQUIRE(t.summary.rows.size() == 2);
  CHECK(t.summary.rows[0][5].empty());  // sd
  CHECK(t.summary.rows[0][6].empty());  // ci95_low
  CHECK(t.summary.rows[0][4] == "1234.5");
  const auto paths = msim::write_experiment_csv(t, dir.file("tables") + "/");
  REQUIRE(paths.size() == 3);  // runs, summary, columns
  const std::string csv = slurp(paths[1]);
  CHECK_THAT(csv, !Contains("nan"));
  CHECK_THAT(csv, Contains("0,profit_per_year,Acme,1,1234.5,,,,1234.5,1234.5,1234.5\n"));
  const std::string text = msim::format_experiment_summary(dir.file("one.h5"));
  INFO(text);
  CHECK_THAT(text, !Contains("nan"));
  CHECK_THAT(text, Contains("mean ± 95% CI"));
  CHECK_THAT(text, Contains("1.2k ± n/a"));
  CHECK_THAT(text, Contains("25.0% ± n/a") && !Contains("n/a%"));
  CHECK_THAT(text, !Contains("p5 and p95 lie close"));  // one replication has no p5 to explain
}

TEST_CASE("experiment report: a market share without a mean is n/a, not n/a% ± n/a",
          "[experiment_report]") {
  TempDir dir;
  // No run sold anything in its last step: every statistic of the market share is NaN.
  write_design_point(dir.file("unsold.h5"), 4, -1, 1234.5, kNaN);
  const std::string text = msim::format_experiment_summary(dir.file("unsold.h5"));
  INFO(text);
  CHECK_THAT(text, !Contains("n/a%") && !Contains("n/a ± n/a"));
  CHECK_THAT(text, Contains("      n/a      n/a      n/a            n/a\n"));
  // One replication with a share: the mean is shown, its interval is not.
  write_design_point(dir.file("one.h5"), 1, -1, 1234.5, 0.25);
  CHECK_THAT(msim::format_experiment_summary(dir.file("one.h5")), Contains("25.0% ± n/a"));
}

TEST_CASE(
    "experiment report: money rolls over to the next unit, and past trillions has an "
    "exponent",
    "[experiment_report]") {
  TempDir dir;
  write_design_point(dir.file("million.h5"), 4, -1, 999950.0);
  const std::string million = msim::format_experiment_summary(dir.file("million.h5"));
  INFO(million);
  CHECK_THAT(million, Contains("    1.00M     1.00M     1.00M ") && Contains(" 1.00M ± 0 ") &&
                          !Contains("1000.0k"));
  write_design_point(dir.file("huge.h5"), 4, -1, -1e15);
  const std::string huge = msim::format_experiment_summary(dir.file("huge.h5"));
  INFO(huge);
  CHECK_THAT(huge, Contains("-1.00e+15 -1.00e+15 -1.00e+15 ") && !Contains("00B"));
}

TEST_CASE("experiment report: firms in the market in some runs or none are named",
          "[experiment_report]") {
  TempDir dir;
  write_design_point(dir.file("some.h5"), 4, 3);
  const std::string some = msim::format_experiment_summary(dir.file("some.h5"));
  INFO(some);
  CHECK_THAT(some, Contains("Acme                  1.2k"));
  CHECK_THAT(some, Contains("In the market in only some runs (their statistics count the others "
                            "as 0): Acme in 3 of 4 runs of design point 0."));
  write_design_point(dir.file("none.h5"), 4, 0);
  const std::string none = msim::format_experiment_summary(dir.file("none.h5"));
  INFO(none);
  CHECK_THAT(none, Contains("Acme             not in market in any run\n"));
  CHECK_THAT(none, !Contains("1.2k"));
  write_design_point(dir.file("all.h5"), 4, 4);
  CHECK_THAT(msim::format_experiment_summary(dir.file("all.h5")),
             Contains("Acme                  1.2k") && !Contains("not in market") &&
                 !Contains("only some runs"));
}

TEST_CASE("experiment report: --csv file names", "[experiment_report]") {
  TempDir dir;
  CHECK(msim::csv_path("lhs", "runs") == "lhs-runs.csv");
  CHECK(msim::csv_path("lhs-", "runs") == "lhs-runs.csv");
  CHECK(msim::csv_path("out/lhs_", "summary") == "out/lhs_summary.csv");
  CHECK(msim::csv_path("tables/", "market") == "tables/market.csv");
  fs::create_directory(dir / "existing");
  CHECK(msim::csv_path(dir.file("existing"), "market") == (dir / "existing" / "market.csv"));
}

TEST_CASE("experiment report: a CSV file is written through a temporary file",
          "[experiment_report]") {
  TempDir dir;
  msim::ExperimentTable t;
  t.columns = {"a", "b"};
  t.rows = {{"1", "x, y"}, {"2", "say \"hi\""}};
  const std::string path = dir.file("t.csv");
  msim::write_csv(t, path);
  CHECK(slurp(path) == "a,b\n1,\"x, y\"\n2,\"say \"\"hi\"\"\"\n");
  CHECK_FALSE(fs::exists(path + ".partial"));
  // When the temporary file cannot be written, the existing file is kept as it was.
  std::ofstream(path) << "a,b\nold\n";
  fs::create_directory(path + ".partial");
  CHECK_THROWS_AS(msim::write_csv(t, path), msim::OutputError);
  CHECK(slurp(path) == "a,b\nold\n");
  CHECK(fs::is_directory(path + ".partial"));  // not ours: left alone
  fs::remove(path + ".partial");
  msim::write_csv(t, path);  // an existing file is replaced whole
  CHECK(slurp(path) == "a,b\n1,\"x, y\"\n2,\"say \"\"hi\"\"\"\n");
}

TEST_CASE("experiment report: a set of CSV tables is replaced together or not at all",
          "[experiment_report]") {
  TempDir dir;
  msim::ExperimentTable t;
  t.columns = {"a"};
  t.rows = {{"1"}};
  const std::string first = dir.file("summary.csv"), second = dir.file("market.csv");
  std::ofstream(first) << "a\nold summary\n";
  std::ofstream(second) << "a\nold market\n";
  fs::create_directory(second + ".partial");  // the second table cannot be written
  CHECK_THROWS_WITH(msim::write_csv_files({{&t, first}, {&t, second}}),
                    Catch::Contains("market.csv.partial"));
  CHECK(slurp(first) == "a\nold summary\n");  // it was replaced before the second failed
  CHECK_FALSE(fs::exists(first + ".partial"));
  fs::remove(second + ".partial");
  msim::write_csv_files({{&t, first}, {&t, second}});
  CHECK(slurp(first) == "a\n1\n");
  CHECK(slurp(second) == "a\n1\n");
}

TEST_CASE("experiment report: a single run's summary and market tables", "[experiment_report]") {
  TempDir dir;
  const msim::Scenario sc =
      msim::load_scenario_file(std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml",
                               {"consumers=3000", "steps=5", "firms.Mass.budget_per_year=0",
                                "market.initial_awareness=0.5"});
  {
    auto rec = msim::make_hdf5_recorder(dir.file("run.h5"));
    msim::run_simulation(sc, *rec);
  }
  const msim::NamedTables tables = msim::run_csv_tables(dir.file("run.h5"));
  REQUIRE(tables.size() == 4);
  CHECK(tables[0].first == "summary");
  CHECK(tables[1].first == "market");
  CHECK(tables[2].first == "categories");
  CHECK(tables[2].second.rows.size() == 5 * 2 * 4);  // steps x tiny.yaml's categories x firms
  CHECK(tables[3].first == "years");
  CHECK(tables[3].second.rows.size() == 4);  // one partial year of 5 weeks, 4 firms
  const msim::ExperimentTable& summary = tables[0].second;
  REQUIRE(summary.rows.size() == 4);
  CHECK(std::vector<std::string>(summary.columns.begin(), summary.columns.begin() + 10) ==
        std::vector<std::string>{"firm", "strategy", "in_market", "market_share_fraction",
                                 "customer_share_fraction", "penetration_fraction",
                                 "awareness_fraction", "cumulative_profit", "profit_per_year",
                                 "roi"});
  CHECK(summary.rows[0][0] == "Mass");
  CHECK(summary.rows[0][9].empty());  // no marketing spend: ROI undefined
  CHECK_FALSE(summary.rows[1][9].empty());
  const msim::Hdf5Reader in(dir.file("run.h5"));
  const msim::Table share = in.table("/market/market_share");
  CHECK(std::stod(summary.rows[1][3]) == share.values[4 * 4 + 1]);  // a fraction, last step
  const msim::ExperimentTable& market = tables[1].second;
  CHECK(market.rows.size() == 5 * 4);
  REQUIRE(market.columns.size() > 3);
  CHECK(std::vector<std::string>(market.columns.begin(), market.columns.begin() + 3) ==
        std::vector<std::string>{"step", "week", "firm"});
  std::size_t metrics = 0;
  for (const std::string& name : in.list("/market"))
    if (name != "by_category" && name != "saturation") ++metrics;
  CHECK(market.columns.size() == 3 + metrics);
  const auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(market.columns.begin(), market.columns.end(), name) -
                                    market.columns.begin());
  };
  const std::size_t units = column("units");
  REQUIRE(units < market.columns.size());
  const msim::Table sold = in.table("/market/units");
  for (std::size_t k = 0; k < market.rows.size(); ++k) {
    CHECK(market.rows[k][0] == std::to_string(k / 4));      // step
    CHECK(market.rows[k][1] == std::to_string(k / 4 + 1));  // week
    CHECK(market.rows[k][2] == summary.rows[k % 4][0]);     // firm
    CHECK(std::stod(market.rows[k][units]) == sold.values[k]);
  }
}

TEST_CASE("experiment report: a single run's figures by year", "[experiment_report]") {
  TempDir dir;
  // Years of 4 steps over 10 steps: two whole years and a partial one of 2 steps.
  const msim::Scenario sc =
      msim::load_scenario_file(std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml",
                               {"consumers=3000", "steps=10", "steps_per_year=4",
                                "firms.OneToOne.loyalty_program={every: 2, reward: 0.5}"});
  {
    auto rec = msim::make_hdf5_recorder(dir.file("run.h5"));
    msim::run_simulation(sc, *rec);
  }
  const msim::ExperimentTable years = msim::year_table(dir.file("run.h5"), 4);
  CHECK(years.columns ==
        std::vector<std::string>{
            "year", "from_step", "to_step", "from_quarter", "to_quarter", "steps", "firm", "units",
            "unit_share_fraction", "revenue", "value_share_fraction", "variable_cost", "fixed_cost",
            "marketing_spend", "program_cost", "profit", "cumulative_profit", "complete"});
  const msim::Hdf5Reader in(dir.file("run.h5"));
  const auto firms = in.strings("/firms/name");
  const std::size_t F = firms.size();
  REQUIRE(years.rows.size() == 3 * F);
  const auto sum = [&](const std::string& metric, std::size_t from, std::size_t to, std::size_t j) {
    const msim::Table t = in.table("/market/" + metric);
    double s = 0;
    for (std::size_t step = from; step < to; ++step) s += t.values[step * F + j];
    return s;
  };
  double program_cost = 0;
  for (std::size_t y = 0; y < 3; ++y) {
    const std::size_t from = 4 * y, to = std::min<std::size_t>(10, from + 4);
    double share = 0;
    for (std::size_t j = 0; j < F; ++j) {
      const auto& row = years.rows[y * F + j];
      INFO("year " << y + 1 << ", " << firms[j]);
      CHECK(row[0] == std::to_string(y + 1));
      CHECK(row[1] == std::to_string(from));
      CHECK(row[2] == std::to_string(to - 1));
      CHECK(row[3] == std::to_string(from + 1));  // quarters, counted from 1
      CHECK(row[4] == std::to_string(to));
      CHECK(row[5] == std::to_string(to - from));
      CHECK(row[6] == firms[j]);
      CHECK(std::stod(row[7]) == Approx(sum("units", from, to, j)));
      // Money in cents that add up over the years (running_cents): each year within a cent.
      const auto cents = [](double v) { return Approx(v).margin(0.01 + 1e-9); };
      CHECK(std::stod(row[9]) == cents(sum("revenue", from, to, j)));
      CHECK(std::stod(row[12]) == cents(sum("fixed_cost", from, to, j)));
      CHECK(std::stod(row[13]) == cents(sum("marketing_spend", from, to, j)));
      CHECK(std::stod(row[14]) ==
            cents(sum("loyalty_cost", from, to, j) + sum("referral_cost", from, to, j)));
      CHECK(std::stod(row[15]) == cents(sum("profit", from, to, j)));
      CHECK(std::stod(row[16]) == Approx(sum("profit", 0, to, j)).margin(0.005 + 1e-9));
      CHECK(row[17] == "1");  // the last year's 2 steps are all the scenario gives it
      share += std::stod(row[8]);
      program_cost += std::stod(row[14]);
    }
    CHECK(share == Approx(1.0));
  }
  CHECK(program_cost > 0);  // the loyalty program paid rewards
}

TEST_CASE("experiment report: a run's summary table has the durables columns, named apart",
          "[experiment_report]") {
  TempDir dir;
  const msim::Scenario sc = msim::load_scenario_file(
      std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/textbook/planned_obsolescence.yaml",
      {"consumers=3000", "steps=30"});
  {
    auto rec = msim::make_hdf5_recorder(dir.file("run.h5"));
    msim::run_simulation(sc, *rec);
  }
  const msim::ExperimentTable summary = msim::run_csv_tables(dir.file("run.h5"))[0].second;
  const auto at = std::find(summary.columns.begin(), summary.columns.end(), "durable_units");
  REQUIRE(at != summary.columns.end());
  CHECK(std::find(summary.columns.begin(), summary.columns.end(), "units") ==
        summary.columns.end());
  CHECK(std::find(summary.columns.begin(), summary.columns.end(), "cumulative_profit") !=
        summary.columns.end());
  // The durable units are the durables table's, which sums /market/by_category/units over
  // the durable categories.
  const msim::Summary s = msim::summarize_file(dir.file("run.h5"));
  REQUIRE_FALSE(s.durables.empty());
  const auto column = static_cast<std::size_t>(at - summary.columns.begin());
  for (const auto& row : summary.rows)
    for (const msim::DurablesRow& d : s.durables)
      if (d.firm == row[0]) {
        INFO(d.firm);
        if (row[2] == "0")  // not in the market (the rival enters later): empty cells
          CHECK(row[column].empty());
        else
          CHECK(std::stod(row[column]) == Approx(d.units));
      }
}

TEST_CASE("experiment report: a run's summary table has no loyalty for a firm nobody bought from",
          "[experiment_report]") {
  TempDir dir;
  // Durabox asks so much that nobody buys: its loyalty (0 in the file) is undefined, n/a in the
  // printed summary.
  const msim::Scenario sc = msim::load_scenario_file(
      std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/textbook/planned_obsolescence.yaml",
      {"consumers=3000", "steps=10", "firms.Durabox.price=100000"});
  {
    auto rec = msim::make_hdf5_recorder(dir.file("run.h5"));
    msim::run_simulation(sc, *rec);
  }
  const msim::ExperimentTable summary = msim::run_csv_tables(dir.file("run.h5"))[0].second;
  const auto cell = [&](const std::string& column) {
    const auto at = std::find(summary.columns.begin(), summary.columns.end(), column);
    REQUIRE(at != summary.columns.end());
    return summary.rows[0][static_cast<std::size_t>(at - summary.columns.begin())];
  };
  REQUIRE(summary.rows[0][0] == "Durabox");
  CHECK(cell("in_market") == "1");
  CHECK(cell("loyalty").empty());
  CHECK(cell("durable_units") == "0");  // none sold, and said so
}

TEST_CASE("experiment report: a run's early failure share is the one the summary prints",
          "[experiment_report]") {
  // Counted from the first step a product can have reached the reference life, where the
  // summary starts; over the whole run, every failure before it would count as early.
  TempDir dir;
  const msim::Scenario sc = msim::load_scenario_file(
      std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/textbook/planned_obsolescence.yaml",
      {"consumers=3000"});
  {
    auto rec = msim::make_hdf5_recorder(dir.file("run.h5"));
    msim::run_simulation(sc, *rec);
  }
  const msim::ExperimentTable summary = msim::run_csv_tables(dir.file("run.h5"))[0].second;
  const auto at =
      std::find(summary.columns.begin(), summary.columns.end(), "early_failures_fraction");
  REQUIRE(at != summary.columns.end());
  const auto column = static_cast<std::size_t>(at - summary.columns.begin());
  const msim::Summary s = msim::summarize_file(dir.file("run.h5"));
  REQUIRE(s.early_from > 0);
  std::size_t checked = 0;
  for (const auto& row : summary.rows)
    for (const msim::DurablesRow& d : s.durables)
      if (d.firm == row[0] && d.failures_judged > 0) {
        INFO(d.firm << ": " << d.early_judged << " of " << d.failures_judged << " from step "
                    << s.early_from << ", " << d.early_failures << " of " << d.failures
                    << " over the run");
        CHECK(std::stod(row[column]) == Approx(d.early_judged / d.failures_judged).epsilon(1e-9));
        CHECK(d.early_judged / d.failures_judged < d.early_failures / d.failures);
        ++checked;
      }
  CHECK(checked > 0);
}

TEST_CASE("experiment report: tables of a market at a scale other than 1 say so in a column",
          "[experiment_report]") {
  // At scale 0.1 money and units are a tenth of the full market's: a table opened alone in a
  // spreadsheet must not read as the full market's.
  TempDir dir;
  const std::string tiny = std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml";
  for (const double scale : {0.1, 1.0}) {
    const msim::Scenario sc = msim::load_scenario_file(
        tiny, {"consumers=30000", "steps=3", "scale=" + std::to_string(scale)});
    {
      auto rec = msim::make_hdf5_recorder(dir.file("run.h5"));
      msim::run_simulation(sc, *rec);
    }
    for (const auto& [name, table] : msim::run_csv_output(dir.file("run.h5"))) {
      INFO(name << " at scale " << scale);
      if (name == "columns") {  // says what the others' columns are, the scale among them
        const auto scales = std::count_if(table.rows.begin(), table.rows.end(),
                                          [](const auto& row) { return row[1] == "scale"; });
        CHECK(scales == (scale != 1.0 ? 4 : 0));
        continue;
      }
      const bool has = table.columns.back() == "scale";
      CHECK(has == (scale != 1.0));
      if (has)
        for (const auto& row : table.rows) CHECK(row.back() == "0.1");
    }
  }
}

TEST_CASE("experiment report: CSV reals are rounded, money to cents, others to 12 digits",
          "[experiment_report]") {
  CHECK(msim::csv_real(5999.9999999999945, true) == "6000");
  CHECK(msim::csv_real(99645.63999999996, true) == "99645.64");
  CHECK(msim::csv_real(-1234.005000001, true) == "-1234.01");
  CHECK(msim::csv_real(-0.001, true) == "0");  // never "-0"
  CHECK(msim::csv_real(0.1 + 0.2, false) == "0.3");
  CHECK(msim::csv_real(0.16900350525788682, false) == "0.169003505258");
  CHECK(msim::csv_real(7.694146289359196, false) == "7.69414628936");
  CHECK(msim::csv_real(1.5e-7, false) == "0.00000015");
  CHECK(msim::csv_real(kNaN, false).empty());
  CHECK(msim::money_unit("money over the run"));
  CHECK(msim::money_unit("money per year"));
  // The units of a run's /market datasets: a step's money is a sum of cents; a price or unit
  // cost (an average price paid, a cost on the experience curve) and CLV are not.
  CHECK(msim::money_unit("money"));
  CHECK(msim::money_unit("money over the year"));
  CHECK_FALSE(msim::money_unit("money per unit"));
  CHECK_FALSE(msim::money_unit("money per customer"));
  CHECK_FALSE(msim::money_unit("moneyish"));
  CHECK_FALSE(msim::money_unit("money per money of marketing"));
  CHECK_FALSE(msim::money_unit("fraction"));
  CHECK_FALSE(msim::money_unit(""));
}

TEST_CASE(
    "experiment report: CSV reals are plain decimals, with an exponent only past 1e-12 "
    "and 1e21",
    "[experiment_report]") {
  // Small changes of a share, as differences.csv has them, in fixed notation with their 12
  // significant digits.
  CHECK(msim::csv_real(-2.8465450561312345e-05, false) == "-0.0000284654505613");
  CHECK(msim::csv_real(2.0789745526712345e-07, false) == "0.000000207897455267");
  CHECK(msim::csv_real(0.000123, false) == "0.000123");
  CHECK(msim::csv_real(1e-12, false) == "0.000000000001");
  CHECK(msim::csv_real(-0.004, true) == "0");  // under a cent
  CHECK(msim::csv_real(0.05, true) == "0.05");
  // Large sums in full, to the cent, or to 12 significant digits.
  CHECK(msim::csv_real(1e15, true) == "1000000000000000");
  CHECK(msim::csv_real(1234567890123456.7, false) == "1234567890120000");
  CHECK(msim::csv_real(-3.5e20, false) == "-350000000000000000000");
  // Past them a plain decimal would be mostly zeros.
  CHECK(msim::csv_real(1.5e-13, false) == "1.5e-13");
  CHECK(msim::csv_real(-2e21, true) == "-2e+21");
  CHECK(msim::csv_real(0.0, false) == "0");

  // In the files: a differences table of small changes.
  TempDir dir;
  {
    msim::Hdf5Output out(dir.file("e.h5"));
    out.set_attribute("/", "scenario_name", std::string("Small"));
    out.write_column("/experiment/columns/runs", std::vector<std::string>{"run", "roi:Acme"}, "");
    out.write_column("/experiment/runs/run", std::vector<std::string>{"00000"}, "");
    out.write_column("/experiment/runs/roi:Acme", std::vector<double>{3.25e-6},
                     "money per money of marketing", "");
    const std::vector<std::string> columns = {"design_point", "metric", "unit", "firm", "mean"};
    for (const char* table : {"summary", "differences"}) {
      const std::string at = std::string("/experiment/") + table + "/";
      out.write_column(std::string("/experiment/columns/") + table, columns, "");
      out.write_column(at + "design_point", std::vector<std::int64_t>{1, 1}, "", "");
      out.write_column(at + "metric", std::vector<std::string>{"market_share", "revenue"}, "");
      out.write_column(at + "unit", std::vector<std::string>{"fraction", "money over the run"}, "");
      out.write_column(at + "firm", std::vector<std::string>{"Acme", "Acme"}, "");
      out.write_column(at + "mean", std::vector<double>{-2.8465450561312345e-05, 0.0400000001},
                       "the row's unit", "");
    }
    out.commit();
  }
  const auto paths = msim::write_experiment_csv(msim::read_experiment_tables(dir.file("e.h5")),
                                                dir.file("tables") + "/");
  REQUIRE(paths.size() == 4);
  CHECK(csv_rows(slurp(paths[0]))[1][1] == "0.00000325");
  for (std::size_t k : {1, 2}) {
    INFO(paths[k]);
    const auto rows = csv_rows(slurp(paths[k]));
    REQUIRE(rows.size() == 3);
    CHECK(rows[1][4] == "-0.0000284654505613");
    CHECK(rows[2][4] == "0.04");
  }
}

TEST_CASE(
    "experiment report: the CSV files hold no binary noise, seeds exactly, and "
    "columns.csv says what each runs column is",
    "[experiment_report]") {
  TempDir dir;
  {
    msim::Hdf5Output out(dir.file("e.h5"));
    out.set_attribute("/", "scenario_name", std::string("Noise"));
    const std::vector<std::string> runs = {
        "run",           "design_point",         "replication",
        "seed",          "market.cpm_mass",      "market_share:Acme",
        "revenue:Acme",  "profit_per_year:Acme", "roi:Acme",
        "in_market:Acme"};
    out.write_column("/experiment/columns/runs", runs, "");
    out.write_column("/experiment/runs/run", std::vector<std::string>{"00000", "00001"}, "");
    for (const char* c : {"design_point", "replication", "in_market:Acme"})
      out.write_column(std::string("/experiment/runs/") + c, std::vector<std::int64_t>{0, 1}, "",
                       "");
    out.write_column("/experiment/runs/seed", std::vector<std::int64_t>{2026, 6504514828379892413},
                     "", "the run's seed");
    out.write_column("/experiment/runs/market.cpm_mass", std::vector<double>{7.694146289359196, 10},
                     "", "value of the key path");
    out.write_column("/experiment/runs/market_share:Acme",
                     std::vector<double>{0.16900350525788682, 0.1 + 0.2}, "fraction",
                     "market_share of firm 'Acme': unit share in the last step");
    out.write_column("/experiment/runs/revenue:Acme",
                     std::vector<double>{99645.63999999996, 5999.9999999999945},
                     "money over the run", "revenue of firm 'Acme': revenue over the run");
    out.write_column("/experiment/runs/profit_per_year:Acme",
                     std::vector<double>{1234.5678901234, kNaN}, "money per year", "");
    out.write_column("/experiment/runs/roi:Acme", std::vector<double>{2.0000000000000004, 0.5},
                     "money per money of marketing", "");
    const std::vector<std::string> summary = {"design_point", "metric", "unit",
                                              "firm",         "n",      "mean"};
    out.write_column("/experiment/columns/summary", summary, "");
    out.write_column("/experiment/summary/design_point", std::vector<std::int64_t>{0, 0}, "", "");
    out.write_column("/experiment/summary/metric",
                     std::vector<std::string>{"revenue", "market_share"}, "");
    out.write_column("/experiment/summary/unit",
                     std::vector<std::string>{"money over the run", "fraction"}, "");
    out.write_column("/experiment/summary/firm", std::vector<std::string>{"Acme", "Acme"}, "");
    out.write_column("/experiment/summary/n", std::vector<std::int64_t>{2, 2}, "", "");
    out.write_column("/experiment/summary/mean",
                     std::vector<double>{52822.819999999985, 0.23450175262894342}, "the row's unit",
                     "");
    out.set_attribute("/", "scale", 0.1);
    out.commit();
  }
  const msim::ExperimentTables t = msim::read_experiment_tables(dir.file("e.h5"));
  // The tables in memory keep the file's values in full.
  CHECK(t.runs.rows[0][6] == "99645.63999999996");
  const auto paths = msim::write_experiment_csv(t, dir.file("tables") + "/");
  REQUIRE(paths.size() == 3);
  CHECK(paths[2] == (dir / "tables" / "columns.csv").string());

  const auto runs = csv_rows(slurp(paths[0]));
  REQUIRE(runs.size() == 3);
  CHECK(runs[0].back() == "scale");
  // A design point's key value in full (--set reruns it), the results rounded.
  CHECK(runs[1] == std::vector<std::string>{"00000", "0", "0", "2026", "7.694146289359196",
                                            "0.169003505258", "99645.64", "1234.57", "2", "0",
                                            "0.1"});
  CHECK(runs[2] == std::vector<std::string>{"00001", "1", "1", "6504514828379892413", "10", "0.3",
                                            "6000", "", "0.5", "1", "0.1"});
  const auto summary = csv_rows(slurp(paths[1]));
  REQUIRE(summary.size() == 3);
  CHECK(summary[1][5] == "52822.82");        // money by the row's unit: cents
  CHECK(summary[2][5] == "0.234501752629");  // a fraction: 12 digits
  CHECK(summary[1].back() == "0.1");         // the scale column

  // columns.csv: one row per runs.csv column, in order, each with a unit.
  const auto columns = csv_rows(slurp(paths[2]));
  REQUIRE(columns.size() == runs[0].size() + 1);
  CHECK(columns[0] == std::vector<std::string>{"column", "metric", "firm", "unit", "meaning"});
  for (std::size_t c = 0; c < runs[0].size(); ++c) {
    INFO(runs[0][c]);
    CHECK(columns[c + 1][0] == runs[0][c]);
    CHECK_FALSE(columns[c + 1][3].empty());
  }
  CHECK(columns[6] == std::vector<std::string>{"market_share:Acme", "market_share", "Acme",
                                               "fraction",
                                               "market_share of firm 'Acme': unit share in the "
                                               "last step"});
  CHECK(columns[7][3] == "money over the run");
  CHECK(columns[9][3] == "money per money of marketing");
  CHECK(columns[10][1] == "in_market");
  CHECK(columns[10][2] == "Acme");
  CHECK(columns[4][0] == "seed");
  CHECK(columns[4][2].empty());
  CHECK(columns[11][0] == "scale");

  // No number in any file has more than 12 significant digits but the seeds (integers) and the
  // key value (in full), nor money more than 2 decimals.
  for (const auto& path : paths)
    for (const auto& row : csv_rows(slurp(path)))
      for (const std::string& cell : row) {
        if (cell.empty() || cell.find_first_not_of("0123456789.-+e") != std::string::npos ||
            cell == "6504514828379892413" || cell == "7.694146289359196")
          continue;
        INFO(path << ": " << cell);
        CHECK(digits_and_decimals(cell).first <= msim::kCsvDigits);
      }
  for (const std::size_t c : {6, 7})
    for (std::size_t r = 1; r < runs.size(); ++r)
      CHECK(digits_and_decimals(runs[r][c]).second <= 2);
}

TEST_CASE(
    "experiment report: a single run's CSV files hold no binary noise, and columns.csv gives "
    "every column's unit",
    "[experiment_report]") {
  TempDir dir;
  // Loyalty and referral programs: program costs, CLV and referral columns; a scale: money in
  // fractions of a cent and a scale column.
  const msim::Scenario sc =
      msim::load_scenario_file(std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml",
                               {"consumers=3000", "steps=30", "scale=0.3",
                                "firms.OneToOne.loyalty_program={every: 3, reward: 0.37}",
                                "firms.OneToOne.referral_program={multiplier: 2, reward: 1.13}"});
  {
    auto rec = msim::make_hdf5_recorder(dir.file("run.h5"));
    msim::run_simulation(sc, *rec);
  }
  const msim::NamedTables tables = msim::run_csv_output(dir.file("run.h5"));
  const auto paths = msim::write_csv_tables(tables, dir.file("t") + "/");
  REQUIRE(paths.size() >= 4);
  CHECK(paths.size() == 5);
  const std::string columns_csv = (dir / "t" / "columns.csv").string();
  CHECK(paths.back() == columns_csv);
  const auto described = csv_rows(slurp(columns_csv));
  CHECK_FALSE(described.empty());
  if (!described.empty())
    CHECK(described[0] == std::vector<std::string>{"table", "column", "unit", "meaning"});
  const auto unit_of = [&](const std::string& table, const std::string& column) {
    for (const auto& row : described)
      if (row.size() == 4 && row[0] == table && row[1] == column) return row[2];
    return std::string("(none)");
  };
  // The market's metrics carry their datasets' units: a price is money per unit, CLV money per
  // customer.
  CHECK(unit_of("market", "price") == "money per unit");
  CHECK(unit_of("market", "unit_cost") == "money per unit");
  CHECK(unit_of("market", "clv") == "money per customer");
  CHECK(unit_of("market", "revenue") == "money");
  CHECK(unit_of("market", "market_share") == "fraction");
  CHECK(unit_of("summary", "clv") == "money per customer");
  CHECK(unit_of("summary", "cumulative_profit") == "money over the run");
  CHECK(unit_of("years", "revenue") == "money over the year");
  CHECK(unit_of("years", "scale") == "factor");
  CHECK(unit_of("categories", "revenue") == "money");
  CHECK(unit_of("categories", "customer_share") == "fraction");

  std::size_t reals = 0, money_cells = 0, rows_described = 1;
  for (std::size_t k = 0; k < 4; ++k) {
    const auto rows = csv_rows(slurp(paths[k]));
    REQUIRE(rows.size() > 1);
    const std::string& table = tables[k].first;
    for (std::size_t c = 0; c < rows[0].size(); ++c) {
      // Every column is in columns.csv, in order, with a unit and a meaning.
      const auto doc = rows_described < described.size() ? described[rows_described]
                                                         : std::vector<std::string>{};
      ++rows_described;
      INFO(table << "." << rows[0][c]);
      CHECK(doc.size() == 4);
      CHECK(doc == std::vector<std::string>{table, rows[0][c], doc.size() > 2 ? doc[2] : "",
                                            doc.size() > 3 ? doc[3] : ""});
      CHECK_FALSE((doc.size() > 2 && doc[2].empty()));
      CHECK_FALSE((doc.size() > 3 && doc[3].empty()));
      const bool money = doc.size() > 2 && msim::money_unit(doc[2]);
      for (std::size_t r = 1; r < rows.size(); ++r) {
        const std::string& cell = rows[r][c];
        if (cell.empty() || cell.find_first_not_of("0123456789.-+e") != std::string::npos) continue;
        INFO(cell);
        const auto [digits, decimals] = digits_and_decimals(cell);
        CHECK(digits <= static_cast<std::size_t>(msim::kCsvDigits));
        reals += decimals > 0 ? 1 : 0;
        if (money) {
          ++money_cells;
          CHECK(decimals <= 2);
        }
      }
    }
  }
  CHECK(rows_described == described.size());  // and nothing else
  CHECK(reals > 0);
  CHECK(money_cells > 0);
  // The tables in memory keep full precision: only the files are rounded.
  const msim::Hdf5Reader in(dir.file("run.h5"));
  const msim::Table price = in.table("/market/price");
  const auto& market = tables[1].second;
  const auto at = std::find(market.columns.begin(), market.columns.end(), "price");
  REQUIRE(at != market.columns.end());
  CHECK(std::stod(market.rows[0][static_cast<std::size_t>(at - market.columns.begin())]) ==
        price.values[0]);
}

TEST_CASE(
    "experiment report: a single run's weeks add up to its years to the cent, and stay within a "
    "cent of the file",
    "[experiment_report]") {
  TempDir dir;
  // Budgets spread over 52 weeks (40000 a year is 769.2307... a week: rounded alone, 52 weeks
  // read 39999.96), a loyalty program's rewards, and a last, partial year.
  const msim::Scenario sc = msim::load_scenario_file(
      std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml",
      {"consumers=3000", "steps=70", "firms.OneToOne.loyalty_program={every: 3, reward: 0.37}",
       "firms.Mass.fixed_cost_per_year=5000"});
  {
    auto rec = msim::make_hdf5_recorder(dir.file("run.h5"));
    msim::run_simulation(sc, *rec);
  }
  const auto paths =
      msim::write_csv_tables(msim::run_csv_output(dir.file("run.h5")), dir.file("t") + "/");
  const auto market = csv_rows(slurp(dir.file("t") + "/market.csv"));
  const auto years = csv_rows(slurp(dir.file("t") + "/years.csv"));
  REQUIRE(market.size() == 1 + 70 * 4);
  REQUIRE(years.size() == 1 + 2 * 4);
  const auto column = [](const std::vector<std::string>& header, const std::string& name) {
    const auto at = std::find(header.begin(), header.end(), name);
    REQUIRE(at != header.end());
    return static_cast<std::size_t>(at - header.begin());
  };
  const auto cents = [](const std::string& cell) {
    return cell.empty() ? std::int64_t{0} : std::llround(std::stod(cell) * 100.0);
  };
  const msim::Hdf5Reader in(dir.file("run.h5"));
  std::size_t checked = 0;
  for (const std::string metric :
       {"revenue", "fixed_cost", "marketing_spend", "profit", "program_cost"}) {
    for (std::size_t y = 1; y < years.size(); ++y) {
      const std::string& firm = years[y][column(years[0], "firm")];
      const auto from = std::stoul(years[y][column(years[0], "from_step")]);
      const auto to = std::stoul(years[y][column(years[0], "to_step")]);
      std::int64_t sum = 0;
      for (std::size_t r = 1; r < market.size(); ++r) {
        const auto step = std::stoul(market[r][column(market[0], "step")]);
        if (market[r][column(market[0], "firm")] != firm || step < from || step > to) continue;
        if (metric == "program_cost")
          sum += cents(market[r][column(market[0], "loyalty_cost")]) +
                 cents(market[r][column(market[0], "referral_cost")]);
        else
          sum += cents(market[r][column(market[0], metric)]);
      }
      INFO(metric << ", year " << years[y][0] << ", " << firm);
      CHECK(sum == cents(years[y][column(years[0], metric)]));
      ++checked;
    }
  }
  CHECK(checked == 5 * 8);
  // A year's row is a profit and loss statement that adds up to the cent, and its variable cost
  // is the file's unit costs times units.
  const msim::Table unit_cost = in.table("/market/by_category/unit_cost");  // [T, C, F]
  const msim::Table units = in.table("/market/by_category/units");
  const std::size_t C = unit_cost.shape.at(1), F = unit_cost.shape.at(2);
  for (std::size_t y = 1; y < years.size(); ++y) {
    const auto cell = [&](const std::string& name) {
      return cents(years[y][column(years[0], name)]);
    };
    CHECK(cell("revenue") - cell("variable_cost") - cell("fixed_cost") - cell("marketing_spend") -
              cell("program_cost") ==
          cell("profit"));
    const auto j = static_cast<std::size_t>(y - 1) % F;  // rows are year by year, firm by firm
    double cost = 0;
    for (auto t = std::stoul(years[y][column(years[0], "from_step")]);
         t <= std::stoul(years[y][column(years[0], "to_step")]); ++t)
      for (std::size_t c = 0; c < C; ++c)
        cost += unit_cost.values[(t * C + c) * F + j] * units.values[(t * C + c) * F + j];
    CHECK(std::abs(static_cast<double>(cell("variable_cost")) - cost * 100.0) <= 2.0);
    if (years[y][column(years[0], "firm")] == "Mass") CHECK(cell("fixed_cost") > 0);
  }
  // Each week is within a cent of the file's value, and a spread budget's weeks are not all
  // rounded alike (769.23 and 769.24 both occur).
  const msim::Table spend = in.table("/market/marketing_spend");
  bool low = false, high = false;
  for (std::size_t r = 1; r < market.size(); ++r) {
    const double cell = std::stod(market[r][column(market[0], "marketing_spend")]);
    const double value = spend.values[r - 1];  // rows are step by step, firm by firm
    CHECK(std::abs(cell - value) < 0.01 + 1e-9);
    if (market[r][column(market[0], "firm")] == "Mass") {
      low |= market[r][column(market[0], "marketing_spend")] == "769.23";
      high |= market[r][column(market[0], "marketing_spend")] == "769.24";
    }
  }
  CHECK(low);
  CHECK(high);
  CHECK(paths.size() == 5);
}

TEST_CASE("experiment report: an interrupted run's year that it did not finish is marked",
          "[experiment_report]") {
  // Years of 4 steps; the run stopped after 6 of its 10: year 2 has 2 of its 4 steps, which
  // would pass for a whole year's figures, or for a last, partial year of a finished run.
  TempDir dir;
  const msim::Scenario sc =
      msim::load_scenario_file(std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml",
                               {"consumers=1000", "steps=10", "steps_per_year=4"});
  std::atomic<bool> stop{false};
  msim::RunOptions options;
  options.stop = &stop;
  options.on_step = [&](std::int64_t done) { stop = done >= 6; };
  {
    auto rec = msim::make_hdf5_recorder(dir.file("run.h5"));
    REQUIRE_FALSE(msim::run_simulation(sc, *rec, options).complete);
  }
  const std::string partial = dir.file("run.h5") + ".partial";
  const msim::ExperimentTable years = msim::year_table(partial, 4);
  const std::size_t complete = years.columns.size() - 1;
  REQUIRE(years.columns[complete] == "complete");
  REQUIRE(years.rows.size() == 2 * 4);
  for (std::size_t r = 0; r < years.rows.size(); ++r) {
    INFO("row " << r);
    CHECK(years.rows[r][complete] == (r < 4 ? "1" : "0"));
  }
}

TEST_CASE("experiment report: money past 2^53 cents is rounded step by step, never wrapped",
          "[experiment_report]") {
  TempDir dir;
  // A budget and fixed cost of 1e15 a year, the largest a scenario takes, over 120 yearly
  // steps: the running totals pass 2^63 cents (running_cents once wrapped them: a profit of
  // -233720368549038.1, then 0).
  const msim::Scenario sc = msim::load_scenario_file(
      std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml",
      {"consumers=1000", "steps_per_year=1", "steps=120", "firms.Mass.fixed_cost_per_year=1e15",
       "firms.Mass.budget_per_year=1e15"});
  {
    auto rec = msim::make_hdf5_recorder(dir.file("run.h5"));
    msim::run_simulation(sc, *rec);
  }
  const auto tables = msim::run_csv_output(dir.file("run.h5"));
  msim::write_csv_tables(tables, dir.file("t") + "/");
  const msim::Hdf5Reader in(dir.file("run.h5"));
  const msim::Table profit = in.table("/market/profit"),
                    spend = in.table("/market/marketing_spend");
  const auto years = csv_rows(slurp(dir.file("t") + "/years.csv"));
  const auto market = csv_rows(slurp(dir.file("t") + "/market.csv"));
  REQUIRE(years.size() == 1 + 120 * 4);
  REQUIRE(market.size() == 1 + 120 * 4);
  const auto at = [](const std::vector<std::string>& header, const std::string& name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  for (const auto* rows : {&years, &market})
    for (std::size_t r = 1; r < rows->size(); ++r) {
      const auto& row = (*rows)[r];
      if (row[at((*rows)[0], "firm")] != "Mass") continue;
      const double file_profit = profit.values[r - 1], file_spend = spend.values[r - 1];
      INFO((rows == &years ? "years.csv" : "market.csv") << " row " << r);
      CHECK(std::stod(row[at((*rows)[0], "profit")]) == Approx(file_profit).epsilon(1e-12));
      CHECK(std::stod(row[at((*rows)[0], "marketing_spend")]) == Approx(file_spend).epsilon(1e-12));
    }
}
