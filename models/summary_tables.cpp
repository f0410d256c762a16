// The summary's customer-relationship and durable-goods tables, each with its notes.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "models/limits.hpp"
#include "models/summary.hpp"
#include "models/summary_text.hpp"

namespace msim {
namespace {

/// Whether the firm took part in the market (true for a firm the table does not know).
bool in_market(const Summary& s, const std::string& firm) {
  const auto row = std::find_if(s.rows.begin(), s.rows.end(),
                                [&](const SummaryRow& r) { return r.firm == firm; });
  return row == s.rows.end() || row->in_market;
}

/// Whether anybody bought from `firm` (else its loyalty, a mean over its customers, is
/// undefined: the file's 0 is printed n/a).
bool bought_from(const Summary& s, const std::string& firm) {
  const auto row = std::find_if(s.rows.begin(), s.rows.end(),
                                [&](const SummaryRow& r) { return r.firm == firm; });
  return row == s.rows.end() || row->sold;
}

}  // namespace

namespace summary_text {

std::string format_relationships(const Summary& s) {
  // The referral columns where a firm's referral program brought customers in (a block that
  // multiplies by 1 and pays nothing still tags them: "programs off" has no columns).
  const bool referral =
      std::any_of(s.relationships.begin(), s.relationships.end(),
                  [](const RelationshipRow& r) { return r.referred > 0 && r.referral_program; });
  const std::string step = period_word(s.steps_per_year);
  // Retention is per the run's period ("per week"); its column is wide enough for any period's
  // ("per quarter").
  const std::string per = "per " + step;
  const std::size_t wide = std::max<std::size_t>(10, per.size());
  std::string out = "\nCustomer relationships:\n";
  out += fmt::format("{:<16} {:>9} {:>10} {:>9} {:>9} {:>{}} {:>9} {:>9}", "firm", "share of",
                     "purchases", "active", "lost", "retention", wide, "CLV", "programs");
  out += referral ? fmt::format(" {:>9} {:>10}\n", "referred", "referred") : "\n";
  out += fmt::format("{:<16} {:>9} {:>10} {:>9} {:>9} {:>{}} {:>9} {:>9}", "", "wallet",
                     "per buyer", "customers", "customers", per, wide, "", "cost");
  out += referral ? fmt::format(" {:>9} {:>10}\n", "customers", "retention") : "\n";
  const auto shown = [](bool defined, const std::string& text) {
    return defined ? text : std::string("n/a");
  };
  for (const RelationshipRow& r : s.relationships) {
    if (!in_market(s, r.firm)) {
      out += fmt::format("{:<16} not in market\n", r.firm);
      continue;
    }
    out +=
        fmt::format("{:<16} {:>9} {:>10} {:>9} {:>9} {:>{}} {:>9} {:>9}", r.firm,
                    shown(r.buyers, percent(r.share_of_wallet)),
                    shown(r.buyers, fmt::format("{:.1f}", r.purchases_per_buyer)), count(r.active),
                    shown(r.lost_defined(), count(r.lost)),
                    shown(r.retention_defined(), fmt::format("{:.2f}%", 100.0 * r.retention)), wide,
                    shown(r.retention_defined() && !std::isnan(r.clv),
                          std::abs(r.clv) < 1e3 ? fmt::format("{:.2f}", r.clv) : money(r.clv)),
                    money(r.program_cost));
    if (referral && r.referral_program)
      out += fmt::format(" {:>9} {:>10}\n", count(r.referred),
                         shown(r.referred_retention_defined(),
                               fmt::format("{:.2f}%", 100.0 * r.referred_retention)));
    else
      out += "\n";
  }
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
        "counts as lost when the word-of-mouth window ends, because a working product is not "
        "bought again until it fails or is upgraded (the durables table has failures, "
        "replacements and upgrades).\n",
        and_list(durables), durables.size() == 1 ? "sells" : "sell");
  const auto endless = firms_where(s.relationships, [&](const RelationshipRow& r) {
    return in_market(s, r.firm) && r.retention_defined() && std::isnan(r.clv);
  });
  if (!endless.empty())
    out += fmt::format(
        "CLV is n/a for {}: with no customer lost (r = 1) and no discounting (i = 0), the margin "
        "would flow for ever.\n",
        and_list(endless));
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
            : fmt::format("Lapses are counted only with a word-of-mouth window under {} {}s.",
                          kEveryPastCustomer, step));
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
  // The mean age at failure in the run's period ("40 quarters"); its column is as wide as its
  // widest age, so that a long period's word does not push the columns after it out of line.
  const std::string age_unit = period_word(s.steps_per_year);
  std::vector<std::string> ages;
  std::size_t wide = 10;  // "at failure"
  for (const auto& d : s.durables) {
    ages.push_back(d.failures > 0 ? fmt::format("{:.0f} {}s", d.mean_failure_age, age_unit)
                                  : "n/a");
    if (in_market(s, d.firm)) wide = std::max(wide, ages.back().size());
  }
  out += fmt::format("{:<16} {:>9} {:>9} {:>9} {:>{}} {:>12} {:>9} {:>10} {:>8}\n", "firm", "units",
                     "failures", "early", "mean age", wide, "replacement", "upgrades", "installed",
                     "loyalty");
  out += fmt::format("{:<16} {:>9} {:>9} {:>9} {:>{}} {:>12} {:>9} {:>10} {:>8}\n", "", "", "",
                     "failures", "at failure", wide, "share", "", "base", "");
  for (std::size_t k = 0; k < s.durables.size(); ++k) {
    const DurablesRow& d = s.durables[k];
    if (!in_market(s, d.firm)) {
      out += fmt::format("{:<16} not in market\n", d.firm);
      continue;
    }
    out +=
        fmt::format("{:<16} {:>9} {:>9} {:>9} {:>{}} {:>12} {:>9} {:>10} {:>8}\n", d.firm,
                    count(d.units), count(d.failures),
                    d.failures_judged > 0 ? percent(d.early_judged / d.failures_judged) : "n/a",
                    ages[k], wide, d.units > 0 ? percent(d.replacements / d.units) : "n/a",
                    count(d.upgrades), count(d.installed_base),
                    bought_from(s, d.firm) ? fmt::format("{:.2f}", d.loyalty) : std::string("n/a"));
  }
  for (std::size_t c = 0; c < s.durable_categories.size(); ++c)
    out += fmt::format("{}{}: {} of consumers own a working one",
                       c == 0 ? "\nOwnership at the end: " : "; ", s.durable_categories[c],
                       percent(s.saturation[c]));
  // Where the early share is counted from: one step for every durable category, or each
  // category's own where their reference lives differ.
  const auto& froms = s.early_from_by_category;
  std::string counted =
      s.early_from > 0
          ? fmt::format(
                "from {} on (before it no product can have reached the reference life, "
                "so every failure would be early{})",
                period_point(s.steps_per_year, s.early_from),
                s.early_from >= s.steps_done ? ": this run ends before it" : "")
          : std::string("over the run");
  if (std::adjacent_find(froms.begin(), froms.end(), std::not_equal_to<>()) != froms.end()) {
    std::vector<std::string> each;
    for (std::size_t c = 0; c < froms.size() && c < s.durable_categories.size(); ++c)
      each.push_back(froms[c] <= 0
                         ? fmt::format("in {} over the run", s.durable_categories[c])
                         : fmt::format("in {} from {} on{}", s.durable_categories[c],
                                       period_point(s.steps_per_year, froms[c]),
                                       froms[c] >= s.steps_done ? " (after this run's end)" : ""));
    counted = fmt::format(
        "{} (before it no product of the category can have reached its reference life, so "
        "every failure would be early)",
        fmt::join(each, ", "));
  }
  out += fmt::format(
      ".\nUnits, failures, replacements, upgrades and installed base count the durable "
      "categories only; firms that sell none are not listed. Early failures are those before the "
      "category's reference life, as a share of the failures {}; the mean age at failure is in "
      "{}s. Both depend on when the products were bought as well as on how long they last: a "
      "product bought late in the run can only fail young, so with the same durability a firm "
      "whose sales came later shows more early failures and a lower mean age at failure. The "
      "replacement share is the share of the firm's durable units bought to replace a "
      "failed product; installed base and loyalty are the last {}'s. Loyalty is to the firm in "
      "all its categories, from 0 (none) to 1 (the customers buy only from the firm).\n",
      counted, age_unit, age_unit);
  return out;
}

}  // namespace summary_text
}  // namespace msim
