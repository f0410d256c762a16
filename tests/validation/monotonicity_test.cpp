// DESIGN.md §5.7 (monotonicity): more budget never lowers awareness, all else fixed. Runs that
// differ only in a budget share their random numbers (common random numbers, DESIGN.md §2), so
// the comparison is made per step, exactly (no tolerance): awareness is a count of consumers
// divided by N, and the higher-budget run's count must be >= the lower-budget run's at every
// step.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/market.hpp"
#include "models/population.hpp"
#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/recorder.hpp"

namespace {

// Two segments with different tastes, default word of mouth, loyalty and goodwill; a 26-week
// run. With N = 20000 and cpm_mass 10, a budget of B per year is B / 52 per step, i.e. a mean of
// B / 10400 exposures per consumer per step: the budgets below double from 100 (0.01 exposures,
// ~6-15% awareness after 26 weeks) to 3200 (0.31 exposures, ~99%), where awareness is far from
// saturated, and end with 52000 (5 exposures, everyone aware from step 1).
const char* const kBase = R"(
name: monotonicity
seed: 2718
consumers: 20000
steps: 26
steps_per_year: 52
market: {outside_utility: -0.5}
categories:
  - {name: cereal, kind: consumable, base_cost: 1.0}
segments:
  - name: young
    share: 0.6
    ideal: {mean: [0.5, 0.2], sd: [0.6, 0.4]}
    price_sensitivity: {mean: 1.0, sd: 0.3}
    purchase_rate: {cereal: {mean: 0.4, shape: 0.8}}
  - name: old
    share: 0.4
    ideal: {mean: [-0.5, -0.3], sd: [0.4, 0.4]}
    price_sensitivity: {mean: 1.4, sd: 0.3}
    purchase_rate: {cereal: {mean: 0.6, shape: 1.5}}
)";

// The same two segments shopping for a durable instead of a staple, over a year (52 weekly
// steps): Weibull lifetimes (shape 1.5, scale 20 steps at the category's standard) against a
// reference life of 16 steps, so about half of a standard product's failures are early, and
// backlash 1 (an early failure at age 0 costs the owner all its loyalty to the maker, which
// leaves it aware only while its goodwill lasts). Failed owners come back as replacement buyers
// at their segment's rate. Negative word of mouth is set by each test.
const char* const kDurables = R"(
name: monotonicity durables
seed: 2718
consumers: 20000
steps: 52
steps_per_year: 52
market: {outside_utility: -0.5}
categories:
  - name: kettle
    kind: durable
    base_cost: 1.0
    lifetime: {shape: 1.5, scale: 20}
    reference_life: 16
    backlash: 1.0
segments:
  - name: young
    share: 0.6
    ideal: {mean: [0.5, 0.2], sd: [0.6, 0.4]}
    price_sensitivity: {mean: 1.0, sd: 0.3}
    purchase_rate: {kettle: {mean: 0.2, shape: 0.8}}
  - name: old
    share: 0.4
    ideal: {mean: [-0.5, -0.3], sd: [0.4, 0.4]}
    price_sensitivity: {mean: 1.4, sd: 0.3}
    purchase_rate: {kettle: {mean: 0.3, shape: 1.5}}
)";

const std::vector<double> kBudgets = {0, 100, 200, 400, 800, 1600, 3200, 52000};

/// Budgets 20 apart from 100 to 400 and 40 apart from 800 to 1600 (steps of 2.5% to 20%), where
/// the effect of a step of budget on awareness is small enough for other mechanisms to show.
std::vector<double> fine_budgets() {
  std::vector<double> b = {0};
  for (int k = 0; k <= 15; ++k) b.push_back(100 + 20 * k);
  for (int k = 0; k <= 20; ++k) b.push_back(800 + 40 * k);
  b.push_back(3200);
  b.push_back(52000);
  return b;
}

struct Series {
  std::vector<std::vector<double>> firm;     // /market/awareness [T][F]
  std::vector<std::vector<double>> segment;  // /segments/awareness [T][S*F]
  std::vector<std::vector<double>> direct;   // /market/direct_spend [T][F]
  std::vector<std::vector<double>> early;    // /market/early_failures [T][F] (durables only)
};

Series run(const std::string& yaml, const std::vector<std::string>& overrides) {
  const msim::Scenario sc = msim::load_scenario_text(yaml, "monotonicity.yaml", overrides);
  msim::MemoryRecorder rec;
  msim::run_simulation(sc, rec);
  return {rec.series("/market/awareness"), rec.series("/segments/awareness"),
          rec.series("/market/direct_spend"),
          sc.durable_categories() > 0 ? rec.series("/market/early_failures")
                                      : std::vector<std::vector<double>>{}};
}

/// Where awareness fell as the budget rose: budgets[r - 1] gave `lo` and budgets[r] gave `hi` <
/// `lo` at `step`, overall (segment -1) or in a segment.
struct Drop {
  std::size_t r = 0, step = 0;
  int segment = -1;
  double lo = 0, hi = 0;
};

/// Firm `name`'s awareness in `yaml` at each of `budgets` (ascending), the other keys set by
/// `overrides`.
std::vector<Series> sweep(const std::string& yaml, const std::string& name,
                          const std::vector<double>& budgets,
                          const std::vector<std::string>& overrides = {}) {
  std::vector<Series> runs;
  for (double b : budgets) {
    std::vector<std::string> keys = overrides;
    keys.push_back(fmt::format("firms.{}.budget_per_year={}", name, b));
    runs.push_back(run(yaml, keys));
  }
  return runs;
}

/// Every step, and every segment, where the awareness of firm `firm` (of `firms`) in run r is
/// below that in run r - 1.
std::vector<Drop> drops(const std::vector<Series>& runs, std::size_t firm, std::size_t firms,
                        std::size_t segments) {
  std::vector<Drop> out;
  for (std::size_t r = 1; r < runs.size(); ++r) {
    const Series& lo = runs[r - 1];
    const Series& hi = runs[r];
    for (std::size_t t = 0; t < lo.firm.size(); ++t) {
      if (hi.firm[t][firm] < lo.firm[t][firm])
        out.push_back({r, t, -1, lo.firm[t][firm], hi.firm[t][firm]});
      for (std::size_t s = 0; s < segments; ++s) {
        const double a = lo.segment[t][s * firms + firm], b = hi.segment[t][s * firms + firm];
        if (b < a) out.push_back({r, t, static_cast<int>(s), a, b});
      }
    }
  }
  return out;
}

/// The first few drops, for a failure message.
std::string describe(const std::vector<Drop>& found, const std::vector<double>& budgets) {
  std::string text = fmt::format("{} drops", found.size());
  for (std::size_t k = 0; k < found.size() && k < 12; ++k) {
    const Drop& d = found[k];
    text += fmt::format("\n  budget {} vs {} at step {}{}: awareness {:.5f} vs {:.5f}",
                        budgets[d.r - 1], budgets[d.r], d.step,
                        d.segment < 0 ? std::string() : fmt::format(", segment {}", d.segment),
                        d.lo, d.hi);
  }
  return text;
}

/// Runs `yaml` with firm `name`'s budget set to each of `budgets` and checks that its awareness
/// (overall and in every segment) never falls as the budget rises, at any step. Returns the runs.
std::vector<Series> check_monotone(const std::string& yaml, const std::string& name,
                                   std::size_t firm, std::size_t firms, std::size_t segments,
                                   const std::vector<double>& budgets = kBudgets,
                                   const std::vector<std::string>& overrides = {}) {
  const std::vector<Series> runs = sweep(yaml, name, budgets, overrides);
  const std::vector<Drop> found = drops(runs, firm, firms, segments);
  INFO("firm " << name << ": " << describe(found, budgets));
  CHECK(found.empty());
  // The test has teeth: the largest budget gives clearly more awareness than none.
  CHECK(runs.back().firm.back()[firm] > runs.front().firm.back()[firm] + 0.1);
  return runs;
}

/// Sum of column j of `rows` over steps [from, to).
double total(const std::vector<std::vector<double>>& rows, std::size_t j, std::size_t from,
             std::size_t to) {
  double sum = 0;
  for (std::size_t t = from; t < to; ++t) sum += rows[t][j];
  return sum;
}

/// The base market with firm Varied, which follows `strategy` (a niche firm targets the old)
/// and whose budget the tests vary, and Rival, mass marketing with a fixed budget.
std::string varied_and_rival(const std::string& strategy) {
  return std::string(kBase) + fmt::format(R"(
firms:
  - {{name: Varied, strategy: {}, budget_per_year: 0, quality: 1.5{}}}
  - {{name: Rival, strategy: mass, budget_per_year: 10400, quality: 1.5, position: [0, 0]}}
)",
                                          strategy, strategy == "niche" ? ", target: old" : "");
}

}  // namespace

TEST_CASE("monotonicity: one firm's awareness never falls as its budget rises",
          "[validation][monotonicity]") {
  const std::string yaml = std::string(kBase) + R"(
firms:
  - {name: Solo, strategy: mass, budget_per_year: 0, quality: 1.5}
)";
  check_monotone(yaml, "Solo", 0, 1, 2);
}

TEST_CASE("monotonicity: with a competitor, raising a firm's budget never lowers its awareness",
          "[validation][monotonicity]") {
  // Firm order matters to the logit sampler (lanes::sample, models/kernel_lanes.hpp), so raise the
  // budget of the first firm and, separately, of the second.
  const std::string yaml = std::string(kBase) + R"(
firms:
  - {name: First, strategy: mass, budget_per_year: 10400, quality: 1.5, position: [0.5, 0.2]}
  - {name: Second, strategy: mass, budget_per_year: 10400, quality: 1.5, position: [-0.5, -0.3]}
)";
  SECTION("first firm's budget varies") {
    check_monotone(yaml, "First", 0, 2, 2);
  }
  SECTION("second firm's budget varies") {
    check_monotone(yaml, "Second", 1, 2, 2);
  }
}

TEST_CASE("monotonicity: each of the four strategies' awareness never falls as its budget rises",
          "[validation][monotonicity]") {
  // The firm whose budget varies follows the strategy; its rival is mass marketing with a fixed
  // budget. Differentiated and niche firms aim targeted media at segments, one-to-one spends on
  // direct contacts to the customers it knows and on media to find them.
  const std::string strategy =
      GENERATE(as<std::string>{}, "mass", "differentiated", "niche", "one_to_one");
  const std::string yaml = varied_and_rival(strategy);
  INFO("strategy " << strategy);
  check_monotone(yaml, "Varied", 0, 2, 2);
}

TEST_CASE("monotonicity: a media price near 0 saturates awareness, it never lowers it",
          "[validation][monotonicity]") {
  // A budget's impressions at a CPM of 1e-300 (mass) or the smallest double (targeted) are past
  // what a double holds: they once made the exposure draws not a number, and awareness 0 for the
  // firms that spent most. Now each channel's mean exposures per consumer stop at
  // kMaxMeanExposures, where everyone the channel reaches sees an advertisement.
  const auto [strategy, cpm] =
      GENERATE(table<std::string, std::string>({{"mass", "market.cpm_mass=1e-300"},
                                                {"differentiated", "market.cpm_targeted=4.9e-324"},
                                                {"niche", "market.cpm_targeted=4.9e-324"}}));
  const std::string yaml = varied_and_rival(strategy);
  INFO("strategy " << strategy << ", " << cpm);
  const std::vector<Series> runs = check_monotone(yaml, "Varied", 0, 2, 2, {0, 1, 1e6, 1e12, 1e15},
                                                  {"consumers=4000", "steps=6", cpm});
  // Everyone is aware from the first step at the largest budget (the share of targeted media
  // that spills over reaches the niche's others).
  CHECK(runs.back().firm.front()[0] > 0.99);
}

TEST_CASE(
    "monotonicity: with durables, awareness never falls as the budget rises "
    "(negative word of mouth off)",
    "[validation][monotonicity][durables]") {
  // A durable market with failures, early failures, backlash (loyalty lost, down to 0),
  // replacement buyers and (positive) word of mouth; negative word of mouth off, since stories of
  // early failures lower awareness as the budget rises by design (the exception pinned by the
  // next test). The firm whose budget varies is mass marketing or one-to-one (with its default
  // direct share 0.6 and cost per contact 0.5: CRM contacts add goodwill to its customers, which,
  // after a backlash, is what keeps them aware), building products of the standard durability (20
  // steps) or planned to fail (6 steps: nearly all failures early). The budgets are kBudgets'
  // doublings and fine steps in between (fine_budgets()); exact, at every step, seed 2718.
  //
  // This is a measurement of these markets, not a theorem. Two other mechanisms were seen to
  // lower awareness at budgets 10 apart, both only with a one-to-one direct_share of 0.95, where
  // a step of budget barely changes the media bought: (1) with durables, one-to-one contacts
  // each known customer with probability (direct spend / cost_per_contact) / profiles, so a
  // higher budget that has won proportionally more profiles contacts each of them less often. A
  // customer whose loyalty a backlash took to 0 then lacks the contact's goodwill and can be
  // unaware; it may buy the rival when it replaces the product, and is then no longer a recent
  // buyer who spreads word of mouth. Drops of 1 to 3 consumers of a segment, which remain with
  // wom_rate 0 (docs/validation.md, known exceptions (b); pinned by the last test in this file).
  // (2) One-to-one spends on contacts with the profiles it has before media (scenarios/README.md,
  // one_to_one), so while that cap binds a higher budget with more profiles buys less mass media
  // (seen in consumable markets too).
  const std::string strategy = GENERATE(as<std::string>{}, "mass", "one_to_one");
  const std::string durability = GENERATE(as<std::string>{}, "20", "6");
  const std::string yaml = std::string(kDurables) + fmt::format(R"(
firms:
  - {{name: Varied, strategy: {}, budget_per_year: 0, quality: 1.5, durability: {}}}
  - {{name: Rival, strategy: mass, budget_per_year: 10400, quality: 1.5, position: [0, 0]}}
)",
                                                                strategy, durability);
  INFO("strategy " << strategy << ", durability " << durability);
  const std::vector<double> budgets = fine_budgets();
  const std::vector<Series> runs =
      check_monotone(yaml, "Varied", 0, 2, 2, budgets, {"market.negative_wom_rate=0"});
  // The durable mechanisms are at work: at a budget of 1600, over a thousand of the firm's
  // products fail early in the year (measured: 1268 to 15379) ...
  const std::size_t at1600 =
      static_cast<std::size_t>(std::find(budgets.begin(), budgets.end(), 1600.0) - budgets.begin());
  const Series& mid = runs[at1600];
  CHECK(total(mid.early, 0, 0, mid.early.size()) > 200);
  // ... and a one-to-one firm spends on direct contacts.
  if (strategy == "one_to_one") CHECK(total(mid.direct, 0, 0, mid.direct.size()) > 100);
}

TEST_CASE(
    "monotonicity: negative word of mouth about early failures can lower awareness as "
    "the budget rises (documented exception)",
    "[validation][monotonicity][durables][wom]") {
  // DESIGN.md §1: an early failure's backlash is followed by negative word of mouth, which lowers
  // goodwill (scenarios/README.md, market.negative_wom_rate: a consumer who knows the firm hears
  // a story with a probability that rises with the early failures of the firm's products within
  // the word-of-mouth window per consumer, and loses wom_goodwill). More budget means more
  // buyers, so more early failures and more stories: every consumer who knows the firm is then
  // more likely to lose goodwill, and one aware only through goodwill may fall below the
  // awareness threshold. §5.7's "all else fixed" therefore holds only with negative word of mouth
  // off (previous test); with it on, the stories' effect can outweigh a small step of budget.
  //
  // Here a mass marketer plans obsolescence (durability 6 steps against a reference life of 16,
  // so nearly every failure is early) and stories are strong (negative_wom_rate 3, ten times the
  // default). Seed 2718; budgets 40 apart from 800 to 1600. Measured: 5 steps where the higher
  // budget of a pair leaves fewer consumers aware, by 1 to 8 of 20,000 (e.g. 800 vs 840 at step
  // 33: 3644 vs 3643 aware, after 2203 vs 2309 early failures in the preceding 26 steps; with
  // negative word of mouth off the same runs have 10135 vs 10672 aware at that step). At the
  // defaults (negative_wom_rate 0.3, durability 20) no drop was seen on these budgets.
  std::vector<double> budgets;
  for (int k = 0; k <= 20; ++k) budgets.push_back(800 + 40 * k);
  const std::string yaml = std::string(kDurables) + R"(
firms:
  - {name: Varied, strategy: mass, budget_per_year: 0, quality: 1.5, durability: 6}
  - {name: Rival, strategy: mass, budget_per_year: 10400, quality: 1.5, position: [0, 0]}
)";
  const std::vector<Series> loud = sweep(yaml, "Varied", budgets, {"market.negative_wom_rate=3"});
  const std::vector<Series> quiet = sweep(yaml, "Varied", budgets, {"market.negative_wom_rate=0"});
  std::vector<Drop> overall;
  for (const Drop& d : drops(loud, 0, 2, 2))
    if (d.segment < 0) overall.push_back(d);
  INFO(describe(overall, budgets));
  // The exception exists: somewhere a higher budget gives lower overall awareness.
  REQUIRE(!overall.empty());
  constexpr double N = 20000;
  constexpr std::size_t kWindow = 26;  // market.wom_window's default
  for (const Drop& d : overall) {
    const Series &lo = loud[d.r - 1], &hi = loud[d.r];
    const std::size_t from = d.step >= kWindow ? d.step - kWindow : 0;
    const double early_lo = total(lo.early, 0, from, d.step);
    const double early_hi = total(hi.early, 0, from, d.step);
    INFO(
        fmt::format("budget {} vs {} at step {}: early failures in the window {} vs {}; aware "
                    "without negative word of mouth {} vs {}",
                    budgets[d.r - 1], budgets[d.r], d.step, early_lo, early_hi,
                    quiet[d.r - 1].firm[d.step][0] * N, quiet[d.r].firm[d.step][0] * N));
    // It comes from the stories: the higher budget had more early failures to tell of ...
    CHECK(early_hi > early_lo);
    // ... and without them the same two budgets order awareness the right way at that step.
    CHECK(quiet[d.r].firm[d.step][0] > quiet[d.r - 1].firm[d.step][0]);
    // It is a small effect at the margin: at most 20 of 20,000 consumers (0.1%).
    CHECK((d.lo - d.hi) * N <= 20.5);
  }
  // Without negative word of mouth, no drop at all on these budgets.
  INFO("without negative word of mouth: " << describe(drops(quiet, 0, 2, 2), budgets));
  CHECK(drops(quiet, 0, 2, 2).empty());
}

namespace {

/// Whether consumer i's state is the same in two runs of one market: goodwill, loyalty and
/// recency of every firm, the CRM profile byte (column `col`) and the durable owned.
bool same_state(const msim::Population& a, const msim::Population& b, std::size_t i, int col) {
  for (std::size_t j = 0; j < a.firms; ++j) {
    const std::size_t k = i * a.lanes + j;
    if (a.goodwill[k] != b.goodwill[k] || a.loyalty[k] != b.loyalty[k] || a.since[k] != b.since[k])
      return false;
  }
  const std::size_t profile = i * a.crm_firms + static_cast<std::size_t>(col);
  return a.crm[profile] == b.crm[profile] && a.owner[i] == b.owner[i] &&
         a.bought[i] == b.bought[i] && a.fails[i] == b.fails[i];
}

/// The depth of consumer i's profile at firm 0 (CRM column `col`).
int depth(const msim::Population& p, std::size_t i, int col) {
  return p.crm[i * p.crm_firms + static_cast<std::size_t>(col)] & msim::kDepthMask;
}

}  // namespace

TEST_CASE(
    "monotonicity: one-to-one contacts spread over more profiles can lower a segment's "
    "awareness of a durable as the budget rises (documented exception)",
    "[validation][monotonicity][durables][crm]") {
  // A one-to-one firm contacts each of its known customers with probability (direct spend /
  // cost_per_contact) / profiles (scenarios/README.md, "The model in one page", item 4). More
  // budget buys more media, so more customers and profiles: where the profiles grow faster than
  // the direct spend, each known customer is less likely to be contacted. Common random numbers
  // give a customer the same draw in both runs, so one whose draw falls between the two chances is
  // contacted only at the lower budget. A contact adds beta_direct (2) of goodwill. With
  // durables and backlash 1, an early failure takes the owner's loyalty to 0, and it is then
  // aware only while its goodwill lasts; the missed contact can leave it unaware, and keep the
  // firm out of its choice set when it replaces the product, so that it may buy the rival's.
  // It is then no longer a recent buyer, and its segment's word of mouth is weaker.
  //
  // Here the firm puts 0.95 of its budget into contacts (so a step of budget barely changes
  // its media), durability 6, negative word of mouth off, budgets 160 and 170 a year, seed
  // 2718. Every channel's spend is higher at 170 (direct spend from step 1, when profiles first
  // exist), so the spending rule is not the cause (docs/validation.md, known exceptions (b)).
  // Measured: 13 steps (24 to 47) where segment young has 1 or 2 consumers fewer aware at 170;
  // 170's contact chance per profile is lower at every step from 1 (0.266 vs 0.248 at step 1,
  // from 22 vs 25 profiles). Each consumer aware only at 160 at those steps first differed
  // between the runs either by a contact at 160 only, at or before the drop, and has loyalty 0
  // at 170 after a backlash (6 consumer-steps, 3 consumers), or by hearing word of mouth at 160
  // only, when its segment had fewer recent buyers of the firm at 170 (14 consumer-steps, 7
  // consumers). With every profile contacted at every step (cost_per_contact 0.001), or
  // without backlash, the pair has no drop.
  const std::string yaml = std::string(kDurables) + R"(
firms:
  - {name: Varied, strategy: one_to_one, budget_per_year: 0, quality: 1.5, durability: 6,
     direct_share: 0.95}
  - {name: Rival, strategy: mass, budget_per_year: 10400, quality: 1.5, position: [0, 0]}
)";
  const std::vector<std::string> quiet = {"market.negative_wom_rate=0"};
  const auto scenario = [&](double budget) {
    std::vector<std::string> keys = quiet;
    keys.push_back(fmt::format("firms.Varied.budget_per_year={}", budget));
    return msim::load_scenario_text(yaml, "monotonicity.yaml", keys);
  };
  msim::Market lo(scenario(160)), hi(scenario(170));
  const msim::Population &a = lo.population(), &b = hi.population();
  const std::size_t N = a.n, W = a.lanes, F = 2, S = 2;
  const int col = lo.crm_column(0);
  REQUIRE(col >= 0);
  constexpr auto kAware = static_cast<std::uint16_t>(msim::kGoodwillScale);  // goodwill 1.0
  constexpr double kCostPerContact = 0.5;                                    // the default
  constexpr std::uint32_t kWindow = 26;  // market.wom_window's default
  const auto profiles = [&](const msim::Population& p) {
    double n = 0;
    for (std::size_t i = 0; i < N; ++i) n += depth(p, i, col) != 0 ? 1 : 0;
    return n;
  };
  // Recent buyers of the firm in each segment, at the end of the last step.
  const auto recent = [&](const msim::Population& p) {
    std::vector<int> n(S, 0);
    for (std::size_t i = 0; i < N; ++i) {
      const std::uint32_t since = p.since[i * W];
      n[p.segment[i]] += since != 0 && since <= kWindow ? 1 : 0;
    }
    return n;
  };
  // How each consumer's two runs first came apart: a contact at one budget only, word of mouth
  // heard only at 160 (with fewer recent buyers in its segment at 170), or otherwise.
  enum class Split { same, contact_low, contact_high, heard_low, heard_low_fewer, other };
  std::vector<Split> split(N, Split::same);
  std::vector<int> depth_lo(N), depth_hi(N);
  std::vector<std::uint16_t> loyal_lo(N), loyal_hi(N);  // loyalty to the firm before the step
  int drop_steps = 0, missed_contact = 0, weaker_word = 0;
  for (std::int64_t t = 0; t < 52; ++t) {
    const double profiles_lo = profiles(a), profiles_hi = profiles(b);
    const std::vector<int> recent_lo = recent(a), recent_hi = recent(b);
    for (std::size_t i = 0; i < N; ++i) {
      depth_lo[i] = depth(a, i, col);
      depth_hi[i] = depth(b, i, col);
      loyal_lo[i] = a.loyalty[i * W];
      loyal_hi[i] = b.loyalty[i * W];
    }
    lo.step();
    hi.step();
    const msim::StepMetrics &x = lo.metrics(), &y = hi.metrics();
    INFO("step " << t);
    // Every channel's spend is higher at the higher budget ...
    CHECK(y.mass_spend.firm[0] > x.mass_spend.firm[0]);
    CHECK(y.direct_spend.firm[0] >= x.direct_spend.firm[0]);
    // ... but its contacts are spread over more profiles: each is less likely to be contacted.
    if (t >= 1)
      CHECK(y.direct_spend.firm[0] / kCostPerContact / profiles_hi <
            x.direct_spend.firm[0] / kCostPerContact / profiles_lo);
    for (std::size_t i = 0; i < N; ++i) {
      if (split[i] != Split::same || same_state(a, b, i, col)) continue;
      const bool bought_lo = a.since[i * W] == 1, bought_hi = b.since[i * W] == 1;
      const bool contact_lo = depth(a, i, col) - depth_lo[i] > (bought_lo ? 1 : 0);
      const bool contact_hi = depth(b, i, col) - depth_hi[i] > (bought_hi ? 1 : 0);
      if (contact_lo != contact_hi)
        split[i] = contact_lo ? Split::contact_low : Split::contact_high;
      else if (!contact_lo && a.goodwill[i * W] == kAware && b.goodwill[i * W] < kAware)
        split[i] = recent_hi[a.segment[i]] < recent_lo[a.segment[i]] ? Split::heard_low_fewer
                                                                     : Split::heard_low;
      else
        split[i] = Split::other;
    }
    // Where the higher budget leaves fewer of a segment aware of the firm, each consumer aware
    // only at the lower budget came apart by a missed contact or by weaker word of mouth.
    bool dropped = false;
    for (std::size_t s = 0; s < S; ++s) {
      if (!(y.segment_awareness[s * F] < x.segment_awareness[s * F])) continue;
      dropped = true;
      for (std::size_t i = 0; i < N; ++i) {
        if (a.segment[i] != s) continue;
        const bool aware_lo = a.goodwill[i * W] >= kAware || loyal_lo[i] > 0;
        const bool aware_hi = b.goodwill[i * W] >= kAware || loyal_hi[i] > 0;
        if (!aware_lo || aware_hi) continue;
        INFO("consumer " << i << ", segment " << s);
        if (split[i] == Split::contact_low) {
          ++missed_contact;
          // A past buyer of the firm (since > 0) whose loyalty is 0: a backlash took it.
          CHECK(loyal_hi[i] == 0);
          CHECK(b.since[i * W] != 0);
        } else {
          CHECK(split[i] == Split::heard_low_fewer);
          ++weaker_word;
        }
      }
    }
    drop_steps += dropped ? 1 : 0;
  }
  // The exception exists, through both paths.
  CHECK(drop_steps > 0);
  CHECK(missed_contact > 0);
  CHECK(weaker_word > 0);
  // With every profile contacted at every step, or without backlash, the same two budgets
  // order awareness the right way at every step, overall and in each segment.
  for (const char* key : {"firms.Varied.cost_per_contact=0.001", "categories.kettle.backlash=0"}) {
    std::vector<std::string> keys = quiet;
    keys.push_back(key);
    const std::vector<Series> off = sweep(yaml, "Varied", {160, 170}, keys);
    INFO(key << ": " << describe(drops(off, 0, F, S), {160, 170}));
    CHECK(drops(off, 0, F, S).empty());
  }
}
