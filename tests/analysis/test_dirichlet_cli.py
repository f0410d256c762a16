"""analysis.dirichlet on a run file: exit 2 without /panel, the full analysis with one."""

import numpy as np
import pytest

from analysis import dirichlet
from analysis.panel import Panel
from synthetic_panel import add_panel

SHARES = [0.4, 0.3, 0.2, 0.1]


def test_no_panel_exits_2_with_a_clear_message(run_file, capsys):
    assert dirichlet.main([str(run_file)]) == 2
    err = capsys.readouterr().err
    assert "has no /panel" in err and "output: {panel: {size:" in err
    assert "analysis/README.md" in err


@pytest.mark.parametrize("compound", [False, True])
def test_panel_analysis(run_file, tmp_path, capsys, compound):
    target = tmp_path / "panel.h5"
    counts = add_panel(run_file, target, 2.5, 0.6, 1.2, SHARES, 6000, seed=5, compound=compound)
    panel = Panel(target)
    assert panel.size == 6000
    assert (panel.counts(0) == counts).all()  # the panel reads back what was written
    assert dirichlet.main([str(target), "--category", "snacks"]) == 0
    out = capsys.readouterr().out
    assert "M = 2.5" in out or "M = 2.4" in out
    assert "method of zeros" in out and "least squares" in out
    for heading in ("penetration b", "buys per buyer w", "SCR", "100% loyal", "Duplication"):
        assert heading in out
    for firm in ("Mass", "Diff", "Niche", "OneToOne", "average"):
        assert firm in out


def test_period_and_bad_category(run_file, tmp_path, capsys):
    target = tmp_path / "panel.h5"
    add_panel(run_file, target, 2.5, 0.6, 1.2, SHARES, 3000, seed=6)
    assert dirichlet.main([str(target), "--steps", "0:4", "--k-method", "moments"]) == 0
    out = capsys.readouterr().out
    assert "steps 0-4 (5 steps)" in out and "method of moments" in out
    assert "drinks: fewer than two brands" in out
    assert dirichlet.main([str(target), "--category", "tea"]) == 2
    assert "no category 'tea'" in capsys.readouterr().err
    first, last = Panel(target).steps()
    for bad, why in (("a:b", "FIRST 'a' is not a whole step"),
                     ("5", "it has no ':' between FIRST and LAST"),
                     ("4:2", "FIRST 4 is after LAST 2"),
                     (f"0:{last + 1}", f"LAST {last + 1} is after the panel's last step, {last}"),
                     (f"{first - 1}:3",
                      f"FIRST {first - 1} is before the panel's first step, {first}")):
        assert dirichlet.main([str(target), f"--steps={bad}"]) == 2
        err = capsys.readouterr().err
        assert err == (f"error: '{target}': --steps '{bad}': {why}; expected FIRST:LAST, two "
                       f"whole steps with FIRST <= LAST within the panel's steps "
                       f"{first}:{last}\n")


@pytest.mark.parametrize("argv", [["--steps", "-1:3"], ["--steps=-1:3"], ["--step", "-1:3"],
                                  ["--steps", "-1:3", "--k-method", "moments"]])
def test_a_negative_first_step_reaches_the_periods_own_message(run_file, tmp_path, capsys,
                                                              argv):
    """argparse takes "-1:3" after --steps for an option ("expected one argument"); the period
    is the command's to judge, and it says what is wrong with -1."""
    target = tmp_path / "panel.h5"
    add_panel(run_file, target, 2.5, 0.6, 1.2, SHARES, 500, seed=6)
    first, last = Panel(target).steps()
    assert first == 0
    assert dirichlet.main([str(target), *argv]) == 2
    assert capsys.readouterr().err == (
        f"error: '{target}': --steps '-1:3': FIRST -1 is before the panel's first step, 0; "
        f"expected FIRST:LAST, two whole steps with FIRST <= LAST within the panel's steps "
        f"0:{last}\n")


def test_panel_of_a_run_in_an_experiment(run_file, tmp_path, capsys):
    from conftest import write_experiment
    single = tmp_path / "panel.h5"
    add_panel(run_file, single, 2.5, 0.6, 1.2, SHARES, 2000, seed=7)
    experiment = write_experiment(tmp_path / "experiment.h5", [run_file, single], False)
    assert dirichlet.main([str(experiment), "--run", "1"]) == 0
    out = capsys.readouterr().out
    assert "a panel of 2000 consumers" in out
    assert out.splitlines()[0].startswith("Tiny market (run 1 of 2")  # which run it read
    assert dirichlet.main([str(experiment), "--run", "0"]) == 2
    assert "has no /runs/0/panel" in capsys.readouterr().err


@pytest.mark.parametrize("names", [["Mass", "Diff", "Niche", "OneToOne"],
                                   ["A", "AVeryLongBrandName", "OneToOne"]])
def test_duplication_table_headers_are_whole_and_aligned(names):
    matrix = np.full((len(names), len(names)), 0.5)
    lines = dirichlet.duplication_table(names, matrix, "title").splitlines()[1:]
    assert lines[0].split() == ["buyers", "of", *names, "average"]  # no label cut short
    assert len({len(line) for line in lines}) == 1  # every row as wide as the header
    for name in names:  # each column's values end under the end of its name
        end = lines[0].index(f" {name} ") + len(name) + 1
        assert all(line[end - 1] in "-0" and line[end] == " " for line in lines[1:])
