"""A second plot into the same directory leaves no figure of the first that a reader could take
for one of the second's: plot lists what it wrote in the directory's manifest
(analysis.figure_manifest), and with --force removes the figures listed there that it did not
draw again, while they hold the bytes it wrote; it never removes any other file, and it names
the PNG files there that it did not write."""

import hashlib

import pytest

from analysis import figure_manifest, plot

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def figures(monkeypatch):
    """Sets the figures plot draws: a list of names (run figures first, then the experiment's),
    each drawn as a few bytes, so that a test can change what the "experiment" gives between two
    plots without drawing."""
    drawn = {"run": [], "experiment": []}
    monkeypatch.setattr(plot, "render", lambda run: (
        [(n, PNG + n.encode()) for n in drawn["run"]], []))
    monkeypatch.setattr(plot, "render_experiment", lambda run: [
        (n, PNG + n.encode(), "market_share") for n in drawn["experiment"]])
    return drawn


def _plot(run_file, out, *more):
    return plot.main([str(run_file), "--out", str(out)] + list(more))


def _names(directory):
    return sorted(p.name for p in directory.iterdir())


def test_force_removes_the_figures_an_earlier_plot_drew_and_this_one_did_not(
        run_file, tmp_path, figures, capsys):
    figures["run"] = ["market_share.png"]
    figures["experiment"] = ["experiment_roi.png", "experiment_market_share_over_time.png"]
    assert _plot(run_file, tmp_path) == 0
    (tmp_path / "slide.png").write_bytes(PNG + b"the user's")
    (tmp_path / "notes.txt").write_text("the user's")
    capsys.readouterr()
    figures["experiment"] = []  # a single run now: no experiment figures
    assert _plot(run_file, tmp_path, "--force") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [
        f"removed {tmp_path / 'experiment_market_share_over_time.png'}: an earlier plot drew it "
        "and this one did not",
        f"removed {tmp_path / 'experiment_roi.png'}: an earlier plot drew it and this one did "
        "not",
        f"note: '{tmp_path}' also holds 1 PNG file that this plot did not write (left alone): "
        "slide.png"]
    assert _names(tmp_path) == [plot.MANIFEST, "market_share.png", "notes.txt", "slide.png"]
    assert figure_manifest.read_manifest(tmp_path) == {
        "market_share.png": hashlib.sha256(PNG + b"market_share.png").hexdigest()}


def test_without_force_the_earlier_figures_are_kept_and_said(run_file, tmp_path, figures,
                                                             capsys):
    figures["experiment"] = ["experiment_roi.png"]
    assert _plot(run_file, tmp_path) == 0
    figures["experiment"] = ["experiment_revenue.png"]  # no name in common: nothing to refuse
    capsys.readouterr()
    assert _plot(run_file, tmp_path) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"kept {tmp_path / 'experiment_roi.png'}: an earlier plot drew it and this one did not "
        "(pass --force to remove it)")
    assert set(figure_manifest.read_manifest(tmp_path)) == {"experiment_roi.png",
                                                            "experiment_revenue.png"}
    figures["experiment"] = []
    assert _plot(run_file, tmp_path, "--force") == 0  # both listed: both removed
    assert _names(tmp_path) == [plot.MANIFEST]


def test_a_figure_changed_since_plot_wrote_it_is_left_alone(run_file, tmp_path, figures,
                                                           capsys):
    figures["experiment"] = ["experiment_roi.png", "experiment_revenue.png"]
    assert _plot(run_file, tmp_path) == 0
    (tmp_path / "experiment_revenue.png").write_bytes(PNG + b"edited by the user")
    figures["experiment"] = ["experiment_roi.png"]
    capsys.readouterr()
    assert _plot(run_file, tmp_path, "--force") == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"left {tmp_path / 'experiment_revenue.png'}: an earlier plot wrote it, but it has "
        "changed since")
    assert (tmp_path / "experiment_revenue.png").read_bytes() == PNG + b"edited by the user"
    assert set(figure_manifest.read_manifest(tmp_path)) == {"experiment_roi.png"}


def test_a_manifest_names_nothing_outside_the_directory(run_file, tmp_path, figures):
    out, outside = tmp_path / "figures", tmp_path / "outside.png"
    out.mkdir()
    (out / "sub").mkdir()
    inside = out / "sub" / "deep.png"
    for path in (outside, inside):
        path.write_bytes(PNG)
    sha = hashlib.sha256(PNG).hexdigest()
    (out / plot.MANIFEST).write_text(f"{figure_manifest.HEADER}\n{sha}  ../outside.png\n"
                                     f"{sha}  sub/deep.png\n{sha}  {outside}\n")
    assert figure_manifest.read_manifest(out) == {}
    assert _plot(run_file, out, "--force") == 0
    assert outside.read_bytes() == PNG and inside.read_bytes() == PNG


def _no_work(*_args, **_kwargs):
    raise AssertionError("the run was loaded before the output directory was checked")


def test_a_file_of_the_manifests_name_that_plot_did_not_write_is_refused(
        run_file, tmp_path, figures, capsys, monkeypatch):
    figures["run"] = ["market_share.png"]
    (tmp_path / plot.MANIFEST).write_text("my own list\n")
    monkeypatch.setattr(plot, "load_run_or_report", _no_work)  # refused before any work
    for force in ([], ["--force"]):
        assert _plot(run_file, tmp_path, *force) == 2
        assert capsys.readouterr().err == (
            f"error: cannot write '{tmp_path / plot.MANIFEST}': it is there already and is not "
            "the list of figures analysis.plot writes, so it is not replaced; move it or choose "
            "another --out directory\n")
    assert _names(tmp_path) == [plot.MANIFEST]
    assert (tmp_path / plot.MANIFEST).read_text() == "my own list\n"


def test_the_help_says_what_force_removes(capsys):
    with pytest.raises(SystemExit) as done:
        plot.main(["--help"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert f"listed, with the SHA-256 of each, in {plot.MANIFEST}" in text
    assert "with --force it removes them, but only those still holding the bytes plot wrote" \
        in text
    assert "also remove the figures an earlier plot wrote there that this one does not draw" \
        in text
