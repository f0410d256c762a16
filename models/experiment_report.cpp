// Reading run and experiment files back: their tables, and the tables as CSV for spreadsheets
// (models/experiment_summary.cpp prints an experiment's summary).
#include "models/experiment_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>
#include <variant>

#include "models/csv_replacement.hpp"
#include "models/experiment_sensitivity.hpp"
#include "models/summary.hpp"
#include "models/undefined_figures.hpp"
#include "models/year_table.hpp"
#include "sim/config.hpp"
#include "sim/durable_file.hpp"
#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/yaml_writer.hpp"

namespace fs = std::filesystem;

namespace msim {

namespace {

/// A market simulated at a `scale` other than 1 has its money and units about `scale` times the
/// full market's: a last column says so in every row, so that a table opened alone in a
/// spreadsheet does not read as the full market's (unless `scale` is a column already: swept).
void add_scale_column(ExperimentTable& table, double scale) {
  if (!std::isfinite(scale) || scale == 1.0 || table.columns.empty() ||
      std::find(table.columns.begin(), table.columns.end(), "scale") != table.columns.end())
    return;
  table.columns.emplace_back("scale");
  if (!table.csv.empty()) table.csv.push_back(CsvCells::kReal);
  for (auto& row : table.rows) row.push_back(format_number(scale));
}

/// The file's `scale` attribute; 1 when it has none (older files).
double file_scale(const Hdf5Reader& in) {
  if (!in.has_attribute("scale")) return 1.0;
  const AttrValue scale = in.attribute("scale");
  const auto* v = std::get_if<double>(&scale);
  return v ? *v : 1.0;
}

/// The unit and meaning of a runs column the file gives none: its identifiers, flags and the
/// varied keys.
std::pair<std::string, std::string> plain_column(const std::string& column) {
  if (column == "run") return {"id", "run id: the group /runs/<run> of the experiment's file"};
  if (column == "design_point") return {"index", "design point (0-based)"};
  if (column == "replication") return {"index", "replication (0-based)"};
  if (column == "seed") return {"integer", "the run's seed (63-bit: read it as text)"};
  if (column == "scale")
    return {"factor",
            "the market's scale: its money and unit totals are about this times the full "
            "market's"};
  if (column.rfind("in_market:", 0) == 0) return {"0 or 1", ""};
  return {"as the key in the scenario", ""};
}

/// columns.csv: one row per column of runs.csv, saying what it is and in what unit (the units
/// and descriptions of /experiment/runs, the summary's unit strings).
ExperimentTable runs_columns(const Hdf5Reader& in, const ExperimentTable& runs) {
  ExperimentTable t;
  t.columns = {"column", "metric", "firm", "unit", "meaning"};
  for (const std::string& column : runs.columns) {
    const std::string path = "/experiment/runs/" + column;
    const bool in_file = column != "scale" || in.exists(path);
    std::string unit = in_file ? in.string_attribute(path, "units") : "";
    std::string meaning = in_file ? in.string_attribute(path, "description") : "";
    const auto [plain_unit, plain_meaning] = plain_column(column);
    if (unit.empty()) unit = plain_unit;
    if (meaning.empty()) meaning = plain_meaning;
    const std::size_t colon = column.find(':');
    const bool by_firm = colon != std::string::npos;
    t.rows.push_back({column, by_firm ? column.substr(0, colon) : column,
                      by_firm ? column.substr(colon + 1) : "", unit, meaning});
  }
  return t;
}

}  // namespace

bool money_unit(const std::string& unit) {
  return unit == "money" || unit.rfind("money over ", 0) == 0 || unit == "money per year";
}

ExperimentTable csv_table(const std::vector<CsvColumn>& columns) {
  ExperimentTable t;
  for (const CsvColumn& c : columns) {
    t.columns.push_back(c.name);
    t.csv.push_back(c.cells);
  }
  return t;
}

std::string csv_real(double v, bool money) {
  if (std::isnan(v)) return "";
  if (!std::isfinite(v)) return format_number(v);
  // Rounded in decimal (fmt rounds the double's exact value), then read back.
  const std::string rounded =
      money ? fmt::format("{:.2f}", v) : fmt::format("{:.{}e}", v, kCsvDigits - 1);
  double r = std::strtod(rounded.c_str(), nullptr);
  if (r == 0) r = 0.0;  // never "-0"
  const double size = std::abs(r);
  if (r != 0 && (size < kCsvPlainBelow || size >= kCsvPlainFrom))
    return format_number(r);  // 1.5e-13, 2e+21: too many zeros to count
  // The shortest plain decimal that reads back as the rounded value: at most its kCsvDigits
  // significant digits (2 decimals for money), never an exponent ("0.000012345", not
  // "1.2345e-05").
  char text[400];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, r, std::chars_format::fixed);
  if (ec != std::errc()) return format_number(r);
  return std::string(text, end);
}

bool is_experiment_file(const std::string& path) {
  const Hdf5Reader in(path);
  return in.exists("/experiment/columns/runs");
}

std::string unfinished_experiment(const std::string& path) {
  const Hdf5Reader in(path);
  // (Before its first run finished, only its root attributes say what it is.)
  if (in.exists("/experiment/columns/runs") || in.exists("/market") ||
      !(in.exists("/runs") || in.has_attribute("design_points")))
    return "";
  std::size_t written = 0;
  try {  // a kill while a run was written into the file can leave /runs unreadable
    if (in.exists("/runs")) written = in.list("/runs").size();
  } catch (const InputError&) {
  }
  std::string name;
  if (in.has_attribute("scenario_name"))
    if (const AttrValue v = in.attribute("scenario_name"); std::holds_alternative<std::string>(v))
      name = fmt::format(" ('{}')", std::get<std::string>(v));
  std::string of_planned;  // " of its 160" (files of earlier versions do not say)
  if (in.has_attribute("runs"))
    if (const AttrValue v = in.attribute("runs"); std::holds_alternative<std::int64_t>(v))
      of_planned = fmt::format(" of its {}", std::get<std::int64_t>(v));
  const std::string what = fmt::format(
      "'{}' is the unfinished file of an experiment{} that was interrupted or failed, not one to "
      "summarize",
      path, name);
  // OUT.h5.partial: its finished runs are kept in OUT.h5.runs.
  const std::string partial = partial_path("");  // ".partial"
  if (path.size() <= partial.size() ||
      path.compare(path.size() - partial.size(), partial.size(), partial) != 0)
    return fmt::format(
        "{}: {}{} runs had been written into it when it stopped; the finished runs are kept in "
        "OUT.h5.runs beside the output OUT.h5 it was written for, and `marketsim run "
        "SCENARIO -o OUT.h5 --resume` finishes it",
        what, written, of_planned);
  const std::string out = path.substr(0, path.size() - partial.size());
  const std::string dir = runs_directory(out);
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return fmt::format(
        "{}: {}{} runs had been written into it when it stopped, but '{}', where the finished "
        "runs are kept for --resume, is not there: run the experiment again to write '{}'",
        what, written, of_planned, dir, out);
  std::size_t kept = 0;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    kept += entry.path().extension() == ".h5" ? 1 : 0;
  if (kept == 0)
    return fmt::format(
        "{}: none{} runs had finished when it stopped, so there is nothing to resume: run the "
        "experiment again with --force, which replaces this file, to write '{}'",
        what, of_planned.empty() ? " of its" : of_planned, out);
  return fmt::format(
      "{}: {}{} runs are finished and kept in '{}'; the command that started it, with --resume "
      "added (marketsim run SCENARIO -o {} --resume), finishes the rest and writes '{}', which "
      "summarize then reads",
      what, kept, of_planned, dir, out, out);
}

ExperimentTables read_experiment_tables(const std::string& path) {
  const Hdf5Reader in(path);
  if (!in.exists("/experiment/columns/runs"))
    throw InputError(fmt::format("'{}' is not an experiment file (no /experiment tables)", path));
  ExperimentTables out;
  for (auto [table, name] :
       {std::pair<ExperimentTable*, const char*>{&out.runs, "runs"},
        std::pair<ExperimentTable*, const char*>{&out.summary, "summary"},
        std::pair<ExperimentTable*, const char*>{&out.differences, "differences"}}) {
    if (!in.exists(fmt::format("/experiment/columns/{}", name))) continue;
    table->columns = in.strings(fmt::format("/experiment/columns/{}", name));
    const bool by_row = std::string(name) != "runs";  // the summary's and differences' `unit`
    std::vector<std::vector<std::string>> cells;
    for (const std::string& column : table->columns) {
      const std::string p = fmt::format("/experiment/{}/{}", name, column);
      std::vector<std::string> values;
      CsvCells csv = CsvCells::kAsText;
      try {  // integers (seeds, counts) exactly, then numbers, then text
        for (std::int64_t v : in.integers(p)) values.push_back(std::to_string(v));
      } catch (const InputError&) {
        try {
          for (double v : in.table(p).values)  // NaN (sd of one replication): no value
            values.push_back(std::isnan(v) ? "" : format_number(v));
          const std::string units = in.string_attribute(p, "units");
          // A design point's key values (no units) are written in full, as the scenario took
          // them: --set with a rounded value would not rerun the point.
          csv = units.empty()                         ? CsvCells::kAsText
                : money_unit(units)                   ? CsvCells::kMoney
                : by_row && units == "the row's unit" ? CsvCells::kByRowUnit
                                                      : CsvCells::kReal;
        } catch (const InputError&) {
          values = in.strings(p);
        }
      }
      cells.push_back(std::move(values));
      table->csv.push_back(csv);
    }
    const std::size_t rows = cells.empty() ? 0 : cells[0].size();
    for (std::size_t r = 0; r < rows; ++r) {
      std::vector<std::string> row;
      for (const auto& c : cells) row.push_back(c[r]);
      table->rows.push_back(std::move(row));
    }
    add_scale_column(*table, file_scale(in));
  }
  out.columns = runs_columns(in, out.runs);
  out.sensitivity = sensitivity_table(out.summary, sampled_keys(in));
  return out;
}

bool csv_into_directory(const std::string& target) {
  std::error_code ec;
  return fs::is_directory(target, ec) || (!target.empty() && target.back() == '/');
}

std::string csv_path(const std::string& target, const std::string& name) {
  if (csv_into_directory(target)) return (fs::path(target) / (name + ".csv")).string();
  const bool separated = !target.empty() && (target.back() == '-' || target.back() == '_');
  return fmt::format("{}{}{}.csv", target, separated ? "" : "-", name);
}

std::vector<std::pair<const ExperimentTable*, std::string>> experiment_csv_files(
    const ExperimentTables& t, const std::string& target) {
  std::vector<std::pair<const ExperimentTable*, std::string>> files;
  for (const auto& [table, which] :
       {std::pair{&t.runs, "runs"}, std::pair{&t.summary, "summary"},
        std::pair{&t.differences, "differences"}, std::pair{&t.sensitivity, "sensitivity"},
        std::pair{&t.columns, "columns"}})
    if (!table->columns.empty()) files.emplace_back(table, csv_path(target, which));
  return files;
}

namespace {

/// Writes `table` as CSV to `partial`. @throws OutputError with the system's reason.
void write_partial_csv(const ExperimentTable& table, const std::string& partial) {
  const auto cell = [](const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (const std::string& c : cells) {
      if (&c != &cells.front()) text += ',';
      text += cell(c);
    }
    return text + "\n";
  };
  const auto refused = [&] {
    return OutputError(fmt::format("cannot write '{}' ({})", partial, std::strerror(errno)));
  };
  // Real numbers rounded (csv_real): money by its column's unit, or its row's.
  const auto unit_at = std::find(table.columns.begin(), table.columns.end(), "unit");
  const std::size_t unit_column = static_cast<std::size_t>(unit_at - table.columns.begin());
  const auto rounded = [&](const std::vector<std::string>& row) {
    std::vector<std::string> out = row;
    for (std::size_t c = 0; c < table.csv.size() && c < out.size(); ++c) {
      const CsvCells how = table.csv[c];
      if (how == CsvCells::kAsText || out[c].empty()) continue;
      const bool money =
          how == CsvCells::kMoney ||
          (how == CsvCells::kByRowUnit && unit_column < row.size() && money_unit(row[unit_column]));
      // The cell holds the shortest text of its double, which reads back exactly.
      out[c] = csv_real(std::strtod(out[c].c_str(), nullptr), money);
    }
    return out;
  };
  errno = 0;
  std::ofstream csv(partial, std::ios::binary | std::ios::trunc);
  if (!csv) throw refused();
  csv << line(table.columns);
  for (const auto& row : table.rows) csv << line(table.csv.empty() ? row : rounded(row));
  csv.close();
  if (!csv) throw refused();
}

}  // namespace

void write_csv_files(const std::vector<std::pair<const ExperimentTable*, std::string>>& files) {
  check_replaceable(files);          // before anything is written
  std::vector<std::string> written;  // partial files this call made: removed unless renamed
  const auto remove_written = [&] {
    std::error_code ignored;
    for (const std::string& partial : written) fs::remove(partial, ignored);
  };
  for (const auto& [table, path] : files) {
    const std::string partial = partial_path(path);
    std::error_code ec;
    if (fs::symlink_status(partial, ec).type() != fs::file_type::not_found &&
        !fs::is_regular_file(partial, ec)) {
      remove_written();
      throw OutputError(
          fmt::format("cannot write '{}': something other than a file is there", partial));
    }
    written.push_back(partial);
    try {
      write_partial_csv(*table, partial);
      sync_file(partial);  // on the disk before its rename, or a power loss may leave it empty
    } catch (...) {
      remove_written();
      throw;
    }
  }
  // Every table is written: they replace the old ones together.
  for (const auto& [table, path] : files) {
    std::error_code ec;
    fs::rename(partial_path(path), path, ec);
    if (ec) {
      remove_written();
      throw OutputError(
          fmt::format("cannot rename '{}' to '{}' ({})", partial_path(path), path, ec.message()));
    }
  }
  // The new names on the disk: each table's directory (one, for the tables of one --csv).
  std::set<std::string> directories;
  for (const auto& [table, path] : files) {
    if (!directories.insert(fs::path(path).parent_path().string()).second) continue;
    try {
      sync_directory_of(path);
    } catch (const OutputError& e) {
      throw OutputError(
          fmt::format("{}: the tables were renamed into place, but a power loss now "
                      "may undo that or leave them empty",
                      e.what()));
    }
  }
}

void write_csv(const ExperimentTable& table, const std::string& path) {
  write_csv_files({{&table, path}});
}

std::vector<std::string> write_experiment_csv(const ExperimentTables& t,
                                              const std::string& target) {
  if (csv_into_directory(target)) create_directories_durably(target);
  std::vector<std::string> paths;
  const auto files = experiment_csv_files(t, target);
  write_csv_files(files);
  for (const auto& [table, path] : files) paths.push_back(path);
  return paths;
}

std::vector<std::string> csv_files(const NamedTables& tables, const std::string& target) {
  std::vector<std::string> paths;
  for (const auto& [name, table] : tables) paths.push_back(csv_path(target, name));
  return paths;
}

std::vector<std::string> write_csv_tables(const NamedTables& tables, const std::string& target) {
  if (csv_into_directory(target)) create_directories_durably(target);
  const std::vector<std::string> paths = csv_files(tables, target);
  std::vector<std::pair<const ExperimentTable*, std::string>> files;
  for (std::size_t k = 0; k < tables.size(); ++k) files.emplace_back(&tables[k].second, paths[k]);
  write_csv_files(files);
  return paths;
}

std::string csv_number(double v, bool defined) {
  return defined && !std::isnan(v) ? format_number(v) : "";
}

std::vector<double> running_cents(const std::vector<double>& values, std::size_t firms) {
  // A double holds every whole number of cents up to 2^53 (90 trillion money units): past it a
  // firm's steps are rounded each alone, which no longer add up exactly but are never wrong.
  constexpr double kExact = 9007199254740992.0;
  std::vector<double> cents(values.size(), 0.0);
  if (firms == 0) return cents;
  std::vector<double> total(firms, 0.0), before(firms, 0.0);  // before: rounded, in cents
  std::vector<char> alone(firms, 0);
  for (std::size_t k = 0; k < values.size(); ++k) {
    const std::size_t j = k % firms;
    const double v = std::isfinite(values[k]) ? values[k] : 0.0;
    total[j] += v;
    alone[j] |= static_cast<char>(!(std::abs(total[j] * 100.0) < kExact));
    if (alone[j] != 0) {
      cents[k] = std::round(v * 100.0) + 0.0;  // (never -0)
      continue;
    }
    const double now = std::round(total[j] * 100.0);
    cents[k] = now - before[j] + 0.0;
    before[j] = now;
  }
  return cents;
}

namespace {

/// The columns of summary_table for `s`, each with its unit and meaning: the printed summary's;
/// its relationship and durables columns when the file has them; last, how far the run got.
std::vector<CsvColumn> summary_columns(const Summary& s) {
  constexpr CsvCells kText = CsvCells::kAsText, kMoney = CsvCells::kMoney;
  std::vector<CsvColumn> c = {
      {"firm", "name", "the firm", kText},
      {"strategy", "name", "the firm's registered strategy", kText},
      {"in_market", "0 or 1",
       "1: in the market at some time in the run; 0: never, and its figures are empty", kText},
      {"market_share_fraction", "fraction",
       "unit share of the last step's sales (the printed summary's share)"},
      {"customer_share_fraction", "fraction",
       "share of category requirements at the last step: the firm's units over all the "
       "purchases of the consumers who bought from it, since step 0"},
      {"penetration_fraction", "fraction",
       "share of all consumers who have ever bought from the firm, at the last step"},
      {"awareness_fraction", "fraction",
       "share of all consumers aware of the firm when they shop in the last step"},
      {"cumulative_profit", "money over the run", "profit summed over the run", kMoney},
      {"profit_per_year", "money per year", "profit over the run per year simulated", kMoney},
      {"roi", "money per money of marketing",
       "return on marketing: profit over the run / marketing spend and program rewards over the "
       "run; empty when less than 0.01 was spent"}};
  if (!s.relationships.empty())
    c.insert(
        c.end(),
        {{"share_of_wallet_fraction", "fraction",
          "the firm's revenue over everything its customers spent since they became its "
          "customers, at the last step; empty when nobody bought from it"},
         {"purchases_per_buyer", "units per consumer",
          "units bought from the firm since step 0 per consumer who ever bought from it"},
         {"active_customers", "consumers",
          "customers who bought from the firm within market.wom_window steps, at the last step"},
         {"lost_customers", "consumers",
          "customer lapses over the run (a customer who lapses twice counts twice)"},
         {"retention_per_step_fraction", "fraction per step",
          "1 - lost customers / active customer-steps at risk, at the last step; empty while "
          "no lapse could be seen"},
         {"clv", "money per customer",
          "customer lifetime value at the last step: yearly margin per customer x r / (1 + i - "
          "r), r the yearly retention, i market.discount_rate_per_year"},
         {"program_cost", "money over the run", "loyalty and referral rewards paid over the run",
          kMoney},
         {"referred_customers", "consumers",
          "customers the firm's referral program brought in, at the last step; empty without one"},
         {"referred_retention_per_step_fraction", "fraction per step",
          "retention among referred customers only, at the last step"}});
  if (!s.durables.empty())
    c.insert(c.end(),
             {{"durable_units", "units", "durables the firm sold over the run"},
              {"failures", "units", "durables the firm made that failed over the run"},
              {"early_failures_fraction", "fraction",
               "failures before the category's reference life over the failures from the first "
               "step a product can have reached that life on, as the printed summary counts them; "
               "empty when the run ends before it"},
              {"mean_failure_age_steps", "steps", "mean age of the failed durables at failure"},
              {"replacement_share_fraction", "fraction",
               "units bought to replace a failed product over durable units sold"},
              {"upgrades", "units",
               "units bought over the run by owners of a working product, for a newer one"},
              {"installed_base", "units", "working durables the firm made, owned at the last step"},
              {"loyalty", "fraction",
               "mean loyalty (0..1) to the firm among its customers at the last step"}});
  c.insert(c.end(), {{"steps_done", "steps", "steps the run simulated", kText},
                     {"steps", "steps", "steps the scenario asked for", kText},
                     {"complete", "0 or 1",
                      "1: the run simulated all its steps; 0: it was interrupted", kText}});
  return c;
}

/// The printed summary as one row per firm (summary_columns); last, how far the run got
/// (steps_done of steps, complete 0 or 1), so that a table from an interrupted run's .partial
/// file says so in the spreadsheet too.
ExperimentTable summary_table(const Summary& s) {
  ExperimentTable t = csv_table(summary_columns(s));
  const double years = s.years();
  for (std::size_t j = 0; j < s.rows.size(); ++j) {
    const SummaryRow& r = s.rows[j];
    const bool in = r.in_market;
    std::vector<std::string> row = {r.firm,
                                    r.strategy,
                                    in ? "1" : "0",
                                    csv_number(r.market_share, in && s.sold_last_step),
                                    csv_number(r.customer_share, in && r.sold),
                                    csv_number(r.penetration, in),
                                    csv_number(r.awareness, in),
                                    csv_number(r.profit, in),
                                    csv_number(years > 0 ? r.profit / years : 0.0, in && years > 0),
                                    csv_number(r.roi, in && r.roi_defined)};
    if (j < s.relationships.size()) {
      const RelationshipRow& c = s.relationships[j];
      for (const auto& cell :
           {csv_number(c.share_of_wallet, in && c.buyers),
            csv_number(c.purchases_per_buyer, in && c.buyers), csv_number(c.active, in),
            csv_number(c.lost, in && c.lost_defined()),
            csv_number(c.retention, in && c.retention_defined()),
            csv_number(c.clv, in && c.retention_defined()), csv_number(c.program_cost, in),
            csv_number(c.referred, in && c.referral_program),
            csv_number(c.referred_retention, in && c.referred_retention_defined())})
        row.push_back(cell);
    }
    if (!s.durables.empty()) {
      // Firms that sell no durable have no row in the durables table: empty cells.
      const auto d = std::find_if(s.durables.begin(), s.durables.end(),
                                  [&](const DurablesRow& x) { return x.firm == r.firm; });
      const bool sells = in && d != s.durables.end();
      const bool failed = sells && d->failures > 0;
      const bool judged = sells && d->failures_judged > 0;
      for (const auto& cell :
           {csv_number(sells ? d->units : 0.0, sells), csv_number(sells ? d->failures : 0.0, sells),
            csv_number(judged ? d->early_judged / d->failures_judged : 0.0, judged),
            csv_number(failed ? d->mean_failure_age : 0.0, failed),
            csv_number(sells && d->units > 0 ? d->replacements / d->units : 0.0,
                       sells && d->units > 0),
            csv_number(sells ? d->upgrades : 0.0, sells),
            csv_number(sells ? d->installed_base : 0.0, sells),
            csv_number(sells ? d->loyalty : 0.0, sells && r.sold)})
        row.push_back(cell);
    }
    row.push_back(std::to_string(s.steps_done));
    row.push_back(std::to_string(s.steps));
    row.push_back(s.complete ? "1" : "0");
    t.rows.push_back(std::move(row));
  }
  return t;
}

/// Every /market/<metric> [T, F] series in long form: one row per step and firm, a cell empty
/// where the figure is undefined, whether the file has NaN there or 0 (undefined_cells: customer
/// share before the firm's first buyer, ROI before any marketing money); then the strategies'
/// own diagnostics, /strategies/<name>, in columns named strategies/<name> (empty where a firm
/// recorded none). With `by_category`, the /market/by_category/<metric> [T, C, F] series
/// instead: one row per step, category and firm, each figure undefined by the category's own
/// series, then the category's /market/saturation ([T, C]) in each of its firms' rows.
/// Its columns, each with the unit and description of its dataset, go to `columns`. A step's
/// money (units "money") is written to the cent, in cents that add up over steps
/// (running_cents()); prices, unit costs and CLV keep kCsvDigits significant digits.
ExperimentTable market_table(const std::string& path, std::int64_t steps_per_year,
                             std::vector<CsvColumn>& columns, bool by_category) {
  const Hdf5Reader in(path);
  const auto firms = in.strings("/firms/name");
  const std::size_t F = firms.size();
  const auto steps = in.integers("/step");
  const std::vector<std::string> categories =
      by_category ? in.strings("/categories/name") : std::vector<std::string>{""};
  const std::size_t C = categories.size();
  columns = {{"step", "step", "the step (counted from 0)", CsvCells::kAsText}};
  // The step in the run's period, as the summaries count it: week 1 is step 0.
  const std::string period = period_word(steps_per_year);
  const bool counted = period != "step";
  if (counted)
    columns.push_back(
        {period, period, fmt::format("the step's {} (counted from 1)", period), CsvCells::kAsText});
  if (by_category) columns.push_back({"category", "name", "the category", CsvCells::kAsText});
  columns.push_back({"firm", "name", "the firm", CsvCells::kAsText});
  std::vector<std::vector<double>> series;   // [series][(step * C + category) * F + firm]
  std::vector<std::vector<char>> undefined;  // the same cells: 1 where the file's 0 is undefined
  std::size_t rows = steps.size();
  // Category c's [T, F] cells of `cells` ([T, C, F]), read or written by `visit(slice)`.
  const auto each_category = [&](auto& cells, auto visit) {
    using Cell = typename std::decay_t<decltype(cells)>::value_type;
    for (std::size_t c = 0; c < C; ++c) {
      std::vector<Cell> slice;
      for (std::size_t k = c * F; k + F <= cells.size(); k += C * F)
        slice.insert(slice.end(), cells.begin() + static_cast<std::ptrdiff_t>(k),
                     cells.begin() + static_cast<std::ptrdiff_t>(k + F));
      visit(c, slice);
      for (std::size_t k = c * F, r = 0; k + F <= cells.size() && r < slice.size();
           k += C * F, r += F)
        std::copy_n(slice.begin() + static_cast<std::ptrdiff_t>(r), F,
                    cells.begin() + static_cast<std::ptrdiff_t>(k));
    }
  };
  const auto add = [&](const std::string& dataset, const std::string& column, Table values,
                       const std::string& note = "") {
    rows = std::min(rows, values.shape[0]);  // a killed run may lack its last row somewhere
    const std::string unit = in.string_attribute(dataset, "units");
    std::string meaning = in.string_attribute(dataset, "description") + note;
    // A figure of the firms' (not saturation, the category's): undefined cells, money in cents.
    const bool of_market = dataset.rfind("/market/", 0) == 0 && dataset != "/market/saturation";
    std::vector<char> cells;
    if (of_market) {
      cells.assign(values.values.size(), 0);
      bool any = false;
      each_category(cells, [&](std::size_t c, std::vector<char>& slice) {
        const std::vector<char> found = undefined_cells(
            in, column, F, by_category ? std::optional<std::size_t>(c) : std::nullopt);
        any = any || !found.empty();
        std::copy_n(found.begin(), std::min(found.size(), slice.size()), slice.begin());
      });
      if (!any) cells.clear();
    }
    if (!cells.empty())
      meaning += fmt::format("; in this table an empty cell where it is undefined: {}",
                             undefined_when(column));
    undefined.push_back(std::move(cells));
    columns.push_back(
        {column, unit, meaning, money_unit(unit) ? CsvCells::kMoney : CsvCells::kReal});
    // A step's money (not a running total such as cumulative_profit) in cents that add up to
    // years.csv's years and to the run's total.
    if (unit == "money" && of_market && column.rfind("cumulative_", 0) != 0)
      each_category(values.values, [&](std::size_t, std::vector<double>& slice) {
        const std::vector<double> cents = running_cents(slice, F);
        for (std::size_t k = 0; k < cents.size(); ++k)
          if (std::isfinite(slice[k])) slice[k] = cents[k] / 100.0;
      });
    series.push_back(std::move(values.values));
  };
  const std::string group = by_category ? "/market/by_category" : "/market";
  const std::size_t dims = by_category ? 3 : 2;
  for (const std::string& metric : in.list(group)) {
    if (metric == "by_category" || metric == "saturation") continue;  // [T, C, F] and [T, C]
    Table values = in.table(group + "/" + metric);
    if (values.shape.size() != dims || values.shape.back() != F ||
        (by_category && values.shape[1] != C))
      continue;
    add(group + "/" + metric, metric, std::move(values));
  }
  if (by_category && in.exists("/market/saturation")) {
    Table values = in.table("/market/saturation");
    if (values.shape.size() == 2 && values.shape[1] == C) {
      Table spread{{values.shape[0], C, F}, {}};  // the category's figure in each firm's row
      for (const double v : values.values) spread.values.insert(spread.values.end(), F, v);
      add("/market/saturation", "saturation", std::move(spread),
          " (the category's, the same in each firm's row)");
    }
  }
  if (!by_category && in.exists("/strategies"))
    for (const std::string& name : in.list("/strategies")) {
      Table values = in.table("/strategies/" + name);
      if (values.shape.size() != 2 || values.shape[1] != F) continue;
      add("/strategies/" + name, "strategies/" + name, std::move(values));
    }
  ExperimentTable t = csv_table(columns);
  for (std::size_t step = 0; step < rows; ++step)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t j = 0; j < F; ++j) {
        std::vector<std::string> row = {std::to_string(steps[step])};
        if (counted) row.push_back(std::to_string(steps[step] + 1));
        if (by_category) row.push_back(categories[c]);
        row.push_back(firms[j]);
        const std::size_t k = (step * C + c) * F + j;
        for (std::size_t m = 0; m < series.size(); ++m)
          row.push_back(
              csv_number(series[m][k], !(k < undefined[m].size() && undefined[m][k] != 0)));
        t.rows.push_back(std::move(row));
      }
  return t;
}

}  // namespace

namespace {

/// run_csv_tables, and with `described` last the columns table.
NamedTables run_tables(const std::string& path, bool described) {
  const Summary s = summarize_file(path);
  NamedTables out;
  std::vector<std::vector<CsvColumn>> columns(2);
  columns[0] = summary_columns(s);
  out.emplace_back("summary", summary_table(s));
  out.emplace_back("market", market_table(path, s.steps_per_year, columns[1], false));
  // (A file from before the figures by category, or made elsewhere, has no categories table.)
  if (Hdf5Reader(path).exists("/market/by_category")) {
    columns.emplace_back();
    out.emplace_back("categories", market_table(path, s.steps_per_year, columns.back(), true));
  }
  columns.push_back(year_columns(s.steps_per_year));
  out.emplace_back("years", year_table(path, s.steps_per_year));
  ExperimentTable doc;  // the columns file: what each column of the three is
  doc.columns = {"table", "column", "unit", "meaning"};
  for (std::size_t k = 0; k < out.size(); ++k) {
    auto& [name, table] = out[k];
    add_scale_column(table, s.scale);
    if (table.columns.size() > columns[k].size()) {  // the scale
      const auto [unit, meaning] = plain_column("scale");
      columns[k].push_back({"scale", unit, meaning});
    }
    for (const CsvColumn& c : columns[k]) doc.rows.push_back({name, c.name, c.unit, c.meaning});
  }
  if (described) out.emplace_back("columns", std::move(doc));
  return out;
}

}  // namespace

NamedTables run_csv_tables(const std::string& path) {
  return run_tables(path, false);
}

NamedTables run_csv_output(const std::string& path) {
  return run_tables(path, true);
}

}  // namespace msim
