// DESIGN.md §5.8 (textbook): each scenario in scenarios/textbook/ shows the lesson its section
// of scenarios/textbook/README.md explains. Each test runs the shipped file at its shipped size
// and seed (100,000 consumers, 52 weekly steps), with only the `--set` overrides the README tells
// teachers to try, and asserts the qualitative result with a stated margin.
//
// Margins: every figure below is deterministic for a given seed and build, but the consumer
// kernel is tuned over time and may shift results by a point or so. Each margin is therefore well
// inside the gap measured at the time of writing (quoted beside it, from the README), yet far
// enough from zero that the lesson itself is what is checked: a scenario whose story no longer
// holds fails. Shares are the last step's (as in the summary table); segment shares are the mean
// of the last 13 weeks (as in the report's segment heatmap).
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

TEST_CASE("textbook mass_vs_targeted: targeting wins when segments differ, mass when they agree",
          "[validation][textbook]") {
  const Run base("mass_vs_targeted.yaml");
  const double mass = base.last("market_share", "MassCo");
  const double focus = base.last("market_share", "FocusCo");
  INFO("segments far apart: MassCo " << pct(mass) << ", FocusCo " << pct(focus));
  // Lesson: when the segments want very different products, a product for each (FocusCo) beats
  // one product halfway between (MassCo). Measured 70.4% against 29.6%.
  CHECK(focus >= mass + 0.20);
  // Lesson: mass media are cheaper per impression, so the mass marketer still reaches more
  // households. Measured awareness 95.9% against 86.6%.
  const double mass_aware = base.last("awareness", "MassCo");
  const double focus_aware = base.last("awareness", "FocusCo");
  INFO("awareness: MassCo " << pct(mass_aware) << ", FocusCo " << pct(focus_aware));
  CHECK(mass_aware >= focus_aware + 0.05);

  const Run close("mass_vs_targeted.yaml", {"segments.health_minded.ideal.mean=[0.3, -0.1]",
                                            "segments.families.ideal.mean=[-0.3, 0.1]"});
  const double mass2 = close.last("market_share", "MassCo");
  const double focus2 = close.last("market_share", "FocusCo");
  INFO("segments close together: MassCo " << pct(mass2) << ", FocusCo " << pct(focus2));
  // Lesson: when the segments want nearly the same thing, tailoring buys little fit and the mass
  // marketer's cheaper, wider reach wins. Measured 60.4% against 39.6%.
  CHECK(mass2 >= focus2 + 0.10);
}

TEST_CASE("textbook differentiated: each segment served adds sales, each variant adds cost",
          "[validation][textbook]") {
  const Run all("differentiated.yaml");
  // Lesson: a product made for a segment whose needs differ from the average wins that
  // segment. Measured dry_hair 61.5% against 38.5%, sensitive_skin 70.7% against 29.3%.
  for (const char* seg : {"dry_hair", "sensitive_skin"}) {
    const double hair = all.segment("market_share", seg, "HairCo");
    const double basic = all.segment("market_share", seg, "BasicCo");
    INFO(seg << ": HairCo " << pct(hair) << ", BasicCo " << pct(basic));
    CHECK(hair >= basic + 0.15);
  }

  const Run two("differentiated.yaml", {"firms.HairCo.segments=[everyday, dry_hair]"});
  const double units_all = all.total("units", "HairCo"), units_two = two.total("units", "HairCo");
  const double dropped = two.segment("market_share", "sensitive_skin", "HairCo");
  INFO("HairCo units in the year: 3 segments " << units_all << ", 2 segments " << units_two
                                               << "; its sensitive_skin share when dropped "
                                               << pct(dropped));
  // Lesson: serving one more segment sells more. Measured 458,207 against 367,564 units (+25%).
  CHECK(units_all >= 1.10 * units_two);
  // Lesson: a segment without its own variant is left to the mass marketer. Measured 9.1%.
  CHECK(dropped <= 0.20);

  // Lesson: each variant has a fixed cost, so serving a segment pays only when its extra margin
  // covers that cost. Measured: the third variant adds 32,514 of profit at 40,000 a year and
  // loses 27,486 at 100,000 a year.
  const double gain_cheap =
      all.last("cumulative_profit", "HairCo") - two.last("cumulative_profit", "HairCo");
  const std::string dear = "firms.HairCo.variant_fixed_cost_per_year=100000";
  const Run all_dear("differentiated.yaml", {dear});
  const Run two_dear("differentiated.yaml", {"firms.HairCo.segments=[everyday, dry_hair]", dear});
  const double gain_dear =
      all_dear.last("cumulative_profit", "HairCo") - two_dear.last("cumulative_profit", "HairCo");
  INFO("profit from serving sensitive_skin: " << gain_cheap << " at 40,000 a variant, " << gain_dear
                                              << " at 100,000");
  CHECK(gain_cheap >= 10000.0);
  CHECK(gain_dear <= -10000.0);
}

TEST_CASE("textbook niche: the niche firm leads its segment and is small overall",
          "[validation][textbook]") {
  const Run run("niche.yaml");
  const double niche_in_segment = run.segment("market_share", "vegan", "GreenScoop");
  for (const char* other : {"ScoopCo", "Creamery"}) {
    const double theirs = run.segment("market_share", "vegan", other);
    INFO("vegan segment: GreenScoop " << pct(niche_in_segment) << ", " << other << " "
                                      << pct(theirs));
    // Lesson: concentrating on one segment wins it. Measured 77.6% against 21.8% (Creamery)
    // and 0.6% (ScoopCo).
    CHECK(niche_in_segment >= theirs + 0.20);
  }
  const double niche = run.last("market_share", "GreenScoop");
  const double leader = run.last("market_share", "ScoopCo");
  INFO("whole market: GreenScoop " << pct(niche) << ", ScoopCo " << pct(leader));
  // Lesson: the segment is small, so the segment leader is a small firm. Measured 10.6% of the
  // market against the leader's 54.0%.
  CHECK(niche <= 0.20);
  CHECK(leader >= 2.0 * niche);
  for (const char* other : {"ScoopCo", "Creamery"}) CHECK(niche < run.last("market_share", other));

  // Lesson: a niche needs a segment whose needs the big firms do not meet. Aimed at the
  // mainstream, whose taste the mass product already fits, the premium product is no leader.
  // Measured 20.7% of the mainstream against ScoopCo's 51.9%.
  const Run mainstream("niche.yaml", {"firms.GreenScoop.target=mainstream"});
  const double niche_main = mainstream.segment("market_share", "mainstream", "GreenScoop");
  const double mass_main = mainstream.segment("market_share", "mainstream", "ScoopCo");
  INFO("aimed at the mainstream: GreenScoop " << pct(niche_main) << ", ScoopCo " << pct(mass_main));
  CHECK(niche_main + 0.15 <= mass_main);
}

TEST_CASE("textbook one_to_one: highest share of customer, not the highest share of market",
          "[validation][textbook]") {
  const Run run("one_to_one.yaml");
  const double mine = run.last("customer_share", "MyBrew");
  for (const char* other : {"BeanCo", "RoastHouse"}) {
    INFO("customer share: MyBrew " << pct(mine) << ", " << other << " "
                                   << pct(run.last("customer_share", other)));
    // Lesson: one-to-one marketing wins a larger share of each customer's purchases than any
    // other strategy. Measured 69.5% against 56.2% (BeanCo) and 41.1% (RoastHouse).
    CHECK(mine >= run.last("customer_share", other) + 0.05);
  }
  const double share = run.last("market_share", "MyBrew");
  const double leader = run.last("market_share", "BeanCo");
  INFO("market share: MyBrew " << pct(share) << ", BeanCo " << pct(leader));
  // Lesson: ... from fewer customers, so it does not lead the market. Measured 21.9% against
  // BeanCo's 44.7%.
  CHECK(share + 0.10 <= leader);

  // Lesson: the budget MyBrew spends on talking to existing customers is not spent winning new
  // ones. Moved entirely to acquisition (direct_share 0), it wins market share and loses
  // customer share. Measured 51.9% of the market and 54.4% customer share.
  const Run acquire("one_to_one.yaml", {"firms.MyBrew.direct_share=0"});
  const double share2 = acquire.last("market_share", "MyBrew");
  const double mine2 = acquire.last("customer_share", "MyBrew");
  INFO("direct_share 0: market share " << pct(share2) << ", customer share " << pct(mine2));
  CHECK(share2 >= share + 0.15);
  CHECK(mine2 + 0.05 <= mine);
}

TEST_CASE("textbook scale_vs_scope: volume cuts unit cost, breadth cuts the customisation premium",
          "[validation][textbook]") {
  const Run run("scale_vs_scope.yaml");
  const double big_units = run.total("units", "BigTees");
  const double small_units = run.total("units", "SmallTees");
  const double big_cost = run.last_in("unit_cost", "t_shirts", "BigTees");
  const double small_cost = run.last_in("unit_cost", "t_shirts", "SmallTees");
  INFO("t-shirts: BigTees " << big_units << " units at " << big_cost << " a unit; SmallTees "
                            << small_units << " at " << small_cost);
  // Lesson (scale): the firm that has made more t-shirts makes each one more cheaply. Measured
  // 499,186 against 98,943 units, 1.43 against 2.41 a unit (base cost 4.00).
  CHECK(big_units >= 3.0 * small_units);
  CHECK(big_cost <= 0.75 * small_cost);

  const double full = run.last_in("unit_cost", "shirts", "FullTailor");
  const double shirt_only = run.last_in("unit_cost", "shirts", "ShirtTailor");
  INFO("shirts: FullTailor (3 categories) " << full << ", ShirtTailor (1 category) " << shirt_only);
  // Lesson (scope): the tailor that serves three categories spreads its customisation over them
  // and pays a smaller premium on each shirt (15% against 30% of the 10.00 base cost on every
  // customised shirt). Measured 11.18 against 12.15.
  CHECK(full <= 0.96 * shirt_only);

  // Control: serving only shirts, FullTailor pays what ShirtTailor pays. Measured 12.19 and
  // 12.18.
  const Run narrow("scale_vs_scope.yaml", {"firms.FullTailor.categories=[shirts]"});
  const double full1 = narrow.last_in("unit_cost", "shirts", "FullTailor");
  const double shirt1 = narrow.last_in("unit_cost", "shirts", "ShirtTailor");
  INFO("FullTailor in shirts only: " << full1 << ", ShirtTailor " << shirt1);
  CHECK(full1 == Approx(shirt1).epsilon(0.02));
}

TEST_CASE("textbook privacy: segments that opt out blunt one-to-one marketing",
          "[validation][textbook]") {
  const Run run("privacy.yaml");
  const double relaxed = run.segment("market_share", "relaxed", "MyCup");
  const double priv = run.segment("market_share", "private", "MyCup");
  INFO("MyCup's share: relaxed " << pct(relaxed) << ", private " << pct(priv));
  // Lesson: the two segments differ only in their opt-out rate (5% against 60%), and the
  // one-to-one firm does much worse where it cannot profile its customers. Measured 64.6%
  // against 46.7%.
  CHECK(relaxed >= priv + 0.10);

  // Control: with the same opt-out rate in both, the gap disappears. Measured 61.9% and 62.5%.
  const Run same("privacy.yaml", {"segments.private.privacy_opt_out=0.05"});
  const double relaxed2 = same.segment("market_share", "relaxed", "MyCup");
  const double priv2 = same.segment("market_share", "private", "MyCup");
  INFO("same opt-out: relaxed " << pct(relaxed2) << ", private " << pct(priv2));
  CHECK(std::abs(relaxed2 - priv2) <= 0.03);
}

TEST_CASE("textbook targeting_precision: targeting pays when precision beats the CPM premium",
          "[validation][textbook]") {
  // Per unit of money, targeted media put (precision / s + 1 - precision) / cpm_targeted
  // exposures on each cat owner (s = 0.2 of households) and mass media 1 / cpm_mass. With
  // cpm_targeted = 2.7 cpm_mass the two are equal at precision (2.7 - 1) / (1 / s - 1) = 0.425.
  const auto shares = [](const Run& r) {
    return std::pair{r.last("market_share", "TargetPaws"), r.last("market_share", "MassPaws")};
  };
  const Run precise("targeting_precision.yaml");
  const auto [t9, m9] = shares(precise);
  INFO("precision 0.9: TargetPaws " << pct(t9) << ", MassPaws " << pct(m9));
  // Lesson: precise targeting is worth its 2.7-times price. Measured 60.3% against 39.7%.
  CHECK(t9 >= m9 + 0.10);
  // Lesson: mass media spend most of their impressions on households that never buy. Measured:
  // 65.0% of non-owners know MassPaws, 4.2% know TargetPaws.
  CHECK(precise.segment_last("awareness", "no_cat", "MassPaws") >= 0.5);
  CHECK(precise.segment_last("awareness", "no_cat", "TargetPaws") <= 0.10);

  const Run even("targeting_precision.yaml", {"firms.TargetPaws.targeting_precision=0.425"});
  const auto [te, me] = shares(even);
  INFO("precision 0.425 (break-even): TargetPaws " << pct(te) << ", MassPaws " << pct(me));
  // Lesson: at the break-even precision the two split the market. Measured 49.5% and 50.5%.
  CHECK(std::abs(te - me) <= 0.03);

  const Run sloppy("targeting_precision.yaml", {"firms.TargetPaws.targeting_precision=0.2"});
  const auto [t2, m2] = shares(sloppy);
  INFO("precision 0.2: TargetPaws " << pct(t2) << ", MassPaws " << pct(m2));
  // Lesson: imprecise targeting pays the premium without the benefit. Measured 44.0% against
  // 56.0%.
  CHECK(m2 >= t2 + 0.05);
}

TEST_CASE("textbook advertising_budget: diminishing returns, a profit peak, and adstock memory",
          "[validation][textbook]") {
  // FizzCo's budget doubles from 5,000 to 160,000 a year; everything else is fixed, and common
  // random numbers make the runs paired.
  const std::vector<double> budgets = {5000, 10000, 20000, 40000, 80000, 160000};
  std::vector<double> units, profit;
  for (double b : budgets) {
    const Run r("advertising_budget.yaml", {fmt::format("firms.FizzCo.budget_per_year={}", b)});
    units.push_back(r.total("units", "FizzCo"));
    profit.push_back(r.last("cumulative_profit", "FizzCo"));
  }
  // Lesson: each extra unit of money buys fewer sales than the one before. Units per extra unit
  // of budget, doubling by doubling, measured 53.3, 29.4, 7.0, 1.2, 0.24.
  double previous = units[0] / budgets[0];  // from no advertising (no sales) to 5,000: 112
  for (std::size_t k = 1; k < budgets.size(); ++k) {
    const double marginal = (units[k] - units[k - 1]) / (budgets[k] - budgets[k - 1]);
    INFO(
        fmt::format("budget {:.0f} -> {:.0f}: units {:.0f} -> {:.0f}, {:.2f} units per extra "
                    "unit of money (previous {:.2f})",
                    budgets[k - 1], budgets[k], units[k - 1], units[k], marginal, previous));
    CHECK(marginal <= 0.8 * previous);
    previous = marginal;
  }
  // Lesson: past some budget, more advertising costs more than the sales it brings. Measured
  // cumulative profit 403,348 at 10,000, 590,530 at 40,000 and 505,000 at 160,000.
  INFO(fmt::format("profit: {:.0f} at 10,000, {:.0f} at 40,000, {:.0f} at 160,000", profit[1],
                   profit[3], profit[5]));
  CHECK(profit[3] >= profit[1] + 100000.0);
  CHECK(profit[5] <= profit[3] - 50000.0);

  // Lesson: advertising's effect carries over from week to week (adstock). With a short memory
  // (decay 0.5: half the effect gone in a week) the same budget builds far less awareness than
  // with the default 0.93 (half gone in about ten weeks). Measured at week 13: 48.3% against
  // 82.9%; units in the year 645,551 against 826,667.
  const Run memory("advertising_budget.yaml");
  const Run forgetful("advertising_budget.yaml", {"market.adstock_decay=0.5"});
  const double aware = memory.at("awareness", "FizzCo", 13);
  const double aware_short = forgetful.at("awareness", "FizzCo", 13);
  INFO("awareness at week 13: decay 0.93 " << pct(aware) << ", decay 0.5 " << pct(aware_short));
  CHECK(aware >= aware_short + 0.20);
  CHECK(memory.total("units", "FizzCo") >= 1.15 * forgetful.total("units", "FizzCo"));
}
