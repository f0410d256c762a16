#pragma once
/// Run and experiment files as CSV tables for `marketsim summarize --csv`. The experiment's own
/// tables are declared in models/experiment.hpp; this adds a single run's tables and the file
/// naming and writing they share.
#include <string>
#include <utility>
#include <vector>

#include "models/experiment.hpp"

namespace msim {

/// Tables with the name that gives each its file ("summary", "market").
using NamedTables = std::vector<std::pair<std::string, ExperimentTable>>;

/// The file of the table `name` for a --csv `target`: DIR/name.csv into a directory, else
/// PREFIX-name.csv, or PREFIXname.csv when PREFIX already ends in '-' or '_'.
std::string csv_path(const std::string& target, const std::string& name);

/// A column of a single run's CSV table: its name, unit and meaning (the columns table) and how a
/// CSV file writes its cells.
struct CsvColumn {
  std::string name, unit, meaning;
  CsvCells cells = CsvCells::kReal;
};
/// A table without rows whose columns and CSV rules are `columns`'.
ExperimentTable csv_table(const std::vector<CsvColumn>& columns);

/// A single run's tables: "summary", one row per firm with the columns of the printed summary
/// (shares and rates as fractions, named `..._fraction`), and "market", one row per step and
/// firm: `step`, the step in the run's period counted from 1 (`week` when steps_per_year is
/// 52, `month` for 12 and so on: period_word(); none for any other), `firm`, then one column per
/// /market/<metric> [T, F] series, and "years", one row per year and firm (year_table). Figures
/// the terminal shows as n/a are empty cells. Cells hold real numbers in full; a CSV file rounds
/// them by each column's `csv` rule: money (money_unit of the column's unit) to cents, others to
/// kCsvDigits significant digits.
/// @throws InputError when the file is not a run.
NamedTables run_csv_tables(const std::string& path);
/// The tables `summarize --csv` writes for a run: run_csv_tables, then "columns", one row per
/// column of the three: `table`, `column`, `unit`, `meaning` (for the market's metrics the
/// `units` and `description` of their datasets).
/// @throws InputError when the file is not a run.
NamedTables run_csv_output(const std::string& path);

/// A number for a CSV cell; empty when undefined (NaN, or `defined` false).
std::string csv_number(double v, bool defined = true);

/// Significant digits of a real number in the CSV files: enough for any figure a
/// planner reads, few enough that binary noise (0.30000000000000004) never shows.
constexpr int kCsvDigits = 12;
/// Whether `unit` (a key result's, as the summary's `unit` column has it, or a dataset's `units`)
/// is a sum of money, which a CSV file gives in cents: "money" (a step's), "money over the run",
/// "money over the year", "money per year" (revenue is whole cents in the model; a step's spend
/// is a budget spread over the steps, which running_cents() rounds so that steps add up).
/// Not an average or a ratio, which keeps its
/// digits: a price or unit cost ("money per unit": an average price paid, a unit cost on the
/// experience curve), CLV ("money per customer"), ROI ("money per money of marketing").
bool money_unit(const std::string& unit);
/// A flow of money step by step (a [T, F] series: revenue, spend or profit in each step, for
/// each of F firms) in whole cents that add up: step t of firm j gets the rounded running total
/// to step t less the rounded running total to step t - 1. Each step is within a cent of its
/// value, and any steps from 0 to t, or from one year's end to another's, sum exactly to the
/// rounded total over them. (Each step rounded alone, a budget of 3000 a year spread over 52
/// weeks read 57.69 a week, 2999.88 a year.) A value that is not finite counts as 0. Cents are
/// whole numbers in doubles; past 2^53 cents (90 trillion) a firm's steps are rounded each alone.
std::vector<double> running_cents(const std::vector<double>& values, std::size_t firms);

/// A CSV file writes real numbers as plain decimals, without an exponent, when they are 0 or
/// their size is in [kCsvPlainBelow, kCsvPlainFrom): a difference of shares of 2.8e-05 as
/// 0.000028, a sum of 1e15 as 1000000000000000. Outside, where a plain decimal would be mostly
/// zeros, as the shortest text with an exponent (1.5e-13, 2e+21).
constexpr double kCsvPlainBelow = 1e-12;
constexpr double kCsvPlainFrom = 1e21;

/// A real number for a CSV cell: money rounded to whole cents, anything else to
/// kCsvDigits significant digits, then the shortest plain decimal that reads back as the
/// rounded value ("6000", "99645.64", "0.169003505258", "0.000000207897455267"; with an
/// exponent only outside [kCsvPlainBelow, kCsvPlainFrom)); empty for NaN.
std::string csv_real(double v, bool money);

/// The files write_csv_tables writes for `target`, in the order of `tables`.
std::vector<std::string> csv_files(const NamedTables& tables, const std::string& target);

/// Writes csv_files(tables, target), making the directory when missing. Returns the paths.
std::vector<std::string> write_csv_tables(const NamedTables& tables, const std::string& target);

/// Writes tables as CSV, each to its path through `path + ".partial"` in the same directory.
/// Only when every table is written are they renamed to their paths (replacing old files), so
/// a set of tables is never half old and half new; a failure removes the partial files this
/// call made. Cells with a comma, a quote or a line break are quoted; a table's `csv` says how
/// its real numbers are written (csv_real). An existing file is replaced only when it is a table
/// an earlier --csv wrote (check_replaceable, before anything is written).
/// @throws InputError naming a file that is not such a table (an HDF5 file, a scenario).
/// @throws OutputError with the system's reason when a table cannot be written.
void write_csv_files(const std::vector<std::pair<const ExperimentTable*, std::string>>& files);
/// write_csv_files for one table.
void write_csv(const ExperimentTable& table, const std::string& path);

}  // namespace msim
