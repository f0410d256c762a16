// Targeting rules (`audience:`): a firm's targeted media land on the consumers its rule picks out
// by demographic, geographic, psychographic and behavioural attributes.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/scenario_load.hpp"
#include "sim/error.hpp"
#include "strategies/strategy_scenarios.hpp"

using msim::Market;
using msim::Population;

namespace {

// A niche firm aims all its money at the young segment; Big advertises to everyone.
const std::string kFirms =
    "firms:\n"
    "  - {name: Aim, strategy: niche, target: young, budget_per_year: 20000, "
    "targeting_precision: 1.0}\n"
    "  - {name: Big, strategy: mass, budget_per_year: 5000}\n";

/// Mean goodwill towards firm j of the young segment's consumers inside and outside `keep`.
template <class Keep>
std::pair<double, double> goodwill(const Population& p, std::size_t j, Keep keep) {
  double in = 0, n_in = 0, out = 0, n_out = 0;
  for (std::size_t i = 0; i < p.n; ++i) {
    if (p.segment[i] != 0) continue;
    const double g = p.goodwill[i * p.lanes + j] / msim::kGoodwillScale;
    (keep(i) ? in : out) += g;
    (keep(i) ? n_in : n_out) += 1;
  }
  return {in / n_in, out / n_out};
}

}  // namespace

TEST_CASE("audience: targeted media land on the consumers the rule picks out", "[audience]") {
  const auto text = msim::test::market_text(kFirms, 8000, 6);
  Market plain(msim::test::load_market(text));
  Market aimed(msim::test::load_market(
      text, {"firms.Aim.audience={age: [18, 35], regions: [north], novelty: [0.2, 1.0]}"}));
  for (int t = 0; t < 6; ++t) {
    plain.step();
    aimed.step();
  }
  const Population& p = aimed.population();
  const auto picked = [&](std::size_t i) {
    const int age = msim::demographics(aimed.scenario(), p, i).age;
    return age >= 18 && age <= 35 && p.region[i] == 0 && p.novelty[i] / 255.0 >= 0.2;
  };
  // The flag bit matches the rule exactly.
  std::size_t n_picked = 0;
  for (std::size_t i = 0; i < p.n; ++i) {
    REQUIRE(((p.flags[i] & msim::kFirstAudienceBit) != 0) == picked(i));
    n_picked += picked(i) ? 1 : 0;
  }
  REQUIRE(n_picked > 200);
  const auto [in, out] = goodwill(p, 0, picked);
  const auto [plain_in, plain_out] = goodwill(plain.population(), 0, picked);
  INFO("goodwill picked " << in << " others " << out << "; without audience " << plain_in << " / "
                          << plain_out);
  // With precision 1 every targeted impression reaches the picked consumers: far more goodwill
  // for them than for the rest of the segment, and more than without the rule.
  CHECK(in > 3.0 * out);
  CHECK(in > plain_in);
  CHECK(out < plain_out);
}

TEST_CASE("audience: a behavioural rule follows loyalty from step to step", "[audience]") {
  const auto text = msim::test::market_text(kFirms, 6000, 12);
  Market plain(msim::test::load_market(text));
  Market m(msim::test::load_market(text, {"firms.Aim.audience={loyalty: [0.3, 1.0]}"}));
  for (int t = 0; t < 12; ++t) {
    plain.step();
    m.step();
  }
  // Every consumer carries the rule's static bit; the loyalty range is checked each step.
  for (std::size_t i = 0; i < m.population().n; ++i)
    REQUIRE((m.population().flags[i] & msim::kFirstAudienceBit) != 0);
  const auto gap = [](const Population& p) {
    const auto loyal = [&](std::size_t i) { return p.loyalty[i * p.lanes + 0] >= 0.3 * 65535; };
    std::size_t n_loyal = 0;
    for (std::size_t i = 0; i < p.n; ++i) n_loyal += p.segment[i] == 0 && loyal(i) ? 1 : 0;
    REQUIRE(n_loyal > 50);
    const auto [in, out] = goodwill(p, 0, loyal);
    return in - out;
  };
  const double aimed = gap(m.population()), unaimed = gap(plain.population());
  INFO("goodwill of loyal young over the others: " << aimed << " with the rule, " << unaimed
                                                   << " without");
  // Loyal customers have more goodwill anyway (they were reached before); aiming every targeted
  // impression at them widens the gap by far more than noise.
  CHECK(aimed > unaimed + 1.0);
}

TEST_CASE("audience: bad rules are rejected at their key", "[audience]") {
  const auto text = msim::test::market_text(kFirms, 100, 2);
  CHECK_THROWS_WITH(msim::test::load_market(text, {"firms.Aim.audience={age: [40, 20]}"}),
                    Catch::Contains("firms.Aim.audience.age") && Catch::Contains("low <= high"));
  CHECK_THROWS_WITH(msim::test::load_market(text, {"firms.Aim.audience={regions: [west]}"}),
                    Catch::Contains("firms.Aim.audience.regions") && Catch::Contains("west"));
  CHECK_THROWS_WITH(
      msim::test::load_market(text, {"firms.Aim.audience={ideal: {centre: [1], radius: 1}}"}),
      Catch::Contains("centre") && Catch::Contains("2 numbers"));
  CHECK_THROWS_WITH(msim::test::load_market(text, {"firms.Aim.audience={agee: [1, 2]}"}),
                    Catch::Contains("did you mean 'age'"));
  // A mass firm buys no targeted media: its audience changed nothing (every dataset the same
  // bit for bit) and took one of the six places; it is refused, as market research is.
  CHECK_THROWS_WITH(
      msim::test::load_market(text, {"firms.Big.audience={age: [90, 99]}"}),
      Catch::Contains("key 'firms.Big.audience': a mass firm buys no targeted media") &&
          Catch::Contains("an audience would change nothing") &&
          Catch::Contains("differentiated, niche, adaptive"));
  CHECK_THROWS_WITH(
      msim::test::load_market(text, {"firms.Big.segmentation=research"}),
      Catch::Contains("key 'firms.Big.segmentation'") &&
          Catch::Contains("market research would change nothing but cost 50000 a study"));
  CHECK_NOTHROW(msim::test::load_market(text, {"firms.Big.segmentation=known"}));
  // Unknown names get the known ones and the nearest, or are told there are none.
  CHECK_THROWS_WITH(
      msim::test::load_market(text, {"firms.Aim.audience={purchase_rate: {snakcs: [0, 1]}}"}),
      Catch::Contains("unknown category 'snakcs' (did you mean 'snacks'?); known: snacks"));
  CHECK_THROWS_WITH(msim::test::load_market(text, {"firms.Aim.audience={industries: [x]}"}),
                    Catch::Contains("unknown industry 'x'; the scenario declares no industries"));
}

TEST_CASE(
    "audience: firmographic, ideal-point and purchase-rate rules mark exactly the "
    "consumers they describe",
    "[audience]") {
  // The young segment is companies (an industry and a size each); the others are households.
  const auto text = msim::test::market_text(kFirms, 8000, 2);
  const std::vector<std::string> rules = {
      "segments.young.industries={retail: 0.6, services: 0.4}",
      "segments.young.company_size={median: 40, sigma: 1.0}",
      "firms.Aim.audience={industries: [retail], company_size: [10, 200]}",
      "firms.Big.strategy=differentiated",  // (a mass firm's audience is refused)
      "firms.Big.audience={ideal: {centre: [0.8, 0.6], radius: 0.4}, "
      "purchase_rate: {snacks: [0.5, 2.0]}}"};
  const msim::Scenario sc = msim::test::load_market(text, rules);
  const std::uint8_t aim_bit = msim::kFirstAudienceBit,
                     big_bit = static_cast<std::uint8_t>(msim::kFirstAudienceBit << 1);
  const Market m(sc);
  const Population& p = m.population();
  const auto snacks = static_cast<std::size_t>(sc.category_index("snacks"));
  std::size_t n_aim = 0, n_big = 0, young = 0;
  for (std::size_t i = 0; i < p.n; ++i) {
    const msim::Demographics d = msim::demographics(sc, p, i);
    const bool aim = d.industry == 0 && d.company_size >= 10 && d.company_size <= 200;
    const double dx = p.ideal[i * p.dims] - 0.8, dy = p.ideal[i * p.dims + 1] - 0.6;
    const double rate = msim::occasion_rate(p.no_occasion[i * p.categories + snacks]);
    const bool big = dx * dx + dy * dy <= 0.4 * 0.4 && rate >= 0.5 && rate <= 2.0;
    REQUIRE(((p.flags[i] & aim_bit) != 0) == aim);
    REQUIRE(((p.flags[i] & big_bit) != 0) == big);
    n_aim += aim ? 1 : 0;
    n_big += big ? 1 : 0;
    young += p.segment[i] == 0 ? 1 : 0;
  }
  INFO(n_aim << " picked out by industry and size, " << n_big
             << " by ideal point and purchase rate, of " << young << " young");
  // Each rule picks out some of the consumers, and leaves out others.
  CHECK(n_aim > young / 4);
  CHECK(n_aim < young * 3 / 4);
  CHECK(n_big > 100);
  CHECK(n_big < young);
  // The resolved scenario writes the rules back as they were given.
  const msim::Scenario again = msim::load_scenario_text(msim::resolved_yaml(sc), "resolved.yaml");
  const Market m2(again);
  CHECK(m2.population().flags == p.flags);
  CHECK(msim::resolved_yaml(again) == msim::resolved_yaml(sc));
}

TEST_CASE("audience: a purchase-rate rule names known categories", "[audience]") {
  const auto text = msim::test::market_text(kFirms, 100, 2);
  CHECK_THROWS_WITH(
      msim::test::load_market(text, {"firms.Aim.audience={purchase_rate: {snaks: [0, 1]}}"}),
      Catch::Contains("key 'firms.Aim.audience.purchase_rate.snaks': unknown category 'snaks'"));
  CHECK_THROWS_WITH(
      msim::test::load_market(text, {"firms.Aim.audience={purchase_rate: {snacks: [2, 1]}}"}),
      Catch::Contains("firms.Aim.audience.purchase_rate.snacks") && Catch::Contains("low <= high"));
}
