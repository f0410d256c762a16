// `marketsim run`: load, check the output path and memory, simulate, print the summary.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <concepts>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "cli/commands.hpp"
#include "cli/counted.hpp"
#include "cli/damaged_runs.hpp"
#include "cli/first_step_check.hpp"
#include "cli/leftover_partial.hpp"
#include "cli/made_directories.hpp"
#include "cli/memory_check.hpp"
#include "cli/name_lengths.hpp"
#include "cli/run_file_layout.hpp"
#include "cli/seed_option.hpp"
#include "cli/warnings.hpp"
#include "models/csv_replacement.hpp"
#include "models/experiment.hpp"
#include "models/experiment_report.hpp"
#include "models/leftover_runs.hpp"
#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "models/summary.hpp"
#include "sim/background_recorder.hpp"
#include "sim/durable_file.hpp"
#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/parallel.hpp"
#include "sim/progress.hpp"
#include "sim/scenario_file.hpp"

namespace msim::cli {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{SIGINT};  ///< the signal that stopped the run

extern "C" void on_interrupt(int signal) {
  g_signal.store(signal);
  g_stop.store(true);
}

/// Ctrl-C (SIGINT), a kill (SIGTERM, as schedulers send) and a closed terminal (SIGHUP) stop the
/// run after its current step, which is kept. A signal the process was started ignoring stays
/// ignored (nohup ignores SIGHUP), and each gets back the handling it had. Each run starts
/// unstopped: a program that calls cli::main again after an interrupted run runs it in full.
constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};
using SignalHandler = void (*)(int);
SignalHandler g_before[std::size(kStopSignals)];
void catch_stop_signals() {
  g_stop.store(false);
  g_signal.store(SIGINT);
  for (std::size_t k = 0; k < std::size(kStopSignals); ++k) {
    g_before[k] = std::signal(kStopSignals[k], on_interrupt);
    if (g_before[k] == SIG_IGN) std::signal(kStopSignals[k], SIG_IGN);
  }
}
void release_stop_signals() {
  for (std::size_t k = 0; k < std::size(kStopSignals); ++k)
    std::signal(kStopSignals[k], g_before[k] == SIG_ERR ? SIG_DFL : g_before[k]);
}

/// The exit code of a run a signal stopped: 128 + the signal's number, as a shell reports a
/// process the signal killed (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP).
int interrupted_code() {
  return 128 + g_signal.load();
}

/// Refuses a run that, held as `use` says, would not fit in memory.
void check_memory(const RunArgs& args, const Scenario& sc, const MemoryUse& use,
                  const ExperimentSpec& design = {}) {
  const std::string source = args.scenario.empty() ? "<embedded default scenario>" : args.scenario;
  if (auto why = memory_shortfall(sc, use, design, source)) throw InputError(*why);
}

namespace fs = std::filesystem;

/// `err` as text: "No such file or directory".
std::string reason(int err) {
  return std::error_code(err, std::generic_category()).message();
}

/// Refuses (InputError naming `what`) a `dir` that is not a directory. A missing one is refused
/// too, unless `may_create`: then it is proved creatable by making and removing its first missing
/// directory. The nearest existing ancestor says why: a file in the way, or a directory missing.
void check_directory(const std::string& what, const fs::path& dir, bool may_create) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  fs::path up = dir, missing;
  fs::file_status status = fs::status(up, ec);
  while (status.type() == fs::file_type::not_found) {
    missing = up;
    up = up.parent_path();
    if (up.empty()) up = ".";
    if (up == missing) break;
    status = fs::status(up, ec);
  }
  if (status.type() == fs::file_type::none)
    throw InputError(fmt::format("{}: cannot reach '{}' ({})", what, up.string(), ec.message()));
  if (status.type() != fs::file_type::directory)
    throw InputError(fmt::format("{}: '{}' is not a directory", what, up.string()));
  if (!may_create)
    throw InputError(fmt::format("{}: the directory '{}' does not exist", what, dir.string()));
  if (::mkdir(missing.c_str(), 0777) != 0)
    throw InputError(fmt::format("{}: cannot create the directory '{}' ({})", what,
                                 missing.string(), reason(errno)));
  ::rmdir(missing.c_str());
}

/// Refuses (InputError naming `what`) a `file` that cannot be opened for writing, proved by
/// creating and removing it (under its lock, so that the removal never takes the file of another
/// run that took the name meanwhile); an existing file is opened without truncating it, and
/// kept. The message names `shown` when given (the file that `file` stands in for).
void check_writable(const std::string& what, const fs::path& file, const fs::path& shown = {}) {
  LockedFile made;
  int err = made.create(file.string());
  if (err == 0) {
    made.remove();
    return;
  }
  if (err == EEXIST) {
    std::error_code ec;
    if (fs::is_directory(file, ec))
      throw InputError(shown.empty() ? fmt::format("{}: '{}' is a directory", what, file.string())
                                     : fmt::format("{}: cannot write '{}' ('{}' is a directory)",
                                                   what, shown.string(), file.string()));
    const int fd = ::open(file.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
      ::close(fd);
      return;
    }
    err = errno;
  }
  throw InputError(fmt::format("{}: cannot write '{}' ({})", what,
                               shown.empty() ? file.string() : shown.string(), reason(err)));
}

/// Removes the .partial file of the output `out`, which this run made and has closed, unless
/// another process holds it: a run that took the name since, or that this one could not take it
/// from. A failure is not worth a second error.
void discard_partial(const std::string& out) noexcept {
  try {
    remove_leftover(partial_path(out));
  } catch (const std::exception&) {
  }
}

/// What `run` says of an experiment that was interrupted or failed (Ctrl-C, a kill, a crash) and
/// left `kept` finished runs in its runs directory `dir`: what they are, and what --resume and
/// --force do with them.
std::string kept_runs_advice(const std::string& what, const std::string& dir, std::size_t kept) {
  return fmt::format(
      "{}: '{}' holds {} of an experiment that was interrupted or failed; use --resume to "
      "continue from {}, or --force to start over, which discards {}",
      what, dir, kept == 1 ? "the finished run" : fmt::format("the {} finished runs", kept),
      kept == 1 ? "it" : "them", kept == 1 ? "it" : "them");
}

/// Refuses the .partial file of the output `out` when it is there already: always when another
/// process is writing it (another run with the same output), it is the scenario file, or it
/// is finished (complete=1: a run or experiment stopped between its last write and its rename,
/// whose result only the user may discard), and without --force when a run that was
/// interrupted or failed left it (complete=0, a file the user may want to look into). With
/// --force (or an experiment's --resume, whose finished runs are kept elsewhere), such a
/// leftover is replaced. An experiment's (`kept` set: its finished runs in `dir`) is refused
/// with what those runs are and what --resume and --force do. A part of an experiment
/// (`part`) neither writes nor reads it.
void check_partial(const std::string& what, const std::string& out, bool force, bool part,
                   const RunArgs& args, std::optional<std::size_t> kept, const std::string& dir) {
  const fs::path partial = partial_path(out);
  std::error_code ec;
  if (fs::symlink_status(partial, ec).type() == fs::file_type::not_found) return;
  const auto refuse_if_locked = [&] {
    if (file_locked(partial.string()))
      throw InputError(fmt::format(
          "{}: '{}' is being written by another process (it holds the file's lock), another run "
          "with the same output, perhaps; wait for it to finish, or choose another -o",
          what, partial.string()));
  };
  refuse_if_locked();
  if (!args.scenario.empty() && fs::equivalent(partial, args.scenario, ec))
    throw InputError(fmt::format(
        "{}: the run would write '{}', which is the scenario file itself; that is refused even "
        "with --force: choose another -o",
        what, partial.string()));
  // Gone since the first look (is_regular_file and is_directory are then both false): the run
  // that was writing it finished and renamed it into place. This run goes on (and with --force
  // replaces that file, like a run that starts after the other finished).
  const auto gone = [&] {
    return fs::symlink_status(partial, ec).type() == fs::file_type::not_found;
  };
  if (!fs::is_regular_file(partial, ec) && !fs::is_directory(partial, ec) && !gone())
    throw InputError(fmt::format(
        "{}: '{}' is there and is not a regular file (a link to a device, say), which the run "
        "would write through; move or remove it",
        what, partial.string()));
  if (part || !fs::is_regular_file(partial, ec)) return;
  const LeftoverPartial found = read_leftover_partial(partial.string());
  if (found.complete) {
    // Or the other run's, finished a moment ago: it holds the lock until it has renamed it.
    refuse_if_locked();
    if (gone()) return;
    throw InputError(finished_partial_refusal(what, partial.string(), out, found));
  }
  if (force) return;
  // Made a moment ago by another run, which locks it right after (an empty file that cannot be
  // read until then).
  if (!found.unreadable.empty()) {
    refuse_if_locked();
    if (gone()) return;
  }
  if (kept && *kept > 0) throw InputError(kept_runs_advice(what, dir, *kept));
  if (kept)
    throw InputError(fmt::format(
        "{}: '{}' exists, left by an experiment that was interrupted or failed before any of its "
        "runs finished (complete=0, nothing to resume); move or remove it, or use --force to "
        "replace it",
        what, partial.string()));
  if (!found.unreadable.empty())
    throw InputError(fmt::format(
        "{}: '{}' exists, left by a run that was interrupted or failed, perhaps, and cannot be "
        "read: {}; move or remove it, or use --force to replace it",
        what, partial.string(), found.unreadable));
  throw InputError(fmt::format(
      "{}: '{}' exists, left by a run that was interrupted or failed (its steps so far: {}); "
      "move or remove it, or use --force to replace it",
      what, partial.string(), how_far(found)));
}

/// The file `run` writes: -o, else the scenario's output.path. An empty one is refused.
std::string output_path(const RunArgs& args, const Scenario& sc) {
  if (args.has_output && args.output.empty())
    throw InputError(
        "-o/--output: an empty path was given; expected the HDF5 file to write (without -o, "
        "the scenario's output.path)");
  if (!args.has_output && sc.output.path.empty())
    throw InputError(
        fmt::format("{}: an empty path; expected the HDF5 file to write (or give -o FILE)",
                    sc.output.path_where));
  // "-o= --quiet" would otherwise write a file called --quiet.
  if (args.has_output && args.output.front() == '-')
    throw InputError(fmt::format(
        "-o/--output: '{}' looks like an option, not a file name; for a file whose name starts "
        "with '-', write ./{}",
        args.output, args.output));
  return args.has_output ? args.output : sc.output.path;
}

/// "output 'e.h5'" for messages; "e.yaml:12: output 'e.h5'" when the scenario's output.path
/// set it.
std::string output_what(const RunArgs& args, const Scenario& sc, const std::string& path) {
  return fmt::format("{}output '{}'", args.has_output ? "" : sc.output.path_where + ": ", path);
}

/// Refuses an output whose name the file system cannot hold: the file's, its temporary
/// FILE.partial's, and for an experiment its runs directory FILE.runs and the run files in it.
/// First of the checks: the others would misread the system's "File name too long" as a file in
/// the way.
void check_output_names(const RunArgs& args, const Scenario& sc, const std::string& path,
                        bool experiment) {
  const std::string what = output_what(args, sc, shortened(path));
  const std::string advice =
      args.has_output ? "choose a shorter -o" : "choose a shorter output.path, or give -o";
  if (const auto l = long_name(path))
    throw InputError(fmt::format("{}: {}; {}", what, too_long(*l), advice));
  if (const auto l = long_name(partial_path(path)))
    throw InputError(fmt::format(
        "{}: the name fits, but {} (the name + \".partial\": the run writes there, and renames it "
        "when it is done); {}",
        what, too_long(*l, "temporary name"), advice));
  if (!experiment) return;
  const std::string dir = runs_directory(path);
  const std::string longest = dir + "/" + longest_run_file_name();
  for (const std::string& p : {dir, longest})
    if (const auto l = long_name(p))
      throw InputError(fmt::format(
          "{}: the name fits, but {} (the experiment keeps its finished runs in '{}', the name + "
          "\".runs\"); {}",
          what, too_long(*l, p == dir ? "directory name" : "name"), shortened(dir), advice));
}

/// Refuses an output file that exists (without --force) or that cannot be created: the run
/// writes its .partial file beside it, which is created and removed here, before any work.
/// The scenario file itself is refused even with --force, and so is any file that is not an
/// HDF5 file (a spreadsheet given as -o by a slip): the user's own files are never lost.
/// Messages about a path from the scenario's output.path say where it was set. For an
/// experiment, `kept` is the number of finished runs in its runs directory. Returns what the
/// finished file may replace (Hdf5RecorderOptions::replaces): with --force, the file there now
/// (or nothing); without, nothing, so that a file made there while the run works is kept.
FileId check_output(const std::string& path, bool force, const RunArgs& args, const Scenario& sc,
                    std::optional<std::size_t> kept = std::nullopt) {
  const std::string what = output_what(args, sc, path);
  const fs::path p(path);
  const FileId found = file_id(path);  // before the checks: a later change is another file
  check_directory(what, p.parent_path().empty() ? fs::path(".") : p.parent_path(), false);
  std::error_code ec;
  if (fs::is_directory(p, ec))
    throw InputError(fmt::format("{} is a directory; expected the HDF5 file to write, such as '{}'",
                                 what, (p / "run.h5").string()));
  if (!args.scenario.empty() && fs::equivalent(p, args.scenario, ec)) {
    fs::path instead = p;
    instead.replace_filename(p.stem().string() + (p.extension() == ".h5" ? "-run.h5" : ".h5"));
    throw InputError(fmt::format(
        "{} is the scenario file '{}' itself; writing the results there would destroy the "
        "scenario, so it is refused even with --force: choose another -o, such as '{}'",
        what, args.scenario, instead.string()));
  }
  // A name of another kind of file is a slip (`-o niche.yaml` for the scenario, or a table's
  // name): the HDF5 file written there would pass for one.
  std::string kind = p.extension().string();
  std::transform(kind.begin(), kind.end(), kind.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const std::set<std::string> kOtherKinds = {".yaml", ".yml", ".csv", ".tsv",  ".xlsx",
                                                    ".xls",  ".ods", ".txt", ".json", ".png",
                                                    ".svg",  ".pdf", ".html"};
  if (kOtherKinds.contains(kind)) {
    fs::path instead = p;
    instead.replace_extension(".h5");
    throw InputError(fmt::format(
        "{} ends in '{}', but the run writes an HDF5 file (scenarios are .yaml files, and tables "
        "for a spreadsheet and figures come from `marketsim summarize --csv` and the analysis "
        "tools): give it a "
        "name ending in .h5, such as '{}'",
        what, p.extension().string(), instead.string()));
  }
  if (fs::exists(p, ec) && !fs::is_regular_file(p, ec))
    throw InputError(fmt::format(
        "{} is not a regular file (a device or a pipe, say), which the finished run would "
        "replace, so it is refused even with --force; expected the HDF5 file to write",
        what));
  if (fs::exists(p, ec) && !force && !args.resume && kept && *kept > 0)
    throw InputError(fmt::format(
        "{} already exists, and '{}' holds {} of an experiment that was interrupted or failed "
        "while writing it again; use --resume --force to continue from {} and replace it when "
        "done, --force to start over, which discards {}, or -o to choose another file",
        what, runs_directory(path),
        *kept == 1 ? "the finished run" : fmt::format("the {} finished runs", *kept),
        *kept == 1 ? "it" : "them", *kept == 1 ? "it" : "them"));
  if (fs::exists(p, ec) && !force)
    throw InputError(fmt::format(
        "{} already exists; use --force to overwrite it or -o to choose another file", what));
  // An experiment's --resume keeps its finished runs elsewhere, and a part writes no such file.
  check_partial(what, path, force || args.resume, args.parts > 0, args, kept, runs_directory(path));
  if (fs::exists(p, ec) && fs::file_size(p, ec) > 0 && !has_hdf5_signature(path))
    throw InputError(fmt::format(
        "{} already exists and is not an HDF5 file (it does not begin with HDF5's signature), so "
        "it is refused even with --force: --force replaces only an earlier run's file; move it "
        "or choose another -o",
        what));
  check_writable(what, partial_path(path));
  return force ? found : FileId{};
}

/// Refuses a --csv target whose `files` could not all be written in full: DIR/ (made if
/// missing) or DIR/PREFIX, a file in the way, and, without `force`, files that exist. Each file
/// is written through FILE.partial, so that is what must be creatable. `target` is not empty.
void check_csv_target(const std::string& target,
                      const std::vector<std::pair<const ExperimentTable*, std::string>>& tables,
                      bool force) {
  const std::string what = fmt::format("--csv '{}'", shortened(target));
  std::vector<std::string> files;
  for (const auto& [table, path] : tables) files.push_back(path);
  // First: the checks below would misread the system's "File name too long" (a file "already
  // exists"), and the directory would be made before the first file failed.
  for (const std::string& file : files)
    for (const std::string& path : {file, partial_path(file)}) {
      const auto l = long_name(path);
      if (!l) continue;
      const bool last = !l->whole_path && l->name == fs::path(path).filename().string();
      const bool temporary = path != file;
      throw InputError(fmt::format(
          "{}: {}{}; choose a shorter --csv", what,
          too_long(*l, !last       ? "directory name"
                       : temporary ? "temporary name"
                                   : "file name"),
          last && temporary
              ? fmt::format(" ('{}' fits, but each table is written to its name + \".partial\" "
                            "first, and renamed when all are written)",
                            shortened(fs::path(file).filename().string()))
              : ""));
    }
  const bool into_dir = csv_into_directory(target);
  const fs::path parent = fs::path(target).parent_path();
  const fs::path dir = into_dir ? fs::path(target) : parent.empty() ? fs::path(".") : parent;
  check_directory(what, dir, into_dir);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;  // made when writing: nothing in it is in the way
  std::vector<std::string> existing;
  for (const std::string& file : files) {
    if (fs::is_directory(file, ec))
      throw InputError(fmt::format("{}: '{}' is a directory", what, file));
    if (fs::exists(file, ec) && !fs::is_regular_file(file, ec))
      throw InputError(fmt::format(
          "{}: '{}' is not a regular file (a device or a pipe, say), which writing the table "
          "would replace, so it is refused even with --force",
          what, file));
    if (fs::symlink_status(file, ec).type() != fs::file_type::not_found) existing.push_back(file);
  }
  // A file that even --force would not replace (the run's own file, a scenario) says so now,
  // before the summary is printed and before "use --force" is suggested.
  check_replaceable(tables);
  if (!existing.empty() && !force)
    throw InputError(
        fmt::format("{}: '{}' already exist{}; use --force to overwrite {} or choose another --csv",
                    what, fmt::join(existing, "', '"), existing.size() == 1 ? "s" : "",
                    existing.size() == 1 ? "it" : "them"));
  for (const std::string& file : files) check_writable(what, partial_path(file), file);
}

/// The finished run files in an experiment's runs directory `dir` (0 when there is none).
std::size_t finished_runs(const std::string& dir) {
  std::error_code ec;
  std::size_t kept = 0;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    kept += entry.path().extension() == ".h5" ? 1 : 0;
  return kept;
}

/// "part 2 of 4", for messages.
std::string part_name(const RunArgs& args) {
  return fmt::format("part {} of {}", args.part + 1, args.parts);
}

/// Refuses --part K/N when N is more than the experiment can be split into.
void check_parts(const RunArgs& args, const Experiment& ex) {
  const std::size_t units = part_units(ex);
  if (args.parts <= units) return;
  throw InputError(fmt::format(
      "--part {}/{}: the experiment has {}{}, so it splits into at most {} parts; expected N "
      "from 1 to {}",
      args.part + 1, args.parts,
      ex.base.experiment.branch_at > 0 ? counted(units, "replication") : counted(units, "run"),
      ex.base.experiment.branch_at > 0
          ? " (a branched experiment is split by replication: a replication's design points "
            "continue one shared history)"
          : "",
      units, units));
}

/// What a part says when its runs are done: where they are, how many of the experiment's are
/// there, and what writes the experiment's file.
void print_part_done(const RunArgs& args, const Experiment& ex, const ExperimentReport& report,
                     const std::string& out) {
  fmt::print(
      "{}: {} ({} finished earlier, {} now) in '{}'; {} of the experiment's {} runs are "
      "there.\n",
      part_name(args), counted(report.runs, "run"), report.skipped, report.ran, runs_directory(out),
      report.in_directory, ex.runs.size());
  if (report.in_directory == ex.runs.size())
    fmt::print(
        "All are there: run the same command without --part and with --resume to write "
        "'{}' from them.\n",
        out);
  else
    fmt::print(
        "When every part has finished, run the same command without --part and with "
        "--resume to write '{}' from the runs there (it runs any that are missing).\n",
        out);
}

int run_experiment_command(const RunArgs& args, const ScenarioLoader& load) {
  const Experiment ex = plan_experiment(load);
  const Scenario& sc = ex.base;
  print_warnings(sc, &ex);
  const std::string out = output_path(args, sc);
  const std::string dir = runs_directory(out);
  const bool part = args.parts > 0;
  if (part) check_parts(args, ex);
  std::error_code ec;
  check_output_names(args, sc, out, true);
  check_damaged_runs(dir, output_what(args, sc, out));
  check_runs_directory(dir, output_what(args, sc, out));
  // What the runs directory beside a completed experiment's file is: a leftover, or a later run.
  const auto beside_note = [&] {
    const std::optional<RunsBeside> beside = runs_beside(out);
    if (!beside) return std::string();
    std::string note = runs_beside_note(*beside, out);
    if (!note.empty() && note.back() == '\n') note.pop_back();
    return "\n" + note;
  };
  if (!part && args.resume && !args.force && fs::exists(dir, ec) && fs::is_regular_file(out, ec))
    throw InputError(fmt::format(
        "output '{}' already exists; add --force to --resume to replace it with the resumed "
        "experiment when it finishes (taking the runs of it that this design has), or -o to "
        "write another file{}",
        out, beside_note()));
  const auto experiment_file = [&] {
    try {
      return fs::is_regular_file(out, ec) && is_experiment_file(out);
    } catch (const InputError&) {  // not HDF5
      return false;
    }
  };
  if (!part && args.resume && !args.force && experiment_file())
    throw InputError(fmt::format(
        "output '{}' is a completed experiment; add --force to --resume to replace it with this "
        "design's when it finishes, taking from it the runs that this design has unchanged (more "
        "replications or design points run only the new runs), or -o to write another file",
        out));
  // (An empty one, which a part that failed may leave, holds nothing to lose.)
  const std::size_t kept = part ? 0 : finished_runs(dir);
  const FileId may_replace = check_output(out, args.force, args, sc, kept);
  if (kept > 0 && !args.resume && !args.force)
    throw InputError(kept_runs_advice(fmt::format("output '{}'", out), dir, kept));
  ThreadLimit limit(args.threads);
  const std::size_t threads = ThreadLimit::active();
  const MemoryUse use = experiment_use(sc, ex, threads, args.block_size);
  check_memory(args, neediest_run(sc, ex, use), use, sc.experiment);
  check_first_steps(sc, &ex);  // before any run is written
  if (!args.quiet)
    fmt::print(stderr, "marketsim: {} — experiment: {} x {} = {} of {} consumers, {}{}, {} -> {}\n",
               sc.name, counted(ex.points.size(), "design point"),
               counted(sc.experiment.replications, "replication"), counted(ex.runs.size(), "run"),
               sc.consumers, counted(sc.steps, "step"),
               sc.experiment.branch_at > 0
                   ? fmt::format(" (branched at step {})", sc.experiment.branch_at)
                   : "",
               counted(threads, "thread"),
               part ? fmt::format("{} ({}: {} of the runs)", dir, part_name(args),
                                  std::count_if(ex.runs.begin(), ex.runs.end(),
                                                [&](const PlannedRun& run) {
                                                  return in_part(ex, run, args.part, args.parts);
                                                }))
                    : out);
  std::unique_ptr<Progress> progress;
  ExperimentOptions options;
  options.threads = threads;
  options.block_size = args.block_size;
  // A part keeps the runs of it that finished before, unless --force (alone) redoes them.
  options.resume = args.resume || (part && !args.force);
  options.part = args.part;
  options.parts = args.parts;
  options.replaces = may_replace;
  options.stop = &g_stop;
  options.on_progress = [&](std::int64_t done, std::int64_t total) {
    if (!progress) progress = std::make_unique<Progress>("experiment", total, !args.quiet);
    progress->update(done);
  };
  catch_stop_signals();
  const ExperimentReport report = [&] {
    try {
      return run_experiment(ex, out, options);
    } catch (const ExperimentInUse&) {
      throw;  // the other process's runs are left alone
    } catch (const std::exception& e) {
      const std::size_t kept_now = finished_runs(dir);
      // Nothing to resume: an empty directory would only block the next run (but other parts
      // may be writing into a part's).
      if (kept_now == 0 && !part) {
        remove_run_files(dir);
        throw;
      }
      if (kept_now == 0) throw;
      const std::string finished =
          fmt::format("{} of {} runs are finished and kept in '{}'", kept_now, ex.runs.size(), dir);
      const std::string again =
          part ? "run the same command again" : "run the same command with --resume added";
      if (dynamic_cast<const StepInputError*>(&e) != nullptr)  // found at a later step
        throw InputError(fmt::format(
            "{}\n{}; --resume continues only the same scenario, so once the scenario is fixed, "
            "run it with --force to start over",
            e.what(), finished));
      if (dynamic_cast<const RunFault*>(&e) != nullptr)  // a strategy's fault, say
        throw RunFault(fmt::format(
            "{}\n{}: {} to continue from them, with this same program and scenario only (it "
            "refuses runs that another build or scenario wrote), so once either is changed to "
            "fix the fault, use --force to start over",
            e.what(), finished, again));
      // A --resume refusal or a run file another process writes: the message says it all.
      if (dynamic_cast<const OutputError*>(&e) == nullptr) throw;
      throw OutputError(fmt::format("{}\n{}; once the cause is fixed, {} to finish the rest",
                                    e.what(), finished, again));
    }
  }();
  release_stop_signals();
  if (progress) progress->finish();
  if (!report.complete && report.skipped + report.ran == 0) {
    // Nothing to resume: an empty directory would only make the next run ask for --resume
    // (but other parts may be writing into a part's).
    if (!part && finished_runs(dir) == 0) remove_run_files(dir);
    fmt::print(stderr, "interrupted before any of the {} runs{} finished; nothing was kept\n",
               report.runs, part ? " of " + part_name(args) : "");
    return interrupted_code();
  }
  if (!report.complete && part) {
    fmt::print(stderr,
               "interrupted: {} of the {} runs of {} are finished and kept in '{}'; run the same "
               "command again to finish the rest\n",
               report.skipped + report.ran, report.runs, part_name(args), dir);
    return interrupted_code();
  }
  if (!report.complete) {
    const bool replaces = args.force && fs::exists(out, ec);
    fmt::print(stderr,
               "interrupted: {} of {} runs are finished and kept in '{}'; run the same command "
               "with --resume added to finish the rest{}\n",
               report.skipped + report.ran, report.runs, dir,
               replaces ? fmt::format(" (keep --force: it replaces the existing '{}')", out) : "");
    return interrupted_code();
  }
  if (part) {
    if (!args.quiet) print_part_done(args, ex, report, out);
    return 0;
  }
  if (!args.quiet) {
    fmt::print("{}", format_experiment_summary(out));
    fmt::print("\nwrote {}: {} runs ({} finished earlier{}, {} now) in {}\n", out, report.runs,
               report.skipped,
               report.reused > 0
                   ? fmt::format(", {} of them taken from the earlier '{}'", report.reused, out)
                   : "",
               report.ran, format_duration(report.wall_seconds));
  }
  if (!report.earlier_file.empty()) {  // even --quiet: the user's runs are now elsewhere
    std::fflush(stdout);
    fmt::print(stderr,
               "marketsim: the earlier '{}' held {} that this design does not have (design points "
               "or replications it does not have, or runs of another scenario or build); it is "
               "kept as '{}'\n",
               out, counted(report.not_reused, "run"), report.earlier_file);
  }
  if (report.set_aside > 0) {  // even --quiet: they were the user's runs, and are now elsewhere
    const bool one = report.set_aside == 1;
    std::fflush(stdout);  // after the summary, also when both go to one file
    fmt::print(stderr,
               "marketsim: {} of an earlier design ({} this one does not have) {} kept in '{}': "
               "run that design with -o {} --resume to finish it from {}, or remove the "
               "directory if you do not need {}\n",
               one ? "1 finished run" : fmt::format("{} finished runs", report.set_aside),
               one ? "a design point or replication" : "design points or replications",
               one ? "is" : "are", runs_directory(report.earlier), report.earlier,
               one ? "it" : "them", one ? "it" : "them");
  }
  return 0;
}

}  // namespace

int run(const RunArgs& args) {
  const std::vector<std::string> overrides =
      with_seed(args.overrides, args.has_seed ? std::optional(args.seed) : std::nullopt);
  if (!args.scenario.empty()) check_scenario_file(args.scenario);
  const ScenarioLoader load = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> all = overrides;
    all.insert(all.end(), extra.begin(), extra.end());
    return args.scenario.empty()
               ? load_scenario_text(default_scenario_text(), "<embedded default scenario>", all)
               : load_scenario_file(args.scenario, all);
  };
  const Scenario sc = load({});
  if (sc.experiment.present) return run_experiment_command(args, load);
  if (args.resume)
    throw InputError(
        "--resume continues an interrupted experiment, but this scenario has no experiment: "
        "block; run it again without --resume");
  if (args.parts > 0)
    throw InputError(fmt::format(
        "--part {}/{} splits an experiment's runs among processes, but this scenario has no "
        "experiment: block; run it without --part",
        args.part + 1, args.parts));
  print_warnings(sc);
  const std::string out = output_path(args, sc);
  check_output_names(args, sc, out, false);
  const FileId may_replace = check_output(out, args.force, args, sc);
  check_memory(args, sc, MemoryUse{.block_size = args.block_size});

  ThreadLimit limit(args.threads);
  const std::size_t threads = ThreadLimit::active();
  if (!args.quiet)
    fmt::print(stderr, "marketsim: {} — {} consumers, {}, {}{}, {} -> {}\n", sc.name, sc.consumers,
               counted(sc.firms.size(), "firm"), counted(sc.steps, "step"),
               sc.branch.present ? fmt::format(" (branching at step {})", sc.branch.step) : "",
               counted(threads, "thread"), out);
  // The file is written on a thread of its own while the next step computes.
  auto file = make_hdf5_recorder(out, {.replaces = may_replace});
  auto recorder = std::make_unique<BackgroundRecorder>(*file);
  const auto close_output = [&] {
    recorder.reset();
    file.reset();
  };
  Progress progress("simulating", sc.steps, !args.quiet);
  RunOptions options;
  options.block_size = args.block_size;
  options.threads = threads;
  std::int64_t steps_done = 0;  // steps whose rows went to the file
  options.on_step = [&](std::int64_t done) {
    steps_done = done;
    progress.update(done);
  };
  options.stop = &g_stop;
  catch_stop_signals();
  const RunReport report = [&] {
    try {
      return run_simulation(sc, *recorder, options);
    } catch (const InputError&) {  // found by a later step (a price past the limit): no output
      close_output();
      discard_partial(out);  // (another run's, when this one was refused it, is left alone)
      throw;
    } catch (const OutputError&) {  // the system refused the file, which is removed
      throw;
    } catch (const std::exception& e) {
      // A fault (in a strategy of the user's, say): the steps before it stay in the .partial
      // file, a valid file with complete=0, as after Ctrl-C, to look into. Before the first
      // step finished, that file would hold nothing: it goes.
      close_output();
      if (!fs::exists(partial_path(out))) throw;
      if (steps_done == 0) {
        discard_partial(out);
        throw std::runtime_error(
            fmt::format("{}\nno step finished before the error, so nothing was kept (no '{}')",
                        e.what(), partial_path(out)));
      }
      throw std::runtime_error(
          fmt::format("{}\nthe {} finished before the error {} in '{}' (complete=0)", e.what(),
                      steps_done == 1 ? "step" : fmt::format("{} steps", steps_done),
                      steps_done == 1 ? "is" : "are", partial_path(out)));
    }
  }();
  close_output();
  release_stop_signals();
  progress.finish();
  if (!report.complete && report.steps_done == 0) {
    // Stopped while the population was drawn: the file would hold no step to look into, and
    // would only ask the next run for --force. It goes, as after a fault before the first step.
    discard_partial(out);
    fmt::print(stderr, "interrupted before the first of the {} steps finished; nothing was kept\n",
               sc.steps);
    return interrupted_code();
  }
  if (!report.complete) {
    fmt::print(stderr,
               "interrupted after {} of {} steps; the steps so far are in '{}' (complete=0)\n",
               report.steps_done, sc.steps, partial_path(out));
    return interrupted_code();
  }
  if (!args.quiet) {
    fmt::print("{}", format_summary(summarize_file(out)));
    fmt::print("\nwrote {} in {}: {:.1f} M consumer-steps/s, {:.0f} bytes per consumer\n", out,
               format_duration(report.wall_seconds),
               static_cast<double>(sc.consumers) * static_cast<double>(sc.steps) /
                   report.wall_seconds / 1e6,
               report.bytes_per_consumer);
  }
  return 0;
}

/// Refuses a `file` to summarize that is not there, saying what is there in its place: the
/// .partial file of a run or experiment that did not finish, or an experiment's runs directory.
void check_summarized_file(const std::string& file) {
  std::error_code ec;
  if (fs::exists(file, ec)) return;
  const std::string partial = partial_path(file), dir = runs_directory(file);
  const bool has_partial = fs::is_regular_file(partial, ec), has_runs = fs::is_directory(dir, ec);
  if (!has_partial && !has_runs) return;  // the reader says "no such file"
  std::vector<std::string> there;
  if (has_partial)
    there.push_back(fmt::format(
        "'{}' is there, the file of a run or experiment that did not finish (or whose rename "
        "did not happen): `marketsim summarize {}` reads what it holds",
        partial, partial));
  if (has_runs)
    there.push_back(fmt::format(
        "'{}' holds the finished runs of an experiment that did not finish: run it again with "
        "--resume to write '{}'",
        dir, file));
  throw InputError(
      fmt::format("cannot open '{}': no such file; {}", file, fmt::join(there, "; and ")));
}

int summarize(const std::string& file, const std::optional<std::string>& csv, bool force) {
  check_summarized_file(file);
  if (csv && csv->empty())
    throw InputError(
        "--csv: an empty path was given; expected a directory (DIR/) or a file-name prefix");
  // "--csv out/summary.csv" would write out/summary.csv-summary.csv and the like: the option
  // names where several tables go, not one file.
  if (csv && !csv_into_directory(*csv) && csv->size() > 4 &&
      std::equal(csv->end() - 4, csv->end(), ".csv",
                 [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; })) {
    const std::string stem = csv->substr(0, csv->size() - 4);
    const std::string dir = stem.empty() || stem.back() == '/' ? stem : stem + "/";
    const std::string prefix =
        stem.empty() || stem.back() == '/'
            ? ""
            : fmt::format(", or --csv '{}' for '{}'", stem, csv_path(stem, "summary"));
    throw InputError(fmt::format(
        "--csv '{}': expected a directory (DIR/) or a file-name prefix, not a .csv file: "
        "summarize writes several tables (summary, market, years and columns for a run; runs, "
        "summary, differences and columns for an experiment), so '{}' would give '{}'; use "
        "--csv '{}' for '{}' and the rest{}",
        *csv, *csv, csv_path(*csv, "summary"), dir.empty() ? "./" : dir,
        csv_path(dir.empty() ? "./" : dir, "summary"), prefix));
  }
  std::vector<std::string> written;
  // The directory --csv DIR/ names, and those above it, made only now; removed again, when
  // empty, if writing fails.
  std::optional<MadeDirectories> made;
  const auto make_directory = [&] {
    if (csv_into_directory(*csv)) made.emplace(*csv);
  };
  // The tables an earlier --csv wrote there that this one does not (an experiment's
  // differences.csv where this one has a single design point): removed with --force once the
  // new tables are written, so that the target never mixes two files' tables.
  std::vector<EarlierTable> earlier;
  const auto check_target =
      [&](const std::vector<std::pair<const ExperimentTable*, std::string>>& files,
          bool experiment) {
        check_csv_target(*csv, files, force);
        std::vector<std::string> paths;
        for (const auto& [table, path] : files) paths.push_back(path);
        earlier = earlier_tables(*csv, paths, experiment, force);
      };
  if (is_experiment_file(file)) {
    const ExperimentTables tables = read_experiment_tables(file);
    if (csv) {
      check_target(experiment_csv_files(tables, *csv), true);
    }
    fmt::print("{}", format_experiment_summary(file));
    if (csv) {
      make_directory();
      written = write_experiment_csv(tables, *csv);
    }
  } else {
    check_run_layout(file);
    const Summary summary = summarize_file(file);
    NamedTables tables;
    if (csv) {
      tables = run_csv_output(file);
      std::vector<std::pair<const ExperimentTable*, std::string>> files;
      for (const auto& [name, table] : tables) files.emplace_back(&table, csv_path(*csv, name));
      check_target(files, false);
    }
    fmt::print("{}", format_summary(summary));
    if (csv) {
      make_directory();
      written = write_csv_tables(tables, *csv);
    }
  }
  if (made) made->keep();
  for (const auto& path : written) fmt::print("wrote {}\n", path);
  for (const EarlierTable& t : remove_earlier_tables(earlier))
    fmt::print("removed {} ({})\n", t.path, t.what);
  return 0;
}

}  // namespace msim::cli
