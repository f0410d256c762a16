"""The summary table of a run (the same figures as `marketsim summarize`) and its formatting."""

import pandas as pd

# (column, metric in /market, heading) of the summary table, in order.
COLUMNS = [
    ("market_share", "market_share", "market share"),
    ("customer_share", "customer_share", "customer share"),
    ("penetration", "penetration", "penetration"),
    ("awareness", "awareness", "awareness"),
    ("profit", "cumulative_profit", "profit (cumul.)"),
    ("roi", "roi", "ROI"),
]
PERCENT = {"market_share", "customer_share", "penetration", "awareness"}


def summary_table(run):
    """One row per firm: strategy and the last step's shares, penetration, profit and ROI."""
    table = pd.DataFrame({"firm": run.firms, "strategy": run.strategies})
    for column, metric, _ in COLUMNS:
        if metric in run.market and len(run.steps):
            table[column] = run.market[metric].iloc[-1].to_numpy()
        else:
            table[column] = float("nan")
    return table


def money(x):
    """Money in a short form: 1.18M, 12.3k, 950."""
    a = abs(x)
    if a >= 1e9:
        return f"{x / 1e9:.2f}B"
    if a >= 1e6:
        return f"{x / 1e6:.2f}M"
    if a >= 1e3:
        return f"{x / 1e3:.1f}k"
    return f"{x:.0f}"


def percent(x):
    return f"{100 * x:.1f}%"


def formatted(table):
    """The table with every number as display text (percentages, short money, 2-decimal ROI)."""
    out = table.copy()
    for column, _, _ in COLUMNS:
        if column in PERCENT:
            out[column] = [percent(v) for v in table[column]]
        elif column == "profit":
            out[column] = [money(v) for v in table[column]]
        else:
            out[column] = [f"{v:.2f}" for v in table[column]]
    return out.rename(columns={c: h for c, _, h in COLUMNS})


def format_summary(table):
    """The summary table as aligned text, followed by a plain-language reading of it."""
    lines = [formatted(table).to_string(index=False)]
    if len(table):
        ms = table.loc[table["market_share"].idxmax()]
        cs = table.loc[table["customer_share"].idxmax()]
        pr = table.loc[table["profit"].idxmax()]
        lines.append("")
        lines.append(f"In the last step, {ms.firm} ({ms.strategy}) sold the most units: "
                     f"{percent(ms.market_share)} of the market.")
        lines.append(f"Among their own buyers, {cs.firm} ({cs.strategy}) won the largest share of "
                     f"category purchases: {percent(cs.customer_share)}.")
        lines.append(f"Over the run, {pr.firm} ({pr.strategy}) earned the most: "
                     f"{money(pr.profit)}.")
    return "\n".join(lines)
