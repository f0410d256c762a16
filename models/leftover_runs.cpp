// An experiment's runs directory still beside its completed file: a leftover of a kill after the
// file was renamed into place and before the directory was removed (every run there is in the
// file), or the runs of a later run of the experiment into that file, which were not written
// into it (yet).
#include "models/leftover_runs.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>
#include <variant>

#include "models/experiment.hpp"
#include "models/experiment_tables.hpp"
#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"

namespace fs = std::filesystem;

namespace msim {
namespace {

/// The /scenario under `object` of `in` without its run's number (run `id` records output.path
/// "OUT-run-<id>.h5"), which is the same for a run whatever number its design gave it.
std::optional<std::string> scenario_of(const Hdf5Reader& in, const std::string& object) {
  const std::string group = object == "/" ? "" : object;
  const auto id = in.int_attribute("run", object);
  if (!id || *id < 0 || !in.exists(group + "/scenario")) return std::nullopt;
  std::string text = in.text(group + "/scenario");
  const std::string numbered = fmt::format("-run-{:05d}.h5\n", *id);
  if (const std::size_t at = text.find(numbered); at != std::string::npos)
    text.replace(at, numbered.size(), "-run-.h5\n");
  return text;
}

/// Whether the run file `path` holds a finished run that `file` holds as run `name` (its group
/// /runs/<name>): the same scenario, apart from its number, and the same seed and build.
bool run_in_file(const std::string& path, const std::string& name, const Hdf5Reader& file) {
  const std::string group = "/runs/" + name;
  if (!file.exists(group)) return false;
  try {
    const Hdf5Reader run(path);
    if (run.int_attribute("complete", "/") != 1) return false;
    for (const char* attribute : {"seed", "git_commit", "program_hash"}) {
      const bool here = run.has_attribute(attribute), there = file.has_attribute(attribute, group);
      if (here != there || (here && run.attribute(attribute) != file.attribute(attribute, group)))
        return false;
    }
    const auto scenario = scenario_of(run, "/");
    return scenario && scenario == scenario_of(file, group);
  } catch (const InputError&) {
    return false;  // not readable: not known to be in the file
  }
}

/// "6.5 MB", "420 bytes".
std::string size_text(std::uintmax_t bytes) {
  const auto b = static_cast<double>(bytes);
  if (bytes < 1000) return fmt::format("{} byte{}", bytes, bytes == 1 ? "" : "s");
  if (b < 1e6) return fmt::format("{:.1f} kB", b / 1e3);
  if (b < 1e9) return fmt::format("{:.1f} MB", b / 1e6);
  return fmt::format("{:.1f} GB", b / 1e9);
}

}  // namespace

std::optional<RunsBeside> runs_beside(const std::string& out_path) {
  std::error_code ec;
  const std::string dir = runs_directory(out_path);
  if (!fs::is_directory(dir, ec) || !fs::is_regular_file(out_path, ec)) return std::nullopt;
  try {
    const Hdf5Reader file(out_path);
    if (file.int_attribute("complete", "/") != 1 || !file.exists("/experiment") ||
        !file.exists("/runs"))
      return std::nullopt;
    RunsBeside beside{dir};
    beside.redundant = true;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      ++beside.entries;
      const std::string name = entry.path().filename().string();
      const bool regular = entry.is_regular_file(ec);
      if (regular) beside.bytes += entry.file_size(ec);
      // Under the name of its run in the file (a kept run is renamed to its number).
      beside.redundant = beside.redundant && regular && run_file_name(name) &&
                         name.find_first_not_of("0123456789") == name.size() - 3 &&
                         run_in_file(entry.path().string(), name.substr(0, name.size() - 3), file);
    }
    if (ec) beside.redundant = false;
    return beside;
  } catch (const InputError&) {
    return std::nullopt;  // not an experiment's file
  }
}

std::string runs_beside_note(const RunsBeside& beside, const std::string& out_path) {
  const std::string what =
      fmt::format("'{}' ({} {}, {})", beside.dir, beside.entries,
                  beside.entries == 1 ? "file" : "files", size_text(beside.bytes));
  if (beside.redundant)
    return fmt::format(
        "Left over: {} is still beside '{}', which is finished: every run in it is also in "
        "'{}', so nothing is lost when it is removed. (The experiment was stopped after writing "
        "its file and before removing the directory, which it does last.) Remove the directory.\n",
        what, out_path, out_path);
  return fmt::format(
      "Beside '{}', which is finished, {} holds runs that '{}' does not: a later run of the "
      "experiment into '{}' (with --force or --resume --force) is running, or was stopped. Its "
      "command with --resume --force continues it, and replaces '{}' when done.\n",
      out_path, what, out_path, out_path, out_path);
}

}  // namespace msim
