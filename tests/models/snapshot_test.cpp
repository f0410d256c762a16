// The final snapshot: one row per consumer in /snapshot, whose columns agree with the recorded
// aggregates.
#include "models/snapshot.hpp"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <string>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/error.hpp"

using Catch::Contains;

namespace {

const std::string kTiny = std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml";

/// The index of column `name` in the recorded /snapshot.
std::size_t column(const msim::MemoryRecorder& rec, const std::string& name) {
  const int table = msim::snapshot_table(rec.layout());
  REQUIRE(table >= 0);
  const auto& columns = rec.layout().tables[static_cast<std::size_t>(table)].columns;
  std::size_t k = 0;
  while (k < columns.size() && columns[k].name != name) ++k;
  REQUIRE(k < columns.size());
  return k;
}

/// The integer column `name` of the recorded /snapshot.
const std::vector<std::int64_t>& ints(const msim::MemoryRecorder& rec, const std::string& name) {
  return std::get<std::vector<std::int64_t>>(rec.table("/snapshot").at(column(rec, name)));
}

/// The real-valued column `name` of the recorded /snapshot.
const std::vector<double>& reals(const msim::MemoryRecorder& rec, const std::string& name) {
  return std::get<std::vector<double>>(rec.table("/snapshot").at(column(rec, name)));
}

}  // namespace

TEST_CASE("snapshot: every consumer's purchases add up to the recorded units", "[snapshot]") {
  const msim::Scenario sc =
      msim::load_scenario_file(kTiny, {"consumers=3000", "output.snapshot.size=all"});
  REQUIRE(sc.output.snapshot_size == 3000);
  msim::MemoryRecorder rec;
  REQUIRE(msim::run_simulation(sc, rec).complete);
  const std::size_t F = sc.firms.size(), C = sc.categories.size();
  const auto& consumer = ints(rec, "consumer");
  REQUIRE(consumer.size() == 3000);
  for (std::size_t i = 0; i < consumer.size(); ++i) CHECK(consumer[i] == static_cast<int>(i));
  // Purchases by category and firm, summed over consumers = units summed over steps.
  const auto& purchases = ints(rec, "purchases");
  const auto& units = rec.series("/market/by_category/units");
  std::vector<double> recorded(C * F, 0.0), counted(C * F, 0.0);
  for (const auto& row : units)
    for (std::size_t k = 0; k < C * F; ++k) recorded[k] += row[k];
  for (std::size_t i = 0; i < 3000; ++i)
    for (std::size_t k = 0; k < C * F; ++k)
      counted[k] += static_cast<double>(purchases[i * C * F + k]);
  CHECK(counted == recorded);
  CHECK(std::accumulate(counted.begin(), counted.end(), 0.0) > 0);
  // Customers: consumers who bought from the firm at all = the recorded customers.
  const auto& since = ints(rec, "steps_since_purchase");
  const auto& customers = rec.series("/market/customers").back();
  for (std::size_t j = 0; j < F; ++j) {
    double n = 0;
    for (std::size_t i = 0; i < 3000; ++i) n += since[i * F + j] >= 0 ? 1 : 0;
    CHECK(n == customers[j]);
  }
  // Loyalty: the recorded mean among customers is the snapshot's exact mean (to 2e-4; the
  // tally rounds each consumer's loyalty to 1/256, and summing only the high byte was about 1e-3
  // low).
  const auto& loyalty = reals(rec, "loyalty");
  const auto& recorded_loyalty = rec.series("/market/loyalty").back();
  for (std::size_t j = 0; j < F; ++j) {
    double sum = 0, n = 0;
    for (std::size_t i = 0; i < 3000; ++i)
      if (since[i * F + j] >= 0) {
        sum += loyalty[i * F + j];
        ++n;
      }
    REQUIRE(n > 100);
    CHECK(recorded_loyalty[j] == Approx(sum / n).margin(2e-4));
  }
  // Segments as drawn.
  const auto& segment = ints(rec, "segment");
  CHECK(std::count(segment.begin(), segment.end(), 0) > 0);
  CHECK(*std::max_element(segment.begin(), segment.end()) ==
        static_cast<int>(sc.segments.size()) - 1);
}

TEST_CASE("snapshot: a sample is a fixed set of distinct consumers, and there is none by default",
          "[snapshot]") {
  const auto a = msim::snapshot_members(7, 10000, 500), b = msim::snapshot_members(7, 10000, 500);
  CHECK(a == b);
  CHECK(std::adjacent_find(a.begin(), a.end(), std::greater_equal<>()) == a.end());
  CHECK(a.back() < 10000);
  CHECK(msim::snapshot_members(8, 10000, 500) != a);
  CHECK(msim::snapshot_members(7, 50, 50).back() == 49);

  msim::MemoryRecorder none;
  REQUIRE(msim::run_simulation(msim::load_scenario_file(kTiny, {"consumers=500"}), none).complete);
  CHECK(msim::snapshot_table(none.layout()) == -1);
  msim::MemoryRecorder some;
  REQUIRE(msim::run_simulation(
              msim::load_scenario_file(kTiny, {"consumers=2000", "output.snapshot.size=300"}), some)
              .complete);
  CHECK(ints(some, "consumer").size() == 300);
  // The columns in consumers' own terms carry their units.
  const auto& columns =
      some.layout().tables[static_cast<std::size_t>(msim::snapshot_table(some.layout()))].columns;
  CHECK(columns[column(some, "ideal")].units == "preference space");
  CHECK(columns[column(some, "price_sensitivity")].units == "utility per unit of money");
}

TEST_CASE("snapshot: a bad size is reported at its key", "[snapshot]") {
  REQUIRE_THROWS_WITH(
      msim::load_scenario_file(kTiny, {"consumers=500", "output.snapshot.size=501"}),
      Contains("output.snapshot.size") && Contains("at most the number of consumers (500)"));
  REQUIRE_THROWS_WITH(msim::load_scenario_file(kTiny, {"output.snapshot.size=some"}),
                      Contains("output.snapshot.size"));
  REQUIRE_THROWS_WITH(msim::load_scenario_file(kTiny, {"output.snapshot=5"}),
                      Contains("{size: all}"));
}
