"""Nothing a user made is lost (analysis.output_paths): report, plot and compare refuse an
existing output with exit code 2 unless given --force, and even then never replace a run's file,
a scenario or a directory."""

import os
import subprocess
import sys

import pytest

from analysis import compare, plot, report
from conftest import ROOT

PRECIOUS = "precious"


def _files(directory):
    return sorted(p.name for p in directory.iterdir())


def _refused(capsys, directory, named, noun):
    """The command printed nothing but the refusal of `directory`, naming `named`."""
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: cannot write into '{directory}': it holds {named} already; pass --force to "
        f"replace the {noun} (the other files there are left alone), or choose another --out "
        "directory\n")


def test_report_refuses_an_existing_file_unless_forced(run_file, tmp_path, capsys):
    out = tmp_path / "report.html"
    out.write_text(PRECIOUS)
    assert report.main([str(run_file), "-o", str(out)]) == 2
    assert capsys.readouterr().err == (f"error: cannot write '{out}': the file exists; pass "
                                       "--force to replace it, or choose another file name\n")
    assert out.read_text() == PRECIOUS
    assert report.main([str(run_file), "-o", str(out), "--force"]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert _files(tmp_path) == ["report.html"]  # no temporary file left


@pytest.mark.parametrize("name, why", [
    ("other-run.h5", "it is an HDF5 file (a run's output, perhaps)"),
    ("my.yaml", "it is named as a scenario is (.yaml)"),
    ("my.yml", "it is named as a scenario is (.yml)"),
    ("notes.h5", "it is named as a run's file is (.h5)"),
])
def test_report_never_replaces_a_run_or_a_scenario(run_file, tmp_path, capsys, name, why):
    out = tmp_path / name
    if name.startswith("other-run"):
        out.write_bytes(run_file.read_bytes())
    else:
        out.write_text(PRECIOUS)
    before = out.read_bytes()
    for force in ([], ["--force"]):
        assert report.main([str(run_file), "-o", str(out)] + force) == 2
        assert capsys.readouterr().err == (
            f"error: cannot write '{out}': {why}, which is never replaced, even with --force; "
            "choose another file name\n")
        assert out.read_bytes() == before


def test_report_with_force_leaves_a_hard_link_to_the_old_page_alone(run_file, tmp_path):
    out, link = tmp_path / "report.html", tmp_path / "kept.html"
    out.write_text(PRECIOUS)
    os.link(out, link)
    assert report.main([str(run_file), "-o", str(out), "--force"]) == 0
    assert link.read_text() == PRECIOUS


def test_plot_refuses_a_directory_holding_its_figures_unless_forced(run_file, tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    names = ["market_share.png", "awareness.png", "profit_roi.png", "segment_heatmap.png"]
    for name in names + ["notes.txt"]:
        (out / name).write_text(PRECIOUS)
    assert plot.main([str(run_file), "--out", str(out)]) == 2
    _refused(capsys, out, "market_share.png, awareness.png, profit_roi.png and 1 more", "figures")
    assert all((out / name).read_text() == PRECIOUS for name in names)  # nothing written
    assert plot.main([str(run_file), "--out", str(out), "--force"]) == 0
    assert (out / "market_share.png").read_bytes().startswith(b"\x89PNG")
    assert (out / "notes.txt").read_text() == PRECIOUS
    assert _files(out) == sorted(names + ["notes.txt", "share_quadrant.png", "unit_cost.png",
                                          plot.MANIFEST])


def test_plot_into_a_directory_of_other_files(run_file, tmp_path):
    (tmp_path / "notes.txt").write_text(PRECIOUS)
    assert plot.main([str(run_file), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "notes.txt").read_text() == PRECIOUS


def test_plot_never_replaces_a_directory_with_a_figure(run_file, tmp_path, capsys):
    (tmp_path / "awareness.png").mkdir()
    assert plot.main([str(run_file), "--out", str(tmp_path), "--force"]) == 2
    assert capsys.readouterr().err == (
        f"error: cannot write '{tmp_path / 'awareness.png'}': it is a directory, which is never "
        "replaced, even with --force; choose another --out directory\n")
    assert _files(tmp_path) == ["awareness.png"]


def test_compare_refuses_an_existing_figure_before_any_work(run_file, rich_file, tmp_path,
                                                            capsys):
    figure = tmp_path / "share_difference.png"
    figure.write_text(PRECIOUS)
    assert compare.main([str(run_file), str(rich_file), "--out", str(tmp_path)]) == 2
    _refused(capsys, tmp_path, "share_difference.png", "figure")
    assert figure.read_text() == PRECIOUS
    assert compare.main([str(run_file), str(rich_file), "--out", str(tmp_path), "--force"]) == 0
    assert figure.read_bytes().startswith(b"\x89PNG")


def test_force_on_the_command_line(run_file, tmp_path):
    out = tmp_path / "report.html"
    out.write_text(PRECIOUS)
    command = [sys.executable, "-m", "analysis.report", str(run_file), "-o", str(out)]
    refused = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    replaced = subprocess.run(command + ["--force"], cwd=ROOT, capture_output=True, text=True,
                              timeout=300)
    assert replaced.returncode == 0 and out.read_text() != PRECIOUS


@pytest.mark.parametrize("command", ["report", "plot"])
def test_an_output_place_that_takes_no_files_is_refused_at_once(run_file, tmp_path, command):
    """/proc takes no new files, though os.access says it does for root: the command probes the
    directory and exits 2 before any work, not 1 after it."""
    target = ["-o", "/proc/marketsim-report.html"] if command == "report" else \
        ["--out", "/proc/marketsim-figures/"]
    done = subprocess.run([sys.executable, "-m", f"analysis.{command}", str(run_file), *target],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: cannot write")
    assert done.stdout == ""
    assert not os.path.exists(target[1])


def _too_long(path, limit):
    """What a command says of an output whose name is longer than the file system allows."""
    return (f"its name is {len(os.fsencode(os.path.basename(path)))} bytes long, longer than "
            f"the file system allows ({limit} bytes)")


def test_a_file_name_longer_than_the_file_system_allows_is_refused_at_once(run_file, tmp_path,
                                                                           capsys):
    limit = os.pathconf(tmp_path, "PC_NAME_MAX")
    out = tmp_path / ("z" * 300 + ".html")
    # Before any work: the input, missing here, is not even looked at.
    for source in (run_file, tmp_path / "missing.h5"):
        assert report.main([str(source), "-o", str(out)]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err == f"error: cannot write '{out}': {_too_long(out, limit)}\n"
    assert _files(tmp_path) == []


@pytest.mark.parametrize("command", ["plot", "compare"])
def test_a_directory_name_longer_than_the_file_system_allows_makes_nothing(
        run_file, rich_file, tmp_path, capsys, command):
    limit = os.pathconf(tmp_path, "PC_NAME_MAX")
    out = tmp_path / "nd" / ("z" * 300)
    args = ([str(run_file), "--out", str(out)] if command == "plot"
            else [str(run_file), str(rich_file), "--out", str(out)])
    assert {"plot": plot, "compare": compare}[command].main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"error: cannot write into '{out}': {_too_long(out, limit)}\n"
    assert _files(tmp_path) == []  # not even nd/


def test_a_directory_name_too_long_inside_the_path_is_named(run_file, tmp_path, capsys):
    limit = os.pathconf(tmp_path, "PC_NAME_MAX")
    middle = "y" * (limit + 1)
    out = tmp_path / middle / "figures"
    assert plot.main([str(run_file), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"error: cannot write into '{out}': the name '{middle}' in it is {limit + 1} bytes long, "
        f"longer than the file system allows ({limit} bytes)\n")
    assert _files(tmp_path) == []


def test_the_longest_file_name_the_file_system_allows_is_written(run_file, tmp_path, capsys):
    """A name of NAME_MAX bytes is legal: its temporary file must fit too."""
    limit = os.pathconf(tmp_path, "PC_NAME_MAX")
    out = tmp_path / ("z" * (limit - len(".html")) + ".html")
    assert report.main([str(run_file), "-o", str(out)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert _files(tmp_path) == [out.name]  # no temporary file left
