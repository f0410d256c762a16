"""analysis.load: labels, shapes, units, absent datasets, experiment files, the CLI."""

import subprocess
import sys

import h5py
import pytest

from analysis import load
from conftest import ROOT, STEPS, marketsim_binary, run_tiny
from run_copies import with_overrides

FIRMS = ["Mass", "Diff", "Niche", "OneToOne"]
SEGMENTS = ["young", "family", "senior"]
CATEGORIES = ["snacks", "drinks"]


def test_labels_and_shapes(run_file):
    run = load.load_run(run_file)
    assert run.firms == FIRMS
    assert run.strategies == ["mass", "differentiated", "niche", "one_to_one"]
    assert run.segment_names == SEGMENTS and run.categories == CATEGORIES
    share = run.market["market_share"]
    assert share.shape == (STEPS, 4)
    assert list(share.index) == list(range(STEPS)) and share.index.name == "step"
    assert list(share.columns) == FIRMS and share.columns.name == "firm"
    assert share.sum(axis=1).round(9).eq(1.0).all()
    units = run.by_category["units"]
    assert units.shape == (STEPS, 8)
    assert units.columns.names == ["category", "firm"]
    assert units[("drinks", "Niche")].iloc[-1] >= 0
    # overall units are the sum over categories
    assert (units.T.groupby(level="firm").sum().T[FIRMS] == run.market["units"]).all().all()
    assert run.segments["market_share"].columns.names == ["segment", "firm"]
    assert run.segments["market_share"].shape == (STEPS, 12)


def test_units_attributes_and_text(run_file):
    run = load.load_run(run_file)
    assert run.unit("market_share") == "fraction"
    assert run.unit("cumulative_profit") == "money"
    assert run.units["/segments/awareness"] == "fraction"
    assert "share of category requirements" in run.descriptions["/market/customer_share"]
    assert run.name == "Tiny market" and "Twenty thousand" in run.description
    assert "firms:" in run.scenario and run.attrs["seed"] == 7
    assert run.time_label() == "week"  # weekly: weeks numbered from 1
    assert list(run.time_values(run.steps))[:2] == [1, 2]


def test_absent_durables_and_panel(run_file):
    run = load.load_run(run_file)
    assert run.saturation is None
    assert "failures" not in run.market and run.panel_group is None
    assert run.experiment == {}


def test_durables_when_present(durables_file):
    run = load.load_run(durables_file)
    assert run.saturation is not None and list(run.saturation.columns) == ["washer"]
    assert run.market["installed_base"].shape == (60, 2)
    assert list(run.market["installed_base"].columns) == ["Durabox", "LongLife"]
    assert (run.saturation["washer"].between(0, 1)).all()
    assert run.market["failures"].to_numpy().sum() > 0
    assert run.units["/market/mean_failure_age"] == "steps"


def test_long_form(run_file):
    long = load.load_run(run_file).long("units", "by_category")
    assert list(long.columns) == ["step", "category", "firm", "value"]
    assert len(long) == STEPS * 8


def test_experiment_runs(experiment_file, rich_file):
    assert load.run_ids(experiment_file) == ["0", "1", "2"]
    first = load.load_run(experiment_file)
    assert first.run_id == "0" and first.firms == FIRMS
    second = load.load_run(experiment_file, "1")
    rich = load.load_run(rich_file)
    assert (second.market["market_share"] == rich.market["market_share"]).all().all()
    assert second.segments["units"].columns.names == ["segment", "firm"]
    assert len(second.experiment["runs"]) == 3
    with pytest.raises(load.NotARunError, match="no run '9'"):
        load.load_run(experiment_file, "9")


@pytest.mark.parametrize("run", [2, "2", "002", "00002"],
                         ids=["int", "number", "some zeros", "the id"])
def test_a_run_by_its_number(marketsim_experiment, run):
    assert load.run_ids(marketsim_experiment) == ["00000", "00001", "00002"]
    assert load.load_run(marketsim_experiment, run).run_id == "00002"


def test_an_unknown_run_says_which_runs_exist(marketsim_experiment, run_file, capsys):
    for run in ("3", "-1", "x"):
        with pytest.raises(load.NotARunError,
                           match=rf"has no run '{run}' under /runs \(it has runs 00000 to 00002\)"):
            load.load_run(marketsim_experiment, run)
    assert load.main([str(marketsim_experiment), "--run", "7"]) == 2
    assert capsys.readouterr().err == (f"error: '{marketsim_experiment}' has no run '7' under "
                                       "/runs (it has runs 00000 to 00002)\n")
    with pytest.raises(load.NotARunError, match="it is not an experiment file"):
        load.load_run(run_file, 0)


def test_describe_runs():
    assert load.describe_runs([f"{i:05d}" for i in range(120)]) == "runs 00000 to 00119"
    assert load.describe_runs(["0", "1", "5"]) == "runs 0, 1, 5"
    assert load.describe_runs(["base"]) == "run base"
    many = load.describe_runs([str(2 * i) for i in range(20)])
    assert many == "runs 0, 2, 4, 6, 8, 10, 12, 14, ... (20 runs)"


def test_cli_overview(run_file, capsys):
    assert load.main([str(run_file)]) == 0
    out = capsys.readouterr().out
    assert "Tiny market" in out and "10 of" in out
    for firm in FIRMS:
        assert firm in out
    assert "market share" in out and "customer share" in out


def test_cli_not_a_run(tmp_path, capsys):
    bad = tmp_path / "not.h5"
    bad.write_bytes(b"not hdf5")
    assert load.main([str(bad)]) == 2
    assert "error:" in capsys.readouterr().err


def test_cli_unreadable_files_say_why(tmp_path, capsys):
    text = tmp_path / "notes.h5"
    text.write_bytes(b"not hdf5")
    cases = [(tmp_path / "missing.h5", "no such file"), (tmp_path, "it is a directory"),
             (text, "not an HDF5 file")]
    for path, reason in cases:
        assert load.main([str(path)]) == 2
        err = capsys.readouterr().err
        assert f"error: cannot open '{path}': {reason}" in err


def test_a_closed_pipe_ends_quietly(run_file):
    # Output into a pipe whose reader has gone (`| head -1`, say): the command line stops
    # without a traceback. The read end is closed before Python has even imported pandas.
    proc = subprocess.Popen([sys.executable, "-m", "analysis.load", str(run_file)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipeError" not in err


def test_experiment_tables_of_a_sweep(marketsim_sweep):
    """A sweep's file as marketsim writes it: runs, summary and the paired differences."""
    run = load.load_run(marketsim_sweep, 3)
    runs, summary = run.experiment["runs"], run.experiment["summary"]
    differences = run.experiment["differences"]
    assert len(runs) == 4
    assert list(differences.columns) == list(summary.columns)
    assert set(differences["design_point"]) == {1}  # changes against design point 0
    assert len(differences) == len(summary) // 2
    # A replication's change is its run's result minus the same replication's at point 0.
    share = "market_share:Mass"
    change = runs[share].iloc[2:].to_numpy() - runs[share].iloc[:2].to_numpy()
    mass = differences[(differences.metric == "market_share") & (differences.firm == "Mass")]
    assert mass["mean"].iloc[0] == pytest.approx(change.mean())


def test_experiment_tables_keep_the_recorded_column_order(marketsim_experiment):
    """/experiment/columns/<table> gives each table's column order; not the name order."""
    import h5py
    from analysis import hdf5_read as rd
    run = load.load_run(marketsim_experiment)
    with h5py.File(marketsim_experiment, "r") as f:
        for name in ("runs", "summary"):
            recorded = rd.strings(f[f"experiment/columns/{name}"])
            assert list(run.experiment[name].columns) == recorded, name
    summary = list(run.experiment["summary"].columns)
    assert summary[:2] == ["design_point", "metric"] and summary[-3:] == ["p5", "p50", "p95"]
    assert list(run.experiment["runs"].columns)[0] == "run"


def test_table_column_order_falls_back_to_name_order(tmp_path):
    import h5py
    import numpy as np
    from analysis import hdf5_read as rd
    path = tmp_path / "tables.h5"
    with h5py.File(path, "w") as f:
        f["experiment/summary/mean"] = np.array([0.1])
        f["experiment/summary/design_point"] = np.array([0])
        f["experiment/summary/firm"] = np.array([b"Mass"])
        f["experiment/runs/seed"] = np.array([7])
        f["experiment/runs/run"] = np.array([0])
        f["experiment/runs/extra"] = np.array([1.0])
        f["experiment/columns/runs"] = np.array([b"run", b"seed", b"gone"])
    with h5py.File(path, "r") as f:
        assert list(rd.experiment_table(f, "summary").columns) == ["design_point", "firm", "mean"]
        # recorded columns first, a column the record lacks after them, a missing one skipped
        assert list(rd.experiment_table(f, "runs").columns) == ["run", "seed", "extra"]


def test_not_in_market_is_the_rule_of_marketsim_summarize(monopoly_file, durables_file,
                                                          tmp_path):
    from analysis.summary import format_summary, in_market, not_in_market, summary_table
    run = load.load_run(monopoly_file)
    assert not_in_market(run) == ["LongLife"] and in_market(run) == ["Durabox"]
    assert list(summary_table(run)["in_market"]) == [True, False]
    text = format_summary(summary_table(run))
    assert [line.split()[2:] for line in text.splitlines() if line.startswith("LongLife")] == [
        ["not", "in", "market"]]
    assert not_in_market(load.load_run(durables_file)) == []  # LongLife enters at step 0
    # The stored scenario decides: LongLife's entry is switched off, whatever the series say.
    import shutil
    copy = tmp_path / "spent.h5"
    shutil.copyfile(monopoly_file, copy)
    with h5py.File(copy, "r+") as f:
        f["market/marketing_spend"][-1, 1] = 10.0
    assert not_in_market(load.load_run(copy)) == ["LongLife"]
    # Without a stored scenario, spending alone, or a profit (a loss from fixed costs, say), is
    # taking part.
    with h5py.File(copy, "r+") as f:
        del f["scenario"]
    assert not_in_market(load.load_run(copy)) == []
    with h5py.File(copy, "r+") as f:
        f["market/marketing_spend"][-1, 1] = 0.0
        f["market/cumulative_profit"][-1, 1] = -5.0
    assert not_in_market(load.load_run(copy)) == []


def test_counts_in_the_overview_agree_with_their_nouns(monopoly_file, run_file):
    """planned_obsolescence.yaml has one category (washer): "1 category", not "1 categories"."""
    assert load.plural(1, "category", "categories") == "1 category"
    assert load.plural(2, "category", "categories") == "2 categories"
    assert load.plural(0, "firm") == "0 firms" and load.plural(1, "firm") == "1 firm"
    text = load.overview(load.load_run(monopoly_file))
    assert "2 firms, 2 segments, 1 category" in text and "1 categories" not in text
    assert "4 firms, 3 segments, 2 categories" in load.overview(load.load_run(run_file))


def test_the_overview_says_what_the_command_line_changed(rich_file, tmp_path, capsys):
    """A run made with --set: the overview says so under the description, with the words of
    `marketsim summarize` and the assignments the report lists (root attribute `overrides`)."""
    assert load.main([str(rich_file)]) == 0
    out = capsys.readouterr().out.splitlines()
    line = ("Changed from the scenario file on the command line: steps=10, "
            "firms.Mass.budget_per_year=80000")
    assert line in out
    assert out.index("Twenty thousand consumers, one firm per strategy, twelve weekly steps.") \
        < out.index(line) < next(i for i, l in enumerate(out) if l.startswith("20000 consumers"))
    assert "The description above is the scenario file's and may not hold for this run." in out
    for overrides in ("", None):  # none recorded (an older file, or a run made without --set)
        copy = with_overrides(rich_file, tmp_path / f"plain{overrides is None}.h5", overrides)
        text = load.overview(load.load_run(copy))
        assert "Changed from the scenario file" not in text and "may not hold" not in text


def test_the_overview_of_an_experiments_run_tells_the_design_point_from_the_command_line(
        marketsim_sweep):
    """A sweep's run: its design point's value is not said to come from --set, and the
    experiment's own keys, which say how the runs vary, are not listed as changes."""
    text = load.overview(load.load_run(marketsim_sweep, run="00002"))
    with h5py.File(marketsim_sweep, "r") as f:
        seed = f["runs/00002"].attrs["seed"]
    # which run it is: its place in the design and the seed that reruns it alone
    assert text.startswith(f"Tiny market (run 00002 of 4, design point 1, replication 0, "
                           f"seed {seed})\n")
    assert "Changed from the scenario file on the command line: steps=10\n" in text
    assert "Changed by the run's design point: firms.Mass.budget_per_year=80000\n" in text
    assert "experiment.sweep" not in text and "experiment.replications" not in text


def test_a_design_point_that_every_run_shares_is_still_the_design_points(tmp_path):
    """A sweep of one value: every run has it, but it is the experiment's, not a --set."""
    path = run_tiny(tmp_path / "one_point.h5", "experiment.replications=2",
                    "experiment.sweep={firms.Mass.budget_per_year: [5000]}")
    text = load.overview(load.load_run(path, run="00001"))
    assert "Changed by the run's design point: firms.Mass.budget_per_year=5000\n" in text
    assert "on the command line: steps=10\n" in text


def test_every_scenario_text_is_a_single_string(marketsim_experiment):
    """/experiment/scenario is a scalar string, as /runs/<id>/scenario and a single run's
    /scenario are: `f[path][()].decode()` reads any of them."""
    with h5py.File(marketsim_experiment, "r") as f:
        paths = ["experiment/scenario"] + [f"runs/{run}/scenario" for run in f["runs"]]
        for path in paths:
            assert f[path].shape == (), path
        assert "experiment:" in f["experiment/scenario"][()].decode()
        assert f[paths[1]][()].decode().startswith("name:")


@pytest.fixture(scope="module")
def snapshot_file(tmp_path_factory):
    """The tiny scenario with a final snapshot of 300 consumers and a panel of 100."""
    return run_tiny(tmp_path_factory.mktemp("runs") / "snap.h5", "output.snapshot.size=300",
                    "output.panel.size=100")


def test_the_overview_lists_the_panel_and_the_snapshot(snapshot_file, run_file):
    text = load.overview(load.load_run(snapshot_file))
    assert "Consumer panel: yes (/panel: 100 members, " in text
    assert "run.panel_members(), run.panel_purchases())" in text
    assert "Final snapshot: yes (/snapshot: 300 consumers, 15 columns; run.snapshot())" in text
    plain = load.overview(load.load_run(run_file))
    assert "Consumer panel: not recorded" in plain and "Final snapshot: not recorded" in plain


def test_the_snapshot_is_a_dataframe_by_consumer(snapshot_file):
    run = load.load_run(snapshot_file)
    assert run.snapshot_group == "/snapshot"
    snapshot = run.snapshot()
    with h5py.File(snapshot_file, "r") as f:
        consumers = f["snapshot/consumer"][()]
        aware = f["snapshot/aware"][()]
        purchases = f["snapshot/purchases"][()]
        segment = f["snapshot/segment"][()]
    assert len(snapshot) == 300 and snapshot.index.name == "consumer"
    assert list(snapshot.index) == list(consumers)
    assert list(snapshot["segment"]) == list(segment)  # one-dimensional: a Series
    assert list(snapshot["aware"].columns) == FIRMS
    assert (snapshot["aware"].to_numpy() == aware).all()
    assert list(snapshot["ideal"].columns) == ["x1", "x2"]
    assert list(snapshot["purchase_rate"].columns) == CATEGORIES
    assert list(snapshot["purchases"].columns) == [f"{c}/{f}" for c in CATEGORIES for f in FIRMS]
    assert (snapshot["purchases"].to_numpy() == purchases).all()


def test_the_panel_is_two_dataframes(snapshot_file):
    run = load.load_run(snapshot_file)
    members, purchases = run.panel_members(), run.panel_purchases()
    with h5py.File(snapshot_file, "r") as f:
        consumers = f["panel/members/consumer"][()]
        steps = f["panel/purchases/step"][()]
        firms = f["panel/purchases/firm"][()]
    assert list(members.index) == list(consumers) and members.index.name == "consumer"
    assert list(members["ideal"].columns) == ["x1", "x2"]
    assert list(purchases.columns) == ["step", "consumer", "category", "firm", "price", "units"]
    assert list(purchases["step"]) == list(steps) and list(purchases["firm"]) == list(firms)
    assert set(purchases["consumer"]) <= set(consumers)


def test_no_panel_or_snapshot_reads_as_none(run_file):
    run = load.load_run(run_file)
    assert run.snapshot_group is None
    assert run.snapshot() is None and run.panel_members() is None
    assert run.panel_purchases() is None


def test_each_run_of_an_experiment_has_its_own_panel(marketsim_experiment):
    run = load.load_run(marketsim_experiment, 1)
    with h5py.File(marketsim_experiment, "r") as f:
        steps = f["runs/00001/panel/purchases/step"][()]
    assert len(run.panel_purchases()) == len(steps)
    assert len(run.panel_members()) == 500
    assert "Consumer panel: yes (/panel: 500 members" in load.overview(run)


def test_a_durables_snapshot_names_its_durable_categories(tmp_path):
    out = tmp_path / "durables-snapshot.h5"
    subprocess.run([marketsim_binary(), "run",
                    str(ROOT / "scenarios" / "textbook" / "planned_obsolescence.yaml"), "-o",
                    str(out), "--quiet", "--threads", "2", "--set", "consumers=2000",
                    "--set", "steps=8", "--set", "output.snapshot.size=200"],
                   check=True, capture_output=True, timeout=120)
    snapshot = load.load_run(out).snapshot()
    assert list(snapshot["owner"].columns) == ["washer"]
    assert list(snapshot["purchases"].columns) == ["washer/Durabox", "washer/LongLife"]
