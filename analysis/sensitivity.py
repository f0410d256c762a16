"""Global sensitivity of a Latin hypercube experiment: the partial rank correlation coefficient
(PRCC) of each key result with each sampled key, the other sampled keys held fixed, over the
design points' means [Marino, Hogue, Ray & Kirschner 2008]. The same table as `marketsim
summarize`'s and its sensitivity.csv (models/experiment_sensitivity.cpp), with numpy alone."""

import itertools
import math

import numpy as np
import pandas as pd

from analysis.student_t import t_cdf


# With this many design points or fewer, p is exact over the orders of the output's ranks, as
# sim/rank_correlation.hpp has it (kMaxExactPermutationPoints).
MAX_EXACT_POINTS = 7


def p_words(n, keys):
    """How p is computed for `n` design points and `keys` sampled keys, in the words
    `marketsim summarize` uses: "exactly, over every order of the result's ranks" or "t-test,
    5 degrees of freedom"."""
    if n <= MAX_EXACT_POINTS:
        return "exactly, over every order of the result's ranks"
    df = n - 1 - keys
    return f"t-test, {df} degree{'' if df == 1 else 's'} of freedom"


def _permutation_p(z, rx, y, r):
    """The share of the n! orders of the ranks `y` whose partial correlation with `rx` (the key's
    ranks less their fit on the columns of `z`) is at least |r| away from 0."""
    n = len(y)
    project = np.eye(n) - z @ np.linalg.pinv(z)
    orders = np.array(list(itertools.permutations(range(n))))
    shuffled = y[orders]
    syy = np.einsum("ij,jk,ik->i", shuffled, project, shuffled)
    # An order that the other keys' ranks fit entirely has no partial correlation (0 / 0): it
    # counts as 0, not as the rounding's quotient.
    nothing_left = 1e-12 * ((y - y.mean()) ** 2).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        found = np.where(syy > nothing_left,
                         shuffled @ rx / (np.linalg.norm(rx) * np.sqrt(syy)), 0.0)
    return float((np.abs(found) >= abs(r) * (1 - 1e-9)).mean())


def partial_rank_correlations(inputs, output):
    """[(r, p, df)] for each column of `inputs` (observations x keys): the correlation of the
    output's ranks with the key's ranks once the other keys' ranks are regressed out of both
    (least squares with an intercept); p is the two-sided test of r = 0: exact over the n! orders
    of the output's ranks up to MAX_EXACT_POINTS observations, else Student's t with
    df = n - 1 - keys.
    r and p are NaN where r is undefined: fewer than keys + 2 observations, or nothing of the
    output or the key left once the others are regressed out (a constant output, say)."""
    x = np.asarray(inputs, dtype=float)
    y = np.asarray(output, dtype=float)
    n, k = x.shape if x.ndim == 2 else (len(y), 0)
    df = n - 1 - k
    if k == 0 or df < 1:
        return [(math.nan, math.nan, max(df, 0))] * k
    ranks = pd.DataFrame(x).rank(method="average").to_numpy()
    y_ranks = pd.Series(y).rank(method="average").to_numpy()
    out = []
    for i in range(k):
        z = np.column_stack([np.ones(n)] + [ranks[:, j] for j in range(k) if j != i])

        def residual(v):
            return v - z @ np.linalg.lstsq(z, v, rcond=None)[0]

        rx, ry = residual(ranks[:, i]), residual(y_ranks)
        sxx, syy = rx @ rx, ry @ ry
        spread_x = ((ranks[:, i] - ranks[:, i].mean()) ** 2).sum()
        spread_y = ((y_ranks - y_ranks.mean()) ** 2).sum()
        if spread_y == 0 or sxx <= 1e-20 * spread_x or syy <= 1e-20 * spread_y:
            out.append((math.nan, math.nan, df))
            continue
        r = float(np.clip(rx @ ry / math.sqrt(sxx * syy), -1.0, 1.0))
        if abs(r) > 1 - 1e-12:  # ranks in the same (or the opposite) order, but for rounding
            r = math.copysign(1.0, r)
        if n <= MAX_EXACT_POINTS:
            p = _permutation_p(z, rx, y_ranks, r)
        else:
            p = 0.0 if abs(r) == 1.0 else 2.0 * (1.0 - t_cdf(abs(r) * math.sqrt(df / (1 - r * r)),
                                                             df))
        out.append((r, max(p, 0.0), df))
    return out


def _group_columns(summary, sampled):
    """The varied keys of /experiment/summary that are not sampled (a sweep crossed with the
    samples), or None when the summary lacks its design_point and metric columns or a sampled
    key."""
    if summary is None or not len(summary) or not sampled:
        return None
    columns = list(summary.columns)
    if ({"design_point", "metric"} - set(columns)) or any(k not in columns for k in sampled):
        return None
    varied = columns[columns.index("design_point") + 1:columns.index("metric")]
    return [c for c in varied if c not in sampled]


def sampled_points(summary, sampled):
    """The most design points of a group of /experiment/summary (design points alike in every
    varied key that is not sampled); 0 without sampled keys."""
    groups = _group_columns(summary, sampled)
    if groups is None:
        return 0
    if not groups:
        return int(summary["design_point"].nunique())
    return int(summary.groupby(groups, sort=False)["design_point"].nunique().max())


def sensitivity_table(summary, sampled):
    """One row per combination of the other varied keys' values (a sweep crossed with the
    samples), key result, firm and sampled key of /experiment/summary: those columns, `metric`,
    `firm`, `key`, `n` (design points with a defined mean), `prcc` and `p_value`. Empty without
    sampled keys, or when no group has keys + 2 design points (sampled_points), as
    `marketsim summarize` has it."""
    groups = _group_columns(summary, sampled)
    if groups is None or sampled_points(summary, sampled) < len(sampled) + 2:
        return pd.DataFrame()
    rows = []
    for ids, frame in summary.groupby(groups + ["metric", "firm"], sort=False):
        ids = ids if isinstance(ids, tuple) else (ids,)
        defined = frame[frame["mean"].notna()]
        found = partial_rank_correlations(defined[sampled].to_numpy(float),
                                          defined["mean"].to_numpy(float))
        for key, (r, p, _) in zip(sampled, found):
            row = dict(zip(groups + ["metric", "firm"], ids))
            row.update(key=key, n=len(defined), prcc=r, p_value=p)
            rows.append(row)
    return pd.DataFrame(rows)
