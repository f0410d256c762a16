#pragma once
/// Describing a sample: mean, standard deviation, a t-based 95% confidence interval of the mean
/// and percentiles (linear interpolation between order statistics, numpy's default).
#include <cstddef>
#include <vector>

namespace msim {

struct Description {
  std::size_t n = 0;
  double mean = 0, sd = 0;         ///< sd with n - 1 in the denominator (NaN when n < 2)
  double ci_low = 0, ci_high = 0;  ///< mean -+ t(0.975, n - 1) * sd / sqrt(n) (NaN when n < 2)
  double p5 = 0, p50 = 0, p95 = 0;
};

Description describe(std::vector<double> sample);

/// The q-quantile (q in [0, 1]) of an ascending sample, interpolating linearly (type 7).
double percentile(const std::vector<double>& sorted, double q);

/// Student's t quantile: P(T <= t) = p for `df` degrees of freedom (df >= 1, p in (0, 1)).
double t_quantile(double p, double df);

/// Student's t cumulative distribution function.
double t_cdf(double t, double df);

/// P(|T| >= |t|) for Student's t with `df` degrees of freedom: the two-sided p-value, computed
/// as one incomplete beta function, so that a small p keeps its digits (1 - t_cdf would not).
double t_two_sided_p(double t, double df);

}  // namespace msim
