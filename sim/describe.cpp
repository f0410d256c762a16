#include "sim/describe.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace msim {
namespace {

/// The continued fraction of the regularised incomplete beta function (modified Lentz).
double beta_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300, eps = 1e-15;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::abs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 1000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 + aa * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 + aa * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1.0) < eps) break;
  }
  return h;
}

/// The regularised incomplete beta function I_x(a, b).
double incomplete_beta(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_fraction(a, b, x) / a;
  return 1.0 - front * beta_fraction(b, a, 1.0 - x) / b;
}

}  // namespace

double t_cdf(double t, double df) {
  const double tail = 0.5 * incomplete_beta(0.5 * df, 0.5, df / (df + t * t));
  return t >= 0 ? 1.0 - tail : tail;
}

double t_two_sided_p(double t, double df) {
  return incomplete_beta(0.5 * df, 0.5, df / (df + t * t));
}

double t_quantile(double p, double df) {
  // Bisection on the CDF. The CDF's own rounding (lgamma, exp, the continued fraction) limits
  // the quantile to a relative error of about 4e-10 (df = 5; 2e-11 at df 1 and 2, measured
  // against scipy for df 1 to 999): ample for a confidence interval.
  double lo = -1.0, hi = 1.0;
  while (t_cdf(lo, df) > p) lo *= 2.0;
  while (t_cdf(hi, df) < p) hi *= 2.0;
  for (int k = 0; k < 200 && hi - lo > 1e-13 * std::max(1.0, std::abs(hi)); ++k) {
    const double mid = 0.5 * (lo + hi);
    (t_cdf(mid, df) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0.0;
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto k = static_cast<std::size_t>(std::floor(h));
  if (k + 1 >= sorted.size()) return sorted.back();
  return sorted[k] + (h - static_cast<double>(k)) * (sorted[k + 1] - sorted[k]);
}

Description describe(std::vector<double> x) {
  Description d;
  d.n = x.size();
  if (x.empty()) return d;
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  d.mean = std::accumulate(x.begin(), x.end(), 0.0) / n;
  double ss = 0.0;
  for (double v : x) ss += (v - d.mean) * (v - d.mean);
  // One value has no spread to estimate: the sd and the interval are undefined, not zero.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  d.sd = x.size() > 1 ? std::sqrt(ss / (n - 1.0)) : nan;
  const double half = x.size() > 1 ? t_quantile(0.975, n - 1.0) * d.sd / std::sqrt(n) : nan;
  d.ci_low = d.mean - half;
  d.ci_high = d.mean + half;
  d.p5 = percentile(x, 0.05);
  d.p50 = percentile(x, 0.50);
  d.p95 = percentile(x, 0.95);
  return d;
}

}  // namespace msim
