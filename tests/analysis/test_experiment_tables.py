"""analysis.experiment_tables: distributions by design point, and what one run cannot give."""

import math

import pandas as pd

from analysis import experiment_tables


def test_one_run_has_no_sd():
    runs = pd.DataFrame({"run": [0, 1, 2], "point": [0, 1, 1], "profit_Mass": [1.0, 2.0, 4.0]})
    table = experiment_tables.distribution(runs).set_index("design point")
    assert math.isnan(table.loc[0, "sd"]) and table.loc[0, "runs"] == 1
    assert table.loc[0, "mean"] == 1.0 and table.loc[0, "p50"] == 1.0
    assert table.loc[1, "sd"] == pd.Series([2.0, 4.0]).std(ddof=1)


def test_spreads_of_single_runs_are_undefined():
    summary = pd.DataFrame({"design_point": [0, 1], "n": [1, 2], "mean": [0.5, 0.6],
                            "sd": [0.0, 0.1], "ci95_low": [0.5, 0.4], "ci95_high": [0.5, 0.8]})
    table = experiment_tables.undefined_spreads(summary)
    assert table[["sd", "ci95_low", "ci95_high"]].iloc[0].isna().all()
    assert list(table.iloc[1][["sd", "ci95_low", "ci95_high"]]) == [0.1, 0.4, 0.8]
    assert list(table["mean"]) == [0.5, 0.6]
    no_n = summary.drop(columns="n")
    assert experiment_tables.undefined_spreads(no_n) is no_n


def test_split_result():
    assert experiment_tables.split_result("market_share:Mass") == ("market_share", "Mass")
    assert experiment_tables.split_result("profit_Mass", ["Mass"]) == ("profit", "Mass")
    assert experiment_tables.split_result("seed", ["Mass"]) == ("seed", None)
