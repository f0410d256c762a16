// Reading and writing the `shocks:` timeline (scenarios/README.md, "shocks").
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "models/limits.hpp"
#include "models/scenario_load.hpp"
#include "models/shocks.hpp"
#include "sim/config.hpp"
#include "sim/yaml_writer.hpp"

namespace msim {
namespace {

const std::vector<std::string> kKinds = {"budget",    "fixed_cost", "price", "cost", "cpm",
                                         "recession", "opt_out",    "enter", "exit"};
const std::vector<std::string> kChannels = {"mass", "targeted", "direct"};

/// The index of the name at `node` in `known`, with a did-you-mean. @throws InputError.
int resolve(const Config& node, const std::vector<std::string>& known, const std::string& what) {
  const std::string name = node.as_string();
  for (std::size_t k = 0; k < known.size(); ++k)
    if (known[k] == name) return static_cast<int>(k);
  const std::string hint = did_you_mean(name, known);
  node.fail(fmt::format("unknown {} '{}'{}; known: {}", what, name,
                        hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint),
                        fmt::join(known, ", ")));
}

std::vector<int> resolve_list(const Config& node, const std::vector<std::string>& known,
                              const std::string& what) {
  if (!node.is_sequence()) node.fail_expected(fmt::format("a list of {} names", what));
  std::vector<int> out;
  for (const Config& item : node.items()) {
    const int k = resolve(item, known, what);
    if (std::find(out.begin(), out.end(), k) != out.end())
      item.fail(fmt::format("{} '{}' is listed twice", what, item.as_string()));
    out.push_back(k);
  }
  if (out.empty()) node.fail_expected(fmt::format("a non-empty list of {} names", what));
  return out;
}

/// Notes a `multiply` above `large` (on `what`, "the price"): 15 for a cut of 15% is a slip.
void note_factor(const Config& n, const Shock& s, double large, const char* what) {
  if (s.op != ShockOp::multiply || !(s.value > large)) return;
  // (A cut of 100% or more is no price at all: only a rise is offered then.)
  const std::string cut = s.value < 100.0 ? fmt::format(", and to cut it by {:g}% multiply: {:g}",
                                                        s.value, 1.0 - s.value / 100.0)
                                          : "";
  n.child("multiply")
      .note(fmt::format(
          "multiplies {} by {:g}; to raise it by {:g}% write multiply: {:g}{}, so check "
          "that this is meant",
          what, s.value, s.value, 1.0 + s.value / 100.0, cut));
}

/// Reads exactly one of the keys in `ops` (multiply, set, markup) into s.op and s.value.
void read_op(const Config& n, Shock& s, const std::vector<std::pair<std::string, Range>>& ops) {
  int found = 0;
  std::vector<std::string> names;
  for (const auto& [key, r] : ops) {
    names.push_back("'" + key + "'");
    if (!n.has(key)) continue;
    if (++found > 1) n.child(key).fail(fmt::format("give only one of {}", fmt::join(names, ", ")));
    s.value = n.get_double(key, r);
    s.op = key == "multiply" ? ShockOp::multiply : key == "set" ? ShockOp::set : ShockOp::markup;
    if (s.op == ShockOp::markup && s.value > kLargeMarkup) n.child(key).note(large_markup(s.value));
    if (s.op == ShockOp::markup && s.value < 0.0) n.child(key).note(below_cost_markup(s.value));
  }
  if (found == 0) {
    std::vector<std::string> all, bare;
    for (const auto& op : ops) {
      all.push_back("'" + op.first + "'");
      bare.push_back(op.first);
    }
    const std::vector<std::string> other = {"name",     "enabled", "step",    "week",
                                            "kind",     "firm",    "channel", "categories",
                                            "segments", "fraction"};
    for (const std::string& key : n.keys()) {  // a misspelt one: say so where it stands
      if (std::find(other.begin(), other.end(), key) != other.end()) continue;
      if (const std::string guess = did_you_mean(key, bare); !guess.empty() && guess != key)
        n.child(key).fail(fmt::format("unknown key '{}' (did you mean '{}'?)", key, guess));
    }
    n.fail(fmt::format("a {} shock needs one of {}", n.get_string("kind"), fmt::join(all, ", ")));
  }
}

std::vector<std::string> names_of(const auto& items) {
  std::vector<std::string> out;
  for (const auto& x : items) out.push_back(x.name);
  return out;
}

Shock load_shock(const Config& n, const Scenario& sc, std::int64_t file_steps) {
  Shock s;
  s.name = n.has("name") ? n.child("name").as_path_name("shocks.NAME.enabled") : "";
  s.enabled = n.get_bool("enabled", true);
  // When: `step` (0-based, the row in /market) or `week` (1-based, weekly scenarios only),
  // within the run, or within the file's own run where --set shortened it (the shock is kept
  // and never fires).
  const std::int64_t horizon = std::max(sc.steps, file_steps);
  const std::string horizon_text =
      file_steps == sc.steps
          ? fmt::format("within the run: steps is {}", sc.steps)
          : fmt::format("within the run: steps is {} in the scenario file, {} with --set",
                        file_steps, sc.steps);
  // Timed by `week` or by `step`. Both in the file (or both from --set) is a slip; a --set, a
  // branch's value or a design point's of one where the file gives the other retimes the shock.
  bool by_week = n.has("week");
  if (n.has("step") && n.has("week")) {
    const Config step = n.child("step"), week = n.child("week");
    const bool step_set = step.mark().file == "<--set>", week_set = week.mark().file == "<--set>";
    if (step_set == week_set) week.fail("give either step or week, not both");
    const Config& given = step_set ? step : week;
    const Config& in_file = step_set ? week : step;
    const Mark at = in_file.mark();
    given.note(fmt::format("times the shock by {} instead of the file's {} {} ({}:{}:{})",
                           step_set ? "step" : "week", step_set ? "week" : "step",
                           in_file.is_scalar() ? in_file.as_string() : in_file.show(), at.file,
                           at.line, at.column));
    by_week = week_set;
  }
  if (!n.has("step") && !n.has("week"))
    n.fail(fmt::format("a shock needs its time: 'week' (from 1) or 'step' (from 0), {}",
                       horizon_text));
  if (by_week) {
    const Config w = n.child("week");
    if (sc.steps_per_year != 52)
      w.fail(fmt::format("'week' needs weekly steps (steps_per_year: 52, not {}); use 'step'",
                         sc.steps_per_year));
    // One message for a week too early and too late: "a week from 1 to 104 (...)".
    const std::int64_t week = w.as_int();
    if (week < 1 || week > horizon)
      w.fail_expected(fmt::format("a week from 1 to {} ({})", horizon, horizon_text));
    s.step = week - 1;
  } else {
    const Config t = n.child("step");
    const std::int64_t v = t.as_int(range::non_negative());
    if (v >= horizon)
      t.fail_expected(fmt::format("a step from 0 to {} ({})", horizon - 1, horizon_text));
    s.step = v;
  }
  // Within the file's run but after the shortened one, it is kept and never fires: as a trial
  // run's later shocks are, silently, unless a --set put it there.
  const Config when = n.child(by_week ? "week" : "step");
  if (s.step >= sc.steps && s.enabled && when.mark().file == "<--set>") {
    const bool weeks = by_week;
    when.note(
        fmt::format("this shock, in {} {}, comes after the run's last {} ({}), so it "
                    "never fires",
                    weeks ? "week" : "step", weeks ? s.step + 1 : s.step, weeks ? "week" : "step",
                    weeks ? sc.steps : sc.steps - 1));
  }
  const std::string kind = n.child("kind").as_choice(kKinds);
  s.kind = static_cast<ShockKind>(std::find(kKinds.begin(), kKinds.end(), kind) - kKinds.begin());
  const auto firm = [&] { s.firm = resolve(n.child("firm"), names_of(sc.firms), "firm"); };
  const Range money = money_range();
  // A price, a cost or a media price: per unit, and multiplied within [1/1000, 1000] at a time.
  const Range per_unit = positive_unit_money_range();
  const Range price_factor = range::closed(1.0 / kMaxPriceFactor, kMaxPriceFactor);
  const Range factor = range::closed(0, 1e6);
  switch (s.kind) {
    case ShockKind::budget:
    case ShockKind::fixed_cost:
      firm();
      read_op(n, s, {{"multiply", factor}, {"set", money}});
      note_factor(n, s, kLargeMoneyFactor, kind == "budget" ? "the budget" : "the fixed cost");
      break;
    case ShockKind::price:
      firm();
      read_op(n, s,
              {{"multiply", price_factor},
               {"set", per_unit},
               {"markup", range::fraction(range::closed(-0.99, 100.0))}});
      note_factor(n, s, kLargePriceFactor, "the price");
      break;
    case ShockKind::cost:
      firm();
      read_op(n, s, {{"multiply", price_factor}, {"set", per_unit}});
      note_factor(n, s, kLargePriceFactor, "the unit cost");
      if (auto c = n.find("categories")) {
        s.categories = resolve_list(*c, names_of(sc.categories), "category");
        const Firm& f = sc.firms[static_cast<std::size_t>(s.firm)];
        std::vector<std::string> sold;
        for (int k : f.categories) sold.push_back(sc.categories[static_cast<std::size_t>(k)].name);
        const std::vector<Config> items = c->items();
        for (std::size_t i = 0; i < s.categories.size(); ++i)
          if (std::find(f.categories.begin(), f.categories.end(), s.categories[i]) ==
              f.categories.end())
            items[i].fail(fmt::format(
                "firm '{}' sells no category '{}', so its cost there would change nothing; it "
                "sells {}",
                f.name, items[i].as_string(), fmt::join(sold, ", ")));
      }
      break;
    case ShockKind::cpm:
      s.channel = static_cast<Channel>(
          std::find(kChannels.begin(), kChannels.end(), n.child("channel").as_choice(kChannels)) -
          kChannels.begin());
      read_op(n, s, {{"multiply", price_factor}, {"set", per_unit}});
      note_factor(n, s, kLargePriceFactor, "the media price");
      break;
    case ShockKind::recession:
      read_op(n, s, {{"multiply", range::closed(0, 10)}});
      if (auto c = n.find("categories"))
        s.categories = resolve_list(*c, names_of(sc.categories), "category");
      if (auto g = n.find("segments"))
        s.segments = resolve_list(*g, names_of(sc.segments), "segment");
      break;
    case ShockKind::opt_out:
      s.value = n.get_double("fraction", range::unit());
      s.op = ShockOp::set;
      if (auto g = n.find("segments"))
        s.segments = resolve_list(*g, names_of(sc.segments), "segment");
      break;
    case ShockKind::enter:
    case ShockKind::exit:
      firm();
      break;
  }
  n.finish();
  return s;
}

/// Refuses the recession that raises a segment's purchase rates, with those before it, to where
/// more than kMaxShareAboveRate of its consumers are above kMaxPurchaseRate. Recessions apply by
/// step, and in list order within a step, each to the rates the ones before it left.
void check_raised_rates(const std::vector<Shock>& shocks, const std::vector<Config>& items,
                        const Scenario& sc) {
  std::vector<std::size_t> order;
  for (std::size_t k = 0; k < shocks.size(); ++k)
    if (shocks[k].kind == ShockKind::recession && shocks[k].enabled) order.push_back(k);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return shocks[a].step < shocks[b].step; });
  const auto covers = [](const std::vector<int>& list, int v) {
    return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
  };
  for (std::size_t s = 0; s < sc.segments.size(); ++s) {
    for (std::size_t c = 0; c < sc.categories.size(); ++c) {
      double factor = 1.0, highest = 1.0;
      std::size_t at = shocks.size();
      for (std::size_t k : order) {
        if (!covers(shocks[k].segments, static_cast<int>(s)) ||
            !covers(shocks[k].categories, static_cast<int>(c)))
          continue;
        factor *= shocks[k].value;
        if (factor > highest) {
          highest = factor;
          at = k;
        }
      }
      if (at == shocks.size()) continue;
      const PurchaseRate& rate = sc.segments[s].purchase_rate[c];
      const std::string problem =
          rate_share_problem(share_above_max_rate(rate.mean * highest, rate.shape));
      if (problem.empty()) continue;
      items[at]
          .child("multiply")
          .fail(fmt::format("got {:g}, which raises the {} purchase rates of segment '{}' to a "
                            "mean of {:g}{} (shape "
                            "{:g}): {} (a smaller factor)",
                            shocks[at].value, sc.categories[c].name, sc.segments[s].name,
                            rate.mean * highest,
                            highest == shocks[at].value
                                ? ""
                                : fmt::format(", x{:g} with the recessions before it", highest),
                            rate.shape, problem));
    }
  }
}

/// A value that shocks move: a firm's budget or fixed cost, a firm's base cost in a category, a
/// media price or the cost per direct contact.
struct Moved {
  double value = 0.0;
  bool known = true;  ///< false: each plan's own (the cost per contact before any `set`)
};

/// Refuses the enabled shock that takes a value it moves out of the range of the key that holds
/// it, with the shocks before it: budgets and fixed costs within [0, kMaxMoney], base costs and
/// media prices within (0, kMaxUnitMoney]. Shocks apply as apply_shock applies them: by step, and
/// in list order within a step; `multiply` scales the value in force, `set` replaces it. A
/// disabled shock never applies (a design point or branch that enables it loads anew, and is
/// checked then). Prices are checked as the run makes them (Market::check_prices): they follow
/// the strategies' markups and the learning curve.
void check_moved_values(const std::vector<Shock>& shocks, const std::vector<Config>& items,
                        const Scenario& sc) {
  std::vector<std::size_t> order;
  for (std::size_t k = 0; k < shocks.size(); ++k)
    if (shocks[k].enabled) order.push_back(k);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return shocks[a].step < shocks[b].step; });
  const std::size_t F = sc.firms.size(), C = sc.categories.size();
  std::vector<Moved> budget(F), fixed_cost(F), base_cost(F * C);
  for (std::size_t j = 0; j < F; ++j) {
    budget[j].value = sc.firms[j].budget_per_year;
    fixed_cost[j].value = sc.firms[j].fixed_cost_per_year;
    for (std::size_t c = 0; c < C; ++c) base_cost[j * C + c].value = sc.categories[c].base_cost;
  }
  Moved cpm_mass{sc.market.cpm_mass}, cpm_targeted{sc.market.cpm_targeted}, contact{0.0, false};
  for (const std::size_t k : order) {
    const Shock& s = shocks[k];
    const std::string firm =
        s.firm >= 0 ? fmt::format("firm '{}'", sc.firms[static_cast<std::size_t>(s.firm)].name)
                    : "";
    // Applies the shock to `v`, and refuses it where the result leaves the key's range.
    const auto move = [&](Moved& v, bool money, const std::string& what) {
      const double before = v.value;
      v.value = s.op == ShockOp::set ? s.value : v.value * s.value;
      v.known = v.known || s.op == ShockOp::set;
      // Totals of money are the file's; the market simulated at `scale` holds scale times them.
      const double most = money ? kMaxMoney / sc.scale : kMaxUnitMoney;
      const bool in_range = money ? v.value <= most : v.value > 0.0 && v.value <= most;
      if (!v.known || in_range) return;
      const std::string limit =
          !money ? fmt::format("within (0, {:g}]", kMaxUnitMoney)
          : sc.scale == 1.0
              ? fmt::format("at most {:g}", kMaxMoney)
              : fmt::format("at most {:g} (at scale {:g}, {:g} in the simulated market)", most,
                            sc.scale, kMaxMoney);
      const std::string when = items[k].find("week") ? fmt::format("week {}", s.step + 1)
                                                     : fmt::format("step {}", s.step);
      const bool set = s.op == ShockOp::set;
      items[k]
          .child(set ? "set" : "multiply")
          .fail_expected(
              fmt::format("a {} that keeps {} {}: in {} it would take it from {:g} to {:g}",
                          set ? "value" : "factor", what, limit, when, before, v.value));
    };
    const auto j = static_cast<std::size_t>(s.firm);
    switch (s.kind) {
      case ShockKind::budget:
        move(budget[j], true, "the budget_per_year of " + firm);
        break;
      case ShockKind::fixed_cost:
        move(fixed_cost[j], true, "the fixed_cost_per_year of " + firm);
        break;
      case ShockKind::cost: {
        const std::vector<int>& sold = sc.firms[j].categories;
        for (const int c : sold) {
          if (!s.categories.empty() &&
              std::find(s.categories.begin(), s.categories.end(), c) == s.categories.end())
            continue;
          const auto ci = static_cast<std::size_t>(c);
          move(base_cost[j * C + ci], false,
               fmt::format("the base cost per unit of {} in category '{}'", firm,
                           sc.categories[ci].name));
        }
        break;
      }
      case ShockKind::cpm:
        if (s.channel == Channel::mass)
          move(cpm_mass, false, "market.cpm_mass");
        else if (s.channel == Channel::targeted)
          move(cpm_targeted, false, "market.cpm_targeted");
        else  // each plan's own cost per contact until a `set` gives one for all
          move(contact, false, "the cost per direct contact");
        break;
      default:
        break;
    }
  }
}

}  // namespace

std::vector<Shock> load_shocks(const Config& list, const Scenario& sc, std::int64_t file_steps) {
  // --set shocks.NAME.KEY=V on a scenario without shocks makes a map {NAME: {KEY: V}}: the
  // shock it addresses does not exist (find_item says so when the scenario has shocks).
  const auto named = [&] {
    const std::vector<std::string> keys = list.keys();
    return !keys.empty() && std::all_of(keys.begin(), keys.end(), [&](const std::string& key) {
      return list.child(key).is_map();
    });
  };
  if (list.is_map() && list.mark().file == "<--set>" && named())
    list.fail(fmt::format(
        "there is no shock named '{}': the scenario has no shocks; to add one, give the list "
        "whole: --set 'shocks=[{{name: {}, week: 3, kind: exit, firm: NAME}}]'",
        list.keys().front(), list.keys().front()));
  if (!list.is_sequence())
    list.fail_expected(
        "a list of shocks, each a map with week (or step), kind and what the kind takes (a firm, "
        "multiply or set, ...), e.g. [{week: 27, kind: budget, firm: NAME, multiply: 0.7}]");
  std::vector<Shock> out;
  std::map<std::string, std::size_t> names;  // name -> its first shock's index
  std::map<int, const Config*> entered, exited;
  const auto items = list.items();
  for (const Config& item : items) {
    if (!item.is_map()) item.fail_expected("a shock: a map with week (or step) and kind");
    out.push_back(load_shock(item, sc, file_steps));
    const Shock& s = out.back();
    if (const auto [at, fresh] = names.emplace(s.name, out.size() - 1); !s.name.empty() && !fresh)
      item.child("name").fail(used_twice("shocks", s.name, at->second, items[at->second]));
    if (s.kind == ShockKind::enter || s.kind == ShockKind::exit) {
      auto& seen = s.kind == ShockKind::enter ? entered : exited;
      if (!seen.emplace(s.firm, &item).second)
        item.child("firm").fail(fmt::format("firm '{}' already has an '{}' shock",
                                            sc.firms[static_cast<std::size_t>(s.firm)].name,
                                            s.kind == ShockKind::enter ? "enter" : "exit"));
    }
  }
  // When shock k applies, in the unit it was written in (week N is step N - 1), with the step
  // too when the other shock `e` was written in steps.
  const auto when = [&](std::size_t k, std::size_t e) {
    if (!items[k].find("week")) return fmt::format("step {}", out[k].step);
    if (items[e].find("week")) return fmt::format("week {}", out[k].step + 1);
    return fmt::format("week {} (step {})", out[k].step + 1, out[k].step);
  };
  for (std::size_t k = 0; k < out.size(); ++k) {
    const Shock& s = out[k];
    if (s.kind != ShockKind::exit || !s.enabled) continue;
    for (std::size_t e = 0; e < out.size(); ++e)
      if (out[e].enabled && out[e].kind == ShockKind::enter && out[e].firm == s.firm &&
          out[e].step >= s.step)
        (items[k].find("week") ? items[k].child("week") : items[k].child("step"))
            .fail(fmt::format(
                "firm '{}' exits in {} and enters in {}, but a firm may exit only once and "
                "only after it enters (one with an enter shock is out of the market until "
                "then): re-entry after an exit is not supported",
                sc.firms[static_cast<std::size_t>(s.firm)].name, when(k, e), when(e, k)));
    for (std::size_t e = 0; e < out.size(); ++e)
      if (e != k && out[e].enabled && out[e].firm == s.firm && out[e].step > s.step &&
          out[e].kind != ShockKind::enter)
        (items[e].find("week") ? items[e].child("week") : items[e].child("step"))
            .note(fmt::format("this shock to firm '{}' comes in {}, after it exits in {}, so it "
                              "changes nothing",
                              sc.firms[static_cast<std::size_t>(s.firm)].name, when(e, k),
                              when(k, e)));
  }
  check_raised_rates(out, items, sc);
  check_moved_values(out, items, sc);
  return out;
}

void write_shocks(YamlWriter& out, const Scenario& sc) {
  if (sc.shocks.empty()) return;
  const auto names = [](const std::vector<int>& idx, const auto& all) {
    std::vector<std::string> v;
    for (int k : idx) v.push_back(all[static_cast<std::size_t>(k)].name);
    return v;
  };
  out.key("shocks").begin_list();
  for (const Shock& s : sc.shocks) {
    out.begin_map();
    if (!s.name.empty()) out.key("name").value(s.name);
    out.key("enabled").value(s.enabled);
    out.key("step").value(s.step);
    out.key("kind").value(kKinds[static_cast<std::size_t>(s.kind)]);
    if (s.firm >= 0) out.key("firm").value(sc.firms[static_cast<std::size_t>(s.firm)].name);
    if (s.kind == ShockKind::cpm)
      out.key("channel").value(kChannels[static_cast<std::size_t>(s.channel)]);
    if (s.kind == ShockKind::opt_out) {
      out.key("fraction").value(s.value);
    } else if (s.kind != ShockKind::enter && s.kind != ShockKind::exit) {
      const char* op = s.op == ShockOp::multiply ? "multiply"
                       : s.op == ShockOp::set    ? "set"
                                                 : "markup";
      out.key(op).value(s.value);
    }
    if (!s.categories.empty()) out.key("categories").value(names(s.categories, sc.categories));
    if (!s.segments.empty()) out.key("segments").value(names(s.segments, sc.segments));
    out.end_map();
  }
  out.end_list();
}

}  // namespace msim
