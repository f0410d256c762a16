// The plain-text summary of an experiment that `marketsim summarize` prints: each design point's
// results over its replications, the changes against design point 0 run by run, and the shocks
// in plain words with what the design points vary in them.
#include "models/experiment_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <variant>

#include "models/experiment_sensitivity.hpp"
#include "models/leftover_runs.hpp"
#include "models/summary.hpp"
#include "models/summary_text.hpp"
#include "sim/config.hpp"
#include "sim/error.hpp"
#include "sim/experiment.hpp"
#include "sim/hdf5_file.hpp"

namespace msim {

namespace {

/// A design point's value for reading: a number with a long fraction (a sampled value) to four
/// significant digits; anything else as it is.
std::string short_number(const std::string& text) {
  double x = 0;
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, x);
  if (ec != std::errc() || p != end || x == std::round(x) || !std::isfinite(x)) return text;
  const int digits = 3 - static_cast<int>(std::floor(std::log10(std::abs(x))));
  std::string shown = fmt::format("{:.{}f}", x, std::clamp(digits, 0, 12));
  if (shown.find('.') != std::string::npos) {
    while (shown.back() == '0') shown.pop_back();
    if (shown.back() == '.') shown.pop_back();
  }
  return shown.size() < text.size() ? shown : text;
}

/// Shock k's change as each design point's value of `key` makes it, the words they share said
/// once: "Crema's price x 1, 0.85 or 0.7", "VarietyCo's budget set to 2,500 or 5,000 per year".
/// `as_written` (the file's) when they are all alike or a value cannot be read.
std::string changes_by_design_point(const std::string& yaml, std::int64_t spy, std::size_t k,
                                    const std::string& key, const std::vector<std::string>& values,
                                    const std::string& as_written) {
  // Many values (a Latin hypercube's): the lowest and the highest, "between ... and ...".
  std::vector<std::string> shown = values;
  bool range = false;
  if (values.size() > 5) {
    std::vector<double> numbers;
    for (const std::string& value : values) {
      double x = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), x);
      if (ec != std::errc() || end != value.data() + value.size()) return as_written;
      numbers.push_back(x);
    }
    const auto [low, high] = std::minmax_element(numbers.begin(), numbers.end());
    shown = {short_number(fmt::format("{}", *low)), short_number(fmt::format("{}", *high))};
    range = true;
  }
  std::vector<std::string> changes;
  for (const std::string& value : shown) {
    std::vector<ShockLine> at;
    try {
      at = scenario_shocks(yaml, spy, {key + "=" + value});
    } catch (const InputError&) {
      return as_written;
    }
    if (k >= at.size()) return as_written;
    // (A scaled market's amount in the file, "(3.0k in the file)", is each design point's own
    // value in its heading: left out, so that the amounts the runs used read as one list.)
    const std::string change = summary_text::without_file_amount(at[k].change);
    if (std::find(changes.begin(), changes.end(), change) == changes.end())
      changes.push_back(change);
  }
  if (changes.size() < 2) return as_written;
  // The words every change begins and ends with, cut at spaces so that a number stays whole.
  const std::string& first = changes[0];
  std::size_t head = first.size(), tail = first.size();
  for (const std::string& c : changes) {
    head = std::min<std::size_t>(
        head, std::mismatch(first.begin(), first.end(), c.begin(), c.end()).first - first.begin());
    tail = std::min<std::size_t>(
        tail,
        std::mismatch(first.rbegin(), first.rend(), c.rbegin(), c.rend()).first - first.rbegin());
  }
  for (const std::string& c : changes) tail = std::min(tail, c.size() - head);  // no overlap
  const std::size_t word_end = head == 0 ? std::string::npos : first.rfind(' ', head - 1);
  head = word_end == std::string::npos ? 0 : word_end + 1;
  const std::size_t word_start = first.find(' ', first.size() - tail);
  tail = word_start == std::string::npos ? 0 : first.size() - word_start;
  std::vector<std::string> middles;
  for (const std::string& c : changes) middles.push_back(c.substr(head, c.size() - head - tail));
  const std::string last = middles.back();
  middles.pop_back();
  return fmt::format("{}{}{}{}{}", first.substr(0, head), range ? "between " : "",
                     fmt::join(middles, ", "), range ? " and " + last : " or " + last,
                     first.substr(first.size() - tail));
}

/// The shocks of the experiment's scenario in a single run's words: those applied, and those
/// not (disabled, or after the last step). A shock that a design point's key changes (`varied`,
/// the summary's columns before `metric`) says so; "" when the scenario has none.
std::string format_experiment_shocks(const Hdf5Reader& in, const ExperimentTable& summary,
                                     const std::vector<std::string>& varied) {
  if (!in.exists("/experiment/scenario")) return "";
  try {
    const std::string yaml = in.strings("/experiment/scenario").at(0);
    const Config sc = Config::load_string(yaml, "/experiment/scenario");
    // A sweep of `steps`: a shock can apply in the design points that run past it only.
    std::int64_t steps = sc.get_int("steps", 0), fewest = steps;
    for (std::size_t v = 0; v < varied.size(); ++v)
      if (varied[v] == "steps")
        for (const auto& row : summary.rows) {
          const auto n = static_cast<std::int64_t>(std::stod(row.at(1 + v)));
          steps = std::max(steps, n);
          fewest = std::min(fewest, n);
        }
    const std::int64_t spy = sc.get_int("steps_per_year", 52);
    std::vector<ShockLine> shocks = scenario_shocks(yaml, spy);
    // The distinct values of varied key v, in the order of the design points.
    const auto values_of = [&](std::size_t v) {
      std::vector<std::string> values;
      for (const auto& row : summary.rows)
        if (std::find(values.begin(), values.end(), row.at(1 + v)) == values.end())
          values.push_back(row.at(1 + v));
      return values;
    };
    for (std::size_t k = 0; k < shocks.size(); ++k) {
      ShockLine& shock = shocks[k];
      std::vector<std::string> notes;
      const std::string as_written = shock.change;
      for (std::size_t v = 0; v < varied.size(); ++v) {
        const std::string& key = varied[v];
        for (const std::string& prefix :
             {fmt::format("shocks.{}.", k), "shocks." + shock.label + "."}) {
          if (key.rfind(prefix, 0) != 0) continue;
          const std::string field = key.substr(prefix.size());
          if (field != "enabled" && field != "step" && field != "week" && field != "name") {
            // The file's value would read as every design point's: name each one's.
            shock.change = changes_by_design_point(yaml, spy, k, key, values_of(v), shock.change);
          }
          if (field == "enabled") {
            shock.enabled = true;  // on in some design points: sorted by its step
            notes.push_back("on or off by design point");
          } else {
            if (field == "step" || field == "week") shock.step = 0;  // may apply: not "after"
            notes.push_back(fmt::format("its {} varies by design point", field));
          }
          break;
        }
      }
      // A budget or fixed cost that the shock sets is spent times each design point's scale
      // (unless the design points vary the shock itself: then in the words of its keys).
      const auto scale = std::find(varied.begin(), varied.end(), "scale");
      if (scale != varied.end() && shock.change == as_written) {
        const auto v = static_cast<std::size_t>(scale - varied.begin());
        shock.change = changes_by_design_point(yaml, spy, k, "scale", values_of(v), shock.change);
        if (shock.change != as_written) notes.push_back("times each design point's scale");
      }
      if (shock.step >= fewest && shock.step < steps)
        notes.push_back("only in the design points that run past it");
      shock.note = fmt::format("{}", fmt::join(notes, "; "));
    }
    std::vector<std::string> applied, not_applied;
    sort_shocks(shocks, steps, applied, not_applied);
    return format_shocks(applied, not_applied);
  } catch (const InputError&) {
    return "";  // an older or hand-made file: no shocks to list
  } catch (const std::logic_error&) {
    return "";  // a steps column that is not a number
  }
}

/// The period of the experiment's runs in the summary's words (period_word: "week" for a weekly
/// scenario); "step" when the design points vary steps_per_year or the file has no readable
/// scenario.
std::string experiment_period(const Hdf5Reader& in, const std::vector<std::string>& varied) {
  if (!in.exists("/experiment/scenario") ||
      std::find(varied.begin(), varied.end(), "steps_per_year") != varied.end())
    return period_word(0);
  try {
    const Config sc =
        Config::load_string(in.strings("/experiment/scenario").at(0), "/experiment/scenario");
    return period_word(sc.get_int("steps_per_year", 52));
  } catch (const InputError&) {
    return period_word(0);  // an older or hand-made file
  } catch (const std::logic_error&) {
    return period_word(0);  // no scenario text
  }
}

/// The file's --set assignments (recorded_overrides()), each one that sets a key the design
/// points vary (`varied`), or a value inside one, marked as unused: every run has the design
/// point's value there. Key paths are compared with list items by name, as the experiment's
/// scenario names them (by index where it cannot be read).
std::vector<std::string> marked_overrides(const Hdf5Reader& in,
                                          const std::vector<std::string>& varied) {
  std::optional<Config> document;
  if (in.exists("/experiment/scenario")) try {
      document =
          Config::load_string(in.strings("/experiment/scenario").at(0), "/experiment/scenario");
    } catch (const InputError&) {  // an older or hand-made file: compare as written
    } catch (const std::logic_error&) {
    }
  const Config* doc = document ? &*document : nullptr;
  std::vector<std::string> out = recorded_overrides(in);
  for (std::string& assignment : out) {
    const std::string set = canonical_key_path(doc, assignment.substr(0, assignment.find('=')));
    const bool unused = std::any_of(varied.begin(), varied.end(), [&](const std::string& key) {
      const std::string path = canonical_key_path(doc, key);
      return set == path || set.rfind(path + ".", 0) == 0;
    });
    if (unused) assignment += " (not used: the design points set it)";
  }
  return out;
}

}  // namespace

std::string format_experiment_summary(const std::string& path) {
  const ExperimentTables t = read_experiment_tables(path);
  const Hdf5Reader in(path);
  const auto attr = [&](const char* name) {
    const AttrValue v = in.attribute(name);
    return std::holds_alternative<std::int64_t>(v) ? std::get<std::int64_t>(v) : 0;
  };
  const auto& cols = t.summary.columns;  // the differences table has the same columns
  const auto col = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(cols.begin(), cols.end(), name) - cols.begin());
  };
  const std::size_t c_point = col("design_point"), c_metric = col("metric"), c_firm = col("firm");
  const std::size_t c5 = col("p5"), c50 = col("p50"), c95 = col("p95"), c_mean = col("mean");
  const std::size_t c_low = col("ci95_low"), c_high = col("ci95_high");
  const std::size_t c_in = col("in_market"), c_n = col("n");  // (older files lack in_market)
  const std::vector<std::string> varied(cols.begin() + 1,
                                        cols.begin() + static_cast<std::ptrdiff_t>(c_metric));
  const std::string name = std::get<std::string>(in.attribute("scenario_name"));
  std::string out = fmt::format(
      "{}: {} design point{} x {} replication{} = {} runs{}\n", name, attr("design_points"),
      attr("design_points") == 1 ? "" : "s", attr("replications"),
      attr("replications") == 1 ? "" : "s", attr("runs"),
      attr("branch_at") > 0 ? fmt::format(", branched at step {}", attr("branch_at")) : "");
  out += overrides_line(marked_overrides(in, varied));
  // The scale of every run; NaN when design points set different ones. Older files record none.
  double scale = std::find(varied.begin(), varied.end(), "scale") != varied.end()
                     ? std::numeric_limits<double>::quiet_NaN()
                     : 1.0;
  if (in.has_attribute("scale"))
    if (const AttrValue v = in.attribute("scale"); std::holds_alternative<double>(v))
      scale = std::get<double>(v);
  out += scale_note(scale);
  // As a single run's summary shortens money (summary_text::money), with a sign for a change.
  const auto money = [](double x, bool sign) {
    if (std::isnan(x)) return std::string("n/a");
    if (std::abs(x) < 0.5) return std::string("0");  // not "-0" or "+0"
    return (sign && x > 0 ? "+" : "") + summary_text::money(x);
  };
  // An empty cell (NaN in the file, such as the sd of a single replication) has no value.
  const auto num = [](const std::string& s) {
    return s.empty() ? std::numeric_limits<double>::quiet_NaN() : std::stod(s);
  };
  const auto half_width = [&](const std::vector<std::string>& row) {
    return (num(row[c_high]) - num(row[c_low])) / 2;
  };
  // How many of the design point's runs had the firm in the market; all of them when the file
  // does not say.
  const auto runs_in_market = [&](const std::string& point, const std::string& firm) {
    for (const auto& row : t.summary.rows)
      if (row[c_point] == point && row[c_firm] == firm && c_in < row.size()) return num(row[c_in]);
    return std::numeric_limits<double>::infinity();
  };
  std::vector<std::string> point_names;  // in the order of the table
  for (const auto& row : t.summary.rows)
    if (point_names.empty() || point_names.back() != row[c_point])
      point_names.push_back(row[c_point]);
  std::vector<std::string> partly;  // "GreenBite in 12 of 30 runs of design point 2"
  // The rows of one design point: profit per year and market share of every firm.
  const auto block = [&](const ExperimentTable& table, const std::string& point, bool change) {
    std::string text;
    for (const auto& row : table.rows) {
      if (row[c_point] != point || row[c_metric] != "profit_per_year") continue;
      // A firm that never entered is named so, not shown as the zeros the tables give it (its
      // in_market is 0); its change against design point 0 is shown when it was in the market
      // in either.
      const double active = runs_in_market(point, row[c_firm]);
      if (active == 0 && (!change || runs_in_market(point_names.front(), row[c_firm]) == 0)) {
        text += fmt::format("{:<16} not in market in any run{}\n", row[c_firm],
                            change ? " here or in design point 0" : "");
        continue;
      }
      if (!change && active < num(row[c_n]))
        partly.push_back(fmt::format("{} in {} of {} runs of design point {}", row[c_firm], active,
                                     row[c_n], point));
      const std::vector<std::string>* share = nullptr;
      for (const auto& r : table.rows)
        if (r[c_point] == point && r[c_firm] == row[c_firm] && r[c_metric] == "market_share")
          share = &r;
      const auto points = [&](double x, bool sign) {
        if (std::isnan(x)) return std::string("n/a");
        if (std::abs(100 * x) < 0.05) return std::string("0.0");  // not "-0.0" or "+0.0"
        return sign ? fmt::format("{:+.1f}", 100 * x) : fmt::format("{:.1f}", 100 * x);
      };
      const auto pct = [&](std::size_t c) {
        const double x = num((*share)[c]);
        return change || std::isnan(x) ? points(x, change) : points(x, false) + "%";
      };
      // "25.0 ± 1.6%"; with one replication "25.0% ± n/a", not "25.0 ± n/a%"; with no mean (no
      // run sold anything in its last step) "n/a", not "n/a% ± n/a".
      const double share_at = num((*share)[c_mean]), share_half = half_width(*share);
      const std::string unit = change ? "" : "%";
      const std::string share_mean =
          std::isnan(share_at) ? std::string("n/a")
          : std::isnan(share_half)
              ? points(share_at, change) + unit + " ± n/a"
              : points(share_at, change) + " ± " + points(share_half, false) + unit;
      text += fmt::format("{:<16} {:>9} {:>9} {:>9} {:>15}   {:>8} {:>8} {:>8} {:>14}\n",
                          row[c_firm], money(num(row[c5]), change), money(num(row[c50]), change),
                          money(num(row[c95]), change),
                          money(num(row[c_mean]), change) + " ± " + money(half_width(row), false),
                          pct(c5), pct(c50), pct(c95), share_mean);
    }
    return text;
  };
  for (const std::string& point : point_names) {
    std::vector<std::string> values;
    for (const auto& row : t.summary.rows)
      if (row[c_point] == point) {
        for (std::size_t v = 0; v < varied.size(); ++v)
          values.push_back(varied[v] + "=" + short_number(row[1 + v]));
        break;
      }
    out += fmt::format("\ndesign point {}{}{}\n", point, values.empty() ? "" : ": ",
                       fmt::join(values, ", "));
    out += fmt::format("{:<16} {:<45}   {}\n", "firm", "profit per year", "market share");
    out += fmt::format("{:<16} {:>9} {:>9} {:>9} {:>15}   {:>8} {:>8} {:>8} {:>14}\n", "", "p5",
                       "p50", "p95", "mean ± 95% CI", "p5", "p50", "p95", "mean ± 95% CI");
    out += block(t.summary, point, false);
    if (point != point_names.front() && !t.differences.rows.empty()) {
      out += fmt::format("{:<16} {:<45}   {}\n", "  change vs 0:", "", "in points");
      out += block(t.differences, point, true);
    }
  }
  out += format_experiment_shocks(in, t.summary, varied);
  const std::vector<std::string> sampled = sampled_keys(in);
  out += format_sensitivity(t.sensitivity, sampled, attr("replications"),
                            sampled_points(t.summary, sampled));
  if (!partly.empty())
    out += fmt::format(
        "\nIn the market in only some runs (their statistics count the others as 0): {}.\n",
        fmt::join(partly, "; "));
  out +=
      fmt::format(
          "\nProfit per year is each run's cumulative profit over its years; market share is the "
          "last {}'s unit share. p5/p50/p95 are over the replications of each design point; "
          "mean ± 95% CI is their mean and the half-width of its t-based 95% confidence interval "
          "(n/a with one replication). ",
          experiment_period(in, varied)) +
      std::string(
          !t.differences.rows.empty()
              ? "\"change vs 0\" compares each run with the run of design point 0 that has the "
                "same seed (common random numbers): much of the consumers' luck cancels in each "
                "change, and its spread over the replications is what is left (the design "
                "point's own luck, such as a study's sample). "
          : point_names.size() > 1
              ? "The design points are samples of a Latin hypercube, none of them a baseline, "
                "so no change against design point 0 is given: read the results against the "
                "sampled keys (" +
                    std::string(t.sensitivity.rows.empty() ? "" : "the sensitivity table above, ") +
                    "each run's in runs.csv from `summarize --csv`, and the response figure of "
                    "`python3 -m analysis.plot`). "
              : "") +
      "The tables (`summarize --csv`) also give each run's revenue, marketing "
      "spend and program cost (loyalty and referral rewards, paid on top of the marketing "
      "budget) over the run, per firm.\n";
  if (attr("replications") > 1 && attr("replications") < 20)
    out += fmt::format(
        "With {} replications, p5 and p95 lie close to the lowest and highest run (linear "
        "interpolation between runs); read them as a range, not as percentiles of a "
        "distribution, or run 20 replications or more.\n",
        attr("replications"));
  if (attr("branch_at") > 0)
    out += fmt::format(
        "Branched at step {0}: every run shares the base scenario's history before step {0}, "
        "and a design point's values (the {1} above) apply from step {0} on, so its profit per "
        "year covers both parts (each run's /market series show them step by step).\n",
        attr("branch_at"), varied.size() == 1 ? "value" : "values");
  // Its runs directory, still there: a leftover of a kill, or a later run of it.
  if (const auto beside = runs_beside(path)) out += runs_beside_note(*beside, path);
  return out;
}

}  // namespace msim
