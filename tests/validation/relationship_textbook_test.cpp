// DESIGN.md §1 (one_to_one: share of customer, loyalty and referral programs, cross-selling) and
// §5.8 (textbook): the relationship-marketing lessons of scenarios/textbook/README.md
// (mass_vs_one_to_one, niche_healthy_choice, loyalty_referral). Each test runs the shipped file
// at its shipped size and seed, with only the `--set` overrides the README tells teachers to try,
// and asserts the qualitative result with a stated margin. A result that another seed reverses
// is asserted on the mean over seeds 1-6 instead (loyalty_referral's CLV).
//
// Margins: every figure is deterministic for a given seed and build, but the consumer kernel is
// tuned over time and may shift results by a point or so. Each margin is well inside the gap
// measured at the time of writing (quoted beside it, from the README), yet far enough from zero
// that the lesson itself is checked. The tests were checked to fail: each one's "what to change"
// run is asserted to reverse the result it reverses in the README, and flipping a shipped
// parameter to that value makes the base assertions break (noted beside each).
//
// The shipped sizes are kept: at 20,000 consumers the mass_vs_one_to_one lesson does not hold
// (MyCuppa's budget per household is then large enough to lead the market too), and all three
// run in about a second each at full size.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "textbook_run.hpp"
#include "sim/recorder.hpp"

namespace {


using msim::test::pct;
using msim::test::Run;

}  // namespace

TEST_CASE("textbook mass_vs_one_to_one: one-to-one wins share of customer and of wallet, mass "
          "keeps share of market",
          "[validation][textbook]") {
  const Run base("mass_vs_one_to_one.yaml");
  const double mass = base.last("market_share", "DrinkCo");
  const double one = base.last("market_share", "MyCuppa");
  INFO("market share: DrinkCo " << pct(mass) << ", MyCuppa " << pct(one));
  // Lesson: the mass firm keeps the larger share of the market. Measured 41.7% against 36.6%.
  // (With direct_share=0.5, below, MyCuppa leads the market instead: this check then fails.)
  CHECK(mass >= one + 0.02);
  const double mass_cs = base.last("customer_share", "DrinkCo");
  const double one_cs = base.last("customer_share", "MyCuppa");
  INFO("customer share: DrinkCo " << pct(mass_cs) << ", MyCuppa " << pct(one_cs));
  // Lesson: the one-to-one firm's customers buy a larger share of their drinks from it.
  // Measured 59.6% against 50.2%.
  CHECK(one_cs >= mass_cs + 0.04);
  const double mass_w = base.last("share_of_wallet", "DrinkCo");
  const double one_w = base.last("share_of_wallet", "MyCuppa");
  INFO("share of wallet: DrinkCo " << pct(mass_w) << ", MyCuppa " << pct(one_w));
  // Lesson: and a larger share of what they spend on coffee and tea together. Measured 72.9%
  // against 51.1%.
  CHECK(one_w >= mass_w + 0.10);
  // Lesson: few customers, each buying a lot. Measured penetration 27.5% against 85.2%.
  CHECK(base.last("penetration", "MyCuppa") <= base.last("penetration", "DrinkCo") - 0.30);

  // What to change: half the budget on winning new customers. MyCuppa now leads the market.
  const Run acquire("mass_vs_one_to_one.yaml", {"firms.MyCuppa.direct_share=0.5"});
  const double mass2 = acquire.last("market_share", "DrinkCo");
  const double one2 = acquire.last("market_share", "MyCuppa");
  INFO("direct_share 0.5, market share: DrinkCo " << pct(mass2) << ", MyCuppa " << pct(one2));
  CHECK(one2 >= mass2 + 0.10);
}

TEST_CASE("textbook niche_healthy_choice: the niche brand leads its segment and reaches about a "
          "tenth of the market in two years",
          "[validation][textbook]") {
  const Run base("niche_healthy_choice.yaml");
  const double w52 = base.at("market_share", "HealthyChoice", 51);
  const double w104 = base.at("market_share", "HealthyChoice", 103);
  const double w13 = base.at("market_share", "HealthyChoice", 12);
  INFO("HealthyChoice market share: week 13 " << pct(w13) << ", week 52 " << pct(w52)
                                              << ", week 104 " << pct(w104));
  // Lesson: about a tenth of the market after two years. Measured 10.6% (9.7% at week 52).
  // The band is the one the lesson states (8% to 12%); aiming at traditional (below) gives 6.6%.
  CHECK(w104 >= 0.08);
  CHECK(w104 <= 0.12);
  CHECK(w52 >= 0.07);
  // Lesson: the share grows as the segment learns of the brand. Measured 4.7% at week 13.
  CHECK(w104 >= w13 + 0.03);
  // Lesson: it leads its own segment. Measured 78.3% (mean of the last 13 weeks) against
  // 11.0% and 10.7%.
  const double own = base.segment("market_share", "health_conscious", "HealthyChoice");
  for (const char* rival : {"HomeStyle", "BanquetValue"}) {
    const double r = base.segment("market_share", "health_conscious", rival);
    INFO("health_conscious: HealthyChoice " << pct(own) << ", " << rival << " " << pct(r));
    CHECK(own >= r + 0.30);
  }

  // What to change: aim at the large traditional segment. It leads nowhere and stays small.
  const Run trad("niche_healthy_choice.yaml", {"firms.HealthyChoice.target=traditional"});
  const double own2 = trad.segment("market_share", "traditional", "HealthyChoice");
  const double lead2 = trad.segment("market_share", "traditional", "BanquetValue");
  INFO("aimed at traditional: " << pct(own2) << " of it against BanquetValue " << pct(lead2)
                                << ", market " << pct(trad.last("market_share", "HealthyChoice")));
  // Measured 8.4% against 50.0% of the segment, 6.6% of the market.
  CHECK(own2 <= lead2 - 0.20);
  CHECK(trad.last("market_share", "HealthyChoice") <= w104 - 0.02);
}

TEST_CASE("textbook loyalty_referral: the programs buy customers and share of customer, and pay "
          "only while the rewards are modest",
          "[validation][textbook]") {
  const Run base("loyalty_referral.yaml");
  const double club = base.last("market_share", "ClubRoast");
  const double plain = base.last("market_share", "PlainRoast");
  INFO("market share: ClubRoast " << pct(club) << ", PlainRoast " << pct(plain));
  // Measured 43.0% against 29.2%.
  CHECK(club >= plain + 0.08);
  const double club_cs = base.last("customer_share", "ClubRoast");
  const double plain_cs = base.last("customer_share", "PlainRoast");
  INFO("customer share: ClubRoast " << pct(club_cs) << ", PlainRoast " << pct(plain_cs));
  // Measured 48.9% against 45.2%.
  CHECK(club_cs >= plain_cs + 0.015);
  // The programs cost money. Measured 16.7k loyalty rewards, 6.8k referral rewards.
  CHECK(base.total("loyalty_cost", "ClubRoast") > 10000.0);
  CHECK(base.total("referral_cost", "ClubRoast") > 3000.0);
  CHECK(base.total("loyalty_cost", "PlainRoast") == 0.0);
  CHECK(base.total("referral_cost", "PlainRoast") == 0.0);
  // Referred customers: measured 13,579 of ClubRoast's 20,168 customers.
  const double referred = base.last("referred_customers", "ClubRoast");
  const double customers = base.last("customers", "ClubRoast");
  INFO("referred " << referred << " of " << customers);
  CHECK(referred >= 0.4 * customers);
  // Referred customers' retention is at least the rest's. Measured weekly retention 0.9988
  // against 0.9980 (annual 94.1% against 90.1%; counted from week 27, the first week a lapse
  // can be seen); the margin is zero because the weekly figures are close, but the order held
  // on seeds 13 and 2. This checks the measurement, not an effect of the program: the order is
  // the same with both programs off (0.99926 against 0.99792), because referred customers
  // arrive later (less time to lapse) and households that opted out, which lapse more, are
  // never tagged (scenarios/textbook/README.md says so).
  const double rr = base.last("referred_retention", "ClubRoast");
  const double r = base.last("retention", "ClubRoast");
  INFO("retention: referred " << rr << ", all " << r);
  CHECK(rr >= r);
  // The programs pay: measured cumulative profit 126.0k against 97.8k (over seeds 1-20,
  // 123.8k-128.6k against 94.6k-100.5k).
  const double club_p = base.last("cumulative_profit", "ClubRoast");
  const double plain_p = base.last("cumulative_profit", "PlainRoast");
  INFO("profit: ClubRoast " << club_p << ", PlainRoast " << plain_p);
  CHECK(club_p >= plain_p + 15000.0);
  // CLV per customer is lower with the programs (more customers, each less profitable), but
  // only on average over seeds: the shipped seed 13 has the widest gap of seeds 1-20 (58.6
  // against 67.0), seeds 4 and 5 are within 0.8 and seed 6 reverses it (61.5 against 61.1).
  // Over seeds 1-20 ClubRoast's CLV is 59.7 and PlainRoast's 63.2 on average; the gap
  // (PlainRoast - ClubRoast) is 3.6 with a seed-to-seed SD of 2.1. The check runs seeds 1-6,
  // seed 6 included: the SE of a six-seed mean gap is 2.1 / sqrt(6) = 0.85, so a mean gap of at
  // least 1.0 is 3 SE below the 20-seed mean, and far enough from 0 that a lesson on the wrong
  // side of chance fails (measured 2.61 for seeds 1-6). (With the programs off, the same six
  // seeds give a mean gap of 0.25, seed gaps of -4.7 to 4.0: the check then fails.)
  double clv_gap = 0.0;
  for (int seed = 1; seed <= 6; ++seed) {
    const Run seeded("loyalty_referral.yaml", {fmt::format("seed={}", seed)});
    const double club_clv = seeded.last("clv", "ClubRoast");
    const double plain_clv = seeded.last("clv", "PlainRoast");
    INFO("seed " << seed << ": CLV ClubRoast " << club_clv << ", PlainRoast " << plain_clv);
    clv_gap += (plain_clv - club_clv) / 6.0;
  }
  INFO("mean CLV gap (PlainRoast - ClubRoast) over seeds 1-6: " << clv_gap);
  CHECK(clv_gap >= 1.0);

  // Switch both programs off: the two roasters are identical again. Measured 33.8% against
  // 34.2%, profit 107.0k against 106.8k. (Run with these overrides, the checks above fail.)
  const Run off("loyalty_referral.yaml", {"firms.ClubRoast.loyalty_program.reward=0",
                                          "firms.ClubRoast.referral_program.multiplier=1",
                                          "firms.ClubRoast.referral_program.reward=0"});
  const double club_off = off.last("market_share", "ClubRoast");
  const double plain_off = off.last("market_share", "PlainRoast");
  INFO("programs off: ClubRoast " << pct(club_off) << ", PlainRoast " << pct(plain_off));
  CHECK(std::abs(club_off - plain_off) <= 0.03);
  CHECK(std::abs(off.last("cumulative_profit", "ClubRoast") -
                 off.last("cumulative_profit", "PlainRoast")) <= 10000.0);

  // Generous rewards (3 every 10th purchase, 2 per referral) buy even more share but no longer
  // pay. Measured 46.8% of the market, profit 80.5k against 94.3k.
  const Run generous("loyalty_referral.yaml", {"firms.ClubRoast.loyalty_program.reward=3",
                                               "firms.ClubRoast.referral_program.reward=2"});
  const double gp = generous.last("cumulative_profit", "ClubRoast");
  const double gplain = generous.last("cumulative_profit", "PlainRoast");
  INFO("generous: share " << pct(generous.last("market_share", "ClubRoast")) << ", profit "
                          << gp << " against " << gplain);
  CHECK(generous.last("market_share", "ClubRoast") >= club);
  CHECK(gp <= gplain - 5000.0);
}
