"""A strategy's own diagnostics (/strategies/<name>, [T, F]) load into Run.diagnostics, apart from
the market's metrics. The CLI's built-in strategies record none, so the test adds one to a real
run the way the HDF5 recorder writes it: float64, NaN for firms that record nothing, units and
description attributes, and the step and firm dimension scales."""

import shutil

import h5py
import numpy as np

from analysis.load import load_run


def test_a_run_with_diagnostics_loads_them_apart_from_the_market(run_file, tmp_path):
    path = tmp_path / "with-diagnostics.h5"
    shutil.copy(run_file, path)
    with h5py.File(path, "r+") as f:
        steps, firms = f["market/units"].shape
        values = np.full((steps, firms), np.nan)
        values[:, 0] = np.arange(steps) * 0.1
        d = f.create_dataset("strategies/markup", data=values)
        d.attrs["units"] = "fraction"
        d.attrs["description"] = "the markup it charged"
        d.dims[0].attach_scale(f["step"])
        d.dims[1].attach_scale(f["firm"])
        firm_names = [n.decode() if isinstance(n, bytes) else n for n in f["firms/name"][()]]
    run = load_run(path)
    assert "markup" not in run.market
    frame = run.diagnostics["markup"]
    assert list(frame.columns) == firm_names
    assert frame.shape == (steps, firms)
    assert np.allclose(frame.iloc[:, 0].to_numpy(), np.arange(steps) * 0.1)
    assert frame.iloc[:, 1:].isna().all().all()
    assert run.unit("markup", "strategies") == "fraction"
    long = run.long("markup", "strategies")
    assert set(long["firm"]) == {firm_names[0]}  # the NaN of the other firms are not values
    assert len(long) == steps
    # The overview names them, with the firms that recorded them.
    from analysis.load import overview
    assert f"Strategies' own diagnostics (/strategies, run.diagnostics): markup ({firm_names[0]})" \
        in overview(run)


def test_a_run_without_diagnostics_has_none(run_file):
    from analysis.load import overview
    run = load_run(run_file)
    assert run.diagnostics == {}
    assert "diagnostics" not in overview(run)
