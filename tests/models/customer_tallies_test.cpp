// The end-of-step customer tallies have two paths (models/consumer_kernel.cpp): whole chunks of
// 16 consumers in markets of at most four segments are counted at once (models/chunk_tallies.hpp),
// and every other consumer one at a time (KernelRecords::tally in models/kernel_records.hpp): in
// markets of more than four segments, and in the part chunk at the end of a block. Both must
// count as the consumers' own records do: a consumer's `since` byte for a firm is 0 (never
// bought) or 1 + the steps since its last purchase; active customers bought within wom_window
// steps, a customer lapses in the step its `since` reaches wom_window + 1, and loyalty is each
// consumer's L rounded to 1/256, over the firm's customers. Awareness (goodwill of at least 1, or
// some loyalty) is counted by segment before the consumers shop, which in a market of staples
// changes neither (a consumer chooses among the firms it is aware of, and a past buyer's loyalty
// stays above 0); a one-to-one firm's CRM profiles (consumers with a profile of depth 1 or more)
// are counted at the end of the step, and its next plan reads them.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/population.hpp"
#include "models/scenario_load.hpp"

namespace {

/// A market of `consumers` in `segments` alike segments; wom_window 3 so that customers lapse
/// often.
std::string market(int segments, int consumers) {
  std::string text = "name: tallies\nseed: 13\nconsumers: " + std::to_string(consumers) +
                     "\nsteps: 20\n"
                     "market: {outside_utility: -1.0, initial_awareness: 0.2, wom_window: 3}\n"
                     "categories: [{name: snacks, base_cost: 1.0}]\nsegments:\n";
  for (int s = 0; s < segments; ++s)
    text += "  - {name: s" + std::to_string(s) + ", share: " + std::to_string(1.0 / segments) +
            ", ideal: {mean: [" + std::to_string(0.2 * s) +
            ", 0], sd: [0.5, 0.5]}, purchase_rate: {snacks: {mean: 0.3}}}\n";
  text +=
      "firms:\n"
      "  - {name: A, strategy: mass, budget_per_year: 5000}\n"
      "  - {name: B, strategy: mass, budget_per_year: 3000, position: [0.5, 0.0]}\n"
      // Spends on contacts what reaches every profile, profiles x cost_per_contact, which is
      // well below its budget: its direct spend is last step's profile count x 1e-5.
      "  - {name: C, strategy: one_to_one, direct_share: 1.0, cost_per_contact: 1e-5,\n"
      "     budget_per_year: 2000}\n";
  return text;
}

/// Runs 20 steps and checks every step's active and lost customers, loyalty and awareness by
/// segment of each firm, and the one-to-one firm's profiles, against the consumers' records;
/// returns the lapses seen.
double check_against_consumers(const msim::Scenario& sc, std::size_t block_size) {
  msim::Market m(sc, msim::EngineOptions{block_size});
  const msim::Population& p = m.population();
  const std::uint32_t window = 3;
  const std::size_t crm_firm = p.firms - 1, col = static_cast<std::size_t>(m.crm_column(crm_firm));
  REQUIRE(m.crm_column(crm_firm) >= 0);
  std::size_t segments = 0;
  for (std::size_t i = 0; i < p.n; ++i)
    segments = std::max<std::size_t>(segments, p.segment[i] + 1);
  std::vector<double> size(segments, 0.0);
  for (std::size_t i = 0; i < p.n; ++i) size[p.segment[i]] += 1;
  double lapses = 0.0, profiles = 0.0;
  for (int t = 0; t < 20; ++t) {
    m.step();
    const msim::StepMetrics& x = m.metrics();
    // The plan of this step read last step's profiles.
    if (t > 0) CHECK(x.direct_spend.firm[crm_firm] == Approx(profiles * 1e-5).epsilon(1e-9));
    profiles = 0.0;
    for (std::size_t i = 0; i < p.n; ++i)
      profiles += (p.crm[i * p.crm_firms + col] & msim::kDepthMask) != 0 ? 1 : 0;
    if (t == 19) CHECK(profiles > 100);
    for (std::size_t j = 0; j < p.firms; ++j) {
      std::vector<double> aware(segments, 0.0);
      for (std::size_t i = 0; i < p.n; ++i)
        aware[p.segment[i]] +=
            p.goodwill[i * p.lanes + j] >= msim::kGoodwillScale || p.loyalty[i * p.lanes + j] > 0;
      for (std::size_t s = 0; s < segments; ++s) {
        INFO("step " << t << ", firm " << j << ", segment " << s);
        CHECK(x.segment_awareness[s * p.firms + j] * size[s] == Approx(aware[s]).margin(1e-6));
      }
      double active = 0.0, lost = 0.0, loyalty = 0.0;
      for (std::size_t i = 0; i < p.n; ++i) {
        const std::uint32_t since = p.since[i * p.lanes + j];
        active += since != 0 && since <= window ? 1 : 0;
        lost += since == window + 1 ? 1 : 0;
        loyalty += static_cast<double>((p.loyalty[i * p.lanes + j] + 128u) >> 8);
      }
      INFO("step " << t << ", firm " << j);
      CHECK(x.active_customers.firm[j] == active);
      CHECK(x.lost_customers.firm[j] == lost);
      REQUIRE(x.customers.firm[j] > 0);
      CHECK(x.loyalty.firm[j] == Approx(loyalty / 256.0 / x.customers.firm[j]).epsilon(1e-12));
      lapses += lost;
    }
  }
  return lapses;
}

}  // namespace

TEST_CASE(
    "customer tallies: customers, loyalty, awareness and CRM profiles match the consumers' "
    "records on both tally paths",
    "[kernel][relationship]") {
  const auto load = [](int segments, int consumers) {
    return msim::load_scenario_text(market(segments, consumers), "tallies.yaml");
  };
  SECTION("four segments, 3008 consumers: whole chunks only") {
    CHECK(check_against_consumers(load(4, 3008), 4096) > 50);
  }
  SECTION("five segments: one consumer at a time") {
    CHECK(check_against_consumers(load(5, 3000), 4096) > 50);
  }
  SECTION("blocks of 24 consumers: a whole chunk and a part chunk of 8 in each") {
    CHECK(check_against_consumers(load(2, 3000), 24) > 50);
  }
}
