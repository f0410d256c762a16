"""Fixtures for the analysis tests: small runs made with the project's marketsim binary."""

import os
import pathlib
import subprocess
import sys

import h5py
import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
os.environ.setdefault("MPLBACKEND", "Agg")

STEPS = 10


@pytest.fixture(autouse=True)
def _close_figures():
    """Figures a test draws and inspects are closed after it (when it drew any)."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def marketsim_binary():
    """The binary ctest passes in MARKETSIM_BINARY, else the release build's."""
    given = os.environ.get("MARKETSIM_BINARY")
    if given:
        if not os.access(given, os.X_OK):
            pytest.fail(f"MARKETSIM_BINARY={given} is not an executable")
        return given
    default = ROOT / "build" / "release" / "cli" / "marketsim"
    if not default.exists():
        pytest.skip("no marketsim binary: build it (cmake --build --preset release) or set "
                    "MARKETSIM_BINARY")
    return str(default)


def run_tiny(out, *overrides):
    command = [marketsim_binary(), "run", str(ROOT / "scenarios" / "tiny.yaml"), "-o", str(out),
               "--quiet", "--threads", "2", "--set", f"steps={STEPS}"]
    for override in overrides:
        command += ["--set", override]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return out


@pytest.fixture(scope="session")
def run_file(tmp_path_factory):
    """The tiny scenario, 10 steps."""
    return run_tiny(tmp_path_factory.mktemp("runs") / "tiny.h5")


@pytest.fixture(scope="session")
def rich_file(tmp_path_factory):
    """The tiny scenario with the mass marketer's budget doubled (same seed)."""
    return run_tiny(tmp_path_factory.mktemp("runs") / "tiny-rich.h5",
                    "firms.Mass.budget_per_year=80000")


@pytest.fixture(scope="session")
def durables_file(tmp_path_factory):
    """A real durable-goods run: the planned-obsolescence scenario, small, with the rival."""
    out = tmp_path_factory.mktemp("runs") / "durables.h5"
    command = [marketsim_binary(), "run",
               str(ROOT / "scenarios" / "textbook" / "planned_obsolescence.yaml"), "-o", str(out),
               "--quiet", "--threads", "2", "--set", "consumers=5000", "--set", "steps=60",
               "--set", "shocks.rival_enters.enabled=true",
               "--set", "firms.Durabox.durability=40"]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return out


def ghost_scenario(folder):
    """scenarios/tiny.yaml with a fifth firm, Ghost, written into `folder`: a mass marketer
    without a budget, so that nobody hears of it and it sells nothing, though it is in the
    market all along. Returns the scenario's path."""
    text = (ROOT / "scenarios" / "tiny.yaml").read_text()
    text = text.replace("\noutput:", "\n  - {name: Ghost, strategy: mass, budget_per_year: 0}"
                                     "\noutput:")
    assert "Ghost" in text
    path = folder / "ghost.yaml"
    path.write_text(text)
    return path


# ClubRoast's programs switched off in loyalty_referral.yaml: a loyalty reward of 0 and a
# referral program that multiplies word of mouth by 1 and pays 0 (no program, for marketsim
# summarize, though marketsim still tags the customers word of mouth brought in).
PROGRAMS_OFF = ("firms.ClubRoast.loyalty_program.reward=0",
                "firms.ClubRoast.referral_program.multiplier=1",
                "firms.ClubRoast.referral_program.reward=0")


def run_loyalty_referral(out, *overrides):
    """scenarios/textbook/loyalty_referral.yaml run into `out` with `overrides` (key=value)."""
    subprocess.run([marketsim_binary(), "run",
                    str(ROOT / "scenarios" / "textbook" / "loyalty_referral.yaml"), "-o",
                    str(out), "--quiet", "--threads", "2",
                    *[arg for key_value in overrides for arg in ("--set", key_value)]],
                   check=True, capture_output=True, timeout=120)
    return out


def run_short_life(out, *overrides):
    """planned_obsolescence.yaml with the rival, a durability of 40 and a reference life of 20
    steps, so that failures can be on time from step 20; `overrides` (key=value) size it."""
    sets = [arg for key_value in ("shocks.rival_enters.enabled=true",
                                  "firms.Durabox.durability=40",
                                  "categories.washer.reference_life=20", *overrides)
            for arg in ("--set", key_value)]
    subprocess.run([marketsim_binary(), "run",
                    str(ROOT / "scenarios" / "textbook" / "planned_obsolescence.yaml"), "-o",
                    str(out), "--quiet", "--threads", "2", *sets],
                   check=True, capture_output=True, timeout=120)
    return out


@pytest.fixture(scope="session")
def short_life_file(tmp_path_factory):
    """planned_obsolescence.yaml, small, with the rival and a reference life of 20 weeks, so
    that failures can be on time from week 21 (step 20) of the 60."""
    return run_short_life(tmp_path_factory.mktemp("runs") / "short_life.h5", "consumers=5000",
                          "steps=60")


@pytest.fixture(scope="session")
def monopoly_file(tmp_path_factory):
    """planned_obsolescence.yaml as shipped (its rival's entry disabled), small: LongLife never
    enters the market, Durabox sells every unit."""
    out = tmp_path_factory.mktemp("runs") / "monopoly.h5"
    command = [marketsim_binary(), "run",
               str(ROOT / "scenarios" / "textbook" / "planned_obsolescence.yaml"), "-o", str(out),
               "--quiet", "--threads", "2", "--set", "consumers=5000", "--set", "steps=30",
               "--set", "firms.Durabox.durability=78"]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return out


@pytest.fixture(scope="session")
def marketsim_experiment(tmp_path_factory):
    """An experiment file as marketsim writes it: the tiny scenario, 10 steps, 3 replications
    (runs 00000 to 00002), each with a 500-member consumer panel."""
    return run_tiny(tmp_path_factory.mktemp("runs") / "replications.h5",
                    "experiment.replications=3", "output.panel.size=500")


@pytest.fixture(scope="session")
def marketsim_sweep(tmp_path_factory):
    """A sweep as marketsim writes it: the tiny scenario, 10 steps, the mass marketer's budget
    at 40,000 and 80,000 (design points 0 and 1), 2 replications each (runs 00000 to 00003).
    Read it only: other tests share it."""
    return run_tiny(tmp_path_factory.mktemp("runs") / "sweep.h5", "experiment.replications=2",
                    "experiment.sweep={firms.Mass.budget_per_year: [40000, 80000]}")


def write_experiment(target, sources, with_summary):
    """An experiment file in the documented layout: /runs/<id>/ plus /experiment tables."""
    with h5py.File(target, "w") as out:
        finals = []
        for run_id, source in enumerate(sources):
            with h5py.File(source, "r") as f:
                group = out.create_group(f"runs/{run_id}")
                for key, value in f.attrs.items():
                    group.attrs[key] = value
                for name in f:
                    f.copy(f[name], group, name=name)
                finals.append(f["market/market_share"][-1])
        runs = np.zeros(len(sources), dtype=[("run", "i8"), ("seed", "i8"), ("point", "i8"),
                                              ("market_share_Mass", "f8"),
                                              ("profit_Mass", "f8")])
        runs["run"] = np.arange(len(sources))
        runs["seed"] = 7
        runs["point"] = np.arange(len(sources)) % 2
        runs["market_share_Mass"] = [row[0] for row in finals]
        runs["profit_Mass"] = np.arange(len(sources)) * 100.0
        out["experiment/runs"] = runs
        if with_summary:
            out["experiment/summary/point"] = np.array([0, 1])
            out["experiment/summary/result"] = np.array([b"market_share_Mass"] * 2)
            out["experiment/summary/mean"] = np.array([0.27, 0.28])
    return target


@pytest.fixture(scope="session")
def experiment_file(run_file, rich_file, tmp_path_factory):
    return write_experiment(tmp_path_factory.mktemp("runs") / "experiment.h5",
                            [run_file, rich_file, run_file], with_summary=False)


@pytest.fixture(scope="session")
def experiment_with_summary(run_file, rich_file, tmp_path_factory):
    return write_experiment(tmp_path_factory.mktemp("runs") / "experiment-summary.h5",
                            [run_file, rich_file], with_summary=True)


def every_command(path, tmp_path):
    """[(main, argv)] of every analysis command run on the file `path`, writing under
    `tmp_path`: load, plot, report, compare (the file with itself) and dirichlet."""
    from analysis import compare, dirichlet, load, plot, report
    return [
        (load.main, [str(path)]),
        (plot.main, [str(path), "--out", str(tmp_path / "figures")]),
        (report.main, [str(path), "-o", str(tmp_path / "report.html")]),
        (compare.main, [str(path), str(path)]),
        (dirichlet.main, [str(path)]),
    ]
