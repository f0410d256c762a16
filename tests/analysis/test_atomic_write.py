"""Files are written whole or not at all (analysis.atomic_write): on a full disk a command says
which file it could not write in one line, exits with code 1 and leaves no truncated file."""

import builtins
import errno
import os

import pytest

from analysis import atomic_write, compare, plot, report
from analysis.atomic_write import WriteError, write_file

FULL = "No space left on device"
PNG = b"\x89PNG\r\n\x1a\n"
PNG_END = b"IEND\xaeB`\x82"


class _FillsUp:
    """A file open for writing on a disk that fills up after `room` bytes."""

    def __init__(self, real, room):
        self.real, self.room = real, room

    def write(self, data):
        if len(data) > self.room:
            self.real.write(data[:self.room])
            self.room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return self.real.write(data)

    def __getattr__(self, name):
        return getattr(self.real, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.real.__exit__(*exc)


@pytest.fixture
def disk_fills_up(monkeypatch):
    """After this, the `files`-th file opened for writing (1 for the first) gets 4 KiB and then
    fails with ENOSPC, as on a disk that fills up; the files before it are written whole."""
    opened = []
    real_open, real_fdopen = builtins.open, os.fdopen

    def wrap(real, mode):
        if "r" in mode and "+" not in mode:
            return real
        opened.append(real)
        return _FillsUp(real, 4096 if len(opened) == state["files"] else 1 << 40)

    def fake_open(file, mode="r", *args, **kwargs):
        return wrap(real_open(file, mode, *args, **kwargs), mode)

    def fake_fdopen(fd, mode="r", *args, **kwargs):
        return wrap(real_fdopen(fd, mode, *args, **kwargs), mode)

    state = {"files": 1}
    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(os, "fdopen", fake_fdopen)
    return state


def test_report_on_a_full_disk(run_file, tmp_path, capsys, disk_fills_up):
    out = tmp_path / "report.html"
    assert report.main([str(run_file), "-o", str(out)]) == 1
    assert capsys.readouterr().err == f"error: cannot write '{out}': {FULL}\n"
    assert list(tmp_path.iterdir()) == []  # neither the page nor its temporary file


def test_report_on_a_full_disk_keeps_the_page_it_would_replace(run_file, tmp_path, capsys,
                                                               disk_fills_up):
    out = tmp_path / "report.html"
    out.write_text("last week's report")
    assert report.main([str(run_file), "-o", str(out), "--force"]) == 1
    assert out.read_text() == "last week's report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_plot_on_a_full_disk_keeps_the_whole_figures_and_says_which(run_file, tmp_path, capsys,
                                                                    disk_fills_up):
    disk_fills_up["files"] = 3
    out = tmp_path / "figures"
    assert plot.main([str(run_file), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"error: cannot write '{out / 'awareness.png'}': {FULL}\n"
    assert captured.out == (f"wrote {out / 'market_share.png'}\n"
                            f"wrote {out / 'share_quadrant.png'}\n")
    assert sorted(p.name for p in out.iterdir()) == ["market_share.png", "share_quadrant.png"]
    for figure in out.iterdir():  # whole: from the signature to the end chunk
        data = figure.read_bytes()
        assert data.startswith(PNG) and data.endswith(PNG_END)


def test_compare_on_a_full_disk(run_file, rich_file, tmp_path, capsys, disk_fills_up):
    out = tmp_path / "figures"
    assert compare.main([str(run_file), str(rich_file), "--out", str(out)]) == 1
    assert capsys.readouterr().err.endswith(
        f"error: cannot write '{out / 'share_difference.png'}': {FULL}\n")
    assert list(tmp_path.iterdir()) == []  # nor the directory it made for the figure


def test_plot_on_a_full_disk_removes_the_directories_it_made(run_file, tmp_path, capsys,
                                                             disk_fills_up):
    (tmp_path / "mine").mkdir()
    out = tmp_path / "mine" / "new" / "figures"
    assert plot.main([str(run_file), "--out", str(out)]) == 1
    assert capsys.readouterr().err == f"error: cannot write '{out / 'market_share.png'}': {FULL}\n"
    assert list(tmp_path.iterdir()) == [tmp_path / "mine"]  # the user's directory stays
    assert list((tmp_path / "mine").iterdir()) == []


@pytest.mark.parametrize("command", ["plot", "compare"])
def test_a_full_disk_leaves_a_directory_the_user_had(run_file, rich_file, tmp_path, capsys,
                                                     disk_fills_up, command):
    out = tmp_path / "figures"
    out.mkdir()
    args = ([str(run_file), "--out", str(out)] if command == "plot"
            else [str(run_file), str(rich_file), "--out", str(out)])
    assert {"plot": plot, "compare": compare}[command].main(args) == 1
    assert out.is_dir() and list(out.iterdir()) == []


def test_a_directory_that_fills_the_disk_is_not_left_behind(tmp_path, monkeypatch):
    made = []
    real_mkdir = os.mkdir

    def mkdir_until_full(path, *args, **kwargs):
        if made:  # the second directory does not fit
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
        real_mkdir(path, *args, **kwargs)
        made.append(path)

    monkeypatch.setattr(os, "mkdir", mkdir_until_full)
    with pytest.raises(WriteError) as raised:
        atomic_write.make_directory(tmp_path / "a" / "b")
    assert str(raised.value) == f"cannot make directory '{tmp_path / 'a' / 'b'}': {FULL}"
    assert raised.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []


def test_the_files_written_keep_the_directory(tmp_path):
    out = tmp_path / "new" / "figures"
    with pytest.raises(WriteError):
        with atomic_write.output_directory(out):
            write_file(out / "kept.png", PNG)
            raise WriteError("cannot write the next one")
    assert [p.name for p in out.iterdir()] == ["kept.png"]


def test_an_error_in_the_block_leaves_the_target_as_it_was(tmp_path):
    target = tmp_path / "page.html"
    target.write_text("before")
    with pytest.raises(RuntimeError):
        with atomic_write.atomic_write(target) as out:
            out.write(b"half a page")
            raise RuntimeError("interrupted")
    assert target.read_text() == "before"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_replacing_a_file_leaves_its_other_names_alone(tmp_path):
    target, other = tmp_path / "page.html", tmp_path / "kept.html"
    target.write_text("before")
    os.link(target, other)
    write_file(target, "after")
    assert target.read_text() == "after" and other.read_text() == "before"


def test_a_failure_names_the_file_and_the_reason(tmp_path):
    with pytest.raises(WriteError) as raised:
        write_file(tmp_path / "missing" / "page.html", "text")
    assert str(raised.value) == (f"cannot write '{tmp_path / 'missing' / 'page.html'}': "
                                 "No such file or directory")
    assert raised.value.errno == errno.ENOENT


@pytest.mark.parametrize("stem", ["z", "é"])  # one byte a character, and two
def test_a_name_as_long_as_the_file_system_allows_has_a_temporary_name_that_fits(
        tmp_path, monkeypatch, stem):
    limit = os.pathconf(tmp_path, "PC_NAME_MAX")
    name = stem * ((limit - 4) // len(stem.encode())) + ".txt"
    name = "z" * (limit - len(name.encode())) + name  # exactly `limit` bytes
    assert len(name.encode()) == limit
    seen = []
    real_open = os.open

    def watching_open(path, *args, **kwargs):
        seen.append(os.path.basename(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", watching_open)
    write_file(tmp_path / name, "whole")
    monkeypatch.undo()
    assert (tmp_path / name).read_text() == "whole"
    assert [p.name for p in tmp_path.iterdir()] == [name]
    temporary = seen[0]  # beside the target, hidden, unique, and within the limit
    assert temporary.startswith(".") and temporary.endswith(".tmp") and temporary != "." + name
    assert len(temporary.encode()) <= limit
