#pragma once
/// Running a scenario from start to end into a Recorder.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "models/market.hpp"
#include "models/scenario.hpp"
#include "sim/recorder.hpp"

namespace msim {

struct RunOptions {
  std::size_t block_size = 4096;
  std::size_t threads = 0;                    ///< recorded in the file; 0 = all
  std::function<void(std::int64_t)> on_step;  ///< called after each step with steps done
  const std::atomic<bool>* stop = nullptr;    ///< set to end the run early (complete = 0)
};

struct RunReport {
  std::int64_t steps_done = 0;
  bool complete = false;
  double wall_seconds = 0.0;
  double bytes_per_consumer = 0.0;
  PhaseTimes phases;               ///< firm, consumer and reduction phases
  double recording_seconds = 0.0;  ///< time the run waited on the recorder, finish() included
};

/// The current time in UTC as ISO 8601 (2026-11-23T17:20:59Z), for `created_utc` attributes.
std::string utc_now();

/// The file layout of a run: root attributes, /scenario, names and every series.
RecordingLayout recording_layout(const Scenario& sc, std::size_t threads);

/// The rows a step records, in the order of recording_layout's series.
std::vector<std::vector<double>> metric_rows(const StepMetrics& m);

/// Records the step the market just made: the panel's purchases (when the recorder's layout
/// has a panel; `panel` is panel_table(layout)), then the metric rows.
void record_step(const Market& market, Recorder& recorder, int panel);

/// Records the market's panel members, once, before the first step (when `panel` >= 0).
void record_panel_members(const Market& market, Recorder& recorder, int panel);

/// Runs the scenario, recording every step. @throws what the recorder throws.
RunReport run_simulation(const Scenario& sc, Recorder& recorder, const RunOptions& options = {});

}  // namespace msim
