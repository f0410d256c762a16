#include "sim/rank_correlation.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "sim/describe.hpp"

namespace msim {

std::vector<double> average_ranks(const std::vector<double>& x) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> ranks(x.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i + 1;
    while (j < order.size() && x[order[j]] == x[order[i]]) ++j;
    const double rank = 0.5 * static_cast<double>(i + 1 + j);  // the mean of ranks i+1 .. j
    for (std::size_t k = i; k < j; ++k) ranks[order[k]] = rank;
    i = j;
  }
  return ranks;
}

namespace {

/// `y` less its least-squares fit on the columns of `z`.
Eigen::VectorXd residual(const Eigen::MatrixXd& z, const Eigen::VectorXd& y) {
  const Eigen::VectorXd fit = z * z.colPivHouseholderQr().solve(y);
  return y - fit;
}

/// The share of the n! orders of the output's ranks `y` whose partial correlation with `rx` (the
/// key's ranks less their fit on the columns of `z`) is at least |r| away from 0: the exact
/// two-sided permutation p. rx . (P y) = rx . y, since rx lies in the range of P = I - z z^+.
double permutation_p(const Eigen::MatrixXd& z, const Eigen::VectorXd& rx, const Eigen::VectorXd& y,
                     double r) {
  const auto n = y.size();
  const Eigen::MatrixXd fit = z * z.completeOrthogonalDecomposition().pseudoInverse();
  const Eigen::MatrixXd p = Eigen::MatrixXd::Identity(n, n) - fit;
  const double norm_x = rx.norm(), edge = std::abs(r) * (1 - 1e-9);
  // An order that the other keys' ranks fit entirely has no partial correlation (0 / 0): it
  // counts as 0, not as the rounding's quotient.
  const double nothing_left = 1e-12 * (y.array() - y.mean()).square().sum();
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  Eigen::VectorXd shuffled(n);
  std::size_t as_far = 0, all = 0;
  do {
    for (Eigen::Index j = 0; j < n; ++j) shuffled[j] = y[order[static_cast<std::size_t>(j)]];
    const double syy = shuffled.dot(p * shuffled);
    const double r_perm = syy > nothing_left ? rx.dot(shuffled) / (norm_x * std::sqrt(syy)) : 0.0;
    as_far += std::abs(r_perm) >= edge ? 1 : 0;
    ++all;
  } while (std::next_permutation(order.begin(), order.end()));
  return static_cast<double>(as_far) / static_cast<double>(all);
}

}  // namespace

std::vector<PartialCorrelation> partial_rank_correlations(
    const std::vector<std::vector<double>>& inputs, const std::vector<double>& output) {
  const std::size_t n = output.size(), k = inputs.size();
  for (const auto& input : inputs)
    if (input.size() != n)
      throw std::invalid_argument("partial_rank_correlations: inputs and output differ in length");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<PartialCorrelation> out(k, PartialCorrelation{nan, nan, 0});
  if (k == 0 || n < k + 2) return out;
  const auto ranked = [&](const std::vector<double>& v) {
    const std::vector<double> r = average_ranks(v);
    return Eigen::VectorXd(
        Eigen::Map<const Eigen::VectorXd>(r.data(), static_cast<Eigen::Index>(n)));
  };
  const Eigen::VectorXd y = ranked(output);
  std::vector<Eigen::VectorXd> x;
  for (const auto& input : inputs) x.push_back(ranked(input));
  // A residual this small against its variable's spread about the mean is rounding: nothing of
  // the variable is left once the others are regressed out.
  const auto spread = [](const Eigen::VectorXd& v) {
    return (v.array() - v.mean()).square().sum();
  };
  for (std::size_t i = 0; i < k; ++i) {
    Eigen::MatrixXd z(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(k));
    z.col(0).setOnes();
    for (std::size_t j = 0, c = 1; j < k; ++j)
      if (j != i) z.col(static_cast<Eigen::Index>(c++)) = x[j];
    const Eigen::VectorXd rx = residual(z, x[i]), ry = residual(z, y);
    const double sxx = rx.squaredNorm(), syy = ry.squaredNorm();
    PartialCorrelation& pc = out[i];
    pc.df = n - 2 - (k - 1);
    if (sxx <= 1e-20 * spread(x[i]) || syy <= 1e-20 * spread(y) || spread(y) == 0) continue;
    pc.r = std::clamp(rx.dot(ry) / std::sqrt(sxx * syy), -1.0, 1.0);
    // Ranks in the same (or the opposite) order give 1 (or -1) but for rounding.
    if (std::abs(pc.r) > 1 - 1e-12) pc.r = std::copysign(1.0, pc.r);
    const auto df = static_cast<double>(pc.df);
    if (n <= kMaxExactPermutationPoints) {
      pc.p_value = permutation_p(z, rx, y, pc.r);
    } else {
      pc.p_value =
          std::abs(pc.r) == 1.0 ? 0.0 : t_two_sided_p(pc.r * std::sqrt(df / (1 - pc.r * pc.r)), df);
    }
  }
  return out;
}

}  // namespace msim
