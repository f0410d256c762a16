"""Files are written whole or not at all, and a command's files all together or none
(analysis.atomic_write): on a full disk a command says which file it could not write in one line,
exits with code 1 and leaves no truncated file, none of the files it wrote before and every file
it would have replaced or removed as it was."""

import builtins
import errno
import hashlib
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
    """After this, the `files`-th file opened for writing (1 for the first) gets `room` bytes (4
    KiB) and then fails with ENOSPC, as on a disk that fills up; the files before it are written
    whole. `opened` lists the files opened for writing so far."""
    opened = []
    real_open, real_fdopen = builtins.open, os.fdopen

    def wrap(real, mode):
        if "r" in mode and "+" not in mode:
            return real
        opened.append(real)
        return _FillsUp(real, state["room"] if len(opened) == state["files"] else 1 << 40)

    def fake_open(file, mode="r", *args, **kwargs):
        return wrap(real_open(file, mode, *args, **kwargs), mode)

    def fake_fdopen(fd, mode="r", *args, **kwargs):
        return wrap(real_fdopen(fd, mode, *args, **kwargs), mode)

    state = {"files": 1, "room": 4096, "opened": opened}
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


def _snapshot(directory):
    """{name: bytes} of every file in `directory` (temporary files included)."""
    return {p.name: p.read_bytes() for p in directory.iterdir()}


def test_plot_on_a_full_disk_leaves_none_of_its_figures(run_file, tmp_path, capsys,
                                                        disk_fills_up):
    disk_fills_up["files"] = 3
    out = tmp_path / "figures"
    assert plot.main([str(run_file), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"error: cannot write '{out / 'awareness.png'}': {FULL}\n"
    assert captured.out == ""  # nothing was written, so nothing is said to be
    assert list(tmp_path.iterdir()) == []  # nor the directory it made for them


def test_after_a_full_disk_the_same_plot_succeeds(run_file, tmp_path, capsys, monkeypatch,
                                                  disk_fills_up):
    disk_fills_up["files"] = 4
    out = tmp_path / "figures"
    assert plot.main([str(run_file), "--out", str(out)]) == 1
    monkeypatch.undo()  # space is freed
    assert plot.main([str(run_file), "--out", str(out)]) == 0  # not refused: nothing was left
    assert capsys.readouterr().err.endswith("No space left on device\n")
    assert (out / plot.MANIFEST).is_file() and (out / "awareness.png").is_file()


@pytest.mark.parametrize("failing", [1, 3, "manifest"])
def test_plot_on_a_full_disk_leaves_the_directory_as_it_was(run_file, tmp_path, capsys,
                                                            disk_fills_up, failing):
    # An earlier plot's figures, which --force replaces (or removes, for one not drawn again),
    # and a file of the user's: a plot that fails, on its first, third or last file, leaves
    # every one of them as it was and nothing of its own.
    out = tmp_path / "figures"
    disk_fills_up["files"] = 1 << 30
    assert plot.main([str(run_file), "--out", str(out)]) == 0
    stale = out / "experiment_roi.png"
    stale.write_bytes(PNG + b"an earlier experiment's")
    listed = (out / plot.MANIFEST).read_text().replace(
        "\n", f"\n{hashlib.sha256(stale.read_bytes()).hexdigest()}  experiment_roi.png\n", 2)
    (out / plot.MANIFEST).write_text(listed)
    (out / "awareness.png").write_bytes(PNG + b"last week's awareness")
    (out / "notes.txt").write_text("the user's")
    linked = tmp_path / "market_share-kept.png"
    os.link(out / "market_share.png", linked)
    before = _snapshot(out)
    capsys.readouterr()
    written = len(before) - 2  # the figures and the manifest, less the user's two files
    disk_fills_up["room"] = 100  # less than the manifest's
    disk_fills_up["files"] = (len(disk_fills_up["opened"]) +
                              (written if failing == "manifest" else failing))
    assert plot.main([str(run_file), "--out", str(out), "--force"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: cannot write ") and captured.err.endswith(FULL + "\n")
    assert (plot.MANIFEST in captured.err) == (failing == "manifest")
    assert _snapshot(out) == before  # not one figure of this plot, nor one left out
    assert os.path.samefile(out / "market_share.png", linked)


def test_a_rename_that_fails_puts_back_the_files_already_renamed(run_file, tmp_path, capsys,
                                                                 monkeypatch):
    out = tmp_path / "figures"
    assert plot.main([str(run_file), "--out", str(out)]) == 0
    before = _snapshot(out)
    renamed, failed, real_replace = [], [], os.replace

    def replace_until_the_third(source, target):  # the third figure's rename fails, once
        into_place = not os.path.basename(target).startswith(".")
        if into_place and len(renamed) == 2 and not failed:
            failed.append(target)
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_replace(source, target)
        if into_place and not failed:
            renamed.append(target)

    monkeypatch.setattr(os, "replace", replace_until_the_third)
    capsys.readouterr()
    assert plot.main([str(run_file), "--out", str(out), "--force"]) == 1
    assert capsys.readouterr().err == (f"error: cannot write '{out / 'awareness.png'}': "
                                       f"{os.strerror(errno.EIO)}\n")
    assert len(renamed) == 2 and _snapshot(out) == before


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


def test_a_failed_block_leaves_nothing_it_wrote(tmp_path):
    (tmp_path / "mine").mkdir()
    out = tmp_path / "mine" / "new" / "figures"
    with pytest.raises(KeyboardInterrupt):
        with atomic_write.all_or_nothing(out) as files:
            files.write(out / "first.png", PNG)
            files.write(out / "second.png", PNG)
            raise KeyboardInterrupt  # Ctrl-C before the third
    assert list(tmp_path.iterdir()) == [tmp_path / "mine"]
    assert list((tmp_path / "mine").iterdir()) == []


def test_a_failed_block_puts_back_what_it_would_replace_or_remove(tmp_path):
    (tmp_path / "kept.png").write_bytes(b"the user's")
    (tmp_path / "old.png").write_bytes(b"last week's")
    (tmp_path / "stale.png").write_bytes(b"an earlier plot's")
    before = _snapshot(tmp_path)
    with pytest.raises(WriteError):
        with atomic_write.all_or_nothing(tmp_path) as files:
            files.write(tmp_path / "old.png", b"this week's")
            files.write(tmp_path / "new.png", b"this week's")
            files.remove(tmp_path / "stale.png")
            assert not (tmp_path / "stale.png").exists()  # out of sight at once
            raise WriteError("cannot write the next one")
    assert _snapshot(tmp_path) == before


def test_a_block_that_ends_puts_every_file_in_place(tmp_path):
    (tmp_path / "old.png").write_bytes(b"last week's")
    (tmp_path / "stale.png").write_bytes(b"an earlier plot's")
    os.link(tmp_path / "old.png", tmp_path / "other-name.png")
    with atomic_write.all_or_nothing(tmp_path) as files:
        files.write(tmp_path / "old.png", b"this week's")
        files.write(tmp_path / "new.png", "this week's")
        files.write(tmp_path / "new.png", b"this week's, again")  # the last data count
        files.remove(tmp_path / "stale.png")
        assert sorted(_snapshot(tmp_path)) != ["new.png", "old.png", "other-name.png"]
    assert _snapshot(tmp_path) == {"old.png": b"this week's", "new.png": b"this week's, again",
                                   "other-name.png": b"last week's"}
    assert files.committed


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
