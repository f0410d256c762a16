#pragma once
/// Unit costs: an experience curve [Wright 1936] with a customisation premium that economies of
/// scope shrink.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "models/scenario.hpp"

namespace msim {

/// unit cost = base * (max(Q, Q_ref) / Q_ref)^log2(learning) * (1 + premium / (1 + scope)).
/// Q is cumulative volume; until it reaches Q_ref the cost stays at base.
inline double unit_cost(double base_cost, double learning, double reference_volume,
                        double cumulative_volume, double custom_premium, int scope) {
  const double q = std::max(cumulative_volume, reference_volume) / reference_volume;
  return base_cost * std::pow(q, std::log2(learning)) *
         (1.0 + custom_premium / (1.0 + static_cast<double>(scope)));
}

/// What a firm's product choices do to its unit cost: a durable lasting theta steps (theta_ref the
/// category's lifetime scale) costs (theta / theta_ref)^eps times as much [Bulow 1986], and a
/// quality cut of `cut` utility multiplies cost by (1 - saving)^cut.
inline double product_cost_factor(const Category& c, double durability, double quality_cut) {
  const double durable =
      c.durable() ? std::pow(durability / c.lifetime_scale, c.durability_cost_elasticity) : 1.0;
  return durable * std::pow(1.0 - c.quality_cut_saving, quality_cut);
}

/// What informed buyers make of a maker's durability (Category::durability_weight): utility
/// added to its products' quality.
inline double durability_utility(const Category& c, double durability) {
  return c.durable() ? c.durability_weight * std::log2(durability / c.lifetime_scale) : 0.0;
}

}  // namespace msim

namespace msim {

/// The price of a product in whole cents: its fixed price, or cost-plus.
inline std::int64_t price_cents(double fixed_price, double markup, double unit_cost) {
  return std::llround((fixed_price > 0 ? fixed_price : unit_cost * (1.0 + markup)) * 100.0);
}

}  // namespace msim
