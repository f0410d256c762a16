#pragma once
/// Internal to the experiment files: run names, the run files and the experiment's HDF5 file.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/experiment.hpp"
#include "sim/recorder.hpp"

namespace msim {

class Hdf5Output;

/// "00042": the group name of a run under /runs.
std::string run_name(std::size_t id);
/// DIR/00042.h5: where a finished run is kept until the experiment's file is written.
std::string run_file(const std::string& dir, std::size_t id);
/// The single-run layout plus the run's place in the experiment (run, design_point,
/// replication attributes).
RecordingLayout run_layout(const PlannedRun& run, std::size_t threads);

/// A finished run's recording: from memory, or read back from its run file.
struct RunData {
  RecordingLayout layout;
  std::vector<TableRows> tables;            ///< [table] every row appended
  std::vector<std::vector<double>> series;  ///< [series] every step's row, one after another
  std::size_t steps = 0;
  Attributes final_attributes;
};

/// Writes a finished run to `path` (through path.partial and a rename), each series in one
/// write, without labels: it is read back only when an interrupted experiment resumes. `extra`
/// root attributes go in this file only (the experiment's design_points and replications, which
/// --resume no longer reads: it finds a run by what the run is).
void write_run_file(const std::string& path, const RunData& run, const Attributes& extra = {});

/// A run's key results, as /experiment/runs holds them.
struct RunResults {
  std::vector<std::vector<double>> values;  ///< [key_results() index][firm], at the run's end
  /// [firm] 1: in the market at some step (from the start or its entry, until any exit),
  /// whatever it sold or spent (in_market_in_run)
  std::vector<std::int64_t> in_market;
};

/// The experiment's file while its runs finish: each goes under /runs/<id>/ as it is added, in
/// any order, and commit() writes the /experiment tables and renames out_path.partial to
/// out_path. Destroyed before commit(), it removes the .partial file: the run files are what an
/// interrupted experiment keeps. Not thread-safe (nor is HDF5): add runs one at a time.
class ExperimentFile {
 public:
  /// `replaces`: what commit() may replace at `out_path` (Hdf5RecorderOptions::replaces).
  ExperimentFile(const Experiment& ex, const std::string& out_path, std::size_t threads,
                 std::optional<FileId> replaces = std::nullopt);
  ~ExperimentFile();
  ExperimentFile(const ExperimentFile&) = delete;
  ExperimentFile& operator=(const ExperimentFile&) = delete;

  /// A run that finished now.
  void add(const PlannedRun& run, const RunData& data);
  /// A run that finished before (--resume), from its run file, or from `group` (/runs/<id>) of
  /// a completed experiment's file.
  void add(const PlannedRun& run, const std::string& run_file, const std::string& group = "");
  /// Writes the tables and renames the file. @throws std::logic_error when a run is missing.
  void commit();

 private:
  const Experiment& ex_;
  std::string out_path_;
  std::size_t threads_;
  std::unique_ptr<Hdf5Output> out_;
  std::vector<RunResults> results_;  ///< [run id]
};

}  // namespace msim
