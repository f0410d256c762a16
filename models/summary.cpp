#include "models/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <variant>

#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"

namespace msim {
namespace {

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

/// The durables table: totals over the run, and the last step's installed base and loyalty.
void summarize_durables(const Hdf5Reader& r, const std::vector<std::string>& firms, Summary& s) {
  const std::size_t F = firms.size();
  const auto units = column_sums(r, "/market/units", F);
  const auto failures = column_sums(r, "/market/failures", F);
  const auto early = column_sums(r, "/market/early_failures", F);
  const auto replacements = column_sums(r, "/market/replacements", F);
  const auto upgrades = column_sums(r, "/market/upgrades", F);
  const auto installed = last_row(r, "/market/installed_base", F);
  const auto loyalty = last_row(r, "/market/loyalty", F);
  // Mean age at failure over the run: each step's mean weighted by its failures.
  const Table age = r.table("/market/mean_failure_age"), failed = r.table("/market/failures");
  std::vector<double> age_sum(F, 0.0);
  for (std::size_t k = 0; k < age.values.size(); ++k)
    age_sum[k % F] += age.values[k] * failed.values[k];
  for (std::size_t j = 0; j < F; ++j)
    s.durables.push_back({firms[j], units[j], failures[j], early[j],
                          failures[j] > 0 ? age_sum[j] / failures[j] : 0.0, replacements[j],
                          upgrades[j], installed[j], loyalty[j]});
  const auto categories = r.strings("/categories/name");
  const auto kinds = r.strings("/categories/kind");
  const auto saturation = last_row(r, "/market/saturation", categories.size());
  for (std::size_t c = 0; c < categories.size(); ++c)
    if (kinds[c] == "durable") {
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
  for (const auto& r : s.relationships) {
    out += fmt::format("{:<16} {:>9} {:>10.1f} {:>9} {:>9} {:>10} {:>9} {:>9}", r.firm,
                       percent(r.share_of_wallet), r.purchases_per_buyer, count(r.active),
                       count(r.lost), fmt::format("{:.2f}%", 100.0 * r.retention),
                       std::abs(r.clv) < 1e3 ? fmt::format("{:.2f}", r.clv) : money(r.clv),
                       money(r.program_cost));
    out += referral ? fmt::format(" {:>9} {:>10}\n", count(r.referred),
                                  fmt::format("{:.2f}%", 100.0 * r.referred_retention))
                    : "\n";
  }
  out += "\nShare of wallet: the firm's revenue over everything its customers spent, in every "
         "category. Active customers bought within the word-of-mouth window; lost ones lapsed "
         "during the run. CLV = yearly margin per customer x r / (1 + i - r), r the yearly "
         "retention. Program cost: loyalty and referral rewards over the run.\n";
  return out;
}

std::string format_durables(const Summary& s) {
  std::string out = "\nDurable goods, over the run:\n";
  out += fmt::format("{:<16} {:>9} {:>9} {:>9} {:>10} {:>12} {:>9} {:>10} {:>8}\n", "firm",
                     "units", "failures", "early", "mean age", "replacement", "upgrades",
                     "installed", "loyalty");
  out += fmt::format("{:<16} {:>9} {:>9} {:>9} {:>10} {:>12} {:>9} {:>10} {:>8}\n", "", "", "",
                     "failures", "at failure", "share", "", "base", "");
  for (const auto& d : s.durables)
    out += fmt::format("{:<16} {:>9} {:>9} {:>9} {:>10} {:>12} {:>9} {:>10} {:>8.2f}\n", d.firm,
                       count(d.units), count(d.failures),
                       percent(d.failures > 0 ? d.early_failures / d.failures : 0.0),
                       d.failures > 0 ? fmt::format("{:.0f} steps", d.mean_failure_age) : "-",
                       percent(d.units > 0 ? d.replacements / d.units : 0.0), count(d.upgrades),
                       count(d.installed_base), d.loyalty);
  for (std::size_t c = 0; c < s.durable_categories.size(); ++c)
    out += fmt::format("{}{}: {} of consumers own a working one", c == 0 ? "\nOwnership at the end: " : "; ",
                       s.durable_categories[c], percent(s.saturation[c]));
  out += ".\nEarly failures are those before the category's reference life; the replacement share "
         "is the share of units bought to replace a failed product; installed base and loyalty "
         "are at the last step.\n";
  return out;
}

}  // namespace

Summary summarize_file(const std::string& path) {
  const Hdf5Reader r(path);
  if (!r.exists("/market/market_share") || !r.exists("/firms/name"))
    throw InputError(fmt::format("'{}' is not a marketsim run (no /market/market_share)", path));
  Summary s;
  const AttrValue name = r.attribute("scenario_name");
  if (const auto* n = std::get_if<std::string>(&name)) s.scenario = *n;
  s.consumers = int_attr(r, "consumers");
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
  for (std::size_t j = 0; j < F; ++j)
    s.rows.push_back(
        {firms[j], strategies[j], share[j], cshare[j], pen[j], aware[j], profit[j], roi[j]});
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
    for (std::size_t j = 0; j < F; ++j)
      s.relationships.push_back({firms[j], sow[j], ppb[j], active[j], lost[j], retention[j],
                                 clv[j], loyalty[j] + referral[j], referred[j],
                                 referred_retention[j]});
  }
  if (r.exists("/market/failures")) summarize_durables(r, firms, s);
  return s;
}

std::string format_summary(const Summary& s) {
  std::string out = fmt::format("{}: {} consumers, {} of {} steps ({:.1f} years){}\n\n", s.scenario,
                                s.consumers, s.steps_done, s.steps,
                                s.steps_per_year > 0 ? static_cast<double>(s.steps_done) /
                                                           static_cast<double>(s.steps_per_year)
                                                     : 0.0,
                                s.complete ? "" : "  [INCOMPLETE RUN]");
  // Planners think in years: cumulative profit over the years simulated so far.
  const double years = s.steps_per_year > 0 ? static_cast<double>(s.steps_done) /
                                                  static_cast<double>(s.steps_per_year)
                                            : 0.0;
  out += fmt::format("{:<16} {:<15} {:>8} {:>9} {:>11} {:>9} {:>10} {:>10} {:>7}\n", "firm",
                     "strategy", "market", "customer", "penetration", "awareness", "profit",
                     "profit", "ROI");
  out += fmt::format("{:<16} {:<15} {:>8} {:>9} {:>11} {:>9} {:>10} {:>10} {:>7}\n", "", "",
                     "share", "share", "", "", "(cumul.)", "per year", "");
  for (const auto& r : s.rows)
    out += fmt::format("{:<16} {:<15} {:>8} {:>9} {:>11} {:>9} {:>10} {:>10} {:>7.2f}\n", r.firm,
                       r.strategy, percent(r.market_share), percent(r.customer_share),
                       percent(r.penetration), percent(r.awareness), money(r.profit),
                       years > 0 ? money(r.profit / years) : std::string("-"), r.roi);
  if (!s.rows.empty()) {
    const auto by = [&](auto key) {
      return *std::max_element(s.rows.begin(), s.rows.end(),
                               [&](const auto& a, const auto& b) { return key(a) < key(b); });
    };
    const auto& ms = by([](const SummaryRow& r) { return r.market_share; });
    const auto& cs = by([](const SummaryRow& r) { return r.customer_share; });
    const auto& pr = by([](const SummaryRow& r) { return r.profit; });
    out += fmt::format(
        "\nIn the last step, {} ({}) sold the most units: {} of the market. Among their own "
        "buyers, {} ({}) won the largest share of category purchases: {}.\n"
        "Over the run, {} ({}) earned the most: {}.\n"
        "Market share is the last step's unit share; customer share and penetration count every "
        "purchase since the start.\n",
        ms.firm, ms.strategy, percent(ms.market_share), cs.firm, cs.strategy,
        percent(cs.customer_share), pr.firm, pr.strategy, money(pr.profit));
  }
  if (!s.relationships.empty()) out += format_relationships(s);
  if (!s.durables.empty()) out += format_durables(s);
  return out;
}

}  // namespace msim
