"""The innovation lesson: upgrades (working products replaced by a newer one) in compare, in the
obsolescence figure and in the report's note on lapses."""

import subprocess

import pytest

from analysis import compare, plot, report
from analysis.load import load_run
from conftest import ROOT, marketsim_binary


def _innovation(out, *overrides):
    """scenarios/textbook/innovation.yaml, small: Novo's second generation comes out in week 53,
    so collectors upgrade from then on (unless a --set stops it)."""
    command = [marketsim_binary(), "run", str(ROOT / "scenarios" / "textbook" / "innovation.yaml"),
               "-o", str(out), "--quiet", "--threads", "2", "--set", "consumers=5000",
               "--set", "steps=70"]
    for override in overrides:
        command += ["--set", override]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return out


@pytest.fixture(scope="module")
def innovation_runs(tmp_path_factory):
    """(as shipped, without new generations): the pair innovation.md compares."""
    where = tmp_path_factory.mktemp("innovation")
    return (_innovation(where / "innovation.h5"),
            _innovation(where / "flat.h5", "firms.Novo.innovation.quality_gain=0"))


def test_compare_shows_the_upgrades(innovation_runs, capsys):
    shipped, flat = innovation_runs
    a, b = load_run(shipped), load_run(flat)
    table = compare.comparison_table(a, b).set_index("firm")
    assert table.loc["Novo", "upgrades A"] == a.market["upgrades"]["Novo"].sum() > 0
    assert table.loc["Novo", "upgrades B"] == 0
    assert compare.main([str(shipped), str(flat)]) == 0
    out = capsys.readouterr().out
    title = "upgrades, working products replaced by a newer one (summed over the run):"
    assert title in out
    # After the replacements, before the installed base, as the durables table orders them.
    assert out.index("replacement purchases") < out.index(title) < out.index("installed base")
    novo = out.split(title)[1].split("\n\n")[0].splitlines()[2].split()
    assert novo[0] == "Novo" and novo[2] == "0" and novo[3].startswith("-")


def test_obsolescence_figure_has_an_upgrades_panel_only_when_there_were_any(innovation_runs):
    shipped, flat = innovation_runs
    run = load_run(shipped)
    fig = plot.obsolescence(run)
    panels = {ax.get_title(): ax for ax in fig.axes if ax.get_visible()}
    panel = panels["upgrades (working products replaced by a newer one)"]
    novo = next(line for line in panel.get_lines() if line.get_label().startswith("Novo"))
    assert sum(novo.get_ydata()) == run.market["upgrades"]["Novo"].sum()
    without = plot.obsolescence(load_run(flat))
    assert not any(ax.get_title().startswith("upgrades") for ax in without.axes)


def test_report_claims_no_rebuying_only_without_upgrades(innovation_runs, tmp_path):
    shipped, flat = innovation_runs
    upgrades = int(load_run(shipped).market["upgrades"].to_numpy().sum())
    assert report.main([str(shipped), "-o", str(tmp_path / "shipped.html")]) == 0
    page = (tmp_path / "shipped.html").read_text(encoding="utf-8")
    assert "Novo and Steady sell only durable goods" in page
    assert "does not shop again until it fails" not in page
    assert ("shops again only when it fails or to upgrade it: a working product is rebought "
            f"only as an upgrade ({upgrades:,} in this run)") in page
    assert report.main([str(flat), "-o", str(tmp_path / "flat.html")]) == 0
    page = (tmp_path / "flat.html").read_text(encoding="utf-8")
    assert "does not shop again until it fails" in page and "upgrade it" not in page
