#include "models/year_table.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "models/experiment_report.hpp"
#include "models/summary.hpp"
#include "sim/hdf5_file.hpp"

namespace msim {
namespace {

/// A /market/<metric> [T, F] series, or zeros when the file predates it.
std::vector<double> series(const Hdf5Reader& in, const std::string& metric, std::size_t cells) {
  const std::string path = "/market/" + metric;
  if (!in.exists(path)) return std::vector<double>(cells, 0.0);
  std::vector<double> v = in.table(path).values;
  v.resize(cells, 0.0);  // a killed run may lack its last row somewhere
  return v;
}

/// Money to the cent: a sum of a year's steps carries the last bits of its additions
/// (1499999.9999999993 for 1.5 M), which a spreadsheet would show.
std::string money(double v) {
  return csv_number(std::round(v * 100.0) / 100.0 + 0.0);
}

/// Whether years.csv counts a year's steps in `period` as well: not in steps, and not in years.
bool counted_period(const std::string& period) {
  return period != "step" && period != "year";
}

/// Whole cents (running_cents()) as money.
std::string from_cents(double cents) {
  return csv_number(cents / 100.0 + 0.0);
}

}  // namespace

std::vector<CsvColumn> year_columns(std::int64_t steps_per_year) {
  constexpr CsvCells kText = CsvCells::kAsText, kMoney = CsvCells::kMoney;
  std::vector<CsvColumn> c = {
      {"year", "year", "year of the run: 1 for its first steps_per_year steps", kText},
      {"from_step", "step", "the year's first step (counted from 0)", kText},
      {"to_step", "step", "the year's last step (counted from 0)", kText}};
  // The year's first and last step in the run's period, as the summaries count it (a year of
  // one-year steps has its number already).
  if (const std::string period = period_word(steps_per_year); counted_period(period))
    c.insert(c.end(), {{"from_" + period, period,
                        fmt::format("the year's first {} (counted from 1)", period), kText},
                       {"to_" + period, period,
                        fmt::format("the year's last {} (counted from 1)", period), kText}});
  c.insert(
      c.end(),
      {{"steps", "steps", "steps in the year: fewer than steps_per_year in a last, partial year",
        kText},
       {"firm", "name", "the firm", kText},
       {"units", "units", "units the firm sold in the year"},
       {"unit_share_fraction", "fraction",
        "the firm's units over all firms' units in the year; empty when nobody sold"},
       {"revenue", "money over the year", "the firm's sales revenue in the year", kMoney},
       {"value_share_fraction", "fraction",
        "the firm's revenue over all firms' revenue in the year; empty when nobody sold"},
       {"variable_cost", "money over the year",
        "the unit costs of the units the firm sold in the year (revenue - fixed_cost - "
        "marketing_spend - program_cost - profit: the file's "
        "/market/by_category/unit_cost x units, to the cent)",
        kMoney},
       {"fixed_cost", "money over the year",
        "the firm's fixed costs in the year: its own, its strategy's (variants, CRM) and its "
        "market research",
        kMoney},
       {"marketing_spend", "money over the year",
        "money spent on mass, targeted and direct media in the year", kMoney},
       {"program_cost", "money over the year", "loyalty and referral rewards paid in the year",
        kMoney},
       {"profit", "money over the year",
        "revenue - variable cost - fixed costs - marketing spend - program rewards in the year",
        kMoney},
       {"cumulative_profit", "money over the run",
        "profit summed from step 0 to the year's last step", kMoney},
       {"complete", "0 or 1",
        "1: the year has every step the scenario gives it; 0: the run was interrupted before "
        "the year's end, so its figures are for part of it",
        kText}});
  return c;
}

ExperimentTable year_table(const std::string& path, std::int64_t steps_per_year) {
  const Hdf5Reader in(path);
  const auto firms = in.strings("/firms/name");
  const std::size_t F = firms.size();
  std::size_t T = in.integers("/step").size();
  for (const char* metric : {"units", "revenue", "profit", "cumulative_profit"})
    T = std::min(T, in.table(std::string("/market/") + metric).shape.at(0));
  const std::size_t cells = T * F;
  const auto units = series(in, "units", cells);
  // A year's money is the sum of its steps as market.csv gives them (running_cents()), so that
  // a planner who adds up a year's rows gets the year's figure to the cent.
  const auto cents = [&](const char* metric) {
    return running_cents(series(in, metric, cells), F);
  };
  const auto revenue = cents("revenue"), marketing = cents("marketing_spend");
  const auto loyalty = cents("loyalty_cost"), referral = cents("referral_cost");
  const auto profit = cents("profit"), fixed = cents("fixed_cost");
  const auto cumulative = series(in, "cumulative_profit", cells);

  // The steps the scenario asked for, where the run was interrupted (a .partial file).
  const std::size_t asked = in.int_attribute("complete") == 1
                                ? T
                                : static_cast<std::size_t>(std::max<std::int64_t>(
                                      0, in.int_attribute("steps").value_or(0)));
  const bool counted = counted_period(period_word(steps_per_year));
  ExperimentTable t = csv_table(year_columns(steps_per_year));
  const auto per_year = static_cast<std::size_t>(steps_per_year);
  for (std::size_t from = 0; from < T; from += per_year) {
    const std::size_t to = std::min(T, from + per_year);  // one past the year's last step
    std::vector<double> u(F, 0.0);
    std::vector<double> rev(F, 0.0), fix(F, 0.0), spend(F, 0.0), programs(F, 0.0),
        prof(F, 0.0);  // cents
    double all_units = 0.0;
    double all_revenue = 0.0;
    for (std::size_t step = from; step < to; ++step)
      for (std::size_t j = 0; j < F; ++j) {
        const std::size_t k = step * F + j;
        u[j] += units[k];
        rev[j] += revenue[k];
        fix[j] += fixed[k];
        spend[j] += marketing[k];
        programs[j] += loyalty[k] + referral[k];
        prof[j] += profit[k];
        all_units += units[k];
        all_revenue += revenue[k];
      }
    for (std::size_t j = 0; j < F; ++j) {
      std::vector<std::string> row = {std::to_string(from / per_year + 1), std::to_string(from),
                                      std::to_string(to - 1)};
      if (counted) row.insert(row.end(), {std::to_string(from + 1), std::to_string(to)});
      row.insert(row.end(), {std::to_string(to - from), firms[j], csv_number(u[j]),
                             csv_number(u[j] / all_units, all_units > 0), from_cents(rev[j]),
                             csv_number(rev[j] / all_revenue, all_revenue > 0),
                             // What profit leaves of revenue: the row adds up to the cent.
                             from_cents(rev[j] - fix[j] - spend[j] - programs[j] - prof[j]),
                             from_cents(fix[j]), from_cents(spend[j]), from_cents(programs[j]),
                             from_cents(prof[j]), money(cumulative[(to - 1) * F + j]),
                             to - from == per_year || to >= asked ? "1" : "0"});
      t.rows.push_back(std::move(row));
    }
  }
  return t;
}

}  // namespace msim
