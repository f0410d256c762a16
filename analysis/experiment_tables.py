"""Distributions of key results by design point, from an experiment file's /experiment tables."""

import math

import pandas as pd

# Column names that identify a design point in /experiment/runs, in order of preference.
POINT_COLUMNS = ("point", "design_point", "variant", "design")
# Statistics that one run cannot give: the sd and the bounds of the 95% CI of the mean.
SPREAD_COLUMNS = ("sd", "ci95_low", "ci95_high")
# Columns of /experiment/runs that describe a run rather than a result.
RUN_COLUMNS = {"run", "run_id", "id", "seed", "replication"}


def point_column(runs):
    """The column of /experiment/runs that names the design point, or None."""
    return next((c for c in POINT_COLUMNS if c in runs.columns), None)


def result_columns(runs):
    """The numeric columns of /experiment/runs that hold results or swept values."""
    point = point_column(runs)
    return [c for c in runs.columns
            if c not in RUN_COLUMNS and c != point and pd.api.types.is_numeric_dtype(runs[c])]


def split_result(column, firms=()):
    """(metric, firm) of a result column of /experiment/runs: "market_share:Mass" (as marketsim
    writes it) or "market_share_Mass" for a firm in `firms`; (column, None) for any other."""
    if ":" in column:
        metric, firm = column.rsplit(":", 1)
        return metric, firm
    for firm in sorted(firms, key=len, reverse=True):
        if column.endswith(f"_{firm}") and len(column) > len(firm) + 1:
            return column[: -len(firm) - 1], firm
    return column, None


def distribution(runs):
    """Mean, sd, p5, p50 and p95 of every result column, by design point (one row per pair).

    Used when the file has /experiment/runs but no /experiment/summary. The sd of fewer than
    two runs is undefined: NaN.
    """
    point = point_column(runs)
    columns = result_columns(runs)
    if not columns:
        return pd.DataFrame()
    groups = runs.groupby(point) if point else [("all runs", runs)]
    rows = []
    for key, group in groups:
        for column in columns:
            values = group[column].dropna()
            rows.append({"design point": key, "result": column, "runs": len(values),
                         "mean": values.mean(),
                         "sd": values.std(ddof=1) if len(values) > 1 else math.nan,
                         "p5": values.quantile(0.05), "p50": values.quantile(0.5),
                         "p95": values.quantile(0.95)})
    return pd.DataFrame(rows)


def undefined_spreads(table):
    """/experiment/summary or /experiment/differences with the sd and CI bounds of rows with
    n <= 1 set to NaN: one run has no spread (files of older marketsim versions wrote sd 0 and
    the mean as both bounds). Other rows, and tables without an `n` column, are unchanged."""
    if "n" not in table.columns or not pd.api.types.is_numeric_dtype(table["n"]):
        return table
    single = table["n"] <= 1
    columns = [c for c in SPREAD_COLUMNS if c in table.columns]
    if single.any() and columns:
        table = table.copy()
        table[columns] = table[columns].astype(float)
        table.loc[single, columns] = math.nan
    return table


# The per-firm flag of /experiment/runs that says whether the firm was in the market in the run
# (at some step: from the start or its entry until any exit, whatever it sold or spent); not a
# result.
IN_MARKET = "in_market"


def results_long(runs, firms):
    """The per-firm results of /experiment/runs in long form: columns point, metric, firm,
    value and in_market (one row per run and result). Columns are read as "metric:firm" (or
    "metric_firm" for a firm in `firms`); point is 0 for every run when the table has no
    design-point column. in_market is the run's in_market:<firm> flag (True when the file
    has none)."""
    point = point_column(runs)
    frames = []
    for column in result_columns(runs):
        metric, firm = split_result(column, firms)
        if firm is None or metric == IN_MARKET:
            continue
        flag = f"{IN_MARKET}:{firm}"
        active = runs[flag].astype(bool) if flag in runs.columns else True
        frames.append(pd.DataFrame({"point": runs[point] if point else 0, "metric": metric,
                                    "firm": firm, "value": runs[column].astype(float),
                                    IN_MARKET: active}))
    if not frames:
        return pd.DataFrame(columns=["point", "metric", "firm", "value", IN_MARKET])
    return pd.concat(frames, ignore_index=True)


def swept_columns(runs, firms):
    """The columns of /experiment/runs that hold what a design point sets (swept or sampled
    key paths): neither run identifiers, nor the design point, nor per-firm results."""
    point = point_column(runs)
    return [c for c in runs.columns if c not in RUN_COLUMNS and c != point
            and split_result(c, firms)[1] is None]


def point_settings(runs, firms):
    """{design point: {key path: value}} from /experiment/runs (values as in its first run)."""
    point = point_column(runs)
    swept = swept_columns(runs, firms)
    if point is None:
        return {0: {}}
    firsts = runs.drop_duplicates(point)
    return {row[point]: {c: row[c] for c in swept} for _, row in firsts.iterrows()}


def run_row(runs, run_id):
    """The row of /experiment/runs for run `run_id` ("00000" or 0), or None."""
    text = str(run_id)
    for column in ("run", "run_id", "id"):
        if column not in runs.columns:
            continue
        values = runs[column]
        match = values.astype(str) == text
        if not match.any() and text.isdigit():
            match = pd.to_numeric(values, errors="coerce") == int(text)
        if match.any():
            return runs[match].iloc[0]
    return None
