// clone() copies a strategy as it is now, what it learned included: the engine copies a running
// market through it (an experiment's branch_at copies the history's market for every design
// point), and a copy that changes nothing must go on exactly as the original.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/simulation.hpp"
#include "models/strategy.hpp"
#include "strategy_scenarios.hpp"
#include "tests/plan_helpers.hpp"
#include "tests/same_bits.hpp"

namespace {

using Rows = std::vector<std::vector<std::vector<double>>>;

/// The metric rows of the steps from where `m` is to the end of the run.
Rows run_to_end(msim::Market& m, std::int64_t steps) {
  Rows rows;
  while (m.steps_done() < steps) {
    m.step();
    rows.push_back(msim::metric_rows(m.metrics()));
  }
  return rows;
}

/// Whether a copy of a market of `sc` made after `at` steps goes on as the market itself.
bool copy_goes_on_the_same(const msim::Scenario& sc, int at) {
  msim::Market original(sc);
  for (int t = 0; t < at; ++t) original.step();
  msim::Market copy = original;  // the strategies through clone()
  const Rows ahead = run_to_end(original, sc.steps);
  const Rows copied = run_to_end(copy, sc.steps);
  REQUIRE(ahead.size() == static_cast<std::size_t>(sc.steps - at));
  return msim::test::same_bits(ahead, copied);
}

/// Mass media on alternate steps, counting the steps it planned: state that its clone() keeps
/// (`Keeps`, as std::make_unique<T>(*this) does) or drops (a fresh copy with the same
/// parameters).
template <bool Keeps>
class Alternating final : public msim::Strategy {
 public:
  std::unique_ptr<msim::Strategy> clone() const override {
    if constexpr (Keeps) return std::make_unique<Alternating>(*this);
    return std::make_unique<Alternating>();
  }
  void plan(const msim::MarketView& view, msim::FirmPlan& plan) override {
    msim::test::offer_at_mean(view, plan);
    plan.mass_spend = planned_ % 2 == 0 ? view.budget : 0.0;
    ++planned_;
  }
  void write_params(msim::YamlWriter&) const override {}

 private:
  std::int64_t planned_ = 0;
};

std::vector<std::string> registry_names() {
  std::vector<std::string> out;
  for (const auto& info : msim::strategy_registry()) out.push_back(info.name);
  return out;
}

}  // namespace

TEST_CASE("every strategy: a copy of a running market goes on exactly as the market itself",
          "[strategies][invariants]") {
  const std::string strategy = GENERATE(from_range(registry_names()));
  INFO("strategy under test: " << strategy);
  // adaptive reviews its split every 4 steps: 9 steps in, it has learned from two reviews.
  const msim::Scenario sc =
      msim::test::load_market(msim::test::market_text(msim::test::firms_block(strategy)));
  CHECK(copy_goes_on_the_same(sc, 9));
}

TEST_CASE("a strategy whose clone() drops its state makes a copied market go its own way",
          "[strategies][invariants]") {
  // What the test above would find in a strategy whose clone() starts it afresh.
  msim::Scenario sc =
      msim::test::load_market(msim::test::market_text(msim::test::firms_block("mass")));
  sc.firms[0].prototype = std::make_unique<Alternating<true>>();
  CHECK(copy_goes_on_the_same(sc, 3));
  sc.firms[0].prototype = std::make_unique<Alternating<false>>();
  CHECK_FALSE(copy_goes_on_the_same(sc, 3));
}

TEST_CASE("the examples' strategies clone themselves as they are", "[strategies][invariants]") {
  // Their programs register them (examples/*.cpp), out of this test's reach: their clone() must
  // be the copy of *this that the documentation asks for.
  const std::regex clone(R"(clone\(\) const override \{\s*return ([^;]*);)");
  const std::regex copy(R"(std::make_unique<(\w+)>\(\*this\))");
  int strategies = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(MARKETSIM_SOURCE_DIR) + "/examples")) {
    if (entry.path().extension() != ".cpp") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string source = text.str();
    for (std::sregex_iterator it(source.begin(), source.end(), clone), end; it != end; ++it) {
      INFO(entry.path().filename().string() << ": clone() returns " << (*it)[1].str());
      CHECK(std::regex_match((*it)[1].str(), copy));
      ++strategies;
    }
  }
  CHECK(strategies >= 4);  // custom_strategy, custom_cli, hotelling, learning_strategy
}
