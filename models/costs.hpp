#pragma once
/// Unit costs: an experience curve [Wright 1936] with a customisation premium that economies of
/// scope shrink.
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace msim {

/// unit cost = base * (max(Q, Q_ref) / Q_ref)^log2(learning) * (1 + premium / (1 + scope)).
/// Q is cumulative volume; until it reaches Q_ref the cost stays at base.
inline double unit_cost(double base_cost, double learning, double reference_volume,
                        double cumulative_volume, double custom_premium, int scope) {
  const double q = std::max(cumulative_volume, reference_volume) / reference_volume;
  return base_cost * std::pow(q, std::log2(learning)) *
         (1.0 + custom_premium / (1.0 + static_cast<double>(scope)));
}

}  // namespace msim

namespace msim {

/// The price of a product in whole cents: its fixed price, or cost-plus.
inline std::int64_t price_cents(double fixed_price, double markup, double unit_cost) {
  return std::llround((fixed_price > 0 ? fixed_price : unit_cost * (1.0 + markup)) * 100.0);
}

}  // namespace msim
