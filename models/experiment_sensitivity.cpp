#include "models/experiment_sensitivity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <stdexcept>

#include "sim/config.hpp"
#include "sim/error.hpp"
#include "sim/experiment.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/rank_correlation.hpp"
#include "sim/yaml_writer.hpp"

namespace msim {

std::vector<std::string> sampled_keys(const Hdf5Reader& in) {
  if (!in.exists("/experiment/scenario")) return {};
  try {
    const Config sc =
        Config::load_string(in.strings("/experiment/scenario").at(0), "/experiment/scenario");
    const auto block = sc.find("experiment");
    if (!block) return {};
    // The loader `run` planned the experiment with reads its design.
    std::vector<std::string> keys;
    for (const RangeKey& r : load_experiment(*block, sc.get_int("steps")).lhs_ranges)
      keys.push_back(r.path);
    return keys;
  } catch (const InputError&) {
    return {};
  } catch (const std::logic_error&) {
    return {};
  }
}

namespace {

/// The summary's columns of the sampled keys and of the other varied keys (the groups'), and of
/// design_point, metric, firm and mean; `found` false when the summary lacks any of them.
struct SummaryColumns {
  std::vector<std::size_t> x, group;
  std::size_t point = 0, metric = 0, firm = 0, mean = 0;
  bool found = false;
};

SummaryColumns summary_columns(const ExperimentTable& summary,
                               const std::vector<std::string>& sampled) {
  SummaryColumns out;
  const auto& cols = summary.columns;
  const auto col = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(cols.begin(), cols.end(), name) - cols.begin());
  };
  out.point = col("design_point");
  out.metric = col("metric");
  out.firm = col("firm");
  out.mean = col("mean");
  if (sampled.empty() || out.metric >= cols.size() || out.mean >= cols.size()) return out;
  // The varied keys sit between design_point and metric: each sampled one, and the others.
  for (const std::string& key : sampled)
    if (const std::size_t c = col(key); c > out.point && c < out.metric) out.x.push_back(c);
  if (out.x.size() != sampled.size()) return out;
  for (std::size_t c = out.point + 1; c < out.metric; ++c)
    if (std::find(out.x.begin(), out.x.end(), c) == out.x.end()) out.group.push_back(c);
  out.found = true;
  return out;
}

}  // namespace

std::size_t sampled_points(const ExperimentTable& summary,
                           const std::vector<std::string>& sampled) {
  const SummaryColumns c = summary_columns(summary, sampled);
  if (!c.found) return 0;
  std::map<std::vector<std::string>, std::set<std::string>> points;  // group -> design points
  for (const auto& row : summary.rows) {
    std::vector<std::string> group;
    for (std::size_t k : c.group) group.push_back(row[k]);
    points[group].insert(row[c.point]);
  }
  std::size_t most = 0;
  for (const auto& [group, in] : points) most = std::max(most, in.size());
  return most;
}

ExperimentTable sensitivity_table(const ExperimentTable& summary,
                                  const std::vector<std::string>& sampled) {
  ExperimentTable out;
  if (sampled_points(summary, sampled) < sampled.size() + 2) return out;
  const SummaryColumns found = summary_columns(summary, sampled);
  const std::vector<std::size_t>& x_columns = found.x;
  const std::vector<std::size_t>& group_columns = found.group;
  const std::size_t c_metric = found.metric, c_firm = found.firm, c_mean = found.mean;
  for (std::size_t c : group_columns) out.columns.push_back(summary.columns[c]);
  for (const char* name : {"metric", "firm", "key", "n", "prcc", "p_value"})
    out.columns.emplace_back(name);
  out.csv.assign(out.columns.size(), CsvCells::kAsText);
  out.csv[out.csv.size() - 2] = out.csv.back() = CsvCells::kReal;

  // The observations of each group, result and firm, in the summary's order: the design
  // point's sampled values and its mean.
  struct Series {
    std::vector<std::string> group;
    std::string metric, firm;
    std::vector<std::vector<double>> x;  ///< [key][design point]
    std::vector<double> y;
  };
  std::vector<Series> series;
  std::map<std::vector<std::string>, std::size_t> index;
  for (const auto& row : summary.rows) {
    std::vector<std::string> id;
    for (std::size_t c : group_columns) id.push_back(row[c]);
    id.push_back(row[c_metric]);
    id.push_back(row[c_firm]);
    auto [at, added] = index.try_emplace(id, series.size());
    if (added) {
      Series s;
      s.group.assign(id.begin(), id.end() - 2);
      s.metric = row[c_metric];
      s.firm = row[c_firm];
      s.x.resize(x_columns.size());
      series.push_back(std::move(s));
    }
    Series& s = series[at->second];
    if (row[c_mean].empty()) continue;  // undefined in every run of the design point
    s.y.push_back(std::strtod(row[c_mean].c_str(), nullptr));
    for (std::size_t k = 0; k < x_columns.size(); ++k)
      s.x[k].push_back(std::strtod(row[x_columns[k]].c_str(), nullptr));
  }
  for (const Series& s : series) {
    const auto pc = partial_rank_correlations(s.x, s.y);
    for (std::size_t k = 0; k < sampled.size(); ++k) {
      std::vector<std::string> row = s.group;
      const bool defined = !std::isnan(pc[k].r);
      row.insert(row.end(), {s.metric, s.firm, sampled[k], std::to_string(s.y.size()),
                             defined ? format_number(pc[k].r) : "",
                             defined ? format_number(pc[k].p_value) : ""});
      out.rows.push_back(std::move(row));
    }
  }
  return out;
}

std::string format_sensitivity(const ExperimentTable& t, const std::vector<std::string>& sampled,
                               std::int64_t replications, std::size_t points) {
  if (sampled.empty()) return "";
  if (points < sampled.size() + 2)
    return fmt::format(
        "\nSensitivity: a partial rank correlation with each of {} sampled key{} needs at least {} "
        "design points; this design has {}.\n",
        sampled.size(), sampled.size() == 1 ? "" : "s", sampled.size() + 2, points);
  if (t.columns.empty() || t.rows.empty()) return "";
  const auto col = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(t.columns.begin(), t.columns.end(), name) -
                                    t.columns.begin());
  };
  const std::size_t c_metric = col("metric"), c_firm = col("firm"), c_key = col("key");
  const std::size_t c_n = col("n"), c_r = col("prcc"), c_p = col("p_value");
  const std::size_t groups = c_metric;     // the group columns come first
  std::size_t width = 3, firm_width = 16;  // the columns fit the longest key and firm name
  for (const std::string& key : sampled) width = std::max(width, key.size());
  for (const auto& row : t.rows) firm_width = std::max(firm_width, row[c_firm].size());
  const auto cell = [&](const std::vector<std::string>& row) {
    if (row[c_r].empty()) return std::string("n/a");
    const double p = std::strtod(row[c_p].c_str(), nullptr);
    return fmt::format("{:+.2f} {}", std::strtod(row[c_r].c_str(), nullptr),
                       p < 0.001 ? std::string("(p<0.001)") : fmt::format("(p={:.3f})", p));
  };
  // Fewer than a group's design points where a result is undefined at some of them (a market
  // share where nothing sold in the last step).
  std::size_t n_min = points;
  for (const auto& row : t.rows)
    if (row[c_metric] == "profit_per_year" || row[c_metric] == "market_share")
      n_min = std::min<std::size_t>(n_min, std::stoul(row[c_n]));
  const std::size_t df = points - sampled.size() - 1;
  const std::string test =
      points <= kMaxExactPermutationPoints
          ? std::string("exactly, over every order of the result's ranks")
          : fmt::format("t-test, {} degree{} of freedom", df, df == 1 ? "" : "s");
  std::string out = fmt::format(
      "\nSensitivity to the sampled key{}: the partial rank correlation (PRCC) of each result "
      "with each key over {} {} design points{}, {}, from -1 (the result falls as the key "
      "rises) to +1 (it rises); p tests that it is 0 ({}{}). n/a: the result does not vary{}. "
      "The PRCC says how consistently a result moves with a key, not how much: read the size "
      "of an effect in the response figure.\n",
      sampled.size() == 1 ? "" : "s", groups > 0 ? "each combination's" : "the", points,
      replications > 1 ? fmt::format(" (each the mean of its {} replications)", replications)
                       : std::string(),
      sampled.size() == 1
          ? std::string("which is Spearman's rank correlation")
          : fmt::format("the other sampled key{} held fixed", sampled.size() == 2 ? "" : "s"),
      test,
      n_min < points ? "; fewer design points where a result is undefined at some: n in "
                       "sensitivity.csv"
                     : "",
      sampled.size() == 1 ? "" : ", or the other keys fix its order");
  // Each group's rows: for each firm, its profit per year and market share against every key.
  const auto group_of = [&](const std::vector<std::string>& row) {
    return std::vector<std::string>(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(groups));
  };
  // The market share row of each group, firm and key, found once.
  std::map<std::vector<std::string>, const std::vector<std::string>*> shares;
  const auto id_of = [&](const std::vector<std::string>& row) {
    std::vector<std::string> id = group_of(row);
    id.push_back(row[c_firm]);
    id.push_back(row[c_key]);
    return id;
  };
  for (const auto& row : t.rows)
    if (row[c_metric] == "market_share") shares.emplace(id_of(row), &row);
  std::vector<std::string> group_shown;
  std::string firm_shown;
  bool first = true;
  for (const auto& row : t.rows) {
    if (row[c_metric] != "profit_per_year") continue;
    const std::vector<std::string> group = group_of(row);
    if (first || group != group_shown) {
      if (groups > 0) {
        std::vector<std::string> values;
        for (std::size_t c = 0; c < groups; ++c) values.push_back(t.columns[c] + "=" + row[c]);
        out += fmt::format("{}with {}:\n", first ? "" : "\n", fmt::join(values, ", "));
      }
      out += fmt::format("{:<{}} {:<{}}   {:<18} {}\n", "firm", firm_width, "key", width,
                         "profit per year", "market share");
      firm_shown.clear();
    }
    first = false;
    group_shown = group;
    const auto share_at = shares.find(id_of(row));
    const std::vector<std::string>* share = share_at == shares.end() ? nullptr : share_at->second;
    out += fmt::format("{:<{}} {:<{}}   {:<18} {}\n", row[c_firm] == firm_shown ? "" : row[c_firm],
                       firm_width, row[c_key], width, cell(row), share ? cell(*share) : "n/a");
    firm_shown = row[c_firm];
  }
  return out;
}

}  // namespace msim
