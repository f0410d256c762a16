#pragma once
/// The regularized upper incomplete gamma function: the upper tail of a Gamma distribution.

namespace msim {

/// Q(a, x) = Gamma(a, x) / Gamma(a): the probability that a Gamma variable of shape a and scale
/// 1 exceeds x (so a Gamma(shape k, scale s) exceeds t with probability gamma_q(k, t / s)).
/// Shapes up to 1e5 (series and continued fraction): within 1e-14 of Q, and within 1e-8 of it
/// (relative) where Q > 1e-6. Larger shapes (the Wilson-Hilferty approximation): within 1e-4 of
/// Q (relative) where Q > 1e-7.
/// @throws std::invalid_argument unless a > 0 and x >= 0, both finite.
double gamma_q(double a, double x);

}  // namespace msim
