"""Student's t distribution for confidence intervals of a mean over replications, with numpy
alone (no SciPy): the quantile that /experiment/summary's t-based 95% CI uses
(sim/describe.cpp)."""

import math

import numpy as np


def t_cdf(t, df):
    """P(T <= t) for Student's t with `df` degrees of freedom: 1/2 plus the integral of the
    density from 0 to |t| (Simpson's rule on 4,000 intervals; the density is smooth, so the
    error is far below what a confidence interval needs)."""
    x = np.linspace(0.0, abs(float(t)), 4001)
    log_scale = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    density = np.exp(log_scale - (df + 1) / 2 * np.log1p(x * x / df))
    h = x[1] - x[0]
    area = h / 3 * (density[0] + density[-1] + 4 * density[1:-1:2].sum()
                    + 2 * density[2:-1:2].sum())
    return 0.5 + area if t >= 0 else 0.5 - area


def t_quantile(p, df):
    """The t with P(T <= t) = p, for Student's t with `df` degrees of freedom (bisection on
    t_cdf): t_quantile(0.975, 4) = 2.776."""
    low, high = -1.0, 1.0
    while t_cdf(low, df) > p:
        low *= 2.0
    while t_cdf(high, df) < p:
        high *= 2.0
    for _ in range(100):
        middle = (low + high) / 2
        if t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
        if high - low < 1e-12 * max(1.0, abs(high)):
            break
    return (low + high) / 2


def mean_and_ci95(values):
    """(mean, low, high) over the first axis of `values` (replications first): the mean and its
    t-based 95% confidence interval, mean -/+ t(0.975, n - 1) * sd / sqrt(n), sd with n - 1 in
    the denominator. NaN values (a result undefined in a run, such as a market share in a step
    where nothing sold) are left out, so that n is, for each cell, the number of runs where it
    is defined, as /experiment/summary counts them: the mean is NaN where n is 0, the bounds
    where n < 2 (one run has no spread)."""
    values = np.asarray(values, dtype=float)
    defined = np.isfinite(values)
    n = defined.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(defined, values, 0.0).sum(axis=0) / n
        squares = (np.where(defined, values - mean, 0.0) ** 2).sum(axis=0)
        sd = np.sqrt(squares / (n - 1))
    quantile = np.full(np.shape(n), np.nan)
    for count in np.unique(n[n >= 2]):
        quantile[n == count] = t_quantile(0.975, int(count) - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = np.where(n >= 2, quantile * sd / np.sqrt(n), np.nan)
    return mean, mean - half, mean + half
