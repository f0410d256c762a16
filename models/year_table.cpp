#include "models/year_table.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/experiment_report.hpp"
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

}  // namespace

ExperimentTable year_table(const std::string& path, std::int64_t steps_per_year) {
  const Hdf5Reader in(path);
  const auto firms = in.strings("/firms/name");
  const std::size_t F = firms.size();
  std::size_t T = in.integers("/step").size();
  for (const char* metric : {"units", "revenue", "profit", "cumulative_profit"})
    T = std::min(T, in.table(std::string("/market/") + metric).shape.at(0));
  const std::size_t cells = T * F;
  const auto units = series(in, "units", cells), revenue = series(in, "revenue", cells);
  const auto marketing = series(in, "marketing_spend", cells);
  const auto loyalty = series(in, "loyalty_cost", cells);
  const auto referral = series(in, "referral_cost", cells);
  const auto profit = series(in, "profit", cells);
  const auto cumulative = series(in, "cumulative_profit", cells);

  const bool weeks = steps_per_year == 52;
  ExperimentTable t;
  t.columns = {"year", "from_step", "to_step"};
  if (weeks) t.columns.insert(t.columns.end(), {"from_week", "to_week"});
  t.columns.insert(t.columns.end(), {"steps", "firm", "units", "unit_share_fraction", "revenue",
                                     "value_share_fraction", "marketing_spend", "program_cost",
                                     "profit", "cumulative_profit"});
  const auto per_year = static_cast<std::size_t>(steps_per_year);
  for (std::size_t from = 0; from < T; from += per_year) {
    const std::size_t to = std::min(T, from + per_year);  // one past the year's last step
    std::vector<double> u(F, 0.0), rev(F, 0.0), spend(F, 0.0), programs(F, 0.0), prof(F, 0.0);
    double all_units = 0.0, all_revenue = 0.0;
    for (std::size_t step = from; step < to; ++step)
      for (std::size_t j = 0; j < F; ++j) {
        const std::size_t k = step * F + j;
        u[j] += units[k];
        rev[j] += revenue[k];
        spend[j] += marketing[k];
        programs[j] += loyalty[k] + referral[k];
        prof[j] += profit[k];
        all_units += units[k];
        all_revenue += revenue[k];
      }
    for (std::size_t j = 0; j < F; ++j) {
      std::vector<std::string> row = {std::to_string(from / per_year + 1), std::to_string(from),
                                      std::to_string(to - 1)};
      if (weeks) row.insert(row.end(), {std::to_string(from + 1), std::to_string(to)});
      row.insert(row.end(),
                 {std::to_string(to - from), firms[j], csv_number(u[j]),
                  csv_number(u[j] / all_units, all_units > 0), money(rev[j]),
                  csv_number(rev[j] / all_revenue, all_revenue > 0), money(spend[j]),
                  money(programs[j]), money(prof[j]), money(cumulative[(to - 1) * F + j])});
      t.rows.push_back(std::move(row));
    }
  }
  return t;
}

}  // namespace msim
