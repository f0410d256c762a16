#pragma once
/// Multinomial logit choice with an outside option [Guadagni & Little 1983], and the fit of a
/// customised product.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "sim/rng.hpp"

namespace msim {

/// Squared distance of a customised product from the ideal point, divided by sigma^2: the
/// squared norm of a D-dimensional standard normal (chi-square with D degrees of freedom), from
/// one Philox call keyed by (consumer, firm) so each consumer's error is fixed and only shrinks.
inline float chi2_fit(const Words& w, std::size_t dims) {
  const auto expo = [&](int k) {
    return -2.0f * std::log(to_unit_f(w[static_cast<std::size_t>(k)]));
  };
  const auto normal_sq = [&](int a, int b) {
    const float r2 = expo(a);
    const float c = std::cos(6.2831853f * to_unit_f(w[static_cast<std::size_t>(b)]));
    return r2 * c * c;
  };
  switch (dims) {
    case 1:
      return normal_sq(0, 1);
    case 2:
      return expo(0);
    case 3:
      return expo(0) + normal_sq(1, 2);
    default:
      return expo(0) + expo(1);
  }
}

/// Picks an alternative given exp-utilities ev[0..n) and the outside option's exp-utility,
/// with one uniform u in (0, 1). Returns the index, or -1 for the outside option.
inline int sample_logit(const float* ev, int n, double exp_outside, double u) {
  double total = exp_outside;
  for (int k = 0; k < n; ++k) total += ev[k];
  double target = u * total - exp_outside;
  if (target < 0) return -1;
  for (int k = 0; k < n; ++k) {
    target -= ev[k];
    if (target < 0) return k;
  }
  return n - 1;  // rounding at the very top
}

}  // namespace msim
