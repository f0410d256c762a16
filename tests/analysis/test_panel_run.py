"""analysis.dirichlet on a real run with a consumer panel recorded by marketsim."""

import subprocess
import sys

import h5py
import pytest

from analysis.panel import Panel
from conftest import ROOT, STEPS, run_tiny

PANEL = 5000


@pytest.fixture(scope="module")
def panel_file(tmp_path_factory):
    return run_tiny(tmp_path_factory.mktemp("runs") / "tiny-panel.h5",
                    f"output.panel.size={PANEL}")


def test_the_recorded_panel_has_the_documented_layout(panel_file):
    with h5py.File(panel_file, "r") as f:
        assert f["panel"].attrs["size"] == PANEL
        assert len(f["panel/members/consumer"]) == PANEL
        purchases = f["panel/purchases"]
        for column in ("step", "consumer", "category", "firm", "price", "units"):
            assert len(purchases[column]) == len(purchases["step"]) > PANEL
            assert "description" in purchases[column].attrs
            assert "units" in purchases[column].attrs
        assert purchases["price"].attrs["units"] == "money per unit"
    panel = Panel(panel_file)
    assert panel.size == PANEL
    assert panel.steps() == (0, STEPS - 1)
    assert panel.counts(0).sum() > 0


def test_dirichlet_runs_on_a_recorded_panel(panel_file):
    result = subprocess.run([sys.executable, "-m", "analysis.dirichlet", str(panel_file)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"a panel of {PANEL} consumers" in out
    assert "Category snacks" in out and "Category drinks" in out
    for heading in ("penetration b", "buys per buyer w", "SCR", "100% loyal",
                    "Duplication, observed", "Duplication, Dirichlet theory"):
        assert heading in out
    for firm in ("Mass", "Diff", "OneToOne", "average"):
        assert firm in out
