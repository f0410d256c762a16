"""A run file whose dataset has another shape than the layout gives it (analysis/README.md,
scenarios/README.md "Recorded outputs") is bad input: every command names the file, the dataset,
its shape and the shape expected, exits with code 2 and writes nothing, rather than crashing
later or reading the file as if the dataset were not there."""

import shutil

import h5py
import numpy as np
import pytest

from analysis import plot, report
from analysis.load import NotARunError, load_run
from conftest import STEPS, every_command, write_experiment

FIRMS, SEGMENTS, CATEGORIES = 4, 3, 2


def _reshaped(run_file, target, dataset, shape, prefix=""):
    """A copy of `run_file` at `target` with `dataset` rewritten as zeros of `shape`."""
    if not target.exists():
        shutil.copyfile(run_file, target)
    with h5py.File(target, "r+") as f:
        del f[prefix + dataset]
        f[prefix + dataset] = np.zeros(shape)
    return target


def test_a_mis_shaped_market_share_is_refused_by_every_command(run_file, tmp_path, capsys):
    path = _reshaped(run_file, tmp_path / "good.h5", "market/market_share", (3, 2))
    expected = (f"error: '{path}': /market/market_share has shape (3, 2), expected (steps, "
                f"firms) = ({STEPS}, {FIRMS})\n")
    for main, argv in every_command(path, tmp_path):
        assert main(argv) == 2, main.__module__
        captured = capsys.readouterr()
        assert captured.err == expected, main.__module__
        assert "no firm sold anything" not in captured.out
    assert [p.name for p in tmp_path.iterdir()] == ["good.h5"]  # nothing written


@pytest.mark.parametrize("dataset, shape, expected", [
    ("market/awareness", (STEPS - 1, FIRMS), f"(steps, firms) = ({STEPS}, {FIRMS})"),
    ("market/units", (STEPS,), f"(steps, firms) = ({STEPS}, {FIRMS})"),
    ("market/by_category/units", (STEPS, CATEGORIES + 1, FIRMS),
     f"(steps, categories, firms) = ({STEPS}, {CATEGORIES}, {FIRMS})"),
    ("segments/market_share", (STEPS, FIRMS, SEGMENTS),
     f"(steps, segments, firms) = ({STEPS}, {SEGMENTS}, {FIRMS})"),
    ("strategies/markup", (STEPS, FIRMS + 1), f"(steps, firms) = ({STEPS}, {FIRMS})"),
    ("market/saturation", (STEPS, CATEGORIES, 1),
     f"(steps, categories) = ({STEPS}, {CATEGORIES})"),
    ("step", (STEPS, 1), "(steps,)"),
])
def test_every_series_must_have_the_shape_of_the_layout(run_file, tmp_path, dataset, shape,
                                                        expected):
    path = tmp_path / "run.h5"
    shutil.copyfile(run_file, path)
    with h5py.File(path, "r+") as f:
        if dataset in f:
            del f[dataset]
        f[dataset] = np.zeros(shape)
    with pytest.raises(NotARunError) as raised:
        load_run(path)
    assert str(raised.value) == f"'{path}': /{dataset} has shape {shape}, expected {expected}"


def test_a_mis_shaped_run_of_an_experiment_is_named_with_its_group(run_file, tmp_path, capsys):
    path = write_experiment(tmp_path / "experiment.h5", [run_file, run_file], False)
    _reshaped(run_file, path, "market/cumulative_profit", (STEPS, 2), prefix="runs/1/")
    assert len(load_run(path, 0).market["cumulative_profit"]) == STEPS  # run 0 is whole
    assert report.main([str(path), "--run", "1", "-o", str(tmp_path / "r.html")]) == 2
    assert capsys.readouterr().err == (
        f"error: '{path}': /runs/1/market/cumulative_profit has shape ({STEPS}, 2), expected "
        f"(steps, firms) = ({STEPS}, {FIRMS})\n")


def test_the_layouts_shapes_load(run_file, durables_file):
    """The files marketsim writes pass: the market's [T, F], by category [T, C, F], segments
    [T, S, F], and a durables run's /market/saturation [T, C]."""
    run = load_run(run_file)
    assert run.market["market_share"].shape == (STEPS, FIRMS)
    assert load_run(durables_file).saturation.shape == (60, 1)


def test_a_mis_shaped_other_run_of_an_experiment_stops_its_figures(marketsim_experiment,
                                                                   tmp_path, capsys):
    """The figures of every run read each run's market share: one mis-shaped is refused, not a
    crash of numpy's."""
    path = tmp_path / "experiment.h5"
    shutil.copyfile(marketsim_experiment, path)
    _reshaped(marketsim_experiment, path, "market/market_share", (STEPS, 2), prefix="runs/00001/")
    expected = (f"error: '{path}': /runs/00001/market/market_share has shape ({STEPS}, 2), "
                f"expected (steps, firms) = ({STEPS}, {FIRMS})\n")
    for main, argv in [(plot.main, [str(path), "--out", str(tmp_path / "figures")]),
                       (report.main, [str(path), "-o", str(tmp_path / "report.html")])]:
        assert main(argv) == 2, main.__module__
        assert capsys.readouterr().err == expected
    assert [p.name for p in tmp_path.iterdir()] == ["experiment.h5"]


def test_a_scalar_step_in_another_run_of_an_experiment_is_refused(marketsim_experiment,
                                                                 tmp_path, capsys):
    """Another run's /step as a single number: an IndexError escaped the figures of every run."""
    path = tmp_path / "experiment.h5"
    shutil.copyfile(marketsim_experiment, path)
    with h5py.File(path, "r+") as f:
        del f["runs/00001/step"]
        f["runs/00001/step"] = 3
    expected = f"error: '{path}': /runs/00001/step has shape (), expected (steps,)\n"
    assert plot.main([str(path), "--out", str(tmp_path / "figures")]) == 2
    assert capsys.readouterr().err == expected
    assert [p.name for p in tmp_path.iterdir()] == ["experiment.h5"]
