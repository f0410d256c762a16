// The shocks of a run's scenario in plain words: one line per shock, sorted into those applied
// and those not, as the summary prints them.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "models/summary.hpp"
#include "models/summary_text.hpp"
#include "sim/config.hpp"

namespace msim {
namespace {

using summary_text::money;
using summary_text::percent;

/// One shock of the resolved /scenario in plain words: "VarietyCo's budget x 0.7". A market
/// at `scale` other than 1 spends `scale` times a budget or fixed cost that the shock sets (as
/// it does the firms' own): the amount the run used, then the file's ("set to 12.0k per year
/// at scale 4 (3.0k in the file)").
std::string shock_change(const Config& n, double scale) {
  const std::string kind = n.get_string("kind", ""), firm = n.get_string("firm", "");
  const bool times = n.has("multiply");
  const double v = times             ? n.get_double("multiply")
                   : n.has("set")    ? n.get_double("set")
                   : n.has("markup") ? n.get_double("markup")
                                     : n.get_double("fraction", 0.0);
  const auto to = [&](const std::string& amount) {
    return times ? fmt::format("x {:g}", v) : "set to " + amount;
  };
  const std::string per_year = scale == 1.0
                                   ? money(v) + " per year"
                                   : fmt::format("{} per year at scale {:g} {}", money(v * scale),
                                                 scale, summary_text::file_amount(money(v)));
  std::string what;
  if (kind == "budget") {
    what = fmt::format("{}'s budget {}", firm, to(per_year));
  } else if (kind == "fixed_cost") {
    what = fmt::format("{}'s fixed cost {}", firm, to(per_year));
  } else if (kind == "price") {
    what = n.has("markup")
               ? fmt::format("{}'s price back to cost plus a {} markup", firm, percent(v))
               : fmt::format("{}'s price {}", firm, to(fmt::format("{:g} per unit", v)));
  } else if (kind == "cost") {
    what = times ? fmt::format("{}'s unit cost x {:g}", firm, v)
                 : fmt::format("{}'s base cost set to {:g} per unit", firm, v);
  } else if (kind == "cpm") {
    const std::string channel = n.get_string("channel", "mass");
    what = channel == "direct"
               ? fmt::format("cost per direct contact {}", to(fmt::format("{:g}", v)))
               : fmt::format("{} media's cost per 1000 impressions {}", channel,
                             to(fmt::format("{:g}", v)));
  } else if (kind == "recession") {
    what = fmt::format("recession: purchase occasions x {:g}", v);
  } else if (kind == "opt_out") {
    what = fmt::format("{} of the consumers who still allowed CRM opt out", percent(v));
  } else if (kind == "enter") {
    what = firm + " enters the market";
  } else if (kind == "exit") {
    what = firm + " leaves the market";
  } else {
    what = kind;
  }
  for (const auto& [key, one] :
       {std::pair{"segments", "segment"}, std::pair{"categories", "category"}})
    if (n.has(key)) {
      const auto names = n.child(key).as_strings();
      what += fmt::format(" in {} {}", names.size() == 1 ? one : key, fmt::join(names, ", "));
    }
  return what;
}

}  // namespace

namespace summary_text {

namespace {
constexpr std::string_view kInTheFile = " in the file)";
}

std::string file_amount(const std::string& amount) {
  return fmt::format("({}{}", amount, kInTheFile);
}

std::string without_file_amount(const std::string& change) {
  if (!change.ends_with(kInTheFile)) return change;
  const std::size_t open = change.rfind(" (");
  return open == std::string::npos ? change : change.substr(0, open);
}

}  // namespace summary_text

std::vector<ShockLine> scenario_shocks(const std::string& yaml, std::int64_t steps_per_year,
                                       const std::vector<std::string>& changes) {
  const Config sc = Config::load_string(yaml, "/scenario", changes);
  std::vector<ShockLine> lines;
  const auto shocks = sc.find("shocks");
  if (!shocks || !shocks->is_sequence()) return lines;
  // The market's scale, which a resolved scenario records (1 in files that have none).
  double scale = sc.get_double("scale", 1.0);
  if (!std::isfinite(scale) || scale <= 0) scale = 1.0;
  for (const Config& n : shocks->items()) {
    ShockLine k;
    k.step = n.get_int("step", 0);
    k.when = period_point(steps_per_year, k.step);
    const std::string name = n.get_string("name", "");
    k.named = !name.empty();
    k.label = k.named ? name : fmt::format("shocks.{}", lines.size());
    k.enabled = n.get_bool("enabled", true);
    k.change = shock_change(n, scale);
    lines.push_back(std::move(k));
  }
  return lines;
}

void sort_shocks(const std::vector<ShockLine>& shocks, std::int64_t steps_done,
                 std::vector<std::string>& applied, std::vector<std::string>& not_applied) {
  // Those applied in the order they apply: by step, and in file order within a step, as the
  // run applies them; the others in file order.
  std::vector<const ShockLine*> in_time;
  for (const ShockLine& k : shocks) in_time.push_back(&k);
  std::stable_sort(in_time.begin(), in_time.end(),
                   [](const ShockLine* a, const ShockLine* b) { return a->step < b->step; });
  for (const ShockLine& k : shocks) {
    if (!k.enabled)
      not_applied.push_back(k.label + " (disabled)");
    else if (k.step >= steps_done)
      not_applied.push_back(fmt::format("{} ({}, after the last step run)", k.label, k.when));
  }
  for (const ShockLine* shock : in_time) {
    const ShockLine& k = *shock;
    if (k.enabled && k.step < steps_done)
      applied.push_back(fmt::format("{}: {}{}{}", k.when, k.change,
                                    k.named ? " (" + k.label + ")" : "",
                                    k.note.empty() ? "" : ", " + k.note));
  }
}

std::string format_shocks(const std::vector<std::string>& applied,
                          const std::vector<std::string>& not_applied) {
  std::string out;
  if (!applied.empty())
    out += fmt::format("\nShocks, each applied at the start of its step:\n  {}\n",
                       fmt::join(applied, "\n  "));
  if (!not_applied.empty())
    out += fmt::format("{}Shocks not applied: {}.\n", applied.empty() ? "\n" : "",
                       fmt::join(not_applied, "; "));
  return out;
}

}  // namespace msim
