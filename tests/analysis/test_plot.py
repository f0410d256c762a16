"""analysis.plot: every figure is written, is a PNG and is not empty."""

from analysis import plot
from analysis.load import load_run

PNG = b"\x89PNG\r\n\x1a\n"
ALWAYS = ["market_share.png", "share_quadrant.png", "awareness.png", "profit_roi.png",
          "segment_heatmap.png"]


def test_every_figure_without_durables(run_file, tmp_path, capsys):
    assert plot.main([str(run_file), "--out", str(tmp_path)]) == 0
    for name in ALWAYS:
        data = (tmp_path / name).read_bytes()
        assert data.startswith(PNG) and len(data) > 10_000, name
    assert not (tmp_path / "obsolescence.png").exists()
    assert "skipped obsolescence.png" in capsys.readouterr().out


def test_obsolescence_panel_when_recorded(durables_file):
    made, skipped = plot.render(load_run(durables_file))
    names = dict(made)
    assert skipped == []
    assert names["obsolescence.png"].startswith(PNG) and len(names["obsolescence.png"]) > 10_000


def test_axis_labels_carry_units(run_file):
    run = load_run(run_file)
    fig = plot.profit_roi(run)
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert any("(money)" in label for label in labels)
    assert any("(ratio)" in label for label in labels)
    fig = plot.market_share(run)
    assert "%" in fig.axes[0].get_ylabel() and fig.axes[0].get_title()
    assert fig.axes[0].get_legend() is not None
