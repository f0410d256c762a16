// The summary as `marketsim run` and `marketsim summarize` print it (format_summary): the firms'
// table, the reading guide, the segment leaders and the notes; the scale note and the first-step
// check's lines; and the number and list wording the summary files share.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "models/summary.hpp"
#include "models/summary_text.hpp"

namespace msim {
namespace summary_text {

std::string percent(double x) {
  return fmt::format("{:.1f}%", 100.0 * x);
}

namespace {

/// The units money() shortens to, each with its decimals.
struct MoneyUnit {
  double size;
  const char* suffix;
  int decimals;
};
constexpr MoneyUnit kMoneyUnits[] = {
    {1.0, "", 0}, {1e3, "k", 1}, {1e6, "M", 2}, {1e9, "B", 2}, {1e12, "T", 2}};

/// The number `shown` (a formatted one) reads as, without its sign.
double shown_size(const std::string& shown) {
  return std::abs(std::strtod(shown.c_str(), nullptr));
}

}  // namespace

std::string money(double x) {
  if (!std::isfinite(x)) return fmt::format("{:.0f}", x);
  // The smallest unit in which the amount, rounded to its decimals, is under 1000: 999,950 is
  // 1.00M, not 1000.0k, which would be a unit too small and a character too wide.
  const double a = std::abs(x);
  for (const MoneyUnit& u : kMoneyUnits) {
    if (a / u.size >= 1000.0) continue;
    const std::string shown = fmt::format("{:.{}f}", x / u.size, u.decimals);
    if (shown_size(shown) < 1000.0) return shown + u.suffix;
  }
  // From 999.995 trillion on (a budget near its limit of 1e15, over a few years): an exponent,
  // "-1.23e+15", which fits the tables' money columns as "-999.99T" does.
  return fmt::format("{:.2e}", x);
}

std::string count(double x) {
  const std::string shown = fmt::format("{:.0f}", x);
  return std::isfinite(x) && shown_size(shown) < 1e4 ? shown : money(x);
}

/// "A", "A and B", "A, B and C".
std::string and_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t k = 0; k < names.size(); ++k)
    out += (k == 0 ? "" : k + 1 == names.size() ? " and " : ", ") + names[k];
  return out;
}

}  // namespace summary_text

std::int64_t segment_window(std::int64_t steps_per_year) {
  if (steps_per_year <= 0) return 13;
  return std::max<std::int64_t>(1, (steps_per_year + 2) / 4);  // (integers: Python rounds alike)
}

std::string period_word(std::int64_t steps_per_year) {
  switch (steps_per_year) {
    case 52:
      return "week";
    case 12:
      return "month";
    case 4:
      return "quarter";
    case 1:
      return "year";
    case 365:
      return "day";
    default:
      return "step";
  }
}

std::string period_point(std::int64_t steps_per_year, std::int64_t step) {
  const std::string word = period_word(steps_per_year);
  return fmt::format("{} {}", word, word == "step" ? step : step + 1);
}

namespace {

using summary_text::and_list;
using summary_text::firms_where;
using summary_text::format_durables;
using summary_text::format_relationships;
using summary_text::money;
using summary_text::percent;

/// A firm's budget, what the first step spent, its fixed costs (when it has any) and its
/// prices, without its name: "budget 40.0k a year (769 a week); spent 769; fixed costs 1.9k;
/// price snacks 1.20, drinks 0.96".
std::string first_step_of_firm(const Scenario& sc, const StepMetrics& first, std::size_t j) {
  const std::size_t F = sc.firms.size();
  const std::string step = period_word(sc.steps_per_year);
  const Firm& f = sc.firms[j];
  const double budget = f.budget_per_year * sc.scale;
  std::vector<std::string> prices;
  bool sells = false;
  for (int c : f.categories) {
    const double p = first.price.by_category.at(static_cast<std::size_t>(c) * F + j);
    sells = sells || p > 0;
    prices.push_back(fmt::format("{} {:.2f}", sc.categories[static_cast<std::size_t>(c)].name, p));
  }
  const std::string budgeted =
      fmt::format("budget {} a year ({} a {})", money(budget),
                  money(budget / static_cast<double>(sc.steps_per_year)), step);
  const double fixed = first.fixed_cost.firm.at(j);
  if (sells)
    return fmt::format(
        "{}; spent {}{}; price {}", budgeted, money(first.marketing_spend.firm.at(j)),
        fixed > 0 ? fmt::format("; fixed costs {}", money(fixed)) : "", fmt::join(prices, ", "));
  // it enters later (an `enter` shock), or has nothing to sell yet
  return fmt::format("{}; not in the market in {} 1", budgeted, step);
}

}  // namespace

std::string format_first_step(const Scenario& sc, const StepMetrics& first,
                              const std::vector<DesignPointFirstStep>& points) {
  const std::size_t F = sc.firms.size();
  const std::string step = period_word(sc.steps_per_year);
  std::string out = fmt::format(
      "# Firms in {0} 1 (checked on a small population{2}): the budget per year{1} and a {0}'s "
      "share of it, what {0} 1 spent on marketing, its fixed costs (the firm's, its strategy's "
      "and its market research's), and the prices.\n",
      step, sc.scale != 1.0 ? fmt::format(" at scale {:g}", sc.scale) : "",
      points.empty() ? "" : ", each design point");
  for (std::size_t j = 0; j < F; ++j) {
    const Firm& f = sc.firms[j];
    std::vector<std::string> by_point;
    for (const auto& point : points)
      by_point.push_back(point.scenario->firms.size() == F
                             ? first_step_of_firm(*point.scenario, point.first, j)
                             : std::string());
    const std::string line = by_point.empty() ? first_step_of_firm(sc, first, j) : by_point.front();
    if (std::all_of(by_point.begin(), by_point.end(),
                    [&](const std::string& l) { return l == line; })) {
      out += fmt::format("#   {} ({}): {}\n", f.name, f.strategy, line);
      continue;
    }
    out += fmt::format("#   {} ({}), by design point:\n", f.name, f.strategy);
    const std::size_t shown = std::min(points.size(), kFirstStepPoints);
    for (std::size_t d = 0; d < shown; ++d)
      out += fmt::format("#     {} ({}): {}\n", d, points[d].label, by_point[d]);
    if (shown < points.size())
      out += fmt::format("#     and {} more design points\n", points.size() - shown);
  }
  return out;
}

bool shares_level(double a, double b, double units) {
  const double gap = a - b;
  if (gap < 0.005) return true;
  return units > 0 && gap < 2.0 * std::sqrt(std::max(0.0, a + b - gap * gap) / units);
}

std::string scale_note(double scale) {
  if (scale == 1.0) return "";
  if (std::isnan(scale))
    return "The market's scale varies by design point (scale= below): each design point runs at "
           "its scale times the scenario's consumers, budgets, fixed costs and reference volumes. "
           "Money and unit totals are about that scale times the full market's, so their changes "
           "against design point 0 are largely the change of scale; shares, penetration, prices "
           "and ROI compare with the full market directly.\n";
  return fmt::format(
      "The market at scale {0:g}: {0:g} times the scenario's consumers, budgets, fixed costs "
      "and reference volumes. Money and unit totals are about {0:g} times the full market's; "
      "shares, penetration, prices and ROI compare with it directly.\n",
      scale);
}

namespace {

/// Who leads on each key figure, among the firms in the market, in three sentences; two firms
/// whose market shares of the last step's `units` are level (shares_level), within half a point
/// of customer share, or within 1% of profit, are "about level"; with one firm in the market,
/// that is all it says. The last step is called by the run's `period` ("In the last week").
/// analysis/summary.py words it the same way.
std::string format_reading(const std::vector<SummaryRow>& rows, const std::string& period,
                           double units) {
  std::vector<const SummaryRow*> in;
  for (const auto& r : rows)
    if (r.in_market) in.push_back(&r);
  if (in.empty()) return "";
  if (in.size() == 1)
    return fmt::format("{} ({}) is the only firm in the market.\n", in[0]->firm, in[0]->strategy);
  // Customer share is undefined for a firm nobody bought from: such firms are not ranked on it.
  std::vector<const SummaryRow*> buyers;
  for (const SummaryRow* r : in)
    if (r->sold) buyers.push_back(r);
  const auto top_two = [&](auto key, const std::vector<const SummaryRow*>& among = {}) {
    std::vector<const SummaryRow*> sorted = among.empty() ? in : among;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [&](const SummaryRow* a, const SummaryRow* b) { return key(*a) > key(*b); });
    return std::pair{sorted[0], sorted[1]};
  };
  const auto named = [](const SummaryRow* r) {
    return fmt::format("{} ({})", r->firm, r->strategy);
  };
  const auto share = [&](auto key, double sample, const std::string& lead, const std::string& level,
                         const std::vector<const SummaryRow*>& among = {}) {
    if (among.size() == 1)
      return fmt::format(fmt::runtime(lead), named(among[0]), percent(key(*among[0])));
    const auto [a, b] = top_two(key, among);
    if (shares_level(key(*a), key(*b), sample))
      return fmt::format(fmt::runtime(level), named(a), named(b), percent(key(*a)),
                         percent(key(*b)));
    return fmt::format(fmt::runtime(lead), named(a), percent(key(*a)));
  };
  // Every firm gone, or nobody buying: no leader to name.
  const bool sold =
      std::any_of(in.begin(), in.end(), [](const SummaryRow* r) { return r->market_share > 0; });
  const std::string last = fmt::format("In the last {}, ", period);
  std::string out =
      !sold ? last + "no firm sold anything.\n"
            : share([](const SummaryRow& r) { return r.market_share; }, units,
                    last + "{} sold the most units: {} of the market.",
                    last + "{} and {} sold about as many units: {} and {} of the market.") +
                  (buyers.empty()
                       ? std::string()
                       : " " + share([](const SummaryRow& r) { return r.customer_share; }, 0.0,
                                     "{} won the largest share of its own buyers' category "
                                     "purchases: {}.",
                                     "{} and {} won about the same share of their own buyers' "
                                     "category purchases: {} and {}.",
                                     buyers)) +
                  "\n";
  const auto [a, b] = top_two([](const SummaryRow& r) { return r.profit; });
  if (a->profit < 0)  // nobody "earned" anything
    out += fmt::format("Over the run, every firm lost money; {} lost the least: {}.\n", named(a),
                       money(a->profit));
  else if (a->profit - b->profit < 0.01 * std::max(std::abs(a->profit), std::abs(b->profit)))
    out += fmt::format("Over the run, {} and {} earned about the same: {} and {}.\n", named(a),
                       named(b), money(a->profit), money(b->profit));
  else
    out += fmt::format("Over the run, {} earned the most: {}.\n", named(a), money(a->profit));
  return out;
}

/// Who sold the most in each segment over the last steps (in the run's period's words), with its
/// share of the units the segment bought then, in one sentence, when there are two segments or
/// more: "By segment, the largest share of the units bought over the last 13 weeks: vegan,
/// GreenScoop (niche) with 77.6%; ...". Two firms level in the units the segment bought
/// (shares_level) are both named; a segment that bought nothing says so.
std::string format_segment_leaders(const Summary& s) {
  const std::size_t S = s.segments.size(), F = s.rows.size();
  if (S < 2 || s.segment_share.size() != S * F) return "";
  std::vector<std::string> parts;
  for (std::size_t g = 0; g < S; ++g) {
    std::vector<std::size_t> order;
    for (std::size_t j = 0; j < F; ++j)
      if (s.rows[j].in_market) order.push_back(j);
    const double* share = &s.segment_share[g * F];
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return share[a] > share[b]; });
    const auto named = [&](std::size_t j) {
      return fmt::format("{} ({})", s.rows[j].firm, s.rows[j].strategy);
    };
    if (order.empty() || share[order[0]] <= 0)
      parts.push_back(fmt::format("{}, no units bought", s.segments[g]));
    else if (order.size() > 1 &&
             shares_level(share[order[0]], share[order[1]],
                          g < s.segment_units.size() ? s.segment_units[g] : 0.0))
      parts.push_back(fmt::format("{}, {} and {} level with {} and {}", s.segments[g],
                                  named(order[0]), named(order[1]), percent(share[order[0]]),
                                  percent(share[order[1]])));
    else
      parts.push_back(
          fmt::format("{}, {} with {}", s.segments[g], named(order[0]), percent(share[order[0]])));
  }
  const std::string unit = period_word(s.steps_per_year);
  const std::string when = s.segment_window == 1
                               ? fmt::format("in the last {}", unit)
                               : fmt::format("over the last {} {}s", s.segment_window, unit);
  return fmt::format("By segment, the largest share of the units bought {}: {}.\n", when,
                     fmt::join(parts, "; "));
}

}  // namespace

std::string branch_line(std::int64_t steps_per_year, std::int64_t step,
                        const std::vector<std::string>& changes) {
  if (step < 0) return "";
  const std::string point = period_point(steps_per_year, step);
  const std::string at =
      period_word(steps_per_year) == "step" ? point : fmt::format("{} (step {})", point, step);
  return fmt::format("Branched at {}: from then on, {}\n", at, fmt::join(changes, ", "));
}

std::string overrides_line(const std::vector<std::string>& overrides) {
  if (overrides.empty()) return "";
  return fmt::format("Changed from the scenario file on the command line: {}\n",
                     fmt::join(overrides, ", "));
}

/// How long the run's steps so far are: "1 week", "6 months" while shorter than a year of a
/// named period, else "2.0 years" (with more digits where that would read "0.0 years").
/// analysis/periods.py's run_length says the same.
std::string run_length(const Summary& s) {
  const std::string name = period_word(s.steps_per_year);
  if (s.steps_per_year > 0 && s.steps_done < s.steps_per_year && name != "step")
    return fmt::format("{} {}{}", s.steps_done, name, s.steps_done == 1 ? "" : "s");
  const double years = s.years();
  return years >= 0.1 || years == 0 ? fmt::format("{:.1f} years", years)
                                    : fmt::format("{:.2g} years", years);
}

std::string format_summary(const Summary& s) {
  std::string out =
      fmt::format("{}: {} consumers, {} of {} steps ({}){}\n", s.scenario, s.consumers,
                  s.steps_done, s.steps, run_length(s), s.complete ? "" : "  [INCOMPLETE RUN]");
  out += overrides_line(s.overrides);
  out += branch_line(s.steps_per_year, s.branch_step, s.branch_changes);
  out += scale_note(s.scale);
  out += "\n";
  // Planners think in years: cumulative profit over the years simulated so far.
  const double years = s.years();
  out += fmt::format("{:<16} {:<15} {:>8} {:>9} {:>11} {:>9} {:>10} {:>10} {:>7}\n", "firm",
                     "strategy", "market", "customer", "penetration", "awareness", "profit",
                     "profit", "ROI");
  out += fmt::format("{:<16} {:<15} {:>8} {:>9} {:>11} {:>9} {:>10} {:>10} {:>7}\n", "", "",
                     "share", "share", "", "", "(cumul.)", "per year", "");
  for (const auto& r : s.rows)
    out += r.in_market
               ? fmt::format("{:<16} {:<15} {:>8} {:>9} {:>11} {:>9} {:>10} {:>10} {:>7}\n", r.firm,
                             r.strategy, s.sold_last_step ? percent(r.market_share) : "n/a",
                             r.sold ? percent(r.customer_share) : std::string("n/a"),
                             percent(r.penetration), percent(r.awareness), money(r.profit),
                             years > 0 ? money(r.profit / years) : std::string("-"),
                             r.roi_defined ? fmt::format("{:.2f}", r.roi) : "n/a")
               : fmt::format(
                     "{:<16} {:<15} not in market: sold nothing and spent nothing during "
                     "the run\n",
                     r.firm, r.strategy);
  if (!s.rows.empty()) {
    out += '\n';
    const std::string period = period_word(s.steps_per_year);
    out += format_reading(s.rows, period, s.units_last_step);
    out += format_segment_leaders(s);
    out += fmt::format(
        "Market share is the last {}'s unit share; customer share and penetration count every "
        "purchase since the start (customer share, for a firm that enters later, since its "
        "entry). ROI is the cumulative profit per unit of marketing money "
        "spent (marketing spend and loyalty and referral rewards): the whole business's profit, "
        "not only what the marketing added, so it is large "
        "where marketing is a small part of the costs (to measure what the marketing added, "
        "compare runs with another budget, as an experiment's \"change vs 0\" does).\n",
        period);
    const auto no_roi =
        firms_where(s.rows, [](const SummaryRow& r) { return r.in_market && !r.roi_defined; });
    if (!no_roi.empty())
      out += fmt::format(
          "ROI is n/a for {}: with no marketing money spent (under 0.01) it is "
          "undefined.\n",
          and_list(no_roi));
  }
  out += format_shocks(s.shocks, s.shocks_not_applied);
  if (!s.relationships.empty()) out += format_relationships(s);
  if (!s.durables.empty()) out += format_durables(s);
  return out;
}

}  // namespace msim
