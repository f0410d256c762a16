// The experiment file: every run under /runs/<id>/, and the /experiment/runs and
// /experiment/summary tables (one 1-D dataset per column; /experiment/columns/* give the order).
#include "models/experiment_tables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <variant>

#include "models/metrics.hpp"
#include "models/scenario_load.hpp"
#include "models/shocks.hpp"
#include "models/simulation.hpp"
#include "models/version.hpp"
#include "sim/describe.hpp"
#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/program_hash.hpp"
#include "sim/yaml_writer.hpp"

namespace fs = std::filesystem;

namespace msim {
namespace {

using Column =
    std::variant<std::vector<double>, std::vector<std::int64_t>, std::vector<std::string>>;

std::optional<double> as_number(const std::string& text) {
  double v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end) return std::nullopt;
  return v;
}

/// A varied key's values as a column: numbers when every value is one, else text.
Column varied_column(const std::vector<std::string>& values) {
  std::vector<double> numbers;
  for (const auto& v : values) {
    const auto x = as_number(v);
    if (!x) return values;
    numbers.push_back(*x);
  }
  return numbers;
}

std::string safe_name(std::string name) {
  std::replace(name.begin(), name.end(), '/', '_');
  return name;
}

/// Each key result, in column order: its name, its unit (the runs columns' units attribute, and
/// the summary's and the differences' `unit` column), and what it is (the runs columns'
/// description: "<name> of firm 'X': <what>").
struct KeyResult {
  const char* name;
  const char* unit;
  const char* what;
};
constexpr KeyResult kKeyResults[] = {
    {"market_share", "fraction", "unit share in the last step"},
    {"customer_share", "fraction", "customer share (share of category requirements) at the end"},
    {"cumulative_profit", "money over the run", "profit over the run"},
    {"profit_per_year", "money per year", "profit over the run per year simulated"},
    {"roi", "money per money of marketing",
     "cumulative profit per unit of marketing money (spend and program rewards), at the end"},
    {"revenue", "money over the run", "revenue over the run"},
    {"marketing_spend", "money over the run", "marketing spend over the run (within its budget)"},
    {"program_cost", "money over the run",
     "loyalty and referral rewards over the run (paid on top of the marketing budget)"}};

const KeyResult& key_result(const std::string& name) {
  for (const KeyResult& r : kKeyResults)
    if (name == r.name) return r;
  throw std::logic_error("no key result '" + name + "'");
}

void write(Hdf5Output& out, const std::string& group, const std::string& name, const Column& c,
           const std::string& units, const std::string& description) {
  const std::string path = group + "/" + safe_name(name);
  if (const auto* d = std::get_if<std::vector<double>>(&c))
    out.write_column(path, *d, units, description);
  else if (const auto* i = std::get_if<std::vector<std::int64_t>>(&c))
    out.write_column(path, *i, units, description);
  else
    out.write_column(path, std::get<std::vector<std::string>>(c), description);
}

/// Writes a finished run under /runs/<id>/ of `out`; returns its key results.
RunResults write_run_group(const PlannedRun& run, const RunData& data, Hdf5Output& out) {
  auto rec = out.group_recorder("/runs/" + run_name(run.plan.id));
  rec->begin(data.layout);
  for (std::size_t k = 0; k < data.tables.size(); ++k) rec->append(k, data.tables[k]);
  rec->record_steps(0, data.steps, data.series);  // each series in one write
  rec->finish(data.final_attributes, true);

  const std::size_t F = run.scenario.firms.size();
  const auto series = [&](const std::string& path) -> const std::vector<double>& {
    for (std::size_t k = 0; k < data.layout.series.size(); ++k)
      if (data.layout.series[k].path == path) return data.series[k];
    throw std::logic_error("no series " + path);
  };
  const auto last = [&](const std::string& path) {
    const std::vector<double>& s = series(path);
    return std::vector<double>(s.end() - static_cast<std::ptrdiff_t>(F), s.end());
  };
  // Sums over the run of [T, F] series, step by step in order, as the single-run summary sums
  // them (its programs cost is loyalty_cost plus referral_cost).
  const auto total = [&](std::initializer_list<const char*> paths) {
    std::vector<double> sums(F, 0.0);
    for (const char* path : paths) {
      const std::vector<double>& s = series(path);
      std::vector<double> part(F, 0.0);
      for (std::size_t k = 0; k < s.size(); ++k) part[k % F] += s[k];
      for (std::size_t j = 0; j < F; ++j) sums[j] += part[j];
    }
    return sums;
  };
  const std::vector<double> sold = total({"/market/units"});
  const std::vector<double> spent = total({"/market/marketing_spend"});
  const double years =
      static_cast<double>(data.steps) / static_cast<double>(run.scenario.steps_per_year);
  RunResults results;
  for (const std::string& metric : key_results()) {
    if (metric == "profit_per_year") {
      auto v = last("/market/cumulative_profit");
      for (double& x : v) x /= years;
      results.values.push_back(v);
    } else if (metric == "revenue") {
      results.values.push_back(total({"/market/revenue"}));
    } else if (metric == "marketing_spend") {
      results.values.push_back(spent);
    } else if (metric == "program_cost") {
      results.values.push_back(total({"/market/loyalty_cost", "/market/referral_cost"}));
    } else {
      results.values.push_back(last("/market/" + metric));
    }
  }
  // In the market as the single-run summary has it: by its entries and exits, whatever it sold
  // or spent.
  results.in_market.assign(F, 0);
  for (std::size_t j = 0; j < F; ++j)
    results.in_market[j] = in_market_in_run(run.scenario.shocks, static_cast<int>(j),
                                            static_cast<std::int64_t>(data.steps))
                               ? 1
                               : 0;
  // Results that are undefined in this run are NaN, as the single-run summary has them (n/a):
  // ROI without marketing spend (the series holds 0), the customer share of a firm that had
  // no buyers (0 of 0 purchases), and every market share where nothing sold in the last step
  // (0 of 0 units). They leave the statistics and the paired differences.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> rewards = total({"/market/loyalty_cost", "/market/referral_cost"});
  std::vector<double> roi_money = spent;  // ROI's money: marketing spend and the rewards
  for (std::size_t j = 0; j < F; ++j) roi_money[j] += rewards[j];
  const std::vector<double> last_units = last("/market/units");
  const bool sold_last_step =
      std::any_of(last_units.begin(), last_units.end(), [](double u) { return u > 0; });
  for (std::size_t m = 0; m < key_results().size(); ++m)
    for (std::size_t j = 0; j < F; ++j)
      if ((key_results()[m] == "roi" && roi_money[j] < kMinRoiSpend) ||
          (key_results()[m] == "customer_share" && sold[j] <= 0) ||
          (key_results()[m] == "market_share" && !sold_last_step))
        results.values[m][j] = nan;
  return results;
}

/// Reads back a run that write_run_file wrote for `run` (or, under `group`, one that
/// write_run_group wrote: the /runs/<id> of a completed experiment's file).
RunData read_run_file(const PlannedRun& run, const std::string& file, std::size_t threads,
                      const std::string& group) {
  const Hdf5Reader in(file);
  const std::string object = group.empty() ? "/" : group;
  RunData data;
  data.layout = run_layout(run, threads);
  // The run's place is this design's: the file may have been written under another number, and
  // another design point number (--resume finds a run by what it is). So is the command line it
  // is recorded with: an earlier one may have changed only the design (experiment.*), which the
  // run's own results do not depend on.
  for (auto& [name, value] : data.layout.attributes)
    if (name != "run" && name != "design_point" && name != "replication" && name != "overrides")
      value = in.attribute(name, object);
  for (const TableSpec& table : data.layout.tables) {  // the panel, when recorded
    TableRows rows;
    for (const TableColumnSpec& c : table.columns) {
      const std::string path = group + table.path + "/" + c.name;
      if (c.integer)
        rows.emplace_back(in.integers(path));
      else
        rows.emplace_back(in.table(path).values);
    }
    data.tables.push_back(std::move(rows));
  }
  for (const auto& spec : data.layout.series)
    data.series.push_back(in.table(group + spec.path).values);
  data.steps = in.table(group + "/step").values.size();
  data.final_attributes = {{"wall_seconds", in.attribute("wall_seconds", object)},
                           {"steps_done", in.attribute("steps_done", object)}};
  if (in.has_attribute("branch_at", object))  // only branched runs have it
    data.final_attributes.push_back({"branch_at", in.attribute("branch_at", object)});
  return data;
}

}  // namespace

const std::vector<std::string>& key_results() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const KeyResult& r : kKeyResults) out.emplace_back(r.name);
    return out;
  }();
  return names;
}

std::string run_name(std::size_t id) {
  return fmt::format("{:05d}", id);
}

std::string run_file(const std::string& dir, std::size_t id) {
  return (fs::path(dir) / (run_name(id) + ".h5")).string();
}

RecordingLayout run_layout(const PlannedRun& run, std::size_t threads) {
  RecordingLayout layout = recording_layout(run.scenario, threads);
  if (!run.recorded_yaml.empty())
    for (auto& text : layout.texts)
      if (text.path == "/scenario") text.text = run.recorded_yaml;
  layout.attributes.push_back({"run", static_cast<std::int64_t>(run.plan.id)});
  layout.attributes.push_back({"design_point", static_cast<std::int64_t>(run.plan.point)});
  layout.attributes.push_back({"replication", static_cast<std::int64_t>(run.plan.replication)});
  return layout;
}

void write_run_file(const std::string& path, const RunData& run, const Attributes& extra) {
  auto out = make_hdf5_recorder(
      path, {.flush_each_record = false, .labelled = false, .replaces = std::nullopt});
  out->begin(run.layout);
  for (std::size_t k = 0; k < run.tables.size(); ++k) out->append(k, run.tables[k]);
  out->record_steps(0, run.steps, run.series);
  Attributes last = run.final_attributes;
  last.insert(last.end(), extra.begin(), extra.end());
  out->finish(last, true);
}

ExperimentFile::ExperimentFile(const Experiment& ex, const std::string& out_path,
                               std::size_t threads, std::optional<FileId> replaces)
    : ex_(ex),
      out_path_(out_path),
      threads_(threads),
      out_(std::make_unique<Hdf5Output>(out_path, replaces)),
      results_(ex.runs.size()) {
  // From the start, so that the .partial file a kill leaves says what it is (summarize).
  Hdf5Output& out = *out_;
  out.set_attribute("/", "marketsim_version", std::string(kVersion));
  out.set_attribute("/", "git_commit", std::string(kGitCommit));
  out.set_attribute("/", "program_hash", program_hash());
  out.set_attribute("/", "scenario_name", ex.base.name);
  out.set_attribute("/", "seed", static_cast<std::int64_t>(ex.base.seed));
  // What the command line changed (--set, --seed), as a single run's file records it.
  out.set_attribute("/", "overrides", fmt::format("{}", fmt::join(ex.base.overrides, "\n")));
  // Every run's scale; NaN when design points set different ones (the runs table's column).
  double scale = ex.runs.empty() ? ex.base.scale : ex.runs.front().scenario.scale;
  for (const PlannedRun& run : ex.runs)
    if (run.scenario.scale != scale) scale = std::numeric_limits<double>::quiet_NaN();
  out.set_attribute("/", "scale", scale);
  out.set_attribute("/", "runs", static_cast<std::int64_t>(ex.runs.size()));
  out.set_attribute("/", "design_points", static_cast<std::int64_t>(ex.points.size()));
  out.set_attribute("/", "replications", ex.base.experiment.replications);
  out.set_attribute("/", "branch_at", ex.base.experiment.branch_at);
  out.set_attribute("/", "complete", std::int64_t{0});
  out.flush();
}

ExperimentFile::~ExperimentFile() = default;  // an uncommitted Hdf5Output removes its file

void ExperimentFile::add(const PlannedRun& run, const RunData& data) {
  results_.at(run.plan.id) = write_run_group(run, data, *out_);
}

void ExperimentFile::add(const PlannedRun& run, const std::string& run_file,
                         const std::string& group) {
  add(run, read_run_file(run, run_file, threads_, group));
}

void ExperimentFile::commit() {
  for (std::size_t id = 0; id < results_.size(); ++id)
    if (results_[id].values.empty())
      throw std::logic_error(fmt::format("the experiment's file lacks run {}", id));
  const Experiment& ex = ex_;
  Hdf5Output& out = *out_;
  const std::vector<RunResults>& results = results_;
  const std::size_t N = ex.runs.size(), F = ex.base.firms.size();
  const auto& metrics = key_results();

  // /experiment/runs: one row per run.
  std::vector<std::pair<std::string, Column>> runs;
  std::vector<std::string> ids;
  std::vector<std::int64_t> points, reps, seeds;
  for (const PlannedRun& run : ex.runs) {
    ids.push_back(run_name(run.plan.id));
    points.push_back(static_cast<std::int64_t>(run.plan.point));
    reps.push_back(static_cast<std::int64_t>(run.plan.replication));
    seeds.push_back(static_cast<std::int64_t>(run.plan.seed));
  }
  runs.emplace_back("run", ids);
  runs.emplace_back("design_point", points);
  runs.emplace_back("replication", reps);
  runs.emplace_back("seed", seeds);
  for (std::size_t v = 0; v < ex.varied.size(); ++v) {
    std::vector<std::string> values;
    for (const PlannedRun& run : ex.runs)
      values.push_back(ex.points[run.plan.point].values[v].second);
    runs.emplace_back(ex.varied[v], varied_column(values));
  }
  for (std::size_t m = 0; m < metrics.size(); ++m)
    for (std::size_t j = 0; j < F; ++j) {
      std::vector<double> values;
      for (std::size_t r = 0; r < N; ++r) values.push_back(results[r].values[m][j]);
      runs.emplace_back(metrics[m] + ":" + ex.base.firms[j].name, values);
    }
  for (std::size_t j = 0; j < F; ++j) {
    std::vector<std::int64_t> flags;
    for (std::size_t r = 0; r < N; ++r) flags.push_back(results[r].in_market[j]);
    runs.emplace_back("in_market:" + ex.base.firms[j].name, flags);
  }

  // /experiment/summary: one row per design point, metric and firm. /experiment/differences:
  // the same for the change against design point 0, replication by replication (paired: the
  // two runs share their seed).
  const std::size_t R = static_cast<std::size_t>(ex.base.experiment.replications);
  const auto table = [&](std::size_t first_point, const auto& sample_of) {
    std::vector<std::int64_t> point, n, in_market;
    std::vector<std::vector<std::string>> varied(ex.varied.size());
    std::vector<std::string> metric, unit, firm;
    std::vector<double> mean, sd, lo, hi, p5, p50, p95;
    for (std::size_t d = first_point; d < ex.points.size(); ++d)
      for (std::size_t m = 0; m < metrics.size(); ++m)
        for (std::size_t j = 0; j < F; ++j) {
          // Runs where the result is undefined (NaN) are left out: n counts the others. A run
          // without the firm in the market is not one of them: there its market share, profit,
          // revenue and costs are 0, as /experiment/runs has them, so the statistics (and the
          // changes against design point 0, an entrant's among them) count it as 0 also when
          // the firm was in the market in none of the design point's runs; in_market says how
          // many it was in. Customer share and ROI are undefined without buyers or spend.
          std::vector<double> sample = sample_of(d, m, j);
          std::erase_if(sample, [](double x) { return std::isnan(x); });
          Description s = describe(sample);
          std::int64_t active = 0;
          for (std::size_t r = 0; r < R; ++r) active += results[d * R + r].in_market[j];
          if (sample.empty()) {
            const double nan = std::numeric_limits<double>::quiet_NaN();
            s.mean = s.sd = s.ci_low = s.ci_high = s.p5 = s.p50 = s.p95 = nan;
          }
          point.push_back(static_cast<std::int64_t>(d));
          for (std::size_t v = 0; v < ex.varied.size(); ++v)
            varied[v].push_back(ex.points[d].values[v].second);
          metric.push_back(metrics[m]);
          unit.push_back(key_result(metrics[m]).unit);
          firm.push_back(ex.base.firms[j].name);
          n.push_back(static_cast<std::int64_t>(s.n));
          in_market.push_back(active);
          mean.push_back(s.mean);
          sd.push_back(s.sd);
          lo.push_back(s.ci_low);
          hi.push_back(s.ci_high);
          p5.push_back(s.p5);
          p50.push_back(s.p50);
          p95.push_back(s.p95);
        }
    std::vector<std::pair<std::string, Column>> columns;
    columns.emplace_back("design_point", point);
    for (std::size_t v = 0; v < ex.varied.size(); ++v)
      columns.emplace_back(ex.varied[v], varied_column(varied[v]));
    columns.emplace_back("metric", metric);
    columns.emplace_back("unit", unit);
    columns.emplace_back("firm", firm);
    columns.emplace_back("n", n);
    columns.emplace_back("in_market", in_market);
    columns.emplace_back("mean", mean);
    columns.emplace_back("sd", sd);
    columns.emplace_back("ci95_low", lo);
    columns.emplace_back("ci95_high", hi);
    columns.emplace_back("p5", p5);
    columns.emplace_back("p50", p50);
    columns.emplace_back("p95", p95);
    return columns;
  };
  // Runs are in id order: run d * R + r is design point d, replication r.
  const auto summary = table(0, [&](std::size_t d, std::size_t m, std::size_t j) {
    std::vector<double> sample;
    for (std::size_t r = 0; r < R; ++r) sample.push_back(results[d * R + r].values[m][j]);
    return sample;
  });
  const auto differences = table(1, [&](std::size_t d, std::size_t m, std::size_t j) {
    std::vector<double> sample;
    for (std::size_t r = 0; r < R; ++r)
      sample.push_back(results[d * R + r].values[m][j] - results[r].values[m][j]);
    return sample;
  });

  const auto describe_column = [&](const std::string& name,
                                   bool in_runs) -> std::pair<std::string, std::string> {
    if (name == "run") return {"", "run id: the group /runs/<run>"};
    if (name == "design_point") return {"", "design point (0-based)"};
    if (name == "replication")
      return {"", "replication (0-based; shares its seed across design points)"};
    if (name == "seed") return {"", "the run's seed"};
    if (name == "metric") return {"", "key result (see /experiment/runs)"};
    if (name == "unit")
      return {"",
              "unit of the row's statistics: the key result's (fraction, money per year, money "
              "over the run, money per money of marketing)"};
    if (name == "firm") return {"", "firm name"};
    if (name == "n")
      return {"",
              "runs of the design point in which the result is defined (ROI needs marketing "
              "spend, customer share needs buyers; a change needs both runs of the pair); a "
              "run without the firm in the market counts, its market share, profit, revenue "
              "and costs 0"};
    if (name == "in_market")
      return {"",
              "runs of the design point in which the firm was in the market at some step "
              "(from the start or its entry, until any exit; whatever it sold or spent); 0: it "
              "never entered, and its market share, profit, revenue and costs are 0 in every "
              "run, their statistics too"};
    for (const auto& v : ex.varied)
      if (v == name) return {"", "value of the key path in this design point"};
    if (in_runs && name.rfind("in_market:", 0) == 0)
      return {"", fmt::format("1 when firm '{}' was in the market at some step of the run (from "
                              "the start or its entry, until any exit; whatever it sold or "
                              "spent); 0 when it never entered, and its market share, profit, "
                              "revenue and costs in the run are 0",
                              name.substr(name.find(':') + 1))};
    if (in_runs) {
      const std::string metric = name.substr(0, name.find(':'));
      const KeyResult& r = key_result(metric);
      return {r.unit,
              fmt::format("{} of firm '{}': {}", metric, name.substr(name.find(':') + 1), r.what)};
    }
    return {"the row's unit",
            name + " of the metric over the design point's replications (" +
                (name.rfind("ci95", 0) == 0
                     ? "t-based 95% confidence interval of the mean; NaN when n is 1"
                 : name == "sd" ? "n - 1 in the denominator; NaN when n is 1"
                                : "percentiles interpolate linearly") +
                ")"};
  };
  std::vector<std::string> run_columns, summary_columns;
  for (const auto& [name, column] : runs) {
    const auto [units, description] = describe_column(name, true);
    write(out, "/experiment/runs", name, column, units, description);
    run_columns.push_back(safe_name(name));
  }
  for (const auto& [name, column] : summary) {
    const auto [units, description] = describe_column(name, false);
    write(out, "/experiment/summary", name, column, units, description);
    summary_columns.push_back(safe_name(name));
  }
  // A Latin hypercube's design points are samples, none of them a baseline: a change against
  // design point 0 would compare two random samples, so the table is not written.
  std::vector<std::string> difference_columns;
  if (ex.points.size() > 1 && ex.base.experiment.lhs_samples == 0) {
    for (const auto& [name, column] : differences) {
      auto [units, description] = describe_column(name, false);
      if (name == "mean" || name == "sd" || name.rfind("ci95", 0) == 0 || name[0] == 'p')
        description = name +
                      " of the change against design point 0, replication by "
                      "replication (runs with the same seed)";
      write(out, "/experiment/differences", name, column, units, description);
      difference_columns.push_back(safe_name(name));
    }
    out.write_column("/experiment/columns/differences", difference_columns,
                     "the columns of /experiment/differences, in order");
  }
  out.write_column("/experiment/columns/runs", run_columns,
                   "the columns of /experiment/runs, in order");
  out.write_column("/experiment/columns/summary", summary_columns,
                   "the columns of /experiment/summary, in order");
  out.write_text("/experiment/scenario", resolved_yaml(ex.base),
                 "the experiment's scenario, resolved, with its experiment block");
  // (The others were set when the file was made.)
  out.set_attribute("/", "created_utc", utc_now());
  out.set_attribute("/", "complete", std::int64_t{1});
  out.commit();
}

}  // namespace msim
