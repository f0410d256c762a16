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


def test_output_directory_checked_before_any_work(run_file, rich_file, tmp_path, capsys,
                                                  monkeypatch):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a directory")

    def no_work(*_args, **_kwargs):
        raise AssertionError("a run was loaded before the output directory was checked")
    monkeypatch.setattr(compare, "load_run", no_work)
    for out, reason in [(notes, "it is a file, not a directory"),
                        (notes / "figures", f"'{notes}' is not a directory")]:
        assert compare.main([str(run_file), str(rich_file), "--out", str(out)]) == 2
        captured = capsys.readouterr()
        assert captured.err == f"error: cannot write into '{out}': {reason}\n"
        assert captured.out == ""
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
