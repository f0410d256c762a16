// Custom command line: your own marketsim, with a strategy of your own beside the built-in ones.
//
// The whole command line (run, validate, summarize, strategies; HDF5 output, experiments,
// --set, --resume and the error messages) is msim::cli::main in the marketsim::cli library.
// Register strategies first, then hand it the arguments:
//
//   build/release/examples/marketsim_example_custom_cli strategies
//   build/release/examples/marketsim_example_custom_cli run examples/pulsing.yaml -o pulsing.h5
//
// "pulsing" is flighting, a textbook media schedule: the step's whole budget on mass media for
// `on` steps of every `period`, nothing in between (money not spent in a step is not carried
// over), so the same reach is bought in bursts that adstock carries through the gaps.
#include <Eigen/Core>

#include <memory>

#include "cli/app.hpp"
#include "models/strategy.hpp"
#include "sim/config.hpp"
#include "sim/yaml_writer.hpp"

namespace {

class Pulsing final : public msim::Strategy {
 public:
  Pulsing(std::int64_t on, std::int64_t period, double markup)
      : on_(on), period_(period), markup_(markup) {}
  std::unique_ptr<msim::Strategy> clone() const override {
    return std::make_unique<Pulsing>(*this);
  }

  void plan(const msim::MarketView& view, msim::FirmPlan& plan) override {
    for (int c : view.self().categories) {  // one product per category, at the population mean
      msim::Product p;
      p.category = c;
      p.position = view.population_mean;
      p.quality = view.self().quality;
      p.markup = markup_;
      plan.products.push_back(p);
    }
    const bool burst = view.step % period_ < on_;
    if (burst) plan.mass_spend = view.budget;  // a burst, else silence
    plan.record("burst", burst ? 1.0 : 0.0);   // declared in main(); /strategies/burst
  }

  void write_params(msim::YamlWriter& out) const override {
    out.key("on").value(on_).key("period").value(period_).key("markup").value(markup_);
  }

 private:
  std::int64_t on_, period_;
  double markup_;
};

std::unique_ptr<msim::Strategy> make_pulsing(const msim::StrategyContext& ctx) {
  const std::int64_t period = ctx.node.get_int("period", 8, msim::range::closed(1, 1000));
  const std::int64_t on = ctx.node.get_int("on", 2, msim::range::closed(1, 1000));
  if (on > period) ctx.node.child("on").fail_expected("at most `period` steps");
  return std::make_unique<Pulsing>(
      on, period, ctx.node.get_double("markup", 0.3, msim::range::closed(0.0, 100.0)));
}

}  // namespace

int main(int argc, char** argv) {
  msim::register_strategy(
      {"pulsing",
       "flighting: the step's budget on mass media in bursts of `on` steps every `period`",
       {{"on", "integer", "2", "steps", "steps of each period with advertising"},
        {"period", "integer", "8", "steps", "length of the cycle"},
        {"markup", "number in [0, 100]", "0.3", "fraction of unit cost", "cost-plus markup"}},
       make_pulsing,
       {{"burst", "flag", "1 in a step of a burst of advertising, 0 in a gap"}}});
  return msim::cli::main(argc, argv);
}
