// Reading a run's HDF5 file into a Summary: the last step's figures, totals over the run, the
// segment leaders' shares, the durables and what the run's /scenario adds (summarize_file).
#include "models/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <variant>

#include "models/experiment.hpp"
#include "models/metrics.hpp"
#include "models/shocks.hpp"
#include "sim/config.hpp"
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

/// The reference life of each of `categories` in the run's /scenario, NaN where it gives none
/// or cannot be read.
std::vector<double> reference_lives(const Hdf5Reader& r,
                                    const std::vector<std::string>& categories) {
  std::vector<double> lives(categories.size(), std::nan(""));
  if (!r.exists("/scenario")) return lives;
  try {
    const Config sc = Config::load_string(r.text("/scenario"), "/scenario");
    const auto listed = sc.find("categories");
    if (!listed || !listed->is_sequence()) return lives;
    for (const Config& c : listed->items()) {
      const auto at = std::find(categories.begin(), categories.end(), c.get_string("name", ""));
      if (at != categories.end() && c.get_string("kind", "") == "durable" &&
          c.has("reference_life"))
        lives[static_cast<std::size_t>(at - categories.begin())] = c.get_double("reference_life");
    }
  } catch (const InputError&) {
    std::fill(lives.begin(), lives.end(), std::nan(""));
  }
  return lives;
}

/// Summary::early_from_by_category and early_from, and each firm's failures and early failures
/// in each durable category from that category's step on.
void judge_early_failures(const Hdf5Reader& r, const std::vector<std::string>& categories,
                          const std::vector<bool>& durable, std::size_t F, Summary& s,
                          std::vector<double>& failures, std::vector<double>& early) {
  const Table fail = r.table("/market/by_category/failures");
  const Table soon = r.table("/market/by_category/early_failures");
  const std::size_t C = durable.size(), cells = C * F;
  const std::size_t steps = cells > 0 ? fail.values.size() / cells : 0;
  const std::vector<double> lives = reference_lives(r, categories);
  std::vector<std::size_t> from(C, steps);
  for (std::size_t c = 0; c < C; ++c) {
    if (!durable[c]) continue;
    // ceil(R) even past the run's end, which the summary then says the run ends before.
    if (std::isfinite(lives[c])) from[c] = static_cast<std::size_t>(std::ceil(lives[c]));
    for (std::size_t t = 0; t < std::min(from[c], steps); ++t)
      for (std::size_t j = 0; j < F; ++j) {
        const std::size_t k = t * cells + c * F + j;
        if (k < soon.values.size() && fail.values[k] - soon.values[k] > 0) from[c] = t;
      }
    if (!std::isfinite(lives[c]) && from[c] == steps) from[c] = 0;  // nothing tells: all count
  }
  s.early_from_by_category.clear();
  for (std::size_t c = 0; c < C; ++c)
    if (durable[c]) s.early_from_by_category.push_back(static_cast<std::int64_t>(from[c]));
  s.early_from =
      s.early_from_by_category.empty()
          ? 0
          : *std::min_element(s.early_from_by_category.begin(), s.early_from_by_category.end());
  failures.assign(F, 0.0);
  early.assign(F, 0.0);
  for (std::size_t k = 0; k < fail.values.size() && k < soon.values.size(); ++k) {
    const std::size_t c = (k % cells) / F;
    if (durable[c] && k / cells >= from[c]) {
      failures[k % F] += fail.values[k];
      early[k % F] += soon.values[k];
    }
  }
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
  std::vector<double> failures_judged, early_judged;
  judge_early_failures(r, categories, durable, F, s, failures_judged, early_judged);
  for (std::size_t j = 0; j < F; ++j)
    if (units[j] > 0 || priced[j] > 0 ||
        std::find(offered.begin(), offered.end(), firms[j]) != offered.end())
      s.durables.push_back({firms[j], units[j], failures[j], early[j],
                            failures[j] > 0 ? age_sum[j] / failures[j] : 0.0, replacements[j],
                            upgrades[j], installed[j], loyalty[j], failures_judged[j],
                            early_judged[j]});
  const auto saturation = last_row(r, "/market/saturation", categories.size());
  for (std::size_t c = 0; c < categories.size(); ++c)
    if (durable[c]) {
      s.durable_categories.push_back(categories[c]);
      s.saturation.push_back(saturation[c]);
    }
}

/// SummaryRow::in_market from the scenario's entries and exits, as the run applied them
/// (in_market_in_run): whatever a firm sold or spent (a firm with no budget that nobody heard of
/// still was in the market).
void mark_present(const Config& sc, Summary& s) {
  std::vector<Shock> moves;  // the entries and exits, by the firm's place in the summary's rows
  if (const auto shocks = sc.find("shocks"); shocks && shocks->is_sequence())
    for (const Config& k : shocks->items()) {
      const std::string kind = k.get_string("kind", "");
      if (kind != "enter" && kind != "exit") continue;
      Shock move;
      move.kind = kind == "enter" ? ShockKind::enter : ShockKind::exit;
      move.enabled = k.get_bool("enabled", true);
      move.step = k.get_int("step", 0);
      const std::string firm = k.get_string("firm", "");
      for (std::size_t j = 0; j < s.rows.size(); ++j)
        if (s.rows[j].firm == firm) move.firm = static_cast<int>(j);
      moves.push_back(move);
    }
  for (std::size_t j = 0; j < s.rows.size(); ++j)
    s.rows[j].in_market = in_market_in_run(moves, static_cast<int>(j), s.steps_done);
}

/// Whether firm entry `f` of a scenario has a referral program: a `referral_program` block that
/// multiplies word of mouth or pays a reward. One that does neither is no program ("programs
/// off").
bool referral_program(const Config& f) {
  const auto program = f.find("referral_program");
  return program && (program->get_double("multiplier", 2.0) != 1.0 ||
                     program->get_double("reward", 1.0) != 0.0);
}

/// What the run's /scenario adds to the series: which firms have a referral program, and the
/// shocks that fired (and those that did not). A file without a readable /scenario adds nothing.
void read_scenario(const Hdf5Reader& r, Summary& s) {
  if (!r.exists("/scenario")) return;
  try {
    const std::string text = r.text("/scenario");
    const Config trunk = Config::load_string(text, "/scenario");
    // A run with a branch: block ran as the branch left it from its step on (a design point of
    // a branched experiment may switch a shock or a firm's program on): read it with the
    // branch's changes applied too.
    std::vector<std::string> changes;
    if (const auto set = trunk.find("branch") ? trunk.child("branch").find("set") : std::nullopt;
        set && set->is_map())
      for (const std::string& path : set->keys())
        changes.push_back(path + "=" + set->child(path).as_string());
    const Config sc = changes.empty() ? trunk : Config::load_string(text, "/scenario", changes);
    if (!changes.empty()) {
      s.branch_step = trunk.child("branch").get_int("step", 0);
      s.branch_changes = changes;
    }
    if (const auto market = sc.find("market"); market && market->is_map()) {
      s.wom_window = market->get_int("wom_window", 0);
      s.discount_rate = market->get_double("discount_rate_per_year", -1.0);
    }
    // A firm has a referral program when it has one before the branch or after it.
    for (auto& rel : s.relationships) {
      const auto entry = [&](const Config& version) -> std::optional<Config> {
        if (const auto firms = version.find("firms"); firms && firms->is_sequence())
          for (const Config& f : firms->items())
            if (f.get_string("name", "") == rel.firm) return f;
        return std::nullopt;
      };
      const auto before = entry(trunk), after = entry(sc);
      if (before || after)
        rel.referral_program =
            (before && referral_program(*before)) || (after && referral_program(*after));
    }
    mark_present(sc, s);
    sort_shocks(scenario_shocks(text, s.steps_per_year, changes), s.steps_done, s.shocks,
                s.shocks_not_applied);
  } catch (const InputError&) {
    s.shocks.clear();
    s.shocks_not_applied.clear();
  }
}

}  // namespace

std::vector<std::string> recorded_overrides(const Hdf5Reader& r) {
  std::vector<std::string> out;
  if (!r.has_attribute("overrides")) return out;
  const AttrValue changed = r.attribute("overrides");
  if (const auto* text = std::get_if<std::string>(&changed)) {
    std::size_t from = 0;
    while (from < text->size()) {
      const std::size_t end = std::min(text->find('\n', from), text->size());
      if (end > from) out.push_back(text->substr(from, end - from));
      from = end + 1;
    }
  }
  return out;
}

Summary summarize_file(const std::string& path) {
  const Hdf5Reader r(path);
  if (!r.exists("/market/market_share") || !r.exists("/firms/name")) {
    if (const std::string unfinished = unfinished_experiment(path); !unfinished.empty())
      throw InputError(unfinished);
    throw InputError(fmt::format("'{}' is not a marketsim run (no /market/market_share)", path));
  }
  Summary s;
  const AttrValue name = r.attribute("scenario_name");
  if (const auto* n = std::get_if<std::string>(&name)) s.scenario = *n;
  s.overrides = recorded_overrides(r);
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
  if (!s.complete && s.steps_done == 0)  // its rows are empty: every figure would be made up
    throw InputError(fmt::format(
        "'{}' is the unfinished file of a run that was interrupted or failed before its first "
        "step finished (0 of {} steps, complete=0): it holds no results to summarize; run the "
        "scenario again (with --force, which replaces this file)",
        path, s.steps));
  const auto firms = r.strings("/firms/name");
  const auto strategies = r.strings("/firms/strategy");
  const std::size_t F = firms.size();
  const auto share = last_row(r, "/market/market_share", F);
  if (r.exists("/market/units")) {
    const auto sold = last_row(r, "/market/units", F);
    s.sold_last_step = std::any_of(sold.begin(), sold.end(), [](double u) { return u > 0; });
    for (const double u : sold) s.units_last_step += u;
  }
  const auto cshare = last_row(r, "/market/customer_share", F);
  const auto pen = last_row(r, "/market/penetration", F);
  const auto aware = last_row(r, "/market/awareness", F);
  const auto profit = last_row(r, "/market/cumulative_profit", F);
  const auto roi = last_row(r, "/market/roi", F);
  const auto units = column_sums(r, "/market/units", F);
  const auto spend = column_sums(r, "/market/marketing_spend", F);
  // The programs' rewards over the run (older files: none), and ROI's money: spend and rewards.
  std::vector<double> rewards(F, 0.0), roi_money = spend;
  for (const char* paid : {"/market/loyalty_cost", "/market/referral_cost"})
    if (r.exists(paid)) {
      const auto sums = column_sums(r, paid, F);
      for (std::size_t j = 0; j < F; ++j) rewards[j] += sums[j];
    }
  for (std::size_t j = 0; j < F; ++j) roi_money[j] += rewards[j];
  for (std::size_t j = 0; j < F; ++j)
    s.rows.push_back({firms[j], strategies[j], share[j], cshare[j], pen[j], aware[j], profit[j],
                      roi[j], units[j] > 0 || spend[j] > 0 || profit[j] != 0,
                      roi_money[j] >= kMinRoiSpend, units[j] > 0});
  if (r.exists("/market/share_of_wallet")) {
    const auto sow = last_row(r, "/market/share_of_wallet", F);
    const auto ppb = last_row(r, "/market/purchases_per_buyer", F);
    const auto active = last_row(r, "/market/active_customers", F);
    const auto lost = column_sums(r, "/market/lost_customers", F);
    const auto retention = last_row(r, "/market/retention", F);
    const auto clv = last_row(r, "/market/clv", F);
    const auto referred = last_row(r, "/market/referred_customers", F);
    const auto referred_retention = last_row(r, "/market/referred_retention", F);
    const auto durables_only = sells_only_durables(r, F);
    for (std::size_t j = 0; j < F; ++j)
      s.relationships.push_back({firms[j], sow[j], ppb[j], active[j], lost[j], retention[j], clv[j],
                                 rewards[j], referred[j], referred_retention[j], units[j] > 0,
                                 durables_only[j]});
  }
  if (r.exists("/segments/units") && r.exists("/segments/name")) {
    const Table t = r.table("/segments/units");
    s.segments = r.strings("/segments/name");
    const std::size_t S = s.segments.size(), SF = S * F;
    if (t.shape.size() == 3 && t.shape[1] * t.shape[2] == SF && t.shape[0] > 0) {
      // Each firm's share of the units the segment bought over the window: sums of units, not a
      // mean of the weekly shares, which would count a week without purchases as 0% for all.
      const auto window =
          std::min(static_cast<std::size_t>(segment_window(s.steps_per_year)), t.shape[0]);
      s.segment_window = static_cast<std::int64_t>(window);
      s.segment_share.assign(SF, 0.0);
      for (std::size_t step = t.shape[0] - window; step < t.shape[0]; ++step)
        for (std::size_t k = 0; k < SF; ++k) s.segment_share[k] += t.values[step * SF + k];
      s.segment_units.assign(S, 0.0);
      for (std::size_t g = 0; g < S; ++g) {
        double& total = s.segment_units[g];
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

}  // namespace msim
