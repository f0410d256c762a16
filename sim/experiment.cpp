// Experiment plans: reading the block, the sweep grid, keys moved together, the Latin hypercube
// and derived seeds.
#include "sim/experiment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <numeric>
#include <optional>
#include <utility>

#include "sim/config.hpp"
#include "sim/config_diff.hpp"
#include "sim/error.hpp"
#include "sim/rng.hpp"
#include "sim/yaml_writer.hpp"

namespace msim {
namespace {

constexpr std::uint32_t kSeedPurpose = 0x5EED;  ///< replication seeds
constexpr std::uint32_t kLhsPurpose = 0x1A75;   ///< Latin hypercube permutations and offsets

/// Key paths an experiment may not vary, with the reason.
void check_key_path(const Config& key_node, const std::string& path) {
  if (path == "seed")
    key_node.fail("the seed is set by replications (experiment.replications); do not sweep it");
  if (path == "experiment" || path.rfind("experiment.", 0) == 0 || path == "output" ||
      path.rfind("output.", 0) == 0)
    key_node.fail(fmt::format("'{}' cannot be varied inside an experiment", path));
}

/// The first two items of `values` that read alike (same_scalar), if any.
std::optional<std::pair<std::size_t, std::size_t>> repeated_value(
    const std::vector<std::string>& values) {
  for (std::size_t i = 0; i < values.size(); ++i)
    for (std::size_t k = i + 1; k < values.size(); ++k)
      if (same_scalar(values[i], values[k])) return std::pair{i, k};
  return std::nullopt;
}

}  // namespace

std::string canonical_key_path(const Config* document, const std::string& path) {
  return document ? document->named_path(path) : path;
}

namespace {

/// A key path already varied: as written, its block, and where.
struct VariedKey {
  std::string path, block;
  Mark mark;
  std::string where;
};

/// Varied key paths by canonical path (canonical_key_path()).
using VariedKeys = std::map<std::string, VariedKey>;

/// Refuses `path` (written at `node`, in experiment.`block`) when it addresses the same value as
/// a key already varied, or a value inside it, or one that holds it; else adds it to `varied`.
void add_varied(const Config& node, const std::string& path, const std::string& block,
                VariedKeys& varied, const Config* document) {
  const std::string canonical = canonical_key_path(document, path);
  const auto inside = [](const std::string& inner, const std::string& outer) {
    return inner.size() > outer.size() && inner.compare(0, outer.size(), outer) == 0 &&
           inner[outer.size()] == '.';
  };
  for (const auto& [other_canonical, other] : varied) {
    const bool same = canonical == other_canonical;
    if (!same && !inside(canonical, other_canonical) && !inside(other_canonical, canonical))
      continue;
    if (other.path == path)
      node.fail(fmt::format("'{}' is already varied in experiment.{}; vary it in one place", path,
                            other.block));
    const std::string at = other.mark.file == "<--set>"
                               ? other.where
                               : fmt::format("experiment.{}.{}, {}:{}", other.block, other.path,
                                             other.mark.file, other.mark.line);
    if (same)
      node.fail(fmt::format(
          "'{}' is the same key as '{}' ({}): both address {}, so a design point would set it "
          "twice and be labelled with a value it did not run; vary it in one place",
          path, other.path, at, canonical));
    node.fail(fmt::format(
        "'{}' {} '{}' ({}), so a design point would set {} twice and be labelled with a value it "
        "did not run; vary it in one place",
        path, inside(canonical, other_canonical) ? "lies inside" : "holds", other.path, at,
        inside(canonical, other_canonical) ? canonical : other_canonical));
  }
  varied.emplace(canonical, VariedKey{path, block, node.mark(), node.where()});
}

/// Whether every value beneath `node` was given by a --set.
bool all_set(const Config& node) {
  if (!node.is_map() || node.keys().empty()) return node.mark().file == "<--set>";
  const std::vector<std::string> keys = node.keys();
  return std::all_of(keys.begin(), keys.end(),
                     [&](const std::string& key) { return all_set(node.child(key)); });
}

/// The entries of a map from key path to value (a sweep, keys moved together, a Latin
/// hypercube's ranges, branch.set), in order. A --set splits its key path at every dot into
/// nested maps (--set experiment.sweep.firms.A.budget_per_year=[1, 2] gives {firms: {A:
/// {budget_per_year: [1, 2]}}}): a map whose values all came from --set is read as the key
/// paths it splits into, so such a --set adds its key path beside the file's, or gives the
/// file's key path its value in the file's place.
std::vector<std::pair<std::string, Config>> key_path_entries(const Config& block) {
  std::vector<std::pair<std::string, Config>> out;
  const auto add = [&](const auto& self, const std::string& path, const Config& value,
                       bool split) -> void {
    if (value.is_map() && !value.keys().empty() && all_set(value)) {
      for (const std::string& key : value.keys())
        self(self, path + "." + key, value.child(key), true);
      return;
    }
    const auto same =
        std::find_if(out.begin(), out.end(), [&](const auto& e) { return e.first == path; });
    if (split && same != out.end())
      same->second = value;
    else
      out.emplace_back(path, value);
  };
  for (const std::string& key : block.keys()) add(add, key, block.child(key), false);
  return out;
}

/// The lists of values of `block` (experiment.sweep or experiment.together): a map from key
/// path to a non-empty list of single values. Each path joins `varied` (add_varied()).
std::vector<SweepKey> read_value_lists(const Config& block, const std::string& name,
                                       VariedKeys& varied, const Config* document) {
  if (!block.is_map())
    block.fail_expected("a map from key path to a list of values, e.g. {consumers: [1e4, 2e4]}");
  std::vector<SweepKey> out;
  for (const auto& [path, values] : key_path_entries(block)) {
    check_key_path(values, path);
    // A map here is a key path split into nested maps in the file ({a: {b: {c: [...]}}}); a
    // --set's are read as key paths (key_path_entries()).
    if (values.is_map())
      values.fail_expected(fmt::format(
          "a list of values; {} is a whole key path written as one key, such as "
          "'{}.KEY: [1, 2]' (with --set: --set 'experiment.{}.{}.KEY=[1, 2]')",
          name == "sweep" ? "a sweep's key" : "a key of experiment." + name, path, name, path));
    add_varied(values, path, name, varied, document);
    SweepKey key{path, {}, values.where()};
    if (!values.is_sequence() || values.items().empty())
      values.fail_expected("a non-empty list of values");
    // [0,85, 0,9] would be four design points, each of them a valid value of most keys.
    if (values.has_decimal_commas())
      values.fail_expected("a list of values with a comma and a space between them");
    // What the key holds in the document, if it is there: a sub-key or an item is what to vary.
    const std::optional<Config> target = document ? document->peek(path) : std::nullopt;
    const std::vector<Config> items = values.items();
    const bool maps =
        (target && target->is_map()) ||
        std::any_of(items.begin(), items.end(), [](const Config& v) { return v.is_map(); });
    for (const Config& v : items) {
      if (v.is_scalar()) {
        key.values.push_back(v.as_set_value());
        continue;
      }
      std::string instead = fmt::format(", so each item of the list is one value of '{}'", path);
      if (maps)
        instead = fmt::format(
            "; to vary a map, sweep one of its keys instead ('{}.KEY: [0, 2]', say)", path);
      else if (target && target->is_sequence())
        instead = fmt::format(
            "; '{}' is a list, and a sweep varies one of its items at a time ('{}.0: [0, 2]', say)",
            path, path);
      v.fail_expected(fmt::format(
          "a single value (a number or a word): a sweep sets one value per design point{}",
          instead));
    }
    // A value given twice (1000 and 1e3 alike) makes two design points of the same values.
    if (name == "sweep")
      if (const auto twice = repeated_value(key.values)) {
        const auto [i, k] = *twice;
        const std::string& first = key.values[i];
        values.note(fmt::format(
            "the value {} is given more than once (items {} and {}{}), so the design points that "
            "differ only there are the same: repeat a value for a check that changes are 0, else "
            "it is a slip",
            first, i, k, first == key.values[k] ? "" : ": " + first + " and " + key.values[k]));
      }
    if (name == "together" && !out.empty() && key.values.size() != out.front().values.size())
      values.fail_expected(fmt::format(
          "{} values, as many as '{}' has: keys moved together take their values in step, the "
          "first of each in one design point, then the second, and so on",
          out.front().values.size(), out.front().path));
    out.push_back(std::move(key));
  }
  return out;
}

}  // namespace

std::vector<std::string> DesignPoint::overrides() const {
  std::vector<std::string> out;
  for (const auto& [path, value] : values) out.push_back(path + "=" + value);
  return out;
}

std::vector<std::string> BranchSpec::overrides() const {
  std::vector<std::string> out;
  for (const auto& [path, value] : values) out.push_back(path + "=" + value);
  return out;
}

BranchSpec load_branch(const Config& node, std::int64_t steps, bool steps_from_set,
                       const std::vector<std::string>& fixed, const Config* document) {
  std::vector<std::string> never = fixed;
  for (const char* key : {"branch", "output", "experiment"}) never.emplace_back(key);
  const auto is_fixed = [&](const std::string& path) {
    return std::any_of(never.begin(), never.end(), [&](const std::string& key) {
      return path == key || path.rfind(key + ".", 0) == 0;
    });
  };
  BranchSpec spec;
  spec.present = true;
  spec.where = node.where();
  if (!node.is_map()) node.fail_expected("a map with step and set");
  const Config at = node.child("step");
  spec.step = at.as_int();
  if (spec.step < 1 || (spec.step >= steps && !steps_from_set))
    at.fail_expected(fmt::format("a step from 1 to {} (steps is {})", steps - 1, steps));
  const Config set = node.child("set");
  if (!set.is_map())
    set.fail_expected("a map from key path to value, e.g. {firms.Acme.budget_per_year: 2e6}");
  if (set.keys().empty())
    set.fail(
        "the map is empty: nothing changes at the branch; give at least one key path and its "
        "value, e.g. {firms.Acme.budget_per_year: 2e6}");
  for (const auto& [path, v] : key_path_entries(set)) {
    if (is_fixed(path)) v.fail(fmt::format("'{}' cannot change part-way through a run", path));
    if (!v.is_scalar()) v.fail_expected("a single value (a number or a word)");
    spec.values.emplace_back(path, v.as_set_value());
    spec.value_where.push_back(v.where());
    // A --set of the key itself gives the steps before the branch their value, and no more (a
    // --set of a map or list around it gives them the rest of what it holds as well). The
    // scenario after the branch is loaded with the branch's values as the last --sets: those
    // are its own.
    const auto given = document ? document->peek(path) : std::nullopt;
    auto assignment = given ? given->set_by() : std::nullopt;
    if (assignment == path + "=" + spec.values.back().second) assignment.reset();
    const std::size_t dot = path.rfind('.');
    const auto around =
        assignment && dot != std::string::npos ? document->peek(path.substr(0, dot)) : std::nullopt;
    if (assignment && !(around && around->set_by() == assignment))
      given->note(fmt::format(
          "the branch sets this key anew from step {} on ({}), so this value holds only before "
          "the branch",
          spec.step, v.where()));
  }
  node.finish();
  return spec;
}

const std::string& BranchSpec::where_of(const std::string& path) const {
  for (std::size_t k = 0; k < values.size() && k < value_where.size(); ++k)
    if (values[k].first == path) return value_where[k];
  return where;
}

void write_branch(YamlWriter& out, const BranchSpec& spec) {
  if (!spec.present) return;
  out.key("branch").begin_map().key("step").value(spec.step).key("set").begin_map();
  for (const auto& [path, value] : spec.values) out.key(path).value(value);
  out.end_map().end_map();
}

namespace {

/// Notes two places where every key moved together has the same value: they make the same
/// design point. Pairs are compared only in lists of up to 2,000 (four million pairs).
void note_same_points(const Config& together, const std::vector<SweepKey>& keys) {
  const std::size_t n = keys.front().values.size();
  if (n > 2000) return;
  const auto same_point = [&](std::size_t i, std::size_t k) {
    return std::all_of(keys.begin(), keys.end(), [&](const SweepKey& key) {
      return same_scalar(key.values[i], key.values[k]);
    });
  };
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = i + 1; k < n; ++k)
      if (same_point(i, k)) {
        together.note(fmt::format(
            "items {} and {} of every key are the same, so they make the same design point: "
            "repeat them for a check that changes are 0, else it is a slip",
            i, k));
        return;
      }
}

}  // namespace

ExperimentSpec load_experiment(const Config& node, std::int64_t steps, bool steps_from_set,
                               const Config* document) {
  ExperimentSpec spec;
  spec.present = true;
  if (!node.is_map())
    node.fail_expected("a map with replications, sweep, together, design or branch_at");
  spec.replications = node.get_int("replications", 1, range::closed(1, 100000));
  VariedKeys varied;
  if (auto sweep = node.find("sweep")) {
    spec.sweep = read_value_lists(*sweep, "sweep", varied, document);
    if (spec.sweep.empty()) sweep->fail_expected("at least one key path");
  }
  if (auto together = node.find("together")) {
    spec.together = read_value_lists(*together, "together", varied, document);
    if (spec.together.empty()) together->fail_expected("at least one key path");
  }
  if (auto design = node.find("design")) {
    const Config lhs = design->child("latin_hypercube");
    spec.lhs_samples = lhs.get_int("samples", range::closed(1, 100000));
    spec.lhs_samples_where = lhs.child("samples").where();
    if (lhs.has("seed")) {
      spec.lhs_seed_given = true;
      spec.lhs_seed = static_cast<std::uint64_t>(lhs.get_int("seed", range::non_negative()));
    }
    const Config ranges = lhs.child("ranges");
    if (!ranges.is_map() || ranges.keys().empty())
      ranges.fail_expected("a map from key path to [low, high]");
    for (const auto& [path, r] : key_path_entries(ranges)) {
      check_key_path(r, path);
      add_varied(r, path, "design.latin_hypercube.ranges", varied, document);
      const auto bounds = r.as_doubles();
      if (bounds.size() != 2 || !(bounds[0] <= bounds[1]))
        r.fail_expected("[low, high] with low <= high");
      spec.lhs_ranges.push_back({path, bounds[0], bounds[1], r.where()});
    }
    lhs.finish();
    design->finish();
  }
  const bool has_branch = node.has("branch_at"), has_warmup = node.has("warmup");
  if (has_branch && has_warmup)
    node.child("warmup").fail("give either branch_at or warmup (the same thing), not both");
  if (has_branch || has_warmup) {
    const Config b = node.child(has_branch ? "branch_at" : "warmup");
    spec.branch_at = b.as_int();
    spec.branch_where = b.where();
    if (spec.branch_at < 1 || (spec.branch_at >= steps && !steps_from_set))
      b.fail_expected(
          fmt::format("a step from 1 to {} (steps is {}); leave the key out for no branching",
                      steps - 1, steps));
  }
  // The plan's size, before any design point is made: a grid of three keys of a thousand values
  // each would be a billion.
  double points = 1.0;
  for (const SweepKey& key : spec.sweep) points *= static_cast<double>(key.values.size());
  if (!spec.together.empty()) points *= static_cast<double>(spec.together.front().values.size());
  if (spec.lhs_samples > 0) points *= static_cast<double>(spec.lhs_samples);
  const double runs = points * static_cast<double>(spec.replications);
  if (runs > static_cast<double>(kMaxExperimentRuns))
    node.fail(fmt::format(
        "{:.0f} design point{} x {} replication{} = {:.0f} runs; an experiment has at most {} "
        "runs: vary fewer values or run fewer replications",
        points, points == 1.0 ? "" : "s", spec.replications, spec.replications == 1 ? "" : "s",
        runs, kMaxExperimentRuns));
  if (!spec.together.empty()) note_same_points(node.child("together"), spec.together);
  // What a --set of the key itself gave a key that every design point sets anew. A --set of a map
  // or list around it gives the runs the rest of what it holds: only a later --set of the key alone
  // is unused (as the summary marks it).
  const auto set_by = [&](const std::string& path) {
    const auto value = document ? document->peek(path) : std::nullopt;
    return value ? value->set_by() : std::nullopt;
  };
  for (const auto& [canonical, key] : varied) {
    const auto assignment = set_by(canonical);
    if (!assignment) continue;
    const std::size_t dot = canonical.rfind('.');
    if (dot != std::string::npos && set_by(canonical.substr(0, dot)) == assignment) continue;
    spec.set_and_varied.push_back({document->peek(canonical)->where(), key.where});
  }
  node.finish();
  return spec;
}

void write_experiment(YamlWriter& out, const ExperimentSpec& spec) {
  if (!spec.present) return;
  out.key("experiment").begin_map();
  out.key("replications").value(spec.replications);
  if (!spec.sweep.empty()) {
    out.key("sweep").begin_map();
    for (const auto& k : spec.sweep) out.key(k.path).value(k.values);
    out.end_map();
  }
  if (!spec.together.empty()) {
    out.key("together").begin_map();
    for (const auto& k : spec.together) out.key(k.path).value(k.values);
    out.end_map();
  }
  if (spec.lhs_samples > 0) {
    out.key("design").begin_map().key("latin_hypercube").begin_map();
    out.key("samples").value(spec.lhs_samples);
    if (spec.lhs_seed_given) out.key("seed").value(static_cast<std::int64_t>(spec.lhs_seed));
    out.key("ranges").begin_map();
    for (const auto& r : spec.lhs_ranges) out.key(r.path).value(std::vector<double>{r.lo, r.hi});
    out.end_map().end_map().end_map();
  }
  if (spec.branch_at > 0) out.key("branch_at").value(spec.branch_at);
  out.end_map();
}

std::vector<DesignPoint> design_points(const ExperimentSpec& spec, std::uint64_t scenario_seed) {
  std::vector<DesignPoint> grid(1);
  if (!spec.together.empty()) {
    grid.assign(spec.together.front().values.size(), DesignPoint{});
    for (std::size_t i = 0; i < grid.size(); ++i)
      for (const SweepKey& key : spec.together)
        grid[i].values.emplace_back(key.path, key.values[i]);
  }
  for (const SweepKey& key : spec.sweep) {
    std::vector<DesignPoint> next;
    for (const DesignPoint& p : grid)
      for (const std::string& v : key.values) {
        DesignPoint q = p;
        q.values.emplace_back(key.path, v);
        next.push_back(std::move(q));
      }
    grid = std::move(next);
  }
  if (spec.lhs_samples == 0) return grid;
  const auto samples = static_cast<std::size_t>(spec.lhs_samples);
  const auto unit = latin_hypercube(samples, spec.lhs_ranges.size(),
                                    spec.lhs_seed_given ? spec.lhs_seed : scenario_seed);
  std::vector<DesignPoint> out;
  for (const DesignPoint& p : grid)
    for (std::size_t k = 0; k < samples; ++k) {
      DesignPoint q = p;
      for (std::size_t d = 0; d < spec.lhs_ranges.size(); ++d) {
        const RangeKey& r = spec.lhs_ranges[d];
        q.values.emplace_back(r.path, format_number(r.lo + unit[k][d] * (r.hi - r.lo)));
      }
      out.push_back(std::move(q));
    }
  return out;
}

std::vector<RunPlan> run_plans(const ExperimentSpec& spec, std::size_t points,
                               std::uint64_t base_seed) {
  std::vector<RunPlan> out;
  const auto R = static_cast<std::size_t>(spec.replications);
  for (std::size_t d = 0; d < points; ++d)
    for (std::size_t r = 0; r < R; ++r)
      out.push_back({d * R + r, d, r, replication_seed(base_seed, r)});
  return out;
}

std::uint64_t replication_seed(std::uint64_t base_seed, std::size_t replication) {
  if (replication == 0) return base_seed;
  const Words w = Philox(base_seed, kSeedPurpose)(static_cast<std::uint32_t>(replication), 0, 0);
  return ((static_cast<std::uint64_t>(w[0]) << 32) | w[1]) & 0x7FFFFFFFFFFFFFFFull;
}

std::vector<std::vector<double>> latin_hypercube(std::size_t samples, std::size_t dims,
                                                 std::uint64_t seed) {
  std::vector<std::vector<double>> out(samples, std::vector<double>(dims, 0.0));
  const Philox gen(seed, kLhsPurpose);
  std::vector<std::size_t> perm(samples);
  for (std::size_t d = 0; d < dims; ++d) {
    std::iota(perm.begin(), perm.end(), std::size_t{0});
    // Fisher-Yates with one Philox draw per position: counter (dimension, position, 0).
    for (std::size_t k = samples; k-- > 1;) {
      const Words w = gen(static_cast<std::uint32_t>(d), static_cast<std::uint32_t>(k), 0);
      std::swap(perm[k],
                perm[static_cast<std::size_t>(to_unit(w[0]) * static_cast<double>(k + 1))]);
    }
    for (std::size_t k = 0; k < samples; ++k) {
      const Words w = gen(static_cast<std::uint32_t>(d), static_cast<std::uint32_t>(k), 1);
      const double u = std::min(to_unit(w[0]), 1.0 - 1e-12);
      out[k][d] = (static_cast<double>(perm[k]) + u) / static_cast<double>(samples);
    }
  }
  return out;
}

}  // namespace msim
