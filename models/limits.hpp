#pragma once
/// Magnitudes far beyond any real market, which keep the arithmetic finite and exact: the loader
/// and the strategies check their keys against them.
#include "sim/config.hpp"

namespace msim {

/// A coordinate or spread in the preference space (ideal points, positions, noise): squared
/// distances stay far from overflow.
inline constexpr double kMaxCoordinate = 1e6;
/// A price or unit cost, in money per unit: a step's revenue, summed in integer cents, stays
/// within 64 bits. A run whose price goes past it (by markup or shocks) stops with exit code 2.
inline constexpr double kMaxUnitMoney = 1e9;
/// A budget, a fixed cost or another sum of money per year or per study.
inline constexpr double kMaxMoney = 1e15;
/// A multiplier of a price, cost or media price (a shock's `multiply`).
inline constexpr double kMaxPriceFactor = 1e3;

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
inline Range money_range() {
  return range::closed(0, kMaxMoney);
}

}  // namespace msim
