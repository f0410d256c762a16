// Files read back as CSV tables and as the experiment summary: undefined statistics (NaN) are
// empty cells and n/a, never "nan".
#include "models/experiment.hpp"

#include <algorithm>
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
#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"
#include "tests/temp_dir.hpp"

using Catch::Contains;
namespace fs = std::filesystem;
using msim::test::TempDir;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// An experiment file of one design point with one replication, written by hand: its sd and
/// confidence bounds are NaN (undefined for n = 1).
void write_one_replication(const std::string& path) {
  msim::Hdf5Output out(path);
  for (const char* name : {"runs", "design_points", "replications"})
    out.set_attribute("/", name, std::int64_t{1});
  out.set_attribute("/", "branch_at", std::int64_t{0});
  out.set_attribute("/", "scenario_name", std::string("One replication"));
  const std::vector<std::string> runs = {"run", "design_point", "replication", "seed",
                                         "profit_per_year:Acme"};
  out.write_column("/experiment/columns/runs", runs, "");
  for (std::size_t c = 0; c + 1 < runs.size(); ++c)
    out.write_column("/experiment/runs/" + runs[c], std::vector<std::int64_t>{0}, "", "");
  out.write_column("/experiment/runs/profit_per_year:Acme", std::vector<double>{1234.5}, "", "");
  const std::vector<std::string> summary = {"design_point", "metric", "firm",     "n",
                                            "mean",         "sd",     "ci95_low", "ci95_high",
                                            "p5",           "p50",    "p95"};
  out.write_column("/experiment/columns/summary", summary, "");
  out.write_column("/experiment/summary/design_point", std::vector<std::int64_t>{0, 0}, "", "");
  out.write_column("/experiment/summary/metric",
                   std::vector<std::string>{"profit_per_year", "market_share"}, "");
  out.write_column("/experiment/summary/firm", std::vector<std::string>{"Acme", "Acme"}, "");
  out.write_column("/experiment/summary/n", std::vector<std::int64_t>{1, 1}, "", "");
  for (const char* c : {"mean", "p5", "p50", "p95"})
    out.write_column(std::string("/experiment/summary/") + c, std::vector<double>{1234.5, 0.25}, "",
                     "");
  for (const char* c : {"sd", "ci95_low", "ci95_high"})
    out.write_column(std::string("/experiment/summary/") + c, std::vector<double>{kNaN, kNaN}, "",
                     "");
  out.commit();
}

}  // namespace

TEST_CASE("experiment report: undefined statistics are empty CSV cells and n/a, never nan",
          "[experiment_report]") {
  TempDir dir;
  write_one_replication(dir.file("one.h5"));
  const msim::ExperimentTables t = msim::read_experiment_tables(dir.file("one.h5"));
  REQUIRE(t.summary.rows.size() == 2);
  CHECK(t.summary.rows[0][5].empty());  // sd
  CHECK(t.summary.rows[0][6].empty());  // ci95_low
  CHECK(t.summary.rows[0][4] == "1234.5");
  const auto paths = msim::write_experiment_csv(t, dir.file("tables") + "/");
  REQUIRE(paths.size() == 2);
  const std::string csv = slurp(paths[1]);
  CHECK_THAT(csv, !Contains("nan"));
  CHECK_THAT(csv, Contains("0,profit_per_year,Acme,1,1234.5,,,,1234.5,1234.5,1234.5\n"));
  const std::string text = msim::format_experiment_summary(dir.file("one.h5"));
  INFO(text);
  CHECK_THAT(text, !Contains("nan"));
  CHECK_THAT(text, Contains("mean ± 95% CI"));
  CHECK_THAT(text, Contains("1.2k ± n/a"));
  CHECK_THAT(text, Contains("25.0 ± n/a%"));
}
