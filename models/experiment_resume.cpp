// --resume: the finished runs of an experiment's runs directory, found by the design point and
// replication each records, checked against the runs planned now (the same scenario, the same
// build of the program), renamed after their run's number in this design, and those the design
// no longer has set aside for the user; and the runs of a completed experiment's file that the
// design still has (--resume --force on it), checked alike.
#include "models/experiment_resume.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include "models/experiment_tables.hpp"
#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "models/version.hpp"
#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/program_hash.hpp"
#include "sim/yaml_writer.hpp"

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

/// "it had 2 design points and now has 3": how the design of the experiment that wrote run file
/// `in` differs from `ex`'s, as far as the file tells; "" when it tells nothing. (Replications
/// change no run: a run is its design point's scenario with its replication's seed.)
std::string design_change(const Hdf5Reader& in, const Experiment& ex) {
  const auto P = static_cast<std::int64_t>(ex.points.size());
  if (const auto points = int_attribute(in, "design_points"); points && *points != P)
    return fmt::format("it had {} design points and now has {}", *points, P);
  return "";
}

/// "  path: exp-run-00003.h5\n": output.path as a resolved scenario writes it.
std::string output_path_line(const std::string& path) {
  YamlWriter out;
  out.begin_map().key("path").value(path).end_map();
  return " " + out.str();
}

/// The /scenario that a file of `run` records when the design that wrote it numbered the run
/// `id`: the run's own, with that number's output.path (run_output_path()).
std::string recorded_as(const Experiment& ex, const PlannedRun& run, std::size_t id) {
  // A branched run records its scenario with its `branch:` block (PlannedRun::recorded_yaml).
  std::string yaml = run.recorded_yaml.empty() ? resolved_yaml(run.scenario) : run.recorded_yaml;
  if (id == run.plan.id) return yaml;
  const std::string now = output_path_line(run.scenario.output.path);
  const std::size_t at = yaml.find(now);
  if (at == std::string::npos || yaml.find(now, at + 1) != std::string::npos) return yaml;
  return yaml.replace(at, now.size(), output_path_line(run_output_path(ex.base.output.path, id)));
}

/// How the run under `group` of `in` ("": a run file's root) differs from `run` as this program
/// writes it, when the design that wrote it numbered it `id`.
struct Difference {
  enum Kind { none, scenario, commit, build, dataset } kind = none;
  /// The other commit; the other program_hash ("": it recorded none); the missing dataset.
  std::string detail;
};
Difference compare_run(const Hdf5Reader& in, const std::string& group, const Experiment& ex,
                       const PlannedRun& run, std::size_t id) {
  const std::string object = group.empty() ? "/" : group;
  if (in.text(group + "/scenario") != recorded_as(ex, run, id)) return {Difference::scenario, ""};
  // Another build's runs could differ in their last bits from this one's.
  const AttrValue commit = in.attribute("git_commit", object);
  if (const auto* c = std::get_if<std::string>(&commit); c != nullptr && *c != kGitCommit)
    return {Difference::commit, *c};
  // The same commit, but another build of it (a program with strategies of its own that changed,
  // say, or other compiler flags): its executable's hash differs. A file of an earlier version
  // records none; where this program cannot read its own executable, there is nothing to check.
  if (const std::string& mine = program_hash(); !mine.empty()) {
    const AttrValue theirs = in.has_attribute("program_hash", object)
                                 ? in.attribute("program_hash", object)
                                 : AttrValue{};
    const auto* hash = std::get_if<std::string>(&theirs);
    if (hash == nullptr) return {Difference::build, ""};
    if (!hash->empty() && *hash != mine) return {Difference::build, *hash};
  }
  // The same scenario, but a program whose strategies record other diagnostics: the merge at
  // the end would miss them.
  for (const SeriesSpec& spec : recording_layout(run.scenario, 0).series)
    if (!in.exists(group + spec.path)) return {Difference::dataset, spec.path};
  return {};
}

/// Checks that `file` holds `run` as this program would write it. @throws InputError when it
/// holds the run of another scenario, or one that another build of the program wrote, saying
/// why and that the experiment's finished runs are kept.
void check_kept(const RunFile& file, const PlannedRun& run, const Experiment& ex,
                const std::string& dir) {
  const std::string& path = file.path;
  const Hdf5Reader in(path);
  const Difference d = compare_run(in, "", ex, run, file.id);
  if (d.kind == Difference::none) return;
  const KeptRuns kept(dir);
  if (d.kind == Difference::scenario) {
    const std::string changed = design_change(in, ex);
    if (!changed.empty())
      throw InputError(fmt::format(
          "--resume: the experiment's design changed since the runs in '{}' were written: {} "
          "('{}' holds design point {}, replication {} of the earlier design, which is another "
          "scenario now). {} {} to the earlier design and {} kept there. To run the new design, "
          "use --force, which starts it from scratch and discards {}; to finish the earlier "
          "design instead, run it as it was, with --resume",
          dir, changed, path, file.point, file.replication, capitalized(kept.runs()), kept.belong(),
          kept.are(), kept.them()));
    throw InputError(fmt::format(
        "--resume: '{}' holds run {} (design point {}, replication {}) of another scenario: the "
        "scenario file, an override, the seed or the design point's values changed since it "
        "was written. {} {} to that earlier scenario and {} kept there. To run this one, use "
        "--force, which starts it from scratch and discards {}; to finish the earlier one "
        "instead, run it as it was, with --resume",
        path, run.plan.id, run.plan.point, run.plan.replication, capitalized(kept.runs()),
        kept.belong(), kept.are(), kept.them()));
  }
  if (d.kind == Difference::commit)
    throw InputError(fmt::format(
        "--resume: '{}' holds run {} written by marketsim commit {}, and this program is commit "
        "{}; its runs could differ from this program's in their last bits. {}",
        path, run.plan.id, d.detail, kGitCommit,
        kept.kept_unless_forced(
            fmt::format("resume with the program that wrote {}", kept.them()))));
  if (d.kind == Difference::build)
    throw InputError(fmt::format(
        "--resume: '{}' holds run {} written by another build of the program ({}; this "
        "program's is {}, and both are marketsim commit {}): its code, a strategy of its own "
        "say, may differ from this program's, and so may its runs. {}",
        path, run.plan.id,
        d.detail.empty() ? "an earlier version, which recorded no program_hash"
                         : fmt::format("program_hash {}", d.detail),
        program_hash(), kGitCommit,
        kept.kept_unless_forced(
            fmt::format("resume with the program that wrote {}", kept.them()))));
  throw InputError(
      fmt::format("--resume: '{}' holds run {} without '{}', which this program records (were its "
                  "strategies' diagnostics changed?). {}",
                  path, run.plan.id, d.detail,
                  kept.kept_unless_forced("resume with the program that started the experiment")));
}

/// A name in `dir` that no file has for `file`'s run: DIR/point-00001-replication-00002.h5 (or
/// with "-2", "-3", ... when a copy of it has that one).
std::string free_name(const std::string& dir, const RunFile& file) {
  for (std::size_t k = 1;; ++k) {
    const std::string name =
        fmt::format("point-{:05d}-replication-{:05d}{}.h5", file.point, file.replication,
                    k == 1 ? std::string() : fmt::format("-{}", k));
    const fs::path path = fs::path(dir) / name;
    if (!fs::exists(path) && !fs::exists(partial_path(path.string()))) return path.string();
  }
}

/// Renames `file` to `to`, a name no file has (checked before), and records it.
void move(RunFile& file, const std::string& to) {
  if (fs::exists(to))
    throw OutputError(fmt::format("cannot move '{}' to '{}': a file is there", file.path, to));
  std::error_code ec;
  fs::rename(file.path, to, ec);
  if (ec)
    throw OutputError(fmt::format("cannot move '{}' to '{}' ({})", file.path, to, ec.message()));
  file.path = to;
}

}  // namespace

std::vector<RunFile> finished_run_files(const std::string& dir) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".h5" && entry.is_regular_file(ec))
      paths.push_back(entry.path().string());
  std::sort(paths.begin(), paths.end());
  std::vector<RunFile> files;
  for (const std::string& path : paths) {
    std::optional<Hdf5Reader> in;
    try {
      in.emplace(path);
    } catch (const InputError& e) {
      throw InputError(fmt::format(
          "--resume: {}; the runs directory '{}' should hold only the files of finished runs: "
          "move it elsewhere",
          e.what(), dir));
    }
    const auto complete = int_attribute(*in, "complete");
    const auto id = int_attribute(*in, "run");
    const auto point = int_attribute(*in, "design_point");
    const auto replication = int_attribute(*in, "replication");
    if (!complete || *complete != 1 || !id || !point || !replication || *id < 0 || *point < 0 ||
        *replication < 0)
      continue;  // not a finished run (it is run again, as if it were not there)
    files.push_back({path, static_cast<std::size_t>(*id), static_cast<std::size_t>(*point),
                     static_cast<std::size_t>(*replication)});
  }
  return files;
}

KeptFiles keep_finished_runs(const Experiment& ex, const std::string& dir,
                             const std::function<bool(const PlannedRun&)>& mine, bool reuse) {
  std::vector<RunFile> files = finished_run_files(dir);
  std::map<std::pair<std::size_t, std::size_t>, const PlannedRun*> planned;
  for (const PlannedRun& run : ex.runs) planned[{run.plan.point, run.plan.replication}] = &run;
  // The file kept for each of my runs: the one named after it, else the first by name.
  std::map<std::size_t, std::size_t> kept;  // planned run id -> index in files
  std::vector<std::size_t> unplanned;
  for (std::size_t k = 0; k < files.size(); ++k) {
    const auto it = planned.find({files[k].point, files[k].replication});
    if (it == planned.end()) {
      unplanned.push_back(k);
      continue;
    }
    const PlannedRun& run = *it->second;
    if (!mine(run)) continue;  // another part's
    const auto [slot, fresh] = kept.emplace(run.plan.id, k);
    if (fresh) continue;
    std::size_t copy = k;  // a second copy of the run
    if (files[k].path == run_file(dir, run.plan.id)) std::swap(slot->second, copy);
    unplanned.push_back(copy);
  }

  std::set<std::string> my_names;
  for (const PlannedRun& run : ex.runs)
    if (mine(run)) my_names.insert(run_file(dir, run.plan.id));
  if (!reuse) {  // a part's --force: its runs start over
    for (const auto& [id, k] : kept) fs::remove(files[k].path);
    kept.clear();
  }
  // Every check before any file moves: a refusal leaves the directory as it was.
  for (const auto& [id, k] : kept) check_kept(files[k], ex.runs[id], ex, dir);

  // Off the names of my runs, every file that another run (or nothing of this design) holds,
  // then each kept file onto its run's name.
  std::set<std::size_t> in_place;
  for (const auto& [id, k] : kept)
    if (files[k].path == run_file(dir, id)) in_place.insert(k);
  for (std::size_t k = 0; k < files.size(); ++k)
    if (fs::exists(files[k].path) && my_names.count(files[k].path) > 0 && in_place.count(k) == 0)
      move(files[k], free_name(dir, files[k]));
  KeptFiles out;
  for (const auto& [id, k] : kept) {
    const std::string name = run_file(dir, id);
    if (files[k].path != name && !fs::exists(name)) move(files[k], name);
    out.planned[id] = files[k].path;  // (an unfinished file on its name: it stays where it is)
  }
  for (std::size_t k : unplanned) out.unplanned.push_back(files[k]);
  return out;
}

std::string earlier_output(const std::string& out_path) {
  const fs::path out(out_path);
  for (std::size_t k = 1;; ++k) {
    fs::path candidate = out;
    candidate.replace_filename(out.stem().string() +
                               (k == 1 ? std::string("-earlier") : fmt::format("-earlier-{}", k)) +
                               out.extension().string());
    const std::string path = candidate.string();
    if (!fs::exists(path) && !fs::exists(partial_path(path)) && !fs::exists(runs_directory(path)))
      return path;
  }
}

std::string set_aside(const std::vector<RunFile>& files, const std::string& out_path) {
  const std::string earlier = earlier_output(out_path);
  const std::string dir = runs_directory(earlier);
  fs::create_directory(dir);
  for (RunFile file : files) {
    // By the number of the design that wrote it, which a resume of that design then keeps.
    const std::string name = run_file(dir, file.id);
    move(file, fs::exists(name) ? free_name(dir, file) : name);
  }
  return earlier;
}

}  // namespace msim

namespace msim {

EarlierFile reusable_runs(const Experiment& ex, const std::string& out_path,
                          const std::map<std::size_t, std::string>& found) {
  EarlierFile out;
  std::error_code ec;
  if (!fs::is_regular_file(out_path, ec)) return out;
  std::optional<Hdf5Reader> in;
  try {
    in.emplace(out_path);
  } catch (const InputError&) {
    return out;  // not HDF5: not an experiment's file, and replaced as --force says
  }
  const auto complete = int_attribute(*in, "complete");
  if (!in->exists("/experiment/columns/runs") || !in->exists("/runs") || !complete ||
      *complete != 1)
    return out;
  std::map<std::pair<std::size_t, std::size_t>, const PlannedRun*> planned;
  for (const PlannedRun& run : ex.runs) planned[{run.plan.point, run.plan.replication}] = &run;
  for (const std::string& name : in->list("/runs")) {
    const std::string group = "/runs/" + name;
    const auto number = [&](const char* attribute) -> std::optional<std::size_t> {
      if (!in->has_attribute(attribute, group)) return std::nullopt;
      const AttrValue value = in->attribute(attribute, group);
      const auto* v = std::get_if<std::int64_t>(&value);
      return v != nullptr && *v >= 0 ? std::optional(static_cast<std::size_t>(*v)) : std::nullopt;
    };
    const auto id = number("run"), point = number("design_point"),
               replication = number("replication");
    const auto it =
        id && point && replication ? planned.find({*point, *replication}) : planned.end();
    if (it == planned.end()) {  // a design point or replication this design does not have
      ++out.other;
      continue;
    }
    const PlannedRun& run = *it->second;
    if (found.count(run.plan.id) > 0) continue;  // a run file holds it: the same run
    if (compare_run(*in, group, ex, run, *id).kind == Difference::none)
      out.planned[run.plan.id] = group;
    else
      ++out.other;  // run again, as this scenario and program run it
  }
  return out;
}

}  // namespace msim
