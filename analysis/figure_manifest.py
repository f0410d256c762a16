"""What analysis.plot wrote into an output directory, so that a later plot there can tell its own
earlier figures from the user's files: a small text file (MANIFEST) listing each figure it wrote
with the SHA-256 of the bytes it wrote. With --force, a plot removes the figures the directory's
manifest lists that it did not draw again (an experiment with fewer design points, a single run
after an experiment), but only while they hold the bytes it wrote; it never removes any other
file, and it names the PNG files there that it did not write, so none is taken for its own."""

import hashlib
import os

MANIFEST = "analysis-plot-figures.txt"
HEADER = "# analysis.plot: the figures it wrote into this directory, each with its SHA-256."
ABOUT = ("# With --force, a later analysis.plot into this directory removes those of them that it "
         "does not draw again,\n# when they are unchanged; it never removes any other file. "
         "Delete this file to keep them all.\n")
# How many PNG files a note names before it says how many more there are.
NAMED = 5


def digest(data):
    """The SHA-256 of `data` (bytes) in hexadecimal."""
    return hashlib.sha256(data).hexdigest()


def read_manifest(directory):
    """{file name: SHA-256} of the figures an earlier plot wrote into `directory` (its MANIFEST);
    {} when there is none. Only plain names of PNG files in the directory are read, so the list
    can name nothing else.

    @throws FileExistsError when a file of that name is there that plot did not write (it would
    have to be replaced), naming it and saying how to proceed."""
    path = os.path.join(directory, MANIFEST)
    if not os.path.lexists(path):
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    if not os.path.isfile(path) or os.path.islink(path) or not lines or lines[0] != HEADER:
        raise FileExistsError(f"cannot write '{path}': it is there already and is not the list "
                              "of figures analysis.plot writes, so it is not replaced; move it "
                              "or choose another --out directory")
    figures = {}
    for line in lines[1:]:
        sha, _, name = line.partition("  ")
        if (line.startswith("#") or len(sha) != 64 or name != os.path.basename(name)
                or not name.lower().endswith(".png") or name in (".", "..")):
            continue
        figures[name] = sha
    return figures


def _unchanged(path, sha):
    """True when `path` is a regular file (not a link) holding the bytes whose SHA-256 is
    `sha`."""
    if os.path.islink(path) or not os.path.isfile(path):
        return False
    try:
        with open(path, "rb") as f:
            return digest(f.read()) == sha
    except OSError:
        return False


def tidy(directory, earlier, written, force, files):
    """After a plot wrote the figures `written` ({name: SHA-256}) into `directory`, whose
    manifest listed `earlier`: the figures of `earlier` not written again are removed with
    `force` while unchanged, else kept. Returns ({name: SHA-256} of every figure of plot's that
    the directory now holds, [lines saying what was done and what was left]). A figure that
    changed since plot wrote it is the user's now: left, and no longer listed. The figures are
    removed through `files` (atomic_write.OutputFiles), which puts them back when the plot
    fails."""
    ours, said = dict(written), []
    for name, sha in sorted(earlier.items()):
        path = os.path.join(directory, name)
        if name in written or not os.path.lexists(path):
            continue
        if not _unchanged(path, sha):
            said.append(f"left {path}: an earlier plot wrote it, but it has changed since")
            continue
        if not force:
            ours[name] = sha
            said.append(f"kept {path}: an earlier plot drew it and this one did not (pass "
                        "--force to remove it)")
            continue
        try:
            files.remove(path)
        except OSError as error:
            ours[name] = sha
            said.append(f"kept {path}: an earlier plot drew it and this one did not, but it "
                        f"cannot be removed: {error.strerror or error}")
            continue
        said.append(f"removed {path}: an earlier plot drew it and this one did not")
    return ours, said


def write_manifest(directory, figures, files):
    """Writes MANIFEST into `directory` through `files` (atomic_write.OutputFiles), with the
    plot's figures: the figures `figures` ({name: SHA-256}), by name.

    @throws WriteError when the system fails to write it."""
    lines = [HEADER, ABOUT.rstrip("\n")] + [f"{figures[n]}  {n}" for n in sorted(figures)]
    files.write(os.path.join(directory, MANIFEST), "\n".join(lines) + "\n")


def other_figures(directory, known):
    """The PNG files in `directory` other than those named in `known` (plot's own, and those
    tidy spoke of), by name."""
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    return sorted(n for n in names if n.lower().endswith(".png") and n not in known)


def others_note(directory, names):
    """A line naming the PNG files `names` in `directory` that this plot did not write, so that
    none is taken for one of its figures; "" for none."""
    if not names:
        return ""
    shown = ", ".join(names[:NAMED]) + (f" and {len(names) - NAMED} more"
                                        if len(names) > NAMED else "")
    many = "file" if len(names) == 1 else "files"
    return (f"note: '{directory}' also holds {len(names)} PNG {many} that this plot did not "
            f"write (left alone): {shown}")
