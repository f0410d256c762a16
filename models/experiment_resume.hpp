#pragma once
/// Internal to running an experiment: the finished runs its runs directory keeps, found by what
/// each one is (its resolved scenario, with its seed, and its replication), not by the number
/// the design that wrote it gave it, so that a design point put between the others, or the
/// design points reordered, keeps them; checked against the runs planned now, named after their
/// run's number in this design, and those the design no longer has set aside; and the runs of a
/// completed experiment's file that the design still has.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "models/experiment.hpp"

namespace msim {

/// A finished run's file and the run it records: its number in the design that wrote it, its
/// design point and its replication there, and what it is (a hash of its /scenario without its
/// number and seed, which a design point's runs share).
struct RunFile {
  std::string path;
  std::size_t id = 0, point = 0, replication = 0;
  std::size_t what = 0;
};

/// The finished runs of the runs directory, as the experiment planned now uses them.
struct KeptFiles {
  std::map<std::size_t, std::string> planned;  ///< planned run id -> its file, checked
  std::vector<RunFile> unplanned;  ///< runs the design does not have (or a second copy of one)
};

/// Finds the finished runs in `dir` of the planned runs that `mine` selects (a file holds the
/// planned run whose /scenario and replication it records, whatever its number), checks them,
/// and names each after its run's number in this design, first moving any other file off that
/// name. A file that holds no planned run is the design's no longer (unplanned) when it differs
/// from the planned run of its number only in the design point's values. Every move is a rename
/// to a name no file has, so a kill at any point loses no run (the next call finds each by what
/// it records). With `reuse` false (a part's --force), `mine`'s files are removed instead.
/// @throws InputError, naming the file, when one holds a run of another scenario (the scenario
/// file, an override, the seed or the keys varied changed), or a planned run from another build
/// of the program, or when two hold the same run (a copy: taken for no run, whatever its name);
/// nothing is moved then.
KeptFiles keep_finished_runs(const Experiment& ex, const std::string& dir,
                             const std::function<bool(const PlannedRun&)>& mine, bool reuse);

/// The runs of a completed experiment's file that --resume (--force) on it takes for the design
/// planned now, which replaces that file when it completes.
struct EarlierFile {
  std::map<std::size_t, std::string> planned;  ///< planned run id -> its group (/runs/<id>)
  /// Its runs that are not taken: of design points or replications the design does not have, or
  /// of another scenario or build (run again now).
  std::size_t other = 0;
};

/// The runs of `out_path`, when it is a completed experiment's file, that `ex` plans as they are
/// there (found, and checked, as keep_finished_runs finds and checks run files) and that `found`
/// (runs kept in run files) does not have; nothing when it is not such a file.
EarlierFile reusable_runs(const Experiment& ex, const std::string& out_path,
                          const std::map<std::size_t, std::string>& found);

/// How many of the runs `ex` plans a finished run file in `dir` holds (found by what it is).
std::size_t planned_runs_in(const Experiment& ex, const std::string& dir);

/// "OUT-earlier.h5" (or "OUT-earlier-2.h5", ...): beside `out_path`, a name that no file, .partial
/// file or runs directory has.
std::string earlier_output(const std::string& out_path);

/// Moves `files` (finished runs that the experiment written to `out_path` does not have) into
/// the runs directory of a new output beside it, "OUT-earlier.h5" (or "OUT-earlier-2.h5", ...:
/// one whose file and runs directory do not exist), and returns that output's path.
std::string set_aside(const std::vector<RunFile>& files, const std::string& out_path);

}  // namespace msim
