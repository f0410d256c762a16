"""Files that cannot be read yet or any more (analysis.hdf5_read.open_file): every command names
the file and says why in plain words, with exit code 2."""

import fcntl
import pathlib

import pytest

from analysis import load
UnreadableFileError = OSError
from analysis.load import check_readable as open_file
from conftest import every_command

CUT = 10000


def _cut(run_file, tmp_path, name="cut.h5"):
    path = tmp_path / name
    path.write_bytes(run_file.read_bytes()[:CUT])
    return path


def test_a_file_cut_short_says_so_for_every_command(run_file, tmp_path, capsys):
    path = _cut(run_file, tmp_path)
    size = pathlib.Path(run_file).stat().st_size
    expected = (f"error: '{path}' is an HDF5 file cut short ({CUT:,} of {size:,} bytes): was it "
                "copied incompletely?\n")
    for main, argv in every_command(path, tmp_path):
        assert main(argv) == 2, main.__module__
        captured = capsys.readouterr()
        assert captured.err == expected, main.__module__
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cut.h5"]  # nothing written


def test_a_partial_file_cut_short_asks_whether_its_run_stopped(run_file, tmp_path):
    path = _cut(run_file, tmp_path, "run.h5.partial")
    with pytest.raises(UnreadableFileError, match=r"cut short \(10,000 of .*did its run stop"):
        open_file(path)


def test_a_file_being_written_says_so_for_every_command(run_file, tmp_path, capsys):
    path = tmp_path / "live.h5.partial"
    path.write_bytes(run_file.read_bytes())
    with open(path, "rb") as held:  # as a run writing the file holds its lock
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        for main, argv in every_command(path, tmp_path):
            assert main(argv) == 2, main.__module__
            assert capsys.readouterr().err == (
                f"error: '{path}' is being written by a run in progress (it holds the file's "
                "lock); wait for the run to finish\n"), main.__module__
    assert load.main([str(path)]) == 0  # the lock is gone: the file reads


@pytest.mark.parametrize("content, reason", [
    (None, "no such file"),
    (b"name: not a run\n", "not an HDF5 file"),
])
def test_other_unreadable_files(tmp_path, capsys, content, reason):
    path = tmp_path / "run.h5"
    if content is not None:
        path.write_bytes(content)
    assert load.main([str(path)]) == 2
    assert capsys.readouterr().err == f"error: cannot open '{path}': {reason}\n"
