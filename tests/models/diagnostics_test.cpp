// Strategies' own diagnostics (models/diagnostics.hpp, StrategyInfo::diagnostics): what plan()
// sets is recorded under /strategies/<name>, firm by firm, NaN where nothing was recorded.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/diagnostics.hpp"
#include "models/experiment.hpp"
#include "models/experiment_report.hpp"
#include "models/market.hpp"
#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "models/strategy.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/recorder.hpp"
#include "tests/plan_helpers.hpp"
#include "tests/temp_dir.hpp"

namespace {

/// What the probes read in last().diagnostics: checks made, and values that differed from what
/// their firm recorded the step before.
int g_last_checked = 0, g_last_wrong = 0;

/// The column of diagnostic `name` among those a run of `sc` records.
std::size_t column(const msim::Scenario& sc, const std::string& name) {
  const auto all = msim::scenario_diagnostics(sc);
  for (std::size_t k = 0; k < all.size(); ++k)
    if (all[k].name == name) return k;
  throw std::logic_error("no diagnostic " + name);
}

/// Mass marketing that records the step it planned ("probe_step", every step but step 3) and
/// the budget it saw ("probe_budget"), and checks last step's probe_step in last().
class Probe final : public msim::Strategy {
 public:
  std::unique_ptr<msim::Strategy> clone() const override { return std::make_unique<Probe>(*this); }
  void plan(const msim::MarketView& view, msim::FirmPlan& plan) override {
    msim::test::offer_at_mean(view, plan);
    plan.mass_spend = view.budget;
    REQUIRE(plan.diagnostics.size() == 2);
    CHECK(std::isnan(plan.diagnostics[0]));  // the engine starts every step with NaN
    if (view.step != 3) plan.record("probe_step", static_cast<double>(view.step));
    plan.diagnostics.at(1) = view.budget;  // by index, as declared
    const std::size_t F = view.scenario.firms.size();
    const double last = view.last().diagnostics.at(column(view.scenario, "probe_step") * F +
                                                   static_cast<std::size_t>(view.firm));
    ++g_last_checked;
    const bool recorded = view.step > 0 && view.step - 1 != 3;
    if (recorded ? last != static_cast<double>(view.step - 1) : !std::isnan(last)) ++g_last_wrong;
    // The same value looked up by name, for this firm and named explicitly.
    const double by_name = view.last_diagnostic("probe_step");
    if (!(by_name == last || (std::isnan(by_name) && std::isnan(last)))) ++g_last_wrong;
    const double explicit_firm = view.last_diagnostic("probe_step", view.firm);
    if (!(explicit_firm == last || (std::isnan(explicit_firm) && std::isnan(last)))) ++g_last_wrong;
    CHECK_THROWS_WITH(
        view.last_diagnostic("probe_stpe"),
        Catch::Contains("records no diagnostic of that name") && Catch::Contains("probe_step"));
  }
  void write_params(msim::YamlWriter&) const override {}
};

/// Records "probe_budget" too (a name shared with Probe), as twice the budget.
class Other final : public msim::Strategy {
 public:
  std::unique_ptr<msim::Strategy> clone() const override { return std::make_unique<Other>(*this); }
  void plan(const msim::MarketView& view, msim::FirmPlan& plan) override {
    plan.record("probe_budget", 2 * view.budget);
  }
  void write_params(msim::YamlWriter&) const override {}
};

/// Records a name it did not declare, which plan.record() refuses.
class Undeclared final : public msim::Strategy {
 public:
  std::unique_ptr<msim::Strategy> clone() const override {
    return std::make_unique<Undeclared>(*this);
  }
  void plan(const msim::MarketView&, msim::FirmPlan& plan) override { plan.record("oops", 1.0); }
  void write_params(msim::YamlWriter&) const override {}
};

/// Resizes plan.diagnostics, which the engine refuses.
class Resizes final : public msim::Strategy {
 public:
  std::unique_ptr<msim::Strategy> clone() const override {
    return std::make_unique<Resizes>(*this);
  }
  void plan(const msim::MarketView&, msim::FirmPlan& plan) override {
    plan.diagnostics.push_back(1.0);
  }
  void write_params(msim::YamlWriter&) const override {}
};

template <class S>
std::unique_ptr<msim::Strategy> make(const msim::StrategyContext&) {
  return std::make_unique<S>();
}

void register_probes() {
  static const bool once = [] {
    msim::register_strategy({"diagnostics_probe_for_test",
                             "a test strategy",
                             {},
                             make<Probe>,
                             {{"probe_step", "step", "the step it planned"},
                              {"probe_budget", "money per step", "a budget figure"}}});
    msim::register_strategy({"diagnostics_other_for_test",
                             "a test strategy",
                             {},
                             make<Other>,
                             {{"probe_budget", "money per step", "a budget figure"}}});
    msim::register_strategy({"diagnostics_undeclared_for_test",
                             "a test strategy",
                             {},
                             make<Undeclared>,
                             {{"fine", "count", "a declared one"}}});
    msim::register_strategy({"diagnostics_resizes_for_test",
                             "a test strategy",
                             {},
                             make<Resizes>,
                             {{"probe_resized", "count", "nothing"}}});
    return true;
  }();
  (void)once;
}

/// Records each diagnostic it declares as its place in the declaration, 1, 2, ...
class Numbers final : public msim::Strategy {
 public:
  std::unique_ptr<msim::Strategy> clone() const override {
    return std::make_unique<Numbers>(*this);
  }
  void plan(const msim::MarketView& view, msim::FirmPlan& plan) override {
    msim::test::offer_at_mean(view, plan);
    for (std::size_t k = 0; k < plan.diagnostic_names.size(); ++k)
      plan.record(plan.diagnostic_names[k], static_cast<double>(k + 1));
  }
  void write_params(msim::YamlWriter&) const override {}
};

/// order_aa [order_a1, order_shared], order_bb [order_b1, order_shared], order_cc [order_c1],
/// registered in that order.
void register_numbers() {
  static const bool once = [] {
    const msim::DiagnosticDoc shared{"order_shared", "count", "shared by two"};
    msim::register_strategy({"order_aa_for_test",
                             "a test strategy",
                             {},
                             make<Numbers>,
                             {{"order_a1", "count", "aa's own"}, shared}});
    msim::register_strategy({"order_bb_for_test",
                             "a test strategy",
                             {},
                             make<Numbers>,
                             {{"order_b1", "count", "bb's own"}, shared}});
    msim::register_strategy({"order_cc_for_test",
                             "a test strategy",
                             {},
                             make<Numbers>,
                             {{"order_c1", "count", "cc's own"}}});
    return true;
  }();
  (void)once;
}

const char* const kScenario = R"(
name: diagnostics
seed: 3
consumers: 2000
steps: 6
categories:
  - {name: tea, kind: consumable, base_cost: 1.0}
segments:
  - {name: all, share: 1, ideal: {mean: [0, 0], sd: [0.5, 0.5]}, purchase_rate: {tea: {mean: 0.5}}}
firms:
  - {name: Plain, strategy: mass, budget_per_year: 5200}
  - {name: Probed, strategy: diagnostics_probe_for_test, budget_per_year: 10400}
  - {name: Another, strategy: diagnostics_other_for_test, budget_per_year: 520}
)";

msim::Scenario scenario(const std::vector<std::string>& overrides = {}) {
  register_probes();
  return msim::load_scenario_text(kScenario, "diagnostics.yaml", overrides);
}

std::size_t index_of(const msim::RecordingLayout& layout, const std::string& path) {
  for (std::size_t k = 0; k < layout.series.size(); ++k)
    if (layout.series[k].path == path) return k;
  FAIL("no series " << path);
  return 0;
}

}  // namespace

TEST_CASE("a strategy's diagnostics are recorded under /strategies, NaN where it records none",
          "[strategy][diagnostics]") {
  msim::MemoryRecorder rec;
  msim::run_simulation(scenario(), rec);
  const auto& step = rec.series("/strategies/probe_step");
  const auto& budget = rec.series("/strategies/probe_budget");
  REQUIRE(step.size() == 6);
  REQUIRE(budget.size() == 6);
  const auto& spec = rec.layout().series[index_of(rec.layout(), "/strategies/probe_budget")];
  CHECK(spec.units == "money per step");
  CHECK(spec.dims == std::vector<std::string>{"firm"});
  CHECK_THAT(spec.description, Catch::StartsWith("a budget figure"));
  // Registered, but declared by no strategy the scenario uses: not recorded.
  for (const auto& series : rec.layout().series)
    CHECK(series.path.find("probe_resized") == std::string::npos);
  for (std::size_t t = 0; t < 6; ++t) {
    INFO("step " << t);
    REQUIRE(step[t].size() == 3);
    CHECK(std::isnan(step[t][0]));  // mass records nothing
    if (t == 3)
      CHECK(std::isnan(step[t][1]));  // left unset that step
    else
      CHECK(step[t][1] == static_cast<double>(t));
    CHECK(std::isnan(step[t][2]));  // Another does not declare probe_step
    CHECK(std::isnan(budget[t][0]));
    CHECK(budget[t][1] == Approx(200.0));  // 10400 a year over 52 steps
    CHECK(budget[t][2] == Approx(20.0));   // twice 520 / 52, in the shared dataset
  }
}

TEST_CASE("a strategy reads last step's diagnostics in last(), NaN at step 0",
          "[strategy][diagnostics]") {
  const msim::Scenario sc = scenario();
  g_last_checked = g_last_wrong = 0;
  msim::Market market(sc);
  for (int t = 0; t < 6; ++t) market.step();
  CHECK(g_last_checked == 6);
  CHECK(g_last_wrong == 0);
  REQUIRE(market.metrics().diagnostics.size() == 2 * 3);  // probe_step and probe_budget
  CHECK(market.metrics().diagnostics[column(sc, "probe_step") * 3 + 1] == 5.0);
}

TEST_CASE(
    "a design point that switches a firm to a strategy with diagnostics records them "
    "from the branch on",
    "[strategy][diagnostics]") {
  const msim::Scenario before = scenario();
  const msim::Scenario after = scenario({"firms.Plain.strategy=diagnostics_probe_for_test"});
  msim::Market market(before);
  market.step();
  market.step();
  const std::size_t step_col = column(before, "probe_step");
  CHECK(std::isnan(market.metrics().diagnostics[step_col * 3 + 0]));
  market.branch(after);
  market.step();
  CHECK(market.metrics().diagnostics[step_col * 3 + 0] == 2.0);
  CHECK(market.metrics().diagnostics[step_col * 3 + 1] == 2.0);
}

TEST_CASE(
    "last().diagnostics has the used strategies' diagnostics, strategy by strategy in "
    "registry order",
    "[strategy][diagnostics]") {
  register_numbers();
  // bb and cc, not aa, which declares order_shared first: its place is in bb's list.
  const msim::Scenario sc =
      scenario({"firms.Plain.strategy=order_bb_for_test", "firms.Probed.strategy=order_cc_for_test",
                "firms.Another.strategy=mass"});
  std::vector<std::string> names;
  for (const auto& d : msim::scenario_diagnostics(sc)) names.push_back(d.name);
  CHECK(names == std::vector<std::string>{"order_b1", "order_shared", "order_c1"});
  CHECK(msim::diagnostics_used(sc) == names);
  msim::Market market(sc);
  market.step();
  market.step();
  const std::vector<double>& d = market.metrics().diagnostics;  // [k * F + j], F = 3
  REQUIRE(d.size() == 3 * 3);
  CHECK(d[0 * 3 + 0] == 1.0);  // Plain (bb): order_b1, its first
  CHECK(d[1 * 3 + 0] == 2.0);  // Plain (bb): order_shared, its second
  CHECK(d[2 * 3 + 1] == 1.0);  // Probed (cc): order_c1
  for (std::size_t k : {std::size_t{0}, std::size_t{1}}) CHECK(std::isnan(d[k * 3 + 1]));
  for (std::size_t k = 0; k < 3; ++k) CHECK(std::isnan(d[k * 3 + 2]));  // Another: mass
  // The file's datasets are declared in the same order.
  msim::MemoryRecorder rec;
  msim::run_simulation(sc, rec);
  std::vector<std::string> paths;
  for (const auto& series : rec.layout().series)
    if (series.path.rfind("/strategies/", 0) == 0) paths.push_back(series.path);
  CHECK(paths == std::vector<std::string>{"/strategies/order_b1", "/strategies/order_shared",
                                          "/strategies/order_c1"});
  // An experiment whose other runs use aa records its order_a1 too, after the run's own.
  msim::Scenario in_experiment = sc;
  in_experiment.diagnostics =
      std::vector<std::string>{"order_c1", "order_shared", "order_b1", "order_a1"};
  names.clear();
  for (const auto& d_ : msim::scenario_diagnostics(in_experiment)) names.push_back(d_.name);
  CHECK(names == std::vector<std::string>{"order_b1", "order_shared", "order_c1", "order_a1"});
}

TEST_CASE("a strategy that resizes plan.diagnostics is refused, named with its firm and step",
          "[strategy][diagnostics]") {
  const msim::Scenario sc = scenario({"firms.Plain.strategy=diagnostics_resizes_for_test"});
  msim::MemoryRecorder rec;
  CHECK_THROWS_WITH(msim::run_simulation(sc, rec),
                    Catch::Contains("diagnostics_resizes_for_test") &&
                        Catch::Contains("'Plain' at step 0: plan() resized") &&
                        Catch::Contains("resized plan.diagnostics to 2 values") &&
                        Catch::Contains("declares 1"));
}

TEST_CASE("plan.record() of a name the strategy did not declare names it, the firm and the step",
          "[strategy][diagnostics]") {
  const msim::Scenario sc = scenario({"firms.Plain.strategy=diagnostics_undeclared_for_test"});
  msim::MemoryRecorder rec;
  CHECK_THROWS_WITH(msim::run_simulation(sc, rec),
                    Catch::Contains("strategy 'diagnostics_undeclared_for_test' of firm 'Plain' "
                                    "at step 0: plan() threw: plan.record(\"oops\"): the "
                                    "strategy declares no diagnostic of that name (it declares "
                                    "fine;"));
}

TEST_CASE("every run of an experiment records the diagnostics that any of its runs uses",
          "[strategy][diagnostics][experiment]") {
  register_probes();
  const msim::Experiment ex = msim::plan_experiment([](const std::vector<std::string>& extra) {
    std::vector<std::string> all = {
        "experiment={replications: 1, sweep: {firms.Plain.strategy: [mass, "
        "diagnostics_resizes_for_test]}}"};
    all.insert(all.end(), extra.begin(), extra.end());
    return msim::load_scenario_text(kScenario, "diagnostics.yaml", all);
  });
  REQUIRE(ex.runs.size() == 2);
  for (const msim::Scenario* sc : {&ex.base, &ex.runs[0].scenario, &ex.runs[1].scenario}) {
    std::vector<std::string> names;
    for (const auto& d : msim::scenario_diagnostics(*sc)) names.push_back(d.name);
    CHECK(names == std::vector<std::string>{"probe_step", "probe_budget", "probe_resized"});
  }
  // The first design point alone would record only its own strategies' two.
  msim::Scenario alone = ex.runs[0].scenario;
  alone.diagnostics.reset();
  CHECK(msim::scenario_diagnostics(alone).size() == 2);
}

TEST_CASE(
    "register_strategy refuses diagnostics that cannot name a dataset, repeat, or "
    "disagree in units or meaning",
    "[strategy][diagnostics]") {
  register_probes();
  const auto attempt = [](std::string strategy, std::vector<msim::DiagnosticDoc> d) {
    msim::register_strategy(
        {std::move(strategy), "a test strategy", {}, make<Probe>, std::move(d)});
  };
  CHECK_THROWS_WITH(attempt("bad_name_for_test", {{"arm/value", "money", "x"}}),
                    Catch::Contains("diagnostic 'arm/value' is not a name of letters"));
  CHECK_THROWS_WITH(attempt("digit_for_test", {{"2nd", "money", "x"}}),
                    Catch::Contains("'2nd' is not a name"));
  CHECK_THROWS_WITH(attempt("empty_for_test", {{"", "money", "x"}}),
                    Catch::Contains("is not a name"));
  CHECK_THROWS_WITH(attempt("twice_for_test", {{"a", "money", "x"}, {"a", "money", "y"}}),
                    Catch::Contains("diagnostic 'a' is declared twice"));
  CHECK_THROWS_WITH(attempt("units_for_test", {{"probe_budget", "fraction", "x"}}),
                    Catch::Contains("has units 'fraction', but strategy "
                                    "'diagnostics_probe_for_test' records it in 'money per step'"));
  CHECK_THROWS_WITH(attempt("meaning_for_test", {{"probe_budget", "money per step", "profit"}}),
                    Catch::Contains("is described as 'profit', but strategy "
                                    "'diagnostics_probe_for_test' records it as 'a budget "
                                    "figure'") &&
                        Catch::Contains("give this one another name"));
  for (const char* name : {"bad_name_for_test", "digit_for_test", "empty_for_test",
                           "twice_for_test", "units_for_test", "meaning_for_test"})
    CHECK_THROWS(msim::find_strategy(name));  // none of them was registered
}

TEST_CASE("resuming with a program whose strategies record other diagnostics stops before any run",
          "[strategy][diagnostics][experiment]") {
  register_probes();
  msim::test::TempDir dir;
  const auto load = [](const std::vector<std::string>& extra) {
    std::vector<std::string> all = {"experiment={replications: 4}"};
    all.insert(all.end(), extra.begin(), extra.end());
    return msim::load_scenario_text(kScenario, "diagnostics.yaml", all);
  };
  const msim::Experiment ex = msim::plan_experiment(load);
  msim::ExperimentOptions killed;
  killed.concurrent_below = 0;  // one by one, so exactly two runs finish
  killed.stop_after_runs = 2;
  const auto first = msim::run_experiment(ex, dir / "e.h5", killed);
  REQUIRE(first.ran == 2);
  // The same scenario, as a program that records one more diagnostic would plan it.
  msim::Experiment other = ex;
  for (msim::PlannedRun& run : other.runs) run.scenario.diagnostics->push_back("probe_resized");
  msim::ExperimentOptions resume;
  resume.resume = true;
  REQUIRE_THROWS_WITH(msim::run_experiment(other, dir / "e.h5", resume),
                      Catch::Contains("--resume:") &&
                          Catch::Contains("without '/strategies/probe_resized', which this "
                                          "program records"));
  std::size_t kept = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "e.h5.runs"))
    kept += entry.path().extension() == ".h5" ? 1 : 0;
  CHECK(kept == 2);  // nothing ran, nothing was lost
  // The program that started it resumes it.
  CHECK(msim::run_experiment(ex, dir / "e.h5", resume).complete);
}

TEST_CASE("summarize --csv's market table carries the diagnostics, empty where none was recorded",
          "[strategy][diagnostics][csv]") {
  msim::test::TempDir dir;
  {
    auto rec = msim::make_hdf5_recorder((dir / "d.h5").string());
    msim::run_simulation(scenario(), *rec);
  }
  const msim::NamedTables tables = msim::run_csv_tables((dir / "d.h5").string());
  REQUIRE(tables.size() == 4);  // summary, market, categories, years
  const msim::ExperimentTable& market = tables[1].second;
  const auto col = [&](const std::string& name) {
    const auto at = std::find(market.columns.begin(), market.columns.end(), name);
    REQUIRE(at != market.columns.end());
    return static_cast<std::size_t>(at - market.columns.begin());
  };
  const std::size_t step = col("strategies/probe_step"), firm = col("firm");
  REQUIRE(market.rows.size() == 6 * 3);  // steps x firms
  for (const auto& row : market.rows) {
    INFO(row[0] << " " << row[firm]);
    if (row[firm] != "Probed" || row[0] == "3")
      CHECK(row[step].empty());  // mass and Another record none; Probed skips step 3
    else
      CHECK(row[step] == row[0]);  // Probed records the step it planned
  }
}
