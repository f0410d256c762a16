#include "models/summary.hpp"
#include "models/limits.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <variant>

#include "models/metrics.hpp"
#include "sim/config.hpp"
#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"

namespace msim {
namespace {

/// Steps summed for the segment leaders: a quarter of weekly steps, as analysis/plot.py's
/// HEATMAP_WINDOW, so that the summary and the segment heatmap give the same shares.
constexpr std::size_t kSegmentWindow = 13;

std::int64_t int_attr(const Hdf5Reader& r, const std::string& name) {
  const AttrValue v = r.attribute(name);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  return 0;
}

/// The last row of a [T, F] series.
std::vector<double> last_row(const Hdf5Reader& r, const std::string& path, std::size_t firms) {
  const Table t = r.table(path);
  if (t.shape.size() != 2 || t.shape[1] != firms)
    throw InputError(fmt::format("{} has an unexpected shape", path));
  if (t.shape[0] == 0) return std::vector<double>(firms, 0.0);
  return {t.values.end() - static_cast<std::ptrdiff_t>(firms), t.values.end()};
}

/// Column sums of a [T, F] series over every recorded step.
std::vector<double> column_sums(const Hdf5Reader& r, const std::string& path, std::size_t firms) {
  const Table t = r.table(path);
  std::vector<double> sums(firms, 0.0);
  for (std::size_t k = 0; k < t.values.size(); ++k) sums[k % firms] += t.values[k];
  return sums;
}

/// For each firm: every category it sold in is durable (false when it sold nothing, or when the
/// file has no by-category units).
std::vector<bool> sells_only_durables(const Hdf5Reader& r, std::size_t firms) {
  std::vector<bool> out(firms, false);
  if (!r.exists("/market/by_category/units") || !r.exists("/categories/kind")) return out;
  const auto kinds = r.strings("/categories/kind");
  const Table t = r.table("/market/by_category/units");  // [T, C, F]
  const std::size_t cells = kinds.size() * firms;
  if (t.shape.size() != 3 || t.shape[1] != kinds.size() || t.shape[2] != firms) return out;
  std::vector<double> sold(cells, 0.0);
  for (std::size_t k = 0; k < t.values.size(); ++k) sold[k % cells] += t.values[k];
  for (std::size_t j = 0; j < firms; ++j) {
    bool any = false, consumable = false;
    for (std::size_t c = 0; c < kinds.size(); ++c)
      if (sold[c * firms + j] > 0) {
        any = true;
        consumable = consumable || kinds[c] != "durable";
      }
    out[j] = any && !consumable;
  }
  return out;
}

/// Sums over the durable categories of a [T, C, F] series: per firm, over every recorded step
/// (`last_only` false) or at the last step.
std::vector<double> durable_sums(const Hdf5Reader& r, const std::string& path,
                                 const std::vector<bool>& durable, std::size_t firms,
                                 bool last_only = false) {
  const Table t = r.table(path);
  const std::size_t cells = durable.size() * firms;
  if (t.shape.size() != 3 || t.shape[1] != durable.size() || t.shape[2] != firms)
    throw InputError(fmt::format("{} has an unexpected shape", path));
  std::vector<double> sums(firms, 0.0);
  const std::size_t from = last_only && t.shape[0] > 0 ? (t.shape[0] - 1) * cells : 0;
  for (std::size_t k = from; k < t.values.size(); ++k)
    if (durable[(k % cells) / firms]) sums[k % firms] += t.values[k];
  return sums;
}

/// The firms that the run's /scenario has offer a durable category (a firm without
/// `categories` sells every category); empty when /scenario cannot be read.
std::vector<std::string> scenario_durable_firms(const Hdf5Reader& r,
                                                const std::vector<std::string>& categories,
                                                const std::vector<bool>& durable) {
  std::vector<std::string> out;
  if (!r.exists("/scenario")) return out;
  try {
    const Config sc = Config::load_string(r.text("/scenario"), "/scenario");
    const auto firms = sc.find("firms");
    if (!firms || !firms->is_sequence()) return out;
    for (const Config& f : firms->items()) {
      const auto listed = f.find("categories");
      const std::vector<std::string> names = listed ? listed->as_strings() : categories;
      for (std::size_t c = 0; c < categories.size(); ++c)
        if (durable[c] && std::find(names.begin(), names.end(), categories[c]) != names.end()) {
          out.push_back(f.get_string("name", ""));
          break;
        }
    }
  } catch (const InputError&) {
    out.clear();
  }
  return out;
}

/// The durables table: totals over the run in the durable categories, the last step's installed
/// base, and loyalty (firm-wide). Only the firms that sell a durable: units in a durable category
/// during the run, a price for one, or one among their categories in /scenario.
void summarize_durables(const Hdf5Reader& r, const std::vector<std::string>& firms, Summary& s) {
  const std::size_t F = firms.size();
  const auto categories = r.strings("/categories/name");
  const auto kinds = r.strings("/categories/kind");
  std::vector<bool> durable(categories.size());
  for (std::size_t c = 0; c < categories.size(); ++c) durable[c] = kinds.at(c) == "durable";
  const auto sum = [&](const std::string& metric) {
    return durable_sums(r, "/market/by_category/" + metric, durable, F);
  };
  const auto units = sum("units"), failures = sum("failures"), early = sum("early_failures");
  const auto replacements = sum("replacements"), upgrades = sum("upgrades");
  const auto installed = durable_sums(r, "/market/by_category/installed_base", durable, F, true);
  const auto loyalty = last_row(r, "/market/loyalty", F);
  // Mean age at failure over the run: each step's and category's mean weighted by its failures.
  const Table age = r.table("/market/by_category/mean_failure_age");
  const Table failed = r.table("/market/by_category/failures");
  const std::size_t cells = categories.size() * F;
  std::vector<double> age_sum(F, 0.0);
  for (std::size_t k = 0; k < age.values.size() && k < failed.values.size(); ++k)
    if (durable[(k % cells) / F] && failed.values[k] > 0)
      age_sum[k % F] += age.values[k] * failed.values[k];
  const auto priced = durable_sums(r, "/market/by_category/price", durable, F);
  const auto offered = scenario_durable_firms(r, categories, durable);
  for (std::size_t j = 0; j < F; ++j)
    if (units[j] > 0 || priced[j] > 0 ||
        std::find(offered.begin(), offered.end(), firms[j]) != offered.end())
      s.durables.push_back({firms[j], units[j], failures[j], early[j],
                            failures[j] > 0 ? age_sum[j] / failures[j] : 0.0, replacements[j],
                            upgrades[j], installed[j], loyalty[j]});
  const auto saturation = last_row(r, "/market/saturation", categories.size());
  for (std::size_t c = 0; c < categories.size(); ++c)
    if (durable[c]) {
      s.durable_categories.push_back(categories[c]);
      s.saturation.push_back(saturation[c]);
    }
}

std::string percent(double x) {
  return fmt::format("{:.1f}%", 100.0 * x);
}

std::string money(double x) {
  const double a = std::abs(x);
  if (a >= 1e9) return fmt::format("{:.2f}B", x / 1e9);
  if (a >= 1e6) return fmt::format("{:.2f}M", x / 1e6);
  if (a >= 1e3) return fmt::format("{:.1f}k", x / 1e3);
  return fmt::format("{:.0f}", x);
}

std::string count(double x) {
  return std::abs(x) >= 1e4 ? money(x) : fmt::format("{:.0f}", x);
}

/// One shock of the resolved /scenario in plain words: "VarietyCo's budget x 0.7".
std::string shock_change(const Config& n) {
  const std::string kind = n.get_string("kind", ""), firm = n.get_string("firm", "");
  const bool times = n.has("multiply");
  const double v = times             ? n.get_double("multiply")
                   : n.has("set")    ? n.get_double("set")
                   : n.has("markup") ? n.get_double("markup")
                                     : n.get_double("fraction", 0.0);
  const auto to = [&](const std::string& amount) {
    return times ? fmt::format("x {:g}", v) : "set to " + amount;
  };
  std::string what;
  if (kind == "budget") {
    what = fmt::format("{}'s budget {}", firm, to(money(v) + " per year"));
  } else if (kind == "fixed_cost") {
    what = fmt::format("{}'s fixed cost {}", firm, to(money(v) + " per year"));
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

std::vector<ShockLine> scenario_shocks(const std::string& yaml, std::int64_t steps_per_year,
                                       const std::vector<std::string>& changes) {
  const Config sc = Config::load_string(yaml, "/scenario", changes);
  std::vector<ShockLine> lines;
  const auto shocks = sc.find("shocks");
  if (!shocks || !shocks->is_sequence()) return lines;
  for (const Config& n : shocks->items()) {
    ShockLine k;
    k.step = n.get_int("step", 0);
    k.when =
        steps_per_year == 52 ? fmt::format("week {}", k.step + 1) : fmt::format("step {}", k.step);
    const std::string name = n.get_string("name", "");
    k.named = !name.empty();
    k.label = k.named ? name : fmt::format("shocks.{}", lines.size());
    k.enabled = n.get_bool("enabled", true);
    k.change = shock_change(n);
    lines.push_back(std::move(k));
  }
  return lines;
}

namespace {

/// What the run's /scenario adds to the series: which firms have a referral program, and the
/// shocks that fired (and those that did not). A file without a readable /scenario adds nothing.
void read_scenario(const Hdf5Reader& r, Summary& s) {
  if (!r.exists("/scenario")) return;
  try {
    const std::string text = r.text("/scenario");
    Config sc = Config::load_string(text, "/scenario");
    // A run with a branch: block ran its shocks as the branch left them (a design point of a
    // branched experiment may switch one on): read them with the branch's changes applied.
    std::vector<std::string> changes;
    if (const auto set = sc.find("branch") ? sc.child("branch").find("set") : std::nullopt;
        set && set->is_map())
      for (const std::string& path : set->keys())
        if (path.rfind("shocks.", 0) == 0)
          changes.push_back(path + "=" + set->child(path).as_string());
    if (!changes.empty()) sc = Config::load_string(text, "/scenario", changes);
    if (const auto market = sc.find("market"); market && market->is_map()) {
      s.wom_window = market->get_int("wom_window", 0);
      s.discount_rate = market->get_double("discount_rate_per_year", -1.0);
    }
    if (const auto firms = sc.find("firms"); firms && firms->is_sequence())
      for (const Config& f : firms->items())
        for (auto& rel : s.relationships)
          if (rel.firm == f.get_string("name", ""))
            rel.referral_program = f.has("referral_program");
    sort_shocks(scenario_shocks(text, s.steps_per_year, changes), s.steps_done, s.shocks,
                s.shocks_not_applied);
  } catch (const InputError&) {
    s.shocks.clear();
    s.shocks_not_applied.clear();
  }
}

/// Whether the firm took part in the market (true for a firm the table does not know).
bool in_market(const Summary& s, const std::string& firm) {
  const auto row = std::find_if(s.rows.begin(), s.rows.end(),
                                [&](const SummaryRow& r) { return r.firm == firm; });
  return row == s.rows.end() || row->in_market;
}

/// The firms of the rows that pass `test`.
template <typename Rows, typename Test>
std::vector<std::string> firms_where(const Rows& rows, Test test) {
  std::vector<std::string> names;
  for (const auto& r : rows)
    if (test(r)) names.push_back(r.firm);
  return names;
}

/// "A", "A and B", "A, B and C".
std::string and_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t k = 0; k < names.size(); ++k)
    out += (k == 0 ? "" : k + 1 == names.size() ? " and " : ", ") + names[k];
  return out;
}

std::string format_relationships(const Summary& s) {
  const bool referral = std::any_of(s.relationships.begin(), s.relationships.end(),
                                    [](const RelationshipRow& r) { return r.referred > 0; });
  std::string out = "\nCustomer relationships:\n";
  out += fmt::format("{:<16} {:>9} {:>10} {:>9} {:>9} {:>10} {:>9} {:>9}", "firm", "share of",
                     "purchases", "active", "lost", "retention", "CLV", "programs");
  out += referral ? fmt::format(" {:>9} {:>10}\n", "referred", "referred") : "\n";
  out += fmt::format("{:<16} {:>9} {:>10} {:>9} {:>9} {:>10} {:>9} {:>9}", "", "wallet",
                     "per buyer", "customers", "customers", "per step", "", "cost");
  out += referral ? fmt::format(" {:>9} {:>10}\n", "customers", "retention") : "\n";
  const auto shown = [](bool defined, const std::string& text) {
    return defined ? text : std::string("n/a");
  };
  for (const RelationshipRow& r : s.relationships) {
    if (!in_market(s, r.firm)) {
      out += fmt::format("{:<16} not in market\n", r.firm);
      continue;
    }
    out += fmt::format("{:<16} {:>9} {:>10} {:>9} {:>9} {:>10} {:>9} {:>9}", r.firm,
                       shown(r.buyers, percent(r.share_of_wallet)),
                       shown(r.buyers, fmt::format("{:.1f}", r.purchases_per_buyer)),
                       count(r.active), shown(r.lost_defined(), count(r.lost)),
                       shown(r.retention_defined(), fmt::format("{:.2f}%", 100.0 * r.retention)),
                       shown(r.retention_defined(),
                             std::abs(r.clv) < 1e3 ? fmt::format("{:.2f}", r.clv) : money(r.clv)),
                       money(r.program_cost));
    if (referral && r.referral_program)
      out += fmt::format(" {:>9} {:>10}\n", count(r.referred),
                         shown(r.referred_retention_defined(),
                               fmt::format("{:.2f}%", 100.0 * r.referred_retention)));
    else
      out += "\n";
  }
  const std::string step = s.steps_per_year == 52 ? "week" : "step";
  out += fmt::format(
      "\nShare of wallet: the firm's revenue over everything its customers spent, in every "
      "category. Active customers bought within the word-of-mouth window{}; lost customers count "
      "lapses, each time a customer's last purchase falls out of that window. Retention is per "
      "{}. CLV = yearly margin per customer x r / (1 + i - r), r the yearly retention and i the "
      "yearly discount rate{}. Program cost: loyalty and referral rewards over the run.\n",
      s.wom_window > 0 ? fmt::format(" (the last {} {}s)", s.wom_window, step) : "", step,
      s.discount_rate >= 0 ? fmt::format(" ({})", percent(s.discount_rate)) : "");
  const auto durables = firms_where(s.relationships, [&](const RelationshipRow& r) {
    return in_market(s, r.firm) && r.durables_only;
  });
  if (!durables.empty())
    out += fmt::format(
        "Lost customers, retention and CLV are n/a for {}, which {} only durable goods: an owner "
        "counts as lost when the word-of-mouth window ends, because nobody rebuys a working "
        "product (the durables table has failures and replacements).\n",
        and_list(durables), durables.size() == 1 ? "sells" : "sell");
  const auto unseen = firms_where(s.relationships, [&](const RelationshipRow& r) {
    return in_market(s, r.firm) && r.buyers && !r.durables_only && std::isnan(r.retention);
  });
  if (!unseen.empty())
    out += fmt::format(
        "Retention and CLV are n/a for {}: no lapse can be seen yet. {}\n", and_list(unseen),
        s.wom_window > 0 && s.wom_window < kEveryPastCustomer
            ? fmt::format("A customer lapses {0} {1}s after its last purchase, so retention is "
                          "measured from {0} {1}s after a firm's first customer on (this run has "
                          "{2} {1}s).",
                          s.wom_window, step, s.steps_done)
            : fmt::format("Lapses are counted only with a word-of-mouth window under {} steps.",
                          kEveryPastCustomer));
  const auto none = firms_where(
      s.relationships, [&](const RelationshipRow& r) { return in_market(s, r.firm) && !r.buyers; });
  if (!none.empty())
    out += fmt::format("n/a for {}: nobody bought from {}.\n", and_list(none),
                       none.size() == 1 ? "it" : "them");
  if (referral && std::any_of(s.relationships.begin(), s.relationships.end(),
                              [](const RelationshipRow& r) { return !r.referral_program; }))
    out += "The referral columns are blank for firms without a referral program.\n";
  return out;
}

std::string format_durables(const Summary& s) {
  std::string out = fmt::format("\nDurable goods, over the run, in the durable {} ({}):\n",
                                s.durable_categories.size() == 1 ? "category" : "categories",
                                fmt::join(s.durable_categories, ", "));
  out += fmt::format("{:<16} {:>9} {:>9} {:>9} {:>10} {:>12} {:>9} {:>10} {:>8}\n", "firm",
                     "units", "failures", "early", "mean age", "replacement", "upgrades",
                     "installed", "loyalty");
  out += fmt::format("{:<16} {:>9} {:>9} {:>9} {:>10} {:>12} {:>9} {:>10} {:>8}\n", "", "", "",
                     "failures", "at failure", "share", "", "base", "");
  const char* age_unit = s.steps_per_year == 52 ? "week" : "step";
  for (const auto& d : s.durables) {
    if (!in_market(s, d.firm)) {
      out += fmt::format("{:<16} not in market\n", d.firm);
      continue;
    }
    const bool failed = d.failures > 0;
    out += fmt::format("{:<16} {:>9} {:>9} {:>9} {:>10} {:>12} {:>9} {:>10} {:>8.2f}\n", d.firm,
                       count(d.units), count(d.failures),
                       failed ? percent(d.early_failures / d.failures) : "n/a",
                       failed ? fmt::format("{:.0f} {}s", d.mean_failure_age, age_unit) : "n/a",
                       d.units > 0 ? percent(d.replacements / d.units) : "n/a", count(d.upgrades),
                       count(d.installed_base), d.loyalty);
  }
  for (std::size_t c = 0; c < s.durable_categories.size(); ++c)
    out += fmt::format("{}{}: {} of consumers own a working one",
                       c == 0 ? "\nOwnership at the end: " : "; ", s.durable_categories[c],
                       percent(s.saturation[c]));
  out += fmt::format(
      ".\nUnits, failures, replacements, upgrades and installed base count the durable "
      "categories only; firms that sell none are not listed. Early failures are those before the "
      "category's reference life; the mean age at failure is in {}s; the replacement share is "
      "the share of the firm's durable units bought to replace a failed product; installed base "
      "and loyalty are at the last step. Loyalty is to the firm in all its categories, from 0 "
      "(none) to 1 (the customers buy only from the firm).\n",
      age_unit);
  return out;
}

}  // namespace

void sort_shocks(const std::vector<ShockLine>& shocks, std::int64_t steps_done,
                 std::vector<std::string>& applied, std::vector<std::string>& not_applied) {
  for (const ShockLine& k : shocks) {
    if (!k.enabled)
      not_applied.push_back(k.label + " (disabled)");
    else if (k.step >= steps_done)
      not_applied.push_back(fmt::format("{} ({}, after the last step run)", k.label, k.when));
    else
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

std::string format_first_step(const Scenario& sc, const StepMetrics& first) {
  const std::size_t F = sc.firms.size();
  const bool weeks = sc.steps_per_year == 52;
  const char* step = weeks ? "week" : "step";
  std::string out = fmt::format(
      "# Firms in {0} 1 (checked on a small population): the budget per year{1} and a {0}'s "
      "share of it, what {0} 1 spent on marketing, and the prices.\n",
      step, sc.scale != 1.0 ? fmt::format(" at scale {:g}", sc.scale) : "");
  for (std::size_t j = 0; j < F; ++j) {
    const Firm& f = sc.firms[j];
    const double budget = f.budget_per_year * sc.scale;
    std::vector<std::string> prices;
    bool sells = false;
    for (int c : f.categories) {
      const double p = first.price.by_category.at(static_cast<std::size_t>(c) * F + j);
      sells = sells || p > 0;
      prices.push_back(
          fmt::format("{} {:.2f}", sc.categories[static_cast<std::size_t>(c)].name, p));
    }
    const std::string budgeted =
        fmt::format("#   {} ({}): budget {} a year ({} a {})", f.name, f.strategy, money(budget),
                    money(budget / static_cast<double>(sc.steps_per_year)), step);
    if (sells)
      out += fmt::format("{}; spent {}; price {}\n", budgeted,
                         money(first.marketing_spend.firm.at(j)), fmt::join(prices, ", "));
    else  // it enters later (an `enter` shock), or has nothing to sell yet
      out += fmt::format("{}; not in the market in {} 1\n", budgeted, step);
  }
  return out;
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

Summary summarize_file(const std::string& path) {
  const Hdf5Reader r(path);
  if (!r.exists("/market/market_share") || !r.exists("/firms/name"))
    throw InputError(fmt::format("'{}' is not a marketsim run (no /market/market_share)", path));
  Summary s;
  const AttrValue name = r.attribute("scenario_name");
  if (const auto* n = std::get_if<std::string>(&name)) s.scenario = *n;
  if (r.has_attribute("overrides")) {
    const AttrValue changed = r.attribute("overrides");
    if (const auto* text = std::get_if<std::string>(&changed)) {
      std::size_t from = 0;
      while (from < text->size()) {
        const std::size_t end = std::min(text->find('\n', from), text->size());
        if (end > from) s.overrides.push_back(text->substr(from, end - from));
        from = end + 1;
      }
    }
  }
  s.consumers = int_attr(r, "consumers");
  if (r.has_attribute("scale")) {
    const AttrValue scale = r.attribute("scale");
    if (const auto* v = std::get_if<double>(&scale)) s.scale = *v;
  }
  s.steps = int_attr(r, "steps");
  s.steps_per_year = int_attr(r, "steps_per_year");
  s.complete = int_attr(r, "complete") == 1;
  const AttrValue wall = r.attribute("wall_seconds");
  if (const auto* w = std::get_if<double>(&wall)) s.wall_seconds = *w;
  s.steps_done = static_cast<std::int64_t>(r.table("/step").values.size());
  const auto firms = r.strings("/firms/name");
  const auto strategies = r.strings("/firms/strategy");
  const std::size_t F = firms.size();
  const auto share = last_row(r, "/market/market_share", F);
  const auto cshare = last_row(r, "/market/customer_share", F);
  const auto pen = last_row(r, "/market/penetration", F);
  const auto aware = last_row(r, "/market/awareness", F);
  const auto profit = last_row(r, "/market/cumulative_profit", F);
  const auto roi = last_row(r, "/market/roi", F);
  const auto units = column_sums(r, "/market/units", F);
  const auto spend = column_sums(r, "/market/marketing_spend", F);
  for (std::size_t j = 0; j < F; ++j)
    s.rows.push_back({firms[j], strategies[j], share[j], cshare[j], pen[j], aware[j], profit[j],
                      roi[j], units[j] > 0 || spend[j] > 0 || profit[j] != 0,
                      spend[j] >= kMinRoiSpend});
  if (r.exists("/market/share_of_wallet")) {
    const auto sow = last_row(r, "/market/share_of_wallet", F);
    const auto ppb = last_row(r, "/market/purchases_per_buyer", F);
    const auto active = last_row(r, "/market/active_customers", F);
    const auto lost = column_sums(r, "/market/lost_customers", F);
    const auto retention = last_row(r, "/market/retention", F);
    const auto clv = last_row(r, "/market/clv", F);
    const auto loyalty = column_sums(r, "/market/loyalty_cost", F);
    const auto referral = column_sums(r, "/market/referral_cost", F);
    const auto referred = last_row(r, "/market/referred_customers", F);
    const auto referred_retention = last_row(r, "/market/referred_retention", F);
    const auto durables_only = sells_only_durables(r, F);
    for (std::size_t j = 0; j < F; ++j)
      s.relationships.push_back({firms[j], sow[j], ppb[j], active[j], lost[j], retention[j], clv[j],
                                 loyalty[j] + referral[j], referred[j], referred_retention[j],
                                 units[j] > 0, durables_only[j]});
  }
  if (r.exists("/segments/units") && r.exists("/segments/name")) {
    const Table t = r.table("/segments/units");
    s.segments = r.strings("/segments/name");
    const std::size_t S = s.segments.size(), SF = S * F;
    if (t.shape.size() == 3 && t.shape[1] * t.shape[2] == SF && t.shape[0] > 0) {
      // Each firm's share of the units the segment bought over the window: sums of units, not a
      // mean of the weekly shares, which would count a week without purchases as 0% for all.
      const std::size_t window = std::min<std::size_t>(kSegmentWindow, t.shape[0]);
      s.segment_window = static_cast<std::int64_t>(window);
      s.segment_share.assign(SF, 0.0);
      for (std::size_t step = t.shape[0] - window; step < t.shape[0]; ++step)
        for (std::size_t k = 0; k < SF; ++k) s.segment_share[k] += t.values[step * SF + k];
      for (std::size_t g = 0; g < S; ++g) {
        double total = 0.0;
        for (std::size_t j = 0; j < F; ++j) total += s.segment_share[g * F + j];
        for (std::size_t j = 0; j < F; ++j)
          s.segment_share[g * F + j] = total > 0 ? s.segment_share[g * F + j] / total : 0.0;
      }
    } else {
      s.segments.clear();
    }
  }
  read_scenario(r, s);
  if (r.exists("/market/failures") && r.exists("/market/by_category/failures"))
    summarize_durables(r, firms, s);
  return s;
}

namespace {

/// Who leads on each key figure, among the firms in the market, in three sentences; two firms
/// within half a point of share, or 1% of profit, are "about level"; with one firm in the
/// market, that is all it says. analysis/summary.py words it the same way.
std::string format_reading(const std::vector<SummaryRow>& rows) {
  std::vector<const SummaryRow*> in;
  for (const auto& r : rows)
    if (r.in_market) in.push_back(&r);
  if (in.empty()) return "";
  if (in.size() == 1)
    return fmt::format("{} ({}) is the only firm in the market.\n", in[0]->firm, in[0]->strategy);
  const auto top_two = [&](auto key) {
    std::vector<const SummaryRow*> sorted = in;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [&](const SummaryRow* a, const SummaryRow* b) { return key(*a) > key(*b); });
    return std::pair{sorted[0], sorted[1]};
  };
  const auto named = [](const SummaryRow* r) {
    return fmt::format("{} ({})", r->firm, r->strategy);
  };
  const auto share = [&](auto key, const std::string& lead, const std::string& level) {
    const auto [a, b] = top_two(key);
    if (key(*a) - key(*b) < 0.005)
      return fmt::format(fmt::runtime(level), named(a), named(b), percent(key(*a)),
                         percent(key(*b)));
    return fmt::format(fmt::runtime(lead), named(a), percent(key(*a)));
  };
  std::string out =
      share([](const SummaryRow& r) { return r.market_share; },
            "In the last step, {} sold the most units: {} of the market.",
            "In the last step, {} and {} sold about as many units: {} and {} of the market.") +
      " " +
      share([](const SummaryRow& r) { return r.customer_share; },
            "Among their own buyers, {} won the largest share of category purchases: {}.",
            "Among their own buyers, {} and {} won about the same share of category purchases: "
            "{} and {}.") +
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

/// Who sold the most in each segment over the last weeks, with its share of the units the segment
/// bought then, in one sentence, when there are two segments or more: "By segment, the largest
/// share of the units bought over the last 13 weeks: vegan, GreenScoop (niche) with 77.6%; ...".
/// Two firms within half a point are both named; a segment that bought nothing says so.
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
    else if (order.size() > 1 && share[order[0]] - share[order[1]] < 0.005)
      parts.push_back(fmt::format("{}, {} and {} level with {} and {}", s.segments[g],
                                  named(order[0]), named(order[1]), percent(share[order[0]]),
                                  percent(share[order[1]])));
    else
      parts.push_back(
          fmt::format("{}, {} with {}", s.segments[g], named(order[0]), percent(share[order[0]])));
  }
  const char* unit = s.steps_per_year == 52 ? "week" : "step";
  const std::string when = s.segment_window == 1
                               ? fmt::format("in the last {}", unit)
                               : fmt::format("over the last {} {}s", s.segment_window, unit);
  return fmt::format("By segment, the largest share of the units bought {}: {}.\n", when,
                     fmt::join(parts, "; "));
}

}  // namespace

std::string format_summary(const Summary& s) {
  std::string out =
      fmt::format("{}: {} consumers, {} of {} steps ({:.1f} years){}\n", s.scenario, s.consumers,
                  s.steps_done, s.steps, s.years(), s.complete ? "" : "  [INCOMPLETE RUN]");
  if (!s.overrides.empty())
    out += fmt::format("Changed from the scenario file with --set: {}\n",
                       fmt::join(s.overrides, ", "));
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
                             r.strategy, percent(r.market_share), percent(r.customer_share),
                             percent(r.penetration), percent(r.awareness), money(r.profit),
                             years > 0 ? money(r.profit / years) : std::string("-"),
                             r.roi_defined ? fmt::format("{:.2f}", r.roi) : "n/a")
               : fmt::format(
                     "{:<16} {:<15} not in market: sold nothing and spent nothing during "
                     "the run\n",
                     r.firm, r.strategy);
  if (!s.rows.empty()) {
    out += '\n';
    out += format_reading(s.rows);
    out += format_segment_leaders(s);
    out +=
        "Market share is the last step's unit share; customer share and penetration count every "
        "purchase since the start. ROI is the cumulative profit per unit of marketing money "
        "spent: the whole business's profit, not only what the marketing added, so it is large "
        "where marketing is a small part of the costs (to measure what the marketing added, "
        "compare runs with another budget, as an experiment's \"change vs 0\" does).\n";
    const auto no_roi =
        firms_where(s.rows, [](const SummaryRow& r) { return r.in_market && !r.roi_defined; });
    if (!no_roi.empty())
      out +=
          fmt::format("ROI is n/a for {}: with no marketing spend (under 0.01) it is undefined.\n",
                      and_list(no_roi));
  }
  out += format_shocks(s.shocks, s.shocks_not_applied);
  if (!s.relationships.empty()) out += format_relationships(s);
  if (!s.durables.empty()) out += format_durables(s);
  return out;
}

}  // namespace msim
