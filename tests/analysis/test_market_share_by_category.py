"""market_share.png: a run of several categories gets a stacked panel per category, from
/market/by_category/market_share, with only the firms that sell in it; /market/market_share adds
the units of every category together, so a firm selling chewing gum by the thousand looked like
the leader of a washing-machine market. A step where a category sold nothing is a gap."""

import subprocess

import h5py
import numpy as np
import pytest
from matplotlib.collections import PolyCollection

from analysis import plot, report
from analysis.load import load_run
from conftest import marketsim_binary

# Gum (a consumable bought about once a week) and washing machines (a durable bought about once
# in a hundred weeks): GumCo sells only gum, Durabox only washers, AllCo both. A recession stops
# every washer purchase from week 21 (step 20) on.
GUM_AND_WASHERS = """\
name: Gum and washers
seed: 5
consumers: 2000
steps: 30
steps_per_year: 52
preference_dims: 2
categories:
  - {name: gum, kind: consumable, base_cost: 0.2, reference_volume: 1000}
  - {name: washer, kind: durable, base_cost: 300, reference_volume: 1.0e7,
     lifetime: {shape: 2.0, scale: 156}, reference_life: 104}
segments:
  - name: everyone
    share: 1.0
    ideal: {mean: [0.0, 0.0], sd: [0.5, 0.5]}
    price_sensitivity: {mean: 0.005, sd: 0.001}
    purchase_rate: {gum: {mean: 1.0, shape: 1.0}, washer: {mean: 0.01, shape: 2.0}}
firms:
  - {name: GumCo, strategy: mass, budget_per_year: 20000, price: 1.0, categories: [gum]}
  - {name: Durabox, strategy: mass, budget_per_year: 20000, price: 420, categories: [washer]}
  - {name: AllCo, strategy: mass, budget_per_year: 20000}
shocks:
  - {name: washer_slump, kind: recession, step: 20, multiply: 0, categories: [washer]}
"""
SLUMP = 20  # the first step without washer sales


@pytest.fixture(scope="module")
def gum_and_washers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("categories")
    scenario = folder / "gum_and_washers.yaml"
    scenario.write_text(GUM_AND_WASHERS)
    out = folder / "gum_and_washers.h5"
    subprocess.run([marketsim_binary(), "run", str(scenario), "-o", str(out), "--quiet",
                    "--threads", "2"], check=True, capture_output=True, timeout=120)
    return out


def _panels(fig):
    """{panel title: [(firm label, area)]} of the figure's stacked areas."""
    return {ax.get_title(): [(c.get_label(), c) for c in ax.collections
                             if isinstance(c, PolyCollection)]
            for ax in fig.axes if ax.get_visible()}


def _weeks_drawn(area):
    """The weeks (x values) an area covers."""
    return {round(float(x)) for path in area.get_paths() for x in path.vertices[:, 0]}


def _top_edge(area, week):
    """The upper edge of a stacked area at `week` (the largest y of its outline there)."""
    vertices = np.concatenate([path.vertices for path in area.get_paths()])
    return vertices[np.isclose(vertices[:, 0], week), 1].max()


def test_the_data_mix_the_categories(gum_and_washers):
    """Why the figure needs panels: over the whole market, Durabox's washers are a fraction of a
    percent of the units, though it sells about a third of the washers."""
    with h5py.File(gum_and_washers) as f:
        whole = f["market/market_share"][:SLUMP, 1]
        washers = f["market/by_category/market_share"][:SLUMP, 1, 1]
    assert whole.max() < 0.01 and washers.mean() > 0.2


def test_a_stacked_panel_per_category_with_the_firms_that_sell_in_it(gum_and_washers):
    run = load_run(gum_and_washers)
    fig = plot.market_share(run)
    panels = _panels(fig)
    assert list(panels) == ["gum", "washer"]
    assert [label for label, _ in panels["gum"]] == ["GumCo (mass)", "AllCo (mass)"]
    assert [label for label, _ in panels["washer"]] == ["Durabox (mass)", "AllCo (mass)"]
    with h5py.File(gum_and_washers) as f:
        shares = f["market/by_category/market_share"][()]  # [step, category, firm]
    # Each area's top is the stack of the category's shares up to it (weeks = steps + 1).
    for week in (1, 10, SLUMP):
        step = week - 1
        gum, washer = panels["gum"], panels["washer"]
        assert _top_edge(gum[0][1], week) == pytest.approx(shares[step, 0, 0])
        assert _top_edge(gum[1][1], week) == pytest.approx(shares[step, 0, 0] + shares[step, 0, 2])
        assert _top_edge(washer[0][1], week) == pytest.approx(shares[step, 1, 1])
        assert _top_edge(washer[1][1], week) == pytest.approx(1.0)
    title = fig._suptitle.get_text()
    assert "who sells the units of each category" in title
    assert "units of different categories are not added together" in title.replace("\n", " ")
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["AllCo (mass)", "Durabox (mass)", "GumCo (mass)"]  # top of the stacks first


def test_a_week_in_which_a_category_sold_nothing_is_a_gap(gum_and_washers):
    """marketsim records a share of 0 for every firm where nothing sold: drawn, it was a week of
    an empty market; it is left blank, while the other category's panel goes on."""
    with h5py.File(gum_and_washers) as f:
        units = f["market/by_category/units"][()]
    assert units[SLUMP:, 1].sum() == 0 and units[SLUMP:, 0].sum(axis=1).min() > 0
    run = load_run(gum_and_washers)
    fig = plot.market_share(run)
    panels = _panels(fig)
    for _, area in panels["washer"]:
        assert max(_weeks_drawn(area)) == SLUMP  # step SLUMP - 1 is week SLUMP, the last sold
    for _, area in panels["gum"]:
        assert max(_weeks_drawn(area)) == len(run.steps)
    assert "blank where no units of the category sold in the week" in fig._suptitle.get_text()
    frame = plot.shares_by_category(run)["washer"]
    assert frame.iloc[SLUMP:].isna().all().all() and frame.iloc[:SLUMP].notna().all().all()


def test_the_reports_caption_says_what_is_drawn(gum_and_washers, monopoly_file):
    caption = report.figure_caption("market_share.png", load_run(gum_and_washers))
    assert caption.startswith("A panel per category: each firm's share of the units of that "
                              "category sold in each week, stacked to 100%, with only the firms "
                              "that sell in it")
    assert "blank in a week in which the category sold nothing" in caption
    one = report.figure_caption("market_share.png", load_run(monopoly_file))
    assert one.startswith("Each firm's share of the units sold in each week, stacked to 100%")


def test_a_run_of_one_category_keeps_one_panel(monopoly_file):
    run = load_run(monopoly_file)
    assert len(run.categories) == 1
    fig = plot.market_share(run)
    assert len(fig.axes) == 1
    assert fig.axes[0].get_title().startswith(f"{run.name}: who sells the units (market share")
    assert fig.axes[0].get_ylabel() == "market share, of all units sold in the week (%)"


def test_a_week_in_which_a_one_category_market_sold_nothing_is_a_gap(tmp_path):
    """planned_obsolescence.yaml with every purchase stopped from week 11: no share is drawn
    there (it drew an empty market down to 0)."""
    from conftest import ROOT
    out = tmp_path / "stopped.h5"
    subprocess.run([marketsim_binary(), "run",
                    str(ROOT / "scenarios" / "textbook" / "planned_obsolescence.yaml"), "-o",
                    str(out), "--quiet", "--threads", "2", "--set", "consumers=2000",
                    "--set", "steps=20",
                    "--set", "shocks=[{name: stop, kind: recession, step: 10, multiply: 0}]"],
                   check=True, capture_output=True, timeout=120)
    run = load_run(out)
    assert run.market["units"].iloc[10:].sum().sum() == 0
    fig = plot.market_share(run)
    (ax,) = fig.axes
    areas = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert areas and all(max(_weeks_drawn(area)) == 10 for area in areas)
    assert "blank where no units sold in the week" in ax.get_title()
