// An experiment's runs directory (OUT.h5.runs/): what it may hold (the run files this program
// writes, and their .partial files), the refusal of anything else in it, and the removal of the
// run files alone when the experiment completes. Nothing a user put there is ever removed.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <system_error>
#include <vector>

#include "models/experiment.hpp"
#include "sim/durable_file.hpp"
#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"

namespace fs = std::filesystem;

namespace msim {
namespace {

/// Whether `entry` is a run file this program wrote: an HDF5 file (.h5) that records its run,
/// design point and replication, whatever its name (a user may have renamed it, or copied it
/// from another part's directory), or the .partial file of a run that a kill cut short.
bool program_run_file(const fs::directory_entry& entry) {
  std::error_code ec;
  if (!entry.is_regular_file(ec)) return false;
  if (run_file_name(entry.path().filename().string(), true)) return true;
  if (entry.path().extension() != ".h5") return false;
  try {
    const Hdf5Reader in(entry.path().string());
    return in.has_attribute("run") && in.has_attribute("design_point") &&
           in.has_attribute("replication");
  } catch (const InputError&) {
    return false;
  }
}

}  // namespace

bool run_file_name(const std::string& name, bool partial) {
  static const std::regex whole(R"((\d{5,}|point-\d{5,}-replication-\d{5,}(-\d+)?)\.h5)");
  static const std::regex unfinished(
      R"((\d{5,}|point-\d{5,}-replication-\d{5,}(-\d+)?)\.h5\.partial)");
  return std::regex_match(name, partial ? unfinished : whole);
}

std::string longest_run_file_name() {
  return "point-00000-replication-00000-0.h5.partial";
}

std::string runs_directory(const std::string& out_path) {
  return out_path + ".runs";
}

void check_runs_directory(const std::string& dir, const std::string& what) {
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (status.type() == fs::file_type::not_found) return;
  if (status.type() != fs::file_type::directory)
    throw InputError(fmt::format(
        "{}: '{}' is there and is not a directory; the experiment keeps its finished runs in a "
        "directory of that name, and would replace it: move it elsewhere, or choose another -o",
        what, dir));
  std::vector<std::string> others;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (!program_run_file(entry))
      others.push_back(fmt::format("'{}'{}", entry.path().filename().string(),
                                   entry.is_directory(ec) ? " (a directory)" : ""));
  if (ec)
    throw InputError(
        fmt::format("{}: cannot read the directory '{}' ({})", what, dir, ec.message()));
  if (others.empty()) return;
  std::sort(others.begin(), others.end());
  const std::size_t n = others.size();
  if (n > 5) {
    others.resize(4);
    others.push_back(fmt::format("{} more", n - 4));
  }
  throw InputError(fmt::format(
      "{}: '{}', where the experiment keeps its finished runs, holds {} that {} not {} of "
      "marketsim: {}; it is refused, so that nothing of yours there is lost: move {} out of "
      "'{}', or choose another -o",
      what, dir, n == 1 ? "an entry" : fmt::format("{} entries", n), n == 1 ? "is" : "are",
      n == 1 ? "a run file" : "run files", fmt::join(others, ", "), n == 1 ? "it" : "them", dir));
}

void remove_run_files(const std::string& dir, bool keep_directory) {
  std::error_code ec;
  if (fs::symlink_status(dir, ec).type() != fs::file_type::directory) return;
  std::vector<fs::path> mine;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (program_run_file(entry)) mine.push_back(entry.path());
  for (const fs::path& path : mine) {
    if (path.extension() != ".partial") {
      fs::remove(path, ec);
      continue;
    }
    try {  // a run that a process is writing now (it holds the file's lock) stays
      remove_leftover(path.string());
    } catch (const OutputError&) {  // as fs::remove's failures: left where it is
    }
  }
  if (!keep_directory && fs::is_empty(dir, ec)) fs::remove(dir, ec);
}

}  // namespace msim
