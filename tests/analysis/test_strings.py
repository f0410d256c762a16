"""Text read from HDF5 comes back as str, never bytes (h5py 3 returns variable-length strings
as bytes): in every table and label the package hands out."""

import h5py
import numpy as np

from analysis import experiment_tables
from analysis import hdf5_read as rd
from analysis.load import load_run
from analysis.panel import Panel
from analysis.summary import summary_table


def assert_text_is_str(frame, what):
    """No bytes among a frame's values, column labels or index labels."""
    labels = list(frame.columns.to_flat_index()) + list(frame.index.to_flat_index())
    for label in labels:
        for part in label if isinstance(label, tuple) else (label,):
            assert not isinstance(part, (bytes, np.bytes_)), f"{what}: label {part!r}"
    for column in frame.columns:
        if frame[column].dtype == object:
            kinds = {type(v) for v in frame[column]}
            assert kinds <= {str}, f"{what}: column {column!r} holds {kinds}"


def test_tables_of_an_experiment_hold_str(marketsim_experiment):
    run = load_run(marketsim_experiment, 1)
    summary = run.experiment["summary"]
    assert {type(v) for v in summary["metric"]} == {str}
    assert {type(v) for v in summary["firm"]} == {str}
    assert "market_share" in set(summary["metric"]) and "OneToOne" in set(summary["firm"])
    assert list(run.experiment["runs"]["run"]) == ["00000", "00001", "00002"]
    frames = {f"experiment/{name}": table for name, table in run.experiment.items()}
    frames["summary_table"] = summary_table(run)
    frames["distribution"] = experiment_tables.distribution(run.experiment["runs"])
    frames["long"] = run.long("units", "by_category")
    frames["panel purchases"] = Panel(marketsim_experiment, run.run_id).purchases
    for group in (run.market, run.by_category, run.segments):
        frames.update({f"series {name}": frame for name, frame in group.items()})
    for what, frame in frames.items():
        assert_text_is_str(frame, what)
    for value in [run.scenario, run.description, *run.firms, *run.strategies,
                  *run.segment_names, *run.categories, *run.category_kinds, *run.units.values(),
                  *run.descriptions.values(), *run.attrs.values()]:
        assert not isinstance(value, (bytes, np.bytes_)), value


def test_fixed_and_variable_length_strings_in_either_table_layout(tmp_path):
    path = tmp_path / "tables.h5"
    text = h5py.string_dtype()
    with h5py.File(path, "w") as f:
        compound = np.zeros(2, dtype=[("firm", text), ("code", "S4"), ("mean", "f8")])
        compound["firm"] = ["Mass", "Diff"]
        compound["code"] = [b"ab", b"cd"]
        f["compound"] = compound
        f["group/firm"] = np.array(["Mass", "Diff"], dtype=text)
        f["group/code"] = np.array([b"ab", b"cd"])
        f["group/mean"] = np.array([0.1, 0.2])
    with h5py.File(path, "r") as f:
        for name in ("compound", "group"):
            frame = rd.table(f[name])
            assert_text_is_str(frame, name)
            assert list(frame["firm"]) == ["Mass", "Diff"] and list(frame["code"]) == ["ab", "cd"]
