// msim::cli::main as a library: a program that registers a strategy of its own gets every
// command with it (examples/custom_cli.cpp does this).
#include "cli/app.hpp"

#include <filesystem>
#include <fstream>
#include <memory>
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

int run_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "marketsim");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return msim::cli::main(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_CASE("cli::main runs, validates and lists a strategy its program registered", "[cli]") {
  msim::register_strategy({"all_mass_for_test", "a test strategy", {}, [](const auto&) {
                             return std::unique_ptr<msim::Strategy>(std::make_unique<AllMass>());
                           }});
  msim::test::TempDir dir;
  const std::string yaml = dir.file("s.yaml"), out = dir.file("s.h5");
  std::ofstream(yaml) << "consumers: 2000\nsteps: 4\ncategories: [{name: c, base_cost: 1}]\n"
                         "segments: [{name: s, share: 1, ideal: {mean: [0, 0], sd: [1, 1]}, "
                         "purchase_rate: {c: {mean: 0.5}}}]\n"
                         "firms:\n  - {name: Own, strategy: all_mass_for_test, "
                         "budget_per_year: 5000}\n  - {name: Other, strategy: mass, "
                         "budget_per_year: 5000}\n";
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
