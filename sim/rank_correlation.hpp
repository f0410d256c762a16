#pragma once
/// Rank statistics for global sensitivity analysis: average ranks, and the partial rank
/// correlation coefficient (PRCC) of an output with each input, the other inputs held fixed
/// [Iman & Conover 1987; Marino, Hogue, Ray & Kirschner 2008].
#include <cstddef>
#include <vector>

namespace msim {

/// The ranks of `x`, 1 for the smallest; tied values share the mean of their ranks.
std::vector<double> average_ranks(const std::vector<double>& x);

/// With this many observations or fewer, p is exact: the share of the n! orders of the output's
/// ranks that give a partial correlation at least as far from 0. The t approximation is far too
/// small there (a perfect order among 3 observations has p = 1/3, not 0).
inline constexpr std::size_t kMaxExactPermutationPoints = 7;

/// One input's partial rank correlation with the output.
struct PartialCorrelation {
  double r = 0;  ///< in [-1, 1]; NaN when undefined (below)
  /// Two-sided test of r = 0: exact over the output's orders up to kMaxExactPermutationPoints
  /// observations, else Student's t with df degrees of freedom.
  double p_value = 0;
  std::size_t df = 0;  ///< n - 2 - (inputs - 1)
};

/// For each input k (inputs[k][i]: observation i), the correlation of the output's ranks with
/// input k's ranks once both have the other inputs' ranks regressed out (least squares with an
/// intercept). r is NaN when it is undefined: fewer than inputs + 2 observations, an output or
/// input whose ranks the other inputs explain entirely (a constant, say). Invariant under any
/// increasing transformation of an input or the output.
/// @throws std::invalid_argument when the inputs' lengths differ from the output's.
std::vector<PartialCorrelation> partial_rank_correlations(
    const std::vector<std::vector<double>>& inputs, const std::vector<double>& output);

}  // namespace msim
