// --resume: the finished runs of an experiment's runs directory, found by what each is (its
// resolved scenario, with its seed, and its replication, whatever number the design that wrote
// it gave it), checked against the runs planned now (the same build of the program), renamed
// after their run's number in this design, and those the design no longer has set aside for the
// user; and the runs of a completed experiment's file that the design still has (--resume
// --force on it), found and checked alike.
#include "models/experiment_resume.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "models/experiment_tables.hpp"
#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "models/version.hpp"
#include "sim/config.hpp"
#include "sim/config_diff.hpp"
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

/// "  path: exp-run-00003.h5\n": output.path as a resolved scenario writes it.
std::string output_path_line(const std::string& path) {
  YamlWriter out;
  out.begin_map().key("path").value(path).end_map();
  return " " + out.str();
}

/// The /scenario that a file of `run` records, numbered as this design numbers it.
std::string recorded_yaml(const PlannedRun& run) {
  // A branched run records its scenario with its `branch:` block (PlannedRun::recorded_yaml).
  return run.recorded_yaml.empty() ? resolved_yaml(run.scenario) : run.recorded_yaml;
}

/// `yaml` with `from`, when it has it once, replaced by `to`.
std::string replaced_once(std::string yaml, const std::string& from, const std::string& to) {
  const std::size_t at = yaml.find(from);
  if (at == std::string::npos || yaml.find(from, at + 1) != std::string::npos) return yaml;
  return yaml.replace(at, from.size(), to);
}

/// The /scenario that a file of `run` records when the design that wrote it numbered the run
/// `id`: the run's own, with that number's output.path (run_output_path()).
std::string recorded_as(const Experiment& ex, const PlannedRun& run, std::size_t id) {
  const std::string yaml = recorded_yaml(run);
  if (id == run.plan.id) return yaml;
  return replaced_once(yaml, output_path_line(run.scenario.output.path),
                       output_path_line(run_output_path(ex.base.output.path, id)));
}

/// What the run of /scenario `yaml` is, when the design that wrote it numbered it `id` and it
/// is replication `replication`: a hash of `yaml` without its output.path line, which names its
/// number, and without the line of the seed that this design gives the replication (a run of
/// another seed keeps its line, and is another run). Every run of a design point has the same.
std::size_t what_it_is(const Experiment& ex, const std::string& yaml, std::size_t id,
                       std::size_t replication) {
  YamlWriter seed;
  seed.begin_map()
      .key("seed")
      .value(static_cast<std::int64_t>(replication_seed(ex.base.seed, replication)))
      .end_map();
  return std::hash<std::string>{}(replaced_once(
      replaced_once(yaml, output_path_line(run_output_path(ex.base.output.path, id)), ""),
      "\n" + seed.str(), "\n"));
}

/// The planned run that a recorded run is, if any; or whether it is another copy of one.
struct Holds {
  std::optional<std::size_t> run;
  bool copy = false;
};

/// The planned run (or none) that each of some recorded runs is, by what it is: the run of the
/// design point whose runs are what it is (RunFile::what), with its replication. Each planned run
/// takes one of them: the one named after it (`name_of` its number) first, then the first in
/// order; another is a copy. (Design points that are the same scenario share runs: each takes
/// one of them.) What the hash found, compare_run() checks in full.
std::vector<Holds> planned_runs_of(const Experiment& ex, const std::vector<RunFile>& files,
                                   const std::function<std::string(std::size_t)>& name_of) {
  if (files.empty()) return {};
  const auto R = static_cast<std::size_t>(ex.base.experiment.replications);
  std::unordered_multimap<std::size_t, std::size_t> points;  // what its runs are -> design point
  for (std::size_t p = 0; p < ex.points.size(); ++p) {
    const PlannedRun& first = ex.runs.at(p * R);  // replication 0
    points.emplace(what_it_is(ex, recorded_yaml(first), first.plan.id, 0), p);
  }
  std::vector<std::vector<std::size_t>> candidates(files.size());
  for (std::size_t k = 0; k < files.size(); ++k) {
    if (files[k].replication >= R) continue;
    const auto [from, to] = points.equal_range(files[k].what);
    for (auto it = from; it != to; ++it)
      candidates[k].push_back(it->second * R + files[k].replication);
    std::sort(candidates[k].begin(), candidates[k].end());
  }
  std::vector<Holds> out(files.size());
  std::set<std::size_t> taken;
  for (std::size_t k = 0; k < files.size(); ++k)
    for (std::size_t id : candidates[k])
      if (files[k].path == name_of(id) && taken.insert(id).second) {
        out[k].run = id;
        break;
      }
  for (std::size_t k = 0; k < files.size(); ++k) {
    if (out[k].run || candidates[k].empty()) continue;
    for (std::size_t id : candidates[k])
      if (taken.insert(id).second) {
        out[k].run = id;
        break;
      }
    out[k].copy = !out[k].run;
  }
  return out;
}

/// The run that `ex` plans at design point `point`, replication `replication`, if any.
const PlannedRun* planned_at(const Experiment& ex, std::size_t point, std::size_t replication) {
  const auto R = static_cast<std::size_t>(ex.base.experiment.replications);
  if (point >= ex.points.size() || replication >= R) return nullptr;
  return &ex.runs.at(point * R + replication);
}

/// Whether `file`, which holds no planned run, differs from `at` (the planned run of its design
/// point and replication numbers) only in its design point's values: its scenario, with `at`'s
/// values in their place, is `at`'s. Then it is a design point that this design does not have
/// (dropped, changed, or moved and replaced); else its scenario, an override, the seed or the
/// keys the design varies changed since it was written.
bool other_design_point(const Experiment& ex, const RunFile& file, const PlannedRun& at) {
  const DesignPoint& p = ex.points.at(at.plan.point);
  const std::int64_t branch = ex.base.experiment.branch_at;
  try {
    // A branched run is the shared history's scenario with the values in its `branch:` block.
    Scenario sc = load_scenario_text(Hdf5Reader(file.path).text("/scenario"), file.path,
                                     branch > 0 ? std::vector<std::string>{} : p.overrides());
    if (branch > 0)
      sc.branch = p.values.empty() ? BranchSpec{}
                                   : BranchSpec{true, branch, p.values, "experiment.branch_at", {}};
    sc.output.path = at.scenario.output.path;
    return resolved_yaml(sc) == recorded_yaml(at);
  } catch (const InputError&) {
    return false;  // not a scenario this program loads: another one
  }
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

/// What differs between the scenario a run file recorded and the one this program would record
/// for its run now: " (key.path: 200000 -> 210000, ...)", or "" when that cannot be said.
std::string scenario_changes(const std::string& recorded, const std::string& now) {
  try {
    const std::vector<std::string> changes = config_differences(
        Config::load_string(recorded, "recorded"), Config::load_string(now, "now"));
    if (changes.empty()) return "";
    return fmt::format(" ({}{})", fmt::join(changes, "; "),
                       changes.size() == kDifferencesShown ? "; and perhaps more" : "");
  } catch (const InputError&) {
    return "";
  }
}

/// @throws InputError saying that `file` holds a run of another scenario (`changes`, from
/// scenario_changes) and that the experiment's finished runs are kept.
[[noreturn]] void refuse_other_scenario(const RunFile& file, const std::string& dir,
                                        const std::string& changes = "") {
  const KeptRuns kept(dir);
  throw InputError(fmt::format(
      "--resume: '{}' holds run {} (design point {}, replication {}) of another scenario: the "
      "scenario file, an override, the seed or the keys the experiment varies changed since it "
      "was written{}. {} {} to that earlier scenario and {} kept there. To run this one, use "
      "--force, which starts it from scratch and discards {}; to finish the earlier one "
      "instead, run it as it was, with --resume",
      file.path, file.id, file.point, file.replication, changes, capitalized(kept.runs()),
      kept.belong(), kept.are(), kept.them()));
}

/// Checks that `file` holds `run` as this program would write it. @throws InputError when
/// another build of the program wrote it, saying why and that the experiment's finished runs are
/// kept.
void check_kept(const RunFile& file, const PlannedRun& run, const Experiment& ex,
                const std::string& dir) {
  const std::string& path = file.path;
  const Hdf5Reader in(path);
  const Difference d = compare_run(in, "", ex, run, file.id);
  if (d.kind == Difference::none) return;
  const KeptRuns kept(dir);
  // (Found by a hash of the scenario: another one only if two hashes collide.)
  if (d.kind == Difference::scenario)
    refuse_other_scenario(file, dir,
                          scenario_changes(in.text("/scenario"), recorded_as(ex, run, file.id)));
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

/// Every finished run file in `dir` (complete, with its run's place), by name, and what each is
/// for `ex`; none when there is no directory. @throws InputError naming a .h5 file there that
/// is not HDF5.
std::vector<RunFile> finished_run_files(const Experiment& ex, const std::string& dir) {
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
    const auto complete = in->int_attribute("complete");
    const auto id = in->int_attribute("run");
    const auto point = in->int_attribute("design_point");
    const auto replication = in->int_attribute("replication");
    if (!complete || *complete != 1 || !id || !point || !replication || *id < 0 || *point < 0 ||
        *replication < 0)
      continue;  // not a finished run (it is run again, as if it were not there)
    RunFile file{path, static_cast<std::size_t>(*id), static_cast<std::size_t>(*point),
                 static_cast<std::size_t>(*replication)};
    if (in->exists("/scenario"))
      file.what = what_it_is(ex, in->text("/scenario"), file.id, file.replication);
    files.push_back(std::move(file));
  }
  return files;
}

/// Whether the files `a` and `b` hold the same bytes.
bool same_bytes(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (fs::file_size(a, ec) != fs::file_size(b, ec) || ec) return false;
  std::ifstream x(a, std::ios::binary), y(b, std::ios::binary);
  std::vector<char> p(1 << 16), q(1 << 16);
  while (x && y) {
    x.read(p.data(), static_cast<std::streamsize>(p.size()));
    y.read(q.data(), static_cast<std::streamsize>(q.size()));
    if (x.gcount() != y.gcount() || !std::equal(p.begin(), p.begin() + x.gcount(), q.begin()))
      return false;
  }
  return !x.bad() && !y.bad() && x.eof() && y.eof();
}

/// The run number in a run file's name (00042.h5: 42), when it is one.
std::optional<std::size_t> number_in_name(const std::string& path) {
  const std::string name = fs::path(path).filename().string();
  if (!run_file_name(name) || name.find_first_not_of("0123456789") != name.size() - 3)
    return std::nullopt;
  return static_cast<std::size_t>(std::stoull(name.substr(0, name.size() - 3)));
}

/// @throws InputError when two of `files` hold the same run (its number, design point and
/// replication in the design that wrote it, and what it is): one is a copy of the other, which a
/// run takes once, from one file. Neither is then taken for the run its name says, nor set
/// aside as a run of an earlier design, which it is not; nothing is moved.
void refuse_copies(const std::vector<RunFile>& files, const std::string& dir) {
  std::map<std::tuple<std::size_t, std::size_t, std::size_t, std::size_t>, std::size_t> first;
  for (std::size_t k = 0; k < files.size(); ++k) {
    const RunFile& file = files[k];
    const auto [at, inserted] =
        first.emplace(std::tuple{file.id, file.point, file.replication, file.what}, k);
    if (inserted) continue;
    // The original: the one named after the run it holds, if either is.
    RunFile original = files[at->second], copy = file;
    if (number_in_name(copy.path) == copy.id && number_in_name(original.path) != original.id)
      std::swap(original, copy);
    const std::optional<std::size_t> named = number_in_name(copy.path);
    const bool misnamed = named && *named != copy.id;
    const bool same = same_bytes(original.path, copy.path);
    throw InputError(fmt::format(
        "--resume: '{}' {} '{}'{}: both hold run {} (design point {}, replication {}){}. A run is "
        "taken from one file only, so {} neither taken for {} nor set aside as a run of an "
        "earlier design, which {} not: {}, and run the same command again",
        copy.path, same ? "is a copy of" : "holds the same run as", original.path,
        same ? " (the same bytes)" : " (not the same bytes: the run written again, say)", copy.id,
        copy.point, copy.replication,
        misnamed ? fmt::format(", although '{}' has the name of run {}",
                               fs::path(copy.path).filename().string(), *named)
                 : "",
        same ? "the copy is" : "each is", misnamed ? fmt::format("run {}", *named) : "another run",
        same ? "it is" : "they are",
        same ? fmt::format("remove the copy (nothing is lost: '{}' holds the run) or move it out "
                           "of '{}'",
                           original.path, dir)
             : fmt::format("move the one you do not want out of '{}'", dir)));
  }
}

}  // namespace

KeptFiles keep_finished_runs(const Experiment& ex, const std::string& dir,
                             const std::function<bool(const PlannedRun&)>& mine, bool reuse) {
  std::vector<RunFile> files = finished_run_files(ex, dir);
  refuse_copies(files, dir);  // before anything is moved or removed
  const std::vector<Holds> holds =
      planned_runs_of(ex, files, [&](std::size_t id) { return run_file(dir, id); });
  std::map<std::size_t, std::size_t> kept;  // planned run id -> index in files
  std::vector<std::size_t> unplanned;
  std::vector<std::size_t> other;  // runs of another scenario, where my runs are numbered
  for (std::size_t k = 0; k < files.size(); ++k) {
    if (holds[k].run) {
      if (mine(ex.runs[*holds[k].run])) kept.emplace(*holds[k].run, k);  // else another part's
      continue;
    }
    if (holds[k].copy) {  // a second copy of a planned run
      unplanned.push_back(k);
      continue;
    }
    // No run of this design: one of a design point or replication that it does not have, or a
    // run of another scenario, refused (by a part, where its own runs are numbered).
    const PlannedRun* at = planned_at(ex, files[k].point, files[k].replication);
    if (at == nullptr || other_design_point(ex, files[k], *at))
      unplanned.push_back(k);
    else if (mine(*at))
      other.push_back(k);
  }

  std::set<std::string> my_names;
  for (const PlannedRun& run : ex.runs)
    if (mine(run)) my_names.insert(run_file(dir, run.plan.id));
  if (!reuse) {  // a part's --force: its runs start over
    for (const auto& [id, k] : kept) fs::remove(files[k].path);
    for (std::size_t k : other) fs::remove(files[k].path);
    kept.clear();
    other.clear();
  }
  // Every check before any file moves: a refusal leaves the directory as it was.
  if (!other.empty()) {
    const RunFile& file = files[other.front()];
    const PlannedRun& at = *planned_at(ex, file.point, file.replication);
    refuse_other_scenario(
        file, dir,
        scenario_changes(Hdf5Reader(file.path).text("/scenario"), recorded_as(ex, at, file.id)));
  }
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

std::size_t planned_runs_in(const Experiment& ex, const std::string& dir) {
  const std::vector<Holds> holds = planned_runs_of(
      ex, finished_run_files(ex, dir), [&](std::size_t id) { return run_file(dir, id); });
  return static_cast<std::size_t>(
      std::count_if(holds.begin(), holds.end(), [](const Holds& h) { return h.run.has_value(); }));
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
  const auto complete = in->int_attribute("complete");
  if (!in->exists("/experiment/columns/runs") || !in->exists("/runs") || !complete ||
      *complete != 1)
    return out;
  // Its runs, found as run files are found (a group stands for a file).
  std::vector<RunFile> groups;
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
    if (!id || !point || !replication || !in->exists(group + "/scenario")) {
      ++out.other;  // not a run this program wrote
      continue;
    }
    groups.push_back({group, *id, *point, *replication,
                      what_it_is(ex, in->text(group + "/scenario"), *id, *replication)});
  }
  const std::vector<Holds> holds =
      planned_runs_of(ex, groups, [](std::size_t id) { return "/runs/" + run_name(id); });
  for (std::size_t k = 0; k < groups.size(); ++k) {
    if (!holds[k].run) {  // a design point or replication this design does not have
      ++out.other;
      continue;
    }
    const PlannedRun& run = ex.runs[*holds[k].run];
    if (found.count(run.plan.id) > 0) continue;  // a run file holds it: the same run
    if (compare_run(*in, groups[k].path, ex, run, groups[k].id).kind == Difference::none)
      out.planned[run.plan.id] = groups[k].path;
    else
      ++out.other;  // run again, as this program runs it
  }
  return out;
}

}  // namespace msim
