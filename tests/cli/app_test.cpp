// msim::cli::main as a library: a program that registers a strategy of its own gets every
// command with it (examples/custom_cli.cpp does this).
#include "cli/app.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/temp_dir.hpp"

#include "models/strategy.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/yaml_writer.hpp"
#include "tests/plan_helpers.hpp"

namespace {

/// Everything on mass media, one product per category at the population mean.
class AllMass final : public msim::Strategy {
 public:
  std::unique_ptr<msim::Strategy> clone() const override {
    return std::make_unique<AllMass>(*this);
  }
  void plan(const msim::MarketView& view, msim::FirmPlan& plan) override {
    msim::test::offer_at_mean(view, plan);
    plan.mass_spend = view.budget;
  }
  void write_params(msim::YamlWriter&) const override {}
};

/// AllMass until step `Step`, where its plan() throws: a fault in a user's strategy.
template <int Step>
class FailsAtStep final : public msim::Strategy {
 public:
  std::unique_ptr<msim::Strategy> clone() const override {
    return std::make_unique<FailsAtStep>(*this);
  }
  void plan(const msim::MarketView& view, msim::FirmPlan& plan) override {
    if (view.step == Step) throw std::runtime_error("fails_at_step: a deliberate fault");
    msim::test::offer_at_mean(view, plan);
    plan.mass_spend = view.budget;
  }
  void write_params(msim::YamlWriter&) const override {}
};

/// AllMass, but making the market's copy of it (before the first step) is interrupted by Ctrl-C:
/// the SIGINT comes while the population is drawn.
class InterruptedWhenCopied final : public msim::Strategy {
 public:
  std::unique_ptr<msim::Strategy> clone() const override {
    std::raise(SIGINT);
    return std::make_unique<InterruptedWhenCopied>(*this);
  }
  void plan(const msim::MarketView& view, msim::FirmPlan& plan) override {
    msim::test::offer_at_mean(view, plan);
    plan.mass_spend = view.budget;
  }
  void write_params(msim::YamlWriter&) const override {}
};

/// SIGINTs that reached this program's own handler (outside the run's, which replaces it).
std::atomic<int> g_own_sigints{0};
extern "C" void count_sigint(int) {
  g_own_sigints.fetch_add(1);
}

int run_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "marketsim");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return msim::cli::main(static_cast<int>(argv.size()), argv.data());
}

/// A market of 2,000 consumers and one category, whose firm Own follows `strategy`; more firms
/// may follow, as items of its `firms:` list.
std::string small_market(int steps, const std::string& strategy) {
  return "consumers: 2000\nsteps: " + std::to_string(steps) +
         "\ncategories: [{name: c, base_cost: 1}]\n"
         "segments: [{name: s, share: 1, ideal: {mean: [0, 0], sd: [1, 1]}, "
         "purchase_rate: {c: {mean: 0.5}}}]\n"
         "firms:\n  - {name: Own, strategy: " +
         strategy + ", budget_per_year: 5000}\n";
}

/// What run_cli returned, and what it printed on stderr.
struct Said {
  int code;
  std::string err;
};

/// run_cli with what it prints on stderr (file descriptor 2) caught in `file` and read back.
Said run_cli_stderr_to(std::vector<std::string> args, const std::string& file) {
  std::fflush(stderr);
  const int saved = dup(2);
  const int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(fd, 2);
  close(fd);
  const int rc = run_cli(std::move(args));
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  std::ifstream in(file);
  return {rc, std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>())};
}

}  // namespace

TEST_CASE("cli::main runs, validates and lists a strategy its program registered", "[cli]") {
  msim::register_strategy({"all_mass_for_test", "a test strategy", {}, [](const auto&) {
                             return std::unique_ptr<msim::Strategy>(std::make_unique<AllMass>());
                           }});
  msim::test::TempDir dir;
  const std::string yaml = dir.file("s.yaml"), out = dir.file("s.h5");
  std::ofstream(yaml) << small_market(4, "all_mass_for_test") +
                             "  - {name: Other, strategy: mass, budget_per_year: 5000}\n";
  CHECK(run_cli({"validate", yaml}) == 0);
  CHECK(run_cli({"run", yaml, "-o", out, "--quiet"}) == 0);
  REQUIRE(std::filesystem::exists(out));
  CHECK(msim::Hdf5Reader(out).strings("/firms/strategy") ==
        std::vector<std::string>{"all_mass_for_test", "mass"});
  // Bad input is refused as by marketsim itself: exit 2, nothing written.
  CHECK(run_cli({"run", yaml, "-o", dir.file("bad.h5"), "--quiet", "--set",
                 "firms.Own.budget_per_year=-1"}) == 2);
  CHECK_FALSE(std::filesystem::exists(dir.file("bad.h5")));
}

TEST_CASE("a strategy's fault ends the run with exit 1 and keeps the steps before it", "[cli]") {
  msim::register_strategy({"fails_at_step_2", "a test strategy that throws", {}, [](const auto&) {
                             return std::unique_ptr<msim::Strategy>(
                                 std::make_unique<FailsAtStep<2>>());
                           }});
  msim::test::TempDir dir;
  const std::string yaml = dir.file("f.yaml"), out = dir.file("f.h5");
  std::ofstream(yaml) << small_market(6, "fails_at_step_2");
  const std::string err = dir.file("stderr.txt");
  const auto [code, said] = run_cli_stderr_to({"run", yaml, "-o", out, "--quiet"}, err);
  CHECK(code == 1);
  INFO(said);
  CHECK_THAT(said, Catch::Contains("internal error: strategy 'fails_at_step_2' of firm 'Own'") &&
                       Catch::Contains("the 2 steps finished before the error are in '" + out +
                                       ".partial' (complete=0)"));
  CHECK_FALSE(std::filesystem::exists(out));  // never renamed into place as if complete
  // The steps before the fault, in a valid file that says it is not complete.
  REQUIRE(std::filesystem::exists(out + ".partial"));
  const msim::Hdf5Reader in(out + ".partial");
  CHECK(std::get<std::int64_t>(in.attribute("complete")) == 0);
  CHECK(std::get<std::int64_t>(in.attribute("steps_done")) == 2);
  CHECK(in.table("/market/units").shape == std::vector<std::size_t>{2, 1});
}

TEST_CASE("a strategy's fault in the first step says no step finished, and leaves no file",
          "[cli]") {
  msim::register_strategy({"fails_at_step_0", "a test strategy that throws", {}, [](const auto&) {
                             return std::unique_ptr<msim::Strategy>(
                                 std::make_unique<FailsAtStep<0>>());
                           }});
  msim::test::TempDir dir;
  const std::string yaml = dir.file("f.yaml"), out = dir.file("f.h5");
  std::ofstream(yaml) << small_market(6, "fails_at_step_0");
  const std::string err = dir.file("stderr.txt");
  const auto [code, said] = run_cli_stderr_to({"run", yaml, "-o", out, "--quiet"}, err);
  CHECK(code == 1);
  INFO(said);
  CHECK_THAT(said, Catch::Contains("internal error: strategy 'fails_at_step_0' of firm 'Own'") &&
                       Catch::Contains("no step finished before the error, so nothing was kept") &&
                       !Catch::Contains("steps finished before the error are in"));
  CHECK_FALSE(std::filesystem::exists(out));
  CHECK_FALSE(std::filesystem::exists(out + ".partial"));  // it held no step
  // Nothing is in the way of the next run.
  msim::register_strategy({"all_mass_again", "a test strategy", {}, [](const auto&) {
                             return std::unique_ptr<msim::Strategy>(std::make_unique<AllMass>());
                           }});
  std::ofstream(yaml) << small_market(6, "all_mass_again");
  CHECK(run_cli({"run", yaml, "-o", out, "--quiet"}) == 0);
}

TEST_CASE("a strategy's fault in an experiment names the run and keeps the runs that finished",
          "[cli]") {
  msim::register_strategy({"fails_at_step_3", "a test strategy that throws", {}, [](const auto&) {
                             return std::unique_ptr<msim::Strategy>(
                                 std::make_unique<FailsAtStep<3>>());
                           }});
  msim::register_strategy({"all_mass_in_experiment", "a test strategy", {}, [](const auto&) {
                             return std::unique_ptr<msim::Strategy>(std::make_unique<AllMass>());
                           }});
  msim::test::TempDir dir;
  const std::string yaml = dir.file("f.yaml"), out = dir.file("f.h5");
  // Design point 1 switches Own to the strategy that throws; one thread runs the runs in order,
  // so runs 0 and 1 (design point 0) finish before run 2 fails.
  std::ofstream(yaml) << small_market(6, "all_mass_in_experiment") +
                             "experiment:\n  replications: 2\n  sweep: {firms.Own.strategy: "
                             "[all_mass_in_experiment, fails_at_step_3]}\n";
  const std::string err = dir.file("stderr.txt");
  const auto [code, said] =
      run_cli_stderr_to({"run", yaml, "-o", out, "--quiet", "--threads", "1"}, err);
  CHECK(code == 1);
  INFO(said);
  CHECK_THAT(said, Catch::Contains("internal error: run 2 (design point 1: "
                                   "firms.Own.strategy=fails_at_step_3; replication 0; seed ") &&
                       Catch::Contains("): strategy 'fails_at_step_3' of firm 'Own' at step 3") &&
                       Catch::Contains("2 of 4 runs are finished and kept in '" + out +
                                       ".runs': run the same command with --resume added to "
                                       "continue from them"));
  CHECK_FALSE(std::filesystem::exists(out));
  CHECK(std::filesystem::exists(out + ".runs/00000.h5"));
  CHECK(std::filesystem::exists(out + ".runs/00001.h5"));
}

TEST_CASE("Ctrl-C before the first step finished keeps nothing, and the next run runs in full",
          "[cli]") {
  msim::register_strategy({"interrupted_when_copied", "a test strategy", {}, [](const auto&) {
                             return std::unique_ptr<msim::Strategy>(
                                 std::make_unique<InterruptedWhenCopied>());
                           }});
  msim::register_strategy({"all_mass_after_interrupt", "a test strategy", {}, [](const auto&) {
                             return std::unique_ptr<msim::Strategy>(std::make_unique<AllMass>());
                           }});
  msim::test::TempDir dir;
  const std::string yaml = dir.file("i.yaml"), out = dir.file("i.h5");
  std::ofstream(yaml) << small_market(6, "interrupted_when_copied");
  const auto before = std::signal(SIGINT, count_sigint);
  const auto [code, said] = run_cli_stderr_to({"run", yaml, "-o", out, "--quiet"}, dir.file("e"));
  CHECK(code == 130);
  CHECK(said == "interrupted before the first of the 6 steps finished; nothing was kept\n");
  // A file with no step would hold nothing to look into, and make the next run ask for --force.
  CHECK_FALSE(std::filesystem::exists(out + ".partial"));
  CHECK_FALSE(std::filesystem::exists(out));
  // The run's handler caught the SIGINT and gave this program's back.
  CHECK(g_own_sigints.load() == 0);
  CHECK(std::signal(SIGINT, before) == count_sigint);

  // The same program runs again, in full: the interruption was the earlier run's only.
  std::ofstream(yaml) << small_market(6, "all_mass_after_interrupt");
  const std::string next = dir.file("next.h5");
  CHECK(run_cli({"run", yaml, "-o", next, "--quiet"}) == 0);
  REQUIRE(std::filesystem::exists(next));
  CHECK(std::get<std::int64_t>(msim::Hdf5Reader(next).attribute("steps_done")) == 6);
}
