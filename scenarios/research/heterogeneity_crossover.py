"""The tables of scenarios/research/heterogeneity.md, from the tables `marketsim summarize --csv`
wrote for a run of heterogeneity.yaml (or of a variant of it with other distances).

    python3 scenarios/research/heterogeneity_crossover.py TABLES_DIR

It prints, for the design points where both flanks are at the same distance d (the diagonal):
- each firm's median (p5-p95) market share, customer share and profit per year, the leader in
  bold, as Markdown table rows;
- BigTub's (mass marketing's) lead over each other firm, run by run, with its 95% confidence
  interval over the replications, and where the lead changes sign (linear interpolation);
- when the grid has them, the two cells with one flank far (the largest d) and the other at 0.

Exit code 2, with a message, when the tables are missing or are not of this scenario.
"""

import math
import pathlib
import sys

import pandas as pd

T, F = "segments.tangy.ideal.mean.0", "segments.fruity.ideal.mean.1"
FIRMS = ["BigTub", "Spectrum", "FruitFirst", "MyCup"]
UNIT = {"market_share": (100, ".1f"), "customer_share": (100, ".1f"),
        "profit_per_year": (1, ",.0f")}
# Student's t, two-sided 95%, by degrees of freedom; past 30 the normal's 1.96 is close enough.
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
        2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
        2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def t975(dof):
    return T975[dof - 1] if 1 <= dof <= len(T975) else 1.96 if dof > 0 else math.nan


def read(tables, name, columns):
    path = pathlib.Path(tables) / f"{name}.csv"
    if not path.is_file():
        sys.exit(f"error: {path}: no such file; write the tables first with "
                 f"'marketsim summarize RUN.h5 --csv {tables}/'")
    table = pd.read_csv(path)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        sys.exit(f"error: {path}: no column {', '.join(repr(c) for c in missing)}; expected the "
                 f"tables of an experiment of heterogeneity.yaml that varies {T} and {F}")
    return table


def medians(summary):
    diagonal = summary[summary[T] == summary[F]]  # both flanks at the same distance d
    for metric, (x, f) in UNIT.items():
        print(f"{metric}, median (p5–p95) over the replications; the leader in bold")
        print("| d | " + " | ".join(FIRMS) + " |")
        for d, rows in diagonal[diagonal.metric == metric].groupby(T):
            r = rows.set_index("firm")
            cell = {k: f"{r.p50[k] * x:{f}} ({r.p5[k] * x:{f}}–{r.p95[k] * x:{f}})" for k in FIRMS}
            leader = r.p50.idxmax()
            cell[leader] = "**" + cell[leader].replace(" (", "** (", 1)
            print(f"| {d:g} | " + " | ".join(cell[k] for k in FIRMS) + " |")


def crossovers(runs):
    runs = runs[runs[T] == runs[F]]
    for metric in ["market_share", "profit_per_year"]:
        x, f = UNIT[metric]
        for other in FIRMS[1:]:
            # BigTub's lead over the other firm, run by run (the same households, the same seed)
            lead = ((runs[f"{metric}:BigTub"] - runs[f"{metric}:{other}"]) * x).groupby(runs[T])
            mean, count = lead.mean(), lead.count()
            ci = [t975(n - 1) * s / math.sqrt(n) for s, n in zip(lead.std(), count)]
            d = list(mean.index)  # where the lead changes sign, by linear interpolation
            cross = [a + (b - a) * mean[a] / (mean[a] - mean[b])
                     for a, b in zip(d, d[1:]) if (mean[a] > 0 > mean[b]) or (mean[a] < 0 < mean[b])]
            where = ("-> crossover near d = " + ", ".join(f"{c:.2f}" for c in cross) if cross else
                     "-> no crossover: BigTub " +
                     ("behind" if (mean < 0).all() else "ahead" if (mean > 0).all() else "level") +
                     " throughout")
            print(f"{metric}, BigTub's lead over {other}, mean ± 95% CI:",
                  ", ".join(f"{m:+{f}} ± {c:{f}} at {k:g}" for k, m, c in zip(d, mean, ci)), where)


def one_flank_far(summary):
    far = max(summary[T].max(), summary[F].max())
    for t, u in [(far, 0), (0, far)]:  # one flank far away, the other on top of the mainstream
        rows = summary[(summary[T] == t) & (summary[F] == u)]
        if rows.empty or far == 0:
            continue
        print(f"tangy at {t:g}, fruity at {u:g}, means:", " | ".join(
            f"{m} " + ", ".join(f"{r.firm} {r.mean * x:{f}}"
                                for r in rows[rows.metric == m].itertuples())
            for m, (x, f) in UNIT.items()))


def main(argv):
    tables = argv[1] if len(argv) > 1 else "tables"
    summary = read(tables, "summary", [T, F, "metric", "firm", "p5", "p50", "p95", "mean"])
    runs = read(tables, "runs", [T, F] + [f"{m}:{k}" for m in UNIT for k in FIRMS])
    medians(summary)
    crossovers(runs)
    one_flank_far(summary)


if __name__ == "__main__":
    try:
        main(sys.argv)
    except SystemExit as e:
        if isinstance(e.code, str):
            print(e.code, file=sys.stderr)
            sys.exit(2)
        raise
