// Branching: the history check shared by experiments (experiment.branch_at) and single runs
// (the `branch:` block), and loading the scenario a single run switches to.
#include "models/branch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "models/scenario_load.hpp"
#include "models/shocks.hpp"
#include "models/summary.hpp"
#include "sim/error.hpp"

namespace msim {
namespace {

/// The parts of a scenario that the history before step t depends on, as YAML: what may differ
/// after a branch (kBranchable; names, output, the experiment and branch blocks) is blanked out.
std::string history_of(Scenario sc, const Scenario& base, std::int64_t t) {
  sc.name = base.name;
  sc.description = base.description;
  sc.seed = base.seed;
  sc.output = base.output;
  sc.experiment = ExperimentSpec{};
  sc.branch = BranchSpec{};
  for (std::size_t j = 0; j < sc.firms.size(); ++j) {
    Firm& f = sc.firms[j];
    f.budget_per_year = 0.0;
    f.fixed_cost_per_year = 0.0;
    f.quality = 0.0;
    if (j < base.firms.size() && base.firms[j].strategy == f.strategy)
      f.prototype = base.firms[j].prototype;
  }
  sc.market.cpm_mass = base.market.cpm_mass;
  sc.market.cpm_targeted = base.market.cpm_targeted;
  // A shock at or after the branch does not touch the history, except an entry: it keeps its
  // firm out of the market from the start until it fires (a disabled one for good), so the
  // history sees which firm it keeps out, not when it enters.
  for (Shock& s : sc.shocks)
    if (s.step >= t && s.kind == ShockKind::enter) {
      Shock entry;  // its name and firm, and nothing of when it fires
      entry.name = s.name;
      entry.enabled = false;
      entry.step = t;
      entry.kind = ShockKind::enter;
      entry.firm = s.firm;
      s = entry;
    }
  std::erase_if(sc.shocks,
                [&](const Shock& s) { return s.step >= t && s.kind != ShockKind::enter; });
  return resolved_yaml(sc);
}

/// "week 27 (step 26)", "month 7 (step 6)" in the run's period (period_point), or "step 26"
/// where steps are no named period.
std::string when(const Scenario& sc, std::int64_t step) {
  const std::string point = period_point(sc.steps_per_year, step);
  return period_word(sc.steps_per_year) == "step" ? point
                                                  : fmt::format("{} (step {})", point, step);
}

/// "shock 'cut'", or "shock 'shocks.2'" when it has no name.
std::string shock_name(const Scenario& sc, std::size_t k) {
  const std::string& name = sc.shocks[k].name;
  return fmt::format("shock '{}'", name.empty() ? fmt::format("shocks.{}", k) : name);
}

bool same_effect(const Shock& a, const Shock& b) {
  return a.kind == b.kind && a.op == b.op && a.value == b.value && a.firm == b.firm &&
         a.channel == b.channel && a.categories == b.categories && a.segments == b.segments;
}

}  // namespace

std::vector<std::string> replayed_shock_notes(
    const Scenario& sc, const Scenario& variant, std::int64_t step,
    const std::function<std::string(const std::string&)>& where_of, const std::string& fallback,
    const std::string& whose) {
  std::vector<std::string> notes;
  std::vector<std::size_t> before;  // the enabled shocks before the branch, in step order
  for (std::size_t k = 0; k < variant.shocks.size(); ++k)
    if (variant.shocks[k].enabled && variant.shocks[k].step < step) before.push_back(k);
  std::stable_sort(before.begin(), before.end(), [&](std::size_t x, std::size_t y) {
    return variant.shocks[x].step < variant.shocks[y].step;
  });
  Scenario replayed = variant;  // as the run continues from the branch
  ShockState state = initial_shock_state(replayed);
  for (const std::size_t k : before) apply_shock(variant.shocks[k], replayed, state);

  struct Key {
    std::string words;               // "VarietyCo's budget_per_year"
    std::vector<std::string> paths;  // the key paths that name it, by name and by index
    double base, branch, run;        // without the branch, the branch's, the run's after it
    ShockKind kind;                  // the shocks that move it: of this kind, and
    int firm;                        // of this firm (budget, fixed_cost), or
    Channel channel;                 // of this medium (cpm)
  };
  std::vector<Key> keys;
  for (std::size_t j = 0; j < sc.firms.size() && j < variant.firms.size(); ++j) {
    const std::string& name = sc.firms[j].name;
    const auto paths = [&](const std::string& key) {
      return std::vector<std::string>{fmt::format("firms.{}.{}", name, key),
                                      fmt::format("firms.{}.{}", j, key)};
    };
    const int firm = static_cast<int>(j);
    keys.push_back({name + "'s budget_per_year", paths("budget_per_year"),
                    sc.firms[j].budget_per_year, variant.firms[j].budget_per_year,
                    replayed.firms[j].budget_per_year, ShockKind::budget, firm, Channel::mass});
    if (sc.scale == 1.0)  // (a fixed cost is held scaled: its figures would not be the file's)
      keys.push_back({name + "'s fixed_cost_per_year", paths("fixed_cost_per_year"),
                      sc.firms[j].fixed_cost_per_year, variant.firms[j].fixed_cost_per_year,
                      replayed.firms[j].fixed_cost_per_year, ShockKind::fixed_cost, firm,
                      Channel::mass});
  }
  keys.push_back({"market.cpm_mass",
                  {"market.cpm_mass"},
                  sc.market.cpm_mass,
                  variant.market.cpm_mass,
                  replayed.market.cpm_mass,
                  ShockKind::cpm,
                  -1,
                  Channel::mass});
  keys.push_back({"market.cpm_targeted",
                  {"market.cpm_targeted"},
                  sc.market.cpm_targeted,
                  variant.market.cpm_targeted,
                  replayed.market.cpm_targeted,
                  ShockKind::cpm,
                  -1,
                  Channel::targeted});
  for (const Key& key : keys) {
    if (key.base == key.branch || key.run == key.branch) continue;
    std::vector<std::string> shocks;
    for (const std::size_t k : before) {
      const Shock& s = variant.shocks[k];
      if (s.kind == key.kind &&
          (s.kind == ShockKind::cpm ? s.channel == key.channel : s.firm == key.firm))
        shocks.push_back(fmt::format("{} ({} {:g})", shock_name(variant, k),
                                     s.op == ShockOp::set ? "set to" : "x", s.value));
    }
    // At the value of that key, by name or by index.
    std::string where;
    for (const std::string& path : key.paths)
      if (where.empty()) where = where_of(path);
    if (where.empty()) where = fallback;
    notes.push_back(fmt::format(
        "{}: {} before the branch {} {} as well, and the run replays {} on {} value: from step "
        "{} on it is {:g}, not {} {:g}",
        where, fmt::join(shocks, ", "), shocks.size() == 1 ? "moves" : "move", key.words,
        shocks.size() == 1 ? "it" : "them", whose, step, key.run, whose, key.branch));
  }
  return notes;
}

bool same_history(const Scenario& variant, const Scenario& base, std::int64_t t) {
  return history_of(variant, base, t) == history_of(base, base, t);
}

std::string history_change(const Scenario& variant, const Scenario& base, std::int64_t t) {
  const std::size_t n = std::max(variant.shocks.size(), base.shocks.size());
  for (std::size_t k = 0; k < n; ++k) {
    const Shock* v = k < variant.shocks.size() ? &variant.shocks[k] : nullptr;
    const Shock* b = k < base.shocks.size() ? &base.shocks[k] : nullptr;
    const bool v_before = v != nullptr && v->step < t, b_before = b != nullptr && b->step < t;
    if (!v_before && !b_before) {
      // An entry at or after the branch keeps its firm out of the market before it.
      const int v_out = v != nullptr && v->kind == ShockKind::enter ? v->firm : -1;
      const int b_out = b != nullptr && b->kind == ShockKind::enter ? b->firm : -1;
      if (v_out == b_out) continue;
      const auto firm = [](const Scenario& sc, int j) {
        return j < 0 ? std::string("no firm") : fmt::format("'{}'", sc.firms[j].name);
      };
      return fmt::format(
          "makes {} keep {} out of the market until {} instead of {}: an entry keeps its firm "
          "out from the start, so before the branch too",
          shock_name(v != nullptr ? variant : base, k), firm(variant, v_out),
          when(v != nullptr ? variant : base, v != nullptr ? v->step : b->step), firm(base, b_out));
    }
    std::string what;
    if (v == nullptr) {
      what = fmt::format("removes {} at {}", shock_name(base, k), when(base, b->step));
    } else if (b == nullptr) {
      what = fmt::format("adds {} at {}", shock_name(variant, k), when(variant, v->step));
    } else if (v->step != b->step) {
      what = fmt::format("moves {} from {} to {}", shock_name(base, k), when(base, b->step),
                         when(variant, v->step));
    } else if (v->enabled != b->enabled) {
      what = fmt::format("switches {} {} at {}", v->enabled ? "on" : "off", shock_name(base, k),
                         when(base, b->step));
    } else if (!same_effect(*v, *b)) {
      what = fmt::format("changes {} at {}", shock_name(base, k), when(base, b->step));
    } else {
      continue;
    }
    const bool applies = (v != nullptr && v->enabled) || (b != nullptr && b->enabled);
    return fmt::format("{}, which {} before the branch", what, applies ? "applies" : "comes");
  }
  return "";
}

std::pair<std::string, std::string> history_culprit(
    const ScenarioLoader& load, const Scenario& base,
    const std::vector<std::pair<std::string, std::string>>& values, std::int64_t t) {
  std::vector<std::string> first;
  for (const auto& [path, value] : values) {
    first.push_back(path + "=" + value);
    Scenario sc;
    try {
      sc = load(first);
    } catch (const InputError&) {
      continue;  // valid only with the values after it (keys moved together, say)
    }
    if (same_history(sc, base, t)) continue;
    const std::string change = history_change(sc, base, t);
    return {path,
            fmt::format("{}={} {}", path, value,
                        change.empty() ? "changes what the steps before the branch use" : change)};
  }
  return {values.empty() ? "" : values.back().first,
          "its values change what the steps before the branch use"};
}

std::pair<std::string, std::string> name_values(
    std::string message, const std::vector<std::pair<std::string, std::string>>& values) {
  std::string first;
  for (const auto& [path, value] : values) {
    const std::string assignment = "'" + path + "=" + value + "'";
    if (message.find(assignment) == std::string::npos) continue;
    if (first.empty()) first = path;
    for (const std::string& as_set : {"--set " + assignment + ": ", "--set " + assignment})
      for (auto at = message.find(as_set); at != std::string::npos; at = message.find(as_set))
        message.replace(at, as_set.size(), as_set.back() == ' ' ? "" : assignment);
  }
  return {message, first};
}

std::string place_value(
    const std::string& text, const std::vector<std::pair<std::string, std::string>>& values,
    const std::function<std::string(const std::string&, const std::string&)>& written) {
  for (const auto& [path, value] : values) {
    const std::string as_set = fmt::format("--set '{}={}'", path, value);
    if (text.rfind(as_set, 0) != 0) continue;
    std::string rest = text.substr(as_set.size());
    if (const std::string own = fmt::format(": key '{}'", path); rest.rfind(own, 0) == 0)
      rest.erase(0, own.size());
    return written(path, value) + rest;
  }
  return text;
}

void place_values(
    Scenario& sc, const std::vector<std::pair<std::string, std::string>>& values,
    const std::function<std::string(const std::string&, const std::string&)>& written) {
  const auto place = [&](std::string& text) { text = place_value(text, values, written); };
  for (std::string& note : sc.notes) place(note);
  place(sc.consumers_where);
  for (Category& c : sc.categories) place(c.base_cost_where);
  for (Firm& f : sc.firms) {
    place(f.price_where);
    place(f.markup_where);
    place(f.durability_where);
  }
  for (std::string& where : sc.region_where) place(where);
  for (std::string& where : sc.industry_where) place(where);
}

void resolve_branch(Scenario& sc, const ScenarioLoader& load) {
  if (!sc.branch.present) return;
  const BranchSpec& b = sc.branch;
  std::string changes;
  for (const auto& [path, value] : b.values)
    changes += fmt::format("{}{}={}", changes.empty() ? "" : ", ", path, value);
  if (sc.experiment.present)
    throw InputError(fmt::format(
        "{}: a scenario with an experiment: block branches with experiment.branch_at; give one "
        "or the other",
        b.where));
  if (b.step >= sc.steps)  // steps shortened with --set below the branch
    throw InputError(
        fmt::format("{}: the branch at step {} is not before the end of the run "
                    "(steps is {}); lower branch.step or raise steps",
                    b.where, b.step, sc.steps));
  Scenario variant;
  try {
    variant = load(b.overrides());
  } catch (const InputError& e) {
    // At the value the message is about, where it names one (the block's line otherwise).
    const auto [message, path] = name_values(e.what(), b.values);
    throw InputError(fmt::format("{}: the scenario after the branch ({}) is not valid: {}",
                                 b.where_of(path), changes, message));
  }
  if (!same_history(variant, sc, b.step)) {
    // At the value that changes the history, named.
    const auto [path, why] = history_culprit(load, sc, b.values, b.step);
    throw InputError(fmt::format("{}: {} (the branch is at step {}); a branch may change only {}",
                                 b.where_of(path), why, b.step, kBranchable));
  }
  // Not the --set that realised the branch: its value where the branch gives it.
  place_values(variant, b.values, [&](const std::string& path, const std::string& value) {
    return fmt::format("{}: {}={}", b.where_of(path), path, value);
  });
  for (std::string& note : replayed_shock_notes(
           sc, variant, b.step,
           [&](const std::string& path) {
             const std::string& at = b.where_of(path);
             return at == b.where ? std::string() : at;
           },
           b.where, "the branch's"))
    sc.notes.push_back(note);
  sc.after_branch = std::make_shared<const Scenario>(std::move(variant));
}

}  // namespace msim
