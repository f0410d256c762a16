"""Where a command may write: checked before any work, so that a bad output path fails at once
and writes nothing, and so that nothing a user made is lost. An existing file is replaced only
when the user asks (--force), and never a run's HDF5 file, a scenario or an input of the command,
whatever the user asks. The writing itself goes through atomic_write."""

import os
import tempfile

import h5py

from analysis.atomic_write import name_max

# Names a report or a figure never replaces, even with --force: runs' files and scenarios.
PROTECTED_SUFFIXES = {".h5": "a run's file", ".hdf5": "a run's file", ".partial": "a run's file",
                      ".yaml": "a scenario", ".yml": "a scenario"}
# How many of the existing figures a refusal names.
NAMED_FIGURES = 3


def add_force_argument(parser, what, more=""):
    """The --force option of a command that writes `what` ("the HTML file", "the figures"),
    with `more` it does besides ("also remove ...")."""
    parser.add_argument("--force", action="store_true",
                        help=f"replace {what} when it exists already (a run's HDF5 file, a "
                             "scenario or an input of the command is never replaced)"
                             + (f"; {more}" if more else ""))


def _probe(directory, where):
    """Raises PermissionError when no file can be made in `directory`, which os.access cannot
    tell for root (it says yes for /proc, /sys or a read-only mount): a file is made there and
    removed at once."""
    try:
        handle, probe = tempfile.mkstemp(dir=directory, prefix=".marketsim-", suffix=".probe")
    except OSError as error:
        raise PermissionError(f"{where}: {error.strerror or error}") from None
    os.close(handle)
    try:
        os.unlink(probe)
    except OSError as error:  # (a directory that takes files but lets none be removed)
        raise PermissionError(f"{where}: {error.strerror or error}; the test file '{probe}' "
                              "could not be removed") from None


def check_writable_file(path, inputs=()):
    """Raises OSError saying why a file cannot be written at `path` (an HTML page, say), if it
    cannot: its directory must exist and be writable, and it must not be a directory or one of
    the `inputs`. Commands call it before any work, so a bad output path fails at once."""
    where = f"cannot write '{path}'"
    if not path:
        raise FileNotFoundError(f"{where}: expected a file name")
    if os.path.isdir(path):
        raise IsADirectoryError(f"{where}: it is a directory (expected a file name)")
    if os.path.exists(path) and any(os.path.exists(i) and os.path.samefile(path, i)
                                    for i in inputs):
        raise OSError(f"{where}: it is an input file of this command")
    parent = os.path.dirname(path) or "."
    if not os.path.lexists(parent):
        raise FileNotFoundError(f"{where}: directory '{parent}' does not exist")
    if not os.path.isdir(parent):
        raise NotADirectoryError(f"{where}: '{parent}' is not a directory")
    _check_name_lengths(where, parent, [os.path.basename(path)])
    if os.path.exists(path) and not os.access(path, os.W_OK):
        raise PermissionError(f"{where}: the file is not writable")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise PermissionError(f"{where}: directory '{parent}' is not writable")
    _probe(parent, where)


def check_writable_directory(path):
    """Raises OSError saying why files cannot be written into directory `path` (figures, say),
    if they cannot: it must be a writable directory, or be missing with its nearest existing
    ancestor a writable directory (the command then makes it). Commands call it before any work."""
    where = f"cannot write into '{path}'"
    if not path:
        raise FileNotFoundError(f"{where}: expected a directory name")
    if os.path.lexists(path):
        if not os.path.isdir(path):
            raise NotADirectoryError(f"{where}: it is a file, not a directory")
        if not os.access(path, os.W_OK | os.X_OK):
            raise PermissionError(f"{where}: the directory is not writable")
        _probe(path, where)
        return
    ancestor, names = _missing_below(path)
    if not os.path.isdir(ancestor):
        raise NotADirectoryError(f"{where}: '{ancestor}' is not a directory")
    _check_name_lengths(where, ancestor, names)
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise PermissionError(f"{where}: it cannot be made, directory '{ancestor}' is not writable")
    _probe(ancestor, f"{where}: it cannot be made in '{ancestor}'")


def _missing_below(path):
    """(the nearest existing ancestor of the missing directory `path`, "." when it names none;
    the names of the directories to make below it, the outermost first)."""
    names = []
    directory = os.path.normpath(path)
    while directory and not os.path.lexists(directory):
        directory, name = os.path.split(directory)
        names.insert(0, name)
    return directory or ".", names


def _check_name_lengths(where, directory, names):
    """Raises OSError when one of `names`, to be made in `directory` (each inside the one
    before), is longer than the file system allows a name to be (PC_NAME_MAX): the system would
    refuse it only when the command writes, after its work, with "File name too long"."""
    limit = name_max(directory)
    for i, name in enumerate(names):
        size = len(os.fsencode(name))
        if limit is not None and size > limit:
            which = "its name" if i == len(names) - 1 else f"the name '{name}' in it"
            raise OSError(f"{where}: {which} is {size} bytes long, longer than the file system "
                          f"allows ({limit} bytes)")


def check_new_file(path, force=False, inputs=()):
    """Raises OSError saying why `path` may not be written (check_writable_file), or may not be
    replaced: an existing file is replaced only with `force`, and never when it is not a regular
    file, is an HDF5 file or is named as a run or a scenario is (PROTECTED_SUFFIXES)."""
    check_writable_file(path, inputs)
    if not os.path.lexists(path):
        return
    where = f"cannot write '{path}'"
    kept = _kept_whatever_asked(path)
    if kept:
        raise FileExistsError(f"{where}: {kept}, which is never replaced, even with --force; "
                              "choose another file name")
    if not force:
        raise FileExistsError(f"{where}: the file exists; pass --force to replace it, or choose "
                              "another file name")


def check_new_figures(directory, names, force=False):
    """Raises OSError when figures `names` may not be written into `directory`: some are there
    already and `force` is not set (the message names the first few and says how to proceed), or
    one is something a figure never replaces (a directory, a run's file)."""
    there = [name for name in names if os.path.lexists(os.path.join(directory, name))]
    for name in there:
        kept = _kept_whatever_asked(os.path.join(directory, name))
        if kept:
            raise FileExistsError(f"cannot write '{os.path.join(directory, name)}': {kept}, "
                                  "which is never replaced, even with --force; choose another "
                                  "--out directory")
    if there and not force:
        shown = ", ".join(there[:NAMED_FIGURES])
        more = f" and {len(there) - NAMED_FIGURES} more" if len(there) > NAMED_FIGURES else ""
        noun = "figure" if len(there) == 1 else "figures"
        raise FileExistsError(
            f"cannot write into '{directory}': it holds {shown}{more} already; pass --force to "
            f"replace the {noun} (the other files there are left alone), or choose another --out "
            "directory")


def _kept_whatever_asked(path):
    """Why the existing `path` is never replaced ("it is an HDF5 file"), or "" when it may be."""
    if os.path.isdir(path):
        return "it is a directory"
    if not os.path.isfile(path):
        return "it is not a regular file"
    if h5py.is_hdf5(path):
        return "it is an HDF5 file (a run's output, perhaps)"
    suffix = os.path.splitext(path)[1]
    if suffix.lower() in PROTECTED_SUFFIXES:
        return f"it is named as {PROTECTED_SUFFIXES[suffix.lower()]} is ({suffix})"
    return ""
