// Running an experiment: runs (or branches) execute concurrently when small. Each finished run
// is written at once to its own file (atomically, by rename), which an interrupted experiment
// keeps for --resume (models/experiment_resume.cpp), and into the experiment's file, which is
// renamed into place at the end.
#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "models/experiment.hpp"
#include "models/experiment_resume.hpp"
#include "models/experiment_tables.hpp"
#include "models/market.hpp"
#include "models/panel.hpp"
#include "models/simulation.hpp"
#include "models/snapshot.hpp"
#include "sim/durable_file.hpp"
#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/recorder.hpp"

namespace fs = std::filesystem;

namespace msim {
namespace {

/// Runs the steps [from, steps) of `market`, appending to `rec`; false when stopped. A step's
/// InputError (a price past the limit, say) or fault (a strategy's plan() that threw) names
/// `who`: the run, or a shared history.
bool continue_run(Market& market, std::int64_t steps, FlatRecorder& rec,
                  const std::function<bool()>& stopped, const std::function<void()>& on_step,
                  const std::string& who) {
  const int panel = panel_table(rec.layout());
  while (market.steps_done() < steps) {
    if (stopped()) return false;
    try {
      market.step();
    } catch (const InputError& e) {
      throw StepInputError(fmt::format("{}: {}", who, e.what()));
    } catch (const OutputError&) {
      throw;
    } catch (const std::exception& e) {
      throw RunFault(fmt::format("{}: {}", who, e.what()));
    }
    record_step(market, rec, panel);
    on_step();
  }
  return true;
}

/// The finished run in `rec`, its series and tables handed over (held once, not copied).
RunData hand_over(FlatRecorder& rec) {
  RunData data;
  data.layout = rec.layout();
  data.steps = rec.steps();
  data.series = rec.take_values();
  data.tables = rec.take_tables();
  data.final_attributes = rec.final_attributes();
  return data;
}

}  // namespace

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
  // Nothing but run files: the directory is removed when the experiment completes.
  check_runs_directory(dir, fmt::format("output '{}'", out_path));
  // Held to the end: the whole experiment alone, its parts side by side (each with its own
  // runs), so that no process removes or merges the runs that another is writing.
  DirectoryLock in_use;
  if (!in_use.acquire(dir, part))
    throw ExperimentInUse(fmt::format(
        "output '{}': another process is running {} on it (it holds the lock of '{}'); wait for "
        "it to finish, or choose another -o",
        out_path, part ? "the whole experiment" : "this experiment, or a part of it", dir));
  if (!options.resume && !part) remove_run_files(dir, true);  // --force: start over
  for (const PlannedRun& run : ex.runs) {
    if (!mine(run)) continue;  // another part may be writing it
    const std::string cut = partial_path(run_file(dir, run.plan.id));
    // A run cut short by a kill left its .partial file, unless a process is writing it now.
    const Leftover found = remove_leftover(cut);
    if (found == Leftover::kLocked)
      throw InputError(fmt::format(
          "'{}' is being written by another process (it holds the file's lock): a part of this "
          "experiment, or another run of it, is still running; wait for it to finish",
          cut));
    if (found == Leftover::kNotRegular) fs::remove(cut);
  }
  // Found by what they are, whatever their number; a part's --force (resume off) redoes its own.
  KeptFiles kept;
  if (options.resume || part) kept = keep_finished_runs(ex, dir, mine, options.resume);
  // --resume on a completed experiment's file (which --force lets it replace): the runs of it
  // that this design plans as they are there are taken from it, not run again.
  EarlierFile completed;
  if (options.resume && !part) completed = reusable_runs(ex, out_path, kept.planned);

  ExperimentReport report;
  std::vector<const PlannedRun*> todo, done_before;
  for (const PlannedRun& run : ex.runs) {
    if (!mine(run)) continue;
    if (kept.planned.count(run.plan.id) > 0 || completed.planned.count(run.plan.id) > 0)
      done_before.push_back(&run);
    else
      todo.push_back(&run);
  }
  report.runs = todo.size() + done_before.size();
  report.skipped = done_before.size();
  report.reused = completed.planned.size();

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
  if (!part) merged.emplace(ex, out_path, options.threads, options.replaces);
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
  // In each run file, the size of the design that wrote it (--resume finds a run by what it is).
  const Attributes design = {
      {"design_points", static_cast<std::int64_t>(ex.points.size())},
      {"replications", static_cast<std::int64_t>(ex.base.experiment.replications)}};
  const auto keep = [&](const PlannedRun& run, FlatRecorder& rec) {
    const RunData data = hand_over(rec);
    std::lock_guard<std::mutex> lock(hdf5);
    write_run_file(run_file(dir, run.plan.id), data, design);
    if (merged) merged->add(run, data);
    const std::size_t n = ++finished;
    if (options.stop_after_runs > 0 && n >= options.stop_after_runs) stop.store(true);
  };
  const bool concurrent = largest < options.concurrent_below;
  // A run's failure stops the runs after it in the plan's order at their next step, and the
  // failure of the first failing run in that order is thrown once all have stopped: the runs
  // before it always finish, so the same run is named on any number of threads. It must not
  // leave the parallel loop: TBB would cancel the loops nested in the other runs' steps (the
  // consumer kernel's), and a run mid-step would lose that step's work.
  std::exception_ptr failure;
  std::atomic<std::size_t> stop_after{SIZE_MAX};  // the plan's id of the first failing run
  std::mutex failure_lock;
  // Whether run `id` stops (or does not start): after a stop, or after a failure before it.
  const auto stopped = [&](std::size_t id) { return stop.load() || id > stop_after.load(); };
  // Runs body(k) for k < n, each a run (or a shared history) that fails as run id_of(k).
  const auto for_each = [&](std::size_t n, const auto& id_of, const auto& body) {
    const auto guarded = [&](std::size_t k) {
      try {
        body(k);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_lock);
        if (id_of(k) < stop_after.load()) {
          failure = std::current_exception();
          stop_after.store(id_of(k));
        }
      }
    };
    if (concurrent) {
      tbb::parallel_for(std::size_t{0}, n, guarded);
    } else {
      for (std::size_t k = 0; k < n; ++k) guarded(k);
    }
  };

  if (branch == 0) {
    const auto id = [&](std::size_t k) { return todo[k]->plan.id; };
    for_each(todo.size(), id, [&](std::size_t k) {
      const PlannedRun& run = *todo[k];
      const auto run_stopped = [&] { return stopped(run.plan.id); };
      if (run_stopped()) return;
      const auto t0 = std::chrono::steady_clock::now();
      FlatRecorder rec(static_cast<std::size_t>(run.scenario.steps));
      rec.begin(run_layout(run, options.threads));
      Market market(run.scenario, EngineOptions{options.block_size});
      record_panel_members(market, rec, panel_table(rec.layout()));
      if (!continue_run(market, run.scenario.steps, rec, run_stopped, on_step,
                        describe_run(ex, run)))
        return;
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
    // A history's failure is its first run's: its runs come in the plan's order.
    const auto first_id = [&](std::size_t g) { return groups[g].front()->plan.id; };
    for_each(groups.size(), first_id, [&](std::size_t g) {
      const auto history_stopped = [&] { return stopped(first_id(g)); };
      if (history_stopped()) return;
      const auto t0 = std::chrono::steady_clock::now();
      Scenario shared = ex.base;
      shared.seed = groups[g].front()->scenario.seed;
      shared.experiment = ExperimentSpec{};
      Market history(shared, EngineOptions{options.block_size});
      FlatRecorder past(static_cast<std::size_t>(branch));
      past.begin(recording_layout(shared, options.threads));
      record_panel_members(history, past, panel_table(past.layout()));
      if (!continue_run(history, branch, past, history_stopped, on_step,
                        fmt::format("the history that replication {} (seed {}) shares before "
                                    "the branch at step {}",
                                    groups[g].front()->plan.replication, shared.seed, branch)))
        return;
      const double history_wall =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const auto id = [&](std::size_t k) { return groups[g][k]->plan.id; };
      for_each(groups[g].size(), id, [&](std::size_t k) {
        const PlannedRun& run = *groups[g][k];
        const auto run_stopped = [&] { return stopped(run.plan.id); };
        if (run_stopped()) return;
        const auto t1 = std::chrono::steady_clock::now();
        FlatRecorder rec(static_cast<std::size_t>(steps));
        rec.begin(run_layout(run, options.threads));
        rec.record_steps(0, past.steps(), past.values());
        // The shared history's panel (members and purchases so far), when both record one.
        if (panel_table(rec.layout()) >= 0 && panel_table(past.layout()) >= 0)
          for (std::size_t p = 0; p < past.tables().size(); ++p) rec.append(p, past.tables()[p]);
        Market market = history;
        market.branch(run.scenario);
        if (!continue_run(market, steps, rec, run_stopped, on_step, describe_run(ex, run))) return;
        record_snapshot(market, rec, snapshot_table(rec.layout()));
        const double wall =
            history_wall +
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
        rec.finish({{"wall_seconds", wall}, {"steps_done", steps}, {"branch_at", branch}}, true);
        keep(run, rec);
      });
    });
  }
  if (failure) std::rethrow_exception(failure);
  report.ran = finished.load();
  if (part) {
    report.complete = report.skipped + report.ran == report.runs;
    report.in_directory = planned_runs_in(ex, dir);
  } else if (report.skipped + report.ran == report.runs) {
    for (const PlannedRun* run : done_before) {
      const auto file = kept.planned.find(run->plan.id);
      if (file != kept.planned.end())
        merged->add(*run, file->second);
      else
        merged->add(*run, out_path, completed.planned.at(run->plan.id));
    }
    // The completed file that this one replaces keeps the runs this one does not have, under
    // another name (a second link to it: until the rename, it is also still out_path).
    if (completed.other > 0) {
      report.not_reused = completed.other;
      report.earlier_file = earlier_output(out_path);
      std::error_code ec;
      fs::create_hard_link(out_path, report.earlier_file, ec);
      if (ec) {
        // A copy, on the disk before the rename replaces out_path (the link needs no write).
        std::string why;
        if (!fs::copy_file(out_path, report.earlier_file, ec)) why = ec.message();
        try {
          if (why.empty()) sync_file(report.earlier_file);
        } catch (const OutputError& e) {
          why = e.what();
        }
        if (!why.empty()) {
          fs::remove(report.earlier_file, ec);
          throw OutputError(
              fmt::format("cannot keep the earlier '{}' as '{}' ({}); it is as it was", out_path,
                          report.earlier_file, why));
        }
      }
    }
    const FileId completed_file = file_id(out_path);
    try {
      merged->commit();
    } catch (...) {
      // Before the rename, out_path is still the completed file, which the failure leaves as it
      // was, under its one name. After it (the directory's write to the disk failed), the
      // earlier runs are only in the earlier file, which stays.
      std::error_code ec;
      if (!report.earlier_file.empty() && file_id(out_path) == completed_file)
        fs::remove(report.earlier_file, ec);
      throw;
    }
    // Finished runs that this design does not have are the user's: kept, beside the output.
    if (!kept.unplanned.empty()) {
      report.set_aside = kept.unplanned.size();
      report.earlier = set_aside(kept.unplanned, out_path);
    }
    remove_run_files(dir);
    report.complete = true;
  }
  report.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace msim
