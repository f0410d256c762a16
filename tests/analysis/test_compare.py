"""analysis.compare: two runs of the same seed, side by side."""

import pytest

from analysis import compare
from analysis.load import load_run


def test_table_and_differences(run_file, rich_file):
    a, b = load_run(run_file), load_run(rich_file)
    table = compare.comparison_table(a, b).set_index("firm")
    assert list(table.index) == ["Mass", "Diff", "Niche", "OneToOne"]
    mass = table.loc["Mass"]
    difference = mass["market_share B"] - mass["market_share A"]
    assert mass["market_share B-A"] == pytest.approx(difference)
    # doubling the mass marketer's budget costs it profit over ten weeks
    assert mass["cumulative_profit B-A"] < 0
    assert compare.scenario_changes(a, b) == [("firms.Mass.budget_per_year", "40000", "80000")]


def test_cli(run_file, rich_file, tmp_path, capsys):
    assert compare.main([str(run_file), str(rich_file), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "firms.Mass.budget_per_year: 40000 -> 80000" in out
    assert "common random numbers" in out and "seed 7" in out
    assert (tmp_path / "share_difference.png").stat().st_size > 10_000


def test_identical_runs(run_file, capsys):
    assert compare.main([str(run_file), str(run_file)]) == 0
    assert "identical" in capsys.readouterr().out
