#pragma once
// A textbook scenario run in memory, its metrics looked up by firm, segment and category name:
// shared by the textbook lesson tests.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/recorder.hpp"

namespace msim::test {

/// One run of a textbook scenario, with its metrics looked up by firm, segment and category name.
class Run {
 public:
  Run(const std::string& file, const std::vector<std::string>& overrides = {})
      : sc_(msim::load_scenario_file(
            (std::filesystem::path(MARKETSIM_SOURCE_DIR) / "scenarios" / "textbook" / file).string(),
            overrides)) {
    msim::run_simulation(sc_, rec_);
    REQUIRE(rec_.complete());
  }

  std::size_t firm(const std::string& name) const {
    for (std::size_t j = 0; j < sc_.firms.size(); ++j)
      if (sc_.firms[j].name == name) return j;
    FAIL("no firm " << name);
    return 0;
  }
  std::size_t firms() const { return sc_.firms.size(); }

  /// /market/<metric> of a firm at the last step.
  double last(const std::string& metric, const std::string& f) const {
    return rec_.series("/market/" + metric).back()[firm(f)];
  }
  /// /market/<metric> of a firm at step t.
  double at(const std::string& metric, const std::string& f, std::size_t t) const {
    return rec_.series("/market/" + metric)[t][firm(f)];
  }
  /// /market/<metric> of a firm at every step.
  std::vector<double> path(const std::string& metric, const std::string& f) const {
    std::vector<double> out;
    for (const auto& row : rec_.series("/market/" + metric)) out.push_back(row[firm(f)]);
    return out;
  }
  /// /market/<metric> of a firm summed over every step.
  double total(const std::string& metric, const std::string& f) const {
    double sum = 0.0;
    for (const auto& row : rec_.series("/market/" + metric)) sum += row[firm(f)];
    return sum;
  }
  /// /market/by_category/<metric> of a firm in a category at the last step.
  double last_in(const std::string& metric, const std::string& category,
                 const std::string& f) const {
    const auto c = static_cast<std::size_t>(sc_.category_index(category));
    return rec_.series("/market/by_category/" + metric).back()[c * firms() + firm(f)];
  }
  /// /segments/<metric> of a firm in a segment, averaged over the last 13 steps.
  double segment(const std::string& metric, const std::string& seg, const std::string& f) const {
    const auto s = static_cast<std::size_t>(sc_.segment_index(seg));
    const auto& rows = rec_.series("/segments/" + metric);
    const std::size_t n = std::min<std::size_t>(13, rows.size());
    double sum = 0.0;
    for (std::size_t t = rows.size() - n; t < rows.size(); ++t)
      sum += rows[t][s * firms() + firm(f)];
    return sum / static_cast<double>(n);
  }
  /// /segments/<metric> of a firm in a segment at the last step.
  double segment_last(const std::string& metric, const std::string& seg,
                      const std::string& f) const {
    const auto s = static_cast<std::size_t>(sc_.segment_index(seg));
    return rec_.series("/segments/" + metric).back()[s * firms() + firm(f)];
  }

 private:
  msim::Scenario sc_;
  msim::MemoryRecorder rec_;
};

inline std::string pct(double x) {
  return fmt::format("{:.1f}%", 100.0 * x);
}

}  // namespace msim::test
