// Reading an experiment file back: its tables, as CSV for spreadsheets, and the plain-text
// summary that `marketsim summarize` prints.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <system_error>
#include <variant>

#include "models/experiment.hpp"
#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/yaml_writer.hpp"

namespace fs = std::filesystem;

namespace msim {

bool is_experiment_file(const std::string& path) {
  const Hdf5Reader in(path);
  return in.exists("/experiment/columns/runs");
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
    std::vector<std::vector<std::string>> cells;
    for (const std::string& column : table->columns) {
      const std::string p = fmt::format("/experiment/{}/{}", name, column);
      std::vector<std::string> values;
      try {  // integers (seeds, counts) exactly, then numbers, then text
        for (std::int64_t v : in.integers(p)) values.push_back(std::to_string(v));
      } catch (const InputError&) {
        try {
          for (double v : in.table(p).values)  // NaN (sd of one replication): no value
            values.push_back(std::isnan(v) ? "" : format_number(v));
        } catch (const InputError&) {
          values = in.strings(p);
        }
      }
      cells.push_back(std::move(values));
    }
    const std::size_t rows = cells.empty() ? 0 : cells[0].size();
    for (std::size_t r = 0; r < rows; ++r) {
      std::vector<std::string> row;
      for (const auto& c : cells) row.push_back(c[r]);
      table->rows.push_back(std::move(row));
    }
  }
  return out;
}

bool csv_into_directory(const std::string& target) {
  std::error_code ec;
  return fs::is_directory(target, ec) || (!target.empty() && target.back() == '/');
}

std::vector<std::pair<const ExperimentTable*, std::string>> experiment_csv_files(
    const ExperimentTables& t, const std::string& target) {
  const bool dir = csv_into_directory(target);
  std::vector<std::pair<const ExperimentTable*, std::string>> files;
  for (const auto& [table, which] : {std::pair{&t.runs, "runs"}, std::pair{&t.summary, "summary"},
                                     std::pair{&t.differences, "differences"}})
    if (!table->columns.empty())
      files.emplace_back(table, dir ? (fs::path(target) / fmt::format("{}.csv", which)).string()
                                    : fmt::format("{}-{}.csv", target, which));
  return files;
}

std::vector<std::string> write_experiment_csv(const ExperimentTables& t,
                                              const std::string& target) {
  if (csv_into_directory(target)) fs::create_directories(target);
  const auto cell = [](const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  std::vector<std::string> paths;
  for (const auto& [table, path] : experiment_csv_files(t, target)) {
    std::ofstream csv(path);
    if (!csv) throw InputError(fmt::format("cannot write '{}'", path));
    std::vector<std::string> header;
    for (const auto& c : table->columns) header.push_back(cell(c));
    csv << fmt::format("{}\n", fmt::join(header, ","));
    for (const auto& row : table->rows) {
      std::vector<std::string> cells;
      for (const auto& c : row) cells.push_back(cell(c));
      csv << fmt::format("{}\n", fmt::join(cells, ","));
    }
    paths.push_back(path);
  }
  return paths;
}

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
  const std::vector<std::string> varied(cols.begin() + 1,
                                        cols.begin() + static_cast<std::ptrdiff_t>(c_metric));
  const std::string name = std::get<std::string>(in.attribute("scenario_name"));
  std::string out = fmt::format(
      "{}: {} design points x {} replications = {} runs{}\n", name, attr("design_points"),
      attr("replications"), attr("runs"),
      attr("branch_at") > 0 ? fmt::format(", branched at step {}", attr("branch_at")) : "");
  const auto money = [](double x, bool sign) {
    const double a = std::abs(x);
    const std::string plus = sign && x > 0 ? "+" : "";
    if (std::isnan(x)) return std::string("n/a");
    if (a >= 1e9) return fmt::format("{}{:.2f}B", plus, x / 1e9);
    if (a >= 1e6) return fmt::format("{}{:.2f}M", plus, x / 1e6);
    if (a >= 1e3) return fmt::format("{}{:.1f}k", plus, x / 1e3);
    return fmt::format("{}{:.0f}", plus, x);
  };
  // An empty cell (NaN in the file, such as the sd of a single replication) has no value.
  const auto num = [](const std::string& s) {
    return s.empty() ? std::numeric_limits<double>::quiet_NaN() : std::stod(s);
  };
  const auto half_width = [&](const std::vector<std::string>& row) {
    return (num(row[c_high]) - num(row[c_low])) / 2;
  };
  // The rows of one design point: profit per year and market share of every firm.
  const auto block = [&](const ExperimentTable& table, const std::string& point, bool change) {
    std::string text;
    for (const auto& row : table.rows) {
      if (row[c_point] != point || row[c_metric] != "profit_per_year") continue;
      const std::vector<std::string>* share = nullptr;
      for (const auto& r : table.rows)
        if (r[c_point] == point && r[c_firm] == row[c_firm] && r[c_metric] == "market_share")
          share = &r;
      const auto points = [&](double x, bool sign) {
        if (std::isnan(x)) return std::string("n/a");
        return sign ? fmt::format("{:+.1f}", 100 * x) : fmt::format("{:.1f}", 100 * x);
      };
      const auto pct = [&](std::size_t c) {
        const double x = num((*share)[c]);
        return change || std::isnan(x) ? points(x, change) : points(x, false) + "%";
      };
      const std::string share_mean = points(num((*share)[c_mean]), change) + " ± " +
                                     points(half_width(*share), false) + (change ? "" : "%");
      text += fmt::format("{:<16} {:>9} {:>9} {:>9} {:>15}   {:>8} {:>8} {:>8} {:>14}\n",
                          row[c_firm], money(num(row[c5]), change), money(num(row[c50]), change),
                          money(num(row[c95]), change),
                          money(num(row[c_mean]), change) + " ± " + money(half_width(row), false),
                          pct(c5), pct(c50), pct(c95), share_mean);
    }
    return text;
  };
  std::vector<std::string> points;
  for (const auto& row : t.summary.rows)
    if (points.empty() || points.back() != row[c_point]) points.push_back(row[c_point]);
  for (const std::string& point : points) {
    std::vector<std::string> values;
    for (const auto& row : t.summary.rows)
      if (row[c_point] == point) {
        for (std::size_t v = 0; v < varied.size(); ++v)
          values.push_back(varied[v] + "=" + row[1 + v]);
        break;
      }
    out += fmt::format("\ndesign point {}{}{}\n", point, values.empty() ? "" : ": ",
                       fmt::join(values, ", "));
    out += fmt::format("{:<16} {:<45}   {}\n", "firm", "profit per year", "market share");
    out += fmt::format("{:<16} {:>9} {:>9} {:>9} {:>15}   {:>8} {:>8} {:>8} {:>14}\n", "", "p5",
                       "p50", "p95", "mean ± 95% CI", "p5", "p50", "p95", "mean ± 95% CI");
    out += block(t.summary, point, false);
    if (point != points.front() && !t.differences.rows.empty()) {
      out += fmt::format("{:<16} {:<45}   {}\n", "  change vs 0:", "", "in points");
      out += block(t.differences, point, true);
    }
  }
  out +=
      "\nProfit per year is each run's cumulative profit over its years; market share is the "
      "last step's unit share. p5/p50/p95 are over the replications of each design point; "
      "mean ± 95% CI is their mean and the half-width of its t-based 95% confidence interval "
      "(n/a with one replication). "
      "\"change vs 0\" compares each run with the run of design point 0 that has the same seed "
      "(common random numbers), so it shows the effect of the design point with little noise.\n";
  return out;
}

}  // namespace msim
