// Early failures (DESIGN.md §1 "Durables and obsolescence"; models/kernel_records.hpp): a
// failure is early when the product fails younger than the category's reference_life. A product
// that fails at exactly the reference life is not early. Kettles with a Weibull lifetime of shape
// 20 and scale 1 fail after max(1, ceil(life)) steps: at age 1 or 2, never older.
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/scenario_load.hpp"

namespace {

const std::string kKettles = R"(
name: early failures
seed: 8
consumers: 3000
steps: 12
market: {outside_utility: -1.0, initial_awareness: 0.5}
categories:
  - {name: kettle, kind: durable, base_cost: 2.0, lifetime: {shape: 20, scale: 1},
     reference_life: 2}
segments:
  - name: all
    share: 1
    ideal: {mean: [0, 0], sd: [0.5, 0.5]}
    purchase_rate: {kettle: {mean: 0.4}}
firms:
  - {name: Maker, strategy: mass, budget_per_year: 20000}
)";

struct Failures {
  double all = 0.0, early = 0.0, at_age_2 = 0.0;
};

/// Failures over the run, early ones, and those at age 2 (from each step's mean age).
Failures run(const std::vector<std::string>& overrides) {
  msim::Market market(msim::load_scenario_text(kKettles, "kettles.yaml", overrides));
  Failures f;
  for (int t = 0; t < 12; ++t) {
    market.step();
    const msim::StepMetrics& m = market.metrics();
    const double failed = m.failures.firm[0], age = m.mean_failure_age.firm[0];
    INFO("step " << t << ": " << failed << " failures, mean age " << age);
    if (failed > 0) {
      CHECK(age >= 1.0);
      CHECK(age <= 2.0);
    }
    // Ages 1 and 2 only: the number at age 2 is failures * (mean age - 1), a whole number.
    const double old = std::round(failed * (age - 1.0));
    CHECK(failed * (age - 1.0) == Approx(old).margin(1e-6));
    f.all += failed;
    f.early += m.early_failures.firm[0];
    f.at_age_2 += old;
    CHECK(m.early_failures.by_category[0] == m.early_failures.firm[0]);
  }
  return f;
}

}  // namespace

TEST_CASE("early failures: a product that fails at exactly the reference life is not early",
          "[durables]") {
  // Reference life 2: those failing at age 1 are early, those at age 2 are not.
  const Failures two = run({});
  INFO(two.all << " failures, " << two.at_age_2 << " at age 2, " << two.early << " early");
  REQUIRE(two.at_age_2 > 20);
  REQUIRE(two.all - two.at_age_2 > 20);
  CHECK(two.early == two.all - two.at_age_2);
  // Reference life 1: no product fails younger than a step, so none is early.
  const Failures one = run({"categories.kettle.reference_life=1"});
  REQUIRE(one.all > 40);
  CHECK(one.early == 0.0);
}
