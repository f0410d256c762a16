#pragma once
// A shipped scenario's experiment, planned with overrides and run into a temporary file, its
// /experiment/runs table read back by key result, design point and replication; and the
// statistics the planning lesson tests take over replications. Shared by those tests.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "models/experiment.hpp"
#include "models/scenario_load.hpp"
#include "tests/temp_dir.hpp"

namespace msim::test {

/// Plans the experiment of scenarios/`file` with `overrides` (under every design point's values).
inline Experiment plan_shipped(const std::string& file, const std::vector<std::string>& overrides) {
  const std::string path =
      (std::filesystem::path(MARKETSIM_SOURCE_DIR) / "scenarios" / file).string();
  return plan_experiment([&](const std::vector<std::string>& extra) {
    std::vector<std::string> all = overrides;
    all.insert(all.end(), extra.begin(), extra.end());
    return load_scenario_file(path, all);
  });
}

/// An experiment's runs, run to completion: each key result by design point and replication.
class ExperimentRuns {
 public:
  explicit ExperimentRuns(const Experiment& ex)
      : points_(ex.points.size()), replications_(ex.runs.size() / ex.points.size()) {
    const TempDir dir;
    REQUIRE(run_experiment(ex, dir.file("experiment.h5")).complete);
    runs_ = read_experiment_tables(dir.file("experiment.h5")).runs;
    REQUIRE(runs_.rows.size() == ex.runs.size());
  }

  /// Column `name` (such as "market_share:VarietyCo") of design point `point`, by replication.
  std::vector<double> values(const std::string& name, std::size_t point) const {
    const std::size_t c = column(name), p = column("design_point"), r = column("replication");
    std::vector<double> out(replications_, std::nan(""));
    for (const auto& row : runs_.rows)
      if (std::stoul(row[p]) == point) out.at(std::stoul(row[r])) = std::stod(row[c]);
    return out;
  }
  /// Column `name`: [design point][replication].
  std::vector<std::vector<double>> values(const std::string& name) const {
    std::vector<std::vector<double>> out;
    for (std::size_t p = 0; p < points_; ++p) out.push_back(values(name, p));
    return out;
  }

 private:
  std::size_t column(const std::string& name) const {
    const auto& cols = runs_.columns;
    const auto it = std::find(cols.begin(), cols.end(), name);
    REQUIRE(it != cols.end());
    return static_cast<std::size_t>(it - cols.begin());
  }
  std::size_t points_, replications_;
  ExperimentTable runs_;
};

/// a - b, replication by replication (common random numbers).
inline std::vector<double> minus(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> out(a.size());
  for (std::size_t r = 0; r < a.size(); ++r) out[r] = a[r] - b[r];
  return out;
}
inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}
inline double mean(const std::vector<double>& v) {
  double sum = 0.0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}
/// The sample standard deviation (n - 1).
inline double sd(const std::vector<double>& v) {
  const double m = mean(v);
  double sum = 0.0;
  for (double x : v) sum += (x - m) * (x - m);
  return std::sqrt(sum / static_cast<double>(v.size() - 1));
}
inline double lowest(const std::vector<double>& v) {
  return *std::min_element(v.begin(), v.end());
}
inline double highest(const std::vector<double>& v) {
  return *std::max_element(v.begin(), v.end());
}

}  // namespace msim::test
