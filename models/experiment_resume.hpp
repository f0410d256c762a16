#pragma once
/// Internal to running an experiment: the finished runs its runs directory keeps, found by the
/// design point and replication each file records (a design with another number of
/// replications numbers the runs otherwise), checked against the runs planned now, named after
/// their run's number in this design, and those the design no longer has set aside; and the
/// runs of a completed experiment's file that the design still has.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "models/experiment.hpp"

namespace msim {

/// A finished run's file and the run it records: its number in the design that wrote it, its
/// design point and its replication.
struct RunFile {
  std::string path;
  std::size_t id = 0, point = 0, replication = 0;
};

/// Every finished run file in `dir` (complete, with its run's place), by name; none when there
/// is no directory. @throws InputError naming a .h5 file there that is not HDF5.
std::vector<RunFile> finished_run_files(const std::string& dir);

/// The finished runs of the runs directory, as the experiment planned now uses them.
struct KeptFiles {
  std::map<std::size_t, std::string> planned;  ///< planned run id -> its file, checked
  std::vector<RunFile> unplanned;  ///< runs the design does not have (or a second copy of one)
};

/// Finds the finished runs in `dir` of the planned runs that `mine` selects, checks them, and
/// names each after its run's number in this design, first moving any other file off that name.
/// Every move is a rename to a name no file has, so a kill at any point loses no run (the next
/// call finds each by what it records). With `reuse` false (a part's --force), `mine`'s files
/// are removed instead. @throws InputError, naming the file, when one holds a planned run of
/// another scenario or from another build of the program; nothing is moved then.
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
/// there (the checks of keep_finished_runs) and that `found` (runs kept in run files) does not
/// have; nothing when it is not such a file.
EarlierFile reusable_runs(const Experiment& ex, const std::string& out_path,
                          const std::map<std::size_t, std::string>& found);

/// "OUT-earlier.h5" (or "OUT-earlier-2.h5", ...): beside `out_path`, a name that no file, .partial
/// file or runs directory has.
std::string earlier_output(const std::string& out_path);

/// Moves `files` (finished runs that the experiment written to `out_path` does not have) into
/// the runs directory of a new output beside it, "OUT-earlier.h5" (or "OUT-earlier-2.h5", ...:
/// one whose file and runs directory do not exist), and returns that output's path.
std::string set_aside(const std::vector<RunFile>& files, const std::string& out_path);

}  // namespace msim
