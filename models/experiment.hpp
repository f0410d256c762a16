#pragma once
/// Experiments: every run of the `experiment:` block planned and checked up front, run
/// concurrently or one after another, each finished run kept in its own file (so a killed
/// experiment loses nothing that finished), and all of them merged into one HDF5 file with
/// /runs/<id>/ (the single-run layout) and the /experiment/runs and /experiment/summary tables.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "models/branch.hpp"
#include "models/scenario.hpp"
#include "sim/durable_file.hpp"
#include "sim/error.hpp"
#include "sim/experiment.hpp"

namespace msim {

/// Bad input that a run's step found (a price past the limit at a later step) while other runs
/// may have finished: the run command adds what became of them. Other InputErrors from
/// run_experiment (a --resume refusal, a run file another process is writing) say it all.
class StepInputError : public InputError {
 public:
  using InputError::InputError;
};

/// A fault that is not bad input (a strategy's plan() that threw, say) in a run of an experiment,
/// while other runs may have finished: the message names the run, the run command adds what
/// became of the finished ones.
class RunFault : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct PlannedRun {
  RunPlan plan;
  Scenario scenario;  ///< the design point's scenario with the replication's seed
  /// The /scenario recorded for the run when `scenario` alone would not reproduce it (a branched
  /// run: the history's scenario with a `branch:` block); empty: resolved_yaml(scenario).
  std::string recorded_yaml;
};

struct Experiment {
  Scenario base;  ///< the scenario as loaded (with --set); the branch history uses it
  std::vector<DesignPoint> points;
  std::vector<PlannedRun> runs;
  std::vector<std::string> varied;  ///< key paths the design points set, in column order
  /// Slips in the design that do not stop it (a varied key that changes nothing), for warnings.
  std::vector<std::string> notes;
};

/// "firms.Mass.markup=1.2, firms.Mass.budget_per_year=5000": a design point's values, for
/// messages ("no changes" when it has none).
std::string describe_point(const DesignPoint& p);

/// "run 3 (design point 1: firms.Keeper.fail_at=20; replication 0; seed 7)", for messages: all
/// it takes to tell the run and rerun it alone.
std::string describe_run(const Experiment& ex, const PlannedRun& run);

/// Plans every run and loads every design point, so a bad value fails before anything runs.
/// @throws InputError naming the sweep or range key (file, line) and the value.
Experiment plan_experiment(const ScenarioLoader& load);

struct ExperimentOptions {
  std::size_t threads = 0;  ///< recorded in the files; 0 = all
  std::size_t block_size = 4096;
  bool resume = false;  ///< skip runs whose finished file is already there
  /// Called with (steps done, steps in total) over the whole experiment.
  std::function<void(std::int64_t, std::int64_t)> on_progress;
  const std::atomic<bool>* stop = nullptr;  ///< set to stop; finished runs are kept
  std::size_t stop_after_runs = 0;          ///< for tests: stop once this many runs have finished
  /// Runs of at most this many consumers run concurrently (each still in parallel blocks);
  /// larger runs run one after another.
  std::int64_t concurrent_below = 250000;
  /// One part of an experiment split among processes (--part K/N: part K - 1 of N), or the
  /// whole experiment (parts 0). A part runs only its runs (in_part()), keeps each finished one
  /// in runs_directory(), as an interrupted experiment does, and writes no experiment file:
  /// a --resume run without a part assembles it once every part has finished.
  std::size_t part = 0, parts = 0;
  /// What the experiment's finished file may replace at its name (Hdf5RecorderOptions::
  /// replaces): anything (unset), nothing, or the file the caller found there.
  std::optional<FileId> replaces;
};

struct ExperimentReport {
  std::size_t runs = 0;     ///< planned
  std::size_t skipped = 0;  ///< finished before (--resume)
  std::size_t ran = 0;      ///< finished now
  bool complete = false;    ///< every run finished and the file was written (a part: its runs)
  std::size_t in_directory = 0;  ///< a part: runs of the experiment finished in the directory
  /// Finished runs found in the runs directory that the design does not have (design points or
  /// replications dropped, or design points whose values changed), moved on completion to
  /// runs_directory(earlier).
  std::size_t set_aside = 0;
  std::string earlier;
  /// --resume on a completed experiment's file: its runs taken (among `skipped`), and, when it
  /// held others (of design points or replications the design does not have, or of another
  /// scenario or build), how many and the name it is kept under (earlier_output()).
  std::size_t reused = 0;
  std::size_t not_reused = 0;
  std::string earlier_file;
  double wall_seconds = 0.0;
};

/// Where the finished runs are kept until the experiment's file is complete: OUT.h5.runs/
std::string runs_directory(const std::string& out_path);
/// Whether `name` (no directory) is one the experiment gives a run file in runs_directory():
/// 00042.h5 (run_file()) or point-00001-replication-00002[-2].h5 (a run kept aside on resume);
/// with `partial`, that name + ".partial".
bool run_file_name(const std::string& name, bool partial = false);
/// The longest name those files have in a plan of fewer than 100,000 design points and
/// replications (for checks of a name's length): point-00000-replication-00000-0.h5.partial.
std::string longest_run_file_name();
/// Refuses a runs directory `dir` that holds anything but this program's run files (and their
/// .partial files), or that is not a directory: the experiment would remove it when it
/// completes. A missing one is fine. @throws InputError starting with `what`, naming the entries.
void check_runs_directory(const std::string& dir, const std::string& what);
/// Removes this program's run files (and the .partial files no process is writing) from `dir`,
/// then, unless `keep_directory`, `dir` when that left it empty: anything else there stays.
void remove_run_files(const std::string& dir, bool keep_directory = false);

/// Another process holds the lock of an experiment's runs directory (a whole experiment, or a
/// part when this process would run the whole): nothing was touched.
class ExperimentInUse : public InputError {
 public:
  using InputError::InputError;
};

/// What an experiment is split by among parts: its replications when branched (a replication's
/// variants share one history, which only one part should compute), else its runs.
std::size_t part_units(const Experiment& ex);
/// Whether `run` belongs to part `part` (0-based) of `parts`: unit u (part_units()) goes to
/// part u mod parts, so every part gets design points and replications alike.
bool in_part(const Experiment& ex, const PlannedRun& run, std::size_t part, std::size_t parts);

/// The output.path recorded in run `id`'s /scenario: the experiment scenario's output.path with
/// "-run-<id>" before ".h5", so that the run's scenario, rerun as it stands, never writes over
/// the experiment's file.
std::string run_output_path(const std::string& experiment_path, std::size_t id);

/// Runs the experiment into `out_path`. Each finished run goes to its own file in
/// runs_directory(out_path) and under /runs/<id> of out_path's .partial file; when all are in,
/// the tables are added, the .partial file is renamed to out_path and the directory is removed
/// (finished runs there that the design does not have are moved first: ExperimentReport::
/// earlier). An interrupted experiment keeps only the directory. --resume uses the finished runs
/// there by what they are (a design point's resolved scenario, with a replication's seed),
/// whatever the design that wrote them numbered them. With options.parts, only that part's runs
/// run, runs of it that finished before are kept (--force redoes them: resume off), and neither the
/// directory's other runs nor the experiment's file are touched. @throws InputError when --resume
/// (or a part) finds a run file from another scenario, or a run file another process is writing.
ExperimentReport run_experiment(const Experiment& ex, const std::string& out_path,
                                const ExperimentOptions& options = {});

/// How a CSV file writes a column's cells (write_csv_files): as they stand (text, integers), or
/// as real numbers, money to whole cents and the others to kCsvDigits significant digits
/// (csv_real); kByRowUnit: money or not by the row's `unit` cell.
enum class CsvCells { kAsText, kReal, kMoney, kByRowUnit };

/// The experiment tables read back from a file.
struct ExperimentTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  ///< cells as text, real numbers in full
  std::vector<CsvCells> csv;  ///< [column] how a CSV file writes it; empty: cells as they stand
};
struct ExperimentTables {
  ExperimentTable runs, summary;
  ExperimentTable differences;  ///< empty when there is one design point
  /// One row per column of `runs`: column, metric, firm, unit, meaning (columns.csv).
  ExperimentTable columns;
  /// A Latin hypercube's sensitivity table (sensitivity_table: each key result's partial rank
  /// correlation with each sampled key); empty without sampled keys.
  ExperimentTable sensitivity;
};

/// Whether the file holds an experiment (an /experiment group).
bool is_experiment_file(const std::string& path);
/// When `path` is the unfinished file of an experiment (OUT.h5.partial, left by a kill or a
/// crash: runs under /runs, no /experiment tables), what it is, how many of its runs finished
/// and how to finish it, for an error message; else "".
std::string unfinished_experiment(const std::string& path);
/// @throws InputError when the file is not an experiment.
ExperimentTables read_experiment_tables(const std::string& path);
/// Whether a --csv `target` names a directory (an existing one, or one ending with '/').
bool csv_into_directory(const std::string& target);
/// The tables write_experiment_csv writes for `target`, each with its file: DIR/runs.csv,
/// DIR/summary.csv, DIR/differences.csv, DIR/sensitivity.csv and DIR/columns.csv (what each
/// column of runs.csv is, in what unit) into a directory, else TARGET-runs.csv and so on; only
/// tables that have columns (differences needs more than one design point and a baseline,
/// sensitivity a Latin hypercube).
std::vector<std::pair<const ExperimentTable*, std::string>> experiment_csv_files(
    const ExperimentTables& t, const std::string& target);
/// Writes experiment_csv_files(t, target), making the directory when missing. Returns the paths.
std::vector<std::string> write_experiment_csv(const ExperimentTables& t, const std::string& target);
/// A plain-text table: for each design point and firm, p5/p50/p95 of profit per year and market
/// share, and for design points after the first their paired change against design point 0;
/// last, when its runs directory is still beside the file, what that is (runs_beside_note).
std::string format_experiment_summary(const std::string& path);

/// The key results recorded per firm for every run, in column order.
const std::vector<std::string>& key_results();

}  // namespace msim
