#pragma once
/// Magnitudes far beyond any real market, which keep the arithmetic finite and exact: the loader
/// and the strategies check their keys against them.
#include <fmt/format.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "sim/config.hpp"
#include "sim/incomplete_gamma.hpp"

namespace msim {

/// A coordinate or spread in the preference space (ideal points, positions, noise): squared
/// distances stay far from overflow.
inline constexpr double kMaxCoordinate = 1e6;
/// A price or unit cost, in money per unit: a block's revenue, summed in integer cents, stays
/// within 64 bits. A run whose price goes past it (by markup or shocks) stops with exit code 2,
/// as does one whose step's revenue over all blocks would pass 64 bits (about 9.2e16 money:
/// at this price, some 9e7 units in a step; Market::step checks the sums).
inline constexpr double kMaxUnitMoney = 1e9;
/// The smallest price a firm sells at: prices are whole cents, and a smaller one would round to
/// 0.00, the goods given away (price_cents). A run whose price falls below it (a cost-plus price
/// on a tiny cost, shocks) stops with exit code 2, as above the largest.
inline constexpr double kSmallestPrice = 0.005;
/// The most consumers in one parallel block (`--block-size`, EngineOptions::block_size). A block
/// sums its step's revenue and its customers' spend in 64-bit integer cents, unchecked in the
/// kernel, before Market::step adds the blocks with a check: with at most 256 occasions per
/// consumer, category and step, 16 categories and prices up to kMaxUnitMoney, 16,384 consumers
/// keep a block's sums below 2^63 (market.cpp asserts it).
inline constexpr std::size_t kMaxBlockSize = 16384;
/// A budget, a fixed cost or another sum of money per year or per study.
inline constexpr double kMaxMoney = 1e15;
/// A term of a consumer's utility (quality, the outside option's utility, the weights of
/// loyalty, goodwill and distance): the kernel sums utilities in single precision, where terms
/// near 1e38 would overflow to infinity and leave the choice undefined. Differences of a few
/// units already decide a logit choice.
inline constexpr double kMaxUtility = 1e6;
/// A multiplier of a price, cost or media price (a shock's `multiply`).
inline constexpr double kMaxPriceFactor = 1e3;

/// The highest purchase rate, in occasions per step, that a consumer's rate is kept at
/// faithfully. The population keeps a rate r only as exp(-r) * 2^32 in 32 bits
/// (Population::no_occasion), which gives r back within 0.5 e^r / 2^32: within 0.05% of r up
/// to 18 (0.007% at 16), but 0.3% at 20, and every rate above 22.87 reads as 22.87.
inline constexpr double kMaxPurchaseRate = 18.0;
/// The largest share of a segment's consumers whose purchase rate, drawn from the segment's
/// Gamma distribution (and scaled by recession shocks), may lie above kMaxPurchaseRate.
inline constexpr double kMaxShareAboveRate = 1e-4;

/// The smallest Gamma shape of a purchase rate: below it nearly every consumer's rate is 0 and
/// the segment's purchases come from a few whose rates lie far above kMaxPurchaseRate (with
/// shape 1e-10 and mean 0.6, all of them), and the share above it is not computed (its series
/// does not converge for a subnormal shape). Shapes observed for NBD purchasing lie around 0.1
/// to 2 [Ehrenberg 1988].
inline constexpr double kMinRateShape = 0.01;
/// The largest standard deviation of a segment's price sensitivity, as a multiple of its mean.
inline constexpr double kMaxSensitivitySpread = 100.0;
/// The relative slack of a limit that is a multiple of another key (kMaxSensitivitySpread): a
/// value written as exactly that multiple, in decimal, reads as a double a few ulps off the
/// product of the doubles, on either side.
inline constexpr double kRoundingTolerance = 8.0 * std::numeric_limits<double>::epsilon();

/// The share of consumers whose purchase rate, drawn from a Gamma distribution with this mean
/// and shape, lies above kMaxPurchaseRate.
inline double share_above_max_rate(double mean, double shape) {
  if (!(mean > 0.0)) return 0.0;
  const double x = kMaxPurchaseRate * shape / mean;  // the cap in units of the Gamma's scale
  return std::isfinite(x) ? gamma_q(shape, x) : 0.0;
}

/// A markup above this (a price over 6 times the unit cost) is allowed but noted
/// (Config::note): a markup is a fraction of unit cost, and 50 written for 50% is a likely slip.
inline constexpr double kLargeMarkup = 5.0;
/// A shock that multiplies a price, cost or media price by more than this is allowed but noted:
/// 15 written for a cut of 15% is a likely slip.
inline constexpr double kLargePriceFactor = 3.0;
/// A shock that multiplies a budget or a fixed cost by more than this is noted likewise.
inline constexpr double kLargeMoneyFactor = 10.0;

/// What a markup above kLargeMarkup means, and what was perhaps meant.
inline std::string large_markup(double markup) {
  return fmt::format(
      "a markup of {:g} sets the price at {:g} times the unit cost; a markup is a fraction of "
      "unit cost ({:g} for {:g}%), so check that this is meant",
      markup, 1.0 + markup, markup / 100.0, markup);
}

/// What a fraction of more than 1 means where 0.15 is usual and 15 a likely slip for 15%: `what`
/// ("a customisation premium") of `value` is `value` x 100% `of` ("of the unit cost").
inline std::string large_fraction(const std::string& what, double value, const std::string& of) {
  return fmt::format(
      "{} of {:g} is {:g}% {}; it is a fraction ({:g} for {:g}%), so check that this is meant",
      what, value, 100.0 * value, of, value / 100.0, value);
}

/// What a negative markup means: every unit sells below its cost (a loss leader, a price war),
/// allowed but noted, as -0.6 is a likely slip for a price 60% above cost.
inline std::string below_cost_markup(double markup) {
  return fmt::format(
      "a markup of {:g} sets the price at {:g} times the unit cost: every unit sold loses {:g}% "
      "of its cost; check that this is meant",
      markup, 1.0 + markup, -100.0 * markup);
}

/// A word-of-mouth window (market.wom_window) of this many steps or more counts every past
/// customer as recent, and no lapses. A consumer's steps since its last purchase from a firm are
/// kept in a byte as 1 + steps, 255 meaning 254 or more, so a lapse (a purchase exactly `window`
/// steps ago) can be told apart only for windows up to 253.
inline constexpr std::int64_t kEveryPastCustomer = 254;

inline Range coordinate_range() {
  return range::closed(-kMaxCoordinate, kMaxCoordinate);
}
inline Range spread_range() {
  return range::closed(0, kMaxCoordinate);
}
inline Range unit_money_range() {
  return range::closed(0, kMaxUnitMoney);
}
/// (0, kMaxUnitMoney]: a cost per unit that cannot be free (base_cost, a media price).
inline Range positive_unit_money_range() {
  return {0.0, kMaxUnitMoney, true, false};
}
inline Range utility_range() {
  return range::closed(-kMaxUtility, kMaxUtility);
}
inline Range money_range() {
  return range::closed(0, kMaxMoney);
}

/// Refuses at `key` of `node` a total of money `value` (per year, or per study) that the market
/// simulated at `scale` (Scenario::scale) would take past kMaxMoney: money_range() checked it as
/// the file writes it. A default (no `key` in `node`) is not refused.
inline void check_scaled_money(const Config& node, const std::string& key, double value,
                               double scale) {
  if (value * scale <= kMaxMoney || !node.has(key)) return;
  node.child(key).fail_expected(fmt::format(
      "at most {:g}: the market is simulated at scale {:g}, where this total would be {:g}, past "
      "the limit of {:g} that keeps the accounts exact",
      kMaxMoney / scale, scale, value * scale, kMaxMoney));
}

/// The total of money at `key` of `node` (a fixed cost per year, a study's cost), or `fallback`
/// where it has none: within money_range() as the file writes it, and as the market simulates
/// it at `scale` (check_scaled_money). @throws InputError naming the key.
inline double scaled_money(const Config& node, const std::string& key, double fallback,
                           double scale) {
  const double value = node.get_double(key, fallback, money_range());
  check_scaled_money(node, key, value, scale);
  return value;
}

}  // namespace msim
