#pragma once
/// A single run's figures by year, for planners who think in years (`summarize --csv` writes it
/// as years.csv): what each firm sold, earned and spent in each year of the run.
#include <cstdint>
#include <string>

#include <vector>

#include "models/experiment_report.hpp"

namespace msim {

/// One row per year and firm: `year` (1 for the first steps_per_year steps), `from_step` and
/// `to_step` (and, counted from 1, `from_week` and `to_week` in a weekly run, `from_month` and
/// `to_month` in a monthly one: the period of period_word(), not for steps or years), `steps`
/// (fewer than steps_per_year in a last, partial year), `firm`, then over the year's steps
/// `units`, `unit_share_fraction` (of all firms' units), `revenue`, `value_share_fraction`,
/// `marketing_spend`, `program_cost` (loyalty and referral rewards), `profit`, and
/// `cumulative_profit` at its last step; money to the cent. A share is empty when nobody sold
/// in the year. The table's `csv` writes money to the cent and other reals to kCsvDigits.
/// @throws InputError when the file is not a run.
ExperimentTable year_table(const std::string& path, std::int64_t steps_per_year);
/// year_table's columns in order, each with its unit, meaning and CSV rule.
std::vector<CsvColumn> year_columns(std::int64_t steps_per_year);

}  // namespace msim
