"""scenarios/research/heterogeneity_crossover.py: the guide's tables from a small run of
heterogeneity.yaml, its arithmetic on tables made up for the test, and its errors."""

import subprocess
import sys

import pandas as pd
import pytest

from conftest import ROOT, marketsim_binary

SCRIPT = ROOT / "scenarios" / "research" / "heterogeneity_crossover.py"
T, F = "segments.tangy.ideal.mean.0", "segments.fruity.ideal.mean.1"
FIRMS = ["BigTub", "Spectrum", "FruitFirst", "MyCup"]


def crossover(tables):
    return subprocess.run([sys.executable, str(SCRIPT), str(tables)], capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def small_tables(tmp_path_factory):
    """The diagonal's two ends and the two one-flank-far cells, 3 replications, 30 weeks."""
    where = tmp_path_factory.mktemp("heterogeneity")
    run = where / "h.h5"
    binary = marketsim_binary()
    subprocess.run([binary, "run", str(ROOT / "scenarios" / "research" / "heterogeneity.yaml"),
                    "-o", str(run), "--quiet", "--threads", "2", "--set", "steps=30",
                    "--set", f"experiment={{replications: 3, sweep: {{{T}: [0, 3], {F}: [0, 3]}}}}"],
                   check=True, capture_output=True, timeout=300)
    subprocess.run([binary, "summarize", str(run), "--csv", f"{where / 'tables'}/"], check=True,
                   capture_output=True, timeout=120)
    return where / "tables"


def test_a_small_run_gives_every_table_of_the_guide(small_tables):
    done = crossover(small_tables)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for metric in ["market_share", "customer_share", "profit_per_year"]:
        head = lines.index(f"{metric}, median (p5–p95) over the replications; the leader in bold")
        assert lines[head + 1] == "| d | BigTub | Spectrum | FruitFirst | MyCup |"
        rows = lines[head + 2:head + 4]
        assert [r.split(" | ")[0] for r in rows] == ["| 0", "| 3"]
        assert all(r.count("**") == 2 and r.count("–") == 4 for r in rows)
    summary = pd.read_csv(small_tables / "summary.csv")
    share = summary[(summary.metric == "market_share") & (summary[T] == 0) & (summary[F] == 0)]
    p50 = share.set_index("firm").p50
    first = lines[lines.index("market_share, median (p5–p95) over the replications; the leader "
                              "in bold") + 2]
    assert f"**{p50.max() * 100:.1f}** (" in first  # the leader's median, in bold
    leads = [line for line in lines if ", BigTub's lead over " in line]
    assert len(leads) == 6  # two metrics, three rivals
    assert all(line.endswith("throughout") or "-> crossover near d = " in line for line in leads)
    assert any(line.startswith("tangy at 3, fruity at 0, means: market_share BigTub ")
               for line in lines)
    assert any(line.startswith("tangy at 0, fruity at 3, means: ") for line in lines)


def made_up_tables(where, leads):
    """Tables where BigTub's market share lead over Spectrum at each d is leads[d] in every
    replication but one, which has it 0.02 higher (so the interval is not zero)."""
    runs, summary = [], []
    for d, lead in leads.items():
        for replication in range(4):
            row = {T: d, F: d, "replication": replication}
            for metric in ["market_share", "customer_share", "profit_per_year"]:
                for firm in FIRMS:
                    row[f"{metric}:{firm}"] = 0.25
            row["market_share:Spectrum"] = 0.25 - lead - (0.02 if replication == 0 else 0)
            runs.append(row)
        for metric in ["market_share", "customer_share", "profit_per_year"]:
            for i, firm in enumerate(FIRMS):
                summary.append({T: d, F: d, "metric": metric, "firm": firm, "p5": 0.1 * i,
                                "p50": 0.1 * i + 0.05, "p95": 0.1 * i + 0.1, "mean": 0.1 * i})
    where.mkdir()
    pd.DataFrame(runs).to_csv(where / "runs.csv", index=False)
    pd.DataFrame(summary).to_csv(where / "summary.csv", index=False)
    return where


def test_the_crossover_is_interpolated_where_the_lead_changes_sign(tmp_path):
    tables = made_up_tables(tmp_path / "t", {0: 0.06, 1: 0.02, 2: -0.06, 3: 0.02})
    done = crossover(tables)
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines()
                if x.startswith("market_share, BigTub's lead over Spectrum"))
    # mean leads in points: 6.5, 2.5, -5.5, 2.5; 1 + 2.5 / 8 and 2 + 5.5 / 8 where the sign turns
    assert line.endswith("-> crossover near d = 1.31, 2.69"), line
    # the leads' sd is 1 point (2 points above the rest once in 4); t(3) 3.182 / sqrt(4) = 1.591
    assert "+6.5 ± 1.6 at 0" in line
    level = next(x for x in done.stdout.splitlines()
                 if x.startswith("market_share, BigTub's lead over MyCup"))
    assert level.endswith("-> no crossover: BigTub level throughout"), level
    leader = done.stdout.splitlines()[2]
    assert leader == "| 0 | 5.0 (0.0–10.0) | 15.0 (10.0–20.0) | 25.0 (20.0–30.0) | " \
                     "**35.0** (30.0–40.0) |"


def test_missing_tables_and_other_scenarios_tables_are_refused(tmp_path, run_file):
    done = crossover(tmp_path / "nowhere")
    assert done.returncode == 2
    assert "summary.csv: no such file" in done.stderr and "summarize" in done.stderr
    subprocess.run([marketsim_binary(), "summarize", str(run_file), "--csv", f"{tmp_path / 'tiny'}/"],
                   check=True, capture_output=True, timeout=120)
    (tmp_path / "tiny" / "runs.csv").write_text("replication\n0\n")
    done = crossover(tmp_path / "tiny")
    assert done.returncode == 2
    assert f"no column '{T}'" in done.stderr and "heterogeneity.yaml" in done.stderr
    assert done.stdout == ""
