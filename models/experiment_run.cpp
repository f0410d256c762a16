// Running an experiment: runs (or branches) execute concurrently when small. Each finished run
// is written at once to its own file (atomically, by rename), which an interrupted experiment
// keeps for --resume, and into the experiment's file, which is renamed into place at the end.
#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

#include "models/experiment.hpp"
#include "models/experiment_tables.hpp"
#include "models/market.hpp"
#include "models/panel.hpp"
#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "models/snapshot.hpp"
#include "models/version.hpp"
#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/program_hash.hpp"
#include "sim/recorder.hpp"

namespace fs = std::filesystem;

namespace msim {
namespace {

/// The finished runs an experiment keeps in its runs directory, for --resume's refusals.
struct KeptRuns {
  std::size_t n = 0;
  std::string dir;
  explicit KeptRuns(const std::string& runs_dir) : dir(runs_dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      n += entry.path().extension() == ".h5" ? 1 : 0;
  }
  /// "the 2 finished runs in 'e.h5.runs'"
  std::string runs() const {
    return n == 1 ? fmt::format("the finished run in '{}'", dir)
                  : fmt::format("the {} finished runs in '{}'", n, dir);
  }
  const char* are() const { return n == 1 ? "is" : "are"; }
  const char* belong() const { return n == 1 ? "belongs" : "belong"; }
  const char* them() const { return n == 1 ? "it" : "them"; }
  /// "The 2 finished runs in 'e.h5.runs' are kept there: <what to do>, or use --force to start
  /// over, which discards them"
  std::string kept_unless_forced(const std::string& what_to_do) const;
};

/// `text` with its first letter in capitals, to open a sentence.
std::string capitalized(std::string text) {
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z')
    text[0] = static_cast<char>(text[0] - 'a' + 'A');
  return text;
}

std::string KeptRuns::kept_unless_forced(const std::string& what_to_do) const {
  return fmt::format("{} {} kept there: {}, or use --force to start over, which discards {}",
                     capitalized(runs()), are(), what_to_do, them());
}

/// An integer root attribute of `in`, when it has one.
std::optional<std::int64_t> int_attribute(const Hdf5Reader& in, const std::string& name) {
  if (!in.has_attribute(name)) return std::nullopt;
  const AttrValue v = in.attribute(name);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  return std::nullopt;
}

/// "it had 5 replications per design point and now has 8": how the design of the experiment that
/// wrote run file `in` differs from `ex`'s, as far as the file tells; "" when it tells nothing.
std::string design_change(const Hdf5Reader& in, const Experiment& ex, const PlannedRun& run) {
  const auto R = static_cast<std::int64_t>(ex.base.experiment.replications);
  const auto P = static_cast<std::int64_t>(ex.points.size());
  std::vector<std::string> changes;
  std::optional<std::int64_t> replications = int_attribute(in, "replications");
  const auto point = int_attribute(in, "design_point");
  const auto replication = int_attribute(in, "replication");
  // Files of earlier versions lack `replications`: run id = design point x replications +
  // replication tells it when the run was not of the first design point.
  if (!replications && point && replication && *point > 0)
    replications = (static_cast<std::int64_t>(run.plan.id) - *replication) / *point;
  if (replications && *replications != R)
    changes.push_back(
        fmt::format("it had {} replications per design point and now has {}", *replications, R));
  else if (!replications && point && *point != static_cast<std::int64_t>(run.plan.point))
    changes.push_back(fmt::format("the number of replications changed (now {})", R));
  if (const auto points = int_attribute(in, "design_points"); points && *points != P)
    changes.push_back(fmt::format("it had {} design points and now has {}", *points, P));
  return fmt::format("{}", fmt::join(changes, ", and "));
}

/// Whether `path` holds this run, finished. @throws InputError when it holds another run, or
/// one that another build of the program wrote, saying why and that the experiment's finished
/// runs are kept.
bool finished_before(const std::string& path, const PlannedRun& run, const Experiment& ex,
                     const std::string& dir) {
  if (!fs::exists(path)) return false;
  const Hdf5Reader in(path);
  const AttrValue complete = in.attribute("complete");
  if (!std::holds_alternative<std::int64_t>(complete) || std::get<std::int64_t>(complete) != 1)
    return false;
  // A run's number is its design point x the replications + its replication: a design with
  // other replications numbers the runs otherwise.
  const auto point = int_attribute(in, "design_point");
  const auto replication = int_attribute(in, "replication");
  const bool renumbered =
      (point && *point != static_cast<std::int64_t>(run.plan.point)) ||
      (replication && *replication != static_cast<std::int64_t>(run.plan.replication));
  // A branched run records its scenario with its `branch:` block (PlannedRun::recorded_yaml).
  const std::string expected =
      run.recorded_yaml.empty() ? resolved_yaml(run.scenario) : run.recorded_yaml;
  if (renumbered || in.text("/scenario") != expected) {
    const std::string changed = design_change(in, ex, run);
    const KeptRuns kept(dir);
    if (!changed.empty())
      throw InputError(fmt::format(
          "--resume: the experiment's design changed since the runs in '{}' were written: {} "
          "({}). {} {} to the earlier design and {} kept there. To run the new design, use "
          "--force, which starts it from scratch and discards {}; to finish the earlier design "
          "instead, run it as it was, with --resume",
          dir, changed,
          renumbered && point && replication
              ? fmt::format("'{}' holds run {} as the earlier design numbered it, design point "
                            "{}, replication {}; run {} is now design point {}, replication {}",
                            path, run.plan.id, *point, *replication, run.plan.id, run.plan.point,
                            run.plan.replication)
              : fmt::format("'{}' holds run {} of the earlier design", path, run.plan.id),
          capitalized(kept.runs()), kept.belong(), kept.are(), kept.them()));
    throw InputError(fmt::format(
        "--resume: '{}' holds run {} (design point {}, replication {}) of another scenario: the "
        "scenario file, an override, the seed or the design point's values changed since it "
        "was written. {} {} to that earlier scenario and {} kept there. To run this one, use "
        "--force, which starts it from scratch and discards {}; to finish the earlier one "
        "instead, run it as it was, with --resume",
        path, run.plan.id, run.plan.point, run.plan.replication, capitalized(kept.runs()),
        kept.belong(), kept.are(), kept.them()));
  }
  // Another build's runs could differ in their last bits from this one's.
  const AttrValue commit = in.attribute("git_commit");
  if (std::holds_alternative<std::string>(commit) && std::get<std::string>(commit) != kGitCommit) {
    const KeptRuns kept(dir);
    throw InputError(fmt::format(
        "--resume: '{}' holds run {} written by marketsim commit {}, and this program is commit "
        "{}; its runs could differ from this program's in their last bits. {}",
        path, run.plan.id, std::get<std::string>(commit), kGitCommit,
        kept.kept_unless_forced(
            fmt::format("resume with the program that wrote {}", kept.them()))));
  }
  // The same commit, but another build of it (a program with strategies of its own that changed,
  // say, or other compiler flags): its executable's hash differs. A file of an earlier version
  // records none; where this program cannot read its own executable, there is nothing to check.
  if (const std::string& mine = program_hash(); !mine.empty()) {
    const AttrValue theirs =
        in.has_attribute("program_hash") ? in.attribute("program_hash") : AttrValue{};
    const auto* hash = std::get_if<std::string>(&theirs);
    if (hash == nullptr || (!hash->empty() && *hash != mine)) {
      const KeptRuns kept(dir);
      throw InputError(fmt::format(
          "--resume: '{}' holds run {} written by another build of the program ({}; this "
          "program's is {}, and both are marketsim commit {}): its code, a strategy of its own "
          "say, may differ from this program's, and so may its runs. {}",
          path, run.plan.id,
          hash == nullptr ? "an earlier version, which recorded no program_hash"
                          : fmt::format("program_hash {}", *hash),
          mine, kGitCommit,
          kept.kept_unless_forced(
              fmt::format("resume with the program that wrote {}", kept.them()))));
    }
  }
  // The same scenario, but a program whose strategies record other diagnostics: the merge at
  // the end would miss them, so say it now, before any run.
  for (const SeriesSpec& spec : recording_layout(run.scenario, 0).series)
    if (!in.exists(spec.path)) {
      const KeptRuns kept(dir);
      throw InputError(fmt::format(
          "--resume: '{}' holds run {} without '{}', which this program records (were its "
          "strategies' diagnostics changed?). {}",
          path, run.plan.id, spec.path,
          kept.kept_unless_forced("resume with the program that started the experiment")));
    }
  return true;
}

/// Runs the steps [from, steps) of `market`, appending to `rec`; false when stopped. A step's
/// InputError (a price past the limit, say) names `who`: the run, or a shared history.
bool continue_run(Market& market, std::int64_t steps, MemoryRecorder& rec,
                  const std::atomic<bool>& stop, const std::function<void()>& on_step,
                  const std::string& who) {
  const int panel = panel_table(rec.layout());
  while (market.steps_done() < steps) {
    if (stop.load()) return false;
    try {
      market.step();
    } catch (const InputError& e) {
      throw StepInputError(fmt::format("{}: {}", who, e.what()));
    }
    record_step(market, rec, panel);
    on_step();
  }
  return true;
}

/// "run 3 (design point 1, replication 0)", for messages.
std::string run_label(const PlannedRun& run) {
  return fmt::format("run {} (design point {}, replication {})", run.plan.id, run.plan.point,
                     run.plan.replication);
}

}  // namespace

std::string runs_directory(const std::string& out_path) {
  return out_path + ".runs";
}

std::size_t part_units(const Experiment& ex) {
  return ex.base.experiment.branch_at > 0
             ? static_cast<std::size_t>(ex.base.experiment.replications)
             : ex.runs.size();
}

bool in_part(const Experiment& ex, const PlannedRun& run, std::size_t part, std::size_t parts) {
  const std::size_t unit = ex.base.experiment.branch_at > 0 ? run.plan.replication : run.plan.id;
  return unit % parts == part;
}

ExperimentReport run_experiment(const Experiment& ex, const std::string& out_path,
                                const ExperimentOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::string dir = runs_directory(out_path);
  const bool part = options.parts > 0;
  const auto mine = [&](const PlannedRun& run) {
    return !part || in_part(ex, run, options.part, options.parts);
  };
  if (!options.resume && !part) fs::remove_all(dir);
  fs::create_directories(dir);
  for (const PlannedRun& run : ex.runs) {
    if (!mine(run)) continue;  // another part may be writing it
    const std::string file = run_file(dir, run.plan.id), cut = partial_path(file);
    // A run cut short by a kill left its .partial file, unless a process is writing it now.
    if (fs::exists(cut) && file_locked(cut))
      throw InputError(fmt::format(
          "'{}' is being written by another process (it holds the file's lock): a part of this "
          "experiment, or another run of it, is still running; wait for it to finish",
          cut));
    fs::remove(cut);
    if (part && !options.resume) fs::remove(file);  // --force: the part's runs start over
  }

  ExperimentReport report;
  std::vector<const PlannedRun*> todo, done_before;
  for (const PlannedRun& run : ex.runs) {
    if (!mine(run)) continue;
    if (options.resume && finished_before(run_file(dir, run.plan.id), run, ex, dir))
      done_before.push_back(&run);
    else
      todo.push_back(&run);
  }
  report.runs = todo.size() + done_before.size();
  report.skipped = done_before.size();

  const std::int64_t steps = ex.base.steps;
  const std::int64_t branch = ex.base.experiment.branch_at;
  std::map<std::size_t, std::vector<const PlannedRun*>> by_replication;
  for (const PlannedRun* run : todo) by_replication[run->plan.replication].push_back(run);
  // A sweep may change `steps` or `consumers` (not with branching, where they are shared).
  std::int64_t total = static_cast<std::int64_t>(by_replication.size()) * branch;
  std::int64_t largest = 0;
  for (const PlannedRun* run : todo) {
    total += run->scenario.steps - branch;
    largest = std::max(largest, run->scenario.consumers);
  }

  // A part writes no experiment file: the run that assembles the parts does.
  std::optional<ExperimentFile> merged;
  if (!part) merged.emplace(ex, out_path, options.threads);
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> done_steps{0};
  std::atomic<std::size_t> finished{0};
  std::mutex hdf5;  // the HDF5 library is not thread-safe: one writer at a time
  std::mutex progress_lock;
  const auto on_step = [&] {
    const std::int64_t d = ++done_steps;
    if (options.stop && options.stop->load()) stop.store(true);
    // Progress never waits: a step that finds another thread drawing skips its update.
    if (options.on_progress && progress_lock.try_lock()) {
      options.on_progress(d, total);
      progress_lock.unlock();
    }
  };
  // In each run file, for --resume to tell a changed design.
  const Attributes design = {
      {"design_points", static_cast<std::int64_t>(ex.points.size())},
      {"replications", static_cast<std::int64_t>(ex.base.experiment.replications)}};
  const auto keep = [&](const PlannedRun& run, const MemoryRecorder& rec) {
    const RunData data = run_data(rec);
    std::lock_guard<std::mutex> lock(hdf5);
    write_run_file(run_file(dir, run.plan.id), data, design);
    if (merged) merged->add(run, data);
    const std::size_t n = ++finished;
    if (options.stop_after_runs > 0 && n >= options.stop_after_runs) stop.store(true);
  };
  const bool concurrent = largest < options.concurrent_below;
  const auto for_each = [&](std::size_t n, const auto& body) {
    if (concurrent) {
      tbb::parallel_for(std::size_t{0}, n, [&](std::size_t k) { body(k); });
    } else {
      for (std::size_t k = 0; k < n; ++k) body(k);
    }
  };

  if (branch == 0) {
    for_each(todo.size(), [&](std::size_t k) {
      const PlannedRun& run = *todo[k];
      if (stop.load()) return;
      const auto t0 = std::chrono::steady_clock::now();
      MemoryRecorder rec;
      rec.begin(run_layout(run, options.threads));
      Market market(run.scenario, EngineOptions{options.block_size});
      record_panel_members(market, rec, panel_table(rec.layout()));
      if (!continue_run(market, run.scenario.steps, rec, stop, on_step, run_label(run))) return;
      record_snapshot(market, rec, snapshot_table(rec.layout()));
      const double wall =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      rec.finish({{"wall_seconds", wall}, {"steps_done", run.scenario.steps}}, true);
      keep(run, rec);
    });
  } else {
    // One shared history per replication, then every variant from a copy of it.
    std::vector<std::vector<const PlannedRun*>> groups;
    for (auto& [r, runs] : by_replication) groups.push_back(runs);
    for_each(groups.size(), [&](std::size_t g) {
      if (stop.load()) return;
      const auto t0 = std::chrono::steady_clock::now();
      Scenario shared = ex.base;
      shared.seed = groups[g].front()->scenario.seed;
      shared.experiment = ExperimentSpec{};
      Market history(shared, EngineOptions{options.block_size});
      MemoryRecorder past;
      past.begin(recording_layout(shared, options.threads));
      record_panel_members(history, past, panel_table(past.layout()));
      if (!continue_run(history, branch, past, stop, on_step,
                        fmt::format("the history that replication {} shares before the branch",
                                    groups[g].front()->plan.replication)))
        return;
      const double history_wall =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      for_each(groups[g].size(), [&](std::size_t k) {
        const PlannedRun& run = *groups[g][k];
        if (stop.load()) return;
        const auto t1 = std::chrono::steady_clock::now();
        MemoryRecorder rec;
        rec.begin(run_layout(run, options.threads));
        for (std::int64_t t = 0; t < branch; ++t) {
          std::vector<std::vector<double>> rows;
          for (const auto& series : past.rows())
            rows.push_back(series[static_cast<std::size_t>(t)]);
          rec.record(t, rows);
        }
        // The shared history's panel (members and purchases so far), when both record one.
        if (panel_table(rec.layout()) >= 0 && panel_table(past.layout()) >= 0)
          for (std::size_t p = 0; p < past.tables().size(); ++p) rec.append(p, past.tables()[p]);
        Market market = history;
        market.branch(run.scenario);
        if (!continue_run(market, steps, rec, stop, on_step, run_label(run))) return;
        record_snapshot(market, rec, snapshot_table(rec.layout()));
        const double wall =
            history_wall +
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
        rec.finish({{"wall_seconds", wall}, {"steps_done", steps}, {"branch_at", branch}}, true);
        keep(run, rec);
      });
    });
  }
  report.ran = finished.load();
  if (part) {
    report.complete = report.skipped + report.ran == report.runs;
    for (const PlannedRun& run : ex.runs)
      report.in_directory += fs::exists(run_file(dir, run.plan.id)) ? 1 : 0;
  } else if (report.skipped + report.ran == report.runs) {
    for (const PlannedRun* run : done_before) merged->add(*run, run_file(dir, run->plan.id));
    merged->commit();
    fs::remove_all(dir);
    report.complete = true;
  }
  report.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace msim
