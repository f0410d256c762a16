"""The strategies' own diagnostics (/strategies/<name>) in analysis.plot (strategies.png) and in
analysis.report (a section with that figure and a table). The CLI's built-in strategies record
none, so most tests add diagnostics to a copy of a real run the way the HDF5 recorder writes them
(as test_diagnostics_load.py does); one test uses a run that the custom_cli example, whose
`pulsing` strategy records `burst`, really made."""

import pathlib
import re
import shutil
import subprocess

import h5py
import numpy as np
import pytest

from analysis import formats, plot, report
from analysis.load import load_run
from conftest import ROOT, marketsim_binary, write_experiment
from html_tables import table_under

PNG = b"\x89PNG\r\n\x1a\n"
SECTION = "Strategies' own diagnostics"
# What marketsim appends to every diagnostic's description (models/simulation.cpp).
SUFFIX = " (recorded by the firm's strategy; NaN where it records none)"
LONG = ("the markup the explorer charged, as a fraction of unit cost: the arm of the "
        "epsilon-greedy bandit it played in the step, best so far or a random pick")



def add_diagnostic(f, name, values, units, description):
    """Writes /strategies/<name> as the HDF5 recorder does: float64 [T, F], NaN where a firm
    recorded nothing, units and description attributes, step and firm dimension scales."""
    d = f.create_dataset(f"strategies/{name}", data=np.asarray(values, dtype=float))
    d.attrs["units"] = units
    d.attrs["description"] = description + SUFFIX
    d.dims[0].attach_scale(f["step"])
    d.dims[1].attach_scale(f["firm"])


def markup_values(steps, firms):
    """`markup`: firm 0 every step; firm 2 every step but the last two; the others never."""
    values = np.full((steps, firms), np.nan)
    values[:, 0] = 0.1 + 0.01 * np.arange(steps)
    values[:, 2] = 0.4
    values[-2:, 2] = np.nan
    return values


def explored_values(steps, firms):
    """`explored`: a flag that firm 0 alone records."""
    values = np.full((steps, firms), np.nan)
    values[:, 0] = (np.arange(steps) % 3 == 0).astype(float)
    return values


def with_diagnostics(source, target):
    """A copy of run `source` with diagnostics markup (fraction, firms 0 and 2) and explored
    (flag, firm 0); firms 1 and 3 record nothing (their columns are all NaN)."""
    shutil.copy(source, target)
    with h5py.File(target, "r+") as f:
        steps, firms = f["market/units"].shape
        add_diagnostic(f, "markup", markup_values(steps, firms), "fraction", LONG)
        add_diagnostic(f, "explored", explored_values(steps, firms), "flag",
                       "1 when the markup was a random pick, 0 when the best so far")
    return target


@pytest.fixture(scope="module")
def diagnostics_file(run_file, tmp_path_factory):
    return with_diagnostics(run_file, tmp_path_factory.mktemp("diagnostics") / "diag.h5")


@pytest.fixture(scope="module")
def pulsing_file(tmp_path_factory):
    """examples/pulsing.yaml run by the custom_cli example (its `pulsing` strategy records
    `burst`; the other firm, Steady, plays `mass` and records nothing), 20 steps."""
    binary = (pathlib.Path(marketsim_binary()).resolve().parents[1] / "examples"
              / "marketsim_example_custom_cli")
    if not binary.exists():
        pytest.skip(f"no {binary}: build the examples (marketsim_example_custom_cli)")
    out = tmp_path_factory.mktemp("diagnostics") / "pulsing.h5"
    subprocess.run([str(binary), "run", str(ROOT / "examples" / "pulsing.yaml"), "-o", str(out),
                    "--quiet", "--threads", "2", "--set", "steps=20", "--set",
                    "consumers=3000"], check=True, capture_output=True, timeout=120)
    return out


def labels_of(run):
    return {firm: f"{firm} ({strategy})" if strategy else firm
            for firm, strategy in zip(run.firms, run.strategies)}


def panels(fig):
    """The panels of a diagnostics figure that draw something, top to bottom."""
    return [ax for ax in fig.axes if ax.get_lines()]


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def section_of(page):
    """The diagnostics section of a report, without the figures' base64 data."""
    start = page.index(f"<h2>{SECTION}")
    end = page.find("<h2>", start + 1)
    return re.sub(r"base64,[A-Za-z0-9+/=]+", "base64,", page[start:end if end > 0 else None])


# ---- analysis.plot ----

def test_plot_writes_the_diagnostics_figure_for_a_run_with_diagnostics(diagnostics_file,
                                                                        tmp_path, capsys):
    assert plot.main([str(diagnostics_file), "--out", str(tmp_path)]) == 0
    data = (tmp_path / "strategies.png").read_bytes()
    assert data.startswith(PNG) and len(data) > 10_000
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / 'strategies.png'}" in out
    assert not (tmp_path / "strategies_2.png").exists()  # two diagnostics: one figure


def test_plot_writes_no_diagnostics_figure_for_a_run_without(run_file, tmp_path, capsys):
    run = load_run(run_file)
    assert plot.diagnostics_pages(run) == [] and plot.strategies(run) is None
    assert plot.render_strategies(run) == []
    assert plot.main([str(run_file), "--out", str(tmp_path)]) == 0
    assert not list(tmp_path.glob("strategies*"))
    assert "strategies" not in capsys.readouterr().out  # not even "skipped"
    made, skipped = plot.render(run)
    assert [name for name, _ in made] == ["market_share.png", "share_quadrant.png",
                                          "awareness.png", "profit_roi.png", "unit_cost.png",
                                          "segment_heatmap.png"]
    assert [name for name, _ in skipped] == ["obsolescence.png"]


def test_a_panel_per_diagnostic_and_a_line_per_firm_that_recorded_it(diagnostics_file):
    run = load_run(diagnostics_file)
    labels = labels_of(run)
    first, _, third, fourth = run.firms
    fig = plot.strategies(run)
    explored, markup = panels(fig)  # in the file's order (HDF5 lists names alphabetically)
    # The y axis names the diagnostic and its units (a fraction as a percentage, as elsewhere).
    assert explored.get_ylabel() == "explored (flag)"
    assert markup.get_ylabel() == "markup (%)"
    # The description is the panel's title, wrapped, without the recorder's note.
    assert explored.get_title(loc="left") == (
        "explored: 1 when the markup was a random pick, 0 when the best so far")
    title = markup.get_title(loc="left")
    assert "\n" in title and title.replace("\n", " ") == f"markup: {LONG}"
    assert "recorded by the firm's strategy" not in explored.get_title(loc="left") + title
    # The figure is for a classroom: its title says what it shows, not where the file keeps it.
    assert "/strategies/" not in fig._suptitle.get_text()
    assert "a panel per diagnostic, a line per firm that recorded it" in fig._suptitle.get_text()
    # One line per firm that recorded it; the legend says which firms did.
    assert legend_texts(explored) == [labels[first]]
    assert legend_texts(markup) == [labels[first], labels[third]]
    assert [line.get_label() for line in markup.get_lines()] == [labels[first], labels[third]]
    steps = len(run.steps)
    expected = markup_values(steps, len(run.firms))
    drawn = {line.get_label(): line.get_ydata() for line in markup.get_lines()}
    assert np.allclose(drawn[labels[first]], expected[:, 0])
    assert np.allclose(drawn[labels[third]], expected[:, 2], equal_nan=True)
    assert list(markup.get_lines()[0].get_xdata()) == list(run.time_values(run.steps))
    # A shared time axis, labelled once at the bottom.
    assert markup.get_xlabel() == run.time_label() and explored.get_xlabel() == ""
    assert markup.get_xlim() == explored.get_xlim()
    # Firms that recorded nothing are named under the figure.
    notes = " ".join(t.get_text() for t in fig.texts)
    assert labels[fourth] in notes and "recorded none of these diagnostics" in notes
    assert labels[first] not in notes


def test_a_firm_keeps_its_colour_and_line_style_across_figures(diagnostics_file):
    run = load_run(diagnostics_file)
    awareness = {line.get_label(): (line.get_color(), line.get_linestyle())
                 for line in plot.awareness(run).axes[0].get_lines()}
    markup = panels(plot.strategies(run))[1]
    for line in markup.get_lines():
        assert (line.get_color(), line.get_linestyle()) == awareness[line.get_label()]


def test_a_firm_whose_column_is_all_nan_is_neither_drawn_nor_listed(pulsing_file, tmp_path):
    run = load_run(pulsing_file)
    assert run.firms == ["Steady", "Bursts"]
    assert run.diagnostics["burst"]["Steady"].isna().all()  # mass records no burst
    fig = plot.strategies(run)
    (burst,) = panels(fig)
    assert legend_texts(burst) == ["Bursts (pulsing)"]
    assert [line.get_label() for line in burst.get_lines()] == ["Bursts (pulsing)"]
    assert burst.get_ylabel() == "burst (flag)"
    assert burst.get_title(loc="left") == ("burst: 1 in a step of a burst of advertising, 0 in "
                                           "a gap")
    assert set(burst.get_lines()[0].get_ydata()) == {0.0, 1.0}
    notes = " ".join(t.get_text() for t in fig.texts)
    assert "Steady (mass)" in notes
    out = tmp_path / "pulsing.html"
    assert report.main([str(pulsing_file), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    (row,) = table_under(page, SECTION)
    assert row["diagnostic"] == "burst" and row["units"] == "flag"
    assert row["recorded by"] == "Bursts (pulsing)"
    last = run.diagnostics["burst"]["Bursts"].iloc[-1]
    assert row["last value, Bursts"] == formats.number(float(last))
    assert "last value, Steady" not in row
    assert "Steady" not in section_of(page)


def test_many_diagnostics_are_split_evenly_over_figures(run_file, tmp_path):
    path = tmp_path / "many.h5"
    shutil.copy(run_file, path)
    with h5py.File(path, "r+") as f:
        steps, firms = f["market/units"].shape
        for k in range(plot.DIAGNOSTICS_PER_FIGURE + 2):
            values = np.full((steps, firms), np.nan)
            values[:, 1] = k + np.arange(steps)
            add_diagnostic(f, f"d{k}", values, "units", f"diagnostic number {k}")
    run = load_run(path)
    pages = plot.diagnostics_pages(run)
    assert [name for name, _ in pages] == ["strategies.png", "strategies_2.png"]
    assert [len(names) for _, names in pages] == [4, 4]
    assert pages[0][1] + pages[1][1] == list(run.diagnostics)
    fig = plot.strategies(run, 1)
    assert len(panels(fig)) == 4 and "(2 of 2)" in fig._suptitle.get_text()
    assert [name for name, _ in plot.render(run)[0]][-2:] == ["strategies.png",
                                                               "strategies_2.png"]


# ---- analysis.report ----

def test_the_report_has_a_diagnostics_section_with_figure_and_table(diagnostics_file, tmp_path):
    run = load_run(diagnostics_file)
    labels = labels_of(run)
    first, second, third, fourth = run.firms
    out = tmp_path / "diag.html"
    assert report.main([str(diagnostics_file), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert f"<h2>{SECTION}</h2>" in page
    section = section_of(page)
    assert section.count('alt="strategies.png"') == 1
    assert page.count('alt="strategies.png"') == 1  # in this section only, not under Figures
    assert page.count("data:image/png;base64,") == 7
    rows = {row["diagnostic"]: row for row in table_under(page, SECTION)}
    assert list(rows) == ["explored", "markup"]
    assert list(rows["markup"]) == ["diagnostic", "units", "description", "recorded by",
                                    f"last value, {first}", f"last value, {third}"]
    assert rows["markup"]["units"] == "fraction" and rows["explored"]["units"] == "flag"
    assert rows["markup"]["description"] == LONG
    assert rows["explored"]["description"] == ("1 when the markup was a random pick, 0 when "
                                               "the best so far")
    assert rows["markup"]["recorded by"] == f"{labels[first]}, {labels[third]}"
    assert rows["explored"]["recorded by"] == labels[first]
    steps = len(run.steps)
    markup = markup_values(steps, len(run.firms))
    explored = explored_values(steps, len(run.firms))
    assert rows["markup"][f"last value, {first}"] == formats.number(markup[-1, 0])
    # Firm 2 stopped two steps before the end: its value says when.
    when = f"week {run.time_values(run.steps)[-3]}"
    assert rows["markup"][f"last value, {third}"] == f"{formats.number(0.4)} ({when})"
    assert rows["explored"][f"last value, {first}"] == formats.number(explored[-1, 0])
    assert rows["explored"][f"last value, {third}"] == formats.NA
    # The firms that recorded nothing are in neither the table nor the section's text.
    for firm in (second, fourth):
        assert firm not in section


def test_a_report_without_diagnostics_has_no_such_section(run_file, tmp_path):
    out = tmp_path / "plain.html"
    assert report.main([str(run_file), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert SECTION not in page and "strategies.png" not in page
    assert "/strategies" not in page
    assert page.count("data:image/png;base64,") == 6


def test_a_diagnostic_no_firm_recorded_is_listed_but_not_drawn(run_file, tmp_path):
    path = tmp_path / "silent.h5"
    shutil.copy(run_file, path)
    with h5py.File(path, "r+") as f:
        steps, firms = f["market/units"].shape
        add_diagnostic(f, "silence", np.full((steps, firms), np.nan), "ratio", "never recorded")
    run = load_run(path)
    assert plot.diagnostics_pages(run) == [] and plot.strategies(run) is None
    page = report.build_report(run)
    (row,) = table_under(page, SECTION)
    assert row == {"diagnostic": "silence", "units": "ratio", "description": "never recorded",
                   "recorded by": "no firm (not drawn)"}
    assert "strategies.png" not in page


def test_an_experiment_shows_the_diagnostics_of_the_run_it_shows(diagnostics_file, run_file,
                                                                 tmp_path):
    path = write_experiment(tmp_path / "experiment.h5", [diagnostics_file, run_file],
                            with_summary=False)
    first = report.build_report(load_run(path))
    assert f"<h2>{SECTION} (run 0 only)</h2>" in first
    assert "They are run 0's: each run of the experiment records its own" in first
    assert [row["diagnostic"] for row in table_under(first, SECTION)] == ["explored", "markup"]
    second = report.build_report(load_run(path, run=1))
    assert SECTION not in second and "strategies.png" not in second
    assert plot.main([str(path), "--run", "1", "--out", str(tmp_path / "run1")]) == 0
    assert not list((tmp_path / "run1").glob("strategies*"))
    assert plot.main([str(path), "--out", str(tmp_path / "run0")]) == 0
    assert (tmp_path / "run0" / "strategies.png").read_bytes().startswith(PNG)
