#pragma once
/// Internal to the experiment files: run names and the merge into one HDF5 file.
#include <cstddef>
#include <string>

#include "models/experiment.hpp"
#include "sim/recorder.hpp"

namespace msim {

/// "00042": the group name of a run under /runs.
std::string run_name(std::size_t id);
/// DIR/00042.h5: where a finished run waits for the merge.
std::string run_file(const std::string& dir, std::size_t id);
/// The single-run layout plus the run's place in the experiment (run, design_point,
/// replication attributes).
RecordingLayout run_layout(const PlannedRun& run, std::size_t threads);
/// Copies every run file of `dir` under /runs/<id>/ of out_path and writes the /experiment
/// tables, through out_path.partial and a rename.
void merge_experiment(const Experiment& ex, const std::string& dir, const std::string& out_path,
                      std::size_t threads);

}  // namespace msim
