"""analysis.plot: every figure is written, is a PNG and is not empty."""

import os
import subprocess
import sys

import pytest

from analysis import plot
from analysis.load import load_run
from conftest import ROOT

PNG = b"\x89PNG\r\n\x1a\n"
ALWAYS = ["market_share.png", "share_quadrant.png", "awareness.png", "profit_roi.png",
          "segment_heatmap.png"]


def test_every_figure_without_durables(run_file, tmp_path, capsys):
    assert plot.main([str(run_file), "--out", str(tmp_path)]) == 0
    for name in ALWAYS:
        data = (tmp_path / name).read_bytes()
        assert data.startswith(PNG) and len(data) > 10_000, name
    assert not (tmp_path / "obsolescence.png").exists()
    assert "skipped obsolescence.png" in capsys.readouterr().out


def test_obsolescence_panel_when_recorded(durables_file):
    made, skipped = plot.render(load_run(durables_file))
    names = dict(made)
    assert skipped == []
    assert names["obsolescence.png"].startswith(PNG) and len(names["obsolescence.png"]) > 10_000


def test_axis_labels_carry_units(run_file):
    run = load_run(run_file)
    fig = plot.profit_roi(run)
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert any("(money)" in label for label in labels)
    assert any("(ratio)" in label for label in labels)
    fig = plot.market_share(run)
    assert "%" in fig.axes[0].get_ylabel() and fig.axes[0].get_title()
    assert fig.axes[0].get_legend() is not None


def test_missing_output_directories_are_made(run_file, tmp_path):
    out = tmp_path / "figures" / "tiny"
    assert plot.main([str(run_file), "--out", str(out)]) == 0
    assert (out / "market_share.png").read_bytes().startswith(PNG)


def _no_work(*_args, **_kwargs):
    raise AssertionError("the run was loaded before the output directory was checked")


@pytest.mark.parametrize("make, reason", [
    (lambda d: d / "notes.txt", "it is a file, not a directory"),
    (lambda d: d / "notes.txt" / "figures", "'{d}/notes.txt' is not a directory"),
    (lambda d: "", "expected a directory name"),
])
def test_bad_output_directory_exits_2_before_any_work(run_file, tmp_path, capsys, monkeypatch,
                                                      make, reason):
    (tmp_path / "notes.txt").write_text("not a directory")
    monkeypatch.setattr(plot, "load_run_or_report", _no_work)
    out = make(tmp_path)
    assert plot.main([str(run_file), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: cannot write into '{out}': {reason.format(d=tmp_path)}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # nothing written


def test_unwritable_output_directory(run_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(os, "access", lambda *_args, **_kwargs: False)  # as if not ours to write
    assert plot.main([str(run_file), "--out", str(tmp_path)]) == 2
    assert f"'{tmp_path}': the directory is not writable" in capsys.readouterr().err
    assert plot.main([str(run_file), "--out", str(tmp_path / "new")]) == 2
    assert f"directory '{tmp_path}' is not writable" in capsys.readouterr().err


def test_output_onto_a_file_on_the_command_line(run_file, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "analysis.plot", str(run_file), "--out",
                           str(run_file)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == f"error: cannot write into '{run_file}': it is a file, not a directory\n"


def test_distribution_figures_of_an_experiment(marketsim_experiment, tmp_path, capsys):
    run = load_run(marketsim_experiment)
    made = plot.render_experiment(run)
    assert [metric for _, _, metric in made] == ["market_share", "customer_share",
                                                 "cumulative_profit", "profit_per_year", "roi"]
    for name, data, _ in made:
        assert data.startswith(PNG) and len(data) > 10_000, name
    long = plot.experiment_tables.results_long(run.experiment["runs"], run.firms)
    fig = plot.experiment_distribution(run, "market_share", long, {0: {}})
    ax = fig.axes[0]
    assert "%" in ax.get_ylabel() and "p5-p95" in ax.get_title()
    assert [t.get_text().split("\n")[0] for t in ax.get_xticklabels()] == run.firms
    assert plot.main([str(marketsim_experiment), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "experiment_roi.png").read_bytes().startswith(PNG)
    assert "experiment_roi.png (every run of the experiment)" in capsys.readouterr().out


def test_no_distribution_figures_for_a_single_run(run_file):
    assert plot.render_experiment(load_run(run_file)) == []
