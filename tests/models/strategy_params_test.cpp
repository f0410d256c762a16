// A strategy's parameters at every level: a key inside a map parameter that the strategy's
// factory did not ask for is unknown, as one beside `strategy:` is, whether or not the strategy
// calls finish() on the map; and what write_params() writes must give the run back, key path by
// key path, and load again through the factory.
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/experiment.hpp"
#include "models/scenario_load.hpp"
#include "models/strategy.hpp"
#include "sim/config.hpp"
#include "sim/error.hpp"
#include "sim/yaml_writer.hpp"

using Catch::Contains;
using msim::InputError;

namespace {

/// How a test strategy's write_params() goes wrong.
enum class Writes { all, without_start, gian, zero_gain };

/// Reads `schedule: {start, every, window: {from, to}}`, `arms: [{markup}, ...]` and `gain`, as
/// a researcher's strategy would: find() and get_*, never finish() on the maps.
class Scheduled final : public msim::Strategy {
 public:
  Scheduled(const msim::StrategyContext& ctx, Writes writes) : writes_(writes) {
    if (auto s = ctx.node.find("schedule")) {
      start_ = s->get_int("start", 0, msim::range::non_negative());
      every_ = s->get_int("every", 1, msim::range::closed(1, 100));
      if (auto w = s->find("window")) {
        window_ = true;
        from_ = w->get_int("from", 0);
        to_ = w->get_int("to", 10);
      }
    }
    if (auto a = ctx.node.find("arms"))
      for (const msim::Config& arm : a->items())
        arms_.push_back(arm.get_double("markup", 0.3, msim::range::closed(0, 10)));
    gain_ = ctx.node.get_double("gain", 1.0, msim::range::positive());
  }
  std::unique_ptr<msim::Strategy> clone() const override {
    return std::make_unique<Scheduled>(*this);
  }
  void plan(const msim::MarketView&, msim::FirmPlan&) override {}
  void write_params(msim::YamlWriter& out) const override {
    out.key("schedule").begin_map();
    if (writes_ != Writes::without_start) out.key("start").value(start_);
    out.key("every").value(every_);
    if (window_) {
      out.key("window").begin_map();
      out.key("from").value(from_);
      out.key("to").value(to_);
      out.end_map();
    }
    out.end_map();
    if (!arms_.empty()) {
      out.key("arms").begin_list();
      for (double m : arms_) {
        out.begin_map();
        out.key("markup").value(m);
        out.end_map();
      }
      out.end_list();
    }
    out.key(writes_ == Writes::gian ? "gian" : "gain")
        .value(writes_ == Writes::zero_gain ? 0.0 : gain_);
  }

 private:
  Writes writes_;
  std::int64_t start_ = 0, every_ = 1, from_ = 0, to_ = 10;
  bool window_ = false;
  std::vector<double> arms_;
  double gain_ = 1.0;
};

template <Writes W>
std::unique_ptr<msim::Strategy> make(const msim::StrategyContext& ctx) {
  return std::make_unique<Scheduled>(ctx, W);
}

void register_scheduled() {
  static const bool once = [] {
    msim::register_strategy({"scheduled_for_test", "a test strategy", {}, make<Writes::all>});
    msim::register_strategy(
        {"scheduled_without_start_for_test", "a test strategy", {}, make<Writes::without_start>});
    msim::register_strategy({"scheduled_gian_for_test", "a test strategy", {}, make<Writes::gian>});
    msim::register_strategy(
        {"scheduled_zero_gain_for_test", "a test strategy", {}, make<Writes::zero_gain>});
    return true;
  }();
  (void)once;
}

/// A market with one firm of `strategy`, its entry ending with `params` (line 16 on).
std::string scenario(const std::string& strategy, const std::string& params) {
  return R"(name: strategy params
seed: 3
consumers: 1000
steps: 3
categories:
  - {name: snacks, base_cost: 1.0}
segments:
  - name: everyone
    share: 1.0
    ideal: {mean: [0, 0], sd: [0.5, 0.5]}
    purchase_rate: {snacks: {mean: 0.5, shape: 1.0}}
firms:
  - name: Own
    budget_per_year: 1.0e5
    strategy: )" +
         strategy + "\n" + params;
}

msim::Scenario load(const std::string& strategy, const std::string& params,
                    const std::vector<std::string>& overrides = {}) {
  register_scheduled();
  return msim::load_scenario_text(scenario(strategy, params), "own.yaml", overrides);
}

}  // namespace

TEST_CASE("a key inside a strategy's map parameter that its factory did not read is unknown",
          "[scenario][strategy]") {
  const std::string s = "scheduled_for_test";
  CHECK_NOTHROW(load(s, "    schedule: {start: 5, every: 3}\n"));
  CHECK_NOTHROW(load(s, "    schedule: {every: 3, window: {from: 1, to: 2}}\n    arms: [{}]\n"));
  // As finish() reports one beside `strategy:`: file, line and column of the key, its key path,
  // and the nearest key read.
  CHECK_THROWS_AS(load(s, "    schedule: {strat: 5, every: 3}\n"), InputError);
  CHECK_THROWS_WITH(load(s, "    schedule: {strat: 5, every: 3}\n"),
                    "own.yaml:16:16: key 'firms.Own.schedule.strat': unknown key 'strat' (did "
                    "you mean 'start'?)");
  // Deeper, and in the items of a list: the first such key in the file.
  CHECK_THROWS_WITH(
      load(s,
           "    schedule:\n      every: 3\n      window: {from: 1, too: 2}\n"
           "    arms: [{markup: 0.2}, {mrkup: 0.4}]\n"),
      "own.yaml:18:25: key 'firms.Own.schedule.window.too': unknown key 'too' (did you mean "
      "'to'?)");
  CHECK_THROWS_WITH(load(s, "    arms: [{markup: 0.2}, {mrkup: 0.4}]\n"),
                    Contains("key 'firms.Own.arms.1.mrkup': unknown key 'mrkup' (did you mean "
                             "'markup'?)"));
  // Set from the command line, the --set is named.
  CHECK_THROWS_WITH(load(s, "", {"firms.Own.schedule={strat: 5}"}),
                    Contains("--set 'firms.Own.schedule={strat: 5}': key "
                             "'firms.Own.schedule.strat': unknown key 'strat' (did you mean "
                             "'start'?)"));
  // A map under a key nothing read is the key's error, as before.
  CHECK_THROWS_WITH(load(s, "    schedul: {start: 5}\n"),
                    Contains("key 'firms.Own.schedul': unknown key 'schedul' (did you mean "
                             "'schedule'?)"));
}

TEST_CASE("an experiment that sweeps a key its firm's strategy does not read is refused",
          "[scenario][strategy][experiment]") {
  register_scheduled();
  // The sweep would vary nothing: every design point would be the same run.
  const auto plan = [](const std::string& sweep_key) {
    return msim::plan_experiment([&](const std::vector<std::string>& extra) {
      std::vector<std::string> all = {"experiment={replications: 1, sweep: {" + sweep_key +
                                      ": [1, 2]}}"};
      all.insert(all.end(), extra.begin(), extra.end());
      return msim::load_scenario_text(
          scenario("scheduled_for_test", "    schedule: {start: 0, every: 3}\n"), "own.yaml", all);
    });
  };
  CHECK(plan("firms.Own.schedule.start").runs.size() == 2);
  CHECK_THROWS_AS(plan("firms.Own.schedule.strat"), InputError);
  CHECK_THROWS_WITH(plan("firms.Own.schedule.strat"),
                    Contains("key 'firms.Own.schedule.strat': unknown key 'strat' (did you mean "
                             "'start'?)"));
}

TEST_CASE("write_params() must write back every key path read, and what it writes must load",
          "[scenario][strategy]") {
  // What the factory read and write_params() writes back reruns the run from /scenario.
  const msim::Scenario sc =
      load("scheduled_for_test",
           "    schedule: {start: 2, every: 3, window: {from: 1, to: 2}}\n    arms: [{markup: "
           "0.2}, {markup: 0.4}]\n    gain: 2\n");
  const msim::Scenario again = msim::load_scenario_text(msim::resolved_yaml(sc), "resolved");
  CHECK(msim::resolved_yaml(again) == msim::resolved_yaml(sc));

  // A key inside a map parameter that write_params() leaves out: the rerun would take its
  // default.
  const std::string without = "scheduled_without_start_for_test";
  CHECK_NOTHROW(load(without, "    schedule: {every: 3}\n"));  // the default again: nothing lost
  CHECK_THROWS_AS(load(without, "    schedule: {start: 2, every: 3}\n"), std::logic_error);
  CHECK_THROWS_WITH(load(without, "    schedule: {start: 2, every: 3}\n"),
                    "strategy 'scheduled_without_start_for_test' of firm 'Own' reads "
                    "schedule.start but its write_params() does not write it, so the recorded "
                    "/scenario would not rerun this run (a fault in the strategy's code, not in "
                    "the scenario)");

  // A misspelt written key: /scenario would not load, whether or not the scenario gives `gain`.
  const std::string gian = "scheduled_gian_for_test";
  CHECK_THROWS_AS(load(gian, ""), std::logic_error);
  CHECK_THROWS_WITH(load(gian, ""),
                    "strategy 'scheduled_gian_for_test' of firm 'Own' writes gian (did you mean "
                    "'gain'?) in write_params() but its factory does not read it, so the "
                    "recorded /scenario would not load: the scenario would call it unknown (a "
                    "fault in the strategy's code, not in the scenario)");
  CHECK_THROWS_WITH(load(gian, "    gain: 2\n"),
                    Contains("reads gain but its write_params() does not write it"));

  // A written value the factory refuses.
  CHECK_THROWS_AS(load("scheduled_zero_gain_for_test", ""), std::logic_error);
  CHECK_THROWS_WITH(load("scheduled_zero_gain_for_test", ""),
                    Contains("strategy 'scheduled_zero_gain_for_test' of firm 'Own' refuses what "
                             "its write_params() writes, so the recorded /scenario would not "
                             "load: ") &&
                        Contains("key 'gain': got \"0\", expected a number > 0"));
}
